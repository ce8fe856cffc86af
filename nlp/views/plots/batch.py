"""The figures of a batch of mined reports, from its report table: triage levels, sizes, and
a Couinaud segment map.

Each ``*_figure`` function checks its ``.png`` path, reads what it draws from the table (built,
or read back from CSV or Parquet through :mod:`calcminer.nlp.views.plots.readback`), then
draws; :func:`batch_figures` reads the table in full first and writes all three. Figures show
counts, shares and levels only: never report text, never ids.

One module for the three figures (about 500 lines): they share the table contract, its
checks and the size bins, and each figure's reading and drawing sit together.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from calcminer.nlp.errors import CalcminerError, Errors, InputError
from calcminer.nlp.schema import COUINAUD_SEGMENTS, TRIAGE_LEVELS
from calcminer.nlp.views.plots.audit import LEVEL_COLORS
from calcminer.nlp.views.plots.liver_map import SEGMENT_SHAPES, draw_liver_map
from calcminer.nlp.views.plots.readback import bool_cell, convert_cell, list_cell, size_cell
from calcminer.nlp.views.plots.render import count_text, png_path, render_png, share_text

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Size of each batch figure (width, height) in inches: 1200 x 750 pixels at FIGURE_DPI.
BATCH_FIGURE_SIZE_INCHES: tuple[float, float] = (8.0, 5.0)
#: File names :func:`batch_figures` writes.
TRIAGE_PNG = "triage.png"
SIZES_PNG = "sizes.png"
SEGMENTS_PNG = "segments.png"
#: Columns of the report table each batch figure reads.
TRIAGE_PLOT_COLUMNS: tuple[str, ...] = ("triage",)
SEGMENT_PLOT_COLUMNS: tuple[str, ...] = ("segments",)
#: One size per report: its largest counted calcification (the size triage compares), so a
#: calcification the impression restates from the findings is not counted twice.
SIZE_PLOT_COLUMNS: tuple[str, ...] = ("calcification", "max_size_mm")

#: Colors of the triage levels: the audit figure's urgent and workup colors, a grey for
#: nothing found (like pending) and a green for benign (like completed).
TRIAGE_COLORS: dict[str, str] = {
    "none": "#999999",  # grey
    "benign": "#009E73",  # bluish green
    "workup": LEVEL_COLORS["workup"],
    "urgent": LEVEL_COLORS["urgent"],
}
#: Message of a triage figure without reports.
NO_REPORTS = "No reports"
#: Headroom above the tallest bar for its count and percentage, as a share of its height.
BAR_LABEL_HEADROOM = 0.25

#: Width of a size bin; bins are (0, 5], (5, 10], ... so a size equal to the urgent
#: threshold (not urgent: urgent is strictly larger) stays left of the threshold line.
SIZE_BIN_WIDTH_MM = 5.0
#: The size axis ends here at the latest; larger sizes are counted in the last bin.
SIZE_AXIS_MAX_MM = 100.0
#: Most size ticks along the axis (ticks sit on bin edges).
MAX_SIZE_TICKS = 12
#: Bars of bins below the urgent threshold, and of bins at or above it.
SIZE_BAR_COLOR = "#56B4E9"  # sky blue
URGENT_BAR_COLOR = "#D55E00"  # vermillion
#: The urgent threshold line.
THRESHOLD_LINE_COLOR = "#000000"
NO_SIZES = "No report with a sized calcification"

#: Other spellings a segment cell may hold: IVa and IVb are drawn as one segment IV.
SEGMENT_ALIASES: dict[str, str] = {"IVA": "IV", "IVB": "IV"}


def batch_figures(
    reports: pd.DataFrame,
    out_dir: str | Path,
    *,
    urgent_size_mm: float,
) -> dict[str, Path]:
    """Write the figures of a batch of mined reports into a folder.

    Every figure is drawn from the report table (one row per report). The table is read in
    full first, so a table that breaks its contract writes no figure.

    Args:
        reports: The report table (built, or read back from CSV or Parquet).
        out_dir: Output folder; created when missing. Existing figures are replaced.
        urgent_size_mm: The triage threshold (``urgent_size_mm`` of patterns/config.toml).

    Returns:
        ``{"triage": .../triage.png, "sizes": .../sizes.png, "segments": .../segments.png}``.

    Raises:
        OutputError: E202 when a figure cannot be written.
        InputError: E212 when the table breaks its contract (see :func:`triage_counts`,
            :func:`size_values` and :func:`report_segments`); nothing is written.
        CalcminerError: E230 for a threshold that is not a finite size >= 0.
    """
    folder = Path(out_dir)
    _check_threshold(urgent_size_mm)
    triage = triage_counts(reports)
    segments = report_segments(reports)
    sizes = size_values(reports)
    return {
        "triage": _render_triage(triage, folder / TRIAGE_PNG),
        "sizes": _render_sizes(sizes, urgent_size_mm, folder / SIZES_PNG),
        "segments": _render_segments(segments, folder / SEGMENTS_PNG),
    }


def _columns(table: pd.DataFrame, needed: Sequence[str], name: str) -> None:
    """Check that a table has the columns a figure reads (E212 otherwise)."""
    missing = [column for column in needed if column not in table.columns]
    if missing:
        detail = f"the {name} table has no column(s) {missing}; expected {list(needed)}"
        raise InputError(Errors.E212.format(detail=detail))


# --- triage ------------------------------------------------------------------------------------


def triage_figure(reports: pd.DataFrame, path: str | Path) -> Path:
    """Write the triage figure: reports per triage level, with counts and percentages.

    One bar per level, always all four in the order none, benign, workup, urgent (zero bars
    included), each annotated with its count and its share of all reports.

    Args:
        reports: A report table (built, or read back from CSV or Parquet); reads ``triage``.
        path: Output ``.png`` path; missing parent folders are created.

    Returns:
        The path written.

    Raises:
        OutputError: E306 when the path does not end in ``.png``; E202 when it cannot be
            written (nothing is left behind).
        InputError: E212 for a table without ``triage`` or with an unknown level.
    """
    target = png_path(path)
    return _render_triage(triage_counts(reports), target)


def triage_counts(reports: pd.DataFrame) -> dict[str, int]:
    """Count the reports of each triage level.

    Args:
        reports: A report table (built, or read back from CSV or Parquet); reads ``triage``.

    Returns:
        Level -> number of reports, for every level of ``none``, ``benign``, ``workup``,
        ``urgent``, in that order (absent levels count 0).

    Raises:
        InputError: E212 for a missing column or a row whose level is none of these (the
            message names the row position).
    """
    _columns(reports, TRIAGE_PLOT_COLUMNS, "report")
    counts: dict[str, int] = dict.fromkeys(TRIAGE_LEVELS, 0)
    for position, level in enumerate(reports["triage"].tolist()):
        key = level.strip() if isinstance(level, str) else None
        if key is None or key not in counts:
            detail = (
                f"report row {position}: unknown triage level; expected one of "
                f"{list(TRIAGE_LEVELS)}"
            )
            raise InputError(Errors.E212.format(detail=detail))
        counts[key] += 1
    return counts


def _render_triage(counts: Mapping[str, int], path: Path) -> Path:
    def draw(fig: Figure) -> None:
        _draw_triage(fig.subplots(), counts)

    return render_png(draw, path, BATCH_FIGURE_SIZE_INCHES)


def _draw_triage(ax: Axes, counts: Mapping[str, int]) -> None:
    from matplotlib.ticker import MaxNLocator

    total = sum(counts.values())
    levels = list(counts)
    heights = [counts[level] for level in levels]
    bars = ax.bar(levels, heights, color=[TRIAGE_COLORS[level] for level in levels])
    ax.bar_label(
        bars,
        labels=[f"{count}\n({share_text(count, total)})" for count in heights],
        padding=3,
    )
    ax.set_title(f"Triage of {count_text(total, 'report')}")
    ax.set_xlabel("Triage level")
    ax.set_ylabel("Reports")
    ax.set_ylim(0, max(max(heights, default=0), 1) * (1 + BAR_LABEL_HEADROOM))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.spines[["top", "right"]].set_visible(False)
    if not total:
        ax.text(0.5, 0.5, NO_REPORTS, transform=ax.transAxes, ha="center", va="center")


# --- sizes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SizeSample:
    """Sizes of the reports of a report table that have a calcification.

    Attributes:
        sizes_mm: One size per report with a calcification and a stated size: the largest
            dimension of its largest counted calcification (``max_size_mm``), ascending.
        without_size: Reports with a calcification but no stated size.
    """

    sizes_mm: tuple[float, ...]
    without_size: int

    @property
    def counted(self) -> int:
        """Reports with a calcification, with or without a size."""
        return len(self.sizes_mm) + self.without_size


@dataclass(frozen=True)
class SizeBins:
    """A histogram of sizes on right-closed bins ``(edge[i], edge[i + 1]]``.

    Attributes:
        edges_mm: Bin edges, ascending, from 0.
        counts: Sizes per bin (one fewer than edges).
        beyond_axis: Sizes larger than the last edge, counted in the last bin.
    """

    edges_mm: tuple[float, ...]
    counts: tuple[int, ...]
    beyond_axis: int


def size_figure(reports: pd.DataFrame, path: str | Path, *, urgent_size_mm: float) -> Path:
    """Write the size figure: a histogram of the largest calcification of each report.

    One value per report with a calcification and a stated size, its ``max_size_mm`` (see
    :func:`size_values`), on 5 mm bins ``(0, 5], (5, 10], ...``; a dashed line marks the
    urgent threshold ("urgent > 30 mm"), and bins above it are drawn in the urgent color.
    The title says how many reports have a calcification and how many of them state no
    size. Without any size the panel says "No report with a sized calcification".

    Args:
        reports: A report table (built, or read back from CSV or Parquet); reads
            ``calcification`` and ``max_size_mm``.
        path: Output ``.png`` path; missing parent folders are created.
        urgent_size_mm: The triage threshold (``urgent_size_mm`` of patterns/config.toml).

    Returns:
        The path written.

    Raises:
        OutputError: E306 when the path does not end in ``.png``; E202 when it cannot be
            written (nothing is left behind).
        InputError: E212 for a table that :func:`size_values` cannot read.
        CalcminerError: E230 for a threshold that is not a finite size >= 0.
    """
    target = png_path(path)
    _check_threshold(urgent_size_mm)
    return _render_sizes(size_values(reports), urgent_size_mm, target)


def size_values(reports: pd.DataFrame) -> SizeSample:
    """Sizes of the reports with a calcification: one value per report with a stated size.

    A report's value is its ``max_size_mm``, the largest counted calcification of the report
    (the size triage uses), so a calcification that the impression restates from the
    findings counts once. Reports without a calcification are left out, whatever their size
    cell holds.

    Args:
        reports: A report table (built, or read back from CSV or Parquet); reads
            ``calcification`` and ``max_size_mm``.

    Returns:
        The sizes, ascending, and the number of reports with a calcification but no size.

    Raises:
        InputError: E212 for a missing column, a ``calcification`` cell that is not true or
            false, or a size that is not a number >= 0 (the message names the row position).
    """
    _columns(reports, SIZE_PLOT_COLUMNS, "report")
    sizes: list[float] = []
    without = 0
    rows = zip(reports["calcification"].tolist(), reports["max_size_mm"].tolist(), strict=True)
    for position, (calcification, size) in enumerate(rows):
        flag = convert_cell(
            bool_cell, calcification, "calcification", position, message=Errors.E212
        )
        if flag is None:
            detail = f"column 'calcification', row {position}: expected true or false"
            raise InputError(Errors.E212.format(detail=detail))
        if not flag:
            continue
        value = convert_cell(size_cell, size, "max_size_mm", position, message=Errors.E212)
        if value is None:
            without += 1
        else:
            sizes.append(value)
    return SizeSample(tuple(sorted(sizes)), without)


def size_bins(
    sizes_mm: Sequence[float],
    urgent_size_mm: float,
    *,
    width_mm: float = SIZE_BIN_WIDTH_MM,
    axis_max_mm: float = SIZE_AXIS_MAX_MM,
) -> SizeBins:
    """Bin sizes on right-closed bins of equal width from 0.

    The axis reaches one bin past the urgent threshold and past the largest size, rounded up
    to whole bins, but ends at ``axis_max_mm`` at the latest; larger sizes go in the last bin.

    Args:
        sizes_mm: Sizes (>= 0).
        urgent_size_mm: The urgent threshold, kept on the axis.
        width_mm: Bin width.
        axis_max_mm: Largest axis end.

    Returns:
        Edges, counts per bin, and how many sizes lie beyond the last edge.

    Raises:
        CalcminerError: E231 for a width or axis end <= 0, or a negative or non-finite size;
            E230 for a negative or non-finite threshold.
    """
    if not (width_mm > 0 and axis_max_mm > 0):
        detail = f"the bin width is {width_mm} mm and the axis end {axis_max_mm} mm"
        raise CalcminerError(Errors.E231.format(detail=detail))
    _check_threshold(urgent_size_mm)
    bad = sum(1 for size in sizes_mm if not math.isfinite(size) or size < 0)
    if bad:
        detail = f"{bad} size(s) are negative or not finite"
        raise CalcminerError(Errors.E231.format(detail=detail))
    reach = max([*sizes_mm, urgent_size_mm + width_mm])
    bins = max(1, min(math.ceil(reach / width_mm), math.ceil(axis_max_mm / width_mm)))
    counts = [0] * bins
    for size in sizes_mm:
        counts[min(max(math.ceil(size / width_mm) - 1, 0), bins - 1)] += 1
    end = bins * width_mm
    return SizeBins(
        tuple(number * width_mm for number in range(bins + 1)),
        tuple(counts),
        sum(1 for size in sizes_mm if size > end),
    )


def _check_threshold(urgent_size_mm: float) -> None:
    """Check the urgent threshold: a finite number of mm >= 0 (E230 otherwise)."""
    if (
        not isinstance(urgent_size_mm, numbers.Real)
        or not math.isfinite(urgent_size_mm)
        or urgent_size_mm < 0
    ):
        raise CalcminerError(Errors.E230.format(value=urgent_size_mm))


def _render_sizes(sample: SizeSample, urgent_size_mm: float, path: Path) -> Path:
    histogram = size_bins(sample.sizes_mm, urgent_size_mm)

    def draw(fig: Figure) -> None:
        _draw_sizes(fig.subplots(), sample, histogram, urgent_size_mm)

    return render_png(draw, path, BATCH_FIGURE_SIZE_INCHES)


def _size_note(sample: SizeSample, histogram: SizeBins) -> str:
    """The line under the size figure's title: what is counted, what is left out."""
    reports = sample.counted
    note = (
        f"{count_text(reports, 'report')} with a calcification; "
        f"{sample.without_size} without a stated size (not shown)"
    )
    if histogram.beyond_axis:
        note += f"; {histogram.beyond_axis} over {histogram.edges_mm[-1]:g} mm in the last bin"
    return note


def _draw_sizes(ax: Axes, sample: SizeSample, histogram: SizeBins, urgent_size_mm: float) -> None:
    from matplotlib.ticker import MaxNLocator, MultipleLocator

    ax.set_title(f"Largest counted calcification of each report\n{_size_note(sample, histogram)}")
    ax.set_xlabel("Largest dimension (mm; a bin holds its upper edge)")
    ax.set_ylabel("Reports")
    edges = histogram.edges_mm
    ax.set_xlim(edges[0], edges[-1])
    ax.spines[["top", "right"]].set_visible(False)
    threshold = ax.axvline(
        urgent_size_mm,
        color=THRESHOLD_LINE_COLOR,
        linestyle="--",
        label=f"urgent > {urgent_size_mm:g} mm",
    )
    ax.legend(handles=[threshold], loc="upper right", frameon=False)
    if not sample.sizes_mm:
        ax.text(0.5, 0.5, NO_SIZES, transform=ax.transAxes, ha="center", va="center")
        ax.set_yticks([])
        return
    width = edges[1] - edges[0]
    colors = [URGENT_BAR_COLOR if left >= urgent_size_mm else SIZE_BAR_COLOR for left in edges]
    bars = ax.bar(
        edges[:-1],
        histogram.counts,
        width=width,
        align="edge",
        color=colors[:-1],
        edgecolor="white",
    )
    ax.bar_label(bars, labels=[str(count) if count else "" for count in histogram.counts])
    ax.set_ylim(0, max(histogram.counts) * (1 + BAR_LABEL_HEADROOM))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    step = math.ceil(len(histogram.counts) / MAX_SIZE_TICKS)
    ax.xaxis.set_major_locator(MultipleLocator(width * step))


# --- Couinaud segments (the schematic liver is in liver_map.py) --------------------------------


def segment_map_figure(reports: pd.DataFrame, path: str | Path) -> Path:
    """Write the segment map: a schematic liver shaded by how many reports name each segment.

    The Couinaud segments I-VIII of :data:`SEGMENT_SHAPES` (frontal view; IVa and IVb as
    one IV) are shaded on a sequential color scale with a color bar, and labelled with
    their numeral and count; a report counts once per segment. The title gives the share of
    reports that name any segment.

    Args:
        reports: A report table (built, or read back from CSV or Parquet); reads ``segments``.
        path: Output ``.png`` path; missing parent folders are created.

    Returns:
        The path written.

    Raises:
        OutputError: E306 when the path does not end in ``.png``; E202 when it cannot be
            written (nothing is left behind).
        InputError: E212 for a table without ``segments`` or with an unknown segment.
    """
    target = png_path(path)
    return _render_segments(report_segments(reports), target)


def report_segments(reports: pd.DataFrame) -> tuple[frozenset[str], ...]:
    """The Couinaud segments each report names, each once.

    Args:
        reports: A report table (built, or read back from CSV or Parquet); reads ``segments``.

    Returns:
        One set of segment numerals per report row, in row order.

    Raises:
        InputError: E212 for a missing column or an unknown segment (the message names the
            row).
    """
    _columns(reports, SEGMENT_PLOT_COLUMNS, "report")
    return tuple(
        frozenset(_segment(item, position) for item in list_cell(cell))
        for position, cell in enumerate(reports["segments"].tolist())
    )


def segment_counts(reports: pd.DataFrame) -> dict[str, int]:
    """Count the reports that name each Couinaud segment (a report counts once per segment).

    Args:
        reports: A report table (built, or read back from CSV or Parquet); reads ``segments``.

    Returns:
        Segment -> number of reports, for I to VIII in order (IVa and IVb count as IV).

    Raises:
        InputError: E212 as :func:`report_segments`.
    """
    return _count_segments(report_segments(reports))


def _count_segments(per_report: Sequence[frozenset[str]]) -> dict[str, int]:
    """Segment -> reports naming it, for I to VIII in order."""
    counts = dict.fromkeys(COUINAUD_SEGMENTS, 0)
    for segments in per_report:
        for segment in segments:
            counts[segment] += 1
    return counts


def _segment(text: str, position: int) -> str:
    """The Couinaud segment a list item names (IVa/IVb are IV)."""
    key = text.upper()
    segment = SEGMENT_ALIASES.get(key, key)
    if segment not in SEGMENT_SHAPES:
        expected = list(COUINAUD_SEGMENTS)
        detail = f"report row {position}: unknown segment; expected one of {expected}"
        raise InputError(Errors.E212.format(detail=detail))
    return segment


def _render_segments(per_report: Sequence[frozenset[str]], path: Path) -> Path:
    counts = _count_segments(per_report)
    with_segment = sum(1 for segments in per_report if segments)

    def draw(fig: Figure) -> None:
        draw_liver_map(fig, counts, with_segment, len(per_report))

    return render_png(draw, path, BATCH_FIGURE_SIZE_INCHES)
