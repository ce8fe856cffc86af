"""The edges: reading reports in (``readers.py``, ``db.py``), tables and files out
(``tables.py``, ``writers.py``).

``calcminer.nlp.io.read_reports`` and the other names of ``readers.py`` are importable from
here, as before this folder was a package (lazily, so importing ``calcminer.nlp.io.writers``
does not read the readers).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any


def __getattr__(name: str) -> Any:
    """A name of ``readers.py`` (``read_reports``, ``MAX_REPORT_CHARS``, ...) (PEP 562)."""
    if name.startswith("__"):
        raise AttributeError(name)
    readers = import_module("calcminer.nlp.io.readers")
    try:
        return getattr(readers, name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
