"""The edges: reading reports in (``readers.py``, with a module per format:
``jsonl_reader.py``, ``csv_reader.py``, ``xlsx_reader.py``, ``txt_reader.py``, where their
bytes come from in ``sources.py`` (compressed files, standard input, encodings), and what they
share in ``records.py``; ``db.py``; ``frames.py``: a DataFrame or dicts handed to the Python
API), tables and files out (``tables.py``; ``writers.py``, with the encodings in
``formats.py``, atomic files in ``atomic.py`` and chunk-by-chunk tables in ``stream.py``).

``calcminer.nlp.io.read_reports`` and the other names of ``readers.py`` (which imports those of
its format modules) are importable from here, as before this folder was a package (lazily,
so importing ``calcminer.nlp.io.writers`` does not read the readers).
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
