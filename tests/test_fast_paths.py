"""Guards of the miner's fast paths: each gives the same results as the path it shortcuts.

- ``Linker.fronted_opener_firsts``: the fronted-container phrases ("at the site of", "in
  the region of") are compared word by word only where a sentence opens on the first word
  of one; with the set turned off (None) every phrase is compared, as before.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from calcminer.nlp.schema import Report

DATA = Path(__file__).parent / "data"

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
    linker = miner.nlp.get_pipe("calcminer_linker")
    saved = getattr(linker, name)
    setattr(linker, name, value)
    try:
        yield
    finally:
        setattr(linker, name, saved)


def test_fast_paths_fronted_openers_have_first_words(miner):
    linker = miner.nlp.get_pipe("calcminer_linker")
    assert linker.fronted_openers, "the rules hold fronted-container phrases"
    assert linker.fronted_opener_firsts == frozenset(p[0] for p in linker.fronted_openers)


def test_fast_paths_fronted_opener_check_gives_the_same_results(miner):
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
def test_fast_paths_fronted_sentence_alone(miner, text):
    fast = miner.mine_text(text)
    with _linker_attribute(miner, "fronted_opener_firsts", None):
        slow = miner.mine_text(text)
    assert fast == slow
