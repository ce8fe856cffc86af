"""Pipeline step 3: assertion with medspaCy ConText, using the project's own rules."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from medspacy.context import ConTextRule
from spacy.attrs import LOWER
from spacy.language import Language
from spacy.tokens import Doc, Span

from calcminer.nlp.pipeline.component import RuleComponent
from calcminer.nlp.pipeline.context_graph import ReachContext
from calcminer.nlp.pipeline.extensions import (
    ASSERTED_SPAN_KEY,
    CONTEXT_EDGES,
    register_extensions,
    sentence_starts,
)
from calcminer.nlp.pipeline.records import ContextEdge
from calcminer.nlp.pipeline.token_view import token_view
from calcminer.nlp.rules.patterns import PatternSet, required_words
from calcminer.nlp.schema import ModifierSpan

#: Span group ConText reads: the targets plus the follow-up mentions (whose negation matters).


class ModifierGate:
    """Tells when no ConText rule can match a sentence, so ConText need not run on it.

    Each rule needs certain words: every token of its literal (medspaCy matches literals on
    the lower-cased tokens), or, for a token pattern, one word of each required token. A
    sentence that lacks them for every rule gets no modifier, so no edge. Rules the gate
    cannot read (a regular expression, a token with no literal word) make it always answer
    yes, so it never changes a result.
    """

    def __init__(self, nlp: Language, rules: Iterable[Mapping[str, Any]]) -> None:
        strings = nlp.vocab.strings
        self.always = False
        self._by_anchor: dict[int, list[tuple[frozenset[int], ...]]] = {}
        for rule in rules:
            words = self._required_words(nlp, rule)
            if not words:
                self.always = True
                continue
            required = tuple(frozenset(strings.add(w) for w in s) for s in words)
            for anchor in required[0]:
                self._by_anchor.setdefault(anchor, []).append(required)

    @staticmethod
    def _required_words(nlp: Language, rule: Mapping[str, Any]) -> list[frozenset[str]]:
        pattern = rule.get("pattern")
        if pattern is None:
            return [frozenset({t.lower_}) for t in nlp.make_doc(str(rule["literal"]).lower())]
        if not isinstance(pattern, list):
            return []  # a regular expression
        return required_words(pattern)

    def may_match(self, lowers: Sequence[int]) -> bool:
        """Whether some rule could match a sentence given its tokens' ``LOWER`` hashes."""
        if self.always:
            return True
        present = set(lowers)
        for anchor in present:
            for required in self._by_anchor.get(anchor, ()):
                if all(not present.isdisjoint(words) for words in required):
                    return True
        return False


class ContextAssertion(RuleComponent):
    """Runs medspaCy ConText over targets and follow-up mentions, keeping only primitives.

    medspaCy stores rich objects on the Doc (``Doc._.context_graph``, ``Span._.modifiers``),
    which cannot be serialised. This component records each target-modifier edge as a tuple in
    ``Doc._.calcminer_context_edges`` and then clears medspaCy's objects.
    """

    def __init__(
        self,
        nlp: Language,
        name: str,
        *,
        patterns: PatternSet | None = None,
        input_span_keys: Iterable[str],
        input_labels: Iterable[str],
    ) -> None:
        self.input_span_keys = tuple(input_span_keys)
        self.input_labels = frozenset(input_labels)
        super().__init__(nlp, name, patterns=patterns)

    def _setup(self, nlp: Language, patterns: PatternSet) -> None:
        self._context = ReachContext(
            nlp,
            name=f"{self.name}_medspacy",
            rules=None,
            span_attrs=None,
            input_span_type="group",
            span_group_name=ASSERTED_SPAN_KEY,
        )
        self._context.add([context_rule_from_dict(r) for r in patterns.context_rules])
        self.gate = ModifierGate(nlp, patterns.context_rules)
        clause = patterns.normalization["clause_articles"]
        self.clause_articles = frozenset(clause["articles"])
        self.not_clause_after = frozenset(clause["not_after"])
        self.not_clause_after_suffixes = tuple(clause["not_after_suffixes"])
        self.clause_punctuation = frozenset(clause["after_punctuation"])
        self.min_run_on_spaces = int(patterns.config["linking"]["min_run_on_double_spaces"])
        carriers = patterns.normalization["negation_carriers"]
        self.carriers = tuple(tuple(p) for p in carriers["phrases"])
        self.carrier_breaks = frozenset(carriers["breaks"])
        register_extensions()

    def __call__(self, doc: Doc) -> Doc:
        self._require_rules()
        targets = self.find_inputs(doc)
        edges: list[ContextEdge] = []
        sentences = self._sentences_with(doc, targets)
        lowers = doc.to_array(LOWER).tolist() if sentences else []
        for sentence, inside in sentences:
            if self.gate.may_match(lowers[sentence.start : sentence.end]):
                edges += self._assert_sentence(sentence, inside)
        doc._.set(CONTEXT_EDGES, _stored(edges))
        return doc

    @staticmethod
    def _sentences_with(doc: Doc, spans: list[Span]) -> list[tuple[Span, list[Span]]]:
        """The sentences holding input spans, each with the spans that lie inside it.

        ConText scopes a modifier to its sentence, so running it sentence by sentence gives
        the same edges as one run over the document, without comparing every pair of
        modifiers of a long report (medspaCy's scope update is quadratic in them). A span
        that crosses a sentence boundary gets no edges (the linker drops such targets).
        """
        if not spans:
            return []
        starts = sentence_starts(doc)
        bounds = [*starts, len(doc)]
        grouped: dict[int, list[Span]] = {}
        for span in spans:
            k = bisect.bisect_right(starts, span.start) - 1
            if span.end <= bounds[k + 1]:
                grouped.setdefault(k, []).append(span)
        return [(doc[bounds[k] : bounds[k + 1]], grouped[k]) for k in sorted(grouped)]

    def _assert_sentence(self, sentence: Span, inside: list[Span]) -> list[ContextEdge]:
        """Run ConText on one sentence (as its own Doc); edges in the report's offsets."""
        sub = self._sentence_doc(sentence)
        offset, first = sentence.start_char, sentence.start
        sub.spans[ASSERTED_SPAN_KEY] = [
            Span(sub, s.start - first, s.end - first, label=s.label_) for s in inside
        ]
        self._context(sub)
        carried = self._carried_negations(sub)
        edges = self.set_annotations(sub)
        if carried:
            edges = sorted({*edges, *carried})
        clauses = (
            self._clause_starts(sub)
            if any(e.modifier_end_char <= e.target_start_char for e in edges)
            else []
        )
        if clauses:
            # A modifier before a new clause does not reach a target after its start.
            # (The article must follow a word after the modifier: "Should a calcified focus
            # be confirmed" is still hypothetical.)
            edges = [
                e
                for e in edges
                if not (
                    e.modifier_end_char <= e.target_start_char
                    and any(
                        e.modifier_end_char <= w and c <= e.target_start_char for w, c in clauses
                    )
                )
            ]
        return [
            ContextEdge(
                start + offset, end + offset, category, rule_id, m_start + offset, m_end + offset
            )
            for start, end, category, rule_id, m_start, m_end in edges
        ]

    def _carried_negations(self, sub: Doc) -> list[ContextEdge]:
        """Negation edges handed on by a carrier ("no focus ... to suggest calcification").

        A target right after a carrier phrase with no negation of its own takes the nearest
        forward negation before the carrier, when no break word or new clause lies between.
        """
        graph = sub._.context_graph
        if graph is None:
            return []
        negations = [
            m
            for m in graph.modifiers
            if m.category == "NEGATED_EXISTENCE" and m.direction.upper() == "FORWARD"
        ]
        if not negations:
            return []
        negated = {(t.start, t.end) for t, m in graph.edges if m.category == "NEGATED_EXISTENCE"}
        longest = max((len(p) for p in self.carriers), default=0)
        out = []
        for target in sub.spans[ASSERTED_SPAN_KEY]:
            if (target.start, target.end) in negated:
                continue
            window = tuple(t.lower_ for t in sub[max(0, target.start - longest) : target.start])
            carrier = next(
                (
                    target.start - len(p)
                    for p in self.carriers
                    if len(window) >= len(p) and window[len(window) - len(p) :] == p
                ),
                None,
            )
            if carrier is None:
                continue
            before = [m for m in negations if m.modifier_span[1] <= carrier]
            if not before:
                continue
            modifier = before[-1]
            _m_start, m_end = modifier.modifier_span
            between = range(m_end, carrier)
            if any(sub[i].lower_ in self.carrier_breaks for i in between):
                continue
            clause_chars = {c for _, c in self._clause_starts(sub)}
            if any(sub[i].idx in clause_chars for i in between):
                continue
            out.append(_edge(sub, target, modifier))
        return out

    def _clause_starts(self, sub: Doc) -> list[tuple[int, int]]:
        """Articles (and runs of spaces) that start a new clause in run-on dictation, as the
        character offsets of the word before the article (or its comma) and of the article.

        "no focal mass a small 4mm bright echogenic focus ...": an article right after a
        word that ends a noun phrase (not a function word or a verb taking an object, such
        as "of" in "no evidence of a calcification").
        """
        starts = []
        # Run-on dictation separates its clauses by two spaces ("... no mass  pancreatic duct
        # normal  impression segment 6 hepatolithiasis"); the second space is a token. A lone
        # one is noise (a NUL turned into a space).
        spaces = sum(1 for token in sub if token.is_space)
        run_on = spaces >= self.min_run_on_spaces
        for i in range(1, len(sub)):
            token = sub[i]
            before = sub[i - 1]
            if run_on and token.is_space and before.text[-1:].isalnum():
                starts.append((before.idx, token.idx))
                continue
            if token.lower_ not in self.clause_articles:
                continue
            # "no laceration, a small calcified granuloma": the noun before the comma.
            if before.text in self.clause_punctuation and i >= 2:
                before = sub[i - 2]
            if (
                before.is_alpha
                and before.lower_ not in self.not_clause_after
                and not before.lower_.endswith(self.not_clause_after_suffixes)
            ):
                starts.append((before.idx, token.idx))
        return starts

    @staticmethod
    def _sentence_doc(sentence: Span) -> Doc:
        """One sentence as its own Doc, built from its words.

        Span.as_doc would also scan every span group of the report.
        """
        sent_starts: list[bool | int | None] = [True]
        sent_starts += [False] * (len(sentence) - 1)
        view = token_view(sentence.doc)
        start, end = sentence.start, sentence.end
        return Doc(
            sentence.doc.vocab,
            words=view.text[start:end],
            spaces=[bool(w) for w in view.ws[start:end]],
            sent_starts=sent_starts,
        )

    def find_modifiers(self, doc: Doc) -> list[ModifierSpan]:
        """Every ConText modifier in the sentences of ``doc``, whether or not it modifies a span.

        The modifiers are those left after medspaCy's pruning (of overlapping matches the
        longest is kept), so a pseudo-negation ("no change") or a terminator ("but"), which
        make no edge, shows here, and a negation it displaced does not. For review and tests;
        the pipeline does not call it.

        Args:
            doc: A Doc with sentence boundaries (the output of the pipeline, for instance).

        Returns:
            The modifiers in text order, in character offsets of ``doc``.
        """
        found: list[ModifierSpan] = []
        bounds = [*sentence_starts(doc), len(doc)]
        for start, end in itertools.pairwise(bounds):
            if start == end:
                continue
            sentence = doc[start:end]
            sub = self._sentence_doc(sentence)
            sub.spans[ASSERTED_SPAN_KEY] = []
            self._context(sub)
            graph = sub._.context_graph
            for modifier in graph.modifiers if graph is not None else ():
                m_start, m_end = modifier.modifier_span
                meta = modifier.rule.metadata or {}
                found.append(
                    ModifierSpan(
                        category=modifier.category,
                        rule_id=str(meta.get("id", "")),
                        start=sub[m_start].idx + sentence.start_char,
                        end=sub[m_end - 1].idx + len(sub[m_end - 1].text) + sentence.start_char,
                    )
                )
            sub._.context_graph = None
        return sorted(found, key=lambda m: (m.start, m.end))

    def find_inputs(self, doc: Doc) -> list[Span]:
        """Return the spans ConText should assert, in document order."""
        spans: list[Span] = []
        for key in self.input_span_keys:
            if key in doc.spans:
                spans.extend(s for s in doc.spans[key] if s.label_ in self.input_labels)
        return sorted(spans, key=lambda s: (s.start, s.end))

    def set_annotations(self, doc: Doc) -> list[ContextEdge]:
        """Copy ConText's edges into primitives and drop medspaCy's objects from the Doc.

        Returns:
            The edges, in character offsets of ``doc``; they are also stored in
            ``Doc._.calcminer_context_edges`` (as plain tuples).
        """
        graph = doc._.context_graph
        edges = []
        for target, modifier in graph.edges if graph is not None else ():
            edges.append(_edge(doc, target, modifier))
        for span in doc.spans[ASSERTED_SPAN_KEY]:
            span._.modifiers = ()
        doc._.context_graph = None
        del doc.spans[ASSERTED_SPAN_KEY]
        doc._.set(CONTEXT_EDGES, _stored(edges))
        return edges


def _stored(edges: Iterable[ContextEdge]) -> tuple[tuple[int | str, ...], ...]:
    """The edges as ``Doc._.calcminer_context_edges`` holds them: sorted, once each, and plain
    tuples (primitives only on the Doc)."""
    return tuple(tuple(edge) for edge in sorted(set(edges)))


def _edge(doc: Doc, target: Span, modifier: Any) -> ContextEdge:
    """The edge of a medspaCy modifier acting on ``target``, in character offsets of ``doc``."""
    m_start, m_end = modifier.modifier_span
    meta = modifier.rule.metadata or {}
    return ContextEdge(
        target.start_char,
        target.end_char,
        modifier.category,
        str(meta.get("id", "")),
        doc[m_start].idx,
        doc[m_end - 1].idx + len(doc[m_end - 1].text),
    )


def context_rule_from_dict(rule: Mapping[str, Any]) -> ConTextRule:
    """A medspaCy rule from its JSON form, ``terminated_by`` included (medspaCy 1.3's
    ``from_dict`` refuses that key although the rule takes it)."""
    data = dict(rule)
    terminated_by = data.pop("terminated_by", None)
    made = ConTextRule.from_dict(data)
    if terminated_by:
        made.terminated_by = {category.upper() for category in terminated_by}
    return made
