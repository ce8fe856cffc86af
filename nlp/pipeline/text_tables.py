"""Tables written as text in a report: rows, cells, columns, and what a header says of them.

Serial oncology reports list lesions in tables typed as text, with cell marks ("| T1 | Liver S4
| calcified | 38 | 41 |") or with columns aligned by runs of spaces or tabs::

    Cyst  Location      Stage  Size now   Size prior
    A     segment IV    CE5    3.1 cm     3.1 cm

This module reads such a table from the report text alone (character offsets, no spaCy), so
the linker can ask which cell a mention stands in, what the header of its column says (a
unit, "current", "prior") and which size of a row is the current exam's. Pure functions; the
words they compare with come from ``patterns/normalization.json`` (``table_cell_marks``).
"""

from __future__ import annotations

import bisect
import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

#: A gap between aligned columns: two or more spaces, or tabs.
_GAP = re.compile(r"\t+| {2,}")
#: Characters after which a run of spaces ends a sentence, not a cell ("normal.  Spleen").
_SENTENCE_END = frozenset(".;:,")
#: A cell that holds only a number (a size whose unit the column header gives).
BARE_NUMBER = re.compile(r"^~?\d+(?:[.,]\d+)?$")
_WORD = re.compile(r"[^\W\d_]+")
_LINE_BREAK = re.compile("\n")


@dataclass(frozen=True)
class Cell:
    """One cell of a row: its character span in the report and its text (stripped)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class TextTable:
    """The table around one row.

    Attributes:
        row: The cells of the row asked about.
        header: The cells of the table's header (its first row holding a letter), or empty
            when the row is the header itself or the table has none.
        aligned: Whether the columns are aligned by spaces (not cell marks or tabs, whose
            cells match the header's by position).
        row_line_start: The offset of the row's line.
        header_line_start: The offset of the header's line.
    """

    row: tuple[Cell, ...]
    header: tuple[Cell, ...]
    aligned: bool
    row_line_start: int = 0
    header_line_start: int = 0

    def cell_at(self, char: int) -> int | None:
        """The index in :attr:`row` of the cell that holds the character offset ``char``."""
        for k, cell in enumerate(self.row):
            if cell.start <= char < cell.end:
                return k
        return None

    def title_of(self, k: int) -> str:
        """The header text over cell ``k`` of the row, lower case ("" when none)."""
        if not self.header:
            return ""
        if not self.aligned:
            return self.header[k].text.lower() if k < len(self.header) else ""
        cell = self.row[k]
        # Aligned columns, offsets from each line's start: the header cell that overlaps the
        # cell most, else the last header cell that starts before it.
        begin, end = cell.start - self.row_line_start, cell.end - self.row_line_start
        best, overlap = "", 0
        for h in self.header:
            h_begin, h_end = h.start - self.header_line_start, h.end - self.header_line_start
            shared = min(end, h_end) - max(begin, h_begin)
            if shared > overlap:
                best, overlap = h.text.lower(), shared
        if overlap:
            return best
        before = [h for h in self.header if h.start - self.header_line_start <= begin]
        return before[-1].text.lower() if before else ""


class LineIndex:
    """The lines of one text, found once: where each line starts and ends, and whether it may
    be a table row, so that asking for every target of a long report stays linear.

    Args:
        text: The report text.
        max_row_chars: Longest line that may be a table row (a longer one is prose).
    """

    def __init__(self, text: str, max_row_chars: int) -> None:
        self.text = text
        self.max_row_chars = max_row_chars
        self._breaks = [m.start() for m in _LINE_BREAK.finditer(text)]
        self._may_be_row: dict[int, bool] = {}

    def span(self, char: int) -> tuple[int, int]:
        """``(start, end)`` of the line holding ``char`` (no line break, no CR)."""
        k = bisect.bisect_left(self._breaks, char)
        start = self._breaks[k - 1] + 1 if k > 0 else 0
        end = self._breaks[k] if k < len(self._breaks) else len(self.text)
        if end > start and self.text[end - 1] == "\r":
            end -= 1
        return start, end

    def may_be_row(self, char: int) -> bool:
        """A cheap test before reading a table: the line of ``char`` is short enough and holds
        a cell mark, a tab or a run of three spaces."""
        start, end = self.span(char)
        known = self._may_be_row.get(start)
        if known is None:
            line = self.text[start:end]
            known = len(line) <= self.max_row_chars and (
                "|" in line or "\t" in line or "   " in line
            )
            self._may_be_row[start] = known
        return known


class LinesOfLast:
    """The :class:`LineIndex` of the last document asked for: a component that asks for
    every target of one document builds it once.

    Args:
        max_row_chars: Longest line that may be a table row.
        text_of: The text of a document (default: its ``text`` attribute).
    """

    def __init__(
        self, max_row_chars: int, text_of: Callable[[Any], str] = operator.attrgetter("text")
    ) -> None:
        self.max_row_chars = max_row_chars
        self._text_of = text_of
        self._owner: object | None = None
        self._index: LineIndex | None = None

    def __call__(self, doc: Any) -> LineIndex:
        """The lines of ``doc.text`` (``doc``: anything with a ``text``, such as a spaCy Doc)."""
        if self._owner is not doc or self._index is None:
            self._owner = doc
            self._index = LineIndex(self._text_of(doc), self.max_row_chars)
        return self._index


def line_span(text: str, char: int) -> tuple[int, int]:
    """``(start, end)`` of the line holding the character offset ``char`` (no line break)."""
    start = text.rfind("\n", 0, char) + 1
    end = text.find("\n", char)
    end = len(text) if end < 0 else end
    if end > start and text[end - 1] == "\r":
        end -= 1
    return start, end


def _cells(text: str, start: int, end: int, marks: Iterable[str]) -> tuple[list[Cell], bool]:
    """The cells of the line ``text[start:end]`` and whether they are aligned by spaces (an
    empty list when the line is no row: fewer than two cell marks and fewer than two cells
    between column gaps)."""
    line = text[start:end]
    marks = tuple(marks)
    if sum(line.count(mark) for mark in marks) >= 2:
        pattern = "|".join(re.escape(mark) for mark in marks)
        cells: list[Cell] = []
        offset = 0
        for piece in re.split(f"({pattern})", line):
            if piece in marks:
                offset += len(piece)
                continue
            stripped = piece.strip()
            if stripped:
                lead = len(piece) - len(piece.lstrip())
                cells.append(
                    Cell(start + offset + lead, start + offset + lead + len(stripped), stripped)
                )
            offset += len(piece)
        return cells, False
    cells = []
    begin = len(line) - len(line.lstrip())
    for gap in _GAP.finditer(line, begin):
        if gap.start() <= begin:
            continue
        if line[gap.start() - 1] in _SENTENCE_END:
            return [], True  # "Liver normal.  Spleen normal.": sentences, not cells
        piece = line[begin : gap.start()]
        cells.append(Cell(start + begin, start + gap.start(), piece))
        begin = gap.end()
    tail = line[begin:].rstrip()
    if tail:
        cells.append(Cell(start + begin, start + begin + len(tail), tail))
    # Tab-separated cells match their header by position, like cells between marks.
    aligned = "\t" not in line
    return (cells, aligned) if len(cells) >= 2 else ([], aligned)


def is_aligned_row(line: str) -> bool:
    """Whether a line is a row of columns aligned by runs of spaces or tabs: two cells or
    more, no gap right after sentence punctuation ("Liver normal.  Spleen normal." is two
    sentences)."""
    return ("   " in line or "\t" in line) and bool(_cells(line, 0, len(line), ())[0])


def is_table_row(line: str, marks: Iterable[str]) -> bool:
    """Whether a line is a row of a table written as text: it holds two cell marks or more,
    or columns aligned by runs of spaces (:func:`is_aligned_row`)."""
    return sum(line.count(mark) for mark in marks) >= 2 or is_aligned_row(line)


def table_rows_above(text: str, line_start: int, marks: Iterable[str]) -> list[tuple[int, int]]:
    """``(start, end)`` of the table rows right above the line starting at ``line_start``
    (``end`` is the offset of its line break), nearest first, up to the first line that is no
    row (:func:`is_table_row`)."""
    rows: list[tuple[int, int]] = []
    while line_start > 0:
        above = text.rfind("\n", 0, line_start - 1) + 1
        if not is_table_row(text[above : line_start - 1], marks):
            break
        rows.append((above, line_start - 1))
        line_start = above
    return rows


def table_at(text: str, char: int, marks: Iterable[str]) -> TextTable | None:
    """The table whose row holds the character offset ``char``, or None when that line is no
    table row. An aligned row needs a neighbouring line that is a row too (a table has two
    rows or more); a row of cell marks does not."""
    marks = tuple(marks)
    start, end = line_span(text, char)
    row, aligned = _cells(text, start, end, marks)
    if not row:
        return None
    rows_above: list[tuple[int, list[Cell]]] = []
    above_end = start - 1
    while above_end > 0:
        a_start, a_end = line_span(text, above_end - 1)
        cells, _ = _cells(text, a_start, a_end, marks)
        if not cells:
            break
        rows_above.append((a_start, cells))
        above_end = a_start - 1
    if aligned and not rows_above:
        below_start = end + 1 + int(end < len(text) and text[end] == "\r")
        if below_start >= len(text):
            return None
        b_start, b_end = line_span(text, below_start)
        if not _cells(text, b_start, b_end, marks)[0]:
            return None
    lettered = [
        (line, cells) for line, cells in rows_above if any(_WORD.search(c.text) for c in cells)
    ]
    header_line, header = lettered[-1] if lettered else (0, [])
    return TextTable(tuple(row), tuple(header), aligned, start, header_line)


def rows_below(text: str, char: int, marks: Iterable[str], limit: int) -> list[tuple[Cell, ...]]:
    """The cells of the table rows right below the line holding ``char``, nearest first, up
    to the first line that is no row or ``limit`` rows ("Calcified liver lesions    Size" over
    "Lesion A (segment VII)     32 mm")."""
    marks = tuple(marks)
    rows: list[tuple[Cell, ...]] = []
    _, end = line_span(text, char)
    while len(rows) < limit:
        start = text.find("\n", end)
        if start < 0:
            break
        start += 1
        if start >= len(text):
            break
        b_start, b_end = line_span(text, start)
        cells, _ = _cells(text, b_start, b_end, marks)
        if not cells:
            break
        rows.append(tuple(cells))
        end = b_end
    return rows


def header_unit_factor(title: str, unit_to_mm: dict[str, float]) -> float | None:
    """The factor to mm of the unit a column header names ("Prior (mm)", "size, cm"), or None
    when it names none or several."""
    units = {w for w in _WORD.findall(title) if w in unit_to_mm}
    if len(units) != 1:
        return None
    return unit_to_mm[units.pop()]


def title_words(title: str) -> set[str]:
    """The words of a column header, lower case."""
    return set(_WORD.findall(title.lower()))


__all__ = [
    "BARE_NUMBER",
    "Cell",
    "LineIndex",
    "LinesOfLast",
    "TextTable",
    "header_unit_factor",
    "is_aligned_row",
    "is_table_row",
    "line_span",
    "rows_below",
    "table_at",
    "table_rows_above",
    "title_words",
]
