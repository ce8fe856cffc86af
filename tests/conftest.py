"""Shared fixtures: value-object factories, a fake miner, and input files in every format."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import MISSING, fields, replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from suite_env import (
    CI_PROFILE,
    LOCAL_PROFILE,
    hypothesis_profile,
    shared_missing_message,
    shared_required,
)
from suite_helpers import copy_patterns

from calcminer.nlp.schema import Finding, Report, ReportResult

# --- hypothesis: reproducible in CI, the failing example always printed ------------------------
#: CI: the same examples on every run (derandomize), no example database carried between runs,
#: and the reproduce_failure blob printed. Locally: random exploration, the blob printed too.
#: Choose with HYPOTHESIS_PROFILE=ci|local; CI=true picks ``ci``.
settings.register_profile(CI_PROFILE, derandomize=True, database=None, print_blob=True)
settings.register_profile(LOCAL_PROFILE, print_blob=True)
settings.load_profile(hypothesis_profile(os.environ))

#: The two-report input of the CLI tests that run the real miner.
TWO_REPORTS: dict[str, str] = {
    "r1": "LIVER: A 5 mm calcified granuloma in segment VI.",
    "r2": "LIVER: Normal. No calcification.",
}


def _blank(annotation: object) -> Any:
    """A neutral value for a field the factories do not set (the schema may grow)."""
    text = str(annotation).replace(" ", "")
    if text.endswith("|None"):
        return None
    if text.startswith("tuple["):
        return ()
    return {"bool": False, "int": 0, "float": 0.0, "str": ""}.get(text)


def _complete(cls: type, values: dict[str, Any]) -> dict[str, Any]:
    """Fill required fields missing from values with neutral ones."""
    for field in fields(cls):
        required = field.default is MISSING and field.default_factory is MISSING
        if required and field.name not in values:
            values[field.name] = _blank(field.type)
    return values


def _finding(**overrides: Any) -> Finding:
    values: dict[str, Any] = {
        "report_id": "r1",
        "index": 0,
        "start_char": 9,
        "end_char": 29,
        "text": "calcified granuloma",
        "label": "CALCIFICATION",
        "pattern_id": "calcified_noun",
        "section": "liver",
        "organ": "liver",
        "assertion": "present",
        "modifier_ids": (),
        "modifier_spans": (),
        "counted": True,
        "exclusion_reason": None,
        "count": 1,
        "multiple": False,
        "size_mm": 5.0,
        "segments": ("VI",),
        "lobes": (),
        "bile_duct": False,
        "diffuse": False,
        "morphology": (),
        "temporal": (),
    }
    values.update(overrides)
    return Finding(**_complete(Finding, values))


def _result(**overrides: Any) -> ReportResult:
    values: dict[str, Any] = {
        "report_id": "r1",
        "calcification": True,
        "count": 1,
        "count_category": "single",
        "max_size_mm": 5.0,
        "segments": ("VI",),
        "lobes": (),
        "bile_duct": False,
        "diffuse": False,
        "followup_recommended": False,
        "triage": "benign",
        "triage_rules": ("benign_single_small",),
        "triage_reason": "single focal calcification of 30 mm or less",
        "evidence": "calcified granuloma@9-29",
    }
    values.update(overrides)
    return ReportResult(**_complete(ReportResult, values))


@pytest.fixture
def make_finding() -> Callable[..., Finding]:
    """Build a Finding: a counted 5 mm calcified granuloma in segment VI, with overrides."""
    return _finding


@pytest.fixture
def make_result() -> Callable[..., ReportResult]:
    """Build a ReportResult: a benign single 5 mm calcification in segment VI, with overrides."""
    return _result


class FakeMiner:
    """Stands in for ``calcminer.nlp.mining.miner.Miner``: keyword rules, one result per report.

    ``urgent`` in the text -> urgent, ``multiple`` -> workup, ``calcified`` -> benign, else
    none. With ``copy_meta`` it carries ``Report.meta`` into the result, like the real miner.
    """

    def __init__(self, copy_meta: bool = True) -> None:
        self.copy_meta = copy_meta
        self.seen: list[str] = []

    def mine(self, reports: Iterable[Report]) -> Iterator[ReportResult]:
        for report in reports:
            self.seen.append(report.report_id)
            yield self.mine_report(report)

    def mine_text(self, text: str, report_id: str = "text") -> ReportResult:
        return self.mine_report(Report(report_id=report_id, text=text))

    def mine_report(self, report: Report) -> ReportResult:
        text = report.text.lower()
        meta = dict(report.meta) if self.copy_meta else {}
        if "urgent" in text:
            result = _result(triage="urgent", max_size_mm=42.0, triage_rules=("urgent_size",))
        elif "multiple" in text:
            result = _result(
                triage="workup", count=None, count_category="multiple", max_size_mm=None
            )
        elif "calcified" in text:
            result = _result()
        else:
            result = _result(
                calcification=False,
                count=None,
                count_category="none",
                max_size_mm=None,
                segments=(),
                triage="none",
                triage_rules=("none_no_calcification",),
                triage_reason="no counted calcification",
                evidence="",
            )
            return replace(result, report_id=report.report_id, meta=meta)
        finding = _finding(report_id=report.report_id)
        return replace(result, report_id=report.report_id, meta=meta, findings=(finding,))


@pytest.fixture
def fake_miner() -> FakeMiner:
    """A fresh keyword-rule miner that needs no patterns."""
    return FakeMiner()


@pytest.fixture
def use_fake_miner(monkeypatch: pytest.MonkeyPatch) -> FakeMiner:
    """Make the library (and so the CLI) build a FakeMiner instead of the real miner."""
    miner = FakeMiner()
    monkeypatch.setattr("calcminer.nlp.commands.batch.load_miner", lambda patterns_dir=None: miner)
    return miner


def write_records(path: Path, records: list[Mapping[str, Any]]) -> Path:
    """Write records as JSONL, CSV (columns of the first record) or Parquet, by extension."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    elif path.suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(records[0]))
            writer.writeheader()
            writer.writerows(records)
    elif path.suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(list(records)), path)
    else:
        raise ValueError(f"unsupported test input {path}")
    return path


@pytest.fixture
def records_file(tmp_path: Path) -> Callable[[str, list[Mapping[str, Any]]], Path]:
    """Write records to ``tmp_path/input.<kind>`` (kind: jsonl, csv, parquet, txt).

    For ``txt``, each record becomes ``<report_id>.txt`` in ``tmp_path/input`` and the folder
    is returned.
    """

    def write(kind: str, records: list[Mapping[str, Any]]) -> Path:
        if kind == "txt":
            folder = tmp_path / "input"
            folder.mkdir()
            for record in records:
                (folder / f"{record['report_id']}.txt").write_text(record["text"], encoding="utf-8")
            return folder
        return write_records(tmp_path / f"input.{kind}", records)

    return write


@pytest.fixture
def two_reports_dir(tmp_path: Path) -> Path:
    """A folder with the two reports of TWO_REPORTS, one .txt file each."""
    folder = tmp_path / "two_reports"
    folder.mkdir()
    for report_id, text in TWO_REPORTS.items():
        (folder / f"{report_id}.txt").write_text(text, encoding="utf-8")
    return folder


# --- the real pipeline, built once per test session -----------------------------------------
REPO_ROOT = Path(__file__).resolve().parents[1]
#: Shared project material (gold set, real data) sits beside the repository.
SHARED_DIR = Path(os.environ.get("CALCMINER_SHARED", REPO_ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def miner() -> Any:
    """The real miner on the packaged patterns (session-scoped: building takes about 1 s)."""
    from calcminer.nlp.mining.miner import Miner

    return Miner()


@pytest.fixture(scope="session")
def nlp(miner: Any) -> Any:
    """The miner's spaCy pipeline on ``spacy.blank("en")``."""
    return miner.nlp


def shared_present(shared: Path = SHARED_DIR) -> bool:
    """Whether the shared folder holds the development gold."""
    return (shared / "gold" / "dev.jsonl").is_file()


def pytest_report_header() -> list[str]:
    """Say at the top of the run where the shared material is, or what its absence does."""
    if shared_present():
        return [f"calcminer shared material: {SHARED_DIR}"]
    return ["calcminer " + shared_missing_message(SHARED_DIR, shared_required(os.environ))]


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The shared folder. When it is absent, tests that need it skip with the reason, or, under
    CI (``CI=true``) or with ``CALCMINER_REQUIRE_SHARED=1``, fail with it."""
    if not shared_present():
        required = shared_required(os.environ)
        message = shared_missing_message(SHARED_DIR, required)
        if required:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return SHARED_DIR


@pytest.fixture(scope="session")
def corpus_reports(shared_dir: Path) -> list[Report]:
    """Every report text at hand: ``sample_reports/``, the annotated test sets, the shared
    development gold and the shared real-data reports (MTSamples, Indiana chest X-rays)."""
    root = Path(__file__).resolve().parents[1]
    data = Path(__file__).parent / "data"
    reports = [
        Report(p.stem, p.read_text(encoding="utf-8"))
        for p in sorted((root / "sample_reports").glob("*.txt"))
    ]
    # The regression sets only: a blind set is never mined by the suite.
    paths = [
        data / "challenge.jsonl",
        data / "challenge2.jsonl",
        data / "sample_reports_gold.jsonl",
    ]
    paths += sorted((data / "realphrasing").glob("dev_*.jsonl"))
    for path in paths:
        reports += [Report(r["report_id"], r["text"]) for r in map(json.loads, path.open())]
    reports += [
        Report(r["report_id"], r["text"])
        for r in map(json.loads, (shared_dir / "gold" / "dev.jsonl").open())
    ]
    for name in sorted((shared_dir / "realdata").glob("*.jsonl")):
        rows = map(json.loads, name.open())
        reports += [
            Report(str(r.get("id", r.get("report_id"))), r.get("text") or r.get("snippet"))
            for r in rows
        ]
    return reports


@pytest.fixture
def shared_miner(monkeypatch: pytest.MonkeyPatch, miner: Any) -> Any:
    """Make the CLI mine in-process with the session miner instead of building a new one."""
    monkeypatch.setattr("calcminer.nlp.commands.batch.load_miner", lambda patterns_dir=None: miner)
    return miner


# --- fixtures several test modules share ------------------------------------------------------
@pytest.fixture
def patterns_copy(tmp_path: Path) -> Path:
    """A writable copy of the packaged rule folder, as ``tmp_path/patterns``."""
    return copy_patterns(tmp_path)


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Figures handed to ``_fig_png`` (still rendered), to inspect what was drawn."""
    from calcminer.nlp.views.plots import render

    figures: list[Any] = []
    render_fig = render._fig_png

    def spy(fig: Any) -> Any:
        figures.append(fig)
        return render_fig(fig)

    monkeypatch.setattr(render, "_fig_png", spy)
    return figures
