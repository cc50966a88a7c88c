"""`xm rollover`: close the reporting year (年度结转) as one change, keeping it in the archive.

The library (:mod:`xiangmu_cli.write.rollover`) plans and verifies the change and writes it;
this command holds the ledger lock from loading to the last rename, prints what it does (with
``--dry-run`` what it would do, and with ``--diff`` the changes of the files) and sets the exit
code: 0 done, 1 refused (ledgers with errors, an archive already there, a file changed
meanwhile), 2 usage (``--to`` other than the next year).
"""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path

import typer

from . import XmCommand, app
from .common import LEDGERS_HELP, load_repository, resolve_ledgers
from .edit import refused_edits, waiting


@app.command("rollover", cls=XmCommand)
def rollover(
    to: int | None = typer.Option(
        None, "--to", help="结转到的年度，只能是下一年度 [默认：xiangmu.yaml 年度 + 1]", show_default=False
    ),
    ledgers: Path | None = typer.Option(None, "--ledgers", "-l", help=LEDGERS_HELP, show_default=False),
    dry_run: bool = typer.Option(False, "--dry-run", "-n", help="只显示结转计划，不写文件"),
    show_diff: bool = typer.Option(False, "--diff", help="同时列出各台账文件的改动（diff）"),
) -> None:
    """年度结转：把已结束的年度转为下一年度，上年台账原样归档。

    上年台账（xiangmu.yaml 和全部台账文件）原样复制到台账目录旁的 归档/<年度>/，供同比使用；
    在建、未入统项目各月完成投资合计转入以前年度完成投资（分毫不差），新建转续建，去掉上年复工日期；
    上年及以前竣工的项目移出台账（保留在归档中）；年度加一，目标清空，口径.入统时限顺延一年。
    计划开工、招商项目，问题和走访不变。全部文件一起改动，或一个都不改。

    示例：xm rollover --dry-run
    """
    from xiangmu_cli.base.fileio import ledger_lock
    from xiangmu_cli.write.rollover import apply_rollover, plan_rollover, rollover_diff

    root = resolve_ledgers(ledgers)
    with refused_edits(), nullcontext() if dry_run else ledger_lock(root, on_wait=waiting):
        plan = plan_rollover(load_repository(root), to)
        if dry_run:
            if show_diff:
                typer.echo(rollover_diff(plan), nl=False)
        else:
            apply_rollover(plan)
    if show_diff and not dry_run:
        typer.echo(rollover_diff(plan), nl=False)
    for line in plan.summary:
        typer.echo(line)
    for warning in plan.edits.warnings:
        typer.echo(f"注意：{warning}")
    changed = len(plan.edits.changes)
    if dry_run:
        typer.echo(f"将修改 {changed} 个文件并创建归档；未写入任何文件（去掉 --dry-run 执行结转）")
    else:
        typer.echo(f"已修改 {changed} 个文件并创建归档；请用 xm validate 检查后提交")
