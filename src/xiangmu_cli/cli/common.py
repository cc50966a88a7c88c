"""What every command shares: finding the ledgers and loading them once, with progress."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from ..loading import Repository

LEDGERS_HELP = "台账目录（含 xiangmu.yaml）；默认 ./ledgers，或上级目录中最近的 ledgers/"


def usage_error(message: str) -> typer.Exit:
    """Print a Chinese usage error; the caller raises the returned Exit (code 2)."""
    sys.stderr.write(f"用法错误：{message}\n")
    return typer.Exit(2)


def resolve_ledgers(option: Path | None) -> Path:
    from ..loading import find_ledgers

    if option is not None:
        if not option.exists():
            raise usage_error(f"台账目录 {option} 不存在")
        if not option.is_dir():
            raise usage_error(f"{option} 不是目录；--ledgers 应指向含 xiangmu.yaml 的台账目录")
        return option
    found = find_ledgers()
    if found is None:
        raise usage_error("找不到台账目录：当前目录及上级目录中都没有 ledgers/；用 --ledgers 指定")
    return found


def load_repository(root: Path) -> Repository:
    """Load the ledgers, with a progress bar on stderr only when stderr is a terminal."""
    from ..loading import load

    if not sys.stderr.isatty():
        return load(root)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("读取台账"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("load", total=None)
        return load(root, progress=lambda done, total: bar.update(task, completed=done, total=total))
