"""The work folder of a run and the lock on its outputs (the file-system side of the engine).

A run writing ``out/reports.csv`` keeps its parts in ``out/.reports.csv.calcminer-work/``:

- The folder is created with mode 0700 and opened once; every file in it is then created,
  read and removed through that open folder (``dir_fd``), never through the path again, so
  a folder moved away and replaced (by a link to another folder, say) during the run does
  not redirect a single write. Before each part is saved the path is checked to still be
  that folder; if not, the run stops (``E224``) and removes its own parts.
- An existing folder is used (resumed) or removed only if it is a real folder, owned by the
  current user and not writable by group or others; otherwise the run stops with ``E224``
  before anything in it is read.
- ``manifest.jsonl`` is a journal: a header line (format, the run's fingerprint, the digest
  algorithm), then one line per finished chunk with its part file's name, digest (BLAKE2b)
  and counts. A part is used only when its bytes match the digest in the manifest.

Outputs are locked for the whole run: a lock file ``.<name>.calcminer-lock`` beside each
output, held with ``fcntl.flock`` (released by the system when the process ends, even on
``kill -9``) and holding the pid of its run. Where there is no ``fcntl`` (Windows), the lock
file is created exclusively instead (``O_EXCL``); a run that was killed then leaves it behind,
and it must be deleted by hand.

This module keeps the manifest, the parts (:class:`PartStore`, :func:`open_store`) and the
locks (:class:`OutputLock`, :func:`locked`); the folder itself, opened once and used through
that open folder, is :class:`~calcminer.nlp.engine.folder.WorkFolder` (importable from here,
as before it had a module of its own).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from calcminer.nlp.engine.folder import (  # noqa: F401 (WorkFolder ... are importable from here)
    O_CLOEXEC,
    O_NOFOLLOW,
    WorkFolder,
    check_safe,
    effective_uid,
    io_reason,
    remove_existing,
    unsafe_reason,
)
from calcminer.nlp.errors import CalcminerError, Errors, OutputError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

#: Format of the work folder (in the manifest's header line).
WORK_FORMAT = "calcminer-work/2"
#: The digest of each part recorded in the manifest.
DIGEST_NAME = "blake2b-256"
MANIFEST = "manifest.jsonl"
PART_NAME = "part-{:07d}.arrow"
WORK_SUFFIX = ".calcminer-work"
LOCK_SUFFIX = ".calcminer-lock"
#: Attempts to lock a lock file that other runs keep removing and creating.
_LOCK_ATTEMPTS = 5


def work_dir_for(output: str | Path) -> Path:
    """The private folder that holds the parts of a run writing ``output``."""
    path = Path(output)
    return path.with_name(f".{path.name}{WORK_SUFFIX}")


def lock_path_for(output: str | Path) -> Path:
    """The lock file of an output."""
    path = Path(output)
    return path.with_name(f".{path.name}{LOCK_SUFFIX}")


def part_digest(data: bytes) -> str:
    """The digest of a part file's bytes, as recorded in the manifest."""
    return hashlib.blake2b(data, digest_size=32).hexdigest()


# --- the manifest and the parts ---------------------------------------------------------------


@dataclass(frozen=True)
class PartEntry:
    """A finished chunk as the manifest records it."""

    index: int
    name: str
    digest: str
    stats: Mapping[str, Any]


class PartStore:
    """The parts of a run in its work folder, each checked against its digest when read.

    Use :func:`open_store`.
    """

    def __init__(self, folder: WorkFolder, entries: dict[int, PartEntry]) -> None:
        self.folder = folder
        self.entries = entries

    @property
    def path(self) -> Path:
        """The work folder."""
        return self.folder.path

    def save(self, index: int, data: bytes, stats: Mapping[str, Any]) -> None:
        """Save a chunk's part, then record it in the manifest (the chunk is then done).

        Raises:
            OutputError: E224 when the folder was moved or replaced (this run's parts are
                then removed); E216 when the part cannot be written.
        """
        self.check()
        entry = PartEntry(index, PART_NAME.format(index), part_digest(data), stats)
        line = {"chunk": index, "file": entry.name, "digest": entry.digest, "stats": stats}
        try:
            self.folder.write_atomic(entry.name, data)
            self.folder.append(MANIFEST, json.dumps(line).encode() + b"\n")
        except OSError as e:
            raise OutputError(Errors.E216.format(path=self.path, detail=io_reason(e))) from e
        self.entries[index] = entry

    def read(self, index: int) -> bytes:
        """The bytes of a chunk's part, checked against the manifest's digest.

        Raises:
            CalcminerError: E215 when the part is missing, unreadable or not the one saved.
        """
        entry = self.entries.get(index)
        name = PART_NAME.format(index) if entry is None else entry.name
        if entry is None:
            raise CalcminerError(
                Errors.E215.format(path=self.path / name, detail="not in the manifest")
            )
        try:
            data = self.folder.read(name)
        except OSError as e:
            raise CalcminerError(
                Errors.E215.format(path=self.path / name, detail=io_reason(e))
            ) from e
        if part_digest(data) != entry.digest:
            detail = "its digest does not match the manifest"
            raise CalcminerError(Errors.E215.format(path=self.path / name, detail=detail))
        return data

    def check(self) -> None:
        """Check that the work folder is still this run's (see :meth:`WorkFolder.check`).

        Raises:
            OutputError: E224 when it was moved or replaced; this run's parts are then
                removed (through the open folder, wherever it now is).
        """
        try:
            self.folder.check()
        except OutputError:
            self.folder.clear()
            raise

    def remove(self) -> None:
        """Remove the work folder with every part."""
        self.folder.remove()

    def close(self) -> None:
        """Close the work folder, keeping the parts (for ``--resume``)."""
        self.folder.close()


def _header(fingerprint: str) -> bytes:
    header = {"format": WORK_FORMAT, "fingerprint": fingerprint, "digest": DIGEST_NAME}
    return json.dumps(header).encode() + b"\n"


class _BadManifest(ValueError):
    """The manifest is not one this version writes (the message says why)."""


def _parse_manifest(raw: bytes) -> tuple[str, dict[int, PartEntry]]:
    """The fingerprint and the finished chunks of a manifest's bytes.

    Raises:
        _BadManifest: When the manifest is not one this version writes.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise _BadManifest("it is not UTF-8 text") from e
    if not text:
        raise _BadManifest("it is empty")
    if not text.endswith("\n"):
        raise _BadManifest("its last line is incomplete")
    try:
        lines = [json.loads(line) for line in text.splitlines()]
    except ValueError as e:
        raise _BadManifest("a line is not JSON") from e
    header = lines[0]
    if not isinstance(header, dict) or header.get("format") != WORK_FORMAT:
        raise _BadManifest("it is of another format or version")
    recorded = header.get("fingerprint")
    if not isinstance(recorded, str) or header.get("digest") != DIGEST_NAME:
        raise _BadManifest("its header is incomplete")
    entries: dict[int, PartEntry] = {}
    for line in lines[1:]:
        if not isinstance(line, dict):
            raise _BadManifest("a chunk line is not an object")
        index, name, digest, stats = (line.get(k) for k in ("chunk", "file", "digest", "stats"))
        if not (
            isinstance(index, int)
            and index >= 0
            and name == PART_NAME.format(index)
            and isinstance(digest, str)
            and isinstance(stats, dict)
        ):
            raise _BadManifest("a chunk line is incomplete")
        entries[index] = PartEntry(index, name, digest, stats)
    return recorded, entries


def _read_manifest(folder: WorkFolder, fingerprint: str) -> dict[int, PartEntry]:
    """The finished chunks recorded in the manifest of a folder being resumed.

    Raises:
        CalcminerError: E214 when the manifest is missing, damaged or of another format;
            E209 when it belongs to another run.
    """
    try:
        recorded, entries = _parse_manifest(folder.read(MANIFEST))
    except OSError as e:
        detail = io_reason(e)
        if "manifest.json" in folder.names():
            detail = "the folder was written by an earlier version of calcminer"
        raise CalcminerError(Errors.E214.format(path=folder.path, detail=detail)) from e
    except _BadManifest as e:
        raise CalcminerError(Errors.E214.format(path=folder.path, detail=str(e))) from e
    if recorded != fingerprint:
        raise CalcminerError(Errors.E209.format(path=folder.path))
    return entries


def open_store(work: Path, fingerprint: str, resume: bool) -> PartStore:
    """Create the work folder of a run, or reuse the one of an interrupted run (``resume``).

    Without ``resume``, or when there is none, a new folder is made (an old one is removed
    first). With ``resume``, every part recorded in the manifest is checked against its
    digest, and files the manifest does not list (temporary files and parts of a run that
    was killed before recording them) are removed.

    Raises:
        CalcminerError: E224 when an existing folder is not safe to use (nothing in it is
            read), E216 when the folder cannot be created or written, and with ``resume``
            E214 (manifest), E209 (another run) or E215 (a part does not match its digest).
    """
    try:
        info: os.stat_result | None = os.lstat(work)
    except FileNotFoundError:
        info = None
    except OSError as e:
        raise OutputError(Errors.E216.format(path=work, detail=io_reason(e))) from e
    if info is not None:
        check_safe(work, info)
        if resume:
            return _resume_store(WorkFolder.open(work), fingerprint)
        remove_existing(work)
    folder = WorkFolder.create(work)
    try:
        folder.write_atomic(MANIFEST, _header(fingerprint))
    except OSError as e:
        folder.remove()
        raise OutputError(Errors.E216.format(path=work, detail=io_reason(e))) from e
    return PartStore(folder, {})


def _resume_store(folder: WorkFolder, fingerprint: str) -> PartStore:
    try:
        entries = _read_manifest(folder, fingerprint)
        store = PartStore(folder, entries)
        for index in entries:
            store.read(index)  # E215 now, not after mining the rest
        keep = {MANIFEST, *(entry.name for entry in entries.values())}
        for name in folder.names():
            if name not in keep:
                folder.unlink(name)
    except BaseException:
        folder.close()
        raise
    return store


# --- locking the outputs ----------------------------------------------------------------------


class OutputLock:
    """Exclusive locks on a run's outputs, one lock file beside each (see the module docs)."""

    def __init__(self, outputs: Sequence[Path]) -> None:
        self.outputs = sorted(dict.fromkeys(Path(path) for path in outputs), key=str)
        self._held: list[tuple[Path, int, tuple[int, int]]] = []

    def acquire(self) -> None:
        """Lock every output, or none.

        Raises:
            OutputError: E225 when another run holds one of them, E226 when a lock file
                cannot be created or used.
        """
        try:
            for output in self.outputs:
                self._held.append(_lock(output))
        except BaseException:
            self.release()
            raise

    def release(self) -> None:
        """Remove the lock files and release the locks."""
        while self._held:
            path, fd, identity = self._held.pop()
            try:
                info = os.lstat(path)
                if (info.st_dev, info.st_ino) == identity:
                    os.unlink(path)
            except OSError:
                pass
            os.close(fd)


@contextmanager
def locked(outputs: Sequence[Path]) -> Iterator[OutputLock]:
    """Hold the locks of ``outputs`` for the ``with`` block (see :class:`OutputLock`)."""
    lock = OutputLock(outputs)
    lock.acquire()
    try:
        yield lock
    finally:
        lock.release()


def _holder(fd: int) -> str:
    """The pid recorded in a lock file (``unknown`` when it cannot be read)."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 64).decode("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return "unknown"
    return text if text.isdigit() else "unknown"


def _lock(output: Path) -> tuple[Path, int, tuple[int, int]]:
    """Lock one output: create (or reuse) its lock file, lock it, write this run's pid."""
    path = lock_path_for(output)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        detail = f"its folder cannot be created: {io_reason(e)}"
        raise OutputError(Errors.E226.format(path=output, lock=path, detail=detail)) from e
    for _ in range(_LOCK_ATTEMPTS):
        try:
            flags = os.O_RDWR | os.O_CREAT | O_NOFOLLOW | O_CLOEXEC
            if fcntl is None:
                flags |= os.O_EXCL
            fd = os.open(path, flags, 0o600)
        except FileExistsError as e:  # no fcntl: the file is the lock
            pid = _read_pid(path)
            stale = f" If no run {pid} is going on, delete {path}: a run that was killed left it."
            raise OutputError(
                Errors.E225.format(path=output, pid=pid, lock=path, stale=stale)
            ) from e
        except OSError as e:
            detail = "it is a symbolic link" if e.errno == errno.ELOOP else io_reason(e)
            raise OutputError(Errors.E226.format(path=output, lock=path, detail=detail)) from e
        info = os.fstat(fd)
        reason = _lock_file_problem(info)
        if reason is not None:
            os.close(fd)
            raise OutputError(Errors.E226.format(path=output, lock=path, detail=reason))
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as e:
                pid = _holder(fd)
                os.close(fd)
                if e.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise OutputError(
                        Errors.E225.format(path=output, pid=pid, lock=path, stale="")
                    ) from e
                raise OutputError(
                    Errors.E226.format(path=output, lock=path, detail=io_reason(e))
                ) from e
            try:
                current = os.lstat(path)
            except FileNotFoundError:
                current = None
            if current is None or (current.st_dev, current.st_ino) != (info.st_dev, info.st_ino):
                os.close(fd)  # the run that held it removed it meanwhile: lock the new one
                continue
        try:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        except OSError as e:
            os.close(fd)
            raise OutputError(
                Errors.E226.format(path=output, lock=path, detail=io_reason(e))
            ) from e
        return path, fd, (info.st_dev, info.st_ino)
    raise OutputError(
        Errors.E226.format(path=output, lock=path, detail="other runs keep replacing it")
    )


def _lock_file_problem(info: os.stat_result) -> str | None:
    """Why an opened lock file may not be used (another user's file, a hard link)."""
    if not stat.S_ISREG(info.st_mode):
        return "it is not a regular file"
    uid = effective_uid()
    if uid is not None and info.st_uid != uid:
        return f"it belongs to user id {info.st_uid}, not to you (user id {uid})"
    if info.st_nlink != 1:
        return "it has other names (hard links)"
    return None


def _read_pid(path: Path) -> str:
    try:
        fd = os.open(path, os.O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
    except OSError:
        return "unknown"
    try:
        return _holder(fd)
    finally:
        os.close(fd)


__all__ = [
    "MANIFEST",
    "OutputLock",
    "PartStore",
    "WorkFolder",
    "lock_path_for",
    "locked",
    "open_store",
    "work_dir_for",
]
