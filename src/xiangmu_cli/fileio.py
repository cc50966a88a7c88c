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

__all__ = ["write_atomic", "FileChangedError", "UNCHECKED", "read_regular", "NotRegularFileError", "TooLargeError"]

#: ``expected`` default of :func:`write_atomic`: write whatever is on disk now.
UNCHECKED = object()


class FileChangedError(OSError):
    """The file on disk is not what was read: someone else saved it meanwhile. Nothing was written."""

    def __init__(self, path: Path) -> None:
        super().__init__("文件在读取之后被修改过（可能有人同时在编辑），未写入；请重新运行命令")
        self.path = path
        self.strerror = str(self)


class NotRegularFileError(OSError):
    """The path is a symbolic link, a FIFO, a device or a socket: never opened for reading."""

    def __init__(self, path: Path | str, kind: str) -> None:
        super().__init__(f"不是普通文件（{kind}），未读取")
        self.filename = str(path)
        self.kind = kind
        self.strerror = f"不是普通文件（{kind}），未读取"

    def __str__(self) -> str:
        return self.strerror


class TooLargeError(OSError):
    """The file is larger than the caller's limit: not read (``size`` is what was seen)."""

    def __init__(self, path: Path | str, size: int, limit: int) -> None:
        super().__init__(f"文件过大（{size} 字节，上限 {limit} 字节），未读取")
        self.filename = str(path)
        self.size = size
        self.limit = limit
        self.strerror = f"文件过大（{size} 字节，上限 {limit} 字节），未读取"

    def __str__(self) -> str:
        return self.strerror


def file_kind(mode: int) -> str:
    """A file type's name as users know it (for messages)."""
    for test, name in ((stat.S_ISLNK, "符号链接"), (stat.S_ISFIFO, "命名管道 FIFO"), (stat.S_ISCHR, "字符设备"),
                       (stat.S_ISBLK, "块设备"), (stat.S_ISSOCK, "套接字"), (stat.S_ISDIR, "目录")):
        if test(mode):
            return name
    return "普通文件" if stat.S_ISREG(mode) else "特殊文件"


def read_regular(path: Path | str, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; never follows a link, never blocks.

    A symbolic link, FIFO, device or socket raises :class:`NotRegularFileError` without being
    opened (a FIFO would block forever, ``/dev/zero`` never ends, opening a terminal can make it
    the controlling one); a larger file raises :class:`TooLargeError`, checked before reading and
    again while reading (the file may grow meanwhile), so at most ``limit + 1`` bytes are read.
    Other failures are the usual :class:`OSError`.
    """
    before = os.lstat(path)
    if not stat.S_ISREG(before.st_mode):
        raise NotRegularFileError(path, file_kind(before.st_mode))
    if before.st_size > limit:
        raise TooLargeError(path, before.st_size, limit)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    try:
        now = os.fstat(fd)  # the same file that was checked, not one swapped in meanwhile
        if not stat.S_ISREG(now.st_mode) or (now.st_dev, now.st_ino) != (before.st_dev, before.st_ino):
            raise NotRegularFileError(path, file_kind(now.st_mode))
        chunks = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise TooLargeError(path, len(data), limit)
    return data


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
