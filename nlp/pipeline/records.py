"""The typed shapes the pipeline hands on: finding records, ConText edges, sentence rows.

Types for mypy only: a ``FindingRecord`` is a plain dict and a ConText edge is stored on the
Doc as a plain tuple, so ``Doc.to_bytes()`` and ``nlp.pipe(n_process=2)`` write what they
always wrote. msgpack gives sequences back as lists: a Doc restored from bytes holds lists
where the pipeline wrote tuples (hence ``Sequence`` below).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple, TypedDict

from calcminer.nlp.schema import Assertion


class FindingRecord(TypedDict):
    """One target as the linker describes it: an item of ``Doc._.calcminer_findings``.

    Written by ``calcminer.nlp.pipeline.linking.Linker`` (``_record``, then regrouped in its
    sentence); read by ``calcminer.nlp.mining.findings`` (``Finding`` and the report count),
    ``calcminer.nlp.mining.miner`` and the recommendations. No key may be ``section``,
    ``modifier``, ``modifiers`` or ``context_graph``: medspaCy registers msgpack decoders that
    capture any dict with one of those keys (``tests/pipeline/test_records.py`` checks).

    Attributes:
        start_char: Character offset where the target starts in the Doc's text.
        end_char: Character offset where the target ends.
        label: Target label (``ECHO_CANDIDATE`` written as ``ECHO_SHADOW``).
        pattern_id: Id of the target pattern that matched.
        section_name: The first organ section of the sentence, else its top section.
        part: The report part of the sentence: ``body``, ``impression`` or ``excluded``.
        organ: The organ the target was linked to (``liver``, ``spleen`` ...; ``unknown``).
        other_organs: Further organs the same mention names ("hepatic and splenic").
        assertion: ConText assertion after resolution.
        modifier_ids: Ids of the ConText rules that asserted the target, sorted.
        modifier_spans: Where those modifiers are, as ``CATEGORY:rule_id@start-end``, sorted.
        counted: Whether the target counts as an intrahepatic calcification.
        exclusion_reason: Why it does not count (None when counted).
        count: Exact number of foci the mention states, when it does.
        multiple: Whether the mention describes two or more foci.
        definite: Refers back to foci already described ("the calcified granuloma").
        plural: The target's head is a plural ("calcifications").
        size_mm: Largest linear dimension attributed to the target, in mm.
        segments: Couinaud segments (roman numerals, in anatomical order).
        lobes: Lobes, sorted.
        bile_duct: In or along the intrahepatic bile ducts.
        diffuse: Described as diffuse or throughout the liver.
        morphology: Morphology words, sorted.
        temporal: Temporal words, sorted.
        hedge_only: A bare hedge with no size or place ("cannot be excluded").
        another: How many "another"/"and one" counts after the head add a focus each.
        new_focus: "Another calcified granuloma ...": a focus of its own, never a restatement.
        group: Co-reference group number (-1 until the linker groups the sentence).
        context_sensitive: The result may depend on a sentence a reduced text lacks.
        lobe_sensitive: The organ may depend on a lobed organ named anywhere in the report.
    """

    start_char: int
    end_char: int
    label: str
    pattern_id: str
    section_name: str
    part: str
    organ: str
    other_organs: Sequence[str]
    assertion: Assertion
    modifier_ids: Sequence[str]
    modifier_spans: Sequence[str]
    counted: bool
    exclusion_reason: str | None
    count: int | None
    multiple: bool
    definite: bool
    plural: bool
    size_mm: float | None
    segments: Sequence[str]
    lobes: Sequence[str]
    bile_duct: bool
    diffuse: bool
    morphology: Sequence[str]
    temporal: Sequence[str]
    hedge_only: bool
    another: int
    new_focus: bool
    group: int
    context_sensitive: bool
    lobe_sensitive: bool


class ContextEdge(NamedTuple):
    """A ConText modifier acting on a span: an item of ``Doc._.calcminer_context_edges``.

    Offsets are characters of the Doc's text. The Doc stores the edge as a plain tuple of
    these six fields (``calcminer.nlp.pipeline.context``); readers unpack it.

    Attributes:
        target_start_char: Where the asserted span starts.
        target_end_char: Where it ends.
        category: ConText category (``NEGATED_EXISTENCE``, ``HISTORICAL`` ...).
        rule_id: Id of the ConText rule.
        modifier_start_char: Where the modifier's words start.
        modifier_end_char: Where they end.
    """

    target_start_char: int
    target_end_char: int
    category: str
    rule_id: str
    modifier_start_char: int
    modifier_end_char: int


class Sentence(NamedTuple):
    """One row of the linker's sentence table (built from ``Doc._.calcminer_sentence_info``;
    never stored on the Doc).

    Attributes:
        start: Token index where the sentence starts.
        end: Token index just after it.
        part: Report part: ``body``, ``impression`` or ``excluded``.
        top: Category of its top section (``findings``, ``impression`` ...).
        organ_sections: ``|``-joined organ section categories ("" outside organ sections).
    """

    start: int
    end: int
    part: str
    top: str
    organ_sections: str
