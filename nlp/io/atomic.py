"""Atomic file replacement: a file is written to a synced temporary file beside its target,
then renamed onto it, so a reader never sees a half-written file under the final name
(:func:`write_atomic`); :func:`remove_stale_temps` removes the temporary files a killed run
left behind.
"""

from __future__ import annotations

import os
import re
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from calcminer.nlp.errors import Errors, OutputError

_TEMP_SUFFIX = ".tmp"
_TEMP_ATTEMPTS = 100
#: Random bytes in a temporary file's name (written as twice as many hex digits).
_TEMP_TOKEN_BYTES = 4


def write_atomic(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write through a synced temporary file in the same directory, then rename it onto path."""
    temp = write_temp(path, write)
    try:
        os.replace(temp, path)
    except OSError as e:
        temp.unlink(missing_ok=True)
        raise OutputError(Errors.E202.format(path=path, detail=io_detail(e))) from e
    fsync_directory(path.parent)


def write_temp(path: Path, write: Callable[[BinaryIO], None]) -> Path:
    """Write a synced temporary file beside path; return it (removed again on any failure)."""
    import pyarrow as pa

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = create_temp(path)
    except OSError as e:
        raise OutputError(Errors.E202.format(path=path, detail=io_detail(e))) from e
    try:
        with temp.open("wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
    except (OSError, pa.ArrowException) as e:
        temp.unlink(missing_ok=True)
        detail = io_detail(e) if isinstance(e, OSError) else type(e).__name__
        raise OutputError(Errors.E202.format(path=path, detail=detail)) from e
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def create_temp(path: Path) -> Path:
    """Create an empty, exclusive temporary file beside path (mode from the umask, as usual)."""
    for _ in range(_TEMP_ATTEMPTS):
        token = secrets.token_hex(_TEMP_TOKEN_BYTES)
        temp = path.with_name(f".{path.name}.{token}{_TEMP_SUFFIX}")
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return temp
    raise FileExistsError(f"no free temporary name beside {path}")


def remove_stale_temps(path: str | Path) -> list[Path]:
    """Remove the temporary files that writing ``path`` left behind (a run that was killed).

    Only files named as this module names the temporary files of ``path``, regular files
    (not links) and owned by the current user, are removed; a file that cannot be removed
    is left. Call it only while no other process writes ``path`` (under the output's lock).

    Args:
        path: An output path.

    Returns:
        The files removed.
    """
    target = Path(path)
    pattern = re.compile(
        rf"\.{re.escape(target.name)}\.[0-9a-f]{{{2 * _TEMP_TOKEN_BYTES}}}{re.escape(_TEMP_SUFFIX)}"
    )
    try:
        names = os.listdir(target.parent)
    except OSError:
        return []
    removed = []
    for name in names:
        if not pattern.fullmatch(name):
            continue
        stale = target.parent / name
        try:
            info = os.lstat(stale)
            if stat.S_ISREG(info.st_mode) and info.st_uid == _current_uid(info.st_uid):
                stale.unlink()
                removed.append(stale)
        except OSError:
            continue
    return removed


def _current_uid(default: int) -> int:
    """The effective user id (``default`` where the platform has none, e.g. Windows)."""
    geteuid = getattr(os, "geteuid", None)
    return default if geteuid is None else int(geteuid())


def fsync_directory(directory: Path) -> None:
    """Persist the rename; best effort, as some platforms cannot open directories."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def io_detail(error: OSError) -> str:
    """The reason of an I/O error, without the file name (the message names the file)."""
    return error.strerror or type(error).__name__


__all__ = [
    "create_temp",
    "fsync_directory",
    "io_detail",
    "remove_stale_temps",
    "write_atomic",
    "write_temp",
]
