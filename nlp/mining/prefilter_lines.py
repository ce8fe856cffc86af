"""The prefilter's first stage: the words and lines of a text, and rule tests by anchor word.

:func:`same_length_lower` lower-cases a text one character for one and :func:`text_words`
gives its words (runs of letters); :class:`RuleGroup` indexes the line tests of some rules by
their anchors (each rule's rarest required word) and finds them in a text; :func:`anchor_lines`
gives the lines (between ``LINE_BREAKS``) that hold one, the only lines
:class:`~calcminer.nlp.mining.prefilter.Prefilter` tests rule by rule. :func:`table_row_pieces`
gives the table rows kept with a target's row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from calcminer.nlp.pipeline.neighbours import LENT_ORGAN
from calcminer.nlp.pipeline.sections import LINE_BREAKS
from calcminer.nlp.pipeline.text_tables import is_table_row, rows_below, table_rows_above
from calcminer.nlp.rules.labels import LENT_LABELS
from calcminer.nlp.rules.line_tests import RuleTest, RuleTestError, rule_test
from calcminer.nlp.rules.patterns import PatternSet

_WORD_RE = re.compile(r"[^\W\d_]+")
#: In lower-cased ASCII text the words are runs of a-z: every other byte becomes a space and
#: ``str.split`` cuts there (faster than a regular expression, long text or short).
_ASCII_LETTERS_ONLY = bytes(c if ord("a") <= c <= ord("z") else ord(" ") for c in range(256))
#: A line: text between separators (``LINE_BREAKS``).
#: One letter: what ``_WORD_RE`` makes its words of.
_LETTER = re.compile(r"[^\W\d_]")


def text_words(lower: str) -> list[str]:
    """The words (runs of letters) of a lower-cased text."""
    if lower.isascii():
        return lower.encode().translate(_ASCII_LETTERS_ONLY).decode().split()
    return _WORD_RE.findall(lower)


def anchor_lines(lower: str, anchors: Iterable[str]) -> list[tuple[int, int]]:
    """The lines (``(start, end)``, in order) where one of the anchors occurs: an alphabetic
    one as a whole word, any other as a substring. Only these lines need the line test."""
    found: set[tuple[int, int]] = set()
    for anchor in anchors:
        whole = anchor.isalpha()
        at = lower.find(anchor)
        while at >= 0:
            after = at + len(anchor)
            if not whole or (
                (at == 0 or not _LETTER.match(lower, at - 1))
                and (after >= len(lower) or not _LETTER.match(lower, after))
            ):
                found.add(_line_span(lower, at))
            at = lower.find(anchor, at + 1)
    return sorted(found)


def _line_span(text: str, position: int) -> tuple[int, int]:
    """``(start, end)`` of the line (text between separators) that holds ``position``."""
    ends = [i for i in (text.find(c, position) for c in LINE_BREAKS) if i >= 0]
    return start_of_line(text, position + 1), min(ends) if ends else len(text)


def lower_and_words(text: str) -> tuple[str, set[str]]:
    """The text lower-cased one for one (``same_length_lower``) and its words."""
    lower = same_length_lower(text)
    return lower, set(text_words(lower))


def same_length_lower(text: str) -> str:
    """``text.lower()`` with every character kept one for one, so offsets still hold.

    A few capitals lower-case to two characters (Turkish "İ" to "i" and a combining dot);
    they stay as they are.
    """
    lower = text.lower()
    if len(lower) == len(text):
        return lower
    return "".join(c if len(low := c.lower()) != 1 else low for c in text)


def start_of_line(text: str, position: int) -> int:
    """Start of the line (text after the last separator) that holds ``text[position - 1]``."""
    return max(text.rfind(c, 0, position) for c in LINE_BREAKS) + 1


@dataclass(frozen=True)
class RuleGroup:
    """The line tests of some rules, indexed by their anchor words (:meth:`RuleTest.anchor`).

    The first stage finds the anchors of a text: an alphabetic anchor as a whole word (the
    line test needs it as such a word anyway, :meth:`RuleTest.line_has_words`), any other as
    a substring. Only lines holding an anchor are tested.
    """

    tests: tuple[RuleTest, ...]
    by_anchor: Mapping[str, tuple[RuleTest, ...]] = field(init=False, repr=False, compare=False)
    #: The alphabetic anchors (whole words) and the others (substrings).
    whole: frozenset[str] = field(init=False, repr=False, compare=False)
    parts: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        anchors = {w for t in self.tests for w in t.anchor() if w}
        object.__setattr__(self, "whole", frozenset(w for w in anchors if w.isalpha()))
        object.__setattr__(self, "parts", tuple(sorted(w for w in anchors if not w.isalpha())))
        self._index()

    def anchors_in(self, words: set[str], lower: str) -> set[str]:
        """The group's anchors in a lower-cased text whose words are ``words``."""
        found = words & self.whole
        found.update(p for p in self.parts if p in lower)
        return found

    def _index(self) -> None:
        index: dict[str, list[RuleTest]] = {}
        for test in self.tests:
            for word in test.anchor():
                index.setdefault(word, []).append(test)
        object.__setattr__(self, "by_anchor", {w: tuple(t) for w, t in index.items()})


def lendable_group(patterns: PatternSet) -> RuleGroup:
    """The line tests of the rules a continuing sentence lends from (``LENT_LABELS``).

    Raises:
        RuleTestError: E015, when a rule has no literal words and its regular expressions
            need no digit (then ``Prefilter.may_lend`` could not be a superset test).
    """
    tests = []
    for rule in patterns.mentions:
        if rule.label not in LENT_LABELS or (rule.label == "ORGAN" and rule.value != LENT_ORGAN):
            continue
        try:
            tests.append(rule_test(rule))
        except RuleTestError:
            regexes = [
                v["REGEX"]
                for token in rule.pattern
                if isinstance(token, dict)
                for v in token.values()
                if isinstance(v, dict) and "REGEX" in v
            ]
            if not regexes or not all(re.search(r"\[1-\d\]|\\d", x) for x in regexes):
                raise
    return RuleGroup(tuple(tests))


def table_row_pieces(
    text: str, units: list[tuple[int, int]], marks: tuple[str, ...], max_title_rows: int
) -> list[tuple[int, int]]:
    """The pieces of the table rows above each unit's row, up to the first row of its
    block of rows (the header: "Lesion | Location | Current | Prior"), each line cut at
    the separators as the reducer cuts it.

    Args:
        text: The text.
        units: The pieces kept for targets.
        marks: Characters that separate the cells of a table row (``Prefilter.table_marks``).
        max_title_rows: Most rows below the first row of a table that are its members
            (``Prefilter.max_title_rows``).
    """
    rows: list[tuple[int, int]] = []
    done: set[int] = set()
    for start, _end in units:
        line_start = text.rfind("\n", 0, start) + 1
        if line_start in done:
            continue
        done.add(line_start)
        line_end = text.find("\n", start)
        line = text[line_start : len(text) if line_end < 0 else line_end]
        if not is_table_row(line, marks):
            continue
        block = table_rows_above(text, line_start, marks)
        if not block:
            # The first row of a table ("Calcified liver lesions    Size"): the rows below
            # it are its members.
            for cells in rows_below(text, start, marks, max_title_rows):
                row_end = text.find("\n", cells[0].start)
                block.append(
                    (
                        text.rfind("\n", 0, cells[0].start) + 1,
                        len(text) if row_end < 0 else row_end,
                    )
                )
        for above, end in block:
            if above in done:
                break
            done.add(above)
            piece = above
            for k in range(above, end + 1):
                if k == len(text) or text[k] in LINE_BREAKS:
                    if k > piece:
                        rows.append((piece, k))
                    piece = k + 1
    return rows
