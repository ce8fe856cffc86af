"""The shared per-document token view (``calcminer.nlp.pipeline.token_view``)."""

from __future__ import annotations

import threading

import pytest
import spacy

from calcminer.nlp.pipeline.token_view import TokenView, doc_text, token_view

TEXTS = [
    "Liver:  a 4 mm calcified granuloma in segment VI.\r\nIMPRESSION: benign.",
    "  leading spaces | a   table\trow |\n\n- Segment VIII: 5.2 cm, dense.  Next",
    "",
    "one",
    "Δ 3,4 см кальцинат.  Seg 7 ",
]


@pytest.fixture(scope="module")
def nlp() -> spacy.language.Language:
    return spacy.blank("en")


@pytest.mark.parametrize("text", TEXTS)
def test_token_view_copies_what_the_doc_says(nlp: spacy.language.Language, text: str) -> None:
    doc = nlp(text)
    view = TokenView.of(doc)
    assert view.n == len(doc)
    assert view.text == [t.text for t in doc]
    assert view.lower == [t.lower_ for t in doc]
    assert view.ws == [t.whitespace_ for t in doc]
    assert view.space == [t.is_space for t in doc]
    assert view.alpha == [t.is_alpha for t in doc]
    assert view.upper == [t.is_upper for t in doc]
    assert view.digit == [t.is_digit for t in doc]
    assert view.full_text() == doc.text == text
    for start in range(len(doc) + 1):
        for end in range(start, len(doc) + 1):
            assert view.text_of(start, end) == doc[start:end].text


def test_token_view_is_built_once_per_document(nlp: spacy.language.Language) -> None:
    first, second = nlp(TEXTS[0]), nlp(TEXTS[1])
    view = token_view(first)
    assert token_view(first) is view
    other = token_view(second)
    assert other is not view
    assert other.text == [t.text for t in second]
    # Asking for the first again gives its own tokens, not the last document's.
    assert token_view(first).text == [t.text for t in first]
    assert doc_text(second) == second.text
    assert doc_text(first) == first.text


def test_token_view_is_per_thread(nlp: spacy.language.Language) -> None:
    """Another thread mining its own document leaves this thread's view in place (a thread
    scheduler may mine in several threads at once)."""
    mine, theirs = nlp(TEXTS[0]), nlp(TEXTS[1])
    view = token_view(mine)
    seen: list[TokenView] = []
    thread = threading.Thread(target=lambda: seen.append(token_view(theirs)))
    thread.start()
    thread.join()
    assert seen[0].text == [t.text for t in theirs]
    assert token_view(mine) is view
