"""The synthetic audit demo archive: reproducible, the right size, and labelled as mined.

``sample_reports/audit/make_archive.py`` writes ``archive.jsonl`` and its labels. These tests
regenerate it, check the committed files against the regeneration, check the scenarios the
audit needs are present (recomputing the designed statuses of both audit scopes, ``liver`` and
``all``, from the files alone), and check that calcminer gives every report the triage and
follow-up flags its template was written for.
"""

from __future__ import annotations

import csv
import dataclasses
import importlib.util
import json
import re
import sys
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from suite_env import REPO_ROOT

from calcminer.nlp.schema import Report

AUDIT_DIR = REPO_ROOT / "sample_reports" / "audit"
ARCHIVE = AUDIT_DIR / "archive.jsonl"
LABELS = AUDIT_DIR / "archive.labels.csv"
MAX_ARCHIVE_BYTES = 400 * 1024
EXAMS_RANGE = (300, 400)
PATIENTS_RANGE = (60, 80)
MIN_YEARS = 5
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: Whole-word modality names an exam header may use.
HEADER_MODALITY_WORDS = {
    "US": re.compile(r"\b(ULTRASOUND|US)\b"),
    "CT": re.compile(r"\bCT\b"),
    "MRI": re.compile(r"\b(MRI|MR)\b"),
}
WINDOW_DAYS = {"urgent": 30, "workup": 90, "recommended": 180}
QUALIFYING = {"urgent": {"CT", "MRI"}, "workup": {"CT", "MRI", "US"}}
QUALIFYING["recommended"] = QUALIFYING["workup"]
#: patterns/audit.toml [recommendation.or_better]: a named modality, or these.
OR_BETTER = {"US": {"CT", "MRI"}, "CT": {"MRI"}, "MRI": set()}
#: Label columns of the designed level and status per audit scope.
SCOPE_COLUMNS = {
    "liver": ("intended_level", "intended_status"),
    "all": ("intended_level_all", "intended_status_all"),
}
STATUSES = ("completed", "late", "overdue", "pending")


@pytest.fixture(scope="module")
def make_archive() -> ModuleType:
    """The generator, imported by path (``sample_reports`` is not a package)."""
    path = AUDIT_DIR / "make_archive.py"
    spec = importlib.util.spec_from_file_location("calcminer_audit_make_archive", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses look the module up by name while the class bodies run.
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


@pytest.fixture(scope="module")
def records() -> list[dict[str, str]]:
    """The committed archive's records, in file order."""
    lines = ARCHIVE.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


@pytest.fixture(scope="module")
def labels() -> list[dict[str, str]]:
    """The committed label rows, in file order."""
    with LABELS.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _valid_date(value: str) -> date | None:
    if not ISO_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


# --- reproducibility -------------------------------------------------------------------------


def test_audit_archive_regenerates_byte_identical(make_archive: Any, tmp_path: Path) -> None:
    out = tmp_path / "archive.jsonl"
    assert make_archive.main(["--out", str(out)]) == 0
    assert out.read_bytes() == ARCHIVE.read_bytes()
    assert (tmp_path / "archive.labels.csv").read_bytes() == LABELS.read_bytes()


def test_audit_archive_seed_decides_the_archive(make_archive: Any) -> None:
    first = make_archive.generate(seed=1)
    assert make_archive.generate(seed=1) == first
    assert make_archive.generate(seed=2).jsonl() != first.jsonl()


def test_audit_archive_patient_count_follows_argument(make_archive: Any) -> None:
    archive = make_archive.generate(patients=50, seed=3)
    assert len({r["patient_id"] for r in archive.records if "patient_id" in r}) == 50


def test_audit_archive_rejects_too_few_patients(make_archive: Any, tmp_path: Path) -> None:
    minimum = make_archive.scripted_patients() + make_archive.MIN_ROUTINE_PATIENTS
    with pytest.raises(ValueError, match="at least"):
        make_archive.generate(patients=minimum - 1)
    with pytest.raises(SystemExit) as exit_info:
        make_archive.main(["--out", str(tmp_path / "a.jsonl"), "--patients", str(minimum - 1)])
    assert exit_info.value.code == 2
    assert not (tmp_path / "a.jsonl").exists()


@pytest.mark.parametrize(
    ("scenario", "field", "wrong", "scope"),
    [
        ("recommended_12m_completed_after_window", "status", "late", "liver"),
        ("workup_mrcp_not_completed_by_ct", "status", "completed", "liver"),
        ("other_organ_overdue_in_scope_all", "status_all", "pending", "all"),
        ("other_organ_overdue_in_scope_all", "status", "overdue", "liver"),
    ],
)
def test_audit_archive_check_catches_a_wrong_design(
    make_archive: Any,
    monkeypatch: pytest.MonkeyPatch,
    scenario: str,
    field: str,
    wrong: str,
    scope: str,
) -> None:
    """The generator refuses a scenario whose designed status the audit's rules contradict."""
    changed = []
    for item in make_archive.SCENARIOS:
        if item.name == scenario:
            first = dataclasses.replace(item.steps[0], **{field: wrong})
            item = dataclasses.replace(item, steps=(first, *item.steps[1:]))
        changed.append(item)
    monkeypatch.setattr(make_archive, "SCENARIOS", tuple(changed))
    with pytest.raises(RuntimeError, match=f"{scenario} .*scope {scope}"):
        make_archive.generate()


# --- shape -----------------------------------------------------------------------------------


def test_audit_archive_size_and_counts_in_range(records: list[dict[str, str]]) -> None:
    assert ARCHIVE.stat().st_size < MAX_ARCHIVE_BYTES
    assert EXAMS_RANGE[0] <= len(records) <= EXAMS_RANGE[1]
    patients = {r["patient_id"] for r in records if r.get("patient_id")}
    assert PATIENTS_RANGE[0] <= len(patients) <= PATIENTS_RANGE[1]
    dates = [d for r in records if (d := _valid_date(r["exam_date"])) is not None]
    assert len({d.year for d in dates}) >= MIN_YEARS
    assert date(2019, 1, 1) <= min(dates) and max(dates) <= date(2024, 6, 30)
    assert dates == sorted(dates), "records are in date order"


def test_audit_archive_ids_and_fields(records: list[dict[str, str]]) -> None:
    ids = [r["report_id"] for r in records]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"EX\d{6}", i) for i in ids)
    assert all(re.fullmatch(r"PT\d{4}", r["patient_id"]) for r in records if "patient_id" in r)
    for record in records:
        assert set(record) <= {"report_id", "patient_id", "exam_date", "text"}
        assert "modality" not in record
        assert record["text"].strip()


def test_audit_archive_has_a_few_broken_records(
    records: list[dict[str, str]], labels: list[dict[str, str]]
) -> None:
    missing_patient = [r["report_id"] for r in records if not r.get("patient_id")]
    empty_date = [r["report_id"] for r in records if r["exam_date"] == ""]
    bad_date = [
        r["report_id"] for r in records if r["exam_date"] and _valid_date(r["exam_date"]) is None
    ]
    assert len(missing_patient) == len(empty_date) == 1
    assert bad_date and "31/02/2021" in {r["exam_date"] for r in records}
    broken = set(missing_patient + empty_date + bad_date)
    assert 2 <= len(broken) <= 4
    assert {row["report_id"] for row in labels if row["intended_status"] == "error"} == broken


def test_audit_archive_first_line_names_its_modality(
    records: list[dict[str, str]], labels: list[dict[str, str]]
) -> None:
    for record, row in zip(records, labels, strict=True):
        header = record["text"].splitlines()[0]
        named = {m for m, word in HEADER_MODALITY_WORDS.items() if word.search(header)}
        assert named == {row["modality"]}, record["report_id"]
    assert {row["modality"] for row in labels} == {"US", "CT", "MRI"}


def test_audit_archive_labels_cover_every_report(
    records: list[dict[str, str]], labels: list[dict[str, str]]
) -> None:
    assert [row["report_id"] for row in labels] == [r["report_id"] for r in records]
    assert {row["intended_triage"] for row in labels} == {"none", "benign", "workup", "urgent"}
    assert {row["intended_followup_recommended"] for row in labels} == {"true", "false"}


# --- scenarios -------------------------------------------------------------------------------


def _due_rule(row: dict[str, str], level: str, scope: str) -> tuple[int, set[str]]:
    """Days to the due date and qualifying modalities of an index exam in ``scope``: its
    recommendation's stated interval and named modality ("or better" ones too) when in scope,
    else the level's window and modalities."""
    days, modalities = WINDOW_DAYS[level], QUALIFYING[level]
    if scope == "all" or row["intended_liver_followup_recommended"] == "true":
        if row["recommended_interval_days"]:
            days = int(row["recommended_interval_days"])
        if named := row["recommended_modality"]:
            modalities = {named} | OR_BETTER[named]
    return days, modalities


def _designed_statuses(
    records: list[dict[str, str]], labels: list[dict[str, str]], scope: str = "liver"
) -> dict[str, tuple[str, str]]:
    """Audit levels and statuses recomputed from the files: report id -> (level, status), for
    the index exams of ``scope``."""
    exams = []
    for order, (record, row) in enumerate(zip(records, labels, strict=True)):
        exam_date = _valid_date(record["exam_date"])
        if exam_date is None or not record.get("patient_id"):
            continue
        exams.append((exam_date, order, record["patient_id"], row))
    as_of = max(e[0] for e in exams)
    history: dict[str, list[tuple[date, int, str, dict[str, str]]]] = defaultdict(list)
    for exam in sorted(exams, key=lambda e: (e[0], e[1])):
        history[exam[2]].append(exam)
    recommends = (
        "intended_liver_followup_recommended"
        if scope == "liver"
        else "intended_followup_recommended"
    )
    statuses = {}
    for exam_date, order, patient, row in exams:
        triage = row["intended_triage"]
        if triage in ("workup", "urgent"):
            level = triage
        elif row[recommends] == "true":
            level = "recommended"
        else:
            continue
        days, modalities = _due_rule(row, level, scope)
        due = exam_date + timedelta(days=days)
        later = [e for e in history[patient] if (e[0], e[1]) > (exam_date, order)]
        follow = next((e for e in later if e[3]["modality"] in modalities), None)
        if follow is not None:
            status = "completed" if follow[0] <= due else "late"
        else:
            status = "overdue" if due < as_of else "pending"
        statuses[row["report_id"]] = (level, status)
    return statuses


@pytest.mark.parametrize("scope", sorted(SCOPE_COLUMNS))
def test_audit_archive_designed_statuses_hold(
    records: list[dict[str, str]], labels: list[dict[str, str]], scope: str
) -> None:
    level_column, status_column = SCOPE_COLUMNS[scope]
    statuses = _designed_statuses(records, labels, scope)
    designed = {
        row["report_id"]: (row[level_column], row[status_column])
        for row in labels
        if row[status_column] not in ("", "error")
    }
    assert statuses == designed
    per_level = Counter(designed.values())
    for level in WINDOW_DAYS:
        for status in STATUSES:
            assert per_level[(level, status)] >= 1, (level, status)


def test_audit_archive_scope_all_adds_other_organ_exams(labels: list[dict[str, str]]) -> None:
    liver = {row["report_id"]: row for row in labels if row["intended_level"]}
    every = {row["report_id"]: row for row in labels if row["intended_level_all"]}
    added = [every[report_id] for report_id in every.keys() - liver.keys()]
    assert added, "some recommendation about another organ"
    for row in added:
        assert row["intended_followup_recommended"] == "true"
        assert row["intended_liver_followup_recommended"] == "false"
        assert row["intended_triage"] in ("none", "benign")
    assert set(liver) <= set(every)
    for row in liver.values():
        assert (row["intended_level_all"], row["intended_status_all"]) == (
            row["intended_level"],
            row["intended_status"],
        )
    assert {row["intended_status_all"] for row in added} >= {"completed", "overdue"}


def test_audit_archive_shows_the_recommendation_rules(
    records: list[dict[str, str]], labels: list[dict[str, str]]
) -> None:
    """A stated interval met after the level's window, an "or better" follow-up, and a named
    modality that a follow-up of another modality does not complete."""
    dates = {r["report_id"]: _valid_date(r["exam_date"]) for r in records}
    by_patient: dict[str, list[dict[str, str]]] = defaultdict(list)
    for record, row in zip(records, labels, strict=True):
        if record.get("patient_id") and dates[row["report_id"]] is not None:
            by_patient[record["patient_id"]].append(row)
    after_window = or_better = not_completed_by_other = False
    for rows in by_patient.values():
        for i, row in enumerate(rows):
            if not row["intended_level"] or not row["recommended_modality"]:
                continue
            named, later = row["recommended_modality"], rows[i + 1 :]
            exam_date = dates[row["report_id"]]
            assert exam_date is not None
            if not later:
                continue
            follow = later[0]
            days = (dates[follow["report_id"]] - exam_date).days  # type: ignore[operator]
            if row["intended_status"] == "completed" and row["recommended_interval_days"]:
                after_window |= days > WINDOW_DAYS[row["intended_level"]]
            if row["intended_status"] == "completed" and follow["modality"] != named:
                or_better |= follow["modality"] in OR_BETTER[named]
            if row["intended_status"] in ("late", "overdue"):
                not_completed_by_other |= (
                    follow["modality"] in QUALIFYING[row["intended_level"]]
                    and follow["modality"] not in {named} | OR_BETTER[named]
                )
    assert after_window
    assert or_better
    assert not_completed_by_other


def test_audit_archive_has_the_edge_case_chains(
    records: list[dict[str, str]], labels: list[dict[str, str]]
) -> None:
    by_patient: dict[str, list[tuple[dict[str, str], dict[str, str]]]] = defaultdict(list)
    for record, row in zip(records, labels, strict=True):
        if record.get("patient_id") and row["intended_status"] != "error":
            by_patient[record["patient_id"]].append((record, row))
    same_day_us_then_ct = False
    urgent_us_only = False
    followup_is_index = False
    index_counts = []
    for exams in by_patient.values():
        index_counts.append(sum(1 for _, row in exams if row["intended_level"]))
        for i, (record, row) in enumerate(exams):
            later = exams[i + 1 :]
            if later and later[0][0]["exam_date"] == record["exam_date"]:
                same_day_us_then_ct |= (row["modality"], later[0][1]["modality"]) == ("US", "CT")
            if row["intended_triage"] == "urgent" and later:
                modalities = {r["modality"] for _, r in later}
                urgent_us_only |= modalities == {"US"}
            if row["intended_level"] == "workup" and later:
                next_row = later[0][1]
                followup_is_index |= next_row["modality"] == "CT" and bool(
                    next_row["intended_level"]
                )
    assert same_day_us_then_ct
    assert urgent_us_only
    assert followup_is_index
    assert max(index_counts) >= 3


# --- agreement with calcminer ----------------------------------------------------------------


def test_audit_archive_intended_labels_match_calcminer(
    miner: Any, records: list[dict[str, str]], labels: list[dict[str, str]]
) -> None:
    reports = [Report(report_id=r["report_id"], text=r["text"]) for r in records if r["text"]]
    expected = {row["report_id"]: row for row in labels}
    disagreements = []
    for result in miner.mine(reports):
        row = expected[result.report_id]
        followup = "true" if result.followup_recommended else "false"
        liver = "true" if result.liver_followup_recommended else "false"
        if (result.triage, followup, liver) != (
            row["intended_triage"],
            row["intended_followup_recommended"],
            row["intended_liver_followup_recommended"],
        ):
            disagreements.append((result.report_id, row["scenario"], result.triage, followup))
    assert len(reports) == len(records)
    assert not disagreements
