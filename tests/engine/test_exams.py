"""The audit on the archive engine: same tables for any workers, chunk size or engine; resume;
error rows kept in order; locked outputs; what cannot be resumed."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from dated_archives import EXAMS, ambiguous_exams, layout_date

import calcminer.nlp.engine.exams as exams_module
from calcminer.nlp.api import run_audit
from calcminer.nlp.audit import ArchiveColumns
from calcminer.nlp.engine.exams import ExamSettings, exam_items
from calcminer.nlp.engine.run import EngineOptions, work_dir_for
from calcminer.nlp.engine.workfolder import locked
from calcminer.nlp.errors import CalcminerError
from calcminer.nlp.schema import RecordError, Report

#: Copies of the dated archive's exams (new ids and patients each), so runs have many chunks.
COPIES = 6
#: Where the broken line (a record error of the reader) goes, inside a later chunk.
BROKEN_AT = 23
TABLES = ("audit", "summary", "overdue", "errors")


def _rows(exams: tuple[tuple[str, str, str, str], ...] = EXAMS, layout: str = "iso") -> list[str]:
    lines = []
    for copy in range(COPIES):
        for report_id, patient, day, text in exams:
            record = {
                "report_id": f"{report_id}-{copy}",
                "patient_id": f"{patient}-{copy}" if patient else "",
                "exam_date": layout_date(day, layout),
                "text": text,
            }
            lines.append(json.dumps(record))
    lines.insert(BROKEN_AT, '{"report_id": "broken", "text": ')  # not JSON: an error row
    return lines


def _archive(
    path: Path, exams: tuple[tuple[str, str, str, str], ...] = EXAMS, layout: str = "iso"
) -> Path:
    path.write_text("\n".join(_rows(exams, layout)) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _archive(tmp_path_factory.mktemp("dated") / "archive.jsonl")


def _outputs(folder: Path) -> dict[str, Path]:
    return {name: folder / f"{name}.csv" for name in TABLES}


def _audit(source: Any, folder: Path, **kwargs: Any) -> dict[str, bytes]:
    paths = _outputs(folder)
    run_audit(
        source,
        paths["audit"],
        summary_out=paths["summary"],
        overdue_out=paths["overdue"],
        errors_out=paths["errors"],
        as_of=pd.Timestamp("2021-12-31").date(),
        **kwargs,
    )
    return {name: path.read_bytes() for name, path in paths.items()}


@pytest.fixture(scope="module")
def reference(archive: Path, tmp_path_factory: pytest.TempPathFactory, miner: Any) -> dict:
    """The tables of an in-process run with the default chunks."""
    return _audit(archive, tmp_path_factory.mktemp("reference"), miner=miner)


@pytest.mark.parametrize(("workers", "chunk_size"), [(1, 1), (1, 7), (2, 7), (2, 2000)])
def test_exams_tables_identical_for_any_workers_and_chunk_size(
    archive: Path, reference: dict, tmp_path: Path, miner: Any, workers: int, chunk_size: int
) -> None:
    options = EngineOptions(workers=workers, chunk_size=chunk_size)
    tables = _audit(archive, tmp_path, miner=miner, options=options)
    assert tables == reference
    assert not work_dir_for(tmp_path / "audit.csv").exists()


def test_exams_reference_has_every_kind_of_row(reference: dict) -> None:
    audit = list(csv.DictReader(reference["audit"].decode().splitlines()))
    errors = list(csv.DictReader(reference["errors"].decode().splitlines()))
    assert len(audit) >= COPIES and len({row["status"] for row in audit}) > 1
    assert {row["code"] for row in errors} >= {"E301", "E302"}
    assert len(errors) == 2 * COPIES + 1  # the broken line too


def test_exams_error_rows_of_worker_chunks_kept_in_archive_order(
    archive: Path, tmp_path: Path, miner: Any
) -> None:
    tables = _audit(archive, tmp_path, options=EngineOptions(workers=2, chunk_size=5))
    errors = list(csv.DictReader(tables["errors"].decode().splitlines()))
    lines = [int(row["line"]) for row in errors]
    assert lines == sorted(lines)
    assert BROKEN_AT + 1 in lines  # the reader's error row, from the fifth chunk
    broken = next(row for row in errors if int(row["line"]) == BROKEN_AT + 1)
    assert broken["code"].startswith("E1")


def test_exams_dask_tables_identical_to_local(
    archive: Path, reference: dict, tmp_path: Path
) -> None:
    pytest.importorskip("distributed")
    options = EngineOptions(engine="dask", workers=2, chunk_size=9)
    assert _audit(archive, tmp_path, options=options) == reference


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


def test_exams_resume_after_an_interruption_gives_the_same_tables(
    archive: Path, reference: dict, tmp_path: Path, miner: Any
) -> None:
    options = EngineOptions(workers=1, chunk_size=7)
    with pytest.raises(KeyboardInterrupt):
        _audit(archive, tmp_path, miner=_CrashingMiner(miner, 30), options=options)
    assert not (tmp_path / "audit.csv").exists()
    assert work_dir_for(tmp_path / "audit.csv").is_dir()
    resumed = _CrashingMiner(miner, None)
    again = EngineOptions(workers=1, chunk_size=7, resume=True)
    assert _audit(archive, tmp_path, miner=resumed, options=again) == reference
    assert 0 < resumed.mined <= len(_rows()) - 28  # four finished chunks were not mined again
    assert not work_dir_for(tmp_path / "audit.csv").exists()


def test_exams_resume_refuses_other_settings(archive: Path, tmp_path: Path, miner: Any) -> None:
    options = EngineOptions(workers=1, chunk_size=7)
    with pytest.raises(KeyboardInterrupt):
        _audit(archive, tmp_path, miner=_CrashingMiner(miner, 10), options=options)
    again = EngineOptions(workers=1, chunk_size=7, resume=True)
    other = ArchiveColumns(modality="exam_kind")
    with pytest.raises(CalcminerError) as info:
        _audit(archive, tmp_path, miner=miner, options=again, columns=other)
    assert info.value.code == "E209"


def test_exams_undecided_date_order_keeps_the_chunks_for_resume(tmp_path: Path, miner: Any) -> None:
    source = _archive(tmp_path / "ambiguous.jsonl", ambiguous_exams(), "day_first")
    options = EngineOptions(workers=1, chunk_size=7)
    with pytest.raises(CalcminerError) as info:
        _audit(source, tmp_path / "out", miner=miner, options=options)
    assert info.value.code == "E318"
    assert work_dir_for(tmp_path / "out" / "audit.csv").is_dir()
    counting = _CrashingMiner(miner, None)
    again = EngineOptions(workers=1, chunk_size=7, resume=True)
    tables = _audit(source, tmp_path / "out", miner=counting, options=again, day_first=True)
    assert counting.mined == 0 and tables["audit"]  # nothing mined again


@pytest.mark.parametrize("kind", ["frame", "records"])
def test_exams_resume_refuses_data_in_memory(tmp_path: Path, miner: Any, kind: str) -> None:
    rows = [json.loads(line) for line in _rows()[:BROKEN_AT]]
    data: Any = pd.DataFrame(rows) if kind == "frame" else rows
    with pytest.raises(CalcminerError) as info:
        _audit(data, tmp_path, miner=miner, options=EngineOptions(resume=True))
    assert info.value.code == "E340" and "data in memory" in str(info.value)
    assert not (tmp_path / "audit.csv").exists()


def test_exams_data_in_memory_on_workers_equals_in_process(tmp_path: Path, miner: Any) -> None:
    frame = pd.DataFrame([json.loads(line) for line in _rows()[:BROKEN_AT]])
    alone = _audit(frame, tmp_path / "alone", miner=miner)
    pooled = _audit(frame, tmp_path / "pooled", options=EngineOptions(workers=2, chunk_size=4))
    assert pooled == alone


def test_exams_database_cannot_be_resumed(tmp_path: Path) -> None:
    import sqlite3

    rows = [json.loads(line) for line in _rows()[:BROKEN_AT]]
    with sqlite3.connect(tmp_path / "exams.db") as connection:
        pd.DataFrame(rows).to_sql("exams", connection, index=False)
    connection.close()
    with pytest.raises(CalcminerError) as info:
        run_audit(
            None,
            tmp_path / "audit.csv",
            db_url=f"sqlite:///{tmp_path / 'exams.db'}",
            query="select * from exams",
            options=EngineOptions(resume=True),
        )
    assert info.value.code == "E340" and "database" in str(info.value)
    assert not work_dir_for(tmp_path / "audit.csv").exists()


def test_exams_bad_engine_options(archive: Path, tmp_path: Path) -> None:
    with pytest.raises(CalcminerError) as info:
        _audit(archive, tmp_path, options=EngineOptions(chunk_size=0))
    assert info.value.code == "E210"


def test_exams_outputs_are_locked(archive: Path, tmp_path: Path, miner: Any) -> None:
    with locked([tmp_path / "summary.csv"]), pytest.raises(CalcminerError) as info:
        _audit(archive, tmp_path, miner=miner)
    assert info.value.code == "E225"
    assert not (tmp_path / "audit.csv").exists()


def test_exams_settings_keywords_reach_undated_exam(
    monkeypatch: pytest.MonkeyPatch, make_result: Any
) -> None:
    seen: list[dict[str, Any]] = []
    original = exams_module.undated_exam

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs)
        return original(*args)

    class _Miner:
        def mine(self, reports: Any) -> Any:
            return [make_result(report_id=report.report_id) for report in reports]

    monkeypatch.setattr(exams_module, "undated_exam", spy)
    settings = ExamSettings((), 80, keywords={"new_option": 3})
    items: list[Report | RecordError] = [
        Report("a", "text", meta={"patient_id": "p", "exam_date": "2021-01-01"}),
        RecordError("in.jsonl", 2, None, "E101", "bad"),
        Report("b", "text", meta={"exam_date": "2021-01-01"}),
    ]
    pairs = exam_items(40, items, _Miner(), settings)
    assert [order for order, _ in pairs] == [40, 41, 42]
    assert seen == [{"new_option": 3}, {"new_option": 3}]
    assert isinstance(pairs[1][1], RecordError) and isinstance(pairs[2][1], RecordError)
    assert pairs[0][1].patient_id == "p"
    assert settings.digest() != ExamSettings((), 80, keywords={"new_option": 4}).digest()


def test_exams_cli_engine_options(archive: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from calcminer.cli import app

    def audit(folder: str, *options: str) -> Any:
        out = tmp_path / folder / "audit.csv"
        args = ["audit", str(archive), "-o", str(out), "--as-of", "2021-12-31", "-q"]
        return CliRunner().invoke(app, [*args, *options]), out

    (one, one_out), (two, two_out) = (
        audit("one", "--workers", "1"),
        audit("two", "--workers", "2", "--chunk-size", "4"),
    )
    assert one.exit_code == two.exit_code == 0
    assert one_out.read_bytes() == two_out.read_bytes()
    bad, _ = audit("bad", "--chunk-size", "0")
    assert bad.exit_code == 1 and "E210" in bad.output
