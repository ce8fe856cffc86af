"""medspaCy's ConText with a graph that compares only modifiers and targets within reach.

medspaCy's ``ConTextGraph`` compares every pair of modifiers of a sentence to limit their
scopes and every target with every modifier to find the edges, so a report written as one
long sentence (a list of thousands of items) takes time quadratic in its length.
:class:`ReachGraph` makes the same calls in the same order, leaving out only the pairs that
cannot change anything:

- a modifier's scope is only ever narrowed, and only by another modifier that starts after
  it and inside its scope (forward) or ends before it and inside its scope (backward);
  pairs where neither can narrow the other are skipped;
- a modifier can only modify a target that starts or ends inside its scope, and never when
  its direction is ``TERMINATE`` or ``PSEUDO``; the other pairs are skipped.

So the scopes, edges and their order are medspaCy's. Small graphs, where the index would
cost more than it saves, use medspaCy's own loops. :class:`ReachContext` is medspaCy's
``ConText`` component with this graph; with many modifiers it also sets their first scopes
from the sentence starts read once (medspaCy walks the sentence for each modifier). Its
``__call__`` and the scope rules follow medspaCy 1.3.1, which ``pyproject.toml`` pins.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import Any

import numpy
from medspacy.common.util import prune_overlapping_matches
from medspacy.context import ConText, ConTextGraph, ConTextModifier, ConTextRule
from spacy.attrs import LOWER, SENT_START
from spacy.tokens import Doc, Span

from calcminer.nlp.pipeline.gated import GatedMatcher

#: Below this many modifier pairs (or target-modifier pairs) medspaCy's loops are used.
MIN_INDEXED_PAIRS = 400
#: From this many modifier matches, their scopes are set from the sentence starts read once.
MIN_INDEXED_SCOPES = 16
#: Modifiers with a wider scope than this (tokens) are checked against every target.
MAX_INDEXED_SCOPE_TOKENS = 64


class ReachGraph(ConTextGraph):
    """A ``ConTextGraph`` that compares only what is within reach (see the module docstring).

    Attributes:
        min_indexed_pairs: Pairs from which the index is used (0: always).
    """

    min_indexed_pairs: int = MIN_INDEXED_PAIRS

    def update_scopes(self) -> None:
        """Limit the modifiers' scopes, as ``ConTextGraph.update_scopes``."""
        modifiers: list[ConTextModifier] = self.modifiers
        count = len(modifiers)
        if count * (count - 1) // 2 < self.min_indexed_pairs:
            super().update_scopes()
            return
        by_start = sorted(range(count), key=lambda k: modifiers[k].modifier_span[0])
        starts = [modifiers[k].modifier_span[0] for k in by_start]
        by_end = sorted(range(count), key=lambda k: modifiers[k].modifier_span[1])
        ends = [modifiers[k].modifier_span[1] for k in by_end]
        pairs: set[tuple[int, int]] = set()
        for i, modifier in enumerate(modifiers):
            direction = modifier.direction.lower()
            start, end = modifier.modifier_span
            scope_start, scope_end = modifier.scope_span
            near: list[int] = []
            if direction in ("forward", "bidirectional"):
                # Only a modifier starting after this one and before its scope ends narrows it.
                lo = bisect.bisect_right(starts, start)
                near += by_start[lo : bisect.bisect_left(starts, scope_end, lo)]
            if direction in ("backward", "bidirectional"):
                # Only a modifier ending before this one and after its scope starts narrows it.
                lo = bisect.bisect_right(ends, scope_start)
                near += by_end[lo : bisect.bisect_left(ends, end, lo)]
            pairs.update((min(i, j), max(i, j)) for j in near if j != i)
        # medspaCy's order: (0, 1), (0, 2), ... and both ways within a pair.
        for i, j in sorted(pairs):
            modifiers[i].limit_scope(modifiers[j])
            modifiers[j].limit_scope(modifiers[i])

    def apply_modifiers(self) -> None:
        """Find the edges, as ``ConTextGraph.apply_modifiers``."""
        modifiers: list[ConTextModifier] = self.modifiers
        targets: Sequence[Span] = self.targets
        if self.prune_on_modifier_overlap or len(targets) * len(modifiers) < self.min_indexed_pairs:
            super().apply_modifiers()
            return
        # Only these can modify a target (``ConTextModifier.modifies`` says no to the rest).
        able = [k for k, m in enumerate(modifiers) if m.direction not in ("TERMINATE", "PSEUDO")]
        wide = [k for k in able if _scope_width(modifiers[k]) > MAX_INDEXED_SCOPE_TOKENS]
        narrow = sorted(
            (k for k in able if _scope_width(modifiers[k]) <= MAX_INDEXED_SCOPE_TOKENS),
            key=lambda k: modifiers[k].scope_span[0],
        )
        scope_starts = [modifiers[k].scope_span[0] for k in narrow]
        widest = max((_scope_width(modifiers[k]) for k in narrow), default=0)
        for target in targets:
            # ``modifies`` needs the target to start or end inside the scope (medspaCy's
            # ``tuple_overlaps``): the scope then starts at most ``widest`` tokens earlier.
            lo = bisect.bisect_left(scope_starts, target.start - widest)
            hi = bisect.bisect_right(scope_starts, max(target.start, target.end))
            for k in sorted([*narrow[lo:hi], *wide]):
                if modifiers[k].modifies(target):
                    modifiers[k].modify(target)
        edges = []
        for modifier in modifiers:
            modifier.reduce_targets()
            for target in modifier._targets:
                edges.append((target, modifier))
        self.edges = edges


class _SentenceBounds:
    """Where the sentences of a Doc start, to find the one around a token in O(log n) time
    (``Token.sent`` walks the sentence, which is slow for thousands of modifiers)."""

    def __init__(self, starts: list[int], length: int) -> None:
        self._starts = starts
        self._length = length

    @classmethod
    def of(cls, doc: Doc) -> _SentenceBounds | None:
        """The sentence starts as ``Span.sent`` reads them, or None when it would read hooks
        or find no sentence boundaries (medspaCy then sets the scopes itself)."""
        if (
            "sent" in doc.user_token_hooks
            or "sent" in doc.user_span_hooks
            or "sents" in doc.user_hooks
            or not doc.has_annotation("SENT_START")
        ):
            return None
        flags = doc.to_array(SENT_START)
        return cls([int(i) for i in numpy.flatnonzero(flags == 1)], len(doc))

    def around(self, token: int) -> tuple[int, int]:
        """The sentence of ``token`` as ``Span.sent`` finds it: back to a start (or the
        Doc's), on to the next start (or the Doc's end)."""
        k = bisect.bisect_right(self._starts, token)
        start = self._starts[k - 1] if k else 0
        end = self._starts[k] if k < len(self._starts) else self._length
        return start, end


def _initial_scope(
    rule: ConTextRule, start: int, end: int, sentence: tuple[int, int]
) -> tuple[int, int]:
    """A modifier's scope before other modifiers limit it, as medspaCy 1.3.1's
    ``ConTextModifier.__set_scope`` sets it for a component without ``max_scope``."""
    max_scope = rule.max_scope
    direction = rule.direction.lower()
    if direction == "forward":
        scope_start, scope_end = end, sentence[1]
        if max_scope is not None and scope_end - scope_start > max_scope:
            scope_end = end + max_scope
    elif direction == "backward":
        scope_start, scope_end = sentence[0], start
        if max_scope is not None and scope_end - scope_start > max_scope:
            scope_start = start - max_scope
    else:  # bidirectional
        scope_start, scope_end = sentence
        if max_scope is not None and start - scope_start > max_scope:
            scope_start = start - max_scope
        if max_scope is not None and scope_end - end > max_scope:
            scope_end = end + max_scope
    return scope_start, scope_end


def _scope_width(modifier: ConTextModifier) -> int:
    scope_start, scope_end = modifier.scope_span
    return max(0, scope_end - scope_start)


class ReachContext(ConText):
    """medspaCy's ``ConText`` component with :class:`ReachGraph` (same arguments)."""

    def __call__(self, doc: Doc, targets: str | None = None) -> Doc:
        """Apply ConText to a Doc, as ``ConText.__call__`` of medspaCy 1.3.1.

        Args:
            doc: The Doc.
            targets: An optional ``Doc._`` attribute holding the target spans.

        Returns:
            The Doc, with ``Doc._.context_graph`` and ``Span._.modifiers`` set.
        """
        spans: Any = targets
        if not targets and self.input_span_type == "ents":
            spans = doc.ents
        elif not targets and self.input_span_type == "group":
            spans = doc.spans[self.span_group_name]
        elif targets:
            spans = getattr(doc._, targets)
        graph = ReachGraph(prune_on_modifier_overlap=self.prune_on_target_overlap)
        graph.targets = spans
        graph.modifiers = []
        matcher = self._ConText__matcher
        matches = self._matches(doc)
        sentences = _SentenceBounds.of(doc) if len(matches) >= MIN_INDEXED_SCOPES else None
        for match_id, start, end in matches:
            rule = matcher.rule_map[self.nlp.vocab[match_id].text]
            scope: tuple[int | None, int | None] = (None, None)  # medspaCy finds it
            if sentences is not None and not self.max_scope:
                scope = _initial_scope(rule, start, end, sentences.around(start))
            graph.modifiers.append(
                ConTextModifier(rule, start, end, doc, *scope, max_scope=self.max_scope)
            )
        graph.update_scopes()
        graph.apply_modifiers()
        for target, modifier in graph.edges:
            target._.modifiers += (modifier,)
        if self.context_attributes_mapping:
            self.set_context_attributes(graph.edges)
        doc._.context_graph = graph
        return doc

    def _matches(self, doc: Doc) -> list[tuple[int, int, int]]:
        """The modifier matches, as medspaCy 1.3.1's ``MedspacyMatcher.__call__`` finds them,
        except that its token patterns run through a :class:`GatedMatcher`: only those whose
        required words the Doc holds (spaCy's Matcher tests every pattern at every token, an
        ``IN`` list through a Python call). Each pattern matches on its own, in the order the
        rules were added, so the matches and their order are medspaCy's."""
        matcher = self._ConText__matcher
        gated = self._gated_matcher(matcher)
        if gated is None:
            return list(matcher(doc))
        matches = list(gated.matches(doc, set(doc.to_array(LOWER).tolist())))
        matches += matcher._MedspacyMatcher__phrase_matcher(doc)
        matches += matcher._MedspacyMatcher__regex_matcher(doc)
        if matcher._prune:
            matches = prune_overlapping_matches(matches)
        return matches

    def _gated_matcher(self, matcher: Any) -> GatedMatcher | None:
        """The token patterns of the rules as a :class:`GatedMatcher` (rebuilt when rules are
        added), or None when a rule has an ``on_match`` callback (medspaCy's matcher runs)."""
        rules = matcher.rule_map
        cached = getattr(self, "_gated", None)
        if cached is not None and cached[0] == len(rules):
            return cached[1]
        patterns = [
            (rule_id, rule.pattern)
            for rule_id, rule in rules.items()
            if isinstance(rule.pattern, list)
        ]
        usable = all(rule.on_match is None for rule in rules.values())
        gated = GatedMatcher(self.nlp.vocab, patterns) if usable and patterns else None
        self._gated = (len(rules), gated)
        return gated


__all__ = ["MIN_INDEXED_PAIRS", "ReachContext", "ReachGraph"]
