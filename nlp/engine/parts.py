"""Part files of the work folder: one chunk's tables as Arrow IPC data, never pickle.

A part holds the tables of one chunk (reports, findings, errors, recommendations) and the
rows already encoded for the run's outputs (CSV or JSON Lines rows, Arrow data for Parquet).
It is one Arrow IPC file with one record per table or per role's encoded rows; each table is
itself an Arrow IPC stream.
Reading a part parses Arrow buffers and, for input values Arrow has no type for, JSON text:
nothing in a part can run code, whoever wrote it.

Every value the writers see comes back exactly (so a resumed run writes the bytes of an
uninterrupted one): ``boolean``, ``Int64`` and ``Float64`` columns keep their dtypes and
missing values; text and list-of-text columns are Arrow ``string`` and ``list<string>``; input
columns that hold only integers, floats or booleans keep those Python types; any other input
column (mixed types, nested objects, dates) is kept cell by cell as tagged JSON.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from calcminer.nlp.errors import CalcminerError, DataError, Errors
from calcminer.nlp.io.stream import RenderedRows

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

#: Written into every part; a part of another format is refused.
PART_FORMAT = "calcminer-part/2"
#: The tables of a chunk, in the order they are stored.
TABLE_ROLES = ("reports", "findings", "errors", "recommendations")
_KIND_TABLE = "table"
_KIND_ROWS = "rows"
_MASKED_DTYPES = frozenset({"boolean", "Int64", "Float64"})
#: Input columns whose values all have one of these types keep an Arrow type.
_PLAIN_TYPES: dict[type, str] = {int: "int", float: "float", bool: "bool"}


class PartFormatError(DataError):
    """A part file is damaged, of another format, or not a part of the expected chunk (E240;
    a ``ValueError`` too, as before it had a code).

    ``detail`` says what is wrong; the engine names the part file with it (E215).
    """

    def __init__(self, detail: str) -> None:
        super().__init__(Errors.E240.format(detail=detail), detail)


# --- tagged JSON: any input value as plain JSON, and back -------------------------------------


def _tz_tag(tzinfo: dt.tzinfo | None, sample: dt.datetime | None) -> Any:
    """A time zone as JSON: a zone name, or a fixed offset in seconds (None when naive)."""
    if tzinfo is None:
        return None
    name = getattr(tzinfo, "key", None) or getattr(tzinfo, "zone", None)
    if isinstance(name, str) and not isinstance(tzinfo, dt.timezone):
        return name
    offset = tzinfo.utcoffset(sample)
    return None if offset is None else offset.total_seconds()


def _tz_untag(tag: Any) -> dt.tzinfo | None:
    if tag is None:
        return None
    if isinstance(tag, str):
        from zoneinfo import ZoneInfo

        return ZoneInfo(tag)
    if tag == 0:
        return dt.UTC
    return dt.timezone(dt.timedelta(seconds=float(tag)))


def tag_value(value: Any) -> Any:
    """Encode a value as JSON-ready data that :func:`untag_value` turns back into it.

    JSON scalars and lists stay as they are; tuples, dicts (keys of any type), bytes,
    decimals, dates, times and durations become ``{"t": kind, "v": ...}`` objects. Any
    other object becomes its text (``{"t": "text"}``), which the CSV and JSON Lines writers
    would have written for it anyway.
    """
    kind = type(value)
    if value is None or kind is str or kind is bool or kind is int or kind is float:
        return value
    if kind is list:
        return [tag_value(item) for item in value]
    if kind is tuple:
        return {"t": "tuple", "v": [tag_value(item) for item in value]}
    if kind is dict:
        return {"t": "dict", "v": [[tag_value(k), tag_value(v)] for k, v in value.items()]}
    if isinstance(value, bytes | bytearray):
        return {"t": "bytes", "v": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, Decimal):
        return {"t": "decimal", "v": str(value)}
    if isinstance(value, dt.datetime):
        naive = value.replace(tzinfo=None).isoformat()
        return {"t": "datetime", "v": naive, "tz": _tz_tag(value.tzinfo, value)}
    if isinstance(value, dt.date):
        return {"t": "date", "v": value.isoformat()}
    if isinstance(value, dt.time):
        naive = value.replace(tzinfo=None).isoformat()
        return {"t": "time", "v": naive, "tz": _tz_tag(value.tzinfo, None)}
    if isinstance(value, dt.timedelta):
        return {"t": "timedelta", "v": [value.days, value.seconds, value.microseconds]}
    # A subclass of a plain type is kept as that type.
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, list | tuple):
        return tag_value(list(value) if isinstance(value, list) else tuple(value))
    if isinstance(value, dict):
        return tag_value(dict(value))
    item = getattr(value, "item", None)
    if callable(item):  # a numpy or Arrow scalar
        plain = item()
        if type(plain) is not type(value):
            return tag_value(plain)
    return {"t": "text", "v": str(value)}


def _untag_object(tagged: dict[str, Any]) -> Any:
    kind, payload = tagged["t"], tagged["v"]
    if kind == "tuple":
        return tuple(untag_value(item) for item in payload)
    if kind == "dict":
        return {untag_value(key): untag_value(item) for key, item in payload}
    if kind == "bytes":
        return base64.b64decode(payload.encode("ascii"), validate=True)
    if kind == "decimal":
        return Decimal(payload)
    if kind == "datetime":
        return dt.datetime.fromisoformat(payload).replace(tzinfo=_tz_untag(tagged["tz"]))
    if kind == "date":
        return dt.date.fromisoformat(payload)
    if kind == "time":
        return dt.time.fromisoformat(payload).replace(tzinfo=_tz_untag(tagged["tz"]))
    if kind == "timedelta":
        days, seconds, microseconds = payload
        return dt.timedelta(days=days, seconds=seconds, microseconds=microseconds)
    if kind == "text" and isinstance(payload, str):
        return payload
    raise PartFormatError(f"unknown value tag {kind!r}")


def untag_value(tagged: Any) -> Any:
    """Turn data from :func:`tag_value` back into the value.

    Raises:
        PartFormatError: For data that :func:`tag_value` does not make.
    """
    if isinstance(tagged, list):
        return [untag_value(item) for item in tagged]
    if isinstance(tagged, dict):
        try:
            return _untag_object(tagged)
        except (KeyError, TypeError, ValueError, InvalidOperation) as e:
            raise PartFormatError(f"bad tagged value ({type(e).__name__})") from e
    return tagged


# --- one table <-> Arrow ----------------------------------------------------------------------


def _object_column(values: list[Any]) -> tuple[pa.Array, str]:
    """An object column as Arrow, and how it was encoded (see the module docstring)."""
    import pyarrow as pa

    kinds = {type(value) for value in values}
    kinds.discard(type(None))
    if kinds <= {str}:
        return pa.array(values, type=pa.string()), "str"
    if kinds == {list} and all(
        type(item) is str for value in values if value is not None for item in value
    ):
        return pa.array(values, type=pa.list_(pa.string())), "list_str"
    if len(kinds) == 1 and (kind := next(iter(kinds))) in _PLAIN_TYPES:
        arrow_type = {int: pa.int64(), float: pa.float64(), bool: pa.bool_()}[kind]
        try:
            return pa.array(values, type=arrow_type), _PLAIN_TYPES[kind]
        except (OverflowError, pa.ArrowException):
            pass  # e.g. integers beyond 64 bits: kept as JSON below
    texts = [
        None if value is None else json.dumps(tag_value(value), ensure_ascii=False)
        for value in values
    ]
    return pa.array(texts, type=pa.string()), "json"


def _lists(array: pa.ListArray) -> list[list[Any] | None]:
    """The lists of a list array as Python lists (``to_pylist`` is ten times slower)."""
    items = array.values.to_numpy(zero_copy_only=False).tolist()
    bounds = array.offsets.to_numpy().tolist()
    lists: list[list[Any] | None] = [items[start:end] for start, end in pairwise(bounds)]
    if array.null_count:
        valid = array.is_valid().to_numpy(zero_copy_only=False).tolist()
        lists = [value if ok else None for value, ok in zip(lists, valid, strict=True)]
    return lists


def _column_values(array: pa.Array, encoding: str) -> Any:
    """The values of an object column stored by :func:`_object_column`."""
    if encoding == "str":
        return array.to_numpy(zero_copy_only=False)
    if encoding == "list_str":
        return _lists(array)
    if encoding in {"int", "float", "bool"}:
        return array.to_pylist()
    if encoding == "json":
        texts = array.to_pylist()
        return [None if text is None else untag_value(json.loads(text)) for text in texts]
    raise PartFormatError(f"unknown column encoding {encoding!r}")


def encode_table(df: pd.DataFrame) -> bytes:
    """One table as an Arrow IPC stream (columns, dtypes and values kept exactly).

    Raises:
        CalcminerError: E910 for a column dtype that the tables module never makes (a bug).
    """
    import pyarrow as pa

    arrays, fields = [], []
    for name in df.columns:
        series = df[name]
        dtype = str(series.dtype)
        if dtype in _MASKED_DTYPES or series.dtype.kind in "biuf":
            array, encoding = pa.array(series), "native"
        elif dtype == "object":
            array, encoding = _object_column(series.tolist())
        else:
            raise CalcminerError(Errors.E910.format(name=name, dtype=dtype))
        meta = {b"dtype": dtype.encode(), b"encoding": encoding.encode()}
        fields.append(pa.field(str(name), array.type, metadata=meta))
        arrays.append(array)
    schema = pa.schema(fields, metadata={b"rows": str(len(df)).encode()})
    table = pa.Table.from_arrays(arrays, schema=schema)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def decode_table(data: bytes | pa.Buffer) -> pd.DataFrame:
    """The table stored by :func:`encode_table`.

    Raises:
        PartFormatError: When the data is not such a table.
    """
    import pandas as pd
    import pyarrow as pa

    try:
        table = pa.ipc.open_stream(data).read_all()
        rows = int((table.schema.metadata or {})[b"rows"])
        columns: dict[str, pd.Series] = {}
        for position, name in enumerate(table.column_names):
            meta = table.schema.field(position).metadata or {}
            dtype, encoding = meta[b"dtype"].decode(), meta[b"encoding"].decode()
            array = table.column(position).combine_chunks()
            if encoding == "native":
                pandas_dtype: Any = pd.api.types.pandas_dtype(dtype)
                if dtype in _MASKED_DTYPES:
                    columns[name] = pd.Series(pandas_dtype.__from_arrow__(array))
                else:
                    columns[name] = pd.Series(array.to_numpy(zero_copy_only=False), dtype=dtype)
            elif dtype == "object":
                columns[name] = pd.Series(_column_values(array, encoding), dtype=object)
            else:
                raise PartFormatError(f"column {name!r}: dtype {dtype} with {encoding}")
        if len(set(columns)) != table.num_columns or table.num_rows != rows:
            raise PartFormatError("columns or rows do not match the table's schema")
        frame = pd.DataFrame(columns, columns=list(columns))
        return frame if columns else pd.DataFrame(index=pd.RangeIndex(rows))
    except PartFormatError:
        raise
    # Damaged Arrow data fails in many ways (ArrowInvalid, KeyError on metadata, a
    # ValueError from a number, a TypeError from a dtype name): each means a bad part.
    except (pa.ArrowException, KeyError, TypeError, ValueError, RecursionError) as e:
        raise PartFormatError(f"not a table of a part ({type(e).__name__})") from e


# --- one part: the chunk's tables and rows ----------------------------------------------------


class Part:
    """A decoded part: the rows encoded ahead, and the tables (decoded when first asked).

    Attributes:
        index: The chunk's position in the run.
        rendered: Per role, the rows encoded ahead for the output of that role.
    """

    def __init__(self, index: int, rendered: dict[str, RenderedRows], tables: dict[str, Any]):
        self.index = index
        self.rendered = rendered
        self._tables = tables
        self._decoded: dict[str, pd.DataFrame] = {}

    def table(self, role: str) -> pd.DataFrame:
        """The table of one role (``reports``, ``findings``, ``errors``, ``recommendations``).

        Raises:
            PartFormatError: When the part lacks it or it is damaged.
        """
        if role not in self._decoded:
            if role not in self._tables:
                raise PartFormatError(f"no {role} table")
            self._decoded[role] = decode_table(self._tables[role])
        return self._decoded[role]


def encode_part(
    index: int, tables: Mapping[str, pd.DataFrame], rendered: Mapping[str, RenderedRows]
) -> bytes:
    """A chunk's tables and encoded rows as the bytes of one part file (Arrow IPC)."""
    import pyarrow as pa

    records: list[tuple[str, str, str | None, list[str] | None, int, bytes]] = [
        (_KIND_TABLE, role, None, None, len(tables[role]), encode_table(tables[role]))
        for role in TABLE_ROLES
    ]
    records += [
        (_KIND_ROWS, role, rows.format, list(rows.columns), rows.rows, rows.data)
        for role, rows in rendered.items()
    ]
    names = ("kind", "role", "format", "columns", "rows", "data")
    types: list[pa.DataType] = [
        pa.string(),
        pa.string(),
        pa.string(),
        pa.list_(pa.string()),
        pa.int64(),
        pa.large_binary(),
    ]
    meta = {b"calcminer": PART_FORMAT.encode(), b"index": str(index).encode()}
    schema = pa.schema(list(zip(names, types, strict=True)), metadata=meta)
    arrays = [
        pa.array([record[i] for record in records], type=kind) for i, kind in enumerate(types)
    ]
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, schema) as writer:
        writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
    return sink.getvalue().to_pybytes()


def _checked(condition: bool, detail: str) -> None:
    if not condition:
        raise PartFormatError(detail)


def decode_part(data: bytes, index: int) -> Part:
    """Read the bytes of a part file; the tables are decoded when :meth:`Part.table` asks.

    Raises:
        PartFormatError: When the data is not a part of chunk ``index`` in this format.
    """
    import pyarrow as pa

    try:
        table = pa.ipc.open_file(pa.py_buffer(data)).read_all()
        meta = table.schema.metadata or {}
        _checked(meta.get(b"calcminer") == PART_FORMAT.encode(), "not a part of this format")
        _checked(meta.get(b"index") == str(index).encode(), "a part of another chunk")
        columns = {name: table.column(name) for name in ("kind", "role", "format", "columns")}
        values = {name: column.to_pylist() for name, column in columns.items()}
        counts = table.column("rows").to_pylist()
        blobs = table.column("data")
        tables: dict[str, Any] = {}
        rendered: dict[str, RenderedRows] = {}
        for row in range(table.num_rows):
            kind, role = values["kind"][row], values["role"][row]
            blob = blobs[row].as_buffer()
            _checked(isinstance(role, str) and blob is not None, "a record without data")
            if kind == _KIND_TABLE:
                tables[role] = blob
            else:
                fmt, names, rows = values["format"][row], values["columns"][row], counts[row]
                _checked(
                    kind == _KIND_ROWS
                    and fmt in {"csv", "jsonl", "parquet"}
                    and isinstance(names, list)
                    and isinstance(rows, int),
                    "a record of an unknown kind",
                )
                rendered[role] = RenderedRows(fmt, tuple(names), rows, blob.to_pybytes())
        _checked(set(TABLE_ROLES) <= set(tables), "a table is missing")
        return Part(index, rendered, tables)
    except PartFormatError:
        raise
    except (pa.ArrowException, KeyError, TypeError, ValueError) as e:
        raise PartFormatError(f"not an Arrow part file ({type(e).__name__})") from e


__all__ = [
    "PART_FORMAT",
    "Part",
    "PartFormatError",
    "decode_part",
    "decode_table",
    "encode_part",
    "encode_table",
    "tag_value",
    "untag_value",
]
