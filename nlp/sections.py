"""Pipeline step 1: sentence boundaries and section headers (FINDINGS, IMPRESSION, LIVER ...)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .extensions import SENTENCE_INFO, register_extensions
from .patterns import PatternSet, SectionHeader

HEADER_SPAN_KEY = "calcminer_headers"
#: Tokens that separate the organ names of a list header ("PANCREAS, SPLEEN, ADRENALS:").
_LIST_SEPARATORS = frozenset({",", "/", "and", "&", "-"})
_SENTENCE_END = frozenset({".", "!", "?"})
_DEFAULT_TOP = ("findings", "body")


@dataclass(frozen=True)
class _Header:
    start: int
    end: int  # token index just after the colon
    rule: SectionHeader
    organs: tuple[str, ...]
    at_line_start: bool
    alone_on_line: bool


class SectionSplitter:
    """Sets sentence starts and the report part / organ section of every sentence.

    Headers come from ``patterns/section_rules.json``. A header is a known literal (or a list
    of organ literals) followed by a colon, at the start of a line or sentence (or, when in
    capitals, after a comma in flattened reports). Sentences end at line breaks, at ``;``,
    and at ``.``/``!``/``?`` followed by a capital, a numbered item or a header.

    Writes ``Doc._.calcminer_sentence_info``: one ``(start_token, part, top, organs)`` tuple per
    sentence, where part is ``body``/``impression``/``excluded`` and organs is a ``|``-joined
    string of organ section categories (empty outside organ sections).
    """

    def __init__(self, nlp: Language, name: str, *, patterns: PatternSet) -> None:
        self.name = name
        self._headers: dict[tuple[str, ...], SectionHeader] = {}
        for rule in patterns.sections:
            key = tuple(_tokens_of(nlp, rule.literal))
            self._headers.setdefault(key, rule)
        self._max_header_tokens = max((len(k) for k in self._headers), default=1)
        self._abbreviations = frozenset(patterns.normalization["sentence_abbreviations"])
        register_extensions()

    def __call__(self, doc: Doc) -> Doc:
        headers = self.find_headers(doc)
        starts = self.find_sentence_starts(doc, headers)
        info = self.assign_sections(doc, starts, headers)
        self.set_annotations(doc, starts, headers, info)
        return doc

    # -- finding -------------------------------------------------------------------------
    def find_headers(self, doc: Doc) -> list[_Header]:
        """Return the section headers in the document, in order."""
        headers: list[_Header] = []
        i, n = 0, len(doc)
        while i < n:
            tok = doc[i]
            at_line_start = i == 0 or "\n" in doc[i - 1].text or "\n" in doc[i - 1].whitespace_
            prev = _previous_word(doc, i)
            after_sentence = prev is None or prev.text in _SENTENCE_END or prev.text in {";", ":"}
            after_comma = prev is not None and prev.text == "," and tok.is_upper
            if tok.is_alpha and (at_line_start or after_sentence or after_comma):
                header = self._match_header(doc, i, at_line_start or prev is None)
                if header is not None:
                    headers.append(header)
                    i = header.end
                    continue
            i += 1
        return headers

    def _match_header(self, doc: Doc, i: int, at_line_start: bool) -> _Header | None:
        rules: list[SectionHeader] = []
        j = i
        while j < len(doc):
            rule, j2 = self._longest_literal(doc, j)
            if rule is None:
                return None
            rules.append(rule)
            j = j2
            if j < len(doc) and doc[j].text == ":":
                break
            if j < len(doc) and doc[j].lower_ in _LIST_SEPARATORS:
                j += 1
                continue
            return None
        if j >= len(doc) or doc[j].text != ":":
            return None
        if len(rules) > 1 and any(r.kind != "organ" for r in rules):
            return None
        end = j + 1
        rest_of_line = ""
        k = end
        while k < len(doc) and "\n" not in doc[k].text:
            rest_of_line += doc[k].text
            if "\n" in doc[k].whitespace_:
                break
            k += 1
        alone = not rest_of_line.strip(" ,:")
        organs = tuple(dict.fromkeys(r.category for r in rules if r.kind == "organ"))
        return _Header(i, end, rules[0], organs, at_line_start, alone)

    def _longest_literal(self, doc: Doc, i: int) -> tuple[SectionHeader | None, int]:
        for length in range(min(self._max_header_tokens, len(doc) - i), 0, -1):
            key = tuple(t.lower_ for t in doc[i : i + length])
            rule = self._headers.get(key)
            if rule is not None:
                return rule, i + length
        return None, i

    def find_sentence_starts(self, doc: Doc, headers: Sequence[_Header]) -> list[bool]:
        """Return, per token, whether a sentence starts there."""
        n = len(doc)
        starts = [False] * n
        if n == 0:
            return starts
        starts[0] = True
        header_starts = {h.start for h in headers}
        # The words after a header's colon start a sentence of their own.
        header_starts |= {h.end for h in headers if h.end < n}
        for i in range(1, n):
            tok, prev = doc[i], doc[i - 1]
            if tok.is_space:
                continue
            if (
                i in header_starts
                or "\n" in prev.text
                or "\n" in prev.whitespace_
                or prev.text == ";"
                or (prev.text in _SENTENCE_END and self._ends_sentence(doc, i - 1))
            ):
                starts[i] = True
            elif self._ends_with_period(prev) and self._next_starts_sentence(doc, i):
                # spaCy keeps the period on tokens such as "V." ("... in segment V. Liver").
                starts[i] = True
        # A run of whitespace tokens belongs to the sentence before it.
        for i in range(1, n):
            if starts[i] and doc[i].is_space:
                starts[i] = False
        return starts

    def _ends_with_period(self, tok: Token) -> bool:
        text = tok.text
        return (
            len(text) > 1
            and text.endswith(".")
            and text.count(".") == 1
            and text[:-1].lower() not in self._abbreviations
        )

    @staticmethod
    def _next_starts_sentence(doc: Doc, i: int) -> bool:
        first = doc[i].text[:1]
        return first.isupper() or (doc[i].is_digit and i + 1 < len(doc) and doc[i + 1].text == ".")

    def _ends_sentence(self, doc: Doc, i: int) -> bool:
        before = _previous_word(doc, i)
        if before is not None and before.lower_.rstrip(".") in self._abbreviations:
            return False
        nxt = doc[i + 1] if i + 1 < len(doc) else None
        if nxt is None:
            return True
        first = nxt.text[:1]
        if first.isupper() or not first.isalnum():
            return True
        # Numbered items ("... benign. 2. Diffuse steatosis").
        return nxt.is_digit and i + 2 < len(doc) and doc[i + 2].text in {".", ")"}

    def assign_sections(
        self, doc: Doc, starts: Sequence[bool], headers: Sequence[_Header]
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
            tok = doc[i]
            if top[1] == "excluded" and i > 0:
                prev = doc[i - 1]
                newline = "\n" in prev.text or "\n" in prev.whitespace_
                blank = prev.text.count("\n") + prev.whitespace_.count("\n") >= 2 or (
                    newline and tok.is_space and "\n" in tok.text
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
        for tok, is_start in zip(doc, starts, strict=True):
            tok.is_sent_start = is_start
        doc.spans[HEADER_SPAN_KEY] = [
            Span(doc, h.start, h.end, label=h.rule.category, span_id=h.rule.id) for h in headers
        ]
        doc._.set(SENTENCE_INFO, tuple(info))


def _previous_word(doc: Doc, i: int) -> Token | None:
    j = i - 1
    while j >= 0 and doc[j].is_space:
        j -= 1
    return doc[j] if j >= 0 else None


def _tokens_of(nlp: Language, literal: str) -> list[str]:
    return [t.lower_ for t in nlp.make_doc(literal)]
