"""The typed shapes of the pipeline's records: the keys the linker writes are the TypedDict's,
medspaCy's msgpack decoders leave them alone, and the Doc holds plain tuples."""

from __future__ import annotations

import copy
from typing import Any

import srsly

from calcminer.nlp.pipeline.extensions import (
    CONTEXT_EDGES,
    FINDINGS,
    SENTENCE_INFO,
    context_edges,
    finding_records,
)
from calcminer.nlp.pipeline.linking import Linker
from calcminer.nlp.pipeline.records import ContextEdge, FindingRecord, Sentence

#: Counted, excluded (spleen), negated and uncertain targets, with ConText edges.
TEXTS = [
    "LIVER: A 1.2 x 0.8 cm coarse calcification in segment IVb.\nIMPRESSION: Benign. CT advised.",
    "LIVER: Normal. No calcification.\nSPLEEN: Two calcified granulomas.",
    "LIVER: Possible tiny calcified granuloma in the right lobe, previously 3 mm.",
]

#: The keys medspaCy's msgpack decoders capture (``medspacy.context``,
#: ``medspacy.section_detection``): a dict holding one is turned into medspaCy's objects.
MEDSPACY_DECODER_KEYS = frozenset({"section", "modifier", "modifiers", "context_graph"})


def _docs(nlp: Any) -> list[Any]:
    return [nlp(text) for text in TEXTS]


def test_records_linker_keys_are_the_typed_dict_keys(nlp: Any) -> None:
    records = [rec for doc in _docs(nlp) for rec in finding_records(doc)]
    assert len(records) >= 4
    expected = list(FindingRecord.__annotations__)
    assert expected == sorted(FindingRecord.__required_keys__, key=expected.index)
    for rec in records:
        assert list(rec) == expected


def test_records_no_key_captured_by_msgpack_decoders(nlp: Any) -> None:
    assert MEDSPACY_DECODER_KEYS.isdisjoint(FindingRecord.__annotations__)
    # Every registered decoder (medspaCy's, numpy's ...) hands a record back unchanged.
    decoders = srsly.msgpack_decoders.get_all()
    assert {"modifier", "modifiers", "context_graph", "section"} <= set(decoders)
    for doc in _docs(nlp):
        for rec in doc._.get(FINDINGS):
            for decoder in decoders.values():
                given = copy.deepcopy(dict(rec))
                assert decoder(given, chain=None) == rec


def test_records_doc_holds_plain_tuples(nlp: Any) -> None:
    docs = _docs(nlp)
    edges = [edge for doc in docs for edge in doc._.get(CONTEXT_EDGES)]
    assert edges
    assert all(type(edge) is tuple and len(edge) == len(ContextEdge._fields) for edge in edges)
    assert all(type(row) is tuple for doc in docs for row in doc._.get(SENTENCE_INFO))
    for doc in docs:
        typed = context_edges(doc)
        assert typed == list(doc._.get(CONTEXT_EDGES))
        assert all(isinstance(edge, ContextEdge) for edge in typed)


def test_records_sentence_table_rows(nlp: Any) -> None:
    doc = nlp(TEXTS[1])
    rows = Linker._sentence_table(doc)
    info = doc._.get(SENTENCE_INFO)
    assert all(isinstance(row, Sentence) for row in rows)
    assert [(r.start, r.part, r.top, r.organ_sections) for r in rows] == list(info)
    assert [r.end for r in rows] == [r.start for r in rows[1:]] + [len(doc)]
