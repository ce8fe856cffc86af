"""Pipeline step 3: attribute and cue mentions, matched only where the linker will read them.

The linker reads mentions in sentences that hold a calcification target and follow-up cues
wherever they are; nothing else. So this component matches the mention rules of
``patterns/mentions.jsonl`` only in those sentences (sentences with a target, and sentences
with a word a follow-up rule needs), which is most of the matching saved on a long report. A
few organ rules (the organs whose lobes a report could also mean: liver, lung, thyroid) are
matched over the whole document, as the linker checks them report-wide.
"""

from __future__ import annotations

import bisect

import numpy
from spacy.attrs import LOWER, SENT_START
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from .extensions import SENTENCE_INFO
from .patterns import PatternSet, matcher_patterns
from .prefilter import FOLLOWUP_TRIGGER_LABELS, anchor_words

#: ORGAN rule values the linker checks over the whole report.
DOCUMENT_WIDE_ORGANS = frozenset({"liver", "lung", "thyroid"})


class MentionMatcher:
    """Matches mention rules in the sentences that need them; writes a span group.

    Args:
        nlp: The pipeline (for its vocab and tokenizer).
        name: Component name.
        patterns: The loaded rules.
        spans_key: Span group to write.
        target_spans_key: Span group of the targets (from the target ruler).
    """

    def __init__(
        self,
        nlp: Language,
        name: str,
        *,
        patterns: PatternSet,
        spans_key: str,
        target_spans_key: str,
    ) -> None:
        self.name = name
        self.spans_key = spans_key
        self.target_spans_key = target_spans_key
        self.labels = {r.id: r.label for r in patterns.mentions}
        self.matcher = Matcher(nlp.vocab, validate=True)
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.document_phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        for rule in patterns.mentions:
            if isinstance(rule.pattern, str):
                pattern_doc = nlp.make_doc(rule.pattern)
                self.phrases.add(rule.id, [pattern_doc])
                if rule.label == "ORGAN" and rule.value in DOCUMENT_WIDE_ORGANS:
                    self.document_phrases.add(rule.id, [pattern_doc])
            else:
                self.matcher.add(rule.id, matcher_patterns(rule.pattern))  # type: ignore[arg-type]
        followup_rules = [r for r in patterns.mentions if r.label in FOLLOWUP_TRIGGER_LABELS]
        self.followup_words = frozenset(anchor_words(followup_rules))
        self._followup_hashes = frozenset(nlp.vocab.strings.add(w) for w in self.followup_words)

    def __call__(self, doc: Doc) -> Doc:
        spans = self.find_mentions(doc)
        self.set_annotations(doc, spans)
        return doc

    def candidate_sentences(self, doc: Doc) -> list[Span]:
        """Sentences holding a target or a word that a follow-up rule needs."""
        if len(doc) == 0:
            return []
        info = doc._.get(SENTENCE_INFO)
        if info:
            starts = [row[0] for row in info]
        else:
            starts = numpy.flatnonzero(doc.to_array([SENT_START]).reshape(-1) == 1).tolist()
        if not starts or starts[0] != 0:
            starts.insert(0, 0)
        needed = {
            bisect.bisect_right(starts, t.start) - 1
            for t in doc.spans.get(self.target_spans_key, [])
        }
        followup = self._followup_hashes
        needed.update(
            bisect.bisect_right(starts, i) - 1
            for i, h in enumerate(doc.to_array(LOWER).tolist())
            if h in followup
        )
        if not needed:
            return []
        bounds = [*starts, len(doc)]
        return [doc[bounds[k] : bounds[k + 1]] for k in sorted(needed)]

    def find_mentions(self, doc: Doc) -> list[Span]:
        """Mention spans, each labelled with its rule's label and carrying the rule id."""
        found: dict[tuple[int, int, str], Span] = {}
        matched: list[Span] = []
        for sent in self.candidate_sentences(doc):
            matched += self.matcher(sent, as_spans=True)
            matched += self.phrases(sent, as_spans=True)
        matched += self.document_phrases(doc, as_spans=True)
        for span in matched:
            rule_id = span.label_
            found.setdefault(
                (span.start, span.end, rule_id),
                Span(doc, span.start, span.end, label=self.labels[rule_id], span_id=rule_id),
            )
        return sorted(found.values(), key=lambda s: (s.start, s.end, s.id_))

    def set_annotations(self, doc: Doc, spans: list[Span]) -> None:
        """Write the mentions to their span group."""
        doc.spans[self.spans_key] = spans
