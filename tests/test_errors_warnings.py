"""Coded warnings: W001 (repeated report ids) and W002 (skipped files in input folders).

Python API users get them as :class:`~calcminer.nlp.errors.CalcminerWarning` (with their
``code``), raised where the fact is found: by the engine (W001) and the extract functions
(W002 and, for ``extract_tables``, W001). The CLI prints each once, from the run's summary,
byte for byte as before it raised them.
"""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from calcminer.cli import app
from calcminer.nlp.api import extract_tables, format_extract_notices, run_extract
from calcminer.nlp.engine.run import run_engine
from calcminer.nlp.errors import CalcminerWarning, Warnings

runner = CliRunner()
W001 = Warnings.W001.format(count=2, examples="'a'")
W002 = Warnings.W002.format(count=1)


def _inputs(tmp_path: Path, *, repeated: bool = True, skipped: bool = True) -> list[Path]:
    """An archive where report id ``a`` comes three times, and a folder with a file that is
    not ``.txt`` (and a hidden one, which is never named)."""
    ids = ["a", "a", "b", "a"] if repeated else ["a", "b", "c", "d"]
    tmp_path.mkdir(parents=True, exist_ok=True)
    archive = tmp_path / "archive.jsonl"
    rows = [{"report_id": i, "text": "LIVER: normal."} for i in ids]
    archive.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "r1.txt").write_text("LIVER: a 5 mm calcified granuloma.", encoding="utf-8")
    (folder / ".hidden").write_text("x", encoding="utf-8")
    if skipped:
        (folder / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return [archive, folder]


def _coded(record: Any) -> list[tuple[str, str]]:
    """(code, message) of each CalcminerWarning recorded, in order."""
    return [
        (w.message.code, str(w.message)) for w in record if issubclass(w.category, CalcminerWarning)
    ]


def test_errors_warnings_extract_tables_raises_w001_and_w002_at_the_callers_line(
    tmp_path: Path, fake_miner: Any
) -> None:
    this_file = inspect.getframeinfo(inspect.currentframe()).filename  # type: ignore[arg-type]
    with pytest.warns(CalcminerWarning) as record:
        tables = extract_tables(_inputs(tmp_path), miner=fake_miner)
    assert _coded(record) == [("W001", W001), ("W002", W002)]
    assert {w.filename for w in record} == {this_file}
    assert list(tables.reports["report_id"]) == ["a", "a", "b", "a", "r1"]


def test_errors_warnings_pytest_warns_matches_the_code(tmp_path: Path, fake_miner: Any) -> None:
    with pytest.warns(CalcminerWarning, match=r"^W001 2 record\(s\) repeat"):
        extract_tables(_inputs(tmp_path, skipped=False), miner=fake_miner)
    with pytest.warns(CalcminerWarning, match=r"^W002 ") as record:
        extract_tables(_inputs(tmp_path / "second", repeated=False), miner=fake_miner)
    assert [code for code, _ in _coded(record)] == ["W002"]


def test_errors_warnings_a_clean_run_raises_none(tmp_path: Path, fake_miner: Any) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        extract_tables(_inputs(tmp_path, repeated=False, skipped=False), miner=fake_miner)
        run_extract(
            _inputs(tmp_path / "run", repeated=False, skipped=False),
            tmp_path / "out" / "r.csv",
            miner=fake_miner,
        )
    assert _coded(caught) == []


def test_errors_warnings_run_extract_raises_what_its_notices_print(
    tmp_path: Path, fake_miner: Any
) -> None:
    """One wording: the warnings an API user gets are the notices the CLI prints."""
    with pytest.warns(CalcminerWarning) as record:
        summary = run_extract(_inputs(tmp_path), tmp_path / "out" / "r.csv", miner=fake_miner)
    assert _coded(record) == [("W001", W001), ("W002", W002)]
    assert format_extract_notices(summary) == [W001, W002]
    assert (summary.duplicate_ids, summary.duplicate_examples) == (2, ("a",))


def test_errors_warnings_the_engine_raises_w001_once_the_outputs_are_written(
    tmp_path: Path, fake_miner: Any
) -> None:
    archive = _inputs(tmp_path, skipped=False)[0]
    out = tmp_path / "out" / "r.csv"
    with pytest.warns(CalcminerWarning) as record:
        result = run_engine([archive], {"reports": out}, miner_factory=lambda: fake_miner)
    assert _coded(record) == [("W001", W001)]
    assert result.duplicate_ids == 2 and out.exists()


def test_errors_warnings_cli_prints_each_once_from_the_summary(
    tmp_path: Path, use_fake_miner: Any
) -> None:
    args = [*map(str, _inputs(tmp_path)), "-o", str(tmp_path / "r.csv"), "-w", "1", "--quiet"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = runner.invoke(app, ["extract", *args])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"{W001}\n{W002}\n"
    assert result.stdout == ""
    assert _coded(caught) == []  # the CLI keeps them from Python's warning display


def test_errors_warnings_cli_stderr_in_a_fresh_interpreter(tmp_path: Path) -> None:
    """With Python's default warning filters (which show a UserWarning), stderr holds the two
    notices and nothing else."""
    args = [*map(str, _inputs(tmp_path)), "-o", str(tmp_path / "r.csv"), "-w", "1", "--quiet"]
    done = subprocess.run(
        [sys.executable, "-m", "calcminer.cli", "extract", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stderr == f"{W001}\n{W002}\n"
