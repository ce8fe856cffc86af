"""Real-world phrasing (issue 11): vocabulary, organ scope, sizes, counts, diffuse and lobes.

One short report per kind of wording that published case reports, teaching pages and report
templates use. Each case names only the fields it is about; expectations follow
../shared/GOLD_GUIDE.md and its "Clarifications (2026-12-06)".
"""

from __future__ import annotations

from typing import Any

import pytest

from calcminer.nlp.mining.miner import Miner

Expect = dict[str, Any]


def _check(miner: Miner, text: str, expected: Expect) -> None:
    result = miner.mine_text(text)
    got = {
        field: list(value) if isinstance(value := getattr(result, field), tuple) else value
        for field in expected
    }
    counted = [(f.text, f.exclusion_reason) for f in result.findings]
    assert got == expected, f"findings: {counted}"


def _case(text: str, case_id: str, **expected: Any) -> Any:
    return pytest.param(text, expected, id=case_id)


# --- vocabulary: ways of writing a calcification ----------------------------------------------

VOCABULARY = [
    _case(
        "LIVER: A 12 mm calcified SOL in segment VI.",
        "calcified_sol",
        calcification=True,
        count=1,
        max_size_mm=12.0,
        segments=["VI"],
        triage="benign",
    ),
    _case(
        "Ultrasound description: Strong echo light mass with acoustic shadow in the right lobe"
        " of liver, 4.2 x 3.1 cm.",
        "strong_echo_light_mass_sized",
        calcification=True,
        count=1,
        max_size_mm=42.0,
        lobes=["right"],
        triage="urgent",
    ),
    _case(
        "Ultrasound description: In the left lobe of the liver a strong echo light group of about"
        " 1.2 x 0.9 cm is seen, with acoustic shadow behind it.",
        "strong_echo_light_group_is_one_focus",
        calcification=True,
        count=1,
        max_size_mm=12.0,
        lobes=["left"],
        triage="benign",
    ),
    _case(
        "Ultrasound description: Multiple strong echo light groups with acoustic shadows are seen"
        " in the liver.",
        "strong_echo_light_groups_are_multiple",
        calcification=True,
        count_category="multiple",
        triage="workup",
    ),
    _case(
        "MRI LIVER: A 6 mm focus of signal void in segment VII, blooming on GRE, consistent"
        " with calcification.",
        "mri_signal_void",
        calcification=True,
        count=1,
        max_size_mm=6.0,
        segments=["VII"],
        triage="benign",
    ),
    _case(
        "CT ABDOMEN: A 5 cm mass in segment IV with a densely calcified central scar measuring"
        " 3.3 cm.",
        "calcified_central_scar_own_size",
        calcification=True,
        count=1,
        max_size_mm=33.0,
        triage="urgent",
    ),
    _case(
        "CT ABDOMEN: A 2 cm lesion of calcific nature in segment VIII of the liver.",
        "lesion_of_calcific_nature",
        calcification=True,
        count=1,
        max_size_mm=20.0,
        segments=["VIII"],
        triage="benign",
    ),
    _case(
        "CT ABDOMEN: A 4 cm hepatic cyst with calcified septa.",
        "calcified_septa_of_cyst",
        calcification=True,
        count_category="multiple",
        max_size_mm=None,
        triage="workup",
    ),
    _case(
        "CT ABDOMEN: Liver: septal calcification in a network pattern.",
        "septal_calcification_network",
        calcification=True,
        count=None,
        count_category="multiple",
        diffuse=True,
        triage="workup",
    ),
    _case(
        "CT ABDOMEN: Multiple calcified nodular lesions in the liver, up to 9 mm.",
        "words_between_calcified_and_noun",
        calcification=True,
        count_category="multiple",
        max_size_mm=9.0,
        triage="workup",
    ),
    _case(
        "US ABDOMEN: Liver: intraductal echogenic calculi in the right lobe with shadowing.",
        "intraductal_echogenic_calculi",
        calcification=True,
        count_category="multiple",
        bile_duct=True,
        lobes=["right"],
        triage="workup",
    ),
    _case(
        "CT ABDOMEN: Hyperdense calculi within dilated intrahepatic ducts of the left lobe.",
        "ct_hyperdense_calculi",
        calcification=True,
        bile_duct=True,
        lobes=["left"],
        triage="workup",
    ),
    _case(
        "CT ABDOMEN: A 3 cm hemangioma in segment VI containing a phlebolith.",
        "phlebolith_in_hemangioma",
        calcification=True,
        count=1,
        max_size_mm=None,
        segments=["VI"],
        triage="benign",
    ),
    _case(
        "US ABDOMEN: Hepatolithiasis in the left lobe.",
        "hepatolithiasis_mass_noun_is_multiple",
        calcification=True,
        count=None,
        count_category="multiple",
        bile_duct=True,
        triage="workup",
    ),
]


# --- organ scope ---------------------------------------------------------------------------------

ORGAN_SCOPE = [
    _case(
        "US ABDOMEN: Several calcifications are noted in the parenchyma, the intrahepatic bile"
        " ducts are not dilated.",
        "intrahepatic_in_the_sentence",
        calcification=True,
        count_category="multiple",
        bile_duct=False,
        triage="workup",
    ),
    _case(
        "US ABDOMEN: The liver and spleen both contain multiple small calcified granulomas.",
        "liver_and_spleen_subject",
        calcification=True,
        count_category="multiple",
        triage="workup",
    ),
    _case(
        "CT ABDOMEN: Hepatosplenic calcifications, consistent with prior granulomatous disease.",
        "hepatosplenic",
        calcification=True,
        count_category="multiple",
        triage="workup",
    ),
    _case(
        "CT ABDOMEN: Several lesions have stippled calcification; these lie in hepatic segments"
        " II and V.",
        "liver_named_in_the_next_sentence",
        calcification=True,
        count_category="multiple",
        segments=["II", "V"],
        triage="workup",
    ),
    _case(
        "CT ABDOMEN: Calcification of the hepatic artery wall. Liver otherwise normal.",
        "hepatic_artery_wall",
        calcification=False,
        triage="none",
    ),
    _case(
        "CT ABDOMEN: Calcification along the liver capsule, consistent with old peritoneal"
        " disease.",
        "liver_capsule",
        calcification=False,
        triage="none",
    ),
    _case(
        "CT ABDOMEN: Perihepatic calcified implants in pseudomyxoma.",
        "perihepatic_implants",
        calcification=False,
        triage="none",
    ),
    _case(
        "CT ABDOMEN: Capsular calcification over the right lobe of the liver.",
        "capsular_calcification",
        calcification=False,
        triage="none",
    ),
    _case(
        "CT ABDOMEN: A 7 mm subcapsular calcification in segment VI of the liver.",
        "subcapsular_is_intrahepatic",
        calcification=True,
        count=1,
        segments=["VI"],
        triage="benign",
    ),
]


# --- sizes ---------------------------------------------------------------------------------------

SIZES = [
    _case(
        "US LIVER: Coarse calcification in segment 7, 2.1 x 3.6 cm.",
        "size_after_location",
        max_size_mm=36.0,
        triage="urgent",
    ),
    _case(
        "CT LIVER: A calcified lesion in the right lobe measuring approx 41 x 33 mm.",
        "measuring_approx",
        max_size_mm=41.0,
        triage="urgent",
    ),
    _case(
        "CT LIVER: Two calcified lesions in the liver; the larger one is about 3.6 x 2.9 cm.",
        "the_larger_one_next_sentence",
        count=2,
        max_size_mm=36.0,
        triage="urgent",
    ),
    _case(
        "CT LIVER: Two calcified lesions in the liver. The largest measures 3.4 cm.",
        "the_largest_measures_next_sentence",
        count=2,
        max_size_mm=34.0,
        triage="urgent",
    ),
    _case(
        "US LIVER: Multiple intrahepatic duct stones, the largest 14 mm.",
        "largest_in_a_list_of_stones",
        max_size_mm=14.0,
        bile_duct=True,
        triage="workup",
    ),
]


# --- counts --------------------------------------------------------------------------------------

COUNTS = [
    _case(
        "US LIVER: Calcified granulomas: one in segment V and one in segment VIII.",
        "one_and_one_is_two",
        count=2,
        count_category="multiple",
        segments=["V", "VIII"],
        triage="workup",
    ),
    _case(
        "US LIVER: A calcified granuloma in S5, and another calcified focus in S7.",
        "a_and_another_is_two",
        count=2,
        count_category="multiple",
        segments=["V", "VII"],
        triage="workup",
    ),
    _case(
        "US ABDOMEN\nLIVER: A 6 mm calcified granuloma in segment VI.\nimp: Calcified granuloma"
        " in the liver.",
        "impression_header_imp",
        count=1,
        triage="benign",
    ),
    _case(
        "US ABDOMEN\nLIVER: A 6 mm calcified granuloma in segment VI.\nTip: Calcified granuloma"
        " of the liver.",
        "impression_header_tip",
        count=1,
        triage="benign",
    ),
    _case(
        "US ABDOMEN\nLIVER: A 6 mm calcified granuloma in segment VI.\nimpression: calcified"
        " granuloma of the liver.",
        "impression_header_lower_case",
        count=1,
        triage="benign",
    ),
    _case(
        "CT ABDOMEN: Hepatic metastases. Further metastases in the right lobe contain"
        " calcification.",
        "plural_container_is_multiple",
        calcification=True,
        count_category="multiple",
        lobes=["right"],
        triage="workup",
    ),
]


# --- diffuse and lobes ---------------------------------------------------------------------------

DIFFUSE_AND_LOBES = [
    _case(
        "US LIVER: Calcifications throughout the right and left lobes of the liver.",
        "throughout_both_lobes",
        diffuse=True,
        lobes=["left", "right"],
        triage="workup",
    ),
    _case(
        "US LIVER: A 5 mm calcified granuloma in segment VI. Similar lesions are present in the"
        " left lobe.",
        "similar_lesions_add_foci",
        count=None,
        count_category="multiple",
        max_size_mm=5.0,
        segments=["VI"],
        lobes=["left"],
        triage="workup",
    ),
]


@pytest.mark.parametrize(("text", "expected"), VOCABULARY)
def test_real_phrasing_vocabulary(miner: Miner, text: str, expected: Expect) -> None:
    _check(miner, text, expected)


@pytest.mark.parametrize(("text", "expected"), ORGAN_SCOPE)
def test_real_phrasing_organ_scope(miner: Miner, text: str, expected: Expect) -> None:
    _check(miner, text, expected)


@pytest.mark.parametrize(("text", "expected"), SIZES)
def test_real_phrasing_sizes(miner: Miner, text: str, expected: Expect) -> None:
    _check(miner, text, expected)


@pytest.mark.parametrize(("text", "expected"), COUNTS)
def test_real_phrasing_counts(miner: Miner, text: str, expected: Expect) -> None:
    _check(miner, text, expected)


@pytest.mark.parametrize(("text", "expected"), DIFFUSE_AND_LOBES)
def test_real_phrasing_diffuse_and_lobes(miner: Miner, text: str, expected: Expect) -> None:
    _check(miner, text, expected)


# --- context beyond the sentence, sentence ends and headers --------------------------------------

CONTEXT = [
    _case(
        "CT LIVER: A large mass in the left lobe, centred on segments II and III, measuring 11 cm."
        " It contains a densely calcified central scar measuring 3.4 x 2.2 cm.",
        "it_contains_takes_the_previous_lesion_location",
        calcification=True,
        count=1,
        max_size_mm=34.0,
        segments=["II", "III"],
        triage="urgent",
    ),
    _case(
        "CT LIVER: In segment VIII there is a 4.5 cm hemangioma. A 6 mm phlebolith is present"
        " within the lesion.",
        "within_the_lesion_refers_back",
        calcification=True,
        count=1,
        max_size_mm=6.0,
        segments=["VIII"],
        triage="benign",
    ),
    _case(
        "US LIVER: There are several hypoechoic lesions in both lobes of the liver. Each has a"
        " bright central echogenic focus casting an acoustic shadow.",
        "each_after_plural_lesions_is_multiple",
        calcification=True,
        count_category="multiple",
        lobes=["left", "right"],
        diffuse=False,
        triage="workup",
    ),
    _case(
        "CT LIVER: Two punctate calcifications, one in segment V and one in segment VIII, 3 mm"
        " each.",
        "two_listed_one_and_one_stays_two",
        count=2,
        segments=["V", "VIII"],
        triage="workup",
    ),
    _case(
        "CT ABDOMEN: Septal calcification aligned perpendicular to the capsule throughout the"
        " liver (tortoise-shell pattern).",
        "perpendicular_to_the_capsule_is_not_the_capsule",
        calcification=True,
        diffuse=True,
        triage="workup",
    ),
    _case(
        "CT ABDOMEN: Hyperdense calculi fill the dilated intrahepatic ducts of segments II and"
        " III, the largest 1.3 cm.",
        "calculi_fill_the_ducts",
        calcification=True,
        bile_duct=True,
        max_size_mm=13.0,
        segments=["II", "III"],
        triage="workup",
    ),
    _case(
        "US ABDOMEN\n- Liver: 5.1 cm calcified cyst in segment III.\n- Gallbladder: normal.\n"
        "* Impression: Inactive calcified hydatid cyst of the liver.",
        "bulleted_impression_header",
        count=1,
        max_size_mm=51.0,
        triage="urgent",
    ),
    _case(
        "us abd\nliver normal a small 4mm bright echogenic focus with posterior acoustic shadow"
        " seg 8 likely granuloma gb normal no stones cbd 3mm spleen 9cm kidneys normal no free"
        " fluid pancreas obscured by bowel gas",
        "distant_mimic_in_run_on_dictation",
        calcification=True,
        max_size_mm=4.0,
        segments=["VIII"],
        triage="benign",
    ),
    _case(
        "ct abdomen findings gallbladder distended, no radiopaque stone. 6 mm calcification"
        " segment 6. no biliary dilatation.",
        "a_size_starts_a_sentence",
        calcification=True,
        max_size_mm=6.0,
        segments=["VI"],
        triage="benign",
    ),
    _case(
        "us liver: 14 mm echogenic haemangioma S3, no shadowing. separate 4 mm shadowing"
        " calcific focus S7.",
        "lower_case_sentence_after_a_period",
        calcification=True,
        count=1,
        max_size_mm=4.0,
        segments=["VII"],
        triage="benign",
    ),
    _case(
        "us liver\nliver size 16 cm a 12 mm hypoechoic lesion seg 4 separate 5mm calcific focus"
        " with posterior shadowing seg 2 spleen 12.5 cm\nimp cirrhotic morphology incidental"
        " calcific focus seg 2",
        "restated_focus_without_an_impression_header",
        count=1,
        max_size_mm=5.0,
        segments=["II"],
        triage="benign",
    ),
    _case(
        "LIVER: A 5 mm calcified granuloma in segment VI. Another calcified granuloma in segment"
        " VI.",
        "another_focus_in_the_same_segment",
        count=2,
        triage="workup",
    ),
    _case(
        "LIVER: A 5 mm calcified granuloma in segment VI.  No other calcified lesion is seen.",
        "two_spaces_end_a_sentence",
        calcification=True,
        count=1,
        triage="benign",
    ),
    _case(
        "ULTRASOUND ABDOMEN: Multiple small hepatosplenic calcifications are noted, appearing as"
        " bright echogenic foci with acoustic shadowing, up to 5 mm.",
        "size_of_an_identity_restatement",
        calcification=True,
        count_category="multiple",
        triage="workup",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CONTEXT)
def test_real_phrasing_context_beyond_the_sentence(
    miner: Miner, text: str, expected: Expect
) -> None:
    _check(miner, text, expected)
