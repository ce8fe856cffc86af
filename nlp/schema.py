"""Value objects passed along the flow: Report (readers) -> Finding -> ReportResult (tables)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from calcminer.nlp.errors import Errors, InputError

Assertion = Literal["present", "negated", "uncertain", "historical", "hypothetical"]
CountCategory = Literal["none", "single", "multiple"]
TriageLevel = Literal["none", "benign", "workup", "urgent"]

TRIAGE_LEVELS: tuple[TriageLevel, ...] = ("none", "benign", "workup", "urgent")
FLAGGED_LEVELS: frozenset[str] = frozenset({"workup", "urgent"})
#: Longest report text mined (characters). Longer texts become an error row (E124): a report
#: of several MB is mined (about 15 s and 300 MB per 2 MB), but an archive field this large
#: is most likely a concatenation or an attachment. The pipeline's spaCy limit is set to it.
MAX_REPORT_CHARS = 5_000_000
#: The Couinaud segments of the liver, in order: how ``segments`` values are written and sorted.
COUINAUD_SEGMENTS: tuple[str, ...] = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")

#: Report-table columns defined by ../shared/GOLD_GUIDE.md, in its order.
GOLD_FIELDS: tuple[str, ...] = (
    "calcification",
    "count",
    "count_category",
    "max_size_mm",
    "segments",
    "lobes",
    "bile_duct",
    "diffuse",
    "followup_recommended",
    "triage",
)
#: Columns the miner adds after the gold fields.
EXTRA_REPORT_FIELDS: tuple[str, ...] = (
    "triage_rules",
    "triage_reason",
    "evidence",
    "followup_modalities",
    "liver_followup_recommended",
)


@dataclass(frozen=True)
class Report:
    """One input report, as a reader yields it.

    Attributes:
        report_id: Identifier from the id column, or the file stem for a folder of .txt files.
        text: The report text.
        meta: Other input columns, carried through to the report table unchanged.
        source: The file the report came from.
        line: 1-based line (JSONL), row (CSV/Parquet, header excluded) or None for a .txt file.
    """

    report_id: str
    text: str
    meta: Mapping[str, Any] = field(default_factory=dict)
    source: str = ""
    line: int | None = None


@dataclass(frozen=True)
class RecordError:
    """An input record that could not be processed; one row of the errors table.

    Attributes:
        source: File the record came from.
        line: 1-based line or row number, when known.
        report_id: The record's id, when known.
        code: Error code from the catalogue in ``calcminer.nlp.errors``.
        reason: Human-readable reason. Never contains report text.
    """

    source: str
    line: int | None
    report_id: str | None
    code: str
    reason: str


@dataclass(frozen=True)
class ModifierSpan:
    """Where a ConText modifier's words are: one item of ``Finding.modifier_spans``.

    Written as ``CATEGORY:rule_id@start-end`` (e.g. ``NEGATED_EXISTENCE:neg_forward_01@7-9``)
    so the findings table holds plain strings.

    Attributes:
        category: ConText category (``NEGATED_EXISTENCE``, ``POSSIBLE_EXISTENCE`` ...).
        rule_id: Id of the ConText rule.
        start: Character offset where the modifier words start.
        end: Character offset where they end.
    """

    category: str
    rule_id: str
    start: int
    end: int

    def __str__(self) -> str:
        return f"{self.category}:{self.rule_id}@{self.start}-{self.end}"


def parse_modifier_span(value: str) -> ModifierSpan:
    """Parse one ``CATEGORY:rule_id@start-end`` string of ``Finding.modifier_spans``.

    Raises:
        InputError: E161 when the string does not have that shape.
    """
    head, at, offsets = value.rpartition("@")
    category, colon, rule_id = head.partition(":")
    start, dash, end = offsets.partition("-")
    if not (at and colon and dash and category and rule_id and start.isdigit() and end.isdigit()):
        raise InputError(Errors.E161.format(value=value, shape="CATEGORY:rule_id@start-end"))
    return ModifierSpan(category=category, rule_id=rule_id, start=int(start), end=int(end))


@dataclass(frozen=True)
class Finding:
    """One calcification target found in a report, counted or not.

    Attributes:
        report_id: The report the finding belongs to.
        index: Position of the target in the report (0-based, in text order).
        start_char: Character offset where the target starts in the report text.
        end_char: Character offset where the target ends.
        text: The target's words (kept for review outputs; never logged).
        label: Target label from ``patterns/targets.jsonl`` (``CALCIFICATION``, ``DUCT_STONE`` ...).
        pattern_id: Id of the target pattern that matched.
        section: Section category the target sits in (e.g. ``liver``, ``impression``).
        organ: Organ the target was linked to (``liver``, ``spleen``, ...; ``unknown``).
        other_organs: Further organs the same mention names ("hepatic and splenic granulomas").
        assertion: ConText assertion after resolution.
        modifier_ids: Ids of the ConText rules that modified the target.
        modifier_spans: Where those modifiers are, as ``CATEGORY:rule_id@start-end``
            (character offsets in the report, e.g. ``NEGATED_EXISTENCE:neg_no@0-2``).
        counted: Whether the finding counts as an intrahepatic calcification.
        exclusion_reason: Why it does not count (None when counted).
        count: Exact number of foci the mention states, when it does.
        multiple: Whether the mention describes two or more foci.
        size_mm: Largest linear dimension attributed to the target, in mm.
        segments: Couinaud segments (roman numerals, sorted).
        lobes: Lobes (``right``, ``left``, ``caudate``; sorted).
        bile_duct: In or along the intrahepatic bile ducts.
        diffuse: Described as diffuse or throughout the liver.
        morphology: Morphology words (``punctate``, ``coarse``, ``rim`` ...).
        temporal: Temporal words (``stable``, ``new``, ``increased`` ...).
        group: Index of the co-reference group: targets of one sentence that describe the same
            foci ("an echogenic focus ..., consistent with a calcified granuloma") share it.
    """

    report_id: str
    index: int
    start_char: int
    end_char: int
    text: str
    label: str
    pattern_id: str
    section: str
    organ: str
    other_organs: tuple[str, ...]
    assertion: Assertion
    modifier_ids: tuple[str, ...]
    modifier_spans: tuple[str, ...]
    counted: bool
    exclusion_reason: str | None
    count: int | None
    multiple: bool
    size_mm: float | None
    segments: tuple[str, ...]
    lobes: tuple[str, ...]
    bile_duct: bool
    diffuse: bool
    morphology: tuple[str, ...]
    temporal: tuple[str, ...]
    group: int


@dataclass(frozen=True)
class Recommendation:
    """One follow-up recommendation of a report (``calcminer.nlp.pipeline.recommendations``).

    Attributes:
        report_id: The report it belongs to.
        index: Position among the report's recommendations (0-based, text order).
        modality: ``CT``, ``MRI``, ``MRCP``, ``US``, ``PET``, ``NM``, ``ERCP`` ..., or ``imaging``
            when the recommendation names none ("follow-up in 6 months").
        interval_days: The stated interval in whole days ("in 6 months" -> 182), when given.
        conditional: Made on a condition ("MRI if clinically required").
        subject: The organ or finding it names ("liver", "kidney", "renal cyst"; "" for none).
        organ: The organ the subject names ("kidney" for "renal cyst"; "" for none).
        concerns_liver: About the liver or a liver calcification.
        start_char: Where the recommendation's words start in the report text.
        end_char: Where they end.
        text: The words from ``start_char`` to ``end_char`` (kept for review; never logged).
        rule_ids: Ids of the mention rules that made it.
        word_spans: The recommendation words, as ``LABEL@start-end`` (cue, exam, plan,
            schedule, condition, interval), for highlighting.
    """

    report_id: str
    index: int
    modality: str
    interval_days: int | None
    conditional: bool
    subject: str
    organ: str
    concerns_liver: bool
    start_char: int
    end_char: int
    text: str
    rule_ids: tuple[str, ...]
    word_spans: tuple[str, ...]


def parse_word_span(value: str) -> tuple[str, int, int]:
    """Parse one ``LABEL@start-end`` item of ``Recommendation.word_spans``.

    Raises:
        InputError: E161 when the string does not have that shape.
    """
    label, at, offsets = value.rpartition("@")
    start, dash, end = offsets.partition("-")
    if not (at and dash and label and start.isdigit() and end.isdigit()):
        raise InputError(Errors.E161.format(value=value, shape="LABEL@start-end"))
    return label, int(start), int(end)


@dataclass(frozen=True)
class ReportResult:
    """What the miner says about one report: the GOLD_GUIDE fields plus triage explanation.

    Attributes:
        report_id: The report's id.
        calcification: At least one counted calcification.
        count: Exact number of calcified foci, when the report makes it exact.
        count_category: ``none``, ``single`` or ``multiple``.
        max_size_mm: Largest dimension of the largest counted calcification, in mm.
        segments: Couinaud segments of counted calcifications (roman numerals, sorted).
        lobes: Lobes named for counted calcifications (sorted).
        bile_duct: A counted calcification lies in or along the intrahepatic bile ducts.
        diffuse: Calcifications described as diffuse or throughout the liver.
        followup_recommended: The report recommends further imaging or follow-up.
        triage: ``none``, ``benign``, ``workup`` or ``urgent``.
        triage_rules: Ids of the triage rules that fired.
        triage_reason: One-line human reason for the triage level.
        evidence: Short pointer to the counted targets (``text@start-end`` joined by `` | ``).
        findings: Every target found, counted or not.
        followup_modalities: Modalities of the recommended follow-up (``CT``, ``MRI`` ...).
        liver_followup_recommended: A recommendation about the liver or its calcification,
            or a non-specific one in a report with a counted liver calcification.
        recommendations: Every follow-up recommendation of the report.
        meta: Input columns carried through.
    """

    report_id: str
    calcification: bool
    count: int | None
    count_category: CountCategory
    max_size_mm: float | None
    segments: tuple[str, ...]
    lobes: tuple[str, ...]
    bile_duct: bool
    diffuse: bool
    followup_recommended: bool
    triage: TriageLevel
    triage_rules: tuple[str, ...]
    triage_reason: str
    evidence: str
    findings: tuple[Finding, ...] = ()
    followup_modalities: tuple[str, ...] = ()
    liver_followup_recommended: bool = False
    recommendations: tuple[Recommendation, ...] = ()
    meta: Mapping[str, Any] = field(default_factory=dict)

    @property
    def flagged(self) -> bool:
        """Whether the report needs action (work-up or urgent)."""
        return self.triage in FLAGGED_LEVELS
