"""Excel in and out: `xm import xlsx|csv`, `xm export xlsx`.

The library does the work (:mod:`xiangmu_cli.office.importplan`, :mod:`xiangmu_cli.office.update`,
:mod:`xiangmu_cli.office.importfile`, :mod:`xiangmu_cli.office.interop`); these commands load the
ledgers, call it, print the outcome and write. Exit codes: 0 every row imported (or updated); 1
rows not imported, each listed with all its problems (the other rows are written), a 编号 of an
--update not in the ledgers, a file that cannot be read or a refused edit (nothing written); 2 usage.
"""

from __future__ import annotations

import os
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from . import XmCommand, XmGroup, app
from .common import LEDGERS_HELP, load_repository, output_path, resolve_ledgers, usage_error
from .edit import refused_edits, waiting
from .reports import LedgerName

if TYPE_CHECKING:
    from xiangmu_cli.office.importfile import ImportLimits
    from xiangmu_cli.office.importplan import ImportResult
    from xiangmu_cli.write.edit import EditPlan

LedgersOpt = typer.Option(None, "--ledgers", "-l", help=LEDGERS_HELP, show_default=False)

import_app = typer.Typer(
    cls=XmGroup,
    no_args_is_help=True,
    help="从 Excel（.xlsx）或 CSV 导入项目到台账。\n\n"
    "示例：xm import xlsx 船营区台账.xlsx --ledger 在建 --region 船营区",
)
export_app = typer.Typer(
    cls=XmGroup,
    no_args_is_help=True,
    help="把台账导出为 Excel（xlsx，每本台账一张表），或 Parquet（供 DuckDB、Spark、Polars 跨仓库分析）。\n\n"
    "示例：xm export xlsx -o 台账.xlsx",
)
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")


def _import(
    file: Path,
    ledger: LedgerName | None,
    region: str | None,
    sheet: str | None,
    header_map: Path | None,
    ledgers: Path | None,
    dry_run: bool,
    max_file_mb: int,
    max_cells: int,
    update: bool = False,
) -> None:
    from xiangmu_cli.base.fileio import ledger_lock
    from xiangmu_cli.office.importfile import MB, ImportLimits, shown

    root = resolve_ledgers(ledgers)
    if not os.path.lexists(file):  # anything else about it (a FIFO, a directory, its size) when it is read
        raise usage_error(f"文件 {shown(str(file))} 不存在")
    limits = ImportLimits(max_file_bytes=max_file_mb * MB, max_cells=max_cells)
    # Held from loading to the last rename, as the event commands do: a concurrent edit waits.
    lock = nullcontext() if dry_run else ledger_lock(root, on_wait=waiting)
    with refused_edits(), lock:
        _import_locked(root, file, ledger, region, sheet, header_map, limits, dry_run, update)


def _import_locked(
    root: Path,
    file: Path,
    ledger: LedgerName | None,
    region: str | None,
    sheet: str | None,
    header_map: Path | None,
    limits: ImportLimits,
    dry_run: bool,
    update: bool,
) -> None:
    from xiangmu_cli.ledger.vocab import Ledger
    from xiangmu_cli.office.importplan import plan_import

    if update and ledger is not None:
        raise usage_error("--update 按编号找到项目（在建或未入统台账），不用 --ledger")
    result = plan_import(
        load_repository(root),
        file,
        Ledger(ledger.value) if ledger else None,
        region,
        sheet,
        header_map,
        limits,
        update=update,
    )
    _say_what_was_read(file, result)
    _say_rows(result)
    if update:
        _say_updates(result, dry_run)
    _write(result.plan, dry_run, show_diff=not update)
    if result.issues or result.unknown:
        raise typer.Exit(1)


def _say_what_was_read(file: Path, result: ImportResult) -> None:
    from xiangmu_cli.office.importfile import shown

    say = sys.stdout.write
    what = f"{result.ledger.value}台账" if result.ledger is not None else "更新已有项目"
    say(
        f"读取 {shown(file.name)}"
        + ("" if file.suffix.lower() == ".csv" else f" 工作表「{result.sheet}」")
        + f"（{what}），表头在{result.header.describe()}\n"
    )
    if result.ignored:
        say(f"未导入的列：{'、'.join(result.ignored)}\n")
    if result.skipped:
        say("跳过：" + "，".join(f"{why} {n} 行" for why, n in sorted(result.skipped.items())) + "\n")


def _say_rows(result: ImportResult) -> None:
    """The notes of the rows imported, the rows not imported with every problem of each, and
    (--update) the 编号 not in the ledgers."""
    say = sys.stdout.write
    for note in result.notes:
        say(f"注意：{note}\n")
    if result.issues:
        rows = len({i.row for i in result.issues})
        verb = "更新" if result.ledger is None else "导入"
        say(f"未{verb}的行（{rows} 行）：\n" + "".join(f"  {i}\n" for i in result.issues))
    if result.unknown:
        say(f"不在台账中的编号（{len(result.unknown)} 行，未添加）：\n" + "".join(f"  {i}\n" for i in result.unknown))


def _say_updates(result: ImportResult, dry_run: bool) -> None:
    """--update: each project's changes, old → new."""
    from xiangmu_cli.ledger.units import show_value

    say = sys.stdout.write
    if result.unchanged:
        say(f"无变化：{result.unchanged} 个项目\n")
    if not result.updated:
        return
    say(f"{'将更新' if dry_run else '更新'} {len(result.updated)} 个项目：\n")
    for project in result.updated:
        say(f"  {project.label}（第 {project.row} 行，{project.file}）\n")
        for change in project.changes:
            absent = "未报" if change["字段"].startswith("完成投资") else "（无）"
            old = absent if change["原值"] is None else show_value(change["原值"])
            new = "（删除）" if change["新值"] is None else show_value(change["新值"])
            say(f"    {change['字段']}：{old} → {new}\n")


def _write(plan: EditPlan | None, dry_run: bool, show_diff: bool = True) -> None:
    """Write the import's plan (or show it, with --dry-run: the diff of the files), and say what was written."""
    from xiangmu_cli.base.fileio import display_path
    from xiangmu_cli.write.edit import apply, diff

    say = sys.stdout.write
    if plan is None or not plan.changes:
        say("没有可导入的项目\n" if show_diff else "没有要更新的项目\n")
        return
    if dry_run:
        if show_diff:
            say(diff(plan))
    else:
        apply(plan)
    say(plan.summary + "\n")
    for warning in plan.warnings:
        say(f"注意：{warning}\n")
    new = {p for p, before in plan.originals.items() if before is None}
    files = "、".join(display_path(p) + ("（新建）" if p in new else "") for p in plan.changes)
    say(f"{'将修改' if dry_run else '已修改'}：{files}\n")


FileArg = typer.Argument(..., metavar="文件", help="要导入的 .xlsx 或 .csv 文件（按扩展名判断）", show_default=False)
LedgerOpt = typer.Option(None, "--ledger", help="导入到哪本台账；缺省为工作表名", show_default=False)
RegionOpt = typer.Option(
    None, "--region", "-r", show_default=False, help="导入到哪个地区；表中有 地区 列时可省略（每行进入各自地区）"
)
SheetOpt = typer.Option(None, "--sheet", "-s", help="工作表名；缺省为第一个工作表", show_default=False)
MapOpt = typer.Option(
    None, "--map", help="表头映射文件（YAML），用于特殊的表头；格式见 docs/interop.md", show_default=False
)
DryRunOpt = typer.Option(
    False, "--dry-run", "-n", help="只显示将要写入的内容（diff；--update 时为各项目的变化），不写文件"
)
UpdateOpt = typer.Option(
    False,
    "--update",
    "-u",
    help="更新已有项目（按编号，在建或未入统台账）的完成投资和形象进度；表中不在台账里的编号只列出，不添加",
)
MaxFileOpt = typer.Option(
    50,
    "--max-file-mb",
    min=1,
    envvar="XM_IMPORT_MAX_FILE_MB",
    help="要导入的文件的大小上限（MB），更大的不读取；.xlsx 解压后的总大小上限为它的 5 倍",
)
MaxCellsOpt = typer.Option(
    2_000_000,
    "--max-cells",
    min=1,
    envvar="XM_IMPORT_MAX_CELLS",
    help="工作表的单元格数上限（单元格个数，以及 A1 到最后一个有值的单元格的矩形），超过时不导入",
)


@import_app.command("xlsx", cls=XmCommand)
def import_xlsx(
    file: Path = FileArg,
    ledger: LedgerName | None = LedgerOpt,
    region: str | None = RegionOpt,
    sheet: str | None = SheetOpt,
    header_map: Path | None = MapOpt,
    ledgers: Path | None = LedgersOpt,
    dry_run: bool = DryRunOpt,
    update: bool = UpdateOpt,
    max_file_mb: int = MaxFileOpt,
    max_cells: int = MaxCellsOpt,
) -> None:
    """导入一个工作表：按表头对应台账字段，把每行写成一个项目，追加到 ledgers/地区/台账.yaml。

    容忍常见写法：项目名称/名称，总投资（万元）/总投资(亿元)，标题行，两行表头（2018年投资情况 下分 计划、1-9月完成、9月完成），合计、小计和空行，Excel 日期、2018.9.30、2018年9月30日；只有年月的日期（2018.3、2018年3月）按该月 1 日导入并提示。

    累计列（1-9月完成投资）按表中给出的各月拆分；拆不开的部分记为 以前月份完成投资，并提示金额。

    有问题的行不导入，逐行列出该行的全部问题（第 12 行 L 列「开工时间」：…），其余行照常导入，此时退出码为 1。编号已在台账中的行不导入；每月更新已有项目的完成投资和形象进度用 --update（先用 --dry-run 查看各项目的变化）。

    .csv 文件同样可以导入（xm import csv 是同一命令）。过大的文件、解压后过大或压缩比异常的 .xlsx、单元格过多的工作表、过大的合并单元格都在读取前拒绝，上限见 --max-file-mb、--max-cells。

    示例：xm import xlsx 船营区台账.xlsx --ledger 在建 --region 船营区；xm import xlsx 9月调度.xlsx --update --dry-run
    """  # noqa: E501 - typer shows each line of the help as written: a paragraph stays on one line
    _import(file, ledger, region, sheet, header_map, ledgers, dry_run, max_file_mb, max_cells, update)


@import_app.command("csv", cls=XmCommand)
def import_csv(
    file: Path = FileArg,
    ledger: LedgerName | None = LedgerOpt,
    region: str | None = RegionOpt,
    header_map: Path | None = MapOpt,
    ledgers: Path | None = LedgersOpt,
    dry_run: bool = DryRunOpt,
    update: bool = UpdateOpt,
    max_file_mb: int = MaxFileOpt,
    max_cells: int = MaxCellsOpt,
) -> None:
    """导入一个 CSV 文件（UTF-8 或 GBK），规则同 xm import xlsx（包括 --update）。

    示例：xm import csv 船营区在建.csv --ledger 在建 --region 船营区
    """
    _import(file, ledger, region, None, header_map, ledgers, dry_run, max_file_mb, max_cells, update)


@export_app.command("xlsx", cls=XmCommand)
def export_xlsx(
    output: Path = typer.Option(..., "--output", "-o", help="写入的 .xlsx 文件", show_default=False),
    ledgers: Path | None = LedgersOpt,
) -> None:
    """整个台账库导出为一个 Excel 工作簿：每本台账一个工作表，带地区列、中文表头、冻结表头、筛选。

    金额为万元数字，日期为 Excel 日期；问题、走访、前期手续每项编号一行（1. 日期：2018-09-17；内容：协调用地）。
    按 A4 横向、适合页宽打印，每页重复表头。可用 xm import xlsx 再导入。

    示例：xm export xlsx -o 吉林市台账.xlsx
    """
    from xiangmu_cli.base.fileio import write_atomic
    from xiangmu_cli.office.interop import export_workbook

    if str(output) == "-":
        raise usage_error("xlsx 是二进制格式，不能输出到终端或管道；请用 -o 指定文件，例如 -o 台账.xlsx")
    repo = load_repository(resolve_ledgers(ledgers))
    if repo.config is None:
        sys.stderr.write("xiangmu.yaml 缺失或有错误，无法导出；运行 xm validate 查看。\n")
        raise typer.Exit(1)
    if repo.errors:
        sys.stderr.write(f"注意：台账有 {len(repo.errors)} 个错误，有错误的项目未导出；运行 xm validate 查看。\n")
    try:
        write_atomic(output_path(output), export_workbook(repo))
    except OSError as exc:
        raise usage_error(f"无法写入 {output}：{exc.strerror or exc}") from None
    sys.stderr.write(f"已写入 {output}（{len(repo.records)} 个项目）\n")


@export_app.command("parquet", cls=XmCommand)
def export_parquet(
    output: Path = typer.Option(
        ..., "--output", "-o", help="写入的文件夹（每本台账一个 .parquet 文件）", show_default=False
    ),
    ledgers: Path | None = LedgersOpt,
) -> None:
    """整个台账库导出为 Parquet 表，供 DuckDB、Spark、Polars 跨多个台账库查询分析。

    每本台账一个表（在建、未入统、计划开工、招商、谋划），另有 完成投资 按月一表；金额为精确小数 DECIMAL(18,4)，
    日期为 DATE。需要可选依赖：pip install 'xiangmu-cli[parquet]'。列的说明见 docs/interop.md。

    示例：xm export parquet -o 吉林市台账/
    """
    from xiangmu_cli.office.parquet import ParquetUnavailable
    from xiangmu_cli.office.parquet import export_parquet as export

    if output.is_symlink() or (output.exists() and not output.is_dir()):
        raise usage_error(f"{output} 应为文件夹（不能是文件或符号链接）")
    repo = load_repository(resolve_ledgers(ledgers))
    if repo.config is None:
        sys.stderr.write("xiangmu.yaml 缺失或有错误，无法导出；运行 xm validate 查看。\n")
        raise typer.Exit(1)
    if repo.errors:
        sys.stderr.write(f"注意：台账有 {len(repo.errors)} 个错误，有错误的项目未导出；运行 xm validate 查看。\n")
    try:
        rows = export(repo, output)
    except ParquetUnavailable as exc:
        raise usage_error(str(exc)) from None
    except OSError as exc:
        raise usage_error(f"无法写入 {output}：{exc.strerror or exc}") from None
    counts = "，".join(f"{name} {n} 行" for name, n in rows.items())
    sys.stderr.write(f"已写入 {output}：{counts}\n")
