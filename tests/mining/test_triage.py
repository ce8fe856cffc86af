"""Triage rules of the source article, with thresholds from configuration."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from typer.testing import CliRunner

from calcminer.cli import app
from calcminer.nlp.errors import PatternError
from calcminer.nlp.mining.triage import RULES_BY_ID, TRIAGE_RULES, TriageConfig, TriageRule, triage
from calcminer.nlp.rules.patterns import (
    _CONFIG_KEYS,
    CONFIG_FILE,
    default_patterns_dir,
    load_config,
)
from calcminer.nlp.rules.triage_rules import TRIAGE_SETTINGS, TriageFacts
from calcminer.nlp.schema import TRIAGE_LEVELS
from calcminer.nlp.views.explain import rule_catalogue

CONFIG = TriageConfig()
NOTHING: dict[str, Any] = {
    "calcification": True,
    "multiple": False,
    "max_size_mm": None,
    "bile_duct": False,
    "diffuse": False,
}
#: Inputs that fire each rule of the table (with the default configuration).
FIRING_INPUTS: dict[str, dict[str, Any]] = {
    "none_no_calcification": {**NOTHING, "calcification": False},
    "urgent_size_over_threshold": {**NOTHING, "max_size_mm": 35.0},
    "workup_multiple": {**NOTHING, "multiple": True},
    "workup_bile_duct": {**NOTHING, "bile_duct": True},
    "workup_diffuse": {**NOTHING, "diffuse": True},
    "benign_single_focal": {**NOTHING, "max_size_mm": 5.0},
}


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


# --- the rule table ------------------------------------------------------------------------------


def test_triage_rule_table_ids_are_unique_and_levels_known() -> None:
    ids = [rule.id for rule in TRIAGE_RULES]
    assert len(ids) == len(set(ids)) == len(RULES_BY_ID)
    assert all(RULES_BY_ID[rule.id] is rule for rule in TRIAGE_RULES)
    assert {rule.level for rule in TRIAGE_RULES} == set(TRIAGE_LEVELS)


def test_triage_rule_table_has_firing_inputs_for_every_rule() -> None:
    assert list(FIRING_INPUTS) == [rule.id for rule in TRIAGE_RULES]


@pytest.mark.parametrize("rule", TRIAGE_RULES, ids=lambda rule: rule.id)
def test_triage_every_rule_can_fire(rule: TriageRule) -> None:
    decision = triage(config=CONFIG, **FIRING_INPUTS[rule.id])
    assert decision.rules == (rule.id,)
    assert decision.level == rule.level


def _inputs_around(limit_mm: float) -> list[dict[str, Any]]:
    sizes = (None, 0.0, limit_mm - 0.1, limit_mm, limit_mm + 0.01, limit_mm * 3)
    return [
        {
            "calcification": calcification,
            "multiple": multiple,
            "max_size_mm": size,
            "bile_duct": bile_duct,
            "diffuse": diffuse,
        }
        for calcification, multiple, bile_duct, diffuse in itertools.product(
            (False, True), repeat=4
        )
        for size in sizes
    ]


def _configs() -> list[TriageConfig]:
    switches = [key for key, value in TRIAGE_SETTINGS.items() if isinstance(value, bool)]
    return [
        TriageConfig(urgent_size_mm=limit, **dict(zip(switches, values, strict=True)))
        for limit in (CONFIG.urgent_size_mm, 10.0)
        for values in itertools.product((True, False), repeat=len(switches))
    ]


def test_triage_returns_only_table_rules_in_table_order() -> None:
    """Over every combination of inputs and switches, sizes around the threshold included."""
    order = {rule.id: index for index, rule in enumerate(TRIAGE_RULES)}
    seen: set[str] = set()
    for config in _configs():
        for args in _inputs_around(config.urgent_size_mm):
            decision = triage(config=config, **args)
            assert decision.rules, args
            assert set(decision.rules) <= set(RULES_BY_ID), (args, decision.rules)
            assert list(decision.rules) == sorted(decision.rules, key=order.__getitem__)
            most_severe = max(
                (RULES_BY_ID[rule].level for rule in decision.rules), key=TRIAGE_LEVELS.index
            )
            assert decision.level == most_severe, (args, decision)
            seen.update(decision.rules)
    assert seen == set(RULES_BY_ID)


def test_triage_threshold_keys_are_config_keys_and_fields() -> None:
    keys = {rule.threshold_key for rule in TRIAGE_RULES if rule.threshold_key is not None}
    packaged = load_config(default_patterns_dir() / CONFIG_FILE, default_patterns_dir())
    assert keys == _CONFIG_KEYS["triage"]
    assert keys == set(TRIAGE_SETTINGS)
    assert keys == set(packaged["triage"])


@pytest.mark.parametrize(
    "rule", [r for r in TRIAGE_RULES if r.threshold_key is not None], ids=lambda rule: rule.id
)
def test_triage_threshold_key_governs_its_rule(rule: TriageRule) -> None:
    """Switching a rule's key off (or raising its size above the input) stops it firing."""
    assert rule.threshold_key is not None
    args = FIRING_INPUTS[rule.id]
    value = getattr(CONFIG, rule.threshold_key)
    off = False if isinstance(value, bool) else 10 * float(args["max_size_mm"])
    decision = triage(config=TriageConfig(**{rule.threshold_key: off}), **args)
    assert rule.id not in decision.rules


def test_triage_config_from_mapping_converts_like_the_fields() -> None:
    packaged = load_config(default_patterns_dir() / CONFIG_FILE, default_patterns_dir())
    assert TriageConfig.from_mapping(packaged["triage"]) == CONFIG
    config = TriageConfig.from_mapping(
        {
            "urgent_size_mm": 25,
            "workup_if_multiple": 0,
            "workup_if_bile_duct": 1,
            "workup_if_diffuse": True,
        }
    )
    assert config == TriageConfig(
        urgent_size_mm=25.0, workup_if_multiple=False, workup_if_bile_duct=True
    )
    assert isinstance(config.urgent_size_mm, float)
    assert isinstance(config.workup_if_multiple, bool)


def test_triage_catalogue_lists_the_table_in_order() -> None:
    listed = [
        (rule.id, rule.label, rule.description)
        for rule in rule_catalogue()
        if rule.kind == "triage"
    ]
    assert listed == [(rule.id, rule.level, rule.description) for rule in TRIAGE_RULES]


def test_triage_rules_cli_lists_the_table_in_order() -> None:
    result = CliRunner().invoke(app, ["rules", "--kind", "triage"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert [line.split()[1] for line in lines[1:-1]] == [rule.id for rule in TRIAGE_RULES]
    assert lines[-1] == f"{len(TRIAGE_RULES)} rule(s)"


def test_triage_table_gate_first_fallback_last() -> None:
    """The walk in ``triage()`` relies on it: a gate decides alone, so it comes first; the
    fallback fires only when no rule did, so it comes last and always applies."""
    kinds = [rule.kind for rule in TRIAGE_RULES]
    assert kinds == sorted(kinds, key=["gate", "rule", "fallback"].index)
    assert kinds[-1] == "fallback"
    last = TRIAGE_RULES[-1]
    for args in _inputs_around(30.0):
        assert last.applies(TriageFacts(**args), None)


def test_triage_table_settings_have_defaults_of_their_type() -> None:
    packaged = load_config(default_patterns_dir() / CONFIG_FILE, default_patterns_dir())
    for rule in TRIAGE_RULES:
        if rule.threshold_key is None:
            assert rule.default is None
        else:
            assert type(rule.default) is type(packaged["triage"][rule.threshold_key])


def test_triage_config_unknown_setting_is_e020() -> None:
    with pytest.raises(PatternError) as caught:
        TriageConfig(workup_if_caudate=True)
    assert caught.value.code == "E020" and "workup_if_caudate" in str(caught.value)


def test_triage_config_is_immutable_hashable_and_picklable() -> None:
    import pickle

    config = TriageConfig(urgent_size_mm=25.0)
    with pytest.raises(AttributeError):
        config.urgent_size_mm = 3.0  # type: ignore[misc]
    assert {config: 1}[TriageConfig(urgent_size_mm=25)] == 1
    assert pickle.loads(pickle.dumps(config)) == config
    assert config != CONFIG and repr(config).startswith("TriageConfig(urgent_size_mm=25.0")
