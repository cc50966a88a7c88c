"""`xm fmt`: canonical layout of the ledger files, every comment kept.

Each file is read, formatted and written under the ledger lock (as the edit commands), taken
file by file so that an edit waiting for it never waits long; ``--check`` writes nothing and
takes no lock. When the lock cannot be taken (held past the wait, or its file is not a regular
file), that file and the remaining ones are left alone.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import typer

from . import XmCommand, app
from .common import LEDGERS_HELP, resolve_ledgers, usage_error


@app.command("fmt", cls=XmCommand)
def fmt(
    paths: list[Path] | None = typer.Argument(
        None,
        metavar="路径",
        help="要整理的文件或目录（目录下的 *.yaml 逐层查找）；不写则为台账目录中的全部台账和 xiangmu.yaml",
        show_default=False,
    ),
    check: bool = typer.Option(
        False, "--check", help="只检查不写入：列出需要整理的文件，有则以 1 退出（用于 CI 和 pre-commit）"
    ),
    ledgers: Path | None = typer.Option(None, "--ledgers", "-l", help=LEDGERS_HELP, show_default=False),
) -> None:
    """把台账文件和 xiangmu.yaml 整理成统一格式，注释一条不丢。

    键按台账格式约定的顺序排列，注释随键移动；完成投资按月份排序；两个空格缩进，项目之间空一行；UTF-8（无 BOM）、LF 换行。

    数值、日期、引号和 {…} […] 的写法照原样保留。只在内容有变化时写入。

    YAML 有错误的文件不改动，报告位置后以 1 退出。加 --check 时不写入，有需要整理的文件则以 1 退出，用于 CI 和 pre-commit。

    示例：xm fmt --check
    """  # noqa: E501 - typer shows each line of the help as written: a paragraph stays on one line
    from xiangmu_cli.write.fmt import expand_paths, repository_files

    if paths and ledgers is not None:
        raise usage_error("--ledgers 与 路径 不能同时使用：给出路径时只整理这些路径")
    for path in paths or []:
        if not path.exists() and not path.is_symlink():
            raise usage_error(f"路径 {path} 不存在")
    files = expand_paths(paths) if paths else repository_files(resolve_ledgers(ledgers))
    tally = _format_all(files, check)
    typer.echo("\n".join([*tally.lines, tally.summary(len(files), check)]))
    raise typer.Exit(1 if tally.failed or tally.skipped or (check and tally.changed) else 0)


@dataclass
class _Tally:
    """What xm fmt did to the files: the lines to show, and counts."""

    lines: list[str] = field(default_factory=list)
    changed: int = 0
    failed: int = 0
    skipped: int = 0
    why: str = ""  # why the skipped files were not formatted

    def summary(self, total: int, check: bool) -> str:
        if check:
            summary = (
                f"{self.changed} 个文件需要格式化（共 {total} 个）；运行 xm fmt 整理后再提交"
                if self.changed
                else f"{total} 个文件格式均已规范"
            )
        else:
            summary = f"整理了 {self.changed} 个文件，{total - self.changed - self.failed - self.skipped} 个无需改动"
        if self.failed:
            summary += f"；{self.failed} 个文件有错误，未改动"
        if self.skipped:
            summary += f"；{self.skipped} 个文件因{self.why}而未整理"
        return summary


def _waiting(lock: Path, wait: float) -> None:
    from xiangmu_cli.base.fileio import wait_message

    sys.stderr.write(wait_message(lock, wait) + "\n")
    sys.stderr.flush()


def _format_all(files: list[Path], check: bool) -> _Tally:
    """Format (or with ``check`` only check) each file in turn; stop when the lock cannot be taken."""
    from xiangmu_cli.base.fileio import display_path
    from xiangmu_cli.output.messages import problems_text
    from xiangmu_cli.write.fmt import format_file

    tally = _Tally()
    for i, path in enumerate(files):
        result = format_file(path, write=not check, on_wait=_waiting)
        error = result.error
        if result.lock_error is not None:  # the same for the rest: leave this file and the rest alone
            tally.skipped = len(files) - i
            tally.lines.append(f"错误：{result.lock_error}")
            tally.why = "台账正被另一个 xm 命令修改" if result.busy else "无法锁定台账"
            break
        if error is not None:
            tally.failed += 1
            if error.problems:
                tally.lines += problems_text(error.problems, {result.file: path})
            else:
                tally.lines.append(
                    f"{result.file}:{error.line}:{error.col}: {error.message}"
                    if error.line
                    else f"{result.file}: {error.message}"
                )
        elif result.changed:
            tally.changed += 1
            tally.lines.append(f"{'需要格式化' if check else '已格式化'}：{display_path(path)}")
    return tally
