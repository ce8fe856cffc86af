"""Archives: chunks of reports mined in worker processes or on Dask, parts saved for resume,
outputs assembled (``run.py``: ``run_engine``, ``EngineOptions``, the worker pool;
``chunks.py``: one chunk's tables and counts, and mining it; ``assembly.py``: the outputs,
streamed from the parts; ``inputs.py``: the inputs' fingerprint, record count and repeated
ids; ``progress.py``: the progress bar; ``parts.py``, ``workfolder.py`` and ``folder.py``: the
work folder and the output locks; ``dask.py``: the Dask engine; ``exams.py`` and
``exam_parts.py``: the audit's exams mined on the same engine, and their parts).

The names of ``run.py`` (which imports those of ``chunks.py``, ``assembly.py`` and
``inputs.py``) are importable from here, as before this folder was a package.
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
