"""Follow-up (eighth round): restaging plans, exams with a condition, continuing surveillance.

Each case is written for this file (not copied from a gold report). Expectations follow
../shared/GOLD_GUIDE.md and its "Clarifications (2026-12-06)": any recommended or planned
imaging, with or without a verb and conditional ones included, makes
``followup_recommended`` true; "follow up as clinically indicated" with no imaging named, and a
surveillance programme named only as the reason for the exam ("HISTORY: HCC surveillance"),
do not. ``liver_followup_recommended`` is true for a recommendation naming no organ after a
clause about the liver's calcification, false after a clause about another organ.

Where the recommendations table matters, a case also gives its rows as ``(modality,
interval_days, conditional)``.

Judgements taken here (the guide does not spell them out):

- "MRI liver if clinically indicated" names an exam with a condition, like the guide's "MRI if
  clinically required": a conditional recommendation, true. Only "follow up as clinically
  indicated", which names no imaging, is false.
- A verbless exam with a condition whose clause goes on to say the exam was done ("MRI liver
  if CEA rises was done in 2022") is history, not a plan: false.
"""

from __future__ import annotations

import pytest
from followup_cases import LIVER, Row
from followup_cases import check_followup as _check
from followup_cases import followup_case as _case

from calcminer.nlp.mining.miner import Miner

# --- 1. A verbless restaging or reassessment plan with an interval ------------------------------

RESTAGING = [
    _case(
        LIVER + "Restaging in 4 months.",
        "restaging_in_months",
        followup=True,
        liver=True,
        rows=[("imaging", 121, False)],
    ),
    _case(
        LIVER + "Next restaging in 12 weeks.",
        "next_restaging_in_weeks",
        followup=True,
        liver=True,
        rows=[("imaging", 84, False)],
    ),
    _case(
        LIVER + "Re-staging MRI in 10 weeks.",
        "hyphenated_restaging_with_a_modality",
        followup=True,
        liver=True,
        rows=[("MRI", 70, False)],
    ),
    _case(
        LIVER + "Reassessment in six months.",
        "reassessment_in_a_number_word",
        followup=True,
        liver=True,
        rows=[("imaging", 182, False)],
    ),
    _case(
        LIVER + "Next re-assessment after 3 months.",
        "next_hyphenated_reassessment_after",
        followup=True,
        liver=True,
        rows=[("imaging", 91, False)],
    ),
    _case(
        "Findings: 5 mm calcified granuloma in segment VII.\nImpression: Gastric carcinoma with"
        " nodal disease. Restaging in 2 months.",
        "restaging_of_another_organs_cancer",
        followup=True,
        liver=False,
        rows=[("imaging", 60, False)],
    ),
    # Negated and past forms.
    _case(
        LIVER + "Restaging 2 months ago showed a partial response.",
        "restaging_ago_is_past",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "No restaging is needed at present.",
        "no_restaging_needed",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "Restaging was performed in January.",
        "restaging_performed_in_a_month_name",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "The nodes were smaller at restaging in 2024.",
        "at_restaging_in_a_year",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "Reassessment after 3 months showed stable disease.",
        "reassessment_with_an_interval_that_describes_an_exam",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "No reassessment in 6 months.",
        "negated_reassessment_with_an_interval",
        followup=False,
        liver=False,
    ),
]

# --- 2. A verbless exam followed by its condition -----------------------------------------------

CONDITIONAL = [
    _case(
        LIVER + "MRI liver if AFP rises.",
        "exam_and_organ_if_a_marker_rises",
        followup=True,
        liver=True,
        rows=[("MRI", None, True)],
    ),
    _case(
        LIVER + "CT abdomen if the pain returns.",
        "exam_and_region_if_pain_returns",
        followup=True,
        liver=True,
        rows=[("CT", None, True)],
    ),
    _case(
        LIVER + "Hepatic MRI should the lesion enlarge.",
        "organ_and_exam_with_an_inverted_condition",
        followup=True,
        liver=True,
        rows=[("MRI", None, True)],
    ),
    _case(
        LIVER + "Contrast-enhanced ultrasound unless the focus resolves.",
        "exam_unless",
        followup=True,
        liver=True,
        rows=[("US", None, True)],
    ),
    _case(
        LIVER + "MRI in case of diagnostic doubt.",
        "exam_in_case_of",
        followup=True,
        liver=True,
        rows=[("MRI", None, True)],
    ),
    _case(
        LIVER + "MRI liver if not previously performed.",
        "exam_if_not_done_is_still_a_plan",
        followup=True,
        liver=True,
        rows=[("MRI", None, True)],
    ),
    _case(
        LIVER + "CT if the CEA is rising.",
        "a_verb_of_the_condition_describes_no_exam",
        followup=True,
        liver=True,
        rows=[("CT", None, True)],
    ),
    _case(
        LIVER + "MRI liver if clinically indicated.",
        "exam_if_clinically_indicated_is_conditional_per_the_guide",
        followup=True,
        liver=True,
        rows=[("MRI", None, True)],
    ),
    _case(
        "Findings: 5 mm calcified granuloma in segment VII.\nImpression: 2 cm left adrenal"
        " nodule. CT adrenal protocol if it enlarges.",
        "conditional_exam_of_another_organ",
        followup=True,
        liver=False,
        rows=[("CT", None, True)],
    ),
    # No imaging named, a condition opening the clause, history.
    _case(
        LIVER + "Follow up as clinically indicated.",
        "follow_up_as_clinically_indicated_names_no_imaging",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "If calcification is suspected, CT would be more sensitive.",
        "a_condition_opening_the_clause_is_no_plan",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "The focus would be better shown on MRI if contrast were given.",
        "exam_inside_a_reading",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "MRI liver if CEA rises was done in 2022.",
        "conditional_exam_that_was_done_is_history",
        followup=False,
        liver=False,
    ),
    _case(
        "HISTORY: Colorectal cancer. MRI liver if CEA rises.\nFINDINGS: 6 mm calcified"
        " granuloma in segment VII.\nIMPRESSION: Benign calcified granuloma.",
        "conditional_exam_in_the_history",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "CT should not be necessary.",
        "exam_should_not_is_no_condition",
        followup=False,
        liver=False,
    ),
]

# --- 3. Ongoing surveillance stated as a continuing plan ----------------------------------------

SURVEILLANCE = [
    _case(
        LIVER + "Hepatic MRI surveillance continues at 4-monthly intervals.",
        "surveillance_continues_at_intervals",
        followup=True,
        liver=True,
        rows=[("MRI", 121, False)],
    ),
    _case(
        LIVER + "Screening ultrasound to continue yearly.",
        "screening_exam_to_continue",
        followup=True,
        liver=True,
        rows=[("US", 365, False)],
    ),
    _case(
        LIVER + "CT surveillance will continue every 6 months.",
        "surveillance_will_continue",
        followup=True,
        liver=True,
        rows=[("CT", 182, False)],
    ),
    _case(
        LIVER + "Ultrasound monitoring is continuing 6-monthly.",
        "monitoring_is_continuing",
        followup=True,
        liver=True,
        rows=[("US", 182, False)],
    ),
    _case(
        "Impression: Cirrhosis with no focal lesion. HCC surveillance continues.",
        "programme_without_a_modality",
        followup=True,
        liver=True,
        rows=[("imaging", None, False)],
    ),
    # Past, descriptive, negated and history mentions.
    _case(
        LIVER + "The patient has been on surveillance since 2018.",
        "on_surveillance_since",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "Surveillance MRI showed no change.",
        "surveillance_exam_showed",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "Surveillance ultrasound continues to show a stable focus.",
        "surveillance_continues_to_show_is_a_reading",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "Surveillance continued until 2021.",
        "surveillance_continued_is_past",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "Surveillance will not continue.",
        "surveillance_will_not_continue",
        followup=False,
        liver=False,
    ),
    _case(
        "HISTORY: HCC surveillance.\nFINDINGS: 6 mm calcified granuloma in segment VII.\n"
        "IMPRESSION: Benign calcified granuloma.",
        "surveillance_as_the_reason_for_the_exam",
        followup=False,
        liver=False,
    ),
]


@pytest.mark.parametrize(("text", "followup", "liver", "rows"), RESTAGING)
def test_real_phrasing_restaging_plan_with_an_interval(
    miner: Miner, text: str, followup: bool, liver: bool, rows: list[Row] | None
) -> None:
    """A verbless restaging or reassessment plan with a future interval is a recommendation;
    a negated or past one is not."""
    _check(miner, text, followup, liver, rows)


@pytest.mark.parametrize(("text", "followup", "liver", "rows"), CONDITIONAL)
def test_real_phrasing_exam_with_a_condition(
    miner: Miner, text: str, followup: bool, liver: bool, rows: list[Row] | None
) -> None:
    """A verbless exam followed by its condition is a conditional recommendation."""
    _check(miner, text, followup, liver, rows)


@pytest.mark.parametrize(("text", "followup", "liver", "rows"), SURVEILLANCE)
def test_real_phrasing_continuing_surveillance(
    miner: Miner, text: str, followup: bool, liver: bool, rows: list[Row] | None
) -> None:
    """Surveillance stated as a continuing plan is a recommendation; a programme named as
    history, a past one or a reading of its last exam is not."""
    _check(miner, text, followup, liver, rows)


def test_real_phrasing_conditional_plan_marks_the_exam_and_its_condition_apart(
    miner: Miner,
) -> None:
    """The words of a conditional plan are the exam and, apart, its condition: the plan's own
    span stops before the condition word."""
    text = LIVER + "Liver MRI should the marker rise."
    (row,) = miner.mine_text(text).recommendations
    words = []
    for span in row.word_spans:
        label, at = span.split("@")
        start, end = (int(n) for n in at.split("-"))
        words.append((label, text[start:end]))
    assert words == [("FOLLOWUP_PLAN", "Liver MRI"), ("FOLLOWUP_CONDITION", "should the")]
