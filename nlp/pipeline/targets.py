"""Pipeline step 2: the calcification targets of ``patterns/targets.jsonl``, as a span group.

It gives the spans spaCy's ``SpanRuler`` would give with the same patterns and filter
(:func:`yielding_spans_filter`), but a token pattern runs only on a Doc that holds
its required words (:class:`calcminer.nlp.pipeline.gated.GatedMatcher`): of the target patterns (one
per first word, see ``patterns.matcher_patterns``) a candidate text needs about two.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from spacy.attrs import LOWER
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from calcminer.nlp.pipeline.component import RuleComponent
from calcminer.nlp.pipeline.gated import GatedMatcher, split_rules
from calcminer.nlp.rules.patterns import PatternSet

#: Filters the matches into the final spans: ``(existing spans, matches) -> spans``.
SpansFilter = Callable[[Iterable[Span], Iterable[Span]], list[Span]]


def yielding_spans_filter(yielding_rule_ids: Iterable[str]) -> SpansFilter:
    """spaCy's first-longest filter, except that the rules in ``yielding_rule_ids`` give way.

    A predicate ("are calcified") yields to any target it overlaps ("there are calcified
    granulomas": the granulomas), whatever their lengths.
    """
    yielding = frozenset(yielding_rule_ids)

    def filter_targets(existing: Iterable[Span], spans: Iterable[Span]) -> list[Span]:
        found = list(existing) + list(spans)
        firm = [s for s in found if s.id_ not in yielding]
        taken = {i for s in firm for i in range(s.start, s.end)}
        kept = firm + [
            s for s in found if s.id_ in yielding and taken.isdisjoint(range(s.start, s.end))
        ]
        return filter_spans(kept)

    return filter_targets


class TargetRuler(RuleComponent):
    """Matches the target rules; writes them to a span group.

    Args:
        nlp: The pipeline (for its vocab and tokenizer).
        name: Component name.
        patterns: The loaded rules (their ``targets``).
        spans_key: Span group to write.
        spans_filter: Chooses the spans to keep among the sorted matches; None: spaCy's
            first-longest filter, except that the predicate rules yield
            (:func:`yielding_spans_filter`).
    """

    def __init__(
        self,
        nlp: Language,
        name: str,
        *,
        patterns: PatternSet | None = None,
        spans_key: str,
        spans_filter: SpansFilter | None = None,
    ) -> None:
        self.spans_key = spans_key
        self._spans_filter = spans_filter
        super().__init__(nlp, name, patterns=patterns)

    def _setup(self, nlp: Language, patterns: PatternSet) -> None:
        self.spans_filter = self._spans_filter or yielding_spans_filter(
            patterns.normalization["predicate_targets"]["rule_ids"]
        )
        self._labels = {nlp.vocab.strings.add(r.id): (r.label, r.id) for r in patterns.targets}
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        phrase_rules, token_patterns = split_rules(nlp.make_doc, patterns.targets)
        for rule, pattern_doc in phrase_rules:
            self.phrases.add(rule.id, [pattern_doc])
        self.matcher = GatedMatcher(nlp.vocab, token_patterns, validate=True)  # type: ignore[arg-type]

    def __call__(self, doc: Doc) -> Doc:
        self._require_rules()
        spans = self.find_targets(doc)
        self.set_annotations(doc, spans)
        return doc

    def find_targets(self, doc: Doc) -> list[Span]:
        """The target spans, as ``SpanRuler`` finds them: every match (but empty ones) as a
        span labelled and identified by its rule, without duplicates, sorted, then filtered."""
        matches = list(self.matcher.matches(doc, set(doc.to_array(LOWER).tolist())))
        if len(self.phrases):
            matches += self.phrases(doc)
        found = set()
        for match_id, start, end in matches:
            if start != end:
                label, rule_id = self._labels[match_id]
                found.add(Span(doc, start, end, label=label, span_id=rule_id))
        return self.spans_filter([], sorted(found))

    def set_annotations(self, doc: Doc, spans: list[Span]) -> None:
        """Write the targets to their span group."""
        doc.spans[self.spans_key] = spans


__all__ = ["TargetRuler"]
