"""Figure plumbing shared by every figure: the ``.png`` check, the Agg canvas under
matplotlib's default style, atomic PNG writing, and the percentages figures write.

matplotlib is imported only inside :func:`png_bytes`, when a figure is drawn, so importing
this module stays cheap. The same figure gives the same bytes: a fixed size and resolution,
matplotlib's default style whatever the user's ``matplotlibrc`` says, and no ``Software``
stamp. Files are written atomically, like the tables of :mod:`calcminer.nlp.io.writers`;
missing parent folders are created.

A new figure hands a ``draw(fig)`` function to :func:`render_png` (or to :func:`png_bytes`
for the PNG's bytes alone), which owns the figure's creation, style and saving (see
:func:`calcminer.nlp.views.plots.audit.audit_figure` and ``audit_png``).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from calcminer.nlp.errors import Errors, OutputError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Extension every figure path must have.
PNG_SUFFIX = ".png"
#: Size of a two-panel figure (width, height) in inches.
FIGURE_SIZE_INCHES: tuple[float, float] = (12.0, 5.0)
#: Resolution of every figure: 12 x 5 inches give 1800 x 750 pixels.
FIGURE_DPI = 150
#: matplotlib style every figure is drawn in (its defaults, whatever the user's rc file says).
FIGURE_STYLE = "default"

#: Full scale of a share in percent.
PERCENT_MAX = 100.0
#: Smallest whole percentage written for a share that is not 0: below it, ``<1 %``.
SHARE_FLOOR_PERCENT = 1


def percent_text(rate: float | None) -> str:
    """Write a rate as a whole percentage.

    Args:
        rate: A share from 0 to 1, or None when it is undefined (0/0).

    Returns:
        ``"42 %"``, or ``"n/a"`` for None.
    """
    return "n/a" if rate is None else f"{PERCENT_MAX * rate:.0f} %"


def share_text(part: int, whole: int) -> str:
    """Write ``part`` as a whole percentage of ``whole`` ("n/a" for 0/0).

    A share is never rounded to a bound it does not reach: some reports out of many are
    ``<1 %``, not ``0 %``, and all but some are ``>99 %``, not ``100 %``.
    """
    text = percent_text(part / whole if whole else None)
    if 0 < part < whole:
        if text == percent_text(0.0):
            return f"<{SHARE_FLOOR_PERCENT} %"
        if text == percent_text(1.0):
            return f">{PERCENT_MAX - SHARE_FLOOR_PERCENT:.0f} %"
    return text


def count_text(number: int, noun: str) -> str:
    """Write a count with its noun, plural unless it is one: ``1 report``, ``3 reports``."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def png_path(path: str | Path) -> Path:
    """Check a figure's path before anything is read or drawn.

    Args:
        path: The output path given by the caller.

    Returns:
        The path as a ``Path``.

    Raises:
        OutputError: E306 when the path does not end in ``.png`` (any case).
    """
    target = Path(path)
    if target.suffix.lower() != PNG_SUFFIX:
        raise OutputError(Errors.E306.format(path=path))
    return target


def png_bytes(
    draw: Callable[[Figure], None],
    size_inches: tuple[float, float] = FIGURE_SIZE_INCHES,
) -> bytes:
    """Create a figure on the Agg canvas, let ``draw`` fill it, and render it as PNG bytes.

    The figure is built and rendered inside matplotlib's default style (rc settings are
    restored afterwards), so the output depends on the data only. The PNG carries no
    ``Software`` stamp and a fixed resolution, for byte-identical output.

    Args:
        draw: Fills the figure (adds axes, artists, titles).
        size_inches: Figure size (width, height) in inches.

    Returns:
        The PNG.
    """
    import matplotlib.style
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with matplotlib.style.context(FIGURE_STYLE):
        fig = Figure(figsize=size_inches, dpi=FIGURE_DPI, layout="constrained")
        FigureCanvasAgg(fig)
        draw(fig)
        return _fig_png(fig)


def _fig_png(fig: Figure) -> bytes:
    """A drawn figure's PNG: fixed resolution, no ``Software`` stamp."""
    buffer = io.BytesIO()
    metadata: dict[str, Any] = {"Software": None}
    fig.savefig(buffer, format="png", dpi=FIGURE_DPI, metadata=metadata)
    return buffer.getvalue()


def render_png(
    draw: Callable[[Figure], None],
    path: Path,
    size_inches: tuple[float, float] = FIGURE_SIZE_INCHES,
) -> Path:
    """Draw a figure (:func:`png_bytes`) and write it as a PNG.

    Rendering happens before the file is touched, so a drawing error leaves nothing behind.

    Args:
        draw: Fills the figure (adds axes, artists, titles).
        path: Output path (``.png``).
        size_inches: Figure size (width, height) in inches.

    Returns:
        The path written.

    Raises:
        OutputError: E202 when the file cannot be written (nothing is left behind).
    """
    return write_png(png_bytes(draw, size_inches), path)


def write_png(data: bytes, path: Path) -> Path:
    """Write PNG bytes atomically; parent folders are created.

    Raises:
        OutputError: E202 when the file cannot be written (nothing is left behind).
    """
    from calcminer.nlp.io.writers import write_atomic

    def write(handle: BinaryIO) -> None:
        handle.write(data)

    write_atomic(path, write)
    return path
