"""Accuracy on annotated reports, and false positives on real public report text.

The gold sets are scored with ``calcminer.nlp.evaluate`` (the code behind ``calcminer
evaluate``) and gated at their measured level: each set's mismatches must be exactly the ones
listed in ``tests/data/known_mismatches/<set>.json`` (see ``tests/gold_gates.py``). A new
mismatch fails the gate, and so does a listed one that is fixed, so the lists only shrink
unless someone refreshes them on purpose (``python tests/update_known_mismatches.py``).

Every set here is a regression set: the development gold, ``challenge.jsonl`` and
``challenge2.jsonl`` (each written independently of the dev set, but the code was then fixed
against them) and the demo reports' annotation. Only a set the code was never fixed against is
blind, and the suite never reads one (``tests/data/realphrasing/blind*``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from gold_gates import GoldSet, gate_problems, gold_sets, measured, read_known
from suite_env import DATA_DIR, REPO_ROOT

from calcminer.nlp.evaluate import EvaluationResult, evaluate, read_gold
from calcminer.nlp.schema import GOLD_FIELDS, Report

DATA = DATA_DIR
SAMPLE_DIR = REPO_ROOT / "sample_reports"
REALDATA_FILES = (
    "iu_cxr_calcification_subset.jsonl",
    "mtsamples_gi_abdominal.jsonl",
    "mtsamples_radiology.jsonl",
)
#: Real reports that do describe a liver calcification (read and checked by hand; see
#: ../shared/realdata/SOURCES.md): a chest X-ray calcified hepatic cyst and a CT granuloma.
REALDATA_LIVER_CALCIFICATIONS = frozenset({"iu-3490", "mts-1411"})
GOLD_SETS = gold_sets()


@pytest.fixture(scope="session")
def gold_evaluations() -> dict[str, EvaluationResult]:
    """Evaluations of the gold sets, made once per session and shared by the gates."""
    return {}


def _evaluation(
    gold_set: GoldSet,
    miner: Any,
    request: pytest.FixtureRequest,
    cache: dict[str, EvaluationResult],
) -> EvaluationResult:
    if gold_set.name not in cache:
        # Only the sets under the shared folder need it (and skip or fail without it).
        shared = request.getfixturevalue("shared_dir") if gold_set.root == "shared" else None
        cache[gold_set.name] = evaluate(gold_set.path(shared), miner=miner)
    return cache[gold_set.name]


@pytest.mark.slow
@pytest.mark.parametrize("gold_set", GOLD_SETS, ids=[s.name for s in GOLD_SETS])
def test_accuracy_gold_set_has_exactly_the_known_mismatches(
    gold_set: GoldSet,
    miner: Any,
    request: pytest.FixtureRequest,
    gold_evaluations: dict[str, EvaluationResult],
) -> None:
    result = _evaluation(gold_set, miner, request, gold_evaluations)
    assert set(GOLD_FIELDS) <= set(result.field_accuracy)
    problems = gate_problems(gold_set, read_known(gold_set.known_path()), measured(result))
    assert not problems, "\n".join(problems)


@pytest.mark.slow
@pytest.mark.parametrize("gold_set", GOLD_SETS, ids=[s.name for s in GOLD_SETS])
def test_accuracy_gold_set_misses_no_urgent(
    gold_set: GoldSet,
    miner: Any,
    request: pytest.FixtureRequest,
    gold_evaluations: dict[str, EvaluationResult],
) -> None:
    """No listed mismatch may hide a missed urgent report."""
    result = _evaluation(gold_set, miner, request, gold_evaluations)
    assert result.missed_urgent == 0, [
        m.report_id for m in result.mismatches if m.field == "triage" and m.gold == "urgent"
    ]


def test_accuracy_sample_reports_golden(miner: Any) -> None:
    """Every field of every demo report matches its independent annotation."""
    gold = read_gold(DATA / "sample_reports_gold.jsonl")
    files = sorted(SAMPLE_DIR.glob("*.txt"))
    assert [p.stem for p in files] == sorted(row["report_id"] for row in gold)
    assert len(files) >= 30
    by_id = {row["report_id"]: row for row in gold}
    reports = [Report(p.stem, p.read_text(encoding="utf-8")) for p in files]
    wrong = []
    for result in miner.mine(reports):
        expected = by_id[result.report_id]
        for field in GOLD_FIELDS:
            got = getattr(result, field)
            got = list(got) if isinstance(got, tuple) else got
            if got != expected[field]:
                wrong.append((result.report_id, field, expected[field], got))
    assert not wrong
    levels = {row["triage"] for row in gold}
    assert levels == {"none", "benign", "workup", "urgent"}


@pytest.mark.slow
def test_accuracy_realdata_positives_are_true_liver_calcifications(
    shared_dir: Path, miner: Any
) -> None:
    reports = []
    for name in REALDATA_FILES:
        with (shared_dir / "realdata" / name).open(encoding="utf-8") as f:
            reports.extend(Report(row["id"], row["text"]) for row in map(json.loads, f))
    assert len(reports) == 1191
    positives = {r.report_id for r in miner.mine(reports) if r.calcification}
    assert positives == REALDATA_LIVER_CALCIFICATIONS


@pytest.mark.slow
def test_accuracy_realdata_phrasings_snippets(shared_dir: Path, miner: Any) -> None:
    """Hand-picked real sentences: other-organ calcifications never count as liver ones."""
    with (shared_dir / "realdata" / "realdata_phrasings.jsonl").open(encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    other = [r for r in rows if r["category"] == "calcification_other_organ"]
    assert other
    results = miner.mine(Report(f"s{i}", r["snippet"]) for i, r in enumerate(other))
    assert not [r.report_id for r in results if r.calcification]
