"""The JSON Lines rule reader that the span rules and the audit's modality rules share."""

from __future__ import annotations

from pathlib import Path

import pytest

from calcminer.nlp.errors import PatternError
from calcminer.nlp.rules.rule_files import jsonl_rules

KEYS = frozenset({"id", "label", "pattern"})


def _rules(tmp_path: Path, text: str, **kwargs: str) -> list[tuple[str, dict]]:
    path = tmp_path / "rules.jsonl"
    path.write_text(text, encoding="utf-8")
    return list(jsonl_rules(path, tmp_path, KEYS, {}, **kwargs))


def test_rule_files_jsonl_rules_skip_blank_lines_and_keep_order(tmp_path: Path) -> None:
    text = '{"id": "b", "label": "X"}\n\n   \n{"id": "a", "pattern": "p"}\n'
    assert _rules(tmp_path, text) == [
        ("b", {"id": "b", "label": "X"}),
        ("a", {"id": "a", "pattern": "p"}),
    ]


@pytest.mark.parametrize(
    ("text", "code", "where"),
    [
        ('{"id": "a"}\n{"id": \n', "E002", "line 2"),
        ('{"id": "a", "colour": 1}\n', "E003", "'a'"),
        ('{"id": "a"}\n{"id": "a"}\n', "E004", "'a'"),
        ('{"label": "X"}\n', "E006", ":1"),
        ('["not", "an", "object"]\n', "E006", ":1"),
    ],
    ids=["bad-json", "unknown-key", "repeated-id", "no-id", "not-an-object"],
)
def test_rule_files_jsonl_rules_coded_errors(
    tmp_path: Path, text: str, code: str, where: str
) -> None:
    with pytest.raises(PatternError) as caught:
        _rules(tmp_path, text)
    assert caught.value.code == code and where in str(caught.value)


def test_rule_files_jsonl_rules_not_an_object_as_e002(tmp_path: Path) -> None:
    with pytest.raises(PatternError) as caught:
        _rules(tmp_path, "[1]\n", not_an_object="E002")
    assert caught.value.code == "E002" and "not an object" in str(caught.value)


def test_rule_files_jsonl_rules_missing_file_is_e001(tmp_path: Path) -> None:
    with pytest.raises(PatternError) as caught:
        list(jsonl_rules(tmp_path / "none.jsonl", tmp_path, KEYS, {}))
    assert caught.value.code == "E001"
