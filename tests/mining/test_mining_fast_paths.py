"""Guards of the miner's fast paths: each gives the same results as the path it shortcuts.

- ``Linker.fronted_opener_firsts``: the fronted-container phrases ("at the site of", "in
  the region of") are compared word by word only where a sentence opens on the first word
  of one; with the set turned off (None) every phrase is compared, as before.
- ``Reducer._may_be_run_on``: the run-on expression runs only on a text that holds one of
  its words.
- ``reduce._AnyWord``: in an ASCII line, the top-header word expression runs only where a
  word stands in the line lower-cased (no shortcut when a word could match ASCII text
  through a character such as the Kelvin sign).
- ``reduce._HeaderAtStart``: a line starting with a header and its colon, decided by a set
  lookup of what precedes the first colon (the expression where that is not ASCII).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from suite_env import DATA_DIR

import calcminer.nlp.mining.reduce as reduce_module
from calcminer.nlp.errors import CalcminerError
from calcminer.nlp.schema import Report

DATA = DATA_DIR

#: Sentences that open on a fronted-container phrase, an inside preposition, or a word that
#: starts a phrase without the rest of it.
FRONTED = [
    "LIVER: At the site of the previously treated abscess in segment VII there is now a "
    "coarse calcification.",
    "At the location of the resected cyst in segment 4 a 6 mm calcified focus is seen.",
    "In the region of the hemangioma in segment VI a central 6 mm phlebolith is present.",
    "In the area of the old hematoma in the right lobe, dense calcification.",
    "In the bed of the treated lesion in segment 8 there are two calcified foci.",
    "In the wall of the cyst in segment 2 there is rim calcification.",
    "Within the hemangioma in segment VI a central 6 mm phlebolith.",
    "At the liver dome a 4 mm calcified granuloma.",
    "In the liver there is a 5 mm calcification in segment 3.",
    "At site of the lesion in segment 5 a calcified focus.",
    "In the, region of the cyst in segment 7 coarse calcification.",
    "Liver: Within it a punctate calcification. At the site of the biopsy a 3 mm "
    "calcified granuloma in segment V.",
]


def _reports() -> list[Report]:
    reports = [Report(f"fronted-{i}", text) for i, text in enumerate(FRONTED)]
    for name in ("challenge.jsonl", "challenge2.jsonl", "sample_reports_gold.jsonl"):
        with (DATA / name).open(encoding="utf-8") as handle:
            reports += [Report(r["report_id"], r["text"]) for r in map(json.loads, handle)]
    return reports


@contextmanager
def _linker_attribute(miner: Any, name: str, value: Any) -> Iterator[None]:
    linker = miner.nlp.get_pipe("calcminer_linker").settings
    saved = getattr(linker, name)
    setattr(linker, name, value)
    try:
        yield
    finally:
        setattr(linker, name, saved)


def test_mining_fast_paths_fronted_openers_have_first_words(miner):
    linker = miner.nlp.get_pipe("calcminer_linker").settings
    assert linker.fronted_openers, "the rules hold fronted-container phrases"
    assert linker.fronted_opener_firsts == frozenset(p[0] for p in linker.fronted_openers)


def test_mining_fast_paths_fronted_opener_check_gives_the_same_results(miner):
    reports = _reports()
    fast = list(miner.mine(reports))
    with _linker_attribute(miner, "fronted_opener_firsts", None):
        slow = list(miner.mine(reports))
    assert len(fast) == len(slow) == len(reports)
    for a, b in zip(fast, slow, strict=True):
        assert a == b, a.report_id
    # The sentences above exercise the phrases: some of them lend a lesion's location.
    located = [r for r in fast[: len(FRONTED)] if r.segments]
    assert located


@pytest.mark.parametrize("text", FRONTED)
def test_mining_fast_paths_fronted_sentence_alone(miner, text):
    fast = miner.mine_text(text)
    with _linker_attribute(miner, "fronted_opener_firsts", None):
        slow = miner.mine_text(text)
    assert fast == slow


# --- the reducer's expressions -------------------------------------------------------------

_ODD = ["K", "ſ", "ı", "İ", "é", "ó", "ß", "ﬁ", "\u00a0", "Σ", "ς"]
_line_chars = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyzIMPRESSONLVEABCDFGHKU :;,.-_()[]\n\t0123456789") + _ODD
)


@pytest.fixture(scope="module")
def reducer(miner):
    return miner.reducer


def _texts_around(words: list[str]) -> st.SearchStrategy[str]:
    """Texts made of the words (in any case, sometimes with a colon or odd letters after
    them) and random characters."""
    pieces = st.one_of(
        st.sampled_from(words),
        st.sampled_from(words).map(str.upper),
        st.sampled_from(words).map(str.title),
        st.sampled_from(words).map(lambda w: w + ":"),
        st.sampled_from(words).map(lambda w: w + " :"),
        st.text(_line_chars, max_size=6),
    )
    return st.lists(pieces, max_size=8).map("".join)


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_mining_fast_paths_run_on_check_equals_the_expression(reducer, data):
    assert reducer._run_on is not None
    text = data.draw(_texts_around([*reducer._run_on_literals, "imps", "limp"]))
    assert reducer._may_be_run_on(text) == (reducer._run_on.search(text) is not None)


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_mining_fast_paths_top_words_check_equals_the_expression(reducer, data):
    words = sorted(reducer._top_words._ascii_words or ())
    assert words, "the ASCII shortcut is on for the packaged rules"
    text = data.draw(_texts_around([*words[:40], "diagnóstico", "impressão"]))
    start = data.draw(st.integers(min_value=0, max_value=len(text)))
    end = data.draw(st.integers(min_value=start, max_value=len(text)))
    expected = reducer._top_words.pattern.search(text, start, end) is not None
    assert reducer._top_words.found(text, start, end) == expected


@pytest.mark.parametrize(
    ("words", "shortcut"),
    [
        (["impression", "findings"], True),
        (["impression", "diagnóstico"], True),  # ó matches no ASCII letter
        (["impression", "\u212aidney"], False),  # the Kelvin sign matches "k"
        (["ſummary"], False),  # the long s matches "s"
    ],
)
def test_mining_fast_paths_top_words_shortcut_only_where_exact(words, shortcut):
    found = reduce_module._AnyWord(words)
    assert (found._ascii_words is not None) is shortcut
    for text in ["kidney: normal", "KIDNEY", "summary", "impression", "findings.", "x"]:
        assert found.found(text, 0, len(text)) == (
            found.pattern.search(text, 0, len(text)) is not None
        )


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_mining_fast_paths_header_at_start_equals_the_expression(reducer, data):
    for header in (reducer._top_override, reducer._organ_override):
        literals = sorted(header._lowered)
        assert literals
        line = data.draw(_texts_around(literals[:40]))
        assert header.matches(line) == (header.pattern.match(line) is not None)


def test_mining_fast_paths_header_at_start_cases():
    header = reduce_module._HeaderAtStart(["liver", "gall bladder", "kidney", ""])
    cases = {
        "LIVER: normal": True,
        "liver : normal": True,
        "liver  : normal": False,
        "Gall Bladder:": True,
        "gall  bladder:": False,
        "livers: x": False,
        ": x": True,  # the empty literal
        "\u212aIDNEY: x": True,  # not ASCII: the expression decides (Kelvin sign ~ k)
        "LİVER: x": True,  # İ matches i when case is ignored
        "liver": False,
    }
    for line, expected in cases.items():
        assert header.matches(line) is expected, line
        assert (header.pattern.match(line) is not None) is expected, line
    with pytest.raises(CalcminerError) as info:
        reduce_module._HeaderAtStart(["liver;"])
    assert info.value.code == "E903"  # the Reducer hands it only such literals
