"""Audit parts: exams and error rows come back exactly, whatever their fields hold; a part
cannot name anything else than the allow-listed values (nothing in it runs)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import pickle
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from calcminer.nlp.audit.exams import UndatedExam
from calcminer.nlp.engine.exam_parts import (
    EXAM_PART_FORMAT,
    allowed_instance,
    decode_exam_part,
    encode_exam_part,
)
from calcminer.nlp.engine.parts import PartFormatError
from calcminer.nlp.schema import RecordError


def _exam(order: int, raw_date: Any) -> UndatedExam:
    return UndatedExam(
        order=order,
        report_id=f"r{order}",
        patient_id="p1",
        raw_date=raw_date,
        modality="US",
        triage="workup",
        followup_recommended=True,
        source="archive.jsonl",
        line=order + 1,
    )


RAW_DATES: list[Any] = [
    "2021-03-04",
    None,
    dt.date(2021, 3, 4),
    dt.datetime(2021, 3, 4, 8, 30),
    dt.datetime(2021, 3, 4, 8, 30, tzinfo=dt.UTC),
    pd.Timestamp("2021-03-04 08:30"),
    pd.NaT,
    pd.NA,
    np.int64(20210304),
    np.float64(1.5),
    np.datetime64("2021-03-04"),
    Decimal("20210304"),
    20210304,
    float("nan"),
    {"nested": [1, "two", (3, 4)]},
]


def _same(left: Any, right: Any) -> bool:
    if left is right:
        return True
    if isinstance(left, float) and isinstance(right, float) and left != left:
        return right != right
    return type(left) is type(right) and bool(left == right)


def test_exam_parts_round_trip_every_field_and_value() -> None:
    pairs: list[tuple[int, Any]] = [(i, _exam(i, raw)) for i, raw in enumerate(RAW_DATES)]
    pairs.append((len(RAW_DATES), RecordError("archive.jsonl", 99, "r99", "E301", "no patient")))
    back = decode_exam_part(encode_exam_part(3, pairs), 3)
    assert [order for order, _ in back] == [order for order, _ in pairs]
    for (_, before), (_, after) in zip(pairs, back, strict=True):
        assert type(after) is type(before)
        for item in dataclasses.fields(before):  # generic: new fields are checked too
            assert _same(getattr(before, item.name), getattr(after, item.name)), item.name


def test_exam_parts_zone_becomes_its_fixed_offset_with_the_same_wall_clock() -> None:
    zoned = dt.datetime(2021, 7, 4, 23, 30, tzinfo=ZoneInfo("Europe/Paris"))
    stamp = pd.Timestamp("2021-07-04 23:30", tz="Europe/Paris")
    back = decode_exam_part(encode_exam_part(0, [(0, _exam(0, zoned)), (1, _exam(1, stamp))]), 0)
    for (_, exam), original in zip(back, (zoned, stamp), strict=True):
        value = exam.raw_date
        assert value.replace(tzinfo=None) == original.replace(tzinfo=None)
        assert value.utcoffset() == original.utcoffset() == dt.timedelta(hours=2)


class _Odd:
    def __str__(self) -> str:
        return "odd value"


def test_exam_parts_other_values_are_kept_as_their_text() -> None:
    assert not allowed_instance(_Odd())
    back = decode_exam_part(encode_exam_part(0, [(0, _exam(0, _Odd()))]), 0)
    assert back[0][1].raw_date == "odd value"


class _Payload:
    """Would run a command when unpickled by a plain ``pickle.loads``."""

    def __reduce__(self) -> Any:
        import os

        return os.system, ("echo unsafe",)


def test_exam_parts_refuse_a_part_that_names_other_code() -> None:
    forged = EXAM_PART_FORMAT + pickle.dumps((0, [(0, _Payload())]), protocol=5)
    with pytest.raises(PartFormatError, match="may not name"):
        decode_exam_part(forged, 0)
    # written by the part writer, the same object is only its text
    back = decode_exam_part(encode_exam_part(0, [(0, _exam(0, _Payload()))]), 0)
    assert isinstance(back[0][1].raw_date, str)


@pytest.mark.parametrize(
    ("data", "detail"),
    [
        (b"calcminer-part/2\n", "not an audit part"),
        (EXAM_PART_FORMAT + b"\x80\x05garbage", "cannot be read"),
        (EXAM_PART_FORMAT + pickle.dumps((1, []), protocol=5), "chunk 0"),
        (EXAM_PART_FORMAT + pickle.dumps((0, [("x", 1)]), protocol=5), "chunk 0"),
    ],
)
def test_exam_parts_refuse_damaged_or_foreign_data(data: bytes, detail: str) -> None:
    with pytest.raises(PartFormatError, match=detail) as info:
        decode_exam_part(data, 0)
    assert info.value.code == "E240"
