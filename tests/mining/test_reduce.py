"""Reduced texts, sentence cuts and the ConText gate: shortcuts that never change a result."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from suite_env import DATA_DIR, REPO_ROOT

from calcminer.nlp.errors import CalcminerError
from calcminer.nlp.mining.miner import Miner
from calcminer.nlp.mining.reduce import PLACEHOLDER, Reducer, Reduction
from calcminer.nlp.schema import Report

SAMPLE_DIR = REPO_ROOT / "sample_reports"
DATA = DATA_DIR


@pytest.fixture(scope="module")
def unreduced() -> Miner:
    """The same miner with the prefilter but without reduced texts."""
    return Miner(reduce=False)


@pytest.fixture(scope="module")
def unfiltered() -> Miner:
    """The same miner without the prefilter (every report through the whole pipeline)."""
    return Miner(prefilter=False)


def _reduce(miner: Miner, text: str) -> Reduction | None:
    assert miner.prefilter is not None
    units = miner.prefilter.candidate_units(text)
    return miner.reducer.reduce(text, units.targets + units.followups)


# --- the offset map --------------------------------------------------------------------------


def test_reduce_reduction_maps_offsets_back_to_the_original() -> None:
    text = "HISTORY: pain.\nSPLEEN: normal.\nLIVER: A 5 mm calcified granuloma.\nKIDNEYS: ok."
    start = text.index("A 5 mm")
    reduction = Reducer(max_kept_share=1.0).reduce(text, [(start - 7, text.index("\nKID"))])
    assert reduction is not None
    found = reduction.text.index("calcified")
    assert text[reduction.original_offset(found) :].startswith("calcified granuloma")
    end = found + len("calcified granuloma")
    assert reduction.original_offset(end, end=True) == text.index(" granuloma.") + len(" granuloma")
    with pytest.raises(CalcminerError) as info:
        reduction.original_offset(reduction.text.index(PLACEHOLDER))
    assert info.value.code == "E016"


def test_reduce_reducer_keeps_needed_pieces_headers_and_line_structure() -> None:
    text = (
        "EXAM: Abdominal ultrasound.\n"
        "\n"
        "Liver:Normal echotexture.\n"
        "The spleen is normal; no stones.\n"
        "IMPRESSION: A calcified granuloma in segment VI.\n"
        "Kidneys: normal."
    )
    start = text.index("A calcified")
    reduction = Reducer(max_kept_share=1.0).reduce(text, [(start, text.index("\nKidneys"))])
    assert reduction is not None
    assert reduction.text == (
        "EXAM: xx.\n"  # up to the last colon, the rest one placeholder with its period
        "\n"  # blank lines stay
        "Liver:Normal echotexture.\n"  # no cut inside "Liver:Normal"
        "xx; xx.\n"  # one placeholder per piece, separators kept
        "IMPRESSION: A calcified granuloma in segment VI.\n"  # nothing after the last piece
    )


def test_reduce_reducer_drops_header_lines_an_organ_header_overrides(miner: Miner) -> None:
    text = (
        "FINDINGS:\n"
        "GALLBLADDER: Normal.\n"
        "PANCREAS: Normal.\n"
        "SPLEEN: Normal.\n"
        "LIVER: A 5 mm calcified granuloma in segment VI.\n"
    )
    reduction = _reduce(miner, text)
    assert reduction is not None
    # FINDINGS (a top header) sets the part the organ header returns to: it stays.
    assert reduction.text == "FINDINGS:\nLIVER: A 5 mm calcified granuloma in segment VI.\n"


def test_reduce_reducer_keeps_lines_that_do_not_end_in_a_line_break(miner: Miner) -> None:
    # The piece after ";" is not a whole line: dropping it would join two lines.
    text = (
        "INDICATION: Evaluate for calcification; density on a radiograph.\n"
        "FINDINGS:\nSPLEEN: normal.\nLIVER: No hepatic calcification.\n"
    )
    reduction = _reduce(miner, text)
    assert reduction is not None
    assert "; xx.\nFINDINGS:" in reduction.text
    assert miner.mine_text(text) == Miner(prefilter=False).mine_text(text)


def test_reduce_reducer_declines_when_it_would_keep_most_of_the_text() -> None:
    text = "A 5 mm calcified granuloma in segment VI."
    assert Reducer().reduce(text, [(0, len(text))]) is None


def test_reduce_reducer_declines_a_text_with_a_run_on_header(miner: Miner) -> None:
    """A colonless lower-case header ("... ub normal impression ...") rests on the words
    around it, which a placeholder would replace, so such a text is mined whole."""
    text = (
        "usg abdomen\nliver normal a calcified focus 6 mm in seg 3\ngb normal\nspleen normal\n"
        "kidneys normal\nub normal\nimpression fatty liver\ncalcified granuloma left lobe\n"
    )
    needed = [
        (text.index("liver normal"), text.index("\ngb")),
        (text.index("calcified g"), len(text) - 1),
    ]
    assert Reducer(max_kept_share=1.0).reduce(text, needed) is not None
    assert miner.reducer.reduce(text, needed) is None
    finding = miner.mine_text(text).findings[-1]
    assert (finding.text, finding.section) == ("calcified granuloma", "impression")


# --- sentence cuts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cut_before"),
    [
        ("The spleen is normal. Calcified granuloma in segment VI.", ["Calcified"]),
        ("Seen by Dr. Calcified granuloma.", []),  # an abbreviation of the splitter
        ("Lesion in segment V. Calcified granuloma.", []),  # "V." is one token
        ("The spleen is normal.  Calcified granuloma.", []),  # two spaces: no split
        ("The spleen is normal. calcified granuloma.", []),  # no capital
        ("Approx. Calcified granuloma.", []),
        ("It cannot. Calcified granuloma.", ["Calcified"]),
    ],
)
def test_reduce_sentence_cuts_only_where_the_splitter_surely_splits(
    miner: Miner, text: str, cut_before: list[str]
) -> None:
    assert miner.prefilter is not None
    cuts = miner.prefilter.sentence_cuts(text, 0, len(text))
    assert cuts == [text.index(word) for word in cut_before]


def test_reduce_candidate_units_keep_only_candidate_sentences(miner: Miner) -> None:
    assert miner.prefilter is not None
    text = (
        "The liver is normal. The pancreas is obscured by bowel gas. "
        "The spleen holds a calcified granuloma. Kidneys normal."
    )
    units = miner.prefilter.candidate_units(text)
    assert [text[a:b] for a, b in units.targets] == ["The spleen holds a calcified granuloma. "]
    assert units.followups == ()


def test_reduce_a_focus_and_its_shadow_in_the_next_sentence_are_both_kept(miner: Miner) -> None:
    assert miner.prefilter is not None
    text = "Liver normal. Two echogenic foci in the right lobe. They cast acoustic shadows. Spleen."
    units = miner.prefilter.candidate_units(text)
    assert [text[a:b] for a, b in units.targets] == [
        "Two echogenic foci in the right lobe. ",
        "They cast acoustic shadows. ",
    ]


def test_reduce_a_line_with_target_words_but_no_target_sentence_skips_the_pipeline(
    miner: Miner,
) -> None:
    assert miner.prefilter is not None
    # An echogenic focus and shadowing pass the line test but sit in different sentences.
    text = "The liver has an echogenic focus. The gallbladder shows posterior acoustic shadowing."
    assert miner.prefilter.target_lines(text)
    assert miner.prefilter.candidate_units(text).targets == ()


# --- results never change --------------------------------------------------------------------


TRICKY = [
    # an excluded header alone on its line lasts until a blank line
    "HISTORY:\nprior granuloma.\nA 5 mm calcified granuloma in segment VI.\n\n"
    "LIVER: A 4 mm calcified granuloma in segment II.",
    # mid-line excluded header: until the sentence ends
    "Normal study. History: calcified granuloma. A 5 mm calcification in segment VI.",
    # a bare lobe: the liver's unless lungs or a thyroid are named
    "LUNGS: clear.\nThere is a 6 mm calcification in the right lobe.",
    "CHEST: The lungs are clear. A calcified granuloma in the right upper lobe.",
    "The liver is normal. The lungs are clear. Calcification in the right lobe, 4 mm.",
    # list headers and a top header after organ headers
    "PANCREAS, SPLEEN: normal.\nLIVER: normal.\nIMPRESSION:\nA 5 mm calcified granuloma.",
    # a prior size in the sentence before
    "Previously 8 mm. A 5 mm calcified granuloma in segment VI.",
    # follow-up advice without a target, and with one
    "Kidneys normal.\nRecommend follow-up ultrasound in 6 months.",
    "A 4 cm calcified mass in segment VIII. MRI is recommended.",
    # double spaces and abbreviations around a target sentence
    "Seen by Dr. Smith.  A calcified granuloma in segment VI.  Approx. 4 mm.",
    # a recommendation that names no organ: the clause before it places it
    "LIVER: normal.\nSPLEEN: normal.\nConclusion: Probable haemangioma in segment VI.\n"
    "Suggestion: follow-up sonography in 6 months.",
    "Kidneys normal.\n2. 5 mm gallbladder polyp; repeat ultrasound in 12 months suggested.",
    # the shadow of an echogenic focus in the next sentence of its line
    "Liver normal. Two small echogenic foci in segment V. They cast posterior acoustic shadows."
    " Kidneys normal.",
    "The liver has an echogenic focus. The gallbladder shows posterior acoustic shadowing.",
    # a capital that lower-cases to two characters (Turkish dotted I) before the targets
    "ÜST BATIN ULTRASONOGRAFİSİ\nNormal pancreas.\nLiver: a 5 mm calcified granuloma in segment 7."
    "\nSONUÇ / RESULT:\nCalcified granuloma in segment 7.",
    # a bullet before a continuing sentence
    "* Liver: solitary calcified lesion, segment VII\n  - Largest dimension: 32 mm\n* CBD: 4 mm",
    "us abd  calcification seg 6 liver 4 cm  gb normal  kidneys normal  rec ct abd",
]


@pytest.mark.parametrize("text", TRICKY)
def test_reduce_reduced_results_equal_whole_text_results(
    miner: Miner, unreduced: Miner, unfiltered: Miner, text: str
) -> None:
    expected = unfiltered.mine_text(text)
    assert unreduced.mine_text(text) == expected
    assert miner.mine_text(text) == expected


def test_reduce_lobe_sensitive_report_is_mined_whole(miner: Miner, unfiltered: Miner) -> None:
    text = (
        "LUNGS: The lungs are clear.\nSPLEEN: normal.\n"
        "There is a 6 mm calcification in the right lobe."
    )
    reduction = _reduce(miner, text)
    assert reduction is not None and "lungs" not in reduction.text.lower()
    result = miner.mine_text(text)
    assert result == unfiltered.mine_text(text)
    assert result.findings[0].organ != "liver"  # the right lobe of a lung


HEADER_LINES = [
    "LIVER:",
    "Liver:",
    "SPLEEN:",
    "PANCREAS, SPLEEN:",
    "FINDINGS:",
    "IMPRESSION:",
    "INDICATION:",
    "HISTORY:",
    "Comparison:",
    "CLINICAL HISTORY:",
    "LUNG BASES:",
    "GALLBLADDER:",
]
SENTENCES = [
    "A 5 mm calcified granuloma in segment VI.",
    "No hepatic calcification.",
    "Several punctate calcified granulomas.",
    "There is a 6 mm calcification in the right lobe.",
    "Atherosclerotic calcification of the aorta.",
    "The liver is normal in size.",
    "The lungs are clear.",
    "Normal.",
    "Seen by Dr. Smith.",
    "Approx. 4 mm.",
    "Recommend follow-up ultrasound in 6 months.",
    "A calcified stone in a dilated intrahepatic duct.",
    "Previously 8 mm.",
    "may represent a calcified granuloma.",
    "Probable haemangioma in segment III.",
    "Suggestion: follow-up sonography in 6 months.",
    "5 mm gallbladder polyp; repeat ultrasound in 12 months suggested.",
    "Recommendation: contrast CT.",
    "MRI if clinically required.",
    "no further imaging needed.",
    "Follow-up CT shows no change.",
]
JOINS = ["\n", "\n\n", " ", "  ", "; ", "\n  ", "\t", " \n"]


@st.composite
def structured_reports(draw: st.DrawFn) -> str:
    """Reports of header lines and sentences with mixed separators (what the reducer cuts)."""
    parts = draw(st.lists(st.sampled_from(HEADER_LINES + SENTENCES * 2), min_size=1, max_size=14))
    text = parts[0]
    for part in parts[1:]:
        text += draw(st.sampled_from(JOINS)) + part
    return text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=structured_reports())
def test_reduce_reduction_never_changes_a_result(
    miner: Miner, unfiltered: Miner, text: str
) -> None:
    assert miner.mine_text(text) == unfiltered.mine_text(text)


def test_reduce_context_gate_changes_no_edge(miner: Miner, corpus_reports: list[Report]) -> None:
    ungated = Miner()
    ungated.nlp.get_pipe("calcminer_context").gate.always = True  # type: ignore[attr-defined]
    assert miner.prefilter is not None
    # The reports where ConText runs at all: a possible target or follow-up advice.
    reports = [
        r
        for r in corpus_reports
        if miner.prefilter.candidate_units(r.text).targets
        or miner.prefilter.candidate_units(r.text).followups
    ]
    assert len(reports) > 300
    gate = miner.nlp.get_pipe("calcminer_context").gate  # type: ignore[attr-defined]
    skipped = 0
    for report in reports:
        doc = miner.nlp(report.text)
        assert doc._.calcminer_context_edges == ungated.nlp(report.text)._.calcminer_context_edges
        skipped += not gate.may_match(doc.to_array("LOWER").tolist())
    assert skipped > 0  # the gate does skip sentences (whole reports here)


def test_reduce_context_gate_reads_literals_and_token_patterns(miner: Miner) -> None:
    gate: Any = miner.nlp.get_pipe("calcminer_context").gate  # type: ignore[attr-defined]

    def lowers(text: str) -> list[int]:
        return miner.nlp.make_doc(text).to_array("LOWER").tolist()

    assert gate.may_match(lowers("There is no calcification."))  # a literal
    assert gate.may_match(lowers("A calcification cannot be excluded."))  # a token pattern
    assert not gate.may_match(lowers("A 5 mm calcified granuloma in segment VI."))
