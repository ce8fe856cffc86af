"""Triage rules of the source article, applied to a report's aggregated fields."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .schema import TriageLevel


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
        """Build from the ``[triage]`` table."""
        return cls(
            urgent_size_mm=float(values["urgent_size_mm"]),
            workup_if_multiple=bool(values["workup_if_multiple"]),
            workup_if_bile_duct=bool(values["workup_if_bile_duct"]),
            workup_if_diffuse=bool(values["workup_if_diffuse"]),
        )


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
        return TriageDecision("none", ("none_no_calcification",), "No intrahepatic calcification.")
    fired: list[str] = []
    reasons: list[str] = []
    limit = config.urgent_size_mm
    if max_size_mm is not None and max_size_mm > limit:
        fired.append("urgent_size_over_threshold")
        reasons.append(
            f"calcified focus of {max_size_mm:g} mm (> {limit:g} mm): possible metastasis, "
            "confirm with CT/MRI"
        )
    if config.workup_if_multiple and multiple:
        fired.append("workup_multiple")
        reasons.append("multiple calcifications: further work-up")
    if config.workup_if_bile_duct and bile_duct:
        fired.append("workup_bile_duct")
        reasons.append("along the intrahepatic bile ducts (possible duct stones): further work-up")
    if config.workup_if_diffuse and diffuse:
        fired.append("workup_diffuse")
        reasons.append("diffuse calcification: further work-up")
    if fired and fired[0].startswith("urgent"):
        level: TriageLevel = "urgent"
    elif fired:
        level = "workup"
    else:
        size = f"{max_size_mm:g} mm" if max_size_mm is not None else "size not stated"
        fired.append("benign_single_focal")
        reasons.append(f"single focal calcification ({size}): benign, no treatment needed")
        level = "benign"
    reason = "; ".join(reasons)
    return TriageDecision(level, tuple(fired), reason[:1].upper() + reason[1:] + ".")
