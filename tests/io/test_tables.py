"""Tests for calcminer.nlp.io.tables: column order, dtypes, meta columns, empty tables."""

from __future__ import annotations

from dataclasses import fields

import pandas as pd
import pytest

from calcminer.nlp.io.tables import (
    errors_frame,
    findings_frame,
    flagged_frame,
    reports_frame,
    triage_counts,
)
from calcminer.nlp.schema import GOLD_FIELDS, Finding, RecordError

MINER_COLUMNS = [
    "report_id",
    *GOLD_FIELDS,
    "triage_rules",
    "triage_reason",
    "evidence",
    "followup_modalities",
    "liver_followup_recommended",
]
REPORT_DTYPES = {
    "calcification": "boolean",
    "bile_duct": "boolean",
    "diffuse": "boolean",
    "followup_recommended": "boolean",
    "liver_followup_recommended": "boolean",
    "count": "Int64",
    "max_size_mm": "Float64",
}
LIST_REPORT_COLUMNS = ["segments", "lobes", "triage_rules", "followup_modalities"]


@pytest.fixture
def results(make_result):
    return [
        make_result(report_id="b", meta={"site": "north", "age": 61}),
        make_result(
            report_id="a",
            calcification=False,
            count=None,
            count_category="none",
            max_size_mm=None,
            segments=(),
            triage="none",
            meta={"age": None, "ward": "3B"},
        ),
        make_result(
            report_id="c",
            count=None,
            count_category="multiple",
            segments=("II", "VI"),
            lobes=("left", "right"),
            triage="workup",
            followup_modalities=("CT", "MRI"),
        ),
    ]


def test_tables_reports_columns_in_order_then_meta_union(results):
    frame = reports_frame(results)
    assert list(frame.columns) == [*MINER_COLUMNS, "site", "age", "ward"]
    assert list(frame["report_id"]) == ["b", "a", "c"]


@pytest.mark.parametrize("empty", [False, True])
def test_tables_reports_dtypes_also_when_empty(results, empty):
    frame = reports_frame([] if empty else results)
    meta_columns = [] if empty else ["site", "age", "ward"]
    assert list(frame.columns) == [*MINER_COLUMNS, *meta_columns]
    for column, dtype in REPORT_DTYPES.items():
        assert str(frame[column].dtype) == dtype, column
    for column in LIST_REPORT_COLUMNS:
        assert frame[column].dtype == object


def test_tables_reports_values_missing_numbers_and_lists(results):
    frame = reports_frame(results)
    assert frame["count"].tolist() == [1, pd.NA, pd.NA]
    assert frame["max_size_mm"].tolist() == [5.0, pd.NA, 5.0]
    assert frame.loc[2, "segments"] == ["II", "VI"]
    assert frame.loc[1, "segments"] == []
    assert frame.loc[2, "followup_modalities"] == ["CT", "MRI"]
    assert isinstance(frame.loc[0, "triage_rules"], list)
    assert frame["calcification"].tolist() == [True, False, True]


def test_tables_meta_values_carried_unchanged_with_gaps_as_none(results):
    frame = reports_frame(results)
    # Ints with a gap must not become floats (61 -> 61.0 in the CSV).
    assert frame["age"].tolist() == [61, None, None]
    assert frame["age"].dtype == object
    assert frame["site"].tolist() == ["north", None, None]


def test_tables_meta_clashing_with_miner_columns_gets_input_prefix(make_result):
    meta = {"triage": "manual", "input_triage": "x", "report_id": "acc-1", "note": "n"}
    frame = reports_frame([make_result(meta=meta)])
    assert list(frame.columns)[len(MINER_COLUMNS) :] == [
        "input_triage",
        "input_input_triage",
        "input_report_id",
        "note",
    ]
    assert frame.loc[0, "triage"] == "benign"
    assert frame.loc[0, "input_triage"] == "manual"
    assert frame.loc[0, "input_input_triage"] == "x"
    assert frame.loc[0, "input_report_id"] == "acc-1"


def test_tables_findings_one_row_per_finding_all_fields(make_result, make_finding):
    results = [
        make_result(
            report_id="r1",
            findings=(
                make_finding(report_id="r1", index=0),
                make_finding(
                    report_id="r1",
                    index=1,
                    counted=False,
                    exclusion_reason="organ_spleen",
                    size_mm=None,
                    count=None,
                    modifier_ids=("negation_no",),
                ),
            ),
        ),
        make_result(report_id="r2"),
        make_result(report_id="r3", findings=(make_finding(report_id="r3"),)),
    ]
    frame = findings_frame(results)
    assert list(frame.columns) == [f.name for f in fields(Finding)]
    assert list(zip(frame["report_id"], frame["index"], strict=True)) == [
        ("r1", 0),
        ("r1", 1),
        ("r3", 0),
    ]
    assert frame.loc[1, "modifier_ids"] == ["negation_no"]
    assert frame.loc[0, "segments"] == ["VI"]
    assert frame["size_mm"].tolist() == [5.0, pd.NA, 5.0]
    assert str(frame["counted"].dtype) == "boolean"
    assert str(frame["start_char"].dtype) == "Int64"
    assert str(frame["size_mm"].dtype) == "Float64"


def test_tables_findings_empty_keeps_columns():
    frame = findings_frame([])
    assert list(frame.columns) == [f.name for f in fields(Finding)]
    assert len(frame) == 0
    assert str(frame["counted"].dtype) == "boolean"


@pytest.mark.parametrize("n_errors", [0, 2])
def test_tables_errors_frame_columns_and_rows(n_errors):
    errors = [
        RecordError("in.csv", 3, None, "E115", "E115 ..."),
        RecordError("a.txt", None, "a", "E119", "E119 ..."),
    ][:n_errors]
    frame = errors_frame(errors)
    assert list(frame.columns) == ["source", "line", "report_id", "code", "reason"]
    assert str(frame["line"].dtype) == "Int64"
    assert len(frame) == n_errors
    if n_errors:
        assert frame["line"].tolist() == [3, pd.NA]
        assert frame["code"].tolist() == ["E115", "E119"]


def test_tables_flagged_frame_keeps_workup_and_urgent_in_order(make_result):
    levels = ["urgent", "none", "workup", "benign", "workup"]
    frame = reports_frame(make_result(report_id=f"r{i}", triage=t) for i, t in enumerate(levels))
    flagged = flagged_frame(frame)
    assert flagged["report_id"].tolist() == ["r0", "r2", "r4"]
    assert flagged.index.tolist() == [0, 1, 2]
    assert triage_counts(frame, ["none", "benign", "workup", "urgent"]) == {
        "none": 1,
        "benign": 1,
        "workup": 2,
        "urgent": 1,
    }
