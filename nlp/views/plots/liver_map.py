"""The schematic liver of the segment map: Couinaud geometry, and how its segments are shaded.

:data:`SEGMENT_SHAPES` is a frontal view, not anatomy to scale; :func:`draw_liver_map` shades
each segment by how many reports name it. matplotlib is imported only when the map is drawn.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from calcminer.nlp.views.plots.render import count_text, share_text

if TYPE_CHECKING:
    from matplotlib.figure import Figure

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


def draw_liver_map(fig: Figure, counts: Mapping[str, int], with_segment: int, reports: int) -> None:
    """Draw the segment map into an empty figure: the shaded liver, its title and color bar.

    Each segment of :data:`SEGMENT_SHAPES` is shaded on :data:`SEGMENT_COLORMAP` by its count
    and labelled with its numeral and count; the caudate lobe (I) is drawn over its
    neighbours. The title gives the share of reports that name any segment.

    Args:
        fig: An empty figure (from :func:`calcminer.nlp.views.plots.render.render_png`).
        counts: Segment -> number of reports naming it, for every segment I to VIII.
        with_segment: Reports that name at least one segment.
        reports: All reports of the batch.
    """
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
        f"{with_segment} of {count_text(reports, 'report')} "
        f"({share_text(with_segment, reports)}) name a segment"
    )
    bar = fig.colorbar(ScalarMappable(norm=norm, cmap=colormap), ax=ax, shrink=0.8)
    bar.set_label("Reports naming the segment")
    bar.locator = MaxNLocator(integer=True)
    bar.update_ticks()
