"""The worklist's merge rules (calcminer.nlp.audit.worklist): one test per rule of the module's
docstring, and the properties that hold over any sequence of runs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from calcminer.nlp.audit import AuditRow
from calcminer.nlp.audit.worklist import (
    COUNT_NAMES,
    FOLLOWED_UP,
    FOLLOWED_UP_LATE,
    WorklistRow,
    meta_text,
    update_worklist,
)
from calcminer.nlp.errors import CalcminerError, DataError

D = date.fromisoformat
AS_OF = D("2026-06-01")


@dataclass(frozen=True)
class CarriedRow(AuditRow):
    """An audit row with the fields the integrator adds (meta, due_source)."""

    meta: Mapping[str, Any] = field(default_factory=dict)
    due_source: str = ""


def audit_row(
    report_id: str,
    status: str = "overdue",
    due: str = "2026-05-01",
    patient: str = "p1",
    followup: str | None = None,
    followup_day: str | None = None,
    meta: Mapping[str, Any] | None = None,
    due_source: str = "",
) -> AuditRow:
    """An audit row; ``followup``/``followup_day`` default for completed and late rows."""
    found = status in {"completed", "late"}
    followup = followup or (f"f-{report_id}" if found else None)
    followup_day = followup_day or ("2026-05-20" if found else None)
    return CarriedRow(
        report_id=report_id,
        patient_id=patient,
        exam_date=D(due) - timedelta(days=30),
        triage="urgent",
        followup_recommended=False,
        due_date=D(due),
        status=status,  # type: ignore[arg-type]
        followup_report_id=followup,
        followup_modality="CT" if found else None,
        followup_date=D(followup_day) if followup_day else None,
        days_to_followup=None,
        level="urgent",
        modality="US",
        concordance="flagged_not_recommended",
        meta=meta or {},
        due_source=due_source,
    )


def first_run(*rows: AuditRow, as_of: date = AS_OF) -> tuple[WorklistRow, ...]:
    return update_worklist(None, rows, as_of).rows


def by_id(rows: tuple[WorklistRow, ...]) -> dict[str, WorklistRow]:
    return {row.report_id: row for row in rows}


def test_worklist_new_index_exams_without_followup_are_added_open() -> None:
    update = update_worklist(
        None, [audit_row("a", "overdue"), audit_row("b", "pending", due="2026-07-01")], AS_OF
    )
    rows = by_id(update.rows)
    assert update.added_open == 2 and update.open == 2 and update.closed == 0
    assert rows["a"].worklist_status == "open" and rows["a"].first_listed == AS_OF
    assert rows["a"].days_overdue == (AS_OF - D("2026-05-01")).days
    assert rows["b"].days_overdue is None and rows["b"].audit_status == "pending"
    assert rows["a"].last_updated == AS_OF and rows["a"].closed_on is None


def test_worklist_new_followed_up_exams_are_listed_closed_only_when_recent() -> None:
    recent = audit_row("recent", "completed", followup_day="2026-05-20")
    old = audit_row("old", "late", followup_day="2025-01-02")
    update = update_worklist(None, [recent, old], AS_OF, keep_closed_days=90)
    assert [row.report_id for row in update.rows] == ["recent"]
    row = update.rows[0]
    assert row.worklist_status == "closed" and row.closed_on == D("2026-05-20")
    assert row.closed_reason == FOLLOWED_UP.format(report_id="f-recent", date="2026-05-20")
    assert update.added_closed == 1 and update.not_listed_closed == 1


def test_worklist_person_columns_are_kept_and_system_columns_refreshed() -> None:
    listed = first_run(audit_row("a", "pending", due="2026-06-10"), as_of=D("2026-06-01"))
    edited = [replace(listed[0], owner="Dr Ng", note="called patient", action="letter sent")]
    later = D("2026-06-20")
    update = update_worklist(edited, [audit_row("a", "overdue", due="2026-06-10")], later)
    row = update.rows[0]
    assert (row.owner, row.note, row.action) == ("Dr Ng", "called patient", "letter sent")
    assert row.audit_status == "overdue" and row.days_overdue == 10
    assert row.first_listed == D("2026-06-01") and row.last_updated == later
    assert row.worklist_status == "open" and update.still_open == 1 and update.added_open == 0


@pytest.mark.parametrize(
    ("status", "template"), [("completed", FOLLOWED_UP), ("late", FOLLOWED_UP_LATE)]
)
def test_worklist_audit_closes_a_row_whose_followup_it_finds(status: str, template: str) -> None:
    listed = first_run(audit_row("a", "overdue"))
    later = D("2026-06-15")
    found = audit_row("a", status, followup="r9", followup_day="2026-06-10")
    update = update_worklist(listed, [found], later)
    row = update.rows[0]
    assert row.worklist_status == "closed" and row.closed_on == later
    assert row.closed_reason == template.format(report_id="r9", date="2026-06-10")
    assert row.followup_report_id == "r9" and row.audit_status == status
    assert update.closed_by_audit == 1 and update.closed_by_person == 0


def test_worklist_person_closed_reason_closes_the_row_and_wins_over_the_audit() -> None:
    listed = first_run(audit_row("a"), audit_row("b"))
    edited = [replace(row, closed_reason="patient moved away") for row in listed]
    later = D("2026-06-15")
    update = update_worklist(edited, [audit_row("a"), audit_row("b", "completed")], later)
    rows = by_id(update.rows)
    for row in rows.values():
        assert row.worklist_status == "closed" and row.closed_on == later
        assert row.closed_reason == "patient moved away"
    assert update.closed_by_person == 2 and update.closed_by_audit == 0


def test_worklist_person_setting_status_closed_closes_the_row() -> None:
    listed = first_run(audit_row("a"))
    edited = [replace(listed[0], worklist_status="closed")]
    update = update_worklist(edited, [audit_row("a")], D("2026-06-03"))
    row = update.rows[0]
    assert row.worklist_status == "closed" and row.closed_on == D("2026-06-03")
    assert row.closed_reason == "" and update.closed_by_person == 1


def test_worklist_closed_row_stays_closed_with_its_reason() -> None:
    listed = first_run(audit_row("a"))
    closed = update_worklist(
        [replace(listed[0], closed_reason="declined")], [audit_row("a")], D("2026-06-02")
    ).rows
    # A later run (another as-of, other options) calls it overdue again, or pending.
    for later_status in ("overdue", "pending"):
        update = update_worklist(closed, [audit_row("a", later_status)], D("2026-07-01"))
        assert update.rows == closed
        assert update.held_closed == 1 and update.kept_closed == 1 and update.open == 0


def test_worklist_closed_rows_are_dropped_after_the_retention_period() -> None:
    closed = first_run(audit_row("a", "completed", followup_day="2026-05-20"))
    assert closed[0].closed_on == D("2026-05-20")
    last_day = D("2026-05-20") + timedelta(days=30)
    kept = update_worklist(closed, [], last_day, keep_closed_days=30)
    assert kept.rows == closed and kept.dropped == 0
    gone = update_worklist(closed, [], last_day + timedelta(days=1), keep_closed_days=30)
    assert gone.rows == () and gone.dropped == 1


def test_worklist_closed_rows_the_audit_still_calls_open_are_not_dropped() -> None:
    """Dropped, such a row would come back open in the next run: it stays, closed."""
    listed = first_run(audit_row("a"))
    closed = update_worklist(
        [replace(listed[0], closed_reason="declined")], [audit_row("a")], AS_OF
    ).rows
    much_later = AS_OF + timedelta(days=365)
    update = update_worklist(closed, [audit_row("a")], much_later, keep_closed_days=30)
    assert update.rows == closed and update.dropped == 0 and update.held_closed == 1
    followed = update_worklist(closed, [audit_row("a", "late")], much_later, keep_closed_days=30)
    assert followed.rows == () and followed.dropped == 1


def test_worklist_previous_rows_not_in_this_run_are_kept_as_they_were() -> None:
    listed = first_run(audit_row("a"), audit_row("b"))
    edited = tuple(replace(row, note=f"note {row.report_id}") for row in listed)
    update = update_worklist(edited, [audit_row("b")], D("2026-06-10"))
    rows = by_id(update.rows)
    assert rows["a"] == by_id(edited)["a"]
    assert rows["a"].last_updated == AS_OF and rows["b"].last_updated == D("2026-06-10")
    assert update.not_in_run == 1 and update.still_open == 1


def test_worklist_rows_not_in_this_run_still_follow_the_person_and_retention() -> None:
    listed = first_run(audit_row("a"), audit_row("b", "completed", followup_day="2026-05-31"))
    edited = [replace(row, closed_reason=row.closed_reason or "done by hand") for row in listed]
    update = update_worklist(edited, [], D("2026-12-01"), keep_closed_days=90)
    rows = by_id(update.rows)
    assert set(rows) == {"a"} and rows["a"].worklist_status == "closed"
    assert update.closed_by_person == 1 and update.dropped == 1 and update.not_in_run == 2


def test_worklist_order_is_open_by_due_date_then_most_recently_closed() -> None:
    update = update_worklist(
        None,
        [
            audit_row("late-due", "pending", due="2026-09-01"),
            audit_row("closed-old", "completed", followup_day="2026-04-01"),
            audit_row("early-due", "overdue", due="2026-01-01"),
            audit_row("closed-new", "completed", followup_day="2026-05-30"),
            audit_row("mid-due", "overdue", due="2026-03-01"),
        ],
        AS_OF,
    )
    order = [row.report_id for row in update.rows]
    assert order == ["early-due", "mid-due", "late-due", "closed-new", "closed-old"]
    again = update_worklist(None, [audit_row(i) for i in ("z", "y", "x")], AS_OF)
    assert [row.report_id for row in again.rows] == ["x", "y", "z"]


def test_worklist_repeated_report_id_in_the_audit_keeps_the_first() -> None:
    first = audit_row("a", "overdue", patient="p1")
    second = audit_row("a", "completed", patient="p2")
    update = update_worklist(None, [first, second], AS_OF)
    assert [row.patient_id for row in update.rows] == ["p1"]
    assert update.duplicate_audit_rows == 1 and update.added_open == 1


def test_worklist_repeated_report_id_in_the_previous_worklist_is_e332() -> None:
    listed = first_run(audit_row("a"))
    with pytest.raises(DataError) as info:
        update_worklist([listed[0], replace(listed[0], note="secret-note-xyz")], [], AS_OF)
    assert info.value.code == "E332" and "'a'" in str(info.value)
    assert "secret-note-xyz" not in str(info.value)


@pytest.mark.parametrize("days", [-1, 1.5, True, "90"])
def test_worklist_keep_closed_days_must_be_a_whole_number_is_e333(days: Any) -> None:
    with pytest.raises(CalcminerError) as info:
        update_worklist(None, [], AS_OF, keep_closed_days=days)
    assert info.value.code == "E333"


def test_worklist_carries_meta_and_due_source_and_keeps_added_columns() -> None:
    run = audit_row("a", meta={"mrn": 123, "site": "north", "note": "from input"}, due_source="x")
    listed = first_run(run)
    row = listed[0]
    assert row.meta == {"mrn": "123", "site": "north", "input_note": "from input"}
    assert row.due_source == "x" and row.note == ""
    edited = [replace(row, meta={**row.meta, "callback": "Tue"})]
    again = audit_row("a", meta={"mrn": 123, "site": "south"})
    refreshed = update_worklist(edited, [again], D("2026-06-05")).rows[0]
    assert refreshed.meta["site"] == "south" and refreshed.meta["callback"] == "Tue"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (float("nan"), ""),
        (pd.NA, ""),
        (pd.NaT, ""),
        (True, "true"),
        (12, "12"),
        ("00123", "00123"),
        (datetime(2026, 1, 2), "2026-01-02"),
        (datetime(2026, 1, 2, 8, 30), "2026-01-02T08:30:00"),
        (pd.Timestamp("2026-01-02"), "2026-01-02"),
        (date(2026, 1, 2), "2026-01-02"),
    ],
)
def test_worklist_meta_text_writes_carried_values_as_text(value: Any, text: str) -> None:
    assert meta_text(value) == text


def test_worklist_person_reopens_a_row_by_status_and_empty_reason() -> None:
    listed = first_run(audit_row("a"))
    closed = update_worklist(
        [replace(listed[0], closed_reason="wrong patient")], [audit_row("a")], AS_OF
    ).rows
    reopened = [replace(closed[0], worklist_status="open", closed_reason="")]
    update = update_worklist(reopened, [audit_row("a")], D("2026-06-09"))
    row = update.rows[0]
    assert row.is_open and row.closed_on is None and update.still_open == 1


def test_worklist_counts_name_every_count_in_order() -> None:
    update = update_worklist(None, [audit_row("a"), audit_row("a")], AS_OF)
    counts = update.counts()
    assert list(counts) == ["open", "closed", *COUNT_NAMES]
    assert counts["open"] == 1 and counts["duplicate_audit_rows"] == 1


STATUS = st.sampled_from(["completed", "late", "overdue", "pending"])
RUN = st.lists(st.tuples(st.sampled_from("abcdef"), STATUS), max_size=8)


@given(runs=st.lists(st.tuples(RUN, st.integers(0, 400)), min_size=1, max_size=5))
def test_worklist_closed_rows_never_reopen_over_any_runs(
    runs: list[tuple[list[tuple[str, str]], int]],
) -> None:
    """Over any sequence of runs: a closed row keeps its reason until dropped, report ids stay
    unique, and the same run again changes nothing."""
    rows: tuple[WorklistRow, ...] = ()
    as_of = AS_OF
    for audit, step in runs:
        as_of += timedelta(days=step)
        closed = {row.report_id: row.closed_reason for row in rows if not row.is_open}
        update = update_worklist(rows, [audit_row(i, s) for i, s in audit], as_of)
        ids = [row.report_id for row in update.rows]
        assert len(ids) == len(set(ids))
        for row in update.rows:
            if row.report_id in closed:
                assert not row.is_open and row.closed_reason == closed[row.report_id]
        again = update_worklist(update.rows, [audit_row(i, s) for i, s in audit], as_of)
        assert again.rows == update.rows
        rows = update.rows
