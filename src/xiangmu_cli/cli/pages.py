"""Pages of one thing (issue 17): `xm show` (a project), `xm next-id` (the next free 编号),
`xm problems` (the problem list and its monthly views), `xm leader` (a 包保领导's page) and
`xm dept` (a 责任单位's page).

Each loads the ledgers once, calls one library function and renders its document, through the
same ``--format``/``-o``/``--rev``/cache machinery as the reports (:func:`.reports.report`).
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from . import XmCommand, app
from .common import load_repository, resolve_ledgers, usage_error
from .reports import (
    AsOfOpt,
    FormatOpt,
    LedgersOpt,
    MonthOpt,
    NoCacheOpt,
    OutputFormat,
    OutputOpt,
    RegionOpt,
    RevOpt,
    _load,
    report,
)

if TYPE_CHECKING:
    from xiangmu_cli.figures.lookup import NotFound
    from xiangmu_cli.output.tables import Document
    from xiangmu_cli.reading.records import Repository


def _refused(exc: NotFound) -> typer.Exit:
    """An unknown name is a usage error (exit 2); a known project that failed validation exits 1."""
    if exc.usage:
        return usage_error(exc.message)
    sys.stderr.write(f"错误：{exc.message}\n")
    return typer.Exit(1)


@app.command("show", cls=XmCommand)
def show(
    code: str = typer.Argument(..., metavar="编号", help="项目编号", show_default=False),
    ledgers: Path | None = LedgersOpt,
    as_of: str | None = AsOfOpt,
    month: str | None = MonthOpt,
    fmt: OutputFormat | None = FormatOpt,
    output: Path | None = OutputOpt,
    rev: str | None = RevOpt,
    no_cache: bool = NoCacheOpt,
) -> None:
    """一个项目的全貌：阶段及各事件的计划与实际日期（签约 → 落地 → 开工 → 入统 → 竣工）、金额、
    各月完成投资与序时进度、带序号的问题（xm problem solve 编号 N 中的 N）、走访、前期手续、逾期事项，
    以及它写在哪个文件的第几行。

    示例：xm show CY-2018-006 --month 2018-09
    """

    def build(root: Path) -> tuple[Document, Repository]:
        from xiangmu_cli.figures.card import project_card
        from xiangmu_cli.figures.lookup import NotFound
        from xiangmu_cli.output.views import card_document

        ctx = _load(root, as_of, month, rev=rev)
        try:
            card = project_card(ctx.repo, code, ctx.as_of)
        except NotFound as exc:
            raise _refused(exc) from None
        return card_document(card), ctx.repo

    report("show", {"code": code, "as_of": as_of, "month": month, "rev": rev}, ledgers, fmt, output, no_cache, build)


@app.command("next-id", cls=XmCommand)
def next_id(
    region: str = typer.Argument(..., metavar="地区", help="地区名称，与 xiangmu.yaml 地区 一致", show_default=False),
    year: int | None = typer.Option(None, "--year", help="编号中的年份 [默认：xiangmu.yaml 年度]", show_default=False),
    prefix: str | None = typer.Option(
        None, "--prefix", help="不按已有编号推断，直接在此前缀后编号（如 XQ-2018-）", show_default=False
    ),
    ledgers: Path | None = LedgersOpt,
) -> None:
    """下一个空闲编号：按该地区已有编号的写法（如 CY-2018-001：前缀、年份、位数）给出下一个未用的编号。

    取同一前缀中最大的序号加一（不补空号：删去的项目的编号不再使用），全库唯一。
    标准输出只有编号本身，便于脚本使用；依据的规则写在标准错误。

    示例：xm next-id 船营区
    """
    from xiangmu_cli.figures.lookup import NotFound
    from xiangmu_cli.figures.numbering import next_id as compute

    repo = load_repository(resolve_ledgers(ledgers))
    if repo.config is None:
        sys.stderr.write("xiangmu.yaml 缺失或有错误，无法确定地区；运行 xm validate 查看。\n")
        raise typer.Exit(1)
    try:
        answer = compute(repo, region, year, prefix)
    except NotFound as exc:
        raise _refused(exc) from None
    typer.echo(answer["编号"])
    used = f"，已用到 {answer['已用到']}" if answer["已用到"] else f"，{answer['规则']} 尚未使用"
    sys.stderr.write(f"{region}按 {answer['规则']} 编号（依据 {answer['依据']} 个已有编号{used}）\n")
    if repo.errors:
        sys.stderr.write(
            f"注意：台账有 {len(repo.errors)} 个错误，无法读取的文件中的编号未计入；运行 xm validate 查看。\n"
        )


class ProblemView(str, Enum):
    清单 = "清单"
    本月新增 = "本月新增"
    分发 = "分发"
    联席会议 = "联席会议"
    专题会议 = "专题会议"
    常务会议 = "常务会议"


class ProblemStatus(str, Enum):
    未解决 = "未解决"
    超期 = "超期"
    已解决 = "已解决"
    全部 = "全部"


class ProblemGroup(str, Enum):
    责任单位 = "责任单位"
    分类 = "分类"
    层级 = "层级"
    地区 = "地区"
    包保领导 = "包保领导"


@app.command("problems", cls=XmCommand)
def problems(
    view: ProblemView = typer.Option(
        ProblemView.清单,
        "--view",
        help="清单：未解决的问题；本月新增（每月10日前报送）；分发：本月各责任单位应解决的（15日前分发）；"
        "联席会议：提交联席会议的（25日前召开）；专题会议、常务会议：已提交该会议的",
    ),
    status: ProblemStatus = typer.Option(
        ProblemStatus.未解决, "--status", help="清单中问题的状态：未解决、超期、已解决、全部"
    ),
    by: ProblemGroup = typer.Option(ProblemGroup.责任单位, "--by", help="汇总表按什么分组"),
    region: str | None = RegionOpt,
    department: str | None = typer.Option(None, "--department", help="只看该责任单位的问题", show_default=False),
    kind: str | None = typer.Option(None, "--kind", help="只看该分类的问题", show_default=False),
    level: str | None = typer.Option(
        None, "--level", help="只看该层级的问题：联席会议、专题会议、常务会议", show_default=False
    ),
    leader: str | None = typer.Option(None, "--leader", help="只看该包保领导的项目", show_default=False),
    secretary: str | None = typer.Option(None, "--secretary", help="只看该项目秘书的项目", show_default=False),
    ledgers: Path | None = LedgersOpt,
    as_of: str | None = AsOfOpt,
    month: str | None = MonthOpt,
    fmt: OutputFormat | None = FormatOpt,
    output: Path | None = OutputOpt,
    rev: str | None = RevOpt,
    no_cache: bool = NoCacheOpt,
) -> None:
    """问题清单：全部未解决的问题（不只是超期的），每个问题的序号 N、责任单位、已开天数、距时限天数，
    并按责任单位（或分类、层级、地区、包保领导）汇总；--view 给出每月问题清单流程的各个清单。

    示例：xm problems --view 分发 --month 2018-09
    """

    def build(root: Path) -> tuple[Document, Repository]:
        from xiangmu_cli.figures.problems import problem_list
        from xiangmu_cli.output.views import problems_document

        ctx = _load(root, as_of, month, region, rev=rev)
        rows, summary = problem_list(
            ctx.repo,
            ctx.as_of,
            view.value,
            by.value,
            status=status.value,
            region=region,
            department=department,
            kind=kind,
            level=level,
            leader=leader,
            secretary=secretary,
        )
        doc = problems_document(
            *ctx.header, view.value, by.value, rows, summary, len(ctx.repo.errors), ctx.reported, status.value
        )
        return doc, ctx.repo

    options = {
        "view": view.value,
        "status": status.value,
        "by": by.value,
        "region": region,
        "department": department,
        "kind": kind,
        "level": level,
        "leader": leader,
        "secretary": secretary,
        "as_of": as_of,
        "month": month,
        "rev": rev,
    }
    report("problems", options, ledgers, fmt, output, no_cache, build)


@app.command("leader", cls=XmCommand)
def leader(
    name: str = typer.Argument(..., metavar="姓名", help="xiangmu.yaml 领导 中的姓名", show_default=False),
    quarter: bool = typer.Option(False, "--quarter", "-q", help="季度专报：变动和完成投资按截至日期所在季度"),
    ledgers: Path | None = LedgersOpt,
    as_of: str | None = AsOfOpt,
    month: str | None = MonthOpt,
    fmt: OutputFormat | None = FormatOpt,
    output: Path | None = OutputOpt,
    rev: str | None = RevOpt,
    no_cache: bool = NoCacheOpt,
) -> None:
    """包保领导的月调度（或季度专报）：包保的每个地区及其主要数字，包保的每个项目及其完成投资、
    序时进度、本月（本季）完成、问题和逾期事项，以及这些项目的逾期事项、未解决问题和本期变动。

    示例：xm leader 周立新 --month 2018-09
    """

    def build(root: Path) -> tuple[Document, Repository]:
        from xiangmu_cli.figures.lookup import NotFound
        from xiangmu_cli.figures.pages import leader_page
        from xiangmu_cli.output.views import leader_document

        ctx = _load(root, as_of, month, rev=rev)
        try:
            page = leader_page(ctx.repo, name, ctx.as_of, "季" if quarter else "月")
        except NotFound as exc:
            raise _refused(exc) from None
        return leader_document(page), ctx.repo

    options = {"name": name, "quarter": quarter, "as_of": as_of, "month": month, "rev": rev}
    report("leader", options, ledgers, fmt, output, no_cache, build)


@app.command("dept", cls=XmCommand)
def dept(
    name: str = typer.Argument(..., metavar="单位", help="责任单位名称，与台账中写的一致", show_default=False),
    ledgers: Path | None = LedgersOpt,
    as_of: str | None = AsOfOpt,
    month: str | None = MonthOpt,
    fmt: OutputFormat | None = FormatOpt,
    output: Path | None = OutputOpt,
    rev: str | None = RevOpt,
    no_cache: bool = NoCacheOpt,
) -> None:
    """责任单位的清单：本月应解决的问题（问题未填责任单位时看项目的责任单位），时限最近的在前，
    已解决的注明日期；负责的项目及其完成投资；由它负责的逾期事项。

    示例：xm dept 市自然资源局 --month 2018-09
    """

    def build(root: Path) -> tuple[Document, Repository]:
        from xiangmu_cli.figures.lookup import NotFound
        from xiangmu_cli.figures.pages import department_page
        from xiangmu_cli.output.views import department_document

        ctx = _load(root, as_of, month, rev=rev)
        try:
            page = department_page(ctx.repo, name, ctx.as_of)
        except NotFound as exc:
            raise _refused(exc) from None
        return department_document(page), ctx.repo

    report("dept", {"name": name, "as_of": as_of, "month": month, "rev": rev}, ledgers, fmt, output, no_cache, build)
