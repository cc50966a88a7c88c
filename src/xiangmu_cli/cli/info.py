"""`xm info`: a first look at the ledgers."""

from __future__ import annotations

from pathlib import Path

import typer

from . import XmCommand, app
from .common import LEDGERS_HELP, load_repository, resolve_ledgers


@app.command("info", cls=XmCommand)
def info(
    ledgers: Path | None = typer.Option(None, "--ledgers", "-l", help=LEDGERS_HELP, show_default=False),
) -> None:
    """按地区列出四本台账的项目数和总投资（万元），先看一眼台账全貌。

    只统计通过检查的项目；有问题的项目请先用 xm validate 修正。

    示例：xm info --ledgers ledgers
    """
    from rich.console import Console
    from rich.table import Table

    from xiangmu_cli.figures.overview import overview_rows
    from xiangmu_cli.ledger.units import format_amount
    from xiangmu_cli.ledger.vocab import LEDGERS

    repo = load_repository(resolve_ledgers(ledgers))
    rows = overview_rows(repo)
    title = repo.config.name if repo.config else str(repo.root)
    year = f"（{repo.config.year} 年度）" if repo.config else ""
    table = Table(title=f"{title}{year}", title_justify="left")
    table.add_column("地区")
    for ledger in LEDGERS:
        table.add_column(ledger.value, justify="right")
    table.add_column("项目数", justify="right")
    table.add_column("总投资（万元）", justify="right")
    for row in rows:
        total = format_amount(row["总投资"])
        whole, _, frac = total.partition(".")
        shown = f"{int(whole):,}" + (f".{frac}" if frac else "")
        table.add_row(
            row["地区"],
            *(str(row[lg.value]) for lg in LEDGERS),
            str(row["项目数"]),
            shown,
            end_section=len(rows) > 1 and row is rows[-2],
        )  # a line above 全市
    console = Console()
    console.print(table)
    if repo.errors:
        console.print(f"另有 {len(repo.errors)} 个错误未计入，运行 xm validate 查看。", style="yellow")
