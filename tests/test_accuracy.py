"""Accuracy on annotated reports, and false positives on real public report text.

The gold sets are scored with ``calcminer.nlp.evaluate`` (the code behind ``calcminer
evaluate``). ``tests/data/challenge.jsonl`` was written independently of the development set
as a held-out check of generalisation; its threshold is set below the development one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from calcminer.nlp.evaluate import evaluate, read_gold
from calcminer.nlp.schema import GOLD_FIELDS, Report

DATA = Path(__file__).parent / "data"
SAMPLE_DIR = Path(__file__).resolve().parents[1] / "sample_reports"
REALDATA_FILES = (
    "iu_cxr_calcification_subset.jsonl",
    "mtsamples_gi_abdominal.jsonl",
    "mtsamples_radiology.jsonl",
)
#: Real reports that do describe a liver calcification (read and checked by hand; see
#: ../shared/realdata/SOURCES.md): a chest X-ray calcified hepatic cyst and a CT granuloma.
REALDATA_LIVER_CALCIFICATIONS = frozenset({"iu-3490", "mts-1411"})


def _assert_accuracy(result: Any, minimum: float) -> None:
    low = {f: a for f, a in result.field_accuracy.items() if a < minimum}
    shown = [(m.report_id, m.field, m.gold, m.predicted) for m in result.mismatches][:20]
    assert not low, f"fields below {minimum}: {low}; mismatches: {shown}"


@pytest.mark.slow
def test_accuracy_dev_gold_every_field_at_least_95(shared_dir: Path, miner: Any) -> None:
    result = evaluate(shared_dir / "gold" / "dev.jsonl", miner=miner)
    assert result.n_reports == 120
    assert set(result.field_accuracy) == set(GOLD_FIELDS)
    _assert_accuracy(result, 0.95)
    assert result.missed_urgent == 0


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "n_reports"), [("challenge.jsonl", 100), ("challenge2.jsonl", 120)]
)
def test_accuracy_held_out_sets_generalise(miner: Any, name: str, n_reports: int) -> None:
    result = evaluate(DATA / name, miner=miner)
    assert result.n_reports == n_reports
    _assert_accuracy(result, 0.95)
    assert result.missed_urgent == 0


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
