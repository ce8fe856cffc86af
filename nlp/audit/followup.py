"""The audit proper: which exams are index exams, the first qualifying follow-up of each, its
status (:func:`audit_exams`), and the outcome counts per level, month and concordance group
(:func:`summarize`). The definitions are those of :mod:`calcminer.nlp.audit`.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from calcminer.nlp.audit.config import LEVELS, AuditConfig
from calcminer.nlp.audit.exams import Exam
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


@dataclass(frozen=True)
class AuditRow:
    """One index exam and what followed it (one row of ``audit.csv``)."""

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
    """

    rows: tuple[AuditRow, ...]
    as_of: date
    exams: int
    exams_after_as_of: int
    unknown_modality: int
    windows_days: Mapping[str, int] = field(default_factory=dict)

    @property
    def overdue(self) -> tuple[AuditRow, ...]:
        """Overdue index exams, the longest overdue first."""
        rows = [row for row in self.rows if row.status == "overdue"]
        return tuple(sorted(rows, key=lambda r: (r.due_date, r.patient_id, r.report_id)))


def audit_level(triage: str, followup_recommended: bool) -> str | None:
    """The audit level of an exam, or None when it is not an index exam."""
    if triage in FLAGGED_LEVELS:
        return triage
    return RECOMMENDED_LEVEL if followup_recommended else None


def concordance(triage: str, followup_recommended: bool) -> str:
    """How the rules and the radiologist agree on an index exam."""
    flagged = triage in FLAGGED_LEVELS
    if flagged and followup_recommended:
        return "flagged_and_recommended"
    if flagged:
        return "flagged_not_recommended"
    return "recommended_not_flagged"


def audit_exams(
    exams: Iterable[Exam], config: AuditConfig, as_of: date | None = None
) -> AuditResult:
    """Audit the follow-up of every index exam.

    Args:
        exams: Every dated exam of the archive (index exams and possible follow-ups).
        config: Levels, qualifying modalities and windows.
        as_of: The audit date; default the latest exam date. Exams after it are left out.

    Returns:
        One row per index exam with its status, and counts.
    """
    every = list(exams)
    if as_of is None:
        as_of = max((e.exam_date for e in every), default=date.today())
    kept = [e for e in every if e.exam_date <= as_of]
    by_patient: dict[str, list[Exam]] = {}
    for exam in kept:
        by_patient.setdefault(exam.patient_id, []).append(exam)
    for history in by_patient.values():
        history.sort(key=lambda e: (e.exam_date, e.order))
    rows: list[AuditRow] = []
    for exam in sorted(kept, key=lambda e: e.order):
        level = audit_level(exam.triage, exam.followup_recommended)
        if level is None:
            continue
        rule = config.levels[level]
        due = exam.exam_date + timedelta(days=rule.window_days)
        history = by_patient[exam.patient_id]
        position = history.index(exam)
        follow = next((e for e in history[position + 1 :] if e.modality in rule.modalities), None)
        if follow is not None:
            status: AuditStatus = "completed" if follow.exam_date <= due else "late"
        else:
            status = "overdue" if due < as_of else "pending"
        rows.append(
            AuditRow(
                report_id=exam.report_id,
                patient_id=exam.patient_id,
                exam_date=exam.exam_date,
                triage=exam.triage,
                followup_recommended=exam.followup_recommended,
                due_date=due,
                status=status,
                followup_report_id=follow.report_id if follow else None,
                followup_modality=follow.modality if follow else None,
                followup_date=follow.exam_date if follow else None,
                days_to_followup=(follow.exam_date - exam.exam_date).days if follow else None,
                level=level,
                modality=exam.modality,
                concordance=concordance(exam.triage, exam.followup_recommended),
            )
        )
    return AuditResult(
        rows=tuple(rows),
        as_of=as_of,
        exams=len(kept),
        exams_after_as_of=len(every) - len(kept),
        unknown_modality=sum(1 for e in kept if e.modality is None),
        windows_days={name: rule.window_days for name, rule in config.levels.items()},
    )


@dataclass(frozen=True)
class SummaryRow:
    """Outcome counts of one group of index exams (one row of the summary table).

    Attributes:
        scope: ``overall``, ``level``, ``month`` (of the index exam) or ``concordance``.
        group: ``all``, the level, ``YYYY-MM`` or the concordance group.
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


def summarize(rows: Sequence[AuditRow]) -> tuple[SummaryRow, ...]:
    """Summary rows: overall, per level, per year-month of the index exam, per concordance.

    Every level and concordance group gets a row, even with no index exams; months appear
    when they hold index exams, in calendar order.
    """
    out = [summary_row("overall", "all", rows)]
    out += [summary_row("level", level, [r for r in rows if r.level == level]) for level in LEVELS]
    months = sorted({r.exam_date.strftime("%Y-%m") for r in rows})
    out += [
        summary_row("month", m, [r for r in rows if r.exam_date.strftime("%Y-%m") == m])
        for m in months
    ]
    out += [
        summary_row("concordance", g, [r for r in rows if r.concordance == g])
        for g in CONCORDANCE_GROUPS
    ]
    return tuple(out)


__all__ = [
    "CONCORDANCE_GROUPS",
    "RECOMMENDED_LEVEL",
    "STATUSES",
    "AuditResult",
    "AuditRow",
    "AuditStatus",
    "SummaryRow",
    "audit_exams",
    "audit_level",
    "concordance",
    "summarize",
    "summary_row",
]
