"""Follow-up recommendations: found in the linker's mentions, built into records after the pipeline.

A recommendation is decided clause by clause. A *clause* is a run of tokens between hard
stops: a line break, ``;``, a sentence-final ``.`` or ``!`` token (whatever the case of the
next word or the spaces after the period; "?" marks a query in dictation, "? abscess") or a
run of two or more spaces. So "no further imaging needed.  spleen normal"
and "... needed. Spleen normal" give the same decision, and a header such as
"Recommendation:" still governs the words after it on its line. A clause recommends imaging
when, outside excluded sections (indication, history, comparison, technique):

- a recommendation cue ("recommend", "advised", "rec", "Suggestion:") and a follow-up object
  ("CT", "MRI", "follow-up", "further evaluation") stand in it; a weak cue ("continue") needs
  a named modality ("Continue surveillance ultrasound", not "continue work-up"), and a cue
  word inside a reading ("findings suggest", "is considered benign", "was recommended") is
  no cue;
- or a schedule ("follow-up in 6 months") or a verbless plan at the start of the clause
  ("Follow-up ultrasound of ...", "MRI for further characterization of ...", "Continued CT
  follow-up.") stands in it; a plan does not count in a clause that describes an exam
  ("Follow-up CT shows ..."), names it as a header ("Follow-up ultrasound: ...") or is the
  report's opening clause (the exam's own name). An exam that opens its clause and is followed
  by its condition ("MRI liver if CEA rises", "Liver MRI should the marker rise") is a
  conditional plan, unless the clause goes on to say the exam was done ("... if ... was done
  in 2022"). An exam or procedure coordinated before a plan leaves it opening its clause
  ("MIBG scan and restaging CT per protocol", "Biopsy and follow-up MRI"), also when the
  finder knows only the exam's head ("PSMA PET and restaging CT": a few words naming it, none
  a verb, preposition or denial);
- or a conditional cue ("if clinically required", "as clinically indicated") and an imaging
  modality stand in it. Without a modality ("follow up as clinically indicated") it
  recommends nothing, and a bare "if" clause is no recommendation ("If calcification is
  suspected, CT would be more sensitive"); with a cue it makes the recommendation
  conditional.

A header cue ("Plan:") also governs the clauses after its own on its line, where it
recommends a named modality ("Plan: Counselled. Fetal MRI brain at 28 weeks."). An exam inside
a reading ("correlation with the CT ... performed", "follow up with me") is no object.

An object, plan or schedule negated by a ConText modifier inside the clause ("no further
imaging needed", "MRI is not recommended") is no recommendation; a negation inside a condition
that a comma closes before the exam ("If not resected, follow-up MRI in 6 months") negates
the condition, not the exam. Of two plans that overlap ("Follow-up pelvic ultrasound" and
"ultrasound in 6-8 weeks") the linker keeps the one that opens the clause. Biopsy, serology and
referral words are no follow-up objects, so they alone recommend nothing. A clause gives one
recommendation per named exam ("MRI or CT"), or one of modality ``imaging``; an exam inside
the condition of another ("MRCP if ERCP is not planned") is part of the condition.

Each recommendation gets its interval (``INTERVAL`` mentions, days per unit from
``config.toml``), its subject (an organ in, right before or right after the exam words,
"pelvic ultrasound", else the words after "of"/"for", else an organ of the clause) and its
organ. An exam whose list of body regions holds the abdomen ("CT chest, abdomen and pelvis")
surveys the body: the organs of that list are not its subject. A recommendation that names no
organ takes one from organ words of its clause ("HCC surveillance" -> liver; a LI-RADS
category such as "LR-TR", also when the tokenizer splits it) or from the clause before it:
the organ of a clause joined to it by ``;`` ("5 mm gallbladder polyp;
repeat ultrasound ..."), the organ of a clause that opens its numbered item and names no
liver ("1. Adrenal nodule. Follow-up CT in 12 months."), or the liver when that clause is
about the liver ("Probable haemangioma in segment III. Follow-up sonography in 6 months.").
When that clause names no organ ("No other lesion.") or only denies a liver finding ("No
hepatic lesion."), the clauses before it in the same section decide, up to
``max_look_back_clauses``: the first that names an organ or an organ's disease
("pancreatitis", "nephrolithiasis", "peritoneal") by its first organ word; the look-back never
crosses a header into another section ("Liver: ..." before "Impression: ..."). An exam named
only inside a condition that a comma closes ("if calcification were present on prior CT,
...") is part of the condition. A reduced text keeps the clause before a recommendation
verbatim; a recommendation that reads further back marks its Doc (``LOOK_BACK``), and the
miner mines again with the clauses it may read kept verbatim (``Prefilter.candidate_units``),
so the result is the same with or without the prefilter.
``concerns_liver`` is then whether that organ is the liver (or, naming none, a liver location
or counted liver target stands in the clause); :func:`liver_followup` makes the report-level
flag.

The linker stores what it finds as tuples of primitives (``Doc._.calcminer_recommendations``,
see :data:`RecommendationTuple`); :func:`doc_recommendations` turns them into
:class:`~calcminer.nlp.schema.Recommendation` objects with offsets into the original text.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from spacy.tokens import Doc, Token

from calcminer.nlp.pipeline.extensions import LOOK_BACK, RECOMMENDATIONS, context_edges
from calcminer.nlp.pipeline.records import FindingRecord, Sentence
from calcminer.nlp.pipeline.token_view import token_view
from calcminer.nlp.rules.labels import FOLLOWUP_TRIGGER_LABELS, RECOMMENDATION_LABELS
from calcminer.nlp.rules.rule_values import (
    DUCT_AMBIGUOUS,
    FOLLOWUP_CUE_HEADER,
    FOLLOWUP_CUE_LINE_HEADER,
    FOLLOWUP_CUE_NEEDS_MODALITY,
    FOLLOWUP_FOLLOWUP,
    FOLLOWUP_IMAGING,
    FOLLOWUP_PLAN_CONDITION,
    ORGAN_LIVER,
)
from calcminer.nlp.schema import Recommendation

#: Labels of the mentions the finder reads.
CUE = "FOLLOWUP_CUE"
OBJECT = "FOLLOWUP"
SCHEDULE = "FOLLOWUP_SCHEDULE"
PLAN = "FOLLOWUP_PLAN"
CONDITION = "FOLLOWUP_CONDITION"
CONDITIONAL_CUE = "FOLLOWUP_CONDITIONAL"
NOT_CUE = "FOLLOWUP_NOT_CUE"
INTERVAL = "INTERVAL"
ORGAN = "ORGAN"
#: Labels of the mentions that can make a recommendation (with others of its clause).
TRIGGER_LABELS = FOLLOWUP_TRIGGER_LABELS
#: Object values that name no modality.
GENERIC_MODALITIES = frozenset({FOLLOWUP_IMAGING, FOLLOWUP_FOLLOWUP})
#: Value of a cue that recommends only with a named modality ("continue").
NEEDS_MODALITY = FOLLOWUP_CUE_NEEDS_MODALITY
#: Value of a header cue ("Plan:"): it also governs the clauses after its own on its line,
#: where it recommends only with a named modality ("Plan: Counselled. Fetal MRI at 28 weeks.").
HEADER_CUE = FOLLOWUP_CUE_HEADER
#: Value of an advice header of translated reports ("Saran:", "Empfehlung:"): a header cue
#: that, alone on its line, governs the next line ("Saran:\nMRI abdomen.").
LINE_HEADER_CUE = FOLLOWUP_CUE_LINE_HEADER
#: Value of a verbless plan that ends with its condition ("MRI liver if", "Liver MRI should
#: the"): what follows is the condition, read only for words saying the exam was done.
CONDITIONAL_PLAN = FOLLOWUP_PLAN_CONDITION
#: Modality of a recommendation that names none.
UNNAMED_MODALITY = FOLLOWUP_IMAGING
LIVER = ORGAN_LIVER
#: Location labels that place a recommendation's subject in the liver.
LIVER_LOCATION_LABELS = frozenset({"SEGMENT", "LOBE", "DUCT"})
#: Value of a duct word that names no side of the liver's edge ("the bile duct", "ducts"): it
#: does not place a recommendation in the liver by itself (the common bile duct is outside).
AMBIGUOUS_DUCT = DUCT_AMBIGUOUS
#: Tokens that end a clause.
CLAUSE_END_TOKENS = frozenset({";", ".", "!"})
#: Tokens after the number that opens a numbered item ("1.", "2)").
NUMBERED_ITEM_MARKS = frozenset({".", ")"})
NEGATED = "NEGATED_EXISTENCE"
#: The mark that ends a header or an item's lead ("Plan:", "2. Lesion (9 mm): repeat MRI").
COLON = ":"
#: Dashes that, with a space on each side, part a finding from the plan after it ("Large
#: hepatic calcification - outpatient MRI"), as a colon does.
SEPARATOR_DASHES = frozenset({"-", "\u2013", "\u2014"})

#: One recommendation as the linker stores it on the Doc:
#: ``(start_char, end_char, modality, interval_days or None, conditional, subject, organ,
#: concerns_liver, rule_ids, word_spans)``, where ``word_spans`` holds
#: ``(start_char, end_char, label)`` of every mention that makes the recommendation.
RecommendationTuple = tuple[
    int,
    int,
    str,
    int | None,
    bool,
    str,
    str,
    bool,
    tuple[str, ...],
    tuple[tuple[int, int, str], ...],
]


class MentionLike(Protocol):
    """What the finder reads of a linker mention (``calcminer.nlp.pipeline.linking.Mention``)."""

    start: int
    end: int
    label: str
    rule_id: str
    value: str | None
    sent: int
    start_char: int
    end_char: int


@dataclass(frozen=True)
class RecommendationSettings:
    """Word tables and configuration of the finder (``patterns/``).

    Attributes:
        days_per_unit: Days per interval unit (``month`` -> 30.4375), from ``config.toml``.
        number_words: Interval numbers written as words ("six" -> 6).
        plan_lead_words: Words that may stand before a verbless plan at a clause start.
        plan_blocking_words: Words that make a clause a description, not a verbless plan
            ("Follow-up CT *shows* ..."), when they stand before any plan_clause_break_words.
        plan_clause_break_words: Words after which a plan's clause no longer describes the
            exam ("MRCP *if* ERCP is not planned").
        subject_prepositions: Words that introduce a subject ("follow-up *of* the cyst").
        subject_skip_words: Words skipped before a subject ("the", "further evaluation of").
        subject_stop_words: Words that end a subject.
        organ_words: Words that place a recommendation naming no organ ("HCC" -> liver),
            read in its clause and the clause before it.
        max_subject_tokens: Most words kept in a subject.
        max_cue_object_distance: Most tokens between a recommendation word and its exam.
        guided_words: Words that make an exam a guide for a procedure ("USG guided biopsy").
        survey_region_words: Body regions that make an exam a survey naming no organ when they
            stand in its list of regions ("CT chest, *abdomen* and pelvis").
        region_list_words: Other words of an exam's list of body regions ("chest", "and",
            ",", "of", "contrast").
        denial_openers: Words that, opening a clause, deny a finding ("No hepatic lesion."):
            such a clause does not place a recommendation in the liver by itself.
        denial_breakers: Words that, before the organ word of such a clause, make it report a
            finding ("No change in the hepatic cyst.").
        max_look_back_clauses: Most clauses a recommendation naming no organ looks back over,
            in its section, for one that names an organ.
        plan_condition_done_words: Word sequences that, after the condition of a conditional
            plan, say the exam was done ("MRI liver if CEA rises *was done* in 2022"): such a
            clause is history, not a plan.
        exam_coordinators: Words that join an exam or procedure opening a clause to the plan
            after it ("MIBG scan *and* restaging CT", "Bone scan*,* follow-up MRI").
        coordinated_procedure_words: Procedures that, coordinated before a plan, leave it
            opening its clause ("Biopsy and restaging CT per protocol").
        exam_modifier_stop_words: Words that cannot name an exam the finder does not know
            before its head ("*prior* scan" may, "comparison *with* scan" may not), besides
            plan_blocking_words, plan_clause_break_words and denial_openers.
        max_exam_modifier_words: Most words that may name such an exam before its head
            ("Ga-68 DOTATATE PET": 2).
    """

    days_per_unit: Mapping[str, float]
    number_words: Mapping[str, int]
    plan_lead_words: frozenset[str]
    plan_blocking_words: frozenset[str]
    plan_clause_break_words: frozenset[str]
    subject_prepositions: frozenset[str]
    subject_skip_words: frozenset[str]
    subject_stop_words: frozenset[str]
    organ_words: Mapping[str, str]
    max_subject_tokens: int
    max_cue_object_distance: int = 15
    guided_words: frozenset[str] = frozenset()
    survey_region_words: frozenset[str] = frozenset()
    region_list_words: frozenset[str] = frozenset()
    denial_openers: frozenset[str] = frozenset()
    denial_breakers: frozenset[str] = frozenset()
    max_look_back_clauses: int = 1
    plan_condition_done_words: frozenset[tuple[str, ...]] = frozenset()
    exam_coordinators: frozenset[str] = frozenset()
    coordinated_procedure_words: frozenset[str] = frozenset()
    exam_modifier_stop_words: frozenset[str] = frozenset()
    max_exam_modifier_words: int = 0

    @classmethod
    def from_patterns(
        cls, config: Mapping[str, Any], normalization: Mapping[str, Any]
    ) -> RecommendationSettings:
        """Read the settings from a pattern set's ``config`` and ``normalization``."""
        section = config["recommendations"]
        prefix = "days_per_"
        table = normalization["followup"]
        return cls(
            days_per_unit={
                key[len(prefix) :]: float(value)
                for key, value in section.items()
                if key.startswith(prefix)
            },
            number_words={str(k): int(v) for k, v in table["number_words"].items()},
            plan_lead_words=frozenset(table["plan_lead_words"]),
            plan_blocking_words=frozenset(table["plan_blocking_words"]),
            plan_clause_break_words=frozenset(table["plan_clause_break_words"]),
            subject_prepositions=frozenset(table["subject_prepositions"]),
            subject_skip_words=frozenset(table["subject_skip_words"]),
            subject_stop_words=frozenset(table["subject_stop_words"]),
            organ_words={str(k): str(v) for k, v in table["organ_words"].items()},
            max_subject_tokens=int(section["max_subject_tokens"]),
            max_cue_object_distance=int(section["max_cue_object_distance_tokens"]),
            guided_words=frozenset(table["guided_words"]),
            survey_region_words=frozenset(table["survey_region_words"]),
            region_list_words=frozenset(table["region_list_words"]),
            denial_openers=frozenset(table["denial_openers"]),
            denial_breakers=frozenset(table["denial_breakers"]),
            max_look_back_clauses=int(section["max_look_back_clauses"]),
            plan_condition_done_words=frozenset(
                tuple(str(phrase).lower().split()) for phrase in table["plan_condition_done_words"]
            ),
            exam_coordinators=frozenset(table["exam_coordinators"]),
            coordinated_procedure_words=frozenset(table["coordinated_procedure_words"]),
            exam_modifier_stop_words=frozenset(table["exam_modifier_stop_words"]),
            max_exam_modifier_words=int(section["max_exam_modifier_words"]),
        )


def interval_days(number: float, unit: str, days_per_unit: Mapping[str, float]) -> int | None:
    """Whole days of an interval (rounded down), or None for an unknown unit.

    >>> interval_days(6, "month", {"month": 30.4375})
    182
    """
    days = days_per_unit.get(unit)
    if days is None or number <= 0:
        return None
    return math.floor(number * days)


def parse_interval_number(words: Sequence[str], number_words: Mapping[str, int]) -> float:
    """The number of an interval's words ("6", "-", "monthly" -> 6; "a", "year" -> 1).

    An interval without a number ("annual") is one unit.
    """
    for word in words:
        lower = word.lower()
        try:
            return float(lower.replace(",", "."))
        except ValueError:
            pass
        if lower in number_words:
            return float(number_words[lower])
    return 1.0


def clause_bounds(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges of the clauses of a Doc (see the module docstring), in order.

    Besides line breaks, ``;`` and sentence-final punctuation, a run of two or more spaces
    ends a clause ("gb normal  kidneys normal  rec ct abd"), except right after a colon.
    """
    bounds = []
    start = 0
    for token in doc:
        if ends_clause(doc, token.i):
            bounds.append((start, token.i + 1))
            start = token.i + 1
    if start < len(doc):
        bounds.append((start, len(doc)))
    return bounds


def ends_clause(doc: Doc, i: int) -> bool:
    """Whether token ``i`` ends its clause (see :func:`clause_bounds`).

    A word that keeps its period and ends a sentence ("... in segment V. Follow-up ...": the
    tokenizer reads "V." as an abbreviation, the sentence splitter ends the sentence there)
    ends its clause as a period would.
    """
    token = doc[i]
    if token.text in CLAUSE_END_TOKENS:
        return True
    if (
        len(token.text) > 1
        and token.text.endswith(".")
        and i + 1 < len(doc)
        and doc[i + 1].is_sent_start
    ):
        return True
    return token.is_space and ("\n" in token.text or (i > 0 and doc[i - 1].text != ":"))


def clause_around(doc: Doc, i: int) -> tuple[int, int]:
    """Token range of the clause that holds token ``i`` (one of :func:`clause_bounds`)."""
    start = i
    while start > 0 and not ends_clause(doc, start - 1):
        start -= 1
    end = i
    while end < len(doc) and not ends_clause(doc, end):
        end += 1
    return start, min(end + 1, len(doc))


class RecommendationFinder:
    """Finds the recommendations of a Doc from the linker's mentions (see module docstring).

    Args:
        settings: Word tables and configuration.
    """

    def __init__(self, settings: RecommendationSettings) -> None:
        self.settings = settings
        self._region_words = settings.region_list_words | settings.survey_region_words
        self._modifier_stop_words = (
            settings.exam_modifier_stop_words
            | settings.plan_blocking_words
            | settings.plan_clause_break_words
            | settings.denial_openers
        )

    def find(
        self,
        doc: Doc,
        sentences: Sequence[Sentence],
        mentions: Sequence[MentionLike],
        records: Sequence[FindingRecord],
        *,
        liver_exam: bool = False,
    ) -> tuple[RecommendationTuple, ...]:
        """Return the recommendations of a Doc, in text order.

        Args:
            doc: The Doc (after ConText).
            sentences: The linker's sentence table (``Sentence`` rows).
            mentions: The linker's cleaned mentions, in document order.
            records: The linker's target records (for the organ of targets in a clause).
            liver_exam: Whether the report's title names an exam of the liver only
                (``calcminer.nlp.pipeline.normalize.ExamTitle``): a recommendation naming no organ
                then concerns the liver.
        """
        used = [
            m
            for m in mentions
            if (m.label in RECOMMENDATION_LABELS or m.label in LIVER_LOCATION_LABELS)
            or m.label == ORGAN
        ]
        # Only these can make a recommendation: most Docs have none, and stop here.
        triggers = [m for m in used if m.label in TRIGGER_LABELS]
        if not triggers:
            return ()
        negated_by: dict[tuple[int, int], list[int]] = {}
        for edge in context_edges(doc):
            if edge.category == NEGATED:
                span = (edge.target_start_char, edge.target_end_char)
                negated_by.setdefault(span, []).append(edge.modifier_start_char)
        # Each clause is walked once, however many triggers it holds (a run-on list).
        clauses: list[tuple[int, int]] = []
        for m in sorted(triggers, key=lambda m: m.start):
            if not clauses or not clauses[-1][0] <= m.start < clauses[-1][1]:
                clauses.append(clause_around(doc, m.start))
        headed = self._headed_clauses(doc, triggers, sentences)
        clauses += headed
        used.sort(key=lambda m: m.start)
        used_starts = [m.start for m in used]
        liver_targets = sorted(
            r["start_char"] for r in records if r["counted"] and r["organ"] == LIVER
        )
        sentence_starts = [row.start for row in sentences]

        def section_of(i: int) -> tuple[str, str]:
            """The part and organ section of the sentence that holds token ``i``."""
            row = sentences[max(bisect.bisect_right(sentence_starts, i) - 1, 0)]
            return row.part, row.organ_sections

        found: list[RecommendationTuple] = []
        for clause in sorted(set(clauses)):
            start, end = clause
            first = bisect.bisect_left(used_starts, start)
            last = bisect.bisect_left(used_starts, end, lo=first)
            items = [
                m for m in used[first:last] if m.end <= end and sentences[m.sent].part != "excluded"
            ]
            found += self._clause(
                doc,
                clause,
                items,
                negated_by,
                liver_targets,
                liver_exam,
                headed.get(clause, ()),
                section_of,
            )
        return tuple(found)

    @staticmethod
    def _headed_clauses(
        doc: Doc,
        triggers: Sequence[MentionLike],
        sentences: Sequence[Sentence],
    ) -> dict[tuple[int, int], tuple[MentionLike, ...]]:
        """The clauses a header cue governs after its own, up to the end of its line or the
        next header cue ("Plan: Counselled. *Fetal MRI brain at 28 weeks.*"), each with its
        header."""
        headers = sorted(
            (
                m
                for m in triggers
                if m.label == CUE
                and m.value in {HEADER_CUE, LINE_HEADER_CUE}
                and sentences[m.sent].part != "excluded"
            ),
            key=lambda m: m.start,
        )
        headed: dict[tuple[int, int], tuple[MentionLike, ...]] = {}
        for n, header in enumerate(headers):
            stop = headers[n + 1].start if n + 1 < len(headers) else len(doc)
            i = clause_around(doc, header.start)[1]
            if (
                header.value == LINE_HEADER_CUE
                and 0 < i < stop
                and i >= header.end
                and all(not doc[j].text.strip() for j in range(header.end, i))
                and any(_breaks_line(doc[j]) for j in range(header.end - 1, i))
            ):
                # "Saran:" alone on its line governs the next line ("Saran:\nMRI abdomen.").
                while i < stop and (doc[i].is_space or not doc[i].text.strip()):
                    i += 1
                if i < stop:
                    clause = clause_around(doc, i)
                    headed[clause] = (header,)
                    i = clause[1]
            while i < stop and not _breaks_line(doc[i - 1]) and not _breaks_line(doc[i]):
                clause = clause_around(doc, i)
                headed[clause] = (header,)
                i = clause[1]
        return headed

    def _clause(
        self,
        doc: Doc,
        clause: tuple[int, int],
        items: Sequence[MentionLike],
        negated_by: Mapping[tuple[int, int], Sequence[int]],
        liver_targets: Sequence[int],
        liver_exam: bool = False,
        headers: Sequence[MentionLike] = (),
        section_of: Callable[[int], tuple[str, str]] | None = None,
    ) -> list[RecommendationTuple]:
        """The recommendations of one clause; ``headers`` are header cues of earlier clauses
        of its line, which recommend only a named modality (see :meth:`_headed_clauses`);
        ``section_of`` gives the section of a token (the look-back stays in one)."""
        start, end = clause
        clause_start_char = doc[start].idx
        clause_end_char = doc[end - 1].idx + len(doc[end - 1].text)

        conditions = [m for m in items if m.label in {CONDITION, CONDITIONAL_CUE}]
        # "If not resected, follow-up MRI in 6 months": a negation inside a condition that a
        # comma closes before the exam negates the condition, not the exam.
        closed_conditions = self._closed_conditions(doc, clause, conditions)

        def negated(m: MentionLike) -> bool:
            return any(
                clause_start_char <= at < clause_end_char
                and not any(lo <= at < hi <= m.start_char for lo, hi in closed_conditions)
                for at in negated_by.get((m.start_char, m.end_char), ())
            )

        conditional_cues = [m for m in conditions if m.label == CONDITIONAL_CUE]

        def in_condition(m: MentionLike) -> bool:
            return any(c.start <= m.start and m.end <= c.end for c in conditions)

        readings = [m for m in items if m.label == NOT_CUE]
        cues = [
            m
            for m in items
            if m.label == CUE
            and not in_condition(m)
            and not any(r.start <= m.start and m.end <= r.end for r in readings)
        ]
        # An exam inside a reading ("correlation with the CT ... performed", "follow up with
        # me") is no follow-up object either.
        # An exam inside a condition that a comma closes ("if calcification were present on
        # prior CT, a complicated cyst would be considered") is part of the condition.
        objects = [
            m
            for m in items
            if m.label == OBJECT
            and not negated(m)
            and not self._guides(doc, m, end)
            and not _covers_any(m, readings, inside=True)
            and not any(lo <= m.start_char < hi for lo, hi in closed_conditions)
        ]
        negated_objects = [m for m in items if m.label == OBJECT and negated(m)]
        schedules = [
            m
            for m in items
            if m.label == SCHEDULE and not negated(m) and not _covers_any(m, negated_objects)
        ]
        exam_tokens = {i for o in objects for i in range(o.start, o.end)}
        plans = [
            m
            for m in items
            if m.label == PLAN
            and not negated(m)
            and not _covers_any(m, negated_objects)
            and self._plan_stands_alone(doc, clause, m, exam_tokens)
        ]
        specific = [o for o in objects if o.value not in GENERIC_MODALITIES]
        # An exam named inside the condition of another ("MRCP if ERCP is not planned") is
        # part of the condition, not a recommendation of its own.
        condition_start = min((c.start for c in conditions if c.label == CONDITION), default=end)
        if any(o.end <= condition_start for o in specific):
            specific = [o for o in specific if o.end <= condition_start]
        strong_cues = [c for c in cues if c.value != NEEDS_MODALITY]
        near = self.settings.max_cue_object_distance
        triggered = bool(
            schedules
            or plans
            or (strong_cues and _any_near(strong_cues, objects, near))
            or (
                (cues or conditional_cues or headers)
                and _any_near([*cues, *conditional_cues, *headers], specific, near)
            )
        )
        if not triggered:
            return []
        intervals = [m for m in items if m.label == INTERVAL]
        conditional = bool(conditions)
        words = [*headers, *cues, *objects, *schedules, *plans, *conditions, *intervals]
        modalities: dict[str, list[MentionLike]] = {}
        for o in specific:
            modalities.setdefault(str(o.value), []).append(o)
        groups: list[tuple[str, list[MentionLike]]] = list(modalities.items()) or [
            (UNNAMED_MODALITY, [o for o in objects] or [*schedules, *plans])
        ]
        found = []
        for modality, anchors in groups:
            anchor_end = max(a.end for a in anchors) if anchors else start
            interval = self._interval(doc, intervals, anchor_end)
            subject, subject_span, organ = self._subject(doc, clause, anchors, items)
            if organ:
                concerns = organ == LIVER
            elif self._liver_in_clause(items, clause, liver_targets, doc):
                concerns = True
            else:
                organ = self._organ_word(doc, clause)
                concerns = organ == LIVER
                if not organ:
                    organ, concerns = self._placed_by_previous_clause(doc, clause, section_of)
                # "MRI LIVER ...": a recommendation naming no organ is about the liver.
                concerns = concerns or (liver_exam and not organ)
            own = [
                w
                for w in words
                if w.label != OBJECT
                or w.value == modality
                or modality == UNNAMED_MODALITY
                or w.value in GENERIC_MODALITIES
            ]
            spans = merge_word_spans(self._word_span(doc, w, conditions) for w in own)
            first = min([s for s, _, _ in spans] + ([subject_span[0]] if subject_span else []))
            last = max([e for _, e, _ in spans] + ([subject_span[1]] if subject_span else []))
            rule_ids = tuple(sorted({w.rule_id for w in own}))
            found.append(
                (
                    first,
                    last,
                    modality,
                    interval,
                    conditional,
                    subject,
                    organ,
                    concerns,
                    rule_ids,
                    tuple(spans),
                )
            )
        return found

    @staticmethod
    def _word_span(
        doc: Doc, word: MentionLike, conditions: Sequence[MentionLike]
    ) -> tuple[int, int, str]:
        """``(start_char, end_char, label)`` of a word of a recommendation; a conditional plan
        ("MRI liver if") keeps only its words before its condition, which is a word of its own
        ("{MRI liver} {if} CEA rises", "{MRI} {if clinically required}")."""
        if word.label == PLAN and word.value == CONDITIONAL_PLAN:
            cut = min((c.start for c in conditions if word.start < c.start < word.end), default=0)
            if cut:
                last = doc[cut - 1]
                return word.start_char, last.idx + len(last.text), word.label
        return word.start_char, word.end_char, word.label

    @staticmethod
    def _closed_conditions(
        doc: Doc, clause: tuple[int, int], conditions: Sequence[MentionLike]
    ) -> list[tuple[int, int]]:
        """Character spans from each condition word ("if", "unless") to the comma that closes
        its condition ("*If not resected,* follow-up MRI ..."), in the clause."""
        spans = []
        end = clause[1]
        for c in conditions:
            if c.label != CONDITION:
                continue
            i = c.end
            while i < end and doc[i].text != ",":
                i += 1
            if i < end:
                spans.append((c.start_char, doc[i].idx))
        return spans

    def _guides(self, doc: Doc, exam: MentionLike, end: int) -> bool:
        """Whether an exam only guides a procedure ("USG guided biopsy", "CT-guided drainage")."""
        lw = token_view(doc).lower
        i = exam.end
        while i < end and doc[i].text == "-":
            i += 1
        return i < end and lw[i] in self.settings.guided_words

    def _organ_word(self, doc: Doc, clause: tuple[int, int]) -> str:
        """The organ of the first organ word of a clause ("HCC surveillance" -> liver)."""
        for i in range(*clause):
            organ = self._organ_at(doc, i, clause[1])
            if organ:
                return organ
        return ""

    def _organ_at(self, doc: Doc, i: int, end: int) -> str:
        """The organ of the organ word at token ``i`` ("" for none), also of a hyphenated one
        that the tokenizer splits ("LR-TR", "LI-RADS": a LI-RADS category names the liver), and
        of a key of two words, for a word that names an organ only in its phrase (Portuguese
        "do rim", where "rim" alone is English)."""
        lw = token_view(doc).lower
        words = self.settings.organ_words
        lower = lw[i]
        organ = words.get(lower)
        if organ is None and i + 2 < end and doc[i + 1].text == "-":
            organ = words.get(f"{lower}-{lw[i + 2]}")
        if organ is None and i + 1 < end:
            organ = words.get(f"{lower} {lw[i + 1]}")
        return organ or ""

    def _placed_by_previous_clause(
        self,
        doc: Doc,
        clause: tuple[int, int],
        section_of: Callable[[int], tuple[str, str]] | None = None,
    ) -> tuple[str, bool]:
        """``(organ, concerns_liver)`` of a recommendation naming no organ, from the clauses
        before it.

        The clause before it decides first: the organ of a clause joined to it by ``;`` ("5 mm
        gallbladder polyp; repeat ultrasound in 12 months") or of the clause that opens its
        numbered item when it names no liver and its line goes on to the recommendation ("1.
        Pancreatic cyst. Follow-up MRI in 1 year."), else whether that clause is about the
        liver ("Probable haemangioma in segment III. Follow-up sonography in 6 months.").

        A clause before it that names no organ ("No other lesion."), or only denies a liver
        finding ("No hepatic parenchymal lesion."), hands the decision to the clauses before
        it in the recommendation's section (``section_of``), at most ``max_look_back_clauses``
        in all: the first one naming an organ decides by its first organ word ("Peritoneal
        carcinomatosis. No hepatic lesion. Repeat CT." -> not the liver). A denial with no such
        clause still places the liver ("No evidence of recurrent hepatoblastoma. Continue
        surveillance MRI."). The look-back never crosses into another section, such as an
        organ section before the impression.
        """
        previous = self._clause_before(doc, clause[0])
        if previous is None:
            return "", False
        start, end = previous
        organs = self._organs(doc, previous)
        last = end - 1
        while last > start and doc[last].is_space:
            last -= 1
        if doc[last].text == ";" and organs:
            return organs[0], organs[0] == LIVER
        if (
            organs
            and LIVER not in organs
            and (self._opens_numbered_item(doc, previous) or self._opens_line(doc, previous))
            and not any("\n" in doc[i].text for i in range(end - 1, clause[0]))
        ):
            return organs[0], False
        denied = LIVER in organs and self._denies(doc, previous)
        if organs and not denied:
            return "", LIVER in organs
        if section_of is None:
            return "", denied
        # The clauses before the previous one are read: a reduced text that kept only the
        # piece before the recommendation is mined again with more (calcminer.nlp.mining.miner).
        doc._.set(LOOK_BACK, True)
        section = section_of(_first_word(doc, clause))
        earlier: tuple[int, int] | None = previous
        for _ in range(self.settings.max_look_back_clauses):
            if earlier is None or section_of(_first_word(doc, earlier)) != section:
                break
            if earlier != previous:
                organs = self._organs(doc, earlier)
                if LIVER in organs and self._denies(doc, earlier):
                    denied = True
                elif organs:
                    return "", organs[0] == LIVER
            earlier = self._clause_before(doc, earlier[0])
        return "", denied

    @staticmethod
    def _clause_before(doc: Doc, start: int) -> tuple[int, int] | None:
        """The nearest clause before token ``start`` that holds a letter, or None."""
        while start > 0:
            candidate = clause_around(doc, start - 1)
            if any(c.isalpha() for c in doc[candidate[0] : candidate[1]].text):
                return candidate
            start = candidate[0]
        return None

    def _organs(self, doc: Doc, clause: tuple[int, int]) -> list[str]:
        """The organs of the organ words of a clause, in order."""
        start, end = clause
        return [organ for i in range(start, end) if (organ := self._organ_at(doc, i, end))]

    def _denies(self, doc: Doc, clause: tuple[int, int]) -> bool:
        """Whether a clause opens with a denial before its first organ word ("No hepatic
        lesion.", "Impression: Normal liver parenchyma.") and holds no denial breaker ("No
        change in the hepatic cyst.", "No hepatic calcification is seen.")."""
        lw = token_view(doc).lower
        start, end = clause
        breakers = self.settings.denial_breakers
        if any(lw[i] in breakers for i in range(start, end)):
            return False
        opener = ""
        for i in range(start, end):
            token = doc[i]
            if _is_colon(token):
                opener = ""  # a header's colon: the clause's own words start after it
                continue
            if self._organ_at(doc, i, end):
                break
            if not opener and token.is_alpha:
                opener = token.lower_
        return opener in self.settings.denial_openers

    @staticmethod
    def _opens_line(doc: Doc, clause: tuple[int, int]) -> bool:
        """Whether a clause opens its line, or follows a header's colon that does
        ("Impression:\n5 mm gallbladder polyp, stable. Follow-up ultrasound in 12 months.")."""
        start, end = clause
        while start < end and doc[start].is_space:
            start += 1
        before = start - 1
        while before >= 0 and doc[before].is_space and "\n" not in doc[before].text:
            before -= 1
        if before < 0 or "\n" in doc[before].text or "\n" in doc[before].whitespace_:
            return True
        if doc[before].text != ":":
            return False
        j = before - 1
        while j >= 0 and "\n" not in doc[j].text and "\n" not in doc[j].whitespace_:
            if doc[j].text in {".", ";"}:
                return False
            j -= 1
        return True

    @staticmethod
    def _opens_numbered_item(doc: Doc, clause: tuple[int, int]) -> bool:
        """Whether a clause opens a numbered item: it follows, or starts with, an item number
        at its line's start ("1. Adrenal nodule ...", "2) Renal cyst ...")."""
        start, end = clause
        while start < end and doc[start].is_space:
            start += 1
        if start + 1 < end and doc[start + 1].text in NUMBERED_ITEM_MARKS:
            number = start  # "2) Renal cyst": one clause
        elif start >= 2 and doc[start - 1].text in NUMBERED_ITEM_MARKS:
            number = start - 2  # "1. Adrenal nodule": "1." ends a clause of its own
        else:
            return False
        if not doc[number].like_num:
            return False
        before = number - 1
        while before >= 0 and doc[before].is_space and "\n" not in doc[before].text:
            before -= 1
        return before < 0 or "\n" in doc[before].text

    def _plan_stands_alone(
        self, doc: Doc, clause: tuple[int, int], plan: MentionLike, exam_tokens: set[int]
    ) -> bool:
        """Whether a verbless plan is the clause's recommendation.

        It must open the clause (after punctuation, numbers, lead words, follow-up words such
        as "Follow-up" in "Follow-up MRI in 3-6 months", or a header), and the
        clause must not describe an exam ("Follow-up CT shows ..."), name one as a header
        ("Follow-up ultrasound: ...") or be the report's opening clause, its title ("Follow-up
        CT abdomen"). A conditional plan ("MRI liver if CEA rises") ends with its condition
        word: the condition's own verbs describe nothing ("if CEA *is* rising"), only words
        saying the exam was done do ("MRI liver if CEA rises *was done* in 2022").
        """
        lw = token_view(doc).lower
        start, end = clause
        if not self._at_clause_start(doc, start, plan.start, exam_tokens, plan.end):
            return False
        if plan.value == CONDITIONAL_PLAN:
            return start != 0 and not self._says_done(doc, plan.end, end)
        for i in range(plan.end - 1, end):
            lower = lw[i]
            if lower in self.settings.plan_clause_break_words:
                break
            if i >= plan.end and (lower in self.settings.plan_blocking_words or _is_colon(doc[i])):
                return False
        return start != 0

    def _says_done(self, doc: Doc, start: int, end: int) -> bool:
        """Whether tokens ``start`` to ``end`` (a condition, to its clause's end) hold a word
        sequence saying the exam was done (``plan_condition_done_words``)."""
        lw = token_view(doc).lower
        phrases = self.settings.plan_condition_done_words
        if not phrases:
            return False
        lengths = sorted({len(p) for p in phrases})
        words = [lw[i] for i in range(start, end)]
        return any(
            tuple(words[i : i + n]) in phrases
            for i in range(len(words))
            for n in lengths
            if i + n <= len(words)
        )

    def _at_clause_start(
        self, doc: Doc, clause_start: int, at: int, exam_tokens: set[int], plan_end: int
    ) -> bool:
        """Whether only punctuation, numbers, lead words, follow-up words or a header stand
        before ``at``, or (for a plan ending at ``plan_end``) an exam or procedure coordinated
        to it (see :meth:`_coordinated_opener`). A spaced dash parts a finding from its plan
        as a header's colon does ("Large hepatic calcification - outpatient MRI")."""
        if _is_separator_dash(doc, at):
            return True
        for i in range(at - 1, clause_start - 1, -1):
            token = doc[i]
            if _is_colon(token) or _is_separator_dash(doc, i):
                return True
            if not (
                i in exam_tokens
                or token.is_space
                or token.is_punct
                or token.like_num
                or token.lower_ in self.settings.plan_lead_words
            ):
                return self._coordinated_opener(doc, clause_start, i, plan_end, exam_tokens)
        return True

    def _coordinated_opener(
        self, doc: Doc, clause_start: int, i: int, plan_end: int, exam_tokens: set[int]
    ) -> bool:
        """Whether token ``i`` ends the first conjunct of a coordination that opens the clause
        and joins a plan ending at ``plan_end``: a procedure ("*Biopsy* and restaging CT per
        protocol"), or a word naming an exam the finder does not know before the exam's known
        head ("*MIBG* scan and restaging CT", "Ga-68 *DOTATATE* PET and follow-up MRI"; the
        head may open the plan's own words, "PSMA {PET and restaging}").

        The tokens from ``i`` to the plan have passed :meth:`_at_clause_start`; here the
        conjunct must be followed, after its exam words, by an ``exam_coordinators`` word, and
        it may hold at most ``max_exam_modifier_words`` words back to the clause start (or a
        header's colon), none a verb of a reading, a condition, a denial or a preposition
        ("Comparison with prior scan and follow-up MRI of 2020" is no plan).
        """
        lw = token_view(doc).lower
        settings = self.settings
        head = i
        if lw[i] not in settings.coordinated_procedure_words:
            head = i + 1
            while (
                head < plan_end
                and head not in exam_tokens
                and (doc[head].is_punct or doc[head].like_num)
            ):
                head += 1
            if head >= plan_end or head not in exam_tokens:
                return False
        joint = head + 1
        while joint < plan_end and joint in exam_tokens:
            joint += 1
        if joint >= plan_end or lw[joint] not in settings.exam_coordinators:
            return False
        words, max_words = 0, settings.max_exam_modifier_words
        for k in range(min(i, head - 1), clause_start - 1, -1):
            token = doc[k]
            if _is_colon(token):
                break
            if token.is_space or token.is_punct or token.like_num:
                continue
            words += 1
            if token.lower_ in self._modifier_stop_words or words > max_words:
                return False
        return True

    def _interval(self, doc: Doc, intervals: Sequence[MentionLike], after: int) -> int | None:
        """Days of the interval nearest to the modality (those after it first)."""
        if not intervals:
            return None
        best = min(intervals, key=lambda m: (m.start < after, abs(m.start - after)))
        words = [t.text for t in doc[best.start : best.end]]
        number = parse_interval_number(words, self.settings.number_words)
        return interval_days(number, str(best.value), self.settings.days_per_unit)

    def _subject(
        self,
        doc: Doc,
        clause: tuple[int, int],
        anchors: Sequence[MentionLike],
        items: Sequence[MentionLike],
    ) -> tuple[str, tuple[int, int] | None, str]:
        """The organ or finding a recommendation names, its character span and its organ.

        An organ inside, right before or right after the exam words ("MRI liver", "pelvic
        ultrasound") is the subject; else the words after a preposition ("... of the renal
        cyst in 12 months" -> "renal cyst"); else an organ anywhere in the clause. An exam
        whose list of body regions holds the abdomen ("CT chest, abdomen and pelvis") surveys
        the body: the organs of that list are not its subject (see :meth:`_region_list`).
        """
        lw = token_view(doc).lower
        settings = self.settings
        start, end = clause
        after = max((a.end for a in anchors), default=start)
        before = min((a.start for a in anchors), default=start)
        listed, survey = self._region_list(doc, clause, before, after)
        # The organs of a survey's region list ("CT chest, abdomen ...") are not its subject.
        organs = [
            m
            for m in items
            if m.label == ORGAN and not (survey and listed[0] <= m.start < listed[1])
        ]
        for organ in organs:
            if (
                any(a.start <= organ.start < a.end for a in anchors)
                or organ.start == after
                or organ.end == before
            ):
                return str(organ.value), (organ.start_char, organ.end_char), str(organ.value)
        i = listed[1] if survey else after
        while i < end and lw[i] not in settings.subject_prepositions:
            if doc[i].text in CLAUSE_END_TOKENS or lw[i] in {"if", "unless"}:
                break
            i += 1
        if i < end and lw[i] in settings.subject_prepositions:
            i += 1
            while i < end and (lw[i] in settings.subject_skip_words or doc[i].text == "-"):
                i += 1
            words: list[Token] = []
            j = i
            while (
                j < end
                and len(words) < settings.max_subject_tokens
                and doc[j].is_alpha
                and lw[j] not in settings.subject_stop_words
            ):
                words.append(doc[j])
                j += 1
            if words:
                first, last = words[0], words[-1]
                span = (first.idx, last.idx + len(last.text))
                inside = [o for o in organs if first.i <= o.start and o.end <= last.i + 1]
                organ_value = str(inside[0].value) if inside else ""
                if inside and inside[0].start == first.i and inside[0].end == last.i + 1:
                    return organ_value, span, organ_value
                return " ".join(w.lower_ for w in words), span, organ_value
        if organs:
            organ = organs[0]
            return str(organ.value), (organ.start_char, organ.end_char), str(organ.value)
        return "", None, ""

    def _region_list(
        self, doc: Doc, clause: tuple[int, int], before: int, after: int
    ) -> tuple[tuple[int, int], bool]:
        """The tokens of an exam's list of body regions around its words (``before`` to
        ``after``), and whether the list holds a survey region ("Contrast enhanced CT chest,
        abdomen and pelvis", "abdominal and pelvic ultrasound", "ct chest abdo pelvis")."""
        lw = token_view(doc).lower
        start, end = clause
        words = self._region_words
        lo = before
        while lo > start and lw[lo - 1] in words:
            lo -= 1
        hi = after
        while hi < end and lw[hi] in words:
            hi += 1
        survey = any(
            lw[i] in self.settings.survey_region_words
            for i in (*range(lo, before), *range(after, hi))
        )
        return (lo, hi), survey

    @staticmethod
    def _liver_in_clause(
        items: Sequence[MentionLike],
        clause: tuple[int, int],
        liver_targets: Sequence[int],
        doc: Doc,
    ) -> bool:
        """Whether a clause places its recommendation in the liver (its subject names no organ).

        That is a liver organ word, a segment, lobe or intrahepatic duct, or a counted liver
        target in the clause (``liver_targets``: the start offsets of the counted liver
        targets, ascending). A duct word that may be extrahepatic ("MRCP for evaluation of
        the bile duct") is none of these.
        """
        start, end = clause
        lo, hi = doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)
        organs = [m for m in items if m.label == ORGAN]
        if any(o.value == LIVER for o in organs):
            return True
        if any(
            m.label in LIVER_LOCATION_LABELS
            and not (m.label == "DUCT" and m.value == AMBIGUOUS_DUCT)
            for m in items
        ):
            return True
        j = bisect.bisect_left(liver_targets, lo)
        return j < len(liver_targets) and liver_targets[j] < hi


def merge_word_spans(spans: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Overlapping word spans merged into one, labelled by the longest of them, in order.

    >>> merge_word_spans([(0, 9, "FOLLOWUP_PLAN"), (0, 4, "FOLLOWUP"), (12, 15, "INTERVAL")])
    [(0, 9, 'FOLLOWUP_PLAN'), (12, 15, 'INTERVAL')]
    """
    merged: list[tuple[int, int, str, int]] = []
    for start, end, label in sorted(set(spans)):
        if merged and start < merged[-1][1]:
            first, last, best, length = merged[-1]
            if end - start > length:
                best, length = label, end - start
            merged[-1] = (first, max(last, end), best, length)
        else:
            merged.append((start, end, label, end - start))
    return [(start, end, label) for start, end, label, _ in merged]


def _first_word(doc: Doc, clause: tuple[int, int]) -> int:
    """The first token of a clause that is no space (its start when all are)."""
    start, end = clause
    for i in range(start, end):
        if not doc[i].is_space:
            return i
    return start


def _breaks_line(token: Token) -> bool:
    """Whether a token is or ends with a line break."""
    return "\n" in token.text or "\n" in token.whitespace_


def _is_colon(token: Token) -> bool:
    """Whether a token is a colon, also one the tokenizer keeps with a closing bracket
    ("(9 mm): repeat MRI ...": spaCy reads "):" as an emoticon)."""
    return token.is_punct and token.text.endswith(COLON)


def _is_separator_dash(doc: Doc, i: int) -> bool:
    """Whether token ``i`` is a dash with a space on each side, after a word of its line
    ("calcification - outpatient MRI"; not a bullet opening its line)."""
    token = doc[i]
    return (
        token.text in SEPARATOR_DASHES
        and i > 0
        and bool(doc[i - 1].whitespace_)
        and bool(token.whitespace_)
        and not doc[i - 1].is_space
        and not _breaks_line(doc[i - 1])
    )


def _covers_any(m: MentionLike, others: Sequence[MentionLike], *, inside: bool = False) -> bool:
    """Whether ``m`` covers one of ``others`` (with ``inside``: one of them covers ``m``)."""
    if inside:
        return any(o.start <= m.start and m.end <= o.end for o in others)
    return any(m.start <= o.start and o.end <= m.end for o in others)


def followup_summary(
    found: Sequence[RecommendationTuple],
) -> tuple[bool, tuple[str, ...], tuple[str, ...]]:
    """The report-level follow-up tuple ``(recommended, modalities, rule ids)``.

    Modalities are the named ones, or ``imaging`` when a recommendation names none.
    """
    specific = {r[2] for r in found if r[2] != UNNAMED_MODALITY}
    shown = specific or {r[2] for r in found}
    rule_ids = {rule for r in found for rule in r[8]}
    return bool(found), tuple(sorted(shown)), tuple(sorted(rule_ids))


def doc_recommendations(
    doc: Doc,
    report_id: str,
    text: str | None = None,
    to_original: Callable[..., int] | None = None,
) -> tuple[Recommendation, ...]:
    """Build the Recommendation objects of a processed Doc.

    Args:
        doc: The processed Doc.
        report_id: The report's id.
        text: The original report text (see ``calcminer.nlp.mining.findings.doc_findings``).
        to_original: For a Doc of a reduced text, the map of its offsets to the original's.
    """
    if text is None:
        text = doc.text
    out = []
    for index, row in enumerate(doc._.get(RECOMMENDATIONS)):
        start, end, modality, days, conditional, subject, organ, concerns, rule_ids, spans = row
        word_spans = tuple((s, e, label) for s, e, label in spans)
        if to_original is not None:
            start, end = to_original(start), to_original(end, end=True)
            word_spans = tuple(
                (to_original(s), to_original(e, end=True), label) for s, e, label in word_spans
            )
        out.append(
            Recommendation(
                report_id=report_id,
                index=index,
                modality=modality,
                interval_days=days,
                conditional=bool(conditional),
                subject=subject,
                organ=organ,
                concerns_liver=bool(concerns),
                start_char=start,
                end_char=end,
                text=text[start:end],
                rule_ids=tuple(rule_ids),
                word_spans=tuple(f"{label}@{s}-{e}" for s, e, label in word_spans),
            )
        )
    return tuple(out)


def liver_followup(recommendations: Sequence[Recommendation], calcification: bool) -> bool:
    """Whether a report recommends follow-up of the liver or its calcification.

    True for a recommendation about the liver, or a non-specific one (no organ named) in a
    report with a counted liver calcification.
    """
    return any(r.concerns_liver or (calcification and not r.organ) for r in recommendations)


def _any_near(cues: Sequence[MentionLike], objects: Sequence[MentionLike], distance: int) -> bool:
    """Whether some cue and some exam are at most ``distance`` tokens apart."""
    return any(max(c.start - o.end, o.start - c.end, 0) <= distance for c in cues for o in objects)


__all__ = [
    "RECOMMENDATION_LABELS",
    "TRIGGER_LABELS",
    "RecommendationFinder",
    "RecommendationSettings",
    "RecommendationTuple",
    "clause_around",
    "clause_bounds",
    "doc_recommendations",
    "ends_clause",
    "followup_summary",
    "interval_days",
    "liver_followup",
    "merge_word_spans",
    "parse_interval_number",
]
