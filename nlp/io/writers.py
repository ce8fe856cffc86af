"""Writers at the output edge of the flow: DataFrames -> CSV, JSON Lines or Parquet files.

CSV follows the encodings of GOLD_GUIDE.md: booleans ``true``/``false``, lists joined with
``;`` in sorted order (empty string for none), missing values empty. Text cells that a
spreadsheet would run as a formula get a leading ``'``. Every write is atomic: the table
goes to a temporary file in the target directory, is synced, then renamed onto the target.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import os
import re
import secrets
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Literal

from calcminer.nlp.errors import Errors, OutputError
from calcminer.nlp.io.tables import LIST_COLUMNS

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

OutputFormat = Literal["csv", "parquet", "jsonl"]

OUTPUT_FORMATS: dict[str, OutputFormat] = {
    ".csv": "csv",
    ".parquet": "parquet",
    ".jsonl": "jsonl",
}
#: First characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection).
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
#: Prefix that makes a spreadsheet show such a cell as text.
FORMULA_ESCAPE = "'"
#: Significant digits for floats in CSV: drops binary noise (11.000000000000002 -> 11.0).
FLOAT_SIGNIFICANT_DIGITS = 15
#: Separator of list items in a CSV cell.
LIST_SEPARATOR = ";"
OUTPUT_ENCODING = "utf-8"
_TEMP_SUFFIX = ".tmp"
_TEMP_ATTEMPTS = 100
#: Random bytes in a temporary file's name (written as twice as many hex digits).
_TEMP_TOKEN_BYTES = 4


def output_format(path: str | Path) -> OutputFormat:
    """Return the table format an output path asks for.

    Args:
        path: Output file path; the extension (``.csv``, ``.parquet``, ``.jsonl``) decides.

    Returns:
        The output format.

    Raises:
        OutputError: E201 when the extension is not supported.
    """
    suffix = Path(path).suffix.lower()
    if suffix not in OUTPUT_FORMATS:
        raise OutputError(Errors.E201.format(path=path, suffix=suffix))
    return OUTPUT_FORMATS[suffix]


def write_table(df: pd.DataFrame, path: str | Path) -> Path:
    """Write a table atomically, in the format given by the path's extension.

    Parent directories are created. A reader never sees a half-written file: the table is
    written to a temporary file beside the target, synced to disk, then renamed onto it.

    Args:
        df: The table (from :mod:`calcminer.nlp.io.tables`).
        path: Output path ending in ``.csv``, ``.parquet`` or ``.jsonl``.

    Returns:
        The path written.

    Raises:
        OutputError: E201 for an unsupported extension, E202 when the file cannot be written.
    """
    target = Path(path)
    write = _table_writer(df, target)
    write_atomic(target, write)
    return target


def write_tables(tables: Sequence[tuple[pd.DataFrame, str | Path]]) -> list[Path]:
    """Write several tables atomically and together: all of them, or none.

    Each table goes to a synced temporary file beside its target, as with
    :func:`write_table`; the files are renamed onto their targets only when every table is
    written, so a full disk or a write error leaves none of them under its final name.

    Args:
        tables: (table, output path) pairs; the extension of each path gives its format.

    Returns:
        The paths written, in order.

    Raises:
        OutputError: E201 for an unsupported extension, E202 when a file cannot be written.
    """
    jobs = [(Path(path), _table_writer(df, Path(path))) for df, path in tables]
    staged: list[tuple[Path, Path]] = []
    try:
        for target, write in jobs:
            staged.append((_write_temp(target, write), target))
        while staged:
            temp, target = staged[0]
            try:
                os.replace(temp, target)
            except OSError as e:
                raise OutputError(Errors.E202.format(path=target, detail=_detail(e))) from e
            staged.pop(0)
            _fsync_directory(target.parent)
    finally:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
    return [target for target, _ in jobs]


def _table_writer(df: pd.DataFrame, target: Path) -> Callable[[BinaryIO], None]:
    """The function that writes ``df`` to a binary handle in the format of ``target``."""
    writers: dict[OutputFormat, Callable[[pd.DataFrame, BinaryIO], None]] = {
        "csv": _write_csv,
        "jsonl": _write_jsonl,
        "parquet": _write_parquet,
    }
    write = writers[output_format(target)]
    return lambda handle: write(df, handle)


# --- atomic file replacement ---------------------------------------------------------------------


def write_atomic(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write through a synced temporary file in the same directory, then rename it onto path."""
    temp = _write_temp(path, write)
    try:
        os.replace(temp, path)
    except OSError as e:
        temp.unlink(missing_ok=True)
        raise OutputError(Errors.E202.format(path=path, detail=_detail(e))) from e
    _fsync_directory(path.parent)


def _write_temp(path: Path, write: Callable[[BinaryIO], None]) -> Path:
    """Write a synced temporary file beside path; return it (removed again on any failure)."""
    import pyarrow as pa

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = _create_temp(path)
    except OSError as e:
        raise OutputError(Errors.E202.format(path=path, detail=_detail(e))) from e
    try:
        with temp.open("wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
    except (OSError, pa.ArrowException) as e:
        temp.unlink(missing_ok=True)
        detail = _detail(e) if isinstance(e, OSError) else type(e).__name__
        raise OutputError(Errors.E202.format(path=path, detail=detail)) from e
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def _create_temp(path: Path) -> Path:
    """Create an empty, exclusive temporary file beside path (mode from the umask, as usual)."""
    for _ in range(_TEMP_ATTEMPTS):
        token = secrets.token_hex(_TEMP_TOKEN_BYTES)
        temp = path.with_name(f".{path.name}.{token}{_TEMP_SUFFIX}")
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return temp
    raise FileExistsError(f"no free temporary name beside {path}")


def remove_stale_temps(path: str | Path) -> list[Path]:
    """Remove the temporary files that writing ``path`` left behind (a run that was killed).

    Only files named as this module names the temporary files of ``path``, regular files
    (not links) and owned by the current user, are removed; a file that cannot be removed
    is left. Call it only while no other process writes ``path`` (under the output's lock).

    Args:
        path: An output path.

    Returns:
        The files removed.
    """
    target = Path(path)
    pattern = re.compile(
        rf"\.{re.escape(target.name)}\.[0-9a-f]{{{2 * _TEMP_TOKEN_BYTES}}}{re.escape(_TEMP_SUFFIX)}"
    )
    try:
        names = os.listdir(target.parent)
    except OSError:
        return []
    removed = []
    for name in names:
        if not pattern.fullmatch(name):
            continue
        stale = target.parent / name
        try:
            info = os.lstat(stale)
            if stat.S_ISREG(info.st_mode) and info.st_uid == _current_uid(info.st_uid):
                stale.unlink()
                removed.append(stale)
        except OSError:
            continue
    return removed


def _current_uid(default: int) -> int:
    """The effective user id (``default`` where the platform has none, e.g. Windows)."""
    geteuid = getattr(os, "geteuid", None)
    return default if geteuid is None else int(geteuid())


def _fsync_directory(directory: Path) -> None:
    """Persist the rename; best effort, as some platforms cannot open directories."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --- value encoding ------------------------------------------------------------------------------


def _column_values(series: pd.Series) -> Iterator[Any]:
    """Yield a column's values with every kind of missing value (None, NaN, pd.NA) as None."""
    # Series.isna() is elementwise and False for list cells, so lists pass through.
    for value, missing in zip(series.tolist(), series.isna().tolist(), strict=True):
        yield None if missing else value


def plain_value(value: Any) -> Any:
    """Turn numpy and Arrow scalars into Python values."""
    item = getattr(value, "item", None)
    if callable(item) and not isinstance(value, str | bytes | list | tuple | dict):
        return item()
    return value


def format_float(value: float) -> str:
    """Format a float for CSV: shortest form, binary noise dropped, always with a decimal point.

    Args:
        value: A finite or non-finite float.

    Returns:
        E.g. ``12.0``, ``0.3`` (for 0.30000000000000004), ``1e-09``, ``inf``.
    """
    text = f"{value:.{FLOAT_SIGNIFICANT_DIGITS}g}"
    if any(char in text for char in ".eEn"):  # "n" covers nan and inf
        return text
    return text + ".0"


def neutralize_formula(text: str) -> str:
    """Prefix a text cell that a spreadsheet would evaluate as a formula with ``'``.

    Args:
        text: A CSV text cell.

    Returns:
        The cell, escaped when it starts with ``=``, ``+``, ``-``, ``@``, tab or CR.
    """
    return FORMULA_ESCAPE + text if text.startswith(FORMULA_PREFIXES) else text


def _csv_scalar(value: Any) -> str:
    """Encode one non-list value for CSV, before formula neutralization."""
    value = plain_value(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "" if math.isnan(value) else format_float(value)
    if isinstance(value, str):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, dict):
        return json.dumps(_json_value(value), ensure_ascii=False)
    return str(value)


def csv_cell(value: Any) -> str:
    """Encode one table value as a CSV cell, following GOLD_GUIDE.md.

    Args:
        value: A cell value: bool, number, str, list/tuple of values, None, or other.

    Returns:
        ``true``/``false`` for booleans, ``;``-joined sorted items for lists (empty for
        none), empty for missing values, numbers as written, and text with formulas
        neutralized. Numbers are never escaped, so ``-3`` stays ``-3``.
    """
    kind = type(value)
    # The common plain types first (same encoding as below, without the generic checks).
    if value is None:
        return ""
    if kind is str:
        return neutralize_formula(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if (kind is list or kind is tuple) and not value:
        return ""
    value = plain_value(value)
    if isinstance(value, list | tuple | set | frozenset):
        return neutralize_formula(LIST_SEPARATOR.join(sorted(_csv_scalar(v) for v in value)))
    encoded = _csv_scalar(value)
    if isinstance(value, bool | int | float):
        return encoded
    return neutralize_formula(encoded)


def _json_value(value: Any) -> Any:
    """Convert a table value to plain JSON (non-finite floats become null)."""
    kind = type(value)
    if value is None or kind is str or kind is bool or kind is int:
        return value
    value = plain_value(value)
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _json_value(item) for key, item in value.items()}
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


# --- formats -------------------------------------------------------------------------------------


def _write_csv(df: pd.DataFrame, handle: BinaryIO, header: bool = True) -> None:
    """Write the table as CSV (UTF-8, ``\\n`` line ends, minimal quoting)."""
    text = io.TextIOWrapper(handle, encoding=OUTPUT_ENCODING, newline="")
    try:
        rows: list[Sequence[str]] = []
        if header:
            rows.append([neutralize_formula(str(name)) for name in df.columns])
        columns = [csv_column(df[name]) for name in df.columns]
        rows.extend(zip(*columns, strict=True))
        _write_csv_rows(text, rows)
        text.flush()
    finally:
        text.detach()


def csv_column(series: pd.Series) -> list[str]:
    """The CSV cells of a column: :func:`csv_cell` of each value, missing values (None, NaN,
    ``pd.NA``) as empty cells.

    Text, booleans and empty lists, most cells of a table, are encoded inline, exactly as
    :func:`csv_cell` encodes them; every other value goes through :func:`csv_cell`.
    """
    escape, prefixes = FORMULA_ESCAPE, FORMULA_PREFIXES
    return [
        ""
        if missing
        else (escape + value if value.startswith(prefixes) else value)
        if value.__class__ is str
        else ("true" if value else "false")
        if value.__class__ is bool
        else ""
        if value.__class__ is list and not value
        else csv_cell(value)
        for value, missing in zip(series.tolist(), series.isna().tolist(), strict=True)
    ]


def _write_csv_rows(text: io.TextIOBase, rows: Sequence[Sequence[str]]) -> None:
    """Write rows with ``\n`` line ends, quoting every field that holds CR or LF.

    Python's csv writer (3.11) quotes only the characters of its line terminator, so with
    ``\n`` a lone CR inside a cell would go out unquoted and split the row for a reader.
    Each row is therefore written with a ``\r\n`` terminator (which makes the writer quote
    CR and LF) and the terminator is then replaced by ``\n``.

    When no cell holds a CR (the written rows then hold none), both terminators quote the
    same fields, so the rows are written at once with ``\n``: the same text.
    """
    whole = io.StringIO()
    csv.writer(whole, lineterminator="\n").writerows(rows)
    written = whole.getvalue()
    if "\r" not in written:
        text.write(written)
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(row)
        text.write(buffer.getvalue()[:-2] + "\n")


def _write_jsonl(df: pd.DataFrame, handle: BinaryIO) -> None:
    """Write the table as JSON Lines: one object per row, lists as arrays, missing as null."""
    names = [str(name) for name in df.columns]
    columns = [list(_column_values(df[name])) for name in df.columns]
    for row in zip(*columns, strict=True):
        record = {name: _json_value(value) for name, value in zip(names, row, strict=True)}
        line = json.dumps(record, ensure_ascii=False, allow_nan=False)
        handle.write(line.encode(OUTPUT_ENCODING) + b"\n")


def _write_parquet(df: pd.DataFrame, handle: BinaryIO) -> None:
    """Write the table as Parquet; list columns are ``list<string>``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrays = [_arrow_column(str(name), df[name]) for name in df.columns]
    table = pa.Table.from_arrays(arrays, names=[str(name) for name in df.columns])
    pq.write_table(table, handle)


def _arrow_column(name: str, series: pd.Series, empty_type: pa.DataType | None = None) -> pa.Array:
    """Convert one column to Arrow with an explicit type where the table fixes one.

    A column with no value is ``string``, or ``empty_type`` when given (the streaming writer
    passes ``null`` so that other chunks decide the type).
    """
    import pyarrow as pa

    if series.dtype.kind in "biuf":
        return pa.array(series)
    values = list(_column_values(series))
    present = [value for value in values if value is not None]
    holds_lists = name in LIST_COLUMNS or any(isinstance(v, list | tuple) for v in present)
    if holds_lists and all(isinstance(v, list | tuple) for v in present):
        lists = [None if v is None else [_csv_scalar(item) for item in v] for v in values]
        return pa.array(lists, type=pa.list_(pa.string()))
    if not present:
        return pa.array(values, type=empty_type if empty_type is not None else pa.string())
    plain = [plain_value(value) for value in values]
    kinds = {type(value) for value in plain if value is not None}
    if float in kinds and kinds <= {int, float}:
        # Ints and floats make a double column, as a float and an int chunk unify to.
        return pa.array([None if v is None else float(v) for v in plain], type=pa.float64())
    if len(kinds) == 1:
        try:
            return pa.array(plain)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError):
            pass
    # Mixed input columns (e.g. ints and strings in one JSONL key) are kept as text. Arrow's
    # own inference is not used for them: it depends on the order of the values (a float
    # then True makes [1.5, 1.0]), so a column's values would depend on its chunk.
    return _text_array(values)


def _text_array(values: Iterable[Any]) -> pa.Array:
    """A ``string`` array of values in their text form (:func:`_stringify`), None kept."""
    import pyarrow as pa

    return pa.array([None if v is None else _stringify(v) for v in values], type=pa.string())


def _stringify(value: Any) -> str:
    """Text form of a value for a mixed column: JSON for containers, plain text otherwise."""
    value = plain_value(value)
    if isinstance(value, list | tuple | dict | set | frozenset):
        return json.dumps(_json_value(value), ensure_ascii=False)
    return _csv_scalar(value)


# --- streaming: one table written chunk by chunk -------------------------------------------------


def arrow_chunk(df: pd.DataFrame, schema: pa.Schema | None = None) -> pa.Table:
    """Convert a chunk to Arrow; columns with no value get the ``null`` type.

    With ``schema`` (from :func:`unify_schemas`), every column gets its type there: a column
    that becomes text is written from its values as a mixed chunk would be (never an Arrow
    cast, whose text for floats and booleans differs), so a value's text does not depend on
    the values that share its chunk.
    """
    import pyarrow as pa

    arrays = []
    for name in df.columns:
        array = _arrow_column(str(name), df[name], empty_type=pa.null())
        target = None if schema is None else schema.field(str(name)).type
        if target is not None and array.type != target:
            if pa.types.is_string(target) and not pa.types.is_null(array.type):
                array = _text_array(_column_values(df[name]))
            elif pa.types.is_floating(target) and pa.types.is_integer(array.type):
                # As a whole table's int-and-float column is made (float() of each value):
                # an int beyond 2**53 rounds instead of failing Arrow's safe cast.
                values = array.to_pylist()
                array = pa.array([None if v is None else float(v) for v in values], type=target)
            else:
                array = array.cast(target)
        arrays.append(array)
    if schema is not None:
        return pa.Table.from_arrays(arrays, schema=schema)
    return pa.Table.from_arrays(arrays, names=[str(name) for name in df.columns])


def unify_schemas(schemas: list[pa.Schema], columns: list[str]) -> pa.Schema:
    """One Arrow schema for all chunks: ``null`` gives way, numbers widen, conflicts are text.

    Args:
        schemas: The chunks' schemas (from :func:`arrow_chunk`).
        columns: The table's columns, in order.

    Returns:
        The schema every chunk is cast to; a column with no value anywhere is ``string``.
    """
    import pyarrow as pa

    fields = []
    for name in columns:
        types = [s.field(name).type for s in schemas if name in s.names]
        types = [t for t in dict.fromkeys(types) if t != pa.null()]
        if not types:
            chosen = pa.string()
        elif len(types) == 1:
            chosen = types[0]
        elif all(pa.types.is_integer(t) or pa.types.is_floating(t) for t in types):
            chosen = pa.float64()
        else:
            chosen = pa.string()
        fields.append(pa.field(name, chosen))
    return pa.schema(fields)


@dataclass(frozen=True)
class RenderedRows:
    """Rows of one table chunk, already encoded for an output (made where it was mined).

    Attributes:
        format: ``csv`` (rows without the header) or ``jsonl``.
        columns: The chunk's columns, in order.
        rows: Number of rows.
        data: The encoded rows, exactly as :class:`TableStream` would write them.
    """

    format: OutputFormat
    columns: tuple[str, ...]
    rows: int
    data: bytes


def render_rows(df: pd.DataFrame, fmt: OutputFormat) -> RenderedRows:
    """Encode a table chunk's rows for CSV (no header) or JSON Lines.

    Raises:
        ValueError: For a format that is not text (Parquet).
    """
    buffer = io.BytesIO()
    if fmt == "csv":
        _write_csv(df, buffer, header=False)
    elif fmt == "jsonl":
        _write_jsonl(df, buffer)
    else:
        raise ValueError(f"only csv and jsonl rows can be rendered ahead, not {fmt!r}")
    return RenderedRows(fmt, tuple(str(c) for c in df.columns), len(df), buffer.getvalue())


#: Rows per row group of a streamed Parquet table. Fixed, so that the file does not depend on
#: the chunks the rows came in: the same rows give the same bytes at any chunk size.
PARQUET_ROW_GROUP_ROWS = 10_000


class _RowGroups:
    """Collects Arrow tables and writes them to a Parquet writer in row groups of ``rows``."""

    def __init__(self, writer: Any, rows: int) -> None:
        self._writer = writer
        self._rows = rows
        self._pending: list[pa.Table] = []
        self._count = 0

    def add(self, table: pa.Table) -> None:
        """Add rows; every full row group is written."""
        self._pending.append(table)
        self._count += table.num_rows
        while self._count >= self._rows:
            self._write(self._rows)

    def flush(self) -> None:
        """Write the rows left (the last, shorter row group)."""
        if self._count:
            self._write(self._count)

    def _write(self, rows: int) -> None:
        import pyarrow as pa

        table = pa.concat_tables(self._pending)
        # One contiguous chunk per column: the pages do not depend on the chunks either.
        self._writer.write_table(table.slice(0, rows).combine_chunks(), row_group_size=rows)
        rest = table.slice(rows)
        self._pending = [rest] if rest.num_rows else []
        self._count -= rows


class TableStream:
    """Writes one table chunk by chunk into a temporary file; ``commit`` renames it into place.

    ``commit`` is :meth:`finish` (complete and sync the file) then :meth:`publish` (rename);
    several streams are finished first and then published, so that a failure leaves none of
    them under its final name. Until then, nothing exists under the final name, so an
    interrupted run (even ``kill -9``) never leaves a half-written table there. Cells are
    encoded as by :func:`write_table`, so the file is byte-identical to writing the whole
    table at once (CSV, JSONL); Parquet is written in row groups of
    ``PARQUET_ROW_GROUP_ROWS``, so its bytes do not depend on the chunks either.

    Args:
        path: Final path; the format comes from its extension.
        columns: The table's columns; every chunk is reindexed to them.
        schema: For Parquet, the Arrow schema of all chunks (see :func:`unify_schemas`).
    """

    def __init__(
        self, path: str | Path, columns: list[str], schema: pa.Schema | None = None
    ) -> None:
        self.path = Path(path)
        self.format = output_format(self.path)
        self.columns = columns
        self.rows = 0
        self._schema = schema
        self._parquet: Any = None
        if self.format == "parquet" and schema is None:
            raise ValueError("a Parquet stream needs the unified schema")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._temp = _create_temp(self.path)
        except OSError as e:
            raise OutputError(Errors.E202.format(path=self.path, detail=_detail(e))) from e
        try:
            self._handle: BinaryIO = self._temp.open("wb")
            if self.format == "csv":
                import pandas as pd

                _write_csv(pd.DataFrame(columns=columns), self._handle)
            elif self.format == "parquet":
                import pyarrow.parquet as pq

                self._parquet = pq.ParquetWriter(self._handle, schema)
                self._row_groups = _RowGroups(self._parquet, PARQUET_ROW_GROUP_ROWS)
        except OSError as e:
            self.abort()
            raise OutputError(Errors.E202.format(path=self.path, detail=_detail(e))) from e

    def accepts(self, rendered: RenderedRows | None) -> bool:
        """Whether rows encoded ahead (:func:`render_rows`) can be copied into this stream:
        same format (CSV or JSON Lines) and same columns. Parquet chunks are always converted
        here, against the schema of the whole table (:func:`arrow_chunk`), so that a value
        does not depend on the chunk it came in."""
        return (
            rendered is not None
            and self.format != "parquet"
            and rendered.format == self.format
            and list(rendered.columns) == self.columns
        )

    def write_rendered(self, rendered: RenderedRows) -> None:
        """Append rows encoded ahead; they must be :meth:`accepts`-ed.

        Raises:
            ValueError: For rows the stream does not accept.
        """
        if not self.accepts(rendered):
            raise ValueError("rows rendered for another format or other columns")
        try:
            self._handle.write(rendered.data)
        except OSError as e:
            self.abort()
            raise OutputError(Errors.E202.format(path=self.path, detail=_detail(e))) from e
        self.rows += rendered.rows

    def write(self, df: pd.DataFrame) -> None:
        """Append a chunk of rows."""
        chunk = df.reindex(columns=self.columns)
        try:
            if self.format == "csv":
                _write_csv(chunk, self._handle, header=False)
            elif self.format == "jsonl":
                _write_jsonl(chunk, self._handle)
            elif len(chunk):
                self._row_groups.add(arrow_chunk(chunk, self._schema))
        except OSError as e:
            self.abort()
            raise OutputError(Errors.E202.format(path=self.path, detail=_detail(e))) from e
        self.rows += len(chunk)

    def finish(self) -> None:
        """Complete the temporary file and sync it to disk (nothing under the final name yet).

        A full disk or another write error shows here at the latest, so a run that finishes
        every stream before it publishes any (:meth:`publish`) leaves no final file when one
        of them fails.
        """
        try:
            if self._parquet is not None:
                self._row_groups.flush()
                self._parquet.close()
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()
        except OSError as e:
            self.abort()
            raise OutputError(Errors.E202.format(path=self.path, detail=_detail(e))) from e

    def publish(self) -> Path:
        """Move the finished temporary file onto its final name (after :meth:`finish`)."""
        try:
            os.replace(self._temp, self.path)
        except OSError as e:
            self.abort()
            raise OutputError(Errors.E202.format(path=self.path, detail=_detail(e))) from e
        _fsync_directory(self.path.parent)
        return self.path

    def commit(self) -> Path:
        """Finish the file and move it onto its final name."""
        self.finish()
        return self.publish()

    def abort(self) -> None:
        """Drop the temporary file (nothing once it is published)."""
        writer, self._parquet = self._parquet, None
        if writer is not None and writer.is_open:
            try:
                writer.close()
            except OSError:
                writer.is_open = False  # so that collecting it does not try again
        handle = getattr(self, "_handle", None)
        if handle is not None and not handle.closed:
            # A full disk fails the final flush too; the file is removed all the same.
            with contextlib.suppress(OSError):
                handle.close()
        self._temp.unlink(missing_ok=True)


def _detail(error: OSError) -> str:
    """The reason of an I/O error, without the file name (the message names the file)."""
    return error.strerror or type(error).__name__
