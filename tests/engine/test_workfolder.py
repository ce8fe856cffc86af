"""Work folder, part files and output locks (``nlp/engine/workfolder.py``, ``nlp/engine/parts.py``).

Unit tests beside the end-to-end ones of ``test_hostile_workfolder.py``: the part format keeps
every value exactly and never runs code; the work folder is private and checked; the output
lock is exclusive with ``fcntl`` and with the ``O_EXCL`` fallback; stale temporary files of an
output (and only they) are removed.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import pickle
import stat
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from calcminer.nlp.engine import workfolder
from calcminer.nlp.engine.assembly import read_part
from calcminer.nlp.engine.chunks import ChunkStats
from calcminer.nlp.engine.parts import (
    PartFormatError,
    decode_part,
    decode_table,
    encode_part,
    encode_table,
    tag_value,
    untag_value,
)
from calcminer.nlp.engine.workfolder import (
    MANIFEST,
    OutputLock,
    WorkFolder,
    lock_path_for,
    locked,
    open_store,
    unsafe_reason,
)
from calcminer.nlp.errors import CalcminerError, Errors
from calcminer.nlp.io.writers import RenderedRows, remove_stale_temps, write_table

#: Values an input column may carry (JSON, Parquet and database types), each kept exactly.
CARRIED: list[Any] = [
    None,
    "text",
    "",
    "=formula",
    0,
    -3,
    2**70,
    1.5,
    -0.0,
    float("inf"),
    True,
    [1, "two", None, [3.5]],
    (1, "a"),
    {"a": [1, {"b": None}], "c": "x"},
    {1: "int key", (2, 3): "tuple key"},
    b"\x00\xffbytes",
    Decimal("12.340"),
    dt.datetime(2024, 5, 6, 7, 8, 9, 10),
    dt.datetime(2024, 5, 6, 7, 8, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
    dt.date(2024, 2, 29),
    dt.time(23, 59, 1),
    dt.timedelta(days=-2, seconds=5, microseconds=7),
]


def same(a: Any, b: Any) -> bool:
    """Equal values of the same type, recursively (NaN equals NaN, NA equals NA)."""
    if a is pd.NA or b is pd.NA:
        return a is b
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return bool(a == b) and (not isinstance(a, dt.datetime) or a.utcoffset() == b.utcoffset())


def assert_same_frame(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Same columns, dtypes, index and cells (with their Python types)."""
    assert list(a.columns) == list(b.columns)
    assert list(a.dtypes.astype(str)) == list(b.dtypes.astype(str))
    pd.testing.assert_index_equal(a.index, b.index)
    for name in a.columns:
        left, right = a[name].tolist(), b[name].tolist()
        assert all(same(x, y) for x, y in zip(left, right, strict=True)), name


# --- the part format -----------------------------------------------------------------------------


@pytest.mark.parametrize("value", CARRIED, ids=lambda v: type(v).__name__)
def test_workfolder_parts_tagged_values_round_trip(value: Any) -> None:
    assert same(untag_value(tag_value(value)), value)


def test_workfolder_parts_unknown_objects_are_kept_as_their_text() -> None:
    class Odd:
        def __str__(self) -> str:
            return "odd value"

    assert untag_value(tag_value(Odd())) == "odd value"


def _column(values: list[Any], rows: int, dtype: str) -> pd.Series:
    """``values`` repeated to ``rows`` values, as a column of ``dtype``."""
    return pd.Series([values[i % len(values)] for i in range(rows)], dtype=dtype)


def test_workfolder_parts_tables_keep_dtypes_and_values() -> None:
    rows = len(CARRIED)
    frame = pd.DataFrame(
        {
            "flag": _column([True, None, False], rows, "boolean"),
            "count": _column([0, None, 7, -2], rows, "Int64"),
            "size": _column([1.25, None, 0.1 + 0.2], rows, "Float64"),
            "text": _column(["a", None, "=b"], rows, "object"),
            "lists": _column([["VI", "VII"], [], None], rows, "object"),
            "ints": _column([1, None, 2**40], rows, "object"),
            "floats": _column([0.5, float("nan"), None], rows, "object"),
            "bools": _column([True, False, None], rows, "object"),
            "carried": pd.Series(CARRIED, dtype=object),
            "empty": _column([None], rows, "object"),
        }
    )
    assert_same_frame(decode_table(encode_table(frame)), frame)
    empty = frame.iloc[0:0].reset_index(drop=True)
    assert_same_frame(decode_table(encode_table(empty)), empty)


def _part(index: int = 3) -> bytes:
    table = pd.DataFrame({"report_id": pd.Series(["r1"], dtype=object)})
    tables = {role: table for role in ("reports", "findings", "errors", "recommendations")}
    rows = RenderedRows("csv", ("report_id",), 1, b"r1\n")
    return encode_part(index, tables, {"reports": rows})


def test_workfolder_parts_part_round_trip() -> None:
    part = decode_part(_part(), 3)
    assert part.rendered["reports"] == RenderedRows("csv", ("report_id",), 1, b"r1\n")
    assert part.table("findings")["report_id"].tolist() == ["r1"]


class _Planted:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (open, (str(self.marker), "w"))


@pytest.mark.parametrize("damage", ["pickle", "truncated", "empty", "other_index", "table_pickle"])
def test_workfolder_parts_foreign_or_damaged_data_is_refused_without_running_code(
    tmp_path: Path, damage: str
) -> None:
    marker = tmp_path / "ran"
    planted = pickle.dumps(_Planted(marker))
    good = _part()
    data = {
        "pickle": planted,
        "truncated": good[: len(good) // 2],
        "empty": b"",
        "other_index": _part(index=4),
    }.get(damage)
    with pytest.raises(PartFormatError):
        if data is None:
            decode_table(planted)
        else:
            decode_part(data, 3).table("reports")
    assert not marker.exists()


def test_workfolder_parts_damage_is_coded_and_its_detail_names_the_part(tmp_path: Path) -> None:
    """PartFormatError carries E240 (a ValueError too, as before); the engine words E215 around
    its ``detail``, naming the part file."""
    with pytest.raises(ValueError) as info:
        decode_part(_part(index=4), 3)
    assert isinstance(info.value, PartFormatError) and info.value.code == "E240"
    assert info.value.detail == "a part of another chunk"
    assert str(info.value) == Errors.E240.format(detail="a part of another chunk")
    work = tmp_path / ".out.csv.calcminer-work"
    store = open_store(work, "fp", resume=False)
    store.save(0, _part(4), {"index": 0})  # the bytes of another chunk's part
    with pytest.raises(CalcminerError) as err:
        read_part(store, 0)
    store.close()
    path = work / "part-0000000.arrow"
    assert str(err.value) == Errors.E215.format(path=path, detail="a part of another chunk")


def test_workfolder_parts_a_column_dtype_no_table_has_is_a_coded_bug() -> None:
    frame = pd.DataFrame({"when": pd.to_datetime(["2021-01-01"])})
    with pytest.raises(CalcminerError) as info:
        encode_table(frame)
    assert info.value.code == "E910" and str(info.value).endswith("this is a bug.")


@pytest.mark.parametrize(
    ("stats", "detail"),
    [
        ({"index": 0}, "not the counts of a chunk"),
        (
            {"index": 0, "records": 1, "reports": 1, "errors": 0, "columns": {"reports": "x"}},
            "columns of a chunk must be lists of names",
        ),
        (
            {"index": 0, "records": 1, "reports": 1, "errors": 0, "columns": {}, "triage": []},
            "counts of a chunk must map names to numbers",
        ),
    ],
)
def test_workfolder_chunk_counts_damaged_in_the_manifest_are_e214(
    tmp_path: Path, stats: dict[str, Any], detail: str
) -> None:
    with pytest.raises(CalcminerError) as err:
        ChunkStats.from_json(stats, tmp_path)
    assert str(err.value) == Errors.E214.format(path=tmp_path, detail=detail)


# --- the work folder -----------------------------------------------------------------------------


def test_workfolder_is_created_private(tmp_path: Path) -> None:
    store = open_store(tmp_path / ".out.csv.calcminer-work", "fp", resume=False)
    info = os.lstat(store.path)
    assert stat.S_IMODE(info.st_mode) & 0o077 == 0
    assert info.st_uid == os.geteuid()
    store.save(0, _part(0), {"index": 0})
    part = store.path / "part-0000000.arrow"
    assert stat.S_IMODE(part.stat().st_mode) & 0o077 == 0
    store.remove()
    assert not store.path.exists()


def test_workfolder_unsafe_folders_are_named(tmp_path: Path) -> None:
    folder = tmp_path / "f"
    folder.mkdir(mode=0o700)
    assert unsafe_reason(os.lstat(folder)) is None
    folder.chmod(0o720)
    assert "group or others" in (unsafe_reason(os.lstat(folder)) or "")
    link = tmp_path / "link"
    link.symlink_to(folder)
    assert "symbolic link" in (unsafe_reason(os.lstat(link)) or "")


def test_workfolder_resume_drops_files_the_manifest_does_not_list(tmp_path: Path) -> None:
    work = tmp_path / ".out.csv.calcminer-work"
    store = open_store(work, "fp", resume=False)
    store.save(0, _part(0), {"index": 0})
    store.close()
    (work / "part-0000001.arrow").write_bytes(_part(1))  # saved, never recorded (killed)
    (work / "part-0000000.arrow.1a2b3c4d.tmp").write_bytes(b"half a part")
    resumed = open_store(work, "fp", resume=True)
    assert sorted(resumed.entries) == [0]
    assert sorted(p.name for p in work.iterdir()) == [MANIFEST, "part-0000000.arrow"]
    assert decode_part(resumed.read(0), 0).table("reports")["report_id"].tolist() == ["r1"]
    resumed.close()


def test_workfolder_part_that_does_not_match_its_digest_is_refused(tmp_path: Path) -> None:
    work = tmp_path / ".out.csv.calcminer-work"
    store = open_store(work, "fp", resume=False)
    store.save(0, _part(0), {"index": 0})
    store.close()
    (work / "part-0000000.arrow").write_bytes(_part(0) + b" ")
    with pytest.raises(CalcminerError) as err:
        open_store(work, "fp", resume=True)
    assert err.value.code == "E215"


def test_workfolder_replaced_folder_stops_and_takes_its_parts_along(tmp_path: Path) -> None:
    work = tmp_path / ".out.csv.calcminer-work"
    store = open_store(work, "fp", resume=False)
    store.save(0, _part(0), {"index": 0})
    moved, other = tmp_path / "moved", tmp_path / "other"
    other.mkdir()
    work.rename(moved)
    work.symlink_to(other)
    with pytest.raises(CalcminerError) as err:
        store.save(1, _part(1), {"index": 1})
    assert err.value.code == "E224" and "symbolic link" in str(err.value)
    assert list(other.iterdir()) == [] and list(moved.iterdir()) == []
    store.close()


# --- locking the outputs -------------------------------------------------------------------------


def test_workfolder_lock_is_exclusive_names_the_holder_and_is_removed(tmp_path: Path) -> None:
    out = tmp_path / "out" / "reports.csv"
    with locked([out, tmp_path / "out" / "findings.csv"]):
        assert lock_path_for(out).read_text() == f"{os.getpid()}\n"
        with pytest.raises(CalcminerError) as err:
            OutputLock([out]).acquire()
        assert err.value.code == "E225" and f"pid {os.getpid()}" in str(err.value)
    assert list((tmp_path / "out").iterdir()) == []
    with locked([out]):
        pass


def test_workfolder_lock_left_by_a_killed_run_does_not_block(tmp_path: Path) -> None:
    out = tmp_path / "reports.csv"
    lock_path_for(out).write_text("999999\n")  # no process holds it
    with locked([out]):
        assert lock_path_for(out).read_text() == f"{os.getpid()}\n"
    assert not lock_path_for(out).exists()


def test_workfolder_lock_without_fcntl_falls_back_to_an_exclusive_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workfolder, "fcntl", None)
    out = tmp_path / "reports.csv"
    with locked([out]):
        with pytest.raises(CalcminerError) as err:
            OutputLock([out]).acquire()
        assert err.value.code == "E225" and f"pid {os.getpid()}" in str(err.value)
        assert "delete" in str(err.value)
    assert not lock_path_for(out).exists()
    with locked([out]):
        pass


@pytest.mark.parametrize("kind", ["symlink", "hardlink", "folder", "other_owner"])
def test_workfolder_lock_file_that_is_not_ours_is_refused(tmp_path: Path, kind: str) -> None:
    out = tmp_path / "reports.csv"
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    lock = lock_path_for(out)
    if kind == "symlink":
        lock.symlink_to(victim)
    elif kind == "hardlink":
        os.link(victim, lock)
    elif kind == "folder":
        lock.mkdir()
    else:
        if os.geteuid() != 0:
            pytest.skip("giving a file to another user needs root")
        lock.write_text("")
        os.chown(lock, 65534, 65534)
    with pytest.raises(CalcminerError) as err:
        OutputLock([out]).acquire()
    assert err.value.code == "E226"
    assert victim.read_text() == "keep me"


# --- stale temporary files -----------------------------------------------------------------------


def test_workfolder_stale_temps_of_an_output_and_only_they_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "reports.csv"
    write_table(pd.DataFrame({"a": [1]}), out)
    ours = [tmp_path / ".reports.csv.0a1b2c3d.tmp", tmp_path / ".reports.csv.ffffffff.tmp"]
    for path in ours:
        path.write_text("rows")
    others = [
        tmp_path / ".findings.csv.0a1b2c3d.tmp",  # another output's
        tmp_path / ".reports.csv.0a1b2c3.tmp",  # not a name the writer makes
        tmp_path / "reports.csv.0a1b2c3d.tmp",
    ]
    for path in others:
        path.write_text("keep")
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    link = tmp_path / ".reports.csv.12345678.tmp"
    link.symlink_to(victim)
    assert sorted(remove_stale_temps(out)) == sorted(ours)
    assert all(p.exists() for p in others) and link.is_symlink()
    assert victim.read_text() == "keep me" and out.exists()


def test_workfolder_open_refuses_a_folder_of_another_user(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("giving a folder to another user needs root")
    folder = tmp_path / "f"
    folder.mkdir(mode=0o700)
    os.chown(folder, 65534, 65534)
    with pytest.raises(CalcminerError) as err:
        WorkFolder.open(folder)
    assert err.value.code == "E224" and "65534" in str(err.value)
