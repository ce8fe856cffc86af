"""Property tests of the whole pipeline (hypothesis): any text in, a consistent ReportResult out.

The real miner (session fixture of conftest.py) is fed random text over a broad alphabet,
token soups of report words and odd characters, and random assemblies of real report
sentences. Whatever the input, mining never raises and the result obeys the invariants of
GOLD_GUIDE.md; its triage level and rules follow the GOLD_GUIDE triage table, written out here
as an oracle independent of ``calcminer.nlp.mining.triage``. Mining is deterministic, a batch equals
report by report, and the prefilter changes nothing. Example counts are bounded so the file
runs in well under a minute; under CI the derandomized hypothesis profile of conftest.py makes
every run draw the same examples.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from calcminer.nlp.mining.miner import Miner
from calcminer.nlp.mining.triage import TriageConfig, triage
from calcminer.nlp.pipeline.normalize import LOBE_ORDER, ROMAN_ORDER
from calcminer.nlp.schema import Report, ReportResult

#: Hypothesis settings shared by every property: bounded examples, no per-example deadline
#: (the first example also warms spaCy up), session fixtures are fine.
BOUNDED = settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
FEWER = settings(BOUNDED, max_examples=80)

#: GOLD_GUIDE.md triage table: a counted calcification larger than this (strictly) is urgent.
GOLD_GUIDE_URGENT_SIZE_MM = 30.0

SEGMENT_NAMES: frozenset[str] = frozenset(ROMAN_ORDER)
LOBE_NAMES: frozenset[str] = frozenset(LOBE_ORDER)

# --- strategies ----------------------------------------------------------------------------------

#: Characters that have broken text pipelines: line ends, Unicode spaces, full-width digits,
#: micro and mu, combining marks, right-to-left letters and controls, zero-width characters,
#: NUL and other controls, emoji, surrogate-free astral characters.
ODD_CHARS: tuple[str, ...] = (
    "\n",
    "\r",
    "\r\n",
    "\t",
    "\x0b",
    "\x0c",
    "\x00",
    "\x1b",
    "\u0085",
    "\u00a0",
    "\u202f",
    "\u2009",
    "\u3000",
    "\u2028",
    "\u2029",
    *(chr(code) for code in range(0xFF10, 0xFF1A)),  # full-width digits
    "\uff4d",  # full-width m
    "\uff43",  # full-width c
    "\u00b5",  # micro sign
    "\u03bc",  # Greek mu
    "\u0301",  # combining acute accent
    "\u0308",  # combining diaeresis
    "\u05d0",  # Hebrew alef
    "\u0627",  # Arabic alef
    "\u202e",  # right-to-left override
    "\u200f",  # right-to-left mark
    "\u200b",  # zero-width space
    "\u200d",  # zero-width joiner
    "\ufeff",  # byte-order mark
    "\u2212",  # minus sign
    "\u2013",  # en dash
    "\u00d7",  # multiplication sign
    "\U0001f600",  # emoji
    "\U0001f468\u200d\U0001f469",  # emoji ZWJ sequence
    "\U00010348",  # astral letter
)

#: Words and fragments of liver reports, so that token soups reach every pipeline step.
REPORT_WORDS: tuple[str, ...] = (
    "LIVER:",
    "IMPRESSION:",
    "FINDINGS:",
    "SPLEEN:",
    "KIDNEYS:",
    "liver",
    "hepatic",
    "spleen",
    "kidney",
    "gallbladder",
    "calcified",
    "calcification",
    "calcifications",
    "granuloma",
    "granulomas",
    "focus",
    "foci",
    "echogenic",
    "shadowing",
    "stones",
    "intrahepatic",
    "ducts",
    "diffuse",
    "no",
    "not",
    "without",
    "possible",
    "likely",
    "multiple",
    "two",
    "three",
    "several",
    "a",
    "the",
    "in",
    "segment",
    "segments",
    "VI",
    "IVa",
    "8",
    "right",
    "left",
    "caudate",
    "lobe",
    "5",
    "12",
    "0",
    "1.2",
    "3,5",
    "x",
    "mm",
    "cm",
    "µm",
    "measuring",
    "up",
    "to",
    "recommend",
    "follow-up",
    "MRI",
    "CT",
    ".",
    ",",
    ";",
    ":",
    "-",
    "(",
    ")",
    "/",
)

#: A broad alphabet: printable ASCII, the odd characters, and any other code point.
BROAD_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),
        st.sampled_from([c for c in ODD_CHARS if len(c) == 1]),
        st.characters(exclude_categories=["Cs"]),
    ),
    max_size=300,
)

#: Multi-word phrases, so that soups hold whole targets and attributes.
REPORT_PHRASES: tuple[str, ...] = (
    "LIVER: A",
    "calcified granuloma",
    "calcified granulomas",
    "calcified foci",
    "echogenic focus with acoustic shadowing",
    "intrahepatic duct stones",
    "diffuse calcifications throughout the liver",
    "in segment VI",
    "in segments V and 8",
    "in the right lobe",
    "measuring 1.2 x 0.8 cm",
    "5 mm",
    "45 mm",
    "no calcification",
    "recommend MRI",
)

#: What goes between two soup tokens: mostly a space, else a line end or an odd character.
GAPS = st.one_of(
    st.just(" "),
    st.sampled_from((" ", "\n", "\r\n", ". ", ", ")),
    st.sampled_from(ODD_CHARS),
)

#: Report words and phrases with random gaps: reaches targets, attributes and ConText.
TOKEN_SOUP = st.lists(
    st.tuples(st.sampled_from(REPORT_WORDS + REPORT_PHRASES), GAPS),
    max_size=40,
).map(lambda pairs: "".join(word + gap for word, gap in pairs))

#: Real report sentences: liver calcifications with sizes, segments, lobes, counts, negation,
#: uncertainty, ducts and diffuse disease; other organs; headers; follow-up advice.
SENTENCE_BANK: tuple[str, ...] = (
    # liver calcifications
    "A 5 mm calcified granuloma in segment VI.",
    "There is a 12 mm calcification in the right hepatic lobe.",
    "Two calcified granulomas in segments VII and VIII, the largest measuring 8 mm.",
    "Multiple punctate calcifications are scattered throughout the liver.",
    "Several small calcified foci in the left lobe.",
    "A 4.2 cm densely calcified mass in segment IVa, suspicious for a treated metastasis.",
    "Echogenic focus with posterior acoustic shadowing in segment 6, consistent with a "
    "calcified granuloma.",
    "Rim-calcified cyst in segment V measuring 1.6 cm.",
    "A 1.2 x 0.8 cm calcification in the caudate lobe.",
    "Stable 3 mm calcified granuloma in the right lobe, unchanged since 2019.",
    "Probable calcified granuloma in segment 2.",
    "Possible tiny calcification in the left lobe.",
    "Calcifications along the intrahepatic bile ducts of the left lobe.",
    "Intrahepatic duct stones in segment III.",
    "Diffuse coarse calcifications throughout the liver parenchyma.",
    "A solitary 35 mm calcified lesion in segment VIII.",
    "Three calcified foci measuring 2, 3 and 4 mm in segment VII.",
    "Hepatic calcification, 6 mm, in segment 4b.",
    # negation, history, hypotheses
    "No hepatic calcification.",
    "No focal liver lesion or calcification is seen.",
    "The previously described calcified granuloma is no longer visualized.",
    "A calcified granuloma was noted on the prior CT.",
    "If calcification is present, CT would confirm it.",
    "No intrahepatic biliary dilatation.",
    # the liver without calcification
    "The liver is normal in size and echotexture.",
    "The liver is diffusely echogenic, consistent with fatty infiltration.",
    "A 14 mm hyperechoic lesion in segment VI without shadowing, likely a hemangioma.",
    "Pneumobilia in the left lobe.",
    # other organs
    "SPLEEN: Several calcified granulomas in the spleen, the largest 6 mm.",
    "Splenic calcification measuring 9 mm.",
    "KIDNEYS: A 7 mm non-obstructing calculus in the left kidney.",
    "Atherosclerotic calcification of the abdominal aorta.",
    "Gallbladder: cholelithiasis with a 15 mm stone, no wall thickening.",
    "A 6 mm stone in the common bile duct.",
    "Pancreatic calcifications consistent with chronic pancreatitis.",
    "Surgical clips in the gallbladder fossa.",
    # headers
    "LIVER:",
    "IMPRESSION:",
    "FINDINGS:",
    "SPLEEN:",
    "Liver:",
    "COMPARISON: Ultrasound of 2021-03-04.",
    # follow-up advice
    "Recommend follow-up ultrasound in 6 months.",
    "MRI is recommended for further characterization.",
    "No follow-up imaging is needed.",
    "Benign calcified granuloma; no further workup required.",
)

SEPARATORS: tuple[str, ...] = (" ", "\n", "\r\n")


@st.composite
def assemblies(draw: st.DrawFn, max_sentences: int = 12) -> str:
    """A report: sentences from the bank (headers included) joined by one separator."""
    sentences = draw(st.lists(st.sampled_from(SENTENCE_BANK), min_size=1, max_size=max_sentences))
    separator = draw(st.sampled_from(SEPARATORS))
    return separator.join(sentences)


# --- the GOLD_GUIDE triage table, as an oracle ----------------------------------------------------


def gold_guide_level(
    *,
    calcification: bool,
    multiple: bool,
    max_size_mm: float | None,
    bile_duct: bool,
    diffuse: bool,
) -> str:
    """The triage level of GOLD_GUIDE.md's table, row by row.

    none: no counted calcification; urgent: any counted calcification larger than 30 mm;
    workup: not urgent, and multiple, along the intrahepatic bile ducts, or diffuse; benign:
    otherwise (a single focal calcification of 30 mm or less, or of unstated size).
    """
    if not calcification:
        return "none"
    if max_size_mm is not None and max_size_mm > GOLD_GUIDE_URGENT_SIZE_MM:
        return "urgent"
    if multiple or bile_duct or diffuse:
        return "workup"
    return "benign"


def gold_guide_rules(
    *,
    calcification: bool,
    multiple: bool,
    max_size_mm: float | None,
    bile_duct: bool,
    diffuse: bool,
) -> set[str]:
    """The triage rule ids that must fire: one per table condition that holds."""
    if not calcification:
        return {"none_no_calcification"}
    fired = {
        rule
        for rule, holds in (
            (
                "urgent_size_over_threshold",
                max_size_mm is not None and max_size_mm > GOLD_GUIDE_URGENT_SIZE_MM,
            ),
            ("workup_multiple", multiple),
            ("workup_bile_duct", bile_duct),
            ("workup_diffuse", diffuse),
        )
        if holds
    }
    return fired or {"benign_single_focal"}


# --- invariants ----------------------------------------------------------------------------------


def _span_offsets(span: str) -> tuple[int, int]:
    """Offsets of a modifier span ``CATEGORY:rule_id@start-end``."""
    _, _, offsets = span.rpartition("@")
    start, _, end = offsets.partition("-")
    return int(start), int(end)


def _assert_size(value: float | None) -> None:
    assert value is None or (0 < value < math.inf), value


def assert_invariants(result: ReportResult, text: str, miner: Miner) -> None:
    """Check the invariants every mined result must satisfy, whatever the text."""
    # sizes
    _assert_size(result.max_size_mm)
    for finding in result.findings:
        _assert_size(finding.size_mm)
    # findings point into the text they were mined from
    for finding in result.findings:
        assert 0 <= finding.start_char < finding.end_char <= len(text), finding
        assert finding.text == text[finding.start_char : finding.end_char]
        for span in finding.modifier_spans:
            start, end = _span_offsets(span)
            assert 0 <= start < end <= len(text), span
        assert set(finding.segments) <= SEGMENT_NAMES
        assert set(finding.lobes) <= LOBE_NAMES
    assert [f.index for f in result.findings] == list(range(len(result.findings)))
    # count and count category
    if not result.calcification:
        assert result.count_category == "none"
        assert result.count is None
    else:
        assert result.count_category in ("single", "multiple")
        assert result.count is None or result.count >= 1
    if result.count == 1:
        assert result.count_category == "single"
    if result.count is not None and result.count >= 2:
        assert result.count_category == "multiple"
    if result.count_category == "single":
        assert result.count == 1
    # calcification follows the counted findings
    counted = [f for f in result.findings if f.counted]
    assert result.calcification == bool(counted)
    # triage follows the report fields by the GOLD_GUIDE table (the packaged thresholds are
    # the table's: test_properties_packaged_triage_config_is_the_gold_guide_table)
    fields = {
        "calcification": result.calcification,
        "multiple": result.count_category == "multiple",
        "max_size_mm": result.max_size_mm,
        "bile_duct": result.bile_duct,
        "diffuse": result.diffuse,
    }
    assert result.triage == gold_guide_level(**fields), fields
    assert set(result.triage_rules) == gold_guide_rules(**fields), fields
    assert len(set(result.triage_rules)) == len(result.triage_rules)
    assert result.triage_reason.endswith(".") and len(result.triage_reason) > 1
    if not result.calcification:
        assert result.triage == "none"
        assert result.segments == () and result.lobes == ()
        assert result.max_size_mm is None
        assert not result.bile_duct and not result.diffuse
    # normalized names
    assert set(result.segments) <= SEGMENT_NAMES
    assert set(result.lobes) <= LOBE_NAMES
    assert list(result.segments) == [s for s in ROMAN_ORDER if s in result.segments]
    assert list(result.lobes) == sorted(set(result.lobes))


def _reports(texts: list[str]) -> list[Report]:
    return [Report(report_id=f"r{i}", text=text) for i, text in enumerate(texts)]


@pytest.fixture(scope="module")
def miner_without_prefilter() -> Miner:
    """The real miner with the prefilter off (every report goes through the pipeline)."""
    return Miner(prefilter=False)


# --- the checker itself --------------------------------------------------------------------------

CHECKED_TEXT = "LIVER: Two calcified granulomas in segments VI and VII, the largest 35 mm."


@pytest.mark.parametrize(
    "corrupt",
    [
        pytest.param(lambda r: replace(r, triage="benign"), id="triage"),
        pytest.param(lambda r: replace(r, triage_rules=("workup_multiple",)), id="rules"),
        pytest.param(lambda r: replace(r, count_category="single"), id="category"),
        pytest.param(lambda r: replace(r, count=1), id="count"),
        pytest.param(lambda r: replace(r, max_size_mm=math.inf), id="infinite_size"),
        pytest.param(lambda r: replace(r, max_size_mm=0.0), id="zero_size"),
        pytest.param(lambda r: replace(r, segments=("VI", "IX")), id="segment"),
        pytest.param(lambda r: replace(r, lobes=("middle",)), id="lobe"),
        pytest.param(
            lambda r: replace(r, findings=(replace(r.findings[0], end_char=500),)), id="span"
        ),
        pytest.param(
            lambda r: replace(r, findings=(replace(r.findings[0], text="calcified"),)),
            id="finding_text",
        ),
        pytest.param(
            lambda r: replace(
                r, findings=(replace(r.findings[0], modifier_spans=("NEGATED_EXISTENCE:x@70-80",)),)
            ),
            id="modifier_span",
        ),
    ],
)
def test_properties_invariant_checker_rejects_inconsistent_results(
    miner: Miner, corrupt: Any
) -> None:
    result = miner.mine_text(CHECKED_TEXT)
    assert_invariants(result, CHECKED_TEXT, miner)
    assert result.triage == "urgent" and len(result.findings) == 1
    with pytest.raises(AssertionError):
        assert_invariants(corrupt(result), CHECKED_TEXT, miner)


# --- triage against the GOLD_GUIDE table ---------------------------------------------------------


@pytest.mark.parametrize(
    ("size_mm", "multiple", "level"),
    [
        (None, False, "benign"),
        (29.9, False, "benign"),
        (30.0, False, "benign"),
        (30.1, False, "urgent"),
        (30.0, True, "workup"),
        (30.1, True, "urgent"),
    ],
)
def test_properties_triage_oracle_boundary_30_0_vs_30_1(
    size_mm: float | None, multiple: bool, level: str
) -> None:
    """The GOLD_GUIDE boundary, for the oracle and for triage() alike: larger than 30 mm."""
    fields = {
        "calcification": True,
        "multiple": multiple,
        "max_size_mm": size_mm,
        "bile_duct": False,
        "diffuse": False,
    }
    assert gold_guide_level(**fields) == level
    assert triage(config=TriageConfig(), **fields).level == level  # type: ignore[arg-type]


def test_properties_packaged_triage_config_is_the_gold_guide_table(miner: Miner) -> None:
    config = miner.triage_config
    assert config.urgent_size_mm == GOLD_GUIDE_URGENT_SIZE_MM
    assert config.workup_if_multiple and config.workup_if_bile_duct and config.workup_if_diffuse


@settings(BOUNDED, max_examples=500)
@given(
    calcification=st.booleans(),
    multiple=st.booleans(),
    max_size_mm=st.one_of(
        st.none(),
        st.sampled_from((29.9, 29.99, 30.0, 30.01, 30.05, 30.1)),
        st.floats(min_value=0.1, max_value=500.0, allow_nan=False),
    ),
    bile_duct=st.booleans(),
    diffuse=st.booleans(),
)
@example(calcification=True, multiple=False, max_size_mm=30.0, bile_duct=False, diffuse=False)
@example(calcification=True, multiple=False, max_size_mm=30.1, bile_duct=False, diffuse=False)
@example(calcification=False, multiple=True, max_size_mm=45.0, bile_duct=True, diffuse=True)
def test_properties_triage_matches_the_gold_guide_table(
    miner: Miner,
    calcification: bool,
    multiple: bool,
    max_size_mm: float | None,
    bile_duct: bool,
    diffuse: bool,
) -> None:
    fields: dict[str, Any] = {
        "calcification": calcification,
        "multiple": multiple,
        "max_size_mm": max_size_mm,
        "bile_duct": bile_duct,
        "diffuse": diffuse,
    }
    decision = triage(config=miner.triage_config, **fields)
    assert decision.level == gold_guide_level(**fields)
    assert set(decision.rules) == gold_guide_rules(**fields)


# --- random text ---------------------------------------------------------------------------------


@BOUNDED
@given(text=BROAD_TEXT)
@example(text="")
@example(text="\x00" * 5)
@example(text="\r\n" * 50)
@example(text="LIVER: A " + "9" * 400 + " mm calcified granuloma.")  # float overflow
@example(text="LIVER: A 0 mm calcified granuloma in segment 0.")
@example(text="LIVER: A 5\u00a0mm calcified granuloma in segment \uff16.")
@example(text="LIVER:\r\rA 5 mm calcified\u0301 granuloma\u202e in segment VI.\u200b")
def test_properties_random_text_gives_a_consistent_result(miner: Miner, text: str) -> None:
    assert_invariants(miner.mine_text(text), text, miner)


@BOUNDED
@given(text=TOKEN_SOUP)
def test_properties_token_soup_gives_a_consistent_result(miner: Miner, text: str) -> None:
    assert_invariants(miner.mine_text(text), text, miner)


# --- assemblies of real sentences ----------------------------------------------------------------


@BOUNDED
@given(text=assemblies())
def test_properties_sentence_assembly_gives_a_consistent_and_repeatable_result(
    miner: Miner, text: str
) -> None:
    first = miner.mine_text(text)
    assert_invariants(first, text, miner)
    assert miner.mine_text(text) == first


@FEWER
@given(texts=st.lists(st.one_of(assemblies(max_sentences=6), TOKEN_SOUP), min_size=2, max_size=6))
def test_properties_batch_equals_one_by_one(miner: Miner, texts: list[str]) -> None:
    reports = _reports(texts)
    batch = list(miner.mine(reports))
    assert [r.report_id for r in batch] == [r.report_id for r in reports]
    single = [miner.mine_text(r.text, report_id=r.report_id) for r in reports]
    assert batch == single
    for report, result in zip(reports, batch, strict=True):
        assert_invariants(result, report.text, miner)


# --- prefilter on and off ------------------------------------------------------------------------


@BOUNDED
@given(text=st.one_of(assemblies(max_sentences=6), TOKEN_SOUP))
def test_properties_prefilter_changes_no_result(
    miner: Miner, miner_without_prefilter: Miner, text: str
) -> None:
    assert miner.mine_text(text) == miner_without_prefilter.mine_text(text)


@FEWER
@given(texts=st.lists(assemblies(max_sentences=4), min_size=2, max_size=8))
def test_properties_prefilter_changes_no_batch_result(
    miner: Miner, miner_without_prefilter: Miner, texts: list[str]
) -> None:
    reports = _reports(texts)
    assert list(miner.mine(reports)) == list(miner_without_prefilter.mine(reports))
