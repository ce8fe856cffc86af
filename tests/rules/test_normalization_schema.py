"""normalization.json is checked against its schema when it loads (E011), and the rule values
the code branches on must exist in the loaded rules (E013)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from calcminer.cli import app
from calcminer.nlp.errors import PatternError
from calcminer.nlp.pipeline import recommendations
from calcminer.nlp.pipeline.linking import model as linking
from calcminer.nlp.rules.normalization_schema import (
    NORMALIZATION_SCHEMA,
    Flag,
    Integer,
    ListOf,
    MapOf,
    Number,
    Regex,
    Table,
    Text,
    first_problem,
    is_doc_key,
    key_path,
    schema_key_paths,
)
from calcminer.nlp.rules.patterns import (
    MENTION_FILE,
    MENTION_LABELS,
    NORMALIZATION_FILE,
    TARGET_LABELS,
    default_patterns_dir,
    load_normalization,
    load_patterns,
)
from calcminer.nlp.rules.rule_values import (
    COUNT_ANOTHER,
    FOLLOWUP_CUE_HEADER,
    ORGAN_LIVER,
    ORGAN_VESSEL,
    REQUIRED_VALUES,
)
from calcminer.nlp.views.explain import validate_patterns

runner = CliRunner()

Tables = dict[str, Any]


def _packaged_tables() -> Tables:
    data: Tables = json.loads(
        (default_patterns_dir() / NORMALIZATION_FILE).read_text(encoding="utf-8")
    )
    return data


def _edit_tables(patterns: Path, edit: Callable[[Tables], None]) -> None:
    path = patterns / NORMALIZATION_FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def _rename(data: Tables, old: str, new: str) -> None:
    data[new] = data.pop(old)


def _set_value(mentions: Path, label: str, old: str, new: str) -> None:
    """Give every rule of ``label`` whose value is ``old`` the value ``new``."""
    lines = []
    for line in mentions.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rule = json.loads(line)
            if rule["label"] == label and rule.get("value") == old:
                rule["value"] = new
            line = json.dumps(rule, ensure_ascii=False)
        lines.append(line)
    mentions.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --- the packaged file and the schema ----------------------------------------------------------
def test_normalization_schema_packaged_file_loads() -> None:
    tables = load_normalization(default_patterns_dir() / NORMALIZATION_FILE, default_patterns_dir())
    assert tables == _packaged_tables()
    assert load_patterns().normalization == tables


def _file_key_paths(value: Any, shape: Any, path: tuple[str, ...] = ()) -> set[str]:
    """The key paths of a loaded file, through the tables of the schema (no documentation
    keys): the file's side of the comparison, walked by the file's own keys."""
    if not isinstance(value, dict) or not isinstance(shape, Table):
        return set()
    out = set()
    for key, item in value.items():
        if is_doc_key(key):
            continue
        out.add(key_path((*path, key)))
        out |= _file_key_paths(item, shape.fields.get(key), (*path, key))
    return out


def test_normalization_schema_and_packaged_file_list_the_same_keys() -> None:
    """Every key of the schema is in the packaged file and every key of the file is in the
    schema (documentation keys aside), so the two cannot drift apart."""
    in_schema = schema_key_paths(NORMALIZATION_SCHEMA)
    in_file = _file_key_paths(_packaged_tables(), NORMALIZATION_SCHEMA)
    assert sorted(in_schema - in_file) == []
    assert sorted(in_file - in_schema) == []
    assert "duct_context.max_gap_tokens" in in_schema
    assert "context_sentence_starts.inside_previous.adjective_first_words" in in_schema


def test_normalization_schema_documentation_keys_are_allowed(patterns_copy: Path) -> None:
    def edit(data: Tables) -> None:
        data["_comment"] = "top-level note"
        data["duct_context"]["description"] = "ducts"
        data["duct_context"]["max_gap_tokens_description"] = "tokens between"

    _edit_tables(patterns_copy, edit)
    assert load_patterns(patterns_copy).normalization["duct_context"]["max_gap_tokens"] == 6


# --- broken copies: E011 naming the file and the key path --------------------------------------
def _set_nested(data: Tables, path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def _delete_nested(data: Tables, path: tuple[str, ...]) -> None:
    for key in path[:-1]:
        data = data[key]
    del data[path[-1]]


@pytest.mark.parametrize(
    ("edit", "named"),
    [
        # a renamed table: missing under its old name, unknown under its new one
        (lambda d: _rename(d, "duct_context", "duct_contexts"), ["duct_context", "duct_contexts"]),
        # a missing nested key
        (
            lambda d: _delete_nested(d, ("duct_context", "max_gap_tokens")),
            ["duct_context.max_gap_tokens", "an integer"],
        ),
        (
            lambda d: _delete_nested(d, ("context_sentence_starts", "list_items", "introducers")),
            ["context_sentence_starts.list_items.introducers"],
        ),
        # a string where a list is expected
        (lambda d: _set_nested(d, ("plural_heads",), "foci"), ["plural_heads", "a list"]),
        (
            lambda d: _set_nested(d, ("followup", "organ_words"), "liver"),
            ["followup.organ_words", "an object"],
        ),
        # a string where a number is expected
        (
            lambda d: _set_nested(d, ("duct_context", "max_gap_tokens"), "6"),
            ["duct_context.max_gap_tokens", "an integer", "a string"],
        ),
        (
            lambda d: _set_nested(d, ("unit_to_mm", "cm"), "10"),
            ["unit_to_mm.cm", "a number"],
        ),
        # an unknown top-level key
        (lambda d: _set_nested(d, ("color_words",), ["red"]), ["color_words", "unknown key"]),
        # an unknown nested key, a wrong list item, a bad regular expression, a long character
        (
            lambda d: _set_nested(d, ("duct_context", "max_gaps"), 3),
            ["duct_context.max_gaps", "unknown key"],
        ),
        (
            lambda d: _set_nested(d, ("negation_carriers", "phrases", 1), "to indicate"),
            ["negation_carriers.phrases[1]", "a list"],
        ),
        (
            lambda d: _set_nested(d, ("number_regex",), "(\\d"),
            ["number_regex", "regular expression"],
        ),
        (
            lambda d: _set_nested(d, ("segment_value_regex",), r"\d+"),
            ["segment_value_regex", "group"],
        ),
        (
            lambda d: _set_nested(d, ("text_char_map", "\u00a0"), "  "),
            ["text_char_map['\\xa0']", "at most 1"],
        ),
        (
            lambda d: _set_nested(d, ("duct_context", "description"), ["ducts"]),
            ["duct_context.description", "a string"],
        ),
        (lambda d: _set_nested(d, ("header_qualifiers", "max_words"), True), ["max_words"]),
    ],
)
def test_normalization_schema_broken_copy_raises_e011(
    patterns_copy: Path, edit: Callable[[Tables], None], named: list[str]
) -> None:
    _edit_tables(patterns_copy, edit)
    with pytest.raises(PatternError) as err:
        load_patterns(patterns_copy)
    assert err.value.code == "E011"
    message = str(err.value)
    assert str(patterns_copy / NORMALIZATION_FILE) in message
    for words in named:
        assert words in message


def test_normalization_schema_top_level_must_be_an_object(patterns_copy: Path) -> None:
    (patterns_copy / NORMALIZATION_FILE).write_text("[]", encoding="utf-8")
    with pytest.raises(PatternError, match="the top level: expected a table") as err:
        load_patterns(patterns_copy)
    assert err.value.code == "E011"


# --- the generic checker -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("shape", "value", "problem"),
    [
        (Text(), "x", None),
        (Text(), 1, "x: expected a string, got a number"),
        (Text(min_chars=1, max_chars=1), "ab", "x: expected one character, got 2 characters"),
        (Integer(), 3, None),
        (Integer(), 3.5, "x: expected an integer, got a number"),
        (Integer(), True, "x: expected an integer, got true/false"),
        (Number(), 2.5, None),
        (Number(), 2, None),
        (Number(), "2", "x: expected a number, got a string"),
        (Number(), None, "x: expected a number, got null"),
        (Flag(), False, None),
        (Flag(), 0, "x: expected true or false, got a number"),
        (Regex(), "a+", None),
        (Regex(min_groups=1), "(a)", None),
        (ListOf(Integer()), [1, 2], None),
        (ListOf(Integer()), [1, "2"], "x[1]: expected an integer, got a string"),
        (ListOf(ListOf(Text())), "a", "x: expected a list of lists of strings, got a string"),
        (MapOf(Number()), {"mm": 1, "cm": 10.0}, None),
        (MapOf(Number()), {"mm": "1"}, "x.mm: expected a number, got a string"),
        (MapOf(Text()), [], "x: expected an object of strings, got a list"),
        (Table({"a": Integer()}), {"a": 1, "description": "d", "a_description": "d"}, None),
        (Table({"a": Integer()}), {"a": 1, "_comment": 2}, "x._comment: expected a string"),
    ],
)
def test_normalization_schema_checker(shape: Any, value: Any, problem: str | None) -> None:
    found = first_problem({"x": value}, Table({"x": shape}))
    if problem is None:
        assert found is None
    else:
        assert found is not None and found.startswith(problem)


def test_normalization_schema_checker_lists_missing_and_unknown_keys() -> None:
    found = first_problem({"t": {"b": 1, "c": 2}}, Table({"t": Table({"a": Flag(), "b": Flag()})}))
    assert found is not None
    assert found.startswith("missing key(s) t.a (true or false); unknown key(s) t.c")


# --- rule values the code branches on: E013 ----------------------------------------------------
def test_normalization_schema_rule_values_required_values_name_known_labels() -> None:
    assert set(REQUIRED_VALUES) <= MENTION_LABELS | TARGET_LABELS
    patterns = load_patterns()
    present = {(r.label, r.value) for r in (*patterns.targets, *patterns.mentions)}
    for label, values in REQUIRED_VALUES.items():
        assert {(label, v) for v in values} <= present


def test_normalization_schema_rule_values_constants_agree_with_older_names() -> None:
    """The linker's own names for organ values (kept where they are) say the same."""
    assert linking.LIVER == ORGAN_LIVER
    assert linking.VESSEL == ORGAN_VESSEL
    assert recommendations.LIVER == ORGAN_LIVER
    assert recommendations.HEADER_CUE == FOLLOWUP_CUE_HEADER
    assert COUNT_ANOTHER in linking.POST_COUNT_VALUES


@pytest.mark.parametrize("how", ["renamed", "removed"])
def test_normalization_schema_rule_values_missing_required_value_raises_e013(
    patterns_copy: Path, how: str
) -> None:
    mentions = patterns_copy / MENTION_FILE
    if how == "renamed":
        _set_value(mentions, "COUNT", COUNT_ANOTHER, "one_more")
    else:
        kept = [
            line
            for line in mentions.read_text(encoding="utf-8").splitlines()
            if not (line.strip() and json.loads(line).get("value") == COUNT_ANOTHER)
        ]
        mentions.write_text("\n".join(kept) + "\n", encoding="utf-8")
    with pytest.raises(PatternError) as err:
        load_patterns(patterns_copy)
    assert err.value.code == "E013"
    message = str(err.value)
    assert "COUNT" in message and repr(COUNT_ANOTHER) in message
    assert str(mentions) in message


# --- validate-patterns and the other commands report the coded error ----------------------------
def test_normalization_schema_validate_patterns_reports_e011_not_e010(patterns_copy: Path) -> None:
    _edit_tables(patterns_copy, lambda d: _rename(d, "duct_context", "duct_contexts"))
    problems = validate_patterns(patterns_copy)
    assert [(p.file, p.code) for p in problems] == [(NORMALIZATION_FILE, "E011")]
    assert "duct_context" in problems[0].message
    result = runner.invoke(app, ["validate-patterns", str(patterns_copy)])
    assert result.exit_code == 1
    assert "E011" in result.output and "E010" not in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def test_normalization_schema_validate_patterns_reports_e013(patterns_copy: Path) -> None:
    _set_value(patterns_copy / MENTION_FILE, "COUNT", COUNT_ANOTHER, "one_more")
    problems = validate_patterns(patterns_copy)
    assert [p.code for p in problems] == ["E013"]
    assert "COUNT" in problems[0].message and MENTION_FILE in problems[0].file
    result = runner.invoke(app, ["validate-patterns", str(patterns_copy)])
    assert result.exit_code == 1
    assert "E013" in result.output and "Traceback" not in result.output


def test_normalization_schema_show_with_broken_tables_fails_with_the_coded_error(
    patterns_copy: Path,
) -> None:
    """Before the schema, a renamed table loaded and then failed as a bare KeyError."""
    _edit_tables(patterns_copy, lambda d: _delete_nested(d, ("duct_context", "max_gap_tokens")))
    result = runner.invoke(
        app, ["show", "LIVER: calcified granuloma.", "--patterns", str(patterns_copy)]
    )
    assert result.exit_code == 1
    assert "E011" in result.output and "duct_context.max_gap_tokens" in result.output
    assert isinstance(result.exception, SystemExit)
