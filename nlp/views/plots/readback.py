"""A report or findings table read back from CSV or Parquet, brought to the tables' types.

The inverse of :mod:`calcminer.nlp.io.writers` for the cells the batch figures read: lists as
``;``-joined text, booleans as ``true``/``false``, sizes as text or numbers
(:func:`list_cell`, :func:`bool_cell`, :func:`size_cell`, :func:`normalize_table`). pandas is
imported only when a table is read.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from calcminer.nlp.errors import Errors, InputError

if TYPE_CHECKING:
    import pandas as pd

#: Size columns of the report and findings tables, in mm.
SIZE_COLUMNS: frozenset[str] = frozenset({"size_mm", "max_size_mm"})


class CellError(InputError):
    """E160: a table cell that cannot be read.

    Attributes:
        detail: Why, never with the cell's value; :func:`convert_cell` adds the column and
            row to it.
    """

    def __init__(self, detail: str) -> None:
        super().__init__(Errors.E160.format(detail=detail))
        self.detail = detail


def _is_missing(value: Any) -> bool:
    """None, NaN, pd.NA or NaT (a list-like value is never missing)."""
    import pandas as pd

    if isinstance(value, str) or _is_list_like(value):
        return False
    return bool(pd.isna(value))


def _is_list_like(value: Any) -> bool:
    """Lists, tuples, sets and arrays (Parquet gives numpy arrays), not strings."""
    return not isinstance(value, str | bytes | dict) and hasattr(value, "__iter__")


def list_cell(value: Any) -> tuple[str, ...]:
    """Read a list cell of a table, as built or as read back from a file.

    Args:
        value: A list, tuple or array of items (the tables, Parquet), a ``;``-joined string
            (CSV, see :mod:`calcminer.nlp.io.writers`), or a missing value.

    Returns:
        The items as stripped strings, empty ones dropped; ``()`` for a missing value.
    """
    from calcminer.nlp.io.writers import LIST_SEPARATOR

    if isinstance(value, str):
        items: Iterable[Any] = value.split(LIST_SEPARATOR)
    elif _is_list_like(value):
        items = value
    elif _is_missing(value):
        return ()
    else:
        items = [value]
    texts = (str(item).strip() for item in items if not _is_missing(item))
    return tuple(text for text in texts if text)


def bool_cell(value: Any) -> bool | None:
    """Read a boolean cell, as built or as read back from a file.

    Args:
        value: A bool (also numpy's), ``true``/``false`` text in any case (CSV), or missing.

    Returns:
        The boolean, or None for a missing value.

    Raises:
        CellError: E160 for any other value.
    """
    from calcminer.nlp.io.writers import plain_value

    value = plain_value(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return value.strip().lower() == "true"
    if _is_missing(value):
        return None
    raise CellError(f"expected true or false, got a {type(value).__name__}")


def size_cell(value: Any) -> float | None:
    """Read a size cell (mm), as built or as read back from a file.

    Args:
        value: A number, its text (CSV read as text), an empty string, or a missing value.

    Returns:
        The size in mm, or None for a missing value or an empty string.

    Raises:
        CellError: E160 for a value that is not a finite number >= 0.
    """
    from calcminer.nlp.io.writers import plain_value

    value = plain_value(value)
    if isinstance(value, str):
        if not value.strip():
            return None
        try:
            value = float(value)
        except ValueError:  # float() of text that is no number
            raise CellError("expected a size in mm, got text") from None
    if _is_missing(value):
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise CellError(f"expected a size in mm, got a {type(value).__name__}")
    size = float(value)
    if not math.isfinite(size) or size < 0:
        raise CellError("expected a finite size >= 0 mm")
    return size


def normalize_table(table: pd.DataFrame) -> pd.DataFrame:
    """Bring a report or findings table read back from CSV or Parquet to the tables' types.

    List columns (``segments``, ``lobes`` ...) become lists of str, boolean columns
    (``counted``, ``calcification`` ...) become ``boolean``, and ``size_mm`` and
    ``max_size_mm`` become ``Float64``; other columns are left as they are. A table from
    :mod:`calcminer.nlp.io.tables` comes back equal to itself.

    Args:
        table: A report or findings table, from :mod:`calcminer.nlp.io.tables`,
            ``pd.read_csv`` or ``pd.read_parquet``.

    Returns:
        A new table; the input is not changed.

    Raises:
        InputError: E160 for a cell that cannot be read; the message names the column and
            the row position, never the value.
    """
    import pandas as pd

    from calcminer.nlp.io.tables import LIST_COLUMNS

    converters: dict[str, tuple[Callable[[Any], Any], str]] = {}
    for name in table.columns:
        if name in LIST_COLUMNS:
            converters[name] = (lambda value: list(list_cell(value)), "object")
        elif name in _boolean_columns():
            converters[name] = (bool_cell, "boolean")
        elif name in SIZE_COLUMNS:
            converters[name] = (size_cell, "Float64")
    result = table.copy()
    for name, (convert, dtype) in converters.items():
        values = [
            convert_cell(convert, value, name, position)
            for position, value in enumerate(table[name].tolist())
        ]
        result[name] = pd.Series(values, index=table.index, dtype=dtype)
    return result


def _boolean_columns() -> frozenset[str]:
    """Columns of the report and findings tables that hold booleans."""
    from dataclasses import fields

    from calcminer.nlp.schema import Finding, ReportResult

    return frozenset(
        field.name
        for cls in (ReportResult, Finding)
        for field in fields(cls)
        if str(field.type) == "bool"
    )


def convert_cell(
    convert: Callable[[Any], Any],
    value: Any,
    column: str,
    position: int,
    *,
    message: str = Errors.E160,
) -> Any:
    """Convert one cell with a ``*_cell`` reader; a failure names the column and row, never
    the value.

    Args:
        convert: A reader such as :func:`bool_cell` or :func:`size_cell`.
        value: The cell.
        column: Its column, for the message.
        position: Its row position, for the message.
        message: The coded message of a failure, with a ``{detail}`` field: E160, or the
            contract of the table the cell is read for (E212 for the batch figures).

    Returns:
        What ``convert`` returns.

    Raises:
        InputError: ``message`` when ``convert`` raises :class:`CellError`, its detail
            prefixed with the column and row.
    """
    try:
        return convert(value)
    except CellError as e:
        detail = f"column {column!r}, row {position}: {e.detail}"
        raise InputError(message.format(detail=detail)) from None
