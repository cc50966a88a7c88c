"""What every command shares: finding the ledgers and loading them once, with progress."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from xiangmu_cli.reading.loading import Remote
    from xiangmu_cli.reading.records import Repository, Validation

LEDGERS_HELP = "台账目录（含 xiangmu.yaml）；默认 ./ledgers，或上级目录中最近的 ledgers/"


def usage_error(message: str) -> typer.Exit:
    """Print a Chinese usage error; the caller raises the returned Exit (code 2)."""
    sys.stderr.write(f"用法错误：{message}\n")
    return typer.Exit(2)


def resolve_ledgers(option: Path | None) -> Path:
    """The ledgers folder: ``--ledgers``, else ./ledgers, else (not in CI) the nearest parent's.

    A folder given or found must be a real folder, not a symbolic link: a committed
    ``ledgers -> /`` would otherwise have xm read (and hash) the whole machine. In CI (``CI``
    set to true) only ./ledgers is looked for: a pull request that deletes its ledgers must not
    pass the gate by having a parent folder's ledgers checked instead.
    """
    from xiangmu_cli.reading.files import find_ledgers, in_ci

    if option is not None:
        if option.is_symlink():
            raise _linked_root(option)
        if not option.exists():
            raise usage_error(f"台账目录 {option} 不存在")
        if not option.is_dir():
            raise usage_error(f"{option} 不是目录；--ledgers 应指向含 xiangmu.yaml 的台账目录")
        return option
    ci = in_ci()
    found = find_ledgers(walk_up=not ci)
    if found is None:
        where = "当前目录中没有 ledgers/（CI 中不到上级目录查找）" if ci else "当前目录及上级目录中都没有 ledgers/"
        raise usage_error(f"找不到台账目录：{where}；用 --ledgers 指定")
    if found.is_symlink():
        raise _linked_root(found)
    return found


def output_path(path: Path) -> Path:
    """``-o``'s file, if it may be written: not a symbolic link (whose target could be anything, a
    committed ``report.html -> ~/.bashrc``), not a FIFO or device (which would block or swallow
    the report). A new file or a regular one is replaced atomically."""
    import os
    import stat

    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return path
    except OSError as exc:
        raise usage_error(f"无法写入 {path}：{exc.strerror or exc}") from None
    if stat.S_ISLNK(mode):
        raise usage_error(f"{path} 是符号链接，不写入（链接可以指向任何地方）；请指定一个普通文件")
    if not stat.S_ISREG(mode):
        from xiangmu_cli.base.fileio import file_kind

        raise usage_error(f"{path} 是{file_kind(mode)}，不是普通文件，不写入；请指定一个普通文件")
    return path


def _linked_root(path: Path) -> typer.Exit:
    sys.stderr.write(
        f"{path}：台账目录是符号链接，不读取（链接可以指向本仓库以外的任何地方）\n"
        "  提示：把台账放在真正的文件夹里，或用 --ledgers 指向链接的目标\n"
    )
    return typer.Exit(1)


def load_repository(root: Path, locate: bool = False, warnings: bool = True) -> Repository:
    """Load the ledgers, with a progress bar on stderr only when stderr is a terminal.

    Problems are located (line and column) only when ``locate``: the commands that show them
    (validate, the edits) do so themselves; the others only count them. Without ``warnings``
    the checks that can only warn are skipped (for commands that count errors only: the reports).
    """
    from xiangmu_cli.reading.loading import load

    with _loading() as progress:
        repo = load(root, progress=progress, locate=locate, warnings=warnings)
    return _kept(repo)


@contextmanager
def split_repository(root: Path, warnings: bool = True) -> Iterator[tuple[Repository, Remote | None]]:
    """As :func:`load_repository` (problems not located), for a computation that takes the records
    in two parts (loading.load_split): the repository holds this process's part, the worker's is
    reached through the Remote (None: all of it is here) until the block ends."""
    from xiangmu_cli.reading.loading import load_split

    with ExitStack() as split:
        with _loading() as progress:
            repo, remote = split.enter_context(load_split(root, progress, warnings))
        yield _kept(repo), remote


@contextmanager
def _loading() -> Iterator[Callable[[int, int], None] | None]:
    """The progress bar and the collector's policy of a load whose projects a command keeps."""
    with progress_bar() as progress, no_cyclic_gc():
        yield progress
        # The loaded projects live until the command ends and hold no reference cycles: moved out
        # of the collector's generations, they are not rescanned while the report is computed
        # (measured at 20k projects: the monthly report's computation 0.8 s → 0.6 s, and at 100k
        # 6.0 s → 3.9 s). Frozen before the collector is back on: else its first run, due at
        # once after so many new objects, scans them all (0.14 s at 20k).
        gc.freeze()


def _kept(repo: Repository) -> Repository:
    if KEEP_LOADED:
        _LOADED.append(repo)  # freed by the end of the process, not object by object (cli.leave)
    return repo


#: Whether what commands load is kept until the process ends: set by the ``xm`` program
#: (:func:`xiangmu_cli.cli.main`), which then ends without freeing it; not when a command is
#: invoked in a longer-lived process (tests), where it is freed when the command is done.
KEEP_LOADED = False
_LOADED: list[object] = []


def check_repository(root: Path, jobs: int = 0) -> Validation:
    """Check the ledgers (xm validate), with the same progress bar."""
    from xiangmu_cli.reading.loading import check

    with progress_bar() as progress, no_cyclic_gc():
        return check(root, progress=progress, jobs=jobs)


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """The cyclic garbage collector off while the ledgers load (a policy of the command, not of
    the library). Loading allocates hundreds of thousands of objects and no reference cycles:
    the collector would only rescan them (measured: ~15% of a cold load at 20k projects)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def progress_bar() -> Iterator[Callable[[int, int], None] | None]:
    """A progress callback (files done, files in all) drawing on stderr, or None when not a terminal.

    The bar is redrawn by the callback, not by rich's refresh thread: ``xm validate`` may fork
    worker processes, and forking while another thread holds a lock can deadlock the child.
    """
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("读取台账"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
        auto_refresh=False,
    ) as bar:
        task = bar.add_task("load", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)
            bar.refresh()

        yield advance
