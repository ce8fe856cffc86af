"""Tables typed as text (calcminer.nlp.pipeline.text_tables): rows, cells, headers, words."""

from __future__ import annotations

import pytest

from calcminer.nlp.pipeline.text_tables import (
    BARE_NUMBER,
    header_unit_factor,
    is_aligned_row,
    line_span,
    rows_below,
    table_at,
    title_words,
)

MARKS = ("|",)
UNITS = {"mm": 1.0, "cm": 10.0}

ALIGNED = (
    "CT ABDOMEN\n"
    "\n"
    "Cyst  Location      Size now   Size prior  Comment\n"
    "A     segment IV    3.1 cm     3.3 cm      wholly calcified\n"
    "B     segment VI    2.9 cm     3.0 cm      partly calcified\n"
    "\n"
    "Opinion: two calcified cysts."
)
PIPES = (
    "| # | Site | Look | Prior (mm) | Current (mm) |\n"
    "|---|------|------|------------|--------------|\n"
    "| T1 | Liver S4 | calcified | 38 | 41 |\n"
)


def test_text_tables_line_span_excludes_the_line_break_and_a_carriage_return() -> None:
    text = "first\r\nsecond\nthird"
    assert line_span(text, 2) == (0, 5)
    assert text[slice(*line_span(text, text.index("second")))] == "second"


@pytest.mark.parametrize(
    ("line", "row"),
    [
        ("A     segment IV    3.1 cm", True),
        ("1\tVII\t3.8 cm", True),
        ("Liver normal.   Spleen normal.", False),  # a gap after a sentence's period
        ("Liver: calcified granuloma in segment 6.", False),  # one cell
        ("The liver is normal.  The spleen is normal.", False),
    ],
)
def test_text_tables_is_aligned_row(line: str, row: bool) -> None:
    assert is_aligned_row(line) is row


def test_text_tables_aligned_row_cells_and_their_headers() -> None:
    table = table_at(ALIGNED, ALIGNED.index("2.9 cm"), MARKS)
    assert table is not None and table.aligned
    assert [c.text for c in table.row] == [
        "B",
        "segment VI",
        "2.9 cm",
        "3.0 cm",
        "partly calcified",
    ]
    titles = [table.title_of(k) for k in range(len(table.row))]
    assert titles == ["cyst", "location", "size now", "size prior", "comment"]
    k = table.cell_at(ALIGNED.index("3.0 cm", ALIGNED.index("B ")))
    assert k == 3 and table.row[k].text == "3.0 cm"


def test_text_tables_cell_offsets_point_into_the_report() -> None:
    table = table_at(ALIGNED, ALIGNED.index("segment IV"), MARKS)
    assert table is not None
    for cell in table.row:
        assert ALIGNED[cell.start : cell.end] == cell.text


def test_text_tables_pipe_rows_match_headers_by_position_past_a_rule_line() -> None:
    table = table_at(PIPES, PIPES.index("calcified"), MARKS)
    assert table is not None and not table.aligned
    assert [c.text for c in table.row] == ["T1", "Liver S4", "calcified", "38", "41"]
    assert [table.title_of(k) for k in range(5)] == [
        "#",
        "site",
        "look",
        "prior (mm)",
        "current (mm)",
    ]


def test_text_tables_tab_rows_match_headers_by_position() -> None:
    text = "Obs\tSeg\tSize\n1\tVII\t3.8 cm\n"
    table = table_at(text, text.index("VII"), MARKS)
    assert table is not None and not table.aligned
    assert table.title_of(table.cell_at(text.index("VII")) or 0) == "seg"


def test_text_tables_a_sentence_line_is_no_table() -> None:
    assert table_at(ALIGNED, ALIGNED.index("two calcified"), MARKS) is None


def test_text_tables_a_lone_aligned_line_is_no_table() -> None:
    text = "Findings:\nLiver    calcified granuloma    5 mm\n\nImpression: benign."
    assert table_at(text, text.index("granuloma"), MARKS) is None


def test_text_tables_the_first_row_has_no_header_and_rows_below() -> None:
    text = (
        "Calcified lesions     Size\n"
        "Lesion A (seg VII)    32 mm\n"
        "Lesion B (seg II)     12 mm\n\nEnd."
    )
    table = table_at(text, 0, MARKS)
    assert table is not None and table.header == ()
    below = rows_below(text, 0, MARKS, limit=10)
    assert [[c.text for c in row] for row in below] == [
        ["Lesion A (seg VII)", "32 mm"],
        ["Lesion B (seg II)", "12 mm"],
    ]
    assert len(rows_below(text, 0, MARKS, limit=1)) == 1


@pytest.mark.parametrize(
    ("title", "factor"),
    [("prior (mm)", 1.0), ("size, cm", 10.0), ("size", None), ("mm or cm", None)],
)
def test_text_tables_header_unit_factor(title: str, factor: float | None) -> None:
    assert header_unit_factor(title, UNITS) == factor


def test_text_tables_bare_number_and_title_words() -> None:
    assert BARE_NUMBER.match("41") and BARE_NUMBER.match("3,4") and BARE_NUMBER.match("~9")
    assert not BARE_NUMBER.match("41 mm") and not BARE_NUMBER.match("T1")
    assert title_words("Size now (prior)") == {"size", "now", "prior"}
