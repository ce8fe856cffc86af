"""The audit worklist that survives runs: one row per open or recently closed index exam,
merged from the previous worklist and this run's audit (:func:`update_worklist`).

Pure logic: no pandas and no files (:mod:`calcminer.nlp.io.worklist` reads and writes the
CSV file). A :class:`WorklistRow` has four groups of columns, written in this order:

- *system* columns (:data:`SYSTEM_COLUMNS`), refreshed from the audit of each run while the
  row is open: ``report_id`` (the key), ``patient_id``, ``exam_date``, ``level``,
  ``due_date``, ``audit_status``, ``days_overdue`` (at the as-of date; empty unless
  overdue), ``followup_report_id``, ``followup_date``, ``due_source`` (empty when the audit
  gives none);
- *other* columns (``meta``): the input's columns the audit carries through (MRN, site ...),
  refreshed while the row is open, and any column a person added to the file, kept verbatim.
  An input column named like a worklist column is renamed ``input_<name>``;
- *person* columns (:data:`PERSON_COLUMNS`): ``owner``, ``note``, ``action``,
  ``closed_reason``, never changed by calcminer except that ``closed_reason`` is filled when
  the audit closes a row;
- *bookkeeping* columns (:data:`BOOKKEEPING_COLUMNS`): ``worklist_status`` (open/closed),
  ``first_listed``, ``last_updated`` (as-of dates of runs), ``closed_on``.

The rules of :func:`update_worklist`, for the previous rows and this run's audit rows:

1. An index exam new to the worklist is added: open when the audit finds no follow-up
   (pending or overdue); closed when it does (completed or late), with ``closed_on`` the
   follow-up's date, and then listed only while that date is within the retention period.
2. An open row whose ``closed_reason`` a person filled (or whose ``worklist_status`` a person
   set to ``closed``) is closed by the person: ``closed_on`` is the as-of date.
3. An open row whose follow-up the audit now finds is closed by the audit: ``closed_reason``
   says so (:data:`FOLLOWED_UP`, :data:`FOLLOWED_UP_LATE`), ``closed_on`` is the as-of date.
4. Otherwise an open row stays open, its system and carried columns refreshed.
5. A closed row stays closed, as it was (its reason and columns), whatever a later run's audit
   says; one the audit would now call overdue or pending is counted (``held_closed``). Only a
   person reopens a row: ``worklist_status`` set to ``open`` and ``closed_reason`` emptied
   (then rules 3 and 4 apply to it again).
6. A closed row is kept ``keep_closed_days`` after ``closed_on``, then dropped (counted),
   unless this run's audit calls it overdue or pending: dropped, it would come back open in
   the next run, so it is kept, closed, while the audit calls it so.
7. A previous row whose report id is not in this run's audit (a narrower period, other
   options) is kept as it was, but for rules 2 and 6, and counted (``not_in_run``).
8. A report id the audit gives twice: the first row wins, the others are counted
   (``duplicate_audit_rows``). A report id twice in the previous worklist is an error (E332):
   a person must say which row's notes to keep.

Order of the rows: open rows first, by due date (the earliest first; none last), exam date,
patient id and report id; then closed rows, the most recently closed first, then by report
id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from typing import Any, Literal

from calcminer.nlp.audit.followup import AuditRow
from calcminer.nlp.errors import DataError, Errors

WorklistStatus = Literal["open", "closed"]
#: Columns refreshed from the audit of each run while a row is open.
SYSTEM_COLUMNS: tuple[str, ...] = (
    "report_id",
    "patient_id",
    "exam_date",
    "level",
    "due_date",
    "audit_status",
    "days_overdue",
    "followup_report_id",
    "followup_date",
    "due_source",
)
#: Columns a person edits; kept verbatim across runs.
PERSON_COLUMNS: tuple[str, ...] = ("owner", "note", "action", "closed_reason")
#: Columns of the worklist's own bookkeeping.
BOOKKEEPING_COLUMNS: tuple[str, ...] = (
    "worklist_status",
    "first_listed",
    "last_updated",
    "closed_on",
)
#: Every named column; the carried and added columns (``meta``) sit between system and person.
NAMED_COLUMNS: tuple[str, ...] = (*SYSTEM_COLUMNS, *PERSON_COLUMNS, *BOOKKEEPING_COLUMNS)
#: Columns holding dates (written YYYY-MM-DD).
DATE_COLUMNS: tuple[str, ...] = (
    "exam_date",
    "due_date",
    "followup_date",
    "first_listed",
    "last_updated",
    "closed_on",
)
#: Audit statuses that mean the follow-up was found.
FOLLOWED_UP_STATUSES = frozenset({"completed", "late"})
#: The reason the audit writes when it closes a row (completed; late).
FOLLOWED_UP = "followed up: {report_id} on {date}"
FOLLOWED_UP_LATE = "followed up late: {report_id} on {date}"
#: Prefix of an input column whose name is a worklist column's.
INPUT_PREFIX = "input_"
#: Days a closed row is kept after it closed (``worklist_keep_closed_days``).
DEFAULT_KEEP_CLOSED_DAYS = 90
#: The counts of :class:`WorklistUpdate`, in the order :meth:`WorklistUpdate.counts` gives them.
COUNT_NAMES: tuple[str, ...] = (
    "added_open",
    "added_closed",
    "not_listed_closed",
    "closed_by_audit",
    "closed_by_person",
    "still_open",
    "kept_closed",
    "held_closed",
    "dropped",
    "not_in_run",
    "duplicate_audit_rows",
)


@dataclass(frozen=True)
class WorklistRow:
    """One index exam on the worklist (one row of the worklist file).

    Text columns hold ``""`` for an empty cell; dates and ``days_overdue`` hold None.

    Attributes:
        report_id: The index exam's report id (the key).
        patient_id: Its patient.
        exam_date: Its date.
        level: Its audit level (urgent, workup, recommended).
        due_date: The date its follow-up is due.
        audit_status: completed, late, overdue or pending, as of ``last_updated``.
        days_overdue: Days past the due date at ``last_updated`` (overdue rows only).
        followup_report_id: The follow-up exam's report id.
        followup_date: The follow-up exam's date.
        due_source: Where the due date came from, when the audit says.
        meta: Carried input columns and columns a person added, by name, in file order.
        owner: Who handles it (person).
        note: Free text (person).
        action: What was done or is planned (person).
        closed_reason: Why it is closed (person, or the audit's :data:`FOLLOWED_UP`).
        worklist_status: open or closed.
        first_listed: As-of date of the run that listed it.
        last_updated: As-of date of the last run that refreshed it.
        closed_on: When it closed (see :func:`update_worklist`).
    """

    report_id: str
    patient_id: str = ""
    exam_date: date | None = None
    level: str = ""
    due_date: date | None = None
    audit_status: str = ""
    days_overdue: int | None = None
    followup_report_id: str = ""
    followup_date: date | None = None
    due_source: str = ""
    meta: Mapping[str, str] = field(default_factory=dict)
    owner: str = ""
    note: str = ""
    action: str = ""
    closed_reason: str = ""
    worklist_status: WorklistStatus = "open"
    first_listed: date | None = None
    last_updated: date | None = None
    closed_on: date | None = None

    @property
    def is_open(self) -> bool:
        """Whether the row is open."""
        return self.worklist_status == "open"


@dataclass(frozen=True)
class WorklistUpdate:
    """The merged worklist and what the merge did.

    Attributes:
        rows: The new worklist, in its order (see :mod:`calcminer.nlp.audit.worklist`).
        added_open: Index exams new to the worklist, open.
        added_closed: Index exams new to the worklist already followed up (listed closed).
        not_listed_closed: New index exams followed up before the retention period: not listed.
        closed_by_audit: Open rows the audit closed in this run (follow-up found).
        closed_by_person: Open rows a person closed (closed_reason or worklist_status filled).
        still_open: Previous open rows in this run's audit that stay open.
        kept_closed: Previous closed rows kept (within the retention period).
        held_closed: Closed rows this run's audit calls overdue or pending (they stay closed).
        dropped: Closed rows dropped after the retention period.
        not_in_run: Previous rows not in this run's audit, kept as they were.
        duplicate_audit_rows: Audit rows repeating an earlier row's report id (ignored).
    """

    rows: tuple[WorklistRow, ...]
    added_open: int = 0
    added_closed: int = 0
    not_listed_closed: int = 0
    closed_by_audit: int = 0
    closed_by_person: int = 0
    still_open: int = 0
    kept_closed: int = 0
    held_closed: int = 0
    dropped: int = 0
    not_in_run: int = 0
    duplicate_audit_rows: int = 0

    @property
    def open(self) -> int:
        """Open rows on the new worklist."""
        return sum(1 for row in self.rows if row.is_open)

    @property
    def closed(self) -> int:
        """Closed rows on the new worklist."""
        return len(self.rows) - self.open

    def counts(self) -> dict[str, int]:
        """Every count by name, in a fixed order (for the run's summary)."""
        counted = {name: getattr(self, name) for name in COUNT_NAMES}
        return {"open": self.open, "closed": self.closed} | counted


def meta_text(value: Any) -> str:
    """A carried input value as worklist text: empty for missing, ``true``/``false``, ISO dates.

    Args:
        value: A value of an input column (str, number, bool, date, None, NaN).

    Returns:
        Its text.
    """
    if value is None or _missing(value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _missing(value: Any) -> bool:
    """Whether a value is a missing marker: NaN, ``pandas.NaT`` or ``pandas.NA`` (equal to
    nothing, itself included; ``pandas.NA`` has no truth value at all)."""
    try:
        return bool(value != value)
    except (TypeError, ValueError):
        return True


def meta_name(name: str) -> str:
    """The worklist column of a carried input column: ``input_<name>`` for a worklist column's
    name (repeated until free), the name otherwise."""
    while name in NAMED_COLUMNS:
        name = INPUT_PREFIX + name
    return name


def followed_up_reason(row: AuditRow) -> str:
    """The ``closed_reason`` the audit writes for a row it closes."""
    template = FOLLOWED_UP_LATE if row.status == "late" else FOLLOWED_UP
    found = row.followup_date.isoformat() if row.followup_date else ""
    return template.format(report_id=row.followup_report_id or "", date=found)


def refreshed(previous: WorklistRow | None, row: AuditRow, as_of: date) -> WorklistRow:
    """A worklist row with its system and carried columns from ``row`` (the audit), the
    person columns and ``first_listed`` of ``previous`` (when listed), open, updated as of
    ``as_of``."""
    carried = {meta_name(str(k)): meta_text(v) for k, v in getattr(row, "meta", {}).items()}
    meta = dict(previous.meta) if previous is not None else {}
    meta.update(carried)
    base = previous if previous is not None else WorklistRow(report_id=row.report_id)
    return replace(
        base,
        patient_id=row.patient_id,
        exam_date=row.exam_date,
        level=row.level,
        due_date=row.due_date,
        audit_status=row.status,
        days_overdue=(as_of - row.due_date).days if row.status == "overdue" else None,
        followup_report_id=row.followup_report_id or "",
        followup_date=row.followup_date,
        due_source=str(getattr(row, "due_source", "") or ""),
        meta=meta,
        worklist_status="open",
        closed_on=None,
        first_listed=base.first_listed if previous is not None else as_of,
        last_updated=as_of,
    )


def closed_by_person(row: WorklistRow) -> bool:
    """Whether a person closed an open row: filled ``closed_reason``, or set
    ``worklist_status`` to closed in a row the worklist had not closed (no ``closed_on``)."""
    if row.is_open:
        return bool(row.closed_reason.strip())
    return row.closed_on is None


def worklist_order(row: WorklistRow) -> tuple[Any, ...]:
    """Sort key of the worklist: open rows by due date, exam date, patient, report id; then
    closed rows, the most recently closed first."""
    if row.is_open:
        due = row.due_date or date.max
        exam = row.exam_date or date.max
        return (0, due.toordinal(), exam.toordinal(), row.patient_id, row.report_id)
    closed = row.closed_on or date.min
    return (1, -closed.toordinal(), row.report_id)


def check_unique(rows: Sequence[WorklistRow], where: str = "the previous worklist") -> None:
    """Raise when a report id is in ``rows`` twice.

    Args:
        rows: Worklist rows.
        where: What holds them, for the message.

    Raises:
        DataError: E332, naming the report id and the two rows (counted from 1).
    """
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=1):
        if row.report_id in seen:
            raise DataError(
                Errors.E332.format(
                    report_id=row.report_id, where=where, first=seen[row.report_id], second=number
                )
            )
        seen[row.report_id] = number


def update_worklist(
    previous: Sequence[WorklistRow] | None,
    rows: Iterable[AuditRow],
    as_of: date,
    keep_closed_days: int = DEFAULT_KEEP_CLOSED_DAYS,
) -> WorklistUpdate:
    """Merge this run's audit into the previous worklist (rules in the module's docstring).

    Args:
        previous: The previous worklist (:func:`calcminer.nlp.io.worklist.read_worklist`),
            None or empty for the first run.
        rows: This run's audit rows (:attr:`calcminer.nlp.audit.AuditResult.rows`).
        as_of: This run's as-of date (:attr:`calcminer.nlp.audit.AuditResult.as_of`).
        keep_closed_days: Days a closed row is kept after ``closed_on``.

    Returns:
        The new worklist and the counts.

    Raises:
        DataError: E332 when a report id is in ``previous`` twice; E333 when
            ``keep_closed_days`` is not a whole number 0 or more.
    """
    if isinstance(keep_closed_days, bool) or not isinstance(keep_closed_days, int):
        raise DataError(Errors.E333.format(value=repr(keep_closed_days)))
    if keep_closed_days < 0:
        raise DataError(Errors.E333.format(value=keep_closed_days))
    before = list(previous or ())
    check_unique(before)
    audit: dict[str, AuditRow] = {}
    counts = dict.fromkeys(COUNT_NAMES, 0)
    for row in rows:
        if row.report_id in audit:
            counts["duplicate_audit_rows"] += 1
        else:
            audit[row.report_id] = row

    def recent(closed_on: date | None) -> bool:
        return closed_on is None or (as_of - closed_on).days <= keep_closed_days

    merged: list[WorklistRow] = []
    for old in before:
        found = audit.pop(old.report_id, None)
        if old.is_open and found is not None:
            new = refreshed(old, found, as_of)
        else:
            new = old
            if found is None:
                counts["not_in_run"] += 1
        if closed_by_person(new):
            new = replace(new, worklist_status="closed", closed_on=as_of)
            counts["closed_by_person"] += 1
        elif new.is_open and found is not None and found.status in FOLLOWED_UP_STATUSES:
            reason = followed_up_reason(found)
            new = replace(new, worklist_status="closed", closed_on=as_of, closed_reason=reason)
            counts["closed_by_audit"] += 1
        elif new.is_open:
            counts["still_open"] += found is not None
        else:
            held = found is not None and found.status not in FOLLOWED_UP_STATUSES
            if not held and not recent(new.closed_on):
                counts["dropped"] += 1
                continue
            counts["kept_closed"] += 1
            counts["held_closed"] += held
        merged.append(new)
    for row in audit.values():
        new = refreshed(None, row, as_of)
        if row.status not in FOLLOWED_UP_STATUSES:
            counts["added_open"] += 1
        elif recent(row.followup_date):
            reason = followed_up_reason(row)
            closed_on = row.followup_date
            new = replace(new, worklist_status="closed", closed_on=closed_on, closed_reason=reason)
            counts["added_closed"] += 1
        else:
            counts["not_listed_closed"] += 1
            continue
        merged.append(new)
    merged.sort(key=worklist_order)
    return WorklistUpdate(rows=tuple(merged), **counts)


__all__ = [
    "BOOKKEEPING_COLUMNS",
    "COUNT_NAMES",
    "DATE_COLUMNS",
    "DEFAULT_KEEP_CLOSED_DAYS",
    "FOLLOWED_UP",
    "FOLLOWED_UP_LATE",
    "FOLLOWED_UP_STATUSES",
    "INPUT_PREFIX",
    "NAMED_COLUMNS",
    "PERSON_COLUMNS",
    "SYSTEM_COLUMNS",
    "WorklistRow",
    "WorklistStatus",
    "WorklistUpdate",
    "check_unique",
    "closed_by_person",
    "followed_up_reason",
    "meta_name",
    "meta_text",
    "refreshed",
    "update_worklist",
    "worklist_order",
]
