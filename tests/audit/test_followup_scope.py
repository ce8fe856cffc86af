"""The audit's scope, levels, period, recommendation-set due dates and modalities, and breakdowns
(calcminer.nlp.audit.followup), on hand-built exams; then through ``run_audit`` and the CLI."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from suite_helpers import copy_patterns
from typer.testing import CliRunner

from calcminer.cli import app
from calcminer.nlp.api import run_audit
from calcminer.nlp.audit import (
    FROM_LEVEL,
    FROM_RECOMMENDATION,
    MISSING_GROUP,
    ArchiveColumns,
    AuditConfig,
    Exam,
    ExamRecommendation,
    ModalityDetector,
    audit_exams,
    check_by_columns,
    load_audit_config,
    summarize,
    undated_exam,
)
from calcminer.nlp.errors import CalcminerError, PatternError
from calcminer.nlp.io.tables import audit_frame, overdue_frame
from calcminer.nlp.schema import Recommendation, Report, ReportResult

D = date.fromisoformat


@pytest.fixture(scope="module")
def config() -> AuditConfig:
    return load_audit_config()


def rec(
    modality: str | None = None,
    interval: int | None = None,
    *,
    liver: bool = True,
    conditional: bool = False,
    words: str = "words",
) -> ExamRecommendation:
    return ExamRecommendation(
        modality=modality,
        named_modality=modality or "imaging",
        interval_days=interval,
        conditional=conditional,
        liver=liver,
        evidence=f"{words}@0-{len(words)}",
    )


def exam(
    order: int,
    patient: str,
    day: str,
    modality: str | None = "US",
    triage: str = "none",
    recs: tuple[ExamRecommendation, ...] = (),
    meta: dict[str, object] | None = None,
) -> Exam:
    """An exam whose recommendation flags follow from ``recs`` (as the miner sets them)."""
    return Exam(
        order=order,
        report_id=f"r{order}",
        patient_id=patient,
        exam_date=D(day),
        modality=modality,
        triage=triage,
        followup_recommended=bool(recs),
        liver_followup_recommended=any(r.liver for r in recs),
        recommendations=recs,
        meta=meta or {},
    )


def rows_by_id(exams: list[Exam], config: AuditConfig, **kwargs: object) -> dict[str, object]:
    result = audit_exams(exams, config, **kwargs)  # type: ignore[arg-type]
    return {row.report_id: row for row in result.rows}


# --- scope ----------------------------------------------------------------------------------


def test_followup_scope_liver_leaves_out_other_organs(config: AuditConfig) -> None:
    exams = [
        exam(0, "a", "2022-01-01", recs=(rec("CT", liver=False),)),  # pancreas: CT
        exam(1, "b", "2022-01-01", recs=(rec("US", 182),)),  # liver: US in 6 months
        exam(2, "c", "2022-01-01", triage="workup"),  # flagged, no recommendation
        exam(3, "d", "2022-01-01", triage="urgent", recs=(rec("CT", liver=False),)),
    ]
    liver = rows_by_id(exams, config)
    assert set(liver) == {"r1", "r2", "r3"}
    every = rows_by_id(exams, replace(config, scope="all"))
    assert set(every) == {"r0", "r1", "r2", "r3"}
    # the urgent exam's recommendation is another organ's: not "recommended" in scope liver
    assert liver["r3"].concordance == "flagged_not_recommended"  # type: ignore[attr-defined]
    assert every["r3"].concordance == "flagged_and_recommended"  # type: ignore[attr-defined]


def test_followup_scope_is_configured_and_overridable(tmp_path: Path) -> None:
    folder = copy_patterns(tmp_path)
    path = folder / "audit.toml"
    path.write_text(path.read_text().replace('scope = "liver"', 'scope = "all"'))
    assert load_audit_config(folder).scope == "all"
    assert load_audit_config(folder).with_scope("liver").scope == "liver"
    path.write_text(path.read_text().replace('scope = "all"', 'scope = "kidney"'))
    with pytest.raises(PatternError, match=r"E009.*scope"):
        load_audit_config(folder)


# --- levels ----------------------------------------------------------------------------------


def test_followup_levels_choose_index_exams_not_followups(config: AuditConfig) -> None:
    exams = [
        exam(0, "a", "2022-01-01", triage="urgent"),
        exam(1, "a", "2022-01-10", "CT", triage="workup"),  # a workup exam completing r0
        exam(2, "b", "2022-01-01", recs=(rec(),)),
    ]
    result = audit_exams(exams, config, levels=("urgent",))
    assert [row.report_id for row in result.rows] == ["r0"]
    assert result.rows[0].followup_report_id == "r1"
    assert result.levels == ("urgent",)
    assert [
        r.group for r in summarize(result.rows, levels=result.levels) if r.scope == "level"
    ] == ["urgent"]


@pytest.mark.parametrize("levels", [("urgent", "soon"), ()])
def test_followup_levels_unknown_or_none(config: AuditConfig, levels: tuple[str, ...]) -> None:
    with pytest.raises(CalcminerError, match="E321"):
        audit_exams([], config, levels=levels)


# --- due date and modalities from the recommendation ----------------------------------------


def test_followup_stated_interval_sets_due_date(config: AuditConfig) -> None:
    exams = [
        exam(0, "a", "2022-01-01", recs=(rec("US", 365),)),
        exam(1, "a", "2022-12-01", "US"),  # 334 days: inside the stated year, past 180 days
    ]
    row = rows_by_id(exams, config)["r0"]
    assert row.due_date == D("2022-01-01") + timedelta(days=365)  # type: ignore[attr-defined]
    assert row.due_source == FROM_RECOMMENDATION  # type: ignore[attr-defined]
    assert row.status == "completed"  # type: ignore[attr-defined]
    # without the stated interval the level's window (recommended: 180 days) makes it late
    plain = [replace(exams[0], recommendations=(rec("US"),)), exams[1]]
    row = rows_by_id(plain, config)["r0"]
    assert row.due_source == FROM_LEVEL  # type: ignore[attr-defined]
    assert row.status == "late"  # type: ignore[attr-defined]


def test_followup_named_modality_and_or_better(config: AuditConfig) -> None:
    # packaged policy: US -> also CT, MRI; CT -> also MRI; MRI -> MRI only
    cases = {
        "MRI": {"CT": None, "MRI": "r1"},
        "CT": {"US": None, "MRI": "r1"},
        "US": {"CT": "r1", "MRI": "r1", "US": "r1"},
    }
    for named, outcomes in cases.items():
        for later, expected in outcomes.items():
            exams = [
                exam(0, "a", "2022-01-01", triage="workup", recs=(rec(named),)),
                exam(1, "a", "2022-01-20", later),
            ]
            row = rows_by_id(exams, config)["r0"]
            assert row.followup_report_id == expected, (named, later)  # type: ignore[attr-defined]
            assert row.modality_source == FROM_RECOMMENDATION  # type: ignore[attr-defined]


def test_followup_or_better_is_policy(tmp_path: Path) -> None:
    folder = copy_patterns(tmp_path)
    path = folder / "audit.toml"
    text = path.read_text().replace('US = ["CT", "MRI"]', "US = []")
    path.write_text(text)
    strict = load_audit_config(folder)
    exams = [
        exam(0, "a", "2022-01-01", triage="workup", recs=(rec("US"),)),
        exam(1, "a", "2022-01-20", "CT"),
    ]
    assert rows_by_id(exams, strict)["r0"].followup_report_id is None  # type: ignore[attr-defined]
    path.write_text(text.replace("US = []", 'US = ["PET"]'))
    with pytest.raises(PatternError, match=r"E009.*or_better"):
        load_audit_config(folder)


def test_followup_no_named_modality_uses_level(config: AuditConfig) -> None:
    exams = [
        exam(0, "a", "2022-01-01", triage="urgent", recs=(rec(None, 90),)),  # "imaging in 3 mo"
        exam(1, "a", "2022-02-01", "US"),
        exam(2, "a", "2022-03-01", "CT"),
    ]
    row = rows_by_id(exams, config)["r0"]
    assert row.modality_source == FROM_LEVEL  # type: ignore[attr-defined]
    assert row.qualifying_modalities == ("CT", "MRI")  # type: ignore[attr-defined]
    assert row.followup_report_id == "r2"  # type: ignore[attr-defined]
    assert row.due_source == FROM_RECOMMENDATION  # type: ignore[attr-defined]
    assert row.status == "completed"  # type: ignore[attr-defined]


def test_followup_earliest_interval_and_every_named_modality(config: AuditConfig) -> None:
    recs = (rec("MRI", 365, words="MRI in 1 year"), rec("CT", 90, words="or CT in 3 months"))
    exams = [exam(0, "a", "2022-01-01", triage="workup", recs=recs)]
    row = rows_by_id(exams, config)["r0"]
    assert row.due_date == D("2022-04-01")  # type: ignore[attr-defined]
    assert row.qualifying_modalities == ("CT", "MRI")  # type: ignore[attr-defined]
    assert row.recommendation == "MRI in 1 year@0-13 | or CT in 3 months@0-17"  # type: ignore[attr-defined]


def test_followup_out_of_scope_recommendation_sets_nothing(config: AuditConfig) -> None:
    recs = (rec("MRI", 30, liver=False),)  # another organ's MRI in a month
    exams = [exam(0, "a", "2022-01-01", triage="workup", recs=recs)]
    row = rows_by_id(exams, config)["r0"]
    assert (row.due_source, row.modality_source, row.recommendation) == (  # type: ignore[attr-defined]
        FROM_LEVEL,
        FROM_LEVEL,
        "",
    )
    row = rows_by_id(exams, replace(config, scope="all"))["r0"]
    assert row.due_date == D("2022-01-31")  # type: ignore[attr-defined]
    assert row.qualifying_modalities == ("MRI",)  # type: ignore[attr-defined]


def test_followup_conditional_policy(config: AuditConfig) -> None:
    recs = (rec("MRI", 30, conditional=True),)
    exams = [exam(0, "a", "2022-01-01", triage="workup", recs=recs)]
    assert rows_by_id(exams, config)["r0"].due_source == FROM_RECOMMENDATION  # type: ignore[attr-defined]
    off = replace(config, use_conditional=False)
    assert rows_by_id(exams, off)["r0"].due_source == FROM_LEVEL  # type: ignore[attr-defined]


# --- period ---------------------------------------------------------------------------------


def test_followup_period_keeps_index_exams_searches_followups_after(config: AuditConfig) -> None:
    exams = [
        exam(0, "a", "2021-12-31", triage="workup"),
        exam(1, "b", "2022-01-01", triage="workup"),
        exam(2, "c", "2022-03-31", triage="workup"),
        exam(3, "d", "2022-04-01", triage="workup"),
        exam(4, "b", "2022-03-01", "US"),  # completes r1
        exam(5, "c", "2022-05-01", "CT"),  # after the period: still completes r2
    ]
    result = audit_exams(exams, config, since=D("2022-01-01"), until=D("2022-03-31"))
    assert [row.report_id for row in result.rows] == ["r1", "r2"]
    assert [row.followup_report_id for row in result.rows] == ["r4", "r5"]
    assert result.outside_period == 2
    assert (result.since, result.until) == (D("2022-01-01"), D("2022-03-31"))
    with pytest.raises(CalcminerError, match="E322"):
        audit_exams(exams, config, since=D("2022-04-01"), until=D("2022-03-31"))


# --- breakdowns -----------------------------------------------------------------------------


def test_followup_by_groups_meta_and_audit_columns(config: AuditConfig) -> None:
    exams = [
        exam(0, "a", "2022-01-01", triage="workup", meta={"radiologist": "Dr B"}),
        exam(1, "b", "2022-01-01", triage="workup", meta={"radiologist": "Dr A"}),
        exam(2, "c", "2022-01-01", triage="urgent", meta={"radiologist": "Dr A"}),
        exam(3, "d", "2022-01-01", triage="urgent", meta={"radiologist": "  "}),
        exam(4, "b", "2022-02-01", "US"),
    ]
    rows = audit_exams(exams, config).rows
    summary = summarize(rows, by=("radiologist", "level"))
    groups = [
        (r.scope, r.group, r.index_exams, r.completed)
        for r in summary
        if r.scope
        in (
            "radiologist",
            "level",
        )
    ]
    assert groups[-5:] == [
        ("radiologist", "Dr A", 2, 1),
        ("radiologist", "Dr B", 1, 0),
        ("radiologist", MISSING_GROUP, 1, 0),
        ("level", "urgent", 2, 0),
        ("level", "workup", 2, 1),
    ]


def test_followup_by_unknown_column(config: AuditConfig) -> None:
    assert check_by_columns(["site", " level ", "site"], ["site"]) == ("site", "level")
    with pytest.raises(CalcminerError, match=r"E323.*'radiolgist'.*site"):
        check_by_columns(["radiolgist"], ["site"])


# --- the exam index and the tables ----------------------------------------------------------


def _report_result(triage: str, recommendations: tuple[Recommendation, ...]) -> ReportResult:
    return ReportResult(
        report_id="x",
        calcification=True,
        count=1,
        count_category="single",
        max_size_mm=4.0,
        segments=(),
        lobes=(),
        bile_duct=False,
        diffuse=False,
        followup_recommended=bool(recommendations),
        triage=triage,  # type: ignore[arg-type]
        triage_rules=(),
        triage_reason="",
        evidence="",
        liver_followup_recommended=bool(recommendations),
        recommendations=recommendations,
    )


def test_followup_exam_index_keeps_columns_of_possible_index_exams_only(
    config: AuditConfig,
) -> None:
    detector = ModalityDetector(config.modality_rules, config.header_max_chars)
    meta = {"patient_id": "p", "exam_date": "2022-01-01", "modality": "US", "site": "North"}
    report = Report("x", "ULTRASOUND\nLIVER: ...", meta=meta)
    recommendation = Recommendation(
        "x", 0, "MRCP", 182, False, "liver", "liver", True, 20, 35, "MRCP in 6 months", (), ()
    )
    routine = undated_exam(0, report, _report_result("benign", ()), detector, ArchiveColumns())
    index = undated_exam(
        0, report, _report_result("none", (recommendation,)), detector, ArchiveColumns()
    )
    assert routine.meta == {} and routine.recommendations == ()  # type: ignore[union-attr]
    assert index.meta == {"site": "North"}  # type: ignore[union-attr]
    (kept,) = index.recommendations  # type: ignore[union-attr]
    assert (kept.modality, kept.named_modality, kept.interval_days, kept.liver) == (
        "MRI",
        "MRCP",
        182,
        True,
    )
    assert kept.evidence == "MRCP in 6 months@20-35"


def test_followup_tables_carry_columns_and_rename_clashes(config: AuditConfig) -> None:
    exams = [
        exam(0, "a", "2022-01-01", triage="workup", meta={"site": "N", "status": "x"}),
        exam(1, "b", "2022-01-01", triage="urgent", meta={"mrn": 7}),
    ]
    result = audit_exams(exams, config, as_of=D("2023-01-01"))
    frame = audit_frame(result.rows)
    assert list(frame.columns[-3:]) == ["site", "input_status", "mrn"]
    assert frame["site"].tolist() == ["N", None]
    assert frame["status"].tolist() == ["overdue", "overdue"]
    overdue = overdue_frame(result)
    assert overdue.columns[-4] == "days_overdue"  # carried columns follow, in first-seen order
    assert set(overdue.columns[-3:]) == {"site", "input_status", "mrn"}


# --- run_audit and the CLI ------------------------------------------------------------------

US = "ULTRASOUND ABDOMEN\n"
CT = "CT ABDOMEN WITH CONTRAST\n"
DUCTS = "LIVER: Multiple calcifications along the intrahepatic bile ducts of the right lobe."
PANCREAS = "PANCREAS: A 2 cm cyst. Recommend MRI of the pancreas for further characterization."
LIVER_REC = (
    "LIVER: A 9 mm calcification in segment VI. Follow-up ultrasound in 12 months is recommended."
)
NORMAL = "LIVER: Normal. No calcification."

#: (report_id, patient, date, text, radiologist, site)
ROWS = (
    ("a1", "p1", "2022-01-10", US + DUCTS, "Dr A", "North"),
    ("a2", "p1", "2022-02-01", CT + NORMAL, "Dr B", "North"),
    ("b1", "p2", "2022-01-15", US + PANCREAS, "Dr A", "South"),
    ("c1", "p3", "2022-02-20", US + LIVER_REC, "Dr B", "South"),
    ("c2", "p3", "2022-12-01", US + NORMAL, "Dr B", "South"),
    ("d1", "p4", "2022-04-02", US + DUCTS, "Dr A", "South"),
    ("e1", "p5", "2023-01-31", US + NORMAL, "Dr C", "North"),
)


def _archive(tmp_path: Path) -> Path:
    path = tmp_path / "archive.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["report_id", "patient_id", "exam_date", "text", "radiologist", "site"])
        writer.writerows(ROWS)
    return path


def test_followup_run_audit_scope_period_and_carried_columns(tmp_path: Path) -> None:
    archive = _archive(tmp_path)
    liver = run_audit(archive, tmp_path / "liver.csv", overdue_out=tmp_path / "o.csv")
    audit = pd.read_csv(tmp_path / "liver.csv", dtype=str, keep_default_na=False)
    assert audit["report_id"].tolist() == ["a1", "c1", "d1"]  # not b1: the pancreas
    assert liver.result.scope == "liver"
    assert audit["radiologist"].tolist() == ["Dr A", "Dr B", "Dr A"]
    c1 = audit.set_index("report_id").loc["c1"]
    assert (c1["due_source"], c1["status"], c1["due_date"]) == (
        "recommendation",
        "completed",
        (D("2022-02-20") + timedelta(days=365)).isoformat(),
    )
    assert "Follow-up ultrasound in 12 months" in c1["recommendation"]
    overdue = pd.read_csv(tmp_path / "o.csv", dtype=str, keep_default_na=False)
    assert overdue["report_id"].tolist() == ["d1"]
    assert overdue["site"].tolist() == ["South"]
    every = run_audit(archive, tmp_path / "all.csv", scope="all")
    assert [row.report_id for row in every.result.rows] == ["a1", "b1", "c1", "d1"]
    period = run_audit(
        archive, tmp_path / "q1.csv", since=D("2022-01-01"), until=D("2022-03-31"), by=("site",)
    )
    assert [row.report_id for row in period.result.rows] == ["a1", "c1"]
    assert [(r.group, r.index_exams) for r in period.summary if r.scope == "site"] == [
        ("North", 1),
        ("South", 1),
    ]


def test_followup_cli_options(tmp_path: Path) -> None:
    archive = _archive(tmp_path)
    args = ["audit", str(archive), "-o", str(tmp_path / "a.csv")]
    result = CliRunner().invoke(
        app, [*args, "--by", "radiologist,site", "--levels", "workup", "--scope", "all"]
    )
    assert result.exit_code == 0, result.output
    assert "scope: all" in result.output
    assert "levels: workup" in result.output
    assert "radiologist: Dr A" in result.output
    for row in ROWS:
        assert row[3].splitlines()[1] not in result.output  # never report text
    audit = pd.read_csv(tmp_path / "a.csv", dtype=str)
    assert set(audit["level"]) == {"workup"}
    for extra, code in (
        (["--since", "2022-13-01"], "E324"),
        (["--until", "soon"], "E324"),
        (["--since", "2022-05-01", "--until", "2022-01-01"], "E322"),
        (["--levels", "urgent,later"], "E321"),
        (["--scope", "kidney"], "E325"),
        (["--by", "radiolgist"], "E323"),
    ):
        result = CliRunner().invoke(app, [*args[:3], str(tmp_path / f"{code}.csv"), *extra])
        assert result.exit_code == 1, (extra, result.output)
        assert code in result.output
        assert not (tmp_path / f"{code}.csv").exists()


def test_followup_summary_json_safe(tmp_path: Path) -> None:
    """The summary table of a --by run writes and reads back (group names are text)."""
    archive = _archive(tmp_path)
    run_audit(archive, tmp_path / "a.jsonl", summary_out=tmp_path / "s.jsonl", by=("site",))
    lines = [json.loads(line) for line in (tmp_path / "s.jsonl").read_text().splitlines()]
    assert {line["group"] for line in lines if line["scope"] == "site"} == {"North", "South"}
