"""One archive exam, as the audit sees it: mined, dated and given a modality and a patient
(:func:`make_exam`). The modality is read from a modality column or the report's header
(:class:`ModalityDetector`), the date from a date column (:func:`parse_exam_date`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from calcminer.nlp.audit.config import ModalityRule
from calcminer.nlp.errors import DataError, Errors
from calcminer.nlp.schema import RecordError, Report, ReportResult

#: Date formats read without ``--date-format``: ISO date, or ISO date and time.
ISO_DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")


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
        DataError: E313 for a missing, empty or unparseable value (a ``ValueError`` too); the
            message never repeats the value, and ``detail`` holds the reason alone.
    """

    def bad(detail: str) -> DataError:
        return DataError(Errors.E313.format(detail=detail), detail)

    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if value is None or (isinstance(value, float) and value != value):
        raise bad("missing")
    if not isinstance(value, str):
        raise bad(f"a value of type {type(value).__name__}")
    text = value.strip()
    if not text:
        raise bad("empty")
    if date_format is not None:
        try:
            return datetime.strptime(text, date_format).date()
        except ValueError:
            raise bad(f"not in the format {date_format!r}") from None
    if ISO_DATE_PATTERN.fullmatch(text[:10]) and (len(text) == 10 or text[10] in "T "):
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            raise bad("not a calendar date") from None
    raise bad("not an ISO date (YYYY-MM-DD)")


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
    except DataError as e:
        reason = Errors.E302.format(column=columns.date, detail=e.detail)
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


__all__ = [
    "ISO_DATE_PATTERN",
    "ArchiveColumns",
    "Exam",
    "ModalityDetector",
    "make_exam",
    "parse_exam_date",
]
