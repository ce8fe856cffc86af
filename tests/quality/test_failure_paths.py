"""Failure paths of the archive engine and the writers, end to end through the command line.

Each case runs ``calcminer extract`` or ``calcminer audit`` through ``typer.testing.CliRunner``
(one case through a real subprocess) on a small generated archive and checks what a user
sees: exit code 1, a coded error first on stderr, no traceback, and no file under a final
output name that this run did not finish (an older output stays as it was). Where a run can
be resumed, ``--resume`` then completes it with the same bytes as an uninterrupted run.

Work-folder files are found by role (the manifest, the ``part-*`` files), not by format, so
these tests keep working when the format of the parts changes. Disk faults (a full disk, a
refused write, a failing sync) are injected in-process, only into the files of the output
folder or of the work folder, as the operating system would raise them.
"""

from __future__ import annotations

import errno
import io
import json
import os
import pathlib
import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from calcminer.cli import app
from calcminer.nlp.engine.run import work_dir_for
from calcminer.nlp.mining.miner import Miner

runner = CliRunner()

#: The output tables of an extract run, by option.
TABLES = {
    "-o": "reports.csv",
    "--findings-out": "findings.csv",
    "--flagged-out": "flagged.csv",
    "--errors-out": "errors.csv",
}
#: A coded error message: the code, then the message.
CODED = re.compile(r"^E\d{3} ")
#: Report texts of the generated archives (short, so a run takes a fraction of a second).
TEXTS = (
    "LIVER: A 5 mm calcified granuloma in segment VI.",
    "LIVER: Normal size and echotexture. No focal lesion.",
    "LIVER: Multiple calcified granulomas, the largest 8 mm.",
    "LIVER: A 42 mm calcified mass in segment VIII. Recommend CT.",
    "SPLEEN: Calcified granulomas. LIVER: Normal.",
)
RECORDS = 60
CHUNK = "10"


def write_archive(path: Path, records: int = RECORDS, shift: int = 0) -> Path:
    """A JSONL archive with the audit columns; ``shift`` changes which text each id gets."""
    lines = []
    for i in range(records):
        record = {
            "report_id": f"r{i:04d}",
            "patient_id": f"p{i % 7}",
            "exam_date": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "text": TEXTS[(i + shift) % len(TEXTS)],
        }
        if i == 13:
            record["text"] = None  # one record error, so the errors table has a row
        lines.append(json.dumps(record) + "\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


@dataclass(frozen=True)
class Run:
    """One CLI invocation: exit code, streams, and the exception the runner caught."""

    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None


def invoke(args: Sequence[str]) -> Run:
    """Run the CLI in-process."""
    result = runner.invoke(app, list(args))
    return Run(result.exit_code, result.stdout, result.stderr, result.exception)


def extract_args(archive: Path, out: Path, *extra: str) -> list[str]:
    """``calcminer extract`` writing the four tables into ``out``, in chunks of 10 records."""
    args = ["extract", str(archive)]
    for option, name in TABLES.items():
        args += [option, str(out / name)]
    return [*args, "--workers", "1", "--chunk-size", CHUNK, "--quiet", *extra]


def tables(out: Path) -> dict[str, bytes]:
    """The bytes of every output table in ``out``."""
    return {name: (out / name).read_bytes() for name in TABLES.values()}


def assert_coded_failure(run: Run, code: str) -> None:
    """Exit 1 with the coded error first on stderr, and no traceback anywhere."""
    assert run.exit_code == 1, run.stdout + run.stderr
    # An uncaught exception also exits 1 in CliRunner; a coded failure is a clean exit.
    assert isinstance(run.exception, SystemExit), repr(run.exception)
    assert CODED.match(run.stderr), run.stderr
    assert run.stderr.startswith(f"{code} "), run.stderr
    assert "Traceback" not in run.stdout + run.stderr


def assert_no_unfinished_output(out: Path, expected: dict[str, bytes] | None = None) -> None:
    """No temporary file is left, and each final name holds nothing or its earlier content."""
    assert not [p.name for p in out.glob(".*.tmp")]
    for name in TABLES.values():
        path = out / name
        if expected is not None and name in expected:
            assert path.read_bytes() == expected[name], name
        else:
            assert not path.exists(), name


def work_files(out: Path) -> tuple[Path, list[Path]]:
    """The manifest and the part files of the work folder of ``out``."""
    work = work_dir_for(out / TABLES["-o"])
    manifests = [p for p in work.iterdir() if p.name.startswith("manifest")]
    assert len(manifests) == 1, sorted(p.name for p in work.iterdir())
    parts = sorted(p for p in work.iterdir() if p.name.startswith("part-"))
    return manifests[0], parts


# --- injected disk faults ------------------------------------------------------------------------


class _FailingFile(io.BufferedWriter):
    """A real file whose writes fail with ``error`` once ``limit`` bytes have been written."""

    def __init__(self, raw: io.FileIO, limit: int, error: int) -> None:
        super().__init__(raw)
        self.limit, self.error, self.written = limit, error, 0

    def write(self, data: Any) -> int:
        size = memoryview(data).nbytes
        if self.written + size > self.limit:
            raise OSError(self.error, os.strerror(self.error))
        self.written += size
        return super().write(data)


@dataclass
class DiskFault:
    """Where and how writes fail.

    Attributes:
        matches: Picks the files that fail, by path.
        on: ``open`` (refused: EACCES), ``write`` (after ``limit`` bytes) or ``sync`` (the
            final ``fsync``, after every byte was accepted).
        error: The errno raised.
        limit: Bytes accepted before a ``write`` fault.
        hits: How many times the fault fired.
    """

    matches: Callable[[Path], bool]
    on: str
    error: int
    limit: int = 0
    hits: int = 0


@pytest.fixture
def disk_fault(monkeypatch: pytest.MonkeyPatch) -> Callable[..., DiskFault]:
    """Install a disk fault for the rest of the test (undone afterwards)."""

    def install(matches: Callable[[Path], bool], on: str, error: int, limit: int = 0) -> DiskFault:
        fault = DiskFault(matches, on, error, limit)
        real_open = pathlib.Path.open
        real_fsync = os.fsync
        failing_fds: set[int] = set()

        def fake_open(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            if "w" not in mode or not fault.matches(self):
                return real_open(self, mode, *args, **kwargs)
            if fault.on == "open":
                fault.hits += 1
                raise PermissionError(fault.error, os.strerror(fault.error), str(self))
            if fault.on == "write":
                return _CountingFile(io.FileIO(self, "wb"), fault)
            handle = real_open(self, mode, *args, **kwargs)
            failing_fds.add(handle.fileno())
            return handle

        def fake_fsync(fd: int) -> None:
            if fd in failing_fds:
                fault.hits += 1
                failing_fds.discard(fd)
                raise OSError(fault.error, os.strerror(fault.error))
            real_fsync(fd)

        # Files written through os.write (the work folder's) fail the same way; Linux names
        # the file of a descriptor in /proc.
        real_write = os.write
        written: dict[int, int] = {}

        def fake_write(fd: int, data: Any) -> int:
            try:
                path = Path(os.readlink(f"/proc/self/fd/{fd}"))
            except OSError:
                return real_write(fd, data)
            if fault.on == "write" and fault.matches(path):
                size = memoryview(data).nbytes
                if written.get(fd, 0) + size > fault.limit:
                    fault.hits += 1
                    raise OSError(fault.error, os.strerror(fault.error))
                written[fd] = written.get(fd, 0) + size
            return real_write(fd, data)

        monkeypatch.setattr(pathlib.Path, "open", fake_open)
        monkeypatch.setattr(os, "fsync", fake_fsync)
        monkeypatch.setattr(os, "write", fake_write)
        return fault

    return install


class _CountingFile(_FailingFile):
    """A failing file that tells its fault when it fired."""

    def __init__(self, raw: io.FileIO, fault: DiskFault) -> None:
        super().__init__(raw, fault.limit, fault.error)
        self.fault = fault

    def write(self, data: Any) -> int:
        try:
            return super().write(data)
        except OSError:
            self.fault.hits += 1
            raise


def temp_of(name: str) -> Callable[[Path], bool]:
    """Matches the temporary files written for the final table ``name``."""
    return lambda path: path.name.startswith(f".{name}.") and path.name.endswith(".tmp")


def in_work_folder(path: Path) -> bool:
    """Matches files inside a calcminer work folder."""
    return path.parent.name.endswith(".calcminer-work")


# --- an old work folder without --resume ---------------------------------------------------------


def test_failure_old_work_folder_is_discarded_without_resume(
    interrupted: tuple[Path, Path, dict[str, bytes]], tmp_path: Path
) -> None:
    """Parts of a run on other inputs, and a stray file, never reach a run without --resume."""
    archive, out, _ = interrupted
    manifest, parts = work_files(out)
    assert len(parts) == RECORDS // int(CHUNK)
    (manifest.parent / "part-9999999.stale").write_bytes(b"not a part")
    # Same ids, other texts: a reused part would give the old rows.
    write_archive(archive, shift=2)
    run = invoke(extract_args(archive, out))
    assert run.exit_code == 0, run.stderr
    reference = tmp_path / "reference"
    assert invoke(extract_args(archive, reference)).exit_code == 0
    assert tables(out) == tables(reference)
    assert not manifest.parent.exists()


def test_failure_work_folder_path_taken_by_a_file(tmp_path: Path, shared_miner: Miner) -> None:
    archive = write_archive(tmp_path / "archive.jsonl")
    out = tmp_path / "out"
    out.mkdir()
    blocker = work_dir_for(out / TABLES["-o"])
    blocker.write_bytes(b"someone else's file")
    run = invoke(extract_args(archive, out))
    assert_coded_failure(run, "E216")
    assert blocker.read_bytes() == b"someone else's file"
    assert_no_unfinished_output(out)


# --- resume from a damaged work folder -----------------------------------------------------------


def _damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "corrupt":
        path.write_bytes(bytes(b ^ 0x5A for b in data))
    elif how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "missing":
        path.unlink()
    else:  # valid JSON of another shape
        path.write_text("[1, 2, 3]", encoding="utf-8")


@pytest.fixture
def interrupted(
    tmp_path: Path, shared_miner: Miner, disk_fault: Callable[..., DiskFault]
) -> Iterator[tuple[Path, Path, dict[str, bytes]]]:
    """An archive, an output folder left by a run whose final merge hit a full disk (with
    an older output in place), and that older output."""
    archive = write_archive(tmp_path / "archive.jsonl")
    out = tmp_path / "out"
    out.mkdir()
    old = {name: f"old {name}\n".encode() for name in TABLES.values()}
    for name, content in old.items():
        (out / name).write_bytes(content)
    fault = disk_fault(temp_of("findings.csv"), "write", errno.ENOSPC, limit=0)
    run = invoke(extract_args(archive, out))
    assert_coded_failure(run, "E217")
    assert "findings.csv" in run.stderr and "--resume" in run.stderr
    assert fault.hits
    fault.matches = lambda path: False  # the disk has space again
    assert_no_unfinished_output(out, old)
    yield archive, out, old


@pytest.mark.parametrize("how", ["corrupt", "truncated", "empty", "missing", "other_json"])
def test_failure_resume_with_damaged_manifest(
    interrupted: tuple[Path, Path, dict[str, bytes]], how: str
) -> None:
    archive, out, old = interrupted
    manifest, _ = work_files(out)
    _damage(manifest, how)
    run = invoke(extract_args(archive, out, "--resume"))
    assert_coded_failure(run, "E214")
    assert_no_unfinished_output(out, old)
    # Starting over works.
    assert invoke(extract_args(archive, out)).exit_code == 0
    assert tables(out) != old


@pytest.mark.parametrize("how", ["corrupt", "truncated", "empty"])
@pytest.mark.parametrize("which", [0, -1])
def test_failure_resume_with_damaged_part(
    interrupted: tuple[Path, Path, dict[str, bytes]], how: str, which: int
) -> None:
    archive, out, old = interrupted
    _, parts = work_files(out)
    _damage(parts[which], how)
    run = invoke(extract_args(archive, out, "--resume"))
    assert_coded_failure(run, "E215")
    assert_no_unfinished_output(out, old)


def test_failure_resume_after_a_full_disk_completes_the_run(
    interrupted: tuple[Path, Path, dict[str, bytes]], tmp_path: Path
) -> None:
    archive, out, _ = interrupted
    run = invoke(extract_args(archive, out, "--resume"))
    assert run.exit_code == 0, run.stderr
    reference = tmp_path / "reference"
    assert invoke(extract_args(archive, reference)).exit_code == 0
    assert tables(out) == tables(reference)
    assert not work_dir_for(out / TABLES["-o"]).exists()


def test_failure_damaged_part_through_the_real_command(
    interrupted: tuple[Path, Path, dict[str, bytes]],
) -> None:
    """The same check in a separate process: stderr holds one coded line, no traceback."""
    archive, out, old = interrupted
    _, parts = work_files(out)
    _damage(parts[1], "corrupt")
    command = [sys.executable, "-m", "calcminer.cli", *extract_args(archive, out, "--resume")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert done.stderr.startswith("E215 ") and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1
    assert_no_unfinished_output(out, old)


# --- write errors and a full disk ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "on", "error", "limit"),
    [
        ("reports.csv", "write", errno.ENOSPC, 0),
        ("findings.csv", "write", errno.ENOSPC, 300),
        ("errors.csv", "open", errno.EACCES, 0),
        ("flagged.csv", "sync", errno.ENOSPC, 0),
        ("errors.csv", "sync", errno.EIO, 0),
    ],
)
def test_failure_final_merge_write_error_leaves_no_final_file(
    tmp_path: Path,
    shared_miner: Miner,
    disk_fault: Callable[..., DiskFault],
    table: str,
    on: str,
    error: int,
    limit: int,
) -> None:
    """A table that fails at any step, even the last sync, publishes none of the tables."""
    archive = write_archive(tmp_path / "archive.jsonl")
    out = tmp_path / "out"
    fault = disk_fault(temp_of(table), on, error, limit)
    run = invoke(extract_args(archive, out))
    assert fault.hits
    assert_coded_failure(run, "E217")
    assert table in run.stderr and os.strerror(error) in run.stderr
    assert_no_unfinished_output(out)


@pytest.mark.parametrize("suffix", [".parquet", ".jsonl"])
def test_failure_full_disk_in_other_formats(
    tmp_path: Path, shared_miner: Miner, disk_fault: Callable[..., DiskFault], suffix: str
) -> None:
    archive = write_archive(tmp_path / "archive.jsonl")
    out = tmp_path / "out"
    fault = disk_fault(temp_of(f"findings{suffix}"), "write", errno.ENOSPC, limit=200)
    args = ["extract", str(archive), "-o", str(out / f"reports{suffix}")]
    args += ["--findings-out", str(out / f"findings{suffix}"), "--chunk-size", CHUNK]
    run = invoke([*args, "--workers", "1", "--quiet"])
    assert fault.hits
    assert_coded_failure(run, "E217")
    assert sorted(p.name for p in out.iterdir()) == [f".reports{suffix}.calcminer-work"]


def test_failure_full_disk_while_saving_parts(
    tmp_path: Path, shared_miner: Miner, disk_fault: Callable[..., DiskFault]
) -> None:
    archive = write_archive(tmp_path / "archive.jsonl")
    out = tmp_path / "out"
    fault = disk_fault(in_work_folder, "write", errno.ENOSPC, limit=5000)
    run = invoke(extract_args(archive, out))
    assert fault.hits
    assert_coded_failure(run, "E216")
    assert_no_unfinished_output(out)
    work = work_dir_for(out / TABLES["-o"])
    assert not [p.name for p in work.iterdir() if p.name.endswith(".tmp")]


def test_failure_audit_write_error_leaves_no_table(
    tmp_path: Path, shared_miner: Miner, disk_fault: Callable[..., DiskFault]
) -> None:
    """The audit writes its tables together: the summary failing keeps the audit table out.
    Like extract's, the mined chunks stay in the work folder, and ``--resume`` then writes
    the tables."""
    archive = write_archive(tmp_path / "archive.jsonl")
    out = tmp_path / "out"
    fault = disk_fault(temp_of("summary.csv"), "sync", errno.ENOSPC)
    names = ("audit.csv", "summary.csv", "overdue.csv")
    args = ["audit", str(archive), "-o", str(out / names[0]), "--summary-out"]
    args += [str(out / names[1]), "--overdue-out", str(out / names[2]), "--quiet"]
    run = invoke(args)
    assert fault.hits
    assert_coded_failure(run, "E202")
    assert sorted(p.name for p in out.iterdir()) == [".audit.csv.calcminer-work"]
    fault.matches = lambda path: False  # the disk has room again
    again = invoke([*args, "--resume"])
    assert again.exit_code == 0, again.stderr
    left = {p.name for p in out.iterdir()}
    assert set(names) <= left and not any(name.endswith(".calcminer-work") for name in left)


# --- a database error mid-stream -----------------------------------------------------------------


def test_failure_database_error_after_some_rows(tmp_path: Path, shared_miner: Miner) -> None:
    """The cursor fails after the first batch of rows: a coded error and no table."""
    database = tmp_path / "exams.db"
    rows = 1300  # more than one batch (calcminer.nlp.io.db.DATABASE_BATCH_ROWS)
    with sqlite3.connect(database) as connection:
        connection.execute(
            "CREATE TABLE exams (report_id TEXT, patient_id TEXT, exam_date TEXT, text TEXT)"
        )
        connection.executemany(
            "INSERT INTO exams VALUES (?, ?, ?, ?)",
            [(f"r{i}", f"p{i % 50}", "2024-01-02", TEXTS[i % 2]) for i in range(rows)],
        )
    connection.close()
    # abs() of the smallest integer overflows: SQLite fails while stepping to row 1201.
    query = (
        "SELECT report_id, patient_id, exam_date, text, CASE WHEN rowid > 1200 "
        "THEN abs(-9223372036854775808) ELSE 0 END AS probe FROM exams ORDER BY rowid"
    )
    out = tmp_path / "out"
    args = ["audit", "--db", f"sqlite:///{database}", "--query", query]
    run = invoke([*args, "-o", str(out / "audit.csv"), "--summary-out", str(out / "s.csv")])
    assert_coded_failure(run, "E133")
    assert "after row 1000" in run.stderr
    assert not out.exists() or not list(out.iterdir())
