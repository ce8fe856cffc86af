"""What the prefilter knows of the pipeline's sentences: where one surely starts, and the
openers of a sentence that leans on the one before it.

:data:`SENTENCE_CUT` and :class:`PeriodSplit` find where the pipeline surely starts a sentence
inside a line (``Prefilter.sentence_cuts``); :func:`pair_starts`, :func:`inside_phrase` and
:func:`phrase_start` build, from ``normalization.json``, what opens a sentence that may hand
what a target rule requires to the sentence before it, as the linker reads them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.tokens import Doc

#: A word, a period and one space before a letter: a sentence end unless the word is an
#: abbreviation or the letter is not a capital (checked after matching).
SENTENCE_CUT = re.compile(r"(?:(?<=\s)|^)([^\W\d_]+)\. (?=[^\W\d_])")


class PeriodSplit:
    """The token before a word's period when the tokenizer splits the period off
    ("segment." -> "segment", "."), else None ("Dr." and "V." stay whole); remembered per
    word."""

    def __init__(self, tokenizer: Callable[[str], Doc], max_words: int = 100_000) -> None:
        self._tokenizer = tokenizer
        self._known: dict[str, str | None] = {}
        self._max_words = max_words

    def __call__(self, word: str) -> str | None:
        if word in self._known:
            return self._known[word]
        tokens = [t.text for t in self._tokenizer(word + ".")]
        split = len(tokens) >= 2 and tokens[-1] == "." and "".join(tokens[:-1]) == word
        last = tokens[-2] if split else None
        if len(self._known) < self._max_words:
            self._known[word] = last
        return last


def pair_starts(normalization: Mapping[str, Any]) -> list[str]:
    """What may open a sentence that leans on the one before it in its line: the same foci
    ("These cast shadows"), a word that refers back ("It contains a 4 mm phlebolith") or an
    inside phrase ("Within it a 4 mm focus ..."), as ``calcminer.nlp.pipeline.linking`` reads
    them."""
    starts = normalization["context_sentence_starts"]
    inside = starts["inside_previous"]
    return [
        *starts["same_foci"],
        *starts["refer_back"],
        *(f"{p} {q}" for p in inside["prepositions"] for q in inside["pronouns"]),
    ]


def inside_phrase(normalization: Mapping[str, Any]) -> re.Pattern[str]:
    """Matches an inside phrase ("within it") anywhere, as ``calcminer.nlp.pipeline.linking``
    reads it when a target's rule requires a lesion of the sentence before."""
    inside = normalization["context_sentence_starts"]["inside_previous"]
    prepositions = "|".join(sorted(map(re.escape, inside["prepositions"])))
    pronouns = "|".join(sorted(map(re.escape, inside["pronouns"])))
    return re.compile(rf"\b(?:{prepositions})\s+(?:{pronouns})\b", re.IGNORECASE)


def phrase_start(phrases: Iterable[str]) -> re.Pattern[str]:
    """Matches, at a position, one of the phrases after any non-word characters (as
    ``calcminer.nlp.pipeline.neighbours.first_words`` skips them)."""
    words = sorted({p.lower() for p in phrases if p.strip()}, key=len, reverse=True)
    alternatives = "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
    return re.compile(rf"[\W_]*(?:{alternatives})\b", re.IGNORECASE)
