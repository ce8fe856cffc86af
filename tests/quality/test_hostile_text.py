"""Hostile and dirty report texts (issue 12): run-on lists (item 11), invisible characters
inside words (item 13).

Item 11: a report written as one long list with no sentence break must cost time about
linear in its length (the linker, ConText and the follow-up finder once compared every pair of
mentions, modifiers or targets of a sentence), and every item keeps the findings it has alone.
Item 13: soft hyphens, zero-width characters, word joiners and byte-order marks inside a word
are removed before mining, and every offset still points into the original text.
"""

from __future__ import annotations

import csv
import gc
import json
import math
import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from medspacy.context import ConText
from spacy.language import Language
from spacy.tokens import Doc, Span
from typer.testing import CliRunner

from calcminer.cli import app
from calcminer.nlp.mining.miner import Miner
from calcminer.nlp.pipeline import context_graph
from calcminer.nlp.pipeline.context import context_rule_from_dict
from calcminer.nlp.pipeline.context_graph import ReachContext, ReachGraph
from calcminer.nlp.pipeline.normalize import TextCleaner
from calcminer.nlp.rules.patterns import load_patterns
from calcminer.nlp.schema import Finding, Report

runner = CliRunner()

PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- item 11: run-on lists -------------------------------------------------------------------

#: Long lists on one line (no line break): a separator and the items cycled through ({seg}: 1-8).
LIST_SHAPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "mixed": (
        ", ",
        (
            # heads, containers, mimics, co-reference cues, echogenic foci: the linker
            "a 5 mm calcified granuloma in segment {seg}",
            "a 4 cm mass containing calcifications in segment {seg}",
            "a 6 mm focus of signal void in segment {seg}, consistent with calcification",
            "calcified focus and pneumobilia",
            "echogenic focus with posterior acoustic shadowing in segment {seg}",
            # negations and hedges before targets: ConText
            "no calcified granuloma in segment {seg}",
            "possible calcification",
            # follow-up advice: the recommendation finder
            "recommend follow-up ultrasound in 6 months",
        ),
    ),
    "numbered": (" and ", ("({n}) a 3 mm calcification in segment {seg}",)),
    # many sentences on one line: the line's topic sentence is looked for once per line
    "sentences": (". ", ("A 3 mm calcified granuloma is seen in segment {seg}",)),
}
#: Items of the shorter list in the scaling test (the longer one has four times as many).
SCALING_ITEMS = 400
#: Four times the items may take at most this many times as long. Linear growth is 4,
#: quadratic 16, cubic 64; the old linker, ConText and follow-up finder took 15 to 25 here.
MAX_TIME_RATIO_FOR_4X_ITEMS = 8.0
#: Timings per text; the shortest counts (the machine may be busy).
TIMING_REPEATS = 2
#: Measurements of the ratio; the smallest counts (a busy moment can slow one).
RATIO_ATTEMPTS = 2


def _list_report(shape: str, items: int) -> str:
    separator, templates = LIST_SHAPES[shape]
    parts = [templates[i % len(templates)].format(seg=i % 8 + 1, n=i + 1) for i in range(items)]
    return "LIVER: " + separator.join(parts) + "."


def _shortest_time(miner: Miner, text: str) -> tuple[float, int]:
    """The shortest CPU time of mining ``text``, and the number of its findings."""
    best, found = math.inf, 0
    for _ in range(TIMING_REPEATS):
        gc.collect()
        started = time.process_time()
        found = len(miner.mine_text(text).findings)
        best = min(best, time.process_time() - started)
    return best, found


@pytest.mark.parametrize("shape", sorted(LIST_SHAPES))
def test_hostile_text_item11_long_list_scales_near_linearly(miner: Miner, shape: str) -> None:
    small = _list_report(shape, SCALING_ITEMS)
    large = _list_report(shape, 4 * SCALING_ITEMS)
    ratio = math.inf
    for _ in range(RATIO_ATTEMPTS):
        (t_small, found_small), (t_large, found_large) = (
            _shortest_time(miner, small),
            _shortest_time(miner, large),
        )
        # Every item is mined: four times the items, four times the findings.
        assert found_small >= SCALING_ITEMS // 2
        assert found_large == 4 * found_small
        ratio = min(ratio, t_large / t_small)
        if ratio < MAX_TIME_RATIO_FOR_4X_ITEMS:
            break
    assert ratio < MAX_TIME_RATIO_FOR_4X_ITEMS, f"4x the items took {ratio:.1f}x the time"


#: Target words of the list items below.
ITEM_NOUNS = ("calcified granuloma", "calcification", "calcified focus", "calcified nodule")
#: One list item that says everything about its own calcification.
ITEM = st.builds(
    "a {} mm {} {}segment {}".format,
    st.integers(min_value=1, max_value=40),
    st.sampled_from(ITEM_NOUNS),
    st.sampled_from(["in ", "of ", ""]),
    st.sampled_from(["2", "5", "VI", "8", "IVa"]),
)


def _item_view(finding: Finding) -> tuple[Any, ...]:
    """What a finding says about its own item (not its co-reference group or count)."""
    return (
        finding.text,
        finding.label,
        finding.pattern_id,
        finding.organ,
        finding.assertion,
        finding.counted,
        finding.exclusion_reason,
        finding.size_mm,
        finding.segments,
        finding.lobes,
        finding.morphology,
    )


@PROPERTY
@given(items=st.lists(ITEM, min_size=2, max_size=80))
@example(
    items=[f"a {i % 40 + 1} mm {ITEM_NOUNS[i % 4]} in segment {i % 8 + 1}" for i in range(1500)]
)
def test_hostile_text_item11_long_list_gives_each_item_its_findings(
    miner: Miner, items: list[str]
) -> None:
    head = "LIVER: "
    listed = head + ", ".join(items) + "."
    alone = list(miner.mine(Report(f"r{i}", f"{head}{item}.") for i, item in enumerate(items)))
    result = miner.mine_text(listed)
    position = len(head)
    by_item: list[list[tuple[Any, ...]]] = []
    for item in items:
        inside = [f for f in result.findings if position <= f.start_char < position + len(item)]
        by_item.append([_item_view(f) for f in inside])
        position += len(item) + len(", ")
    assert by_item == [[_item_view(f) for f in r.findings] for r in alone]
    assert sum(len(found) for found in by_item) == len(result.findings)  # none lost between
    for f in result.findings:
        assert f.text == listed[f.start_char : f.end_char]


# ConText over many modifiers: the indexed graph against medspaCy's own.

#: Span group the two ConText components read in these tests.
TEST_SPAN_KEY = "hostile_text_targets"
#: Words that make targets in the random sentences.
TARGET_WORDS = ("calcification", "granuloma")
#: Other words of the random sentences (ConText rule literals are added).
FILLER_WORDS = ("liver", "segment", "5", "mm", ",", "and", "in", "the", "calcified", "lesion")


@pytest.fixture(scope="module")
def context_pair(nlp: Language) -> tuple[ConText, ReachContext, tuple[tuple[str, ...], ...]]:
    """medspaCy's ConText and ReachContext with the packaged rules, and the rules' words."""
    rules = load_patterns().context_rules
    components = []
    for cls in (ConText, ReachContext):
        component = cls(
            nlp,
            name=f"hostile_text_{cls.__name__}",
            rules=None,
            span_attrs=None,
            input_span_type="group",
            span_group_name=TEST_SPAN_KEY,
        )
        component.add([context_rule_from_dict(r) for r in rules])
        components.append(component)
    literals = tuple(
        tuple(t.text for t in nlp.make_doc(str(r["literal"]).lower()))
        for r in rules
        if "literal" in r and r.get("pattern") is None
    )
    return components[0], components[1], literals


def _graph_view(doc: Doc) -> tuple[Any, ...]:
    graph = doc._.context_graph
    modifiers = [(m.modifier_span, m.scope_span, m.category) for m in graph.modifiers]
    edges = [((t.start, t.end), m.modifier_span, m.category) for t, m in graph.edges]
    return modifiers, edges


@PROPERTY
@given(
    pieces=st.lists(
        st.one_of(
            st.sampled_from(TARGET_WORDS + FILLER_WORDS).map(lambda w: (w,)),
            st.integers(min_value=0, max_value=10_000),  # a rule literal, by index
            st.just((".",)),  # a sentence end
        ),
        min_size=1,
        max_size=150,
    )
)
def test_hostile_text_item11_reach_graph_matches_medspacy(
    nlp: Language,
    context_pair: tuple[ConText, ReachContext, tuple[tuple[str, ...], ...]],
    pieces: list[tuple[str, ...] | int],
) -> None:
    plain, reach, literals = context_pair
    words: list[str] = []
    for piece in pieces:
        words += literals[piece % len(literals)] if isinstance(piece, int) else piece
    starts: list[bool | int | None] = [i == 0 or words[i - 1] == "." for i in range(len(words))]
    views = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ReachGraph, "min_indexed_pairs", 0)  # the index even for small graphs
        patch.setattr(context_graph, "MIN_INDEXED_SCOPES", 0)
        for component in (plain, reach):
            doc = Doc(nlp.vocab, words=words, sent_starts=starts)
            doc.spans[TEST_SPAN_KEY] = [
                Span(doc, i, i + 1, label="CALCIFICATION")
                for i, word in enumerate(words)
                if word in TARGET_WORDS
            ]
            component(doc)
            views.append(_graph_view(doc))
    assert views[0] == views[1]


# --- item 13: invisible characters inside words ----------------------------------------------

#: Invisible characters that may stand inside a word in a dirty archive.
INVISIBLE = {
    "soft_hyphen": "\u00ad",
    "zero_width_space": "\u200b",
    "zero_width_non_joiner": "\u200c",
    "zero_width_joiner": "\u200d",
    "word_joiner": "\u2060",
    "byte_order_mark": "\ufeff",
}


def _extract(inputs: Sequence[Path], out: Path) -> tuple[list[dict[str, str]], ...]:
    """Run ``calcminer extract``; the report and finding rows."""
    args = ["extract", *map(str, inputs), "-o", str(out / "reports.csv")]
    args += ["--findings-out", str(out / "findings.csv"), "--workers", "1"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stdout + result.stderr
    tables = []
    for name in ("reports.csv", "findings.csv"):
        with (out / name).open(encoding="utf-8", newline="") as handle:
            tables.append(list(csv.DictReader(handle)))
    return tables[0], tables[1]


def _assert_evidence_slices(text: str, report: dict[str, str], finding: dict[str, str]) -> None:
    """The finding's and the evidence's offsets point at the words in the original text."""
    start, end = int(finding["start_char"]), int(finding["end_char"])
    assert finding["text"] == text[start:end]
    evidence = re.fullmatch(r"(.*)@(\d+)-(\d+)", report["evidence"], flags=re.DOTALL)
    assert evidence is not None
    assert (int(evidence[2]), int(evidence[3])) == (start, end)


@pytest.fixture
def in_process(monkeypatch: pytest.MonkeyPatch, miner: Miner) -> Miner:
    """Make the CLI mine with the session miner instead of building a new one."""
    monkeypatch.setattr("calcminer.nlp.commands.batch.load_miner", lambda patterns_dir=None: miner)
    return miner


@pytest.mark.parametrize("char", list(INVISIBLE.values()), ids=list(INVISIBLE))
def test_hostile_text_item13_invisible_character_inside_words_is_joined(
    tmp_path: Path, in_process: Miner, char: str
) -> None:
    text = f"LIVER: A 5 mm calci{char}fied granuloma in seg{char}ment V{char}I."
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"report_id": "r1", "text": text}) + "\n", encoding="utf-8")
    reports, findings = _extract([source], tmp_path / "out")
    row = reports[0]
    assert (row["calcification"], row["max_size_mm"], row["segments"]) == ("true", "5.0", "VI")
    assert len(findings) == 1
    assert findings[0]["text"].replace(char, "") == "calcified granuloma"
    _assert_evidence_slices(text, row, findings[0])


def test_hostile_text_item13_txt_report_from_the_issue(tmp_path: Path, in_process: Miner) -> None:
    text = "LIVER: Normal size. A calci\u00adfied granuloma in seg\u200bment V.\n"
    source = tmp_path / "report.txt"
    source.write_text(text, encoding="utf-8")
    reports, findings = _extract([source], tmp_path / "out")
    row = reports[0]
    assert (row["calcification"], row["segments"]) == ("true", "V")
    assert [f["text"] for f in findings] == ["calci\u00adfied granuloma"]
    _assert_evidence_slices(text, row, findings[0])


#: Report sentences whose words get invisible characters in the property below.
SENTENCES = (
    "LIVER: A 5 mm calcified granuloma in segment VI.",
    "No calcification in the liver.",
    "Coarse calcifications in segments II and III, the largest 12 mm.",
    "SPLEEN: Calcified granuloma.",
    "Follow-up ultrasound in 6 months is recommended.",
    "Echogenic focus with posterior acoustic shadowing in the right lobe.",
)


@PROPERTY
@given(
    sentences=st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=4),
    inserts=st.lists(
        st.tuples(st.integers(min_value=0), st.sampled_from(sorted(INVISIBLE.values()))),
        max_size=12,
    ),
)
def test_hostile_text_item13_invisible_characters_change_nothing_but_offsets(
    miner: Miner, sentences: list[str], inserts: list[tuple[int, str]]
) -> None:
    clean = " ".join(sentences)
    # Put the characters between two letters (inside words) or anywhere.
    cuts = sorted({n % (len(clean) + 1) for n, _ in inserts})
    dirty, to_dirty, k = [], [], 0
    for i in range(len(clean) + 1):
        while k < len(cuts) and cuts[k] == i:
            dirty.append(inserts[k][1])
            k += 1
        to_dirty.append(len(dirty))
        if i < len(clean):
            dirty.append(clean[i])
    text = "".join(dirty)
    want, got = miner.mine_text(clean), miner.mine_text(text)
    assert len(got.findings) == len(want.findings)
    for w, g in zip(want.findings, got.findings, strict=True):
        assert g.text == text[g.start_char : g.end_char]
        # The same words: the span may only grow by characters inserted inside it.
        assert to_dirty[w.start_char] <= g.start_char
        assert g.end_char <= to_dirty[w.end_char]
        assert re.sub("[\u00ad\u200b\u200c\u200d\u2060\ufeff]", "", g.text) == w.text
        assert _item_view(g)[1:] == _item_view(w)[1:]
    assert (got.calcification, got.count, got.segments, got.triage) == (
        want.calcification,
        want.count,
        want.segments,
        want.triage,
    )
    assert [r.modality for r in got.recommendations] == [r.modality for r in want.recommendations]
    for r in got.recommendations:
        assert r.text == text[r.start_char : r.end_char]


def test_hostile_text_item13_cleaner_removes_invisible_characters_and_maps_offsets() -> None:
    cleaner = TextCleaner(load_patterns().normalization["text_char_map"])
    raw = "calci\u00adfied seg\u200b\u2060ment calci-fied \ufeffV"
    cleaned = cleaner.clean(raw)
    assert cleaned.text == "calcified segment calci-fied V"  # a real hyphen stays
    for word in ("calcified", "segment", "calci-fied", "V"):
        start = cleaned.text.index(word)
        end = start + len(word)
        a, b = cleaned.original_offset(start), cleaned.original_offset(end, end=True)
        assert re.sub("[\u00ad\u200b\u2060\ufeff]", "", raw[a:b]) == word
        assert raw[a] == word[0] and raw[b - 1] == word[-1]  # no invisible edge
    assert cleaner.clean("plain text").removed_at == ()
