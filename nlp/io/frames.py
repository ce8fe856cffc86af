"""In-memory inputs of the Python API: a pandas DataFrame, or an iterable of dicts (one record
each), read like a file.

:func:`classify_inputs` tells what the API was handed: paths (a ``str`` or ``Path``, or an
iterable of them: read by :func:`~calcminer.nlp.io.readers.read_reports`, as always), or data
(:class:`InMemory`). An input that could be either stays paths: a list of strings is a list of
files. :func:`read_inputs` reads either kind, one item per record.

Rows of data go through the same record checks as the rows of a file (:func:`build_record`:
the id and text types, the id length, the text limit, the carried-column cap), so every row
gives a report or an error row: ``source`` is ``<DataFrame>`` or ``<records>``, ``line`` the
row number (1 = the first row, i.e. ``df.iloc[line - 1]``). Columns other than the id and
text are carried in ``Report.meta``, as for a file. Values are handed on as Python values:
numpy scalars become ``int``, ``float``, ``bool``...; a missing value (``None``, ``NaN``,
``NaT``, ``pd.NA``) is ``None``, as in a Parquet file (so a missing text is E112); timestamps
stay ``pandas.Timestamp`` (a ``datetime``). Column names are read as text (``str(name)``).

Whole-input problems raise before any record is read: a DataFrame without the id or text
column (E190, naming both when both are missing, and the columns present), duplicate column
names (E191), an input of another type (E192). A record of an iterable that is not a mapping
is an error row (E193).
"""

from __future__ import annotations

import math
import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias, cast

from calcminer.nlp.errors import Errors, InputError
from calcminer.nlp.io.readers import cap_carried_columns, input_limits, read_reports
from calcminer.nlp.io.records import InputLimits, Item, build_record, column_names, kind_of
from calcminer.nlp.schema import RecordError

if TYPE_CHECKING:
    import pandas as pd

    #: What the Python API reads: paths, a DataFrame, or records (dicts).
    ReportInputs: TypeAlias = (
        str
        | os.PathLike[str]
        | Iterable[str | os.PathLike[str]]
        | pd.DataFrame
        | Iterable[Mapping[str, Any]]
    )

#: ``source`` of the records of a DataFrame and of an iterable of dicts.
DATAFRAME_SOURCE = "<DataFrame>"
RECORDS_SOURCE = "<records>"
#: A lone surrogate: a Python string that cannot be written as UTF-8.
_SURROGATE = re.compile("[\ud800-\udfff]")
#: The end of an iterable (its first item, when it has none).
_END = object()


@dataclass(frozen=True, eq=False)
class InMemory:
    """Data handed to the Python API: a DataFrame (``frame``) or records (``records``).

    Compared by identity (``eq=False``): comparing the data itself would compare DataFrames
    cell by cell, which has no single truth value (Python 3.13's dataclasses compare field by
    field, without the identity shortcut of tuples).

    Attributes:
        source: ``<DataFrame>`` or ``<records>``, the ``source`` of its error rows.
        frame: The DataFrame, or None.
        records: The records (an iterable of dicts), or None.
    """

    source: str
    frame: pd.DataFrame | None = None
    records: Iterable[Any] | None = None


def _is_path(value: Any) -> bool:
    return isinstance(value, str | os.PathLike)


def _is_dataframe(value: Any) -> bool:
    """Whether ``value`` is a pandas DataFrame (pandas is not imported for the question)."""
    pandas = sys.modules.get("pandas")
    return pandas is not None and isinstance(value, pandas.DataFrame)


def _type_name(value: Any) -> str:
    kind = type(value)
    module = "" if kind.__module__ == "builtins" else f"{kind.__module__.split('.')[0]}."
    return f"{module}{kind.__name__}"


def classify_inputs(inputs: ReportInputs | InMemory | None) -> list[str | Path] | InMemory:
    """Tell paths from data.

    A ``str`` or path-like is one path; a DataFrame is data; any other iterable is looked at
    through its first item: a mapping makes it records, a path (or nothing: an empty list)
    makes it a list of paths, in which every item must then be a path.

    Args:
        inputs: What the API was handed (an :class:`InMemory` is returned as it is).

    Returns:
        The list of paths, or the data.

    Raises:
        InputError: E192 for anything else (a dict, bytes, a number, a list of DataFrames ...).
    """
    if isinstance(inputs, InMemory):
        return inputs
    if _is_path(inputs):
        return [inputs]  # type: ignore[list-item]
    if _is_dataframe(inputs):
        return InMemory(DATAFRAME_SOURCE, frame=inputs)  # type: ignore[arg-type]
    if isinstance(inputs, Mapping | bytes | bytearray) or not isinstance(inputs, Iterable):
        raise InputError(Errors.E192.format(kind=_type_name(inputs)))
    items = iter(inputs)
    first = next(items, _END)
    if first is _END:
        return []
    if isinstance(first, Mapping):
        rest = inputs if isinstance(inputs, Sequence) else chain([first], items)
        return InMemory(RECORDS_SOURCE, records=rest)
    paths = [first, *items]
    other = next((item for item in paths if not _is_path(item)), None)
    if other is not None:
        raise InputError(Errors.E192.format(kind=f"{_type_name(inputs)} of {_type_name(other)}"))
    return cast("list[str | Path]", paths)  # str or os.PathLike: read_reports takes Path(item)


def input_paths(inputs: list[str | Path] | InMemory) -> list[str | Path]:
    """The input files of classified inputs (none for data): for the output checks."""
    return [] if isinstance(inputs, InMemory) else inputs


def read_inputs(
    inputs: ReportInputs | InMemory,
    id_col: str = "report_id",
    text_col: str = "text",
    *,
    limits: InputLimits | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
) -> Iterator[Item]:
    """Read paths (:func:`~calcminer.nlp.io.readers.read_reports`) or data, one item per
    record, in order.

    Every input is checked before any record is read (see :func:`read_reports`, and E190/E191
    for a DataFrame or records).

    Args:
        inputs: Paths, a DataFrame, records, or what :func:`classify_inputs` made of them.
        id_col: Id column.
        text_col: Text column.
        limits: Input limits; None reads the packaged ones.
        delimiter: Cell delimiter of CSV and TSV files (see ``read_reports``).
        encoding: Codec of text files (see ``read_reports``); data is already text.

    Returns:
        An iterator over one report or error row per record.

    Raises:
        InputError: As :func:`read_reports` for paths; E190 (no id or text column), E191
            (duplicate column names) and E192 (an input of another type) for data.
    """
    chosen = classify_inputs(inputs)
    if not isinstance(chosen, InMemory):
        return read_reports(
            chosen,
            id_col=id_col,
            text_col=text_col,
            limits=limits,
            delimiter=delimiter,
            encoding=encoding,
        )
    active = limits if limits is not None else input_limits()
    if chosen.frame is not None:
        items = _frame_items(chosen.frame, id_col, text_col, active)
    else:
        items = _record_items(chosen.records or (), id_col, text_col, active)
    if active.max_carried_columns is None:
        return items
    return cap_carried_columns(items, active.max_carried_columns)


# --- checks --------------------------------------------------------------------------------------


def _check_columns(source: str, columns: Sequence[str], id_col: str, text_col: str) -> None:
    """Raise E191 for duplicate column names, E190 when the id or the text column (or both)
    is missing."""
    duplicates = sorted({name for name in columns if columns.count(name) > 1})
    if duplicates:
        raise InputError(Errors.E191.format(source=source, columns=column_names(duplicates)))
    missing = [
        f"{role} column {column!r}"
        for role, column in (("id", id_col), ("text", text_col))
        if column not in columns
    ]
    if missing:
        raise InputError(
            Errors.E190.format(
                source=source, missing=" and no ".join(missing), present=column_names(columns)
            )
        )


# --- values --------------------------------------------------------------------------------------


def native(value: Any) -> Any:
    """A value of a DataFrame cell or a record as a file reader would give it: numpy scalars
    as Python values, a missing value (``NaN``, ``NaT``, ``pd.NA``) as None."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else float(value)
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(value, numpy.generic):
        if isinstance(value, numpy.datetime64):
            import pandas as pd

            return None if numpy.isnat(value) else pd.Timestamp(value)
        if isinstance(value, numpy.timedelta64):
            return None if numpy.isnat(value) else value
        return native(value.item())
    pandas = sys.modules.get("pandas")
    if pandas is not None and (value is pandas.NA or value is pandas.NaT):
        return None
    return value


def _surrogate_column(fields: Mapping[str, Any]) -> str | None:
    """Where a record's names or text values hold a lone surrogate (E145), or None."""
    for key, value in fields.items():
        if _SURROGATE.search(key):
            return "A column name"
        if isinstance(value, str) and _SURROGATE.search(value):
            return f"Column {key!r}"
    return None


def _item(
    fields: dict[str, Any], id_col: str, text_col: str, source: str, line: int, max_id: int
) -> Item:
    where = _surrogate_column(fields)
    if where is not None:
        raw_id = fields.get(id_col)
        shown = raw_id if isinstance(raw_id, str) and not _SURROGATE.search(raw_id) else None
        reason = Errors.E145.format(where=where)
        return RecordError(source, line, shown, "E145", reason)
    return build_record(fields, id_col, text_col, source, line, max_id)


# --- readers -------------------------------------------------------------------------------------


def _frame_items(
    frame: pd.DataFrame, id_col: str, text_col: str, limits: InputLimits
) -> Iterator[Item]:
    """Check a DataFrame's columns now; return a reader of its rows."""
    columns = [str(name) for name in frame.columns]
    _check_columns(DATAFRAME_SOURCE, columns, id_col, text_col)

    def rows() -> Iterator[Item]:
        max_id = limits.max_report_id_chars
        values = frame.itertuples(index=False, name=None)
        for line, row in enumerate(values, start=1):
            fields = {name: native(value) for name, value in zip(columns, row, strict=True)}
            yield _item(fields, id_col, text_col, DATAFRAME_SOURCE, line, max_id)

    return rows()


def _record_items(
    records: Iterable[Any], id_col: str, text_col: str, limits: InputLimits
) -> Iterator[Item]:
    """Check that some record has the id and the text key (E190 when none has, as for a JSON
    Lines file: a record that merely lacks one is an error row); return a reader.

    The check stops at the first record with both keys; the records it looked at are held
    until they are read (none are read twice, so a generator is fine).
    """
    items = iter(records)
    seen: list[Any] = []
    keys: dict[str, None] = {}
    for record in items:
        seen.append(record)
        if isinstance(record, Mapping):
            names = [str(name) for name in record]
            if id_col in names and text_col in names:
                break
            keys.update(dict.fromkeys(names))
    else:
        if any(isinstance(record, Mapping) for record in seen):
            _check_columns(RECORDS_SOURCE, list(keys), id_col, text_col)

    def rows() -> Iterator[Item]:
        max_id = limits.max_report_id_chars
        for line, record in enumerate(chain(seen, items), start=1):
            if not isinstance(record, Mapping):
                reason = Errors.E193.format(kind=kind_of(record))
                yield RecordError(RECORDS_SOURCE, line, None, "E193", reason)
                continue
            fields = {str(name): native(value) for name, value in record.items()}
            yield _item(fields, id_col, text_col, RECORDS_SOURCE, line, max_id)

    return rows()


__all__ = [
    "DATAFRAME_SOURCE",
    "RECORDS_SOURCE",
    "InMemory",
    "classify_inputs",
    "input_paths",
    "native",
    "read_inputs",
]
