"""Archives: chunks of reports mined in worker processes or on Dask, parts saved for resume,
outputs assembled (``run.py``: ``run_engine``, ``EngineOptions``; ``parts.py``, ``workfolder.py``:
the work folder; ``dask.py``: the Dask engine).

The names of ``run.py`` are importable from here, as before this folder was a package.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any


def __getattr__(name: str) -> Any:
    """A name of ``run.py`` (``run_engine``, ``EngineOptions``, ...) (PEP 562)."""
    if name.startswith("__"):
        raise AttributeError(name)
    run = import_module("calcminer.nlp.engine.run")
    try:
        return getattr(run, name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
