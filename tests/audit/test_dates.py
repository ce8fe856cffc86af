"""Exam dates of real RIS exports (calcminer.nlp.audit.dates): every layout read, the order of
day and month given or decided over a column, and the errors that stop or mark a record."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from calcminer.nlp.audit import DayMonthOrder, parse_exam_date
from calcminer.nlp.audit.dates import BAD_TIME, UNKNOWN_LAYOUT, YearLast, year_last
from calcminer.nlp.errors import DataError, Errors, InputError

OCT_1 = date(2019, 10, 1)


@pytest.mark.parametrize(
    "value",
    [
        # ISO, with or without a time
        "2019-10-01", " 2019-10-01 ", "2019-10-01T08:08:00", "2019-10-01 08:08",
        "2019-10-01T08:08:00.123+01:00", "2019-10-01T08:08:00Z",
        # year first with other separators, one-digit fields
        "2019/10/01", "2019/10/1 08:08", "2019.10.01", "2019-10-1", "2019/10/01 8:08 PM",
        # yyyymmdd, with an HL7 time or a time after a space
        "20191001", "201910010808", "20191001080800", "20191001080800.0000+0100",
        "20191001 08:08", "20191001T08:08:00",
        # dotted: day first
        "01.10.2019", "1.10.2019 08:08", "01.10.2019 08:08:00",
        # slash and dash with a day above 12 somewhere else: here, the order is given
        "13/10/2019", "10/13/2019", "13-10-2019 08:08", "10/13/2019 8:08:00 AM",
    ],
)  # fmt: skip
def test_dates_every_layout_without_an_order(value: str) -> None:
    expected = date(2019, 10, 13) if "13" in value.split()[0] else OCT_1
    assert parse_exam_date(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        date(2019, 10, 1),
        datetime(2019, 10, 1, 8, 8),
        pd.Timestamp("2019-10-01 08:08"),
        pd.Timestamp("2019-10-01 08:08", tz="Europe/Zurich"),
    ],
)
def test_dates_date_objects(value: object) -> None:
    assert parse_exam_date(value) == OCT_1


@pytest.mark.parametrize(
    ("value", "day_first", "expected"),
    [
        ("01/10/2019 08:08", True, OCT_1),
        ("01/10/2019 08:08", False, date(2019, 1, 10)),
        ("10/01/2019", False, OCT_1),
        ("10-01-2019 08:08:00", False, OCT_1),
        ("1/10/2019", True, OCT_1),
        ("01.10.2019", True, OCT_1),
        ("10.01.2019", False, OCT_1),  # --monthfirst applies to dotted dates too
        ("2019-10-01", False, OCT_1),  # the order leaves other layouts alone
        ("20191001", True, OCT_1),
        ("05/05/2019", None, date(2019, 5, 5)),  # both orders, one date
    ],
)
def test_dates_order_given(value: str, day_first: bool | None, expected: date) -> None:
    assert parse_exam_date(value, day_first=day_first) == expected


@pytest.mark.parametrize(
    ("value", "day_first", "detail"),
    [
        ("01/10/2019", None, "ambiguous between day first and month first"),
        ("10/13/2019", True, "not a calendar date read day first"),
        ("13/10/2019", False, "not a calendar date read month first"),
        ("31/02/2021", None, "not a calendar date read day first or month first"),
        ("2019/02/30", None, "not a calendar date"),
        ("20191301", None, "not a calendar date"),
        ("01/10/2019 25:00", True, BAD_TIME),
        ("2019/10/01 13:00 PM", None, BAD_TIME),
        ("201910012508", None, BAD_TIME),
        ("01/10/19", True, UNKNOWN_LAYOUT),  # two-digit years: --date-format %d/%m/%y
        ("Oct 1, 2019", None, UNKNOWN_LAYOUT),
        ("2019-10-01x", None, UNKNOWN_LAYOUT),
        ("2019100108", None, UNKNOWN_LAYOUT),
        (pd.NaT, None, "missing"),
        (20191001, None, "a value of type int"),
    ],
)
def test_dates_rejects_with_the_reason_never_the_value(
    value: object, day_first: bool | None, detail: str
) -> None:
    with pytest.raises(DataError) as info:
        parse_exam_date(value, day_first=day_first)
    assert info.value.code == "E313"
    assert info.value.detail.startswith(detail)
    assert str(info.value) == Errors.E313.format(detail=info.value.detail)
    assert str(value) not in str(info.value)


def test_dates_format_given_reads_nothing_else() -> None:
    assert parse_exam_date("01/10/2019 08:08", "%d/%m/%Y %H:%M") == OCT_1
    with pytest.raises(DataError) as info:
        parse_exam_date("20191001", "%d/%m/%Y")
    assert info.value.detail == "not in the format '%d/%m/%Y'"


def test_dates_year_last_fields() -> None:
    assert year_last("01/10/2019 08:08") == YearLast(1, 10, 2019, "/")
    assert year_last("2019-10-01") is None
    assert year_last("01/10/2019 25:00") is None
    assert YearLast(1, 10, 2019, "/").orders == (True, True)
    assert YearLast(13, 10, 2019, "/").orders == (True, False)


def _order(*values: object) -> DayMonthOrder:
    order = DayMonthOrder("exam_date")
    for line, value in enumerate(values, start=1):
        order.see(value, f"line {line}")
    return order


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["01/10/2019", "13/10/2019"], True),  # one date reads day first only: day first
        (["01/10/2019 08:08", "10/13/2019 08:08"], False),
        (["01-10-2019", "25-12-2019"], True),
        # nothing that needs the order: ISO, datetimes, dotted, equal fields, non-dates
        (["2019-10-01", datetime(2019, 1, 2), "01.10.2019", "05/05/2019", "31/02/2021",
          "unknown", None, 20191001], None),
        ([], None),
    ],
)  # fmt: skip
def test_dates_day_month_order_decides_over_the_column(
    values: list[object], expected: bool | None
) -> None:
    assert _order(*values).decide() is expected


def test_dates_day_month_order_ambiguous_column_is_e318() -> None:
    order = _order("2019-10-02", "01/10/2019", "02/10/2019 08:08", "05/05/2019")
    with pytest.raises(InputError) as info:
        order.decide()
    assert info.value.code == "E318"
    message = str(info.value)
    assert "'exam_date'" in message and "2 of its dates (the first: line 2)" in message
    for fix in ("--dayfirst", "--monthfirst", "--date-format", "day_first="):
        assert fix in message
    assert "02/10/2019" not in message


def test_dates_day_month_order_mixed_column_is_e319() -> None:
    order = _order("13/10/2019", "10/13/2019", "14/10/2019", "01/10/2019")
    with pytest.raises(InputError) as info:
        order.decide()
    assert info.value.code == "E319"
    message = str(info.value)
    assert "2 date(s) read only day first (the first: line 1)" in message
    assert "1 only month first (the first: line 2)" in message
    for fix in ("--dayfirst", "--monthfirst", "--date-format"):
        assert fix in message
