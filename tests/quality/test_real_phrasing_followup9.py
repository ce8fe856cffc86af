"""Follow-up (ninth round): recurring intervals, exam-first follow-up words, coordinated exams.

Each case is written for this file (not copied from a gold report). Expectations follow
../shared/GOLD_GUIDE.md and its "Clarifications (2026-12-06)": any recommended or planned
imaging, with or without a verb, makes ``followup_recommended`` true ("Follow-up ultrasound of
the renal cyst in 12 months"); "no further imaging needed", "no follow-up" and a biopsy,
surgical or specialist referral alone do not, and together with imaging a biopsy or referral
changes nothing. ``liver_followup_recommended`` is true for a recommendation about the liver,
or naming no organ after a clause about the liver's calcification; false for one about another
organ.

Where the recommendations table matters, a case also gives its rows as ``(modality,
interval_days, conditional)``.

Judgements taken here (the guide does not spell them out):

- A recurring interval ("every 6 months", "each year") is the recommendation's interval, as
  "in 6 months" is.
- Nuclear-medicine exams ("bone scan", "MIBG scan", "octreotide scan") are imaging; their
  modality is ``NM``. A PET named with its tracer ("Ga-68 DOTATATE PET", "FDG PET-CT") is
  ``PET``.
- "X is planned / scheduled", "has been arranged", and "Follow-up will continue" are plans, like
  "Surveillance continues" in the eighth round.
- A bone scan or a chest CT names another organ than the liver: for it the liver flag is false.
"""

from __future__ import annotations

import pytest
from followup_cases import LIVER, Row
from followup_cases import check_followup as _check
from followup_cases import followup_case as _case

from calcminer.nlp.mining.miner import Miner

#: A liver calcification in the findings, then an impression about another organ.
OTHER = "Findings: 5 mm calcified granuloma in segment VII.\nImpression: "


# --- 1. A modality follow-up with a recurring interval ------------------------------------------

RECURRING = [
    _case(
        LIVER + "Ultrasound follow-up every 12 months.",
        "exam_follow_up_every_months",
        followup=True,
        liver=True,
        rows=[("US", 365, False)],
    ),
    _case(
        LIVER + "CT follow-up every 6 months",
        "exam_follow_up_every_months_without_a_period",
        followup=True,
        liver=True,
        rows=[("CT", 182, False)],
    ),
    _case(
        LIVER + "US surveillance every 6 months",
        "abbreviated_exam_surveillance_every_months",
        followup=True,
        liver=True,
        rows=[("US", 182, False)],
    ),
    _case(
        LIVER + "Follow-up ultrasound every year",
        "follow_up_exam_every_year_sets_the_interval",
        followup=True,
        liver=True,
        rows=[("US", 365, False)],
    ),
    _case(
        LIVER + "Liver MRI surveillance every 4 months.",
        "organ_exam_surveillance_every_months",
        followup=True,
        liver=True,
        rows=[("MRI", 121, False)],
    ),
    _case(
        LIVER + "MRI follow-up every month.",
        "exam_follow_up_every_month",
        followup=True,
        liver=True,
        rows=[("MRI", 30, False)],
    ),
    _case(
        LIVER + "CT monitoring each year.",
        "exam_monitoring_each_year",
        followup=True,
        liver=True,
        rows=[("CT", 365, False)],
    ),
    _case(
        LIVER + "Ultrasound every 6 months.",
        "bare_exam_every_months",
        followup=True,
        liver=True,
        rows=[("US", 182, False)],
    ),
    _case(
        LIVER + "Ultrasound follow-up in 12 months.",
        "exam_follow_up_in_months_still_works",
        followup=True,
        liver=True,
        rows=[("US", 365, False)],
    ),
    _case(
        OTHER + "2 cm left renal cyst. Ultrasound follow-up every 2 years.",
        "recurring_follow_up_of_another_organ",
        followup=True,
        liver=False,
        rows=[("US", 730, False)],
    ),
    # No exam, a reading of past exams, a negated or stopped plan.
    _case(
        LIVER + "Seen every 6 months at clinic since 2018.",
        "clinic_visits_every_months_name_no_exam",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "Ultrasound every 6 months has shown no change.",
        "exams_every_months_that_have_shown",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "CT surveillance every 6 months has shown no change.",
        "surveillance_every_months_that_has_shown",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "She has had ultrasound every 6 months since 2019.",
        "exams_she_has_had_every_months",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "No ultrasound follow-up every 6 months is needed.",
        "negated_recurring_follow_up",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "Ultrasound follow-up every 12 months was stopped in 2020.",
        "recurring_follow_up_that_was_stopped",
        followup=False,
        liver=False,
    ),
]

# --- 2. A verbless exam-first follow-up that names its object -----------------------------------

EXAM_FIRST = [
    _case(
        LIVER + "Surgical consultation advised; ultrasound follow-up of the segment II cyst.",
        "exam_follow_up_of_a_segment_cyst_after_a_referral",
        followup=True,
        liver=True,
        rows=[("US", None, False)],
    ),
    _case(
        LIVER + "Ultrasound follow-up of the left renal cyst.",
        "exam_follow_up_of_a_renal_cyst",
        followup=True,
        liver=False,
        rows=[("US", None, False)],
    ),
    _case(
        OTHER + "Ultrasound follow-up of the left renal cyst.",
        "exam_follow_up_of_a_renal_cyst_opening_the_impression",
        followup=True,
        liver=False,
        rows=[("US", None, False)],
    ),
    _case(
        LIVER + "CT follow-up of the liver lesion in 3 months",
        "exam_follow_up_of_the_liver_lesion_with_an_interval",
        followup=True,
        liver=True,
        rows=[("CT", 91, False)],
    ),
    _case(
        LIVER + "MRI follow-up of the pancreatic cyst in 12 months.",
        "exam_follow_up_of_a_pancreatic_cyst",
        followup=True,
        liver=False,
        rows=[("MRI", 365, False)],
    ),
    _case(
        LIVER + "Hepatic ultrasound follow-up every 6 months.",
        "organ_exam_follow_up",
        followup=True,
        liver=True,
        rows=[("US", 182, False)],
    ),
    # A reading, a header, the report's title, history, a past exam.
    _case(
        LIVER + "Ultrasound follow-up of the renal cyst shows no change.",
        "exam_follow_up_that_shows",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "CT follow-up of the liver lesion: stable.",
        "exam_follow_up_as_a_header",
        followup=False,
        liver=False,
    ),
    _case(
        "ULTRASOUND FOLLOW-UP OF THE RENAL CYST\nFindings: 6 mm calcified granuloma in"
        " segment VII.",
        "exam_follow_up_as_the_report_title",
        followup=False,
        liver=False,
    ),
    _case(
        "HISTORY: ultrasound follow-up of the renal cyst.\nFINDINGS: 6 mm calcified granuloma in"
        " segment VII.",
        "exam_follow_up_as_the_reason_for_the_exam",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "Ultrasound follow-up 2 years ago showed a stable cyst.",
        "past_exam_follow_up",
        followup=False,
        liver=False,
    ),
]

# --- 3. A coordination whose first exam the miner did not know ----------------------------------

COORDINATED = [
    _case(
        LIVER + "MIBG scan and restaging CT per protocol.",
        "mibg_scan_and_restaging_ct",
        followup=True,
        liver=True,
        rows=[("NM", None, False), ("CT", None, False)],
    ),
    _case(
        LIVER + "Bone scan and CT chest for staging.",
        "bone_scan_and_chest_ct_for_staging",
        followup=True,
        liver=False,
        rows=[("NM", None, False), ("CT", None, False)],
    ),
    _case(
        LIVER + "Octreotide scan and follow-up MRI.",
        "octreotide_scan_and_follow_up_mri",
        followup=True,
        liver=True,
        rows=[("NM", None, False), ("MRI", None, False)],
    ),
    _case(
        OTHER + "Right adrenal mass, likely phaeochromocytoma. MIBG scan and restaging CT per"
        " protocol.",
        "coordinated_exams_of_another_organ",
        followup=True,
        liver=False,
        rows=[("NM", None, False), ("CT", None, False)],
    ),
    # An exam known only by its head: the words before it name it.
    _case(
        LIVER + "Ga-68 DOTATATE PET and follow-up MRI.",
        "tracer_pet_and_follow_up_mri",
        followup=True,
        liver=True,
        rows=[("PET", None, False), ("MRI", None, False)],
    ),
    _case(
        LIVER + "PSMA PET and restaging CT per protocol.",
        "tracer_pet_and_restaging_ct",
        followup=True,
        liver=True,
        rows=[("PET", None, False), ("CT", None, False)],
    ),
    _case(
        LIVER + "WBC scan and follow-up MRI.",
        "unknown_scan_and_follow_up_mri",
        followup=True,
        liver=True,
        rows=[("MRI", None, False)],
    ),
    _case(
        LIVER + "Plan: Ga-68 DOTATATE PET and follow-up MRI.",
        "tracer_pet_after_a_plan_header",
        followup=True,
        liver=True,
        rows=[("PET", None, False), ("MRI", None, False)],
    ),
    # A procedure coordinated with imaging changes nothing.
    _case(
        LIVER + "Biopsy and restaging CT per protocol.",
        "biopsy_and_restaging_ct",
        followup=True,
        liver=True,
        rows=[("CT", None, False)],
    ),
    _case(
        LIVER + "Surgical referral and follow-up MRI.",
        "referral_and_follow_up_mri",
        followup=True,
        liver=True,
        rows=[("MRI", None, False)],
    ),
    _case(
        LIVER + "Bone scan is recommended.",
        "nuclear_medicine_exam_with_a_cue",
        followup=True,
        liver=False,
        rows=[("NM", None, False)],
    ),
    # Procedures alone, readings, past exams, words that cannot name an exam.
    _case(LIVER + "Biopsy.", "biopsy_alone", followup=False, liver=False),
    _case(LIVER + "MDT discussion.", "mdt_alone", followup=False, liver=False),
    _case(LIVER + "Surgical referral.", "surgical_referral_alone", followup=False, liver=False),
    _case(
        LIVER + "Biopsy and MDT discussion.",
        "biopsy_and_mdt_name_no_imaging",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "Bone scan and CT chest showed no metastases.",
        "coordinated_exams_that_showed",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "MIBG scan and restaging CT were performed in 2021.",
        "coordinated_exams_that_were_performed",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "Comparison with prior scan and follow-up MRI of 2020.",
        "a_preposition_cannot_name_an_exam",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "Patient underwent PET and follow-up MRI.",
        "a_verb_cannot_name_an_exam",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "Lesion was seen on octreotide scan and follow-up MRI.",
        "an_exam_inside_a_reading",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "Known hepatic neuroendocrine tumour PET and follow-up MRI.",
        "too_many_words_before_an_exam_head",
        followup=False,
        liver=False,
    ),
]

# --- 4. Planned and continuing follow-up; follow-up denied --------------------------------------

PLANNED = [
    _case(
        LIVER + "Restaging in 3 months is planned.",
        "restaging_with_an_interval_is_planned",
        followup=True,
        liver=True,
        rows=[("imaging", 91, False)],
    ),
    _case(
        LIVER + "Follow-up will continue as per protocol.",
        "follow_up_will_continue",
        followup=True,
        liver=True,
        rows=[("imaging", None, False)],
    ),
    _case(
        LIVER + "Follow-up MRI is scheduled in 6 months.",
        "follow_up_exam_is_scheduled",
        followup=True,
        liver=True,
        rows=[("MRI", 182, False)],
    ),
    _case(
        LIVER + "Repeat CT has been arranged.",
        "repeat_exam_has_been_arranged",
        followup=True,
        liver=True,
        rows=[("CT", None, False)],
    ),
    _case(
        LIVER + "Follow-up ultrasound to continue yearly.",
        "follow_up_exam_to_continue",
        followup=True,
        liver=True,
        rows=[("US", 365, False)],
    ),
    # Denied, negated, past, no exam, a reading.
    _case(LIVER + "Follow-up not required.", "follow_up_not_required", followup=False, liver=False),
    _case(
        LIVER + "No further imaging follow-up is needed.",
        "no_further_imaging_follow_up_needed",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "Restaging in 3 months is not planned.",
        "restaging_is_not_planned",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "No restaging is planned.", "no_restaging_is_planned", followup=False, liver=False
    ),
    _case(
        LIVER + "Surgery is planned.",
        "a_planned_operation_names_no_imaging",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "Follow-up will not continue.",
        "follow_up_will_not_continue",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "Follow-up continued until 2019.",
        "follow_up_continued_is_past",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "Follow-up ultrasound continues to show a stable cyst.",
        "follow_up_continues_to_show_is_a_reading",
        followup=False,
        liver=False,
    ),
]


@pytest.mark.parametrize(("text", "followup", "liver", "rows"), RECURRING)
def test_real_phrasing_follow_up_with_a_recurring_interval(
    miner: Miner, text: str, followup: bool, liver: bool, rows: list[Row] | None
) -> None:
    """An exam's follow-up or surveillance with a recurring interval is a plan, its interval
    read as "in N months" is; exams already done at such intervals are no plan."""
    _check(miner, text, followup, liver, rows)


@pytest.mark.parametrize(("text", "followup", "liver", "rows"), EXAM_FIRST)
def test_real_phrasing_exam_first_follow_up(
    miner: Miner, text: str, followup: bool, liver: bool, rows: list[Row] | None
) -> None:
    """A verbless "<exam> follow-up of <object>" opening its clause is a plan about that
    object; as a reading, header, title or history it is not."""
    _check(miner, text, followup, liver, rows)


@pytest.mark.parametrize(("text", "followup", "liver", "rows"), COORDINATED)
def test_real_phrasing_exam_coordinated_before_a_plan(
    miner: Miner, text: str, followup: bool, liver: bool, rows: list[Row] | None
) -> None:
    """An exam (nuclear medicine, or one known only by its head) or a procedure coordinated
    before a plan leaves the plan opening its clause; a procedure alone recommends nothing."""
    _check(miner, text, followup, liver, rows)


@pytest.mark.parametrize(("text", "followup", "liver", "rows"), PLANNED)
def test_real_phrasing_planned_and_continuing_follow_up(
    miner: Miner, text: str, followup: bool, liver: bool, rows: list[Row] | None
) -> None:
    """Follow-up stated as planned, scheduled or continuing is a recommendation; denied,
    negated or past follow-up is not."""
    _check(miner, text, followup, liver, rows)
