"""Triage rules of the source article, applied to a report's aggregated fields."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from calcminer.nlp.schema import TRIAGE_LEVELS, TriageLevel


@dataclass(frozen=True)
class TriageRule:
    """One triage rule: the id a report row records, its level and what it is for.

    Attributes:
        id: Stable snake_case id, recorded in ``ReportResult.triage_rules``.
        level: The triage level the rule gives when it fires.
        description: What the rule is for (``calcminer rules --kind triage``).
        threshold_key: The ``[triage]`` key of ``patterns/config.toml`` that sets or switches
            the rule (a field of :class:`TriageConfig`); None when no setting governs it.
    """

    id: str
    level: TriageLevel
    description: str
    threshold_key: str | None


NONE_NO_CALCIFICATION = TriageRule(
    "none_no_calcification", "none", "no counted intrahepatic calcification", None
)
URGENT_SIZE_OVER_THRESHOLD = TriageRule(
    "urgent_size_over_threshold",
    "urgent",
    "a calcified focus larger than triage.urgent_size_mm: possible metastasis, CT/MRI",
    "urgent_size_mm",
)
WORKUP_MULTIPLE = TriageRule(
    "workup_multiple", "workup", "two or more calcified foci", "workup_if_multiple"
)
WORKUP_BILE_DUCT = TriageRule(
    "workup_bile_duct",
    "workup",
    "along the intrahepatic bile ducts (possible duct stones)",
    "workup_if_bile_duct",
)
WORKUP_DIFFUSE = TriageRule(
    "workup_diffuse", "workup", "diffuse calcification", "workup_if_diffuse"
)
BENIGN_SINGLE_FOCAL = TriageRule(
    "benign_single_focal", "benign", "single, small, focal calcification: no treatment", None
)

#: Every triage rule, in the order :func:`triage` checks them (and ``calcminer rules`` lists
#: them). A new rule is one row here, its check in :func:`triage`, and its setting (if any) in
#: ``[triage]`` of ``patterns/config.toml`` and :class:`TriageConfig`.
TRIAGE_RULES: tuple[TriageRule, ...] = (
    NONE_NO_CALCIFICATION,
    URGENT_SIZE_OVER_THRESHOLD,
    WORKUP_MULTIPLE,
    WORKUP_BILE_DUCT,
    WORKUP_DIFFUSE,
    BENIGN_SINGLE_FOCAL,
)
RULES_BY_ID: Mapping[str, TriageRule] = {rule.id: rule for rule in TRIAGE_RULES}


@dataclass(frozen=True)
class TriageConfig:
    """Triage thresholds (from ``[triage]`` in ``patterns/config.toml``).

    Attributes:
        urgent_size_mm: A counted calcification larger than this is urgent.
        workup_if_multiple: Multiple calcifications need work-up.
        workup_if_bile_duct: Calcifications along the intrahepatic bile ducts need work-up.
        workup_if_diffuse: Diffuse calcifications need work-up.
    """

    urgent_size_mm: float = 30.0
    workup_if_multiple: bool = True
    workup_if_bile_duct: bool = True
    workup_if_diffuse: bool = True

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> TriageConfig:
        """Build from the ``[triage]`` table (each value converted to its default's type)."""
        defaults = cls()
        return cls(**{f.name: type(getattr(defaults, f.name))(values[f.name]) for f in fields(cls)})


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
    if not calcification:
        rule = NONE_NO_CALCIFICATION
        return TriageDecision(rule.level, (rule.id,), "No intrahepatic calcification.")
    fired: list[TriageRule] = []
    reasons: list[str] = []
    limit = config.urgent_size_mm
    if max_size_mm is not None and max_size_mm > limit:
        fired.append(URGENT_SIZE_OVER_THRESHOLD)
        reasons.append(
            f"calcified focus of {max_size_mm:g} mm (> {limit:g} mm): possible metastasis, "
            "confirm with CT/MRI"
        )
    if config.workup_if_multiple and multiple:
        fired.append(WORKUP_MULTIPLE)
        reasons.append("multiple calcifications: further work-up")
    if config.workup_if_bile_duct and bile_duct:
        fired.append(WORKUP_BILE_DUCT)
        reasons.append("along the intrahepatic bile ducts (possible duct stones): further work-up")
    if config.workup_if_diffuse and diffuse:
        fired.append(WORKUP_DIFFUSE)
        reasons.append("diffuse calcification: further work-up")
    if not fired:
        size = f"{max_size_mm:g} mm" if max_size_mm is not None else "size not stated"
        fired.append(BENIGN_SINGLE_FOCAL)
        reasons.append(f"single focal calcification ({size}): benign, no treatment needed")
    level = max((rule.level for rule in fired), key=TRIAGE_LEVELS.index)
    reason = "; ".join(reasons)
    return TriageDecision(
        level, tuple(rule.id for rule in fired), reason[:1].upper() + reason[1:] + "."
    )
