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
"""

from __future__ import annotations

import csv
import json
import os
import re
import stat
import string
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any, Literal, TextIO

from calcminer.nlp.errors import Errors, InputError, PatternError
from calcminer.nlp.rules.patterns import CONFIG_FILE, default_patterns_dir, load_config
from calcminer.nlp.schema import MAX_REPORT_CHARS, RecordError, Report

InputKind = Literal["jsonl", "csv", "parquet", "txt", "folder"]

JSONL_SUFFIXES: frozenset[str] = frozenset({".jsonl", ".ndjson"})
CSV_SUFFIXES: frozenset[str] = frozenset({".csv"})
PARQUET_SUFFIXES: frozenset[str] = frozenset({".parquet", ".pq"})
TXT_SUFFIXES: frozenset[str] = frozenset({".txt"})

#: Rows per Parquet batch: bounds memory on large files.
PARQUET_BATCH_ROWS = 1024
#: The csv module refuses fields over 128 KiB by default; a long report can exceed that.
CSV_FIELD_LIMIT_CHARS = 2**31 - 1
#: Text encoding of every input; ``-sig`` drops a byte-order mark written by spreadsheet tools.
INPUT_ENCODING = "utf-8-sig"

#: Deepest nesting of a JSON record (the record itself is level 1). Deeper records are an error
#: row (E146): no report export nests this deep, and deep values would strain the writers.
MAX_JSON_DEPTH_LEVELS = 64

_Item = Report | RecordError
#: Lone surrogates: where ``surrogateescape`` decoding kept a byte that is not UTF-8.
UNDECODED = re.compile("[\udc80-\udcff]")
#: Any lone surrogate (a JSON ``\\ud800`` escape without its pair decodes to one).
_SURROGATE = re.compile("[\ud800-\udfff]")
#: A JSON escape of a surrogate code point, in the raw bytes of a line.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
#: Punctuation of running text: a CSV id holds it only when the file's first id does.
_PROSE_PUNCTUATION = ".,:;!?()\"'`"
#: Characters every CSV report id may hold, whatever the file's first id looks like: digits,
#: capitals and ASCII symbols other than the punctuation of running text (= + - _ # / @ ...).
_ID_CHARS_ALWAYS = "0-9A-Z" + re.escape(
    "".join(c for c in string.punctuation if c not in _PROSE_PUNCTUATION)
)


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
        raise InputError(Errors.E149.format(path=path, kind=_special_kind(path)))
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


def _special_kind(path: Path) -> str:
    """Name what a path that is no regular file is (for messages): FIFO, socket, device..."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "a broken symbolic link" if path.is_symlink() else "missing"
    except OSError as e:
        return "a symbolic link loop" if path.is_symlink() else (e.strerror or "unreadable")
    return _mode_kind(mode)


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


def cap_carried_columns(items: Iterable[_Item], limit: int) -> Iterator[_Item]:
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
) -> Callable[[], Iterator[_Item]]:
    """Check one input and return a function that starts reading it."""
    kind = input_kind(path)
    if kind == "jsonl":
        _check_jsonl_columns(path, id_col, text_col)
        return lambda: _read_jsonl(path, id_col, text_col, limits)
    if kind == "csv":
        _check_columns(path, _csv_header(path, limits), id_col, text_col)
        return lambda: _read_csv(path, id_col, text_col, limits)
    if kind == "parquet":
        _check_columns(path, _parquet_columns(path), id_col, text_col)
        return lambda: _read_parquet(path, id_col, text_col, limits)
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


def build_record(
    fields: Mapping[str, Any],
    id_col: str,
    text_col: str,
    source: str,
    line: int | None,
    max_id_chars: int | None = None,
) -> _Item:
    """Turn one record's fields into a Report, or a RecordError naming the first problem."""
    raw_id = fields.get(id_col)
    if raw_id is None or (isinstance(raw_id, str) and not raw_id.strip()):
        return RecordError(source, line, None, "E115", Errors.E115.format(column=id_col))
    if isinstance(raw_id, bool) or not isinstance(raw_id, str | int):
        reason = Errors.E116.format(column=id_col, kind=_kind_of(raw_id))
        return RecordError(source, line, None, "E116", reason)
    report_id = str(raw_id)
    if max_id_chars is not None and len(report_id) > max_id_chars:
        reason = Errors.E151.format(column=id_col, length=len(report_id), limit=max_id_chars)
        return RecordError(source, line, None, "E151", reason)
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
        raise InputError(Errors.E106.format(path=path, columns=column_names(duplicates)))
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


# --- JSON Lines --------------------------------------------------------------------------------


def _decode_line(raw: bytes, line: int) -> str:
    """Decode one JSONL line; a byte-order mark is allowed on the first line only."""
    return raw.decode(INPUT_ENCODING if line == 1 else "utf-8")


def _json_line_problem(error: ValueError | RecursionError) -> tuple[str, str]:
    """Code and reason of a JSONL line that ``json.loads`` rejects (never its content).

    Besides syntax (E110) and encoding (E117), Python's own limits are record errors, not
    crashes: nesting past the recursion limit (E146) and integers longer than
    ``sys.get_int_max_str_digits()`` (E147).
    """
    if isinstance(error, UnicodeDecodeError):
        return "E117", Errors.E117.format(detail=f"byte {error.start}")
    if isinstance(error, json.JSONDecodeError):
        return "E110", Errors.E110.format(detail=f"{error.msg} at column {error.colno}")
    if isinstance(error, RecursionError):
        return "E146", Errors.E146.format(limit=MAX_JSON_DEPTH_LEVELS)
    # The only other ValueError json raises: an integer over the int-to-str digit limit.
    return "E147", Errors.E147.format(limit=sys.get_int_max_str_digits())


def _json_record_problem(record: Mapping[str, Any], raw: bytes) -> tuple[str, str] | None:
    """A JSON object's first problem beyond syntax, as ``(code, reason)``: lone surrogates in
    a key or string (E145), or nesting deeper than ``MAX_JSON_DEPTH_LEVELS`` (E146)."""
    # Both are rare, so each is first looked for in the raw bytes (one C-level scan): a lone
    # surrogate can only come from a \uD800-\uDFFF escape, nesting needs a second bracket.
    if b"\\u" in raw and _SURROGATE_ESCAPE.search(raw):
        where = _surrogate_place(record)
        if where is not None:
            return "E145", Errors.E145.format(where=where)
    nested = b"[" in raw or raw.find(b"{", raw.find(b"{") + 1) >= 0
    if nested and _nesting_exceeds(record, MAX_JSON_DEPTH_LEVELS):
        return "E146", Errors.E146.format(limit=MAX_JSON_DEPTH_LEVELS)
    return None


def _nesting_exceeds(record: Mapping[str, Any], limit: int) -> bool:
    """Whether a JSON object nests more than ``limit`` levels (the object is level 1)."""
    stack: list[tuple[Any, int]] = [(record, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        children = value.values() if isinstance(value, dict) else value
        stack.extend((child, depth + 1) for child in children if isinstance(child, list | dict))
    return False


def _surrogate_place(record: Mapping[str, Any]) -> str | None:
    """Where a record holds a lone surrogate ("Column 'x'", "A column name"), or None."""
    for key, value in record.items():
        if _SURROGATE.search(str(key)):
            return "A column name"
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                if _SURROGATE.search(item):
                    return f"Column {key!r}"
            elif isinstance(item, dict):
                if any(_SURROGATE.search(str(name)) for name in item):
                    return f"Column {key!r}"
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
    return None


def _shown_id(record: Mapping[str, Any], id_col: str, max_chars: int) -> str | None:
    """The record's id when it is safe to show next to an error: a plain, short string or
    integer (never a value that may be text)."""
    raw_id = record.get(id_col)
    if isinstance(raw_id, bool) or not isinstance(raw_id, str | int):
        return None
    shown = str(raw_id)
    if not shown.strip() or len(shown) > max_chars or not shown.isprintable():
        return None
    return shown


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
                if not raw.strip():
                    continue
                try:
                    value = json.loads(_decode_line(raw, line))
                except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
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


def _read_jsonl(path: Path, id_col: str, text_col: str, limits: InputLimits) -> Iterator[_Item]:
    """Yield one item per non-blank line of a JSON Lines file (line = physical line number)."""
    source = str(path)
    max_id = limits.max_report_id_chars
    try:
        with path.open("rb") as handle:
            for line, raw in enumerate(handle, start=1):
                if not raw.strip():
                    continue
                try:
                    value = json.loads(_decode_line(raw, line))
                except (ValueError, RecursionError) as e:  # UnicodeDecodeError is a ValueError
                    yield RecordError(source, line, None, *_json_line_problem(e))
                    continue
                if not isinstance(value, dict):
                    reason = Errors.E111.format(kind=_kind_of(value))
                    yield RecordError(source, line, None, "E111", reason)
                    continue
                problem = _json_record_problem(value, raw)
                if problem is not None:
                    shown = _shown_id(value, id_col, max_id)
                    yield RecordError(source, line, shown, *problem)
                    continue
                yield build_record(value, id_col, text_col, source, line, max_id)
    except OSError as e:
        raise InputError(Errors.E105.format(path=path, detail=e.strerror or e)) from e


# --- CSV ---------------------------------------------------------------------------------------


class _RunawayRecord(Exception):
    """A CSV record spans more physical lines than ``max_csv_record_lines``."""


class _Misquoted(Exception):
    """A multi-line CSV record with the wrong number of cells: a quote closed by chance."""


class _CsvFeed:
    """Feeds the physical lines of a CSV file to ``csv.reader``, keeping the lines of the record
    being read, so that after a broken record reading can go on at the line after its first.

    Args:
        source: The file's lines (a text file opened with ``newline=""``: LF, CRLF and a bare
            CR each end a line, as for the csv module).
        max_lines: Most lines one record may span.
    """

    def __init__(self, source: Iterator[str], max_lines: int) -> None:
        self.source = source
        self.max_lines = max_lines
        #: Lines of the record being read.
        self.pending: list[str] = []
        #: Lines to read again, the next one last.
        self.replay: list[str] = []

    def lines(self) -> Iterator[str]:
        """The lines for one ``csv.reader``; raises ``_RunawayRecord`` past the line limit."""
        pending, replay, limit = self.pending, self.replay, self.max_lines
        while replay:
            line = replay.pop()
            pending.append(line)
            if len(pending) > limit:
                raise _RunawayRecord
            yield line
        for line in self.source:
            pending.append(line)
            if len(pending) > limit:
                raise _RunawayRecord
            yield line


#: One CSV record: (first physical line, cells, None, "", "") or, for a record that cannot be
#: parsed, (first physical line, None, problem code, reason, its first cell roughly).
_CsvRecord = tuple[int, list[str] | None, str | None, str, str]


def _csv_records(handle: TextIO, max_lines: int) -> Iterator[_CsvRecord]:
    """Parse a CSV file strictly, record by record, recovering from broken quoting.

    A record the csv module rejects (strict mode: text after a closing quote, a quoted cell
    open at the end of the file) or that spans more than ``max_lines`` lines is yielded as a
    problem (E143 when a quoted cell ran over several lines, else E144), and reading goes on
    at the line after the record's first line: a missing closing quote costs one record, not
    the rest of the file. After the header, a record that spans several lines and has the
    wrong number of cells is treated the same way (a quote that closed by chance later).
    """
    feed = _CsvFeed(iter(handle), max_lines)
    first = 1
    expected: int | None = None
    while True:
        reader = csv.reader(feed.lines(), strict=True)
        try:
            for cells in reader:
                spanned = len(feed.pending)
                if expected is None:
                    expected = len(cells)
                elif spanned > 1 and cells and len(cells) != expected:
                    last = first + spanned - 1
                    how = f"closes only on line {last}, where the record has {len(cells)} cells"
                    raise _Misquoted(how + f" (the header has {expected})")
                feed.pending.clear()
                yield first, cells, None, "", ""
                first += spanned
            return
        except (csv.Error, _RunawayRecord, _Misquoted) as e:
            lines = feed.pending[:]
            feed.pending.clear()
            if not lines:
                return
            feed.replay.extend(reversed(lines[1:]))
            code, reason = _csv_problem(e, first, len(lines), max_lines)
            yield first, None, code, reason, _first_cell(lines[0])
            first += 1


def _csv_problem(error: Exception, first: int, spanned: int, max_lines: int) -> tuple[str, str]:
    """Code and reason of a CSV record that could not be parsed (never its content)."""
    if isinstance(error, _RunawayRecord):
        how = f"runs across more than {max_lines} lines (max_csv_record_lines)"
    elif isinstance(error, _Misquoted):
        how = str(error)
    elif "unexpected end of data" in str(error):
        how = "runs to the end of the file"
    elif spanned > 1:
        how = f"closes only on line {first + spanned - 1}, with more text after the quote"
    else:
        detail = "text after a closing quote" if "expected after" in str(error) else str(error)
        return "E144", Errors.E144.format(line=first, detail=detail)
    return "E143", Errors.E143.format(line=first, how=how, next=first + 1)


def _open_csv(path: Path) -> TextIO:
    """Open a CSV file as text; bytes that are not UTF-8 become lone surrogates (E117 rows)."""
    return path.open(encoding=INPUT_ENCODING, errors="surrogateescape", newline="")


def _csv_header(path: Path, limits: InputLimits) -> list[str]:
    """Return the header row of a CSV file ([] for an empty file)."""
    try:
        with _open_csv(path) as handle:
            first = next(_csv_records(handle, limits.max_csv_record_lines), None)
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(Errors.E105.format(path=path, detail=_describe(e))) from e
    if first is None:
        return []
    header = first[1]
    if header is None:
        detail = "the header row has broken quoting"
        raise InputError(Errors.E105.format(path=path, detail=detail))
    if any(UNDECODED.search(name) for name in header):
        detail = "the header row is not valid UTF-8"
        raise InputError(Errors.E105.format(path=path, detail=detail))
    return header


class _IdShape:
    """Tells whether a CSV id cell looks like the file's report ids.

    The file's first id sets the shape: digits, capitals and ASCII symbols (``-``, ``_``,
    ``/``, ``#``, ``=`` ...) are always allowed; lower-case letters, spaces, the punctuation of
    running text (``. , : ; ! ? ( ) " ' ```) and other characters only when the first id has
    them (each punctuation mark and non-ASCII character for itself). A text fragment left by a
    line break outside quotes ("no focal lesion.", "IMPRESSION:") has words, spaces or
    punctuation that ids lack.

    Args:
        max_chars: Longest id (``max_report_id_chars``).
    """

    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars
        self._allowed: re.Pattern[str] | None = None

    def mismatch(self, cell: str) -> str | None:
        """Why ``cell`` is not like the file's ids (for messages, never quoting it), or None.

        An empty cell is None: a missing id is E115's. The first id that can be one sets the
        shape.
        """
        core = cell.strip()
        if not core:
            return None
        if len(core) > self.max_chars:
            limit = f"max_report_id_chars ({self.max_chars})"
            return f"it has {len(core)} characters, more than {limit}"
        if not core.isprintable():
            return "it holds control, format or non-breaking space characters"
        if self._allowed is None:
            self._allowed = re.compile(f"[{_ID_CHARS_ALWAYS}{_id_classes(core)}]+")
            return None
        if self._allowed.fullmatch(core):
            return None
        kinds = {_char_kind(char) for char in core if not self._allowed.fullmatch(char)}
        return "it holds " + ", ".join(sorted(kinds)) + ", unlike the file's first id"


def _id_classes(seed: str) -> str:
    """Regex character-class body for the kinds of character in the file's first id."""
    always = re.compile(f"[{_ID_CHARS_ALWAYS}]")
    parts: dict[str, None] = {}
    for char in seed:
        if "a" <= char <= "z":
            parts["a-z"] = None
        elif char.isspace():
            parts[" "] = None
        elif not always.fullmatch(char):
            parts[re.escape(char)] = None
    return "".join(parts)


def _char_kind(char: str) -> str:
    """Name the kind of a character for messages (never the character itself)."""
    if "a" <= char <= "z":
        return "lower-case letters"
    if char.isspace():
        return "spaces"
    if char in _PROSE_PUNCTUATION:
        return "punctuation"
    if char.isalpha():
        return "letters beyond A-Z"
    return "other characters"


def _first_cell(line: str) -> str:
    """The first cell of a raw CSV line, roughly (for judging a row the csv module rejects)."""
    return line.split(",", 1)[0].strip().strip('"')


def _read_csv(path: Path, id_col: str, text_col: str, limits: InputLimits) -> Iterator[_Item]:
    """Yield one item per data row of a CSV file (row 1 = first row after the header).

    Quoted cells may span lines. Blank rows are skipped but keep their row number. All
    values are strings, so ids keep leading zeros. Parsing is strict: broken quoting is an
    error row and reading goes on at the next line (see :func:`_csv_records`). Each row must
    start with an id like the file's first (:class:`_IdShape`): a row that does not is a
    fragment of the record above it, cut by a line break outside quotes (E141), and that
    record, whose text is cut, is an error row too (E142). So one record is held back until
    the next row shows whether it continues.
    """
    source = str(path)
    row_number = 0
    shape = _IdShape(limits.max_report_id_chars) if limits.check_csv_id_shape else None
    held: _Item | None = None
    previous_limit = csv.field_size_limit(CSV_FIELD_LIMIT_CHARS)
    try:
        with _open_csv(path) as handle:
            records = _csv_records(handle, limits.max_csv_record_lines)
            first = next(records, None)
            header = (first[1] if first is not None else None) or []
            row = _CsvRow(source, header, header.index(id_col), id_col, text_col, shape, limits)
            for line, cells, code, reason, lead in records:
                row_number += 1
                if cells == []:
                    continue  # a blank row
                if cells is None:
                    item, continues = row.broken(line, row_number, code or "E144", reason, lead)
                else:
                    item, continues = row.item(line, row_number, cells)
                if continues:
                    if held is not None:
                        yield _cut(held, line)
                        held = None
                    yield item
                    continue
                if held is not None:
                    yield held
                held = item
            if held is not None:
                yield held
    except (OSError, UnicodeDecodeError) as e:
        detail = f"{_describe(e)} after row {row_number}"
        raise InputError(Errors.E105.format(path=path, detail=detail)) from e
    finally:
        csv.field_size_limit(previous_limit)


@dataclass
class _CsvRow:
    """Turns the rows of one CSV file into items (the file's header, id column and id shape)."""

    source: str
    header: list[str]
    id_index: int
    id_col: str
    text_col: str
    shape: _IdShape | None
    limits: InputLimits

    def item(self, line: int, row_number: int, cells: list[str]) -> tuple[_Item, bool]:
        """The item of a parsed row, and whether the row continues the record above it."""
        source, id_index = self.source, self.id_index
        id_cell = cells[id_index] if id_index < len(cells) else ""
        if UNDECODED.search(id_cell):
            reason = Errors.E117.format(detail="a byte that is not UTF-8, in the id cell")
            return RecordError(source, row_number, None, "E117", reason), False
        if self.shape is not None and (why := self.shape.mismatch(id_cell)) is not None:
            reason = Errors.E141.format(line=line, why=why)
            return RecordError(source, row_number, None, "E141", reason), True
        shown = id_cell if id_cell.strip() and self._short(id_cell) else None
        if any(UNDECODED.search(cell) for cell in cells):
            reason = Errors.E117.format(detail="a byte that is not UTF-8")
            return RecordError(source, row_number, shown, "E117", reason), False
        if len(cells) != len(self.header):
            reason = Errors.E118.format(got=len(cells), expected=len(self.header))
            return RecordError(source, row_number, shown, "E118", reason), False
        fields = dict(zip(self.header, cells, strict=True))
        max_id = self.limits.max_report_id_chars
        return build_record(fields, self.id_col, self.text_col, source, row_number, max_id), False

    def broken(
        self, line: int, row_number: int, code: str, reason: str, lead: str
    ) -> tuple[_Item, bool]:
        """The error row of a record with broken quoting (judged by its rough first cell)."""
        if self.shape is None or not lead:
            return RecordError(self.source, row_number, None, code, reason), False
        why = self.shape.mismatch(lead)
        if why is not None:
            reason = Errors.E141.format(line=line, why=why)
            return RecordError(self.source, row_number, None, "E141", reason), True
        return RecordError(self.source, row_number, lead, code, reason), False

    def _short(self, cell: str) -> bool:
        return len(cell) <= self.limits.max_report_id_chars and cell.isprintable()


def _cut(held: _Item, line: int) -> _Item:
    """The record above a continuation row: its text is cut (E142), unless it already failed
    for another reason than its number of cells."""
    if isinstance(held, Report) or held.code == "E118":
        reason = Errors.E142.format(line=line)
        return RecordError(held.source, held.line, held.report_id, "E142", reason)
    return held


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


def _read_parquet(path: Path, id_col: str, text_col: str, limits: InputLimits) -> Iterator[_Item]:
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
        detail = f"{_describe(e)} after row {row_number}"
        raise InputError(Errors.E105.format(path=path, detail=detail)) from e


# --- .txt files ----------------------------------------------------------------------------------


def _txt_files(folder: Path) -> list[Path]:
    """List the ``.txt`` entries directly in a folder, sorted by name; E104 when there are none.

    Entries that are no regular file (a broken link, a FIFO, a folder named ``*.txt``) are
    listed too: reading them gives an error row (E148) instead of leaving them out unseen.
    """
    try:
        files = sorted(
            (
                entry
                for entry in folder.iterdir()
                if entry.suffix.lower() in TXT_SUFFIXES and not entry.name.startswith(".")
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
    """Read one ``.txt`` file as one report whose id is the file stem.

    The file is opened without blocking and checked to be a regular file before it is read,
    so a FIFO or device is an error row (E148), never a wait.
    """
    source = str(path)
    try:
        data = _read_regular_file(path)
    except _NotRegular as e:
        return RecordError(source, None, path.stem, "E148", Errors.E148.format(kind=e.kind))
    except OSError as e:
        raise InputError(Errors.E105.format(path=path, detail=_describe(e))) from e
    try:
        text = data.decode(INPUT_ENCODING)
    except UnicodeDecodeError as e:
        reason = Errors.E117.format(detail=f"byte {e.start}")
        return RecordError(source, None, path.stem, "E117", reason)
    if not text.strip():
        return RecordError(source, None, path.stem, "E119", Errors.E119)
    if len(text) > MAX_REPORT_CHARS:
        reason = Errors.E124.format(length=len(text), limit=MAX_REPORT_CHARS)
        return RecordError(source, None, path.stem, "E124", reason)
    return Report(report_id=path.stem, text=text, meta={}, source=source, line=None)


class _NotRegular(Exception):
    """A folder entry that is no regular file; ``kind`` names what it is."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def _read_regular_file(path: Path) -> bytes:
    """All bytes of a regular file; ``_NotRegular`` for a broken link, FIFO, folder, device."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        if not path.is_file():
            raise _NotRegular(_special_kind(path)) from None
        raise
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise _NotRegular(_mode_kind(mode))
    except BaseException:
        os.close(descriptor)
        raise
    with open(descriptor, "rb", closefd=True) as handle:
        return handle.read()


def _mode_kind(mode: int) -> str:
    """Name a file type that is not regular (for messages)."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"
