"""Pure parsing of sizes, segments and lobes (no pipeline needed)."""

from __future__ import annotations

import pytest

from calcminer.nlp.pipeline.normalize import (
    ExamTitle,
    Normalizer,
    fold_text,
    parse_count_value,
    sort_lobes,
    sort_segments,
)
from calcminer.nlp.rules.patterns import load_patterns


@pytest.fixture(scope="module")
def normalizer() -> Normalizer:
    return Normalizer(load_patterns().normalization)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 mm", 12.0),
        ("12mm", 12.0),
        ("1.2 cm", 12.0),
        ("1.2 x 0.8 cm", 12.0),
        ("1.2x0.8cm", 12.0),
        ("0.3 x 0.2 cm", 3.0),
        ("34 x 28 mm", 34.0),
        ("4.1 x 3.6 x 3.9 cm", 41.0),
        ("3-5 mm", 5.0),
        ("3 to 5 mm", 5.0),
        ("1,4 cm", 14.0),
        ("1 cm x 8 mm", 10.0),
        ("4 and 3 mm", 4.0),
        ("5-mm", 5.0),
        ("2 centimeters", 20.0),
        ("１２ mm", 12.0),  # full-width digits
        ("12", None),
        ("", None),
    ],
)
def test_normalize_parse_size_mm(normalizer: Normalizer, text: str, expected: float | None) -> None:
    assert normalizer.parse_size_mm(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("segment 6", ("VI",)),
        ("segment VI", ("VI",)),
        ("S6", ("VI",)),
        ("seg. 7", ("VII",)),
        ("segment IVb", ("IV",)),
        ("segment 4a", ("IV",)),
        ("segment 4a/4b", ("IV",)),
        ("segments 5 and 8", ("V", "VIII")),
        ("segments V/VIII", ("V", "VIII")),
        ("segments IVa and VIII", ("IV", "VIII")),
        ("segments II and III", ("II", "III")),
        ("segment eight", ("VIII",)),
        ("segments 2, 3 and 4", ("II", "III", "IV")),
        ("segment V.", ("V",)),
        ("Couinaud VII", ("VII",)),
    ],
)
def test_normalize_parse_segments(
    normalizer: Normalizer, text: str, expected: tuple[str, ...]
) -> None:
    assert normalizer.parse_segments(text) == expected


def test_normalize_sort_segments_orders_anatomically() -> None:
    assert sort_segments(["VIII", "II", "IV", "II", "bogus"]) == ("II", "IV", "VIII")


@pytest.mark.parametrize(
    ("lobes", "expected"),
    [
        (["right", "left"], ("left", "right")),
        (["both"], ("left", "right")),
        (["caudate", "right", "right"], ("caudate", "right")),
        ([], ()),
    ],
)
def test_normalize_sort_lobes(lobes: list[str], expected: tuple[str, ...]) -> None:
    assert sort_lobes(lobes) == expected


def test_normalize_plural_and_mass_nouns(normalizer: Normalizer) -> None:
    assert normalizer.is_plural_head(["calcified", "granulomas"])
    assert not normalizer.is_plural_head(["calcified", "granuloma"])
    assert normalizer.is_mass_noun(["hepatolithiasis"])


def test_normalize_fold_text_handles_nbsp_and_fullwidth() -> None:
    assert fold_text("５\u00a0mm") == "5 mm"


@pytest.mark.parametrize(("value", "expected"), [("2", 2), ("another", None), (None, None)])
def test_normalize_parse_count_value(value: str | None, expected: int | None) -> None:
    assert parse_count_value(value) == expected


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("CT LIVER TRIPHASIC\nFINDINGS: ...", "CT LIVER TRIPHASIC"),
        ("\n\n  MRI LIVER WITH GADOXETATE\r\nFindings", "  MRI LIVER WITH GADOXETATE\r"),
        ("EXAM: Liver ultrasound\nLiver: normal", "EXAM: Liver ultrasound"),
        ("CT LIVER 4-PHASE", "CT LIVER 4-PHASE"),
        ("CT ABDOMEN\nLiver: normal", None),
        ("US liver and kidneys\nLiver: normal", None),
        ("LIVER: normal size\nCT", None),
        ("Liver and spleen ultrasound", None),
        ("MRI LIVER; CT CHEST", None),
        ("liver normal size calcified focus 6 mm seen on ultrasound today in segment 6 ok", None),
        ("", None),
        ("\n\n", None),
    ],
)
def test_normalize_exam_title(text: str, title: str | None) -> None:
    """A title naming an exam of the liver only is found; its span is the title line."""
    table = load_patterns().normalization
    span = ExamTitle(table).title_span(text)
    assert (text[span[0] : span[1]] if span else None) == title
