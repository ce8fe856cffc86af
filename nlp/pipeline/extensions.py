"""The custom ``Doc._`` attributes calcminer's components write: one table, registered once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy
from spacy.attrs import SENT_START
from spacy.tokens import Doc

from calcminer.nlp.pipeline.records import ContextEdge, FindingRecord

SENTENCE_INFO = "calcminer_sentence_info"
CONTEXT_EDGES = "calcminer_context_edges"
FINDINGS = "calcminer_findings"
FOLLOWUP = "calcminer_followup"
RECOMMENDATIONS = "calcminer_recommendations"
LOOK_BACK = "calcminer_look_back"

#: ``Doc.spans`` keys, one per component that writes spans.
#: Sentence and section headers (``calcminer_sections``).
HEADER_SPAN_KEY = "calcminer_headers"
#: Calcification targets (``calcminer_targets``).
TARGET_SPAN_KEY = "calcminer_targets"
#: Attribute, cue and structure mentions (``calcminer_mentions``).
MENTION_SPAN_KEY = "calcminer_mentions"
#: The spans ConText asserts, while it runs (``calcminer_context``; removed after).
ASSERTED_SPAN_KEY = "calcminer_asserted"

#: name -> default. Values are primitives (tuples, strings, numbers, dicts of those), so docs
#: survive ``Doc.to_bytes()`` and ``nlp.pipe(n_process=2)``.
DOC_EXTENSIONS: dict[str, Any] = {
    # (start_token, part, top_section, organ_sections) per sentence
    SENTENCE_INFO: (),
    # one plain tuple per ConText edge, the fields of records.ContextEdge (read: context_edges)
    CONTEXT_EDGES: (),
    # one dict of primitive values per target, its keys those of records.FindingRecord (built
    # in calcminer.nlp.pipeline.linking; read: finding_records). No key may be "section",
    # "modifier", "modifiers" or "context_graph": medspaCy registers msgpack decoders that
    # capture any dict with those keys.
    FINDINGS: (),
    # (recommended, modalities, rule_ids)
    FOLLOWUP: (False, (), ()),
    # one tuple of primitives per follow-up recommendation (calcminer.nlp.pipeline.recommendations)
    RECOMMENDATIONS: (),
    # whether a recommendation naming no organ looked back past the clause before it (a
    # reduced text then keeps more of the text before it: calcminer.nlp.mining.miner)
    LOOK_BACK: False,
}


def register_extensions() -> None:
    """Register calcminer's Doc extensions; calling it again is a no-op."""
    for name, default in DOC_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)


def sentence_starts(doc: Doc) -> list[int]:
    """Token index of each sentence start, from 0: the splitter's table when it ran (fast),
    else the tokens' sentence-start flags."""
    info = doc._.get(SENTENCE_INFO) if Doc.has_extension(SENTENCE_INFO) else None
    if info:
        starts = [row[0] for row in info]
    else:
        starts = numpy.flatnonzero(doc.to_array([SENT_START]).reshape(-1) == 1).tolist()
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    return starts


def finding_records(doc: Doc) -> Sequence[FindingRecord]:
    """The linker's finding records of ``doc``, one per target in text order (typed for mypy;
    the very dicts the Doc holds)."""
    records: Sequence[FindingRecord] = doc._.get(FINDINGS)
    return records


def context_edges(doc: Doc) -> list[ContextEdge]:
    """The ConText edges of ``doc`` as ``ContextEdge``s (the Doc holds plain tuples)."""
    return [ContextEdge._make(edge) for edge in doc._.get(CONTEXT_EDGES)]
