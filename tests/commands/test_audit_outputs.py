"""``calcminer audit``'s worklist and one-page report through ``run_audit`` and the CLI: the
worklist survives runs (an Excel-saved copy included), the page holds no report text, and a bad
worklist or page path stops the run before anything is written."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from calcminer.cli import app
from calcminer.nlp.api import run_audit
from calcminer.nlp.errors import CalcminerError

US = "ULTRASOUND ABDOMEN\n"
CT = "CT ABDOMEN WITH CONTRAST\n"
DUCTS = "LIVER: Multiple calcifications along the intrahepatic bile ducts of the right lobe."
BIG = "LIVER: A 4.2 cm calcified mass in segment VII."
NORMAL = "LIVER: Normal. No calcification."

#: (report_id, patient, date, text, radiologist)
FIRST = (
    ("a1", "p1", "2022-01-10", US + DUCTS, "Dr A"),
    ("b1", "p2", "2022-02-15", US + BIG, "Dr B"),
    ("c1", "p3", "2022-03-01", US + DUCTS, "Dr A"),
    ("z1", "p9", "2022-09-01", US + NORMAL, "Dr C"),
)
#: The archive a month later: a1 was followed up by a CT.
LATER = (*FIRST, ("a2", "p1", "2022-09-20", CT + NORMAL, "Dr B"))


def _archive(path: Path, rows: tuple[tuple[str, ...], ...]) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for report_id, patient, day, text, radiologist in rows:
            record = {
                "report_id": report_id,
                "patient_id": patient,
                "exam_date": day,
                "text": text,
                "radiologist": radiologist,
            }
            handle.write(json.dumps(record) + "\n")
    return path


def _rows(path: Path) -> dict[str, dict[str, str]]:
    text = path.read_text(encoding="utf-8-sig")
    delimiter = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
    return {row["report_id"]: row for row in csv.DictReader(io.StringIO(text), delimiter=delimiter)}


def _save_as_excel(path: Path, edits: dict[str, dict[str, str]]) -> None:
    """Rewrite the worklist as a European Excel saves it: BOM, ``;``, CRLF, dd/mm/yyyy."""
    rows = list(_rows(path).values())
    names = list(rows[0])
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(names)
    for row in rows:
        row.update(edits.get(row["report_id"], {}))
        cells = []
        for name in names:
            value = row[name]
            if len(value) == 10 and value[4] == "-" and value[7] == "-":
                value = f"{value[8:]}/{value[5:7]}/{value[:4]}"
            cells.append(value)
        writer.writerow(cells)
    path.write_bytes(b"\xef\xbb\xbf" + out.getvalue().encode("utf-8"))


def test_audit_outputs_worklist_survives_runs_and_excel(tmp_path: Path) -> None:
    worklist = tmp_path / "worklist.csv"
    first = run_audit(
        _archive(tmp_path / "first.jsonl", FIRST), tmp_path / "audit.csv", worklist=worklist
    )
    assert first.worklist is not None and first.worklist.added_open == 3
    listed = _rows(worklist)
    assert set(listed) == {"a1", "b1", "c1"}
    assert {row["worklist_status"] for row in listed.values()} == {"open"}
    assert listed["a1"]["radiologist"] == "Dr A"  # carried columns reach the worklist
    _save_as_excel(
        worklist,
        {
            "a1": {"owner": "Dr Ito", "note": "=booked; CT 20/09"},
            "c1": {"closed_reason": "patient moved away", "owner": "QA"},
        },
    )
    second = run_audit(
        _archive(tmp_path / "later.jsonl", LATER), tmp_path / "audit.csv", worklist=worklist
    )
    assert second.worklist is not None
    assert (second.worklist.closed_by_audit, second.worklist.closed_by_person) == (1, 1)
    listed = _rows(worklist)
    assert listed["a1"]["owner"] == "Dr Ito"
    assert listed["a1"]["note"] == "'=booked; CT 20/09"  # kept, and neutralised on disk
    assert listed["a1"]["worklist_status"] == "closed"
    assert "a2" in listed["a1"]["closed_reason"]
    assert (listed["c1"]["worklist_status"], listed["c1"]["closed_reason"]) == (
        "closed",
        "patient moved away",
    )
    assert listed["b1"]["worklist_status"] == "open"
    # a third run changes nothing a person wrote, and a closed case stays closed
    run_audit(tmp_path / "later.jsonl", tmp_path / "audit.csv", worklist=worklist)
    again = _rows(worklist)
    assert {k: (v["owner"], v["note"], v["worklist_status"]) for k, v in again.items()} == {
        k: (v["owner"], v["note"], v["worklist_status"]) for k, v in listed.items()
    }


def test_audit_outputs_broken_worklist_stops_before_any_output(tmp_path: Path) -> None:
    worklist = tmp_path / "worklist.csv"
    worklist.write_text("id;note\nx;y\n", encoding="utf-8")
    archive = _archive(tmp_path / "first.jsonl", FIRST)
    with pytest.raises(CalcminerError, match="E330"):
        run_audit(archive, tmp_path / "audit.csv", worklist=worklist)
    assert not (tmp_path / "audit.csv").exists()
    assert worklist.read_text(encoding="utf-8") == "id;note\nx;y\n"
    with pytest.raises(CalcminerError, match="E334"):
        run_audit(archive, tmp_path / "audit.csv", worklist=tmp_path / "worklist.xlsx")
    assert not (tmp_path / "audit.csv").exists()


def test_audit_outputs_report_page(tmp_path: Path) -> None:
    archive = _archive(tmp_path / "first.jsonl", FIRST)
    page = tmp_path / "report" / "audit.html"
    summary = run_audit(
        archive,
        tmp_path / "audit.csv",
        report_out=page,
        by=("radiologist",),
        report_title="Liver calcification follow-up, Q1",
    )
    html = page.read_text(encoding="utf-8")
    assert "Liver calcification follow-up, Q1" in html
    assert "data:image/png;base64," in html
    assert "Dr A" in html  # the --by group
    for _, _, _, text, _ in FIRST:
        for line in text.splitlines():
            assert line not in html
    assert ("report", page, 0) in summary.outputs
    with pytest.raises(CalcminerError, match="E335"):
        run_audit(archive, tmp_path / "other.csv", report_out=tmp_path / "audit.pdf")
    assert not (tmp_path / "other.csv").exists()


def test_audit_outputs_cli(tmp_path: Path) -> None:
    archive = _archive(tmp_path / "first.jsonl", FIRST)
    result = CliRunner().invoke(
        app,
        [
            "audit",
            str(archive),
            "-o",
            str(tmp_path / "audit.csv"),
            "--worklist",
            str(tmp_path / "worklist.csv"),
            "--report-out",
            str(tmp_path / "audit.html"),
            "--report-title",
            "Quarterly <audit>",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "worklist: 3 open, 0 closed; added 3 open" in result.output
    assert f"wrote report: {tmp_path / 'audit.html'}" in result.output
    assert "Quarterly &lt;audit&gt;" in (tmp_path / "audit.html").read_text(encoding="utf-8")
    assert f"wrote worklist: {tmp_path / 'worklist.csv'} (3 rows)" in result.output
