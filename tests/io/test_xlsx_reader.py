"""Tests for calcminer.nlp.io.xlsx_reader: the first sheet of a workbook, streamed row by row."""

from __future__ import annotations

import datetime as dt
import sys

import openpyxl
import pytest

from calcminer.nlp.errors import InputError
from calcminer.nlp.io.readers import input_kind, read_reports
from calcminer.nlp.schema import RecordError, Report


def _workbook(path, rows, *, second_sheet=False):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if second_sheet:
        workbook.create_sheet("other").append(["report_id", "text"])
    workbook.save(path)
    return path


def test_xlsx_reader_reads_the_first_sheet_with_cell_types(tmp_path):
    path = _workbook(
        tmp_path / "export.xlsx",
        [
            ["report_id", "text", "exam_date", "age"],
            ["r1", "LIVER: calcified granuloma, café.", dt.datetime(2019, 1, 10, 8, 8), 61],
            [12345, "LIVER: normal.", dt.date(2020, 2, 3), 48.5],
        ],
        second_sheet=True,
    )
    assert input_kind(path) == "xlsx"
    items = list(read_reports([path]))
    assert all(isinstance(item, Report) for item in items)
    assert [(item.report_id, item.line) for item in items] == [("r1", 1), ("12345", 2)]
    assert items[0].text == "LIVER: calcified granuloma, café."
    assert items[0].meta == {"exam_date": dt.datetime(2019, 1, 10, 8, 8), "age": 61}
    assert items[0].source == str(path)


def test_xlsx_reader_empty_rows_keep_their_number_and_stray_cells_are_e186(tmp_path):
    path = _workbook(
        tmp_path / "export.xlsx",
        [
            ["report_id", "text", None],
            ["r1", "calcified"],
            [],
            ["r2", "normal", None, "stray"],
            ["r3", None],
        ],
    )
    items = list(read_reports([path]))
    assert [(item.line, getattr(item, "code", "ok")) for item in items] == [
        (1, "ok"),
        (3, "E186"),
        (4, "E112"),
    ]
    assert isinstance(items[1], RecordError) and "stray" not in items[1].reason


def test_xlsx_reader_missing_columns_are_named_together(tmp_path):
    path = _workbook(tmp_path / "export.xlsx", [["accession", "body"], ["1", "x"]])
    with pytest.raises(InputError) as info:
        read_reports([path])
    assert info.value.code == "E184"
    assert "'accession', 'body'" in str(info.value)


def test_xlsx_reader_file_that_is_no_workbook_is_e105(tmp_path):
    path = tmp_path / "export.xlsx"
    path.write_text("report_id,text\nr1,SECRET\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_reports([path])
    assert info.value.code == "E105"
    assert "not a readable .xlsx workbook" in str(info.value)
    assert "SECRET" not in str(info.value)


def test_xlsx_reader_without_openpyxl_is_e180(tmp_path, monkeypatch):
    path = _workbook(tmp_path / "export.xlsx", [["report_id", "text"], ["r1", "x"]])
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(InputError) as info:
        read_reports([path])
    assert info.value.code == "E180"
    assert "pip install openpyxl" in str(info.value) and "CSV" in str(info.value)
