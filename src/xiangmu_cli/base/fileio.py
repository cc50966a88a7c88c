"""Writing files so that a crash or a full disk never leaves a half-written ledger.

Every write goes to a temporary file beside the target (``.<name>.<random>.tmp``: a dotfile,
which the loader, ``xm fmt`` and the cache never read), is flushed to disk, and is renamed over
the target, so the target is always either wholly old or wholly new. A process killed before
the rename leaves the old file intact and, at worst, that hidden temporary file.

Read-modify-writes of the ledgers run under :func:`ledger_lock`: an exclusive ``flock`` on
``<ledgers>/.xm.lock`` (a dotfile, which the loader skips). The event commands hold it from
loading to the last rename, ``xm fmt`` from reading a file to writing it, and
:func:`xiangmu_cli.write.edit.apply` (so also ``xm import``) from its last check to the last rename:
two commands on the same ledgers run one after the other instead of one overwriting the other's
save. A second command says at once that it waits, waits up to ``XM_LOCK_WAIT`` seconds (default
30; an edit of a province's whole ledger holds the lock ~10 s), then gives up with a message;
nothing is lost either way. The lock dies with its process (no stale locks) and its file is
removed on release, so it never shows up in ``git status``.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from enum import Enum
from pathlib import Path
from typing import Final

try:
    import fcntl

    _HAVE_FLOCK = True
except ImportError:  # pragma: no cover - Windows: no advisory locks here, the compare-before-rename check remains
    _HAVE_FLOCK = False

__all__ = [
    "write_atomic",
    "stage",
    "sync_folder",
    "FileChangedError",
    "UNCHECKED",
    "read_regular",
    "NotRegularFileError",
    "TooLargeError",
    "unchanged",
    "ledger_lock",
    "lock_wait",
    "wait_message",
    "LOCK_NAME",
    "LockError",
    "LockBusyError",
    "LockUnavailableError",
    "LockNotRegularError",
]


class _Unchecked(Enum):
    UNCHECKED = "unchecked"


#: ``expected`` default of :func:`write_atomic`: write whatever is on disk now.
UNCHECKED: Final = _Unchecked.UNCHECKED


class FileChangedError(OSError):
    """The file on disk is not what was read: someone else saved it meanwhile. Nothing was written."""

    def __init__(self, path: Path) -> None:
        super().__init__("文件在读取之后被修改过（可能有人同时在编辑），未写入；请重新运行命令")
        self.path = path
        self.strerror = str(self)


class NotRegularFileError(OSError):
    """The path is a symbolic link, a FIFO, a device or a socket: never opened for reading."""

    def __init__(self, path: str | os.PathLike[str], kind: str) -> None:
        message = f"不是普通文件（{kind}），未读取"
        super().__init__(message)
        self.filename = str(path)
        self.kind = kind
        self.strerror = self.message = message

    def __str__(self) -> str:
        return self.message


class TooLargeError(OSError):
    """The file is larger than the caller's limit: not read (``size`` is what was seen)."""

    def __init__(self, path: str | os.PathLike[str], size: int, limit: int) -> None:
        message = f"文件过大（{size} 字节，上限 {limit} 字节），未读取"
        super().__init__(message)
        self.filename = str(path)
        self.size = size
        self.limit = limit
        self.strerror = self.message = message

    def __str__(self) -> str:
        return self.message


def display_path(path: str | os.PathLike[str]) -> str:
    """A path as users want to see it: relative to the current directory when below it.

    Any path-like object will do (a file of a git revision is one: history.git.TreePath).
    """
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel.replace(os.sep, "/")


def file_kind(mode: int) -> str:
    """A file type's name as users know it (for messages)."""
    for test, name in (
        (stat.S_ISLNK, "符号链接"),
        (stat.S_ISFIFO, "命名管道 FIFO"),
        (stat.S_ISCHR, "字符设备"),
        (stat.S_ISBLK, "块设备"),
        (stat.S_ISSOCK, "套接字"),
        (stat.S_ISDIR, "目录"),
    ):
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


def unchanged(path: Path, expected: bytes | None) -> bool:
    """Whether ``path`` still holds exactly ``expected`` (None: "does not exist").

    Reads at most ``len(expected) + 1`` bytes and never opens a link, FIFO or device (a file
    swapped for one of those, or grown, simply counts as changed).
    """
    try:
        now = read_regular(path, len(expected) if expected is not None else 0)
    except FileNotFoundError:
        return expected is None
    except (NotRegularFileError, TooLargeError):
        return False
    return now == expected


def write_atomic(
    path: Path, data: bytes, new_mode: int = 0o644, *, expected: bytes | _Unchecked | None = UNCHECKED
) -> None:
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
    tmp = stage(path, data, mode)
    try:
        if expected is not UNCHECKED and not unchanged(path, expected):
            raise FileChangedError(path)
        os.replace(tmp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
    sync_folder(path.parent)


def stage(path: Path, data: bytes, mode: int) -> Path:
    """``data`` in a temporary file beside ``path`` (a dotfile, which the loader skips), flushed
    to disk, with ``mode``: to be renamed over ``path``. Nothing is left behind on failure."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
    return Path(tmp)


def sync_folder(folder: Path) -> None:
    """Make the renames in ``folder`` durable (POSIX; elsewhere nothing to do)."""
    with suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# --- the ledger lock ---------------------------------------------------------------------------

#: The lock file's name, in the ledger folder (a dotfile: the loader, ``xm fmt`` and edits skip it).
LOCK_NAME = ".xm.lock"
#: Seconds a command waits for another one holding the lock, unless ``XM_LOCK_WAIT`` says otherwise:
#: an edit holds it ~0.5 s on the demo ledgers and ~10 s on a 20,000-project province (it loads
#: the ledgers twice: once to plan, once to verify), so a second edit normally gets its turn.
DEFAULT_LOCK_WAIT = 30.0


def lock_wait() -> float:
    """How long to wait for the lock: ``XM_LOCK_WAIT`` seconds (0: do not wait), else 30."""
    try:
        value = float(os.environ.get("XM_LOCK_WAIT", ""))
    except ValueError:
        return DEFAULT_LOCK_WAIT
    return value if 0 <= value < 86400 else DEFAULT_LOCK_WAIT


def wait_message(lock: Path, wait: float) -> str:
    """What a command says (on stderr) when it starts waiting for the ledger lock."""
    return f"台账正被另一个 xm 命令修改（锁文件 {display_path(lock)}），等待它完成，最多 {wait:g} 秒……"


class LockError(OSError):
    """The ledgers could not be locked; nothing was read for writing and nothing was written."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(message)
        self.filename = str(path)
        self.path = path
        self.strerror = self.message = message

    def __str__(self) -> str:
        return self.message


class LockBusyError(LockError):
    """Another command held the lock for longer than we were willing to wait."""

    def __init__(self, path: Path, waited: float) -> None:
        super().__init__(
            path,
            (
                f"台账正被另一个 xm 命令修改，等待 {waited:g} 秒后仍未完成，未修改任何文件；请稍后重新运行命令"
                f"（锁文件 {display_path(path)} 在那个命令结束时自动释放，不要删除；"
                "等待时间可用环境变量 XM_LOCK_WAIT 调整，单位秒）"
            ),
        )
        self.waited = waited


class LockUnavailableError(LockError):
    """The lock file cannot be created or opened (a read-only checkout, no permission)."""

    def __init__(self, path: Path, exc: OSError) -> None:
        reason = exc.strerror or str(exc)
        readonly = exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM)
        super().__init__(
            path,
            (
                f"无法创建锁文件 {display_path(path)}（{reason}），未修改任何文件"
                + (
                    "；台账目录是只读的（只读检出或没有写权限），不能在这里修改台账，--dry-run 可以只查看修改"
                    if readonly
                    else "；检查台账目录是否可写"
                )
            ),
        )
        self.readonly = readonly


class LockNotRegularError(LockError):
    """The lock file is a link, FIFO, device, socket or folder (e.g. committed by a hostile PR)."""

    def __init__(self, path: Path, kind: str) -> None:
        shown = display_path(path)
        super().__init__(
            path,
            (
                f"锁文件 {shown} 是{kind}，不是普通文件，未修改任何文件；它不该出现在台账目录中"
                f"（可能来自有问题的提交）：请删除它（git rm {shown}，或直接删除）后重新运行"
            ),
        )
        self.kind = kind


_LOCK_FLAGS = (
    os.O_RDONLY
    | os.O_CREAT
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
#: flock errors of file systems that have no locks (some network file systems).
_NO_LOCKS = {getattr(errno, name) for name in ("ENOLCK", "EOPNOTSUPP", "ENOTSUP", "ENOSYS") if hasattr(errno, name)}
#: Locks this process holds: the lock folder's (st_dev, st_ino) → [pid, fd, depth] (re-entrant).
_HELD: dict[tuple[int, int], list[int]] = {}


def _open_lock(path: Path) -> int:
    """An open descriptor of the regular lock file (created if absent); never follows a link,
    never opens a FIFO, device or socket found there (checked before opening, and again on the
    opened file, in case it was swapped in between)."""
    try:
        found = os.lstat(path).st_mode
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise LockUnavailableError(path, exc) from None
    else:
        if not stat.S_ISREG(found):
            raise LockNotRegularError(path, file_kind(found))
    try:
        fd = os.open(path, _LOCK_FLAGS, 0o644)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK, errno.EISDIR, errno.ENXIO, errno.EOPNOTSUPP, errno.ENOTDIR):
            try:
                kind = file_kind(os.lstat(path).st_mode)
            except OSError:
                kind = "特殊文件"
            raise LockNotRegularError(path, kind) from None
        raise LockUnavailableError(path, exc) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise LockNotRegularError(path, file_kind(mode))
    return fd


def _same_file(fd: int, path: Path) -> bool:
    try:
        now = os.lstat(path)
    except OSError:
        return False
    mine = os.fstat(fd)
    return (now.st_dev, now.st_ino) == (mine.st_dev, mine.st_ino)


@contextmanager
def ledger_lock(
    folder: Path,
    *,
    wait: float | None = None,
    on_wait: Callable[[Path, float], None] | None = None,
    required: bool = True,
) -> Iterator[Path | None]:
    """Hold the exclusive lock of the ledger folder ``folder`` (``folder/.xm.lock``) in the block.

    Waits up to ``wait`` seconds (default :func:`lock_wait`) for another process holding it,
    calling ``on_wait(lock_path, wait)`` once when it starts waiting, then raises
    :class:`LockBusyError`. A lock file that is not a regular file (a symbolic link, FIFO,
    device, folder: never followed nor opened as such) raises :class:`LockNotRegularError`. A
    lock file that cannot be created (read-only checkout) raises :class:`LockUnavailableError`,
    or, with ``required=False`` (for commands that may have nothing to write), the block runs
    unlocked and gets None. Re-entrant within a process. Yields the lock file's path.
    """
    path = folder / LOCK_NAME
    if not _HAVE_FLOCK:  # pragma: no cover
        yield None
        return
    try:
        key_stat = os.stat(folder)
    except OSError as exc:
        if required:
            raise LockUnavailableError(path, exc) from None
        yield None
        return
    key = (key_stat.st_dev, key_stat.st_ino)
    held = _HELD.get(key)
    if held is not None and held[0] == os.getpid():
        held[2] += 1
        try:
            yield path
        finally:
            held[2] -= 1
        return
    fd = _acquire(path, lock_wait() if wait is None else wait, on_wait, required)
    if fd is None:
        yield None
        return
    _HELD[key] = [os.getpid(), fd, 1]
    try:
        yield path
    finally:
        del _HELD[key]
        try:
            if _same_file(fd, path):  # still ours: remove it while holding the lock (see _acquire)
                with suppress(OSError):
                    os.unlink(path)
        finally:
            os.close(fd)  # releases the lock


def _acquire(path: Path, wait: float, on_wait: Callable[[Path, float], None] | None, required: bool) -> int | None:
    """The descriptor of the locked lock file, or None (unavailable and not required).

    The holder removes the file when it is done. A process that opened the file before it was
    removed, and got the lock on it afterwards, holds a lock on a file nobody else will see:
    so after locking, the path must still name the locked file, or it starts again.
    """
    deadline = time.monotonic() + wait
    announced = False
    pause = 0.02
    while True:
        try:
            fd = _open_lock(path)
        except LockUnavailableError:
            if required:
                raise
            return None
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno in _NO_LOCKS:  # a file system without locks: the compare-before-rename check remains
                        if _same_file(fd, path):
                            with suppress(OSError):
                                os.unlink(path)
                        os.close(fd)
                        return None
                    if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                        raise LockUnavailableError(path, exc) from None
                left = deadline - time.monotonic()
                if left <= 0:
                    raise LockBusyError(path, wait)
                if not announced and on_wait is not None:
                    on_wait(path, wait)
                announced = True
                time.sleep(min(pause, left))
                pause = min(pause * 1.5, 0.2)
        except BaseException:
            os.close(fd)
            raise
        if _same_file(fd, path):
            return fd
        os.close(fd)  # removed (or replaced) by the previous holder meanwhile: lock the current file
        if time.monotonic() > deadline:
            raise LockBusyError(path, wait)
