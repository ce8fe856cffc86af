"""Tests for calcminer.cli through typer's CliRunner: exit codes, files, stdout/stderr."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from gold_rows import gold_row
from typer.testing import CliRunner

from calcminer import __version__
from calcminer.cli import app, main
from calcminer.nlp.schema import GOLD_FIELDS

runner = CliRunner()

RECORDS = [
    {"report_id": "r1", "text": "SECRET-1 calcified granuloma.", "site": "north"},
    {"report_id": "r2", "text": "SECRET-2 multiple calcified foci.", "site": "east"},
    {"report_id": "r3", "text": "SECRET-3 urgent calcified mass.", "site": "west"},
    {"report_id": "r4", "text": "SECRET-4 normal liver.", "site": "south"},
]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _no_secrets(*outputs: str) -> bool:
    return not any("SECRET" in output for output in outputs)


def test_cli_help_lists_commands_and_version():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "extract" in result.stdout and "evaluate" in result.stdout
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"calcminer {__version__}"


def test_cli_main_entry_point(monkeypatch):
    monkeypatch.setattr("sys.argv", ["calcminer", "--version"])
    with pytest.raises(SystemExit) as info:
        main()
    assert info.value.code == 0


# --- extract (fake miner) ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["jsonl", "csv", "parquet", "txt"])
def test_cli_extract_writes_tables_and_summary(records_file, tmp_path, use_fake_miner, kind):
    source = records_file(kind, RECORDS)
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "extract",
            str(source),
            "-o",
            str(out / "reports.csv"),
            "--findings-out",
            str(out / "findings.csv"),
            "--flagged-out",
            str(out / "flagged.csv"),
        ],
    )
    assert result.exit_code == 0, result.output
    reports = _rows(out / "reports.csv")
    assert [row["report_id"] for row in reports] == ["r1", "r2", "r3", "r4"]
    assert list(reports[0])[: 1 + len(GOLD_FIELDS)] == ["report_id", *GOLD_FIELDS]
    assert [row["triage"] for row in reports] == ["benign", "workup", "urgent", "none"]
    assert [row["report_id"] for row in _rows(out / "flagged.csv")] == ["r2", "r3"]
    assert [row["report_id"] for row in _rows(out / "findings.csv")] == ["r1", "r2", "r3"]
    assert not (out / "reports.errors.csv").exists()
    assert "records read: 4" in result.stdout
    assert "triage: none 1, benign 1, workup 1, urgent 1" in result.stdout
    assert "flagged (workup or urgent): 2" in result.stdout
    assert "records in 4 = report rows 4 + error rows 0: ok" in result.stdout
    assert str(out / "flagged.csv") in result.stdout
    assert result.stderr == ""
    assert _no_secrets(result.stdout, result.stderr)


def test_cli_extract_record_errors_go_to_default_errors_file(tmp_path, use_fake_miner):
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"report_id": "a", "text": "SECRET calcified"}\n'
        "{broken SECRET\n"
        '{"report_id": "b", "text": null}\n',
        encoding="utf-8",
    )
    out = tmp_path / "reports.csv"
    result = runner.invoke(app, ["extract", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    errors = _rows(tmp_path / "reports.errors.csv")
    assert [(e["line"], e["report_id"], e["code"]) for e in errors] == [
        ("2", "", "E110"),
        ("3", "b", "E112"),
    ]
    assert [row["report_id"] for row in _rows(out)] == ["a"]
    assert "records in 3 = report rows 1 + error rows 2: ok" in result.stdout
    assert "E208 2 input record(s)" in result.stderr
    assert "E110 x1, E112 x1" in result.stderr
    assert _no_secrets(result.stdout, result.stderr, (tmp_path / "reports.errors.csv").read_text())


def test_cli_extract_errors_out_is_written_even_without_errors(
    records_file, tmp_path, use_fake_miner
):
    errors_out = tmp_path / "errs" / "errors.jsonl"
    result = runner.invoke(
        app,
        [
            "extract",
            str(records_file("jsonl", RECORDS)),
            "-o",
            str(tmp_path / "r.parquet"),
            "--errors-out",
            str(errors_out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert errors_out.exists()
    assert errors_out.read_text(encoding="utf-8") == ""
    assert (tmp_path / "r.parquet").exists()


def test_cli_extract_custom_columns_and_quiet(tmp_path, use_fake_miner):
    source = tmp_path / "in.csv"
    source.write_text("acc,body\n0012,SECRET calcified\n", encoding="utf-8")
    out = tmp_path / "r.jsonl"
    result = runner.invoke(
        app, ["extract", str(source), "-o", str(out), "--id-col", "acc", "--text-col", "body", "-q"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    row = json.loads(out.read_text(encoding="utf-8"))
    assert row["report_id"] == "0012"
    assert row["calcification"] is True


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["{missing}", "-o", "{tmp}/r.csv"], "E101"),
        (["{input}", "-o", "{tmp}/r.xlsx"], "E201"),
        (["{input}", "-o", "{tmp}/r.csv", "--findings-out", "{tmp}/r.csv"], "E203"),
        (["{input}", "-o", "{input}"], "E204"),
        (["{input}", "-o", "{tmp}/r.csv", "--text-col", "body"], "E103"),
        (["{input}", "-o", "{tmp}/r.csv", "--id-col", "acc"], "E103"),
    ],
)
def test_cli_extract_fails_with_exit_1_and_coded_message(
    records_file, tmp_path, use_fake_miner, args, code
):
    source = records_file("csv", RECORDS)
    values = {"missing": str(tmp_path / "nope.jsonl"), "tmp": str(tmp_path), "input": str(source)}
    result = runner.invoke(app, ["extract", *(arg.format(**values) for arg in args)])
    assert result.exit_code == 1
    assert result.stderr.startswith(code)
    assert result.stdout == ""
    assert use_fake_miner.seen == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["input.csv"]


def test_cli_extract_missing_column_message_lists_columns(records_file, tmp_path, use_fake_miner):
    source = records_file("csv", RECORDS)
    result = runner.invoke(
        app, ["extract", str(source), "-o", str(tmp_path / "r.csv"), "--text-col", "body"]
    )
    assert "Columns present: 'report_id', 'text', 'site'" in result.stderr


def test_cli_extract_requires_output(records_file, use_fake_miner):
    result = runner.invoke(app, ["extract", str(records_file("csv", RECORDS))])
    assert result.exit_code == 2


# --- evaluate (fake miner) --------------------------------------------------------------------


def _gold(tmp_path: Path, triage_r3: str = "urgent") -> Path:
    base = {name: None for name in GOLD_FIELDS}
    rows = [
        {
            **base,
            "report_id": "r1",
            "text": "SECRET calcified granuloma.",
            "calcification": True,
            "count": 1,
            "count_category": "single",
            "max_size_mm": 5.0,
            "segments": ["VI"],
            "lobes": [],
            "bile_duct": False,
            "diffuse": False,
            "followup_recommended": False,
            "triage": "benign",
        },
        {
            **base,
            "report_id": "r3",
            "text": "SECRET calcified focus.",
            "calcification": True,
            "count": 1,
            "count_category": "single",
            "max_size_mm": 5.0,
            "segments": ["VI"],
            "lobes": [],
            "bile_duct": False,
            "diffuse": False,
            "followup_recommended": False,
            "triage": triage_r3,
        },
    ]
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_cli_evaluate_prints_accuracy_confusion_and_missed_urgent(tmp_path, use_fake_miner):
    result = runner.invoke(app, ["evaluate", str(_gold(tmp_path)), "--show-mismatches"])
    assert result.exit_code == 0, result.output
    assert "reports: 2" in result.stdout
    assert "triage accuracy: 0.500" in result.stdout
    assert "missed urgent (gold urgent, predicted not urgent): 1" in result.stdout
    assert "over-triage (predicted above the gold level): 0" in result.stdout
    # No follow-up in gold or prediction: precision, recall and F1 are undefined.
    followup = [line for line in result.stdout.splitlines() if line.startswith("followup_")]
    assert followup[-1].split()[1:4] == ["n/a", "n/a", "n/a"]
    assert "r3" in result.stdout and '"urgent"' in result.stdout
    assert _no_secrets(result.stdout, result.stderr)


@pytest.mark.parametrize(
    ("triage_r3", "min_accuracy", "exit_code"),
    [("urgent", "0.9", 1), ("urgent", "0.5", 0), ("benign", "1.0", 0), ("benign", "0", 0)],
)
def test_cli_evaluate_min_accuracy_sets_exit_code(
    tmp_path, use_fake_miner, triage_r3, min_accuracy, exit_code
):
    gold = _gold(tmp_path, triage_r3)
    result = runner.invoke(app, ["evaluate", str(gold), "--min-accuracy", min_accuracy])
    assert result.exit_code == exit_code, result.output
    if exit_code:
        assert "E207 triage accuracy 0.500 is below --min-accuracy 0.900" in result.stderr
    else:
        assert result.stderr == ""


def test_cli_evaluate_rejects_out_of_range_threshold(tmp_path, use_fake_miner):
    result = runner.invoke(app, ["evaluate", str(_gold(tmp_path)), "--min-accuracy", "1.5"])
    assert result.exit_code == 2


def test_cli_evaluate_bad_gold_file_exits_1(tmp_path, use_fake_miner):
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"report_id": "a", "text": "SECRET"}\n', encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(gold)])
    assert result.exit_code == 1
    assert result.stderr.startswith("E120")
    assert _no_secrets(result.stderr)


# --- with the real miner ------------------------------------------------------------------------


def test_cli_extract_real_miner_two_reports(two_reports_dir, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "extract",
            str(two_reports_dir),
            "-o",
            str(out / "reports.csv"),
            "--findings-out",
            str(out / "findings.csv"),
        ],
    )
    assert result.exit_code == 0, result.output
    rows = {row["report_id"]: row for row in _rows(out / "reports.csv")}
    assert list(rows) == ["r1", "r2"]
    assert rows["r1"]["calcification"] == "true"
    assert rows["r1"]["count"] == "1"
    assert rows["r1"]["max_size_mm"] == "5.0"
    assert rows["r1"]["segments"] == "VI"
    assert rows["r1"]["triage"] == "benign"
    assert rows["r2"]["calcification"] == "false"
    assert rows["r2"]["max_size_mm"] == ""
    assert rows["r2"]["triage"] == "none"
    assert "records in 2 = report rows 2 + error rows 0: ok" in result.stdout
    assert "granuloma" not in result.stdout


def test_cli_evaluate_real_miner_two_reports(tmp_path):
    rows = [
        {
            **gold_row(
                "r1",
                calcification=True,
                count=1,
                count_category="single",
                max_size_mm=5.0,
                segments=["VI"],
                triage="benign",
            ),
            "text": "LIVER: A 5 mm calcified granuloma in segment VI.",
        },
        {**gold_row("r2"), "text": "LIVER: Normal. No calcification."},
    ]
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(gold), "--min-accuracy", "1.0"])
    assert result.exit_code == 0, result.output
    assert "triage accuracy: 1.000" in result.stdout


@pytest.mark.parametrize("args", [["--workers", "-1"], ["--chunk-size", "0"]])
def test_cli_extract_rejects_bad_engine_options(records_file, tmp_path, use_fake_miner, args):
    path = records_file("jsonl", [{"report_id": "r1", "text": "LIVER: Normal."}])
    result = runner.invoke(app, ["extract", str(path), "-o", str(tmp_path / "r.csv"), *args])
    assert result.exit_code == 1
    assert "E210" in result.output
    assert not (tmp_path / "r.csv").exists()


# --- CSV gold, help, flags, choices (issue 14) ----------------------------------------------------


def _csv_cell(value: object) -> str:
    """A gold value as a spreadsheet user would type it (docs/annotation-guide.md)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(value)
    return str(value)


def test_cli_evaluate_csv_gold_prints_what_jsonl_gold_prints(tmp_path, use_fake_miner):
    jsonl = _gold(tmp_path)
    rows = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    gold_csv = tmp_path / "gold.csv"
    with gold_csv.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(list(rows[0]))
        writer.writerows([[_csv_cell(value) for value in row.values()] for row in rows])
    from_jsonl = runner.invoke(app, ["evaluate", str(jsonl), "--show-mismatches"])
    from_csv = runner.invoke(app, ["evaluate", str(gold_csv), "--show-mismatches"])
    assert from_csv.exit_code == from_jsonl.exit_code == 0, from_csv.output
    assert from_csv.stdout == from_jsonl.stdout
    assert "triage accuracy: 0.500" in from_csv.stdout
    broken = tmp_path / "broken.csv"
    broken.write_text("report_id,text,triage\nr1,SECRET,none\n", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(broken)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"E125 Gold file {broken} line 1: the CSV header has no")
    assert _no_secrets(result.stderr)


def _command_names() -> list[str]:
    from typer.main import get_command

    group = get_command(app)
    return sorted(group.commands)  # type: ignore[attr-defined]


def test_cli_help_short_option_on_app_and_every_command():
    names = _command_names()
    assert {"extract", "audit", "show", "rules", "validate-patterns", "review"} <= set(names)
    for args in ([], *([name] for name in names)):
        short = runner.invoke(app, [*args, "-h"])
        long = runner.invoke(app, [*args, "--help"])
        assert short.exit_code == long.exit_code == 0, (args, short.output)
        assert short.stdout == long.stdout
        assert "-h" in short.stdout


def test_cli_on_off_options_are_flags_without_a_value_placeholder():
    from typer.main import get_command

    group = get_command(app)
    for name in ["", *_command_names()]:
        command = group if not name else group.commands[name]  # type: ignore[attr-defined]
        flags = [
            param
            for param in command.params
            if getattr(param, "is_flag", False) or "bool" in str(getattr(param, "type", ""))
        ]
        for param in flags:
            assert param.is_flag, (name, param.name)  # no on/off option takes a value
        text = runner.invoke(app, [*([name] if name else []), "--help"]).stdout
        assert "<bool>" not in text and "BOOLEAN" not in text, name


@pytest.mark.parametrize(
    "args",
    [
        ["review", "--flagged-only", "true", "IN", "-o", "OUT/r.html"],
        ["extract", "IN", "--resume", "False", "-o", "OUT/r.csv"],
        ["figures", "--from-table", "yes", "IN", "-o", "OUT"],
        ["audit", "--strict", "true", "-o", "OUT/a.csv"],
    ],
)
def test_cli_value_after_an_on_off_option_is_e261(records_file, tmp_path, use_fake_miner, args):
    source = str(records_file("jsonl", RECORDS))
    out = tmp_path / "out"
    argv = [source if a == "IN" else a.replace("OUT", str(out)) for a in args]
    result = runner.invoke(app, argv)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("E261 Input ")
    assert "does not exist, and it reads like a value for an on/off option" in result.stderr
    assert not out.exists()


def test_cli_rules_unknown_kind_is_a_usage_error():
    from calcminer.cli import RuleKind
    from calcminer.nlp.commands.rules import run_rules
    from calcminer.nlp.errors import DataError
    from calcminer.nlp.views.explain import RULE_KINDS

    assert tuple(kind.value for kind in RuleKind) == RULE_KINDS
    result = runner.invoke(app, ["rules", "--kind", "foo"])
    assert result.exit_code == 2
    assert "'foo' is not one of" in result.stderr
    assert all(f"'{kind}'" in result.stderr for kind in RULE_KINDS)
    listed = runner.invoke(app, ["rules", "-h"], env={"COLUMNS": "200"}).stdout
    assert "target|mention|context|section|modality|triage" in listed
    with pytest.raises(DataError) as info:
        run_rules(kind="foo")
    assert info.value.code == "E260"


def test_cli_help_names_only_options_the_command_has():
    """A command's help (--errors-out's default included) names only its own options."""
    from typer.main import get_command

    group = get_command(app)
    for name in _command_names():
        command = group.commands[name]  # type: ignore[attr-defined]
        own = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
        text = runner.invoke(app, [name, "--help"], env={"COLUMNS": "200"}).stdout
        named = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", text))
        assert named <= own | {"--help"}, (name, sorted(named - own))


# --- review: the page limit ----------------------------------------------------------------------

#: Six reports for the fake miner: one urgent, two workup, one benign, two none.
LIMIT_RECORDS = [
    {"report_id": "n1", "text": "SECRET-1: the liver is normal in size and echotexture."},
    {"report_id": "w1", "text": "SECRET-2: multiple calcified foci in the right lobe."},
    {"report_id": "b1", "text": "SECRET-3: a calcified granuloma in segment VI."},
    {"report_id": "u1", "text": "SECRET-4: an urgent calcified mass in segment VII."},
    {"report_id": "w2", "text": "SECRET-5: multiple calcified foci in the left lobe."},
    {"report_id": "n2", "text": "SECRET-6: nothing to report in the upper abdomen."},
]


def _card_ids(page: Path) -> list[str]:
    return re.findall(
        r'<article class="card [^"]*" id="report-\d+" data-triage="\w+" '
        r'data-id="([^"]+)"',
        page.read_text(encoding="utf-8"),
    )


def test_cli_review_above_max_reports_writes_flagged_reports_only(
    records_file, tmp_path, use_fake_miner
):
    source = str(records_file("jsonl", LIMIT_RECORDS))
    page = tmp_path / "review.html"
    result = runner.invoke(app, ["review", source, "-o", str(page), "--max-reports", "5"])
    assert result.exit_code == 0, result.output
    assert _card_ids(page) == ["u1", "w1", "w2"]
    assert (
        "review page: the 3 flagged reports, of 6 (more than --max-reports 5); the other 3 are "
        "counted on the page but have no card" in result.stdout
    )
    assert "wrote review: " in result.stdout and "(3 rows)" in result.stdout
    assert "check: records in 6 = reports 6 + error rows 0: ok" in result.stdout
    html = page.read_text(encoding="utf-8")
    assert '<div data-count="reports"><dt>reports</dt><dd>6</dd></div>' in html
    assert "Not every report is on this page." in html
    assert (
        "This page shows the 3 flagged reports (urgent and workup) of the 6 in this batch." in html
    )
    assert 'Showing <span id="visible-count">3</span>' in html
    capped = runner.invoke(app, ["review", source, "-o", str(page), "--max-reports", "2"])
    assert capped.exit_code == 0, capped.output
    assert _card_ids(page) == ["u1", "w1"]
    assert "review page: the first 2 of 3 flagged reports, urgent first, of 6" in capped.stdout
    assert "the first 2 of the 3 flagged reports (urgent, then workup) of the 6" in (
        page.read_text(encoding="utf-8")
    )
    quiet = runner.invoke(app, ["review", source, "-o", str(page), "--max-reports", "2", "-q"])
    assert quiet.exit_code == 0 and quiet.stdout == ""
    negative = runner.invoke(app, ["review", source, "-o", str(page), "--max-reports", "-1"])
    assert negative.exit_code == 2
    assert _no_secrets(result.stdout, result.stderr, capped.stdout)


def test_cli_review_within_max_reports_page_is_unchanged(records_file, tmp_path, use_fake_miner):
    """At or under the limit (and with 0, no limit) the page is byte for byte the page
    written without any limit, and the summary has no page-limit line."""
    from calcminer.cli import REVIEW_MAX_REPORTS
    from calcminer.nlp.commands.batch import mine_batch
    from calcminer.nlp.views.review import MAX_REVIEW_REPORTS, render_review

    source = records_file("jsonl", LIMIT_RECORDS)
    expected = render_review(mine_batch([source]).items).encode("utf-8")
    assert len(LIMIT_RECORDS) < MAX_REVIEW_REPORTS == REVIEW_MAX_REPORTS
    for extra in ([], ["--max-reports", "6"], ["--max-reports", "0"]):
        page = tmp_path / f"review{len(extra)}{extra[-1] if extra else ''}.html"
        result = runner.invoke(app, ["review", str(source), "-o", str(page), *extra])
        assert result.exit_code == 0, result.output
        assert page.read_bytes() == expected
        assert "review page:" not in result.stdout
        assert _card_ids(page) == ["u1", "w1", "w2", "b1", "n1", "n2"]
    flagged = tmp_path / "flagged.html"
    result = runner.invoke(
        app, ["review", str(source), "-o", str(flagged), "--flagged-only", "--max-reports", "3"]
    )
    assert result.exit_code == 0 and "review page:" not in result.stdout
    assert _card_ids(flagged) == ["u1", "w1", "w2"]
