"""Hostile and dirty input (issue 12, items 4, 5, 9, 10 and 11), end to end through the CLI.

Each ``test_itemNN_...`` test runs ``calcminer extract`` (or ``calcminer audit``) through
``typer.testing.CliRunner`` on an input built to break the reader, and checks the project's
promise: records in = report rows + error rows, each bad record is one error row naming the
file and its line (or id), the run goes on, and no report text reaches stdout, stderr, ids or
error reasons. Every one of them failed on the code before the change (a fragment of text
printed as an id, a file folded into one record, outputs that changed with the chunk size, a
traceback, a hang, a 20,000-column table). Unit tests of the pieces follow them.

The CLI mines with the session miner of conftest.py (``--workers 1``), so the file runs fast.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import sys
import tempfile
import tracemalloc
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_robustness import CALCIFIED, MARKER, NORMAL, Run
from typer.testing import CliRunner

from calcminer.cli import app
from calcminer.nlp.errors import PatternError
from calcminer.nlp.io.readers import read_reports
from calcminer.nlp.io.tables import REPORT_COLUMNS
from calcminer.nlp.mining.miner import Miner
from calcminer.nlp.rules.patterns import default_patterns_dir
from calcminer.nlp.schema import RecordError, Report

runner = CliRunner()

CHECK_LINE = "check: records in {n} = report rows {r} + error rows {e}: ok"


def extract(inputs: Sequence[Path], out: Path, *extra: str, output: str = "reports.csv") -> Run:
    """Run ``calcminer extract`` with one worker, the errors table in ``out/errors.csv``."""
    args = ["extract", *map(str, inputs), "-o", str(out / output)]
    args += ["--errors-out", str(out / "errors.csv"), "--workers", "1", *extra]
    result = runner.invoke(app, args)
    return Run(result.exit_code, result.stdout, result.stderr, out)


def assert_check(run: Run, records: int, reports: int, errors: int) -> None:
    """The run succeeded and printed the row invariant with these numbers."""
    assert run.exit_code == 0, run.stdout + run.stderr
    assert CHECK_LINE.format(n=records, r=reports, e=errors) in run.stdout, run.stdout


def assert_no_text(run: Run, fragments: Sequence[str] = ()) -> None:
    """No report text in stdout, stderr, nor in the ids and reasons of the errors table."""
    shown = [run.stdout, run.stderr]
    if (run.out / "errors.csv").exists():
        shown += [f"{row['report_id']} {row['reason']}" for row in run.table("errors.csv")]
    for stream in shown:
        assert MARKER not in stream
        for fragment in fragments:
            assert fragment not in stream


def patterns_with(tmp_path: Path, **input_settings: object) -> Path:
    """A copy of the packaged patterns with ``[input]`` settings replaced."""
    folder = tmp_path / "patterns"
    shutil.copytree(default_patterns_dir(), folder)
    config = folder / "config.toml"
    lines = config.read_text(encoding="utf-8").splitlines()
    for key, value in input_settings.items():
        shown = json.dumps(value)  # true/false and numbers are the same in TOML
        lines = [f"{key} = {shown}" if line.startswith(f"{key} =") else line for line in lines]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


# --- item 4: line breaks outside quotes ----------------------------------------------------------

#: R002's urgent size (42 mm) is on the line after an unquoted line break.
CUT_URGENT = f"Largest 42 mm, {MARKER} clinic urgent review."
SIGNED = f"Reported by Dr {MARKER}, radiologist."


def test_hostile_input_item04_unquoted_line_breaks_never_turn_text_into_report_ids(
    tmp_path: Path, shared_miner: Miner
) -> None:
    """Text cut by an unquoted LF (or a bare CR) leaves rows that start with text: each is an
    error row without an id, the cut record above it is an error row too (its text is
    incomplete, so the urgent report is not mined as a benign one), and no fragment is
    printed as a (duplicate) id."""
    source = tmp_path / "in.csv"
    source.write_bytes(
        (
            "report_id,text\n"
            f"R001,{NORMAL}\n"  # line 2, row 1
            f"R002,LIVER: Calcified mass in segment VIII.\n{CUT_URGENT}\n"  # rows 2-3
            f"R003,{CALCIFIED}\r{SIGNED}\n"  # rows 4-5: a bare CR
            f"R004,LIVER: Normal.\n{SIGNED}\n"  # rows 6-7: the same fragment again
            f"R005,LIVER: Multiple calcified granulomas. The largest 8 mm. {MARKER}.\n"  # row 8
        ).encode()
    )
    run = extract([source], tmp_path / "out")
    assert_check(run, records=8, reports=2, errors=6)
    src = str(source)
    assert run.errors() == [
        (src, "2", "R002", "E142"),
        (src, "3", "", "E141"),
        (src, "4", "R003", "E142"),
        (src, "5", "", "E141"),
        (src, "6", "R004", "E142"),
        (src, "7", "", "E141"),
    ]
    reasons = [row["reason"] for row in run.table("errors.csv")]
    assert "file line 4" in reasons[0] and "file line 4" in reasons[1]
    assert run.column("report_id") == ["R001", "R005"]
    assert run.column("triage") == ["none", "workup"]
    assert "W001" not in run.stderr and "duplicate" not in run.stdout
    assert_no_text(run, ["Largest 42 mm", "Reported by Dr", "radiologist"])


def test_hostile_input_item04_fragment_rows_with_too_few_cells_show_no_text(
    tmp_path: Path, shared_miner: Miner
) -> None:
    """With the text in the middle, a cut record and its fragment both have the wrong number
    of cells: the fragment's first cell is text, so it is no id of the error row."""
    source = tmp_path / "in.csv"
    source.write_text(
        "report_id,text,site\n"
        f'R1,"{NORMAL}",north\n'
        f"R2,LIVER: first line\nsecond line {MARKER} text,south\n"
        f'R3,"{CALCIFIED}",east\n',
        encoding="utf-8",
    )
    run = extract([source], tmp_path / "out")
    assert_check(run, records=4, reports=2, errors=2)
    assert run.errors() == [(str(source), "2", "R2", "E142"), (str(source), "3", "", "E141")]
    assert run.column("site") == ["north", "east"]
    assert_no_text(run, ["second line"])


def test_hostile_input_item04_ids_of_other_shapes_pass_and_the_check_can_be_turned_off(
    tmp_path: Path, shared_miner: Miner
) -> None:
    """Capitals, digits and symbols never trip the check; lower-case letters after an
    all-digit first id do (taken for a fragment that cuts the record above), unless
    check_csv_id_shape is false."""
    source = tmp_path / "in.csv"
    source.write_text(
        f"report_id,text\n12345,{NORMAL}\nUS-2020/007,{NORMAL}\nCT_7#2,{NORMAL}\nmr-8,{NORMAL}\n",
        encoding="utf-8",
    )
    run = extract([source], tmp_path / "out")
    assert_check(run, records=4, reports=2, errors=2)
    assert run.errors() == [(str(source), "3", "CT_7#2", "E142"), (str(source), "4", "", "E141")]
    assert "lower-case letters" in run.table("errors.csv")[1]["reason"]
    patterns = patterns_with(tmp_path, check_csv_id_shape=False)
    relaxed = extract([source], tmp_path / "relaxed", "--patterns", str(patterns))
    assert_check(relaxed, records=4, reports=4, errors=0)
    assert relaxed.column("report_id") == ["12345", "US-2020/007", "CT_7#2", "mr-8"]


# --- item 5: an unbalanced quote -----------------------------------------------------------------


def _numbered_csv(path: Path, rows: int, broken: int, quoted: bool, closing: int = 0) -> Path:
    """``rows`` reports numbered 1..rows; row ``broken`` opens a quote it never closes; row
    ``closing`` (if any) ends with a stray quote, where a runaway quote would close."""
    lines = ["report_id,text"]
    for number in range(1, rows + 1):
        text = f"LIVER: normal study {number}. {MARKER} clinic"
        if number == broken:
            lines.append(f'{number},"{text}')
        elif number == closing:
            lines.append(f'{number},{text} of 5"')
        elif quoted:
            lines.append(f'{number},"{text}"')
        else:
            lines.append(f"{number},{text}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("quoted", "how"),
    [
        pytest.param(False, "runs to the end of the file", id="runs_to_end_of_file"),
        pytest.param(True, "closes only on line 12", id="closes_on_next_row"),
    ],
)
def test_hostile_input_item05_unbalanced_quote_costs_one_record_not_the_rest_of_the_file(
    tmp_path: Path, shared_miner: Miner, quoted: bool, how: str
) -> None:
    """1,000 rows with a missing closing quote on row 10: one error row naming the line where
    the quote opened (file line 11), and the 999 other rows are read as they are."""
    source = _numbered_csv(tmp_path / "in.csv", rows=1000, broken=10, quoted=quoted)
    run = extract([source], tmp_path / "out")
    assert_check(run, records=1000, reports=999, errors=1)
    assert run.errors() == [(str(source), "10", "10", "E143")]
    reason = run.table("errors.csv")[0]["reason"]
    assert "opened on file line 11" in reason and how in reason
    assert "reading goes on at line 12" in reason
    assert run.column("report_id") == [str(n) for n in range(1, 1001) if n != 10]
    assert set(run.column("triage")) == {"none"}
    assert_no_text(run)


def test_hostile_input_item05_quote_over_more_lines_than_a_report_has_is_an_error(
    tmp_path: Path, shared_miner: Miner
) -> None:
    """A runaway quote that happens to close cleanly 1,190 lines later (a stray inch mark)
    would fold those rows into one fabricated report: past max_csv_record_lines it is an error
    row, and reading goes on at the next line."""
    source = _numbered_csv(tmp_path / "in.csv", 1500, broken=10, quoted=False, closing=1200)
    run = extract([source], tmp_path / "out")
    assert_check(run, records=1500, reports=1499, errors=1)
    assert run.errors() == [(str(source), "10", "10", "E143")]
    assert "more than 1000 lines" in run.table("errors.csv")[0]["reason"]
    assert len(run.column("report_id")) == 1499
    # The limit is configuration: raised above the runaway, the quote closes and the
    # folded record is read as one (it then holds 1,191 lines).
    patterns = patterns_with(tmp_path, max_csv_record_lines=5000)
    raised = extract([source], tmp_path / "raised", "--patterns", str(patterns))
    assert_check(raised, records=310, reports=310, errors=0)


# --- item 9: chunk size never changes the output -------------------------------------------------

#: Carried values of every kind, in an order where each kind meets each other in a chunk.
MIXED: list[Any] = [
    1,
    "a",
    0.1 + 0.2,
    True,
    {"k": 1},
    [1, "x"],
    None,
    1.5,
    False,
    -3,
    2**70,
    1.0,
    float("nan"),
    "=cmd",
]
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=6),
    st.lists(st.integers(min_value=-5, max_value=5), max_size=3),
    st.dictionaries(st.sampled_from(["a", "b"]), st.integers(min_value=0, max_value=9), max_size=2),
)
#: Record shapes: which of the clashing keys a record has, and its other carried values.
RECORDS = st.lists(
    st.tuples(
        st.booleans(),
        st.booleans(),
        st.dictionaries(st.sampled_from(["site", "score", "flag", "meta"]), VALUES, max_size=3),
    ),
    min_size=1,
    max_size=10,
)
CHUNK_SIZES = (1, 2, 3, 100)


def _chunk_records(shapes: Sequence[tuple[bool, bool, Mapping[str, Any]]]) -> list[dict[str, Any]]:
    records = []
    for number, (has_triage, has_input_triage, carried) in enumerate(shapes):
        record: dict[str, Any] = {"report_id": f"r{number}"}
        record["text"] = CALCIFIED if number % 2 else NORMAL
        if has_input_triage:
            record["input_triage"] = f"i:{number}"
        record.update(carried)
        if has_triage:
            record["triage"] = f"t:{number}"
        records.append(record)
    return records


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(shapes=RECORDS)
@example(shapes=[(False, True, {}), (True, False, {}), (True, True, {})])
@example(shapes=[(False, False, {"site": value}) for value in MIXED])
# An int beyond 2**53 in one chunk and a float in another: the column is float64 either way.
@example(shapes=[(False, False, {"score": 510818604159792896}), (False, False, {"score": -1.5})])
def test_hostile_input_item09_outputs_are_byte_identical_whatever_the_chunk_size(
    shared_miner: Miner, shapes: list[tuple[bool, bool, dict[str, Any]]]
) -> None:
    """Property: the same records mined with chunk sizes 1, 2, 3 and 100 give byte-identical
    CSV, JSONL and Parquet tables. A carried key clash (``triage`` and ``input_triage`` in
    different records) lands in the same columns every time, and a carried column of mixed
    kinds is neither a crash nor printed differently."""
    records = _chunk_records(shapes)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        source = root / "in.jsonl"
        source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        outputs: dict[str, set[bytes]] = {}
        for size in CHUNK_SIZES:
            out = root / f"size{size}"
            for main, side in (
                ("reports.csv", "flagged.jsonl"),
                ("reports.parquet", "flagged.parquet"),
            ):
                run = extract(
                    [source],
                    out,
                    "--flagged-out",
                    str(out / side),
                    "--chunk-size",
                    str(size),
                    output=main,
                )
                assert_check(run, records=len(records), reports=len(records), errors=0)
                for name in (main, side):
                    outputs.setdefault(name, set()).add((out / name).read_bytes())
        assert {name: len(contents) for name, contents in outputs.items()} == dict.fromkeys(
            outputs, 1
        )
        rows = Run(0, "", "", root / "size1").table()
        assert [row.get("input_triage", "") for row in rows] == [
            record.get("triage", "") for record in records
        ]
        assert [row.get("input_input_triage", "") for row in rows] == [
            record.get("input_triage", "") for record in records
        ]
        schema = pq.read_schema(root / "size1" / "reports.parquet")
        for name in ("input_triage", "input_input_triage"):
            if name in schema.names:
                assert schema.field(name).type == pa.string()


# --- item 10: each of these used to stop the run -------------------------------------------------

GOOD = {"report_id": "a", "text": CALCIFIED}


def _deep(levels: int) -> str:
    return "[" * levels + "]" * levels


@pytest.mark.parametrize(
    ("line", "code", "report_id"),
    [
        pytest.param('{"report_id": "b\\ud800", "text": "t"}', "E145", "", id="surrogate_in_id"),
        pytest.param(
            '{"report_id": "b", "text": "LIVER: \\ud800 calcified granuloma."}',
            "E145",
            "b",
            id="surrogate_in_text",
        ),
        pytest.param(
            '{"report_id": "b", "text": "LIVER: normal.", "site": "x\\udfff"}',
            "E145",
            "b",
            id="surrogate_in_carried_value",
        ),
        pytest.param(
            '{"report_id": "b", "text": "LIVER: normal.", "s\\ud800": 1}',
            "E145",
            "b",
            id="surrogate_in_key",
        ),
        pytest.param(
            '{"report_id": "b", "text": "LIVER: normal.", "n": ' + "9" * 5000 + "}",
            "E147",
            "",
            id="5000_digit_integer",
        ),
        pytest.param(
            '{"report_id": ' + "7" * 5000 + ', "text": "LIVER: normal."}',
            "E147",
            "",
            id="5000_digit_integer_id",
        ),
        pytest.param(
            '{"report_id": "b", "text": "LIVER: normal.", "deep": ' + _deep(100_000) + "}",
            "E146",
            "",
            id="nested_100000_deep",
        ),
        pytest.param(
            '{"report_id": "b", "text": "LIVER: normal.", "deep": ' + _deep(100) + "}",
            "E146",
            "b",
            id="nested_100_deep",
        ),
    ],
)
@pytest.mark.parametrize("output", ["reports.csv", "reports.parquet"])
def test_hostile_input_item10_hostile_jsonl_values_are_one_error_row(
    tmp_path: Path, shared_miner: Miner, line: str, code: str, report_id: str, output: str
) -> None:
    source = tmp_path / "in.jsonl"
    first, last = json.dumps(GOOD), json.dumps({**GOOD, "report_id": "c"})
    source.write_text(f"{first}\n{line}\n{last}\n", encoding="utf-8")
    run = extract([source], tmp_path / "out", output=output)
    assert_check(run, records=3, reports=2, errors=1)
    assert run.errors() == [(str(source), "2", report_id, code)]
    assert_no_text(run)


def test_hostile_input_item10_broken_link_fifo_and_folder_among_txt_files(
    tmp_path: Path, shared_miner: Miner
) -> None:
    """Entries of an input folder that are no regular .txt file are error rows naming them;
    none is skipped unseen, none is opened for reading (a FIFO would hang)."""
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.txt").write_text(CALCIFIED, encoding="utf-8")
    (folder / "b.txt").symlink_to(tmp_path / "gone.txt")
    os.mkfifo(folder / "c.txt")
    (folder / "d.txt").mkdir()
    (folder / "e.txt").write_text(NORMAL, encoding="utf-8")
    with time_limit(60):
        run = extract([folder], tmp_path / "out")
    assert_check(run, records=5, reports=2, errors=3)
    assert run.errors() == [
        (str(folder / "b.txt"), "", "b", "E148"),
        (str(folder / "c.txt"), "", "c", "E148"),
        (str(folder / "d.txt"), "", "d", "E148"),
    ]
    reasons = [row["reason"] for row in run.table("errors.csv")]
    assert ["broken symbolic link" in reasons[0], "FIFO" in reasons[1], "folder" in reasons[2]] == [
        True
    ] * 3
    assert run.column("report_id") == ["a", "e"]


def test_hostile_input_item10_fifo_input_fails_fast_instead_of_hanging(
    tmp_path: Path, shared_miner: Miner
) -> None:
    fifo = tmp_path / "archive.jsonl"
    os.mkfifo(fifo)
    with time_limit(60):
        run = extract([fifo], tmp_path / "out")
    assert run.exit_code == 1
    assert "E149" in run.stderr and "FIFO" in run.stderr
    assert not (tmp_path / "out" / "reports.csv").exists()


def test_hostile_input_item10_non_utf8_sqlite_text_row_is_one_error_row_in_the_audit(
    tmp_path: Path, shared_miner: Miner
) -> None:
    """SQLite keeps whatever bytes it is given in a TEXT column; one such row used to end the
    audit with E133. Now it is one error row and the other exams are audited."""
    database = tmp_path / "exams.db"
    with sqlite3.connect(database) as connection:
        connection.execute(
            "CREATE TABLE exams (report_id TEXT, patient_id TEXT, exam_date TEXT, "
            "modality TEXT, text TEXT)"
        )
        rows = [
            ("r1", "p1", "2024-01-10", "US", "LIVER: A 42 mm calcified mass in segment VIII."),
            ("r2", "p2", "2024-01-11", "US", b"LIVER: \xff\xfe calcified " + MARKER.encode()),
            ("r3", "p1", "2024-01-20", "CT", "LIVER: Stable appearance."),
            ("r4", "p3", "2024-01-21", "US", "LIVER: Normal."),
        ]
        connection.executemany(
            "INSERT INTO exams VALUES (?, ?, ?, ?, CAST(? AS TEXT))", [tuple(row) for row in rows]
        )
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "audit",
            "--db",
            f"sqlite:///{database}",
            "--query",
            "SELECT report_id, patient_id, exam_date, modality, text FROM exams",
            "-o",
            str(out / "audit.csv"),
            "--errors-out",
            str(out / "errors.csv"),
        ],
    )
    run = Run(result.exit_code, result.stdout, result.stderr, out)
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "check: records in 4 = exams 3 + error rows 1: ok" in run.stdout
    assert run.errors() == [(f"sqlite:///{database}", "2", "r2", "E137")]
    assert "'text'" in run.table("errors.csv")[0]["reason"]
    audit = run.table("audit.csv")
    assert [(row["report_id"], row["followup_report_id"]) for row in audit] == [("r1", "r3")]
    assert_no_text(run)


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Fail (instead of hanging the suite) when the block runs longer than ``seconds``."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s: the input hangs the reader")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# --- item 11: records that each have their own keys ----------------------------------------------

OWN_KEYS_PER_RECORD = 20


def _own_keys_jsonl(path: Path, records: int) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for number in range(records):
            record: dict[str, Any] = {"report_id": f"r{number}", "text": CALCIFIED}
            record.update({f"k{number}_{key}": "v" for key in range(OWN_KEYS_PER_RECORD)})
            handle.write(json.dumps(record) + "\n")
    return path


def test_hostile_input_item11_carried_columns_are_capped_and_memory_stays_flat(
    tmp_path: Path, shared_miner: Miner
) -> None:
    """400 records with 20 keys of their own each (8,000 columns): the first 500 carried
    columns are kept (25 records), every record that would bring more is an error row naming
    the limit and how to raise it, and the run's memory does not grow with the width."""
    source = _own_keys_jsonl(tmp_path / "in.jsonl", 400)
    tracemalloc.start()
    try:
        run = extract([source], tmp_path / "out")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert_check(run, records=400, reports=25, errors=375)
    assert {code for *_, code in run.errors()} == {"E150"}
    assert run.errors()[0] == (str(source), "26", "r25", "E150")
    reason = run.table("errors.csv")[0]["reason"]
    assert "500" in reason and "max_carried_columns" in reason and "--patterns" in reason
    header = (tmp_path / "out" / "reports.csv").read_text(encoding="utf-8").splitlines()[0]
    assert len(header.split(",")) == len(REPORT_COLUMNS) + 500
    assert peak < 50 * 2**20, f"peak traced memory {peak / 2**20:.0f} MiB"


def test_hostile_input_item11_the_cap_is_configuration(tmp_path: Path, shared_miner: Miner) -> None:
    source = _own_keys_jsonl(tmp_path / "in.jsonl", 5)
    patterns = patterns_with(tmp_path, max_carried_columns=40)
    run = extract([source], tmp_path / "out", "--patterns", str(patterns))
    assert_check(run, records=5, reports=2, errors=3)
    assert "first 40" in run.table("errors.csv")[0]["reason"]


# --- unit tests of the pieces --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "other", "accepted"),
    [
        ("R001", "R002", True),
        ("R001", "US-2020/007", True),
        ("12345", "AB_12#3", True),
        ("r1", "r22", True),
        ("r1", "normal", True),  # lower-case ids: a one-word fragment cannot be told apart
        ("R001", "normal", False),
        ("R001", "IMPRESSION:", False),
        ("R001", "VIII.", False),
        ("R001", "2.", False),
        ("r1", "a b", False),
        ("R 001", "R 002", True),  # the first id has a space: spaces are the file's
        ("1.2.840.1", "1.2.840.2", True),
        ("R001", "R001\u00a0", True),  # surrounding whitespace is not part of the shape
        ("R001", "R\u00a0001", False),
        ("R001", "R" * 129, False),
    ],
)
def test_hostile_input_io_csv_id_shape(first: str, other: str, accepted: bool) -> None:
    from calcminer.nlp.io.readers import _IdShape

    shape = _IdShape(max_chars=128)
    assert shape.mismatch(first) is None
    why = shape.mismatch(other)
    assert (why is None) == accepted, why
    if why is not None:
        assert other.strip() not in why


@pytest.mark.parametrize(
    ("keys", "names"),
    [
        (["triage", "input_triage"], ["input_triage", "input_input_triage"]),
        (["input_triage", "triage"], ["input_input_triage", "input_triage"]),
        (["report_id", "input_source", "site"], ["input_report_id", "input_source", "site"]),
    ],
)
def test_hostile_input_tables_carried_names_depend_on_the_name_alone(
    keys: list[str], names: list[str]
) -> None:
    from calcminer.nlp.io.tables import carried_name

    assert [carried_name(key) for key in keys] == names


def test_hostile_input_tables_carried_values_are_decided_value_by_value() -> None:
    from datetime import date

    from calcminer.nlp.io.tables import carried_value

    assert carried_value(2**70) == str(2**70)
    assert carried_value(2**62) == 2**62
    assert carried_value({"k": [1, 2]}) == '{"k": [1, 2]}'
    assert carried_value(date(2024, 1, 2)) == "2024-01-02"
    assert [carried_value(v) for v in (True, 1.5, "x", None)] == [True, 1.5, "x", None]


def test_hostile_input_io_input_limits_are_checked(tmp_path: Path) -> None:
    from calcminer.nlp.io.readers import input_limits

    assert input_limits().max_carried_columns == 500
    with pytest.raises(PatternError, match="E008"):
        input_limits(patterns_with(tmp_path, max_csv_record_lines=0))


def test_hostile_input_io_csv_reads_on_after_broken_quoting(tmp_path: Path) -> None:
    """Text after a closing quote (one line) is E144; a quote open at the end of the file is
    E143 and the lines after it are read again as rows."""
    source = tmp_path / "in.csv"
    source.write_text(
        'report_id,text\nA1,"ok"\nA2,"bad" tail\nA3,ok\nA4,"open\nA5,ok\n', encoding="utf-8"
    )
    items = list(read_reports([source]))
    assert [(item.report_id, item.line, getattr(item, "code", "ok")) for item in items] == [
        ("A1", 1, "ok"),
        ("A2", 2, "E144"),
        ("A3", 3, "ok"),
        ("A4", 4, "E143"),
        ("A5", 5, "ok"),
    ]
    assert isinstance(items[4], Report) and items[4].text == "ok"
    assert isinstance(items[3], RecordError) and "end of the file" in items[3].reason


def test_hostile_input_io_jsonl_id_longer_than_the_limit_is_not_shown(tmp_path: Path) -> None:
    """Swapped --id-col and --text-col would make report texts ids: too long to be one."""
    source = tmp_path / "in.jsonl"
    record = {"report_id": "r1", "text": CALCIFIED * 3}
    source.write_text(json.dumps(record) + "\n", encoding="utf-8")
    items = list(read_reports([source], id_col="text", text_col="report_id"))
    assert [(item.report_id, getattr(item, "code", "")) for item in items] == [(None, "E151")]


if sys.platform == "win32":  # pragma: no cover - FIFOs and SIGALRM are POSIX
    pytestmark = pytest.mark.skip("POSIX only")
