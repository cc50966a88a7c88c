"""`xm info`: a first look at the ledgers."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from . import XmCommand, app
from .common import load_repository
from .reports import FormatOpt, LedgersOpt, NoCacheOpt, OutputFormat, OutputOpt, Unit, UnitOpt, report

if TYPE_CHECKING:
    from xiangmu_cli.output.tables import Document
    from xiangmu_cli.reading.records import Repository


@app.command("info", cls=XmCommand)
def info(
    ledgers: Path | None = LedgersOpt,
    fmt: OutputFormat | None = FormatOpt,
    output: Path | None = OutputOpt,
    unit: Unit = UnitOpt,
    no_cache: bool = NoCacheOpt,
) -> None:
    """按地区列出各本台账的项目数和总投资（万元），先看一眼台账全貌。

    只统计通过检查的项目；有问题的项目请先用 xm validate 修正。

    示例：xm info --ledgers ledgers
    """
    from xiangmu_cli.figures.overview import overview
    from xiangmu_cli.output.views import overview_document

    def build(root: Path) -> tuple[Document, Repository]:
        repo = load_repository(root)
        return overview_document(overview(repo)), repo

    report("info", {}, ledgers, fmt, output, no_cache, build, unit=unit)
