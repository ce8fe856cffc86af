"""The audit proper: which exams are index exams, the first qualifying follow-up of each, its
status (:func:`audit_exams`), and the outcome counts per level, month, concordance group and
any ``--by`` column (:func:`summarize`). The definitions are those of :mod:`calcminer.nlp.audit`.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from calcminer.nlp.audit.config import LEVELS, AuditConfig, AuditScope
from calcminer.nlp.audit.exams import Exam, ExamRecommendation
from calcminer.nlp.errors import CalcminerError, Errors
from calcminer.nlp.schema import FLAGGED_LEVELS

AuditStatus = Literal["completed", "late", "overdue", "pending"]
STATUSES: tuple[AuditStatus, ...] = ("completed", "late", "overdue", "pending")
#: Level of a report that is not flagged but for which follow-up was recommended.
RECOMMENDED_LEVEL = "recommended"
#: Concordance of the rules (flagged) and the radiologist (recommended), per index exam.
CONCORDANCE_GROUPS: tuple[str, ...] = (
    "flagged_and_recommended",
    "flagged_not_recommended",
    "recommended_not_flagged",
)
#: Where an index exam's due date and qualifying modalities came from (``due_source``,
#: ``modality_source``): its recommendation's stated interval or modality, or its level.
FROM_RECOMMENDATION = "recommendation"
FROM_LEVEL = "level"
#: The audit's own columns a ``--by`` breakdown can use (besides the carried input columns).
BY_AUDIT_COLUMNS: tuple[str, ...] = ("level", "modality", "triage", "concordance", "status")
#: Group of an index exam whose ``--by`` column is empty or absent.
MISSING_GROUP = "(missing)"


@dataclass(frozen=True)
class AuditRow:
    """One index exam and what followed it (one row of ``audit.csv``).

    Attributes beyond the column names' own meaning:
        due_source: ``recommendation`` (the report's stated interval) or ``level`` (the
            level's window).
        qualifying_modalities: Modalities that complete the follow-up, sorted.
        modality_source: ``recommendation`` (the modality it names, "or better") or ``level``.
        recommendation: The words of the recommendations in scope, ``words@start-end``
            joined by `` | `` ("" when the index exam has none).
        meta: The archive's other columns, carried as they are.
    """

    report_id: str
    patient_id: str
    exam_date: date
    triage: str
    followup_recommended: bool
    due_date: date
    status: AuditStatus
    followup_report_id: str | None
    followup_modality: str | None
    followup_date: date | None
    days_to_followup: int | None
    level: str
    modality: str | None
    concordance: str
    liver_followup_recommended: bool = False
    due_source: str = FROM_LEVEL
    qualifying_modalities: tuple[str, ...] = ()
    modality_source: str = FROM_LEVEL
    recommendation: str = ""
    meta: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AuditResult:
    """The audit of an archive.

    Attributes:
        rows: One row per index exam, in archive order.
        as_of: The audit date.
        exams: Exams audited (dated on or before the as-of date).
        exams_after_as_of: Exams left out because they are dated after the as-of date.
        unknown_modality: Exams whose modality could not be read (they cannot be follow-ups).
        windows_days: Level -> window used.
        scope: Which reports were index exams (``liver`` or ``all``).
        levels: The levels audited.
        since: First day of the period of the index exams (None: from the start).
        until: Last day of that period (None: to the as-of date).
        outside_period: Exams that would be index exams but fall outside the period.
    """

    rows: tuple[AuditRow, ...]
    as_of: date
    exams: int
    exams_after_as_of: int
    unknown_modality: int
    windows_days: Mapping[str, int] = field(default_factory=dict)
    scope: AuditScope = "liver"
    levels: tuple[str, ...] = LEVELS
    since: date | None = None
    until: date | None = None
    outside_period: int = 0

    @property
    def overdue(self) -> tuple[AuditRow, ...]:
        """Overdue index exams, the longest overdue first."""
        rows = [row for row in self.rows if row.status == "overdue"]
        return tuple(sorted(rows, key=lambda r: (r.due_date, r.patient_id, r.report_id)))


def audit_level(triage: str, followup_recommended: bool) -> str | None:
    """The audit level of an exam, or None when it is not an index exam.

    Args:
        triage: The exam's triage level.
        followup_recommended: Whether the report recommends follow-up in the audit's scope
            (``liver_followup_recommended`` for scope ``liver``).
    """
    if triage in FLAGGED_LEVELS:
        return triage
    return RECOMMENDED_LEVEL if followup_recommended else None


def recommended_in_scope(exam: Exam, scope: AuditScope) -> bool:
    """Whether the exam's report recommends follow-up within the audit's scope."""
    return exam.liver_followup_recommended if scope == "liver" else exam.followup_recommended


@dataclass(frozen=True)
class DueRule:
    """What an index exam's follow-up must be and by when (:func:`due_rule`)."""

    due_date: date
    due_source: str
    modalities: frozenset[str]
    modality_source: str
    recommendation: str


def due_rule(exam: Exam, level: str, config: AuditConfig) -> DueRule:
    """The due date and qualifying modalities of an index exam.

    Its recommendations within the audit's scope are read (about the liver for scope
    ``liver``, all for ``all``; conditional ones only with ``use_conditional``). The earliest
    stated interval sets the due date (``due_source`` ``recommendation``); every modality of
    the vocabulary they name qualifies, with its "or better" ones ("CT or MRI", "MRI or CT":
    both; ``modality_source`` ``recommendation``). Without a stated interval, or a named
    modality, the level's window, or modalities, apply (``level``).

    Args:
        exam: The index exam.
        level: Its audit level.
        config: Levels, scope and the recommendation policy.

    Returns:
        The due date, the qualifying modalities, where each came from, and the words of the
        recommendations read (``words@start-end`` joined by `` | ``).
    """
    rule = config.levels[level]
    in_scope: list[ExamRecommendation] = [
        r
        for r in exam.recommendations
        if (r.liver or config.scope == "all") and (config.use_conditional or not r.conditional)
    ]
    intervals = [r.interval_days for r in in_scope if r.interval_days is not None]
    if intervals:
        due = exam.exam_date + timedelta(days=min(intervals))
        due_source = FROM_RECOMMENDATION
    else:
        due = exam.exam_date + timedelta(days=rule.window_days)
        due_source = FROM_LEVEL
    named = [r.modality for r in in_scope if r.modality is not None]
    if named:
        modalities = frozenset().union(*(config.qualifying(m) for m in named))
        modality_source = FROM_RECOMMENDATION
    else:
        modalities, modality_source = rule.modalities, FROM_LEVEL
    evidence = " | ".join(r.evidence for r in in_scope)
    return DueRule(due, due_source, modalities, modality_source, evidence)


def concordance(triage: str, followup_recommended: bool) -> str:
    """How the rules and the radiologist agree on an index exam (``followup_recommended``:
    within the audit's scope)."""
    flagged = triage in FLAGGED_LEVELS
    if flagged and followup_recommended:
        return "flagged_and_recommended"
    if flagged:
        return "flagged_not_recommended"
    return "recommended_not_flagged"


def check_levels(levels: Sequence[str] | None) -> tuple[str, ...]:
    """The levels to audit (None: all of :data:`LEVELS`).

    Raises:
        CalcminerError: E321 for an unknown level or none at all.
    """
    chosen = tuple(LEVELS) if levels is None else tuple(levels)
    unknown = [level for level in chosen if level not in LEVELS]
    if unknown or not chosen:
        raise CalcminerError(Errors.E321.format(value=",".join(unknown), levels=", ".join(LEVELS)))
    return chosen


def check_period(since: date | None, until: date | None) -> None:
    """Check the period of the index exams.

    Raises:
        CalcminerError: E322 when ``since`` is after ``until``.
    """
    if since is not None and until is not None and since > until:
        raise CalcminerError(Errors.E322.format(since=since, until=until))


def audit_exams(
    exams: Iterable[Exam],
    config: AuditConfig,
    as_of: date | None = None,
    *,
    levels: Sequence[str] | None = None,
    since: date | None = None,
    until: date | None = None,
) -> AuditResult:
    """Audit the follow-up of every index exam.

    Args:
        exams: Every dated exam of the archive (index exams and possible follow-ups).
        config: Levels, qualifying modalities, windows, scope and recommendation policy.
        as_of: The audit date; default the latest exam date. Exams after it are left out.
        levels: The levels audited (default all of :data:`LEVELS`); index exams of other
            levels are left out (they still count as follow-ups).
        since: Only index exams on or after this date (follow-ups are searched in the whole
            archive, up to the as-of date).
        until: Only index exams on or before this date.

    Returns:
        One row per index exam with its status, and counts.

    Raises:
        CalcminerError: E321 for an unknown level, E322 for ``since`` after ``until``.
    """
    chosen = check_levels(levels)
    check_period(since, until)
    every = list(exams)
    if as_of is None:
        as_of = max((e.exam_date for e in every), default=date.today())
    kept = [e for e in every if e.exam_date <= as_of]
    by_patient: dict[str, list[Exam]] = {}
    for exam in kept:
        by_patient.setdefault(exam.patient_id, []).append(exam)
    position: dict[int, int] = {}
    for history in by_patient.values():
        history.sort(key=lambda e: (e.exam_date, e.order))
        for at, exam in enumerate(history):
            position[id(exam)] = at
    rows: list[AuditRow] = []
    outside = 0
    for exam in sorted(kept, key=lambda e: e.order):
        recommended = recommended_in_scope(exam, config.scope)
        level = audit_level(exam.triage, recommended)
        if level is None or level not in chosen:
            continue
        if (since is not None and exam.exam_date < since) or (
            until is not None and exam.exam_date > until
        ):
            outside += 1
            continue
        rule = due_rule(exam, level, config)
        history = by_patient[exam.patient_id]
        later = history[position[id(exam)] + 1 :]
        follow = next((e for e in later if e.modality in rule.modalities), None)
        if follow is not None:
            status: AuditStatus = "completed" if follow.exam_date <= rule.due_date else "late"
        else:
            status = "overdue" if rule.due_date < as_of else "pending"
        rows.append(
            AuditRow(
                report_id=exam.report_id,
                patient_id=exam.patient_id,
                exam_date=exam.exam_date,
                triage=exam.triage,
                followup_recommended=exam.followup_recommended,
                due_date=rule.due_date,
                status=status,
                followup_report_id=follow.report_id if follow else None,
                followup_modality=follow.modality if follow else None,
                followup_date=follow.exam_date if follow else None,
                days_to_followup=(follow.exam_date - exam.exam_date).days if follow else None,
                level=level,
                modality=exam.modality,
                concordance=concordance(exam.triage, recommended),
                liver_followup_recommended=exam.liver_followup_recommended,
                due_source=rule.due_source,
                qualifying_modalities=tuple(sorted(rule.modalities)),
                modality_source=rule.modality_source,
                recommendation=rule.recommendation,
                meta=exam.meta,
            )
        )
    return AuditResult(
        rows=tuple(rows),
        as_of=as_of,
        exams=len(kept),
        exams_after_as_of=len(every) - len(kept),
        unknown_modality=sum(1 for e in kept if e.modality is None),
        windows_days={name: rule.window_days for name, rule in config.levels.items()},
        scope=config.scope,
        levels=chosen,
        since=since,
        until=until,
        outside_period=outside,
    )


@dataclass(frozen=True)
class SummaryRow:
    """Outcome counts of one group of index exams (one row of the summary table).

    Attributes:
        scope: ``overall``, ``level``, ``month`` (of the index exam), ``concordance``, or
            the name of a ``--by`` column (``radiologist``).
        group: ``all``, the level, ``YYYY-MM``, the concordance group, or the column's
            value (:data:`MISSING_GROUP` when empty).
        index_exams: Index exams in the group.
        completed: Followed up within the window.
        late: Followed up after the window.
        overdue: Not followed up, window passed.
        pending: Not followed up, window not yet passed.
        on_time_rate: completed / (completed + late + overdue); None when that is 0/0.
        median_days_to_followup: Median days to the follow-up of completed and late exams.
    """

    scope: str
    group: str
    index_exams: int
    completed: int
    late: int
    overdue: int
    pending: int
    on_time_rate: float | None
    median_days_to_followup: float | None


def summary_row(scope: str, group: str, rows: Sequence[AuditRow]) -> SummaryRow:
    """Count the outcomes of a group of index exams."""
    counts = {status: 0 for status in STATUSES}
    for row in rows:
        counts[row.status] += 1
    decided = counts["completed"] + counts["late"] + counts["overdue"]
    days = [row.days_to_followup for row in rows if row.days_to_followup is not None]
    return SummaryRow(
        scope=scope,
        group=group,
        index_exams=len(rows),
        completed=counts["completed"],
        late=counts["late"],
        overdue=counts["overdue"],
        pending=counts["pending"],
        on_time_rate=counts["completed"] / decided if decided else None,
        median_days_to_followup=float(statistics.median(days)) if days else None,
    )


def column_value(row: AuditRow, column: str) -> Any:
    """An index exam's value of a ``--by`` column: an audit column's (:data:`BY_AUDIT_COLUMNS`),
    else a carried column's (None when the exam has none)."""
    return getattr(row, column) if column in BY_AUDIT_COLUMNS else row.meta.get(column)


def group_of(row: AuditRow, column: str) -> str:
    """The ``--by`` group of an index exam: :func:`column_value` as text
    (:data:`MISSING_GROUP` when empty or absent)."""
    value = column_value(row, column)
    if value is None or (isinstance(value, float) and value != value):
        return MISSING_GROUP
    text = str(value).strip()
    return text if text else MISSING_GROUP


def summarize(
    rows: Sequence[AuditRow], by: Sequence[str] = (), levels: Sequence[str] = LEVELS
) -> tuple[SummaryRow, ...]:
    """Summary rows: overall, per level, per year-month of the index exam, per concordance,
    then per group of each ``by`` column (scope = the column's name).

    Every level audited and every concordance group gets a row, even with no index exams;
    months and ``by`` groups appear when they hold index exams, months in calendar order,
    groups by name (:data:`MISSING_GROUP` last).

    Args:
        rows: The audit rows.
        by: Columns to break the outcomes down by: :data:`BY_AUDIT_COLUMNS` or carried input
            columns (check them with :func:`check_by_columns`).
        levels: The levels audited, in reporting order.
    """
    out = [summary_row("overall", "all", rows)]
    out += [summary_row("level", level, [r for r in rows if r.level == level]) for level in levels]
    months = sorted({r.exam_date.strftime("%Y-%m") for r in rows})
    out += [
        summary_row("month", m, [r for r in rows if r.exam_date.strftime("%Y-%m") == m])
        for m in months
    ]
    out += [
        summary_row("concordance", g, [r for r in rows if r.concordance == g])
        for g in CONCORDANCE_GROUPS
    ]
    for column in by:
        groups: dict[str, list[AuditRow]] = {}
        for row in rows:
            groups.setdefault(group_of(row, column), []).append(row)
        names = sorted(groups, key=lambda g: (g == MISSING_GROUP, g))
        out += [summary_row(column, name, groups[name]) for name in names]
    return tuple(out)


def check_by_columns(by: Sequence[str], carried: Iterable[str]) -> tuple[str, ...]:
    """Check ``--by`` columns against the audit's own and the archive's carried columns.

    Args:
        by: The columns asked for, in order.
        carried: The archive's carried column names (columns other than id, text, patient,
            date and modality).

    Returns:
        The columns, in order, repeats removed.

    Raises:
        CalcminerError: E323 naming an unknown column and the columns there are.
    """
    known = dict.fromkeys(carried)
    chosen = tuple(dict.fromkeys(name.strip() for name in by if name.strip()))
    for name in chosen:
        if name in BY_AUDIT_COLUMNS or name in known:
            continue
        raise CalcminerError(
            Errors.E323.format(
                column=name,
                audit=", ".join(BY_AUDIT_COLUMNS),
                carried=", ".join(map(str, known)) or "none",
            )
        )
    return chosen


__all__ = [
    "BY_AUDIT_COLUMNS",
    "CONCORDANCE_GROUPS",
    "FROM_LEVEL",
    "FROM_RECOMMENDATION",
    "MISSING_GROUP",
    "RECOMMENDED_LEVEL",
    "STATUSES",
    "AuditResult",
    "AuditRow",
    "AuditStatus",
    "DueRule",
    "SummaryRow",
    "audit_exams",
    "audit_level",
    "check_by_columns",
    "check_levels",
    "check_period",
    "column_value",
    "concordance",
    "due_rule",
    "group_of",
    "recommended_in_scope",
    "summarize",
    "summary_row",
]
