"""Readers at the input edge of the flow: files -> one ``Report`` (or ``RecordError``) each.

Supported inputs: a JSON Lines file, a CSV file, a Parquet file, a single ``.txt`` file or a
folder of ``.txt`` files. Whole-file problems (missing path, unknown type, a FIFO, missing id
or text column) raise :class:`~calcminer.nlp.errors.InputError` when :func:`read_reports` is
called, before any record is read. Record-level problems become :class:`RecordError` items
in the stream and reading goes on: CSV is parsed strictly and resumes after broken quoting,
rows that are fragments of a text cut by a line break outside quotes are recognised by their
id, and values Python cannot hold as text (lone surrogates, huge integers, deep nesting) are
error rows. Limits come from the ``[input]`` table of ``config.toml`` (:class:`InputLimits`).
Messages never contain report text, nor a value that may be report text.

This module checks the inputs and reads them in order (:func:`read_reports`), and reads
Parquet files; each other format has its reader module (:mod:`calcminer.nlp.io.jsonl_reader`,
:mod:`calcminer.nlp.io.csv_reader`, :mod:`calcminer.nlp.io.txt_reader`), and what they share
is in :mod:`calcminer.nlp.io.records`. Their names stay importable from here (and from
``calcminer.nlp.io``), as before they had modules of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain
from pathlib import Path
from typing import Literal

from calcminer.nlp.errors import Errors, InputError

# The names of the readers' modules, importable from here as before (``_IdShape`` too, the
# old private name the tests use).
from calcminer.nlp.io.csv_reader import (  # noqa: F401
    CSV_FIELD_LIMIT_CHARS,
    IdShape,
    csv_header,
    read_csv_file,
)
from calcminer.nlp.io.csv_reader import IdShape as _IdShape  # noqa: F401
from calcminer.nlp.io.jsonl_reader import (  # noqa: F401
    MAX_JSON_DEPTH_LEVELS,
    check_jsonl_columns,
    read_jsonl_file,
)
from calcminer.nlp.io.records import (  # noqa: F401
    INPUT_ENCODING,
    UNDECODED,
    InputLimits,
    Item,
    build_record,
    check_columns,
    column_names,
    describe_error,
    kind_of,
)
from calcminer.nlp.io.txt_reader import (  # noqa: F401
    TXT_SUFFIXES,
    mode_kind,
    read_txt_file,
    skipped_files,
    skipped_files_message,
    special_kind,
    txt_files,
)
from calcminer.nlp.rules.patterns import CONFIG_FILE, default_patterns_dir, load_config
from calcminer.nlp.schema import MAX_REPORT_CHARS, RecordError, Report  # noqa: F401

InputKind = Literal["jsonl", "csv", "parquet", "txt", "folder"]

JSONL_SUFFIXES: frozenset[str] = frozenset({".jsonl", ".ndjson"})
CSV_SUFFIXES: frozenset[str] = frozenset({".csv"})
PARQUET_SUFFIXES: frozenset[str] = frozenset({".parquet", ".pq"})

#: Rows per Parquet batch: bounds memory on large files.
PARQUET_BATCH_ROWS = 1024


def input_limits(patterns_dir: str | Path | None = None) -> InputLimits:
    """Read the input limits of a patterns folder (None: the packaged ``patterns/``).

    Raises:
        PatternError: When ``config.toml`` is missing or invalid.
    """
    directory = Path(patterns_dir) if patterns_dir is not None else default_patterns_dir()
    path = directory / CONFIG_FILE
    return InputLimits.from_config(load_config(path, directory)["input"], path)


def input_kind(path: Path) -> InputKind:
    """Classify an input path by its type and extension.

    Args:
        path: A file or folder given as input.

    Returns:
        The kind of reader the path needs.

    Raises:
        InputError: E101 when the path does not exist, E102 when its type is unsupported,
            E149 when it is neither a regular file nor a folder (a FIFO, socket or device:
            reading it could wait forever).
    """
    if not path.exists():
        raise InputError(Errors.E101.format(path=path))
    if path.is_dir():
        return "folder"
    if not path.is_file():
        raise InputError(Errors.E149.format(path=path, kind=special_kind(path)))
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
    *,
    limits: InputLimits | None = None,
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
        limits: Input limits; None reads them from the packaged ``patterns/config.toml``
            (:func:`input_limits` reads those of another patterns folder).

    Returns:
        An iterator over one item per input record: a :class:`Report`, or a
        :class:`RecordError` when the record cannot be used. Other columns are carried in
        ``Report.meta``, in column order.

    Raises:
        InputError: E101/E102 for a missing or unsupported input, E149 for a FIFO, socket or
            device, E103 when a file lacks the id or text column, E104 for a folder without
            ``.txt`` files, E105 when a file cannot be read, E106 for duplicate column names.
    """
    chosen = limits if limits is not None else input_limits()
    readers = [_reader_for(Path(raw), id_col, text_col, chosen) for raw in inputs]
    items = chain.from_iterable(reader() for reader in readers)
    if chosen.max_carried_columns is None:
        return items
    return cap_carried_columns(items, chosen.max_carried_columns)


def cap_carried_columns(items: Iterable[Item], limit: int) -> Iterator[Item]:
    """Pass records through while the run carries at most ``limit`` distinct columns.

    The columns are counted in stream order, so which records pass does not depend on how the
    stream is later cut into chunks. A report that would bring a column beyond the limit
    becomes an error row (E150); its columns are not counted.

    Args:
        items: Reports and record errors, in input order.
        limit: Most distinct carried columns.

    Returns:
        The same items, with the reports over the limit replaced by error rows.
    """
    known: set[str] = set()
    for item in items:
        if isinstance(item, Report) and item.meta and not known.issuperset(item.meta):
            new = [key for key in item.meta if key not in known]
            if len(known) + len(new) > limit:
                reason = Errors.E150.format(limit=limit)
                yield RecordError(item.source, item.line, item.report_id, "E150", reason)
                continue
            known.update(new)
        yield item


def _reader_for(
    path: Path, id_col: str, text_col: str, limits: InputLimits
) -> Callable[[], Iterator[Item]]:
    """Check one input and return a function that starts reading it."""
    kind = input_kind(path)
    if kind == "jsonl":
        check_jsonl_columns(path, id_col, text_col)
        return lambda: read_jsonl_file(path, id_col, text_col, limits)
    if kind == "csv":
        check_columns(path, csv_header(path, limits), id_col, text_col)
        return lambda: read_csv_file(path, id_col, text_col, limits)
    if kind == "parquet":
        check_columns(path, _parquet_columns(path), id_col, text_col)
        return lambda: _read_parquet(path, id_col, text_col, limits)
    if kind == "txt":
        return lambda: iter([read_txt_file(path)])
    files = txt_files(path)
    return lambda: (read_txt_file(file) for file in files)


# --- Parquet -----------------------------------------------------------------------------------


def _parquet_columns(path: Path) -> list[str]:
    """Return the column names of a Parquet file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return list(pq.read_schema(path).names)
    except (OSError, pa.ArrowException) as e:
        raise InputError(Errors.E105.format(path=path, detail=describe_error(e))) from e


def _read_parquet(path: Path, id_col: str, text_col: str, limits: InputLimits) -> Iterator[Item]:
    """Yield one item per row of a Parquet file (row 1 = first row), batch by batch."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    source = str(path)
    row_number = 0
    max_id = limits.max_report_id_chars
    try:
        parquet = pq.ParquetFile(path)
        for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS):
            for fields in batch.to_pylist():
                row_number += 1
                yield build_record(fields, id_col, text_col, source, row_number, max_id)
    except (OSError, pa.ArrowException) as e:
        detail = f"{describe_error(e)} after row {row_number}"
        raise InputError(Errors.E105.format(path=path, detail=detail)) from e
