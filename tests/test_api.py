"""Tests for calcminer.nlp.api (the facade over nlp/commands/): extract_tables / run_extract with
a fake miner, and the old names at their new homes."""

from __future__ import annotations

import importlib
import lzma
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest

import calcminer
from calcminer.nlp import api
from calcminer.nlp.api import (
    ExtractTables,
    check_outputs,
    default_errors_path,
    extract_tables,
    format_summary,
    run_extract,
)
from calcminer.nlp.errors import CalcminerError, InputError, OutputError
from calcminer.nlp.schema import Report, ReportResult

RECORDS = [
    {"report_id": "r1", "text": "A calcified granuloma.", "site": "north"},
    {"report_id": "", "text": "orphan text", "site": "south"},
    {"report_id": "r2", "text": "Multiple calcified foci.", "site": "east"},
    {"report_id": "r3", "text": "Normal liver.", "site": "west"},
]


@pytest.mark.parametrize("copy_meta", [True, False])
def test_api_extract_tables_rows_order_meta_and_errors(records_file, fake_miner, copy_meta):
    fake_miner.copy_meta = copy_meta
    tables = extract_tables(records_file("csv", RECORDS), miner=fake_miner)
    assert isinstance(tables, ExtractTables)
    assert tables.reports["report_id"].tolist() == ["r1", "r2", "r3"]
    assert tables.reports["triage"].tolist() == ["benign", "workup", "none"]
    # Meta is carried even when a miner does not copy it.
    assert tables.reports["site"].tolist() == ["north", "east", "west"]
    assert tables.errors["code"].tolist() == ["E115"]
    assert tables.errors["line"].tolist() == [2]
    assert tables.records_read == 4 == len(tables.reports) + len(tables.errors)
    assert tables.findings["report_id"].tolist() == ["r1", "r2"]
    assert tables.flagged["report_id"].tolist() == ["r2"]


def test_api_extract_tables_accepts_one_path_and_several(records_file, tmp_path, fake_miner):
    path = records_file("jsonl", RECORDS[:1])
    other = tmp_path / "other.jsonl"
    other.write_text('{"report_id": "z", "text": "Normal."}\n', encoding="utf-8")
    assert extract_tables(path, miner=fake_miner).reports["report_id"].tolist() == ["r1"]
    ids = extract_tables([other, path], miner=fake_miner).reports["report_id"].tolist()
    assert ids == ["z", "r1"]


def test_api_input_errors_raise_before_mining(tmp_path, fake_miner):
    path = tmp_path / "in.csv"
    path.write_text("id,body\n1,x\n", encoding="utf-8")
    with pytest.raises(InputError, match="E184"):
        extract_tables(path, miner=fake_miner)
    assert fake_miner.seen == []


class _ContractMiner:
    """A miner that breaks the one-result-per-report contract in a given way."""

    def __init__(self, make_result: Callable[..., ReportResult], fault: str) -> None:
        self.make_result = make_result
        self.fault = fault

    def mine(self, reports: Iterable[Report]) -> Iterator[ReportResult]:
        for i, report in enumerate(reports):
            if self.fault == "wrong_id":
                yield self.make_result(report_id="other")
            elif self.fault == "drops_results" and i > 0:
                continue
            else:
                yield self.make_result(report_id=report.report_id)
                if self.fault == "stops_reading":
                    return


@pytest.mark.parametrize(
    ("fault", "code"),
    [("wrong_id", "E206"), ("drops_results", "E205"), ("stops_reading", "E205")],
)
def test_api_miner_contract_is_checked(records_file, make_result, fault, code):
    path = records_file("jsonl", [RECORDS[0], RECORDS[2], RECORDS[3]])
    with pytest.raises(CalcminerError) as info:
        extract_tables(path, miner=_ContractMiner(make_result, fault))
    assert info.value.code == code


def test_api_run_extract_writes_outputs_and_default_errors_file(records_file, tmp_path, fake_miner):
    inputs = [records_file("jsonl", RECORDS)]
    out = tmp_path / "out" / "reports.csv"
    summary = run_extract(
        inputs, out, flagged_out=tmp_path / "out" / "flagged.jsonl", miner=fake_miner
    )
    assert (summary.records_read, summary.reports, summary.errors) == (4, 3, 1)
    assert summary.rows_match
    assert summary.triage == {"none": 1, "benign": 1, "workup": 1, "urgent": 0}
    assert summary.flagged == 1
    assert summary.error_codes == {"E115": 1}
    assert summary.errors_path == tmp_path / "out" / "reports.errors.csv"
    assert [(role, rows) for role, _, rows in summary.outputs] == [
        ("reports", 3),
        ("flagged", 1),
        ("errors", 1),
    ]
    assert all(path.exists() for _, path, _ in summary.outputs)
    text = format_summary(summary)
    assert "records in 4 = report rows 3 + error rows 1: ok" in text
    assert not any(record["text"] in text for record in RECORDS)


def test_api_run_extract_checks_outputs_before_mining(records_file, tmp_path, fake_miner):
    inputs = [records_file("jsonl", RECORDS)]
    with pytest.raises(OutputError, match="E201"):
        run_extract(inputs, tmp_path / "r.csv", findings_out=tmp_path / "f.xlsx", miner=fake_miner)
    with pytest.raises(OutputError, match="E203"):
        # The default errors file would overwrite the findings table.
        run_extract(
            inputs, tmp_path / "r.csv", findings_out=tmp_path / "r.errors.csv", miner=fake_miner
        )
    assert fake_miner.seen == []
    assert list(tmp_path.glob("*.csv")) == []


def test_api_check_outputs_rejects_duplicates_and_inputs(tmp_path):
    source = tmp_path / "in.csv"
    with pytest.raises(OutputError, match=r"E203.*--output.*--findings-out"):
        check_outputs({"reports": tmp_path / "a.csv", "findings": tmp_path / "a.csv"}, [source])
    with pytest.raises(OutputError, match="E204"):
        check_outputs({"reports": source}, [source])
    assert check_outputs({"reports": tmp_path / "a.csv", "errors": None}, [source]) == {
        "reports": tmp_path / "a.csv"
    }


@pytest.mark.parametrize(
    ("output", "expected"),
    [("out/reports.csv", "out/reports.errors.csv"), ("r.parquet", "r.errors.csv")],
)
def test_api_default_errors_path(output, expected):
    assert default_errors_path(output) == Path(expected)


def test_api_package_exports_extract_tables_lazily():
    assert calcminer.extract_tables is extract_tables
    assert "extract_tables" in dir(calcminer)
    with pytest.raises(AttributeError):
        _ = calcminer.not_there


def test_api_package_exports_miner_lazily():
    from calcminer.nlp.mining.miner import Miner

    assert calcminer.Miner is Miner


#: Every name calcminer.nlp.api defined before the commands had one module each -> its module
#: in calcminer.nlp.commands (and its name there, when it changed).
MOVED: dict[str, tuple[str, str]] = {
    "ERRORS_SUFFIX": ("outputs", "ERRORS_SUFFIX"),
    "OUTPUT_OPTIONS": ("outputs", "OUTPUT_OPTIONS"),
    "check_outputs": ("outputs", "check_outputs"),
    "default_errors_path": ("outputs", "default_errors_path"),
    "written_path": ("summary", "written_path"),
    "load_miner": ("batch", "load_miner"),
    "mine_records": ("batch", "mine_records"),
    "MinedBatch": ("batch", "MinedBatch"),
    "mine_batch": ("batch", "mine_batch"),
    "ExtractTables": ("extract", "ExtractTables"),
    "extract_tables": ("extract", "extract_tables"),
    "ExtractSummary": ("extract", "ExtractSummary"),
    "run_extract": ("extract", "run_extract"),
    "format_summary": ("extract", "format_extract_summary"),
    "AUDIT_OUTPUT_OPTIONS": ("audit", "AUDIT_OUTPUT_OPTIONS"),
    "PLOT_SUFFIX": ("audit", "PLOT_SUFFIX"),
    "AuditRunSummary": ("audit", "AuditRunSummary"),
    "parse_as_of": ("audit", "parse_as_of"),
    "run_audit": ("audit", "run_audit"),
    "format_audit_summary": ("audit", "format_audit_summary"),
    "ReviewRunSummary": ("review", "ReviewRunSummary"),
    "run_review": ("review", "run_review"),
    "run_figures": ("figures", "run_figures"),
}


@pytest.mark.parametrize("name", sorted(MOVED))
def test_api_old_names_are_the_command_modules_objects(name: str) -> None:
    module, new_name = MOVED[name]
    home = importlib.import_module(f"calcminer.nlp.commands.{module}")
    assert getattr(api, name) is getattr(home, new_name)


def test_api_exports_what_it_lists() -> None:
    assert set(MOVED) <= set(api.__all__)
    assert all(hasattr(api, name) for name in api.__all__)


def test_api_command_summaries_share_the_run_summary() -> None:
    from calcminer.nlp.commands.summary import RunSummary

    for summary in (
        api.ExtractSummary,
        api.AuditRunSummary,
        api.ReviewRunSummary,
        api.FiguresRunSummary,
    ):
        assert issubclass(summary, RunSummary)


def test_api_run_figures_returns_a_summary_and_codes_a_foreign_table(tmp_path, fake_miner):
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"report_id": "r1", "text": "A calcified granuloma."}\n{"report_id": "r2"}\n',
        encoding="utf-8",
    )
    summary = api.run_figures([source], tmp_path / "fig", miner=fake_miner)
    assert (summary.records_read, summary.reports, summary.errors) == (2, 1, 1)
    assert summary.rows_match
    assert summary.errors_path == tmp_path / "fig" / "errors.csv"
    assert set(summary.figures) == {"triage", "sizes", "segments"}
    assert all(path.exists() for _, path, _ in summary.outputs)
    text = api.format_figures_summary(summary)
    assert "check: records in 2 = reports 1 + error rows 1: ok" in text
    assert "errors.csv" not in text  # the figures are listed, as before
    wrong = tmp_path / "other.csv"
    wrong.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(CalcminerError) as info:
        api.run_figures([wrong], tmp_path / "fig2", from_table=True)
    assert info.value.code == "E212"


def test_api_extract_tables_reads_compressed_semicolon_cp1252_csv(tmp_path, fake_miner):
    """``delimiter`` and ``encoding`` as on the command line; a .csv.xz is read as it is."""
    rows = [{"report_id": "r1", "text": "A calcified granuloma.", "site": "Orl\xe9ans"}]
    header = "report_id;text;site\n"
    body = "".join(f"{r['report_id']};{r['text']};{r['site']}\n" for r in rows)
    plain = tmp_path / "plain.csv"
    plain.write_text(header.replace(";", ",") + body.replace(";", ","), encoding="utf-8")
    packed = tmp_path / "export.csv.xz"
    packed.write_bytes(lzma.compress((header + body).encode("cp1252")))
    expected = extract_tables(plain, miner=fake_miner)
    tables = extract_tables(packed, miner=fake_miner, delimiter=";", encoding="cp1252")
    assert tables.reports.equals(expected.reports)
    assert tables.reports["site"].tolist() == ["Orl\xe9ans"]
    strict = extract_tables(packed, miner=fake_miner, delimiter=";")
    assert strict.errors["code"].tolist() == ["E117"]
