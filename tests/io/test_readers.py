"""Tests for calcminer.nlp.io.readers: every input kind, order, meta, record errors, file errors."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard
from suite_helpers import reports_only

from calcminer.nlp.errors import InputError
from calcminer.nlp.io.readers import input_kind, read_reports
from calcminer.nlp.schema import RecordError, Report

SECRET = "SECRET-REPORT-TEXT"

RECORDS = [
    {"report_id": "r2", "site": "north", "text": "LIVER: calcified granuloma.", "age": "61"},
    {"report_id": "r10", "site": "south", "text": "LIVER: normal.", "age": "48"},
    {"report_id": "r1", "site": "east", "text": "LIVER: multiple foci.", "age": "70"},
]


def _errors(items: list[Report | RecordError]) -> list[RecordError]:
    return [item for item in items if isinstance(item, RecordError)]


@pytest.mark.parametrize("kind", ["jsonl", "csv", "parquet"])
def test_readers_tabular_inputs_keep_file_order_and_text(records_file, kind):
    path = records_file(kind, RECORDS)
    reports = reports_only(list(read_reports([path])))
    assert [r.report_id for r in reports] == ["r2", "r10", "r1"]
    assert [r.text for r in reports] == [r["text"] for r in RECORDS]
    assert [r.line for r in reports] == [1, 2, 3]
    assert {r.source for r in reports} == {str(path)}


@pytest.mark.parametrize("kind", ["jsonl", "csv", "parquet"])
def test_readers_meta_carries_other_columns_in_column_order(records_file, kind):
    reports = reports_only(list(read_reports([records_file(kind, RECORDS)])))
    assert [list(r.meta) for r in reports] == [["site", "age"]] * 3
    assert reports[0].meta == {"site": "north", "age": "61"}


def test_readers_txt_folder_is_sorted_by_name_with_stem_ids(records_file, tmp_path):
    folder = records_file("txt", RECORDS)
    (folder / "notes.md").write_text("not a report", encoding="utf-8")
    (folder / ".hidden.txt").write_text("not a report", encoding="utf-8")
    reports = reports_only(list(read_reports([folder])))
    assert [r.report_id for r in reports] == ["r1", "r10", "r2"]
    assert reports[0].text == "LIVER: multiple foci."
    assert reports[0].source == str(folder / "r1.txt")
    assert reports[0].line is None
    assert reports[0].meta == {}


def test_readers_single_txt_file_is_one_report(tmp_path):
    path = tmp_path / "us-007.txt"
    path.write_text("\ufeffLIVER: normal.", encoding="utf-8")
    assert list(read_reports([path])) == [
        Report(report_id="us-007", text="LIVER: normal.", meta={}, source=str(path), line=None)
    ]


def test_readers_several_inputs_are_read_in_the_order_given(records_file, tmp_path):
    csv_path = records_file("csv", RECORDS[:1])
    jsonl_path = records_file("jsonl", RECORDS[1:])
    ids = [r.report_id for r in reports_only(list(read_reports([jsonl_path, csv_path])))]
    assert ids == ["r10", "r1", "r2"]


def test_readers_csv_keeps_leading_zeros_embedded_newlines_and_bom(tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes(
        '\ufeffreport_id,text,n\r\n007,"LIVER: line one\r\nline two, with comma",1\r\n'
        '0042,"say ""hi""",2\r\n'.encode()
    )
    reports = reports_only(list(read_reports([path])))
    assert [r.report_id for r in reports] == ["007", "0042"]
    assert reports[0].text == "LIVER: line one\r\nline two, with comma"
    assert reports[1].text == 'say "hi"'
    assert [r.line for r in reports] == [1, 2]


def test_readers_csv_reads_fields_longer_than_the_csv_module_default(tmp_path):
    long_text = "calcification " * 20_000  # > 131072 characters
    path = tmp_path / "long.csv"
    path.write_text(f'report_id,text\nr1,"{long_text}"\n', encoding="utf-8")
    assert reports_only(list(read_reports([path])))[0].text == long_text


@pytest.mark.parametrize("kind", ["jsonl", "parquet"])
def test_readers_integer_ids_become_strings(records_file, kind):
    path = records_file(kind, [{"report_id": 12, "text": "t"}])
    assert reports_only(list(read_reports([path])))[0].report_id == "12"


def test_readers_custom_id_and_text_columns(records_file):
    path = records_file("csv", [{"accession": "A1", "body": "LIVER: normal.", "report_id": "x"}])
    reports = reports_only(list(read_reports([path], id_col="accession", text_col="body")))
    assert reports[0].report_id == "A1"
    assert reports[0].meta == {"report_id": "x"}


# --- record errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "code", "report_id"),
    [
        ("{not json", "E110", None),
        (f'{{"report_id": "a", "text": "{SECRET}"', "E110", None),
        ("[1, 2]", "E111", None),
        ('"just a string"', "E111", None),
        ('{"report_id": "a"}', "E112", "a"),
        ('{"report_id": "a", "text": null}', "E112", "a"),
        ('{"report_id": "a", "text": 5}', "E113", "a"),
        ('{"report_id": "a", "text": ["x"]}', "E113", "a"),
        ('{"report_id": "a", "text": "  \\n "}', "E114", "a"),
        (f'{{"text": "{SECRET}"}}', "E115", None),
        (f'{{"report_id": "", "text": "{SECRET}"}}', "E115", None),
        (f'{{"report_id": null, "text": "{SECRET}"}}', "E115", None),
        (f'{{"report_id": true, "text": "{SECRET}"}}', "E116", None),
        (f'{{"report_id": 1.5, "text": "{SECRET}"}}', "E116", None),
    ],
)
def test_readers_jsonl_record_error_then_reading_continues(tmp_path, line, code, report_id):
    path = tmp_path / "in.jsonl"
    good = json.dumps({"report_id": "ok", "text": "t"})
    path.write_text(f"{good}\n\n{line}\n{good}\n", encoding="utf-8")
    items = list(read_reports([path]))
    assert [type(item).__name__ for item in items] == ["Report", "RecordError", "Report"]
    error = items[1]
    assert isinstance(error, RecordError)
    assert (error.source, error.line, error.report_id, error.code) == (
        str(path),
        3,
        report_id,
        code,
    )
    assert error.reason.startswith(code)
    assert SECRET not in error.reason


def test_readers_jsonl_invalid_utf8_line_is_a_record_error(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"report_id": "a", "text": "\xff"}\n{"report_id": "b", "text": "t"}\n')
    items = list(read_reports([path]))
    assert isinstance(items[0], RecordError)
    assert (items[0].code, items[0].line) == ("E117", 1)
    assert isinstance(items[1], Report)


@pytest.mark.parametrize(
    ("row", "code", "report_id"),
    [
        (f',"{SECRET}",x', "E115", None),
        ("   ,t,x", "E115", None),
        ("a,,x", "E114", "a"),
        (f'a,"{SECRET}"', "E118", "a"),
        (f'a,"{SECRET}",x,extra', "E118", "a"),
    ],
)
def test_readers_csv_record_errors_keep_row_numbers(tmp_path, row, code, report_id):
    path = tmp_path / "in.csv"
    path.write_text(f"report_id,text,site\nok,t,x\n{row}\nok2,t,x\n", encoding="utf-8")
    items = list(read_reports([path]))
    assert [type(item).__name__ for item in items] == ["Report", "RecordError", "Report"]
    error = items[1]
    assert isinstance(error, RecordError)
    assert (error.line, error.report_id, error.code) == (2, report_id, code)
    assert SECRET not in error.reason
    assert items[2].line == 3


@pytest.mark.parametrize(
    ("record", "code"),
    [
        ({"report_id": "a", "text": None}, "E112"),
        ({"report_id": None, "text": SECRET}, "E115"),
    ],
)
def test_readers_parquet_null_cells_are_record_errors(tmp_path, record, code):
    path = tmp_path / "in.parquet"
    table = pa.table(
        {
            "report_id": pa.array(["ok", record["report_id"]], type=pa.string()),
            "text": pa.array(["t", record["text"]], type=pa.string()),
        }
    )
    pq.write_table(table, path)
    items = list(read_reports([path]))
    assert isinstance(items[0], Report)
    assert isinstance(items[1], RecordError)
    assert (items[1].line, items[1].code) == (2, code)


@pytest.mark.parametrize(
    ("content", "code"),
    [(b"", "E119"), (b" \n\t", "E119"), (b"\xff\xfe bad", "E117")],
)
def test_readers_txt_file_problems_are_record_errors(tmp_path, content, code):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.txt").write_bytes(content)
    (folder / "b.txt").write_text("LIVER: normal.", encoding="utf-8")
    items = list(read_reports([folder]))
    assert isinstance(items[0], RecordError)
    assert (items[0].code, items[0].report_id, items[0].line) == (code, "a", None)
    assert isinstance(items[1], Report)


def test_readers_jsonl_key_missing_on_some_lines_only_is_a_record_error(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"text": "t"}\n{"report_id": "b", "text": "t"}\n', encoding="utf-8")
    items = list(read_reports([path]))
    assert [getattr(item, "code", "ok") for item in items] == ["E115", "ok"]


# --- whole-file errors -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["jsonl", "csv", "parquet"])
@pytest.mark.parametrize(
    ("role", "kwargs"), [("id", {"id_col": "acc"}), ("text", {"text_col": "body"})]
)
def test_readers_missing_column_raises_listing_columns_present(records_file, kind, role, kwargs):
    path = records_file(kind, RECORDS)
    with pytest.raises(InputError) as info:
        read_reports([path], **kwargs)
    assert info.value.code == "E103"
    message = str(info.value)
    assert f"no {role} column" in message
    assert "'report_id', 'site', 'text', 'age'" in message
    assert f"--{role}-col" in message


def test_readers_bad_input_fails_before_any_record_is_read(records_file, tmp_path):
    good = records_file("jsonl", RECORDS)
    bad = tmp_path / "bad.csv"
    bad.write_text("id,body\n1,x\n", encoding="utf-8")
    with pytest.raises(InputError, match="E184"):
        read_reports([good, bad])


@pytest.mark.parametrize(
    ("name", "code"),
    [("missing.jsonl", "E101"), ("reports.xls", "E102"), ("reports", "E102")],
)
def test_readers_missing_or_unsupported_path_raises(tmp_path, name, code):
    path = tmp_path / name
    if code == "E102":
        path.write_text("x", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_reports([path])
    assert info.value.code == code


def test_readers_folder_without_txt_files_raises(tmp_path):
    (tmp_path / "readme.md").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="E104"):
        read_reports([tmp_path])


def test_readers_duplicate_csv_columns_raise(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("report_id,text,text\na,b,c\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"E106.*'text'"):
        read_reports([path])


def test_readers_corrupt_parquet_raises_input_error(tmp_path):
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"not parquet at all")
    with pytest.raises(InputError, match="E105"):
        read_reports([path])


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("a.jsonl", "jsonl"),
        ("a.NDJSON", "jsonl"),
        ("a.csv", "csv"),
        ("a.parquet", "parquet"),
        ("a.pq", "parquet"),
        ("a.txt", "txt"),
    ],
)
def test_readers_input_kind_from_extension(tmp_path, name, kind):
    path = tmp_path / name
    path.write_text("", encoding="utf-8")
    assert input_kind(path) == kind
    assert input_kind(tmp_path) == "folder"


def test_readers_empty_jsonl_yields_nothing(tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_text("\n", encoding="utf-8")
    assert list(read_reports([path])) == []


# --- archives as they are exported: compressed, TSV, delimiters, encodings, standard input ------

COMPRESSORS = {
    ".gz": gzip.compress,
    ".bz2": bz2.compress,
    ".xz": lzma.compress,
    ".zst": lambda data: zstandard.ZstdCompressor().compress(data),
}


def _read(items) -> list[tuple[str | None, int | None, str]]:
    """(id, line, text or code) of each item."""
    return [
        (item.report_id, item.line, item.text if isinstance(item, Report) else item.code)
        for item in items
    ]


def _stdin(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))


@pytest.mark.parametrize("suffix", sorted(COMPRESSORS))
@pytest.mark.parametrize("kind", ["jsonl", "csv"])
def test_readers_compressed_input_reads_like_the_plain_file(records_file, kind, suffix):
    plain = records_file(kind, [*RECORDS, {**RECORDS[0], "text": "LIVER:\nsecond line é"}])
    packed = plain.with_name(plain.name + suffix)
    packed.write_bytes(COMPRESSORS[suffix](plain.read_bytes()))
    assert input_kind(packed) == kind
    plain_items, packed_items = list(read_reports([plain])), list(read_reports([packed]))
    assert _read(packed_items) == _read(plain_items)
    assert [item.meta for item in packed_items] == [item.meta for item in plain_items]
    assert {item.source for item in packed_items} == {str(packed)}


@pytest.mark.parametrize(
    ("name", "kind"),
    [("a.TSV", "tsv"), ("a.tsv.gz", "tsv"), ("a.ndjson.xz", "jsonl"), ("a.xlsx", "xlsx")],
)
def test_readers_input_kind_under_compression_and_new_suffixes(tmp_path, name, kind):
    path = tmp_path / name
    path.write_text("", encoding="utf-8")
    assert input_kind(path) == kind
    assert input_kind(Path("-")) == "stdin"


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("reports.xls", "Save the sheet as .xlsx or as CSV UTF-8"),
        ("reports.ods", "libreoffice --headless --convert-to xlsx FILE"),
        ("reports.json", "jq -c '.[]' FILE > reports.jsonl"),
        ("reports.zip", "Unpack the archive"),
        ("reports.tar.gz", "Unpack the archive"),
        ("reports.parquet.gz", "compressed inside already: decompress it (gunzip -k FILE)"),
        ("report.txt.zst", "Decompress it (zstd -d FILE) and give the .txt file"),
        ("reports.gz", "Name it after its content, e.g. reports.jsonl.gz"),
        ("reports.docx", "one .txt file per report in a folder"),
        ("reports", "Export the reports as CSV (UTF-8) or JSON Lines"),
    ],
)
def test_readers_unsupported_input_says_what_is_read_and_how_to_convert(tmp_path, name, hint):
    path = tmp_path / name
    path.write_bytes(b"x")
    with pytest.raises(InputError) as info:
        read_reports([path])
    message = str(info.value)
    assert info.value.code == "E102"
    assert ".jsonl (or .ndjson), .csv, .tsv, .parquet (or .pq) or .xlsx file" in message
    assert "- for standard input" in message and "(.gz, .bz2, .xz or .zst" in message
    assert hint in message


@pytest.mark.parametrize(
    ("name", "content", "found", "fix"),
    [
        ("a.jsonl", gzip.compress(b"{}\n"), "gzip-compressed", "rename it to a.jsonl.gz"),
        ("a.csv", lzma.compress(b"x\n"), "xz-compressed", "rename it to a.csv.xz"),
        ("a.csv.gz", b"report_id,text\n", "not compressed", "rename it to a.csv"),
        ("a.csv.bz2", gzip.compress(b"x"), "gzip-compressed", "rename it to a.csv.gz"),
        ("a.csv", b"PK\x03\x04\x14\x00\x00", "a zip archive", "ending in .xlsx"),
        ("a.tsv", b"PAR1\x15\x04\x15", "a Parquet file", "ending in .parquet"),
    ],
)
def test_readers_bytes_that_contradict_the_name_are_e182(tmp_path, name, content, found, fix):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        read_reports([path])
    assert info.value.code == "E182"
    assert found in str(info.value) and fix in str(info.value)


def test_readers_tsv_and_a_chosen_delimiter(tmp_path):
    tsv = tmp_path / "export.tsv"
    tsv.write_text('report_id\ttext\tsite\nr1\t"LIVER:\tcalcified; 5 mm"\tnorth\n', "utf-8")
    semicolon = tmp_path / "export.csv"
    semicolon.write_text('report_id;text;site\nr1;"LIVER:\tcalcified; 5 mm";north\n', "utf-8")
    for path, delimiter in ((tsv, None), (semicolon, ";"), (tsv, "tab")):
        (item,) = read_reports([path], delimiter=delimiter)
        assert isinstance(item, Report)
        assert (item.report_id, item.text, item.meta) == (
            "r1",
            "LIVER:\tcalcified; 5 mm",
            {"site": "north"},
        )
    with pytest.raises(InputError, match=r"E184.*'report_id;text;site'"):
        read_reports([semicolon])


CP1252 = "report_id;text\nr1;LIVER: calcified granuloma, caf\xe9 \u2013 5 mm.\n".encode("cp1252")


@pytest.mark.parametrize("kind", ["csv", "jsonl", "txt"])
def test_readers_cp1252_text_needs_encoding_else_e117(tmp_path, kind):
    text = "LIVER: calcified granuloma, caf\xe9 \u2013 5 mm."
    if kind == "csv":
        path = tmp_path / "r1.csv"
        path.write_bytes(CP1252)
    elif kind == "jsonl":
        path = tmp_path / "r1.jsonl"
        record = json.dumps({"report_id": "r1", "text": text}, ensure_ascii=False)
        path.write_bytes((record + "\n").encode("cp1252"))
    else:
        path = tmp_path / "r1.txt"
        path.write_bytes(text.encode("cp1252"))
    delimiter = ";" if kind == "csv" else None
    assert _read(read_reports([path], delimiter=delimiter, encoding="cp1252")) == [
        ("r1", None if kind == "txt" else 1, text)
    ]
    (error,) = read_reports([path], delimiter=delimiter)
    assert isinstance(error, RecordError) and error.code == "E117"


@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_readers_bytes_the_given_encoding_lacks_are_e181_rows(tmp_path, kind):
    path = tmp_path / f"in.{kind}"
    if kind == "csv":
        path.write_bytes(b"report_id,text\nr1,fine\nr2,bad \x81 byte\nr3,fine\n")
    else:
        path.write_bytes(
            b'{"report_id": "r1", "text": "fine"}\n{"report_id": "r2", "text": "bad \x81"}\n'
            b'{"report_id": "r3", "text": "fine"}\n'
        )
    items = list(read_reports([path], encoding="cp1252"))
    assert [getattr(item, "code", "ok") for item in items] == ["ok", "E181", "ok"]
    assert "cp1252" in items[1].reason and "bad" not in items[1].reason


def test_readers_utf16_tab_separated_text_as_excel_saves_it(tmp_path):
    """Excel's "Unicode Text": UTF-16 with a byte-order mark, tab-separated."""
    path = tmp_path / "export.tsv"
    path.write_bytes("report_id\ttext\nr1\tcaf\xe9: calcified\nr2\tnormal\n".encode("utf-16"))
    items = list(read_reports([path], encoding="utf-16"))
    assert _read(items) == [("r1", 1, "caf\xe9: calcified"), ("r2", 2, "normal")]
    jsonl = tmp_path / "export.jsonl"
    jsonl.write_bytes('{"report_id": "r1", "text": "caf\xe9"}\n'.encode("utf-16"))
    assert _read(read_reports([jsonl], encoding="utf-16")) == [("r1", 1, "caf\xe9")]


@pytest.mark.parametrize("kind", ["jsonl", "csv", "parquet"])
def test_readers_missing_id_and_text_columns_are_named_together(records_file, kind):
    path = records_file(kind, RECORDS)
    with pytest.raises(InputError) as info:
        read_reports([path], id_col="acc", text_col="body")
    message = str(info.value)
    assert info.value.code == "E184"
    assert "'acc'" in message and "'body'" in message
    assert "--id-col and --text-col" in message
    assert "'report_id', 'site', 'text', 'age'" in message


@pytest.mark.parametrize("compress", [None, gzip.compress])
def test_readers_stdin_reads_jsonl_or_csv_once(monkeypatch, compress):
    jsonl = b"\n".join(json.dumps(record).encode() for record in RECORDS) + b"\n"
    csv_bytes = b"report_id,text\nr7,LIVER: calcified.\n"
    for data, expected in ((jsonl, ["r2", "r10", "r1"]), (csv_bytes, ["r7"])):
        _stdin(monkeypatch, compress(data) if compress else data)
        items = list(read_reports(["-"]))
        assert [item.report_id for item in items] == expected
        assert {(item.source) for item in items} == {"<stdin>"}


def test_readers_stdin_checks_columns_before_reading(monkeypatch):
    _stdin(monkeypatch, b"accession;body\n1;x\n")
    with pytest.raises(InputError, match=r"E103.*standard input"):
        read_reports(["-"], text_col="body", delimiter=";")


def test_readers_stdin_given_twice_is_e253(monkeypatch):
    _stdin(monkeypatch, b"")
    with pytest.raises(InputError) as info:
        read_reports(["-", Path("-")])
    assert info.value.code == "E253"


def test_readers_stdin_parquet_is_e183(monkeypatch, records_file):
    _stdin(monkeypatch, records_file("parquet", RECORDS).read_bytes())
    with pytest.raises(InputError) as info:
        read_reports(["-"])
    assert info.value.code == "E183"
