"""The CLI on the dates of real RIS exports (issue 14, item 5): every layout the audit reads,
an ambiguous date column stops the audit until ``--dayfirst``, ``--monthfirst`` or
``--date-format`` says the order, and a run in which every record is an error row (audit or
extract) exits 1 with E255."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from dated_archives import (
    ERROR_COUNT,
    EXAM_COUNT,
    LAYOUTS,
    ambiguous_exams,
    archive_rows,
    write_csv,
)
from typer.testing import CliRunner

from calcminer.cli import app

runner = CliRunner()


def _audit(tmp_path: Path, name: str, rows: list[dict[str, str]], *options: str) -> Any:
    """Run ``calcminer audit`` on a CSV archive of ``rows`` into ``tmp_path/name``."""
    folder = tmp_path / name
    folder.mkdir()
    archive = write_csv(folder / "archive.csv", rows)
    args = ["audit", str(archive), "-o", str(folder / "audit.csv")]
    args += ["--summary-out", str(folder / "summary.csv"), *options]
    return runner.invoke(app, args), folder


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_cli_dates_every_layout_audits_as_iso(tmp_path: Path, shared_miner: Any, layout: str):
    reference, iso = _audit(tmp_path, "reference", archive_rows())
    assert reference.exit_code == 0, reference.output
    result, out = _audit(tmp_path, layout, archive_rows(layout))
    assert result.exit_code == 0, result.output
    check = f"records in {EXAM_COUNT + ERROR_COUNT} = exams {EXAM_COUNT} + error rows 2: ok"
    assert check in result.stdout
    for name in ("audit.csv", "summary.csv"):
        assert (out / name).read_bytes() == (iso / name).read_bytes(), name


def test_cli_dates_ambiguous_column_stops_and_names_the_fixes(tmp_path: Path, shared_miner: Any):
    rows = archive_rows("day_first_time", ambiguous_exams())
    result, out = _audit(tmp_path, "ambiguous", rows)
    assert result.exit_code == 1
    assert result.stderr.startswith("E318 Exam date column 'exam_date' is ambiguous")
    for fix in ("--dayfirst", "--monthfirst", "--date-format"):
        assert fix in result.stderr
    assert not (out / "audit.csv").exists() and not (out / "audit.errors.csv").exists()


@pytest.mark.parametrize(
    ("options", "first_exam"),
    [
        (["--dayfirst"], "2021-01-05"),
        (["--monthfirst"], "2021-05-01"),
        (["--date-format", "%d/%m/%Y %H:%M"], "2021-01-05"),
    ],
)
def test_cli_dates_ambiguous_column_fixed_by_an_option(
    tmp_path: Path, shared_miner: Any, options: list[str], first_exam: str
) -> None:
    rows = archive_rows("day_first_time", ambiguous_exams())
    result, out = _audit(tmp_path, "fixed", rows, *options)
    assert result.exit_code == 0, result.output
    audit = (out / "audit.csv").read_text(encoding="utf-8").splitlines()
    assert audit[1].startswith(f"e01,p1,{first_exam},")


def test_cli_dates_dayfirst_reads_a_month_first_date_as_an_error_row(
    tmp_path: Path, shared_miner: Any
) -> None:
    rows = archive_rows("day_first")
    rows[0]["exam_date"] = "01/13/2021"  # only month first: the mixed column stops (E319)
    result, _ = _audit(tmp_path, "mixed", rows)
    assert result.exit_code == 1 and result.stderr.startswith("E319")
    assert "report 'e07'" in result.stderr and "report 'e01'" in result.stderr
    result, out = _audit(tmp_path, "dayfirst", rows, "--dayfirst")
    assert result.exit_code == 0, result.output
    errors = (out / "audit.errors.csv").read_text(encoding="utf-8")
    assert "not a calendar date read day first" in errors and "01/13/2021" not in errors


def test_cli_dates_format_with_an_order_is_e320(tmp_path: Path, shared_miner: Any) -> None:
    result, _ = _audit(tmp_path, "both", archive_rows(), "--date-format", "%Y", "--monthfirst")
    assert result.exit_code == 1 and result.stderr.startswith("E320")


# --- a run in which every record is an error row fails ----------------------------------------


def test_cli_dates_audit_with_every_record_an_error_row_exits_1(
    tmp_path: Path, shared_miner: Any
) -> None:
    rows = archive_rows()
    result, out = _audit(tmp_path, "wrong_column", rows, "--date-col", "date")
    assert result.exit_code == 1
    assert "check: records in 10 = exams 0 + error rows 10: ok" in result.stdout
    assert "E307 10 archive record(s)" in result.stderr
    assert "E255 All 10 record(s) read became error rows (codes: E301 x1, E302 x9)" in (
        result.stderr
    )
    assert "--date-col" in result.stderr.split("E255")[1]
    assert (out / "audit.csv").exists() and (out / "audit.errors.csv").exists()


@pytest.mark.parametrize("strict", [False, True])
def test_cli_dates_extract_with_every_record_an_error_row_exits_1(
    tmp_path: Path, use_fake_miner: Any, strict: bool
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"report_id": "a", "text": ""}\n{"report_id": "b", "text": 3}\n', encoding="utf-8"
    )
    args = ["extract", str(source), "-o", str(tmp_path / "reports.csv"), "--quiet"]
    result = runner.invoke(app, [*args, *(["--strict"] if strict else [])])
    assert result.exit_code == 1
    assert "E208 2 input record(s)" in result.stderr
    assert "E255 All 2 record(s) read became error rows (codes: E113 x1, E114 x1)" in (
        result.stderr
    )
    assert "E213" not in result.stderr
    assert (tmp_path / "reports.csv").exists() and (tmp_path / "reports.errors.csv").exists()


def test_cli_dates_runs_with_some_or_no_records_keep_exit_0(
    tmp_path: Path, use_fake_miner: Any
) -> None:
    some = tmp_path / "some.jsonl"
    lines = '{"report_id": "a", "text": ""}\n{"report_id": "b", "text": "x"}\n'
    some.write_text(lines, encoding="utf-8")
    empty = tmp_path / "empty.csv"
    empty.write_text("report_id,text\n", encoding="utf-8")
    for source in (some, empty):
        out = tmp_path / f"{source.stem}_reports.csv"
        result = runner.invoke(app, ["extract", str(source), "-o", str(out), "--quiet"])
        assert result.exit_code == 0, result.output
        assert "E255" not in result.stderr
