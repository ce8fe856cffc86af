"""Which organ a follow-up recommendation concerns (seventh round): ``liver_followup_recommended``.

Each case is written for this file (not copied from a gold report) and names only the fields it
is about; expectations follow ../shared/GOLD_GUIDE.md and its "Clarifications (2026-12-06)",
with ``liver_followup_recommended`` true for imaging follow-up of the liver or its
calcification, or for a non-specific one in a report whose only finding is the calcification,
and false for a follow-up of another organ.
"""

from __future__ import annotations

import pytest
from test_real_phrasing_cases import Expect, _case, _check

from calcminer.nlp.mining.miner import Miner

FOLLOW_UP_SEVENTH = [
    # 1. A recommendation naming no organ after clauses naming none: the look-back goes on, in
    #    the same section, to the clause that names the organ.
    _case(
        "Impression: Indeterminate 14 mm hypoechoic lesion in segment VI. No other abnormality."
        " Repeat ultrasound in 3 months.",
        "look_back_past_a_clause_naming_no_organ",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    _case(
        "IMPRESSION:\n1. Two hepatic metastases, smaller than before. No new lesion.\n"
        "2. Repeat CT in 3 months.",
        "look_back_into_the_previous_numbered_item",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    _case(
        "IMPRESSION: Hepatic adenoma, 3 cm, stable. No haemorrhage.\n"
        "RECOMMENDATION: MRI in 6 months.",
        "look_back_from_a_recommendation_header_into_the_impression",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    _case(
        "Impression: 6 mm gallbladder polyp. No other abnormality. Repeat ultrasound in 12 months.",
        "look_back_stops_at_another_organ",
        followup_recommended=True,
        liver_followup_recommended=False,
    ),
    _case(
        "Findings:\nLiver: 12 mm simple cyst in segment IV.\nPancreas: atrophic.\n"
        "Impression: Chronic pancreatitis. No duct dilatation. MRCP recommended.",
        "look_back_stops_at_a_disease_of_another_organ",
        followup_recommended=True,
        liver_followup_recommended=False,
    ),
    _case(
        "Findings:\nLiver: 12 mm simple cyst in segment IV.\nImpression: No acute abnormality."
        " Follow-up imaging is advised.",
        "look_back_does_not_cross_into_an_organ_section",
        followup_recommended=True,
        liver_followup_recommended=False,
    ),
    # 2. Diseases of other organs name their organ.
    _case(
        "Findings: 4 mm calcified granuloma in segment VI.\nImpression: Right nephrolithiasis,"
        " 6 mm. Follow-up ultrasound in 6 months.",
        "nephrolithiasis_names_the_kidney",
        followup_recommended=True,
        liver_followup_recommended=False,
    ),
    _case(
        "Findings: 4 mm calcified granuloma in segment VI.\nImpression: Cholelithiasis with"
        " sludge; repeat ultrasound after fasting.",
        "cholelithiasis_names_the_gallbladder",
        followup_recommended=True,
        liver_followup_recommended=False,
    ),
    # 3. Diseases and operations of the liver name the liver.
    _case(
        "Impression: 4 cm unilocular cyst, possibly an early hydatid cyst. Advise hydatid"
        " serology and CT abdomen.",
        "hydatid_names_the_liver",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    _case(
        "Impression: Mild hepatomegaly with a 7 mm non-shadowing echogenic focus. Repeat"
        " ultrasound in 3 months.",
        "hepatomegaly_names_the_liver",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    _case(
        "IMPRESSION:\nNo evidence of recurrent hepatoblastoma.\nContinue surveillance MRI in 3"
        " months.",
        "hepatoblastoma_surveillance",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    _case(
        "Conclusion: Stable appearances after left hepatectomy. Surveillance CT in 6 months.",
        "hepatectomy_surveillance",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    # 4. Staging and restaging follow the organ of the disease.
    _case(
        "Findings: 5 mm calcified granuloma in segment VII.\nImpression: Ovarian carcinoma with"
        " omental deposits. Restaging CT after three cycles.",
        "restaging_of_another_organs_cancer",
        followup_recommended=True,
        liver_followup_recommended=False,
    ),
    _case(
        "Impression: 3 cm arterially enhancing lesion in segment VIII, LR-5. Multiphase CT for"
        " staging of the HCC is recommended.",
        "staging_of_a_liver_cancer_is_the_liver",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    _case(
        "Impression: 2 cm lesion in segment VI. MRI liver for staging recommended.",
        "staging_exam_naming_the_liver",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    # 5. A clause that denies any liver finding does not place a recommendation in the liver
    #    when an earlier clause of the section names another organ.
    _case(
        "Impression: Peritoneal carcinomatosis. No hepatic parenchymal lesion. Repeat CT in 3"
        " months.",
        "denied_liver_after_peritoneal_disease",
        followup_recommended=True,
        liver_followup_recommended=False,
    ),
    _case(
        "Impression: Nodal lymphoma with splenic involvement. No hepatic involvement. Interim"
        " PET-CT after two cycles is recommended.",
        "denied_liver_after_lymphoma_of_the_spleen",
        followup_recommended=True,
        liver_followup_recommended=False,
    ),
    _case(
        "Conclusion: Cholelithiasis. No hepatic calcification is seen. If the doubt persists, a"
        " CT of the abdomen can be performed.",
        "denied_liver_calcification_still_places_the_liver",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    _case(
        "Impression: Cirrhosis. 4 mm echogenic nodule. No focal liver lesion. Continue"
        " surveillance ultrasound in 6 months.",
        "denied_liver_after_cirrhosis",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    _case(
        "Impression: No focal liver lesion. Repeat ultrasound in 6 months.",
        "denied_liver_alone_still_places_the_liver",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
    # 6. An exam named only inside an "if" condition that a comma closes is no recommendation.
    _case(
        "Impression: Simple hepatic cyst in segment VII. If calcification were shown on a prior"
        " CT, a complicated cyst would be considered.",
        "exam_inside_a_closed_condition",
        followup_recommended=False,
        liver_followup_recommended=False,
    ),
    _case(
        "Impression: Hepatic cyst in segment VII. If it enlarges, MRI is recommended.",
        "exam_after_a_closed_condition",
        followup_recommended=True,
        liver_followup_recommended=True,
    ),
]


@pytest.mark.parametrize(("text", "expected"), FOLLOW_UP_SEVENTH)
def test_real_phrasing_follow_up_organ_kind(miner: Miner, text: str, expected: Expect) -> None:
    """Each kind of wording gives the fields its case names."""
    _check(miner, text, expected)
