"""Where the readers' bytes come from: a file, a compressed file (``.gz``, ``.bz2``, ``.xz``,
``.zst``) decompressed while it is read, or standard input (``-``), read once; and how text is
decoded and split (:class:`ReadOptions`: ``--encoding``, ``--delimiter``).

Nothing is written to disk: a compressed file is decompressed block by block in memory, as the
reader asks for lines, so no uncompressed copy of patient text is ever made. Standard input
cannot be read twice, yet every input is checked (format, columns) before any record is read:
so :class:`StdinSource` keeps the bytes the checks read and gives them again, once, to the
reader (the checks read only the start: the first JSON objects, the CSV header).

A :class:`Source` is what a reader opens: its :attr:`~Source.label` names it in messages (the
path, as before) and its :attr:`~Source.name` in the errors table's ``source`` column.
"""

from __future__ import annotations

import codecs
import errno
import io
import re
import sys
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO, Literal, cast

from calcminer.nlp.errors import Errors, InputError
from calcminer.nlp.io.records import INPUT_ENCODING

#: The input that stands for standard input.
STDIN = "-"
#: Standard input in messages, and in the errors table's ``source`` column.
STDIN_LABEL = "standard input (-)"
STDIN_NAME = "<stdin>"

Compression = Literal["gzip", "bzip2", "xz", "zstd"]
#: Compression by the last suffix of a file name (``reports.jsonl.gz``: gzip).
COMPRESSION_SUFFIXES: dict[str, Compression] = {
    ".gz": "gzip",
    ".bz2": "bzip2",
    ".xz": "xz",
    ".zst": "zstd",
}
#: Command that decompresses a file of each kind, for messages.
DECOMPRESS_COMMANDS: dict[Compression, str] = {
    "gzip": "gunzip -k",
    "bzip2": "bunzip2 -k",
    "xz": "unxz -k",
    "zstd": "zstd -d",
}
#: What the first bytes of a file say it is (a compressed stream, a zip archive such as an
#: .xlsx workbook, a Parquet file). bzip2: "BZh", the block size, then the magic of a block
#: or of the end of an empty stream.
_SIGNATURES: tuple[tuple[re.Pattern[bytes], str], ...] = (
    (re.compile(rb"\x1f\x8b"), "gzip"),
    (re.compile(rb"BZh[1-9](?:1AY&SY|\x17rE8P\x90)"), "bzip2"),
    (re.compile(rb"\xfd7zXZ\x00"), "xz"),
    (re.compile(rb"\x28\xb5\x2f\xfd"), "zstd"),
    (re.compile(rb"PK\x03\x04"), "zip"),
    (re.compile(rb"PAR1"), "parquet"),
)
#: Bytes enough to recognise every signature above.
SIGNATURE_BYTES = 10
#: Bytes per read from standard input and from a decompressor.
_BLOCK_BYTES = 1 << 16
#: Codecs that are the default decoding (strict UTF-8, a byte-order mark allowed).
_DEFAULT_CODECS = frozenset({"utf-8", "utf-8-sig"})
#: Delimiters given by name (a tab is awkward to type in a shell).
_DELIMITER_NAMES = {"tab": "\t", "\\t": "\t"}


def content_kind(head: bytes) -> str | None:
    """What a file's first bytes say it is: a compression, ``zip``, ``parquet``, or None."""
    for pattern, kind in _SIGNATURES:
        if pattern.match(head):
            return kind
    return None


def compression_of(path: Path) -> Compression | None:
    """The compression a file's name announces (its last suffix), or None."""
    return COMPRESSION_SUFFIXES.get(path.suffix.lower())


def is_stdin(raw: str | Path) -> bool:
    """Whether an input stands for standard input (``-``)."""
    return str(raw) == STDIN


# --- how text is read ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadOptions:
    """How text inputs are decoded and split into cells.

    Attributes:
        encoding: Python codec of JSON Lines, CSV, TSV and ``.txt`` inputs; None: UTF-8,
            strict (a byte-order mark allowed), a record that is not UTF-8 is an error row
            (E117). With a codec, a record that does not decode is an error row (E181).
        delimiter: Cell delimiter of CSV and TSV inputs (and of CSV on standard input); None:
            ``,`` for ``.csv``, tab for ``.tsv``.
    """

    encoding: str | None = None
    delimiter: str | None = None

    @property
    def text_encoding(self) -> str:
        """The codec text is decoded with."""
        return self.encoding or INPUT_ENCODING

    @property
    def encoding_name(self) -> str:
        """The encoding's name for messages."""
        return self.encoding or "UTF-8"


def read_options(delimiter: str | None = None, encoding: str | None = None) -> ReadOptions:
    """Check ``--delimiter`` and ``--encoding`` and return the reading options.

    Args:
        delimiter: One character, or ``tab`` / ``\\t`` for a tab; None: by file type.
        encoding: A Python codec name (``cp1252``, ``latin-1``, ``utf-16`` ...); None, or a
            name of UTF-8, keeps the default (strict UTF-8, E117 error rows).

    Returns:
        The options, the codec under its canonical name.

    Raises:
        InputError: E250 for an unknown codec or one that does not decode bytes to text,
            E251 for a delimiter that is not one character or cannot separate cells.
    """
    return ReadOptions(encoding=_codec(encoding), delimiter=_delimiter(delimiter))


def _codec(encoding: str | None) -> str | None:
    if encoding is None:
        return None
    try:
        name = codecs.lookup(encoding).name
        # A LookupError too for codecs that are no text encoding (rot13, base64).
        io.TextIOWrapper(io.BytesIO(), encoding=name)
    except LookupError as e:
        raise InputError(Errors.E250.format(name=encoding, detail=e)) from e
    return None if name in _DEFAULT_CODECS else name


def _delimiter(delimiter: str | None) -> str | None:
    if delimiter is None:
        return None
    chosen = _DELIMITER_NAMES.get(delimiter.lower(), delimiter)
    if len(chosen) != 1:
        detail = f"it has {len(chosen)} characters"
        raise InputError(Errors.E251.format(value=delimiter, detail=detail))
    if chosen in '"\r\n':
        detail = "quotes and line breaks have their own role in CSV"
        raise InputError(Errors.E251.format(value=delimiter, detail=detail))
    return chosen


# --- sources --------------------------------------------------------------------------------------


class Source(ABC):
    """An input the readers open: a file (maybe compressed) or standard input.

    Attributes:
        label: How messages name it (the path of a file).
        name: The errors table's ``source`` value (the path of a file).
        check_objects: Most JSON objects the column check of JSON Lines reads (None: as many
            as it takes); standard input keeps what the checks read, so it bounds them.
    """

    label: str
    name: str
    check_objects: int | None = None

    @abstractmethod
    def open(self) -> BinaryIO:
        """A binary stream of the (decompressed) content, from its start."""

    def open_text(self, options: ReadOptions) -> IO[str]:
        """A text stream of the content for the csv module: decoded with ``options``' codec,
        bytes that do not decode kept as lone surrogates (error rows), line ends untouched."""
        return io.TextIOWrapper(
            self.open(), encoding=options.text_encoding, errors="surrogateescape", newline=""
        )


class FileSource(Source):
    """A file on disk; with a compression, decompressed while it is read.

    Args:
        path: The file.
        compression: How it is compressed (from its name), or None.
    """

    def __init__(self, path: Path, compression: Compression | None = None) -> None:
        self.path = path
        self.compression = compression
        self.label = str(path)
        self.name = str(path)

    def open(self) -> BinaryIO:
        handle = self.path.open("rb")
        if self.compression is None:
            return handle
        try:
            return decompressing(handle, self.compression, self.label)
        except BaseException:
            handle.close()
            raise

    def open_text(self, options: ReadOptions) -> IO[str]:
        if self.compression is None:  # the plain file, opened as it always was
            return self.path.open(
                encoding=options.text_encoding, errors="surrogateescape", newline=""
            )
        return super().open_text(options)

    def head(self) -> bytes:
        """The first bytes of the file as stored (for :func:`content_kind`)."""
        with self.path.open("rb") as handle:
            return handle.read(SIGNATURE_BYTES)


class StdinSource(Source):
    """Standard input, read once: what the checks read is kept and given again to the reader.

    A compressed stream (gzip, bzip2, xz, zstd) is recognised by its first bytes and
    decompressed. :meth:`open` gives the stream twice: to the checks (which read its start,
    kept in memory), then to the reader (the kept bytes, then the rest, kept no more).

    Args:
        stream: The binary stream (None: ``sys.stdin.buffer``).

    Raises:
        InputError: E254 when standard input is a terminal.
    """

    #: JSON objects the column check reads at most (they stay in memory until read again).
    CHECK_OBJECTS = 1000

    def __init__(self, stream: BinaryIO | None = None) -> None:
        self.label = STDIN_LABEL
        self.name = STDIN_NAME
        self.check_objects = self.CHECK_OBJECTS
        if stream is None:
            stdin = sys.stdin
            if stdin is None or stdin.isatty():
                raise InputError(Errors.E254)
            stream = cast(BinaryIO, stdin.buffer)
        outer = _Replay(stream)
        compression = content_kind(outer.read_head(SIGNATURE_BYTES))
        if compression in DECOMPRESS_COMMANDS:
            outer.rewind(keep=False)
            inner = decompressing(cast(BinaryIO, outer), cast(Compression, compression), self.label)
            self._replay = _Replay(inner)
        else:
            outer.rewind(keep=True)
            self._replay = outer
        self._opened = 0

    def head_text(self, options: ReadOptions, limit: int = _BLOCK_BYTES) -> tuple[str, bytes]:
        """The first characters of the (decompressed) content that are not white space, and
        its first bytes; both read again by :meth:`open`."""
        decoder = codecs.getincrementaldecoder(options.text_encoding)(errors="replace")
        head = b""
        text = ""
        while not text.strip() and len(head) < limit:
            block = self._replay.read(_BLOCK_BYTES)
            if not block:
                break
            head += block
            text += decoder.decode(block)
        self._replay.rewind(keep=True)
        return text.lstrip(), head[:SIGNATURE_BYTES]

    def open(self) -> BinaryIO:
        self._opened += 1
        if self._opened > 2:  # the checks, then the reader: a third reading is a second "-"
            raise InputError(Errors.E253.format(count=2))
        if self._opened == 2:
            self._replay.rewind(keep=False)
        return cast(BinaryIO, io.BufferedReader(self._replay, buffer_size=_BLOCK_BYTES))


class _Replay(io.RawIOBase):
    """A stream read once, whose start can be read again: while keeping, every byte read is
    kept; :meth:`rewind` goes back to the first byte. Closing it leaves the stream open (the
    wrappers of the checks close it; the reader reads on)."""

    def __init__(self, stream: BinaryIO) -> None:
        super().__init__()
        self._stream = stream
        self._kept = bytearray()
        self._offset = 0
        self._keeping = True

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._offset < len(self._kept):
            size = min(len(view), len(self._kept) - self._offset)
            view[:size] = self._kept[self._offset : self._offset + size]
            self._offset += size
            if not self._keeping and self._offset == len(self._kept):
                self._kept = bytearray()  # read again: no longer needed
                self._offset = 0
            return size
        read1 = getattr(self._stream, "read1", None)
        data = read1(len(view)) if read1 is not None else self._stream.read(len(view))
        size = len(data)
        view[:size] = data
        if self._keeping:
            self._kept += data
            self._offset = len(self._kept)
        return size

    def read_head(self, size: int) -> bytes:
        """Up to ``size`` first bytes (fewer only at the end of the stream)."""
        head = b""
        while len(head) < size:
            block = self.read(size - len(head))
            if not block:
                break
            head += block
        return head

    def rewind(self, *, keep: bool) -> None:
        """Read again from the first byte kept; ``keep``: go on keeping what is read."""
        self._offset = 0
        self._keeping = keep

    def close(self) -> None:
        """Leave the stream open (see the class)."""


# --- decompression --------------------------------------------------------------------------------


def decompressing(handle: BinaryIO, compression: Compression, label: str) -> BinaryIO:
    """A buffered stream of ``handle``'s decompressed bytes, decompressed as they are read.

    Closing it closes ``handle``. A damaged or cut stream raises ``OSError`` whose
    ``strerror`` says so, without any of the data.

    Raises:
        InputError: E180 when ``zstd`` needs the ``zstandard`` package and it is missing.
    """
    # Imported here: a run without compressed inputs does not load them.
    import bz2
    import gzip
    import lzma
    import zlib

    errors: tuple[type[BaseException], ...] = (EOFError, OSError, zlib.error, lzma.LZMAError)
    inner: Any
    if compression == "gzip":
        inner = gzip.GzipFile(fileobj=handle, mode="rb")
    elif compression == "bzip2":
        inner = bz2.BZ2File(handle, mode="rb")
    elif compression == "xz":
        inner = lzma.LZMAFile(handle, mode="rb")  # noqa: SIM115 (_Decompressed closes it)
    else:
        zstandard = _zstandard(label)
        inner = zstandard.ZstdDecompressor().stream_reader(
            handle, read_size=_BLOCK_BYTES, read_across_frames=True, closefd=False
        )
        errors += (zstandard.ZstdError,)
    raw = _Decompressed(inner, handle, compression, errors)
    return cast(BinaryIO, io.BufferedReader(raw, buffer_size=_BLOCK_BYTES))


def _zstandard(label: str) -> Any:
    """The ``zstandard`` module; E180 when it is not installed."""
    try:
        import zstandard
    except ImportError as e:
        fix = f"decompress the file first ({DECOMPRESS_COMMANDS['zstd']} FILE) and give that"
        if label == STDIN_LABEL:
            fix = "decompress the stream before calcminer (zstd -dc FILE | calcminer ...)"
        what = "zstd-compressed (.zst)"
        raise InputError(
            Errors.E180.format(path=label, what=what, package="zstandard", fix=fix)
        ) from e
    return zstandard


class _Decompressed(io.RawIOBase):
    """The decompressed bytes of a stream; decompression errors become ``OSError`` naming
    the compression (their own messages may quote bytes of the data)."""

    def __init__(
        self,
        inner: Any,
        handle: BinaryIO,
        compression: Compression,
        errors: tuple[type[BaseException], ...],
    ) -> None:
        super().__init__()
        self._inner = inner
        self._handle = handle
        self._compression = compression
        self._errors = errors

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            return cast(int, self._inner.readinto(buffer))
        except self._errors as e:
            if isinstance(e, OSError) and e.errno is not None:
                raise  # the disk's own error, not the data's
            detail = f"the {self._compression} data is damaged or cut short ({type(e).__name__})"
            raise OSError(errno.EIO, detail) from e

    def close(self) -> None:
        if not self.closed:
            try:
                self._inner.close()
            finally:
                self._handle.close()
        super().close()


__all__ = [
    "COMPRESSION_SUFFIXES",
    "DECOMPRESS_COMMANDS",
    "SIGNATURE_BYTES",
    "STDIN",
    "STDIN_LABEL",
    "STDIN_NAME",
    "Compression",
    "FileSource",
    "ReadOptions",
    "Source",
    "StdinSource",
    "compression_of",
    "content_kind",
    "decompressing",
    "is_stdin",
    "read_options",
]
