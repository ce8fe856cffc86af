"""When a sentence's neighbour speaks of its foci: the cues shared by mentions, linker and miner.

Two kinds of sentence reach across a sentence boundary (``patterns/normalization.json``,
``context_sentence_starts``):

- a sentence that *refers back* to a lesion of the one before: it starts with a referring
  word ("It contains a densely calcified central scar") or names a lesion with a definite
  determiner ("A 6 mm phlebolith is present within the hemangioma");
- a sentence without targets that *continues* the one before: "; these lie in hepatic segments
  II and V", ". The larger one is about 3.6 x 2.9 cm", ". Similar lesions are present in the
  left lobe" (more foci).

The mention matcher reads the neighbour sentence only when one of these cues says the linker
will, the linker lends what it finds there, and the miner keeps a report whole (no reduced
text) when a continuing sentence may follow a target sentence. All three use this module, so
they agree on when a neighbour matters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

from calcminer.nlp.rules.labels import LENT_LABELS
from calcminer.nlp.rules.rule_values import ORGAN_LIVER

ContinuationKind = Literal["same_foci", "more_foci", "member_place"]
#: A continuing sentence lends an ORGAN (``LENT_LABELS`` in ``calcminer.nlp.rules.labels``) only
#: when it is this one ("these lie in segments II and V of the liver").
LENT_ORGAN = ORGAN_LIVER
CONTINUATION_KINDS: tuple[ContinuationKind, ...] = ("same_foci", "more_foci", "member_place")
#: How many first words of a sentence a continuation phrase may span ("in the liver they").
CONTINUATION_WORDS = 4


def first_words(lowers: Sequence[str], start: int, end: int, n: int) -> tuple[str, ...]:
    """The first ``n`` words of ``lowers[start:end]``, skipping leading non-words.

    Args:
        lowers: Lower-cased token texts of a document.
        start: First token of the sentence.
        end: Token just after the sentence.
        n: How many words at most.

    Returns:
        Up to ``n`` words; the run stops at the first non-word after a word.
    """
    words: list[str] = []
    for i in range(start, end):
        token = lowers[i]
        if token[:1].isalnum():
            words.append(token)
            if len(words) == n:
                break
        elif words:
            break
    return tuple(words)


@dataclass(frozen=True)
class NeighbourCues:
    """The sentence-start cues and the words that make a definite lesion reference.

    Attributes:
        refer_back: Words that, starting a sentence, refer to the previous one ("it").
        distributive: Referring words meaning "one per lesion" ("each").
        continuations: Phrases (as word tuples) that start a continuing sentence, by kind.
        definite: Definite determiners ("the", "this").
        lesion_starts: First words of the lesion and cyst structure rules ("hemangioma").
        inside_prepositions: Words that, before an ``inside_pronouns`` word anywhere in a
            sentence, place its finding in the previous sentence's lesion ("... is present
            centrally within it").
        inside_pronouns: The pronouns of those phrases ("it").
        inside_adverbs: Words that, opening a sentence, place its finding in the previous
            sentence's lesion ("Centrally there is an 8 mm calcification").
        inside_adjectives: Words that, among a sentence's first ``adjective_first_words``
            words, do the same ("Coarse internal calcifications.").
        adjective_first_words: How many first words may hold an inside adjective.
        list_introducers: Tokens that, ending a target's sentence, open a list of its foci
            ("Calcified foci with shadowing:" then "- segment 3, 4 mm;" on each line).
        list_bullets: Tokens that start a list item ("-", "*").
        list_label_openers: Tokens before an item label ("(" of "(a)").
        list_label_closers: Tokens after an item label (")" of "a)", "." of "1.").
        max_list_label_chars: Longest item label ("iii" of "(iii)").
    """

    refer_back: frozenset[str]
    distributive: frozenset[str]
    continuations: Mapping[ContinuationKind, tuple[tuple[str, ...], ...]]
    definite: frozenset[str]
    lesion_starts: frozenset[str]
    inside_prepositions: frozenset[str] = frozenset()
    inside_pronouns: frozenset[str] = frozenset()
    inside_adverbs: frozenset[str] = frozenset()
    inside_adjectives: frozenset[str] = frozenset()
    adjective_first_words: int = 0
    list_introducers: frozenset[str] = frozenset()
    list_bullets: frozenset[str] = frozenset()
    list_label_openers: frozenset[str] = frozenset()
    list_label_closers: frozenset[str] = frozenset()
    max_list_label_chars: int = 0

    @classmethod
    def from_tables(
        cls, normalization: Mapping[str, Any], lesion_phrases: Iterable[str]
    ) -> NeighbourCues:
        """Build the cues from ``normalization.json`` and the lesion structure phrases."""
        starts = normalization["context_sentence_starts"]
        return cls(
            refer_back=frozenset(starts["refer_back"]),
            distributive=frozenset(starts["distributive"]),
            continuations={
                kind: tuple(tuple(phrase.lower().split()) for phrase in starts[kind])
                for kind in CONTINUATION_KINDS
            },
            definite=frozenset(normalization["definite_determiners"]),
            lesion_starts=frozenset(p.lower().split()[0] for p in lesion_phrases if p.strip()),
            inside_prepositions=frozenset(starts["inside_previous"]["prepositions"]),
            inside_pronouns=frozenset(starts["inside_previous"]["pronouns"]),
            inside_adverbs=frozenset(starts["inside_previous"]["adverbs"]),
            inside_adjectives=frozenset(starts["inside_previous"]["adjectives"]),
            adjective_first_words=int(starts["inside_previous"]["adjective_first_words"]),
            list_introducers=frozenset(starts["list_items"]["introducers"]),
            list_bullets=frozenset(normalization["header_bullets"]),
            list_label_openers=frozenset(starts["list_items"]["label_openers"]),
            list_label_closers=frozenset(starts["list_items"]["label_closers"]),
            max_list_label_chars=int(starts["list_items"]["max_label_chars"]),
        )

    def opens_list(self, texts: Sequence[str]) -> bool:
        """Whether a sentence (its token texts) ends by opening a list ("... foci:")."""
        last = next((t for t in reversed(texts) if not t.isspace()), None)
        return last is not None and last in self.list_introducers

    def starts_item(self, texts: Sequence[str]) -> bool:
        """Whether a sentence (its token texts) starts with a list marker: a bullet ("-"),
        a label with its closer ("a)", "1.", "ii.") or between brackets ("(iii)")."""
        return self._marker_length([t for t in texts[:8] if not t.isspace()][:3]) > 0

    def marker_only(self, texts: Sequence[str]) -> bool:
        """Whether a sentence is a list marker alone ("1." before "Segment II: 4 mm." on the
        same line, which the splitter makes a sentence of its own)."""
        words = [t for t in texts if not t.isspace()]
        return 0 < len(words) <= 3 and self._marker_length(words) == len(words)

    def _marker_length(self, first: Sequence[str]) -> int:
        """How many of these first tokens make a list marker (0: none)."""
        if not first:
            return 0
        if first[0] in self.list_bullets:
            return 1
        opened = int(first[0] in self.list_label_openers)
        rest = first[opened:]
        if len(rest) >= 2 and self._is_label(rest[0]) and rest[1] in self.list_label_closers:
            return opened + 2
        # "i." and "A." are one token.
        if rest and rest[0][-1:] in self.list_label_closers and self._is_label(rest[0][:-1]):
            return opened + 1
        return 0

    def _is_label(self, text: str) -> bool:
        return 0 < len(text) <= self.max_list_label_chars and text.isalnum()

    def item_regex(self) -> re.Pattern[str]:
        """Matches, right after a sentence, a line break and a list marker (see
        :meth:`starts_item`)."""
        bullets = "|".join(map(re.escape, sorted(self.list_bullets, key=len, reverse=True)))
        openers = "".join(map(re.escape, sorted(self.list_label_openers)))
        closers = "".join(map(re.escape, sorted(self.list_label_closers)))
        label = rf"[^\W_]{{1,{self.max_list_label_chars}}}"
        return re.compile(
            rf"[^\S\n]*\r?\n\s*(?:(?:{bullets})|[{openers}]?{label}[{closers}])"
            if openers and closers
            else r"(?!)"
        )

    def continuation_kind(self, words: Sequence[str]) -> ContinuationKind | None:
        """The kind of continuing sentence whose first words these are, or None."""
        by_first = self._continuations_by_first
        if by_first is None:  # an empty phrase starts every sentence
            candidates: Sequence[tuple[ContinuationKind, tuple[str, ...]]] = [
                (kind, phrase) for kind in CONTINUATION_KINDS for phrase in self.continuations[kind]
            ]
        else:
            candidates = by_first.get(words[0], ()) if words else ()
        for kind, phrase in candidates:
            if tuple(words[: len(phrase)]) == phrase:
                return kind
        return None

    @cached_property
    def _continuations_by_first(
        self,
    ) -> dict[str, list[tuple[ContinuationKind, tuple[str, ...]]]] | None:
        """The continuation phrases by their first word, in the order
        :meth:`continuation_kind` tries them (None when a phrase is empty)."""
        index: dict[str, list[tuple[ContinuationKind, tuple[str, ...]]]] = {}
        for kind in CONTINUATION_KINDS:
            for phrase in self.continuations[kind]:
                if not phrase:
                    return None
                index.setdefault(phrase[0], []).append((kind, phrase))
        return index

    def continuation_regex(self) -> re.Pattern[str]:
        """Matches, at a position, what may start a continuing sentence (separators first).

        Everything that is not a letter or digit may stand before the phrase, as
        :func:`first_words` skips it ("\\n  - Largest dimension: 32 mm").
        """
        phrases = sorted(
            {" ".join(p) for kind in CONTINUATION_KINDS for p in self.continuations[kind]},
            key=len,
            reverse=True,
        )
        words = "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases)
        return re.compile(rf"[\W_]*(?:{words})\b", re.IGNORECASE)


__all__ = [
    "CONTINUATION_KINDS",
    "CONTINUATION_WORDS",
    "LENT_LABELS",
    "LENT_ORGAN",
    "ContinuationKind",
    "NeighbourCues",
    "first_words",
]
