"""`xm fmt`: canonical layout of the ledger files, every comment kept.

Each file is read, formatted and written under the ledger lock (as the edit commands), taken
file by file so that an edit waiting for it never waits long; ``--check`` writes nothing and
takes no lock. When the lock cannot be taken (held past the wait, or its file is not a regular
file), that file and the remaining ones are left alone.
"""

from __future__ import annotations

import sys
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
    """
    from xiangmu_cli.base.fileio import display_path, wait_message
    from xiangmu_cli.output.messages import problems_text
    from xiangmu_cli.write.fmt import expand_paths, format_file, repository_files

    if paths and ledgers is not None:
        raise usage_error("--ledgers 与 路径 不能同时使用：给出路径时只整理这些路径")
    for path in paths or []:
        if not path.exists() and not path.is_symlink():
            raise usage_error(f"路径 {path} 不存在")
    files = expand_paths(paths) if paths else repository_files(resolve_ledgers(ledgers))
    changed = failed = skipped = 0
    lines: list[str] = []

    def waiting(lock: Path, wait: float) -> None:
        sys.stderr.write(wait_message(lock, wait) + "\n")
        sys.stderr.flush()

    for i, path in enumerate(files):
        result = format_file(path, write=not check, on_wait=waiting)
        error = result.error
        if result.lock_error is not None:  # the same for the rest: leave this file and the rest alone
            skipped = len(files) - i
            lines.append(f"错误：{error.message}")
            why = "台账正被另一个 xm 命令修改" if result.busy else "无法锁定台账"
            break
        if error is not None:
            failed += 1
            if error.problems:
                lines += problems_text(error.problems, {result.file: path})
            else:
                lines.append(
                    f"{result.file}:{error.line}:{error.col}: {error.message}"
                    if error.line
                    else f"{result.file}: {error.message}"
                )
        elif result.changed:
            changed += 1
            lines.append(f"{'需要格式化' if check else '已格式化'}：{display_path(path)}")
    if check:
        summary = (
            f"{changed} 个文件需要格式化（共 {len(files)} 个）；运行 xm fmt 整理后再提交"
            if changed
            else f"{len(files)} 个文件格式均已规范"
        )
    else:
        summary = f"整理了 {changed} 个文件，{len(files) - changed - failed - skipped} 个无需改动"
    if failed:
        summary += f"；{failed} 个文件有错误，未改动"
    if skipped:
        summary += f"；{skipped} 个文件因{why}而未整理"
    typer.echo("\n".join([*lines, summary]))
    raise typer.Exit(1 if failed or skipped or (check and changed) else 0)
