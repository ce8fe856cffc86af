"""Follow-up (eleventh round): kinds of wording the finder missed or misread.

Each case is written for this file (not copied from a gold report). Expectations follow
../shared/GOLD_GUIDE.md and its "Clarifications (2026-12-06)": any recommended or planned
imaging, with or without a verb and conditional ones included, makes ``followup_recommended``
true; a recommendation said not to be needed, or an exam named only as done, does not.
``liver_followup_recommended`` is true for a recommendation about the liver, or naming no organ
in a report with a counted liver calcification; false for one about another organ.

Where the recommendations table matters, a case also gives its rows as ``(modality,
interval_days, conditional)``. Most kinds have a control that must not recommend.

Judgements taken here (the guide does not spell them out):

- "Complementary study" (translated usage) is a further work-up: a plan with or without its exam.
- A spaced dash parts a finding from the plan after it, as a colon does ("... - outpatient MRI").
- A duct word that may lie outside the liver ("the bile duct") does not place a recommendation in
  the liver by itself; a lung lobe ("right upper lobe") names the lung, not the liver.
"""

from __future__ import annotations

import pytest
from followup_cases import LIVER, Row
from followup_cases import check_followup as _check
from followup_cases import followup_case as _case

from calcminer.nlp.mining.miner import Miner

#: A liver calcification in the findings, then an impression about another organ.
OTHER = "Findings: 5 mm calcified granuloma in segment VII.\nImpression: "
#: A report with no counted liver calcification (the liver flag then needs the liver named).
NO_CALC = "Findings: Liver normal, no calcification.\nImpression: "


# --- 1. The next exam of a programme, and taking a programme up again ------------------------

NEXT = [
    _case(
        LIVER + "Next assessment MRI per protocol in 8 weeks.",
        "next_exam_qualified_per_protocol_with_interval",
        followup=True,
        liver=True,
        rows=[("MRI", 56, False)],
    ),
    _case(
        LIVER + "No change in treatment; next CT according to the oncology schedule.",
        "next_exam_after_a_semicolon_without_interval",
        followup=True,
        liver=True,
        rows=[("CT", None, False)],
    ),
    _case(
        LIVER + "Next restaging CT at 12 weeks.",
        "next_restaging_exam_at_an_interval",
        followup=True,
        liver=True,
        rows=[("CT", 84, False)],
    ),
    _case(
        LIVER + "Next CT showed the same focus.",
        "control_next_exam_described",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "Resume MRI surveillance in 12 months.",
        "resume_a_programme_with_its_exam",
        followup=True,
        liver=True,
        rows=[("MRI", 365, False)],
    ),
    _case(
        LIVER + "Resume normal diet.", "control_resume_without_exam", followup=False, liver=False
    ),
]

# --- 2. A complementary study, re-evaluation or confirmation by an exam ------------------------

WORK_UP = [
    _case(
        LIVER + "Complementary study.",
        "complementary_study_naming_no_exam",
        followup=True,
        liver=True,
        rows=[("imaging", None, False)],
    ),
    _case(
        LIVER + "Complementary study with MRI.",
        "complementary_study_with_its_exam",
        followup=True,
        liver=True,
        rows=[("MRI", None, False)],
    ),
    _case(
        LIVER + "Complementary study: contrast CT.",
        "complementary_study_as_a_header",
        followup=True,
        liver=True,
        rows=[("CT", None, False)],
    ),
    _case(
        LIVER + "Complément par IRM.",
        "french_complement_by_exam",
        followup=True,
        liver=True,
        rows=[("MRI", None, False)],
    ),
    _case(
        LIVER + "Complementary study with CT shows the same focus.",
        "control_complementary_study_described",
        followup=False,
        liver=False,
    ),
    _case(
        "Impression: calcified focus in segment III, re-evaluation with MRI.",
        "re_evaluation_by_exam_after_a_comma",
        followup=True,
        liver=True,
        rows=[("MRI", None, False)],
    ),
    _case(
        LIVER + "Confirm with CT.",
        "imperative_confirm_with_exam",
        followup=True,
        liver=True,
        rows=[("CT", None, False)],
    ),
    _case(
        LIVER + "The calcification was confirmed on the prior CT.",
        "control_confirmed_on_prior_exam",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "Should a stone be suspected, an unenhanced CT can confirm it.",
        "modal_can_confirm_under_a_condition",
        followup=True,
        liver=True,
        rows=[("CT", None, True)],
    ),
]

# --- 3. A verbless exam with its purpose, its timing or its condition ---------------------------

PURPOSE = [
    _case(
        LIVER + "MRI to exclude an active component.",
        "exam_to_exclude",
        followup=True,
        liver=True,
        rows=[("MRI", None, False)],
    ),
    _case(
        LIVER + "MRI to exclude a bleed was performed in 2021.",
        "control_exam_to_exclude_described_as_done",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "MRI and PET-CT for disease activity.",
        "coordinated_exams_for_a_purpose",
        followup=True,
        liver=True,
        rows=[("MRI", None, False), ("PET", None, False)],
    ),
    _case(
        LIVER + "MRI before planned resection.",
        "exam_before_a_treatment",
        followup=True,
        liver=True,
        rows=[("MRI", None, False)],
    ),
    _case(
        LIVER + "CT before resection showed three lesions.",
        "control_exam_before_treatment_described",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "Surgical planning CT.",
        "exam_named_by_the_plan_it_serves",
        followup=True,
        liver=True,
        rows=[("CT", None, False)],
    ),
    _case(
        LIVER + "Endoscopy; contrast-enhanced CT when stable.",
        "exam_when_the_patient_is_stable",
        followup=True,
        liver=True,
        rows=[("CT", None, True)],
    ),
    _case(
        OTHER + "Biopsy and chest CT.",
        "procedure_then_an_organ_exam",
        followup=True,
        liver=False,
        rows=[("CT", None, False)],
    ),
    _case(
        LIVER + "Biopsy and CT were performed in 2020.",
        "control_procedure_and_exam_done",
        followup=False,
        liver=False,
    ),
    _case(
        "CT ABDOMEN\nImpression: 40 mm calcification in segment VI - outpatient MRI.",
        "plan_after_a_spaced_dash",
        followup=True,
        liver=True,
        rows=[("MRI", None, False)],
    ),
    _case(
        "CT ABDOMEN\nImpression: 40 mm calcification in segment VI - outpatient MRI performed"
        " last week.",
        "control_plan_after_a_dash_described_as_done",
        followup=False,
        liver=False,
    ),
    _case(
        NO_CALC + "Suggest contrast enema if obstruction persists.",
        "fluoroscopic_contrast_study_names_the_bowel",
        followup=True,
        liver=False,
        rows=[("XR", None, True)],
    ),
]

# --- 4. Clause edges, negation and readings ----------------------------------------------------

EDGES = [
    _case(
        "Impression: calcified granuloma in segment V. Follow-up ultrasound of the left renal cyst"
        " in 12 months.",
        "segment_numeral_keeps_its_period_before_a_plan",
        followup=True,
        liver=False,
        rows=[("US", 365, False)],
    ),
    _case(
        LIVER + "Follow up imaging is not require.",
        "negation_with_a_dropped_verb_ending",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "Correlation with CT of 2022 confirms the granuloma.",
        "correlation_with_a_dated_exam_is_a_reading",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "Correlation with CT is recommended.",
        "control_correlation_recommended",
        followup=True,
        liver=True,
        rows=[("CT", None, False)],
    ),
]

# --- 5. The organ the recommendation concerns ------------------------------------------------

ORGANS = [
    _case(
        OTHER + "\n1. Stable 4 mm right upper lobe nodule. Follow-up CT at 12 months.",
        "lung_lobe_of_the_numbered_item",
        followup=True,
        liver=False,
    ),
    _case(
        OTHER + "\n1. Stable 4 mm calcified focus in segment VI. Follow-up CT at 12 months.",
        "control_liver_segment_of_the_numbered_item",
        followup=True,
        liver=True,
    ),
    _case(
        NO_CALC + "Suggest MRCP for further examination of the pancreatic duct.",
        "examination_of_an_organ_duct",
        followup=True,
        liver=False,
        rows=[("MRCP", None, False)],
    ),
    _case(
        NO_CALC + "Choledocholithiasis. Suggested MRCP for evaluation of the bile duct.",
        "bile_duct_alone_is_no_liver",
        followup=True,
        liver=False,
    ),
    _case(
        NO_CALC + "Suggested MRCP for evaluation of the intrahepatic ducts.",
        "control_intrahepatic_ducts_are_the_liver",
        followup=True,
        liver=True,
    ),
    _case(
        OTHER + "Next follow-up CT for gastric cancer surveillance in 1 year.",
        "next_exam_for_another_organs_cancer",
        followup=True,
        liver=False,
        rows=[("CT", 365, False)],
    ),
]


@pytest.mark.parametrize(("text", "followup", "liver", "rows"), NEXT)
def test_real_phrasing_next_exam_or_resumed_programme(
    miner: Miner, text: str, followup: bool, liver: bool, rows: list[Row] | None
) -> None:
    """The next exam of a programme and a resumed programme are plans; a described one is not."""
    _check(miner, text, followup, liver, rows)


@pytest.mark.parametrize(("text", "followup", "liver", "rows"), WORK_UP)
def test_real_phrasing_complementary_study_or_confirmation(
    miner: Miner, text: str, followup: bool, liver: bool, rows: list[Row] | None
) -> None:
    """A complementary study, a re-evaluation or a confirmation by an exam is a plan."""
    _check(miner, text, followup, liver, rows)


@pytest.mark.parametrize(("text", "followup", "liver", "rows"), PURPOSE)
def test_real_phrasing_verbless_exam_with_purpose_timing_or_condition(
    miner: Miner, text: str, followup: bool, liver: bool, rows: list[Row] | None
) -> None:
    """An exam opening its clause with its purpose, timing or condition is a plan, unless its
    clause says it was done."""
    _check(miner, text, followup, liver, rows)


@pytest.mark.parametrize(("text", "followup", "liver", "rows"), EDGES)
def test_real_phrasing_clause_edges_negation_and_readings(
    miner: Miner, text: str, followup: bool, liver: bool, rows: list[Row] | None
) -> None:
    """A numeral that keeps its period ends a clause; a dropped verb ending still negates; a
    comparison with a dated exam is a reading."""
    _check(miner, text, followup, liver, rows)


@pytest.mark.parametrize(("text", "followup", "liver", "rows"), ORGANS)
def test_real_phrasing_organ_of_the_recommendation(
    miner: Miner, text: str, followup: bool, liver: bool, rows: list[Row] | None
) -> None:
    """A lung lobe, an organ's duct and another organ's cancer place the recommendation
    outside the liver; an intrahepatic duct or a segment places it in the liver."""
    _check(miner, text, followup, liver, rows)
