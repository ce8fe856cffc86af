"""Kinds of wording found in the third issue-11 session (dev_i and dev_j, formerly blind).

Lesion outlines and inner parts, a definite part subject that refers back, echoes that an
identity cue names, and normal structures that cast a shadow. Each case is written for this
file (not copied from a gold report) and names only the fields it is about; expectations
follow ../shared/GOLD_GUIDE.md and its "Clarifications (2026-12-06)".
"""

from __future__ import annotations

import pytest
from test_real_phrasing_cases import Expect, _case, _check

from calcminer.nlp.miner import Miner
from calcminer.nlp.patterns import load_patterns

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


@pytest.mark.parametrize(("text", "expected"), OUTLINES_AND_PARTS)
def test_lesion_outlines_and_parts(miner: Miner, text: str, expected: Expect) -> None:
    _check(miner, text, expected)


@pytest.mark.parametrize(("text", "expected"), OUTLINE_NAMED)
def test_outline_named_by_identity(miner: Miner, text: str, expected: Expect) -> None:
    _check(miner, text, expected)


@pytest.mark.parametrize(("text", "expected"), ECHOES_NAMED)
def test_echoes_named_by_identity(miner: Miner, text: str, expected: Expect) -> None:
    _check(miner, text, expected)


def test_outline_parts_are_lesion_parts() -> None:
    """A lesion outline ("wall", "rim") is one of the lesion parts the linker knows."""
    table = load_patterns().normalization
    outline = set(table["lesion_outline_parts"]["words"])
    assert outline
    assert outline <= set(table["lesion_part_nouns"]["words"])
