"""Findings per target and their aggregation into report fields (counting without doubles)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.parametrize(
    ("text", "count", "category"),
    [
        # The impression repeats the finding: still one.
        (
            "LIVER: A 5 mm calcified focus in S6.\nIMPRESSION: Calcified focus in segment 6.",
            1,
            "single",
        ),
        # Two sentences, two foci.
        (
            "LIVER: A 5 mm calcification in segment VI. A new 6 mm calcification in segment III.",
            2,
            "multiple",
        ),
        # A definite mention refers back.
        (
            "LIVER: A calcified granuloma in segment 6. The calcified granuloma is unchanged.",
            1,
            "single",
        ),
        # "... and another": one more.
        (
            "LIVER: A 2 mm calcified focus in segment 4A and another, 3 mm, in segment V.",
            2,
            "multiple",
        ),
        # Two descriptions of the same focus in one sentence.
        (
            "LIVER: An echogenic focus with shadowing in segment 7, "
            "probably a calcified granuloma.",
            1,
            "single",
        ),
        # A plural shared with another organ says nothing about the liver's count.
        (
            "LIVER: A 4 mm calcified granuloma in segment III.\n"
            "IMPRESSION: Stable hepatic and pulmonary calcified granulomas.",
            1,
            "single",
        ),
        # Quantifiers: multiple, count unknown.
        ("LIVER: Several punctate calcifications in the right lobe.", None, "multiple"),
        ("LIVER: Normal. No calcification.", None, "none"),
        # An anaphoric sentence re-describes.
        (
            "A 5.5 cm calcification appears to lie within the liver. "
            "This may be a calcified hepatic cyst.",
            1,
            "single",
        ),
    ],
)
def test_findings_report_count(miner: Any, text: str, count: int | None, category: str) -> None:
    result = miner.mine_text(text)
    assert (result.count, result.count_category) == (count, category)


def test_findings_excluded_targets_are_kept_with_reason(miner: Any) -> None:
    text = (
        "LIVER: No calcification.\nSPLEEN: Two calcified granulomas.\n"
        "GALLBLADDER: Echogenic foci with shadowing represent surgical clips."
    )
    result = miner.mine_text(text)
    assert not result.calcification
    reasons = {f.text: f.exclusion_reason for f in result.findings}
    assert reasons == {
        "calcification": "negated",
        "calcified granulomas": "organ_spleen",
        "Echogenic foci with shadowing": "mimic_surgical_clip",
    }
    assert all(not f.counted for f in result.findings)


def test_findings_spans_point_into_the_text(miner: Any) -> None:
    text = "US ABDOMEN\nLIVER: A 1.2 x 0.8 cm coarse calcification in segment IVb.\n"
    result = miner.mine_text(text, report_id="r9")
    (finding,) = result.findings
    assert text[finding.start_char : finding.end_char] == finding.text == "calcification"
    assert finding.report_id == "r9"
    assert finding.pattern_id == "calc_noun"
    assert finding.section == "liver"
    assert finding.morphology == ("coarse",)
    assert result.evidence == f"calcification@{finding.start_char}-{finding.end_char}"


def test_findings_mass_containing_calcifications_lends_location_not_size(miner: Any) -> None:
    text = (
        "LIVER: In segment VIII there is a 4.0 cm hypoechoic mass containing coarse calcifications."
    )
    result = miner.mine_text(text)
    assert result.calcification
    assert result.max_size_mm is None
    assert result.segments == ("VIII",)


def test_findings_rim_calcified_cyst_gives_its_size(miner: Any) -> None:
    text = "LIVER: A 3.8 cm cyst with thick eggshell calcification of its wall in segment VIII."
    result = miner.mine_text(text)
    assert (result.max_size_mm, result.triage) == (38.0, "urgent")


def test_findings_prior_size_is_not_the_current_size(miner: Any) -> None:
    text = "LIVER: A calcified lesion in segment 7 has decreased from 3.4 cm to 2.6 cm."
    assert miner.mine_text(text).max_size_mm == 26.0


def test_findings_followup_modalities(miner: Any) -> None:
    result = miner.mine_text("IMPRESSION: 4 cm calcified mass. Recommend MRI or CT.")
    assert result.followup_recommended
    assert result.followup_modalities == ("CT", "MRI")


def test_findings_triage_rules_and_reason(miner: Any) -> None:
    result = miner.mine_text("LIVER: Calcifications along the intrahepatic bile ducts, up to 4 mm.")
    assert result.triage == "workup"
    assert set(result.triage_rules) == {"workup_multiple", "workup_bile_duct"}
    assert "bile ducts" in result.triage_reason


@pytest.mark.parametrize(
    ("text", "size", "segments"),
    [
        ("LIVER: Calcification in the liver measuring 12 mm x 10 mm.", 12.0, ()),
        ("LIVER: 3 cm mass in segment 4 with peripheral calcification.", None, ("IV",)),
        ("LIVER: A 2 cm calcified lesion in segment 5, previously 1.5 cm.", 20.0, ("V",)),
    ],
)
def test_findings_size_and_location_of_the_right_structure(
    miner: Any, text: str, size: float | None, segments: tuple[str, ...]
) -> None:
    result = miner.mine_text(text)
    assert result.calcification
    assert (result.max_size_mm, result.segments) == (size, segments)
