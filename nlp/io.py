"""Readers at the input edge of the flow: files -> one ``Report`` (or ``RecordError``) each.

Supported inputs: a JSON Lines file, a CSV file, a Parquet file, a single ``.txt`` file or a
folder of ``.txt`` files. Whole-file problems (missing path, unknown type, missing id or text
column) raise :class:`~calcminer.nlp.errors.InputError` when :func:`read_reports` is called,
before any record is read. Record-level problems become :class:`RecordError` items in the
stream and reading goes on. Messages never contain report text.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import chain
from pathlib import Path
from typing import Any, Literal

from calcminer.nlp.errors import Errors, InputError
from calcminer.nlp.schema import RecordError, Report

InputKind = Literal["jsonl", "csv", "parquet", "txt", "folder"]

JSONL_SUFFIXES: frozenset[str] = frozenset({".jsonl", ".ndjson"})
CSV_SUFFIXES: frozenset[str] = frozenset({".csv"})
PARQUET_SUFFIXES: frozenset[str] = frozenset({".parquet", ".pq"})
TXT_SUFFIXES: frozenset[str] = frozenset({".txt"})

#: Rows per Parquet batch: bounds memory on large files.
PARQUET_BATCH_ROWS = 1024
#: The csv module refuses fields over 128 KiB by default; a long report can exceed that.
CSV_FIELD_LIMIT_CHARS = 2**31 - 1
#: Longest report text mined (characters). Longer texts become an error row (E124): a report
#: of several MB is mined (about 15 s and 300 MB per 2 MB), but an archive field this large
#: is most likely a concatenation or an attachment. The pipeline's spaCy limit is set to it.
MAX_REPORT_CHARS = 5_000_000
#: Text encoding of every input; ``-sig`` drops a byte-order mark written by spreadsheet tools.
INPUT_ENCODING = "utf-8-sig"

_Item = Report | RecordError
#: Lone surrogates: where ``surrogateescape`` decoding kept a byte that is not UTF-8.
_UNDECODED = re.compile("[\udc80-\udcff]")


def input_kind(path: Path) -> InputKind:
    """Classify an input path by its type and extension.

    Args:
        path: A file or folder given as input.

    Returns:
        The kind of reader the path needs.

    Raises:
        InputError: E101 when the path does not exist, E102 when its type is unsupported.
    """
    if not path.exists():
        raise InputError(Errors.E101.format(path=path))
    if path.is_dir():
        return "folder"
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in CSV_SUFFIXES:
        return "csv"
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    if suffix in TXT_SUFFIXES:
        return "txt"
    kind = f"extension {suffix!r}" if suffix else "no extension"
    raise InputError(Errors.E102.format(path=path, kind=kind))


def read_reports(
    inputs: Sequence[str | Path],
    id_col: str = "report_id",
    text_col: str = "text",
) -> Iterator[Report | RecordError]:
    """Read reports from one or more inputs, in the order given and in file order.

    Every input is checked first (it exists, has a supported type, and holds the id and text
    columns), so a bad input fails before any record is read. Records are then read lazily.

    Args:
        inputs: JSONL, CSV or Parquet files, ``.txt`` files or folders of ``.txt`` files.
            In a folder, each ``.txt`` file is one report whose id is the file stem; files are
            read sorted by name, hidden files and other extensions are skipped.
        id_col: Column (or JSON key) holding the report id.
        text_col: Column (or JSON key) holding the report text.

    Returns:
        An iterator over one item per input record: a :class:`Report`, or a
        :class:`RecordError` when the record cannot be used. Other columns are carried in
        ``Report.meta``, in column order.

    Raises:
        InputError: E101/E102 for a missing or unsupported input, E103 when a file lacks the
            id or text column, E104 for a folder without ``.txt`` files, E105 when a file
            cannot be read, E106 for duplicate column names.
    """
    readers = [_reader_for(Path(raw), id_col, text_col) for raw in inputs]
    return chain.from_iterable(reader() for reader in readers)


def _reader_for(path: Path, id_col: str, text_col: str) -> Callable[[], Iterator[_Item]]:
    """Check one input and return a function that starts reading it."""
    kind = input_kind(path)
    if kind == "jsonl":
        _check_jsonl_columns(path, id_col, text_col)
        return lambda: _read_jsonl(path, id_col, text_col)
    if kind == "csv":
        _check_columns(path, _csv_header(path), id_col, text_col)
        return lambda: _read_csv(path, id_col, text_col)
    if kind == "parquet":
        _check_columns(path, _parquet_columns(path), id_col, text_col)
        return lambda: _read_parquet(path, id_col, text_col)
    if kind == "txt":
        return lambda: iter([_read_txt(path)])
    files = _txt_files(path)
    return lambda: (_read_txt(file) for file in files)


# --- record checks shared by all tabular readers ---------------------------------------------


def _kind_of(value: Any) -> str:
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


def _build_record(
    fields: Mapping[str, Any],
    id_col: str,
    text_col: str,
    source: str,
    line: int | None,
) -> _Item:
    """Turn one record's fields into a Report, or a RecordError naming the first problem."""
    raw_id = fields.get(id_col)
    if raw_id is None or (isinstance(raw_id, str) and not raw_id.strip()):
        return RecordError(source, line, None, "E115", Errors.E115.format(column=id_col))
    if isinstance(raw_id, bool) or not isinstance(raw_id, str | int):
        reason = Errors.E116.format(column=id_col, kind=_kind_of(raw_id))
        return RecordError(source, line, None, "E116", reason)
    report_id = str(raw_id)
    text = fields.get(text_col)
    if text is None:
        return RecordError(source, line, report_id, "E112", Errors.E112.format(column=text_col))
    if not isinstance(text, str):
        reason = Errors.E113.format(column=text_col, kind=_kind_of(text))
        return RecordError(source, line, report_id, "E113", reason)
    if not text.strip():
        return RecordError(source, line, report_id, "E114", Errors.E114.format(column=text_col))
    if len(text) > MAX_REPORT_CHARS:
        reason = Errors.E124.format(length=len(text), limit=MAX_REPORT_CHARS)
        return RecordError(source, line, report_id, "E124", reason)
    meta = {key: value for key, value in fields.items() if key not in (id_col, text_col)}
    return Report(report_id=report_id, text=text, meta=meta, source=source, line=line)


def _check_columns(path: Path, columns: Sequence[str], id_col: str, text_col: str) -> None:
    """Raise E106 for duplicate column names and E103 when the id or text column is missing."""
    duplicates = sorted({name for name in columns if columns.count(name) > 1})
    if duplicates:
        raise InputError(Errors.E106.format(path=path, columns=_names(duplicates)))
    for role, column in (("id", id_col), ("text", text_col)):
        if column not in columns:
            raise InputError(
                Errors.E103.format(path=path, role=role, column=column, present=_names(columns))
            )


def _names(columns: Sequence[str]) -> str:
    """Format column names for a message."""
    return ", ".join(repr(name) for name in columns) if columns else "(none)"


# --- JSON Lines --------------------------------------------------------------------------------


def _decode_line(raw: bytes, line: int) -> str:
    """Decode one JSONL line; a byte-order mark is allowed on the first line only."""
    return raw.decode(INPUT_ENCODING if line == 1 else "utf-8")


def _check_jsonl_columns(path: Path, id_col: str, text_col: str) -> None:
    """Raise E103 when no JSON object in the file has the id (or text) key.

    The scan stops at the first object that has both keys, so a well-formed file costs one
    line. A record that merely lacks a key is a record error, reported while reading.
    """
    keys: dict[str, None] = {}
    objects = 0
    try:
        with path.open("rb") as handle:
            for line, raw in enumerate(handle, start=1):
                try:
                    value = json.loads(_decode_line(raw, line)) if raw.strip() else None
                except (UnicodeDecodeError, json.JSONDecodeError):
                    continue
                if not isinstance(value, dict):
                    continue
                objects += 1
                if id_col in value and text_col in value:
                    return
                keys.update(dict.fromkeys(value))
    except OSError as e:
        raise InputError(Errors.E105.format(path=path, detail=e.strerror or e)) from e
    if objects:
        _check_columns(path, list(keys), id_col, text_col)


def _read_jsonl(path: Path, id_col: str, text_col: str) -> Iterator[_Item]:
    """Yield one item per non-blank line of a JSON Lines file (line = physical line number)."""
    source = str(path)
    try:
        with path.open("rb") as handle:
            for line, raw in enumerate(handle, start=1):
                if not raw.strip():
                    continue
                try:
                    value = json.loads(_decode_line(raw, line))
                except UnicodeDecodeError as e:
                    reason = Errors.E117.format(detail=f"byte {e.start}")
                    yield RecordError(source, line, None, "E117", reason)
                    continue
                except json.JSONDecodeError as e:
                    detail = f"{e.msg} at column {e.colno}"
                    yield RecordError(source, line, None, "E110", Errors.E110.format(detail=detail))
                    continue
                if not isinstance(value, dict):
                    reason = Errors.E111.format(kind=_kind_of(value))
                    yield RecordError(source, line, None, "E111", reason)
                    continue
                yield _build_record(value, id_col, text_col, source, line)
    except OSError as e:
        raise InputError(Errors.E105.format(path=path, detail=e.strerror or e)) from e


# --- CSV ---------------------------------------------------------------------------------------


def _csv_header(path: Path) -> list[str]:
    """Return the header row of a CSV file ([] for an empty file)."""
    try:
        with path.open(encoding=INPUT_ENCODING, errors="surrogateescape", newline="") as handle:
            header = next(csv.reader(handle), [])
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise InputError(Errors.E105.format(path=path, detail=_describe(e))) from e
    if any(_UNDECODED.search(name) for name in header):
        detail = "the header row is not valid UTF-8"
        raise InputError(Errors.E105.format(path=path, detail=detail))
    return header


def _read_csv(path: Path, id_col: str, text_col: str) -> Iterator[_Item]:
    """Yield one item per data row of a CSV file (row 1 = first row after the header).

    Quoted cells may span lines. Blank rows are skipped but keep their row number. All
    values are strings, so ids keep leading zeros.
    """
    source = str(path)
    row_number = 0
    previous_limit = csv.field_size_limit(CSV_FIELD_LIMIT_CHARS)
    try:
        # Bytes that are not UTF-8 become lone surrogates, so one bad row is an error row
        # (E117) instead of stopping the file.
        with path.open(encoding=INPUT_ENCODING, errors="surrogateescape", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, [])
            id_index = header.index(id_col)
            for row_number, row in enumerate(reader, start=1):
                if not row:
                    continue
                bad = next((m for cell in row if (m := _UNDECODED.search(cell))), None)
                if bad is not None:
                    cell_id = row[id_index] if id_index < len(row) else ""
                    report_id = cell_id if cell_id and not _UNDECODED.search(cell_id) else None
                    reason = Errors.E117.format(detail="a byte that is not UTF-8")
                    yield RecordError(source, row_number, report_id, "E117", reason)
                    continue
                if len(row) != len(header):
                    # The id is kept when its cell is there, to help find the row.
                    report_id = row[id_index] if id_index < len(row) and row[id_index] else None
                    reason = Errors.E118.format(got=len(row), expected=len(header))
                    yield RecordError(source, row_number, report_id, "E118", reason)
                    continue
                fields = dict(zip(header, row, strict=True))
                yield _build_record(fields, id_col, text_col, source, row_number)
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        detail = f"{_describe(e)} after row {row_number}"
        raise InputError(Errors.E105.format(path=path, detail=detail)) from e
    finally:
        csv.field_size_limit(previous_limit)


def _describe(error: Exception) -> str:
    """Describe a read error without echoing file content."""
    if isinstance(error, UnicodeDecodeError):
        return f"not valid UTF-8 ({error.reason})"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    # csv and Arrow messages describe the file's structure (e.g. "line contains NUL",
    # "magic bytes not found"), not its content.
    return f"{type(error).__name__}: {error}"


# --- Parquet -----------------------------------------------------------------------------------


def _parquet_columns(path: Path) -> list[str]:
    """Return the column names of a Parquet file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return list(pq.read_schema(path).names)
    except (OSError, pa.ArrowException) as e:
        raise InputError(Errors.E105.format(path=path, detail=_describe(e))) from e


def _read_parquet(path: Path, id_col: str, text_col: str) -> Iterator[_Item]:
    """Yield one item per row of a Parquet file (row 1 = first row), batch by batch."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    source = str(path)
    row_number = 0
    try:
        parquet = pq.ParquetFile(path)
        for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS):
            for fields in batch.to_pylist():
                row_number += 1
                yield _build_record(fields, id_col, text_col, source, row_number)
    except (OSError, pa.ArrowException) as e:
        detail = f"{_describe(e)} after row {row_number}"
        raise InputError(Errors.E105.format(path=path, detail=detail)) from e


# --- .txt files ----------------------------------------------------------------------------------


def _txt_files(folder: Path) -> list[Path]:
    """List the ``.txt`` files directly in a folder, sorted by name; E104 when there are none."""
    try:
        files = sorted(
            (
                entry
                for entry in folder.iterdir()
                if entry.suffix.lower() in TXT_SUFFIXES
                and not entry.name.startswith(".")
                and entry.is_file()
            ),
            key=lambda entry: entry.name,
        )
    except OSError as e:
        raise InputError(Errors.E105.format(path=folder, detail=_describe(e))) from e
    if not files:
        raise InputError(Errors.E104.format(path=folder))
    return files


def skipped_files(inputs: Sequence[str | Path]) -> list[Path]:
    """Files that folder inputs hold but that are not read: not ``.txt`` (hidden files aside).

    The command summaries name them, so nothing in a folder is left out unnoticed.

    Args:
        inputs: The inputs of a run.

    Returns:
        The skipped files, sorted by name within each folder.
    """
    skipped: list[Path] = []
    for raw in inputs:
        folder = Path(raw)
        if not folder.is_dir():
            continue
        try:
            entries = sorted(folder.iterdir(), key=lambda entry: entry.name)
        except OSError:
            continue  # reading the folder reports it (E105)
        skipped += [
            entry
            for entry in entries
            if entry.suffix.lower() not in TXT_SUFFIXES
            and not entry.name.startswith(".")
            and entry.is_file()
        ]
    return skipped


def _read_txt(path: Path) -> _Item:
    """Read one ``.txt`` file as one report whose id is the file stem."""
    source = str(path)
    try:
        text = path.read_bytes().decode(INPUT_ENCODING)
    except UnicodeDecodeError as e:
        reason = Errors.E117.format(detail=f"byte {e.start}")
        return RecordError(source, None, path.stem, "E117", reason)
    except OSError as e:
        raise InputError(Errors.E105.format(path=path, detail=_describe(e))) from e
    if not text.strip():
        return RecordError(source, None, path.stem, "E119", Errors.E119)
    if len(text) > MAX_REPORT_CHARS:
        reason = Errors.E124.format(length=len(text), limit=MAX_REPORT_CHARS)
        return RecordError(source, None, path.stem, "E124", reason)
    return Report(report_id=path.stem, text=text, meta={}, source=source, line=None)
