"""One archive exam, as the audit sees it: mined, dated and given a modality and a patient
(:func:`make_exam`). The modality is read from a modality column or the report's header
(:class:`ModalityDetector`), the date from a date column (:func:`parse_exam_date`, in
:mod:`calcminer.nlp.audit.dates` with the layouts it reads; importable from here too).

An archive is dated in two steps (:func:`undated_exam`, then :meth:`UndatedExam.dated`), so
that the order of its ``dd/mm/yyyy``-like dates can be decided over the whole date column
(:class:`~calcminer.nlp.audit.dates.DayMonthOrder`) before any of them is read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from calcminer.nlp.audit.config import ModalityRule
from calcminer.nlp.audit.dates import ISO_DATE_PATTERN, parse_exam_date
from calcminer.nlp.errors import DataError, Errors
from calcminer.nlp.schema import FLAGGED_LEVELS, Recommendation, RecordError, Report, ReportResult


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


# --- exams -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExamRecommendation:
    """One follow-up recommendation of an exam's report, as the audit needs it (no report text
    but its own words).

    Attributes:
        modality: The exam modality it names, in the modality vocabulary's labels (``MRCP`` ->
            ``MRI``), or None when it names none the vocabulary knows ("imaging", ``PET``).
        named_modality: The modality as the recommendation names it (``MRCP``, ``imaging``).
        interval_days: The stated interval in days ("in 6 months" -> 182), or None.
        conditional: Made on a condition ("MRI if clinically required").
        liver: About the liver or its calcification (a recommendation naming no organ counts
            when the report has a counted liver calcification, as ``liver_followup_recommended``).
        evidence: The recommendation's words and where they are, ``words@start-end``.
    """

    modality: str | None
    named_modality: str
    interval_days: int | None
    conditional: bool
    liver: bool
    evidence: str


def exam_recommendations(
    recommendations: Sequence[Recommendation], calcification: bool, detector: ModalityDetector
) -> tuple[ExamRecommendation, ...]:
    """The audit's view of a report's recommendations (see :class:`ExamRecommendation`)."""
    return tuple(
        ExamRecommendation(
            modality=detector.from_value(r.modality) if r.modality else None,
            named_modality=r.modality,
            interval_days=r.interval_days,
            conditional=r.conditional,
            liver=r.concerns_liver or (calcification and not r.organ),
            evidence=f"{r.text}@{r.start_char}-{r.end_char}",
        )
        for r in recommendations
    )


@dataclass(frozen=True)
class ArchiveColumns:
    """Names of the archive's columns the audit reads (besides id and text)."""

    patient: str = "patient_id"
    date: str = "exam_date"
    modality: str = "modality"

    @property
    def read(self) -> frozenset[str]:
        """The columns the audit reads itself (the others are carried as they are)."""
        return frozenset({self.patient, self.date, self.modality})


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
        followup_recommended: Whether the report recommends follow-up (of any organ).
        liver_followup_recommended: Whether it recommends follow-up of the liver.
        recommendations: Its recommendations (kept for possible index exams only).
        meta: The archive's other columns (kept for possible index exams only).
    """

    order: int
    report_id: str
    patient_id: str
    exam_date: date
    modality: str | None
    triage: str
    followup_recommended: bool
    liver_followup_recommended: bool = False
    recommendations: tuple[ExamRecommendation, ...] = ()
    meta: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class UndatedExam:
    """An exam whose date is still the archive's value (:func:`undated_exam`).

    Attributes:
        order: Position in the archive (0-based).
        report_id: The exam's report id.
        patient_id: The patient's id.
        raw_date: The date column's value, as read.
        modality: ``US``, ``CT``, ``MRI`` ... or None when unknown.
        triage: Triage level the miner gave the report.
        followup_recommended: Whether the report recommends follow-up (of any organ).
        liver_followup_recommended: Whether it recommends follow-up of the liver.
        recommendations: Its recommendations (kept for possible index exams only).
        meta: The archive's other columns (kept for possible index exams only).
        source: Where the record came from (for an error row).
        line: The record's line or row (for an error row).
    """

    order: int
    report_id: str
    patient_id: str
    raw_date: Any
    modality: str | None
    triage: str
    followup_recommended: bool
    liver_followup_recommended: bool = False
    recommendations: tuple[ExamRecommendation, ...] = ()
    meta: Mapping[str, Any] = field(default_factory=dict)
    source: str = ""
    line: int | None = None

    @property
    def where(self) -> str:
        """The record, named for messages (never its values)."""
        line = "" if self.line is None else f", line {self.line}"
        return f"report {self.report_id!r} ({self.source or 'archive'}{line})"

    def dated(
        self, column: str, date_format: str | None = None, day_first: bool | None = None
    ) -> Exam | RecordError:
        """The exam with its date read, or the error row (E302) of a date that is none.

        Args:
            column: The date column's name, for the error row.
            date_format: ``strptime`` format of the dates, if given.
            day_first: The order of ``dd/mm/yyyy``-like dates (see :func:`parse_exam_date`).
        """
        try:
            exam_date = parse_exam_date(self.raw_date, date_format, day_first)
        except DataError as e:
            reason = Errors.E302.format(column=column, detail=e.detail)
            return RecordError(self.source, self.line, self.report_id, "E302", reason)
        return Exam(
            order=self.order,
            report_id=self.report_id,
            patient_id=self.patient_id,
            exam_date=exam_date,
            modality=self.modality,
            triage=self.triage,
            followup_recommended=self.followup_recommended,
            liver_followup_recommended=self.liver_followup_recommended,
            recommendations=self.recommendations,
            meta=self.meta,
        )


def may_be_index(result: ReportResult) -> bool:
    """Whether a report can be an index exam under any scope (flagged, or any recommendation).

    Only such exams keep their recommendations and carried columns: the others are needed
    only as possible follow-ups, so the exam index stays small (ids, patient, date, modality).
    """
    return (
        result.triage in FLAGGED_LEVELS
        or result.followup_recommended
        or result.liver_followup_recommended
    )


def _carried(meta: Mapping[str, Any], read: frozenset[str]) -> dict[str, Any]:
    """The archive columns an exam carries: all but those the audit reads itself."""
    return {key: value for key, value in meta.items() if key not in read}


def undated_exam(
    order: int,
    report: Report,
    result: ReportResult,
    detector: ModalityDetector,
    columns: ArchiveColumns = ArchiveColumns(),
) -> UndatedExam | RecordError:
    """Combine a report, its mining result and its archive columns into an exam, all but its
    date (kept as the archive's value: :meth:`UndatedExam.dated` reads it).

    Returns:
        The exam, or an error row (E301 no patient id) naming the record.
    """
    patient = report.meta.get(columns.patient)
    if isinstance(patient, bool) or not isinstance(patient, str | int) or not str(patient).strip():
        reason = Errors.E301.format(column=columns.patient)
        return RecordError(report.source, report.line, report.report_id, "E301", reason)
    modality: str | None = None
    raw_modality = report.meta.get(columns.modality)
    if isinstance(raw_modality, str) and raw_modality.strip():
        modality = detector.from_value(raw_modality)
    if modality is None:
        modality = detector.from_header(report.text)
    keep = may_be_index(result)
    return UndatedExam(
        order=order,
        report_id=report.report_id,
        patient_id=str(patient).strip(),
        raw_date=report.meta.get(columns.date),
        modality=modality,
        triage=result.triage,
        followup_recommended=result.followup_recommended,
        liver_followup_recommended=result.liver_followup_recommended,
        recommendations=(
            exam_recommendations(result.recommendations, result.calcification, detector)
            if keep
            else ()
        ),
        meta=_carried(report.meta, columns.read) if keep else {},
        source=report.source,
        line=report.line,
    )


def make_exam(
    order: int,
    report: Report,
    result: ReportResult,
    detector: ModalityDetector,
    columns: ArchiveColumns = ArchiveColumns(),
    date_format: str | None = None,
    day_first: bool | None = None,
) -> Exam | RecordError:
    """Combine a report, its mining result and its archive columns into an exam.

    Args:
        order: Position of the record in the archive.
        report: The report (its ``meta`` holds the patient, date and modality columns).
        result: The miner's result for it.
        detector: Reads the modality from the column, else from the report header.
        columns: Column names of patient, date and modality.
        date_format: ``strptime`` format for the dates, if given.
        day_first: The order of ``dd/mm/yyyy``-like dates (see :func:`parse_exam_date`;
            None: the order the date alone fits).

    Returns:
        The exam, or an error row (E301 no patient id, E302 bad date) naming the record.
    """
    exam = undated_exam(order, report, result, detector, columns)
    if isinstance(exam, RecordError):
        return exam
    return exam.dated(columns.date, date_format, day_first)


__all__ = [
    "ISO_DATE_PATTERN",
    "ArchiveColumns",
    "Exam",
    "ExamRecommendation",
    "ModalityDetector",
    "UndatedExam",
    "exam_recommendations",
    "make_exam",
    "may_be_index",
    "parse_exam_date",
    "undated_exam",
]
