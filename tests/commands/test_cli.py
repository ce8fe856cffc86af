"""Tests for calcminer.cli through typer's CliRunner: exit codes, files, stdout/stderr."""

from __future__ import annotations

import csv
import json
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
