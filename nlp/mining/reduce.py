"""Reduced texts: only the parts of a report that the pipeline needs, for the prefilter.

A report that passes the prefilter usually has one or two candidate sentences among many. The
pipeline reads a line's words only where it can find a target or follow-up advice; from the
other lines it needs no more than the section state they leave behind (the headers).
:class:`Reducer` builds a shorter text that gives the same results:

- the text is cut into *lines* at line breaks and ``;``, where the pipeline always ends a
  sentence (so no sentence, mention or ConText scope crosses a cut);
- the *needed pieces* are kept verbatim: the prefilter's candidate lines, or, within a long
  line, only its candidate sentences, cut where the pipeline surely starts a sentence
  (``calcminer.nlp.mining.prefilter.Prefilter.candidate_units``);
- whitespace-only lines and all separators are kept verbatim (a blank line ends an excluded
  section, a line break ends an excluded header's line);
- any other piece keeps everything up to its last colon or ``]`` (every header ends with
  one), and
  the rest becomes one placeholder word, with the piece's leading and trailing whitespace
  and a final period, so line starts, sentence starts and whether a header stands alone
  on its line are unchanged;
- what follows the last needed piece is dropped.

The placeholder ``xx`` is no header, target or mention word, so it adds nothing. Offsets in the
reduced text map back to the original through :meth:`Reduction.original_offset`.

One fact reaches across sentences: a bare lobe ("right lobe") is the liver's unless the report
names lungs or a thyroid and no liver. The linker marks a target whose organ rests on such a
lobe (``lobe_sensitive``), and the miner mines the whole report again when one is marked and
the prefilter finds a lung or thyroid word anywhere (``calcminer.nlp.mining.miner.Miner``). A
reduction that would keep most of the text is not made.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from calcminer.nlp.errors import CalcminerError, Errors
from calcminer.nlp.pipeline.sections import LINE_BREAKS, PLACEHOLDER

if TYPE_CHECKING:
    from calcminer.nlp.rules.patterns import SectionHeader

#: Characters that do not stop a header from standing alone on its line.
_HEADER_TRAIL = " ,:"


@dataclass(frozen=True)
class Reduction:
    """A reduced text and the map of its verbatim pieces back to the original.

    Attributes:
        text: The reduced text.
        starts: Start of each verbatim piece in the reduced text (ascending).
        origins: Start of the same piece in the original text.
        lengths: Length of each piece.
    """

    text: str
    starts: tuple[int, ...]
    origins: tuple[int, ...]
    lengths: tuple[int, ...]

    def original_offset(self, offset: int, *, end: bool = False) -> int:
        """The original offset of a reduced one (``end=True`` for an exclusive end offset).

        Raises:
            CalcminerError: E016 when the offset lies in a placeholder, not in original text.
        """
        probe = offset - 1 if end else offset
        k = bisect.bisect_right(self.starts, probe) - 1
        if k < 0 or probe >= self.starts[k] + self.lengths[k]:
            raise CalcminerError(Errors.E016.format(offset=offset))
        return self.origins[k] + offset - self.starts[k]


class _Builder:
    def __init__(self, original: str) -> None:
        self.original = original
        self.parts: list[str] = []
        self.size = 0
        self.starts: list[int] = []
        self.origins: list[int] = []
        self.lengths: list[int] = []

    def verbatim(self, start: int, end: int) -> None:
        if end <= start:
            return
        if (
            self.starts
            and self.origins[-1] + self.lengths[-1] == start
            and (self.starts[-1] + self.lengths[-1] == self.size)
        ):
            self.lengths[-1] += end - start  # extends the previous piece
        else:
            self.starts.append(self.size)
            self.origins.append(start)
            self.lengths.append(end - start)
        self.parts.append(self.original[start:end])
        self.size += end - start

    def placeholder(self, start: int, end: int) -> None:
        """One placeholder word for a piece's words, keeping its leading and trailing
        whitespace and a final period (so a sentence end stays one)."""
        chunk = self.original[start:end]
        stripped = chunk.strip()
        lead = len(chunk) - len(chunk.lstrip())
        kept_tail = 1 if stripped.endswith(".") and len(stripped) > 1 else 0
        self.verbatim(start, start + lead)
        self.parts.append(PLACEHOLDER)
        self.size += len(PLACEHOLDER)
        self.verbatim(start + lead + len(stripped) - kept_tail, end)

    def build(self) -> Reduction:
        return Reduction(
            "".join(self.parts), tuple(self.starts), tuple(self.origins), tuple(self.lengths)
        )


@dataclass(frozen=True)
class _Line:
    start: int
    end: int  # the separator's offset (or the text's end)
    stop: int  # just after the separator


class Reducer:
    """Builds reduced texts (see the module docstring).

    Args:
        headers: The section splitter's header rules by their lower-cased tokens
            (``calcminer.nlp.pipeline.sections.SectionSplitter.headers``); None reduces without
            dropping header lines.
        max_kept_share: Reduce only when the reduced text is at most this share of the
            original's length; otherwise the original is mined as it is.
        run_on_words: The lower-case words that open a report part in run-on dictation
            (``SectionSplitter.run_on_words``); a text where one may stand is not reduced.
    """

    def __init__(
        self,
        headers: Mapping[tuple[str, ...], SectionHeader] | None = None,
        max_kept_share: float = 0.75,
        run_on_words: Iterable[str] = (),
    ) -> None:
        self.max_kept_share = max_kept_share
        # A colonless lower-case header of run-on dictation ("... ub normal impression
        # calcified granuloma ...") depends on the words around it, which a placeholder
        # would replace: a text that may hold one is not reduced.
        literal = sorted({w for w in run_on_words if w.isalpha()}, key=len, reverse=True)
        words = [re.escape(w) for w in literal]
        self._run_on = (
            re.compile(r"(?<![A-Za-z])(?:" + "|".join(words) + r")(?![A-Za-z:])") if words else None
        )
        #: The run-on words as text: a match of ``_run_on`` (case-sensitive) holds one.
        self._run_on_literals = tuple(literal)
        top, organ, top_words = [], [], set()
        for key, rule in (headers or {}).items():
            if rule.kind == "top" and rule.part != "excluded":
                top_words.add(key[0])
            simple = " ".join(key)
            if not (simple.isascii() and all(word.isalpha() for word in key)):
                continue
            if rule.kind == "organ":
                organ.append(simple)
            elif rule.part != "excluded":
                top.append(simple)
        self._top_override = _HeaderAtStart(top)
        self._organ_override = _HeaderAtStart(organ)
        self._top_words = _AnyWord(top_words)

    def reduce(self, text: str, needed: Iterable[tuple[int, int]]) -> Reduction | None:
        """The reduced text keeping the ``needed`` pieces, or None when it would not pay.

        Args:
            text: The report text (as the pipeline will read it).
            needed: ``(start, end)`` of the pieces to keep: whole lines (from just after a
                separator, or 0, to the next separator, or the end) or sentence-sized parts
                of them that start where the pipeline surely starts a sentence
                (``calcminer.nlp.mining.prefilter.Prefilter.candidate_units``).
        """
        units = sorted(set(needed))
        if not units:
            return None
        if self._may_be_run_on(text):
            return None
        last_end = units[-1][1]
        lines = self._lines(text, last_end)
        dropped = self._dropped_lines(text, lines, units)
        out = _Builder(text)
        k = 0
        for n, line in enumerate(lines):
            if n in dropped:
                continue
            position = line.start
            while k < len(units) and units[k][0] <= line.end:
                a, b = units[k]
                self._other_piece(out, text, position, a)
                out.verbatim(a, b)
                position = max(position, b)
                k += 1
            if position >= last_end:
                if position == line.end:
                    out.verbatim(line.end, line.stop)
                break  # the rest is not needed
            self._other_piece(out, text, position, line.end)
            out.verbatim(line.end, line.stop)
        reduction = out.build()
        if len(reduction.text) > self.max_kept_share * len(text):
            return None
        return reduction

    def _may_be_run_on(self, text: str) -> bool:
        """Whether a run-on header word may stand in the text (``_run_on``). Most texts hold
        none of the words at all: that substring test comes first."""
        if self._run_on is None or not any(w in text for w in self._run_on_literals):
            return False
        return self._run_on.search(text) is not None

    @staticmethod
    def _lines(text: str, last_end: int) -> list[_Line]:
        """The lines up to the one holding ``last_end``."""
        lines = []
        start = 0
        while True:
            ends = [i for i in (text.find(c, start) for c in LINE_BREAKS) if i >= 0]
            end = min(ends) if ends else len(text)
            lines.append(_Line(start, end, min(end + 1, len(text))))
            if end >= last_end or end >= len(text):
                return lines
            start = end + 1

    @staticmethod
    def _whole_line(text: str, line: _Line) -> bool:
        """Whether a piece is a whole line (after a line break, or first, and ending in one):
        dropping it then leaves the line breaks around the other lines as they were."""
        return (line.start == 0 or text[line.start - 1] == "\n") and text[
            line.end : line.stop
        ] == "\n"

    def _dropped_lines(
        self, text: str, lines: Sequence[_Line], units: Sequence[tuple[int, int]]
    ) -> set[int]:
        """Lines whose headers cannot change the section state at any needed piece.

        Between two needed pieces, a header the splitter surely finds at a line start
        overrides what came before it: a (not excluded) top header sets the whole state, so
        every line before it in that stretch can go; an organ header sets the organs and
        ends an excluded part, so the lines before it can go unless they may hold a top
        header (which would set the part it returns to).
        """
        starts = [a for a, _ in units]
        line_starts = [line.start for line in lines]
        needed = {bisect.bisect_right(line_starts, a) - 1 for a in starts}
        dropped: set[int] = set()
        gap: list[int] = []
        for n in range(len(lines) + 1):
            if n < len(lines) and n not in needed:
                gap.append(n)
                continue
            # The needed line after the stretch can override it too (it is never dropped).
            candidates = [*gap, n] if n < len(lines) else gap
            organ_seen = False
            for position in range(len(candidates) - 1, 0, -1):
                line = lines[candidates[position]]
                if line.start > 0 and text[line.start - 1] != "\n":
                    continue  # after ";": not at a line start
                piece = text[line.start : line.end]
                before = candidates[:position]
                if self._top_override.matches(piece):
                    dropped.update(m for m in before if self._whole_line(text, lines[m]))
                    break
                if not organ_seen and self._organ_override.matches(piece):
                    organ_seen = True
                    dropped.update(
                        m
                        for m in before
                        if self._whole_line(text, lines[m])
                        and not self._top_words.found(text, lines[m].start, lines[m].end)
                    )
            gap = []
        return dropped

    def _other_piece(self, out: _Builder, text: str, start: int, end: int) -> None:
        """A piece the pipeline needs only for its headers: up to its last colon (a header
        alone in capitals, "LIVER LESIONS", whole)."""
        piece = text[start:end]
        if not piece:
            return
        if not piece.strip():
            out.verbatim(start, end)
            return
        # A header ends with a colon, or with the "]" of a bracketed one ("[Conclusion]").
        colon = max(piece.rfind(":"), piece.rfind("]"))
        if colon < 0:
            if (
                self._organ_override.alone_in_capitals(piece)
                or self._top_override.alone_in_capitals(piece)
                # "LIVER - TARGET LESIONS (RECIST 1.1)": any line without a lower-case letter
                # may be a header of the splitter's (an organ, a dash, a title)
                or ("-" in piece and piece.upper() == piece)
            ):
                out.verbatim(start, end)
            else:
                out.placeholder(start, end)
            return
        after = start + colon + 1
        rest = text[after:end]
        if not rest.strip(_HEADER_TRAIL).strip() or rest[:1].strip():
            # Nothing after the last header, or "LIVER:Normal" (no cut inside a word).
            out.verbatim(start, end)
            return
        out.verbatim(start, after)
        out.placeholder(after, end)


def _line_start_header(literals: Iterable[str]) -> re.Pattern[str]:
    """Matches a line that starts with one of the literals and its colon (any case)."""
    alternatives = sorted({re.escape(w) for w in literals}, key=len, reverse=True)
    if not alternatives:
        return re.compile(r"(?!)")
    return re.compile(r"(?:" + "|".join(alternatives) + r") ?:", re.IGNORECASE)


class _HeaderAtStart:
    """:func:`_line_start_header` with a shortcut for the literals it is built from (ASCII
    letters and single spaces): a line matches when what stands before its first colon,
    less one space, is a literal (any case). Where that part is not ASCII, the expression
    decides.

    Args:
        literals: Header texts of ASCII letters and single spaces.

    Raises:
        CalcminerError: E903 for another literal (a bug: :class:`Reducer` filters them).
    """

    def __init__(self, literals: Iterable[str]) -> None:
        chosen = set(literals)
        others = [
            w
            for w in chosen
            if not (w == "" or (w.isascii() and all(part.isalpha() for part in w.split(" "))))
        ]
        if others:
            raise CalcminerError(Errors.E903.format(count=len(others)))
        self.pattern = _line_start_header(chosen)
        self._lowered = frozenset(w.lower() for w in chosen)

    def matches(self, line: str) -> bool:
        """Whether the line starts with a literal and its colon (the expression's ``match``)."""
        colon = line.find(":")
        if colon < 0:
            return False  # every match ends with a colon
        head = line[:colon]
        if not head.isascii():
            return self.pattern.match(line) is not None
        head = head.lower()
        return head in self._lowered or (head.endswith(" ") and head[:-1] in self._lowered)

    def alone_in_capitals(self, line: str) -> bool:
        """Whether the line is a literal alone, in capitals ("LIVER LESIONS"): a header that
        ``SectionSplitter`` reads without a colon."""
        bare = line.strip()
        return bool(bare) and bare.isupper() and bare.lower() in self._lowered


def _any_word(words: Iterable[str]) -> re.Pattern[str]:
    """Finds any of the words as a whole word (any case): a header's first token is one."""
    alternatives = sorted({re.escape(w) for w in words}, key=len, reverse=True)
    if not alternatives:
        return re.compile(r"(?!)")
    return re.compile(r"(?<![^\W_])(?:" + "|".join(alternatives) + r")(?![^\W_])", re.IGNORECASE)


def _has_ascii_case_form(char: str) -> bool:
    """Whether a character matches an ASCII one when case is ignored (the Kelvin sign
    matches "k", the long s "s")."""
    pattern = re.compile(re.escape(char), re.IGNORECASE)
    return any(pattern.fullmatch(chr(code)) for code in range(128))


class _AnyWord:
    """:func:`_any_word` with a shortcut: in an ASCII line, a match needs one of the words,
    lower-cased, in the line lower-cased; a line without one is decided without the
    expression (most lines).

    Args:
        words: The words (any case).
    """

    def __init__(self, words: Iterable[str]) -> None:
        chosen = sorted(set(words))
        self.pattern = _any_word(chosen)
        # Ignoring case, a word with other characters can match an ASCII line only if each
        # of them matches an ASCII character; with such a word there is no shortcut.
        reaches_ascii = any(
            not word.isascii() and all(c.isascii() or _has_ascii_case_form(c) for c in word)
            for word in chosen
        )
        self._ascii_words: tuple[str, ...] | None = (
            None if reaches_ascii else tuple(w.lower() for w in chosen if w.isascii())
        )
        # Whether one of them is in a lower-cased line, in one search.
        self._ascii_any = (
            re.compile("|".join(map(re.escape, self._ascii_words)) or r"(?!)")
            if self._ascii_words is not None
            else None
        )

    def found(self, text: str, start: int, end: int) -> bool:
        """Whether a word stands as a whole word in ``text[start:end]`` (the expression's
        ``search``)."""
        if self._ascii_any is not None:
            line = text[start:end]
            if line.isascii() and self._ascii_any.search(line.lower()) is None:
                return False
        return self.pattern.search(text, start, end) is not None


__all__ = ["PLACEHOLDER", "Reducer", "Reduction"]
