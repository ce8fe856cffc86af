"""Archive engine: chunks, workers, streaming outputs, resume after a crash, Dask."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from suite_env import REPO_ROOT

from calcminer.nlp.api import extract_tables, run_extract
from calcminer.nlp.engine.run import EngineOptions, work_dir_for, worker_context
from calcminer.nlp.errors import CalcminerError
from calcminer.nlp.io.writers import write_table

SAMPLE_DIR = REPO_ROOT / "sample_reports"


def _archive(path: Path, copies: int, extra: dict[int, Any] | None = None) -> Path:
    """A JSONL archive made of the sample reports, with input columns that vary by row."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLE_DIR.glob("*.txt"))]
    lines = []
    for i in range(copies * len(texts)):
        record: dict[str, Any] = {"report_id": f"r{i:05d}", "text": texts[i % len(texts)]}
        if i % 7 == 0:
            record["site"] = "north" if i % 2 else 3  # mixed types in one input column
        if i % 50 == 49:
            record = {"report_id": f"r{i:05d}", "text": None}  # a record error
        lines.append(json.dumps(record))
    for i, raw in (extra or {}).items():
        lines.insert(i, raw)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run(archive: Path, out: Path, suffix: str, **options: Any) -> dict[str, bytes]:
    outputs = {
        "output": out / f"reports{suffix}",
        "findings_out": out / f"findings{suffix}",
        "flagged_out": out / f"flagged{suffix}",
        "errors_out": out / f"errors{suffix}",
        "recommendations_out": out / f"recommendations{suffix}",
    }
    run_extract([archive], engine=EngineOptions(**options), **outputs)
    return {name: path.read_bytes() for name, path in outputs.items()}


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _archive(tmp_path_factory.mktemp("archive") / "archive.jsonl", copies=6)


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_engine_output_identical_for_any_workers_and_chunks(
    archive: Path, tmp_path: Path, suffix: str
) -> None:
    one = _run(archive, tmp_path / "one", suffix, workers=1, chunk_size=1000)
    two = _run(archive, tmp_path / "two", suffix, workers=2, chunk_size=17)
    small = _run(archive, tmp_path / "small", suffix, workers=1, chunk_size=5)
    assert one == two == small
    header = 1 if suffix == ".csv" else 0
    assert one["errors_out"].count(b"\n") == header + 246 // 50  # one error per 50 records


def test_engine_matches_the_whole_table_writer(archive: Path, tmp_path: Path, miner: Any) -> None:
    streamed = _run(archive, tmp_path / "s", ".csv", workers=2, chunk_size=10)
    tables = extract_tables(archive, miner=miner)
    write_table(tables.reports, tmp_path / "whole.csv")
    write_table(tables.findings, tmp_path / "whole_findings.csv")
    assert streamed["output"] == (tmp_path / "whole.csv").read_bytes()
    assert streamed["findings_out"] == (tmp_path / "whole_findings.csv").read_bytes()


def test_engine_parquet_chunks_share_one_schema(archive: Path, tmp_path: Path) -> None:
    one = _run(archive, tmp_path / "one", ".parquet", workers=1, chunk_size=1000)
    many = _run(archive, tmp_path / "many", ".parquet", workers=2, chunk_size=9)
    a = pd.read_parquet(tmp_path / "one" / "reports.parquet")
    b = pd.read_parquet(tmp_path / "many" / "reports.parquet")
    pd.testing.assert_frame_equal(a, b)
    assert a["report_id"].tolist() == sorted(a["report_id"])  # input order
    assert len(a) + len(pd.read_parquet(tmp_path / "one" / "errors.parquet")) == 246
    assert set(one) == set(many)


def test_engine_work_folder_is_private_and_removed(archive: Path, tmp_path: Path) -> None:
    _run(archive, tmp_path, ".csv", workers=1, chunk_size=50)
    assert not work_dir_for(tmp_path / "reports.csv").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "errors.csv",
        "findings.csv",
        "flagged.csv",
        "recommendations.csv",
        "reports.csv",
    ]


@contextmanager
def _busy_thread() -> Iterator[None]:
    """Keep a second thread running that holds a lock most of the time (as a progress bar,
    a logging handler or a notebook's thread might when workers start)."""
    stop = threading.Event()
    lock = threading.Lock()

    def busy() -> None:
        while not stop.is_set():
            with lock:
                stop.wait(0.002)

    thread = threading.Thread(target=busy, daemon=True)
    thread.start()
    try:
        assert threading.active_count() > 1
        yield
    finally:
        stop.set()
        thread.join()


def test_engine_pool_with_a_thread_alive_equals_the_serial_run(
    archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers start safely while another thread runs: this process does not fork them."""
    serial = _run(archive, tmp_path / "serial", ".csv", workers=1, chunk_size=1000)
    forks: list[int] = []
    real_fork = os.fork

    def spy_fork() -> int:
        forks.append(threading.active_count())
        return real_fork()

    monkeypatch.setattr(os, "fork", spy_fork)
    with _busy_thread():
        pooled = _run(archive, tmp_path / "pooled", ".csv", workers=2, chunk_size=20)
    assert pooled == serial
    assert forks == []


def _os_threads() -> int:
    """Threads of this process as the kernel counts them (Python 3.12's fork check)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def test_engine_pool_gives_no_fork_with_threads_warning(
    archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if sys.version_info < (3, 12):
        # Python 3.12+ warns in os.fork() when the process has other threads; do the same.
        real_fork = os.fork

        def warning_fork() -> int:
            if max(threading.active_count(), _os_threads()) > 1:
                message = "This process is multi-threaded, use of fork() may lead to deadlocks"
                warnings.warn(message, DeprecationWarning, stacklevel=2)
            return real_fork()

        monkeypatch.setattr(os, "fork", warning_fork)
    with _busy_thread(), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _run(archive, tmp_path / "pooled", ".csv", workers=2, chunk_size=20)
    fork_warnings = [
        str(w.message)
        for w in caught
        if issubclass(w.category, DeprecationWarning) and "fork" in str(w.message)
    ]
    assert fork_warnings == []


@pytest.mark.parametrize(("threads", "forks"), [(1, True), (2, False), (None, False)])
def test_engine_worker_context_forks_only_a_single_threaded_process(
    monkeypatch: pytest.MonkeyPatch, threads: int | None, forks: bool
) -> None:
    monkeypatch.setattr("calcminer.nlp.engine.run.process_threads", lambda: threads)
    method = worker_context().get_start_method()
    assert (method == "fork") is forks
    assert method in {"fork", "forkserver", "spawn"}


#: Runs ``calcminer extract`` through the console script's entry point, twice in one
#: process: alone, then with a thread alive; prints the start methods chosen.
_CLI_TWICE = """
import json, sys, threading
import calcminer.cli as cli
import calcminer.nlp.engine.run as engine
chosen = []
real = engine.worker_context
def spy():
    context = real()
    chosen.append(context.get_start_method())
    return context
engine.worker_context = spy
archive, out = sys.argv[1], sys.argv[2]
def run(name):
    sys.argv = ["calcminer", "extract", archive, "-o", f"{out}/{name}.csv", "--quiet",
                "--workers", "2", "--chunk-size", "20"]
    try:
        cli.main()
    except SystemExit as done:
        assert not done.code, done.code
run("alone")
stop = threading.Event()
thread = threading.Thread(target=stop.wait)
thread.start()
run("threaded")
stop.set()
thread.join()
print(json.dumps(chosen))
"""


def test_engine_command_forks_workers_only_while_single_threaded(
    archive: Path, tmp_path: Path
) -> None:
    """The command keeps its libraries from starting idle threads, so it forks its workers
    (the fastest start); with a thread alive it takes the fork server. Same tables."""
    done = subprocess.run(
        [sys.executable, "-c", _CLI_TWICE, str(archive), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    chosen = json.loads(done.stdout.strip().splitlines()[-1])
    # Twice per run: before and after the parent builds the miner it hands to forked workers.
    assert chosen[:2] == ["fork", "fork"]
    assert chosen[2:] in (["forkserver"], ["spawn"])
    serial = _run(archive, tmp_path / "serial", ".csv", workers=1, chunk_size=1000)
    assert (tmp_path / "alone.csv").read_bytes() == serial["output"]
    assert (tmp_path / "threaded.csv").read_bytes() == serial["output"]


class _CrashingMiner:
    """Mines with the real miner, but raises once it has mined ``crash_after`` reports."""

    def __init__(self, miner: Any, crash_after: int | None) -> None:
        self.miner, self.crash_after, self.mined = miner, crash_after, 0

    def mine(self, reports: Any) -> Any:
        for result in self.miner.mine(reports):
            if self.crash_after is not None and self.mined >= self.crash_after:
                raise KeyboardInterrupt("simulated interruption")
            self.mined += 1
            yield result


def test_engine_resume_continues_from_finished_chunks(
    archive: Path, tmp_path: Path, miner: Any
) -> None:
    reference = _run(archive, tmp_path / "ref", ".csv", workers=1, chunk_size=40)
    out = tmp_path / "run"
    kwargs: dict[str, Any] = {
        "findings_out": out / "findings.csv",
        "flagged_out": out / "flagged.csv",
        "errors_out": out / "errors.csv",
        "recommendations_out": out / "recommendations.csv",
    }
    crashing = _CrashingMiner(miner, crash_after=100)
    with pytest.raises(KeyboardInterrupt):
        run_extract(
            [archive],
            out / "reports.csv",
            miner=crashing,
            engine=EngineOptions(workers=1, chunk_size=40),
            **kwargs,
        )
    assert not (out / "reports.csv").exists()
    assert work_dir_for(out / "reports.csv").is_dir()
    resumed = _CrashingMiner(miner, crash_after=None)
    run_extract(
        [archive],
        out / "reports.csv",
        miner=resumed,
        engine=EngineOptions(workers=1, chunk_size=40, resume=True),
        **kwargs,
    )
    assert resumed.mined < 246 - 80  # the two finished chunks were not mined again
    for name, content in reference.items():
        path = out / {"output": "reports.csv"}.get(name, name.replace("_out", ".csv"))
        assert path.read_bytes() == content


def test_engine_resume_refuses_a_different_run(archive: Path, tmp_path: Path, miner: Any) -> None:
    out = tmp_path / "reports.csv"
    with pytest.raises(KeyboardInterrupt):
        run_extract(
            [archive],
            out,
            miner=_CrashingMiner(miner, crash_after=50),
            engine=EngineOptions(workers=1, chunk_size=40),
        )
    with pytest.raises(CalcminerError) as err:
        run_extract([archive], out, miner=miner, engine=EngineOptions(chunk_size=30, resume=True))
    assert err.value.code == "E209"


@pytest.mark.slow
def test_engine_kill_9_then_resume(tmp_path: Path) -> None:
    """A real process killed with SIGKILL mid-run leaves no final file; --resume completes it."""
    archive = _archive(tmp_path / "big.jsonl", copies=40)  # 1,640 records
    out = tmp_path / "out" / "reports.csv"
    cmd = [
        sys.executable, "-m", "calcminer.cli", "extract", str(archive), "-o", str(out),
        "--findings-out", str(tmp_path / "out" / "findings.csv"),
        "--workers", "1", "--chunk-size", "40", "--quiet",
    ]  # fmt: skip
    work = work_dir_for(out)
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(work.glob("part-*"))) < 3:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert len(list(work.glob("part-*"))) >= 3
    assert not out.exists()
    assert not list(out.parent.glob("reports.csv*"))
    subprocess.run([*cmd, "--resume"], check=True, capture_output=True)
    reference = tmp_path / "ref" / "reports.csv"
    subprocess.run(
        [sys.executable, "-m", "calcminer.cli", "extract", str(archive), "-o", str(reference),
         "--findings-out", str(tmp_path / "ref" / "findings.csv"), "--quiet"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    assert out.read_bytes() == reference.read_bytes()
    assert (tmp_path / "out" / "findings.csv").read_bytes() == (
        tmp_path / "ref" / "findings.csv"
    ).read_bytes()
    assert not work.exists()


@pytest.mark.slow
def test_engine_dask_output_identical_to_local(archive: Path, tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    local = _run(archive, tmp_path / "local", ".csv", workers=1, chunk_size=25)
    dask = _run(archive, tmp_path / "dask", ".csv", engine="dask", workers=2, chunk_size=25)
    assert dask == local


def test_engine_fingerprint_follows_content_not_size_and_time(tmp_path: Path) -> None:
    """An input edited in place with the same size and a restored mtime is not resumed."""
    from calcminer.nlp.engine.run import run_fingerprint

    path = tmp_path / "reports.jsonl"
    path.write_text('{"report_id": "r1", "text": "LIVER: 5 mm calcification."}\n')
    stat = path.stat()

    def fingerprint() -> str:
        return run_fingerprint(
            [path],
            id_col="report_id",
            text_col="text",
            chunk_size=10,
            patterns_dir=None,
            prefilter=True,
        )

    before = fingerprint()
    path.write_text('{"report_id": "r1", "text": "LIVER: 7 mm calcification."}\n')
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    assert path.stat().st_mtime_ns == stat.st_mtime_ns
    assert fingerprint() != before


def test_engine_worker_freezes_its_miner_after_building_it() -> None:
    """A worker moves its miner out of the collector's generations once built (gc.freeze),
    so collections while mining do not traverse it; run in a child so this process is not
    frozen. (CPython 3.12 starts with a few hundred objects frozen already.)"""
    code = (
        "import gc\n"
        "from calcminer.nlp.engine.run import _init_worker\n"
        "before = gc.get_freeze_count()\n"
        "_init_worker(None, True)\n"
        "print(before, gc.get_freeze_count())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    before, after = map(int, done.stdout.split())
    assert before < 1_000 and after - before > 10_000
