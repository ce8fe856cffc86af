"""calcminer: mine radiology reports for intrahepatic calcifications and triage them.

The Python API is loaded lazily, so ``import calcminer`` stays cheap::

    from calcminer import extract_tables, Miner
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Miner", "__version__", "extract_tables"]

if TYPE_CHECKING:
    from calcminer.nlp.api import extract_tables
    from calcminer.nlp.mining.miner import Miner

#: Lazily exported names -> the module that defines them.
_LAZY: dict[str, str] = {
    "extract_tables": "calcminer.nlp.api",
    "Miner": "calcminer.nlp.mining.miner",
}


def __getattr__(name: str) -> Any:
    """Import the public API on first use (PEP 562)."""
    if name in _LAZY:
        from importlib import import_module

        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
