"""Plots at the output edge of the flow: tables (pandas) -> PNG figures.

Every figure is drawn with matplotlib's object API on the Agg canvas (no pyplot, no display),
under matplotlib's default style so a user's ``matplotlibrc`` cannot change the output, at a
fixed size and resolution, and saved without a ``Software`` stamp: the same table gives a
byte-identical PNG. matplotlib (and pandas) are imported only when a figure is drawn, so
importing this module stays cheap. Files are written atomically, like the tables of
:mod:`calcminer.nlp.io.writers`; missing parent folders are created. Figures show counts, rates
and levels only: never report text, never patient ids.

Figures: the follow-up audit (:func:`audit_figure`), and for a batch of mined reports the
triage levels, the size of the largest counted calcification of each report and a Couinaud
segment map (:func:`batch_figures`), all from the report table. The batch figures also read
that table back from CSV or Parquet (lists as ``;``-joined text, booleans as
``true``/``false``; see :func:`normalize_table`).

New figures follow :func:`audit_figure`: a ``draw(fig)`` function handed to
:func:`_render_png`, which owns the figure's creation, style and saving.
"""

from __future__ import annotations

import io
import math
import numbers
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from calcminer.nlp.audit import LEVELS, STATUSES
from calcminer.nlp.errors import Errors, OutputError
from calcminer.nlp.schema import COUINAUD_SEGMENTS, TRIAGE_LEVELS

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Extension every figure path must have.
PNG_SUFFIX = ".png"
#: Size of a two-panel figure (width, height) in inches.
FIGURE_SIZE_INCHES: tuple[float, float] = (12.0, 5.0)
#: Resolution of every figure: 12 x 5 inches give 1800 x 750 pixels.
FIGURE_DPI = 150
#: matplotlib style every figure is drawn in (its defaults, whatever the user's rc file says).
FIGURE_STYLE = "default"
#: Message of a panel with nothing to show.
NO_INDEX_EXAMS = "No index exams"

#: Okabe-Ito colors (color-blind safe) of the audit statuses.
STATUS_COLORS: dict[str, str] = {
    "completed": "#009E73",  # bluish green
    "late": "#E69F00",  # orange
    "overdue": "#D55E00",  # vermillion
    "pending": "#999999",  # grey
}
#: Okabe-Ito colors of the audit levels, distinct from the status colors.
LEVEL_COLORS: dict[str, str] = {
    "urgent": "#000000",  # black
    "workup": "#0072B2",  # blue
    "recommended": "#CC79A7",  # reddish purple
}
#: Colors of levels outside :data:`LEVEL_COLORS`, in turn.
EXTRA_LEVEL_COLORS: tuple[str, ...] = ("#56B4E9", "#F0E442")  # sky blue, yellow
#: Statuses of index exams that were followed up (in or after their window).
FOLLOWED_UP_STATUSES: frozenset[str] = frozenset({"completed", "late"})
#: Columns of the audit table the audit figure reads.
AUDIT_PLOT_COLUMNS: tuple[str, ...] = ("level", "status", "days_to_followup")
#: The follow-up panel shows this many times the longest window (or the longest follow-up).
WINDOW_AXIS_FACTOR = 2
#: Shortest day axis of the follow-up panel, for tiny windows and same-day follow-ups.
MIN_AXIS_DAYS = 30
#: Bar segments narrower than this share of the count axis get no count (it would not fit).
MIN_ANNOTATED_SHARE = 0.03
#: Extra room right of the longest bar, as a share of its length.
BAR_AXIS_MARGIN = 0.05
BAR_HEIGHT = 0.6
WINDOW_LINE_ALPHA = 0.6
PERCENT_MAX = 100.0
#: Legends sit centred below their panel (axes coordinates of their top centre).
LEGEND_ANCHOR: tuple[float, float] = (0.5, -0.15)
#: Most legend entries side by side below a panel.
MAX_LEGEND_COLUMNS = 2


# --- pure helpers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LevelOutcome:
    """Outcomes of the index exams of one audit level.

    Attributes:
        level: The audit level.
        counts: Status -> number of index exams, for every status of :data:`STATUSES`.
        followup_days: Days from the index exam to its follow-up, for the completed and late
            index exams, ascending.
    """

    level: str
    counts: Mapping[str, int]
    followup_days: tuple[int, ...]

    @property
    def index_exams(self) -> int:
        """Index exams of the level, pending ones included."""
        return sum(self.counts.values())

    @property
    def on_time_rate(self) -> float | None:
        """completed / (completed + late + overdue); None when no exam is decided yet."""
        return on_time_rate(self.counts)


@dataclass(frozen=True)
class StepCurve:
    """Vertices of a step line (each value holds from its day until the next day).

    Attributes:
        days: Days since the index exam, ascending, from 0 to the axis end.
        percent: Cumulative share in percent at each day.
    """

    days: tuple[int, ...]
    percent: tuple[float, ...]


def on_time_rate(counts: Mapping[str, int]) -> float | None:
    """The on-time rate of a group of index exams.

    Args:
        counts: Status -> number of index exams (missing statuses count 0).

    Returns:
        completed / (completed + late + overdue), pending exams left out; None for 0/0.
    """
    decided = counts.get("completed", 0) + counts.get("late", 0) + counts.get("overdue", 0)
    return counts.get("completed", 0) / decided if decided else None


def level_order(levels: Iterable[str]) -> list[str]:
    """Order levels for display: urgent, workup, recommended, then any others by name.

    Args:
        levels: Level names (repeats allowed).

    Returns:
        Each level once, in display order.
    """
    present = set(levels)
    known = [level for level in LEVELS if level in present]
    return known + sorted(present - set(LEVELS))


def level_outcomes(audit: pd.DataFrame) -> tuple[LevelOutcome, ...]:
    """Count the outcomes of each level of an audit table.

    Args:
        audit: The audit table (one row per index exam); reads ``level``, ``status`` and
            ``days_to_followup``.

    Returns:
        One outcome per level with index exams, in :func:`level_order`.

    Raises:
        ValueError: For a missing column, a missing or non-text level, an unknown status, or
            a completed/late row without a whole, non-negative ``days_to_followup``. The
            message names the row position, never its ids.
    """
    missing = [name for name in AUDIT_PLOT_COLUMNS if name not in audit.columns]
    if missing:
        raise ValueError(
            f"the audit table has no column(s) {missing}; expected {list(AUDIT_PLOT_COLUMNS)}"
        )
    counts: dict[str, dict[str, int]] = {}
    days: dict[str, list[int]] = {}
    rows = zip(
        audit["level"].tolist(),
        audit["status"].tolist(),
        audit["days_to_followup"].tolist(),
        strict=True,
    )
    for position, (level, status, waited) in enumerate(rows):
        if not isinstance(level, str) or not level:
            raise ValueError(f"audit row {position}: the level must be a non-empty string")
        if status not in STATUS_COLORS:
            raise ValueError(
                f"audit row {position}: unknown status {status!r}; expected one of {STATUSES}"
            )
        counts.setdefault(level, dict.fromkeys(STATUSES, 0))[status] += 1
        days.setdefault(level, [])
        if status in FOLLOWED_UP_STATUSES:
            whole = _whole_days(waited)
            if whole is None:
                raise ValueError(
                    f"audit row {position}: a {status} index exam needs days_to_followup >= 0"
                )
            days[level].append(whole)
    return tuple(
        LevelOutcome(level, counts[level], tuple(sorted(days[level])))
        for level in level_order(counts)
    )


def _whole_days(value: Any) -> int | None:
    """A whole, non-negative number of days (int, or float without fraction), else None."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    days = float(value)
    if not math.isfinite(days) or days < 0 or not days.is_integer():
        return None
    return int(days)


def cumulative_share(followup_days: Sequence[int], index_exams: int, max_days: int) -> StepCurve:
    """Share of index exams followed up within each number of days.

    Args:
        followup_days: Days to the follow-up of each followed-up index exam.
        index_exams: The denominator: every index exam of the group, pending ones included.
        max_days: End of the day axis; later follow-ups are not reached by the curve.

    Returns:
        A step curve from day 0 (same-day follow-ups count there) to ``max_days``, with a
        vertex at every day a follow-up happened.

    Raises:
        ValueError: For no index exams, more follow-ups than index exams, a negative day, or
            a negative axis end.
    """
    if index_exams < 1:
        raise ValueError(f"a curve needs at least one index exam, got {index_exams}")
    if len(followup_days) > index_exams:
        raise ValueError(
            f"{len(followup_days)} follow-ups for {index_exams} index exams; expected at most "
            "one follow-up per index exam"
        )
    if max_days < 0 or any(day < 0 for day in followup_days):
        raise ValueError("days since the index exam must be >= 0")
    per_day: dict[int, int] = {}
    for day in followup_days:
        if day <= max_days:
            per_day[day] = per_day.get(day, 0) + 1
    days = [0]
    reached = [per_day.get(0, 0)]
    for day in sorted(per_day.keys() - {0}):
        days.append(day)
        reached.append(reached[-1] + per_day[day])
    if days[-1] != max_days:
        days.append(max_days)
        reached.append(reached[-1])
    percent = tuple(PERCENT_MAX * count / index_exams for count in reached)
    return StepCurve(tuple(days), percent)


def axis_max_days(outcomes: Sequence[LevelOutcome], windows_days: Mapping[str, int]) -> int:
    """End of the day axis of the follow-up panel.

    Args:
        outcomes: The levels shown.
        windows_days: Level -> window in days.

    Returns:
        The largest of :data:`WINDOW_AXIS_FACTOR` times the longest window of the levels
        shown, the longest follow-up observed, and :data:`MIN_AXIS_DAYS`.
    """
    windows = [windows_days[o.level] for o in outcomes if o.level in windows_days]
    observed = [day for o in outcomes for day in o.followup_days]
    longest_window = max(windows, default=0)
    return max(WINDOW_AXIS_FACTOR * longest_window, max(observed, default=0), MIN_AXIS_DAYS)


def level_colors(levels: Sequence[str]) -> dict[str, str]:
    """Color of each level: fixed for the audit levels, the extra colors in turn otherwise."""
    others = [level for level in levels if level not in LEVEL_COLORS]
    colors = {level: LEVEL_COLORS[level] for level in levels if level in LEVEL_COLORS}
    for number, level in enumerate(others):
        colors[level] = EXTRA_LEVEL_COLORS[number % len(EXTRA_LEVEL_COLORS)]
    return colors


def _percent_text(rate: float | None) -> str:
    return "n/a" if rate is None else f"{PERCENT_MAX * rate:.0f} %"


# --- the audit figure --------------------------------------------------------------------------


def audit_figure(
    audit: pd.DataFrame,
    path: str | Path,
    *,
    windows_days: Mapping[str, int],
    as_of: date | pd.Timestamp,
    title: str | None = None,
) -> Path:
    """Write the follow-up audit figure: completion by level, and follow-up over time.

    Left panel: one stacked bar per level (urgent, workup, recommended, then others; levels
    without index exams left out) split into completed / late / overdue / pending, with
    counts, and the on-time rate completed / (completed + late + overdue) in the bar's
    label. Right panel: per level, the cumulative share of index exams followed up (completed
    or late) against days since the index exam, over all index exams of the level (pending
    ones included); a dashed line marks each level's window. An empty table gives a figure
    whose panels say "No index exams".

    Args:
        audit: The audit table (:func:`calcminer.nlp.io.tables.audit_frame`); reads ``level``,
            ``status`` and ``days_to_followup``.
        path: Output ``.png`` path; missing parent folders are created.
        windows_days: Level -> window in days (levels without one get no dashed line).
        as_of: The audit date, shown in the default title.
        title: Figure title; default "Follow-up audit as of YYYY-MM-DD".

    Returns:
        The path written.

    Raises:
        OutputError: E306 when the path does not end in ``.png``; E202 when it cannot be
            written (nothing is left behind).
        ValueError: When the table breaks the audit table's contract (see
            :func:`level_outcomes`).
    """
    target = _png_path(path)
    outcomes = level_outcomes(audit)
    heading = title if title is not None else f"Follow-up audit as of {as_of:%Y-%m-%d}"

    def draw(fig: Figure) -> None:
        bars, curves = fig.subplots(1, 2)
        fig.suptitle(heading)
        _draw_completion(bars, outcomes)
        _draw_followup(curves, outcomes, windows_days)

    return _render_png(draw, target)


def _draw_completion(ax: Axes, outcomes: Sequence[LevelOutcome]) -> None:
    """Left panel: stacked bars of the statuses per level."""
    from matplotlib.ticker import MaxNLocator

    ax.set_title("Completion by level")
    if not outcomes:
        _say_empty(ax)
        return
    positions = list(range(len(outcomes)))
    longest = max(o.index_exams for o in outcomes)
    lefts = [0] * len(outcomes)
    for status in STATUSES:
        widths = [o.counts[status] for o in outcomes]
        bars = ax.barh(
            positions,
            widths,
            left=lefts,
            height=BAR_HEIGHT,
            color=STATUS_COLORS[status],
            label=status,
        )
        labels = [
            str(width) if width and width >= MIN_ANNOTATED_SHARE * longest else ""
            for width in widths
        ]
        ax.bar_label(bars, labels=labels, label_type="center")
        lefts = [left + width for left, width in zip(lefts, widths, strict=True)]
    ax.set_yticks(
        positions,
        labels=[
            f"{o.level} (n={o.index_exams})\non time {_percent_text(o.on_time_rate)}"
            for o in outcomes
        ],
    )
    ax.invert_yaxis()  # first level on top
    ax.set_xlim(0, longest * (1 + BAR_AXIS_MARGIN))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("Index exams")
    ax.legend(loc="upper center", bbox_to_anchor=LEGEND_ANCHOR, ncols=len(STATUSES), frameon=False)


def _draw_followup(
    ax: Axes, outcomes: Sequence[LevelOutcome], windows_days: Mapping[str, int]
) -> None:
    """Right panel: cumulative share followed up per level, with dashed window lines."""
    from matplotlib.ticker import PercentFormatter

    ax.set_title("Follow-up over time")
    if not outcomes:
        _say_empty(ax)
        return
    end = axis_max_days(outcomes, windows_days)
    colors = level_colors([o.level for o in outcomes])
    for outcome in outcomes:
        curve = cumulative_share(outcome.followup_days, outcome.index_exams, end)
        window = windows_days.get(outcome.level)
        window_text = "" if window is None else f", window {window} d"
        ax.step(
            curve.days,
            curve.percent,
            where="post",
            color=colors[outcome.level],
            label=f"{outcome.level} (n={outcome.index_exams}{window_text})",
            clip_on=False,
        )
        if window is not None:
            ax.axvline(window, color=colors[outcome.level], linestyle="--", alpha=WINDOW_LINE_ALPHA)
    ax.set_xlim(0, end)
    ax.set_ylim(0, PERCENT_MAX)
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=PERCENT_MAX))
    ax.set_xlabel("Days since index exam (dashed: window)")
    ax.set_ylabel("Followed up (share of all index exams,\npending included)")
    ax.legend(
        loc="upper center",
        bbox_to_anchor=LEGEND_ANCHOR,
        ncols=min(len(outcomes), MAX_LEGEND_COLUMNS),
        frameon=False,
    )


def _say_empty(ax: Axes) -> None:
    """Mark a panel as having no data."""
    ax.text(0.5, 0.5, NO_INDEX_EXAMS, transform=ax.transAxes, ha="center", va="center")
    ax.set_xticks([])
    ax.set_yticks([])


# --- batch figures: triage, sizes, Couinaud segments -------------------------------------------

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

#: Size columns of the report and findings tables, in mm.
SIZE_COLUMNS: frozenset[str] = frozenset({"size_mm", "max_size_mm"})
#: Other spellings a segment cell may hold: IVa and IVb are drawn as one segment IV.
SEGMENT_ALIASES: dict[str, str] = {"IVA": "IV", "IVB": "IV"}
#: Color map of the segment counts (sequential; light = few reports).
SEGMENT_COLORMAP = "Blues"
SEGMENT_EDGE_COLOR = "#404040"
SEGMENT_EDGE_WIDTH = 1.2
#: Segments whose shade is past this share of the color scale get white labels.
DARK_SHADE_SHARE = 0.55
SEGMENT_LABEL_FONT_SIZE = 11
CAUDATE_LABEL_FONT_SIZE = 8
#: Axes limits of the liver drawing, in the units of :data:`SEGMENT_SHAPES`.
LIVER_X_LIMITS: tuple[float, float] = (-0.1, 10.0)
LIVER_Y_LIMITS: tuple[float, float] = (0.0, 6.0)


@dataclass(frozen=True)
class SegmentShape:
    """One Couinaud segment of the schematic liver.

    Attributes:
        outline: Polygon vertices (x, y) in drawing units, in order.
        label_at: Where the segment's numeral and count are written.
    """

    outline: tuple[tuple[float, float], ...]
    label_at: tuple[float, float]


# A schematic frontal view (the patient's right on the viewer's left), not anatomy to scale:
# the hepatic veins are the vertical borders (right: VII/VI | VIII/V; middle: VIII/V | IV;
# the falciform ligament: IV | II/III), the portal plane the horizontal one, and the left
# hepatic vein splits the left lateral section into II (superior) and III (inferior). IVa and
# IVb are one segment. The caudate lobe (I) lies behind, at the hilum, and is drawn on top.
# Neighbouring segments share their border vertices.
SEGMENT_SHAPES: dict[str, SegmentShape] = {
    "I": SegmentShape(
        (
            (4.45, 3.30),
            (4.70, 3.12),
            (5.10, 3.10),
            (5.40, 3.30),
            (5.45, 3.65),
            (5.20, 3.95),
            (4.80, 4.00),
            (4.50, 3.75),
        ),
        (4.95, 3.55),
    ),
    "II": SegmentShape(
        (
            (6.30, 5.30),
            (6.85, 5.10),
            (7.40, 4.87),
            (8.00, 4.57),
            (8.60, 4.22),
            (9.15, 3.87),
            (9.70, 3.50),
            (6.25, 3.60),
        ),
        (7.45, 4.20),
    ),
    "III": SegmentShape(
        (
            (6.25, 3.60),
            (9.70, 3.50),
            (9.30, 3.32),
            (8.60, 3.05),
            (8.00, 2.83),
            (7.40, 2.60),
            (6.80, 2.38),
            (6.20, 2.15),
        ),
        (7.25, 3.05),
    ),
    "IV": SegmentShape(
        (
            (4.70, 5.75),
            (5.20, 5.68),
            (5.75, 5.52),
            (6.30, 5.30),
            (6.25, 3.60),
            (6.20, 2.15),
            (5.85, 1.98),
            (5.50, 1.75),
            (5.10, 1.45),
            (4.70, 1.20),
            (4.65, 3.10),
        ),
        (5.50, 4.75),
    ),
    "V": SegmentShape(
        (
            (2.45, 3.05),
            (4.65, 3.10),
            (4.70, 1.20),
            (4.10, 0.93),
            (3.50, 0.75),
            (3.00, 0.64),
            (2.50, 0.60),
        ),
        (3.55, 1.95),
    ),
    "VI": SegmentShape(
        (
            (0.20, 3.00),
            (2.45, 3.05),
            (2.50, 0.60),
            (1.90, 0.63),
            (1.40, 0.78),
            (0.95, 1.08),
            (0.60, 1.50),
            (0.38, 1.90),
            (0.25, 2.35),
            (0.20, 2.70),
        ),
        (1.45, 1.95),
    ),
    "VII": SegmentShape(
        (
            (0.20, 3.00),
            (0.22, 3.45),
            (0.35, 3.90),
            (0.60, 4.35),
            (0.95, 4.75),
            (1.40, 5.08),
            (1.95, 5.35),
            (2.50, 5.55),
            (2.45, 3.05),
        ),
        (1.45, 4.15),
    ),
    "VIII": SegmentShape(
        (
            (2.50, 5.55),
            (3.05, 5.68),
            (3.60, 5.75),
            (4.15, 5.77),
            (4.70, 5.75),
            (4.65, 3.10),
            (2.45, 3.05),
        ),
        (3.55, 4.45),
    ),
}


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


def _is_missing(value: Any) -> bool:
    """None, NaN, pd.NA or NaT (a list-like value is never missing)."""
    import pandas as pd

    if isinstance(value, str) or _is_list_like(value):
        return False
    return bool(pd.isna(value))


def _is_list_like(value: Any) -> bool:
    """Lists, tuples, sets and arrays (Parquet gives numpy arrays), not strings."""
    return not isinstance(value, str | bytes | dict) and hasattr(value, "__iter__")


def list_cell(value: Any) -> tuple[str, ...]:
    """Read a list cell of a table, as built or as read back from a file.

    Args:
        value: A list, tuple or array of items (the tables, Parquet), a ``;``-joined string
            (CSV, see :mod:`calcminer.nlp.io.writers`), or a missing value.

    Returns:
        The items as stripped strings, empty ones dropped; ``()`` for a missing value.
    """
    from calcminer.nlp.io.writers import LIST_SEPARATOR

    if isinstance(value, str):
        items: Iterable[Any] = value.split(LIST_SEPARATOR)
    elif _is_list_like(value):
        items = value
    elif _is_missing(value):
        return ()
    else:
        items = [value]
    texts = (str(item).strip() for item in items if not _is_missing(item))
    return tuple(text for text in texts if text)


def bool_cell(value: Any) -> bool | None:
    """Read a boolean cell, as built or as read back from a file.

    Args:
        value: A bool (also numpy's), ``true``/``false`` text in any case (CSV), or missing.

    Returns:
        The boolean, or None for a missing value.

    Raises:
        ValueError: For any other value.
    """
    from calcminer.nlp.io.writers import _plain

    value = _plain(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return value.strip().lower() == "true"
    if _is_missing(value):
        return None
    raise ValueError(f"expected true or false, got a {type(value).__name__}")


def size_cell(value: Any) -> float | None:
    """Read a size cell (mm), as built or as read back from a file.

    Args:
        value: A number, its text (CSV read as text), an empty string, or a missing value.

    Returns:
        The size in mm, or None for a missing value or an empty string.

    Raises:
        ValueError: For a value that is not a finite number >= 0.
    """
    from calcminer.nlp.io.writers import _plain

    value = _plain(value)
    if isinstance(value, str):
        if not value.strip():
            return None
        try:
            value = float(value)
        except ValueError:
            raise ValueError("expected a size in mm, got text") from None
    if _is_missing(value):
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"expected a size in mm, got a {type(value).__name__}")
    size = float(value)
    if not math.isfinite(size) or size < 0:
        raise ValueError("expected a finite size >= 0 mm")
    return size


def normalize_table(table: pd.DataFrame) -> pd.DataFrame:
    """Bring a report or findings table read back from CSV or Parquet to the tables' types.

    List columns (``segments``, ``lobes`` ...) become lists of str, boolean columns
    (``counted``, ``calcification`` ...) become ``boolean``, and ``size_mm`` and
    ``max_size_mm`` become ``Float64``; other columns are left as they are. A table from
    :mod:`calcminer.nlp.io.tables` comes back equal to itself.

    Args:
        table: A report or findings table, from :mod:`calcminer.nlp.io.tables`,
            ``pd.read_csv`` or ``pd.read_parquet``.

    Returns:
        A new table; the input is not changed.

    Raises:
        ValueError: For a cell that cannot be read; the message names the column and the
            row position, never the value.
    """
    import pandas as pd

    from calcminer.nlp.io.tables import LIST_COLUMNS

    converters: dict[str, tuple[Callable[[Any], Any], str]] = {}
    for name in table.columns:
        if name in LIST_COLUMNS:
            converters[name] = (lambda value: list(list_cell(value)), "object")
        elif name in _boolean_columns():
            converters[name] = (bool_cell, "boolean")
        elif name in SIZE_COLUMNS:
            converters[name] = (size_cell, "Float64")
    result = table.copy()
    for name, (convert, dtype) in converters.items():
        values = [
            _cell(convert, value, name, position)
            for position, value in enumerate(table[name].tolist())
        ]
        result[name] = pd.Series(values, index=table.index, dtype=dtype)
    return result


def _boolean_columns() -> frozenset[str]:
    """Columns of the report and findings tables that hold booleans."""
    from dataclasses import fields

    from calcminer.nlp.schema import Finding, ReportResult

    return frozenset(
        field.name
        for cls in (ReportResult, Finding)
        for field in fields(cls)
        if str(field.type) == "bool"
    )


def _cell(convert: Callable[[Any], Any], value: Any, column: str, position: int) -> Any:
    """Convert one cell; a failure names the column and row, never the value."""
    try:
        return convert(value)
    except ValueError as e:
        raise ValueError(f"column {column!r}, row {position}: {e}") from None


def _columns(table: pd.DataFrame, needed: Sequence[str], name: str) -> None:
    """Check that a table has the columns a figure reads."""
    missing = [column for column in needed if column not in table.columns]
    if missing:
        raise ValueError(f"the {name} table has no column(s) {missing}; expected {list(needed)}")


def triage_counts(reports: pd.DataFrame) -> dict[str, int]:
    """Count the reports of each triage level.

    Args:
        reports: A report table (built, or read back from CSV or Parquet); reads ``triage``.

    Returns:
        Level -> number of reports, for every level of ``none``, ``benign``, ``workup``,
        ``urgent``, in that order (absent levels count 0).

    Raises:
        ValueError: For a missing column or a row whose level is none of these (the message
            names the row position).
    """
    _columns(reports, TRIAGE_PLOT_COLUMNS, "report")
    counts: dict[str, int] = dict.fromkeys(TRIAGE_LEVELS, 0)
    for position, level in enumerate(reports["triage"].tolist()):
        key = level.strip() if isinstance(level, str) else level
        if key not in counts:
            raise ValueError(
                f"report row {position}: unknown triage level; expected one of "
                f"{list(TRIAGE_LEVELS)}"
            )
        counts[key] += 1
    return counts


def _segment(text: str, position: int) -> str:
    """The Couinaud segment a list item names (IVa/IVb are IV)."""
    key = text.upper()
    segment = SEGMENT_ALIASES.get(key, key)
    if segment not in SEGMENT_SHAPES:
        raise ValueError(
            f"report row {position}: unknown segment; expected one of {list(COUINAUD_SEGMENTS)}"
        )
    return segment


def report_segments(reports: pd.DataFrame) -> tuple[frozenset[str], ...]:
    """The Couinaud segments each report names, each once.

    Args:
        reports: A report table (built, or read back from CSV or Parquet); reads ``segments``.

    Returns:
        One set of segment numerals per report row, in row order.

    Raises:
        ValueError: For a missing column or an unknown segment (the message names the row).
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
        ValueError: See :func:`report_segments`.
    """
    counts = dict.fromkeys(COUINAUD_SEGMENTS, 0)
    for segments in report_segments(reports):
        for segment in segments:
            counts[segment] += 1
    return counts


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
        ValueError: For a missing column, a ``calcification`` cell that is not true or false,
            or a size that is not a number >= 0 (the message names the row position).
    """
    _columns(reports, SIZE_PLOT_COLUMNS, "report")
    sizes: list[float] = []
    without = 0
    rows = zip(reports["calcification"].tolist(), reports["max_size_mm"].tolist(), strict=True)
    for position, (calcification, size) in enumerate(rows):
        flag = _cell(bool_cell, calcification, "calcification", position)
        if flag is None:
            raise ValueError(f"column 'calcification', row {position}: expected true or false")
        if not flag:
            continue
        value = _cell(size_cell, size, "max_size_mm", position)
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
        ValueError: For a width or axis end <= 0, a negative or non-finite threshold or size.
    """
    if not (width_mm > 0 and axis_max_mm > 0):
        raise ValueError("the bin width and the axis end must be > 0 mm")
    _check_threshold(urgent_size_mm)
    if any(not math.isfinite(size) or size < 0 for size in sizes_mm):
        raise ValueError("sizes must be finite and >= 0 mm")
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
    if not math.isfinite(urgent_size_mm) or urgent_size_mm < 0:
        raise ValueError(f"urgent_size_mm must be a finite size >= 0, got {urgent_size_mm}")


def _share_text(part: int, whole: int) -> str:
    """``part`` as a whole percentage of ``whole`` ("n/a" for 0/0)."""
    return _percent_text(part / whole if whole else None)


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
        ValueError: For a table without ``triage`` or with an unknown level.
    """
    target = _png_path(path)
    return _render_triage(triage_counts(reports), target)


def _render_triage(counts: Mapping[str, int], path: Path) -> Path:
    def draw(fig: Figure) -> None:
        _draw_triage(fig.subplots(), counts)

    return _render_png(draw, path, BATCH_FIGURE_SIZE_INCHES)


def _draw_triage(ax: Axes, counts: Mapping[str, int]) -> None:
    from matplotlib.ticker import MaxNLocator

    total = sum(counts.values())
    levels = list(counts)
    heights = [counts[level] for level in levels]
    bars = ax.bar(levels, heights, color=[TRIAGE_COLORS[level] for level in levels])
    ax.bar_label(
        bars,
        labels=[f"{count}\n({_share_text(count, total)})" for count in heights],
        padding=3,
    )
    ax.set_title(f"Triage of {total} report{'' if total == 1 else 's'}")
    ax.set_xlabel("Triage level")
    ax.set_ylabel("Reports")
    ax.set_ylim(0, max(max(heights, default=0), 1) * (1 + BAR_LABEL_HEADROOM))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.spines[["top", "right"]].set_visible(False)
    if not total:
        ax.text(0.5, 0.5, NO_REPORTS, transform=ax.transAxes, ha="center", va="center")


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
        ValueError: For a table that :func:`size_values` cannot read, or a threshold that
            is not a finite size >= 0.
    """
    target = _png_path(path)
    _check_threshold(urgent_size_mm)
    return _render_sizes(size_values(reports), urgent_size_mm, target)


def _render_sizes(sample: SizeSample, urgent_size_mm: float, path: Path) -> Path:
    histogram = size_bins(sample.sizes_mm, urgent_size_mm)

    def draw(fig: Figure) -> None:
        _draw_sizes(fig.subplots(), sample, histogram, urgent_size_mm)

    return _render_png(draw, path, BATCH_FIGURE_SIZE_INCHES)


def _size_note(sample: SizeSample, histogram: SizeBins) -> str:
    """The line under the size figure's title: what is counted, what is left out."""
    reports = sample.counted
    note = (
        f"{reports} report{'' if reports == 1 else 's'} with a calcification; "
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
        ValueError: For a table without ``segments`` or with an unknown segment.
    """
    target = _png_path(path)
    return _render_segments(report_segments(reports), target)


def _render_segments(per_report: Sequence[frozenset[str]], path: Path) -> Path:
    counts = dict.fromkeys(COUINAUD_SEGMENTS, 0)
    for segments in per_report:
        for segment in segments:
            counts[segment] += 1
    with_segment = sum(1 for segments in per_report if segments)

    def draw(fig: Figure) -> None:
        _draw_segments(fig, counts, with_segment, len(per_report))

    return _render_png(draw, path, BATCH_FIGURE_SIZE_INCHES)


def _draw_segments(fig: Figure, counts: Mapping[str, int], with_segment: int, reports: int) -> None:
    import matplotlib
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize
    from matplotlib.patches import Polygon
    from matplotlib.ticker import MaxNLocator

    ax = fig.subplots()
    colormap = matplotlib.colormaps[SEGMENT_COLORMAP]
    norm = Normalize(vmin=0, vmax=max(max(counts.values(), default=0), 1))
    # The caudate lobe is drawn last: it lies over its neighbours in this view.
    for segment in sorted(SEGMENT_SHAPES, key=lambda name: name == "I"):
        shape = SEGMENT_SHAPES[segment]
        shade = norm(counts[segment])
        patch = Polygon(
            shape.outline,
            closed=True,
            facecolor=colormap(shade),
            edgecolor=SEGMENT_EDGE_COLOR,
            linewidth=SEGMENT_EDGE_WIDTH,
            joinstyle="round",
        )
        patch.set_gid(segment)
        ax.add_patch(patch)
        ax.text(
            *shape.label_at,
            f"{segment}\n{counts[segment]}",
            ha="center",
            va="center",
            color="white" if shade > DARK_SHADE_SHARE else "black",
            fontsize=CAUDATE_LABEL_FONT_SIZE if segment == "I" else SEGMENT_LABEL_FONT_SIZE,
            fontweight="bold",
            linespacing=1.1,
        )
    ax.set_xlim(*LIVER_X_LIMITS)
    ax.set_ylim(*LIVER_Y_LIMITS)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.text(LIVER_X_LIMITS[0], LIVER_Y_LIMITS[0], "patient's right", va="bottom", color="0.4")
    ax.text(
        LIVER_X_LIMITS[1], LIVER_Y_LIMITS[0], "patient's left", ha="right", va="bottom", color="0.4"
    )
    ax.set_title(
        "Couinaud segments of counted calcifications (schematic frontal view)\n"
        f"{with_segment} of {reports} report{'' if reports == 1 else 's'} "
        f"({_share_text(with_segment, reports)}) name a segment"
    )
    bar = fig.colorbar(ScalarMappable(norm=norm, cmap=colormap), ax=ax, shrink=0.8)
    bar.set_label("Reports naming the segment")
    bar.locator = MaxNLocator(integer=True)
    bar.update_ticks()


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
        ValueError: See :func:`triage_figure`, :func:`size_figure` and
            :func:`segment_map_figure`.
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


# --- figure plumbing (shared by every figure) --------------------------------------------------


def _png_path(path: str | Path) -> Path:
    """The figure's path, checked to end in ``.png`` (E306 otherwise)."""
    target = Path(path)
    if target.suffix.lower() != PNG_SUFFIX:
        raise OutputError(Errors.E306.format(path=path))
    return target


def _render_png(
    draw: Callable[[Figure], None],
    path: Path,
    size_inches: tuple[float, float] = FIGURE_SIZE_INCHES,
) -> Path:
    """Create a figure on the Agg canvas, let ``draw`` fill it, and save it as a PNG.

    The figure is built and rendered inside matplotlib's default style (rc settings are
    restored afterwards), so the output depends on the data only.

    Args:
        draw: Fills the figure (adds axes, artists, titles).
        path: Output path (``.png``).
        size_inches: Figure size (width, height) in inches.

    Returns:
        The path written.
    """
    import matplotlib.style
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with matplotlib.style.context(FIGURE_STYLE):
        fig = Figure(figsize=size_inches, dpi=FIGURE_DPI, layout="constrained")
        FigureCanvasAgg(fig)
        draw(fig)
        return _save_png(fig, path)


def _save_png(fig: Figure, path: Path) -> Path:
    """Render a figure to PNG bytes, then write them atomically.

    Rendering happens before the file is touched, so a drawing error leaves nothing behind.
    The PNG carries no ``Software`` stamp and a fixed resolution, for byte-identical output.

    Args:
        fig: A figure on an Agg canvas.
        path: Output path; parent folders are created.

    Returns:
        The path written.

    Raises:
        OutputError: E202 when the file cannot be written.
    """
    from calcminer.nlp.io.writers import _atomic_write

    buffer = io.BytesIO()
    metadata: dict[str, Any] = {"Software": None}
    fig.savefig(buffer, format="png", dpi=FIGURE_DPI, metadata=metadata)
    data = buffer.getvalue()

    def write(handle: BinaryIO) -> None:
        handle.write(data)

    _atomic_write(path, write)
    return path
