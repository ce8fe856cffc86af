"""Plots at the output edge of the flow: tables (pandas) -> PNG figures.

Every figure is drawn with matplotlib's object API on the Agg canvas (no pyplot, no display),
under matplotlib's default style so a user's ``matplotlibrc`` cannot change the output, at a
fixed size and resolution, and saved without a ``Software`` stamp: the same table gives a
byte-identical PNG. matplotlib (and pandas) are imported only when a figure is drawn, so
importing this package stays cheap. Files are written atomically, like the tables of
:mod:`calcminer.nlp.io.writers`; missing parent folders are created. Figures show counts, rates
and levels only: never report text, never patient ids.

Figures: the follow-up audit (:func:`audit_figure`), and for a batch of mined reports the
triage levels, the size of the largest counted calcification of each report and a Couinaud
segment map (:func:`batch_figures`), all from the report table. The batch figures also read
that table back from CSV or Parquet (lists as ``;``-joined text, booleans as
``true``/``false``; see :func:`normalize_table`).

One module a concern; every name below is importable from ``calcminer.nlp.views.plots`` as it
was when the package was one module:

- ``render.py``: what every figure shares (the ``.png`` check, the Agg canvas under the
  default style, atomic PNG writing, percentages);
- ``audit.py``: the follow-up audit figure and the pure helpers that count its panels;
- ``batch.py``: the batch figures (triage, sizes, segment map) and :func:`batch_figures`;
- ``liver_map.py``: the schematic liver the segment map shades (Couinaud geometry, drawing);
- ``readback.py``: a report or findings table read back from CSV or Parquet.

New figures follow :func:`audit_figure`: a ``draw(fig)`` function handed to
:func:`calcminer.nlp.views.plots.render.render_png`, which owns the figure's creation, style
and saving.
"""

from calcminer.nlp.audit import LEVELS, STATUSES
from calcminer.nlp.schema import COUINAUD_SEGMENTS, TRIAGE_LEVELS
from calcminer.nlp.views.plots.audit import (
    AUDIT_PLOT_COLUMNS,
    BAR_AXIS_MARGIN,
    BAR_HEIGHT,
    EXTRA_LEVEL_COLORS,
    FOLLOWED_UP_STATUSES,
    LEGEND_ANCHOR,
    LEVEL_COLORS,
    MAX_LEGEND_COLUMNS,
    MIN_ANNOTATED_SHARE,
    MIN_AXIS_DAYS,
    NO_INDEX_EXAMS,
    STATUS_COLORS,
    WINDOW_AXIS_FACTOR,
    WINDOW_LINE_ALPHA,
    LevelOutcome,
    StepCurve,
    audit_figure,
    audit_png,
    axis_max_days,
    cumulative_share,
    level_colors,
    level_order,
    level_outcomes,
    on_time_rate,
)
from calcminer.nlp.views.plots.batch import (
    BAR_LABEL_HEADROOM,
    BATCH_FIGURE_SIZE_INCHES,
    MAX_SIZE_TICKS,
    NO_REPORTS,
    NO_SIZES,
    SEGMENT_ALIASES,
    SEGMENT_PLOT_COLUMNS,
    SEGMENTS_PNG,
    SIZE_AXIS_MAX_MM,
    SIZE_BAR_COLOR,
    SIZE_BIN_WIDTH_MM,
    SIZE_PLOT_COLUMNS,
    SIZES_PNG,
    THRESHOLD_LINE_COLOR,
    TRIAGE_COLORS,
    TRIAGE_PLOT_COLUMNS,
    TRIAGE_PNG,
    URGENT_BAR_COLOR,
    SizeBins,
    SizeSample,
    batch_figures,
    report_segments,
    segment_counts,
    segment_map_figure,
    size_bins,
    size_figure,
    size_values,
    triage_counts,
    triage_figure,
)
from calcminer.nlp.views.plots.liver_map import (
    CAUDATE_LABEL_FONT_SIZE,
    DARK_SHADE_SHARE,
    LIVER_X_LIMITS,
    LIVER_Y_LIMITS,
    SEGMENT_COLORMAP,
    SEGMENT_EDGE_COLOR,
    SEGMENT_EDGE_WIDTH,
    SEGMENT_LABEL_FONT_SIZE,
    SEGMENT_SHAPES,
    SegmentShape,
)
from calcminer.nlp.views.plots.readback import (
    SIZE_COLUMNS,
    CellError,
    bool_cell,
    list_cell,
    normalize_table,
    size_cell,
)
from calcminer.nlp.views.plots.render import (
    FIGURE_DPI,
    FIGURE_SIZE_INCHES,
    FIGURE_STYLE,
    PERCENT_MAX,
    PNG_SUFFIX,
)

__all__ = [
    "AUDIT_PLOT_COLUMNS",
    "BAR_AXIS_MARGIN",
    "BAR_HEIGHT",
    "BAR_LABEL_HEADROOM",
    "BATCH_FIGURE_SIZE_INCHES",
    "CAUDATE_LABEL_FONT_SIZE",
    "COUINAUD_SEGMENTS",
    "DARK_SHADE_SHARE",
    "EXTRA_LEVEL_COLORS",
    "FIGURE_DPI",
    "FIGURE_SIZE_INCHES",
    "FIGURE_STYLE",
    "FOLLOWED_UP_STATUSES",
    "LEGEND_ANCHOR",
    "LEVELS",
    "LEVEL_COLORS",
    "LIVER_X_LIMITS",
    "LIVER_Y_LIMITS",
    "MAX_LEGEND_COLUMNS",
    "MAX_SIZE_TICKS",
    "MIN_ANNOTATED_SHARE",
    "MIN_AXIS_DAYS",
    "NO_INDEX_EXAMS",
    "NO_REPORTS",
    "NO_SIZES",
    "PERCENT_MAX",
    "PNG_SUFFIX",
    "SEGMENTS_PNG",
    "SEGMENT_ALIASES",
    "SEGMENT_COLORMAP",
    "SEGMENT_EDGE_COLOR",
    "SEGMENT_EDGE_WIDTH",
    "SEGMENT_LABEL_FONT_SIZE",
    "SEGMENT_PLOT_COLUMNS",
    "SEGMENT_SHAPES",
    "SIZES_PNG",
    "SIZE_AXIS_MAX_MM",
    "SIZE_BAR_COLOR",
    "SIZE_BIN_WIDTH_MM",
    "SIZE_COLUMNS",
    "SIZE_PLOT_COLUMNS",
    "STATUSES",
    "STATUS_COLORS",
    "THRESHOLD_LINE_COLOR",
    "TRIAGE_COLORS",
    "TRIAGE_LEVELS",
    "TRIAGE_PLOT_COLUMNS",
    "TRIAGE_PNG",
    "URGENT_BAR_COLOR",
    "WINDOW_AXIS_FACTOR",
    "WINDOW_LINE_ALPHA",
    "CellError",
    "LevelOutcome",
    "SegmentShape",
    "SizeBins",
    "SizeSample",
    "StepCurve",
    "audit_figure",
    "audit_png",
    "axis_max_days",
    "batch_figures",
    "bool_cell",
    "cumulative_share",
    "level_colors",
    "level_order",
    "level_outcomes",
    "list_cell",
    "normalize_table",
    "on_time_rate",
    "report_segments",
    "segment_counts",
    "segment_map_figure",
    "size_bins",
    "size_cell",
    "size_figure",
    "size_values",
    "triage_counts",
    "triage_figure",
]
