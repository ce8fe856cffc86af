"""The ``.xlsx`` reader: the first sheet of an Excel workbook, its first row the header, one
item per row below it, streamed with openpyxl's read-only mode.

Rows are read one at a time from the sheet's XML inside the workbook (nothing is unpacked to
disk); the workbook's shared text table, where Excel keeps every text cell, is held in memory
while the file is read, so very large archives are better exported as CSV or JSON Lines.
Cells keep their type: integer ids stay integers (and become strings), dates are carried as
dates. Empty rows are skipped but keep their row number; a row with values right of the header's
last named column is an error row (E186).
"""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

from calcminer.nlp.errors import Errors, InputError
from calcminer.nlp.io.records import InputLimits, Item, build_record
from calcminer.nlp.schema import RecordError

XLSX_SUFFIXES: frozenset[str] = frozenset({".xlsx"})


def _openpyxl(path: Path) -> Any:
    """The ``openpyxl`` module; E180 when it is not installed."""
    try:
        import openpyxl
    except ImportError as e:
        fix = "save the sheet as CSV UTF-8 in the spreadsheet program and give that file"
        raise InputError(
            Errors.E180.format(
                path=path, what="an Excel workbook (.xlsx)", package="openpyxl", fix=fix
            )
        ) from e
    return openpyxl


def _unreadable(path: Path, error: Exception, after: str = "") -> InputError:
    """E105 for a workbook that cannot be read (the error's type only: its message may quote
    the sheet's XML)."""
    detail = describe_workbook_error(error) + after
    return InputError(Errors.E105.format(path=path, detail=detail))


def describe_workbook_error(error: Exception) -> str:
    """What went wrong reading a workbook, never its content."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return f"not a readable .xlsx workbook ({type(error).__name__})"


def _rows(path: Path) -> Generator[tuple[Any, ...], None, None]:
    """The rows of the workbook's first sheet as tuples of cell values (trailing empty cells
    may be missing), the workbook closed at the end."""
    openpyxl = _openpyxl(path)
    with warnings.catch_warnings():
        # "Workbook contains no default style", data validation and the like: about looks.
        warnings.simplefilter("ignore", UserWarning)
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        # Some programs write a wrong "used range": read the rows as they are stored.
        sheet.reset_dimensions()
        for row in sheet.iter_rows(values_only=True):
            yield tuple(row)
    finally:
        workbook.close()


#: What openpyxl raises for a file that is no workbook, or a damaged one.
_WORKBOOK_ERRORS: tuple[type[Exception], ...] = (
    OSError,
    zipfile.BadZipFile,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    EOFError,
)


def _header_names(row: tuple[Any, ...]) -> list[str]:
    """Column names of a header row: text as it is, other values as text, trailing empty
    cells dropped."""
    names = ["" if value is None else str(value) for value in row]
    while names and not names[-1].strip():
        names.pop()
    return names


def xlsx_header(path: Path) -> list[str]:
    """Return the header row of a workbook's first sheet ([] for an empty sheet).

    Raises:
        InputError: E105 when the file is not a readable workbook, E180 without openpyxl.
    """
    rows = _rows(path)
    try:
        first = next(rows, None)
    except _WORKBOOK_ERRORS as e:
        raise _unreadable(path, e) from e
    finally:
        rows.close()
    return _header_names(first) if first is not None else []


def read_xlsx_file(path: Path, id_col: str, text_col: str, limits: InputLimits) -> Iterator[Item]:
    """Yield one item per data row of a workbook's first sheet (row 1 = first row after the
    header)."""
    source = str(path)
    max_id = limits.max_report_id_chars
    row_number = 0
    rows = _rows(path)
    try:
        first = next(rows, None)
        header = _header_names(first) if first is not None else []
        width = len(header)
        for row in rows:
            row_number += 1
            if all(value is None for value in row):
                continue  # an empty row
            beyond = sum(1 for value in row[width:] if value is not None)
            if beyond:
                reason = Errors.E186.format(count=beyond, columns=width)
                yield RecordError(source, row_number, None, "E186", reason)
                continue
            fields = dict(zip(header, row[:width] + (None,) * (width - len(row)), strict=True))
            yield build_record(fields, id_col, text_col, source, row_number, max_id)
    except _WORKBOOK_ERRORS as e:
        raise _unreadable(path, e, f" after row {row_number}") from e
    finally:
        rows.close()


__all__ = ["XLSX_SUFFIXES", "describe_workbook_error", "read_xlsx_file", "xlsx_header"]
