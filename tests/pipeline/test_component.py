"""The rules are loaded once per miner and handed to every component (spaCy's initialize),
saved with the pipeline (to_disk / from_disk), and sent loaded to worker processes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import spacy

from calcminer.nlp.errors import PatternError
from calcminer.nlp.mining.miner import Miner
from calcminer.nlp.pipeline.build import PIPE_NAMES, build_pipeline
from calcminer.nlp.pipeline.component import RuleComponent
from calcminer.nlp.pipeline.extensions import FINDINGS
from calcminer.nlp.rules import patterns as patterns_module
from calcminer.nlp.rules.patterns import load_patterns

TEXT = "LIVER: Two calcified granulomas, the larger 6 mm, in segments VI and VII."


def _findings(nlp: Any, text: str = TEXT) -> Any:
    return nlp(text)._.get(FINDINGS)


def test_component_rules_are_loaded_once_per_miner(monkeypatch: pytest.MonkeyPatch) -> None:
    """One read of the rule files for the miner and its five components (each factory read
    them again before)."""
    calls = []
    real = patterns_module.load_span_rules

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(patterns_module, "load_span_rules", counting)
    Miner()
    assert len(calls) == 2  # targets.jsonl and mentions.jsonl, once each


def test_component_every_component_shares_the_miners_rules() -> None:
    miner = Miner()
    components = [c for _, c in miner.nlp.pipeline if isinstance(c, RuleComponent)]
    assert [c.name for c in components] == list(PIPE_NAMES)
    assert all(c.rules is miner.patterns for c in components)


def test_component_pipeline_config_holds_no_path(patterns_copy: Path) -> None:
    nlp = build_pipeline(patterns_copy)
    assert str(patterns_copy) not in nlp.config.to_str()
    assert all(nlp.config["components"][n]["patterns_dir"] is None for n in nlp.pipe_names)


def test_component_config_overrides_reach_the_components() -> None:
    """An override changes what the linker reads, not only the miner's own copy."""
    default = Miner().nlp.get_pipe("calcminer_linker")
    override = {"linking": {"max_postmodifier_distance_tokens": 3}}
    linker = Miner(config_overrides=override).nlp.get_pipe("calcminer_linker")
    assert linker.settings.max_post_distance == 3 != default.settings.max_post_distance


def test_component_without_rules_says_how_to_give_them() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("calcminer_sections")
    with pytest.raises(PatternError) as caught:
        nlp("LIVER: normal.")
    assert caught.value.code == "E012" and "calcminer_sections" in str(caught.value)


def test_component_add_pipe_then_initialize_gives_the_packaged_rules() -> None:
    nlp = spacy.blank("en")
    for name in PIPE_NAMES:
        nlp.add_pipe(name)
    nlp.initialize()
    assert _findings(nlp) == _findings(build_pipeline())


def test_component_initialize_leaves_the_rule_classes_alone() -> None:
    """spaCy checks initialize()'s settings with pydantic (v1 under spaCy 3.7, v2 under 3.8):
    that works on both, and does not turn the rule dataclasses into pydantic dataclasses."""
    from calcminer.nlp.rules import patterns

    classes = [
        value
        for value in vars(patterns).values()
        if isinstance(value, type) and value.__module__ == patterns.__name__
    ]
    before = {cls: dict(vars(cls)) for cls in classes}
    nlp = spacy.blank("en")
    nlp.add_pipe("calcminer_sections")
    nlp.initialize()
    assert {cls: dict(vars(cls)) for cls in classes} == before


def test_component_factory_with_a_patterns_dir_still_loads_it(patterns_copy: Path) -> None:
    nlp = spacy.blank("en")
    linker = nlp.add_pipe("calcminer_linker", config={"patterns_dir": str(patterns_copy)})
    assert isinstance(linker, RuleComponent)
    assert linker.rules.directory == str(patterns_copy)


def test_component_saved_pipeline_loads_without_its_rule_folder(
    patterns_copy: Path, tmp_path: Path
) -> None:
    """to_disk writes the rules (and overrides) beside each component; spacy.load reads
    those, so the folder the rules first came from may be gone."""
    override = {"linking": {"max_postmodifier_distance_tokens": 5}}
    miner = Miner(patterns_copy, config_overrides=override)
    expected = _findings(miner.nlp)
    miner.nlp.to_disk(tmp_path / "saved")
    shutil.rmtree(patterns_copy)
    loaded = spacy.load(tmp_path / "saved")
    assert _findings(loaded) == expected
    assert loaded.get_pipe("calcminer_linker").settings.max_post_distance == 5


def test_component_miner_from_loaded_rules_reads_no_folder(patterns_copy: Path) -> None:
    rules = load_patterns(patterns_copy)
    shutil.rmtree(patterns_copy)
    assert Miner(patterns=rules).mine_text(TEXT).segments == ("VI", "VII")


def test_component_worker_builds_its_miner_from_the_rules_it_is_sent(patterns_copy: Path) -> None:
    """A worker gets the loaded rules, not a path: it mines with the folder deleted (run in a
    child, since the worker freezes the collector)."""
    code = (
        "import shutil, sys\n"
        "from calcminer.nlp import engine\n"
        "from calcminer.nlp.rules.patterns import load_patterns\n"
        "rules = load_patterns(sys.argv[1])\n"
        "shutil.rmtree(sys.argv[1])\n"
        "engine._init_worker(rules, True)\n"
        "miner = engine._WORKER_STATE['miner']\n"
        f"print(miner.patterns is rules, miner.mine_text({TEXT!r}).count)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(patterns_copy)],
        capture_output=True,
        text=True,
        check=True,
        timeout=180,
    )
    assert done.stdout.split() == ["True", "2"]


def test_component_fingerprint_tells_rule_sets_apart(patterns_copy: Path) -> None:
    packaged = load_patterns()
    assert load_patterns().fingerprint == packaged.fingerprint
    assert load_patterns(patterns_copy).fingerprint == packaged.fingerprint  # same bytes
    override = {"triage": {"urgent_size_mm": 25}}
    assert load_patterns(None, override).fingerprint != packaged.fingerprint
    (patterns_copy / "config.toml").write_text(
        (patterns_copy / "config.toml").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    assert load_patterns(patterns_copy).fingerprint != packaged.fingerprint
