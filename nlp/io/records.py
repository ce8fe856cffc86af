"""What every reader shares: the input limits, and the checks that turn one record's fields
into a :class:`~calcminer.nlp.schema.Report` or a :class:`~calcminer.nlp.schema.RecordError`
(the file readers of :mod:`calcminer.nlp.io.readers` and the database reader of
:mod:`calcminer.nlp.io.db`). Messages never contain report text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from calcminer.nlp.errors import Errors, InputError, PatternError
from calcminer.nlp.schema import MAX_REPORT_CHARS, RecordError, Report

#: Text encoding of every input; ``-sig`` drops a byte-order mark written by spreadsheet tools.
INPUT_ENCODING = "utf-8-sig"

#: One input record as the readers yield it: a report, or the error that replaces it.
Item = Report | RecordError
#: Lone surrogates: where ``surrogateescape`` decoding kept a byte that is not UTF-8.
UNDECODED = re.compile("[\udc80-\udcff]")


@dataclass(frozen=True)
class InputLimits:
    """Limits on input records: the ``[input]`` table of ``patterns/config.toml``.

    Attributes:
        max_carried_columns: Most distinct carried columns in a run; a record that would bring
            more is an error row (E150). None: no cap (the audit writes no carried column).
        max_csv_record_lines: Most physical lines a CSV record may span (E143 beyond).
        max_report_id_chars: Longest report id, in characters (E151; E141 in CSV files).
        check_csv_id_shape: Whether CSV rows must start with an id like the file's first (E141).
    """

    max_carried_columns: int | None
    max_csv_record_lines: int
    max_report_id_chars: int
    check_csv_id_shape: bool

    @classmethod
    def from_config(cls, table: Mapping[str, Any], path: str | Path) -> InputLimits:
        """Build the limits from the ``[input]`` table of a configuration file.

        Raises:
            PatternError: E008 when a limit is not a positive integer or the switch not a
                boolean.
        """
        counts = ("max_carried_columns", "max_csv_record_lines", "max_report_id_chars")
        for key in counts:
            value = table.get(key)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                detail = f"[input] {key} must be a whole number of at least 1"
                raise PatternError(Errors.E008.format(path=path, detail=detail))
        if not isinstance(table.get("check_csv_id_shape"), bool):
            detail = "[input] check_csv_id_shape must be true or false"
            raise PatternError(Errors.E008.format(path=path, detail=detail))
        return cls(
            max_carried_columns=table["max_carried_columns"],
            max_csv_record_lines=table["max_csv_record_lines"],
            max_report_id_chars=table["max_report_id_chars"],
            check_csv_id_shape=table["check_csv_id_shape"],
        )


def kind_of(value: Any) -> str:
    """Name a value's type for messages (JSON names where they exist), never its content."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, Mapping):
        return "object"
    if value is None:
        return "null"
    return type(value).__name__


def build_record(
    fields: Mapping[str, Any],
    id_col: str,
    text_col: str,
    source: str,
    line: int | None,
    max_id_chars: int | None = None,
) -> Item:
    """Turn one record's fields into a Report, or a RecordError naming the first problem."""
    raw_id = fields.get(id_col)
    if raw_id is None or (isinstance(raw_id, str) and not raw_id.strip()):
        return RecordError(source, line, None, "E115", Errors.E115.format(column=id_col))
    if isinstance(raw_id, bool) or not isinstance(raw_id, str | int):
        reason = Errors.E116.format(column=id_col, kind=kind_of(raw_id))
        return RecordError(source, line, None, "E116", reason)
    report_id = str(raw_id)
    if max_id_chars is not None and len(report_id) > max_id_chars:
        reason = Errors.E151.format(column=id_col, length=len(report_id), limit=max_id_chars)
        return RecordError(source, line, None, "E151", reason)
    text = fields.get(text_col)
    if text is None:
        return RecordError(source, line, report_id, "E112", Errors.E112.format(column=text_col))
    if not isinstance(text, str):
        reason = Errors.E113.format(column=text_col, kind=kind_of(text))
        return RecordError(source, line, report_id, "E113", reason)
    if not text.strip():
        return RecordError(source, line, report_id, "E114", Errors.E114.format(column=text_col))
    if len(text) > MAX_REPORT_CHARS:
        reason = Errors.E124.format(length=len(text), limit=MAX_REPORT_CHARS)
        return RecordError(source, line, report_id, "E124", reason)
    meta = {key: value for key, value in fields.items() if key not in (id_col, text_col)}
    return Report(report_id=report_id, text=text, meta=meta, source=source, line=line)


def check_columns(path: str | Path, columns: Sequence[str], id_col: str, text_col: str) -> None:
    """Raise E106 for duplicate column names, E103 when the id or the text column is missing
    and E184 when both are (one message naming both)."""
    duplicates = sorted({name for name in columns if columns.count(name) > 1})
    if duplicates:
        raise InputError(Errors.E106.format(path=path, columns=column_names(duplicates)))
    if id_col not in columns and text_col not in columns:
        raise InputError(
            Errors.E184.format(
                path=path, id_col=id_col, text_col=text_col, present=column_names(columns)
            )
        )
    for role, column in (("id", id_col), ("text", text_col)):
        if column not in columns:
            raise InputError(
                Errors.E103.format(
                    path=path, role=role, column=column, present=column_names(columns)
                )
            )


def column_names(columns: Sequence[str]) -> str:
    """Format column names for a message."""
    return ", ".join(repr(name) for name in columns) if columns else "(none)"


def describe_error(error: Exception) -> str:
    """Describe a read error without echoing file content."""
    if isinstance(error, UnicodeDecodeError):
        return f"not valid UTF-8 ({error.reason})"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    # csv and Arrow messages describe the file's structure (e.g. "line contains NUL",
    # "magic bytes not found"), not its content.
    return f"{type(error).__name__}: {error}"


__all__ = [
    "INPUT_ENCODING",
    "UNDECODED",
    "InputLimits",
    "Item",
    "build_record",
    "check_columns",
    "column_names",
    "describe_error",
    "kind_of",
]
