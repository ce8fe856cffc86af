"""Neighbour-sentence cues (``calcminer.nlp.pipeline.neighbours``) and the prefilter's lend test."""

from __future__ import annotations

from typing import Any

import pytest

from calcminer.nlp.pipeline.mentions import neighbour_cues
from calcminer.nlp.pipeline.neighbours import first_words


@pytest.fixture(scope="module")
def cues(miner: Any) -> Any:
    return neighbour_cues(miner.patterns)


@pytest.mark.parametrize(
    ("tokens", "n", "expected"),
    [
        (["; ", "these", "lie", "in"], 2, ("these", "lie")),
        ([".", " ", "The", "larger"], 3, ("The", "larger")),
        (["-", "-"], 1, ()),
        (["4", "mm", "each"], 2, ("4", "mm")),
    ],
)
def test_neighbours_first_words(tokens: list[str], n: int, expected: tuple[str, ...]) -> None:
    assert first_words(tokens, 0, len(tokens), n) == expected


@pytest.mark.parametrize(
    ("words", "kind"),
    [
        (("these", "lie", "in"), "same_foci"),
        (("the", "larger", "one"), "same_foci"),
        (("similar", "lesions", "are"), "more_foci"),
        (("the", "liver", "is"), None),
        (("larg",), None),
    ],
)
def test_neighbours_continuation_kind(cues: Any, words: tuple[str, ...], kind: str | None) -> None:
    assert cues.continuation_kind(words) == kind


@pytest.mark.parametrize(
    ("text", "continued"),
    [
        ("; these lie in segments II and V", True),
        (".  The Larger one is 3 cm", True),
        (". The liver is normal", False),
        (" and these", False),
    ],
)
def test_neighbours_continuation_regex(cues: Any, text: str, continued: bool) -> None:
    assert bool(cues.continuation_regex().match(text)) is continued


@pytest.mark.parametrize(
    ("sentence", "lends"),
    [
        ("lie in hepatic segments II and V", True),
        ("one is about 3.6 x 2.9 cm", True),
        ("measures 4 cm", True),
        ("kidneys are normal", False),
        ("evaluation with contrast-enhanced imaging is advised", False),
    ],
)
def test_neighbours_prefilter_may_lend(miner: Any, sentence: str, lends: bool) -> None:
    assert miner.prefilter.may_lend(sentence) is lends


def test_neighbours_report_kept_whole_only_when_a_continuation_may_lend(miner: Any) -> None:
    text = "LIVER: Two calcified lesions. The larger one is 3.6 cm.\nKIDNEYS: normal."
    units = miner.prefilter.candidate_units(text).targets
    assert miner._continued(text, units)
    text = "LIVER: Two calcified lesions. Both kidneys are normal.\nSPLEEN: normal."
    units = miner.prefilter.candidate_units(text).targets
    assert not miner._continued(text, units)


ITEM_LINES = [
    (" - segment 3, 4 mm;", True),
    (" * segment 3", True),
    ("\u2022 S7, 2 mm", True),
    (" (a) segment 2, 5 mm;", True),
    (" (iii) segment 8", True),
    (" a) seg 3", True),
    (" 1. segment 4", True),
    (" 12) segment 4", True),
    (" ii. segment 6", True),
    (" Spleen: normal.", False),
    (" The larger one is 3 cm.", False),
    (" 2.5 cm focus in segment 6", False),
    (" (right lobe) 4 mm", False),
]


@pytest.mark.parametrize(("line", "item"), ITEM_LINES)
def test_neighbours_list_item_start(miner: Any, cues: Any, line: str, item: bool) -> None:
    """A list marker starts an item. The miner's text regex, which keeps a report whole
    when an item may follow a target's line, matches wherever the tokenized test does."""
    texts = [t.text for t in miner.nlp.make_doc(line)]
    assert cues.starts_item(texts) is item
    if item:
        assert cues.item_regex().match("\n" + line)
    elif line.lstrip()[:1].isalpha():
        assert not cues.item_regex().match("\n" + line)


@pytest.mark.parametrize(
    ("sentence", "opens"),
    [
        ("Calcified foci with acoustic shadowing:\n ", True),
        ("Calcified granuloma :", True),
        ("Calcified granuloma in segment 6.", False),
        ("Liver: calcified granuloma", False),
    ],
)
def test_neighbours_opens_list(miner: Any, cues: Any, sentence: str, opens: bool) -> None:
    assert cues.opens_list([t.text for t in miner.nlp.make_doc(sentence)]) is opens


def test_neighbours_report_kept_whole_when_a_list_follows(miner: Any) -> None:
    """The items after "foci:" hold no target, so the reduced text must not drop them."""
    text = "LIVER: Calcified foci:\n - segment 3, 4 mm\n - segment 6, 7 mm\nKIDNEYS: normal."
    units = miner.prefilter.candidate_units(text).targets
    assert miner._continued(text, units)
    text = "LIVER: Calcified foci in segment 3.\n - Kidneys: normal\n - Spleen: normal"
    units = miner.prefilter.candidate_units(text).targets
    assert not miner._continued(text, units)
