"""The linking component: a thin spaCy wrapper over the steps of this package.

``__call__`` follows spaCy's ``SpanRuler`` anatomy: read the Doc (:func:`find_mentions`),
decide (:func:`link_targets`, :func:`find_followup`), then write through
:meth:`Linker.set_annotations`, the only writer. Every decision lives in a step module;
the component holds the settings (:class:`~calcminer.nlp.pipeline.linking.settings.LinkSettings`)
read once from the rules it was initialized with.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.language import Language
from spacy.tokens import Doc

from calcminer.nlp.pipeline.component import RuleComponent
from calcminer.nlp.pipeline.extensions import (
    FINDINGS,
    FOLLOWUP,
    RECOMMENDATIONS,
    SENTENCE_INFO,
    context_edges,
    register_extensions,
)
from calcminer.nlp.pipeline.linking.collect import find_mentions
from calcminer.nlp.pipeline.linking.followup import find_followup
from calcminer.nlp.pipeline.linking.link import link_targets
from calcminer.nlp.pipeline.linking.settings import LinkSettings
from calcminer.nlp.pipeline.recommendations import RecommendationTuple, followup_summary
from calcminer.nlp.pipeline.records import ContextEdge, FindingRecord, Sentence
from calcminer.nlp.pipeline.token_view import token_view
from calcminer.nlp.rules.patterns import PatternSet


class Linker(RuleComponent):
    """Links attributes to targets and writes finding records (see the package docstring)."""

    settings: LinkSettings

    def _setup(self, nlp: Language, patterns: PatternSet) -> None:
        self.settings = LinkSettings(patterns)
        register_extensions()

    def __call__(self, doc: Doc) -> Doc:
        self._require_rules()
        cfg = self.settings
        sentences = self._sentence_table(doc)
        targets, mentions = find_mentions(cfg, doc, sentences)
        edges = self._edges_by_span(doc)
        # "CT LIVER TRIPHASIC": a calcification or recommendation that names no organ is the
        # liver's.
        liver_exam = cfg.exam_title.title_span(self._title_text(doc)) is not None
        records = link_targets(cfg, doc, sentences, targets, mentions, edges, liver_exam=liver_exam)
        recommendations = find_followup(
            cfg, doc, sentences, mentions, records, liver_exam=liver_exam
        )
        self.set_annotations(doc, records, recommendations)
        return doc

    @staticmethod
    def _title_text(doc: Doc) -> str:
        """The text of ``doc`` up to the line break after its first non-blank line: all that
        ``ExamTitle.title_span`` reads (``Doc.text`` joins every token). Only space tokens hold
        white space (the tokenizer cuts there)."""
        view = token_view(doc)
        end = len(doc)
        seen_word = False
        for i, is_space in enumerate(view.space):
            if not is_space:
                seen_word = True
            elif seen_word and "\n" in view.text[i]:
                end = i + 1
                break
        return view.text_of(0, end) + (view.ws[end - 1] if end else "")

    @staticmethod
    def _sentence_table(doc: Doc) -> list[Sentence]:
        """The sentence table the sections component wrote (one sentence when none)."""
        info = doc._.get(SENTENCE_INFO)
        if not info:
            return [Sentence(0, len(doc), "body", "findings", "")]
        rows = []
        for k, (start, part, top, organs) in enumerate(info):
            end = info[k + 1][0] if k + 1 < len(info) else len(doc)
            rows.append(Sentence(start, end, part, top, organs))
        return rows

    @staticmethod
    def _edges_by_span(doc: Doc) -> dict[tuple[int, int], list[ContextEdge]]:
        """ConText's edges by their target's character offsets."""
        edges: dict[tuple[int, int], list[ContextEdge]] = {}
        for edge in context_edges(doc):
            edges.setdefault((edge.target_start_char, edge.target_end_char), []).append(edge)
        return edges

    @staticmethod
    def set_annotations(
        doc: Doc,
        records: Sequence[FindingRecord],
        recommendations: tuple[RecommendationTuple, ...],
    ) -> None:
        """Write the target records, the recommendations and the follow-up tuple to the Doc."""
        doc._.set(FINDINGS, tuple(records))
        doc._.set(RECOMMENDATIONS, recommendations)
        doc._.set(FOLLOWUP, followup_summary(recommendations))
