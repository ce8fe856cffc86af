"""The worklist file (``calcminer audit --worklist worklist.csv``): :func:`read_worklist`
reads the previous worklist, also after a person edited and saved it in Excel, and
:func:`write_worklist` writes the new one atomically.

Writing follows the project's CSV conventions (:mod:`calcminer.nlp.io.formats`) but for
one thing: the file starts with a UTF-8 BOM, as the one file of calcminer meant to be edited
in a spreadsheet (without it Excel reads the UTF-8 of names and notes as its own code page).
Then ``,`` between cells, ``\\n`` line ends, minimal quoting (cells holding CR or LF
quoted), dates ``YYYY-MM-DD``, empty cells for none, and text a spreadsheet would run as a
formula prefixed with ``'``. One addition makes the round trip exact: a text starting with
``'`` followed by such a text (``'=x``) is prefixed too, so reading removes exactly the one
``'`` that writing added (:func:`escape_cell`, :func:`unescape_cell`), and write -> read ->
write gives the same bytes.

Reading accepts what Excel saves: a BOM, ``;`` or tab between cells (taken from the header
line), CRLF line ends, columns in any order, empty rows, and dates rewritten as
``07/12/2026``, ``7.12.2026`` or ``2026-12-07 00:00:00``
(:func:`~calcminer.nlp.audit.dates.parse_exam_date`). The order of day and month of
``dd/mm/yyyy``-like dates is decided over all the file's dates (a day above 12 decides);
when none decides, it is day first in a ``;`` file (the European Excel that writes ``;``)
and month first otherwise. Cells are read as text, never as numbers (``00123`` stays
``00123``). Columns that are no worklist column (carried input columns, and columns a person
added) are kept, in file order, in :attr:`~calcminer.nlp.audit.worklist.WorklistRow.meta`;
they are written back after the system columns.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from calcminer.nlp.audit.dates import ORDER_SEPARATORS, parse_exam_date, year_last
from calcminer.nlp.audit.worklist import (
    BOOKKEEPING_COLUMNS,
    DATE_COLUMNS,
    NAMED_COLUMNS,
    PERSON_COLUMNS,
    SYSTEM_COLUMNS,
    WorklistRow,
)
from calcminer.nlp.errors import DataError, Errors, InputError, OutputError
from calcminer.nlp.io.atomic import write_atomic
from calcminer.nlp.io.formats import (
    FORMULA_ESCAPE,
    FORMULA_PREFIXES,
    write_csv_rows,
)

#: The worklist's file suffix.
WORKLIST_SUFFIX = ".csv"
#: Delimiters read, the first that finds ``report_id`` in the header line winning on a tie.
DELIMITERS: tuple[str, ...] = (",", ";", "\t")
#: Delimiter whose files have day-first dates when no date decides.
DAY_FIRST_DELIMITER = ";"
#: Columns a worklist must have.
REQUIRED_COLUMNS: tuple[str, ...] = ("report_id", *PERSON_COLUMNS)
#: Encoding read: UTF-8, with or without the BOM Excel writes.
READ_ENCODING = "utf-8-sig"
#: Encoding written: UTF-8 with a BOM, so that Excel opens the file as UTF-8.
WRITE_ENCODING = "utf-8-sig"
#: A ``days_overdue`` cell.
WHOLE_NUMBER = re.compile(r"-?\d+")
#: Name given to a column without a name whose cells hold something (``unnamed_<position>``).
UNNAMED_COLUMN = "unnamed_{position}"
#: Values of ``worklist_status``.
WORKLIST_STATUSES = ("open", "closed")


def check_worklist_path(path: str | Path) -> Path:
    """The worklist path, checked: call it before any output is written.

    Raises:
        OutputError: E334 when the path does not end in ``.csv``.
    """
    target = Path(path)
    if target.suffix.lower() != WORKLIST_SUFFIX:
        raise OutputError(Errors.E334.format(path=target, suffix=target.suffix))
    return target


def needs_escape(text: str) -> bool:
    """Whether writing prefixes ``text`` with ``'``: it starts, after any ``'``, with a
    character that makes a spreadsheet run it as a formula (``=``, ``+``, ``-``, ``@``, tab,
    CR)."""
    return text.lstrip(FORMULA_ESCAPE).startswith(FORMULA_PREFIXES)


def escape_cell(text: str) -> str:
    """A text cell as written: prefixed with ``'`` when :func:`needs_escape`."""
    return FORMULA_ESCAPE + text if needs_escape(text) else text


def unescape_cell(cell: str) -> str:
    """A text cell as read: the ``'`` that :func:`escape_cell` added removed (exactly that)."""
    if cell.startswith(FORMULA_ESCAPE) and needs_escape(cell[1:]):
        return cell[1:]
    return cell


def worklist_columns(rows: Iterable[WorklistRow]) -> tuple[str, ...]:
    """The worklist file's columns: system, then the rows' other columns (in the order they
    first appear), then person and bookkeeping columns."""
    other: dict[str, None] = {}
    for row in rows:
        other.update(dict.fromkeys(name for name in row.meta if name not in NAMED_COLUMNS))
    return (*SYSTEM_COLUMNS, *other, *PERSON_COLUMNS, *BOOKKEEPING_COLUMNS)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    return escape_cell(str(value))


def worklist_cells(rows: Sequence[WorklistRow]) -> list[list[str]]:
    """The worklist as CSV cells: the header, then one list per row."""
    columns = worklist_columns(rows)
    table = [[escape_cell(name) for name in columns]]
    for row in rows:
        cells = []
        for name in columns:
            value = getattr(row, name) if name in NAMED_COLUMNS else row.meta.get(name, "")
            cells.append(_cell(value))
        table.append(cells)
    return table


def write_worklist(rows: Iterable[WorklistRow], path: str | Path) -> Path:
    """Write the worklist atomically (a reader never sees a half-written file).

    Args:
        rows: The worklist (:attr:`~calcminer.nlp.audit.worklist.WorklistUpdate.rows`).
        path: A ``.csv`` path; parent folders are created.

    Returns:
        The path written.

    Raises:
        OutputError: E334 for a path not ending in ``.csv``; E202 when it cannot be written.
    """
    target = check_worklist_path(path)
    write_atomic(target, worklist_writer(rows))
    return target


def worklist_writer(rows: Iterable[WorklistRow]) -> Callable[[BinaryIO], None]:
    """The function that writes the worklist's CSV to a binary handle (for a caller that
    stages it with other outputs, as :func:`~calcminer.nlp.io.writers.write_tables` does).

    Args:
        rows: The worklist.

    Returns:
        A writer of the CSV bytes (the cells are encoded now, once).
    """
    table = worklist_cells(list(rows))

    def write(handle: BinaryIO) -> None:
        text = io.TextIOWrapper(handle, encoding=WRITE_ENCODING, newline="")
        try:
            write_csv_rows(text, table)
            text.flush()
        finally:
            text.detach()

    return write


def read_worklist(path: str | Path) -> list[WorklistRow] | None:
    """Read a worklist file, as calcminer wrote it or as Excel saved it (module docstring).

    Args:
        path: The worklist's path (``.csv``).

    Returns:
        Its rows in file order, or None when the file does not exist yet (the first run).

    Raises:
        OutputError: E334 for a path not ending in ``.csv``.
        InputError: E330 for a file that is no worklist (not UTF-8, no header, a required
            column missing, a column twice); E331 for a cell that cannot be read (naming its
            line and column, never its text); E332 for a report id on two rows.
    """
    target = check_worklist_path(path)
    if not target.exists():
        return None

    def unreadable(detail: str) -> InputError:
        return InputError(Errors.E330.format(path=target, detail=detail))

    if not target.is_file():
        raise unreadable("it is not a file")
    try:
        data = target.read_bytes()
    except OSError as e:
        raise unreadable(e.strerror or type(e).__name__) from e
    try:
        text = data.decode(READ_ENCODING)
    except UnicodeDecodeError as e:
        raise unreadable(
            f"it is not UTF-8 text (byte {e.start}); in Excel save it as 'CSV UTF-8'"
        ) from None
    if not text.strip():
        raise unreadable("it is empty")
    delimiter = sniff_delimiter(text.splitlines()[0])
    if delimiter is None:
        raise unreadable("its first line has no report_id column")
    records = list(_records(text, delimiter, target))
    header = [unescape_cell(name).strip() for name in records[0][1]]
    body = [(line, _pad(cells, header, line, target)) for line, cells in records[1:]]
    body = [(line, cells) for line, cells in body if any(cell.strip() for cell in cells)]
    header, body = _named_columns(header, body)
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    if repeated:
        raise unreadable(f"the column(s) {', '.join(repeated)} appear twice in the header")
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise unreadable(f"the column(s) {', '.join(missing)} are missing")
    day_first = _date_order(body, header, delimiter, target)
    rows = [
        _row(dict(zip(header, cells, strict=True)), line, day_first, target) for line, cells in body
    ]
    first: dict[str, int] = {}
    for (line, _), row in zip(body, rows, strict=True):
        if row.report_id in first:
            raise InputError(
                Errors.E332.format(
                    report_id=row.report_id,
                    where=f"worklist {target}",
                    first=first[row.report_id],
                    second=line,
                )
            )
        first[row.report_id] = line
    return rows


def sniff_delimiter(header_line: str) -> str | None:
    """The delimiter of a worklist: the one of :data:`DELIMITERS` that makes the header line
    hold a ``report_id`` column (the one giving most columns), None when none does."""
    found: list[tuple[int, str]] = []
    for delimiter in DELIMITERS:
        cells = next(csv.reader([header_line], delimiter=delimiter), [])
        if "report_id" in (unescape_cell(cell).strip() for cell in cells):
            found.append((len(cells), delimiter))
    if not found:
        return None
    most = max(count for count, _ in found)
    return next(delimiter for count, delimiter in found if count == most)


def _records(text: str, delimiter: str, path: Path) -> Iterable[tuple[int, list[str]]]:
    """The file's records with the line each starts on (a quoted cell may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            raise InputError(
                Errors.E331.format(path=path, line=line, column="(quoting)", detail=str(e))
            ) from None
        yield line, cells


def _pad(cells: list[str], header: list[str], line: int, path: Path) -> list[str]:
    """A record's cells, one per header column (a short row padded with empty cells)."""
    if len(cells) > len(header):
        if any(cell.strip() for cell in cells[len(header) :]):
            raise InputError(
                Errors.E331.format(
                    path=path,
                    line=line,
                    column="(beyond the header)",
                    detail=f"the row has {len(cells)} cells but the header {len(header)}",
                )
            )
        return cells[: len(header)]
    return cells + [""] * (len(header) - len(cells))


def _named_columns(
    header: list[str], body: list[tuple[int, list[str]]]
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The columns without a name dropped when empty (Excel's trailing ``;``), named
    :data:`UNNAMED_COLUMN` otherwise."""
    keep = [
        index
        for index, name in enumerate(header)
        if name or any(cells[index].strip() for _, cells in body)
    ]
    names = [header[i] or UNNAMED_COLUMN.format(position=i + 1) for i in keep]
    return names, [(line, [cells[i] for i in keep]) for line, cells in body]


def _date_order(
    body: list[tuple[int, list[str]]], header: list[str], delimiter: str, path: Path
) -> bool:
    """Whether the file's ``dd/mm/yyyy``-like dates are day first (module docstring).

    Raises:
        InputError: E331 when some dates read only day first and others only month first.
    """
    votes: dict[bool, tuple[int, str]] = {}
    positions = [(index, name) for index, name in enumerate(header) if name in DATE_COLUMNS]
    for line, cells in body:
        for index, name in positions:
            fields = year_last(cells[index].strip())
            if fields is None or fields.separator not in ORDER_SEPARATORS:
                continue
            day_first, month_first = fields.orders
            if day_first != month_first:
                votes.setdefault(day_first, (line, name))
    if len(votes) == 2:
        line, name = votes[False]
        detail = (
            f"a date that reads only month first, while line {votes[True][0]} "
            "has one that reads only day first; write the dates as YYYY-MM-DD"
        )
        raise InputError(Errors.E331.format(path=path, line=line, column=name, detail=detail))
    if votes:
        return next(iter(votes))
    return delimiter == DAY_FIRST_DELIMITER


def _row(cells: dict[str, str], line: int, day_first: bool, path: Path) -> WorklistRow:
    """One worklist row from its cells by column name."""

    def bad(column: str, detail: str) -> InputError:
        return InputError(Errors.E331.format(path=path, line=line, column=column, detail=detail))

    def text(name: str) -> str:
        return unescape_cell(cells.get(name, ""))

    def when(name: str) -> date | None:
        value = cells.get(name, "").strip()
        if not value:
            return None
        try:
            return parse_exam_date(value, day_first=day_first)
        except DataError as e:
            raise bad(name, f"not a date ({e.detail})") from None

    report_id = text("report_id")
    if not report_id.strip():
        raise bad("report_id", "the report id is empty")
    status = cells.get("worklist_status", "").strip().lower() or "open"
    if status not in WORKLIST_STATUSES:
        raise bad("worklist_status", "expected open or closed (or empty for open)")
    days = cells.get("days_overdue", "").strip()
    if days and not WHOLE_NUMBER.fullmatch(days):
        raise bad("days_overdue", "not a whole number of days")
    meta = {
        name: unescape_cell(value) for name, value in cells.items() if name not in NAMED_COLUMNS
    }
    return WorklistRow(
        report_id=report_id,
        patient_id=text("patient_id"),
        exam_date=when("exam_date"),
        level=text("level"),
        due_date=when("due_date"),
        audit_status=text("audit_status"),
        days_overdue=int(days) if days else None,
        followup_report_id=text("followup_report_id"),
        followup_date=when("followup_date"),
        due_source=text("due_source"),
        meta=meta,
        owner=text("owner"),
        note=text("note"),
        action=text("action"),
        closed_reason=text("closed_reason"),
        worklist_status="closed" if status == "closed" else "open",
        first_listed=when("first_listed"),
        last_updated=when("last_updated"),
        closed_on=when("closed_on"),
    )


__all__ = [
    "DAY_FIRST_DELIMITER",
    "DELIMITERS",
    "READ_ENCODING",
    "REQUIRED_COLUMNS",
    "UNNAMED_COLUMN",
    "WHOLE_NUMBER",
    "WORKLIST_STATUSES",
    "WORKLIST_SUFFIX",
    "check_worklist_path",
    "escape_cell",
    "needs_escape",
    "read_worklist",
    "sniff_delimiter",
    "unescape_cell",
    "worklist_cells",
    "worklist_columns",
    "worklist_writer",
    "write_worklist",
]
