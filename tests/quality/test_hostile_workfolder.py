"""Hostile work folders, concurrent runs and tidy failures of ``calcminer extract``.

Issue 12, items 1, 2, 6 and 12, end to end through the command line
(``typer.testing.CliRunner`` on ``calcminer.cli.app``, and real subprocesses where a second
process or a ``kill -9`` is the point). These tests failed on the code before the fix:

- item 1: a part file replaced by a pickle ran the planted code on ``--resume``; a work folder
  planted by another user (or writable by others) was read, or removed; a resumed Parquet
  run with integers beyond 64 bits in an input column stopped with a traceback;
- item 2: a work folder swapped for a symbolic link during a run received the part files
  (and a link in its place before the run gave a misleading ``E216``);
- item 6: a second run on the same output went ahead and deleted the first run's parts; the
  row check counted the rows mined, not the rows written;
- item 12: temporary files of a killed run, holding report text, stayed beside the output;
  parts are now written with ``os.write``, where the full-disk test injects its fault.

The others (resumed CSV and JSON Lines tables, an output folder that cannot be written, a
work-folder path taken by a file) passed before and guard the new code.

Work-folder files are found by role (``manifest*``, ``part-*``), not by format.
"""

from __future__ import annotations

import csv
import errno
import hashlib
import json
import os
import pickle
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from test_failure_paths import Run, invoke

from calcminer.nlp.engine.run import work_dir_for
from calcminer.nlp.mining.miner import Miner
from calcminer.nlp.schema import Report, ReportResult

#: A word in every report text: it must never show up outside the tables asked for.
MARKER = "Zanzibar"
TEXTS = (
    f"LIVER: A 5 mm calcified granuloma in segment VI. {MARKER} clinic.",
    f"LIVER: Normal size and echotexture. No focal lesion. {MARKER} clinic.",
    f"LIVER: Multiple calcified granulomas, the largest 8 mm. {MARKER} clinic.",
    f"LIVER: A 42 mm calcified mass in segment VIII. Recommend CT. {MARKER} clinic.",
)
#: The output tables of a run, by option.
TABLES = {
    "-o": "reports.csv",
    "--findings-out": "findings.csv",
    "--flagged-out": "flagged.csv",
    "--errors-out": "errors.csv",
}
CODED = re.compile(r"^E\d{3} ")
RECORDS = 60
CHUNK = "10"


# --- helpers -------------------------------------------------------------------------------------


def write_archive(path: Path, records: int = RECORDS, prefix: str = "r", **meta: Any) -> Path:
    """A JSONL archive of short reports (record 13 has no text: one error row).

    Every record carries a ``note`` column holding :data:`MARKER` (input columns go into the
    report table, and so into the parts); ``meta`` gives more input columns: name ->
    function of the record number.
    """
    lines = []
    for i in range(records):
        record: dict[str, Any] = {"report_id": f"{prefix}{i:05d}", "text": TEXTS[i % len(TEXTS)]}
        record["note"] = f"seen at the {MARKER} clinic"
        for name, value in meta.items():
            record[name] = value(i)
        if i == 13:
            record["text"] = None
        lines.append(json.dumps(record) + "\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


def extract_args(archive: Path, out: Path, *extra: str, suffix: str = ".csv") -> list[str]:
    """``calcminer extract`` writing the four tables into ``out``, chunks of 10 records."""
    args = ["extract", str(archive)]
    for option, name in TABLES.items():
        args += [option, str(out / name.replace(".csv", suffix))]
    return [*args, "--workers", "1", "--chunk-size", CHUNK, "--quiet", *extra]


def assert_coded_failure(run: Run, code: str) -> None:
    """Exit 1 with the coded error first on stderr, no traceback, no report text."""
    assert run.exit_code == 1, run.stdout + run.stderr
    assert isinstance(run.exception, SystemExit), repr(run.exception)
    assert run.stderr.startswith(f"{code} "), run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    assert MARKER not in run.stdout + run.stderr


def assert_no_table(out: Path, suffix: str = ".csv") -> None:
    """No output table and no temporary file of one in ``out``."""
    for name in TABLES.values():
        assert not (out / name.replace(".csv", suffix)).exists(), name
    assert not [p.name for p in out.glob(".*.tmp")] if out.is_dir() else True


def tables(out: Path, suffix: str = ".csv") -> dict[str, bytes]:
    """The bytes of every output table in ``out``."""
    names = [name.replace(".csv", suffix) for name in TABLES.values()]
    return {name: (out / name).read_bytes() for name in names}


def files_holding_text(root: Path) -> list[Path]:
    """Files under ``root`` (links not followed) whose bytes hold report text."""
    found = []
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            if not path.is_symlink() and MARKER.encode() in path.read_bytes():
                found.append(path)
    return found


def part_files(work: Path) -> list[Path]:
    """The part files of a work folder, in name order."""
    return sorted(p for p in work.iterdir() if p.name.startswith("part-"))


class StoppingMiner:
    """The real miner, interrupted (as by Ctrl-C) once ``stop_after`` reports are mined;
    ``before_chunk`` runs before each chunk is mined (it gets the chunk's number)."""

    def __init__(
        self,
        miner: Miner,
        stop_after: int | None = None,
        before_chunk: Callable[[int], None] | None = None,
    ) -> None:
        self.miner = miner
        self.stop_after = stop_after
        self.before_chunk = before_chunk
        self.mined = 0
        self.chunks = 0

    def mine(self, reports: Iterable[Report]) -> Iterator[ReportResult]:
        if self.before_chunk is not None:
            self.before_chunk(self.chunks)
        self.chunks += 1
        for result in self.miner.mine(reports):
            if self.stop_after is not None and self.mined >= self.stop_after:
                raise KeyboardInterrupt
            self.mined += 1
            yield result


@pytest.fixture
def use_miner(monkeypatch: pytest.MonkeyPatch, miner: Miner) -> Callable[[Any], None]:
    """Make the CLI mine in-process with the session miner (or a wrapper given later)."""

    def install(chosen: Any = None) -> None:
        picked = miner if chosen is None else chosen
        monkeypatch.setattr(
            "calcminer.nlp.commands.batch.load_miner", lambda patterns_dir=None: picked
        )

    install()
    return install


def interrupt(
    archive: Path, out: Path, use_miner: Callable[[Any], None], miner: Miner, **kw: Any
) -> Path:
    """Run and interrupt after 30 reports (3 chunks saved); return the work folder."""
    use_miner(StoppingMiner(miner, stop_after=30))
    run = invoke(extract_args(archive, out, **kw))
    assert run.exit_code != 0
    use_miner(None)
    work = work_dir_for(out / "reports.csv".replace(".csv", kw.get("suffix", ".csv")))
    assert len(part_files(work)) >= 3
    return work


class PlantedCode:
    """A pickle that, when loaded, creates ``marker`` (a stand-in for any planted code)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (open, (str(self.marker), "w"))


#: Digests an attacker may have to recompute in a manifest (the algorithm is public).
_DIGESTS: tuple[Callable[[bytes], Any], ...] = (
    hashlib.sha256,
    hashlib.sha512,
    hashlib.blake2b,
    lambda data: hashlib.blake2b(data, digest_size=32),
    lambda data: hashlib.blake2b(data, digest_size=16),
    hashlib.blake2s,
)


def plant_pickle(work: Path, marker: Path) -> None:
    """Replace the first part file by a code-running pickle and re-sign the manifest."""
    part = part_files(work)[0]
    old, new = part.read_bytes(), pickle.dumps(PlantedCode(marker))
    part.write_bytes(new)
    for manifest in (p for p in work.iterdir() if p.name.startswith("manifest")):
        text = manifest.read_text(encoding="utf-8")
        for digest in _DIGESTS:
            text = text.replace(digest(old).hexdigest(), digest(new).hexdigest())
        manifest.write_text(text, encoding="utf-8")


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Name -> (mode, bytes) of the files in a folder, and the folder's own mode."""
    state = {".": (folder.lstat().st_mode, b"")}
    for path in folder.iterdir():
        state[path.name] = (path.lstat().st_mode, path.read_bytes())
    return state


# --- item 1: no code from the work folder --------------------------------------------------------


def test_hostile_workfolder_item01_planted_pickle_part_runs_no_code_on_resume(
    tmp_path: Path, use_miner: Callable[[Any], None], miner: Miner
) -> None:
    """A part file replaced by a pickle (manifest re-signed) is refused; its code never runs."""
    archive = write_archive(tmp_path / "archive.jsonl")
    out = tmp_path / "out"
    work = interrupt(archive, out, use_miner, miner)
    marker = tmp_path / "planted-code-ran"
    plant_pickle(work, marker)
    run = invoke(extract_args(archive, out, "--resume"))
    assert not marker.exists(), "code planted in the work folder ran"
    assert_coded_failure(run, "E215")
    assert_no_table(out)


@pytest.mark.parametrize("how", ["world_writable", "group_writable", "other_owner"])
@pytest.mark.parametrize("resume", [True, False])
def test_hostile_workfolder_item01_planted_work_folder_is_refused_and_not_read(
    tmp_path: Path, use_miner: Callable[[Any], None], miner: Miner, how: str, resume: bool
) -> None:
    """In a shared output folder (1777), a work folder that another user could have planted,
    valid manifest and all, stops the run with a coded error; no part of it is read and it is
    left as it is."""
    if how == "other_owner" and os.geteuid() != 0:
        pytest.skip("giving a folder to another user needs root")
    archive = write_archive(tmp_path / "archive.jsonl")
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o1777)
    work = interrupt(archive, out, use_miner, miner)
    marker = tmp_path / "planted-code-ran"
    plant_pickle(work, marker)
    if how == "world_writable":
        work.chmod(0o777)
    elif how == "group_writable":
        work.chmod(0o770)
    else:
        for path in [work, *work.iterdir()]:
            os.chown(path, 65534, 65534)
    before = snapshot(work)
    run = invoke(extract_args(archive, out, *(["--resume"] if resume else [])))
    assert not marker.exists(), "code planted in the work folder ran"
    assert_coded_failure(run, "E224")
    assert str(work) in run.stderr
    assert snapshot(work) == before
    assert_no_table(out)


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_hostile_workfolder_item01_resumed_tables_equal_a_fresh_run_with_carried_columns(
    tmp_path: Path, use_miner: Callable[[Any], None], miner: Miner, suffix: str
) -> None:
    """Parts in the new format keep every carried input value exactly: a resumed run writes
    the bytes of an uninterrupted run (ints, floats, big ints, mixed types, nested values)."""
    meta: dict[str, Callable[[int], Any]] = {
        "age": lambda i: 40 + i if i % 5 else None,
        "ratio": lambda i: i / 7 if i % 3 else float(i),
        "big": lambda i: 2**70 + i,
        "mixed": lambda i: [f"=cmd{i}", i, 1.5, True, None][i % 5],
        "nested": lambda i: {"a": [i, {"b": None}], "c": "x"} if i % 2 else [1, "two"],
        "flag": lambda i: i % 2 == 0,
    }
    archive = write_archive(tmp_path / "archive.jsonl", **meta)
    reference = tmp_path / "reference"
    assert invoke(extract_args(archive, reference, suffix=suffix)).exit_code == 0
    out = tmp_path / "out"
    interrupt(archive, out, use_miner, miner, suffix=suffix)
    run = invoke(extract_args(archive, out, "--resume", suffix=suffix))
    assert run.exit_code == 0, run.stderr
    assert tables(out, suffix) == tables(reference, suffix)
    assert not work_dir_for(out / f"reports{suffix}").exists()


# --- item 2: a symbolic link as the work folder --------------------------------------------------


@pytest.mark.parametrize("resume", [False, True])
def test_hostile_workfolder_item02_symlinked_work_folder_is_refused(
    tmp_path: Path, use_miner: Callable[[Any], None], resume: bool
) -> None:
    """A work-folder path that is a symbolic link to someone else's folder: a coded error
    naming it, nothing written there, the link left alone."""
    archive = write_archive(tmp_path / "archive.jsonl")
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("someone else's file", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    work = work_dir_for(out / "reports.csv")
    work.symlink_to(victim, target_is_directory=True)
    run = invoke(extract_args(archive, out, *(["--resume"] if resume else [])))
    assert_coded_failure(run, "E224")
    assert str(work) in run.stderr
    assert work.is_symlink() and os.readlink(work) == str(victim)
    assert sorted(p.name for p in victim.iterdir()) == ["keep.txt"]
    assert_no_table(out)


def test_hostile_workfolder_item02_work_folder_swapped_for_a_symlink_mid_run(
    tmp_path: Path, use_miner: Callable[[Any], None], miner: Miner
) -> None:
    """Another user who can write the output folder moves the work folder away during the
    run and puts a link to their own folder in its place: no part reaches their folder, the
    run stops with a coded error and leaves no report text behind."""
    archive = write_archive(tmp_path / "archive.jsonl")
    victim = tmp_path / "attacker"
    victim.mkdir(mode=0o777)
    out = tmp_path / "out"
    work = work_dir_for(out / "reports.csv")
    moved = tmp_path / "moved-away"

    def swap(chunk: int) -> None:
        if chunk == 2:
            work.rename(moved)
            work.symlink_to(victim, target_is_directory=True)

    use_miner(StoppingMiner(miner, before_chunk=swap))
    run = invoke(extract_args(archive, out))
    assert moved.is_dir(), "the swap did not happen"
    assert_coded_failure(run, "E224")
    assert list(victim.iterdir()) == []
    assert files_holding_text(moved) == []
    assert_no_table(out)


# --- item 6: one run per output at a time --------------------------------------------------------


def test_hostile_workfolder_item06_second_run_on_the_same_output_stops_naming_the_first(
    tmp_path: Path, use_miner: Callable[[Any], None]
) -> None:
    """While a run writes an output, a second run on the same output (other inputs) stops
    with a coded error naming the first run's pid; the first run completes with its own
    reports."""
    first = write_archive(tmp_path / "first.jsonl", records=6000, prefix="a")
    second = write_archive(tmp_path / "second.jsonl", records=200, prefix="b")
    out = tmp_path / "out"
    work = work_dir_for(out / "reports.csv")
    args = extract_args(first, out)
    args[args.index("--chunk-size") + 1] = "100"
    args.remove("--quiet")
    command = [sys.executable, "-m", "calcminer.cli", *args]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 180
        while proc.poll() is None and time.monotonic() < deadline:
            if work.is_dir() and part_files(work):
                break
            time.sleep(0.02)
        assert proc.poll() is None, "the first run ended before the second started"
        run = invoke(extract_args(second, out))
        assert_coded_failure(run, "E225")
        assert f"pid {proc.pid}" in run.stderr
        stdout, stderr = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, stderr
    assert "check: records in 6000 = report rows 5999 + error rows 1: ok" in stdout
    with (out / "reports.csv").open(encoding="utf-8", newline="") as handle:
        ids = [row["report_id"] for row in csv.DictReader(handle)]
    assert ids == [f"a{i:05d}" for i in range(6000) if i != 13]
    assert not work.exists()


def test_hostile_workfolder_item06_row_check_counts_the_rows_written(
    tmp_path: Path, use_miner: Callable[[Any], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chunk's rows that never reach the report file fail the row check: a coded error
    and no table, not "check ok"."""
    from calcminer.nlp.io import writers

    archive = write_archive(tmp_path / "archive.jsonl")
    out = tmp_path / "out"
    seen: dict[str, int] = {}

    def dropping(real: Callable[..., None]) -> Callable[..., None]:
        def write(self: writers.TableStream, rows: Any) -> None:
            calls = seen[self.path.name] = seen.get(self.path.name, 0) + 1
            if self.path.name == "reports.csv" and calls == 2:
                return  # the second chunk's rows are lost
            real(self, rows)

        return write

    monkeypatch.setattr(writers.TableStream, "write", dropping(writers.TableStream.write))
    monkeypatch.setattr(
        writers.TableStream, "write_rendered", dropping(writers.TableStream.write_rendered)
    )
    run = invoke(extract_args(archive, out))
    assert seen.get("reports.csv", 0) >= 2
    assert "ok" not in run.stdout
    assert_coded_failure(run, "E227")
    assert_no_table(out)


# --- item 8: resume trusts the content, not size and time ---------------------------------------


def test_hostile_workfolder_item08_input_edited_in_place_with_same_size_and_time_is_not_resumed(
    tmp_path: Path, use_miner: Callable[[Any], None], miner: Miner
) -> None:
    """An input edited in place (same size, mtime restored) after an interrupted run: --resume
    refuses the old parts (E209); no table holds the stale rows."""
    archive = write_archive(tmp_path / "archive.jsonl")
    out = tmp_path / "out"
    interrupt(archive, out, use_miner, miner)
    stat = archive.stat()
    data = archive.read_bytes()
    edited = data.replace(b"A 5 mm calcified granuloma", b"A 9 mm calcified granuloma", 1)
    assert edited != data and len(edited) == len(data)
    archive.write_bytes(edited)
    os.utime(archive, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert archive.stat().st_size == stat.st_size
    assert archive.stat().st_mtime_ns == stat.st_mtime_ns
    run = invoke(extract_args(archive, out, "--resume"))
    assert_coded_failure(run, "E209")
    assert_no_table(out)


# --- item 12: tidy failures ----------------------------------------------------------------------

#: Runs the command in a process that kills itself (SIGKILL) when it starts to complete the
#: output files: every table is then a temporary file holding rows, as after a real kill.
_KILLED_IN_MERGE = """
import os, signal, sys
from calcminer.nlp.io import writers

def finish(self):
    os.kill(os.getpid(), signal.SIGKILL)

writers.TableStream.finish = finish
from calcminer.cli import main
sys.argv = ["calcminer", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize("resume", [False, True])
def test_hostile_workfolder_item12_temp_files_of_a_killed_run_are_removed_by_the_next(
    tmp_path: Path, use_miner: Callable[[Any], None], resume: bool
) -> None:
    """A run killed while completing its tables leaves temporary files holding report text;
    the next run on the same output (fresh or resumed) removes them, and only them."""
    archive = write_archive(tmp_path / "archive.jsonl")
    out = tmp_path / "out"
    out.mkdir()
    other = out / ".notes.csv.0123abcd.tmp"  # another file's temporary file: not ours
    other.write_text("not calcminer's", encoding="utf-8")
    killed = subprocess.run(
        [sys.executable, "-c", _KILLED_IN_MERGE, *extract_args(archive, out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    stale = sorted(p for p in out.glob(".*.tmp") if p != other)
    assert stale and all(MARKER.encode() in p.read_bytes() for p in stale if "reports" in p.name)
    run = invoke(extract_args(archive, out, *(["--resume"] if resume else [])))
    assert run.exit_code == 0, run.stderr
    assert [p.name for p in out.glob(".*.tmp")] == [other.name]
    reference = tmp_path / "reference"
    assert invoke(extract_args(archive, reference)).exit_code == 0
    assert tables(out) == tables(reference)


def _refuse_in(folder: Path, error: int, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make creating anything in ``folder`` fail with ``error``, as the system would (for
    root, whom permissions do not stop). Returns the names refused."""
    refused: list[str] = []
    real_open, real_mkdir = os.open, os.mkdir

    def inside(path: Any, dir_fd: int | None) -> bool:
        return dir_fd is None and Path(os.fsdecode(path)).absolute().parent == folder

    def fake_open(path: Any, flags: int, mode: int = 0o777, *, dir_fd: int | None = None) -> int:
        if flags & os.O_CREAT and inside(path, dir_fd):
            refused.append(Path(os.fsdecode(path)).name)
            raise OSError(error, os.strerror(error), os.fsdecode(path))
        return real_open(path, flags, mode, dir_fd=dir_fd)

    def fake_mkdir(path: Any, mode: int = 0o777, *, dir_fd: int | None = None) -> None:
        if inside(path, dir_fd):
            refused.append(Path(os.fsdecode(path)).name)
            raise OSError(error, os.strerror(error), os.fsdecode(path))
        real_mkdir(path, mode, dir_fd=dir_fd)

    real_path_open = Path.open

    def fake_path_open(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if ("w" in mode or "a" in mode or "x" in mode) and self.absolute().parent == folder:
            refused.append(self.name)
            raise OSError(error, os.strerror(error), str(self))
        return real_path_open(self, mode, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)
    monkeypatch.setattr(os, "mkdir", fake_mkdir)
    monkeypatch.setattr(Path, "open", fake_path_open)
    return refused


@pytest.mark.parametrize("error", [errno.EACCES, errno.ENOSPC, errno.EROFS])
def test_hostile_workfolder_item12_output_folder_that_cannot_be_written_is_a_coded_error(
    tmp_path: Path, use_miner: Callable[[Any], None], monkeypatch: pytest.MonkeyPatch, error: int
) -> None:
    """A non-writable (or full, or read-only) output folder: a coded error naming the folder's
    problem, no traceback, nothing left in the folder."""
    archive = write_archive(tmp_path / "archive.jsonl")
    out = tmp_path / "out"
    out.mkdir()
    refused = _refuse_in(out, error, monkeypatch)
    run = invoke(extract_args(archive, out))
    assert refused
    assert run.exit_code == 1 and CODED.match(run.stderr), run.stderr
    assert isinstance(run.exception, SystemExit) and "Traceback" not in run.stderr
    assert os.strerror(error) in run.stderr and str(out) in run.stderr
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("resume", [False, True])
def test_hostile_workfolder_item12_work_folder_path_that_is_a_file_is_a_coded_error(
    tmp_path: Path, use_miner: Callable[[Any], None], resume: bool
) -> None:
    archive = write_archive(tmp_path / "archive.jsonl")
    out = tmp_path / "out"
    out.mkdir()
    blocker = work_dir_for(out / "reports.csv")
    blocker.write_bytes(b"someone's file")
    run = invoke(extract_args(archive, out, *(["--resume"] if resume else [])))
    assert_coded_failure(run, "E216")
    assert blocker.read_bytes() == b"someone's file"
    assert sorted(p.name for p in out.iterdir()) == [blocker.name]


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="finds files by /proc/self/fd")
def test_hostile_workfolder_item12_full_disk_while_saving_parts_leaves_no_temp_file(
    tmp_path: Path, use_miner: Callable[[Any], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills up while a part is being saved: a coded error, and no temporary file
    (holding report text) in the output or the work folder; --resume then completes the run."""
    archive = write_archive(tmp_path / "archive.jsonl")
    out = tmp_path / "out"
    work = work_dir_for(out / "reports.csv")
    real_write = os.write
    budget = {"bytes": 6000}

    def fake_write(fd: int, data: Any) -> int:
        if Path(os.readlink(f"/proc/self/fd/{fd}")).parent == work.resolve():
            budget["bytes"] -= memoryview(data).nbytes
            if budget["bytes"] < 0:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", fake_write)
    run = invoke(extract_args(archive, out))
    assert budget["bytes"] < 0
    assert_coded_failure(run, "E216")
    assert os.strerror(errno.ENOSPC) in run.stderr
    assert not [p.name for p in work.iterdir() if p.name.endswith(".tmp")]
    assert files_holding_text(out) == [] or all(
        p.parent == work and p.name.startswith("part-") for p in files_holding_text(out)
    )
    assert_no_table(out)
    budget["bytes"] = 10**12
    run = invoke(extract_args(archive, out, "--resume"))
    assert run.exit_code == 0, run.stderr
    reference = tmp_path / "reference"
    assert invoke(extract_args(archive, reference)).exit_code == 0
    assert tables(out) == tables(reference)
