"""Tables step of the flow: ReportResult / Finding / RecordError -> pandas DataFrames.

The one place that builds DataFrames and fixes their columns and dtypes: booleans are
``boolean``, counts and offsets ``Int64``, sizes ``Float64``, lists are Python lists of
``str`` (object dtype), other text is ``object``. Carried input columns are named and their
values converted value by value (:func:`carried_name`, :func:`carried_value`), so a table
does not depend on how the input was cut into chunks. Column order is stable, also for empty
tables.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields
from datetime import date, datetime, time
from operator import attrgetter
from typing import Any, Literal

import numpy as np
import pandas as pd
from pandas.arrays import BooleanArray, FloatingArray, IntegerArray

from calcminer.nlp.audit import AuditResult, AuditRow, SummaryRow
from calcminer.nlp.schema import (
    EXTRA_REPORT_FIELDS,
    FLAGGED_LEVELS,
    GOLD_FIELDS,
    Finding,
    Recommendation,
    RecordError,
    ReportResult,
)

ColumnKind = Literal["boolean", "Int64", "Float64", "list", "object"]

#: Miner columns of the report table, in order; input (meta) columns follow them.
REPORT_COLUMNS: tuple[str, ...] = tuple(
    dict.fromkeys(("report_id", *GOLD_FIELDS, *EXTRA_REPORT_FIELDS, "followup_modalities"))
)
#: Columns of the findings table: every Finding field, in declaration order.
FINDING_COLUMNS: tuple[str, ...] = tuple(field.name for field in fields(Finding))
#: Columns of the recommendations table: every Recommendation field, in declaration order.
RECOMMENDATION_COLUMNS: tuple[str, ...] = tuple(field.name for field in fields(Recommendation))
#: Columns of the errors table.
ERROR_COLUMNS: tuple[str, ...] = ("source", "line", "report_id", "code", "reason")
#: Prefix given to an input column whose name clashes with a miner column.
META_PREFIX = "input_"
#: Range of the integers a carried column holds as numbers (Parquet int64); others are text.
CARRIED_INT_MIN = -(2**63)
CARRIED_INT_MAX = 2**63 - 1


def _column_kind(annotation: object) -> ColumnKind:
    """Map a dataclass field annotation (a string under postponed evaluation) to a column kind."""
    text = str(annotation).replace(" ", "")
    if text == "bool":
        return "boolean"
    if text in {"int", "int|None"}:
        return "Int64"
    if text in {"float", "float|None"}:
        return "Float64"
    if text.startswith("tuple["):
        return "list"
    return "object"


def _kinds(cls: type, columns: Sequence[str]) -> dict[str, ColumnKind]:
    """Column kinds for the given fields of a dataclass."""
    annotations = {field.name: field.type for field in fields(cls)}
    return {column: _column_kind(annotations.get(column, "object")) for column in columns}


_REPORT_KINDS = _kinds(ReportResult, REPORT_COLUMNS)
_FINDING_KINDS = _kinds(Finding, FINDING_COLUMNS)
_RECOMMENDATION_KINDS = _kinds(Recommendation, RECOMMENDATION_COLUMNS)
_ERROR_KINDS: dict[str, ColumnKind] = {
    "source": "object",
    "line": "Int64",
    "report_id": "object",
    "code": "object",
    "reason": "object",
}

#: Columns holding lists of strings in the report and findings tables.
LIST_COLUMNS: frozenset[str] = frozenset(
    column
    for kinds in (_REPORT_KINDS, _FINDING_KINDS, _RECOMMENDATION_KINDS)
    for column, kind in kinds.items()
    if kind == "list"
)


_EMPTY: tuple[()] = ()


def _list_cells(values: list[Any]) -> list[Any]:
    """A list column's cells: each value (a tuple) becomes a new list of str; None stays.

    The empty tuple (most cells: a report without segments, rules or modalities) becomes a
    new empty list without a ``map`` over nothing; the result is the same.
    """
    return [
        None if value is None else [] if value is _EMPTY else list(map(str, value))
        for value in values
    ]


def _record_columns(
    records: Sequence[Any], names: Sequence[str], kinds: Mapping[str, ColumnKind]
) -> dict[str, list[Any]]:
    """The named fields of records as column lists, list columns as :func:`_list_cells`
    (built column by column: one ``attrgetter`` pass per column, not a call per cell)."""
    columns: dict[str, list[Any]] = {}
    for name in names:
        values = list(map(attrgetter(name), records))
        columns[name] = _list_cells(values) if kinds[name] == "list" else values
    return columns


def _series(values: list[Any], kind: ColumnKind) -> pd.Series:
    """Build a column with the dtype of its kind (lists and text stay ``object``).

    The common cases (every value a ``bool``, an ``int`` in int64 or a ``float``, or None)
    get their arrays built directly (:func:`_direct_array`): the same values, mask and
    dtype as pandas' conversion of the list, without its per-value type inference.
    """
    array = _direct_array(values, kind)
    if array is not None:
        return pd.Series(array, copy=False)
    dtype = "object" if kind in {"list", "object"} else kind
    return pd.Series(values, dtype=dtype)


_NONE_TYPE = type(None)
#: Per masked kind, the value types that :func:`_direct_array` converts itself.
_DIRECT_TYPES: dict[str, frozenset[type]] = {
    "boolean": frozenset({bool, _NONE_TYPE}),
    "Int64": frozenset({int, _NONE_TYPE}),
    "Float64": frozenset({float, _NONE_TYPE}),
}


def _direct_array(values: list[Any], kind: ColumnKind) -> Any:
    """The array ``pd.Series(values, dtype=...)`` would hold, built without pandas'
    inference, or None where that conversion must decide (other value types, empty lists,
    ints beyond int64).

    ``object`` and ``list`` columns keep the values themselves (an object array); the
    masked kinds get pandas' data and mask: missing values (None; NaN for floats) are masked
    and hold pandas' fill value (``False``, ``1``, NaN).
    """
    if not values:
        return None
    if kind in {"list", "object"}:
        return np.fromiter(values, dtype=object, count=len(values))
    if not set(map(type, values)) <= _DIRECT_TYPES[kind]:
        return None
    missing = np.fromiter((value is None for value in values), dtype=bool, count=len(values))
    if kind == "boolean":
        data = np.fromiter((value is True for value in values), dtype=bool, count=len(values))
        return BooleanArray(data, missing)
    if kind == "Int64":
        try:
            ints = np.array([1 if value is None else value for value in values], dtype=np.int64)
        except OverflowError:
            return None
        return IntegerArray(ints, missing)
    floats = np.array([np.nan if value is None else value for value in values], dtype=np.float64)
    return FloatingArray(floats, np.isnan(floats))


def _frame(columns: Mapping[str, list[Any]], kinds: Mapping[str, ColumnKind]) -> pd.DataFrame:
    """Assemble a DataFrame from column lists, keeping the given column order.

    Columns with rows become arrays (:func:`_column_array`) that the frame takes over
    without copying or aligning Series indexes; the frame is equal, column by column and
    dtype by dtype, to one built from Series (and an empty table is still built that way).
    """
    lengths = {len(values) for values in columns.values()}
    if len(lengths) == 1 and 0 not in lengths:
        arrays = {
            name: _column_array(values, kinds.get(name, "object"))
            for name, values in columns.items()
        }
        return pd.DataFrame(arrays, copy=False)
    data = {name: _series(values, kinds.get(name, "object")) for name, values in columns.items()}
    return pd.DataFrame(data, columns=list(columns))


def _column_array(values: list[Any], kind: ColumnKind) -> Any:
    """The array of a column with rows: the array of :func:`_series`, built directly where
    :func:`_direct_array` can, else by pandas' own conversion of the list."""
    array = _direct_array(values, kind)
    if array is not None:
        return array
    dtype: Any = kind  # a masked kind here: object and list columns take the path above
    return pd.array(values, dtype=dtype)


_RESERVED_NAMES = frozenset(REPORT_COLUMNS)


def carried_name(key: str, reserved: frozenset[str] = _RESERVED_NAMES) -> str:
    """The report-table name of a carried input column, decided by its name alone.

    A name that is a miner column (``triage``), or a miner column behind one or more
    ``input_`` prefixes (``input_triage``), gets one more ``input_``; any other name is kept.
    So ``triage`` -> ``input_triage`` and ``input_triage`` -> ``input_input_triage`` in every
    chunk, whichever of them the chunk holds: no two inputs share a name.

    Args:
        key: The input column name (JSON key).
        reserved: The table's own column names (default the report table's).

    Returns:
        The column name in the table.
    """
    base = key
    while base.startswith(META_PREFIX):
        base = base[len(META_PREFIX) :]
    return META_PREFIX + key if base in reserved else key


def carried_value(value: Any) -> bool | int | float | str | None:
    """The value a carried input value has in the tables, decided by the value alone.

    Booleans, integers (int64), floats and text stay as they are; anything else becomes text:
    dates ISO 8601, lists and objects JSON, larger integers and other values ``str()``. So a
    carried column holds only these kinds, whose types the writers decide over the whole run
    (a Parquet column of ints and floats is ``double``, one that mixes kinds is text), never
    by which values happen to share a chunk (an object's fields, a list's item type).

    Args:
        value: A value of ``Report.meta``.

    Returns:
        The table value (None for a missing value).
    """
    kind = type(value)
    if value is None or kind is str or kind is bool or kind is float:
        return value
    if kind is int:
        return value if CARRIED_INT_MIN <= value <= CARRIED_INT_MAX else str(value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return carried_value(int(value))
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def reports_frame(results: Iterable[ReportResult]) -> pd.DataFrame:
    """Build the report table: one row per report, in the order given.

    Columns: ``report_id``, the GOLD_GUIDE fields in order, ``triage_rules``,
    ``triage_reason``, ``evidence``, ``followup_modalities``, ``liver_followup_recommended``,
    then the input columns carried
    in ``ReportResult.meta`` (union over reports, first-seen order; named by
    :func:`carried_name`, so a name that clashes with a miner column gets the prefix
    ``input_``; values as :func:`carried_value`, missing values None).

    Args:
        results: Miner results, one per report.

    Returns:
        The report table; an empty table still has the miner columns and dtypes.
    """
    rows = list(results)
    columns = _record_columns(rows, REPORT_COLUMNS, _REPORT_KINDS)
    metas: list[Mapping[str, Any]] = [result.meta for result in rows]
    meta_keys = dict.fromkeys(key for meta in metas for key in meta)
    for key in meta_keys:
        # Value by value (object dtype): ints with gaps do not turn into floats, and no
        # value's form depends on which values share its chunk.
        values = [meta.get(key) for meta in metas]
        columns[carried_name(str(key))] = [
            value if value is None or type(value) is str else carried_value(value)
            for value in values
        ]
    return _frame(columns, _REPORT_KINDS)


def findings_frame(results: Iterable[ReportResult]) -> pd.DataFrame:
    """Build the findings table: one row per Finding, reports in order, findings in order.

    Args:
        results: Miner results, one per report.

    Returns:
        A table with one column per Finding field (tuples as lists of str).
    """
    rows = [finding for result in results for finding in result.findings]
    columns = _record_columns(rows, FINDING_COLUMNS, _FINDING_KINDS)
    return _frame(columns, _FINDING_KINDS)


def recommendations_frame(results: Iterable[ReportResult]) -> pd.DataFrame:
    """Build the recommendations table: one row per follow-up recommendation, in report order.

    Columns are the :class:`~calcminer.nlp.schema.Recommendation` fields: ``report_id``,
    ``index``, ``modality``, ``interval_days`` (``Int64``, empty when not stated),
    ``conditional``, ``subject``, ``organ``, ``concerns_liver`` (``boolean``), the evidence
    span ``start_char``, ``end_char``, ``text`` (offsets into the original report text),
    ``rule_ids`` and ``word_spans`` (lists).

    Args:
        results: Miner results, one per report.

    Returns:
        The table; an empty table still has the columns and dtypes.
    """
    rows = [item for result in results for item in result.recommendations]
    columns = _record_columns(rows, RECOMMENDATION_COLUMNS, _RECOMMENDATION_KINDS)
    return _frame(columns, _RECOMMENDATION_KINDS)


def errors_frame(errors: Iterable[RecordError]) -> pd.DataFrame:
    """Build the errors table: one row per input record that could not be processed.

    Args:
        errors: Record errors from the readers.

    Returns:
        A table with columns ``source``, ``line``, ``report_id``, ``code``, ``reason``.
    """
    columns: dict[str, list[Any]] = {name: [] for name in ERROR_COLUMNS}
    for error in errors:
        for name in ERROR_COLUMNS:
            columns[name].append(getattr(error, name))
    return _frame(columns, _ERROR_KINDS)


def flagged_frame(reports: pd.DataFrame) -> pd.DataFrame:
    """Select the reports that need action (triage ``workup`` or ``urgent``).

    Args:
        reports: A report table from :func:`reports_frame`.

    Returns:
        The flagged rows, in the same order, with a fresh index.
    """
    mask = reports["triage"].isin(sorted(FLAGGED_LEVELS))
    return reports.loc[mask].reset_index(drop=True)


def triage_counts(reports: pd.DataFrame, levels: Sequence[str]) -> dict[str, int]:
    """Count reports per triage level.

    Args:
        reports: A report table from :func:`reports_frame`.
        levels: The levels to count, in the order wanted (absent levels count 0).

    Returns:
        A mapping level -> number of reports.
    """
    counts = reports["triage"].value_counts()
    return {level: int(counts.get(level, 0)) for level in levels}


# --- follow-up audit -------------------------------------------------------------------------

#: Columns of the audit table: the issue's columns first, then level, modality, concordance,
#: then where the due date and qualifying modalities came from and the recommendation's words;
#: the archive's other columns (carried) follow them.
AUDIT_COLUMNS: tuple[str, ...] = (
    "report_id",
    "patient_id",
    "exam_date",
    "triage",
    "followup_recommended",
    "due_date",
    "status",
    "followup_report_id",
    "followup_modality",
    "followup_date",
    "days_to_followup",
    "level",
    "modality",
    "concordance",
    "liver_followup_recommended",
    "due_source",
    "qualifying_modalities",
    "modality_source",
    "recommendation",
)
#: Columns of the overdue list: the audit columns plus days past the due date (carried
#: columns follow).
OVERDUE_COLUMNS: tuple[str, ...] = (*AUDIT_COLUMNS, "days_overdue")
_AUDIT_RESERVED = frozenset(OVERDUE_COLUMNS)


def audit_carried_name(key: str) -> str:
    """The audit-table name of a carried archive column (:func:`carried_name`'s rule against
    the audit's columns: ``status`` -> ``input_status``)."""
    return carried_name(key, _AUDIT_RESERVED)


def audit_frame(
    rows: Iterable[AuditRow], extra: Mapping[str, Sequence[Any]] | None = None
) -> pd.DataFrame:
    """Build the audit table: one row per index exam, in archive order.

    Dates are Python ``date`` values (written as ``YYYY-MM-DD``; Parquet ``date32``). The
    archive's other columns follow :data:`AUDIT_COLUMNS` (union over rows, first-seen order,
    named by :func:`audit_carried_name`, values as :func:`carried_value`, missing values None).

    Args:
        rows: Audit rows from :func:`calcminer.nlp.audit.audit_exams`.
        extra: Columns to add after the audit columns and before the carried ones (one value
            per row).

    Returns:
        The table.
    """
    listed = list(rows)
    kinds = _kinds(AuditRow, AUDIT_COLUMNS)
    columns: dict[str, list[Any]] = {name: [] for name in AUDIT_COLUMNS}
    for row in listed:
        for name in AUDIT_COLUMNS:
            columns[name].append(getattr(row, name))
    for name, values in (extra or {}).items():
        columns[name] = list(values)
    kinds.update(_kinds(AuditRow, [name for name in (extra or {}) if name not in kinds]))
    meta_keys = dict.fromkeys(key for row in listed for key in row.meta)
    for key in meta_keys:
        columns[audit_carried_name(str(key))] = [
            None if (value := row.meta.get(key)) is None else carried_value(value) for row in listed
        ]
    return _frame(columns, kinds)


def overdue_frame(result: AuditResult) -> pd.DataFrame:
    """Build the overdue list: overdue index exams, longest overdue first.

    Args:
        result: The audit.

    Returns:
        The audit columns plus ``days_overdue`` (days from the due date to the as-of date),
        then the carried columns.
    """
    days = [(result.as_of - row.due_date).days for row in result.overdue]
    frame = audit_frame(result.overdue, {"days_overdue": days})
    frame["days_overdue"] = _series(days, "Int64")
    return frame


def audit_summary_frame(rows: Iterable[SummaryRow]) -> pd.DataFrame:
    """Build the audit summary: one row per group (overall, level, month, concordance).

    Args:
        rows: Summary rows from :func:`calcminer.nlp.audit.summarize`.

    Returns:
        A table with one column per :class:`~calcminer.nlp.audit.SummaryRow` field.
    """
    names = tuple(field.name for field in fields(SummaryRow))
    kinds = _kinds(SummaryRow, names)
    columns: dict[str, list[Any]] = {name: [] for name in names}
    for row in rows:
        for name in names:
            columns[name].append(getattr(row, name))
    return _frame(columns, kinds)
