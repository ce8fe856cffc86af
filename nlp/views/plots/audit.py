"""The follow-up audit figure: completion by level, and follow-up over time.

Reads the audit table (:func:`calcminer.nlp.io.tables.audit_frame`). The pure helpers
(:func:`level_outcomes`, :func:`cumulative_share` ...) count and shape what the two panels
show; :func:`audit_png` draws them through :func:`calcminer.nlp.views.plots.render.png_bytes`
and :func:`audit_figure` writes that PNG.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from calcminer.nlp.audit import LEVELS, STATUSES
from calcminer.nlp.errors import CalcminerError, Errors, InputError
from calcminer.nlp.views.plots.render import (
    PERCENT_MAX,
    percent_text,
    png_bytes,
    png_path,
    write_png,
)

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

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
        InputError: E232 for a missing column, a missing or non-text level, an unknown
            status, or a completed/late row without a whole, non-negative
            ``days_to_followup``. The message names the row position, never its ids.
    """
    missing = [name for name in AUDIT_PLOT_COLUMNS if name not in audit.columns]
    if missing:
        detail = f"the audit table has no column(s) {missing}; expected {list(AUDIT_PLOT_COLUMNS)}"
        raise InputError(Errors.E232.format(detail=detail))
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
            detail = f"audit row {position}: the level must be a non-empty string"
            raise InputError(Errors.E232.format(detail=detail))
        if not isinstance(status, str) or status not in STATUS_COLORS:
            detail = f"audit row {position}: unknown status {status!r}; expected one of {STATUSES}"
            raise InputError(Errors.E232.format(detail=detail))
        counts.setdefault(level, dict.fromkeys(STATUSES, 0))[status] += 1
        days.setdefault(level, [])
        if status in FOLLOWED_UP_STATUSES:
            whole = _whole_days(waited)
            if whole is None:
                detail = f"audit row {position}: a {status} index exam needs days_to_followup >= 0"
                raise InputError(Errors.E232.format(detail=detail))
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
        CalcminerError: E233 for no index exams, more follow-ups than index exams, a
            negative day, or a negative axis end.
    """
    if index_exams < 1:
        detail = f"it has {index_exams} index exams"
        raise CalcminerError(Errors.E233.format(detail=detail))
    if len(followup_days) > index_exams:
        detail = f"it has {len(followup_days)} follow-ups for {index_exams} index exams"
        raise CalcminerError(Errors.E233.format(detail=detail))
    if max_days < 0 or any(day < 0 for day in followup_days):
        detail = "a day since the index exam, or the axis end, is negative"
        raise CalcminerError(Errors.E233.format(detail=detail))
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
        InputError: E232 when the table breaks the audit table's contract (see
            :func:`level_outcomes`); nothing is written.
    """
    target = png_path(path)
    return write_png(audit_png(audit, windows_days=windows_days, as_of=as_of, title=title), target)


def audit_png(
    audit: pd.DataFrame,
    *,
    windows_days: Mapping[str, int],
    as_of: date | pd.Timestamp,
    title: str | None = None,
) -> bytes:
    """Draw the follow-up audit figure of :func:`audit_figure` and return its PNG bytes.

    Raises:
        InputError: E232 when the table breaks the audit table's contract.
    """
    outcomes = level_outcomes(audit)
    heading = title if title is not None else f"Follow-up audit as of {as_of:%Y-%m-%d}"

    def draw(fig: Figure) -> None:
        bars, curves = fig.subplots(1, 2)
        fig.suptitle(heading)
        _draw_completion(bars, outcomes)
        _draw_followup(curves, outcomes, windows_days)

    return png_bytes(draw)


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
            f"{o.level} (n={o.index_exams})\non time {percent_text(o.on_time_rate)}"
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
