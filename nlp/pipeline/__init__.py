"""The spaCy pipeline: sections -> targets -> mentions -> ConText -> linker.

Only spaCy components and what they read: no pandas, no file I/O, nothing of the miner
(``calcminer.nlp.mining``), the readers and writers, the engine or the views. ``build.py``
assembles the pipeline from the components (``sections.py``, ``targets.py``,
``mentions.py``, ``context.py``, ``linking.py``) registered in ``factories.py``;
``component.py`` is how each gets its rules; ``extensions.py`` names every ``Doc._``
attribute and span key, ``records.py`` types the records and tuples they hold. The linker
finds the follow-up recommendations with ``recommendations.py`` (and the finder's modules
beside it, ``recommendation_*.py``).

``build_pipeline``, ``PIPE_NAMES`` and ``TARGETS_PIPE`` are importable from here (lazily, so
importing one component module does not build the factories).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from calcminer.nlp.pipeline.build import PIPE_NAMES, TARGETS_PIPE, build_pipeline

__all__ = ["PIPE_NAMES", "TARGETS_PIPE", "build_pipeline"]


def __getattr__(name: str) -> Any:
    """``build_pipeline``, ``PIPE_NAMES`` and ``TARGETS_PIPE`` from ``build.py`` (PEP 562)."""
    if name in __all__:
        from calcminer.nlp.pipeline import build

        return getattr(build, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
