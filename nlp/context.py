"""Pipeline step 3: assertion with medspaCy ConText, using the project's own rules."""

from __future__ import annotations

from collections.abc import Iterable

from medspacy.context import ConText, ConTextRule
from spacy.language import Language
from spacy.tokens import Doc, Span

from .extensions import CONTEXT_EDGES, register_extensions
from .patterns import PatternSet

#: Span group ConText reads: the targets plus the follow-up mentions (whose negation matters).
ASSERTED_SPAN_KEY = "calcminer_asserted"


class ContextAssertion:
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
        patterns: PatternSet,
        input_span_keys: Iterable[str],
        input_labels: Iterable[str],
    ) -> None:
        self.name = name
        self.input_span_keys = tuple(input_span_keys)
        self.input_labels = frozenset(input_labels)
        self._context = ConText(
            nlp,
            name=f"{name}_medspacy",
            rules=None,
            span_attrs=None,
            input_span_type="group",
            span_group_name=ASSERTED_SPAN_KEY,
        )
        self._context.add([ConTextRule.from_dict(dict(r)) for r in patterns.context_rules])
        register_extensions()

    def __call__(self, doc: Doc) -> Doc:
        targets = self.find_inputs(doc)
        if not targets:
            doc._.set(CONTEXT_EDGES, ())
            return doc
        doc.spans[ASSERTED_SPAN_KEY] = targets
        self._context(doc)
        self.set_annotations(doc)
        return doc

    def find_inputs(self, doc: Doc) -> list[Span]:
        """Return the spans ConText should assert, in document order."""
        spans: list[Span] = []
        for key in self.input_span_keys:
            if key in doc.spans:
                spans.extend(s for s in doc.spans[key] if s.label_ in self.input_labels)
        return sorted(spans, key=lambda s: (s.start, s.end))

    def set_annotations(self, doc: Doc) -> None:
        """Copy ConText's edges into primitives and drop medspaCy's objects from the Doc."""
        graph = doc._.context_graph
        edges = []
        for target, modifier in graph.edges if graph is not None else ():
            mod_start, mod_end = modifier.modifier_span
            meta = modifier.rule.metadata or {}
            edges.append(
                (
                    target.start_char,
                    target.end_char,
                    modifier.category,
                    str(meta.get("id", "")),
                    doc[mod_start].idx,
                    doc[mod_end - 1].idx + len(doc[mod_end - 1].text),
                )
            )
        for span in doc.spans[ASSERTED_SPAN_KEY]:
            span._.modifiers = ()
        doc._.context_graph = None
        del doc.spans[ASSERTED_SPAN_KEY]
        doc._.set(CONTEXT_EDGES, tuple(sorted(set(edges))))
