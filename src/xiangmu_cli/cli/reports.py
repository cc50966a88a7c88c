"""Reporting commands: `xm targets`, `xm overdue`, `xm score`, `xm list`, `xm report monthly`,
`xm report quarterly`, `xm recheck`, and the output machinery they share with `xm info`, `xm diff` and `xm log`
(``--format``, ``-o``: :class:`OutputFormat`, :class:`Destination`, :func:`report`, :func:`emit`).

Each loads the ledgers once, calls one library function and renders its rows.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import typer

from . import XmCommand, XmGroup, app
from .common import LEDGERS_HELP, load_repository, output_path, resolve_ledgers, split_repository, usage_error

if TYPE_CHECKING:
    from xiangmu_cli.output.tables import Document
    from xiangmu_cli.reading.archive import Archive
    from xiangmu_cli.reading.loading import Remote
    from xiangmu_cli.reading.records import Repository

T = TypeVar("T")


class OutputFormat(str, Enum):
    rich = "rich"
    md = "md"
    plain = "plain"
    csv = "csv"
    json = "json"
    html = "html"
    xlsx = "xlsx"
    docx = "docx"


class Unit(str, Enum):
    万元 = "万元"
    亿元 = "亿元"


UnitOpt = typer.Option(
    Unit.万元,
    "--unit",
    help="金额单位：万元（缺省）或 亿元（万元 ÷ 10000 精确换算，显示两位小数，"
    "写入 csv、xlsx 的数字不舍入）；json 始终为万元",
)
LedgersOpt = typer.Option(None, "--ledgers", "-l", help=LEDGERS_HELP, show_default=False)
AsOfOpt = typer.Option(None, "--as-of", help="截至日期 YYYY-MM-DD；缺省为最近填报月份的月末", show_default=False)
MonthOpt = typer.Option(None, "--month", help="报告月份 YYYY-MM（即该月最后一天）", show_default=False)
RegionOpt = typer.Option(None, "--region", "-r", help="只看一个地区", show_default=False)
FormatOpt = typer.Option(
    None,
    "--format",
    "-f",
    show_default=False,
    help="输出格式：rich（终端缺省）、md、plain（管道缺省）、csv、json、html（网页，可打印）、xlsx（须给 -o）、"
    "docx（Word 公文格式，须给 -o）",
)
OutputOpt = typer.Option(
    None,
    "--output",
    "-o",
    show_default=False,
    help="写入文件；未给 --format 时按扩展名判断（.md .txt .csv .json .html .xlsx .docx，其他扩展名不写入）；"
    "csv 文件带 BOM，Excel 直接打开不乱码",
)
RevOpt = typer.Option(
    None,
    "--rev",
    show_default=False,
    help="按 git 版本（如报送时打的标签 2018-09月报）中的台账计算，重现当时报出的数字",
)
NoCacheOpt = typer.Option(False, "--no-cache", help="不读写缓存（用户缓存目录，见 XM_CACHE_DIR），重新读取台账并计算")


@dataclass
class Context:
    repo: Repository
    as_of: date
    #: Every record's months with 完成投资 (metrics.months_by_region), when the repository holds
    #: only part of the records (a split load); None: computed from ``repo``.
    months: dict[str, set[str]] | None = None

    @property
    def header(self) -> tuple[str, int, date]:
        assert self.repo.config is not None
        return self.repo.config.name, self.repo.config.year, self.as_of

    @property
    def reported(self) -> tuple[int, int]:
        from xiangmu_cli.figures.metrics import reported_regions
        from xiangmu_cli.figures.stages import month_of

        return reported_regions(self.repo, month_of(self.as_of), self.months)


def _load(
    ledgers: Path | None,
    as_of: str | None = None,
    month: str | None = None,
    region: str | None = None,
    fixed: date | None = None,
    rev: str | None = None,
) -> Context:
    """Load the ledgers (at git revision ``rev``, when given) and settle the as-of date; usage
    errors exit 2, a broken config exits 1."""
    day = _day(as_of, month, fixed)
    # a report counts errors only: the checks that can only warn are skipped
    root = resolve_ledgers(ledgers)
    repo = load_repository(root, warnings=False) if rev is None else load_at(root, rev)
    return _settled(repo, day, month, region)


def _split(
    ledgers: Path,
    as_of: str | None,
    month: str | None,
    region: str | None,
    rev: str | None,
    compute: Callable[[Context, Remote | None], T],
) -> T:
    """``compute(ctx, remote)`` on a split load (loading.load_split: on a large repository the
    worker keeps part of the projects, reached through ``remote``; issue 15), else as ``_load``
    gives it with no remote (a revision, a small repository, a worker that died after loading)."""
    from concurrent.futures.process import BrokenProcessPool

    from xiangmu_cli.figures.metrics import merge_months, months_by_region

    day = _day(as_of, month)
    if rev is None:
        try:
            with split_repository(ledgers, warnings=False) as (repo, remote):
                months = None
                if remote is not None:  # the default month and 已填报 need every record's months
                    months = merge_months(months_by_region(repo.records), remote.call(months_by_region).result())
                return compute(_settled(repo, day, month, region, months), remote)
        except BrokenProcessPool:  # the worker died after loading: all of it here instead
            pass
    return compute(_load(ledgers, as_of, month, region, rev=rev), None)


def _day(as_of: str | None, month: str | None, fixed: date | None = None) -> date | None:
    """``--as-of`` as a date (else ``fixed``); a bad one, or both it and ``--month``, exit 2."""
    from xiangmu_cli.ledger.units import UnitError, parse_date

    if as_of is not None and month is not None:
        raise usage_error("--as-of 和 --month 只能给一个")
    if as_of is None:
        return fixed
    try:
        return parse_date(as_of)
    except UnitError as exc:
        raise usage_error(f"--as-of：{exc.message}（{exc.hint}）") from None


def _settled(
    repo: Repository, day: date | None, month: str | None, region: str | None, months: dict[str, set[str]] | None = None
) -> Context:
    """The loaded repository with its as-of date (``day``, else ``--month``, else the default: from
    ``months``, every record's months with 完成投资, when given); usage errors exit 2, a broken
    config exits 1."""
    from xiangmu_cli.figures.metrics import resolve_as_of

    if repo.config is None:
        sys.stderr.write("xiangmu.yaml 缺失或有错误，无法统计；运行 xm validate 查看。\n")
        raise typer.Exit(1)
    if region is not None and region not in repo.config.region_names:
        close = difflib.get_close_matches(region, repo.config.region_names, n=1, cutoff=0.4)
        hint = f"，是否应为「{close[0]}」？" if close else "；地区为：" + "、".join(repo.config.region_names)
        raise usage_error(f"没有地区「{region}」{hint}")
    try:
        settled = resolve_as_of(repo, day, month, months=months)
    except ValueError as exc:
        raise usage_error(f"--month：{exc}") from None
    return Context(repo, settled, months)


@dataclass(frozen=True)
class Destination:
    """Where and how a document is written: the chosen format, and the rich settings."""

    fmt: str
    path: Path | None
    width: int | None
    color: bool | None
    yi: bool = False

    @classmethod
    def of(cls, fmt: OutputFormat | None, output: Path | None, unit: Unit | None = None) -> Destination:
        from xiangmu_cli.output.formats import BINARY_FORMATS, infer_format

        tty = output is None and sys.stdout.isatty()
        try:
            chosen = infer_format(str(output) if output else None, fmt.value if fmt else None, tty)
        except ValueError as exc:
            raise usage_error(str(exc)) from None
        yi = unit is Unit.亿元
        if yi and chosen == "json":
            raise usage_error(
                "json 的金额始终以万元输出（数据口径）；--unit 亿元 用于 rich、md、plain、csv、html、xlsx"
            )
        if chosen in BINARY_FORMATS:
            if output is None or str(output) == "-":
                raise usage_error(
                    f"{chosen} 是二进制格式，不能输出到终端或管道；请用 -o 指定文件，例如 -o 报告.{chosen}"
                )
            return cls(chosen, output, None, False, yi)
        return cls(chosen, output, None if tty else 120, None if tty else False, yi)

    def emit(self, doc: Document) -> None:
        """``doc`` rendered, on stdout or written to the file (xlsx and docx, binary, only ever to
        a file; csv in a file with a BOM, for Excel); amounts in 亿元 with ``yi``."""
        from xiangmu_cli.output.formats import BINARY_FORMATS, render_binary

        if self.yi:
            from xiangmu_cli.output.yi import in_yi

            doc = in_yi(doc)

        if self.fmt in BINARY_FORMATS:
            self._write_file(render_binary(doc, self.fmt))
            return
        if self.fmt == "json":  # UTF-8, as JSON is: written as made, not decoded and encoded again
            from xiangmu_cli.output.tables import json_bytes

            data = json_bytes(doc)
            if self.path is not None:
                self._write_file(data)
            elif hasattr(sys.stdout, "buffer"):
                sys.stdout.flush()
                sys.stdout.buffer.write(data)
            else:  # a text-only stdout (a test's capture, an embedding program)
                sys.stdout.write(data.decode("utf-8"))
            return
        from xiangmu_cli.output.formats import file_bytes, render

        text = render(doc, self.fmt, width=self.width, color=self.color)
        if self.path is None:
            sys.stdout.write(text)
        else:
            self._write_file(file_bytes(text, self.fmt))

    def _write_file(self, data: bytes) -> None:
        from xiangmu_cli.base.fileio import write_atomic

        assert self.path is not None  # only with -o (Destination.of refuses a binary format without it)
        try:
            write_atomic(output_path(self.path), data)
        except OSError as exc:
            raise usage_error(f"无法写入 {self.path}：{exc.strerror or exc}") from None
        sys.stderr.write(f"已写入 {self.path}\n")


def emit(doc: Document, fmt: OutputFormat | None, output: Path | None) -> None:
    """Render ``doc`` where ``--format`` and ``-o`` say (reports that are not cached)."""
    Destination.of(fmt, output).emit(doc)


def load_at(root: Path, rev: str) -> Repository:
    """The ledgers as they were at git revision ``rev`` (a tag, a branch, a commit); exit 2 when
    there is none such (a shallow clone says so)."""
    from xiangmu_cli.history.git import Git, GitError, load_revision

    try:
        return load_revision(Git(root), root, rev)[0]
    except GitError as exc:
        raise usage_error(str(exc)) from None


class Archives:
    """The previous year's archive (归档, for 同比) of the ledgers a report reads: on disk, or at the
    git revision ``rev``; and, for the cache, what was read of it (:meth:`read`)."""

    def __init__(self, rev: str | None) -> None:
        self.rev = rev
        self.states: dict[str, str | None] = {}

    def previous(self, root: Path, repo: Repository) -> Archive | None:
        from xiangmu_cli.history.git import archive_at
        from xiangmu_cli.reading.archive import open_archive

        if repo.config is None:
            return None
        year = repo.config.year - 1
        archive = open_archive(root, year) if self.rev is None else archive_at(root, year, self.rev)
        self.states[str(archive.path)] = archive.state
        return archive

    def read(self) -> dict[str, str | None]:
        return dict(self.states)


def report(
    command: str,
    options: Mapping[str, object],
    ledgers: Path | None,
    fmt: OutputFormat | None,
    output: Path | None,
    no_cache: bool,
    build: Callable[[Path], tuple[Document, Repository]],
    read_also: Callable[[], dict[str, str | None]] | None = None,
    unit: Unit | None = None,
) -> None:
    """Render ``build(root)`` (a document and the repository it was computed from), through the cache.

    ``options`` are the command's options that ``build`` depends on. A cache hit is the document
    the same command computed for exactly the same ledger bytes, code, options and day (and, for
    the folders ``read_also`` names after a build, the same state of those: last year's archive);
    it is rendered here exactly like a fresh one (never stored text).
    """
    from xiangmu_cli.output.docdata import decode_document, encode_document
    from xiangmu_cli.output.tables import json_part
    from xiangmu_cli.reading.cache import cached_document, enabled

    destination = Destination.of(fmt, output, unit)
    root = resolve_ledgers(ledgers)

    def built() -> tuple[Document, Repository]:
        doc, repo = build(root)
        return with_letterhead(doc, repo), repo

    if no_cache or not enabled() or options.get("rev") is not None:  # a revision is read from git, not the cache
        doc, repo = built()
        errors = len(repo.errors)
    else:
        # for json, the entry keeps only what json shows (output/tables.json_part), under its own key
        json_only = destination.fmt == "json"
        doc, errors = cached_document(
            root,
            {"command": command, "options": options, "parts": "json" if json_only else "all"},
            built,
            (lambda d: encode_document(json_part(d))) if json_only else encode_document,
            decode_document,
            read_also,
        )
    _note(errors)
    destination.emit(doc)


def with_letterhead(doc: Document, repo: Repository) -> Document:
    """``doc`` with xiangmu.yaml's 通报 (发文单位, 期数) for its page margins."""
    from xiangmu_cli.output.views import letterhead

    as_of = doc.meta.get("截至")
    if repo.config is not None:
        doc.letterhead = letterhead(repo.config.bulletin, as_of if isinstance(as_of, date) else None)
    return doc


def _note(errors: int) -> None:
    if errors:
        sys.stderr.write(f"注意：台账有 {errors} 个错误，有错误的项目未计入；运行 xm validate 查看。\n")


@app.command("targets", cls=XmCommand)
def targets(
    ledgers: Path | None = LedgersOpt,
    as_of: str | None = AsOfOpt,
    month: str | None = MonthOpt,
    region: str | None = RegionOpt,
    fmt: OutputFormat | None = FormatOpt,
    output: Path | None = OutputOpt,
    unit: Unit = UnitOpt,
    rev: str | None = RevOpt,
    no_cache: bool = NoCacheOpt,
) -> None:
    """目标完成情况：xiangmu.yaml 目标 中每项目标的实际、完成率，年度投资另列序时进度与进度差。

    示例：xm targets --month 2018-09 --region 船营区
    """

    archives = Archives(rev)

    def build(root: Path) -> tuple[Document, Repository]:
        def compute(ctx: Context, remote: Remote | None) -> tuple[Document, Repository]:
            from xiangmu_cli.base.fileio import display_path
            from xiangmu_cli.figures.growth import compared_targets, wants_growth
            from xiangmu_cli.figures.metrics import breakdown
            from xiangmu_cli.output.views import targets_document

            archive = archives.previous(root, ctx.repo) if wants_growth(ctx.repo) else None
            previous = archive.repo if archive is not None else None
            source = display_path(archive.path) if archive is not None else ""
            counted = breakdown(ctx.repo, ctx.as_of, remote)
            rows, comparison = compared_targets(ctx.repo, ctx.as_of, previous, source, region, counted)
            note = archive.note if archive is not None else None
            doc = targets_document(*ctx.header, rows, len(ctx.repo.errors), ctx.reported, comparison, note)
            return doc, ctx.repo

        return _split(root, as_of, month, region, rev, compute)

    options = {"as_of": as_of, "month": month, "region": region, "rev": rev}
    report("targets", options, ledgers, fmt, output, no_cache, build, archives.read, unit)


class OverdueKind(str, Enum):
    未按期开工 = "未按期开工"
    超期未入统 = "超期未入统"
    签约未落地 = "签约未落地"
    问题超期 = "问题超期"
    走访超期 = "走访超期"
    投资漏报 = "投资漏报"
    超期未竣工 = "超期未竣工"
    手续超期 = "手续超期"
    超期未投产 = "超期未投产"


@app.command("overdue", cls=XmCommand)
def overdue(
    ledgers: Path | None = LedgersOpt,
    as_of: str | None = AsOfOpt,
    month: str | None = MonthOpt,
    region: str | None = RegionOpt,
    kind: OverdueKind | None = typer.Option(None, "--kind", "-k", help="只看一类逾期事项", show_default=False),
    leader: str | None = typer.Option(None, "--leader", help="只看该包保领导的项目", show_default=False),
    secretary: str | None = typer.Option(None, "--secretary", help="只看该项目秘书的项目", show_default=False),
    fmt: OutputFormat | None = FormatOpt,
    output: Path | None = OutputOpt,
    rev: str | None = RevOpt,
    no_cache: bool = NoCacheOpt,
) -> None:
    """逾期事项：未按期开工、超期未入统、签约未落地、问题超期、走访超期、投资漏报、超期未竣工、手续超期、超期未投产。

    按逾期天数从多到少排列，列出包保领导、项目秘书和责任单位。

    示例：xm overdue --secretary 王芳
    """

    def build(root: Path) -> tuple[Document, Repository]:
        def compute(ctx: Context, remote: Remote | None) -> tuple[Document, Repository]:
            from xiangmu_cli.figures.overdue import overdue_items
            from xiangmu_cli.output.views import overdue_document

            rows = overdue_items(
                ctx.repo,
                ctx.as_of,
                region=region,
                kind=kind.value if kind else None,
                leader=leader,
                secretary=secretary,
                remote=remote,
            )
            return overdue_document(*ctx.header, rows, len(ctx.repo.errors), ctx.reported), ctx.repo

        return _split(root, as_of, month, region, rev, compute)

    options = {
        "as_of": as_of,
        "month": month,
        "region": region,
        "kind": kind.value if kind else None,
        "leader": leader,
        "secretary": secretary,
        "rev": rev,
    }
    report("overdue", options, ledgers, fmt, output, no_cache, build)


@app.command("score", cls=XmCommand)
def score(
    ledgers: Path | None = LedgersOpt,
    period: str | None = typer.Option(None, "--period", "-p", help="考评期：三季度 或 年终", show_default=False),
    as_of: str | None = AsOfOpt,
    month: str | None = MonthOpt,
    region: str | None = typer.Option(
        None, "--region", "-r", help="只看一个地区的得分（名次仍是在全市的名次）", show_default=False
    ),
    fmt: OutputFormat | None = FormatOpt,
    output: Path | None = OutputOpt,
    rev: str | None = RevOpt,
    no_cache: bool = NoCacheOpt,
) -> None:
    """考评：各地区各指标得分、合计、名次，前列加分，后列减档。

    截至日期缺省为最近填报月份的月末；--month、--as-of 或 --period 三者只能给一个。

    示例：xm score --period 三季度 --region 船营区
    """
    from xiangmu_cli.figures.scoring import PERIODS, evaluate, period_as_of
    from xiangmu_cli.output.views import score_document

    if period is not None and (as_of is not None or month is not None):
        raise usage_error("--period 与 --as-of、--month 只能给一个")
    if period is not None and period not in PERIODS:
        raise usage_error(f"考评期「{period}」应为 三季度 或 年终")

    def build(root: Path) -> tuple[Document, Repository]:
        def compute(ctx: Context, remote: Remote | None) -> tuple[Document, Repository]:
            from xiangmu_cli.figures.metrics import breakdown, compute_metrics

            if ctx.repo.config is not None and ctx.repo.config.evaluation is None:
                raise usage_error("xiangmu.yaml 中没有 考评 设置")
            if period is not None:
                ctx.as_of = period_as_of(ctx.repo, period)
            figures = compute_metrics(ctx.repo, ctx.as_of, breakdown(ctx.repo, ctx.as_of, remote))
            rows = evaluate(ctx.repo, ctx.as_of, figures, region)
            return score_document(*ctx.header, rows, len(ctx.repo.errors), ctx.reported), ctx.repo

        return _split(root, as_of, month, region, rev, compute)

    options = {"period": period, "as_of": as_of, "month": month, "region": region, "rev": rev}
    report("score", options, ledgers, fmt, output, no_cache, build)


class LedgerName(str, Enum):
    在建 = "在建"
    未入统 = "未入统"
    计划开工 = "计划开工"
    招商 = "招商"
    谋划 = "谋划"


@app.command("list", cls=XmCommand)
def list_(
    ledgers: Path | None = LedgersOpt,
    ledger: LedgerName | None = typer.Option(None, "--ledger", help="只看一本台账", show_default=False),
    region: str | None = RegionOpt,
    minimum: str | None = typer.Option(None, "--min", help="总投资下限（万元，可写 1亿）", show_default=False),
    leader: str | None = typer.Option(None, "--leader", help="包保领导", show_default=False),
    secretary: str | None = typer.Option(None, "--secretary", help="项目秘书", show_default=False),
    category: str | None = typer.Option(None, "--category", help="类别", show_default=False),
    columns: str | None = typer.Option(
        None,
        "--columns",
        help="只显示这些列，按给出的顺序，以逗号或顿号分隔；除默认的列外还可选 项目代码、级别、资金来源、"
        "计划投产日期、投产日期 和 xiangmu.yaml 扩展字段",
        show_default=False,
    ),
    as_of: str | None = AsOfOpt,
    month: str | None = MonthOpt,
    fmt: OutputFormat | None = FormatOpt,
    output: Path | None = OutputOpt,
    unit: Unit = UnitOpt,
    rev: str | None = RevOpt,
    no_cache: bool = NoCacheOpt,
) -> None:
    """项目清单：符合条件的项目，每个一行，列出总投资、年度计划、完成投资等。

    示例：xm list --region 经开区 --min 1亿 --columns 编号,名称,项目代码,上争资金
    """
    import re

    from xiangmu_cli.ledger.units import UnitError, parse_amount
    from xiangmu_cli.ledger.vocab import Ledger

    names = [n for n in re.split(r"[,，、\s]+", columns) if n] if columns is not None else None
    if names is not None and not names:
        raise usage_error("--columns 没有列名；例如 --columns 编号,名称,总投资")

    floor = None
    if minimum is not None:
        try:
            floor = parse_amount(minimum)
        except UnitError as exc:
            raise usage_error(f"--min：{exc.message}（{exc.hint}）") from None

    def build(root: Path) -> tuple[Document, Repository]:
        def compute(ctx: Context, remote: Remote | None) -> tuple[Document, Repository]:
            from xiangmu_cli.figures.report import ListFilter, project_rows
            from xiangmu_cli.ledger.model import extension_specs
            from xiangmu_cli.output.views import choose_list_columns, list_document

            extensions = [(name, kind) for name, kind, _options, _text in extension_specs(ctx.repo.config)]
            try:
                chosen = choose_list_columns(names, extensions) if names is not None else None
            except ValueError as exc:
                raise usage_error(f"--columns：{exc}") from None
            wanted = ListFilter(Ledger(ledger.value) if ledger else None, region, floor, leader, secretary, category)
            rows = project_rows(ctx.repo, ctx.as_of, wanted, remote)
            doc = list_document(*ctx.header, rows, len(ctx.repo.errors), ctx.reported, chosen, extensions)
            return doc, ctx.repo

        return _split(root, as_of, month, region, rev, compute)

    options = {
        "ledger": ledger.value if ledger else None,
        "region": region,
        "min": str(floor) if floor else None,
        "leader": leader,
        "secretary": secretary,
        "category": category,
        "columns": names,
        "as_of": as_of,
        "month": month,
        "rev": rev,
    }
    report("list", options, ledgers, fmt, output, no_cache, build, unit=unit)


report_app = typer.Typer(
    cls=XmGroup,
    help="报告：月调度报告（monthly），汇总全市与各地区的完成投资、目标、逾期事项、本月变动和考评，"
    "开头是综述和红黑榜；季分析（quarterly），本季度完成投资与季度目标、累计与序时进度、各地区本季度变动。\n\n"
    "示例：xm report monthly --month 2018-09",
    no_args_is_help=True,
)
app.add_typer(report_app, name="report")


@report_app.command("monthly", cls=XmCommand)
def monthly(
    ledgers: Path | None = LedgersOpt,
    month: str | None = MonthOpt,
    as_of: str | None = AsOfOpt,
    region: str | None = RegionOpt,
    fmt: OutputFormat | None = FormatOpt,
    output: Path | None = OutputOpt,
    unit: Unit = UnitOpt,
    rev: str | None = RevOpt,
    no_cache: bool = NoCacheOpt,
) -> None:
    """月调度报告：全市总览、分地区、目标完成、逾期事项、本月变动、考评。

    缺省为最近填报月份；报告头注明截至日期和序时进度。

    示例：xm report monthly --month 2018-09
    """

    archives = Archives(rev)

    def build(root: Path) -> tuple[Document, Repository]:
        def compute(ctx: Context, remote: Remote | None) -> tuple[Document, Repository]:
            from xiangmu_cli.figures.report import monthly_report
            from xiangmu_cli.output.views import monthly_document

            archive = archives.previous(root, ctx.repo)
            made = monthly_report(ctx.repo, ctx.as_of, region, archive, remote, ctx.months)
            return monthly_document(made), ctx.repo

        return _split(root, as_of, month, region, rev, compute)

    report(
        "report monthly",
        {"month": month, "as_of": as_of, "region": region, "rev": rev},
        ledgers,
        fmt,
        output,
        no_cache,
        build,
        archives.read,
        unit,
    )


@report_app.command("quarterly", cls=XmCommand)
def quarterly(
    ledgers: Path | None = LedgersOpt,
    quarter: str | None = typer.Option(
        None, "--quarter", "-q", help="季度 YYYYQn，例如 2018Q3；缺省为最近填报完整的季度", show_default=False
    ),
    month: str | None = typer.Option(
        None, "--month", help="季末月份 YYYY-MM（3、6、9、12 月），即该季度", show_default=False
    ),
    region: str | None = RegionOpt,
    fmt: OutputFormat | None = FormatOpt,
    output: Path | None = OutputOpt,
    unit: Unit = UnitOpt,
    rev: str | None = RevOpt,
    no_cache: bool = NoCacheOpt,
) -> None:
    """季分析：本季度完成投资与季度目标（年度目标 × 3/12）、累计完成与序时进度、
    可按时间分摊的目标的季度与序时完成情况、各地区本季度变动。

    有上年归档（归档/<上年>/）时另列季末的上年同期和同比增长，综述同时写出同比增长或下降。

    示例：xm report quarterly --quarter 2018Q3 -o 三季度分析.docx
    """
    if quarter is not None and month is not None:
        raise usage_error("--quarter 和 --month 只能给一个")

    archives = Archives(rev)

    def build(root: Path) -> tuple[Document, Repository]:
        from xiangmu_cli.figures.metrics import parse_month
        from xiangmu_cli.figures.quarterly import default_quarter, parse_quarter, quarter_of_month, quarterly_report
        from xiangmu_cli.output.views import quarterly_document

        ctx = _load(root, region=region, rev=rev)
        year = ctx.header[1]
        try:
            if quarter is not None:
                chosen = parse_quarter(quarter)
            elif month is not None:
                end = parse_month(month)
                chosen = end.year, quarter_of_month(end)
            else:
                chosen = default_quarter(ctx.repo)
        except ValueError as exc:
            raise usage_error(f"{'--quarter' if quarter is not None else '--month'}：{exc}") from None
        if chosen[0] != year:
            raise usage_error(f"{chosen[0]}Q{chosen[1]} 不在报告年度 {year} 内；季分析只分析本年度的季度")
        archive = archives.previous(root, ctx.repo)
        return quarterly_document(quarterly_report(ctx.repo, chosen[0], chosen[1], region, archive)), ctx.repo

    report(
        "report quarterly",
        {"quarter": quarter, "month": month, "region": region, "rev": rev},
        ledgers,
        fmt,
        output,
        no_cache,
        build,
        archives.read,
        unit,
    )


@app.command("recheck", cls=XmCommand)
def recheck(
    published: str = typer.Argument(
        ..., help="报送时的 git 版本（标签、分支或提交），例如 2018-09月报", show_default=False
    ),
    ledgers: Path | None = LedgersOpt,
    month: str | None = MonthOpt,
    as_of: str | None = AsOfOpt,
    fmt: OutputFormat | None = FormatOpt,
    output: Path | None = OutputOpt,
) -> None:
    """复核已报送的数字：用报送时的版本和现在的台账按同一截至日期各算一遍，列出变了的数字和原因。

    原因逐项列出改动的项目和字段（补记到已报期间的日期、改写已结束月份的完成投资、删除或新增的项目、
    xiangmu.yaml 设置的改动）。正常的后续登记（开工、入统、落地、新月份的完成投资）不会改变已报数字。
    截至日期缺省为报送版本的报告月份。有数字变化时以 1 退出，可在 CI 中守护已报送的月份。

    示例：xm recheck 2018-09月报 --month 2018-09
    """
    from xiangmu_cli.history.restate import restatement
    from xiangmu_cli.output.views import recheck_document

    root = resolve_ledgers(ledgers)
    sent = _load(root, as_of, month, rev=published)
    now = _load(root, fixed=sent.as_of)
    rows = restatement(sent.repo, now.repo, sent.as_of)
    name = sent.header[0]
    emit(recheck_document(name, published, sent.as_of, rows), fmt, output)
    raise typer.Exit(1 if rows else 0)
