"""The token attributes calcminer's components read most, copied out of a Doc once.

``doc[i].lower_`` makes a Token object and looks its string up each time; the components
read the same few attributes of the same tokens many times over (the section splitter,
the mention matcher, ConText and the linker all walk the words around each target). A
:class:`TokenView` copies them into plain lists in one pass, and :func:`token_view` keeps
the view of the last document asked for, so the components of one pipeline run share it
(each document passes through every component before the next one starts: no calcminer
component batches).
"""

from __future__ import annotations

import operator
import threading
from dataclasses import dataclass

from spacy.tokens import Doc


@dataclass(frozen=True)
class TokenView:
    """Per token of a Doc: its text, lower-case form, trailing white space and flags."""

    text: list[str]
    lower: list[str]
    ws: list[str]
    alpha: list[bool]
    upper: list[bool]
    space: list[bool]
    digit: list[bool]

    @classmethod
    def of(cls, doc: Doc) -> TokenView:
        text: list[str] = []
        lower: list[str] = []
        ws: list[str] = []
        alpha: list[bool] = []
        upper: list[bool] = []
        space: list[bool] = []
        digit: list[bool] = []
        # One pass over the tokens (each Token object is made once).
        for t in doc:
            text.append(t.text)
            lower.append(t.lower_)
            ws.append(t.whitespace_)
            alpha.append(t.is_alpha)
            upper.append(t.is_upper)
            space.append(t.is_space)
            digit.append(t.is_digit)
        return cls(text, lower, ws, alpha, upper, space, digit)

    @property
    def n(self) -> int:
        return len(self.text)

    def previous_word(self, i: int) -> int | None:
        """Index of the nearest non-space token before ``i``."""
        j = i - 1
        while j >= 0 and self.space[j]:
            j -= 1
        return j if j >= 0 else None

    def text_of(self, start: int, end: int) -> str:
        """The text of tokens ``start`` to ``end`` (exclusive) with the white space between
        them, as ``doc[start:end].text`` gives it (no white space after the last)."""
        if start >= end:
            return ""
        pieces = map(operator.add, self.text[start : end - 1], self.ws[start : end - 1])
        return "".join(pieces) + self.text[end - 1]

    def full_text(self) -> str:
        """The document's text (``Doc.text``)."""
        return "".join(map(operator.add, self.text, self.ws))


class _Last(threading.local):
    """The view of the last document asked for, per thread (a thread scheduler may mine
    in several threads at once)."""

    def __init__(self) -> None:
        self.doc: Doc | None = None
        self.view: TokenView | None = None
        self.text: str | None = None


_LAST = _Last()


def token_view(doc: Doc) -> TokenView:
    """The :class:`TokenView` of ``doc``, built once for the last document asked for.

    A Doc's tokens are fixed once the tokenizer made it (calcminer's components never
    retokenize), so a view stays right for as long as the document lives."""
    if _LAST.doc is not doc or _LAST.view is None:
        _LAST.doc = doc
        _LAST.view = TokenView.of(doc)
        _LAST.text = None
    return _LAST.view


def doc_text(doc: Doc) -> str:
    """``doc.text``, joined once for the last document asked for (``Doc.text`` joins every
    token on each call)."""
    view = token_view(doc)
    if _LAST.text is None:
        _LAST.text = view.full_text()
    return _LAST.text
