"""The follow-up finder's vocabulary: the labels it reads, its settings and the tuple it stores.

:class:`RecommendationSettings` reads the finder's word tables and numbers from a pattern set
(``config.toml`` ``[recommendations]``, ``normalization.json`` ``followup``);
:data:`RecommendationTuple` is one recommendation as the linker stores it on the Doc;
:class:`MentionLike` is what the finder reads of a linker mention; :func:`interval_days` and
:func:`parse_interval_number` read an interval. The rules the finder applies are described in
:mod:`calcminer.nlp.pipeline.recommendations`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from calcminer.nlp.rules.labels import FOLLOWUP_TRIGGER_LABELS
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
NEGATED = "NEGATED_EXISTENCE"

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
