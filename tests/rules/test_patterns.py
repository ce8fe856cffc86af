"""Rule files are validated on load: errors name the file and the rule id."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from suite_env import REPO_ROOT

from calcminer.nlp.errors import PatternError
from calcminer.nlp.rules.patterns import (
    MENTION_FILE,
    PATTERN_FILES,
    TARGET_FILE,
    default_patterns_dir,
    load_patterns,
)


def _append_jsonl(path: Path, rule: dict[str, object]) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(rule) + "\n")


def test_patterns_packaged_files_load_and_every_rule_has_an_id() -> None:
    patterns = load_patterns()
    ids = [r.id for r in (*patterns.targets, *patterns.mentions)]
    ids += [r["metadata"]["id"] for r in patterns.context_rules]
    ids += [s.id for s in patterns.sections]
    assert len(ids) == len(set(ids))
    assert all(ids)
    assert {f.name for f in default_patterns_dir().iterdir()} >= set(PATTERN_FILES)


@pytest.mark.parametrize(
    ("rule", "code"),
    [
        ({"id": "x_extra", "label": "CALCIFICATION", "pattern": "calc", "color": "red"}, "E003"),
        ({"id": "calc_noun", "label": "CALCIFICATION", "pattern": "calc"}, "E004"),
        ({"id": "x_label", "label": "KIDNEY_STONE", "pattern": "calc"}, "E005"),
        ({"label": "CALCIFICATION", "pattern": "calc"}, "E006"),
        ({"id": "Bad-Id", "label": "CALCIFICATION", "pattern": "calc"}, "E007"),
        ({"id": "x_empty", "label": "CALCIFICATION", "pattern": []}, "E007"),
    ],
)
def test_patterns_invalid_target_rule_is_reported(
    patterns_copy: Path, rule: dict[str, object], code: str
) -> None:
    _append_jsonl(patterns_copy / TARGET_FILE, rule)
    with pytest.raises(PatternError) as err:
        load_patterns(patterns_copy)
    assert err.value.code == code
    assert TARGET_FILE in str(err.value)


def test_patterns_valued_label_needs_value(patterns_copy: Path) -> None:
    _append_jsonl(patterns_copy / MENTION_FILE, {"id": "organ_x", "label": "ORGAN", "pattern": "x"})
    with pytest.raises(PatternError, match="organ_x") as err:
        load_patterns(patterns_copy)
    assert err.value.code == "E007"


def test_patterns_bad_json_names_file_and_line(patterns_copy: Path) -> None:
    with (patterns_copy / MENTION_FILE).open("a") as f:
        f.write("{not json\n")
    with pytest.raises(PatternError) as err:
        load_patterns(patterns_copy)
    assert err.value.code == "E002"
    assert MENTION_FILE in str(err.value)


def test_patterns_missing_file(patterns_copy: Path) -> None:
    (patterns_copy / "context_rules.json").unlink()
    with pytest.raises(PatternError) as err:
        load_patterns(patterns_copy)
    assert err.value.code == "E001"


def test_patterns_context_rule_category_is_checked(patterns_copy: Path) -> None:
    path = patterns_copy / "context_rules.json"
    data = json.loads(path.read_text())
    data["context_rules"][0]["category"] = "MAYBE"
    path.write_text(json.dumps(data))
    with pytest.raises(PatternError, match=data["context_rules"][0]["metadata"]["id"]) as err:
        load_patterns(patterns_copy)
    assert err.value.code == "E005"


def test_patterns_config_keys_are_checked(patterns_copy: Path) -> None:
    path = patterns_copy / "config.toml"
    path.write_text(path.read_text().replace("urgent_size_mm", "urgent_size"))
    with pytest.raises(PatternError) as err:
        load_patterns(patterns_copy)
    assert err.value.code == "E008"


def test_patterns_overrides_replace_configuration() -> None:
    patterns = load_patterns(overrides={"triage": {"urgent_size_mm": 20.0}})
    assert patterns.config["triage"]["urgent_size_mm"] == 20.0
    with pytest.raises(PatternError):
        load_patterns(overrides={"triage": {"urgent_size_cm": 2.0}})


def test_patterns_user_rule_set_changes_what_is_found(patterns_copy: Path) -> None:
    from calcminer.nlp.mining.miner import Miner

    text = "LIVER: A 4 mm hepatic calcinoma in segment VI."
    assert not Miner().mine_text(text).calcification
    _append_jsonl(
        patterns_copy / TARGET_FILE,
        {"id": "user_calcinoma", "label": "CALCIFICATION", "pattern": [{"LOWER": "calcinoma"}]},
    )
    result = Miner(patterns_dir=patterns_copy).mine_text(text)
    assert result.calcification
    assert result.findings[0].pattern_id == "user_calcinoma"
    assert result.max_size_mm == 4.0


def test_patterns_user_threshold_changes_triage(patterns_copy: Path) -> None:
    from calcminer.nlp.mining.miner import Miner

    path = patterns_copy / "config.toml"
    path.write_text(path.read_text().replace("urgent_size_mm = 30.0", "urgent_size_mm = 10.0"))
    text = "LIVER: A 12 mm calcified granuloma in segment VI."
    assert Miner(patterns_dir=patterns_copy).mine_text(text).triage == "urgent"
    assert Miner().mine_text(text).triage == "benign"


def test_patterns_matcher_patterns_split_first_token_in_lists() -> None:
    from calcminer.nlp.rules.patterns import matcher_patterns

    pattern = [{"LOWER": {"IN": ["calcified", "calcific", "calcified"]}}, {"LOWER": "focus"}]
    assert matcher_patterns(pattern) == [
        [{"LOWER": "calcified"}, {"LOWER": "focus"}],
        [{"LOWER": "calcific"}, {"LOWER": "focus"}],
    ]
    unchanged = [
        "calcified granuloma",
        [{"LOWER": {"IN": ["a", "b"]}, "OP": "?"}, {"LOWER": "x"}],
        [{"TEXT": {"REGEX": "^x$"}}],
        [{"LOWER": {"NOT_IN": ["a"]}}],
        [{"LIKE_NUM": True}, {"LOWER": {"IN": ["mm"]}}],
    ]
    for item in unchanged:
        assert matcher_patterns(item) == [item]


def test_patterns_matcher_patterns_find_the_same_matches() -> None:
    """Split patterns match exactly what the rules as written match, on real report text."""

    import spacy
    from spacy.matcher import Matcher

    from calcminer.nlp.rules.patterns import load_patterns, matcher_patterns

    patterns = load_patterns()
    nlp = spacy.blank("en")
    written, split = Matcher(nlp.vocab), Matcher(nlp.vocab)
    for rule in (*patterns.targets, *patterns.mentions):
        if isinstance(rule.pattern, str):
            continue
        written.add(rule.id, [rule.pattern])
        split.add(rule.id, matcher_patterns(rule.pattern))  # type: ignore[arg-type]
    folder = REPO_ROOT / "sample_reports"
    total = 0
    for path in sorted(folder.glob("*.txt")):
        doc = nlp.make_doc(path.read_text(encoding="utf-8"))
        got = sorted(split(doc))
        assert got == sorted(written(doc)), path.name
        total += len(got)
    assert total > 100
