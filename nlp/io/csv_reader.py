"""The CSV reader (TSV too, and any delimiter): parsed strictly, record by record, recovering
from broken quoting.

Quoted cells may span lines; a record whose quoting is broken is an error row (E143, E144)
and reading goes on at the line after its first. Each row must start with an id like the
file's first (:class:`IdShape`): a row that does not is a fragment of the record above it,
cut by a line break outside quotes (E141), and that record is an error row too (E142). The
file comes from a :class:`~calcminer.nlp.io.sources.Source` (plain, compressed, or standard
input), decoded as :class:`~calcminer.nlp.io.sources.ReadOptions` say.
"""

from __future__ import annotations

import csv
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from calcminer.nlp.errors import Errors, InputError
from calcminer.nlp.io.records import (
    UNDECODED,
    InputLimits,
    Item,
    build_record,
    describe_error,
)
from calcminer.nlp.io.sources import ReadOptions, Source
from calcminer.nlp.schema import RecordError, Report

#: The csv module refuses fields over 128 KiB by default; a long report can exceed that.
CSV_FIELD_LIMIT_CHARS = 2**31 - 1
#: Cell delimiter of each tabular text suffix (``--delimiter`` chooses another).
DELIMITERS = {".csv": ",", ".tsv": "\t"}
#: Punctuation of running text: a CSV id holds it only when the file's first id does.
_PROSE_PUNCTUATION = ".,:;!?()\"'`"
#: Characters every CSV report id may hold, whatever the file's first id looks like: digits,
#: capitals and ASCII symbols other than the punctuation of running text (= + - _ # / @ ...).
_ID_CHARS_ALWAYS = "0-9A-Z" + re.escape(
    "".join(c for c in string.punctuation if c not in _PROSE_PUNCTUATION)
)


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


def _csv_records(handle: IO[str], max_lines: int, delimiter: str = ",") -> Iterator[_CsvRecord]:
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
        reader = csv.reader(feed.lines(), strict=True, delimiter=delimiter)
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
            yield first, None, code, reason, _first_cell(lines[0], delimiter)
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


def csv_header(
    source: Source, limits: InputLimits, delimiter: str = ",", options: ReadOptions | None = None
) -> list[str]:
    """Return the header row of a CSV file ([] for an empty file)."""
    chosen = options or ReadOptions()
    try:
        with source.open_text(chosen) as handle:
            first = next(_csv_records(handle, limits.max_csv_record_lines, delimiter), None)
    except (OSError, UnicodeDecodeError) as e:
        detail = _read_problem(e, chosen)
        raise InputError(Errors.E105.format(path=source.label, detail=detail)) from e
    if first is None:
        return []
    header = first[1]
    if header is None:
        detail = "the header row has broken quoting"
        raise InputError(Errors.E105.format(path=source.label, detail=detail))
    if any(UNDECODED.search(name) for name in header):
        detail = f"the header row is not valid {chosen.encoding_name}"
        raise InputError(Errors.E105.format(path=source.label, detail=detail))
    return header


def _read_problem(error: OSError | UnicodeDecodeError, options: ReadOptions) -> str:
    """What went wrong reading a CSV file, never its content (E105's detail)."""
    if isinstance(error, UnicodeDecodeError) and options.encoding is not None:
        return f"not valid {options.encoding} text ({error.reason})"
    return describe_error(error)


class IdShape:
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


def _first_cell(line: str, delimiter: str = ",") -> str:
    """The first cell of a raw CSV line, roughly (for judging a row the csv module rejects)."""
    return line.split(delimiter, 1)[0].strip().strip('"')


def read_csv_file(
    source: Source,
    id_col: str,
    text_col: str,
    limits: InputLimits,
    delimiter: str = ",",
    options: ReadOptions | None = None,
) -> Iterator[Item]:
    """Yield one item per data row of a CSV file (row 1 = first row after the header).

    Quoted cells may span lines. Blank rows are skipped but keep their row number. All
    values are strings, so ids keep leading zeros. Parsing is strict: broken quoting is an
    error row and reading goes on at the next line (see :func:`_csv_records`). Each row must
    start with an id like the file's first (:class:`IdShape`): a row that does not is a
    fragment of the record above it, cut by a line break outside quotes (E141), and that
    record, whose text is cut, is an error row too (E142). So one record is held back until
    the next row shows whether it continues. Cells are split at ``delimiter`` (a tab for
    TSV) and decoded with ``options``' codec (a cell that does not decode: E117, or E181
    with ``--encoding``).
    """
    chosen = options or ReadOptions()
    name = source.name
    row_number = 0
    shape = IdShape(limits.max_report_id_chars) if limits.check_csv_id_shape else None
    held: Item | None = None
    previous_limit = csv.field_size_limit(CSV_FIELD_LIMIT_CHARS)
    try:
        with source.open_text(chosen) as handle:
            records = _csv_records(handle, limits.max_csv_record_lines, delimiter)
            first = next(records, None)
            header = (first[1] if first is not None else None) or []
            row = _CsvRow(
                name, header, header.index(id_col), id_col, text_col, shape, limits, chosen
            )
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
        detail = f"{_read_problem(e, chosen)} after row {row_number}"
        raise InputError(Errors.E105.format(path=source.label, detail=detail)) from e
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
    shape: IdShape | None
    limits: InputLimits
    options: ReadOptions

    def item(self, line: int, row_number: int, cells: list[str]) -> tuple[Item, bool]:
        """The item of a parsed row, and whether the row continues the record above it."""
        source, id_index = self.source, self.id_index
        id_cell = cells[id_index] if id_index < len(cells) else ""
        if UNDECODED.search(id_cell):
            code, reason = self._undecoded(", in the id cell")
            return RecordError(source, row_number, None, code, reason), False
        if self.shape is not None and (why := self.shape.mismatch(id_cell)) is not None:
            reason = Errors.E141.format(line=line, why=why)
            return RecordError(source, row_number, None, "E141", reason), True
        shown = id_cell if id_cell.strip() and self._short(id_cell) else None
        if any(UNDECODED.search(cell) for cell in cells):
            code, reason = self._undecoded("")
            return RecordError(source, row_number, shown, code, reason), False
        if len(cells) != len(self.header):
            reason = Errors.E118.format(got=len(cells), expected=len(self.header))
            return RecordError(source, row_number, shown, "E118", reason), False
        fields = dict(zip(self.header, cells, strict=True))
        max_id = self.limits.max_report_id_chars
        return build_record(fields, self.id_col, self.text_col, source, row_number, max_id), False

    def broken(
        self, line: int, row_number: int, code: str, reason: str, lead: str
    ) -> tuple[Item, bool]:
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

    def _undecoded(self, where: str) -> tuple[str, str]:
        """Code and reason of a row with a byte that does not decode (E117; E181 when the
        encoding was given)."""
        encoding = self.options.encoding
        if encoding is None:
            return "E117", Errors.E117.format(detail=f"a byte that is not UTF-8{where}")
        detail = f"a byte that is not {encoding} text{where}"
        return "E181", Errors.E181.format(encoding=encoding, detail=detail)


def _cut(held: Item, line: int) -> Item:
    """The record above a continuation row: its text is cut (E142), unless it already failed
    for another reason than its number of cells."""
    if isinstance(held, Report) or held.code == "E118":
        reason = Errors.E142.format(line=line)
        return RecordError(held.source, held.line, held.report_id, "E142", reason)
    return held


__all__ = ["CSV_FIELD_LIMIT_CHARS", "DELIMITERS", "IdShape", "csv_header", "read_csv_file"]
