"""Kinds of wording found in the third issue-11 session (dev_i and dev_j, formerly blind).

Lesion outlines and inner parts, a definite part subject that refers back, echoes that an
identity cue names, and normal structures that cast a shadow. Each case is written for this
file (not copied from a gold report) and names only the fields it is about; expectations
follow ../shared/GOLD_GUIDE.md and its "Clarifications (2026-12-06)".
"""

from __future__ import annotations

import pytest
from test_real_phrasing_cases import Expect, _case, _check

from calcminer.nlp.mining.miner import Miner
from calcminer.nlp.rules.patterns import load_patterns

OUTLINES_AND_PARTS = [
    _case(
        "LIVER: A 47 x 40 mm cystic lesion in segment VI with a thick, partly calcified wall.",
        "calcified_wall_of_a_lesion_gives_its_size",
        count=1,
        max_size_mm=47.0,
        segments=["VI"],
        triage="urgent",
    ),
    _case(
        "LIVER: In segment 3 there is a 36 mm round lesion with a calcified periphery and"
        " posterior shadowing.",
        "calcified_periphery_gives_the_lesion_size",
        count=1,
        max_size_mm=36.0,
        segments=["III"],
        triage="urgent",
    ),
    _case(
        "LIVER: A 4.2 cm mass in segment 5 with a calcified rim.",
        "calcified_rim_of_a_mass_gives_no_size",
        calcification=True,
        max_size_mm=None,
        segments=["V"],
        triage="benign",
    ),
    _case(
        "LIVER: A 4.8 cm mass in segment 8 with coarse internal calcifications.",
        "calcifications_inside_a_mass_take_no_size",
        calcification=True,
        max_size_mm=None,
        segments=["VIII"],
        triage="workup",
    ),
    _case(
        "LIVER: A 10.5 cm mass in the right lobe with a central scar. The central scar is"
        " calcified.",
        "calcified_scar_does_not_take_the_mass_size",
        calcification=True,
        count=1,
        max_size_mm=None,
        lobes=["right"],
        triage="benign",
    ),
    _case(
        "LIVER: A 10.5 cm mass in the right lobe with a central scar. The central scar is"
        " densely calcified, the calcified component measuring 3.3 cm.",
        "calcified_component_has_its_own_size",
        count=1,
        max_size_mm=33.0,
        lobes=["right"],
        triage="urgent",
    ),
    _case(
        "LIVER: A cyst in segment 5 measures 3.9 x 3.1 cm. The cyst wall is calcified.",
        "calcified_cyst_wall_predicate_takes_the_cyst_size",
        count=1,
        max_size_mm=39.0,
        segments=["V"],
        triage="urgent",
    ),
    _case(
        "FINDINGS: A 9 cm mass in the left lobe of the liver with a central scar. The scar"
        " corresponds to a 3.2 cm calcified focus on CT.",
        "definite_part_subject_refers_back",
        count=1,
        max_size_mm=32.0,
        lobes=["left"],
        triage="urgent",
    ),
    _case(
        "FINDINGS: A 9 cm mass in the left lobe of the liver. The spleen contains a 3.2 cm"
        " calcified focus.",
        "another_organ_subject_does_not_refer_back",
        calcification=False,
        triage="none",
    ),
]

OUTLINE_NAMED = [
    _case(
        "FINDINGS: In segment 7 there is a 3.8 cm shrunken cyst with a thick low signal wall on"
        " all sequences, in keeping with dense calcification.",
        "outline_named_calcification_by_identity_cue",
        count=1,
        max_size_mm=38.0,
        segments=["VII"],
        triage="urgent",
    ),
    _case(
        "FINDINGS: In segment 7 there is a 3.8 cm shrunken, irregular cyst with a calcified wall.",
        "comma_between_adjectives_keeps_the_size",
        count=1,
        max_size_mm=38.0,
        triage="urgent",
    ),
    _case(
        "FINDINGS: In segment 7 there is a 3.8 cm cyst with septations on all sequences, in"
        " keeping with a lesion containing calcification.",
        "no_outline_word_no_lesion_size",
        calcification=True,
        max_size_mm=None,
        triage="benign",
    ),
]

ECHOES_NAMED = [
    _case(
        "Liver: Paired echogenic lines with shadowing at the porta hepatis and along the hepatic"
        " artery branches, in keeping with arterial wall calcification.",
        "echo_named_a_vessel_wall_calcification_is_excluded",
        calcification=False,
        triage="none",
    ),
    _case(
        "LIVER: A 6 mm echogenic focus with shadowing in segment 6, in keeping with a calcified"
        " granuloma.",
        "echo_named_a_liver_calcification_is_counted",
        count=1,
        max_size_mm=6.0,
        segments=["VI"],
        triage="benign",
    ),
    _case(
        "us abdomen  liver measures 14 cm with increased echogenicity consistent with fatty"
        " change there is a 7 mm echogenic focus with posterior acoustic shadowing in the right"
        " lobe likely a calcified granuloma no other lesion  spleen normal",
        "echo_size_goes_to_the_calcification_it_is_named",
        count=1,
        max_size_mm=7.0,
        lobes=["right"],
        triage="benign",
    ),
    _case(
        "LIVER: A 22 mm echogenic lesion with shadowing in segment 2, consistent with a"
        " hemangioma containing a calcification.",
        "echo_size_stays_with_the_lesion_it_is_named",
        calcification=True,
        segments=["II"],
    ),
    _case(
        "LIVER: A bright echogenic focus with shadowing at the fissure corresponds to fat in the"
        " ligamentum teres.",
        "normal_structure_explains_an_echo",
        calcification=False,
        triage="none",
    ),
    _case(
        "LIVER: A 4 mm calcified granuloma in segment 4 adjacent to the ligamentum teres.",
        "normal_structure_as_landmark_of_a_calcification",
        count=1,
        max_size_mm=4.0,
        segments=["IV"],
        triage="benign",
    ),
    _case(
        "LIVER: A 3 mm echogenic focus with shadowing in the left lobe near the falciform"
        " ligament, likely a calcified granuloma.",
        "normal_structure_as_landmark_of_an_echo",
        calcification=True,
        max_size_mm=3.0,
        lobes=["left"],
    ),
    _case(
        "LIVER: In segment 8 there is a 1.9 cm well-defined echogenic lesion, known hemangioma,"
        " containing a tiny shadowing phlebolith.",
        "shadow_before_a_phlebolith_is_the_phlebolith_s",
        count=1,
        max_size_mm=None,
        triage="benign",
    ),
    _case(
        "FINDINGS: Two hemangiomas of the liver, in segment VII (2.8 cm) and segment III (1.1 cm)."
        " Within the hemangioma in segment VII a central 5 mm phlebolith.",
        "sentence_opening_inside_a_lesion_takes_its_location",
        count=1,
        max_size_mm=5.0,
        segments=["VII"],
        triage="benign",
    ),
    _case(
        "LIVER: A 5 mm low signal focus in segment II without enhancement, representing a"
        " calcification.",
        "representing_ends_a_negation",
        count=1,
        max_size_mm=5.0,
        segments=["II"],
        triage="benign",
    ),
]


# Kinds of dev_k (how sizes are stated and which size is the calcification's).
SIZES_STATED = [
    _case(
        "RUQ ULTRASOUND\nThe liver is normal in size. There is a small echogenic focus with"
        " acoustic shadowing in the anterior right lobe. It measures about 5 mm and is"
        " consistent with a calcified granuloma.",
        "part_of_a_lobe_is_in_the_lobe",
        count=1,
        max_size_mm=5.0,
        lobes=["right"],
        triage="benign",
    ),
    _case(
        "ULTRASOUND FOLLOW-UP\nFindings:\nCyst 1 - segment III: densely calcified cyst, 3.3 cm."
        "\nCyst 2 - segment V: densely calcified cyst, 1.2 cm.",
        "lead_in_before_a_colon_places_the_finding",
        count=2,
        max_size_mm=33.0,
        segments=["III", "V"],
        triage="urgent",
    ),
    _case(
        "Liver:\nSegment II lesion - now coarsely calcified.\nSize: 3.6 x 2.0 cm (previously"
        " 4.4 x 3.0 cm).",
        "dash_predicate_and_size_line_without_the_prior_size",
        count=1,
        max_size_mm=36.0,
        segments=["II"],
        triage="urgent",
    ),
    _case(
        "Liver: Calcified granulomas in segments III, V and VII measuring 2, 3 and 5 mm.",
        "one_listed_size_per_focus",
        count=3,
        max_size_mm=5.0,
        triage="workup",
    ),
    _case(
        "Liver: Calcified granulomas in segments III and VII measuring 2 or 3 mm.",
        "alternative_sizes_give_no_count",
        count=None,
        count_category="multiple",
    ),
    _case(
        "Liver: Several metastases in segments IV and VI contain coarse calcifications; the"
        " largest metastasis in segment VI measures 4.6 cm.",
        "the_largest_lesion_s_size_is_not_its_calcifications",
        max_size_mm=None,
        triage="workup",
    ),
    _case(
        "FINDINGS: Calcified granulomas in the liver and spleen, up to 3 mm in the liver and up"
        " to 9 mm in the spleen.",
        "a_size_another_organ_qualifies_is_that_organ_s",
        max_size_mm=3.0,
    ),
    _case(
        "Segment VI, subcapsular: 7 mm focus of signal void on all sequences, matching a"
        " calcified granuloma on the prior CT.",
        "matching_names_the_same_focus",
        count=1,
        max_size_mm=7.0,
        segments=["VI"],
        triage="benign",
    ),
    _case(
        "Liver: A faint echogenic focus in segment VII without convincing posterior acoustic"
        " shadowing.",
        "hedged_absent_shadow_is_no_shadow",
        calcification=False,
        triage="none",
    ),
    _case(
        "Lesions:\n| 1 | Segment V | Hemangioma | 31 mm |\n| 2 | Segment V | Calcification"
        " inside lesion 1 (dark on all sequences) | 5 mm |",
        "a_size_in_its_own_table_cell_is_the_row_finding_s",
        count=1,
        max_size_mm=5.0,
        segments=["V"],
        triage="benign",
    ),
]


# Kinds of dev_l (location and count).
LOCATION_AND_COUNT = [
    _case(
        "FINDINGS: Two tiny foci of signal void in segment 7, up to 4 mm, without enhancement;"
        " they correspond to calcified granulomas on the prior CT.",
        "they_name_the_previous_foci_as_the_calcifications",
        calcification=True,
        max_size_mm=4.0,
        segments=["VII"],
        triage="workup",
    ),
    _case(
        "FINDINGS: Two tiny foci of signal void in segment 7, up to 4 mm, without enhancement;"
        " they are unchanged, and calcified granulomas are present.",
        "a_pronoun_without_identity_cue_lends_nothing",
        calcification=False,
    ),
    _case(
        "FINDINGS: In segment 5 there is a well-defined 12 x 9 mm nodule, dark on all sequences,"
        " without enhancement, corresponding to the calcified nodule seen on the prior CT.",
        "described_lesion_named_a_calcification_lends_size_and_place",
        count=1,
        max_size_mm=12.0,
        segments=["V"],
        triage="benign",
    ),
    _case(
        "LIVER: A 2.6 cm hemangioma in segment 3. A 4 mm focus of signal void within the lesion"
        " corresponds to a phlebolith.",
        "focus_inside_a_lesion_named_a_phlebolith",
        count=1,
        max_size_mm=4.0,
        triage="benign",
    ),
    _case(
        "LIVER: Prior CT described a calcified granuloma in segment 7, which is not seen on"
        " this ultrasound.",
        "prior_exam_finding_not_seen_now",
        calcification=False,
        triage="none",
    ),
    _case(
        "LIVER: Multiple coarsely calcified (ossified) metastases, the largest 3.4 cm in"
        " segment 8.",
        "word_in_parentheses_before_the_head",
        calcification=True,
        max_size_mm=34.0,
        triage="urgent",
    ),
    _case(
        "LIVER: Numerous metastases in both lobes. Some of them contain calcification,"
        " especially in segments 3 and 6.",
        "some_of_them_contain_is_multiple",
        count=None,
        count_category="multiple",
        segments=["III", "VI"],
        triage="workup",
    ),
    _case(
        "IMPRESSION: Hydatid disease: a large right lobe cyst with daughter cysts and two"
        " calcified cysts in the left lobe.",
        "coordinated_lesion_is_not_inside_the_first",
        count=2,
        lobes=["left"],
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [*OUTLINES_AND_PARTS, *OUTLINE_NAMED, *ECHOES_NAMED, *SIZES_STATED, *LOCATION_AND_COUNT],
)
def test_real_phrasing_parts_outlines_and_named_echoes(
    miner: Miner, text: str, expected: Expect
) -> None:
    _check(miner, text, expected)


def test_real_phrasing_outline_parts_are_lesion_parts() -> None:
    """A lesion outline ("wall", "rim") is one of the lesion parts the linker knows."""
    table = load_patterns().normalization
    outline = set(table["lesion_outline_parts"]["words"])
    assert outline
    assert outline <= set(table["lesion_part_nouns"]["words"])
