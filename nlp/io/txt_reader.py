"""The ``.txt`` reader: one report per file, its id the file stem; a folder of such files is
read sorted by name. Files are opened without blocking and checked to be regular files, so a
FIFO or device is an error row (E148), never a wait. :func:`skipped_files` names the files of
a folder that are not read (W002).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path

from calcminer.nlp.errors import Errors, InputError, Warnings
from calcminer.nlp.io.records import INPUT_ENCODING, Item, describe_error
from calcminer.nlp.schema import MAX_REPORT_CHARS, RecordError, Report

TXT_SUFFIXES: frozenset[str] = frozenset({".txt"})


def txt_files(folder: Path) -> list[Path]:
    """List the ``.txt`` entries directly in a folder, sorted by name; E104 when there are none.

    Entries that are no regular file (a broken link, a FIFO, a folder named ``*.txt``) are
    listed too: reading them gives an error row (E148) instead of leaving them out unseen.
    """
    try:
        files = sorted(
            (
                entry
                for entry in folder.iterdir()
                if entry.suffix.lower() in TXT_SUFFIXES and not entry.name.startswith(".")
            ),
            key=lambda entry: entry.name,
        )
    except OSError as e:
        raise InputError(Errors.E105.format(path=folder, detail=describe_error(e))) from e
    if not files:
        raise InputError(Errors.E104.format(path=folder))
    return files


def skipped_files(inputs: Sequence[str | Path]) -> list[Path]:
    """Files that folder inputs hold but that are not read: not ``.txt`` (hidden files aside).

    The command summaries name them, so nothing in a folder is left out unnoticed.

    Args:
        inputs: The inputs of a run.

    Returns:
        The skipped files, sorted by name within each folder.
    """
    skipped: list[Path] = []
    for raw in inputs:
        folder = Path(raw)
        if not folder.is_dir():
            continue
        try:
            entries = sorted(folder.iterdir(), key=lambda entry: entry.name)
        except OSError:
            continue  # reading the folder reports it (E105)
        skipped += [
            entry
            for entry in entries
            if entry.suffix.lower() not in TXT_SUFFIXES
            and not entry.name.startswith(".")
            and entry.is_file()
        ]
    return skipped


def skipped_files_message(skipped: Sequence[Path]) -> str:
    """W002's message for the files of input folders that were not read (its one wording: the
    CLI prints it from the run's summary, the extract API raises it as a warning)."""
    return Warnings.W002.format(count=len(skipped))


def read_txt_file(path: Path, encoding: str | None = None) -> Item:
    """Read one ``.txt`` file as one report whose id is the file stem.

    The file is opened without blocking and checked to be a regular file before it is read,
    so a FIFO or device is an error row (E148), never a wait. It is decoded as UTF-8 (E117
    when it is not), or with ``encoding`` (``--encoding``; E181 when it does not decode).
    """
    source = str(path)
    try:
        data = _read_regular_file(path)
    except _NotRegular as e:
        return RecordError(source, None, path.stem, "E148", Errors.E148.format(kind=e.kind))
    except OSError as e:
        raise InputError(Errors.E105.format(path=path, detail=describe_error(e))) from e
    try:
        text = data.decode(encoding or INPUT_ENCODING)
    except UnicodeDecodeError as e:
        if encoding is not None:
            reason = Errors.E181.format(encoding=encoding, detail=f"byte {e.start}")
            return RecordError(source, None, path.stem, "E181", reason)
        reason = Errors.E117.format(detail=f"byte {e.start}")
        return RecordError(source, None, path.stem, "E117", reason)
    if not text.strip():
        return RecordError(source, None, path.stem, "E119", Errors.E119)
    if len(text) > MAX_REPORT_CHARS:
        reason = Errors.E124.format(length=len(text), limit=MAX_REPORT_CHARS)
        return RecordError(source, None, path.stem, "E124", reason)
    return Report(report_id=path.stem, text=text, meta={}, source=source, line=None)


class _NotRegular(Exception):
    """A folder entry that is no regular file; ``kind`` names what it is."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def _read_regular_file(path: Path) -> bytes:
    """All bytes of a regular file; ``_NotRegular`` for a broken link, FIFO, folder, device."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        if not path.is_file():
            raise _NotRegular(special_kind(path)) from None
        raise
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise _NotRegular(mode_kind(mode))
    except BaseException:
        os.close(descriptor)
        raise
    with open(descriptor, "rb", closefd=True) as handle:
        return handle.read()


def mode_kind(mode: int) -> str:
    """Name a file type that is not regular (for messages)."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def special_kind(path: Path) -> str:
    """Name what a path that is no regular file is (for messages): FIFO, socket, device..."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "a broken symbolic link" if path.is_symlink() else "missing"
    except OSError as e:
        return "a symbolic link loop" if path.is_symlink() else (e.strerror or "unreadable")
    return mode_kind(mode)


__all__ = [
    "TXT_SUFFIXES",
    "mode_kind",
    "read_txt_file",
    "skipped_files",
    "skipped_files_message",
    "special_kind",
    "txt_files",
]
