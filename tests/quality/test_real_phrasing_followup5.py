"""Kinds of follow-up wording found in the dev_e, dev_f, dev_l, dev_u, dev_v and dev_w sets.

Each case is written for this file (not copied from a gold report) and names only the fields it
is about; expectations follow ../shared/GOLD_GUIDE.md and its "Clarifications (2026-12-06)",
with ``liver_followup_recommended`` true for imaging follow-up of the liver or its
calcification, or for a non-specific one in a report whose only finding is the calcification.
"""

from __future__ import annotations

import pytest
from test_real_phrasing_cases import Expect, _case, _check

from calcminer.nlp.mining.miner import Miner

FOLLOW_UP_FIFTH = [
    # Two verbless plans overlap ("Follow-up renal ultrasound" and "ultrasound in 3-6
    # months"): the one that opens the clause is the plan.
    _case(
        "LIVER: A 4 mm calcified granuloma in segment II.\nIMPRESSION:\n1. Complex right renal"
        " cyst. Follow-up renal ultrasound in 3-6 months to reassess.\n2. Hepatic granuloma.",
        "overlapping_plans_keep_the_one_opening_the_clause",
        followup_recommended=True,
        liver_followup_recommended=False,
    ),
    # A negation with an adverb before its verb.
    _case(
        "LIVER: Tiny calcified granuloma in segment V.\nFollow-up imaging is not usually"
        " necessary.",
        "not_usually_necessary_negates_follow_up",
        followup_recommended=False,
        liver_followup_recommended=False,
    ),
    _case(
        "Kidneys: 6 mm non-obstructing calculus in the left kidney.\nIMPRESSION: Left renal"
        " calculus. Repeat ultrasound is not routinely required.",
        "not_routinely_required_negates_follow_up",
        followup_recommended=False,
    ),
    # A verbless plan named by when or how it is to be done.
    _case(
        "IMPRESSION: Calcified intrahepatic duct stones in the left lobe; outpatient MRCP.",
        "outpatient_exam_after_a_semicolon",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    _case(
        "Liver: 3 mm calcified granuloma in segment VI.\nKidneys: 9 mm echogenic right renal"
        " lesion, likely angiomyolipoma.\nComment: Probable renal angiomyolipoma.\nPostnatal"
        " renal ultrasound to confirm.",
        "postnatal_organ_exam_to_confirm",
        followup_recommended=True,
        liver_followup_recommended=False,
    ),
    _case(
        "Impression:\nHodgkin lymphoma in partial metabolic response.\nEnd-of-therapy PET/CT"
        " after the last cycle.",
        "end_of_therapy_exam",
        followup_recommended=True,
    ),
    # An exam together with a referral: the referral changes nothing.
    _case(
        "Impression: 5 cm hepatic mass with a calcified central scar in segment VI. CT and"
        " hepatology referral.",
        "exam_and_referral",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    # A negation inside a condition closed by a comma negates the condition, not the exam.
    _case(
        "Impression: Complex septated cyst of segment VIII with a calcified wall. If not"
        " excised, follow-up ultrasound in 6 months.",
        "negation_inside_the_condition",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    _case(
        "Impression: Calcified granuloma in segment III. If symptomatic, no follow-up imaging"
        " is needed.",
        "negation_after_the_condition_still_negates",
        followup_recommended=False,
    ),
    # A LI-RADS category names the liver.
    _case(
        "MRI ABDOMEN\nFINDINGS: Cirrhotic morphology. 1.4 cm arterially enhancing observation in"
        " segment VI without washout.\nIMPRESSION: LR-4 observation.\nRepeat MRI in 3 months.",
        "lirads_category_places_the_recommendation",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    _case(
        "IMPRESSION: Treated observation, LR-TR nonviable.\nSurveillance MRI in 3 months.",
        "lirads_treatment_category_split_by_the_tokenizer",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    # Liver words of a partly translated report.
    _case(
        "Impresión:\nQuiste hepático simple de 2 cm.\nControl por ecografía en 12 meses.",
        "translated_liver_word_places_the_recommendation",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
]


@pytest.mark.parametrize(("text", "expected"), FOLLOW_UP_FIFTH)
def test_real_phrasing_follow_up_kind(miner: Miner, text: str, expected: Expect) -> None:
    """Each kind of follow-up wording gives the fields its case names."""
    _check(miner, text, expected)
