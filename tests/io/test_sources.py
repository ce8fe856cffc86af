"""Tests for calcminer.nlp.io.sources: compressed files decompressed as they are read, standard
input read once (its start kept for the checks), and the --encoding / --delimiter options."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import sys

import pytest
import zstandard

from calcminer.nlp.errors import InputError
from calcminer.nlp.io.readers import read_reports
from calcminer.nlp.io.sources import (
    FileSource,
    ReadOptions,
    StdinSource,
    content_kind,
    decompressing,
    read_options,
)

#: Each compression, at a fast level (the tests compress megabytes).
COMPRESS = {
    "gzip": lambda data: gzip.compress(data, compresslevel=1),
    "bzip2": lambda data: bz2.compress(data, compresslevel=1),
    "xz": lambda data: lzma.compress(data, preset=0),
    "zstd": lambda data: zstandard.ZstdCompressor(level=1).compress(data),
}
SUFFIX = {"gzip": ".gz", "bzip2": ".bz2", "xz": ".xz", "zstd": ".zst"}
LINES = b'{"report_id": "r1", "text": "calcified granuloma"}\n{"report_id": "r2", "text": "x"}\n'


# --- reading options --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "codec"),
    [
        (None, None),
        ("utf-8", None),
        ("UTF8", None),
        ("utf_8_sig", None),
        ("cp1252", "cp1252"),
        ("Windows-1252", "cp1252"),
        ("latin-1", "iso8859-1"),
        ("utf-16", "utf-16"),
    ],
)
def test_sources_read_options_name_the_codec_utf8_is_the_default(given, codec):
    assert read_options(encoding=given).encoding == codec


@pytest.mark.parametrize("name", ["no-such-codec", "rot13", "base64"])
def test_sources_read_options_unknown_or_binary_codec_is_e250(name):
    with pytest.raises(InputError) as info:
        read_options(encoding=name)
    assert info.value.code == "E250"
    assert repr(name) in str(info.value)


@pytest.mark.parametrize(
    ("given", "delimiter"), [(None, None), (";", ";"), ("|", "|"), ("tab", "\t"), ("\\t", "\t")]
)
def test_sources_read_options_delimiter_is_one_character_or_tab(given, delimiter):
    assert read_options(delimiter=given).delimiter == delimiter


@pytest.mark.parametrize("given", [";;", "", '"', "\n"])
def test_sources_read_options_bad_delimiter_is_e251(given):
    with pytest.raises(InputError) as info:
        read_options(delimiter=given)
    assert info.value.code == "E251"


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (gzip.compress(b"x")[:10], "gzip"),
        (bz2.compress(b"x")[:10], "bzip2"),
        (bz2.compress(b"")[:10], "bzip2"),
        (lzma.compress(b"x")[:10], "xz"),
        (zstandard.ZstdCompressor().compress(b"x")[:10], "zstd"),
        (b"PK\x03\x04\x14\x00", "zip"),
        (b"PAR1\x15\x04", "parquet"),
        (b'{"report_id"', None),
        (b"BZh,text\n", None),
        (b"", None),
    ],
)
def test_sources_content_kind_reads_the_first_bytes(head, kind):
    assert content_kind(head) == kind


# --- compressed files ---------------------------------------------------------------------------


@pytest.mark.parametrize("compression", sorted(COMPRESS))
def test_sources_file_source_decompresses_each_kind(tmp_path, compression):
    path = tmp_path / f"reports.jsonl{SUFFIX[compression]}"
    path.write_bytes(COMPRESS[compression](LINES))
    with FileSource(path, compression).open() as handle:  # type: ignore[arg-type]
        assert handle.read() == LINES


def test_sources_zstd_reads_across_frames(tmp_path):
    """zstd -T0 and pzstd write several frames; every frame is read."""
    path = tmp_path / "reports.jsonl.zst"
    first, second = LINES.splitlines(keepends=True)
    path.write_bytes(COMPRESS["zstd"](first) + COMPRESS["zstd"](second))
    with FileSource(path, "zstd").open() as handle:
        assert handle.read() == LINES


class _CountingFile(io.BytesIO):
    """A file that counts the bytes read from it."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.bytes_read += len(data)
        return data

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        size = super().readinto(buffer)
        self.bytes_read += size
        return size


@pytest.mark.parametrize("compression", sorted(COMPRESS))
def test_sources_decompression_streams_block_by_block(compression):
    """The first line comes after a few blocks, not after the whole file is decompressed:
    nothing needs an uncompressed copy (in memory or in a temporary file)."""
    lines = b"".join(
        b'{"report_id": "%d", "text": "%s"}\n' % (i, os.urandom(48).hex().encode())
        for i in range(40_000)
    )
    stored = _CountingFile(COMPRESS[compression](lines))
    size = len(stored.getvalue())
    with decompressing(stored, compression, "test") as handle:  # type: ignore[arg-type]
        assert handle.readline().startswith(b'{"report_id": "0"')
        assert stored.bytes_read < size // 4
    assert stored.closed


def test_sources_reading_compressed_input_writes_no_file(tmp_path, monkeypatch):
    """No temporary copy: the temporary folder and the input's folder stay as they were."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    folder = tmp_path / "in"
    folder.mkdir()
    for compression, compress in COMPRESS.items():
        (folder / f"a.jsonl{SUFFIX[compression]}").write_bytes(compress(LINES))
    before = sorted(folder.iterdir())
    items = list(read_reports(sorted(folder.iterdir())))
    assert [item.report_id for item in items] == ["r1", "r2"] * len(COMPRESS)
    assert sorted(folder.iterdir()) == before
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize("compression", ["gzip", "bzip2", "xz"])
def test_sources_cut_compressed_file_is_e105_without_content(tmp_path, compression):
    path = tmp_path / f"cut.jsonl{SUFFIX[compression]}"
    data = COMPRESS[compression](LINES * 200)
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError) as info:
        list(read_reports([path]))
    assert info.value.code == "E105"
    assert f"the {compression} data is damaged or cut short" in str(info.value)
    assert "calcified" not in str(info.value)


def test_sources_missing_zstandard_is_e180(tmp_path, monkeypatch):
    path = tmp_path / "reports.jsonl.zst"
    path.write_bytes(COMPRESS["zstd"](LINES))
    monkeypatch.setitem(sys.modules, "zstandard", None)
    with pytest.raises(InputError) as info:
        list(read_reports([path]))
    assert info.value.code == "E180"
    assert "pip install zstandard" in str(info.value) and "zstd -d" in str(info.value)


# --- standard input -----------------------------------------------------------------------------


def test_sources_stdin_gives_the_checked_start_again():
    data = LINES * 5000
    source = StdinSource(io.BytesIO(data))
    text, head = source.head_text(ReadOptions())
    assert text.startswith('{"report_i') and head == data[:10]
    with source.open() as check:
        assert check.readline() == LINES.splitlines(keepends=True)[0]
    with source.open() as reading:
        assert reading.read() == data


@pytest.mark.parametrize("compression", sorted(COMPRESS))
def test_sources_stdin_is_decompressed_by_its_first_bytes(compression):
    source = StdinSource(io.BytesIO(COMPRESS[compression](LINES)))
    assert source.head_text(ReadOptions())[0].startswith("{")
    with source.open() as check:
        check.readline()
    with source.open() as reading:
        assert reading.read() == LINES


def test_sources_stdin_read_a_third_time_is_e253():
    source = StdinSource(io.BytesIO(LINES))
    source.open().read()
    source.open().read()
    with pytest.raises(InputError, match="E253"):
        source.open()


def test_sources_stdin_terminal_is_e254(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Terminal())
    with pytest.raises(InputError, match="E254"):
        StdinSource()
