"""Gated matching runs fewer patterns and finds exactly what one Matcher of all finds."""

from __future__ import annotations

import json
from typing import Any

import pytest
import spacy
from spacy.attrs import LOWER
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from suite_env import DATA_DIR

from calcminer.nlp.pipeline.build import TARGETS_PIPE, build_pipeline
from calcminer.nlp.pipeline.extensions import TARGET_SPAN_KEY
from calcminer.nlp.pipeline.factories import make_target_spans_filter
from calcminer.nlp.pipeline.gated import GatedMatcher
from calcminer.nlp.rules.patterns import load_patterns, matcher_patterns, spacy_patterns

DATA = DATA_DIR

PATTERNS: list[tuple[str, list[dict[str, Any]]]] = [
    ("calcified_focus", [{"LOWER": "calcified"}, {"LOWER": {"IN": ["focus", "foci"]}}]),
    ("optional_size", [{"LIKE_NUM": True, "OP": "?"}, {"LOWER": "mm"}]),
    ("regex_only", [{"TEXT": {"REGEX": "^S[1-8]$"}}]),
    ("star_gap", [{"LOWER": "echo"}, {"IS_ALPHA": True, "OP": "*"}, {"LOWER": "shadow"}]),
]


def _texts() -> list[str]:
    texts = [
        "A calcified focus of 5 mm in S6.",
        "Calcified foci: echo with dense posterior shadow; no mass.",
        "Echo without shadow and no calcified lesion",
        "",
        "S9 and S7 mm mm",
    ]
    for line in (DATA / "sample_reports_gold.jsonl").open():
        texts.append(json.loads(line)["text"])
    return texts


def _present(doc: Doc) -> set[int]:
    return set(doc.to_array(LOWER).tolist()) if len(doc) else set()


def test_gated_select_skips_patterns_whose_words_are_absent() -> None:
    nlp = spacy.blank("en")
    gated = GatedMatcher(nlp.vocab, PATTERNS)
    chosen = gated.select(_present(nlp.make_doc("Only 3 mm here.")))
    keys = {PATTERNS[i][0] for i in chosen}
    # The size rule needs "mm"; the regex rule names no words, so it always runs.
    assert keys == {"optional_size", "regex_only"}


def test_gated_matches_equal_one_matcher_of_all_patterns() -> None:
    nlp = spacy.blank("en")
    gated = GatedMatcher(nlp.vocab, PATTERNS, validate=True)
    full = Matcher(nlp.vocab)
    for key, pattern in PATTERNS:
        full.add(key, [pattern])
    for text in _texts():
        doc = nlp.make_doc(text)
        assert sorted(gated.matches(doc, _present(doc))) == sorted(full(doc))
        spans = gated.spans(doc[1:], set(doc.to_array(LOWER)[1:].tolist()))
        assert sorted((s.start, s.end, s.label_) for s in spans) == sorted(
            (s.start, s.end, s.label_) for s in full(doc[1:], as_spans=True)
        )


@pytest.mark.parametrize(
    "bad",
    [
        [{"LOWER": "calcified"}, {"LOWER": {"IN": "focus"}}],  # IN needs a list
        [{"LOWER": "calcified"}, {"NOT_AN_ATTR": "focus"}],
        [{"LOWER": "echo"}, {"OP": "!!"}],
        [],  # no tokens
    ],
)
def test_gated_validation_raises_what_a_validating_matcher_raises(
    bad: list[dict[str, Any]],
) -> None:
    nlp = spacy.blank("en")
    patterns = [*PATTERNS, ("bad", bad)]
    with pytest.raises(ValueError) as expected:
        matcher = Matcher(nlp.vocab, validate=True)
        for key, pattern in patterns:
            matcher.add(key, [pattern])
    with pytest.raises(ValueError) as raised:
        GatedMatcher(nlp.vocab, patterns, validate=True)
    assert type(raised.value) is type(expected.value)
    assert str(raised.value) == str(expected.value)


def test_gated_keeps_at_most_max_cached_matchers() -> None:
    nlp = spacy.blank("en")
    gated = GatedMatcher(nlp.vocab, PATTERNS, max_cached=2)
    for text in ("calcified focus", "3 mm", "echo shadow", "calcified foci 3 mm"):
        doc = nlp.make_doc(text)
        gated.matches(doc, _present(doc))
    assert len(gated._matchers) == 2


def test_gated_target_ruler_spans_equal_a_span_ruler_with_the_same_rules() -> None:
    """The target ruler gives what spaCy's SpanRuler gave with the same patterns and filter."""
    patterns = load_patterns(None)
    nlp = build_pipeline()
    reference = spacy.blank("en")
    ruler = reference.add_pipe(
        "span_ruler",
        config={"spans_key": TARGET_SPAN_KEY, "phrase_matcher_attr": "LOWER"},
    )
    ruler.add_patterns(spacy_patterns(patterns.targets))  # type: ignore[attr-defined]
    keep = make_target_spans_filter(list(patterns.normalization["predicate_targets"]["rule_ids"]))
    targets = nlp.get_pipe(TARGETS_PIPE)
    found_any = False
    for text in _texts():
        doc, ref_doc = targets(nlp.make_doc(text)), reference(text)
        ours = doc.spans[TARGET_SPAN_KEY]
        theirs: list[Span] = keep([], ref_doc.spans[TARGET_SPAN_KEY])
        assert [(s.start, s.end, s.label_, s.id_) for s in ours] == [
            (s.start, s.end, s.label_, s.id_) for s in theirs
        ]
        found_any = found_any or bool(ours)
    assert found_any


def test_gated_matcher_patterns_of_every_target_rule_are_gated() -> None:
    """Every target pattern names the words it needs, so none runs on every text."""
    nlp = spacy.blank("en")
    patterns = load_patterns(None)
    token = [(r.id, p) for r in patterns.targets for p in matcher_patterns(r.pattern)]
    gated = GatedMatcher(nlp.vocab, token)  # type: ignore[arg-type]
    assert gated.select(set()) == frozenset()
