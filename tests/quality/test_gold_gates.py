"""The accuracy gate's machinery (tests/gold_gates.py) and the list refresh script."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from gold_gates import (
    GoldSet,
    KnownList,
    KnownMismatch,
    discovered_sets,
    gate_problems,
    gold_sets,
    measured,
    read_known,
    write_known,
)
from gold_rows import gold_row
from update_known_mismatches import refresh

from calcminer.nlp.evaluate import score

SET = GoldSet("toy", "toy.jsonl")
A = KnownMismatch.of("r1", "count", 2, 3)
B = KnownMismatch.of("r2", "segments", ["II", "VI"], ["VI"])
C = KnownMismatch.of("r3", "max_size_mm", 12.3, None)


def test_gold_gates_exact_state_passes() -> None:
    state = KnownList(10, frozenset({A, B}))
    assert gate_problems(SET, KnownList(10, frozenset({B, A})), state) == []


def test_gold_gates_new_mismatch_fails_naming_it() -> None:
    problems = gate_problems(SET, KnownList(10, frozenset({A})), KnownList(10, frozenset({A, B})))
    assert len(problems) == 1
    assert "1 new mismatch" in problems[0]
    assert 'r2 segments: expected ["II", "VI"], got ["VI"]' in problems[0]
    assert "r1" not in problems[0]


def test_gold_gates_fixed_mismatch_fails_asking_to_remove_it() -> None:
    problems = gate_problems(SET, KnownList(10, frozenset({A, C})), KnownList(10, frozenset({A})))
    assert len(problems) == 1
    assert "now fixed; remove them from" in problems[0] and "toy.json" in problems[0]
    assert "r3 max_size_mm: expected 12.3, got null" in problems[0]


def test_gold_gates_changed_value_is_both_new_and_fixed() -> None:
    other = KnownMismatch.of("r1", "count", 2, 4)
    problems = gate_problems(SET, KnownList(10, frozenset({A})), KnownList(10, frozenset({other})))
    assert len(problems) == 2
    assert "1 new mismatch" in problems[0] and "r1 count: expected 2, got 4" in problems[0]
    assert "1 listed mismatch(es) now fixed" in problems[1]
    assert "r1 count: expected 2, got 3" in problems[1]


def test_gold_gates_report_count_and_missing_list_fail() -> None:
    grown = gate_problems(SET, KnownList(10, frozenset()), KnownList(11, frozenset()))
    assert len(grown) == 1 and "has 11 reports" in grown[0] and "made on 10" in grown[0]
    missing = gate_problems(SET, None, KnownList(11, frozenset({A})))
    assert len(missing) == 1 and "no known-mismatch list" in missing[0]


def test_gold_gates_list_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "toy.json"
    state = KnownList(7, frozenset({A, B, C}))
    write_known(path, SET, state)
    assert read_known(path) == state
    data = json.loads(path.read_text(encoding="utf-8"))
    assert [m["report_id"] for m in data["mismatches"]] == ["r1", "r2", "r3"]
    assert data["mismatches"][1] == {
        "report_id": "r2",
        "field": "segments",
        "expected": ["II", "VI"],
        "got": ["VI"],
    }
    write_known(path, SET, KnownList(7, frozenset()))
    assert read_known(path) == KnownList(7, frozenset())
    assert read_known(tmp_path / "absent.json") is None
    (tmp_path / "bad.json").write_text("[]", encoding="utf-8")
    with pytest.raises(ValueError, match="not a known-mismatch list"):
        read_known(tmp_path / "bad.json")


def test_gold_gates_measured_matches_score_mismatches() -> None:
    gold = [gold_row("a", count=2), gold_row("b")]
    predicted = [gold_row("a", count=3), gold_row("b")]
    state = measured(score(gold, predicted))
    assert state == KnownList(2, frozenset({KnownMismatch.of("a", "count", 2, 3)}))


def test_gold_gates_discovers_dev_files_and_never_blind_ones(tmp_path: Path) -> None:
    folder = tmp_path / "realphrasing"
    folder.mkdir()
    for name in ("dev_a.jsonl", "dev_b.jsonl", "blind_x.jsonl", "notes.jsonl", "dev_c.txt"):
        (folder / name).write_text("", encoding="utf-8")
    sets = discovered_sets(folder, data_dir=tmp_path)
    assert [(s.name, s.relative) for s in sets] == [
        ("realphrasing_dev_a", "realphrasing/dev_a.jsonl"),
        ("realphrasing_dev_b", "realphrasing/dev_b.jsonl"),
    ]
    assert discovered_sets(tmp_path / "absent") == []
    with pytest.raises(ValueError, match="blind"):
        GoldSet("sneaky", "realphrasing/blind_x.jsonl")


def test_gold_gates_sets_have_unique_names_and_lists() -> None:
    sets = gold_sets()
    assert {"dev", "challenge", "challenge2", "sample_reports_gold"} <= {s.name for s in sets}
    for gold_set in sets:
        assert gold_set.known_path().is_file(), gold_set.name
    with pytest.raises(ValueError, match="repeat: challenge"):
        gold_sets(extra=[GoldSet("challenge", "other.jsonl")])


def test_gold_gates_refresh_writes_then_keeps_lists(tmp_path: Path, fake_miner: Any) -> None:
    gold = [
        {**gold_row("g1"), "text": "Normal liver."},
        # The fake miner calls any "calcified" text benign with a 5 mm focus in VI.
        {
            **gold_row("g2", calcification=True, count=1, count_category="single"),
            "text": "calcified",
        },
    ]
    data = tmp_path / "data"
    data.mkdir()
    (data / "toy.jsonl").write_text("".join(json.dumps(r) + "\n" for r in gold), encoding="utf-8")
    toy = GoldSet("toy", "toy.jsonl")
    known = tmp_path / "known"

    def run(check: bool = False) -> tuple[list[str], bool]:
        return refresh([toy], fake_miner, None, known_dir=known, check=check, data_dir=data)

    lines, changed = run(check=True)
    assert changed and not (known / "toy.json").exists()
    assert "would change" in lines[0]
    lines, changed = run()
    assert changed and "rewritten" in lines[0]
    listed = read_known(known / "toy.json")
    assert listed is not None and listed.n_reports == 2
    assert {(m.report_id, m.field) for m in listed.mismatches} == {
        ("g2", "max_size_mm"),
        ("g2", "segments"),
        ("g2", "triage"),
    }
    lines, changed = run(check=True)
    assert not changed and "unchanged" in lines[0]
    skipped, _ = refresh([GoldSet("d", "gold/dev.jsonl", root="shared")], fake_miner, None)
    assert "skipped, no shared folder" in skipped[0]
