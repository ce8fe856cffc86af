"""Token-pattern matching that runs, on each text, only the patterns whose words are there.

spaCy's ``Matcher`` tries every pattern at every token, so its cost grows with patterns x
tokens. A pattern can only match where each of its required tokens that names its words
(``patterns.required_words``) finds one of them, so a text without them cannot hold a match
of that pattern. :class:`GatedMatcher` looks the text's ``LOWER`` values up in an index of
the patterns by their rarest required words, and runs a ``Matcher`` of just the patterns
that pass (one per combination, kept for reuse). A pattern of one token given by a regular
expression on its text ("S6", "seg7") runs only where a token's text matches it (each text
tested once). Each pattern matches on its own in spaCy's Matcher, so the matches are those
of one Matcher of all patterns.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from spacy.attrs import LOWER, ORTH
from spacy.matcher import Matcher
from spacy.schemas import validate_token_pattern
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from calcminer.nlp.rules.patterns import SpanRule, matcher_patterns, required_words

#: Matchers kept for combinations of patterns (the oldest is dropped beyond this).
MAX_CACHED_MATCHERS = 512
#: Token texts whose regular-expression tests are kept (all are dropped beyond this).
MAX_CACHED_TEXTS = 100_000
#: Token attributes a one-token regular-expression pattern may test, as spaCy reads them.
_REGEX_ATTRS = {"TEXT": ORTH, "ORTH": ORTH, "LOWER": LOWER}


def split_rules(
    make_doc: Callable[[str], Doc], rules: Iterable[SpanRule]
) -> tuple[list[tuple[SpanRule, Doc]], list[tuple[str, list[dict[str, Any]] | str]]]:
    """The phrase rules with their pattern Doc, and the ``(rule id, token pattern)`` pairs of
    the token rules (each rule's optional-token expansions), for a ``PhraseMatcher`` and a
    :class:`GatedMatcher`.

    Args:
        make_doc: The pipeline's tokenizer (``nlp.make_doc``).
        rules: Span rules of ``patterns/`` (targets or mentions).
    """
    phrases: list[tuple[SpanRule, Doc]] = []
    tokens: list[tuple[str, list[dict[str, Any]] | str]] = []
    for rule in rules:
        if isinstance(rule.pattern, str):
            phrases.append((rule, make_doc(rule.pattern)))
        else:
            tokens += [(rule.id, p) for p in matcher_patterns(rule.pattern)]
    return phrases, tokens


class GatedMatcher:
    """Runs a token pattern only on texts that hold a word of each of its required tokens.

    Args:
        vocab: The pipeline's vocab.
        patterns: ``(match key, token pattern)`` pairs, as ``Matcher.add`` takes them
            one pattern at a time; a key may have several patterns.
        validate: Validate every pattern now (one Matcher of all of them).
        max_cached: Matchers kept for combinations of patterns.
    """

    def __init__(
        self,
        vocab: Vocab,
        patterns: Iterable[tuple[str, list[dict[str, Any]]]],
        *,
        validate: bool = False,
        max_cached: int = MAX_CACHED_MATCHERS,
    ) -> None:
        self._vocab = vocab
        self._patterns = list(patterns)
        self._max_cached = max_cached
        strings = vocab.strings
        always: list[int] = []
        # Anchor word -> (pattern index, the pattern's other required sets).
        self._by_anchor: dict[int, list[tuple[int, tuple[frozenset[int], ...]]]] = {}
        # One-token regular-expression patterns: (pattern index, attribute, expression).
        self._token_regexes: list[tuple[int, int, re.Pattern[str]]] = []
        for i, (_key, pattern) in enumerate(self._patterns):
            required = [frozenset(strings.add(w) for w in s) for s in required_words(pattern)]
            if not required:
                token_regex = _token_regex(pattern)
                if token_regex is not None:
                    self._token_regexes.append((i, *token_regex))
                else:
                    always.append(i)
                continue
            k = min(range(len(required)), key=lambda j: len(required[j]))
            rest = tuple(required[:k] + required[k + 1 :])
            for word in required[k]:
                self._by_anchor.setdefault(word, []).append((i, rest))
        self._always = frozenset(always)
        #: Per attribute of the regular-expression patterns: value hash -> patterns it matches.
        self._regex_hits: dict[int, dict[int, frozenset[int]]] = {
            attr: {} for _i, attr, _regex in self._token_regexes
        }
        self._matchers: dict[frozenset[int], Matcher] = {}
        if validate:
            every = frozenset(range(len(self._patterns)))
            # Many patterns share tokens: when each distinct token passes spaCy's schema, every
            # pattern does, and the Matcher need not validate them one by one. Otherwise the
            # Matcher validates them and raises its own error.
            self.matcher_for(every, validate=not _tokens_valid(self._patterns))

    def __len__(self) -> int:
        return len(self._patterns)

    def select(self, present: Iterable[int]) -> frozenset[int]:
        """The patterns (indices) a text with these ``LOWER`` hashes could match (every
        one-token regular-expression pattern among them: its text decides, see
        :meth:`regex_patterns_in`)."""
        return self._select_by_words(present) | {i for i, _attr, _regex in self._token_regexes}

    def _select_by_words(self, present: Iterable[int]) -> frozenset[int]:
        """:meth:`select` without the one-token regular-expression patterns."""
        words = present if isinstance(present, (set, frozenset)) else set(present)
        chosen = set(self._always)
        index = self._by_anchor
        for word in index.keys() & words:
            for i, rest in index[word]:
                if i in chosen:
                    continue
                for required in rest:
                    if words.isdisjoint(required):
                        break
                else:
                    chosen.add(i)
        return frozenset(chosen)

    def matcher_for(self, chosen: frozenset[int], validate: bool = False) -> Matcher:
        """The Matcher of some patterns (built on first use and kept)."""
        matcher = self._matchers.get(chosen)
        if matcher is None:
            matcher = Matcher(self._vocab, validate=validate)
            for i in sorted(chosen):
                key, pattern = self._patterns[i]
                matcher.add(key, [pattern])
            if len(self._matchers) >= self._max_cached:
                del self._matchers[next(iter(self._matchers))]
            self._matchers[chosen] = matcher
        return matcher

    def regex_patterns_in(self, doclike: Doc | Span, present: Iterable[int]) -> set[int]:
        """The one-token regular-expression patterns (indices) that a token of ``doclike``
        matches (``present``: the ``LOWER`` hashes of its tokens)."""
        found: set[int] = set()
        for attr, hits in self._regex_hits.items():
            if len(hits) > MAX_CACHED_TEXTS:
                hits.clear()
            values = present if attr == LOWER else {token.orth for token in doclike}
            for value in values:
                matched = hits.get(value)
                if matched is None:
                    text = self._vocab.strings[value]
                    matched = frozenset(
                        i for i, a, regex in self._token_regexes if a == attr and regex.search(text)
                    )
                    hits[value] = matched
                if matched:
                    found.update(matched)
        return found

    def spans(self, doclike: Doc | Span, present: Iterable[int]) -> list[Span]:
        """The matches in ``doclike`` as spans labelled with their keys (``as_spans``).

        Args:
            doclike: The Doc or Span to match in.
            present: The ``LOWER`` hashes of its tokens.
        """
        matcher = self._matcher_of(doclike, present)
        return [] if matcher is None else list(matcher(doclike, as_spans=True))

    def matches(self, doclike: Doc | Span, present: Iterable[int]) -> Sequence[Any]:
        """The matches in ``doclike`` as ``(match_id, start, end)`` tuples."""
        matcher = self._matcher_of(doclike, present)
        return [] if matcher is None else list(matcher(doclike))

    def _matcher_of(self, doclike: Doc | Span, present: Iterable[int]) -> Matcher | None:
        """The Matcher of the patterns ``doclike`` may match (``present``: the ``LOWER``
        hashes of its tokens), or None when it may match none."""
        words = present if isinstance(present, (set, frozenset)) else set(present)
        chosen = self._select_by_words(words) | self.regex_patterns_in(doclike, words)
        return self.matcher_for(chosen) if chosen else None


def _token_regex(pattern: Any) -> tuple[int, re.Pattern[str]] | None:
    """``(attribute, expression)`` of a pattern of one token given only by a regular
    expression on its text (``[{"TEXT": {"REGEX": "^[Ss][1-8]$"}}]``), else None."""
    if not isinstance(pattern, list) or len(pattern) != 1 or len(pattern[0]) != 1:
        return None
    key, value = next(iter(pattern[0].items()))
    if key not in _REGEX_ATTRS or not isinstance(value, dict) or set(value) != {"REGEX"}:
        return None
    return _REGEX_ATTRS[key], re.compile(value["REGEX"])


def _tokens_valid(patterns: Sequence[tuple[str, Any]]) -> bool:
    """Whether every pattern is a non-empty list whose distinct tokens pass spaCy's token
    pattern schema (which checks each token on its own); False otherwise."""
    distinct: dict[str, Any] = {}
    for _key, pattern in patterns:
        if not isinstance(pattern, list) or not pattern:
            return False
        for token in pattern:
            distinct.setdefault(repr(token), token)
    return not validate_token_pattern(list(distinct.values()))


__all__ = ["MAX_CACHED_MATCHERS", "GatedMatcher"]
