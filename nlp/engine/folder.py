"""The work folder of a run as an open folder: every file in it is created, read and removed
through that open folder (``dir_fd``), never through its path again (see
:mod:`calcminer.nlp.engine.workfolder`, which keeps the run's parts and locks its outputs in
and beside it).

:class:`WorkFolder` is opened only when it is safe to use (:func:`unsafe_reason`: a real
folder, the current user's, not writable by group or others) and checks, before each part is
saved, that its path still names the folder it opened.
"""

from __future__ import annotations

import errno
import os
import secrets
import shutil
import stat
from pathlib import Path

from calcminer.nlp.errors import Errors, OutputError

_TEMP_SUFFIX = ".tmp"
#: Bits of a folder's mode that let group or others create, rename or remove its files.
_SHARED_WRITE_BITS = stat.S_IWGRP | stat.S_IWOTH
#: Flags every file of the work folder, and every lock file, is opened with (0 where the
#: platform has none): never through a symbolic link, never inherited by a child process.
O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_O_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
#: Whether files can be opened relative to an open folder (POSIX); else paths are used.
_DIR_FD = bool(_O_DIRECTORY) and os.open in os.supports_dir_fd


def io_reason(error: OSError) -> str:
    """The reason of an I/O error without its file names (messages name the file)."""
    return error.strerror or type(error).__name__


def effective_uid() -> int | None:
    """The effective user id; None where the platform has none (Windows)."""
    geteuid = getattr(os, "geteuid", None)
    return None if geteuid is None else int(geteuid())


def unsafe_reason(info: os.stat_result) -> str | None:
    """Why a folder (its ``lstat``) may not be used as a work folder; None when it may."""
    if stat.S_ISLNK(info.st_mode):
        return "it is a symbolic link"
    if not stat.S_ISDIR(info.st_mode):
        return "it is not a folder"
    uid = effective_uid()
    if uid is not None and info.st_uid != uid:
        return f"it belongs to user id {info.st_uid}, not to you (user id {uid})"
    if uid is not None and info.st_mode & _SHARED_WRITE_BITS:
        return f"its mode {stat.S_IMODE(info.st_mode):04o} lets group or others write it"
    return None


class WorkFolder:
    """The work folder of one run, opened once and used through that open folder.

    Use :meth:`create` or :meth:`open`, not the constructor.
    """

    def __init__(self, path: Path, fd: int | None, identity: tuple[int, int]) -> None:
        self.path = path
        self._fd = fd
        self._identity = identity

    @classmethod
    def create(cls, path: Path) -> WorkFolder:
        """Create the folder (mode 0700; its parent must exist) and open it.

        Raises:
            OutputError: E216 when it cannot be created (no space, no permission, a name
                taken); E224 when what was opened is not the folder just made.
        """
        try:
            os.mkdir(path, 0o700)
        except OSError as e:
            raise OutputError(Errors.E216.format(path=path, detail=io_reason(e))) from e
        return cls.open(path)

    @classmethod
    def open(cls, path: Path) -> WorkFolder:
        """Open an existing folder after checking that it is safe to use.

        Raises:
            OutputError: E224 for a link, another user's folder or one that group or
                others can write; E216 when it cannot be opened or is not a folder.
        """
        try:
            before = os.lstat(path)
        except OSError as e:
            raise OutputError(Errors.E216.format(path=path, detail=io_reason(e))) from e
        check_safe(path, before)
        fd = None
        if _DIR_FD:
            flags = os.O_RDONLY | _O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
            try:
                fd = os.open(path, flags)
            except OSError as e:
                if e.errno == errno.ELOOP:
                    raise OutputError(
                        Errors.E224.format(path=path, detail="it is a symbolic link")
                    ) from e
                raise OutputError(Errors.E216.format(path=path, detail=io_reason(e))) from e
            info = os.fstat(fd)
            if (info.st_dev, info.st_ino) != (before.st_dev, before.st_ino):
                os.close(fd)
                raise OutputError(Errors.E224.format(path=path, detail="it changed while opened"))
            try:
                check_safe(path, info)
            except OutputError:
                os.close(fd)
                raise
        return cls(path, fd, (before.st_dev, before.st_ino))

    def check(self) -> None:
        """Check that the path still names this folder (nobody moved or replaced it).

        Raises:
            OutputError: E224 when it does not.
        """
        try:
            info = os.lstat(self.path)
        except OSError as e:
            detail = f"it was removed or moved during the run ({io_reason(e)})"
            raise OutputError(Errors.E224.format(path=self.path, detail=detail)) from e
        if (info.st_dev, info.st_ino) != self._identity:
            detail = "it was replaced during the run" + (
                " by a symbolic link" if stat.S_ISLNK(info.st_mode) else ""
            )
            raise OutputError(Errors.E224.format(path=self.path, detail=detail))

    def _open(self, name: str, flags: int, mode: int = 0o600) -> int:
        flags |= O_NOFOLLOW | O_CLOEXEC
        if self._fd is not None:
            return os.open(name, flags, mode, dir_fd=self._fd)
        return os.open(self.path / name, flags, mode)

    def write_atomic(self, name: str, data: bytes) -> None:
        """Write a file of the folder through a synced temporary file, then rename it.

        Raises:
            OSError: When it cannot be written (the temporary file is removed).
        """
        temp = f"{name}.{secrets.token_hex(4)}{_TEMP_SUFFIX}"
        fd = self._open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
        try:
            try:
                _write_all(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
            if self._fd is not None:
                os.replace(temp, name, src_dir_fd=self._fd, dst_dir_fd=self._fd)
            else:
                os.replace(self.path / temp, self.path / name)
        except BaseException:
            self.unlink(temp)
            raise

    def append(self, name: str, data: bytes) -> None:
        """Append to a file of the folder (created if missing).

        Raises:
            OSError: When it cannot be written.
        """
        fd = self._open(name, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)

    def read(self, name: str) -> bytes:
        """The bytes of a regular file of the folder.

        Raises:
            OSError: When it is missing, not a regular file, or cannot be read.
        """
        fd = self._open(name, os.O_RDONLY)
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise OSError(errno.EINVAL, "not a regular file")
            chunks = []
            while block := os.read(fd, max(info.st_size, 1 << 16)):
                chunks.append(block)
            return b"".join(chunks)
        finally:
            os.close(fd)

    def names(self) -> list[str]:
        """The names in the folder."""
        return os.listdir(self._fd if self._fd is not None else self.path)

    def unlink(self, name: str) -> None:
        """Remove a file of the folder; best effort (a missing file is no error)."""
        try:
            if self._fd is not None:
                os.unlink(name, dir_fd=self._fd)
            else:
                (self.path / name).unlink()
        except OSError:
            pass

    def clear(self) -> None:
        """Remove every file of the folder (its parts: report data)."""
        try:
            names = self.names()
        except OSError:
            return
        for name in names:
            self.unlink(name)

    def remove(self) -> None:
        """Remove the files, then the folder itself if its path still names it; close it."""
        self.clear()
        try:
            info = os.lstat(self.path)
            if (info.st_dev, info.st_ino) == self._identity:
                os.rmdir(self.path)
        except OSError:
            pass
        self.close()

    def close(self) -> None:
        """Close the open folder (the files stay)."""
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)


def check_safe(path: Path, info: os.stat_result) -> None:
    """Raise E216 when ``info`` (an ``lstat``) is no folder, E224 when the folder is not safe
    to use (:func:`unsafe_reason`)."""
    reason = unsafe_reason(info)
    if reason is None:
        return
    if reason == "it is not a folder":
        raise OutputError(
            Errors.E216.format(path=path, detail="a file, not a folder, has its name")
        )
    raise OutputError(Errors.E224.format(path=path, detail=reason))


def _write_all(fd: int, data: bytes) -> None:
    """Write all of ``data`` to an open file (``os.write`` may write only part of it)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def remove_existing(path: Path) -> None:
    """Remove an old work folder (after the checks of :meth:`WorkFolder.open`).

    Raises:
        OutputError: E224 when it is not safe to touch, E216 when it cannot be removed.
    """
    folder = WorkFolder.open(path)
    folder.close()
    try:
        shutil.rmtree(path)  # resistant to links inside it (it works through open folders)
    except OSError as e:
        raise OutputError(Errors.E216.format(path=path, detail=io_reason(e))) from e


__all__ = [
    "O_CLOEXEC",
    "O_NOFOLLOW",
    "WorkFolder",
    "check_safe",
    "effective_uid",
    "io_reason",
    "remove_existing",
    "unsafe_reason",
]
