"""Writing files so that a crash or a full disk never leaves a half-written ledger."""

from __future__ import annotations

import os
import stat
import tempfile
from contextlib import suppress
from pathlib import Path

__all__ = ["write_atomic"]


def write_atomic(path: Path, data: bytes, new_mode: int = 0o644) -> None:
    """Replace ``path`` by ``data``: a temporary file beside it, fsync, rename, directory fsync.

    An existing file keeps its mode; a new one gets ``new_mode``. On any failure the temporary
    file is removed and ``path`` is untouched.
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
