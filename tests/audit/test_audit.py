"""Follow-up audit: archives with known answers, rule files, modality, dates, CLI."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from suite_env import REPO_ROOT
from suite_helpers import copy_patterns
from typer.testing import CliRunner

from calcminer.cli import app
from calcminer.nlp.api import parse_as_of, run_audit
from calcminer.nlp.audit import (
    AUDIT_CONFIG_FILE,
    MODALITY_FILE,
    ArchiveColumns,
    AuditConfig,
    Exam,
    ModalityDetector,
    audit_exams,
    audit_level,
    load_audit_config,
    make_exam,
    parse_exam_date,
    summarize,
)
from calcminer.nlp.errors import CalcminerError, DataError, Errors, PatternError
from calcminer.nlp.schema import RecordError, Report, ReportResult

D = date.fromisoformat


@pytest.fixture(scope="module")
def config() -> AuditConfig:
    return load_audit_config()


def exam(
    order: int,
    patient: str,
    day: str,
    modality: str | None = "US",
    triage: str = "none",
    recommended: bool = False,
    report_id: str | None = None,
    liver: bool = True,
) -> Exam:
    """An exam; ``recommended`` is a follow-up recommendation, of the liver unless ``liver``
    is False (another organ's)."""
    return Exam(
        order=order,
        report_id=report_id or f"r{order}",
        patient_id=patient,
        exam_date=D(day),
        modality=modality,
        triage=triage,
        followup_recommended=recommended,
        liver_followup_recommended=recommended and liver,
    )


def by_id(exams: list[Exam], config: AuditConfig, as_of: str | None = None) -> dict[str, object]:
    result = audit_exams(exams, config, D(as_of) if as_of else None)
    return {row.report_id: row for row in result.rows}


# --- configuration -----------------------------------------------------------------------------


def test_audit_packaged_config_levels(config: AuditConfig) -> None:
    assert config.levels["urgent"].modalities == {"CT", "MRI"}
    assert config.levels["workup"].modalities == {"CT", "MRI", "US"}
    assert config.levels["recommended"].modalities == {"CT", "MRI", "US"}
    assert config.levels["urgent"].window_days < config.levels["workup"].window_days
    assert {"US", "CT", "MRI"} <= config.modalities


def test_audit_window_override_sets_every_level(config: AuditConfig) -> None:
    changed = config.with_window(7)
    assert {rule.window_days for rule in changed.levels.values()} == {7}
    assert config.with_window(None) is config


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("window_days = 30", "window_days = -1", "E009"),
        ("window_days = 30", "window_days = 30\nextra = 1", "E009"),
        ('qualifying_modalities = ["CT", "MRI"]', 'qualifying_modalities = ["PET"]', "E009"),
        ("[levels.recommended]", "[levels.other]", "E009"),
        ("header_max_chars = 200", "header_max_chars = 0", "E009"),
        ("[audit]", "[audit", "E008"),
    ],
)
def test_audit_bad_audit_config_names_file(tmp_path: Path, old: str, new: str, code: str) -> None:
    patterns = copy_patterns(tmp_path)
    path = patterns / AUDIT_CONFIG_FILE
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(PatternError) as info:
        load_audit_config(patterns)
    assert info.value.code == code
    assert AUDIT_CONFIG_FILE in str(info.value)


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ('{"label": "CT", "pattern": "scan"}', "E006"),
        ('{"id": "Bad Id", "label": "CT", "pattern": "scan"}', "E007"),
        ('{"id": "modality_us_ultrasound", "label": "US", "pattern": "echo"}', "E004"),
        ('{"id": "modality_x", "label": "CT", "pattern": "scan", "color": 1}', "E003"),
        ('{"id": "modality_x", "label": "CT", "pattern": ""}', "E007"),
        ("{not json", "E002"),
    ],
)
def test_audit_bad_modality_rule_names_rule(tmp_path: Path, line: str, code: str) -> None:
    patterns = copy_patterns(tmp_path)
    with (patterns / MODALITY_FILE).open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")
    with pytest.raises(PatternError) as info:
        load_audit_config(patterns)
    assert info.value.code == code
    assert MODALITY_FILE in str(info.value)


def test_audit_missing_audit_file(tmp_path: Path) -> None:
    patterns = copy_patterns(tmp_path)
    (patterns / AUDIT_CONFIG_FILE).unlink()
    with pytest.raises(PatternError) as info:
        load_audit_config(patterns)
    assert info.value.code == "E001"


# --- modality ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ULTRASOUND ABDOMEN\nLIVER: normal.", "US"),
        ("US LIVER\nFindings: normal.", "US"),
        ("EXAM: US ABDOMEN COMPLETE", "US"),
        ("Abdominal sonography: liver normal.", "US"),
        ("CT ABDOMEN AND PELVIS WITH CONTRAST\nLIVER: ...", "CT"),
        ("Computed tomography of the abdomen.", "CT"),
        ("MRI LIVER WITHOUT AND WITH CONTRAST", "MRI"),
        ("MR ABDOMEN\nLIVER", "MRI"),
        ("MRCP: no duct stones.", "MRI"),
        # The earliest phrase wins: a CT that compares with an ultrasound is a CT.
        ("CT ABDOMEN. Comparison: ultrasound 2021.", "CT"),
        ("ULTRASOUND ABDOMEN. Comparison: CT 2021.", "US"),
        # Whole words, case rules: "us" and "Mr." are not modalities.
        ("Findings: the liver shows us nothing. Mr. Smith.", None),
        ("The liver is normal in size.", None),
        ("Doctor: 'ACT' protocol", None),
    ],
)
def test_audit_modality_from_header(config: AuditConfig, text: str, expected: str | None) -> None:
    detector = ModalityDetector(config.modality_rules, config.header_max_chars)
    assert detector.from_header(text) == expected


def test_audit_modality_only_in_header(config: AuditConfig) -> None:
    detector = ModalityDetector(config.modality_rules, header_max_chars=20)
    text = "Abdominal exam, see below.\n" + "x" * 50 + " CT follow-up recommended."
    assert detector.from_header(text) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [("US", "US"), ("us", "US"), ("Ultrasound", "US"), ("MR", "MRI"), ("mri", "MRI"),
     ("CT", "CT"), ("ct abdomen", "CT"), ("PET", None), ("XR", None)],
)  # fmt: skip
def test_audit_modality_from_column_value(
    config: AuditConfig, value: str, expected: str | None
) -> None:
    detector = ModalityDetector(config.modality_rules, config.header_max_chars)
    assert detector.from_value(value) == expected


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "fmt", "expected"),
    [
        ("2021-03-04", None, date(2021, 3, 4)),
        (" 2021-03-04 ", None, date(2021, 3, 4)),
        ("2021-03-04T10:30:00", None, date(2021, 3, 4)),
        ("2021-03-04 10:30", None, date(2021, 3, 4)),
        (date(2021, 3, 4), None, date(2021, 3, 4)),
        (datetime(2021, 3, 4, 23, 59), None, date(2021, 3, 4)),
        (pd.Timestamp("2021-03-04 08:00"), None, date(2021, 3, 4)),
        ("04/03/2021", "%d/%m/%Y", date(2021, 3, 4)),
    ],
)
def test_audit_parse_exam_date(value: object, fmt: str | None, expected: date) -> None:
    assert parse_exam_date(value, fmt) == expected


@pytest.mark.parametrize(
    ("value", "fmt"),
    [(None, None), ("", None), ("   ", None), ("unknown", None), ("2021-02-30", None),
     ("31/02/2021", None), ("31/02/2021", "%d/%m/%Y"), (20210304, None), (float("nan"), None),
     ("2021-03-04x", None)],
)  # fmt: skip
def test_audit_parse_exam_date_rejects(value: object, fmt: str | None) -> None:
    with pytest.raises(ValueError) as info:
        parse_exam_date(value, fmt)
    assert isinstance(info.value, DataError) and info.value.code == "E313"
    assert str(info.value) == Errors.E313.format(detail=info.value.detail)
    if isinstance(value, str) and value.strip():
        assert value.strip() not in str(info.value)


def _result(report_id: str, triage: str = "none", recommended: bool = False) -> ReportResult:
    return ReportResult(
        report_id=report_id,
        calcification=False,
        count=None,
        count_category="none",
        max_size_mm=None,
        segments=(),
        lobes=(),
        bile_duct=False,
        diffuse=False,
        followup_recommended=recommended,
        triage=triage,  # type: ignore[arg-type]
        triage_rules=(),
        triage_reason="",
        evidence="",
    )


def test_audit_make_exam_reads_columns_and_header(config: AuditConfig) -> None:
    detector = ModalityDetector(config.modality_rules, config.header_max_chars)
    report = Report(
        "a1",
        "CT ABDOMEN\nLIVER: normal.",
        meta={"pid": 42, "when": "2022-05-06", "kind": "MR"},
        source="f.jsonl",
        line=3,
    )
    columns = ArchiveColumns(patient="pid", date="when", modality="kind")
    made = make_exam(5, report, _result("a1", "workup"), detector, columns)
    assert made == Exam(5, "a1", "42", date(2022, 5, 6), "MRI", "workup", False)
    # No modality column value: the header decides.
    blank = Report("a2", report.text, meta={"pid": "p", "when": "2022-05-06", "kind": " "})
    made = make_exam(6, blank, _result("a2"), detector, columns)
    assert isinstance(made, Exam) and made.modality == "CT"


@pytest.mark.parametrize(
    ("meta", "code"),
    [
        ({"exam_date": "2022-01-01"}, "E301"),
        ({"patient_id": "  ", "exam_date": "2022-01-01"}, "E301"),
        ({"patient_id": True, "exam_date": "2022-01-01"}, "E301"),
        ({"patient_id": "p"}, "E302"),
        ({"patient_id": "p", "exam_date": "2022-13-01"}, "E302"),
    ],
)
def test_audit_make_exam_error_rows(
    config: AuditConfig, meta: dict[str, object], code: str
) -> None:
    detector = ModalityDetector(config.modality_rules, config.header_max_chars)
    report = Report("x9", "SECRET TEXT", meta=meta, source="a.csv", line=12)
    made = make_exam(0, report, _result("x9"), detector)
    assert isinstance(made, RecordError)
    assert (made.code, made.source, made.line, made.report_id) == (code, "a.csv", 12, "x9")
    assert "SECRET" not in made.reason


def test_audit_make_exam_words_a_bad_date_as_e302_with_the_reason_alone(
    config: AuditConfig,
) -> None:
    """parse_exam_date's E313 becomes the record's E302: the reason, without E313's code."""
    detector = ModalityDetector(config.modality_rules, config.header_max_chars)
    report = Report("x9", "TEXT", meta={"patient_id": "p", "exam_date": "2022-13-01"})
    made = make_exam(0, report, _result("x9"), detector)
    assert isinstance(made, RecordError)
    detail = "not a calendar date"
    assert made.reason == Errors.E302.format(column="exam_date", detail=detail)


# --- statuses, levels, windows -----------------------------------------------------------------


def test_audit_index_levels() -> None:
    assert audit_level("urgent", False) == "urgent"
    assert audit_level("workup", True) == "workup"
    assert audit_level("benign", True) == "recommended"
    assert audit_level("none", True) == "recommended"
    assert audit_level("benign", False) is None
    assert audit_level("none", False) is None


def test_audit_every_status_and_level(config: AuditConfig) -> None:
    # windows: urgent 30, workup 90, recommended 180 (patterns/audit.toml)
    exams = [
        # urgent, MRI after 20 days -> completed
        exam(0, "a", "2022-01-01", triage="urgent"),
        exam(1, "a", "2022-01-21", "MRI"),
        # urgent, CT after 45 days -> late
        exam(2, "b", "2022-01-01", triage="urgent"),
        exam(3, "b", "2022-02-15", "CT"),
        # urgent, only an ultrasound afterwards -> overdue (US does not qualify)
        exam(4, "c", "2022-01-01", triage="urgent"),
        exam(5, "c", "2022-01-10", "US"),
        # workup, US after exactly 90 days -> completed (the due date counts)
        exam(6, "d", "2022-01-01", triage="workup"),
        exam(7, "d", "2022-04-01", "US"),
        # workup, nothing, 91+ days ago -> overdue
        exam(8, "e", "2022-01-01", triage="workup"),
        # recommended (benign with a recommendation), CT 200 days later -> late
        exam(9, "f", "2022-01-01", triage="benign", recommended=True),
        exam(10, "f", "2022-07-20", "CT"),
        # recommended, none yet, due after the as-of date -> pending
        exam(11, "g", "2022-06-01", triage="none", recommended=True),
        # not index exams
        exam(12, "h", "2022-01-01", triage="benign"),
        exam(13, "i", "2022-08-01", triage="none"),
    ]
    rows = by_id(exams, config)  # as-of = latest exam date 2022-08-01
    assert set(rows) == {"r0", "r2", "r4", "r6", "r8", "r9", "r11"}
    expected = {
        "r0": ("urgent", "completed", "r1", "MRI", 20, "2022-01-31"),
        "r2": ("urgent", "late", "r3", "CT", 45, "2022-01-31"),
        "r4": ("urgent", "overdue", None, None, None, "2022-01-31"),
        "r6": ("workup", "completed", "r7", "US", 90, "2022-04-01"),
        "r8": ("workup", "overdue", None, None, None, "2022-04-01"),
        "r9": ("recommended", "late", "r10", "CT", 200, "2022-06-30"),
        "r11": ("recommended", "pending", None, None, None, "2022-11-28"),
    }
    for report_id, (level, status, follow, modality, days, due) in expected.items():
        row = rows[report_id]
        got = (
            row.level,  # type: ignore[attr-defined]
            row.status,  # type: ignore[attr-defined]
            row.followup_report_id,  # type: ignore[attr-defined]
            row.followup_modality,  # type: ignore[attr-defined]
            row.days_to_followup,  # type: ignore[attr-defined]
            row.due_date.isoformat(),  # type: ignore[attr-defined]
        )
        assert got == (level, status, follow, modality, days, due), report_id


def test_audit_as_of_decides_pending_overdue_and_leaves_out_later_exams(
    config: AuditConfig,
) -> None:
    exams = [
        exam(0, "a", "2022-01-01", triage="workup"),
        exam(1, "a", "2022-05-01", "CT"),
        exam(2, "b", "2022-03-01", triage="urgent"),
    ]
    early = audit_exams(exams, config, D("2022-03-15"))
    rows = {row.report_id: row for row in early.rows}
    # The CT of 2022-05-01 is after the as-of date: not yet happened.
    assert rows["r0"].status == "pending" and rows["r0"].followup_report_id is None
    assert rows["r2"].status == "pending"
    assert (early.exams, early.exams_after_as_of) == (2, 1)
    later = {row.report_id: row for row in audit_exams(exams, config, D("2022-06-01")).rows}
    assert later["r0"].status == "late"
    assert later["r2"].status == "overdue"
    # Due date equal to the as-of date: still pending.
    on_due = {r.report_id: r for r in audit_exams(exams, config, D("2022-03-31")).rows}
    assert on_due["r2"].status == "pending"
    before = audit_exams(exams, config, D("2021-12-31"))
    assert before.rows == () and before.exams_after_as_of == 3


def test_audit_window_override_changes_status(config: AuditConfig) -> None:
    exams = [exam(0, "a", "2022-01-01", triage="workup"), exam(1, "a", "2022-01-20", "CT")]
    assert by_id(exams, config)["r0"].status == "completed"  # type: ignore[attr-defined]
    assert by_id(exams, config.with_window(10))["r0"].status == "late"  # type: ignore[attr-defined]


def test_audit_first_qualifying_exam_is_the_followup(config: AuditConfig) -> None:
    exams = [
        exam(0, "a", "2022-01-01", triage="urgent"),
        exam(1, "a", "2022-01-05", "US"),
        exam(2, "a", "2022-01-09", None),  # unknown modality never qualifies
        exam(3, "a", "2022-01-12", "MRI"),
        exam(4, "a", "2022-01-20", "CT"),
        exam(5, "z", "2022-01-02", "CT"),  # another patient
    ]
    row = by_id(exams, config)["r0"]
    assert row.followup_report_id == "r3"  # type: ignore[attr-defined]
    assert row.days_to_followup == 11  # type: ignore[attr-defined]


def test_audit_earlier_exams_never_count(config: AuditConfig) -> None:
    exams = [exam(0, "a", "2022-02-01", triage="workup"), exam(1, "a", "2022-01-01", "CT")]
    row = by_id(exams, config, "2022-03-01")["r0"]
    assert row.status == "pending"  # type: ignore[attr-defined]


def test_audit_same_day_exams_ordered_by_archive_position(config: AuditConfig) -> None:
    # US (index) then CT on the same day, in that archive order: the CT completes it.
    exams = [exam(0, "a", "2022-01-01", triage="urgent"), exam(1, "a", "2022-01-01", "CT")]
    row = by_id(exams, config, "2022-03-01")["r0"]
    assert (row.status, row.days_to_followup) == ("completed", 0)  # type: ignore[attr-defined]
    # CT listed before the US on that day: it came first, so it is not a follow-up.
    exams = [exam(0, "a", "2022-01-01", "CT"), exam(1, "a", "2022-01-01", triage="urgent")]
    row = by_id(exams, config, "2022-03-01")["r1"]
    assert row.status == "overdue"  # type: ignore[attr-defined]


def test_audit_index_exam_that_is_itself_a_followup(config: AuditConfig) -> None:
    exams = [
        exam(0, "a", "2022-01-01", "US", triage="workup"),
        exam(1, "a", "2022-02-01", "CT", triage="workup"),  # completes r0, is an index exam
        exam(2, "a", "2022-03-01", "MRI"),
    ]
    rows = by_id(exams, config)
    assert rows["r0"].followup_report_id == "r1"  # type: ignore[attr-defined]
    assert rows["r1"].followup_report_id == "r2"  # type: ignore[attr-defined]
    assert rows["r1"].status == "completed"  # type: ignore[attr-defined]


def test_audit_patient_with_several_index_exams(config: AuditConfig) -> None:
    exams = [
        exam(0, "a", "2020-01-01", triage="urgent"),
        exam(1, "a", "2020-01-15", "CT"),
        exam(2, "a", "2021-06-01", triage="workup"),
        exam(3, "a", "2022-01-01", triage="benign", recommended=True),
    ]
    rows = by_id(exams, config, "2022-12-31")
    statuses = [rows[r].status for r in ("r0", "r2", "r3")]  # type: ignore[attr-defined]
    # r3 (an ultrasound) is itself an index exam and the late follow-up of r2.
    assert statuses == ["completed", "late", "overdue"]
    assert rows["r2"].followup_report_id == "r3"  # type: ignore[attr-defined]


def test_audit_summary_counts_and_rates(config: AuditConfig) -> None:
    exams = [
        exam(0, "a", "2022-01-01", triage="urgent", recommended=True),
        exam(1, "a", "2022-01-11", "CT"),  # completed, 10 days
        exam(2, "b", "2022-01-20", triage="workup"),
        exam(3, "b", "2022-06-20", "US"),  # late, 151 days
        exam(4, "c", "2022-02-01", triage="workup"),  # overdue
        exam(5, "d", "2022-07-01", triage="none", recommended=True),  # pending
    ]
    result = audit_exams(exams, config)
    rows = {(r.scope, r.group): r for r in summarize(result.rows)}
    overall = rows[("overall", "all")]
    assert (overall.index_exams, overall.completed, overall.late, overall.overdue) == (4, 1, 1, 1)
    assert overall.pending == 1
    assert overall.on_time_rate == pytest.approx(1 / 3)
    assert overall.median_days_to_followup == pytest.approx(80.5)
    workup = rows[("level", "workup")]
    assert (workup.index_exams, workup.on_time_rate) == (2, 0.0)
    recommended = rows[("level", "recommended")]
    assert recommended.on_time_rate is None and recommended.median_days_to_followup is None
    assert rows[("month", "2022-01")].index_exams == 2
    assert rows[("month", "2022-02")].overdue == 1
    assert ("month", "2022-06") not in rows  # months come from index exams only
    assert rows[("concordance", "flagged_and_recommended")].index_exams == 1
    assert rows[("concordance", "flagged_not_recommended")].index_exams == 2
    assert rows[("concordance", "recommended_not_flagged")].index_exams == 1
    assert [r.scope for r in summarize(result.rows)][:4] == ["overall", "level", "level", "level"]


def test_audit_empty_archive_summary(config: AuditConfig) -> None:
    result = audit_exams([], config, D("2022-01-01"))
    summary = summarize(result.rows)
    assert result.rows == ()
    assert all(row.index_exams == 0 for row in summary)


# --- end to end --------------------------------------------------------------------------------

US = "ULTRASOUND ABDOMEN\n"
CT = "CT ABDOMEN WITH CONTRAST\n"
MRI = "MRI LIVER WITHOUT AND WITH CONTRAST\n"
DUCTS = "LIVER: Multiple calcifications along the intrahepatic bile ducts of the right lobe."
BIG = "LIVER: A 4.2 cm calcified mass in segment VII."
SMALL = "LIVER: A single 4 mm calcified granuloma in segment VI."
NORMAL = "LIVER: Normal in size and echotexture. No calcification."
RECOMMEND = "LIVER: Normal.\nIMPRESSION: Recommend follow-up ultrasound in 6 months."


def _archive_rows() -> list[dict[str, object]]:
    rows: list[tuple[str, str, str | None, str]] = [
        ("e01", "p1", "2021-01-05", US + DUCTS),  # workup -> CT 2021-02-01 completed
        ("e02", "p1", "2021-02-01", CT + NORMAL),
        ("e03", "p2", "2021-03-01", US + BIG),  # urgent -> US only -> overdue
        ("e04", "p2", "2021-03-10", US + NORMAL),
        ("e05", "p3", "2021-04-01", US + BIG),  # urgent -> MRI 2021-06-01 late
        ("e06", "p3", "2021-06-01", MRI + NORMAL),
        ("e07", "p4", "2021-05-01", US + SMALL),  # benign, not an index exam
        ("e08", "p5", "2021-06-15", US + RECOMMEND),  # recommended -> pending
        ("e09", "p6", "", US + NORMAL),  # E302
        ("e10", "", "2021-06-01", US + NORMAL),  # E301
        ("e11", "p7", "2021-06-20", US + NORMAL),  # latest date: the as-of
    ]
    return [{"report_id": r, "patient_id": p, "exam_date": d, "text": t} for r, p, d, t in rows]


EXPECTED = {
    "e01": ("workup", "completed", "e02", "CT", 27),
    "e03": ("urgent", "overdue", None, None, None),
    "e05": ("urgent", "late", "e06", "MRI", 61),
    "e08": ("recommended", "pending", None, None, None),
}


def _check_audit_table(frame: pd.DataFrame) -> None:
    assert list(frame["report_id"]) == list(EXPECTED)
    for _, row in frame.iterrows():
        level, status, follow, modality, days = EXPECTED[row["report_id"]]
        assert row["level"] == level and row["status"] == status
        assert (None if pd.isna(row["followup_report_id"]) else row["followup_report_id"]) == follow
        assert (None if pd.isna(row["followup_modality"]) else row["followup_modality"]) == modality
        got_days = row["days_to_followup"]
        assert (None if pd.isna(got_days) else int(got_days)) == days


def _write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_audit_run_end_to_end(tmp_path: Path, miner: object) -> None:
    archive = _write_jsonl(tmp_path / "archive.jsonl", _archive_rows())
    summary = run_audit(
        archive,
        tmp_path / "audit.csv",
        summary_out=tmp_path / "summary.csv",
        overdue_out=tmp_path / "overdue.csv",
        miner=miner,  # type: ignore[arg-type]
    )
    assert summary.rows_match and (summary.records_read, summary.exams, summary.errors) == (
        11,
        9,
        2,
    )
    assert summary.result.as_of == date(2021, 6, 20)
    audit = pd.read_csv(tmp_path / "audit.csv", dtype=str, keep_default_na=False)
    assert list(audit.columns[:11]) == [
        "report_id", "patient_id", "exam_date", "triage", "followup_recommended", "due_date",
        "status", "followup_report_id", "followup_modality", "followup_date", "days_to_followup",
    ]  # fmt: skip
    _check_audit_table(audit.replace("", None))
    assert audit.set_index("report_id").loc["e01", "due_date"] == "2021-04-05"
    errors = pd.read_csv(tmp_path / "audit.errors.csv", dtype=str)
    assert list(zip(errors["report_id"], errors["code"], errors["line"], strict=True)) == [
        ("e09", "E302", "9"),
        ("e10", "E301", "10"),
    ]
    overdue = pd.read_csv(tmp_path / "overdue.csv", dtype=str)
    assert list(overdue["report_id"]) == ["e03"]
    assert overdue["days_overdue"].tolist() == ["81"]  # due 2021-03-31, as of 2021-06-20
    table = pd.read_csv(tmp_path / "summary.csv", dtype=str, keep_default_na=False)
    overall = table[table["scope"] == "overall"].iloc[0]
    assert (overall["index_exams"], overall["completed"], overall["late"]) == ("4", "1", "1")
    assert (overall["overdue"], overall["pending"]) == ("1", "1")


def test_audit_run_modality_column_and_csv(tmp_path: Path, miner: object) -> None:
    rows = _archive_rows()
    # A modality column overrides the header: e06 recorded as US cannot complete urgent e05.
    for row in rows:
        row["modality"] = "US" if row["report_id"] == "e06" else ""
    path = tmp_path / "archive.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    run_audit(path, tmp_path / "audit.parquet", miner=miner)  # type: ignore[arg-type]
    audit = pd.read_parquet(tmp_path / "audit.parquet").set_index("report_id")
    assert audit.loc["e05", "status"] == "overdue"
    assert audit.loc["e01", "status"] == "completed"
    assert audit.loc["e01", "exam_date"] == date(2021, 1, 5)


def test_audit_run_as_of_and_window(tmp_path: Path, miner: object) -> None:
    archive = _write_jsonl(tmp_path / "archive.jsonl", _archive_rows())
    summary = run_audit(
        archive,
        tmp_path / "audit.jsonl",
        as_of=date(2021, 12, 31),
        window_days=100,
        miner=miner,  # type: ignore[arg-type]
    )
    rows = {row.report_id: row for row in summary.result.rows}
    assert rows["e05"].status == "completed"  # 61 days <= 100
    assert rows["e08"].status == "overdue"  # due 2021-09-23 < as-of
    assert set(summary.result.windows_days.values()) == {100}


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"window_days": -1}, "E304"),
        ({"db_url": "sqlite://", "query": "select 1"}, "E305"),
        ({"plot_out": "plot.svg"}, "E306"),
        ({"summary_out": "audit.csv"}, "E203"),
        ({"summary_out": "summary.txt"}, "E201"),
    ],
)
def test_audit_run_checks_options_before_work(
    tmp_path: Path, kwargs: dict[str, object], code: str
) -> None:
    archive = _write_jsonl(tmp_path / "archive.jsonl", _archive_rows())
    for key in ("plot_out", "summary_out"):
        if key in kwargs:
            kwargs[key] = tmp_path / str(kwargs[key])
    with pytest.raises(CalcminerError) as info:
        run_audit(archive, tmp_path / "audit.csv", **kwargs)  # type: ignore[arg-type]
    assert info.value.code == code
    assert not (tmp_path / "audit.csv").exists()


def test_audit_run_needs_an_input(tmp_path: Path) -> None:
    with pytest.raises(CalcminerError) as info:
        run_audit(None, tmp_path / "audit.csv")
    assert info.value.code == "E305"
    with pytest.raises(CalcminerError) as info:
        run_audit(None, tmp_path / "audit.csv", db_url="sqlite://")
    assert info.value.code == "E305"


def test_audit_parse_as_of() -> None:
    assert parse_as_of("2022-01-31") == date(2022, 1, 31)
    assert parse_as_of(None) is None
    with pytest.raises(CalcminerError) as info:
        parse_as_of("31.01.2022")
    assert info.value.code == "E303"


def test_audit_cli(tmp_path: Path) -> None:
    archive = _write_jsonl(tmp_path / "archive.jsonl", _archive_rows())
    result = CliRunner().invoke(
        app,
        [
            "audit",
            str(archive),
            "-o",
            str(tmp_path / "audit.csv"),
            "--summary-out",
            str(tmp_path / "summary.csv"),
            "--as-of",
            "2021-06-20",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "check: records in 11 = exams 9 + error rows 2: ok" in result.output
    assert "E307 2 archive record(s)" in result.output
    for level in ("urgent", "workup", "recommended"):
        assert level in result.output
    for text in (DUCTS, BIG, NORMAL):
        assert text not in result.output
    _check_audit_table(pd.read_csv(tmp_path / "audit.csv"))


def test_audit_cli_bad_as_of(tmp_path: Path) -> None:
    archive = _write_jsonl(tmp_path / "archive.jsonl", _archive_rows())
    result = CliRunner().invoke(
        app, ["audit", str(archive), "-o", str(tmp_path / "a.csv"), "--as-of", "soon"]
    )
    assert result.exit_code == 1
    assert "E303" in result.output


def test_audit_run_writes_plot(tmp_path: Path, miner: object) -> None:
    archive = _write_jsonl(tmp_path / "archive.jsonl", _archive_rows())
    summary = run_audit(
        archive,
        tmp_path / "audit.csv",
        plot_out=tmp_path / "plots" / "audit.png",
        miner=miner,  # type: ignore[arg-type]
    )
    png = tmp_path / "plots" / "audit.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert ("plot", png, 0) in [(r, Path(p), n) for r, p, n in summary.outputs]


def test_audit_run_from_sqlite(tmp_path: Path, miner: object) -> None:
    import sqlite3

    database = tmp_path / "exams.db"
    with sqlite3.connect(database) as connection:
        connection.execute(
            "CREATE TABLE exams (acc TEXT, mrn TEXT, exam_date TEXT, report TEXT, site TEXT)"
        )
        connection.executemany(
            "INSERT INTO exams VALUES (?, ?, ?, ?, 'main')",
            [(r["report_id"], r["patient_id"], r["exam_date"], r["text"]) for r in _archive_rows()],
        )
    connection.close()
    query = (
        "SELECT acc AS report_id, mrn AS patient_id, exam_date, report AS text "
        "FROM exams WHERE site = 'main' ORDER BY rowid"
    )
    summary = run_audit(
        None,
        tmp_path / "audit.csv",
        db_url=f"sqlite:///{database}",
        query=query,
        miner=miner,  # type: ignore[arg-type]
    )
    assert (summary.records_read, summary.exams, summary.errors) == (11, 9, 2)
    _check_audit_table(pd.read_csv(tmp_path / "audit.csv"))
    errors = pd.read_csv(tmp_path / "audit.errors.csv", dtype=str)
    assert list(errors["code"]) == ["E302", "E301"]
    assert all(source.startswith("sqlite:///") for source in errors["source"])


def test_audit_cli_from_sqlite_with_plot(tmp_path: Path) -> None:
    import sqlite3

    database = tmp_path / "exams.db"
    with sqlite3.connect(database) as connection:
        connection.execute(
            "CREATE TABLE exams (report_id TEXT, patient_id TEXT, exam_date TEXT, text TEXT)"
        )
        connection.executemany(
            "INSERT INTO exams VALUES (:report_id, :patient_id, :exam_date, :text)",
            _archive_rows(),
        )
    connection.close()
    result = CliRunner().invoke(
        app,
        [
            "audit",
            "--db",
            f"sqlite:///{database}",
            "--query",
            "SELECT * FROM exams",
            "-o",
            str(tmp_path / "audit.csv"),
            "--overdue-out",
            str(tmp_path / "overdue.csv"),
            "--plot-out",
            str(tmp_path / "audit.png"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "wrote plot" in result.output
    assert (tmp_path / "audit.png").stat().st_size > 1000
    _check_audit_table(pd.read_csv(tmp_path / "audit.csv"))


def test_audit_demo_archive_every_row_as_designed(tmp_path: Path, miner: object) -> None:
    """The demo archive's designed level and status of every exam, through the real audit, in
    both scopes: ``liver`` (the default; ``intended_level``/``intended_status``) and ``all``
    (``intended_level_all``/``intended_status_all``)."""
    folder = REPO_ROOT / "sample_reports" / "audit"
    labels = pd.read_csv(folder / "archive.labels.csv", dtype=str, keep_default_na=False)
    broken = set(labels.loc[labels["intended_status"] == "error", "report_id"])
    got_by_scope: dict[str, dict[str, tuple[str, str]]] = {}
    # The default scope (None: audit.toml's, "liver") has the plain columns.
    for scope, suffix in ((None, ""), ("all", "_all")):
        out = tmp_path / f"audit_{scope or 'default'}.csv"
        summary = run_audit(
            folder / "archive.jsonl",
            out,
            miner=miner,  # type: ignore[arg-type]
            scope=scope,
        )
        audit = pd.read_csv(out, dtype=str, keep_default_na=False)
        got = {row.report_id: (row.level, row.status) for row in audit.itertuples()}
        designed = {
            row["report_id"]: (row[f"intended_level{suffix}"], row[f"intended_status{suffix}"])
            for row in labels.to_dict("records")
            if row[f"intended_status{suffix}"] not in ("", "error")
        }
        assert got == designed, scope
        errors = pd.read_csv(out.with_name(f"{out.stem}.errors.csv"), dtype=str)
        assert set(errors["report_id"]) == broken
        assert summary.rows_match and summary.records_read == len(labels)
        got_by_scope[suffix or "liver"] = got
    liver, every = got_by_scope["liver"], got_by_scope["_all"]
    # Scope "all" adds index exams (recommendations about another organ) and changes none.
    assert set(liver) < set(every)
    assert {report_id: every[report_id] for report_id in liver} == liver
