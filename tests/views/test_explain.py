"""calcminer show, rules and validate-patterns."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from suite_helpers import copy_patterns
from typer.testing import CliRunner

from calcminer.cli import app
from calcminer.nlp.errors import CalcminerError
from calcminer.nlp.views.explain import (
    _bracketed,
    format_rules,
    parse_modifier_span,
    pick_report,
    render_show,
    rule_catalogue,
    validate_patterns,
)

runner = CliRunner()

TEXT = (
    "LIVER: No calcification. A 5 mm calcified granuloma in segment VI. "
    "Possible calcified focus in the spleen."
)


def test_explain_parse_modifier_span() -> None:
    span = parse_modifier_span("NEGATED_EXISTENCE:neg_forward_01@7-9")
    assert (span.category, span.rule_id, span.start, span.end) == (
        "NEGATED_EXISTENCE",
        "neg_forward_01",
        7,
        9,
    )


@pytest.mark.parametrize(
    ("marks", "expected"),
    [
        ([], "abcdef"),
        ([(0, 3, ("[", "]"))], "[abc]def"),
        ([(1, 2, ("[", "]")), (4, 6, ("<", ">"))], "a[b]cd<ef>"),
        # nested: the outer span opens first and closes last
        ([(2, 3, ("<", ">")), (0, 5, ("[", "]"))], "[ab<c>de]f"),
        # adjacent: the first closes before the next opens
        ([(0, 2, ("[", "]")), (2, 4, ("<", ">"))], "[ab]<cd>ef"),
    ],
)
def test_explain_bracketed(marks: list[tuple[int, int, tuple[str, str]]], expected: str) -> None:
    assert _bracketed("abcdef", marks) == expected


def test_explain_show_plain_text_marks_targets_and_modifiers() -> None:
    result = runner.invoke(app, ["show", TEXT, "--no-color"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "LIVER: <No> [calcification]. A 5 mm [calcified granuloma] in segment VI." in out
    assert "<Possible> [calcified focus] in the spleen." in out
    assert "excluded: negated" in out
    assert "because of 'No' (NEGATED_EXISTENCE, rule neg_forward_01)" in out
    assert "excluded: organ_spleen" in out
    assert "size 5 mm · count 1 · segments VI" in out
    assert "Triage:  benign   rules: benign_single_focal" in out
    assert "\x1b[" not in out  # no color codes when asked for none


def test_explain_show_color_uses_ansi_styles() -> None:
    result = runner.invoke(app, ["show", TEXT, "--color"])
    assert result.exit_code == 0
    assert "\x1b[" in result.output
    assert "[calcification]" not in result.output  # color replaces the bracket marks


def test_explain_show_text_is_never_parsed_as_markup() -> None:
    hostile = "LIVER: [bold red]calcified granuloma[/] 5 mm in segment 2."
    result = runner.invoke(app, ["show", hostile, "--no-color"])
    assert result.exit_code == 0
    assert "[bold red]" in result.output


def test_explain_show_from_files(tmp_path: Path) -> None:
    txt = tmp_path / "r1.txt"
    txt.write_text("LIVER: Diffuse calcifications throughout the liver.", encoding="utf-8")
    result = runner.invoke(app, ["show", "--file", str(txt), "--no-color"])
    assert result.exit_code == 0
    assert "Report r1" in result.output and "workup_diffuse" in result.output
    archive = tmp_path / "a.jsonl"
    archive.write_text(
        json.dumps({"report_id": "x1", "text": "LIVER: normal."})
        + "\n"
        + json.dumps({"report_id": "x2", "text": "LIVER: A 4 cm calcified mass in segment 7."})
        + "\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["show", "--file", str(archive), "--id", "x2", "--no-color"])
    assert result.exit_code == 0
    assert "Report x2" in result.output and "urgent" in result.output


def test_explain_pick_report_errors(tmp_path: Path) -> None:
    archive = tmp_path / "a.jsonl"
    archive.write_text(
        '{"report_id": "x1", "text": "a"}\n{"report_id": "x2", "text": "  "}\n', encoding="utf-8"
    )
    cases = [
        (dict(text=None, file=None, report_id=None), "E220"),
        (dict(text="t", file=archive, report_id=None), "E220"),
        (dict(text=None, file=archive, report_id=None), "E221"),
        (dict(text=None, file=archive, report_id="nope"), "E222"),
        (dict(text=None, file=archive, report_id="x2"), "E223"),
        (dict(text=None, file=tmp_path / "missing.jsonl", report_id=None), "E101"),
    ]
    for kwargs, code in cases:
        with pytest.raises(CalcminerError) as info:
            pick_report(**kwargs)  # type: ignore[arg-type]
        assert info.value.code == code


def test_explain_show_cli_error_exit(tmp_path: Path) -> None:
    result = runner.invoke(app, ["show"])
    assert result.exit_code == 1
    assert "E220" in result.output


def test_explain_rule_catalogue_lists_every_rule_with_an_id() -> None:
    rules = rule_catalogue()
    kinds = {rule.kind for rule in rules}
    assert kinds == {"target", "mention", "context", "section", "modality", "triage"}
    assert all(rule.id for rule in rules)
    ids = [rule.id for rule in rules]
    assert len(ids) == len(set(ids))
    by_id = {rule.id: rule for rule in rules}
    assert by_id["calc_noun"].kind == "target"
    assert by_id["calc_noun"].description
    assert by_id["neg_forward_01"].label.startswith("NEGATED_EXISTENCE")
    assert by_id["urgent_size_over_threshold"].label == "urgent"
    table = format_rules(rules[:3])
    assert table.splitlines()[0].split()[:4] == ["kind", "id", "label", "pattern"]
    assert table.endswith("3 rule(s)")


def test_explain_rules_cli_filters() -> None:
    result = runner.invoke(app, ["rules", "--kind", "modality"])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert all(line.startswith(("kind", "modality")) for line in lines[:-1])
    assert "modality_us_ultrasound" in result.output
    result = runner.invoke(app, ["rules", "--kind", "mention", "--label", "SEGMENT"])
    assert result.exit_code == 0
    assert "TARGET" not in result.output and "SEGMENT" in result.output


def test_explain_validate_packaged_patterns() -> None:
    assert validate_patterns() == []
    result = runner.invoke(app, ["validate-patterns"])
    assert result.exit_code == 0 and "ok" in result.output


def test_explain_validate_reports_every_broken_file(tmp_path: Path) -> None:
    patterns = copy_patterns(tmp_path)
    targets = patterns / "targets.jsonl"
    lines = targets.read_text(encoding="utf-8").splitlines()
    rule = json.loads(lines[0])
    rule["color"] = "red"
    targets.write_text("\n".join([json.dumps(rule), *lines[1:]]) + "\n", encoding="utf-8")
    config = patterns / "config.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("urgent_size_mm = 30.0", "urgent_size = 30"),
        encoding="utf-8",
    )
    audit = patterns / "audit.toml"
    audit.write_text(
        audit.read_text(encoding="utf-8").replace("window_days = 30", "window_days = -3"),
        encoding="utf-8",
    )
    problems = validate_patterns(patterns)
    assert [(p.file, p.code) for p in problems] == [
        ("targets.jsonl", "E003"),
        ("config.toml", "E008"),
        ("audit.toml + modalities.jsonl", "E009"),
    ]
    assert rule["id"] in problems[0].message
    result = runner.invoke(app, ["validate-patterns", str(patterns)])
    assert result.exit_code == 1
    assert "3 file(s) with problems" in result.output


def test_explain_validate_catches_bad_token_pattern(tmp_path: Path) -> None:
    patterns = copy_patterns(tmp_path)
    with (patterns / "mentions.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "bad_token", "label": "SIZE", "pattern": [{"FOO": 1}]}))
        handle.write("\n")
    problems = validate_patterns(patterns)
    assert [p.code for p in problems] == ["E010"]
    assert "bad_token" in problems[0].message


def test_explain_user_patterns_change_show(tmp_path: Path) -> None:
    patterns = copy_patterns(tmp_path)
    config = patterns / "config.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("urgent_size_mm = 30.0", "urgent_size_mm = 4.0"),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["show", TEXT, "--no-color", "--patterns", str(patterns)])
    assert result.exit_code == 0
    assert "urgent_size_over_threshold" in result.output


def test_explain_no_report_text_in_logs(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Every command that reads reports logs nothing of their text, even at DEBUG."""
    secret = "Zyxwvut calcified granuloma 5 mm in segment VI."
    archive = tmp_path / "a.jsonl"
    archive.write_text(
        json.dumps(
            {"report_id": "s1", "patient_id": "p", "exam_date": "2022-01-01", "text": secret}
        )
        + "\n"
        + '{"report_id": "s2", "text": 5}\n',
        encoding="utf-8",
    )
    caplog.set_level(logging.DEBUG)
    for args in (
        ["extract", str(archive), "-o", str(tmp_path / "r.csv"), "--workers", "1"],
        ["audit", str(archive), "-o", str(tmp_path / "a.csv")],
        ["rules", "--kind", "triage"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        assert "Zyxwvut" not in result.output
    assert "Zyxwvut" not in caplog.text


def test_explain_evaluate_shows_text_only_when_asked(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    row = {
        "report_id": "g1",
        "text": "Qwerty liver: a 5 mm calcified granuloma in segment VI.",
        "calcification": True,
        "count": 1,
        "count_category": "single",
        "max_size_mm": 5.0,
        "segments": ["VI"],
        "lobes": [],
        "bile_duct": False,
        "diffuse": False,
        "followup_recommended": False,
        "triage": "urgent",  # deliberately wrong: a mismatch to list
    }
    gold.write_text(json.dumps(row) + "\n", encoding="utf-8")
    quiet = runner.invoke(app, ["evaluate", str(gold), "--show-mismatches"])
    assert quiet.exit_code == 0, quiet.output
    assert "g1" in quiet.output and "Qwerty" not in quiet.output
    loud = runner.invoke(app, ["evaluate", str(gold), "--show-mismatches", "--show-text"])
    assert loud.exit_code == 0
    assert "--- g1\nQwerty liver" in loud.output


def test_explain_show_writes_none_for_missing_values(make_result, make_finding) -> None:
    """A count or size the report does not state is "none", never Python's None."""
    finding = make_finding(counted=False, exclusion_reason=None, count=None, size_mm=None)
    result = make_result(count=None, max_size_mm=None, findings=(finding,))
    text = "LIVER: A 5 mm calcified granuloma in segment VI, more text."
    shown = render_show(text, result, color=False).plain
    assert "None" not in shown
    assert "count none · count_category" in shown
    assert "max_size_mm none · segments" in shown
    assert "excluded: none" in shown
    result = runner.invoke(app, ["show", "LIVER: Multiple calcified granulomas.", "--no-color"])
    assert result.exit_code == 0, result.output
    assert "count none" in result.output and "max_size_mm none" in result.output
    assert "None" not in result.output
