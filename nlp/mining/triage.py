"""Triage of a report's aggregated fields by the rules of the source article.

The rules are one table, :data:`~calcminer.nlp.rules.triage_rules.TRIAGE_RULES` (id, level,
description, setting, what it checks, its reason), in the rules layer so that loading
``patterns/`` checks ``[triage]`` against it; :func:`triage` only walks it. The table's names
are re-exported here, where they were first documented.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from calcminer.nlp.errors import Errors, PatternError
from calcminer.nlp.rules.triage_rules import (
    BENIGN_SINGLE_FOCAL,
    NONE_NO_CALCIFICATION,
    RULES_BY_ID,
    TRIAGE_RULES,
    TRIAGE_SETTINGS,
    URGENT_SIZE_OVER_THRESHOLD,
    WORKUP_BILE_DUCT,
    WORKUP_DIFFUSE,
    WORKUP_MULTIPLE,
    Setting,
    TriageFacts,
    TriageRule,
)
from calcminer.nlp.schema import TRIAGE_LEVELS, TriageLevel

__all__ = [
    "BENIGN_SINGLE_FOCAL",
    "NONE_NO_CALCIFICATION",
    "RULES_BY_ID",
    "TRIAGE_RULES",
    "URGENT_SIZE_OVER_THRESHOLD",
    "WORKUP_BILE_DUCT",
    "WORKUP_DIFFUSE",
    "WORKUP_MULTIPLE",
    "TriageConfig",
    "TriageDecision",
    "TriageFacts",
    "TriageRule",
    "triage",
]


class TriageConfig:
    """Triage settings (``[triage]`` in ``patterns/config.toml``): one value per setting key
    of the rule table, read as attributes (``config.urgent_size_mm``).

    Args:
        settings: Values to replace the packaged ones (``TriageConfig(urgent_size_mm=20.0)``);
            each is converted to its packaged value's type. A key that no rule has raises E020.
    """

    __slots__ = ("_items", "_values")
    _items: tuple[tuple[str, Setting], ...]
    _values: dict[str, Setting]

    def __init__(self, **settings: Setting) -> None:
        unknown = sorted(set(settings) - set(TRIAGE_SETTINGS))
        if unknown:
            raise PatternError(Errors.E020.format(keys=unknown, known=sorted(TRIAGE_SETTINGS)))
        items = tuple(
            (key, type(default)(settings.get(key, default)))
            for key, default in TRIAGE_SETTINGS.items()
        )
        object.__setattr__(self, "_items", items)
        object.__setattr__(self, "_values", dict(items))

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> TriageConfig:
        """Build from the ``[triage]`` table (each value converted to its default's type)."""
        return cls(**{key: values[key] for key in TRIAGE_SETTINGS})

    def setting(self, key: str | None) -> Setting | None:
        """The value of setting ``key`` (None for None: a rule that no setting governs)."""
        return None if key is None else self._values[key]

    def __getattr__(self, name: str) -> Setting:
        try:
            return object.__getattribute__(self, "_values")[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("TriageConfig is immutable")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TriageConfig) and self._items == other._items

    def __hash__(self) -> int:
        return hash(self._items)

    def __repr__(self) -> str:
        return "TriageConfig(" + ", ".join(f"{k}={v!r}" for k, v in self._items) + ")"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_config_from_items, (self._items,))


def _config_from_items(items: tuple[tuple[str, Setting], ...]) -> TriageConfig:
    return TriageConfig(**dict(items))


@dataclass(frozen=True)
class TriageDecision:
    """A triage level with the rule ids that fired and a one-line reason."""

    level: TriageLevel
    rules: tuple[str, ...]
    reason: str


def triage(
    *,
    calcification: bool,
    multiple: bool,
    max_size_mm: float | None,
    bile_duct: bool,
    diffuse: bool,
    config: TriageConfig,
) -> TriageDecision:
    """Apply the article's rules: large -> urgent; multiple/ductal/diffuse -> work-up; else benign.

    Walks :data:`TRIAGE_RULES` in order: a ``gate`` rule that applies decides alone (no
    calcification); every ``rule`` that applies fires; a ``fallback`` fires when no ``rule``
    did (single, small, focal: benign).

    Args:
        calcification: At least one counted intrahepatic calcification.
        multiple: Two or more calcified foci.
        max_size_mm: Largest dimension of the largest counted calcification.
        bile_duct: A calcification lies in or along the intrahepatic bile ducts.
        diffuse: The calcifications are diffuse or throughout the liver.
        config: Thresholds.

    Returns:
        The decision. Every rule that fires is listed, the level is the most severe.
    """
    facts = TriageFacts(calcification, multiple, max_size_mm, bile_duct, diffuse)
    fired: list[tuple[TriageRule, Setting | None]] = []
    for rule in TRIAGE_RULES:
        setting = config.setting(rule.threshold_key)
        if rule.kind == "fallback" and fired:
            continue
        if not rule.applies(facts, setting):
            continue
        if rule.kind == "gate":
            fired = [(rule, setting)]
            break
        fired.append((rule, setting))
    level = max((rule.level for rule, _ in fired), key=TRIAGE_LEVELS.index)
    reason = "; ".join(rule.reason(facts, setting) for rule, setting in fired)
    return TriageDecision(
        level, tuple(rule.id for rule, _ in fired), reason[:1].upper() + reason[1:] + "."
    )
