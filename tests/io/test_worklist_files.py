"""The worklist file (calcminer.nlp.io.worklist): the round trip, an Excel-saved copy, errors."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calcminer.nlp.audit import AuditRow
from calcminer.nlp.audit.worklist import (
    PERSON_COLUMNS,
    SYSTEM_COLUMNS,
    WorklistRow,
    update_worklist,
)
from calcminer.nlp.errors import CalcminerError, InputError, OutputError
from calcminer.nlp.io.worklist import (
    escape_cell,
    read_worklist,
    unescape_cell,
    write_worklist,
)

D = date.fromisoformat
#: Texts that test the CSV round trip: formulas, quotes, delimiters, line breaks, unicode.
TRICKY = [
    "=SUM(A1:A2)",
    "+1",
    "-3",
    "@cmd",
    "'=already quoted",
    "''+twice",
    "'plain apostrophe",
    "\ttab first",
    "\rcarriage first",
    'say "hi"; then, go',
    "line one\nline two\r\nline three\rend",
    "naïve café — 肝 🩺",
    " leading and trailing ",
    "00123",
    "",
]


def audit_row(report_id: str, status: str = "overdue", due: str = "2026-05-01") -> AuditRow:
    found = status in {"completed", "late"}
    return AuditRow(
        report_id=report_id,
        patient_id="00042",
        exam_date=D("2026-04-01"),
        triage="urgent",
        followup_recommended=False,
        due_date=D(due),
        status=status,  # type: ignore[arg-type]
        followup_report_id=f"f-{report_id}" if found else None,
        followup_modality="CT" if found else None,
        followup_date=D("2026-05-20") if found else None,
        days_to_followup=None,
        level="urgent",
        modality="US",
        concordance="flagged_not_recommended",
    )


def sample_rows() -> tuple[WorklistRow, ...]:
    """A worklist with open and closed rows, a person's edits and carried columns."""
    rows = update_worklist(
        None,
        [audit_row("00123"), audit_row("r2", "pending", due="2026-12-30"), audit_row("r3", "late")],
        D("2026-06-01"),
    ).rows
    return tuple(
        WorklistRow(
            **{
                **row.__dict__,
                "owner": "Dr Ng",
                "note": TRICKY[index],
                "meta": {"mrn": f"0{index}", "site": "=north"},
            }
        )
        for index, row in enumerate(rows)
    )


def test_worklist_missing_file_reads_as_none(tmp_path: Path) -> None:
    assert read_worklist(tmp_path / "worklist.csv") is None


def test_worklist_round_trip_keeps_every_value_and_byte(tmp_path: Path) -> None:
    path = tmp_path / "worklist.csv"
    rows = sample_rows()
    write_worklist(rows, path)
    first = path.read_bytes()
    read = read_worklist(path)
    assert read is not None and tuple(read) == rows
    write_worklist(read, path)
    assert path.read_bytes() == first
    assert [p.name for p in tmp_path.iterdir()] == ["worklist.csv"]  # no temporary file left


def test_worklist_file_has_the_columns_in_order_and_neutralises_formulas(tmp_path: Path) -> None:
    path = tmp_path / "worklist.csv"
    write_worklist(sample_rows(), path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM: Excel opens the file as UTF-8
    text = raw.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    assert header[: len(SYSTEM_COLUMNS)] == list(SYSTEM_COLUMNS)
    assert header[len(SYSTEM_COLUMNS) : len(SYSTEM_COLUMNS) + 2] == ["mrn", "site"]
    assert header[-8:-4] == list(PERSON_COLUMNS)
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "'=SUM(A1:A2)" in cells and "'=north" in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert "00123" in cells and not text.startswith("\ufeff") and "\r\n" not in text.split('"')[0]


@pytest.mark.parametrize("text", TRICKY)
def test_worklist_reading_undoes_exactly_the_escape(text: str) -> None:
    assert unescape_cell(escape_cell(text)) == text


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(
    notes=st.lists(
        st.one_of(st.sampled_from(TRICKY), st.text(alphabet=st.characters(codec="utf-8"))),
        min_size=1,
        max_size=4,
    )
)
def test_worklist_round_trip_is_stable_for_any_text(tmp_path: Path, notes: list[str]) -> None:
    """write -> read -> write gives the same bytes and the same values, for any person text."""
    base = sample_rows()[0]
    rows = [
        WorklistRow(
            **{
                **base.__dict__,
                "report_id": f"r{index}",
                "note": note,
                "action": note[::-1],
                "meta": {"extra": note},
            }
        )
        for index, note in enumerate(notes)
    ]
    path = tmp_path / "stable.csv"
    write_worklist(rows, path)
    first = path.read_bytes()
    read = read_worklist(path)
    assert read == rows
    write_worklist(read, path)
    assert path.read_bytes() == first


def excel_copy(path: Path, edit: dict[str, dict[str, str]], day_first: bool = True) -> None:
    """Rewrite a worklist as Excel saves it: BOM, ``;`` (``,`` month first), CRLF, dates
    rewritten, columns reordered, a column added, and a person's edits by report id."""
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    names = [*reversed(list(rows[0])), "callback"]
    for row in rows:
        row.update(edit.get(row["report_id"], {}))
        row["callback"] = "Tuesday" if row["report_id"] == "00123" else ""
        for name in ("exam_date", "due_date", "first_listed", "last_updated", "closed_on"):
            if row[name]:
                value = D(row[name])
                pattern = "%d/%m/%Y" if day_first else "%m/%d/%Y"
                row[name] = value.strftime(pattern)
        if row["followup_date"]:
            row["followup_date"] += " 00:00:00"
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, names, delimiter=";" if day_first else ",", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    out.write(";" * (len(names) - 1) + "\r\n" if day_first else "")  # an empty row Excel kept
    path.write_bytes(b"\xef\xbb\xbf" + out.getvalue().encode("utf-8"))


@pytest.mark.parametrize("day_first", [True, False])
def test_worklist_excel_saved_copy_reads_with_the_edits_kept(
    tmp_path: Path, day_first: bool
) -> None:
    path = tmp_path / "worklist.csv"
    rows = sample_rows()
    write_worklist(rows, path)
    edits = {
        "00123": {"owner": "Dr Ito", "note": "rang; no answer\nretry", "action": "'=not a formula"},
        "r2": {"closed_reason": "moved abroad"},
    }
    excel_copy(path, edits, day_first)
    read = read_worklist(path)
    assert read is not None
    by_id = {row.report_id: row for row in read}
    assert list(by_id) == [row.report_id for row in rows]
    first = by_id["00123"]
    assert (first.owner, first.note, first.action) == (
        "Dr Ito",
        "rang; no answer\nretry",
        "=not a formula",
    )
    assert first.meta["callback"] == "Tuesday" and first.meta["mrn"] == "00"
    for before in rows:
        after = by_id[before.report_id]
        for name in ("exam_date", "due_date", "followup_date", "first_listed", "closed_on"):
            assert getattr(after, name) == getattr(before, name), name
        assert after.patient_id == "00042" and after.worklist_status == before.worklist_status
    # The next run keeps the edits, closes r2 by the person's reason, writes calcminer's file.
    update = update_worklist(read, [audit_row("00123"), audit_row("r2")], D("2026-06-08"))
    write_worklist(update.rows, path)
    again = {row.report_id: row for row in read_worklist(path) or []}
    assert again["00123"].note == "rang; no answer\nretry" and again["00123"].owner == "Dr Ito"
    assert again["r2"].worklist_status == "closed" and again["r2"].closed_reason == "moved abroad"
    assert path.read_bytes().startswith(b"\xef\xbb\xbfreport_id,")  # one BOM, "," again


def test_worklist_reads_tab_separated_and_minimal_files(tmp_path: Path) -> None:
    path = tmp_path / "worklist.csv"
    path.write_text(
        "note\treport_id\towner\taction\tclosed_reason\n=x\t007\t\t\t\n", encoding="utf-8"
    )
    rows = read_worklist(path)
    assert rows == [WorklistRow(report_id="007", note="=x")]


def test_worklist_nameless_columns_are_dropped_when_empty_named_otherwise(tmp_path: Path) -> None:
    path = tmp_path / "worklist.csv"
    path.write_text(
        "report_id;owner;note;action;closed_reason;;\r\na;;;;;;kept\r\nb;;;;;;\r\n",
        encoding="utf-8",
    )
    rows = read_worklist(path) or []
    assert [row.meta for row in rows] == [{"unnamed_7": "kept"}, {"unnamed_7": ""}]


def test_worklist_date_order_is_decided_by_a_day_above_12(tmp_path: Path) -> None:
    path = tmp_path / "worklist.csv"
    path.write_text(
        "report_id,owner,note,action,closed_reason,exam_date,due_date\n"
        "a,,,,,07/12/2026,25/12/2026\n",
        encoding="utf-8",
    )
    rows = read_worklist(path) or []
    assert rows[0].exam_date == D("2026-12-07") and rows[0].due_date == D("2026-12-25")


@pytest.mark.parametrize(("delimiter", "expected"), [(";", "2026-12-07"), (",", "2026-07-12")])
def test_worklist_undecided_date_order_follows_the_delimiter(
    tmp_path: Path, delimiter: str, expected: str
) -> None:
    """No date has a day above 12: a ``;`` file (European Excel) is day first, others month
    first."""
    path = tmp_path / "worklist.csv"
    names = ["report_id", "owner", "note", "action", "closed_reason", "closed_on"]
    cells = ["a", "", "", "", "x", "07/12/2026"]
    path.write_text(f"{delimiter.join(names)}\r\n{delimiter.join(cells)}\r\n", encoding="utf-8")
    rows = read_worklist(path) or []
    assert rows[0].closed_on == D(expected)


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "worklist.csv"
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


HEADER = "report_id,owner,note,action,closed_reason,worklist_status,closed_on\n"


@pytest.mark.parametrize(
    ("content", "code", "names"),
    [
        (
            "report_id,owner,note,action,closed_reason\n1,,café secret,,\n".encode("cp1252"),
            "E330",
            ["UTF-8", "CSV UTF-8"],
        ),
        ("", "E330", ["empty"]),
        ("id,owner,note,action,closed_reason\n1,,,,\n", "E330", ["report_id"]),
        ("report_id,owner,note\n1,,\n", "E330", ["action", "closed_reason"]),
        ("report_id,owner,note,note,action,closed_reason\n", "E330", ["twice"]),
        (HEADER + "a,,secret,,,open,\nb,,,,,open,31/31/2026\n", "E331", ["line 3", "closed_on"]),
        (HEADER + "a,,secret,,,maybe,\n", "E331", ["line 2", "worklist_status"]),
        (HEADER + ",,secret,,,open,\n", "E331", ["line 2", "report_id"]),
        (HEADER + "a,,secret,,,open,,surplus\n", "E331", ["line 2", "beyond the header"]),
        (
            "report_id,owner,note,action,closed_reason,exam_date\n"
            "a,,secret,,,13/01/2026\nb,,,,,01/13/2026\n",
            "E331",
            ["line 3", "exam_date", "line 2"],
        ),
        (HEADER + 'a,,"secret\nb,,x,,,open,\n', "E331", ["quoting"]),
        (HEADER + "a,,secret,,,open,\n\nb,,,,,,\na,,,,,,\n", "E332", ["'a'", "lines 2 and 5"]),
    ],
)
def test_worklist_that_is_no_worklist_is_a_coded_error(
    tmp_path: Path, content: str | bytes, code: str, names: list[str]
) -> None:
    path = write(tmp_path, content)
    with pytest.raises(InputError) as info:
        read_worklist(path)
    message = str(info.value)
    assert info.value.code == code and str(path) in message
    assert all(name in message for name in names), message
    assert "secret" not in message


@pytest.mark.parametrize("name", ["worklist.xlsx", "worklist"])
def test_worklist_path_must_be_csv_is_e334(tmp_path: Path, name: str) -> None:
    for call in (
        lambda: read_worklist(tmp_path / name),
        lambda: write_worklist([], tmp_path / name),
    ):
        with pytest.raises(OutputError) as info:
            call()
        assert info.value.code == "E334"
    assert list(tmp_path.iterdir()) == []


def test_worklist_folder_in_place_of_the_file_is_e330(tmp_path: Path) -> None:
    (tmp_path / "worklist.csv").mkdir()
    with pytest.raises(CalcminerError) as info:
        read_worklist(tmp_path / "worklist.csv")
    assert info.value.code == "E330"
