"""Tests for calcminer.cli on inputs as hospitals export them: compressed JSONL/CSV/TSV (.gz,
.bz2, .xz, .zst), standard input (-), TSV, --delimiter, --encoding, .xlsx, and the messages for
what is not read. Each gives the tables the plain UTF-8 file gives."""

from __future__ import annotations

import bz2
import csv
import gzip
import json
import lzma
from pathlib import Path

import openpyxl
import pytest
import zstandard
from typer.testing import CliRunner

from calcminer.cli import app

runner = CliRunner()

RECORDS = [
    {"report_id": "r1", "text": "SECRET-1 calcified granuloma.", "site": "Orl\xe9ans"},
    {"report_id": "r2", "text": "SECRET-2 multiple calcified foci,\nsecond line.", "site": "e"},
    {"report_id": "r3", "text": "SECRET-3 urgent calcified mass.", "site": "w"},
    {"report_id": "r4", "text": "SECRET-4 normal liver.", "site": "s"},
]
COMPRESSORS = {
    ".gz": gzip.compress,
    ".bz2": bz2.compress,
    ".xz": lzma.compress,
    ".zst": lambda data: zstandard.ZstdCompressor().compress(data),
}


def _jsonl(path: Path, records=RECORDS) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _csv(path: Path, delimiter: str = ",", encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(RECORDS[0]), delimiter=delimiter)
        writer.writeheader()
        writer.writerows(RECORDS)
    return path


def _extract(source: str | Path, out: Path, *options: str, stdin: bytes | None = None):
    """Run ``extract`` into ``out`` (report table and findings); the result and the tables."""
    out.mkdir(parents=True, exist_ok=True)
    result = runner.invoke(
        app,
        [
            "extract",
            str(source),
            "-o",
            str(out / "reports.csv"),
            "--findings-out",
            str(out / "findings.csv"),
            "-w",
            "1",
            *options,
        ],
        input=stdin,
    )
    tables = {path.name: path.read_bytes() for path in sorted(out.iterdir())}
    return result, tables


@pytest.mark.parametrize("suffix", sorted(COMPRESSORS))
@pytest.mark.parametrize("kind", ["jsonl", "csv", "tsv"])
def test_cli_extract_compressed_input_gives_the_plain_tables(
    tmp_path, use_fake_miner, monkeypatch, kind, suffix
):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    folder = tmp_path / "in"
    folder.mkdir()
    if kind == "jsonl":
        plain = _jsonl(folder / "reports.jsonl")
    else:
        plain = _csv(folder / f"reports.{kind}", delimiter="\t" if kind == "tsv" else ",")
    packed = folder / (plain.name + suffix)
    packed.write_bytes(COMPRESSORS[suffix](plain.read_bytes()))
    expected, expected_tables = _extract(plain, tmp_path / "plain")
    result, tables = _extract(packed, tmp_path / "packed")
    assert expected.exit_code == 0 == result.exit_code, result.output
    assert tables == expected_tables
    assert tables["reports.csv"].count(b"\n") == 1 + len(RECORDS)
    assert result.stdout == expected.stdout.replace(
        str(tmp_path / "plain"), str(tmp_path / "packed")
    )
    # Nothing written but the tables: no uncompressed copy beside the input or in TMPDIR.
    assert sorted(path.name for path in folder.iterdir()) == sorted([plain.name, packed.name])
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize("compress", [None, gzip.compress])
@pytest.mark.parametrize("kind", ["jsonl", "csv"])
def test_cli_extract_reads_standard_input(tmp_path, use_fake_miner, kind, compress):
    plain = _jsonl(tmp_path / "r.jsonl") if kind == "jsonl" else _csv(tmp_path / "r.csv")
    _, expected = _extract(plain, tmp_path / "file")
    data = plain.read_bytes()
    result, tables = _extract("-", tmp_path / "stdin", stdin=compress(data) if compress else data)
    assert result.exit_code == 0, result.output
    assert tables == expected
    assert "records read: 4" in result.stdout


def test_cli_extract_standard_input_errors_name_stdin(tmp_path, use_fake_miner):
    data = b'{"report_id": "r1", "text": "calcified"}\n{broken\n'
    result, tables = _extract("-", tmp_path / "out", stdin=data)
    assert result.exit_code == 0, result.output
    errors = list(csv.DictReader(tables["reports.errors.csv"].decode().splitlines()))
    assert [(row["source"], row["line"], row["code"]) for row in errors] == [
        ("<stdin>", "2", "E110")
    ]


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["-", "--resume"], "E252 Standard input (-) cannot be resumed"),
        (["-", "-"], "E253 Standard input (-) is given 2 times"),
        (["{csv}", "--encoding", "klingon"], "E250 --encoding 'klingon'"),
        (["{csv}", "--delimiter", ";;"], "E251 --delimiter ';;'"),
    ],
)
def test_cli_extract_input_option_errors_stop_before_mining(tmp_path, use_fake_miner, args, code):
    source = _csv(tmp_path / "r.csv")
    values = {"csv": str(source)}
    result, tables = _extract(
        args[0].format(**values), tmp_path / "out", *args[1:], stdin=b"report_id,text\n1,x\n"
    )
    assert result.exit_code == 1
    assert result.stderr.startswith(code)
    assert use_fake_miner.seen == []
    assert tables == {}


def test_cli_extract_tsv_and_semicolon_csv(tmp_path, use_fake_miner):
    _, expected = _extract(_csv(tmp_path / "r.csv"), tmp_path / "comma")
    result, tables = _extract(_csv(tmp_path / "r.tsv", delimiter="\t"), tmp_path / "tsv")
    assert result.exit_code == 0, result.output
    assert tables == expected
    excel = _csv(tmp_path / "excel.csv", delimiter=";")
    result, tables = _extract(excel, tmp_path / "semicolon", "--delimiter", ";")
    assert result.exit_code == 0, result.output
    assert tables == expected
    # Without --delimiter the ';' file is one column: both missing columns named at once.
    result, _ = _extract(excel, tmp_path / "comma-again")
    assert result.exit_code == 1
    assert result.stderr.startswith("E184 ")
    assert "neither the id column 'report_id' nor the text column 'text'" in result.stderr
    assert "--id-col and --text-col" in result.stderr


def test_cli_extract_cp1252_needs_encoding_else_e117_rows(tmp_path, use_fake_miner):
    _, expected = _extract(_csv(tmp_path / "utf8.csv"), tmp_path / "utf8")
    windows = _csv(tmp_path / "windows.csv", encoding="cp1252")
    result, tables = _extract(windows, tmp_path / "cp1252", "--encoding", "cp1252")
    assert result.exit_code == 0, result.output
    assert tables == expected
    assert "Orl\xe9ans" in tables["reports.csv"].decode("utf-8")
    result, tables = _extract(windows, tmp_path / "strict")
    assert result.exit_code == 0, result.output
    errors = list(csv.DictReader(tables["reports.errors.csv"].decode().splitlines()))
    assert [(row["line"], row["report_id"], row["code"]) for row in errors] == [("1", "r1", "E117")]
    assert "E208 1 input record(s)" in result.stderr


def test_cli_extract_xlsx_workbook(tmp_path, use_fake_miner):
    _, expected = _extract(_csv(tmp_path / "r.csv"), tmp_path / "csv")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(RECORDS[0]))
    for record in RECORDS:
        sheet.append(list(record.values()))
    workbook.save(tmp_path / "r.xlsx")
    result, tables = _extract(tmp_path / "r.xlsx", tmp_path / "xlsx")
    assert result.exit_code == 0, result.output
    assert tables == expected


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("reports.xls", "Save the sheet as .xlsx or as CSV UTF-8"),
        ("reports.parquet.gz", "Parquet files and .xlsx workbooks are compressed inside"),
        ("reports.json", "jq -c"),
    ],
)
def test_cli_extract_unsupported_input_says_how_to_convert(tmp_path, use_fake_miner, name, hint):
    path = tmp_path / name
    path.write_bytes(b"x")
    result, _ = _extract(path, tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"E102 Input {path} has an unsupported type")
    assert "or - for standard input" in result.stderr and hint in result.stderr


def test_cli_extract_help_lists_the_input_options():
    result = runner.invoke(app, ["extract", "--help"], terminal_width=200)
    assert result.exit_code == 0
    for text in ("--delimiter", "--encoding", ".zst", "standard input"):
        assert text in result.stdout


def test_cli_show_review_and_audit_read_what_extract_reads(tmp_path, use_fake_miner):
    windows = _csv(tmp_path / "windows.csv.gz", delimiter=";", encoding="cp1252")
    windows.write_bytes(gzip.compress(windows.read_bytes()))
    options = ["--delimiter", ";", "--encoding", "cp1252"]
    shown = runner.invoke(
        app,
        ["show", "--file", "-", "--id", "r3", "--no-color"],
        input=_csv(tmp_path / "p.csv").read_bytes(),
    )
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.startswith("Report r3\n")
    page = tmp_path / "review.html"
    review = runner.invoke(app, ["review", str(windows), "-o", str(page), *options])
    assert review.exit_code == 0, review.output
    assert "records in 4 = reports 4 + error rows 0: ok" in review.stdout
    figures = runner.invoke(app, ["figures", str(windows), "-o", str(tmp_path / "fig"), *options])
    assert figures.exit_code == 0, figures.output
    archive = tmp_path / "archive.tsv.zst"
    rows = "report_id\tpatient_id\texam_date\ttext\n" + "".join(
        f"{r['report_id']}\tp1\t2020-01-0{i + 1}\t{r['text'].replace(chr(10), ' ')}\n"
        for i, r in enumerate(RECORDS)
    )
    archive.write_bytes(zstandard.ZstdCompressor().compress(rows.encode("utf-8")))
    audit = runner.invoke(app, ["audit", str(archive), "-o", str(tmp_path / "audit.csv")])
    assert audit.exit_code == 0, audit.output
    assert (tmp_path / "audit.csv").read_text(encoding="utf-8").count("\n") >= 2
