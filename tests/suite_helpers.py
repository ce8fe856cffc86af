"""Helper functions that several test modules share, one definition each (the fixtures they
share are in ``conftest.py``). Heavy imports stay inside the functions."""

from __future__ import annotations

import shutil
import struct
from pathlib import Path
from typing import Any

from calcminer.nlp.schema import RecordError, Report


def copy_patterns(tmp_path: Path) -> Path:
    """A writable copy of the packaged rule folder, as ``tmp_path/patterns``."""
    from calcminer.nlp.rules.patterns import default_patterns_dir

    target = tmp_path / "patterns"
    shutil.copytree(default_patterns_dir(), target)
    return target


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk (the first chunk after the signature)."""
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def drawn_texts(fig: Any) -> list[str]:
    """Every text drawn in a figure: titles, labels, tick labels, legends, annotations."""
    from matplotlib.text import Text

    return [text.get_text() for text in fig.findobj(Text) if text.get_text()]


def reports_only(items: list[Report | RecordError]) -> list[Report]:
    """The reports of what a reader gave, which must hold no record error."""
    assert all(isinstance(item, Report) for item in items), items
    return [item for item in items if isinstance(item, Report)]
