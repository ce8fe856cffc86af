"""The candidate prefilter is derived from the patterns and never changes a result."""

from __future__ import annotations

from typing import Any

import pytest
from suite_env import DATA_DIR, REPO_ROOT

from calcminer.nlp.errors import PatternError
from calcminer.nlp.mining.miner import Miner
from calcminer.nlp.mining.prefilter import Prefilter, anchor_words
from calcminer.nlp.rules.patterns import SpanRule, load_patterns
from calcminer.nlp.schema import Report

SAMPLE_DIR = REPO_ROOT / "sample_reports"
DATA = DATA_DIR


def _rule(pattern: Any) -> SpanRule:
    return SpanRule("r", "CALCIFICATION", pattern, None, "", "test")


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("gallbladder fossa", {"gallbladder"}),
        (
            [{"LOWER": "calcified", "OP": "?"}, {"LOWER": {"IN": ["focus", "foci"]}}],
            {"focus", "foci"},
        ),
        ([{"LOWER": {"IN": ["a", "an"]}}, {"LOWER": "hepatolithiasis"}], {"hepatolithiasis"}),
        ([{"ORTH": "US"}], {"us"}),
        # Words of one or two letters are whole words in most reports: another token anchors.
        (
            [{"LOWER": "f"}, {"ORTH": "/"}, {"LOWER": "u"}, {"LOWER": {"IN": ["ct", "us", "mri"]}}],
            {"f"},
        ),
        (
            [{"LOWER": {"IN": ["ct", "us", "mri"]}}, {"LOWER": {"IN": ["months", "month"]}}],
            {"months", "month"},
        ),
    ],
)
def test_prefilter_anchor_words_come_from_a_required_token(
    pattern: Any, expected: set[str]
) -> None:
    assert anchor_words([_rule(pattern)]) == expected


def test_prefilter_rule_without_literal_token_is_an_error_e015() -> None:
    with pytest.raises(PatternError) as info:
        anchor_words([_rule([{"TEXT": {"REGEX": "^calc"}}])])
    assert info.value.code == "E015"
    assert not isinstance(info.value, ValueError)  # coded, caught by its class


def test_prefilter_words_follow_the_loaded_patterns() -> None:
    prefilter = Prefilter.from_patterns(load_patterns())
    assert {"calcification", "calcified", "hepatolithiasis"} <= prefilter.target_words
    assert prefilter.may_have_target("Rim-CALCIFIED cyst")
    assert not prefilter.may_have_target("Noncalcified nodule. Normal liver.")
    assert prefilter.may_have_followup("Recommend MRI.")
    assert not prefilter.may_have_followup("Normal abdominal ultrasound.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Calcified-granuloma in segment 6.", True),
        ("LIVER:calcified focus", True),
        ("Segment 6: 4mm calcified focus", True),
        ("Noncalcified nodule. Normal liver.", False),
        ("Uncalcifiedfocus.", False),
    ],
)
def test_prefilter_alphabetic_anchors_are_whole_words(text: str, expected: bool) -> None:
    """An alphabetic anchor is found as a run of letters, whatever stands around it."""
    prefilter = Prefilter.from_patterns(load_patterns())
    assert prefilter.may_have_target(text) is expected


def test_prefilter_short_anchor_beside_digits_and_slashes() -> None:
    prefilter = Prefilter.from_patterns(load_patterns())
    assert prefilter.may_have_followup("Liver cyst. f/u us 6 mo.")
    assert not prefilter.may_have_followup("Liver cyst, unchanged from the prior US.")


@pytest.mark.slow
def test_prefilter_tables_identical_on_and_off(miner: Any, corpus_reports: list[Report]) -> None:
    from calcminer.nlp.io.tables import findings_frame, reports_frame

    reports = corpus_reports
    assert len(reports) > 1400
    off = list(Miner(prefilter=False).mine(reports))
    on = list(miner.mine(reports))
    assert miner.prefilter is not None
    assert reports_frame(on).equals(reports_frame(off))
    assert findings_frame(on).equals(findings_frame(off))
    skipped = sum(not miner.prefilter.may_have_target(r.text) for r in reports)
    assert skipped > 100  # the test exercises the skipping paths


def test_prefilter_anchor_lines_find_whole_words_per_line() -> None:
    """Only the lines holding an anchor (a whole word, or a substring when not alphabetic)
    are tested, with the same line bounds the pipeline never crosses (line break, ';')."""
    from calcminer.nlp.mining.prefilter import _anchor_lines

    text = "ct in 3mo; more ct\nnothing here\nf/u us; calcified-focus"
    lines = _anchor_lines(text, ["mo", "f/u", "calcified"])
    assert [text[a:b] for a, b in lines] == ["ct in 3mo", "f/u us", " calcified-focus"]
    assert _anchor_lines("noncalcified; uncalcified", ["calcified"]) == []


TOPIC_TEXTS = [
    "FINDINGS: The liver is normal in size and echotexture with smooth margins. The portal vein"
    " is patent with normal flow. A 5 mm calcified granuloma is seen. The spleen is normal.",
    "FINDINGS: The spleen is normal in size and echotexture with smooth margins. The portal vein"
    " is patent with normal flow. A 5 mm calcified granuloma is seen. The liver is normal.",
    "CT LIVER TRIPHASIC\nFindings: The portal vein is patent with normal flow and no thrombus at"
    " all. Densely calcified central scar measuring 3.3 cm.\nNo other finding.",
    "Liver: Calcified foci:\n - segment 3, 4 mm\n - segment 6, 7 mm\nKidneys: normal size.",
    "MRI LIVER WITH CONTRAST\nFINDINGS: A 2 cm T2-bright lesion in segment VI with nodular"
    " enhancement.\nSpleen: normal.\nIMPRESSION: Probable atypical haemangioma. Repeat MRI in 6"
    " months.",
]


@pytest.mark.parametrize("text", TOPIC_TEXTS)
def test_prefilter_reduction_keeps_what_lies_outside_the_target_sentence(
    miner: Any, text: str
) -> None:
    """A line's topic sentence, an exam title (for a target or a recommendation) and list
    items lie outside the candidate sentences; the reduced text (or the whole-text fallback)
    gives the same result."""
    report = Report("r", text)
    on = next(miner.mine([report]))
    off = next(Miner(prefilter=False).mine([report]))
    assert repr(on) == repr(off)


# A recommendation naming no organ reads the clauses before it. The reduced text keeps the piece
# before it at first when that piece (or the recommendation's own) names an organ; a Doc whose
# recommendation read further is mined again with every piece it may read.
LOOK_BACK_CASES = [
    # the piece before names an organ: one piece kept, no second pass needed
    "Findings: normal.\nImpression: 6 mm gallbladder polyp.\nRepeat ultrasound in 12 months.",
    # the piece before names none: every piece kept at once
    "Impression: Indeterminate 14 mm lesion in segment VI.\nNo other abnormality.\n"
    "Repeat ultrasound in 3 months.",
    # the piece before denies a liver finding: one piece kept, the Doc asks for the rest
    "Findings: 4 mm calcified granuloma in segment VI.\nImpression: Pancreatic cyst, 8 mm.\n"
    "No hepatic lesion.\nRepeat MRI in 12 months.",
    "Impression: Hepatic adenoma, 3 cm.\nOther: clear.\nNo liver haemorrhage.\n"
    "Follow-up MRI in 6 months.",
]


def test_prefilter_keeps_one_piece_before_a_follow_up_only_when_an_organ_is_named() -> None:
    miner = Miner()
    assert miner.prefilter is not None
    named = miner.prefilter.candidate_units(LOOK_BACK_CASES[0])
    unnamed = miner.prefilter.candidate_units(LOOK_BACK_CASES[1])
    assert not named.look_back_kept
    assert unnamed.look_back_kept
    asked = miner.prefilter.candidate_units(LOOK_BACK_CASES[0], look_back=True)
    assert asked.look_back_kept
    assert len(asked.followups) > len(named.followups)


#: Normal findings before each case, so that the reduced text is much shorter than the report
#: (a text is reduced only when that pays).
PADDING = "".join(
    f"{organ}: normal in size and appearance, no focal abnormality.\n"
    for organ in ("Spleen", "Kidneys", "Adrenals", "Bowel", "Bones", "Aorta", "Bladder")
)


@pytest.mark.parametrize("text", LOOK_BACK_CASES)
def test_prefilter_look_back_reports_identical_on_and_off(text: str) -> None:
    from calcminer.nlp.io.tables import recommendations_frame, reports_frame

    reports = [Report(report_id="r", text=PADDING + text)]
    off = list(Miner(prefilter=False).mine(reports))
    on = list(Miner().mine(reports))
    assert reports_frame(on).equals(reports_frame(off))
    assert recommendations_frame(on).equals(recommendations_frame(off))


def test_prefilter_a_sentence_that_needs_the_one_before_is_kept_when_that_one_passes_alone() -> (
    None
):
    """ "The lesion ... T2 bright with nodular ... A 4 mm signal void within it corresponds to
    the phlebolith": the phlebolith rule needs a lesion word, which the sentence before holds;
    that sentence may pass on its own (here for an echo rule's words), and both are kept."""
    text = (
        "MRI LIVER\nReport: The 2.6 cm segment VII lesion is T2 bright with nodular peripheral"
        " enhancement, consistent with a haemangioma. A 3 mm signal void within it corresponds"
        " to the phlebolith seen on CT."
    )
    miner = Miner()
    assert miner.prefilter is not None
    units = miner.prefilter.candidate_units(text).targets
    assert any("phlebolith" in text[a:b] for a, b in units)
    on = miner.mine_text(text)
    assert on == Miner(prefilter=False).mine_text(text)
    assert on.max_size_mm == 3.0
