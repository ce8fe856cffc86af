"""Tests for calcminer.nlp.io.writers: CSV encodings, formula neutralization, formats, atomicity."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import calcminer.nlp.io.writers as writers
from calcminer.nlp.errors import CalcminerError, OutputError
from calcminer.nlp.io.tables import errors_frame, findings_frame, reports_frame
from calcminer.nlp.io.writers import csv_cell, format_float, neutralize_formula, write_table


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def reports(make_result):
    return reports_frame(
        [
            make_result(
                report_id="r1",
                max_size_mm=12.0,
                segments=("VI", "II"),
                lobes=("right",),
                triage_rules=("benign_single", "a_rule"),
                meta={"site": '=HYPERLINK("x")', "delta": -3, "score": 0.1 + 0.2},
            ),
            make_result(
                report_id="r2",
                calcification=False,
                count=None,
                count_category="none",
                max_size_mm=None,
                segments=(),
                triage="none",
                meta={"site": "north", "delta": None},
            ),
            make_result(report_id="r3", max_size_mm=11.000000000000002, meta={"delta": 4}),
        ]
    )


def test_writers_csv_encodings_follow_gold_guide(reports, tmp_path):
    rows = _read_csv(write_table(reports, tmp_path / "reports.csv"))
    assert [row["report_id"] for row in rows] == ["r1", "r2", "r3"]
    assert [row["calcification"] for row in rows] == ["true", "false", "true"]
    assert [row["bile_duct"] for row in rows] == ["false"] * 3
    assert [row["count"] for row in rows] == ["1", "", "1"]
    assert [row["max_size_mm"] for row in rows] == ["12.0", "", "11.0"]
    assert [row["segments"] for row in rows] == ["II;VI", "", "VI"]
    assert rows[0]["triage_rules"] == "a_rule;benign_single"
    assert rows[0]["lobes"] == "right"
    assert rows[0]["followup_modalities"] == ""
    assert [row["delta"] for row in rows] == ["-3", "", "4"]
    assert rows[0]["score"] == "0.3"


def test_writers_csv_neutralizes_formulas_in_text_cells(reports, tmp_path):
    rows = _read_csv(write_table(reports, tmp_path / "reports.csv"))
    assert rows[0]["site"] == '\'=HYPERLINK("x")'
    assert rows[1]["site"] == "north"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+cmd", "'+cmd"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        (" =b", " =b"),
        ("", ""),
        (["=x", "b"], "'=x;b"),
        (-3, "-3"),
        (-2.5, "-2.5"),
        (True, "true"),
        (False, "false"),
        (None, ""),
        (float("nan"), ""),
        (["b", "a"], "a;b"),
        ((), ""),
        (12.0, "12.0"),
    ],
)
def test_writers_csv_cell(value, expected):
    assert csv_cell(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12.0, "12.0"),
        (0.5, "0.5"),
        (0.1 + 0.2, "0.3"),
        (11.000000000000002, "11.0"),
        (-4.0, "-4.0"),
        (1e-9, "1e-09"),
        (float("inf"), "inf"),
    ],
)
def test_writers_format_float_drops_binary_noise(value, expected):
    assert format_float(value) == expected


def test_writers_neutralize_formula_leaves_plain_text():
    assert neutralize_formula("calcification") == "calcification"
    assert neutralize_formula("=A1") == "'=A1"


def test_writers_csv_header_is_neutralized_and_newlines_round_trip(tmp_path):
    frame = pd.DataFrame({"=col": ['line one\nline two, "quoted"']})
    path = write_table(frame, tmp_path / "t.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        assert list(csv.reader(handle)) == [["'=col"], ['line one\nline two, "quoted"']]


def test_writers_jsonl_lists_as_arrays_nulls_as_null(reports, tmp_path):
    path = write_table(reports, tmp_path / "reports.jsonl")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
    first, second = json.loads(lines[0]), json.loads(lines[1])
    assert list(first) == list(reports.columns)
    assert first["segments"] == ["VI", "II"]
    assert first["calcification"] is True
    assert first["count"] == 1
    assert first["max_size_mm"] == 12.0
    assert first["site"] == '=HYPERLINK("x")'  # only CSV cells are neutralized
    assert second["count"] is None
    assert second["max_size_mm"] is None
    assert second["segments"] == []
    assert second["delta"] is None


def test_writers_parquet_types_lists_as_list_of_string(reports, tmp_path):
    path = write_table(reports, tmp_path / "reports.parquet")
    table = pq.read_table(path)
    schema = table.schema
    assert schema.names == list(reports.columns)
    assert schema.field("segments").type == pa.list_(pa.string())
    assert schema.field("calcification").type == pa.bool_()
    assert schema.field("count").type == pa.int64()
    assert schema.field("max_size_mm").type == pa.float64()
    assert table.column("segments").to_pylist() == [["VI", "II"], [], ["VI"]]
    assert table.column("count").to_pylist() == [1, None, 1]
    assert table.column("delta").to_pylist() == [-3, None, 4]


@pytest.mark.parametrize(
    "frame",
    [reports_frame([]), findings_frame([]), errors_frame([])],
    ids=["reports", "findings", "errors"],
)
@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_writers_empty_tables_keep_columns(tmp_path, frame, suffix):
    path = write_table(frame, tmp_path / f"empty{suffix}")
    if suffix == ".csv":
        assert path.read_text(encoding="utf-8").strip() == ",".join(frame.columns)
    elif suffix == ".jsonl":
        assert path.read_text(encoding="utf-8") == ""
    else:
        schema = pq.read_schema(path)
        assert schema.names == list(frame.columns)
        if "segments" in frame.columns:
            assert schema.field("segments").type == pa.list_(pa.string())


def test_writers_parquet_mixed_input_column_falls_back_to_text(tmp_path):
    frame = pd.DataFrame({"mixed": pd.Series([1, "two", None, {"a": 1}], dtype=object)})
    table = pq.read_table(write_table(frame, tmp_path / "m.parquet"))
    assert table.column("mixed").to_pylist() == ["1", "two", None, '{"a": 1}']


@pytest.mark.parametrize("name", ["out.xlsx", "out.CSV.bak", "out"])
def test_writers_unsupported_extension_raises_and_writes_nothing(tmp_path, name):
    with pytest.raises(OutputError) as info:
        write_table(pd.DataFrame({"a": [1]}), tmp_path / name)
    assert info.value.code == "E201"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_writers_atomic_write_creates_parents_and_leaves_no_temp_file(tmp_path, suffix):
    target = tmp_path / "a" / "b" / f"t{suffix}"
    write_table(pd.DataFrame({"x": ["1"]}), target)
    write_table(pd.DataFrame({"x": ["2"]}), target)  # replaces the existing file
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]
    if suffix == ".csv":
        assert target.read_text(encoding="utf-8") == "x\n2\n"


def test_writers_failed_write_keeps_old_file_and_removes_temp(tmp_path, monkeypatch):
    target = tmp_path / "t.csv"
    target.write_text("old\n", encoding="utf-8")

    def broken(df, handle):
        handle.write(b"partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writers, "_write_csv", broken)
    with pytest.raises(OutputError) as info:
        write_table(pd.DataFrame({"x": [1]}), target)
    assert info.value.code == "E202"
    assert "No space left" in str(info.value)
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


def test_writers_unexpected_error_also_removes_temp(tmp_path, monkeypatch):
    def broken(df, handle):
        raise RuntimeError("bug")

    monkeypatch.setattr(writers, "_write_jsonl", broken)
    with pytest.raises(RuntimeError):
        write_table(pd.DataFrame({"x": [1]}), tmp_path / "t.jsonl")
    assert list(tmp_path.iterdir()) == []


def test_writers_file_mode_follows_umask(tmp_path):
    path = write_table(pd.DataFrame({"x": [1]}), tmp_path / "t.csv")
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_writers_rows_rendered_ahead_equal_rows_written_here(reports, tmp_path, suffix):
    """Rows encoded in a worker (render_rows) and copied give the same bytes as encoding."""
    fmt = writers.output_format(tmp_path / f"x{suffix}")
    columns = [str(c) for c in reports.columns]
    direct = writers.TableStream(tmp_path / f"direct{suffix}", columns)
    direct.write(reports)
    direct.commit()
    copied = writers.TableStream(tmp_path / f"copied{suffix}", columns)
    rendered = writers.render_rows(reports, fmt)
    assert copied.accepts(rendered)
    copied.write_rendered(rendered)
    copied.commit()
    assert (tmp_path / f"copied{suffix}").read_bytes() == (
        tmp_path / f"direct{suffix}"
    ).read_bytes()
    assert copied.rows == direct.rows == len(reports)


def test_writers_rows_rendered_for_other_columns_are_refused(reports, tmp_path):
    stream = writers.TableStream(tmp_path / "r.csv", [*map(str, reports.columns), "extra"])
    rendered = writers.render_rows(reports, "csv")
    assert not stream.accepts(rendered)
    assert not stream.accepts(writers.render_rows(reports, "jsonl"))
    with pytest.raises(CalcminerError, match="this is a bug") as refused:
        stream.write_rendered(rendered)
    assert refused.value.code == "E913"
    stream.abort()
    with pytest.raises(CalcminerError, match="only for CSV or JSON Lines") as parquet:
        writers.render_rows(reports, "parquet")
    assert parquet.value.code == "E911"


def test_writers_parquet_stream_without_its_schema_is_a_coded_bug(tmp_path):
    with pytest.raises(CalcminerError) as info:
        writers.TableStream(tmp_path / "r.parquet", ["report_id"])
    assert info.value.code == "E912" and str(info.value).endswith("this is a bug.")
    assert list(tmp_path.iterdir()) == []
