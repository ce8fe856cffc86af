"""Triage rules of the source article, with thresholds from configuration."""

from __future__ import annotations

from typing import Any

import pytest

from calcminer.nlp.triage import TriageConfig, triage

CONFIG = TriageConfig()


@pytest.mark.parametrize(
    ("fields", "level", "rule"),
    [
        ({"calcification": False}, "none", "none_no_calcification"),
        ({"max_size_mm": 5.0}, "benign", "benign_single_focal"),
        ({"max_size_mm": None}, "benign", "benign_single_focal"),
        ({"max_size_mm": 30.0}, "benign", "benign_single_focal"),
        ({"max_size_mm": 30.1}, "urgent", "urgent_size_over_threshold"),
        ({"multiple": True}, "workup", "workup_multiple"),
        ({"bile_duct": True}, "workup", "workup_bile_duct"),
        ({"diffuse": True}, "workup", "workup_diffuse"),
        ({"diffuse": True, "max_size_mm": 35.0}, "urgent", "workup_diffuse"),
    ],
)
def test_triage_levels_and_rules(fields: dict[str, object], level: str, rule: str) -> None:
    args = {
        "calcification": True,
        "multiple": False,
        "max_size_mm": None,
        "bile_duct": False,
        "diffuse": False,
        **fields,
    }
    decision = triage(config=CONFIG, **args)  # type: ignore[arg-type]
    assert decision.level == level
    assert rule in decision.rules
    assert decision.reason.endswith(".")


def test_triage_threshold_is_configuration() -> None:
    strict = TriageConfig(urgent_size_mm=20.0)
    args = {"calcification": True, "multiple": False, "bile_duct": False, "diffuse": False}
    assert triage(max_size_mm=25.0, config=strict, **args).level == "urgent"  # type: ignore[arg-type]
    assert triage(max_size_mm=25.0, config=CONFIG, **args).level == "benign"  # type: ignore[arg-type]


def test_triage_workup_rule_can_be_switched_off() -> None:
    relaxed = TriageConfig(workup_if_multiple=False)
    decision = triage(
        calcification=True,
        multiple=True,
        max_size_mm=4.0,
        bile_duct=False,
        diffuse=False,
        config=relaxed,
    )
    assert decision.level == "benign"


@pytest.mark.parametrize(
    ("size_mm", "level"),
    [(29.9, "benign"), (30.0, "benign"), (30.01, "urgent"), (30.1, "urgent")],
)
def test_triage_urgent_threshold_is_strictly_greater(size_mm: float, level: str) -> None:
    """GOLD_GUIDE: urgent is *larger than* 30 mm; a calcification of exactly 30 mm is benign."""
    decision = triage(
        calcification=True,
        multiple=False,
        max_size_mm=size_mm,
        bile_duct=False,
        diffuse=False,
        config=CONFIG,
    )
    assert CONFIG.urgent_size_mm == 30.0
    assert decision.level == level


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("LIVER: A 3.0 cm calcified mass in segment VI.", "benign"),
        ("LIVER: A 30 mm calcified granuloma in segment VI.", "benign"),
        ("LIVER: A 3.1 cm calcified mass in segment VI.", "urgent"),
    ],
)
def test_triage_urgent_threshold_is_strictly_greater_end_to_end(
    miner: Any, text: str, level: str
) -> None:
    assert miner.mine_text(text).triage == level
