"""The report's follow-up recommendations ("Recommend MRI in 6 months").

:func:`find_followup` hands the linked mentions and records to
:class:`~calcminer.nlp.pipeline.recommendations.RecommendationFinder`; a recommendation
that names no organ in a liver exam ("MRI LIVER WITH CONTRAST") concerns the liver.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc

from calcminer.nlp.pipeline.linking.model import (
    Mention,
)
from calcminer.nlp.pipeline.linking.settings import LinkSettings
from calcminer.nlp.pipeline.recommendations import (
    RecommendationTuple,
)
from calcminer.nlp.pipeline.records import FindingRecord, Sentence


def find_followup(
    cfg: LinkSettings,
    doc: Doc,
    sentences: Sequence[Sentence],
    mentions: Sequence[Mention],
    records: Sequence[FindingRecord],
    *,
    liver_exam: bool = False,
) -> tuple[RecommendationTuple, ...]:
    """Return the report's follow-up recommendations
    (``calcminer.nlp.pipeline.recommendations``).

    In a report titled as an exam of the liver (``liver_exam``: "MRI LIVER WITH
    CONTRAST"), a recommendation that names no organ concerns the liver."""
    return cfg.recommendations.find(doc, sentences, mentions, records, liver_exam=liver_exam)
