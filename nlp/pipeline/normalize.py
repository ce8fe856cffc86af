"""Pure parsing of matched mention text (sizes, segments, counts) into normalized values."""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from itertools import islice
from typing import Any

from calcminer.nlp.errors import Errors, PatternError
from calcminer.nlp.rules.rule_values import (
    LOBE_BOTH,
    LOBE_CAUDATE,
    LOBE_LEFT,
    LOBE_RIGHT,
    ORGAN_LIVER,
)
from calcminer.nlp.schema import COUINAUD_SEGMENTS

#: The segments in order (one list: ``calcminer.nlp.schema.COUINAUD_SEGMENTS``).
ROMAN_ORDER = COUINAUD_SEGMENTS
LOBE_ORDER: tuple[str, ...] = (LOBE_CAUDATE, LOBE_LEFT, LOBE_RIGHT)


@dataclass(frozen=True)
class Normalizer:
    """Parsing functions bound to the tables of ``patterns/normalization.json``.

    Attributes:
        tables: The loaded normalization tables.
    """

    tables: Mapping[str, Any]

    @cached_property
    def _number_re(self) -> re.Pattern[str]:
        return re.compile(self.tables["number_regex"])

    @cached_property
    def _unit_re(self) -> re.Pattern[str]:
        # Longest first, so "mms" is not read as "mm" then "s" (the units of ``unit_to_mm``:
        # one list for the size parser, the token patterns and the tables).
        units = sorted(self.tables["unit_to_mm"], key=lambda u: (-len(u), u))
        return re.compile("(?i)(" + "|".join(map(re.escape, units)) + ")")

    @cached_property
    def _segment_re(self) -> re.Pattern[str]:
        return re.compile(self.tables["segment_value_regex"])

    @cached_property
    def _segment_keyword_re(self) -> re.Pattern[str]:
        words = "|".join(sorted(map(re.escape, self.tables["segment_keywords"]), key=len)[::-1])
        return re.compile(rf"(?i)^\s*(?:{words})\b\.?")

    @cached_property
    def _size_number_words(self) -> tuple[re.Pattern[str], dict[str, int]]:
        table = self.tables["size_number_words"]
        values = {**table["units"], **table["tens"]}
        units = "|".join(sorted(table["units"], key=len, reverse=True))
        tens = "|".join(sorted(table["tens"], key=len, reverse=True))
        pattern = re.compile(rf"(?i)\b(?:({tens})(?:[\s-]+({units}))?|({units}))\b")
        return pattern, values

    def _numbers_in_words(self, text: str) -> str:
        """``text`` with the numbers written as words made digits ("thirty-five" -> "35")."""
        pattern, values = self._size_number_words

        def digits(m: re.Match[str]) -> str:
            if m.group(3):
                return str(values[m.group(3).lower()])
            return str(values[m.group(1).lower()] + values.get((m.group(2) or "").lower(), 0))

        return pattern.sub(digits, text)

    def parse_size_mm(self, text: str) -> float | None:
        """Return the largest linear dimension of a size mention in millimetres.

        Each number takes the unit that follows it (``1.2 x 0.8 cm`` -> both in cm;
        ``1 cm x 8 mm`` -> 10 and 8). A decimal comma is read as a decimal point.

        Args:
            text: The size mention, e.g. ``"1.2 x 0.8 cm"``, ``"12mm"``, ``"3-5 mm"``, ``"1,4 cm"``.

        Returns:
            The largest dimension in mm rounded to 0.1 mm, or None when no number has a unit.
        """
        text = fold_text(text)
        if not any(c.isdigit() for c in text):
            text = self._numbers_in_words(text)
        units = list(self._unit_re.finditer(text))
        if not units:
            return None
        factors: Mapping[str, float] = self.tables["unit_to_mm"]
        best: float | None = None
        for number in self._number_re.finditer(text):
            unit = next((u for u in units if u.start() >= number.end()), None)
            if unit is None:
                continue
            factor = factors.get(unit.group(0).lower())
            if factor is None:
                continue
            value = float(number.group(0).replace(",", ".")) * factor
            best = value if best is None else max(best, value)
        return None if best is None else round(best, 1)

    def parse_segments(self, text: str) -> tuple[str, ...]:
        """Return the Couinaud segments named in a segment mention, as sorted roman numerals.

        Args:
            text: E.g. ``"segment 6"``, ``"segments V/VIII"``, ``"S4a"``, ``"seg. 7"``,
                ``"segments IVa and VIII"``, ``"segment eight"``.

        Returns:
            Sorted unique roman numerals (``("IV", "VIII")``); empty when none is recognised.
        """
        body = self._segment_keyword_re.sub(" ", fold_text(text))
        values: Mapping[str, str] = self.tables["segment_values"]
        found = {
            values[m.group(1).lower()]
            for m in self._segment_re.finditer(body)
            if m.group(1).lower() in values
        }
        return sort_segments(found)

    def is_plural_head(self, words: Iterable[str]) -> bool:
        """Whether any of the words is a plural target head (``calcifications``, ``foci`` ...)."""
        plural = self.tables["plural_heads"]
        return any(w.lower() in plural for w in words)

    def is_mass_noun(self, words: Iterable[str]) -> bool:
        """Whether the target is a mass noun with no count (``hepatolithiasis``)."""
        mass = self.tables["mass_nouns"]
        return any(w.lower() in mass for w in words)


class ExamTitle:
    """Whether a report's title names an exam of the liver only (``normalization.json``,
    ``liver_exam_titles``): "CT LIVER TRIPHASIC", "MRI LIVER WITH GADOXETATE".

    The title is the first non-blank line, after the last colon of that line ("EXAM: CT
    LIVER"). It needs a liver word and an exam word, no other organ's word and at most
    ``max_words`` words.
    """

    _WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")

    def __init__(self, table: Mapping[str, Any]) -> None:
        titles = table["liver_exam_titles"]
        self.liver_words = frozenset(titles["liver_words"])
        self.exam_words = frozenset(titles["exam_words"])
        self.max_words = int(titles["max_words"])
        liver = set(self.liver_words)
        self.other_organ_words = frozenset(
            word
            for word, organ in table["followup"]["organ_words"].items()
            if organ != ORGAN_LIVER and word not in liver
        )

    def title_span(self, text: str) -> tuple[int, int] | None:
        """``(start, end)`` of the title line when it names an exam of the liver, else None."""
        start = 0
        while (end := text.find("\n", start)) >= 0 and not text[start:end].strip():
            start = end + 1
        if end < 0:
            end = len(text)
        line = text[start:end]
        if ";" in line:
            return None  # no title: and the reducer keeps pieces between ";" and line breaks
        # Up to one word past ``max_words`` (a one-line report need not be read to its end).
        found_words = islice(self._WORD.finditer(line, line.rfind(":") + 1), self.max_words + 1)
        words = [w.group().lower() for w in found_words]
        if not words or len(words) > self.max_words:
            return None
        # "4-phase", "contrast-enhanced": the parts count as words too.
        found = {part for word in words for part in (word, *word.split("-"))}
        if (
            self.liver_words.isdisjoint(found)
            or self.exam_words.isdisjoint(found)
            or not self.other_organ_words.isdisjoint(found)
        ):
            return None
        return start, end


def fold_text(text: str) -> str:
    """Fold Unicode variants that matter for numbers: full-width digits, NBSP, micro sign.

    Args:
        text: Any text.

    Returns:
        NFKC-normalized text (full-width digits become ASCII, ``µ`` becomes ``μ``).
    """
    return unicodedata.normalize("NFKC", text)


def sort_segments(segments: Iterable[str]) -> tuple[str, ...]:
    """Sort roman numerals I..VIII in anatomical order and drop duplicates and unknowns."""
    unique = set(segments)
    return tuple(s for s in ROMAN_ORDER if s in unique)


def sort_lobes(lobes: Iterable[str]) -> tuple[str, ...]:
    """Return lobe names sorted alphabetically, unique; ``both`` expands to left and right."""
    out: set[str] = set()
    for lobe in lobes:
        if lobe == LOBE_BOTH:
            out.update((LOBE_LEFT, LOBE_RIGHT))
        elif lobe in LOBE_ORDER:
            out.add(lobe)
    return tuple(sorted(out))


def parse_count_value(value: str | None) -> int | None:
    """Return the integer a COUNT rule's value stands for (``"2"`` -> 2), else None."""
    if value is None or not value.isdigit():
        return None
    return int(value)


def parse_digit_count(text: str) -> int | None:
    """Return the count a bare number states (``"3"`` -> 3), else None."""
    folded = fold_text(text).strip()
    return int(folded) if folded.isdigit() else None


#: Full-width ASCII forms (U+FF01-FF5E) and their ASCII counterparts are this far apart.
_FULLWIDTH_OFFSET = 0xFEE0
_FULLWIDTH_FIRST, _FULLWIDTH_LAST = 0xFF01, 0xFF5E


class _ControlTable(dict[int, int | None]):
    """A ``str.translate`` table that also turns control and format characters into spaces.

    Control (Cc: NUL ...) and format (Cf: bidi marks ...) characters glued to a word would
    hide it from the matchers; tab and line feed stay. Characters are classified the first
    time they are seen, then remembered. (The invisible characters that may stand inside a
    word, such as the soft hyphen, are removed by their own entries.)
    """

    def __missing__(self, code: int) -> int | None:
        category = unicodedata.category(chr(code))
        keep = code in _KEPT_CONTROLS or category not in _BLANKED_CATEGORIES
        self[code] = code if keep else _SPACE
        return self[code]


_SPACE = ord(" ")
_KEPT_CONTROLS = frozenset({ord("\t"), ord("\n")})
_BLANKED_CATEGORIES = frozenset({"Cc", "Cf"})


@dataclass(frozen=True)
class CleanText:
    """A cleaned report text and where characters were removed from it.

    Attributes:
        text: The cleaned text.
        removed_at: For each removed character (in order), the offset in ``text`` of the
            character that followed it; empty when none was removed (the offsets are then
            those of the original text).
    """

    text: str
    removed_at: tuple[int, ...] = ()

    def original_offset(self, offset: int, *, end: bool = False) -> int:
        """The offset in the original text of an offset in the cleaned one.

        Args:
            offset: An offset in ``text``.
            end: Whether it is an exclusive end: it then follows the character before it,
                so a span never takes in removed characters at its edges.
        """
        probe = offset - 1 if end else offset
        return offset + bisect.bisect_right(self.removed_at, probe)


class TextCleaner:
    """Cleans look-alike and invisible characters before mining, offsets kept mapped.

    Non-breaking and other Unicode spaces become spaces, vertical tabs, form feeds, NEL and
    Unicode line/paragraph separators become line breaks, a CR of a CR LF pair becomes a
    space and a lone CR a line break, full-width ASCII forms (``５``, ``ＬＩＶＥＲ``) become
    ASCII, and other control and format characters (NUL, bidi marks) become spaces: each one
    for one. Invisible characters that may stand inside a word (soft hyphen, zero-width
    space, non-joiner and joiner, word joiner, byte-order mark) are removed, so the word is
    whole again ("calci\u00adfied"). The table comes from ``normalization.json``
    (``text_char_map``; an empty value removes the character). :meth:`clean` tells where
    characters were removed, so every offset the pipeline reports maps back to the original.

    Args:
        char_map: Single characters and their replacements (one character, or empty); under
            ``_context``, characters replaced only before others (``{"to": ..., "before": ...}``).

    Raises:
        PatternError: E014 when a key is not one character or a value longer than one.
    """

    def __init__(self, char_map: Mapping[str, Any]) -> None:
        table = _ControlTable(
            (code, code - _FULLWIDTH_OFFSET)
            for code in range(_FULLWIDTH_FIRST, _FULLWIDTH_LAST + 1)
        )
        removed: list[str] = []
        for key, value in char_map.items():
            if key.startswith("_"):
                continue  # comments
            if len(key) != 1 or len(value) > 1:
                detail = "keys must be one character and values one character or empty"
                raise PatternError(Errors.E014.format(key=key, detail=detail))
            table[ord(key)] = ord(value) if value else None
            if not value:
                removed.append(key)
        self._table = table
        self._removed = re.compile("|".join(map(re.escape, removed))) if removed else None
        #: Characters replaced only before certain characters ("_context": the Greek mu of a
        #: unit, "800\u03bcm", becomes the micro sign; the mu of a Greek word stays).
        self._context: list[tuple[re.Pattern[str], str]] = []
        context: Mapping[str, Mapping[str, str]] = char_map.get("_context", {})
        for key, rule in context.items():
            if len(key) != 1 or len(rule["to"]) != 1:
                detail = "under _context, key and replacement must be one character each"
                raise PatternError(Errors.E014.format(key=key, detail=detail))
            before = re.escape(rule["before"])
            self._context.append((re.compile(f"{re.escape(key)}(?=[{before}])"), rule["to"]))

    def __call__(self, text: str) -> str:
        """The cleaned text (shorter than ``text`` when characters were removed)."""
        return self.clean(text).text

    def clean(self, text: str) -> CleanText:
        """The cleaned text and where characters were removed from it."""
        cleaned = text.replace("\r\n", " \n").translate(self._table)
        for pattern, to in self._context:
            cleaned = pattern.sub(to, cleaned)
        if len(cleaned) == len(text) or self._removed is None:
            return CleanText(cleaned)
        removed = (m.start() for m in self._removed.finditer(text))
        return CleanText(cleaned, tuple(at - k for k, at in enumerate(removed)))
