"""Pipeline step 1: sentence boundaries and section headers (FINDINGS, IMPRESSION, LIVER ...)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

from calcminer.nlp.pipeline.component import RuleComponent
from calcminer.nlp.pipeline.extensions import HEADER_SPAN_KEY, SENTENCE_INFO, register_extensions
from calcminer.nlp.pipeline.token_view import TokenView, token_view
from calcminer.nlp.rules.patterns import PatternSet, SectionHeader

_SENTENCE_END = frozenset({".", "!", "?"})
#: Where the splitter always ends a sentence (the prefilter's superset test and the reducer
#: rest on it: a line piece between two of these is never part of a longer sentence).
LINE_BREAKS = ("\n", ";")
#: What a reduced text (``calcminer.nlp.mining.reduce``) holds in place of the words of a line the
#: pipeline does not need; the linker reads it as "something was left out here".
PLACEHOLDER = "xx"
_DEFAULT_TOP = ("findings", "body")


@dataclass(frozen=True)
class _Header:
    start: int
    end: int  # token index just after the colon
    rule: SectionHeader
    organs: tuple[str, ...]
    at_line_start: bool
    alone_on_line: bool


class SectionSplitter(RuleComponent):
    """Sets sentence starts and the report part / organ section of every sentence.

    Headers come from ``patterns/section_rules.json``. A header is a known literal (or a list
    of organ literals) followed by a colon, at the start of a line or sentence (or, when in
    capitals, after a comma in flattened reports). Sentences end at line breaks, at ``;``,
    and at ``.``/``!``/``?`` followed by a capital, a numbered item or a header.

    Writes ``Doc._.calcminer_sentence_info``: one ``(start_token, part, top, organs)`` tuple per
    sentence, where part is ``body``/``impression``/``excluded`` and organs is a ``|``-joined
    string of organ section categories (empty outside organ sections).
    """

    def _setup(self, nlp: Language, patterns: PatternSet) -> None:
        #: Header rules by their lower-cased tokens; the first rule of a token sequence wins.
        self.headers: dict[tuple[str, ...], SectionHeader] = {}
        for rule in patterns.sections:
            key = tuple(_tokens_of(nlp, rule.literal))
            self.headers.setdefault(key, rule)
        self._max_header_tokens = max((len(k) for k in self.headers), default=1)
        qualifiers = patterns.normalization["header_qualifiers"]
        #: Words that may qualify a report-part header before its literal ("Imaging diagnosis:").
        self._qualifiers = frozenset(qualifiers["words"])
        self._max_qualifiers = int(qualifiers["max_words"])
        self._first_words = frozenset(k[0] for k in self.headers if k) | self._qualifiers
        self._abbreviations = frozenset(patterns.normalization["sentence_abbreviations"])
        # Tokens between the organ names of a list header ("PANCREAS, SPLEEN, ADRENALS:").
        self._list_separators = frozenset(patterns.normalization["header_list_separators"])
        lower_case = patterns.normalization["lower_case_sentence_starts"]
        self._lowercase_continuations = frozenset(lower_case["not_after_period"])
        # A number then a unit ("6 mm") or a dimension ("6 x 4 cm") starts a size.
        self._size_units = frozenset(patterns.normalization["unit_to_mm"]) | frozenset(
            lower_case["dimension_words"]
        )
        self._bullets = frozenset(patterns.normalization["header_bullets"])
        run_on = patterns.normalization["run_on_headers"]
        #: Lower-case words that open a report part in run-on dictation ("... impression ...").
        self.run_on_words = frozenset(run_on["words"])
        self._run_on_not_after = frozenset(run_on["not_after"])
        self._run_on_not_before = frozenset(run_on["not_before"])
        register_extensions()

    def __call__(self, doc: Doc) -> Doc:
        self._require_rules()
        tokens = token_view(doc)
        headers = self.find_headers(tokens)
        starts = self.find_sentence_starts(tokens, headers)
        info = self.assign_sections(tokens, starts, headers)
        self.set_annotations(doc, starts, headers, info)
        return doc

    # -- finding -------------------------------------------------------------------------
    def find_headers(self, tt: TokenView) -> list[_Header]:
        """Return the section headers in the document, in order."""
        headers: list[_Header] = []
        i, n = 0, tt.n
        while i < n:
            if not tt.alpha[i] or tt.lower[i] not in self._first_words:
                i += 1
                continue
            bracketed = i > 0 and tt.text[i - 1] == "["
            at_line_start = (
                i == 0
                or "\n" in tt.text[i - 1]
                or "\n" in tt.ws[i - 1]
                or self._after_bullet(tt, i)
                or (bracketed and (i == 1 or "\n" in tt.text[i - 2] or "\n" in tt.ws[i - 2]))
            )
            prev = tt.previous_word(i)
            prev_text = tt.text[prev] if prev is not None else None
            # "Заключение / Conclusion:", "KẾT LUẬN / CONCLUSION:": a header translated after a
            # slash at the start of its line.
            after_slash = prev_text == "/" and self._slash_opens_line(tt, prev)
            after_sentence = (
                prev_text is None
                or prev_text in _SENTENCE_END
                or prev_text in {";", ":"}
                or after_slash
            )
            after_comma = prev_text == "," and tt.upper[i]
            if at_line_start or after_sentence or after_comma:
                header = self._match_header(
                    tt, i, at_line_start or prev is None, closing="]" if bracketed else ":"
                )
                if header is None and at_line_start and self._capitals_line(tt, i):
                    # "LIVER LESIONS" alone on its line, in capitals, with no colon.
                    header = self._match_header(tt, i, True, closing="\n")
                if header is None and at_line_start and self._capitals_line(tt, i, dash=True):
                    # "LIVER - TARGET LESIONS (RECIST 1.1)": an organ, a dash, a title.
                    header = self._match_header(tt, i, True, closing="-")
                    if header is not None and header.rule.kind != "organ":
                        header = None
                if header is not None:
                    headers.append(header)
                    i = header.end
                    continue
            header = self._run_on_header(tt, i, prev)
            if header is not None:
                headers.append(header)
                i = header.end
                continue
            i += 1
        return headers

    @staticmethod
    def _capitals_line(tt: TokenView, i: int, dash: bool = False) -> bool:
        """Whether the line from token ``i`` holds only words in capitals, then a line break
        token ("LIVER LESIONS\n"); with ``dash``, words in capitals and other tokens without
        a lower-case letter, the second token a dash ("LIVER - TARGET LESIONS (RECIST 1.1)")."""
        j = i
        while j < tt.n and tt.text[j] != "\n":
            if dash:
                if tt.text[j] != tt.text[j].upper() or (j == i + 1 and tt.text[j] != "-"):
                    return False
                if "\n" in tt.ws[j]:
                    return j > i + 1
            elif not (tt.alpha[j] and tt.text[j].isupper()) or "\n" in tt.ws[j]:
                return False
            j += 1
        return j < tt.n and j > (i + 1 if dash else i)

    def _run_on_header(self, tt: TokenView, i: int, prev: int | None) -> _Header | None:
        """A colonless lower-case header inside run-on dictation ("... no ascites  impression
        small calcified granuloma ...", "... aorta normal caliber. impression two small
        calcified granulomas ..."): a word of ``run_on_headers`` right after a word or a
        period and before a word, outside the phrases its lists rule out ("the impression
        of")."""
        if tt.text[i] != tt.lower[i] or tt.lower[i] not in self.run_on_words:
            return None
        if prev is None or tt.lower[prev] in self._run_on_not_after:
            return None
        if not tt.text[prev].isalnum() and tt.text[prev] != ".":
            return None
        nxt = i + 1
        while nxt < tt.n and tt.space[nxt]:
            nxt += 1
        if nxt >= tt.n or not tt.text[nxt].isalnum() or tt.lower[nxt] in self._run_on_not_before:
            return None
        rule = self.headers.get((tt.lower[i],))
        if rule is None or rule.kind != "top":
            return None
        return _Header(i, i + 1, rule, (), at_line_start=False, alone_on_line=False)

    @staticmethod
    def _slash_opens_line(tt: TokenView, slash: int | None) -> bool:
        """Whether only words (no colon or sentence end) stand before the slash on its line."""
        if slash is None:
            return False
        j = slash - 1
        while j >= 0 and "\n" not in tt.text[j] and "\n" not in tt.ws[j]:
            if tt.text[j] in {":", ".", ";"}:
                return False
            j -= 1
        return True

    def _after_bullet(self, tt: TokenView, i: int) -> bool:
        """Whether only list markers stand before token ``i`` on its line ("* Impression:")."""
        j = i - 1
        seen = False
        while j >= 0 and "\n" not in tt.text[j] and "\n" not in tt.ws[j]:
            if tt.text[j] in self._bullets or tt.digit[j] or tt.text[j] in {".", ")"}:
                seen = seen or tt.text[j] in self._bullets or tt.digit[j]
                j -= 1
                continue
            if tt.space[j]:
                j -= 1
                continue
            return False
        return seen

    def _match_header(
        self, tt: TokenView, i: int, at_line_start: bool, closing: str = ":"
    ) -> _Header | None:
        """The header starting at token ``i``: its literals then ``closing`` (a colon, or the
        ``]`` of a bracketed header such as ``[Conclusion]``)."""
        rules: list[SectionHeader] = []
        j, n = i, tt.n
        while j < n:
            rule, j2 = self._longest_literal(tt, j)
            if rule is None and not rules:
                rule, j2 = self._qualified_literal(tt, j)
            if rule is None:
                return None
            rules.append(rule)
            j = j2
            if j < n and tt.text[j] == closing:
                break
            if j < n and tt.lower[j] in self._list_separators:
                j += 1
                continue
            return None
        if j >= n or tt.text[j] != closing:
            return None
        if len(rules) > 1 and any(r.kind != "organ" for r in rules):
            return None
        end = j + 1
        # Alone on its line: nothing but spaces, commas and colons up to the line break.
        alone = True
        k = end
        while k < n and "\n" not in tt.text[k]:
            if tt.text[k].strip(" ,:"):
                alone = False
                break
            if "\n" in tt.ws[k]:
                break
            k += 1
        organs = tuple(dict.fromkeys(r.category for r in rules if r.kind == "organ"))
        return _Header(i, end, rules[0], organs, at_line_start, alone)

    def _qualified_literal(self, tt: TokenView, i: int) -> tuple[SectionHeader | None, int]:
        """A report-part header after up to ``max_words`` qualifying words ("Imaging
        diagnosis", "Color Doppler findings")."""
        k = i
        while k < tt.n and k - i < self._max_qualifiers and tt.lower[k] in self._qualifiers:
            k += 1
            rule, end = self._longest_literal(tt, k)
            if rule is not None and rule.kind == "top":
                return rule, end
        return None, i

    def _longest_literal(self, tt: TokenView, i: int) -> tuple[SectionHeader | None, int]:
        for length in range(min(self._max_header_tokens, tt.n - i), 0, -1):
            rule = self.headers.get(tuple(tt.lower[i : i + length]))
            if rule is not None:
                return rule, i + length
        return None, i

    def find_sentence_starts(self, tt: TokenView, headers: Sequence[_Header]) -> list[bool]:
        """Return, per token, whether a sentence starts there."""
        n = tt.n
        starts = [False] * n
        if n == 0:
            return starts
        starts[0] = True
        header_starts = {h.start for h in headers}
        # The words after a header's colon start a sentence of their own.
        header_starts |= {h.end for h in headers if h.end < n}
        text, ws = tt.text, tt.ws
        for i in range(1, n):
            if tt.space[i]:
                continue
            prev = text[i - 1]
            if (
                i in header_starts
                or "\n" in prev
                or "\n" in ws[i - 1]
                or prev == ";"
                or (prev in _SENTENCE_END and self._ends_sentence(tt, i - 1))
            ):
                starts[i] = True
            elif self._ends_with_period(prev) and self._next_starts_sentence(tt, i):
                # spaCy keeps the period on tokens such as "V." ("... in segment V. Liver").
                starts[i] = True
            elif (
                i >= 2
                and tt.space[i - 1]
                and (
                    (
                        self._next_starts_sentence(tt, i)
                        and (
                            (text[i - 2] in _SENTENCE_END and self._ends_sentence(tt, i - 2))
                            or self._ends_with_period(text[i - 2])
                        )
                    )
                    # Lower-case dictation ("... focus s7.  no ihd.  gb nl"): read the word
                    # after the spaces as the word after the period.
                    or (
                        text[i - 2] == "."
                        and text[i][:1].isalnum()
                        and self._ends_sentence(tt, i - 2, i)
                    )
                )
            ):
                # Two spaces after a period ("... seen.  Follow-up ..."): the second space is
                # a token of its own, the sentence still ends at the period.
                starts[i] = True
        return starts

    def _ends_with_period(self, text: str) -> bool:
        return (
            len(text) > 1
            and text.endswith(".")
            and text.count(".") == 1
            and text[:-1].lower() not in self._abbreviations
        )

    @staticmethod
    def _next_starts_sentence(tt: TokenView, i: int) -> bool:
        first = tt.text[i][:1]
        return first.isupper() or (tt.digit[i] and i + 1 < tt.n and tt.text[i + 1] == ".")

    def _ends_sentence(self, tt: TokenView, i: int, following: int | None = None) -> bool:
        """Whether the sentence-end mark at token ``i`` ends its sentence.

        Args:
            tt: The document's tokens.
            i: The ``.``, ``!`` or ``?`` token.
            following: The word read as the next one (default ``i + 1``; after two spaces,
                the word after the space token).
        """
        nxt = i + 1 if following is None else following
        before = tt.previous_word(i)
        if before is not None and tt.lower[before].rstrip(".") in self._abbreviations:
            return False
        if nxt >= tt.n:
            return True
        first = tt.text[nxt][:1]
        if first.isupper() or not first.isalnum():
            return True
        if (
            tt.text[i] == "."
            and tt.ws[i]
            and before is not None
            and (len(tt.text[before]) > 1 or tt.text[before] in {")", "]"})
        ):
            # Lower-case dictation ("... no shadowing. separate 4 mm focus ...") and a size
            # that starts a sentence ("... no stone. 6 mm calcification ...").
            if tt.alpha[nxt] and tt.lower[nxt] not in self._lowercase_continuations:
                return True
            if tt.digit[nxt] and nxt + 1 < tt.n and tt.lower[nxt + 1] in self._size_units:
                return True
            # A number before a word: a count ("... no stone. 2 calcified foci ...") or an
            # item number of run-on dictation ("impression 1 no acute finding. 2 coarse ...").
            if (
                tt.digit[nxt]
                and nxt + 1 < tt.n
                and tt.alpha[nxt + 1]
                and tt.lower[nxt + 1] not in self._lowercase_continuations
            ):
                return True
        # Numbered items ("... benign. 2. Diffuse steatosis").
        return tt.digit[nxt] and nxt + 1 < tt.n and tt.text[nxt + 1] in {".", ")"}

    def assign_sections(
        self, tt: TokenView, starts: Sequence[bool], headers: Sequence[_Header]
    ) -> list[tuple[int, str, str, str]]:
        """Return ``(start_token, part, top, organs)`` for each sentence."""
        by_start = {h.start: h for h in headers}
        base_top = _DEFAULT_TOP
        top = base_top
        organs: tuple[str, ...] = ()
        excluded_until_line_end = False
        excluded_until_sentence_end = False
        excluded_until_blank_line = False
        info: list[tuple[int, str, str, str]] = []
        for i, is_start in enumerate(starts):
            if top[1] == "excluded" and i > 0:
                prev_text, prev_ws = tt.text[i - 1], tt.ws[i - 1]
                newline = "\n" in prev_text or "\n" in prev_ws
                blank = prev_text.count("\n") + prev_ws.count("\n") >= 2 or (
                    newline and tt.space[i] and "\n" in tt.text[i]
                )
                if (
                    (excluded_until_line_end and newline)
                    or (excluded_until_sentence_end and is_start)
                    or (excluded_until_blank_line and blank)
                ):
                    top, organs = base_top, ()
                    excluded_until_line_end = excluded_until_sentence_end = False
                    excluded_until_blank_line = False
            header = by_start.get(i)
            if header is not None:
                rule = header.rule
                if rule.kind == "top":
                    top, organs = (rule.category, rule.part), ()
                    if rule.part == "excluded":
                        excluded_until_blank_line = header.alone_on_line
                        excluded_until_line_end = header.at_line_start and not header.alone_on_line
                        excluded_until_sentence_end = not header.at_line_start
                    else:
                        base_top = top
                else:
                    organs = header.organs
                    if top[1] == "excluded":
                        top = base_top if base_top[1] != "excluded" else _DEFAULT_TOP
                        excluded_until_line_end = excluded_until_sentence_end = False
                        excluded_until_blank_line = False
            if is_start:
                info.append((i, top[1], top[0], "|".join(organs)))
        return info

    def set_annotations(
        self,
        doc: Doc,
        starts: Sequence[bool],
        headers: Sequence[_Header],
        info: Sequence[tuple[int, str, str, str]],
    ) -> None:
        """Write sentence starts, header spans and the per-sentence section tuples."""
        if len(doc):
            # One array write: setting Token.is_sent_start token by token rechecks the whole
            # document each time, which is quadratic on very long reports.
            flags = numpy.array([1 if s else -1 for s in starts], dtype="int64")
            doc.from_array([SENT_START], flags.astype("uint64").reshape(-1, 1))  # type: ignore[arg-type]
        doc.spans[HEADER_SPAN_KEY] = [
            Span(doc, h.start, h.end, label=h.rule.category, span_id=h.rule.id) for h in headers
        ]
        doc._.set(SENTENCE_INFO, tuple(info))


def _tokens_of(nlp: Language, literal: str) -> list[str]:
    return [t.lower_ for t in nlp.make_doc(literal)]
