"""Follow-up audit: of the exams that needed work-up, which got it, how fast, and who is overdue.

The flow: every exam of an archive is mined (triage and ``followup_recommended``), dated,
given a modality and tied to its patient (:func:`make_exam`); :func:`audit_exams` then picks
the *index exams* and looks, for each, for the first later exam of the same patient whose
modality qualifies for the index exam's level; :func:`summarize` counts the outcomes.

Levels, qualifying modalities and windows come from ``patterns/audit.toml``; the modality
vocabulary from ``patterns/modalities.jsonl``. This module holds no pandas and opens only the
rule files; tables are built by :mod:`calcminer.nlp.io.tables`.

Definitions (documented in the README):

- *Index exam*: triage ``urgent`` or ``workup`` (level = the triage), or a report whose
  radiologist recommended imaging follow-up (level ``recommended``).
- *Later exam*: a later date, or the same date and later in the archive (exams carry no time
  of day, so archive order breaks ties within a day).
- *Follow-up*: the first later exam of the same patient, on or before the as-of date, whose
  modality is one of the level's qualifying modalities. An exam can be a follow-up and an index
  exam at once.
- *Status*: ``completed`` (follow-up on or before the due date = index date + window),
  ``late`` (follow-up after the due date), ``overdue`` (no follow-up and the due date is before
  the as-of date) or ``pending`` (no follow-up, due date on or after the as-of date).
- Exams dated after the as-of date are left out of the audit (counted in the result).
"""

from __future__ import annotations

import json
import re
import statistics
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from calcminer.nlp.errors import Errors, PatternError
from calcminer.nlp.rules.patterns import check_rule_id, check_rule_keys, default_patterns_dir
from calcminer.nlp.schema import FLAGGED_LEVELS, RecordError, Report, ReportResult

AUDIT_CONFIG_FILE = "audit.toml"
MODALITY_FILE = "modalities.jsonl"

AuditStatus = Literal["completed", "late", "overdue", "pending"]
STATUSES: tuple[AuditStatus, ...] = ("completed", "late", "overdue", "pending")
#: Audit levels in reporting order (most urgent first).
LEVELS: tuple[str, ...] = ("urgent", "workup", "recommended")
#: Level of a report that is not flagged but for which follow-up was recommended.
RECOMMENDED_LEVEL = "recommended"
#: Concordance of the rules (flagged) and the radiologist (recommended), per index exam.
CONCORDANCE_GROUPS: tuple[str, ...] = (
    "flagged_and_recommended",
    "flagged_not_recommended",
    "recommended_not_flagged",
)
#: Date formats read without ``--date-format``: ISO date, or ISO date and time.
ISO_DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")

_AUDIT_KEYS = frozenset({"header_max_chars"})
_LEVEL_KEYS = frozenset({"qualifying_modalities", "window_days"})
_MODALITY_RULE_KEYS = frozenset({"id", "label", "pattern", "case_sensitive", "description"})


# --- configuration ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LevelRule:
    """What completes the work-up of one level.

    Attributes:
        name: Level name (``urgent``, ``workup``, ``recommended``).
        modalities: Modalities of a qualifying follow-up exam.
        window_days: Days from the index exam to the due date.
    """

    name: str
    modalities: frozenset[str]
    window_days: int


@dataclass(frozen=True)
class ModalityRule:
    """One modality phrase of ``patterns/modalities.jsonl``."""

    id: str
    label: str
    pattern: str
    case_sensitive: bool = False


@dataclass(frozen=True)
class AuditConfig:
    """The audit's rules: levels with windows, and the modality vocabulary.

    Attributes:
        levels: Level name -> rule, for every level in :data:`LEVELS`.
        modality_rules: Modality phrases, in file order.
        header_max_chars: How much of a report's start is searched for its modality.
    """

    levels: Mapping[str, LevelRule]
    modality_rules: tuple[ModalityRule, ...]
    header_max_chars: int

    def with_window(self, window_days: int | None) -> AuditConfig:
        """The same rules with every window set to ``window_days`` (None: unchanged)."""
        if window_days is None:
            return self
        levels = {
            name: LevelRule(rule.name, rule.modalities, window_days)
            for name, rule in self.levels.items()
        }
        return AuditConfig(levels, self.modality_rules, self.header_max_chars)

    @property
    def modalities(self) -> frozenset[str]:
        """Every modality label the vocabulary knows."""
        return frozenset(rule.label for rule in self.modality_rules)


def load_audit_config(patterns_dir: str | Path | None = None) -> AuditConfig:
    """Load and validate ``audit.toml`` and ``modalities.jsonl``.

    Args:
        patterns_dir: Folder of rule files; None for the packaged ``patterns/``.

    Returns:
        The audit rules.

    Raises:
        PatternError: E001 for a missing file, E002/E008 for unreadable ones, E003-E007 for
            a bad modality rule, E009 for a bad audit setting; messages name the file.
    """
    directory = Path(patterns_dir) if patterns_dir is not None else default_patterns_dir()
    rules = _load_modality_rules(directory / MODALITY_FILE, directory)
    labels = frozenset(rule.label for rule in rules)
    path = directory / AUDIT_CONFIG_FILE
    if not path.is_file():
        raise PatternError(Errors.E001.format(path=path, patterns_dir=directory))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise PatternError(Errors.E008.format(path=path, detail=str(e))) from e

    def bad(detail: str) -> PatternError:
        return PatternError(Errors.E009.format(path=path, detail=detail))

    unknown = set(data) - {"audit", "levels"}
    if unknown:
        raise bad(f"unknown table(s) {sorted(unknown)}")
    audit = data.get("audit", {})
    if set(audit) != _AUDIT_KEYS:
        raise bad(f"[audit] needs exactly {sorted(_AUDIT_KEYS)}, got {sorted(audit)}")
    header_max_chars = audit["header_max_chars"]
    if not isinstance(header_max_chars, int) or header_max_chars < 1:
        raise bad("[audit] header_max_chars must be a positive integer")
    raw_levels = data.get("levels", {})
    if set(raw_levels) != set(LEVELS):
        raise bad(f"[levels] needs exactly {list(LEVELS)}, got {sorted(raw_levels)}")
    levels: dict[str, LevelRule] = {}
    for name in LEVELS:
        level = raw_levels[name]
        if set(level) != _LEVEL_KEYS:
            raise bad(f"[levels.{name}] needs exactly {sorted(_LEVEL_KEYS)}, got {sorted(level)}")
        window = level["window_days"]
        if isinstance(window, bool) or not isinstance(window, int) or window < 0:
            raise bad(f"[levels.{name}] window_days must be a whole number of days >= 0")
        modalities = level["qualifying_modalities"]
        if not isinstance(modalities, list) or not modalities or not set(modalities) <= labels:
            raise bad(
                f"[levels.{name}] qualifying_modalities must be a non-empty list of "
                f"modality labels from {MODALITY_FILE} ({sorted(labels)})"
            )
        levels[name] = LevelRule(name, frozenset(modalities), window)
    return AuditConfig(levels, rules, header_max_chars)


def _load_modality_rules(path: Path, directory: Path) -> tuple[ModalityRule, ...]:
    if not path.is_file():
        raise PatternError(Errors.E001.format(path=path, patterns_dir=directory))
    rules: list[ModalityRule] = []
    seen: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as e:
            raise PatternError(Errors.E002.format(path=path, line=number, detail=e.msg)) from e
        if not isinstance(raw, dict):
            raise PatternError(Errors.E002.format(path=path, line=number, detail="not an object"))
        rule_id = check_rule_id(raw.get("id"), path, str(number), seen)
        check_rule_keys(raw, _MODALITY_RULE_KEYS, rule_id, path)
        label, pattern = raw.get("label"), raw.get("pattern")
        if not isinstance(label, str) or not label:
            raise PatternError(
                Errors.E007.format(rule_id=rule_id, path=path, detail="'label' must be a string")
            )
        if not isinstance(pattern, str) or not pattern.strip():
            raise PatternError(
                Errors.E007.format(rule_id=rule_id, path=path, detail="'pattern' must be a phrase")
            )
        case_sensitive = raw.get("case_sensitive", False)
        if not isinstance(case_sensitive, bool):
            raise PatternError(
                Errors.E007.format(
                    rule_id=rule_id, path=path, detail="'case_sensitive' must be true or false"
                )
            )
        rules.append(ModalityRule(rule_id, label, pattern, case_sensitive))
    if not rules:
        raise PatternError(Errors.E002.format(path=path, line=1, detail="no rules"))
    return tuple(rules)


# --- modality and dates ----------------------------------------------------------------------


class ModalityDetector:
    """Names the modality of an exam from its header or a modality column value.

    The first phrase (earliest in the text; the longest on a tie) of the vocabulary wins.
    Phrases match whole words only.

    Args:
        rules: The modality vocabulary.
        header_max_chars: How many characters of a report's start are searched.
    """

    def __init__(self, rules: Sequence[ModalityRule], header_max_chars: int) -> None:
        self.header_max_chars = header_max_chars
        self._patterns = [
            (
                rule,
                re.compile(
                    r"(?<![\w/])" + re.escape(rule.pattern) + r"(?![\w/])",
                    0 if rule.case_sensitive else re.IGNORECASE,
                ),
            )
            for rule in rules
        ]

    def find(self, text: str) -> ModalityRule | None:
        """The rule of the earliest modality phrase in ``text``, or None."""
        best: tuple[int, int, ModalityRule] | None = None
        for rule, pattern in self._patterns:
            match = pattern.search(text)
            if match is None:
                continue
            key = (match.start(), -(match.end() - match.start()), rule)
            if best is None or key[:2] < best[:2]:
                best = key
        return best[2] if best is not None else None

    def from_header(self, text: str) -> str | None:
        """The modality named at the start of a report (its exam header), or None."""
        rule = self.find(text[: self.header_max_chars])
        return rule.label if rule is not None else None

    def from_value(self, value: str) -> str | None:
        """The modality a modality-column value names (``US``, ``MR``, ``Ultrasound`` ...)."""
        rule = self.find(value.strip())
        if rule is not None:
            return rule.label
        upper = value.strip().upper()
        labels = {r.label.upper(): r.label for r, _ in self._patterns}
        return labels.get(upper)


def parse_exam_date(value: Any, date_format: str | None = None) -> date:
    """Read an exam date from an archive value.

    Args:
        value: A ``date``/``datetime`` (databases, Parquet) or a string: ``YYYY-MM-DD``,
            optionally followed by a time, or ``date_format`` when given.
        date_format: A ``strptime`` format for non-ISO strings (e.g. ``%d/%m/%Y``).

    Returns:
        The date (any time of day is dropped).

    Raises:
        ValueError: For a missing, empty or unparseable value; the message never repeats it.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if value is None or (isinstance(value, float) and value != value):
        raise ValueError("missing")
    if not isinstance(value, str):
        raise ValueError(f"a value of type {type(value).__name__}")
    text = value.strip()
    if not text:
        raise ValueError("empty")
    if date_format is not None:
        try:
            return datetime.strptime(text, date_format).date()
        except ValueError:
            raise ValueError(f"not in the format {date_format!r}") from None
    if ISO_DATE_PATTERN.fullmatch(text[:10]) and (len(text) == 10 or text[10] in "T "):
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            raise ValueError("not a calendar date") from None
    raise ValueError("not an ISO date (YYYY-MM-DD)")


# --- exams -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArchiveColumns:
    """Names of the archive's columns the audit reads (besides id and text)."""

    patient: str = "patient_id"
    date: str = "exam_date"
    modality: str = "modality"


@dataclass(frozen=True)
class Exam:
    """One archive exam, mined and dated.

    Attributes:
        order: Position in the archive (0-based), the tie-break within a day.
        report_id: The exam's report id.
        patient_id: The patient's id.
        exam_date: Date of the exam.
        modality: ``US``, ``CT``, ``MRI`` ... or None when unknown.
        triage: Triage level the miner gave the report.
        followup_recommended: Whether the report recommends follow-up.
    """

    order: int
    report_id: str
    patient_id: str
    exam_date: date
    modality: str | None
    triage: str
    followup_recommended: bool


def make_exam(
    order: int,
    report: Report,
    result: ReportResult,
    detector: ModalityDetector,
    columns: ArchiveColumns = ArchiveColumns(),
    date_format: str | None = None,
) -> Exam | RecordError:
    """Combine a report, its mining result and its archive columns into an exam.

    Args:
        order: Position of the record in the archive.
        report: The report (its ``meta`` holds the patient, date and modality columns).
        result: The miner's result for it.
        detector: Reads the modality from the column, else from the report header.
        columns: Column names of patient, date and modality.
        date_format: ``strptime`` format for non-ISO dates.

    Returns:
        The exam, or an error row (E301 no patient id, E302 bad date) naming the record.
    """
    patient = report.meta.get(columns.patient)
    if isinstance(patient, bool) or not isinstance(patient, str | int) or not str(patient).strip():
        reason = Errors.E301.format(column=columns.patient)
        return RecordError(report.source, report.line, report.report_id, "E301", reason)
    try:
        exam_date = parse_exam_date(report.meta.get(columns.date), date_format)
    except ValueError as e:
        reason = Errors.E302.format(column=columns.date, detail=str(e))
        return RecordError(report.source, report.line, report.report_id, "E302", reason)
    modality: str | None = None
    raw_modality = report.meta.get(columns.modality)
    if isinstance(raw_modality, str) and raw_modality.strip():
        modality = detector.from_value(raw_modality)
    if modality is None:
        modality = detector.from_header(report.text)
    return Exam(
        order=order,
        report_id=report.report_id,
        patient_id=str(patient).strip(),
        exam_date=exam_date,
        modality=modality,
        triage=result.triage,
        followup_recommended=result.followup_recommended,
    )


# --- the audit -------------------------------------------------------------------------------


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


# --- summary ---------------------------------------------------------------------------------


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
