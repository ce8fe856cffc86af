"""Tests for the batch figures of calcminer.nlp.views.plots: triage, sizes, Couinaud segment map."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import matplotlib
import pandas as pd
import pytest
from matplotlib.patches import Polygon
from suite_helpers import drawn_texts, png_size

import calcminer.nlp.views.plots as plots
from calcminer.nlp.errors import CalcminerError, InputError, OutputError
from calcminer.nlp.io.tables import findings_frame, reports_frame
from calcminer.nlp.io.writers import write_table
from calcminer.nlp.views.plots import (
    COUINAUD_SEGMENTS,
    SEGMENT_SHAPES,
    CellError,
    SizeBins,
    SizeSample,
    batch_figures,
    bool_cell,
    list_cell,
    normalize_table,
    report_segments,
    segment_counts,
    segment_map_figure,
    size_bins,
    size_cell,
    size_figure,
    size_values,
    triage_counts,
    triage_figure,
)
from calcminer.nlp.views.plots.render import share_text

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: Pixel size of every batch figure: BATCH_FIGURE_SIZE_INCHES x FIGURE_DPI.
EXPECTED_PIXELS = (1200, 750)
URGENT_MM = 30.0
FIGURE_NAMES = {"triage": "triage.png", "sizes": "sizes.png", "segments": "segments.png"}


@pytest.fixture
def results(make_result, make_finding):
    """Six reports: every triage level, repeated segments, sizes on both sides of 30 mm.

    ``max_size_mm`` is what the miner derives from the findings: the largest size of the
    report's counted findings (None when none has a size or the report has no calcification).
    rep-001 restates its 41 mm calcification in the impression (two counted findings of
    41 mm, one report of 41 mm); rep-005 has a calcification without a stated size.
    """

    def finding(report_id: str, index: int, **values: Any):
        return make_finding(report_id=report_id, index=index, **values)

    return [
        make_result(
            report_id="rep-001",
            triage="urgent",
            max_size_mm=41.0,  # 41 and 41 counted; the 5 mm spleen finding is not counted
            segments=("V", "VIII"),
            findings=(
                finding("rep-001", 0, size_mm=41.0, segments=("V", "VIII")),
                finding("rep-001", 1, size_mm=41.0, segments=()),  # restated in the impression
                finding("rep-001", 2, size_mm=5.0, counted=False, organ="spleen", segments=()),
            ),
        ),
        make_result(
            report_id="rep-002",
            triage="benign",
            max_size_mm=5.0,  # 5 and an unsized finding: the report has a size
            segments=("VI",),
            findings=(finding("rep-002", 0, size_mm=5.0), finding("rep-002", 1, size_mm=None)),
        ),
        make_result(
            report_id="rep-003",
            triage="none",
            calcification=False,
            max_size_mm=None,
            segments=(),
            findings=(finding("rep-003", 0, counted=False, size_mm=None, segments=()),),
        ),
        make_result(
            report_id="rep-004",
            triage="workup",
            max_size_mm=30.0,  # the larger of 4 and 30
            segments=("III", "VI"),
            findings=(
                finding("rep-004", 0, size_mm=4.0, segments=("III",)),
                finding("rep-004", 1, size_mm=30.0, segments=("VI",)),  # at the threshold
            ),
        ),
        make_result(
            report_id="rep-005",
            triage="benign",
            max_size_mm=None,  # a calcification, no stated size
            segments=("IV",),
            findings=(finding("rep-005", 0, size_mm=None, segments=("IV",)),),
        ),
        make_result(
            report_id="rep-006",
            triage="none",
            calcification=False,
            max_size_mm=None,
            segments=(),
            findings=(),
        ),
    ]


@pytest.fixture
def reports(results) -> pd.DataFrame:
    return reports_frame(results)


@pytest.fixture
def findings(results) -> pd.DataFrame:
    return findings_frame(results)


EXPECTED_TRIAGE = {"none": 2, "benign": 2, "workup": 1, "urgent": 1}
EXPECTED_SEGMENTS = {"I": 0, "II": 0, "III": 1, "IV": 1, "V": 1, "VI": 2, "VII": 0, "VIII": 1}
#: One size per report with a calcification (rep-001, -002, -004, -005; rep-003 and rep-006
#: have none): 41 (rep-001, once although its findings state it twice), 5 (rep-002), 30
#: (rep-004, its largest; its 4 mm finding is not a report size); rep-005 has no size.
EXPECTED_SIZES = SizeSample((5.0, 30.0, 41.0), without_size=1)
#: Reports with a calcification: 3 with a size + 1 without.
EXPECTED_CALCIFIED_REPORTS = 4
#: The axis reaches ceil(41 / 5) = 9 bins, to 45 mm: (0,5], (5,10], ... (40,45]. 5 is in
#: (0,5] (bin 0), 30 in (25,30] (bin 5, not urgent), 41 in (40,45] (bin 8).
EXPECTED_BIN_COUNTS = (1, 0, 0, 0, 0, 1, 0, 0, 1)


def _batch(reports: pd.DataFrame, out: Path) -> dict[str, bytes]:
    paths = batch_figures(reports, out, urgent_size_mm=URGENT_MM)
    return {name: path.read_bytes() for name, path in paths.items()}


def _values(column: pd.Series) -> list[Any]:
    """A column's values with missing ones as None (list cells kept)."""
    return [v if isinstance(v, list) or not pd.isna(v) else None for v in column.tolist()]


def _read_back(frame: pd.DataFrame, path: Path, **options: Any) -> pd.DataFrame:
    write_table(frame, path)
    if path.suffix == ".csv":
        return pd.read_csv(path, **options)
    return pd.read_parquet(path)


# --- pure counting helpers -----------------------------------------------------------------------


def test_plots_figures_triage_counts_every_level_in_order(reports):
    counts = triage_counts(reports)
    assert counts == EXPECTED_TRIAGE
    assert list(counts) == ["none", "benign", "workup", "urgent"]


def test_plots_figures_triage_counts_absent_levels_are_zero():
    frame = pd.DataFrame({"triage": ["urgent", "urgent"]})
    assert triage_counts(frame) == {"none": 0, "benign": 0, "workup": 0, "urgent": 2}


def test_plots_figures_segment_counts_once_per_report(reports):
    assert segment_counts(reports) == EXPECTED_SEGMENTS


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ([["VI", "VI"], ["VI"]], {"VI": 2}),  # a repeat within a report counts once
        (["IVa;IVb", ["IVa", "IV"]], {"IV": 2}),  # IVa and IVb are IV
        (["V;VIII", "", None, float("nan")], {"V": 1, "VIII": 1}),  # CSV cells
        ([[], ("I", "II")], {"I": 1, "II": 1}),
    ],
)
def test_plots_figures_segment_counts_read_every_cell_form(cells, expected):
    counts = segment_counts(pd.DataFrame({"segments": pd.Series(cells, dtype=object)}))
    assert counts == {segment: expected.get(segment, 0) for segment in COUINAUD_SEGMENTS}


def test_plots_figures_size_values_one_per_report_with_a_calcification(reports):
    assert size_values(reports) == EXPECTED_SIZES
    assert size_values(reports).counted == EXPECTED_CALCIFIED_REPORTS


def test_plots_figures_fixture_sizes_are_what_the_miner_derives(results):
    # the report sizes above are set by hand: keep them the miner's (nlp/mining/findings.py)
    for result in results:
        sizes = [f.size_mm for f in result.findings if f.counted and f.size_mm is not None]
        assert result.max_size_mm == (max(sizes) if sizes else None), result.report_id
        assert result.calcification == any(f.counted for f in result.findings), result.report_id


def test_plots_figures_size_values_count_a_restated_calcification_once(reports, findings):
    # The counted findings' sizes: 41 and 41 (rep-001, findings and impression; its spleen
    # finding is not counted), 5 (rep-002; its unsized one dropped), 4 and 30 (rep-004).
    # Per finding 41 mm would count twice; per report it counts once, and 4 not at all.
    counted = findings[findings["counted"].astype(bool)]
    assert counted["size_mm"].dropna().tolist() == [41.0, 41.0, 5.0, 4.0, 30.0]
    assert size_values(reports).sizes_mm.count(41.0) == 1


@pytest.mark.parametrize(
    ("calcification", "max_size_mm", "expected"),
    [
        # without a calcification the size cell is not read, whatever it holds
        ([True, False, False], [12.0, 50.0, "big"], SizeSample((12.0,), 0)),
        # CSV text (pd.read_csv with dtype=str, keep_default_na=False); "" is no size
        (["true", "FALSE", "true", "true"], ["30.0", "50", "", "7"], SizeSample((7.0, 30.0), 1)),
        # missing sizes: None, NaN, pd.NA
        ([True, True, True], [None, float("nan"), pd.NA], SizeSample((), 3)),
        ([], [], SizeSample((), 0)),
    ],
)
def test_plots_figures_size_values_read_every_cell_form(calcification, max_size_mm, expected):
    frame = pd.DataFrame(
        {
            "calcification": pd.Series(calcification, dtype=object),
            "max_size_mm": pd.Series(max_size_mm, dtype=object),
        }
    )
    assert size_values(frame) == expected


@pytest.mark.parametrize(
    ("sizes", "expected"),
    [
        # right-closed bins: 4.0 and 5.0 are in (0, 5], 30.0 (not urgent) in (25, 30]
        ((4.0, 5.0, 12.0, 30.0, 41.0, 41.0), ((0.0, 45.0), (2, 0, 1, 0, 0, 1, 0, 0, 2), 0)),
        # the fixture's report sizes, as the size figure bins them
        (EXPECTED_SIZES.sizes_mm, ((0.0, 45.0), EXPECTED_BIN_COUNTS, 0)),
        # the axis always reaches one bin past the threshold
        ((0.0, 2.5), ((0.0, 35.0), (2, 0, 0, 0, 0, 0, 0), 0)),
        ((), ((0.0, 35.0), (0,) * 7, 0)),
        # beyond 100 mm: counted in the last bin
        ((150.0, 99.0, 100.0), ((0.0, 100.0), (0,) * 19 + (3,), 1)),
    ],
)
def test_plots_figures_size_bins_exact(sizes, expected):
    (first, last), counts, beyond = expected
    bins = size_bins(sizes, URGENT_MM)
    assert (bins.edges_mm[0], bins.edges_mm[-1]) == (first, last)
    assert bins.edges_mm == tuple(5.0 * n for n in range(len(counts) + 1))
    assert bins.counts == counts
    assert bins.beyond_axis == beyond


def test_plots_figures_size_bins_keep_an_odd_threshold_on_the_axis():
    assert size_bins([1.0], 42.5) == SizeBins(tuple(5.0 * n for n in range(11)), (1,) + (0,) * 9, 0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (["II", "III"], ("II", "III")),
        (("VI",), ("VI",)),
        ("V;VIII", ("V", "VIII")),
        (" V ; VIII ;", ("V", "VIII")),
        ("", ()),
        (None, ()),
        (float("nan"), ()),
        (pd.NA, ()),
    ],
)
def test_plots_figures_list_cell(value, expected):
    assert list_cell(value) == expected


def test_plots_figures_list_cell_reads_numpy_arrays():
    import numpy as np

    assert list_cell(np.array(["I", "IV"], dtype=object)) == ("I", "IV")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), (False, False), ("true", True), ("FALSE", False), (None, None), (pd.NA, None)],
)
def test_plots_figures_bool_cell(value, expected):
    assert bool_cell(value) is expected


@pytest.mark.parametrize("value", ["yes", 1, 2.0])
def test_plots_figures_bool_cell_rejects_other_values_e160(value):
    with pytest.raises(CellError) as info:
        bool_cell(value)
    assert info.value.code == "E160"
    assert isinstance(info.value, InputError)
    assert str(value) not in info.value.detail  # the reason, never the value


@pytest.mark.parametrize(
    ("value", "expected"),
    [(4.0, 4.0), (12, 12.0), ("30.0", 30.0), ("", None), (None, None), (pd.NA, None)],
)
def test_plots_figures_size_cell(value, expected):
    assert size_cell(value) == expected


@pytest.mark.parametrize("value", ["big", -1.0, float("inf"), True])
def test_plots_figures_size_cell_rejects_bad_sizes_e160(value):
    with pytest.raises(CellError) as info:
        size_cell(value)
    assert info.value.code == "E160"


# --- tables read back from files -----------------------------------------------------------------


def test_plots_figures_normalize_table_keeps_built_tables(reports, findings):
    pd.testing.assert_frame_equal(normalize_table(reports), reports)
    pd.testing.assert_frame_equal(normalize_table(findings), findings)


def test_plots_figures_normalize_table_bad_cell_is_e160_naming_column_and_row(reports):
    frame = reports.copy()
    frame["max_size_mm"] = frame["max_size_mm"].astype(object)
    frame.at[1, "max_size_mm"] = "big"
    with pytest.raises(InputError) as info:
        normalize_table(frame)
    assert info.value.code == "E160"
    assert "column 'max_size_mm', row 1:" in str(info.value)
    assert "big" not in str(info.value) and "rep-" not in str(info.value)


@pytest.mark.parametrize(
    ("table", "columns", "boolean", "size"),
    [
        ("reports", ("calcification", "max_size_mm", "segments"), "calcification", "max_size_mm"),
        ("findings", ("counted", "size_mm", "segments", "modifier_ids"), "counted", "size_mm"),
    ],
)
@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_plots_figures_normalize_table_restores_types_read_back(
    suffix, table, columns, boolean, size, reports, findings, tmp_path
):
    frame = {"reports": reports, "findings": findings}[table]
    back = normalize_table(_read_back(frame, tmp_path / f"{table}{suffix}"))
    for name in columns:
        assert _values(back[name]) == _values(frame[name]), name
    assert str(back[boolean].dtype) == "boolean"
    assert str(back[size].dtype) == "Float64"


@pytest.mark.parametrize("options", [{}, {"dtype": str, "keep_default_na": False}])
def test_plots_figures_helpers_read_csv_tables(options, reports, tmp_path):
    csv_reports = _read_back(reports, tmp_path / "reports.csv", **options)
    assert isinstance(csv_reports["segments"].iloc[0], str)  # really the ";"-joined form
    assert triage_counts(csv_reports) == EXPECTED_TRIAGE
    assert segment_counts(csv_reports) == EXPECTED_SEGMENTS
    assert size_values(csv_reports) == EXPECTED_SIZES


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_plots_figures_from_read_back_tables_are_byte_identical(suffix, reports, tmp_path):
    built = _batch(reports, tmp_path / "built")
    back = _batch(_read_back(reports, tmp_path / f"reports{suffix}"), tmp_path / "back")
    assert back == built


# --- the PNG files -------------------------------------------------------------------------------


def test_plots_figures_batch_writes_three_pngs_of_fixed_size(reports, tmp_path):
    out = tmp_path / "new" / "figures"
    paths = batch_figures(reports, out, urgent_size_mm=URGENT_MM)
    assert paths == {name: out / file for name, file in FIGURE_NAMES.items()}
    assert sorted(os.listdir(out)) == sorted(FIGURE_NAMES.values())
    for path in paths.values():
        data = path.read_bytes()
        assert data.startswith(PNG_SIGNATURE)
        assert png_size(data) == EXPECTED_PIXELS


def test_plots_figures_single_figures_equal_the_batch(reports, tmp_path):
    batch = _batch(reports, tmp_path / "batch")
    assert triage_figure(reports, tmp_path / "t.png").read_bytes() == batch["triage"]
    sizes = size_figure(reports, tmp_path / "s.png", urgent_size_mm=URGENT_MM)
    assert sizes.read_bytes() == batch["sizes"]
    assert segment_map_figure(reports, tmp_path / "m.png").read_bytes() == batch["segments"]


def test_plots_figures_are_byte_identical_across_runs(reports, tmp_path):
    first = _batch(reports, tmp_path / "a")
    with matplotlib.rc_context({"font.size": 20, "axes.facecolor": "red"}):
        second = _batch(reports, tmp_path / "b")
    assert first == second
    assert len(set(first.values())) == 3


@pytest.mark.parametrize(
    ("row", "column", "value", "changed"),
    [
        (0, "triage", "workup", "triage"),
        (1, "segments", ["VII"], "segments"),
        (0, "max_size_mm", 22.0, "sizes"),  # rep-001: 41 -> 22 mm
        (4, "calcification", False, "sizes"),  # rep-005 (unsized) no longer counts
    ],
)
def test_plots_figures_bytes_change_with_their_data_only(
    row, column, value, changed, reports, tmp_path
):
    before = _batch(reports, tmp_path / "before")
    after_reports = reports.copy()
    after_reports[column] = after_reports[column].astype(object)
    after_reports.at[row, column] = value
    after = _batch(after_reports, tmp_path / "after")
    assert {name for name in FIGURE_NAMES if after[name] != before[name]} == {changed}


def test_plots_figures_size_bytes_change_with_threshold(reports, tmp_path):
    at_30 = size_figure(reports, tmp_path / "a.png", urgent_size_mm=30.0).read_bytes()
    at_25 = size_figure(reports, tmp_path / "b.png", urgent_size_mm=25.0).read_bytes()
    assert at_30 != at_25


def test_plots_figures_of_empty_tables(tmp_path, drawn):
    paths = batch_figures(reports_frame([]), tmp_path / "out", urgent_size_mm=URGENT_MM)
    for path in paths.values():
        assert png_size(path.read_bytes()) == EXPECTED_PIXELS
    triage, sizes, segments = drawn
    assert "No reports" in drawn_texts(triage)
    assert [patch.get_height() for patch in triage.axes[0].patches] == [0, 0, 0, 0]
    assert "No report with a sized calcification" in drawn_texts(sizes)
    assert (
        sizes.axes[0]
        .get_title()
        .endswith("\n0 reports with a calcification; 0 without a stated size (not shown)")
    )
    assert "0 of 0 reports (n/a) name a segment" in segments.axes[0].get_title()


def test_plots_figures_of_empty_tables_read_back_from_csv(tmp_path):
    reports = _read_back(reports_frame([]), tmp_path / "reports.csv")
    assert _batch(reports, tmp_path / "csv") == _batch(reports_frame([]), tmp_path / "built")


def test_plots_figures_only_sizes_missing_says_so(reports, tmp_path, drawn):
    unsized = reports.assign(max_size_mm=pd.Series([None] * len(reports), dtype="Float64"))
    size_figure(unsized, tmp_path / "s.png", urgent_size_mm=URGENT_MM)
    ax = drawn[0].axes[0]
    assert [text.get_text() for text in ax.texts] == ["No report with a sized calcification"]
    # the 4 reports with a calcification, none of them with a size now
    assert ax.get_title().endswith(
        "\n4 reports with a calcification; 4 without a stated size (not shown)"
    )
    assert list(ax.patches) == []
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["urgent > 30 mm"]


@pytest.mark.parametrize(
    "write",
    [
        lambda reports, path: triage_figure(reports, path),
        lambda reports, path: size_figure(reports, path, urgent_size_mm=URGENT_MM),
        lambda reports, path: segment_map_figure(reports, path),
    ],
    ids=["triage", "sizes", "segments"],
)
@pytest.mark.parametrize("name", ["figure.csv", "figure"])
def test_plots_figures_need_png_suffix_e306(write, name, reports, tmp_path):
    with pytest.raises(OutputError) as info:
        write(reports, tmp_path / name)
    assert info.value.code == "E306"
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("triage", "maybe"),
        ("triage", ["none"]),  # not a level, nor hashable
        ("segments", ["IX"]),
        ("calcification", "perhaps"),
        ("calcification", None),
        ("max_size_mm", "big"),
    ],
)
def test_plots_figures_bad_table_is_e212_writes_nothing_and_names_no_id(
    column, value, reports, tmp_path
):
    frame = reports.copy()
    frame[column] = frame[column].astype(object)
    frame.at[1, column] = value  # rep-002, a report with a calcification
    out = tmp_path / "out"
    with pytest.raises(InputError) as info:
        batch_figures(frame, out, urgent_size_mm=URGENT_MM)
    assert info.value.code == "E212"
    assert "row 1" in str(info.value)
    if column in ("calcification", "max_size_mm"):
        assert f"column {column!r}" in str(info.value)
    assert "rep-" not in str(info.value)
    assert not out.exists()


@pytest.mark.parametrize(
    ("columns", "missing"),
    [
        (["report_id"], ["triage"]),
        (["triage"], ["segments"]),
        (["triage", "segments"], ["calcification", "max_size_mm"]),
        (["triage", "segments", "calcification"], ["max_size_mm"]),
    ],
)
def test_plots_figures_missing_column_is_named(columns, missing, tmp_path):
    cells = {"report_id": "r1", "triage": "none", "segments": "", "calcification": False}
    frame = pd.DataFrame({name: [cells[name]] for name in columns})
    with pytest.raises(InputError) as info:
        batch_figures(frame, tmp_path / "out", urgent_size_mm=URGENT_MM)
    assert info.value.code == "E212"
    assert str(missing) in str(info.value)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("threshold", [float("nan"), -1.0, float("inf"), "30"])
def test_plots_figures_bad_threshold_e230(threshold, reports, tmp_path):
    with pytest.raises(CalcminerError) as info:
        size_figure(reports, tmp_path / "s.png", urgent_size_mm=threshold)
    assert info.value.code == "E230"
    assert os.listdir(tmp_path) == []
    with pytest.raises(CalcminerError) as info:
        batch_figures(reports, tmp_path / "out", urgent_size_mm=threshold)
    assert info.value.code == "E230"
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    ("sizes", "width", "axis_max"),
    [((1.0,), 0.0, 100.0), ((1.0,), 5.0, -1.0), ((-1.0,), 5.0, 100.0), ((math.nan,), 5.0, 100.0)],
)
def test_plots_figures_size_bins_rejects_bad_input_e231(sizes, width, axis_max):
    with pytest.raises(CalcminerError) as info:
        size_bins(sizes, URGENT_MM, width_mm=width, axis_max_mm=axis_max)
    assert info.value.code == "E231"


def test_plots_figures_print_and_warn_nothing(reports, tmp_path, capsys, recwarn):
    _batch(reports, tmp_path / "a")
    _batch(reports_frame([]), tmp_path / "b")
    assert capsys.readouterr() == ("", "")
    assert [str(warning.message) for warning in recwarn] == []


# --- what the figures show -----------------------------------------------------------------------


def test_plots_figures_triage_draws_counts_percentages_and_colors(reports, tmp_path, drawn):
    triage_figure(reports, tmp_path / "t.png")
    (fig,) = drawn
    (ax,) = fig.axes
    assert ax.get_title() == "Triage of 6 reports"
    assert [label.get_text() for label in ax.get_xticklabels()] == [
        "none",
        "benign",
        "workup",
        "urgent",
    ]
    assert [patch.get_height() for patch in ax.patches] == [2, 2, 1, 1]
    assert [text.get_text() for text in ax.texts] == [
        "2\n(33 %)",
        "2\n(33 %)",
        "1\n(17 %)",
        "1\n(17 %)",
    ]
    colors = [matplotlib.colors.to_hex(patch.get_facecolor()) for patch in ax.patches]
    assert colors == [plots.TRIAGE_COLORS[level].lower() for level in EXPECTED_TRIAGE]
    assert plots.TRIAGE_COLORS["urgent"] == plots.LEVEL_COLORS["urgent"]
    assert plots.TRIAGE_COLORS["workup"] == plots.LEVEL_COLORS["workup"]


def test_plots_figures_sizes_draw_bins_threshold_and_note(reports, tmp_path, drawn):
    size_figure(reports, tmp_path / "s.png", urgent_size_mm=URGENT_MM)
    (fig,) = drawn
    (ax,) = fig.axes
    assert [patch.get_height() for patch in ax.patches] == list(EXPECTED_BIN_COUNTS)
    assert [patch.get_x() for patch in ax.patches] == [5.0 * n for n in range(9)]
    assert {patch.get_width() for patch in ax.patches} == {5.0}
    # one label per non-empty bin: 5, 30 and 41 mm, one report each (41 mm not twice)
    assert [text.get_text() for text in ax.texts if text.get_text()] == ["1", "1", "1"]
    (threshold,) = ax.get_lines()
    assert threshold.get_linestyle() == "--"
    assert list(threshold.get_xdata()) == [30.0, 30.0]
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["urgent > 30 mm"]
    # bins right of the threshold in the urgent color; (25, 30] is not urgent
    colors = [matplotlib.colors.to_hex(patch.get_facecolor()) for patch in ax.patches]
    urgent = plots.URGENT_BAR_COLOR.lower()
    assert [color == urgent for color in colors] == [False] * 6 + [True] * 3
    assert ax.get_xlim() == (0.0, 45.0)
    # 4 reports with a calcification (rep-001, -002, -004, -005), rep-005 without a size
    assert ax.get_title() == (
        "Largest counted calcification of each report\n"
        "4 reports with a calcification; 1 without a stated size (not shown)"
    )
    assert ax.get_ylabel() == "Reports"


def test_plots_figures_sizes_label_follows_the_threshold(reports, tmp_path, drawn):
    size_figure(reports, tmp_path / "s.png", urgent_size_mm=22.5)
    ax = drawn[0].axes[0]
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["urgent > 22.5 mm"]


def test_plots_figures_sizes_note_of_one_report(make_result, tmp_path, drawn):
    size_figure(reports_frame([make_result()]), tmp_path / "s.png", urgent_size_mm=URGENT_MM)
    ax = drawn[0].axes[0]
    # the default result: one report, a 5 mm calcification -> one bar in (0, 5]
    assert ax.get_title().endswith(
        "\n1 report with a calcification; 0 without a stated size (not shown)"
    )
    assert [patch.get_height() for patch in ax.patches] == [1, 0, 0, 0, 0, 0, 0]


def test_plots_figures_sizes_beyond_the_axis_are_noted(make_result, tmp_path, drawn):
    results = [
        make_result(report_id="r1", max_size_mm=250.0),
        make_result(report_id="r2", max_size_mm=3.0),
    ]
    size_figure(reports_frame(results), tmp_path / "s.png", urgent_size_mm=URGENT_MM)
    ax = drawn[0].axes[0]
    assert ax.get_xlim() == (0.0, 100.0)
    # 20 bins to 100 mm: 3 mm in the first, 250 mm in the last
    assert [patch.get_height() for patch in ax.patches] == [1] + [0] * 18 + [1]
    assert ax.get_title().endswith(
        "\n2 reports with a calcification; 0 without a stated size (not shown)"
        "; 1 over 100 mm in the last bin"
    )


def test_plots_figures_segment_map_shades_and_labels_each_segment(reports, tmp_path, drawn):
    segment_map_figure(reports, tmp_path / "m.png")
    (fig,) = drawn
    ax, color_bar = fig.axes
    polygons = {patch.get_gid(): patch for patch in ax.patches if isinstance(patch, Polygon)}
    assert sorted(polygons) == sorted(COUINAUD_SEGMENTS)
    colormap = matplotlib.colormaps[plots.SEGMENT_COLORMAP]
    top = max(EXPECTED_SEGMENTS.values())
    for segment, count in EXPECTED_SEGMENTS.items():
        expected = matplotlib.colors.to_hex(colormap(count / top))
        assert matplotlib.colors.to_hex(polygons[segment].get_facecolor()) == expected, segment
    labels = {text.get_text() for text in ax.texts}
    assert {f"{segment}\n{count}" for segment, count in EXPECTED_SEGMENTS.items()} <= labels
    assert ax.get_title().endswith("\n4 of 6 reports (67 %) name a segment")
    assert color_bar.get_ylabel() == "Reports naming the segment"
    assert color_bar.get_ylim() == (0.0, 2.0)
    # the caudate lobe is drawn over its neighbours
    assert ax.patches[-1].get_gid() == "I"


def test_plots_figures_segment_map_counts_each_report_once_per_segment(tmp_path, drawn):
    frame = pd.DataFrame({"segments": ["VI;VI", "VI;IVa;IVb", "", "II"]})
    segment_map_figure(frame, tmp_path / "m.png")
    ax = drawn[0].axes[0]
    labels = {text.get_text() for text in ax.texts}
    assert {"VI\n2", "IV\n1", "II\n1", "I\n0"} <= labels
    assert ax.get_title().endswith("\n3 of 4 reports (75 %) name a segment")


def test_plots_figures_show_no_ids(reports, tmp_path, drawn):
    _batch(reports, tmp_path / "out")
    identifiers = set(reports["report_id"])
    for fig in drawn:
        assert not [text for text in drawn_texts(fig) if any(i in text for i in identifiers)]


def test_plots_figures_report_segments_per_row(reports):
    assert report_segments(reports) == (
        frozenset({"V", "VIII"}),
        frozenset({"VI"}),
        frozenset(),
        frozenset({"III", "VI"}),
        frozenset({"IV"}),
        frozenset(),
    )


# --- the schematic liver -------------------------------------------------------------------------


def test_plots_figures_segment_shapes_cover_i_to_viii():
    assert sorted(SEGMENT_SHAPES) == sorted(COUINAUD_SEGMENTS)
    assert list(COUINAUD_SEGMENTS) == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]


@pytest.mark.parametrize("segment", COUINAUD_SEGMENTS)
def test_plots_figures_segment_labels_sit_inside_their_segment(segment):
    from matplotlib.path import Path as MplPath

    shape = SEGMENT_SHAPES[segment]
    assert MplPath(shape.outline).contains_point(shape.label_at)
    if segment == "I":
        return  # the caudate lobe lies over its neighbours
    for other, other_shape in SEGMENT_SHAPES.items():
        if other != segment:
            assert not MplPath(other_shape.outline).contains_point(shape.label_at), other


@pytest.mark.parametrize(
    ("left", "right"),
    [("VII", "VIII"), ("VI", "V"), ("VIII", "IV"), ("V", "IV"), ("IV", "II"), ("IV", "III")],
)
def test_plots_figures_segment_layout_runs_from_patients_right_to_left(left, right):
    def centre_x(name: str) -> float:
        xs = [x for x, _ in SEGMENT_SHAPES[name].outline]
        return sum(xs) / len(xs)

    assert centre_x(left) < centre_x(right)


@pytest.mark.parametrize(("upper", "lower"), [("VII", "VI"), ("VIII", "V"), ("II", "III")])
def test_plots_figures_segment_layout_superior_above_inferior(upper, lower):
    def centre_y(name: str) -> float:
        ys = [y for _, y in SEGMENT_SHAPES[name].outline]
        return sum(ys) / len(ys)

    assert centre_y(upper) > centre_y(lower)


@pytest.mark.parametrize(
    ("part", "whole", "text"),
    [
        (0, 250, "0 %"),
        (1, 250, "<1 %"),  # 0.4 % is not none
        (1, 200, "<1 %"),  # 0.5 % rounds to 0 all the same
        (3, 200, "2 %"),
        (249, 250, ">99 %"),  # 99.6 % is not all
        (250, 250, "100 %"),
        (1, 3, "33 %"),
        (0, 0, "n/a"),
    ],
)
def test_plots_figures_share_text_never_rounds_to_a_bound(part, whole, text):
    assert share_text(part, whole) == text


def test_plots_figures_triage_bars_show_small_shares(tmp_path, drawn, make_result):
    levels = ["none"] * 997 + ["benign", "workup", "urgent"]
    table = reports_frame(
        [make_result(report_id=f"r{i}", triage=level) for i, level in enumerate(levels)]
    )
    triage_figure(table, tmp_path / "t.png")
    labels = [text for text in drawn_texts(drawn[0]) if "\n(" in text]
    assert labels == ["997\n(>99 %)", "1\n(<1 %)", "1\n(<1 %)", "1\n(<1 %)"]
