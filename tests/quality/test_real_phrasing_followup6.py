"""Kinds of follow-up wording the miner missed (sixth round), and wordings that recommend nothing.

Each case is written for this file (not copied from a gold report) and names only the fields it
is about; expectations follow ../shared/GOLD_GUIDE.md and its "Clarifications (2026-12-06)",
with ``liver_followup_recommended`` true for imaging follow-up of the liver or its
calcification, or for a non-specific one in a report whose only finding is the calcification.
"""

from __future__ import annotations

import pytest
from test_real_phrasing_cases import Expect, _case, _check

from calcminer.nlp.mining.miner import Miner

FOLLOW_UP_SIXTH = [
    # 1. Lower-case run-on dictation whose last sentence has no period; "us" is ultrasound.
    _case(
        "impression: no sonographic evidence of hcc. stable tiny calcified granuloma seg 4a."
        " continue 6 monthly surveillance us",
        "run_on_dictation_continue_surveillance_us_without_period",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    _case(
        "liver: cirrhotic. 3 mm calcified focus seg 7. impression: cirrhosis, no focal lesion."
        " continue surveillance us in 6 months",
        "run_on_dictation_continue_surveillance_us_in_months",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    # 2. A numbered impression item whose recommendation follows a colon.
    _case(
        "IMPRESSION:\n1. Cirrhosis.\n2. LR-3 observation in segment III (9 mm): repeat"
        " multiphase MRI in 3-6 months.",
        "numbered_item_recommendation_after_colon",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    _case(
        "IMPRESSION:\n1. Calcified granuloma in segment II.\n2. Indeterminate 12 mm left"
        " adrenal nodule: adrenal protocol CT in 12 months.",
        "numbered_item_other_organ_recommendation_after_colon",
        followup_recommended=True,
        liver_followup_recommended=False,
    ),
    # 3. "Next ... due in ..."
    _case(
        "Impression: Cirrhotic liver with a 4 mm calcified granuloma in segment VI. No focal"
        " lesion. Next surveillance scan due in 6 months.",
        "next_surveillance_scan_due",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    _case(
        "CONCLUSION: Stable simple hepatic cyst. Next ultrasound due in 12 months.",
        "next_ultrasound_due",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    # 4. Repeat or alternative imaging after a multidisciplinary discussion.
    _case(
        "IMPRESSION: 21 mm partially calcified lesion in segment VIII, indeterminate.\n"
        "RECOMMENDATION: Multidisciplinary discussion; repeat or alternative diagnostic imaging"
        " (MRI with extracellular agent) in 3 months, or biopsy.",
        "repeat_or_alternative_diagnostic_imaging",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    _case(
        "Impression: Indeterminate 11 mm hepatic lesion in segment V. Alternative imaging with"
        " contrast-enhanced ultrasound in 4 weeks.",
        "alternative_imaging_with_exam",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    # 5. A conditional suggestion with a modal verb.
    _case(
        "Impression: Linear echogenic foci along the left intrahepatic ducts, likely"
        " pneumobilia. If clinical suspicion for intrahepatic stones persists, non-contrast CT"
        " could help differentiate air from calculi.",
        "conditional_exam_could_help",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    _case(
        "Impression: Echogenic renal focus, possibly a small calculus. If symptoms persist, a"
        " low-dose CT might help to confirm.",
        "conditional_exam_might_help",
        followup_recommended=True,
    ),
    # 6. "To be correlated with <exam>".
    _case(
        "Impression: Dilated left intrahepatic ducts with echogenic content in segment III. To"
        " be correlated with MRCP.",
        "to_be_correlated_with_mrcp",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    _case(
        "Opinion: Calcified focus in the right lobe of the liver, to be correlated with CT.",
        "to_be_correlated_with_ct_after_comma",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    # 7. CT colonography is imaging, of the bowel (not the liver of the counted calcification).
    _case(
        "Liver: 3 mm calcified granuloma in segment VII.\nImpression: Sigmoid wall thickening"
        " with fat stranding, likely diverticulitis. Interval CT colonography or colonoscopy at"
        " 6 weeks to exclude an underlying neoplasm.",
        "interval_ct_colonography",
        followup_recommended=True,
        liver_followup_recommended=False,
    ),
    _case(
        "Impression: Short segment of colonic wall thickening. Consider virtual colonoscopy.",
        "virtual_colonoscopy_is_imaging",
        followup_recommended=True,
    ),
    _case(
        "Impression: Short segment of colonic wall thickening. Colonoscopy is recommended.",
        "colonoscopy_alone_is_no_imaging",
        followup_recommended=False,
    ),
    # 8. Exams planned after a "Plan:" header, in a sentence after another one.
    _case(
        "Impression: Partial response of the rectal tumour.\nPlan: Discussed at the tumour"
        " board. Surgical planning MRI after cycle 6 per protocol.",
        "plan_header_surgical_planning_mri",
        followup_recommended=True,
    ),
    _case(
        "Impression: Echogenic focus in the fetal liver, likely calcification.\nPlan:"
        " Counselled. Fetal MRI brain at 28 weeks.",
        "plan_header_fetal_mri_at_weeks",
        followup_recommended=True,
        liver_followup_recommended=False,
    ),
    _case(
        "Impression: Echogenic fetal bowel.\nPlan: Fetal growth scan in 4 weeks.",
        "plan_header_in_the_same_sentence",
        followup_recommended=True,
    ),
    # Wordings that recommend nothing.
    _case(
        "Impression: Tiny calcified granuloma in segment IVa. No further imaging needed.",
        "no_further_imaging_needed",
        followup_recommended=False,
        liver_followup_recommended=False,
    ),
    _case(
        "impression: benign calcified granuloma seg 6. no follow-up imaging required",
        "no_follow_up_imaging_required_lower_case",
        followup_recommended=False,
    ),
    _case(
        "ULTRASOUND LIVER AND MRCP CORRELATION\nFINDINGS: A 5 mm calcified focus in segment VII.",
        "header_names_this_exams_modalities",
        followup_recommended=False,
    ),
    _case(
        "History: HCC surveillance.\nFindings: Cirrhotic liver. 3 mm calcified granuloma in"
        " segment II.\nImpression: No focal lesion.",
        "history_surveillance_is_the_reason",
        followup_recommended=False,
    ),
    _case(
        "Findings: 7 mm calcified focus in segment VI. CT correlation was performed and"
        " confirmed a calcified granuloma.",
        "past_ct_correlation",
        followup_recommended=False,
    ),
    _case(
        "Findings: 7 mm calcified focus in segment VI, correlated with the prior CT, where it"
        " was also calcified.",
        "correlated_with_prior_ct_is_a_comparison",
        followup_recommended=False,
    ),
    _case(
        "Findings: 7 mm calcified focus in segment VI. This was correlated with CT of 2021.",
        "was_correlated_with_ct_is_a_comparison",
        followup_recommended=False,
    ),
    _case(
        "Impression: Calcified granuloma in segment V. Follow up as clinically indicated.",
        "follow_up_as_clinically_indicated",
        followup_recommended=False,
    ),
    _case(
        "Impression: Calcified granuloma in segment V. To be correlated clinically.",
        "to_be_correlated_clinically",
        followup_recommended=False,
    ),
    _case(
        "Plan: Counselled. Discharged to GP care.\nFindings: 4 mm calcified granuloma in"
        " segment III.",
        "plan_header_without_exam",
        followup_recommended=False,
    ),
    _case(
        "Impression: Calcified granuloma in segment V. No further surveillance scans are needed.",
        "no_further_surveillance_scans_needed",
        followup_recommended=False,
    ),
    _case(
        "Impression: Calcified granuloma in segment V, to be correlated with the prior CT.",
        "to_be_correlated_with_prior_ct_is_a_comparison",
        followup_recommended=False,
    ),
    _case(
        "Impression: Calcified granuloma in segment V. To be correlated with clinical findings.",
        "to_be_correlated_with_clinical_findings",
        followup_recommended=False,
    ),
    _case(
        "Impression: Calcified granuloma in segment V. A biopsy could help if it grows.",
        "could_help_without_an_exam",
        followup_recommended=False,
    ),
    _case(
        "Impression: Calcified granuloma in segment V. Next clinic review due in 6 months.",
        "next_clinic_review_due_is_no_imaging",
        followup_recommended=False,
    ),
    _case(
        "Plan: Discharged. Outside MRI of 2019 was reviewed.\nFindings: 4 mm calcified"
        " granuloma in segment III.",
        "plan_header_then_a_reviewed_exam",
        followup_recommended=False,
    ),
    _case(
        "Findings: 4 mm calcified granuloma in segment III.\nPlan: Follow up with GP in 2 weeks.",
        "plan_header_clinic_visit",
        followup_recommended=False,
    ),
    _case(
        "Plan: Counselled.\nFindings: 4 mm calcified granuloma in segment III. MRI brain was"
        " normal.",
        "plan_header_does_not_reach_the_next_line",
        followup_recommended=False,
    ),
]


@pytest.mark.parametrize(("text", "expected"), FOLLOW_UP_SIXTH)
def test_real_phrasing_follow_up_kind(miner: Miner, text: str, expected: Expect) -> None:
    """Each kind of follow-up wording gives the fields its case names."""
    _check(miner, text, expected)
