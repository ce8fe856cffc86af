"""One fact, one place: the label table, the shared word lists and the Couinaud list."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from calcminer.nlp.errors import CalcminerError, PatternError
from calcminer.nlp.mining import prefilter
from calcminer.nlp.mining.miner import Miner
from calcminer.nlp.pipeline import neighbours, recommendations
from calcminer.nlp.pipeline.build import build_pipeline
from calcminer.nlp.pipeline.linking import attach, clean, containers
from calcminer.nlp.pipeline.normalize import ROMAN_ORDER, Normalizer
from calcminer.nlp.rules import labels
from calcminer.nlp.rules.labels import LABELS, LabelSpec, labels_where
from calcminer.nlp.rules.patterns import (
    MENTION_FILE,
    TARGET_FILE,
    WORD_LISTS_FILE,
    default_patterns_dir,
    load_patterns,
    load_word_lists,
)
from calcminer.nlp.schema import COUINAUD_SEGMENTS
from calcminer.nlp.views import plots


def _append_rule(path: Path, rule: dict[str, Any]) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(rule, ensure_ascii=False) + "\n")


# --- the label table ---------------------------------------------------------------------------


def test_labels_every_packaged_rule_label_has_a_row_and_every_row_is_used() -> None:
    patterns = load_patterns()
    used = {r.label for r in (*patterns.targets, *patterns.mentions)}
    assert used <= set(LABELS)
    assert set(LABELS) - used == set(), "a row no rule uses is a label nobody can reach"


def test_labels_no_mention_label_is_dropped_silently() -> None:
    """Every mention label is linked or is a suppressor: the linker keeps the first and reads
    the second, so a new label cannot vanish between them (the old linker dropped any label
    missing from one hand-written set)."""
    assert labels.ATTRIBUTE_LABELS | labels.SUPPRESSOR_LABELS == labels.MENTION_LABELS
    assert labels.ATTRIBUTE_LABELS.isdisjoint(labels.SUPPRESSOR_LABELS)
    assert labels.TARGET_LABELS.isdisjoint(labels.MENTION_LABELS)
    assert set(LABELS) == labels.TARGET_LABELS | labels.MENTION_LABELS


def test_labels_sets_in_other_modules_are_the_tables() -> None:
    """The modules that test labels read the derived sets; none keeps a copy of its own."""
    assert attach.PREMOD_LABELS is labels.PREMOD_LABELS
    assert clean.SUPPRESSED_BY is labels.SUPPRESSED_BY
    assert containers.LOCATION_LABELS is labels.LOCATION_LABELS
    assert prefilter.FOLLOWUP_TRIGGER_LABELS is labels.FOLLOWUP_TRIGGER_LABELS
    assert prefilter.CUE_NEEDS is labels.CUE_NEEDS
    assert recommendations.TRIGGER_LABELS is labels.FOLLOWUP_TRIGGER_LABELS
    assert recommendations.RECOMMENDATION_LABELS is labels.RECOMMENDATION_LABELS
    assert neighbours.LENT_LABELS is labels.LENT_LABELS


def test_labels_context_asserts_the_asserted_labels() -> None:
    nlp = build_pipeline()
    configured = nlp.config["components"]["calcminer_context"]["input_labels"]
    assert set(configured) == labels.ASSERTED_LABELS
    assert labels.TARGET_LABELS <= labels.ASSERTED_LABELS
    assert frozenset(nlp.get_pipe("calcminer_context").input_labels) == labels.ASSERTED_LABELS


@pytest.mark.parametrize(
    "spec",
    [
        LabelSpec("mention", suppressed_by=frozenset({"NO_SUCH_LABEL"})),
        LabelSpec("mention", suppressor=True, asserted=True),
        LabelSpec("target", valued=True),
    ],
)
def test_labels_table_contradictions_fail_at_import(
    monkeypatch: pytest.MonkeyPatch, spec: LabelSpec
) -> None:
    monkeypatch.setattr(labels, "LABELS", {**LABELS, "NEW_LABEL": spec})
    with pytest.raises(CalcminerError, match="NEW_LABEL") as caught:
        labels._check_table()
    assert caught.value.code == "E905"


def test_labels_derived_set_follows_a_changed_row(monkeypatch: pytest.MonkeyPatch) -> None:
    """A row is the one place: change it and the derived set changes with it."""
    changed = {**LABELS, "DENSITY": LabelSpec("mention", location=True)}
    monkeypatch.setattr(labels, "LABELS", changed)
    assert "DENSITY" in labels_where(lambda s: s.location)
    assert "DENSITY" not in labels.LOCATION_LABELS  # the import-time set is untouched


def test_labels_rule_with_a_label_without_a_row_fails_to_load(patterns_copy: Path) -> None:
    _append_rule(
        patterns_copy / MENTION_FILE,
        {"id": "new_label_rule", "label": "NEW_LABEL", "pattern": "brand new words"},
    )
    with pytest.raises(PatternError) as caught:
        load_patterns(patterns_copy)
    assert caught.value.code == "E005"
    assert "NEW_LABEL" in str(caught.value) and "new_label_rule" in str(caught.value)


def test_labels_valued_label_rule_without_value_fails_to_load(patterns_copy: Path) -> None:
    valued = sorted(labels.VALUED_LABELS)[0]
    _append_rule(
        patterns_copy / MENTION_FILE, {"id": "no_value", "label": valued, "pattern": "zzq"}
    )
    with pytest.raises(PatternError) as caught:
        load_patterns(patterns_copy)
    assert caught.value.code == "E007" and "no_value" in str(caught.value)


# --- shared word lists ---------------------------------------------------------------------------


def _token_lists(path: Path) -> list[list[str]]:
    """Every literal IN / NOT_IN word list of a JSONL pattern file, as written."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        pattern = json.loads(line)["pattern"]
        for token in pattern if isinstance(pattern, list) else []:
            for test in token.values():
                if isinstance(test, dict):
                    found += [v for k, v in test.items() if k in ("IN", "NOT_IN")]
    return [words for words in found if isinstance(words, list)]


def test_labels_word_lists_no_pattern_file_writes_a_shared_list_out() -> None:
    """Unit words live once, in word_lists.json: no pattern spells a unit list of its own,
    and none copies a shared list word for word."""
    shared = load_word_lists(default_patterns_dir())
    units = set(shared["size_units"])
    for name in (TARGET_FILE, MENTION_FILE):
        for words in _token_lists(default_patterns_dir() / name):
            assert not units & {"mm", "cm"} & set(words), f"{name}: a unit list {words}"
            assert tuple(words) not in set(shared.values()), f"{name}: a copy of a shared list"


def test_labels_word_lists_are_expanded_into_the_rules() -> None:
    shared = load_word_lists(default_patterns_dir())
    rules = {r.id: r for r in (*load_patterns().targets, *load_patterns().mentions)}
    raw = {}
    for name in (TARGET_FILE, MENTION_FILE):
        for line in (default_patterns_dir() / name).read_text(encoding="utf-8").splitlines():
            if line.strip() and '"@size_units"' in line:
                rule = json.loads(line)
                raw[rule["id"]] = rule
    assert raw, "some rules name the shared unit list"
    for rule_id in raw:
        pattern = rules[rule_id].pattern
        assert isinstance(pattern, list)
        lists = [v for t in pattern for d in t.values() if isinstance(d, dict) for v in d.values()]
        assert list(shared["size_units"]) in lists
        assert not any(isinstance(v, str) and v.startswith("@") for v in lists)


def test_labels_word_lists_units_are_the_unit_table() -> None:
    """One unit list: the patterns' units are the keys of unit_to_mm, and the size parser
    reads each of them with its factor."""
    patterns = load_patterns()
    unit_to_mm = patterns.normalization["unit_to_mm"]
    assert set(load_word_lists(default_patterns_dir())["size_units"]) == set(unit_to_mm)
    normalizer = Normalizer(patterns.normalization)
    for unit, factor in unit_to_mm.items():
        assert normalizer.parse_size_mm(f"4 {unit}") == round(4 * factor, 1), unit


def test_labels_word_lists_unknown_list_names_rule_and_list(patterns_copy: Path) -> None:
    pattern = [{"LOWER": {"IN": "@no_such_list"}}]
    _append_rule(
        patterns_copy / MENTION_FILE, {"id": "bad_list", "label": "SHADOW", "pattern": pattern}
    )
    with pytest.raises(PatternError) as caught:
        load_patterns(patterns_copy)
    assert caught.value.code == "E007"
    assert "bad_list" in str(caught.value) and "@no_such_list" in str(caught.value)


def test_labels_word_lists_missing_file_is_e001(patterns_copy: Path) -> None:
    (patterns_copy / WORD_LISTS_FILE).unlink()
    with pytest.raises(PatternError) as caught:
        load_patterns(patterns_copy)
    assert caught.value.code == "E001" and WORD_LISTS_FILE in str(caught.value)


def test_labels_word_lists_a_unit_added_once_is_matched_and_converted(patterns_copy: Path) -> None:
    """The point of one list: a unit added to unit_to_mm is a size for the patterns and the
    parser alike."""
    table_path = patterns_copy / "normalization.json"
    table = json.loads(table_path.read_text(encoding="utf-8"))
    table["unit_to_mm"]["zqm"] = 10.0
    table_path.write_text(json.dumps(table, ensure_ascii=False), encoding="utf-8")
    text = "LIVER: A 4 zqm calcified granuloma in segment VI."
    assert Miner(patterns_copy).mine_text(text).max_size_mm == 40.0
    assert Miner().mine_text(text).max_size_mm is None


# --- one Couinaud list -------------------------------------------------------------------------


def test_labels_couinaud_segments_are_one_list() -> None:
    assert ROMAN_ORDER is COUINAUD_SEGMENTS
    assert plots.COUINAUD_SEGMENTS is COUINAUD_SEGMENTS
    assert COUINAUD_SEGMENTS == ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")
