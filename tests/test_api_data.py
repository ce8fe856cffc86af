"""The Python API takes data, not only paths (issue 14, item 4): a DataFrame or an iterable of
dicts into ``extract_tables`` and ``run_audit`` gives the tables the same data gives from a
file; missing columns and bad rows; dates of every layout and their order (item 5)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from dated_archives import (
    ERROR_COUNT,
    EXAM_COUNT,
    LAYOUTS,
    ambiguous_exams,
    archive_rows,
    write_csv,
)

from calcminer import extract_tables
from calcminer.nlp.api import format_audit_failure, run_audit, run_extract
from calcminer.nlp.errors import CalcminerError, InputError

REPORTS = [
    {"accession": "a1", "body": "LIVER: A 5 mm calcified granuloma in segment VI.", "site": "n"},
    {"accession": "a2", "body": "LIVER: Multiple calcified foci in both lobes.", "site": "s"},
    {"accession": "", "body": "LIVER: normal.", "site": "e"},
    {"accession": "a4", "body": "   ", "site": "w"},
    {
        "accession": "a5",
        "body": "LIVER: A 4.2 cm calcified mass.\nIMPRESSION: Recommend MRI in 3 months.",
        "site": "x",
    },
]
COLUMNS = {"id_col": "accession", "text_col": "body"}


def _frames_equal(left: pd.DataFrame, right: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(left.reset_index(drop=True), right.reset_index(drop=True))


# --- extract_tables ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["DataFrame", "records", "generator"])
def test_api_data_extract_tables_equal_to_the_csv_file(tmp_path: Path, miner: Any, kind: str):
    from_file = extract_tables(write_csv(tmp_path / "in.csv", REPORTS), miner=miner, **COLUMNS)
    data: Any = {
        "DataFrame": pd.DataFrame(REPORTS),
        "records": REPORTS,
        "generator": (dict(row) for row in REPORTS),
    }[kind]
    tables = extract_tables(data, miner=miner, **COLUMNS)
    for name in ("reports", "findings", "recommendations", "flagged"):
        _frames_equal(getattr(tables, name), getattr(from_file, name))
    assert tables.reports["site"].tolist() == ["n", "s", "x"]
    assert tables.reports["triage"].tolist() == ["benign", "workup", "urgent"]
    assert len(tables.recommendations) >= 1
    # the error rows: the same but for the source (and CSV counts rows from the header)
    source = "<DataFrame>" if kind == "DataFrame" else "<records>"
    _frames_equal(tables.errors.drop(columns="source"), from_file.errors.drop(columns="source"))
    assert tables.errors["source"].tolist() == [source, source]
    assert tables.errors["line"].tolist() == [3, 4]
    assert tables.errors["code"].tolist() == ["E115", "E114"]
    assert tables.records_read == len(REPORTS) == len(tables.reports) + len(tables.errors)


def test_api_data_bad_rows_of_a_dataframe_are_error_rows(miner: Any) -> None:
    frame = pd.DataFrame(
        {
            "report_id": ["r1", None, "r3", "r4", "r5"],
            "text": ["LIVER: normal.", "LIVER: normal.", None, 12.5, "LIVER: normal."],
        }
    )
    tables = extract_tables(frame, miner=miner)
    assert tables.records_read == 5 == len(tables.reports) + len(tables.errors)
    assert tables.reports["report_id"].tolist() == ["r1", "r5"]
    rows = tables.errors[["source", "line", "report_id", "code"]].astype(object)
    assert rows.values.tolist() == [
        ["<DataFrame>", 2, None, "E115"],
        ["<DataFrame>", 3, "r3", "E112"],
        ["<DataFrame>", 4, "r4", "E113"],
    ]


def test_api_data_missing_columns_name_both_and_the_columns_present(miner: Any) -> None:
    frame = pd.DataFrame(REPORTS)
    with pytest.raises(InputError) as info:
        extract_tables(frame, miner=miner)
    assert info.value.code == "E190"
    assert "no id column 'report_id' and no text column 'text'" in str(info.value)
    assert "Columns present: 'accession', 'body', 'site'" in str(info.value)
    with pytest.raises(InputError) as info:
        extract_tables(frame, id_col="accession", miner=miner)
    assert "has no text column 'text'." in str(info.value)


def test_api_data_paths_keep_working(tmp_path: Path, miner: Any) -> None:
    path = write_csv(tmp_path / "in.csv", REPORTS)
    for inputs in (path, str(path), [path], [str(path)], (p for p in [path])):
        tables = extract_tables(inputs, miner=miner, **COLUMNS)
        assert tables.reports["report_id"].tolist() == ["a1", "a2", "a5"]
    # a list of strings stays a list of paths
    with pytest.raises(InputError) as info:
        extract_tables(["a1,LIVER: normal."], miner=miner)
    assert info.value.code == "E101"
    with pytest.raises(InputError) as info:
        extract_tables({"report_id": "r1", "text": "x"}, miner=miner)
    assert info.value.code == "E192"


def test_api_data_run_extract_reads_files_only(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        run_extract(pd.DataFrame(REPORTS), tmp_path / "out.csv")  # type: ignore[arg-type]
    assert info.value.code == "E194" and "extract_tables()" in str(info.value)
    assert not (tmp_path / "out.csv").exists()


# --- run_audit -----------------------------------------------------------------------------------


def _audit(tmp_path: Path, name: str, archive: Any, miner: Any, **options: Any) -> Any:
    out = tmp_path / name
    out.mkdir()
    summary = run_audit(
        archive,
        out / "audit.csv",
        summary_out=out / "summary.csv",
        overdue_out=out / "overdue.csv",
        miner=miner,
        **options,
    )
    return summary, out


def _same_audit(left: Path, right: Path, compared: tuple[str, ...] = ("source",)) -> None:
    """The same tables in two audit output folders (the errors table but for ``compared``)."""
    for name in ("audit.csv", "summary.csv", "overdue.csv"):
        assert (left / name).read_bytes() == (right / name).read_bytes(), name
    errors = [pd.read_csv(folder / "audit.errors.csv") for folder in (left, right)]
    _frames_equal(errors[0].drop(columns=list(compared)), errors[1].drop(columns=list(compared)))


@pytest.mark.parametrize("kind", ["DataFrame", "records", "generator"])
def test_api_data_run_audit_equal_to_the_csv_file(tmp_path: Path, miner: Any, kind: str):
    rows = archive_rows()
    file_run, file_out = _audit(tmp_path, "file", write_csv(tmp_path / "a.csv", rows), miner)
    data: Iterator[Any] | Any = {
        "DataFrame": pd.DataFrame(rows),
        "records": rows,
        "generator": iter(rows),
    }[kind]
    summary, out = _audit(tmp_path, "data", data, miner)
    assert (summary.records_read, summary.exams, summary.errors) == (
        len(rows),
        EXAM_COUNT,
        ERROR_COUNT,
    )
    assert summary.summary == file_run.summary
    _same_audit(out, file_out)
    errors = pd.read_csv(out / "audit.errors.csv")
    assert set(errors["source"]) == {"<DataFrame>" if kind == "DataFrame" else "<records>"}
    assert errors["line"].tolist() == [8, 9] and errors["code"].tolist() == ["E302", "E301"]


def test_api_data_run_audit_reads_timestamps_of_a_dataframe(tmp_path: Path, miner: Any):
    rows = archive_rows()
    _, iso_out = _audit(tmp_path, "iso", pd.DataFrame(rows), miner)
    frame = pd.DataFrame(rows)  # the missing date is NaT: E302 "missing", not "empty"
    frame["exam_date"] = pd.to_datetime(frame["exam_date"].replace("", None)) + pd.Timedelta(
        hours=8
    )
    assert str(frame["exam_date"].dtype).startswith("datetime64")
    summary, out = _audit(tmp_path, "timestamps", frame, miner)
    assert (summary.exams, summary.errors) == (EXAM_COUNT, ERROR_COUNT)
    _same_audit(out, iso_out, ("source", "reason"))


def test_api_data_run_audit_missing_columns(tmp_path: Path, miner: Any) -> None:
    frame = pd.DataFrame(archive_rows()).rename(columns={"text": "report"})
    with pytest.raises(InputError) as info:
        run_audit(frame, tmp_path / "audit.csv", miner=miner)
    assert info.value.code == "E190" and "no text column 'text'" in str(info.value)
    # the audit's own columns missing: every record an error row, and the run fails (E255)
    frame = pd.DataFrame(archive_rows()).drop(columns="exam_date")
    summary = run_audit(frame, tmp_path / "audit.csv", miner=miner)
    assert summary.all_errors and summary.error_codes == {"E301": 1, "E302": 9}
    failure = format_audit_failure(summary)
    assert failure is not None and failure.startswith("E255 All 10 record(s) read")


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_api_data_run_audit_every_date_layout(tmp_path: Path, miner: Any, layout: str) -> None:
    _, iso_out = _audit(tmp_path, "reference", pd.DataFrame(archive_rows()), miner)
    summary, out = _audit(tmp_path, layout, pd.DataFrame(archive_rows(layout)), miner)
    assert (summary.exams, summary.errors) == (EXAM_COUNT, ERROR_COUNT)
    _same_audit(out, iso_out)


def test_api_data_run_audit_ambiguous_dates_and_their_fixes(tmp_path: Path, miner: Any):
    rows = archive_rows("day_first_time", ambiguous_exams())
    with pytest.raises(InputError) as info:
        run_audit(pd.DataFrame(rows), tmp_path / "audit.csv", miner=miner)
    assert info.value.code == "E318" and "day_first=True or False" in str(info.value)
    assert not (tmp_path / "audit.csv").exists()
    day_first, _ = _audit(tmp_path, "dayfirst", rows, miner, day_first=True)
    month_first, _ = _audit(tmp_path, "monthfirst", rows, miner, day_first=False)
    formatted, _ = _audit(tmp_path, "format", rows, miner, date_format="%d/%m/%Y %H:%M")
    first = {row.report_id: row.exam_date for row in day_first.result.rows}
    assert first["e01"] == date(2021, 1, 5)
    assert {row.report_id: row.exam_date for row in formatted.result.rows} == first
    assert {row.report_id: row.exam_date for row in month_first.result.rows}["e01"] == date(
        2021, 5, 1
    )
    with pytest.raises(CalcminerError) as info:
        run_audit(rows, tmp_path / "x.csv", miner=miner, day_first=True, date_format="%d/%m/%Y")
    assert info.value.code == "E320"
