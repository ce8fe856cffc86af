"""Tests for calcminer.nlp.io.frames: paths or data, DataFrames and dicts read like files
(the same record checks, error rows with ``<DataFrame>``/``<records>`` and the row number),
and the whole-input errors E190-E192."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from calcminer.nlp.errors import InputError
from calcminer.nlp.io.frames import (
    DATAFRAME_SOURCE,
    RECORDS_SOURCE,
    InMemory,
    classify_inputs,
    native,
    read_inputs,
)
from calcminer.nlp.io.readers import input_limits, read_reports
from calcminer.nlp.schema import RecordError, Report

SECRET = "SECRET-REPORT-TEXT"
RECORDS = [
    {"report_id": "r2", "site": "north", "text": "LIVER: calcified granuloma.", "age": "61"},
    {"report_id": "", "site": "south", "text": "LIVER: normal.", "age": "48"},
    {"report_id": "r1", "site": "east", "text": "   ", "age": "70"},
    {"report_id": "r3", "site": "west", "text": "LIVER: multiple foci.", "age": "55"},
]


def _outline(items: list[Report | RecordError]) -> list[tuple[object, ...]]:
    """The items without their source (a file's path, or ``<DataFrame>``)."""
    return [replace(item, source="") for item in items]  # type: ignore[misc]


# --- paths or data --------------------------------------------------------------------------------


def test_frames_paths_stay_paths(tmp_path: Path) -> None:
    assert classify_inputs("a.csv") == ["a.csv"]
    assert classify_inputs(tmp_path) == [tmp_path]
    assert classify_inputs(["a.csv", Path("b.jsonl")]) == ["a.csv", Path("b.jsonl")]
    assert classify_inputs(iter(["a.csv"])) == ["a.csv"]
    assert classify_inputs([]) == []
    # a list of strings is a list of paths, even one that looks like data
    assert classify_inputs(["report_id,text"]) == ["report_id,text"]


def test_frames_data_is_told_from_paths() -> None:
    frame = pd.DataFrame(RECORDS)
    told = classify_inputs(frame)
    assert isinstance(told, InMemory)
    assert (told.source, told.frame, told.records) == (DATAFRAME_SOURCE, frame, None)
    chosen = classify_inputs(RECORDS)
    assert isinstance(chosen, InMemory) and chosen.records is RECORDS
    assert classify_inputs(chosen) is chosen
    # a generator of dicts: its first item, looked at, is not lost
    lazy = classify_inputs(record for record in RECORDS)
    assert isinstance(lazy, InMemory) and list(lazy.records or ()) == RECORDS


@pytest.mark.parametrize(
    ("inputs", "kind"),
    [
        ({"report_id": "r1", "text": "x"}, "dict"),
        (b"a.csv", "bytes"),
        (42, "int"),
        ([pd.DataFrame(RECORDS)], "list of pandas.DataFrame"),
        (["a.csv", 3], "list of int"),
        (None, "NoneType"),
    ],
)
def test_frames_other_inputs_are_e192(inputs: object, kind: str) -> None:
    with pytest.raises(InputError) as info:
        classify_inputs(inputs)  # type: ignore[arg-type]
    assert info.value.code == "E192"
    assert f"Inputs of type {kind} cannot be read" in str(info.value)


# --- the same records as a file -----------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_frames_dataframe_reads_like_a_file(records_file, kind: str) -> None:
    from_file = list(read_reports([records_file(kind, RECORDS)]))
    from_frame = list(read_inputs(pd.DataFrame(RECORDS)))
    assert _outline(from_frame) == _outline(from_file)
    assert {item.source for item in from_frame} == {DATAFRAME_SOURCE}
    codes = [(item.code, item.line) for item in from_frame if isinstance(item, RecordError)]
    assert codes == [("E115", 2), ("E114", 3)]
    assert from_frame[0].meta == {"site": "north", "age": "61"}  # type: ignore[union-attr]


def test_frames_records_read_like_a_jsonl_file(records_file) -> None:
    from_file = list(read_reports([records_file("jsonl", RECORDS)]))
    for records in (RECORDS, iter(RECORDS)):
        from_data = list(read_inputs(records))
        assert _outline(from_data) == _outline(from_file)
        assert {item.source for item in from_data} == {RECORDS_SOURCE}


def test_frames_dataframe_values_as_a_file_reader_gives_them() -> None:
    frame = pd.DataFrame(
        {
            "report_id": pd.array([7, None, 9], dtype="Int64"),
            "text": ["LIVER: normal.", "x", np.nan],
            "when": pd.to_datetime(["2019-10-01 08:08", None, "2019-10-03 00:00"]),
            "flag": np.array([True, False, True]),
            "size": [1.5, np.nan, 2.0],
        }
    )
    items = list(read_inputs(frame))
    first = items[0]
    assert isinstance(first, Report) and first.report_id == "7"
    assert first.meta == {"when": pd.Timestamp("2019-10-01 08:08"), "flag": True, "size": 1.5}
    assert type(first.meta["flag"]) is bool and type(first.meta["size"]) is float
    # a missing id (pd.NA) and a missing text (NaN) are missing, as in a Parquet file
    assert [(item.code, item.line) for item in items[1:]] == [("E115", 2), ("E112", 3)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (np.int64(3), 3),
        (np.float32(1.5), 1.5),
        (np.bool_(True), True),
        (float("nan"), None),
        (pd.NA, None),
        (pd.NaT, None),
        (np.datetime64("NaT"), None),
        (np.datetime64("2019-10-01T08:08"), pd.Timestamp("2019-10-01 08:08")),
        ("text", "text"),
        ([1, 2], [1, 2]),
    ],
)
def test_frames_native_values(value: object, expected: object) -> None:
    got = native(value)
    assert got == expected and type(got) is type(expected)


def test_frames_bad_rows_are_error_rows_and_reading_goes_on() -> None:
    limits = replace(input_limits(), max_report_id_chars=8)
    frame = pd.DataFrame(
        {
            "report_id": ["ok1", 2.5, "x" * 9, "s1", "ok2", True],
            "text": ["LIVER: normal.", "y", "z", "bad \ud800 text", "LIVER: fine.", "t"],
        }
    )
    items = list(read_inputs(frame, limits=limits))
    assert len(items) == len(frame)
    errors = [item for item in items if isinstance(item, RecordError)]
    rows = [(item.code, item.line, item.report_id) for item in errors]
    assert rows == [("E116", 2, None), ("E151", 3, None), ("E145", 4, "s1"), ("E116", 6, None)]
    assert [item.report_id for item in items if isinstance(item, Report)] == ["ok1", "ok2"]
    assert all(SECRET not in item.reason for item in items if isinstance(item, RecordError))


def test_frames_records_that_are_not_mappings_are_e193() -> None:
    records = [{"report_id": "a", "text": "LIVER: normal."}, ["b", "x"], None, {"report_id": "c"}]
    items = list(read_inputs(records))
    assert [(getattr(i, "code", "report"), i.line) for i in items] == [
        ("report", 1), ("E193", 2), ("E193", 3), ("E112", 4),
    ]  # fmt: skip
    assert "value of type array" in items[1].reason  # type: ignore[union-attr]


def test_frames_carried_columns_are_capped_as_for_files() -> None:
    limits = replace(input_limits(), max_carried_columns=1)
    records = [
        {"report_id": "a", "text": "t", "site": "n"},
        {"report_id": "b", "text": "t", "site": "s", "age": 3},
    ]
    items = list(read_inputs(records, limits=limits))
    assert isinstance(items[0], Report) and isinstance(items[1], RecordError)
    assert items[1].code == "E150"


# --- whole-input errors, before any record is read -----------------------------------------------


def test_frames_dataframe_without_id_and_text_names_both_and_the_columns() -> None:
    frame = pd.DataFrame({"accession": ["a"], "report": [SECRET]})
    with pytest.raises(InputError) as info:
        read_inputs(frame)
    assert info.value.code == "E190"
    message = str(info.value)
    assert "has no id column 'report_id' and no text column 'text'" in message
    assert "Columns present: 'accession', 'report'" in message
    assert SECRET not in message
    assert [i.report_id for i in read_inputs(frame, "accession", "report")] == ["a"]  # type: ignore[union-attr]


def test_frames_one_missing_column_is_named_alone() -> None:
    with pytest.raises(InputError) as info:
        read_inputs(pd.DataFrame({"report_id": ["a"], "body": ["x"]}))
    assert "has no text column 'text'. Columns present: 'report_id', 'body'" in str(info.value)


def test_frames_records_without_the_columns_are_e190() -> None:
    with pytest.raises(InputError) as info:
        read_inputs([{"id": 1, "body": "x"}, {"id": 2, "body": "y"}])
    assert info.value.code == "E190"
    assert "Input <records> has no id column 'report_id' and no text column" in str(info.value)


def test_frames_duplicate_columns_are_e191() -> None:
    frame = pd.DataFrame([["a", "x", "y"]], columns=["report_id", "text", "text"])
    with pytest.raises(InputError) as info:
        read_inputs(frame)
    assert info.value.code == "E191"
    frame = pd.DataFrame([["a", "x", "y"]], columns=["report_id", "text", 1])
    frame.columns = ["report_id", "text", "1"]
    assert len(list(read_inputs(frame))) == 1
    mixed = pd.DataFrame([["a", "x", "y", "z"]], columns=["report_id", "text", 1, "1"])
    with pytest.raises(InputError) as info:
        read_inputs(mixed)
    assert "'1'" in str(info.value)
