"""Guards of the fast table paths: each gives exactly what the plain pandas / csv path gives.

- ``tables._frame`` builds columns with rows as arrays (``_direct_array`` or ``pd.array``)
  instead of ``pd.Series(values, dtype=...)``: same dtypes, values, masks and fill values.
- ``tables._list_cells`` turns the empty tuple into ``[]`` without a ``map``.
- ``writers.csv_column`` encodes text, booleans and empty lists inline: the same cells as
  ``csv_cell`` over the column's values (missing as None).
- ``writers._write_csv_rows`` writes all rows at once with ``\\n`` when no cell holds a CR:
  the same text as the row-by-row ``\\r\\n`` path.
"""

from __future__ import annotations

import csv
import io
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import calcminer.nlp.io.tables as tables
import calcminer.nlp.io.writers as writers

#: pandas' own conversion (the reference path) warns when it casts NaN or inf to an integer.
pytestmark = pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")

KINDS = ("boolean", "Int64", "Float64", "object", "list")
#: What pandas raises for values a column kind cannot hold (the fast path must raise alike).
_REFUSED = (TypeError, ValueError, OverflowError, IndexError)

_texts = st.text(alphabet=st.sampled_from(list("ab ,\"';=+-@\t\r\n1x")), max_size=6)
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**64), max_value=2**64),
    st.floats(allow_nan=True, allow_infinity=True),
    _texts,
)
_values = st.one_of(_scalars, st.lists(_texts, max_size=3), st.tuples(_texts))


def _typed_values(kind: str) -> st.SearchStrategy[list[Any]]:
    """Lists of the values a column of ``kind`` holds, plus some of every other type."""
    common = {
        "boolean": st.one_of(st.none(), st.booleans()),
        "Int64": st.one_of(st.none(), st.integers(min_value=-(2**63), max_value=2**63 - 1)),
        "Float64": st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)),
        "object": st.one_of(st.none(), _texts),
        "list": st.one_of(st.none(), st.lists(_texts, max_size=3)),
    }[kind]
    return st.lists(st.one_of(common, common, common, _values), max_size=8)


def _same_array(slow: Any, fast: Any) -> None:
    assert type(slow) is type(fast)
    assert slow.dtype == fast.dtype
    if hasattr(slow, "_mask"):
        assert np.array_equal(slow._mask, fast._mask)
        assert slow._data.dtype == fast._data.dtype
        assert np.array_equal(slow._data, fast._data, equal_nan=slow._data.dtype.kind == "f")
    else:
        assert len(slow) == len(fast)
        assert all(a is b for a, b in zip(slow, fast, strict=True))


def _pandas_array(values: list[Any], kind: str) -> Any:
    dtype = "object" if kind in {"list", "object"} else kind
    return pd.Series(values, dtype=dtype).array


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_io_fast_paths_column_array_equals_pandas_conversion(kind, data):
    values = data.draw(_typed_values(kind))
    try:
        slow = _pandas_array(values, kind)
    except _REFUSED as e:
        with pytest.raises(type(e)):
            tables._series(values, kind)
        if values:
            with pytest.raises(type(e)):
                tables._column_array(values, kind)
        return
    _same_array(slow, tables._series(values, kind).array)
    if values:
        fast = tables._column_array(values, kind)
        if isinstance(fast, np.ndarray):  # the object path; pandas wraps the same array
            fast = pd.Series(fast, copy=False).array
        _same_array(slow, fast)


@pytest.mark.parametrize(
    ("kind", "values"),
    [
        ("boolean", [True, None, False]),
        ("boolean", [None, None]),
        ("boolean", [1, 0, None]),  # not bool: pandas decides
        ("Int64", [None, 3, None]),
        ("Int64", [None]),
        ("Int64", [2**63 - 1, -(2**63), None]),
        ("Int64", [True, None]),
        ("Int64", [1.0, None]),
        ("Float64", [None, 1.5, math.nan]),
        ("Float64", [1, 2.5]),
        ("Float64", [np.float64(2.0), None]),
        ("object", [("a", "b"), ("c", "d")]),
        ("list", [["a", "b"], ["c", "d"]]),
    ],
)
def test_io_fast_paths_column_array_edge_cases(kind, values):
    slow = _pandas_array(values, kind)
    fast = tables._column_array(values, kind)
    if isinstance(fast, np.ndarray):
        fast = pd.Series(fast, copy=False).array
    _same_array(slow, fast)


def _frame_by_series(columns: dict[str, list[Any]], kinds: dict[str, Any]) -> pd.DataFrame:
    """The frame as it was built before: one Series per column."""
    data = {name: tables._series(values, kinds[name]) for name, values in columns.items()}
    return pd.DataFrame(data, columns=list(columns))


@settings(max_examples=100, deadline=None)
@given(data=st.data(), rows=st.integers(min_value=0, max_value=6))
def test_io_fast_paths_frame_equals_frame_of_series(data, rows):
    kinds = {f"c{i}": kind for i, kind in enumerate(KINDS)}
    columns = {}
    for name, kind in kinds.items():
        typed = _typed_values(kind).filter(lambda v: len(v) >= rows)
        values = data.draw(typed)[:rows]
        try:
            _pandas_array(values, kind)
        except _REFUSED:
            values = [None] * rows
        columns[name] = values
    fast = tables._frame(columns, kinds)
    slow = _frame_by_series(columns, kinds)
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)
    assert fast.equals(slow)
    assert list(fast.columns) == list(columns)
    for name in columns:
        _same_array(slow[name].array, fast[name].array)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.tuples(), st.tuples(_texts, _texts), st.lists(_texts))))
def test_io_fast_paths_list_cells_equal_map_str(values):
    expected = [None if v is None else list(map(str, v)) for v in values]
    got = tables._list_cells(values)
    assert got == expected
    # Each cell is a list of its own (no two cells share one).
    lists = [cell for cell in got if cell is not None]
    assert len({id(cell) for cell in lists}) == len(lists)


def _cells_by_csv_cell(series: pd.Series) -> list[str]:
    return [writers.csv_cell(value) for value in writers._column_values(series)]


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_io_fast_paths_csv_column_equals_csv_cell(kind, data):
    values = data.draw(_typed_values(kind))
    try:
        series = tables._series(values, kind)
    except _REFUSED:
        series = pd.Series(values, dtype="object")
    assert writers.csv_column(series) == _cells_by_csv_cell(series)


def _rows_one_by_one(rows: list[list[str]]) -> str:
    """The rows as the row-by-row path writes them (``\\r\\n`` terminator cut to ``\\n``)."""
    out = io.StringIO()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(row)
        out.write(buffer.getvalue()[:-2] + "\n")
    return out.getvalue()


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=1, max_value=4).flatmap(
        lambda width: st.lists(st.lists(_texts, min_size=width, max_size=width), max_size=6)
    )
)
def test_io_fast_paths_csv_rows_at_once_equal_row_by_row(rows):
    text = io.StringIO()
    writers._write_csv_rows(text, rows)
    assert text.getvalue() == _rows_one_by_one(rows)


def test_io_fast_paths_csv_rows_with_cr_keep_quoting():
    rows = [["a\rb", "c"], ["d", "e\nf"], [""]]
    text = io.StringIO()
    writers._write_csv_rows(text, rows)
    assert text.getvalue() == _rows_one_by_one(rows)
    assert text.getvalue().startswith('"a\rb",c\n')
