"""Robustness and security of ``calcminer extract``, end to end through the command line.

Every hostile or broken input kind is run through ``typer.testing.CliRunner`` on
``calcminer.cli.app`` (``--workers 1``; one mixed run also with ``--workers 2 --chunk-size 3``).
Each test checks the row invariant printed by the CLI with the exact numbers expected, the
errors table rows (source, line, report_id, code), and that no report text reaches stdout or
stderr. The CLI's miner is the session miner of conftest.py (same class and rules, built
once), so the file runs in well under a minute; the worker processes build their own.

Several tests here first failed and were fixed in the library: one non-UTF-8 CSV row used to
stop the file, ConText was quadratic in a long report's modifiers, control and format
characters hid words, CR in a cell broke the CSV row, and pooled runs reused the first run's
rules.
"""

from __future__ import annotations

import csv
import json
import random
import re
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from calcminer.cli import app
from calcminer.nlp.io.readers import MAX_REPORT_CHARS
from calcminer.nlp.io.writers import FORMULA_PREFIXES
from calcminer.nlp.mining.miner import Miner
from calcminer.nlp.rules.patterns import default_patterns_dir

runner = CliRunner()

#: A word put in report texts that must never show up in stdout or stderr.
MARKER = "Zanzibar"
#: Output tables of every run, by role.
TABLES: tuple[str, ...] = ("reports.csv", "findings.csv", "flagged.csv", "errors.csv")
#: The line the CLI prints to prove that every record became exactly one row.
CHECK_LINE = "check: records in {n} = report rows {r} + error rows {e}: ok"

#: Report texts used across tests (each carries the marker word).
CALCIFIED = f"LIVER: A 5 mm calcified granuloma in segment VI. {MARKER} clinic."
NORMAL = f"LIVER: Normal size and echotexture. {MARKER} clinic."
MULTIPLE = f"LIVER: Multiple calcified granulomas, the largest 8 mm. {MARKER} clinic."
LARGE = f"LIVER: A 42 mm calcified mass in segment VIII. {MARKER} clinic."
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"


# --- running the CLI and reading its tables ------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """One ``calcminer extract`` invocation: exit code, streams and output folder."""

    exit_code: int
    stdout: str
    stderr: str
    out: Path

    def table(self, name: str = "reports.csv") -> list[dict[str, str]]:
        """Rows of an output CSV table."""
        with (self.out / name).open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    def errors(self) -> list[tuple[str, str, str, str]]:
        """Rows of the errors table as (source, line, report_id, code)."""
        return [(e["source"], e["line"], e["report_id"], e["code"]) for e in self.table(TABLES[3])]

    def column(self, name: str, table: str = "reports.csv") -> list[str]:
        """One column of an output table."""
        return [row[name] for row in self.table(table)]


def extract(
    inputs: Sequence[Path], out: Path, *, workers: int = 1, chunk_size: int | None = None
) -> Run:
    """Run ``calcminer extract`` on inputs, writing the four CSV tables into ``out``."""
    args = ["extract", *(str(path) for path in inputs), "-o", str(out / TABLES[0])]
    args += ["--findings-out", str(out / TABLES[1]), "--flagged-out", str(out / TABLES[2])]
    args += ["--errors-out", str(out / TABLES[3]), "--workers", str(workers)]
    if chunk_size is not None:
        args += ["--chunk-size", str(chunk_size)]
    result = runner.invoke(app, args)
    return Run(result.exit_code, result.stdout, result.stderr, out)


def _fragments(texts: Iterable[str]) -> set[str]:
    """Pieces of report text long enough to be recognised (sentences and lines)."""
    pieces: set[str] = set()
    for text in texts:
        pieces.update(p.strip() for p in re.split(r"[.\n\r]", text) if len(p.strip()) >= 10)
    return pieces


def assert_no_report_text(run: Run, texts: Iterable[str] = ()) -> None:
    """Neither stdout nor stderr holds the marker word or a sentence of any report."""
    for stream in (run.stdout, run.stderr):
        assert MARKER not in stream
        for piece in _fragments(texts):
            assert piece not in stream, "report text leaked into the CLI output"


def assert_check(run: Run, records: int, reports: int, errors: int) -> None:
    """The run succeeded and printed the row invariant with these numbers."""
    assert run.exit_code == 0, run.stdout + run.stderr
    assert CHECK_LINE.format(n=records, r=reports, e=errors) in run.stdout


def write_jsonl(path: Path, records: Sequence[Mapping[str, Any]]) -> Path:
    """Write records as JSON Lines (UTF-8, LF)."""
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def write_csv(path: Path, rows: Sequence[Mapping[str, Any]]) -> Path:
    """Write rows as CSV with the csv module's quoting (UTF-8, LF)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=list(rows[0]), lineterminator="\n", quoting=csv.QUOTE_ALL
        )
        writer.writeheader()
        writer.writerows(rows)
    return path


# --- malformed JSON Lines ------------------------------------------------------------------------


def test_robustness_malformed_jsonl_lines_become_error_rows(
    tmp_path: Path, shared_miner: Miner
) -> None:
    lines = [
        json.dumps({"report_id": "a", "text": CALCIFIED}),  # 1
        "{broken json",  # 2
        "[1, 2, 3]",  # 3: an array, not an object
        "",  # 4: blank lines are skipped, not counted, and keep their line number
        "   \t ",  # 5
        json.dumps(f"{MARKER} calcified granuloma"),  # 6: a bare JSON string
        json.dumps({"report_id": "b", "text": NORMAL}),  # 7
        '{"report_id": "c", "text": "LIVER: ' + MARKER + " calcified granuloma",  # 8: truncated
        "null",  # 9
        json.dumps({"report_id": "d", "text": MULTIPLE}),  # 10
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = extract([source], tmp_path / "out")
    assert_check(run, records=8, reports=3, errors=5)
    assert run.errors() == [
        (str(source), "2", "", "E110"),
        (str(source), "3", "", "E111"),
        (str(source), "6", "", "E111"),
        (str(source), "8", "", "E110"),
        (str(source), "9", "", "E111"),
    ]
    assert run.column("report_id") == ["a", "b", "d"]
    assert run.column("triage") == ["benign", "none", "workup"]
    assert "E208 5 input record(s)" in run.stderr
    assert_no_report_text(run, [CALCIFIED, NORMAL, MULTIPLE])
    reasons = " ".join(row["reason"] for row in run.table("errors.csv"))
    assert MARKER not in reasons


# --- CSV: ragged rows, quoted newlines -----------------------------------------------------------


def test_robustness_csv_ragged_rows_and_quoted_newlines(
    tmp_path: Path, shared_miner: Miner
) -> None:
    """Line numbers of CSV records are CSV row numbers (header excluded), as io.py documents:
    a record whose quoted text spans three physical lines is one row, so the ragged row after
    it is row 2 although it sits on line 5 of the file."""
    source = tmp_path / "in.csv"
    source.write_text(
        "report_id,text,site\n"
        f'r1,"LIVER:\nA 4 mm calcified granuloma in segment VI.\n{MARKER}.",north\n'  # row 1
        f'r2,"{MARKER} extra cell",east,surplus\n'  # row 2: 4 fields
        "r3\n"  # row 3: 1 field
        "\n"  # row 4: blank, skipped
        f'r5,"LIVER: normal.\nIMPRESSION:\nNo calcification. {MARKER}.",south\n'  # row 5
        f'r6,"{MARKER}, only two fields"\n',  # row 6: 2 fields
        encoding="utf-8",
    )
    run = extract([source], tmp_path / "out")
    assert_check(run, records=5, reports=2, errors=3)
    assert run.errors() == [
        (str(source), "2", "r2", "E118"),
        (str(source), "3", "r3", "E118"),
        (str(source), "6", "r6", "E118"),
    ]
    rows = run.table()
    assert [(r["report_id"], r["site"]) for r in rows] == [("r1", "north"), ("r5", "south")]
    first = rows[0]
    assert (first["calcification"], first["max_size_mm"], first["segments"]) == (
        "true",
        "4.0",
        "VI",
    )
    assert rows[1]["calcification"] == "false"
    assert_no_report_text(run)


# --- missing id or text column -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "records", "role", "present"),
    [
        pytest.param(
            "csv",
            [{"id": "1", "text": NORMAL, "site": "x"}],
            "id",
            "'id', 'text', 'site'",
            id="csv",
        ),
        pytest.param(
            "jsonl", [{"report_id": "1", "body": NORMAL}], "text", "'report_id', 'body'", id="jsonl"
        ),
        pytest.param(
            "parquet",
            [{"report_id": "1", "body": NORMAL, "site": "x"}],
            "text",
            "'report_id', 'body', 'site'",
            id="parquet",
        ),
    ],
)
def test_robustness_missing_id_or_text_column_fails_before_writing(
    tmp_path: Path,
    shared_miner: Miner,
    kind: str,
    records: list[dict[str, str]],
    role: str,
    present: str,
) -> None:
    source = tmp_path / f"in.{kind}"
    if kind == "csv":
        write_csv(source, records)
    elif kind == "jsonl":
        write_jsonl(source, records)
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(records), source)
    out = tmp_path / "out"
    run = extract([source], out)
    assert run.exit_code == 1
    assert run.stdout == ""
    assert f"E103 Input {source} has no {role} column" in run.stderr
    assert f"Columns present: {present}." in run.stderr
    assert not out.exists() or list(out.iterdir()) == []
    assert_no_report_text(run, [NORMAL])


# --- missing, null, empty and whitespace-only texts; missing ids ---------------------------------


def test_robustness_missing_null_and_wrong_type_texts_and_ids(
    tmp_path: Path, shared_miner: Miner
) -> None:
    source = write_jsonl(
        tmp_path / "in.jsonl",
        [
            {"report_id": "a", "text": None},  # 1
            {"report_id": "b"},  # 2
            {"report_id": "c", "text": 5},  # 3
            {"report_id": "d", "text": ["LIVER:", MARKER]},  # 4
            {"text": CALCIFIED},  # 5: no id
            {"report_id": "  ", "text": CALCIFIED},  # 6: blank id
            {"report_id": None, "text": CALCIFIED},  # 7
            {"report_id": True, "text": CALCIFIED},  # 8: boolean id
            {"report_id": 7, "text": CALCIFIED},  # 9: integer ids are fine
        ],
    )
    run = extract([source], tmp_path / "out")
    assert_check(run, records=9, reports=1, errors=8)
    assert run.errors() == [
        (str(source), "1", "a", "E112"),
        (str(source), "2", "b", "E112"),
        (str(source), "3", "c", "E113"),
        (str(source), "4", "d", "E113"),
        (str(source), "5", "", "E115"),
        (str(source), "6", "", "E115"),
        (str(source), "7", "", "E115"),
        (str(source), "8", "", "E116"),
    ]
    assert run.column("report_id") == ["7"]
    assert_no_report_text(run, [CALCIFIED])


def test_robustness_parquet_null_text(tmp_path: Path, shared_miner: Miner) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    source = tmp_path / "in.parquet"
    table = pa.table({"report_id": ["a", "b", None], "text": [CALCIFIED, None, NORMAL]})
    pq.write_table(table, source)
    run = extract([source], tmp_path / "out")
    assert_check(run, records=3, reports=1, errors=2)
    assert run.errors() == [(str(source), "2", "b", "E112"), (str(source), "3", "", "E115")]
    assert_no_report_text(run, [CALCIFIED, NORMAL])


@pytest.mark.parametrize("kind", ["jsonl", "csv", "txt"])
def test_robustness_empty_and_whitespace_only_reports(
    tmp_path: Path, shared_miner: Miner, kind: str
) -> None:
    texts = {"e1": "", "e2": "   ", "e3": "\n\r\n\t ", "e4": "\u00a0\u2003\u3000", "ok": CALCIFIED}
    if kind == "txt":
        source = tmp_path / "folder"
        source.mkdir()
        for report_id, text in texts.items():
            (source / f"{report_id}.txt").write_bytes(text.encode("utf-8"))
    else:
        records = [{"report_id": k, "text": v} for k, v in texts.items()]
        source = tmp_path / f"in.{kind}"
        (write_jsonl if kind == "jsonl" else write_csv)(source, records)
    run = extract([source], tmp_path / "out")
    assert_check(run, records=5, reports=1, errors=4)
    if kind == "txt":
        expected = [(str(source / f"e{i}.txt"), "", f"e{i}", "E119") for i in range(1, 5)]
    else:
        expected = [(str(source), str(i), f"e{i}", "E114") for i in range(1, 5)]
    assert run.errors() == expected
    assert run.column("report_id") == ["ok"]
    assert run.column("triage") == ["benign"]
    assert_no_report_text(run, [CALCIFIED])


# --- duplicate ids -------------------------------------------------------------------------------


def test_robustness_duplicate_report_ids_keep_every_row(
    tmp_path: Path, shared_miner: Miner
) -> None:
    source = write_jsonl(
        tmp_path / "in.jsonl",
        [
            {"report_id": "a", "text": CALCIFIED, "visit": "1"},
            {"report_id": "a", "text": NORMAL, "visit": "2"},
            {"report_id": "b", "text": MULTIPLE, "visit": "1"},
            {"report_id": "a", "text": LARGE, "visit": "3"},
        ],
    )
    run = extract([source], tmp_path / "out")
    assert_check(run, records=4, reports=4, errors=0)
    rows = run.table()
    assert [(r["report_id"], r["visit"], r["triage"]) for r in rows] == [
        ("a", "1", "benign"),
        ("a", "2", "none"),
        ("b", "1", "workup"),
        ("a", "3", "urgent"),
    ]
    assert run.column("report_id", "flagged.csv") == ["b", "a"]
    assert run.column("report_id", "findings.csv") == ["a", "b", "a"]
    assert run.errors() == []
    assert "W001 2 record(s) repeat a report id" in run.stderr
    assert_no_report_text(run, [CALCIFIED, NORMAL, MULTIPLE, LARGE])


# --- non-UTF-8 and binary inputs -----------------------------------------------------------------

LATIN1_TEXT = f"LIVER: Caf\u00e9 au lait. A 5 mm calcified granuloma in segment VI. {MARKER}."


def test_robustness_latin1_jsonl_line_is_an_error_row(tmp_path: Path, shared_miner: Miner) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(
        (json.dumps({"report_id": "a", "text": NORMAL}) + "\n").encode("utf-8")
        + ('{"report_id": "b", "text": "' + LATIN1_TEXT + '"}\n').encode("latin-1")
        + (json.dumps({"report_id": "c", "text": CALCIFIED}) + "\n").encode("utf-8")
    )
    run = extract([source], tmp_path / "out")
    assert_check(run, records=3, reports=2, errors=1)
    assert run.errors() == [(str(source), "2", "", "E117")]
    assert run.column("report_id") == ["a", "c"]
    assert_no_report_text(run, [LATIN1_TEXT, NORMAL, CALCIFIED])


def test_robustness_latin1_txt_file_is_an_error_row(tmp_path: Path, shared_miner: Miner) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "a.txt").write_bytes(LATIN1_TEXT.encode("latin-1"))
    (folder / "b.txt").write_text(CALCIFIED, encoding="utf-8")
    run = extract([folder], tmp_path / "out")
    assert_check(run, records=2, reports=1, errors=1)
    assert run.errors() == [(str(folder / "a.txt"), "", "a", "E117")]
    assert run.column("report_id") == ["b"]
    assert_no_report_text(run, [LATIN1_TEXT, CALCIFIED])


def _latin1_csv(tmp_path: Path) -> Path:
    source = tmp_path / "in.csv"
    source.write_bytes(
        f"report_id,text\na,{NORMAL}\n".encode()
        + f"b,{LATIN1_TEXT}\n".encode("latin-1")
        + f"c,{CALCIFIED}\n".encode()
    )
    return source


def test_robustness_latin1_csv_never_leaks_text_or_leaves_partial_tables(
    tmp_path: Path, shared_miner: Miner
) -> None:
    """Whatever the CSV reader does with a non-UTF-8 row, it shows no text and, when it stops,
    writes no table."""
    out = tmp_path / "out"
    run = extract([_latin1_csv(tmp_path)], out)
    assert run.exit_code in (0, 1)
    if run.exit_code == 1:
        assert not any(out.glob("*.csv"))
    assert_no_report_text(run, [LATIN1_TEXT, NORMAL, CALCIFIED])


def test_robustness_latin1_csv_row_is_an_error_row(tmp_path: Path, shared_miner: Miner) -> None:
    source = _latin1_csv(tmp_path)
    run = extract([source], tmp_path / "out")
    assert_check(run, records=3, reports=2, errors=1)
    assert run.errors() == [(str(source), "2", "b", "E117")]
    assert run.column("report_id") == ["a", "c"]


def test_robustness_binary_files_in_a_folder(tmp_path: Path, shared_miner: Miner) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    noise = random.Random(7).randbytes(4096)
    (folder / "a.txt").write_bytes(b"\x00\xff\xfe" + noise + b"\x00" * 16)
    (folder / "b.png").write_bytes(PNG_BYTES + noise)
    (folder / "c.txt").write_text(CALCIFIED, encoding="utf-8")
    # Valid UTF-8 with NUL and other control bytes between sentences is a report.
    controls = f"LIVER: A 5 mm calcified granuloma in segment VI. \x00\x01\x1b {MARKER}.\n\x00\n"
    (folder / "d.txt").write_text(controls, encoding="utf-8")
    run = extract([folder], tmp_path / "out")
    assert_check(run, records=3, reports=2, errors=1)
    assert run.errors() == [(str(folder / "a.txt"), "", "a", "E117")]
    rows = run.table()
    assert [(r["report_id"], r["triage"], r["segments"]) for r in rows] == [
        ("c", "benign", "VI"),
        ("d", "benign", "VI"),
    ]
    assert "skipped files (not .txt) in input folders: 1 (b.png)" in run.stdout
    assert "W002 1 file(s)" in run.stderr
    assert "\x00" not in run.stdout + run.stderr
    assert_no_report_text(run, [CALCIFIED, controls])


# --- very large reports --------------------------------------------------------------------------

#: Normal liver prose without any ConText trigger, repeated to fill a long report.
NORMAL_PROSE = (
    "The liver is normal in size and echotexture. The hepatic parenchyma is homogeneous. "
)
LARGE_REPORT_CHARS = 3_000_000


def test_robustness_very_large_report_is_mined(tmp_path: Path, shared_miner: Miner) -> None:
    """3 MB of normal liver text with one calcification at the very end is mined correctly; a
    text over the limit is an error row (E124), not a crash."""
    tail = "\nIMPRESSION: A 12 mm calcified granuloma in segment VII."
    body = "LIVER:\n" + NORMAL_PROSE * (LARGE_REPORT_CHARS // len(NORMAL_PROSE))
    big = body + tail
    source = write_jsonl(
        tmp_path / "in.jsonl",
        [
            {"report_id": "big", "text": big},
            {"report_id": "huge", "text": "x" * (MAX_REPORT_CHARS + 1)},
            {"report_id": "small", "text": CALCIFIED},
        ],
    )
    run = extract([source], tmp_path / "out")
    assert_check(run, records=3, reports=2, errors=1)
    assert run.errors() == [(str(source), "2", "huge", "E124")]
    first = run.table()[0]
    assert first["report_id"] == "big"
    assert (first["calcification"], first["count"], first["max_size_mm"]) == ("true", "1", "12.0")
    assert (first["segments"], first["triage"]) == ("VII", "benign")
    finding = run.table("findings.csv")[0]
    assert int(finding["start_char"]) == len(big) - len(" granuloma in segment VII.") - len(
        "calcified"
    )
    assert_no_report_text(run, [tail])
    assert len(run.stdout) < 2000


def test_robustness_negation_rich_long_report_scales_linearly(
    miner: Miner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Work in ConText grows linearly with the number of sentences (counted, not timed)."""
    from medspacy.context.context_modifier import ConTextModifier

    calls = [0]
    original = ConTextModifier.limit_scope

    def counting(self: ConTextModifier, other: ConTextModifier) -> Any:
        calls[0] += 1
        return original(self, other)

    monkeypatch.setattr(ConTextModifier, "limit_scope", counting)
    sentence = "The liver is normal in size. No focal lesion is seen. "
    tail = "\nIMPRESSION: A 12 mm calcified granuloma in segment VII."
    work = []
    for sentences in (100, 200):
        calls[0] = 0
        result = miner.mine_text("LIVER:\n" + sentence * sentences + tail)
        assert result.triage == "benign"
        work.append(calls[0])
    assert work[1] <= 2.5 * work[0] + 100, work


# --- Windows line endings ------------------------------------------------------------------------

CRLF_TEXT = (
    "LIVER:\r\nA 5 mm calcified granuloma in segment VI.\r\n"
    "SPLEEN:\r\nSeveral calcified granulomas.\r\n"
    f"IMPRESSION:\r\nBenign hepatic granuloma. {MARKER}.\r\n"
)


@pytest.mark.parametrize("kind", ["jsonl", "csv", "txt"])
def test_robustness_windows_line_endings(tmp_path: Path, shared_miner: Miner, kind: str) -> None:
    """CR LF in the file and in the texts: same extraction as with LF (spleen not counted)."""
    other = f"LIVER:\r\nNormal.\r\n{MARKER}."
    if kind == "jsonl":
        source = tmp_path / "in.jsonl"
        lines = [
            json.dumps({"report_id": "a", "text": CRLF_TEXT}),
            "",
            json.dumps({"report_id": "b", "text": other}),
        ]
        source.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    elif kind == "csv":
        # As a spreadsheet saves it: byte-order mark, CR LF rows, quoted CR LF inside cells.
        source = tmp_path / "in.csv"
        with source.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerows([["report_id", "text"], ["a", CRLF_TEXT], ["b", other]])
    else:
        source = tmp_path / "folder"
        source.mkdir()
        (source / "a.txt").write_bytes(CRLF_TEXT.encode("utf-8"))
        (source / "b.txt").write_bytes(other.encode("utf-8"))
    run = extract([source], tmp_path / "out")
    assert_check(run, records=2, reports=2, errors=0)
    rows = run.table()
    assert [r["report_id"] for r in rows] == ["a", "b"]
    fields = ("calcification", "count", "count_category", "max_size_mm", "segments", "triage")
    assert tuple(rows[0][f] for f in fields) == ("true", "1", "single", "5.0", "VI", "benign")
    assert rows[1]["triage"] == "none"
    lf = shared_miner.mine_text(CRLF_TEXT.replace("\r\n", "\n"))
    assert (lf.count, lf.max_size_mm, lf.segments, lf.triage) == (1, 5.0, ("VI",), "benign")
    findings = run.table("findings.csv")
    for finding in findings:
        start, end = int(finding["start_char"]), int(finding["end_char"])
        assert CRLF_TEXT[start:end] == finding["text"]
    assert_no_report_text(run, [CRLF_TEXT])


# --- Unicode oddities ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "size", "segments"),
    [
        pytest.param(
            "LIVER: A 5\u00a0mm calcified granuloma in segment VI.", "5.0", "VI", id="nbsp"
        ),
        pytest.param(
            "LIVER: A 5\u202fmm calcified granuloma in segment VI.", "5.0", "VI", id="nnbsp"
        ),
        pytest.param(
            "LIVER: A \uff15 mm calcified granuloma in segment VI.", "5.0", "VI", id="fw_5"
        ),
        pytest.param(
            "LIVER: A \uff11\uff12 \uff4d\uff4d calcified granuloma.", "12.0", "", id="fw_12_mm"
        ),
        pytest.param(
            "LIVER: A 5 mm calcified granuloma in segment \uff16.", "5.0", "VI", id="fw_segment"
        ),
        pytest.param("LIVER: A 500 \u00b5m calcified granuloma.", "0.5", "", id="micro_sign"),
        pytest.param("LIVER: A 500 \u03bcm calcified granuloma.", "0.5", "", id="greek_mu"),
        pytest.param("LIVER: A 3\u20135 mm calcified granuloma.", "5.0", "", id="en_dash"),
        pytest.param("LIVER: A 1.2 \u00d7 0.8 cm calcified granuloma.", "12.0", "", id="times"),
        pytest.param(
            "LIVER:\u2028A 5 mm calcified granuloma in segment VI.", "5.0", "VI", id="line_sep"
        ),
        pytest.param(
            "SPLEEN: Normal.\n\ufeffLIVER: A 5 mm calcified granuloma.",
            "5.0",
            "",
            id="bom_glued_to_header",
        ),
        pytest.param(
            "SPLEEN: Normal.\n\u200fLIVER: A 5 mm calcified granuloma.",
            "5.0",
            "",
            id="rtl_mark_glued_to_header",
        ),
        pytest.param(
            "LIVER: A 5 mm \u200bcalcified granuloma in segment VI.",
            "5.0",
            "VI",
            id="zero_width_space_glued_to_target",
        ),
        pytest.param(
            "LIVER: A 5 mm calcified granuloma\x00 in segment VI.",
            "5.0",
            "VI",
            id="nul_glued_to_target",
        ),
        pytest.param(
            "LIVER: A 5 mm calcified granuloma in segment VI.\x00",
            "5.0",
            "VI",
            id="nul_glued_to_segment",
        ),
    ],
)
def test_robustness_unicode_oddities_are_mined(
    tmp_path: Path, shared_miner: Miner, text: str, size: str, segments: str
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"report_id": "u", "text": text}])
    run = extract([source], tmp_path / "out")
    assert_check(run, records=1, reports=1, errors=0)
    row = run.table()[0]
    assert (row["calcification"], row["count"], row["max_size_mm"]) == ("true", "1", size)
    assert (row["segments"], row["triage"]) == (segments, "benign")
    finding = run.table("findings.csv")[0]
    assert finding["text"] == text[int(finding["start_char"]) : int(finding["end_char"])]
    assert_no_report_text(run, [text])


# --- CSV formula injection -----------------------------------------------------------------------


def _hostile(prefix: str) -> str:
    return f'{prefix}HYPERLINK("http://x","y")'


def test_robustness_formula_cells_are_neutralized_in_every_csv_output(
    tmp_path: Path, shared_miner: Miner
) -> None:
    """Ids, input (meta) columns and their names starting with = + - @ TAB get a leading ' in
    the report, flagged, findings and errors tables; other cells are left alone (CR: below)."""
    prefixes = ["=", "+", "-", "@", "\t"]
    assert set(FORMULA_PREFIXES) == {*prefixes, "\r"}
    rows = [
        {"report_id": f"{prefix}id{i}", "text": MULTIPLE, "@note": _hostile(prefix)}
        for i, prefix in enumerate(prefixes)
    ]
    rows.append({"report_id": "=bad", "text": "", "@note": "=1+1"})  # an error row
    rows.append({"report_id": "plain", "text": LARGE, "@note": "ok"})
    source = write_csv(tmp_path / "in.csv", rows)
    run = extract([source], tmp_path / "out")
    assert_check(run, records=7, reports=6, errors=1)
    escaped_ids = [f"'{prefix}id{i}" for i, prefix in enumerate(prefixes)]
    for name in ("reports.csv", "flagged.csv"):
        table = run.table(name)
        assert [r["report_id"] for r in table] == [*escaped_ids, "plain"]
        assert [r["'@note"] for r in table] == [*("'" + _hostile(p) for p in prefixes), "ok"]
    assert run.column("report_id", "findings.csv") == [*escaped_ids, "plain"]
    assert run.errors() == [(str(source), "6", "'=bad", "E114")]
    # No cell (header included) of any table starts with a formula character.
    for name in TABLES:
        with (run.out / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                assert not any(cell.startswith(FORMULA_PREFIXES) for cell in row), (name, row)
    assert_no_report_text(run, [MULTIPLE, LARGE])


#: Records whose id or meta cells hold a carriage return (first, or inside the cell).
CR_ROWS: tuple[dict[str, str], ...] = (
    {"report_id": "\rcr1", "text": MULTIPLE, "note": "\r=1+1"},
    {"report_id": "cr2", "text": CALCIFIED, "note": "line one\rline two"},
    {"report_id": "\rbad", "text": "", "note": "x"},
)


def test_robustness_carriage_return_cells_are_neutralized(
    tmp_path: Path, shared_miner: Miner
) -> None:
    """A cell starting with CR gets the leading ' in all four tables (checked on the raw text)."""
    source = write_csv(tmp_path / "in.csv", CR_ROWS)
    run = extract([source], tmp_path / "out")
    assert_check(run, records=3, reports=2, errors=1)
    raw = {name: (run.out / name).read_bytes().decode("utf-8") for name in TABLES}
    assert "'\rcr1" in raw["reports.csv"] and "'\r=1+1" in raw["reports.csv"]
    assert "'\rcr1" in raw["flagged.csv"]
    assert "'\rcr1" in raw["findings.csv"]
    assert "'\rbad" in raw["errors.csv"]
    for name, text in raw.items():
        assert re.search(r"(^|,)\r", text, re.MULTILINE) is None, name
    assert_no_report_text(run, [MULTIPLE, CALCIFIED])


def test_robustness_carriage_return_cells_keep_the_csv_tables_readable(
    tmp_path: Path, shared_miner: Miner
) -> None:
    source = write_csv(tmp_path / "in.csv", CR_ROWS)
    run = extract([source], tmp_path / "out")
    assert_check(run, records=3, reports=2, errors=1)
    assert run.column("report_id") == ["'\rcr1", "cr2"]
    assert run.column("note") == ["'\r=1+1", "line one\rline two"]
    assert run.column("report_id", "flagged.csv") == ["'\rcr1"]
    assert run.column("report_id", "findings.csv") == ["'\rcr1", "cr2"]
    assert run.errors() == [(str(source), "3", "'\rbad", "E114")]


def test_robustness_formula_cells_from_jsonl_meta(tmp_path: Path, shared_miner: Miner) -> None:
    """String meta from JSON is neutralized; JSON numbers stay numbers (-3 is not a formula)."""
    source = write_jsonl(
        tmp_path / "in.jsonl",
        [{"report_id": "+1", "text": CALCIFIED, "ward": "@A", "delta": -3, "code": "-3"}],
    )
    run = extract([source], tmp_path / "out")
    assert_check(run, records=1, reports=1, errors=0)
    row = run.table()[0]
    assert (row["report_id"], row["ward"], row["delta"], row["code"]) == ("'+1", "'@A", "-3", "'-3")
    assert run.column("report_id", "findings.csv") == ["'+1"]


# --- reproducible outputs ------------------------------------------------------------------------


def _mixed_inputs(tmp_path: Path) -> tuple[list[Path], int, int, int]:
    """Every input kind of this file at once: (inputs, records, reports, error rows)."""
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_bytes(
        "\r\n".join(
            [
                json.dumps({"report_id": "j1", "text": CALCIFIED, "site": "=x"}),
                "{broken",
                "",
                json.dumps({"report_id": "j1", "text": MULTIPLE}),  # duplicate id
                json.dumps({"report_id": "j3", "text": None}),
                json.dumps({"report_id": "j4", "text": "LIVER: A 5\u00a0mm calcified granuloma."}),
                json.dumps({"report_id": "j5", "text": LARGE}),
            ]
        ).encode("utf-8")
        + b"\r\n"
        + b'{"report_id": "j6", "text": "caf\xe9"}\n'
    )
    table = tmp_path / "in.csv"
    table.write_text(
        "report_id,text,site\n"
        f'c1,"LIVER:\nA \uff15 mm calcified granuloma.",@s\n'
        "c2,extra,cells,here\n"
        f"c3,{NORMAL},-1\n"
        f'c4,"{MULTIPLE}",n\n'
        "c5,,n\n",
        encoding="utf-8",
    )
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "t1.txt").write_bytes(CRLF_TEXT.encode("utf-8"))
    (folder / "t2.txt").write_bytes(b"\x00\xff" + random.Random(3).randbytes(512))
    (folder / "t3.png").write_bytes(PNG_BYTES)
    (folder / "t4.txt").write_text(LARGE, encoding="utf-8")
    (folder / "t5.txt").write_text("  \n", encoding="utf-8")
    # JSONL: 7 records, 3 errors (broken, null text, latin-1); CSV: 5 records, 2 errors;
    # folder: 4 .txt files, 2 errors (binary, blank).
    return [jsonl, table, folder], 16, 9, 7


def test_robustness_tables_are_byte_identical_across_runs_and_workers(
    tmp_path: Path, shared_miner: Miner
) -> None:
    inputs, records, reports, errors = _mixed_inputs(tmp_path)
    runs = [
        extract(inputs, tmp_path / "one"),
        extract(inputs, tmp_path / "again"),
        extract(inputs, tmp_path / "two", workers=2, chunk_size=3),
    ]
    for run in runs:
        assert_check(run, records=records, reports=reports, errors=errors)
        assert_no_report_text(run, [CALCIFIED, MULTIPLE, LARGE, NORMAL, CRLF_TEXT])
    for name in TABLES:
        first = (runs[0].out / name).read_bytes()
        assert first, name
        for run in runs[1:]:
            assert (run.out / name).read_bytes() == first, name
    one = runs[0]
    assert [code for *_, code in one.errors()] == [
        "E110",
        "E112",
        "E117",
        "E118",
        "E114",
        "E117",
        "E119",
    ]
    assert one.column("report_id") == ["j1", "j1", "j4", "j5", "c1", "c3", "c4", "t1", "t4"]
    assert one.column("triage") == [
        "benign",
        "workup",
        "benign",
        "urgent",
        "benign",
        "none",
        "workup",
        "benign",
        "urgent",
    ]
    assert one.column("max_size_mm")[2] == "5.0" and one.column("max_size_mm")[4] == "5.0"


def test_robustness_pooled_runs_in_one_process_use_their_own_patterns(tmp_path: Path) -> None:
    patterns = tmp_path / "patterns"
    shutil.copytree(default_patterns_dir(), patterns)
    config = patterns / "config.toml"
    text = config.read_text(encoding="utf-8")
    assert "urgent_size_mm = 30.0" in text
    config.write_text(text.replace("urgent_size_mm = 30.0", "urgent_size_mm = 3.0"), "utf-8")
    source = write_jsonl(
        tmp_path / "in.jsonl", [{"report_id": f"r{i}", "text": CALCIFIED} for i in range(6)]
    )
    args = ["extract", str(source), "--workers", "2", "--chunk-size", "3"]
    default = runner.invoke(app, [*args, "-o", str(tmp_path / "default.csv")])
    assert "triage: none 0, benign 6, workup 0, urgent 0" in default.stdout
    custom = runner.invoke(
        app, [*args, "-o", str(tmp_path / "custom.csv"), "--patterns", str(patterns)]
    )
    assert CHECK_LINE.format(n=6, r=6, e=0) in custom.stdout
    # 5 mm is over the custom 3 mm threshold.
    assert "triage: none 0, benign 0, workup 0, urgent 6" in custom.stdout
