"""The output formats: how a table's values and rows become CSV, JSON Lines or Parquet.

CSV follows the encodings of GOLD_GUIDE.md: booleans ``true``/``false``, lists joined with
``;`` in sorted order (empty string for none), missing values empty. Text cells that a
spreadsheet would run as a formula get a leading ``'``. :func:`csv_cell` encodes one value;
:func:`write_csv`, :func:`write_jsonl` and :func:`write_parquet` write a whole table to a
binary handle (:mod:`calcminer.nlp.io.writers` makes the files, atomically;
:mod:`calcminer.nlp.io.stream` writes a table chunk by chunk with the same encodings).
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Iterator, Sequence
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


def column_values(series: pd.Series) -> Iterator[Any]:
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


def write_csv(df: pd.DataFrame, handle: BinaryIO, header: bool = True) -> None:
    """Write the table as CSV (UTF-8, ``\\n`` line ends, minimal quoting)."""
    text = io.TextIOWrapper(handle, encoding=OUTPUT_ENCODING, newline="")
    try:
        rows: list[Sequence[str]] = []
        if header:
            rows.append([neutralize_formula(str(name)) for name in df.columns])
        columns = [csv_column(df[name]) for name in df.columns]
        rows.extend(zip(*columns, strict=True))
        write_csv_rows(text, rows)
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


def write_csv_rows(text: io.TextIOBase, rows: Sequence[Sequence[str]]) -> None:
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


def write_jsonl(df: pd.DataFrame, handle: BinaryIO) -> None:
    """Write the table as JSON Lines: one object per row, lists as arrays, missing as null."""
    names = [str(name) for name in df.columns]
    columns = [list(column_values(df[name])) for name in df.columns]
    for row in zip(*columns, strict=True):
        record = {name: _json_value(value) for name, value in zip(names, row, strict=True)}
        line = json.dumps(record, ensure_ascii=False, allow_nan=False)
        handle.write(line.encode(OUTPUT_ENCODING) + b"\n")


def write_parquet(df: pd.DataFrame, handle: BinaryIO) -> None:
    """Write the table as Parquet; list columns are ``list<string>``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrays = [arrow_column(str(name), df[name]) for name in df.columns]
    table = pa.Table.from_arrays(arrays, names=[str(name) for name in df.columns])
    pq.write_table(table, handle)


def arrow_column(name: str, series: pd.Series, empty_type: pa.DataType | None = None) -> pa.Array:
    """Convert one column to Arrow with an explicit type where the table fixes one.

    A column with no value is ``string``, or ``empty_type`` when given (the streaming writer
    passes ``null`` so that other chunks decide the type).
    """
    import pyarrow as pa

    if series.dtype.kind in "biuf":
        return pa.array(series)
    values = list(column_values(series))
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
    return text_array(values)


def text_array(values: Iterable[Any]) -> pa.Array:
    """A ``string`` array of values in their text form (:func:`_stringify`), None kept."""
    import pyarrow as pa

    return pa.array([None if v is None else _stringify(v) for v in values], type=pa.string())


def _stringify(value: Any) -> str:
    """Text form of a value for a mixed column: JSON for containers, plain text otherwise."""
    value = plain_value(value)
    if isinstance(value, list | tuple | dict | set | frozenset):
        return json.dumps(_json_value(value), ensure_ascii=False)
    return _csv_scalar(value)


__all__ = [
    "FLOAT_SIGNIFICANT_DIGITS",
    "FORMULA_ESCAPE",
    "FORMULA_PREFIXES",
    "LIST_SEPARATOR",
    "OUTPUT_ENCODING",
    "OUTPUT_FORMATS",
    "OutputFormat",
    "arrow_column",
    "column_values",
    "csv_cell",
    "csv_column",
    "format_float",
    "neutralize_formula",
    "output_format",
    "plain_value",
    "text_array",
    "write_csv",
    "write_csv_rows",
    "write_jsonl",
    "write_parquet",
]
