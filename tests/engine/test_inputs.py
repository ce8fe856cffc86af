"""Tests for calcminer.nlp.engine.inputs and the progress bar's total: the record count of every
input kind (CSV rows with quoted line breaks, compressed files), the fingerprint of compressed
and standard inputs, and that standard input is never resumed."""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import json
import lzma
from pathlib import Path

import pytest
import zstandard

from calcminer.nlp.engine.inputs import count_records, run_fingerprint
from calcminer.nlp.engine.progress import ProgressBar
from calcminer.nlp.engine.run import EngineOptions, run_engine
from calcminer.nlp.errors import InputError

RECORDS = [
    {"report_id": f"r{i}", "text": f'LIVER:\n"quoted" line {i},\nend.', "site": "x"}
    for i in range(25)
]
COMPRESSORS = {
    ".gz": gzip.compress,
    ".bz2": bz2.compress,
    ".xz": lzma.compress,
    ".zst": lambda data: zstandard.ZstdCompressor().compress(data),
}


def _csv(path: Path, delimiter: str = ",", newline: str = "\n") -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=list(RECORDS[0]), delimiter=delimiter, lineterminator=newline
        )
        writer.writeheader()
        writer.writerows(RECORDS)
    return path


def _jsonl(path: Path) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    return path


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_inputs_count_csv_rows_not_the_line_breaks_inside_quotes(tmp_path, newline):
    path = _csv(tmp_path / "a.csv", newline=newline)
    assert path.read_bytes().count(b"\n") > 2 * len(RECORDS)
    assert count_records([path]) == len(RECORDS)
    tsv = _csv(tmp_path / "a.tsv", delimiter="\t", newline=newline)
    assert count_records([tsv]) == len(RECORDS)


def test_inputs_count_csv_without_a_last_line_break(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b'report_id,text\nr1,"a\nb"\nr2,c')
    assert count_records([path]) == 2
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert count_records([empty]) == 0


@pytest.mark.parametrize("suffix", sorted(COMPRESSORS))
def test_inputs_count_compressed_inputs(tmp_path, suffix):
    paths = []
    for plain in (_csv(tmp_path / "a.csv"), _jsonl(tmp_path / "a.jsonl")):
        packed = plain.with_name(plain.name + suffix)
        packed.write_bytes(COMPRESSORS[suffix](plain.read_bytes()))
        paths.append(packed)
    assert count_records(paths) == 2 * len(RECORDS)


def test_inputs_count_is_unknown_for_stdin_workbooks_and_utf16(tmp_path):
    path = _csv(tmp_path / "a.csv")
    assert count_records([path, "-"]) is None
    assert count_records([path, tmp_path / "a.xlsx"]) is None
    assert count_records([path], encoding="utf-16") is None
    assert count_records([path], encoding="cp1252") == len(RECORDS)


def test_inputs_count_of_a_damaged_compressed_file_is_unknown(tmp_path):
    path = tmp_path / "a.jsonl.gz"
    data = gzip.compress(_jsonl(tmp_path / "a.jsonl").read_bytes())
    path.write_bytes(data[: len(data) // 2])
    assert count_records([path]) is None


def test_inputs_progress_bar_counts_only_when_shown(monkeypatch):
    calls: list[int] = []

    def count() -> int:
        calls.append(1)
        return 5

    monkeypatch.setattr("sys.stderr", io.StringIO())  # not a terminal
    with ProgressBar(count, enabled=True) as bar:
        bar.advance(5)
    assert calls == []


def _fingerprint(inputs, **options) -> str:
    return run_fingerprint(
        inputs,
        id_col="report_id",
        text_col="text",
        chunk_size=10,
        patterns_dir=None,
        prefilter=True,
        **options,
    )


def test_inputs_fingerprint_of_compressed_stdin_and_read_options(tmp_path, monkeypatch):
    path = tmp_path / "a.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"report_id": "r1", "text": "x"}\n'))
    before = _fingerprint([path])
    path.write_bytes(gzip.compress(b'{"report_id": "r1", "text": "y"}\n'))
    assert _fingerprint([path]) != before
    # "-" is not read: a file named "-" in the working folder is not standard input.
    monkeypatch.chdir(tmp_path)
    Path("-").write_text("x", encoding="utf-8")
    stdin = _fingerprint(["-"])
    Path("-").write_text("y", encoding="utf-8")
    assert _fingerprint(["-"]) == stdin
    assert _fingerprint([path], encoding="cp1252") != _fingerprint([path])
    assert _fingerprint([path], delimiter=";") != _fingerprint([path])


def test_inputs_stdin_run_cannot_be_resumed(tmp_path):
    with pytest.raises(InputError) as info:
        run_engine(["-"], {"reports": tmp_path / "r.csv"}, options=EngineOptions(resume=True))
    assert info.value.code == "E252"
    assert list(tmp_path.iterdir()) == []
