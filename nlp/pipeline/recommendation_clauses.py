"""Clauses of a Doc, as the follow-up finder reads them, and where a token or clause stands.

A clause is a run of tokens between hard stops (a line break, ``;``, a sentence-final ``.``
or ``!`` or a run of two or more spaces; see :mod:`calcminer.nlp.pipeline.recommendations`).
This module owns that definition (:func:`clause_bounds`, :func:`ends_clause`,
:func:`clause_around`, :func:`clause_before`) and the token and line tests the finder's steps
share: a line break, a header's colon, a spaced dash, a clause opening its line or a
numbered item.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

#: Tokens that end a clause.
CLAUSE_END_TOKENS = frozenset({";", ".", "!"})
#: Tokens after the number that opens a numbered item ("1.", "2)").
NUMBERED_ITEM_MARKS = frozenset({".", ")"})
#: The mark that ends a header or an item's lead ("Plan:", "2. Lesion (9 mm): repeat MRI").
COLON = ":"
#: Dashes that, with a space on each side, part a finding from the plan after it ("Large
#: hepatic calcification - outpatient MRI"), as a colon does.
SEPARATOR_DASHES = frozenset({"-", "\u2013", "\u2014"})


def clause_bounds(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges of the clauses of a Doc (see
    :mod:`calcminer.nlp.pipeline.recommendations`), in order.

    Besides line breaks, ``;`` and sentence-final punctuation, a run of two or more spaces
    ends a clause ("gb normal  kidneys normal  rec ct abd"), except right after a colon.
    """
    bounds = []
    start = 0
    for token in doc:
        if ends_clause(doc, token.i):
            bounds.append((start, token.i + 1))
            start = token.i + 1
    if start < len(doc):
        bounds.append((start, len(doc)))
    return bounds


def ends_clause(doc: Doc, i: int) -> bool:
    """Whether token ``i`` ends its clause (see :func:`clause_bounds`).

    A word that keeps its period and ends a sentence ("... in segment V. Follow-up ...": the
    tokenizer reads "V." as an abbreviation, the sentence splitter ends the sentence there)
    ends its clause as a period would.
    """
    token = doc[i]
    if token.text in CLAUSE_END_TOKENS:
        return True
    if (
        len(token.text) > 1
        and token.text.endswith(".")
        and i + 1 < len(doc)
        and doc[i + 1].is_sent_start
    ):
        return True
    return token.is_space and ("\n" in token.text or (i > 0 and doc[i - 1].text != ":"))


def clause_around(doc: Doc, i: int) -> tuple[int, int]:
    """Token range of the clause that holds token ``i`` (one of :func:`clause_bounds`)."""
    start = i
    while start > 0 and not ends_clause(doc, start - 1):
        start -= 1
    end = i
    while end < len(doc) and not ends_clause(doc, end):
        end += 1
    return start, min(end + 1, len(doc))


def clause_before(doc: Doc, start: int) -> tuple[int, int] | None:
    """The nearest clause before token ``start`` that holds a letter, or None."""
    while start > 0:
        candidate = clause_around(doc, start - 1)
        if any(c.isalpha() for c in doc[candidate[0] : candidate[1]].text):
            return candidate
        start = candidate[0]
    return None


def first_word(doc: Doc, clause: tuple[int, int]) -> int:
    """The first token of a clause that is no space (its start when all are)."""
    start, end = clause
    for i in range(start, end):
        if not doc[i].is_space:
            return i
    return start


def breaks_line(token: Token) -> bool:
    """Whether a token is or ends with a line break."""
    return "\n" in token.text or "\n" in token.whitespace_


def is_colon(token: Token) -> bool:
    """Whether a token is a colon, also one the tokenizer keeps with a closing bracket
    ("(9 mm): repeat MRI ...": spaCy reads "):" as an emoticon)."""
    return token.is_punct and token.text.endswith(COLON)


def is_separator_dash(doc: Doc, i: int) -> bool:
    """Whether token ``i`` is a dash with a space on each side, after a word of its line
    ("calcification - outpatient MRI"; not a bullet opening its line)."""
    token = doc[i]
    return (
        token.text in SEPARATOR_DASHES
        and i > 0
        and bool(doc[i - 1].whitespace_)
        and bool(token.whitespace_)
        and not doc[i - 1].is_space
        and not breaks_line(doc[i - 1])
    )


def opens_line(doc: Doc, clause: tuple[int, int]) -> bool:
    """Whether a clause opens its line, or follows a header's colon that does
    ("Impression:\n5 mm gallbladder polyp, stable. Follow-up ultrasound in 12 months.")."""
    start, end = clause
    while start < end and doc[start].is_space:
        start += 1
    before = start - 1
    while before >= 0 and doc[before].is_space and "\n" not in doc[before].text:
        before -= 1
    if before < 0 or "\n" in doc[before].text or "\n" in doc[before].whitespace_:
        return True
    if doc[before].text != ":":
        return False
    j = before - 1
    while j >= 0 and "\n" not in doc[j].text and "\n" not in doc[j].whitespace_:
        if doc[j].text in {".", ";"}:
            return False
        j -= 1
    return True


def opens_numbered_item(doc: Doc, clause: tuple[int, int]) -> bool:
    """Whether a clause opens a numbered item: it follows, or starts with, an item number
    at its line's start ("1. Adrenal nodule ...", "2) Renal cyst ...")."""
    start, end = clause
    while start < end and doc[start].is_space:
        start += 1
    if start + 1 < end and doc[start + 1].text in NUMBERED_ITEM_MARKS:
        number = start  # "2) Renal cyst": one clause
    elif start >= 2 and doc[start - 1].text in NUMBERED_ITEM_MARKS:
        number = start - 2  # "1. Adrenal nodule": "1." ends a clause of its own
    else:
        return False
    if not doc[number].like_num:
        return False
    before = number - 1
    while before >= 0 and doc[before].is_space and "\n" not in doc[before].text:
        before -= 1
    return before < 0 or "\n" in doc[before].text
