"""Sentence boundaries and section headers suited to radiology reports."""

from __future__ import annotations

from typing import Any

import pytest

from calcminer.nlp.pipeline.extensions import SENTENCE_INFO


def _sections(nlp: Any, text: str) -> list[tuple[str, str, str, str]]:
    """(sentence text, part, top section, organ sections) for each sentence."""
    doc = nlp(text)
    return [
        (sent.text.strip(), part, top, organs)
        for sent, (_start, part, top, organs) in zip(
            doc.sents, doc._.get(SENTENCE_INFO), strict=True
        )
    ]


def _section_of(nlp: Any, text: str, sentence_start: str) -> tuple[str, str, str]:
    for sent, part, top, organs in _sections(nlp, text):
        if sent.startswith(sentence_start):
            return part, top, organs
    raise AssertionError(f"no sentence starts with {sentence_start!r}")


@pytest.mark.parametrize(
    ("text", "sentence", "expected"),
    [
        ("LIVER: Normal.\nSPLEEN: Two granulomas.", "SPLEEN", ("body", "findings", "spleen")),
        (
            "FINDINGS: Liver: normal. Gallbladder: normal.",
            "Gallbladder",
            ("body", "findings", "gallbladder"),
        ),
        ("Liver: no calcification seen.", "Liver", ("body", "findings", "liver")),
        ("IMPRESSION: Normal study.", "IMPRESSION", ("impression", "impression", "")),
        (
            "Ultrasound diagnosis: Strong echo in the liver.",
            "Ultrasound",
            ("impression", "impression", ""),
        ),
        (
            "INDICATION: evaluate for calcification.\nLIVER: Normal.",
            "LIVER",
            ("body", "findings", "liver"),
        ),
        ("INDICATION: evaluate for calcification.", "INDICATION", ("excluded", "indication", "")),
        (
            "PANCREAS, SPLEEN, ADRENALS: Unremarkable.",
            "PANCREAS",
            ("body", "findings", "pancreas|spleen|adrenal"),
        ),
        (
            "FINDINGS:, The liver is normal., IMPRESSION:, Normal.",
            "IMPRESSION",
            ("impression", "impression", ""),
        ),
        ("impression: normal liver.", "impression", ("impression", "impression", "")),
    ],
)
def test_sections_headers_set_part_and_organ(
    nlp: Any, text: str, sentence: str, expected: tuple[str, str, str]
) -> None:
    assert _section_of(nlp, text, sentence) == expected


def test_sections_inline_indication_ends_with_its_sentence(nlp: Any) -> None:
    text = "Ultrasound of the liver. Indication: pain. The liver has a calcification."
    assert _section_of(nlp, text, "Indication")[0] == "excluded"
    assert _section_of(nlp, text, "The liver")[0] == "body"


def test_sections_history_header_alone_covers_following_lines_until_blank(nlp: Any) -> None:
    text = "HISTORY:\nKnown hepatic calcification.\n\nThe liver is normal."
    assert _section_of(nlp, text, "Known")[0] == "excluded"
    assert _section_of(nlp, text, "The liver")[0] == "body"


def test_sections_history_header_with_content_ends_at_line_end(nlp: Any) -> None:
    text = "History: prior granuloma.\nThe liver contains a 5 mm calcification."
    assert _section_of(nlp, text, "The liver")[0] == "body"


@pytest.mark.parametrize(
    ("text", "n_sentences"),
    [
        ("A calcification in segment V. Liver span 15 cm.", 2),
        ("A 3 mm focus in seg. 7 is seen.", 1),
        ("Approx. 5 mm focus. Normal.", 2),
        ("Discussed with Dr. Patel today.", 1),
        ("IMPRESSION:\n1. Calcified granuloma.\n2. Steatosis.", 5),
        ("First clause; second clause.", 2),
        ("A 1.2 cm calcification. Another 4.5 cm mass.", 2),
    ],
)
def test_sections_sentence_boundaries(nlp: Any, text: str, n_sentences: int) -> None:
    assert len(_sections(nlp, text)) == n_sentences


def test_sections_header_spans_record_rule_ids(nlp: Any) -> None:
    doc = nlp("LIVER: Normal.\nIMPRESSION: Normal.")
    spans = doc.spans["calcminer_headers"]
    assert [s.label_ for s in spans] == ["liver", "impression"]
    assert all(s.id_.startswith("section_") for s in spans)
