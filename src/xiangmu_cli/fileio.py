"""Writing files so that a crash or a full disk never leaves a half-written ledger.

Every write goes to a temporary file beside the target (``.<name>.<random>.tmp``: a dotfile,
which the loader, ``xm fmt`` and the cache never read), is flushed to disk, and is renamed over
the target, so the target is always either wholly old or wholly new. A process killed before
the rename leaves the old file intact and, at worst, that hidden temporary file.
"""

from __future__ import annotations

import os
import stat
import tempfile
from contextlib import suppress
from pathlib import Path

__all__ = ["write_atomic", "FileChangedError", "UNCHECKED"]

#: ``expected`` default of :func:`write_atomic`: write whatever is on disk now.
UNCHECKED = object()


class FileChangedError(OSError):
    """The file on disk is not what was read: someone else saved it meanwhile. Nothing was written."""

    def __init__(self, path: Path) -> None:
        super().__init__("文件在读取之后被修改过（可能有人同时在编辑），未写入；请重新运行命令")
        self.path = path
        self.strerror = str(self)


def _current(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def write_atomic(path: Path, data: bytes, new_mode: int = 0o644, *, expected: bytes | None | object = UNCHECKED) -> None:
    """Replace ``path`` by ``data``: a temporary file beside it, fsync, rename, directory fsync.

    An existing file keeps its mode; a new one gets ``new_mode``. With ``expected`` (the bytes
    read before the change was made, or None for "the file did not exist"), the file on disk is
    compared with it just before the rename, and :class:`FileChangedError` is raised instead of
    overwriting someone else's save. On any failure the temporary file is removed and ``path``
    is untouched.
    """
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = new_mode
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        if expected is not UNCHECKED and _current(path) != expected:
            raise FileChangedError(path)
        os.replace(tmp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
    with suppress(OSError, AttributeError):  # make the rename itself durable (POSIX)
        dir_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
