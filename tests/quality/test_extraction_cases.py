"""The real miner on short report texts: targets, mimics, assertion, attributes, follow-up, triage.

Every expectation follows ../shared/GOLD_GUIDE.md. One realistic report (1-3 sentences) per case;
the session-scoped ``miner`` fixture of conftest.py is reused, so the file runs in seconds.
"""

from __future__ import annotations

import pytest

from calcminer.nlp.mining.miner import Miner
from calcminer.nlp.schema import ReportResult


def _counted(result: ReportResult) -> list[str]:
    """Words of the counted findings, for readable assertion messages."""
    return [f.text for f in result.findings if f.counted]


# --- 1. targets: every wording of an intrahepatic calcification is counted -------------------


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("LIVER: A tiny calcification in the right lobe.", id="calcification"),
        pytest.param(
            "LIVER: Normal size. Several punctate calcifications in the right hepatic lobe.",
            id="calcifications",
        ),
        pytest.param(
            "LIVER: Normal echotexture. A 4 mm calcified focus in segment VII.",
            id="calcified_focus",
        ),
        pytest.param(
            "Liver: Two small calcified foci in the left lobe, unchanged.", id="calcified_foci"
        ),
        pytest.param(
            "LIVER: Calcified granuloma in the caudate lobe. No other focal lesion.",
            id="calcified_granuloma",
        ),
        pytest.param(
            "Hepatic parenchyma: 6 mm calcified nodule in segment 2.", id="calcified_nodule"
        ),
        pytest.param(
            "LIVER: There is a densely calcified lesion in segment VIII measuring 9 mm.",
            id="calcified_lesion",
        ),
        pytest.param(
            "LIVER: A 2.2 cm calcified mass in the right lobe without enhancement.",
            id="calcified_mass",
        ),
        pytest.param(
            "LIVER: A 2.4 cm calcified cyst in segment V, unchanged from 2019.",
            id="calcified_cyst",
        ),
        pytest.param(
            "LIVER: Rim-calcified cyst in segment IVa measuring 1.6 cm.", id="rim_calcified_cyst"
        ),
        pytest.param(
            "LIVER: A 2 cm hepatic cyst in the left lobe with eggshell calcification of its wall.",
            id="eggshell_calcification_cyst",
        ),
        pytest.param(
            "LIVER: Echogenic focus with posterior acoustic shadowing in the right lobe, "
            "measuring 5 mm.",
            id="echogenic_focus_posterior_shadowing",
        ),
        pytest.param(
            "Liver: A 3 mm hyperechoic focus with acoustic shadowing is seen in segment 6.",
            id="hyperechoic_focus_acoustic_shadowing",
        ),
        pytest.param(
            "LIVER: Small shadowing echogenic focus in the left lobe. Normal echotexture.",
            id="shadowing_echogenic_focus",
        ),
        pytest.param(
            "Liver: A strong echo with acoustic shadow is noted in the right lobe of the liver.",
            id="strong_echo_acoustic_shadow",
        ),
        pytest.param(
            "Liver: normal size, smooth capsule. A strong light spot of about 4 mm is seen in "
            "the right lobe, followed by an acoustic shadow.",
            id="strong_light_spot_acoustic_shadow",
        ),
        pytest.param(
            "IMPRESSION: Hepatolithiasis of the left lobe with mild ductal dilatation.",
            id="hepatolithiasis",
        ),
        pytest.param(
            "LIVER: Intrahepatic duct stones are seen in the left lobe, with mild upstream "
            "dilatation.",
            id="intrahepatic_duct_stones",
        ),
        pytest.param(
            "LIVER: 3 mm echogenic focus in segment VIII, consistent with a calcified granuloma.",
            id="consistent_with_calcified_granuloma",
        ),
        pytest.param("LIVER: Small calcificaton in segment 5.", id="misspelling_calcificaton"),
        pytest.param(
            "Liver: Punctate calcfication in the right lobe, benign.", id="misspelling_calcfication"
        ),
    ],
)
def test_extraction_counts_intrahepatic_calcification_wordings(miner: Miner, text: str) -> None:
    result = miner.mine_text(text)
    assert result.calcification is True, [(f.text, f.exclusion_reason) for f in result.findings]
    assert _counted(result)
    assert result.count_category != "none"
    assert result.triage != "none"


# --- 2. liver scope and mimics: nothing is counted -------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "GALLBLADDER: Multiple mobile shadowing gallstones. LIVER: Normal.",
            id="gallbladder_stones",
        ),
        pytest.param(
            "GALLBLADDER: Porcelain gallbladder with extensive wall calcification.",
            id="gallbladder_wall_calcification",
        ),
        pytest.param(
            "CBD: Dilated to 9 mm with a 6 mm shadowing stone in the distal common bile duct.",
            id="cbd_stone",
        ),
        pytest.param(
            "Choledocholithiasis: echogenic calculus with acoustic shadowing in the common bile "
            "duct.",
            id="cbd_calculus_echogenic_shadowing",
        ),
        pytest.param(
            "KIDNEYS: A 4 mm non-obstructing calculus in the lower pole of the left kidney.",
            id="kidney_stone",
        ),
        pytest.param(
            "Right kidney: echogenic focus with posterior acoustic shadowing, compatible with a "
            "renal stone.",
            id="kidney_echogenic_shadowing_focus",
        ),
        pytest.param("SPLEEN: Several small calcified granulomas.", id="splenic_granulomas"),
        pytest.param(
            "PANCREAS: Coarse calcifications in the pancreatic head, consistent with chronic "
            "pancreatitis.",
            id="pancreatic_calcifications",
        ),
        pytest.param(
            "ADRENALS: Calcification in the left adrenal gland, likely sequela of prior "
            "hemorrhage.",
            id="adrenal_calcification",
        ),
        pytest.param(
            "AORTA: Atherosclerotic calcification of the abdominal aorta, not aneurysmal.",
            id="aortic_calcification",
        ),
        pytest.param(
            "VESSELS: Calcified plaque in the splenic artery. Portal vein patent.",
            id="vascular_calcification",
        ),
        pytest.param(
            "Lung bases: A 4 mm calcified granuloma in the right lower lobe.",
            id="lung_granuloma_header",
        ),
        pytest.param(
            "Incidental calcified granuloma in the left lower lobe of the lung.",
            id="lung_granuloma_narrative",
        ),
        pytest.param(
            "LIVER: Air in the intrahepatic bile ducts (pneumobilia) following sphincterotomy.",
            id="pneumobilia",
        ),
        pytest.param(
            "LIVER: Linear echogenic foci with dirty shadowing along the left intrahepatic ducts, "
            "in keeping with pneumobilia.",
            id="pneumobilia_echogenic_foci",
        ),
        pytest.param(
            "Status post cholecystectomy. Surgical clips in the gallbladder fossa.",
            id="surgical_clips",
        ),
        pytest.param(
            "GALLBLADDER: Surgically absent. Echogenic clips with shadowing in the gallbladder "
            "fossa.",
            id="surgical_clips_shadowing",
        ),
        pytest.param(
            "LIVER: Small echogenic focus with comet-tail artefact in segment III.",
            id="comet_tail_artefact",
        ),
        pytest.param(
            "LIVER: Diffusely echogenic liver, consistent with hepatic steatosis.",
            id="echogenic_liver",
        ),
        pytest.param(
            "LIVER: Enlarged bright liver in keeping with fatty infiltration.", id="fatty_liver"
        ),
        pytest.param(
            "LIVER: A 1.1 cm well-defined hyperechoic lesion in segment VI without posterior "
            "acoustic shadowing, typical of a hemangioma.",
            id="hyperechoic_hemangioma_without_shadowing",
        ),
        pytest.param(
            "LIVER: A 9 mm hyperechoic hemangioma in the right lobe, unchanged.",
            id="hyperechoic_hemangioma",
        ),
        pytest.param(
            "LIVER: A 7 mm noncalcified nodule in segment VIII.", id="noncalcified_nodule"
        ),
        pytest.param(
            "Liver: Non-calcified hypodense nodule in segment III, too small to characterize.",
            id="non_calcified_nodule",
        ),
    ],
)
def test_extraction_ignores_extrahepatic_and_mimic_findings(miner: Miner, text: str) -> None:
    result = miner.mine_text(text)
    assert result.calcification is False, _counted(result)
    assert result.count_category == "none"
    assert result.max_size_mm is None
    assert result.triage == "none"


# --- 3. assertion -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "calcification", "assertion"),
    [
        pytest.param("Liver: no calcification seen.", False, "negated", id="no_calc_seen"),
        pytest.param("FINDINGS: No calcification.", False, "negated", id="findings_no_calc"),
        pytest.param("Calcification is not seen.", False, "negated", id="calc_is_not_seen"),
        pytest.param(
            "The previously described calcification in segment 3 is no longer visualized.",
            False,
            "negated",
            id="no_longer_visualized",
        ),
        pytest.param(
            "LIVER: Normal size and echotexture. No focal lesion or calcification.",
            False,
            "negated",
            id="no_lesion_or_calc",
        ),
        pytest.param(
            "LIVER: The calcified granuloma in segment VII seen on the prior CT is no longer "
            "visualized.",
            False,
            "negated",
            id="granuloma_no_longer_visualized",
        ),
        pytest.param(
            "If calcification is present, CT is advised.",
            False,
            "hypothetical",
            id="if_present_hypothetical",
        ),
        pytest.param(
            "LIVER: Should a calcified focus be confirmed, it would most likely be an old "
            "granuloma.",
            False,
            "hypothetical",
            id="should_be_confirmed_hypothetical",
        ),
        pytest.param(
            "History of hepatic calcification.", False, "historical", id="history_of_calc"
        ),
        pytest.param(
            "Known history of hepatic calcifications. LIVER: Normal size and echotexture.",
            False,
            "historical",
            id="known_history_then_normal",
        ),
        pytest.param(
            "LIVER: Stable 4 mm calcification in segment VI.", True, "present", id="stable"
        ),
        pytest.param(
            "LIVER: Unchanged calcified granuloma in the right lobe compared with 2021.",
            True,
            "present",
            id="unchanged",
        ),
        pytest.param(
            "LIVER: Likely calcified granuloma in segment VII.", True, "uncertain", id="likely"
        ),
        pytest.param(
            "LIVER: Probable calcified granuloma in the right lobe.",
            True,
            "uncertain",
            id="probable",
        ),
        pytest.param(
            "LIVER: Possible tiny calcification in the left lobe.",
            True,
            "uncertain",
            id="possible",
        ),
        pytest.param(
            "LIVER: Cannot exclude a small calcified focus in segment IV.",
            True,
            "uncertain",
            id="cannot_exclude",
        ),
        pytest.param(
            "LIVER: A punctate calcification in segment II cannot be excluded.",
            True,
            "uncertain",
            id="cannot_be_excluded",
        ),
    ],
)
def test_extraction_assertion_decides_counting(
    miner: Miner, text: str, calcification: bool, assertion: str
) -> None:
    result = miner.mine_text(text)
    assert result.findings, "the target was not found at all"
    assert [f.assertion for f in result.findings] == [assertion] * len(result.findings)
    assert [f.counted for f in result.findings] == [calcification] * len(result.findings)
    assert result.calcification is calcification


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "INDICATION: Evaluate for calcification. LIVER: Normal size and echotexture.",
            id="evaluate_for",
        ),
        pytest.param(
            "Clinical indication: ?hepatic calcification on plain film. LIVER: Unremarkable.",
            id="question_mark",
        ),
    ],
)
def test_extraction_indication_mention_is_not_counted(miner: Miner, text: str) -> None:
    result = miner.mine_text(text)
    assert result.findings, "the target was not found at all"
    assert not any(f.counted for f in result.findings)
    assert all(f.assertion != "present" for f in result.findings)
    assert result.calcification is False


# --- 4. attributes linked to the right target -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "max_size_mm"),
    [
        pytest.param(
            "LIVER: A calcified granuloma measuring 1.2 x 0.8 cm in segment VI.",
            12.0,
            id="cm_by_cm",
        ),
        pytest.param("LIVER: 12mm calcification in the right lobe.", 12.0, id="mm_no_space"),
        pytest.param(
            "Liver: coarse calcification, 1.2x0.8cm, in segment VII.", 12.0, id="cm_no_spaces"
        ),
        pytest.param(
            "LIVER: Scattered punctate calcifications up to 5 mm in the right lobe.",
            5.0,
            id="up_to",
        ),
        pytest.param(
            "LIVER: A few calcified foci measuring 3-5 mm in segment VI.", 5.0, id="range"
        ),
        pytest.param("LIVER: Calcified nodule of 1,4 cm in segment IV.", 14.0, id="decimal_comma"),
        pytest.param(
            "LIVER: Rim-calcified cyst in segment VIII measuring 4.1 x 3.6 x 3.9 cm.",
            41.0,
            id="three_dimensions",
        ),
        pytest.param(
            "LIVER: Echogenic focus with posterior acoustic shadowing in the right lobe, "
            "measuring 7 mm.",
            7.0,
            id="size_after_target",
        ),
        pytest.param(
            "LIVER: A 3.8 cm calcified cyst in segment V.", 38.0, id="calcified_cyst_own_size"
        ),
        pytest.param(
            "LIVER: The liver spans 17.5 cm and contains a 6 mm calcification in segment V.",
            6.0,
            id="not_liver_span",
        ),
        pytest.param(
            "LIVER: Calcified granuloma in segment IV; the common bile duct measures 6 mm.",
            None,
            id="not_cbd_diameter_same_sentence",
        ),
        pytest.param(
            "BILE DUCTS: CBD 7 mm, not dilated. LIVER: Calcified focus in segment VI.",
            None,
            id="not_cbd_diameter_previous_sentence",
        ),
        pytest.param(
            "The right kidney measures 10.9 cm and a calcified focus is seen in hepatic "
            "segment VI.",
            None,
            id="not_kidney_length_same_sentence",
        ),
        pytest.param(
            "KIDNEYS: Right kidney 10.8 cm, left kidney 11.2 cm. LIVER: Tiny calcification in "
            "the left lobe.",
            None,
            id="not_kidney_lengths",
        ),
        pytest.param(
            "LIVER: A 2.1 cm cyst in segment IVb and a 4 mm calcified granuloma in segment III.",
            4.0,
            id="not_other_lesion_before",
        ),
        pytest.param(
            "LIVER: A 3 mm calcification in segment II and a 1.8 cm hemangioma in segment VII.",
            3.0,
            id="not_other_lesion_after",
        ),
        pytest.param(
            "LIVER: A 4.5 cm heterogeneous mass in segment VIII with internal calcifications.",
            None,
            id="mass_with_internal_calcifications",
        ),
        pytest.param(
            "LIVER: Calcification in segment VI, now 6 mm, previously 4 mm.",
            6.0,
            id="current_not_prior_size",
        ),
    ],
)
def test_extraction_max_size_belongs_to_the_calcification(
    miner: Miner, text: str, max_size_mm: float | None
) -> None:
    result = miner.mine_text(text)
    assert result.calcification is True
    assert result.max_size_mm == max_size_mm


@pytest.mark.parametrize(
    ("text", "max_size_mm", "segments"),
    [
        pytest.param(
            "LIVER: A 2.6 cm hemangioma in segment VII and a 3 mm calcified focus in segment II.",
            3.0,
            ("II",),
            id="hemangioma_then_calcified_focus",
        ),
        pytest.param(
            "LIVER: 1.5 cm simple cyst in segment 8. Separately, a 2 mm calcification in "
            "segment 6.",
            2.0,
            ("VI",),
            id="cyst_then_calcification",
        ),
    ],
)
def test_extraction_other_lesion_attributes_are_not_linked(
    miner: Miner, text: str, max_size_mm: float, segments: tuple[str, ...]
) -> None:
    result = miner.mine_text(text)
    assert result.max_size_mm == max_size_mm
    assert result.segments == segments


@pytest.mark.parametrize(
    ("text", "count", "count_category"),
    [
        pytest.param("LIVER: A calcified focus in segment VII.", 1, "single", id="a"),
        pytest.param(
            "LIVER: Single calcification in the right lobe, 3 mm.", 1, "single", id="single"
        ),
        pytest.param(
            "LIVER: Solitary calcified granuloma in segment II.", 1, "single", id="solitary"
        ),
        pytest.param("LIVER: Two calcified granulomas in the right lobe.", 2, "multiple", id="two"),
        pytest.param(
            "LIVER: Three punctate calcifications in segment VI.", 3, "multiple", id="three"
        ),
        pytest.param(
            "LIVER: A 3 mm calcification in segment II and a 5 mm calcified granuloma in "
            "segment VI.",
            2,
            "multiple",
            id="two_separate_single_foci",
        ),
        pytest.param(
            "LIVER: An echogenic focus with posterior acoustic shadowing in segment V, "
            "consistent with a calcified granuloma.",
            1,
            "single",
            id="one_focus_two_descriptions",
        ),
        pytest.param(
            "LIVER: Several calcifications in the left lobe.", None, "multiple", id="several"
        ),
        pytest.param(
            "LIVER: Multiple punctate calcifications in the right lobe.",
            None,
            "multiple",
            id="multiple",
        ),
        pytest.param(
            "LIVER: Scattered calcified granulomata in both lobes.",
            None,
            "multiple",
            id="scattered",
        ),
        pytest.param(
            "LIVER: Innumerable tiny calcified granulomas, sequela of histoplasmosis.",
            None,
            "multiple",
            id="innumerable",
        ),
        pytest.param("LIVER: A few calcified foci in segment VI.", None, "multiple", id="few"),
        pytest.param("LIVER: Calcifications in segment VIII.", None, "multiple", id="plural"),
    ],
)
def test_extraction_count_and_category(
    miner: Miner, text: str, count: int | None, count_category: str
) -> None:
    result = miner.mine_text(text)
    assert result.calcification is True
    assert (result.count, result.count_category) == (count, count_category)


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        pytest.param("LIVER: 4 mm calcification in segment 6.", ("VI",), id="arabic"),
        pytest.param("LIVER: Calcified granuloma in segment VI.", ("VI",), id="roman"),
        pytest.param("LIVER: Calcified focus in S6, 3 mm.", ("VI",), id="s6"),
        pytest.param("Liver: calcified granuloma, seg. 7, 3 mm.", ("VII",), id="seg_dot"),
        pytest.param("LIVER: Punctate calcification in segment IVb.", ("IV",), id="ivb"),
        pytest.param(
            "LIVER: Calcified nodule in segment 4a near the falciform ligament.",
            ("IV",),
            id="4a",
        ),
        pytest.param(
            "LIVER: Two calcifications in segments 5 and 8.", ("V", "VIII"), id="segments_and"
        ),
        pytest.param(
            "LIVER: Coarse calcification at the junction of segments V/VIII.",
            ("V", "VIII"),
            id="segments_slash",
        ),
        pytest.param("LIVER: A calcified granuloma in the right lobe.", (), id="no_segment_stated"),
    ],
)
def test_extraction_couinaud_segments(miner: Miner, text: str, segments: tuple[str, ...]) -> None:
    result = miner.mine_text(text)
    assert result.calcification is True
    assert result.segments == segments


@pytest.mark.parametrize(
    ("text", "lobes"),
    [
        pytest.param("LIVER: Small calcification in the right lobe.", ("right",), id="right"),
        pytest.param(
            "LIVER: 5 mm calcified granuloma in the left hepatic lobe.", ("left",), id="left"
        ),
        pytest.param(
            "LIVER: Punctate calcification in the caudate lobe.", ("caudate",), id="caudate"
        ),
        pytest.param(
            "LIVER: Calcifications in the right and left lobes.",
            ("left", "right"),
            id="right_and_left",
        ),
        pytest.param(
            "LUNG BASES: Calcified granuloma in the right lower lobe. LIVER: Small calcification "
            "in the left lobe.",
            ("left",),
            id="not_lung_lobe",
        ),
        pytest.param("LIVER: Calcification in segment VI.", (), id="segment_only"),
    ],
)
def test_extraction_lobes(miner: Miner, text: str, lobes: tuple[str, ...]) -> None:
    result = miner.mine_text(text)
    assert result.calcification is True
    assert result.lobes == lobes


@pytest.mark.parametrize(
    ("text", "bile_duct"),
    [
        pytest.param(
            "LIVER: Several calcifications along the intrahepatic bile ducts of the left lobe.",
            True,
            id="along_intrahepatic_ducts",
        ),
        pytest.param(
            "Liver: Echogenic shadowing foci in the dilated intrahepatic ducts of the right lobe.",
            True,
            id="in_intrahepatic_ducts",
        ),
        pytest.param(
            "LIVER: Hepatolithiasis in the left lateral segment.", True, id="hepatolithiasis"
        ),
        pytest.param(
            "LIVER: Calcified granuloma in segment VI. No intrahepatic biliary dilatation.",
            False,
            id="parenchymal_no_dilatation",
        ),
        pytest.param(
            "LIVER: 3 mm calcification in segment VIII adjacent to the right hepatic vein.",
            False,
            id="parenchymal_near_vein",
        ),
    ],
)
def test_extraction_bile_duct(miner: Miner, text: str, bile_duct: bool) -> None:
    result = miner.mine_text(text)
    assert result.calcification is True
    assert result.bile_duct is bile_duct


@pytest.mark.parametrize(
    ("text", "diffuse"),
    [
        pytest.param(
            "LIVER: Diffuse calcifications throughout the liver, in keeping with prior "
            "granulomatous infection.",
            True,
            id="diffuse_throughout",
        ),
        pytest.param(
            "LIVER: Innumerable punctate calcifications scattered throughout the liver.",
            True,
            id="throughout",
        ),
        pytest.param("LIVER: Diffuse punctate hepatic calcifications.", True, id="diffuse_hepatic"),
        pytest.param("LIVER: Focal calcification in segment V.", False, id="focal"),
        pytest.param(
            "LIVER: Diffusely echogenic liver with a single 4 mm calcification in segment II.",
            False,
            id="diffuse_is_the_steatosis",
        ),
    ],
)
def test_extraction_focal_or_diffuse(miner: Miner, text: str, diffuse: bool) -> None:
    result = miner.mine_text(text)
    assert result.calcification is True
    assert result.diffuse is diffuse


# --- 5. follow-up recommendation --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "followup"),
    [
        pytest.param(
            "LIVER: 2.5 cm lesion in segment VII with coarse calcification. Contrast-enhanced CT "
            "is recommended.",
            True,
            id="ct_recommended",
        ),
        pytest.param(
            "IMPRESSION: Indeterminate hepatic lesion. Recommend MRI of the liver.",
            True,
            id="recommend_mri",
        ),
        pytest.param(
            "IMPRESSION: Intrahepatic duct stones. MRCP recommended.", True, id="mrcp_recommended"
        ),
        pytest.param(
            "IMPRESSION: Small calcified focus in segment VI. Follow-up ultrasound in 6 months.",
            True,
            id="followup_ultrasound",
        ),
        pytest.param(
            "LIVER: 1.3 cm hypoechoic lesion in segment III. Further characterization with CT "
            "is recommended.",
            True,
            id="further_characterization",
        ),
        pytest.param(
            "IMPRESSION: Dilated left intrahepatic ducts with shadowing foci. Suggest MRCP.",
            True,
            id="suggest_mrcp",
        ),
        pytest.param(
            "IMPRESSION: Calcified granuloma. If clinically indicated, MRI could be performed.",
            True,
            id="conditional",
        ),
        pytest.param(
            "IMPRESSION: Benign calcified granuloma in segment VI. No follow-up needed.",
            False,
            id="no_followup_needed",
        ),
        pytest.param(
            "IMPRESSION: Punctate hepatic calcification, benign. No further imaging is required.",
            False,
            id="no_further_imaging",
        ),
        pytest.param(
            "IMPRESSION: Stable calcified granuloma. Routine follow-up is not required.",
            False,
            id="routine_followup_not_required",
        ),
        pytest.param(
            "LIVER: 3 mm calcified granuloma in segment VI. Otherwise normal abdominal ultrasound.",
            False,
            id="no_recommendation",
        ),
        pytest.param(
            "INDICATION: Follow-up of hepatic calcification. LIVER: Stable calcified granuloma.",
            False,
            id="followup_only_in_indication",
        ),
        pytest.param(
            "LIVER: Normal. KIDNEYS: 2.3 cm complex cyst in the left kidney; follow-up renal "
            "ultrasound in 6 months is recommended.",
            True,
            id="other_organ_renal_cyst",
        ),
    ],
)
def test_extraction_followup_recommended(miner: Miner, text: str, followup: bool) -> None:
    result = miner.mine_text(text)
    assert result.followup_recommended is followup


# --- 6. triage --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "triage", "rule"),
    [
        pytest.param(
            "LIVER: Normal size and echotexture. No focal lesion.",
            "none",
            "none_no_calcification",
            id="none",
        ),
        pytest.param(
            "LIVER: Solitary 6 mm calcified granuloma in segment VI.",
            "benign",
            "benign_single_focal",
            id="benign",
        ),
        pytest.param(
            "LIVER: Multiple calcified granulomas in both lobes.",
            "workup",
            "workup_multiple",
            id="workup_multiple",
        ),
        pytest.param(
            "LIVER: Shadowing echogenic focus within a dilated left intrahepatic duct, "
            "compatible with an intrahepatic stone.",
            "workup",
            "workup_bile_duct",
            id="workup_bile_duct",
        ),
        pytest.param(
            "LIVER: Diffuse calcification throughout the liver parenchyma.",
            "workup",
            "workup_diffuse",
            id="workup_diffuse",
        ),
        pytest.param(
            "LIVER: A 4.2 cm calcified mass in segment VIII.",
            "urgent",
            "urgent_size_over_threshold",
            id="urgent",
        ),
    ],
)
def test_extraction_triage_levels(miner: Miner, text: str, triage: str, rule: str) -> None:
    result = miner.mine_text(text)
    assert result.triage == triage
    assert result.triage_rules
    assert rule in result.triage_rules


@pytest.mark.parametrize(
    ("text", "max_size_mm", "triage"),
    [
        pytest.param(
            "LIVER: A 3.0 cm calcified lesion in segment VII.", 30.0, "benign", id="30mm_benign"
        ),
        pytest.param(
            "LIVER: 31 mm calcified nodule in segment IVa.", 31.0, "urgent", id="31mm_urgent"
        ),
    ],
)
def test_extraction_triage_size_threshold(
    miner: Miner, text: str, max_size_mm: float, triage: str
) -> None:
    result = miner.mine_text(text)
    assert result.count_category == "single"
    assert result.max_size_mm == max_size_mm
    assert result.triage == triage
    assert result.triage_rules
