"""The monthly dispatch report (月调度) and the project list, as data.

``monthly_report(repo, as_of)`` gathers the sections of docs/metrics.md in order — 全市总览, 分地区,
分类别, 目标完成, 逾期事项, 本月变动, 考评 — from the functions that compute them, and the 通报's
综述, 红黑榜 and 逾期事项分地区 from those (:mod:`~xiangmu_cli.figures.tongbao`); nothing is computed
twice. ``project_rows`` is the data of ``xm list``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict, cast

from xiangmu_cli.base.fileio import display_path
from xiangmu_cli.figures.categories import CategoryRow, category_rows
from xiangmu_cli.figures.growth import Comparison, with_growth
from xiangmu_cli.figures.lights import (
    RED,
    ColourCounts,
    LightCount,
    RedRow,
    add_colour_counts,
    colour_counts,
    light_count_rows,
    record_colour,
    record_light,
    red_rows,
)
from xiangmu_cli.figures.metrics import (
    Cells,
    Figures,
    FigureValue,
    Position,
    TargetRow,
    breakdown_of,
    cell_parts,
    completed_investment,
    compute_metrics,
    config_of,
    file_ranks,
    leaders_of,
    merge_cells,
    merge_months,
    months_by_region,
    position_of,
    region_positions,
    reported_regions,
    target_rows,
)
from xiangmu_cli.figures.overdue import KINDS, OverdueItem, most_overdue_first
from xiangmu_cli.figures.scoring import ScoreRow, evaluate
from xiangmu_cli.figures.stages import ledger_at, month_of, reserved
from xiangmu_cli.figures.tongbao import (
    HonourRow,
    OverdueRegionRow,
    honour_rows,
    honour_sizes,
    overdue_by_region,
    summary_paragraphs,
)
from xiangmu_cli.ledger.model import Config, InvestmentProject, PlannedProject, ReserveProject, StartedProject
from xiangmu_cli.ledger.vocab import CITY, LEDGERS, Ledger

if TYPE_CHECKING:
    from xiangmu_cli.reading.archive import Archive
    from xiangmu_cli.reading.loading import Remote
    from xiangmu_cli.reading.records import Record, Repository

__all__ = [
    "MonthlyReport",
    "monthly_report",
    "month_changes",
    "changes_between",
    "CHANGE_KINDS",
    "ChangeRow",
    "RegionRow",
    "ProjectRow",
    "project_rows",
    "region_rows",
    "ReserveRow",
    "RESERVE_METRICS",
    "reserve_rows",
]

#: What 本月变动 lists, in this order.
CHANGE_KINDS = ("新开工", "入统", "签约", "落地", "竣工", "问题提出", "问题解决", "谋划入库", "入国家库", "转化")

#: A row of 分地区: 地区, 包保领导 (a list of names), then every metric of :data:`Figures`.
RegionRow = dict[str, FigureValue | str | list[str]]


#: The figures of the project reserve (谋划, 储备库), in 谋划储备.
RESERVE_METRICS = ("谋划项目数", "谋划亿元以上项目数", "谋划总投资", "转化率")
#: A row of 谋划储备: 地区, then each of :data:`RESERVE_METRICS`.
ReserveRow = dict[str, FigureValue | str]


class ChangeRow(TypedDict):
    """One event of 本月变动 (:func:`month_changes`)."""

    类型: str
    地区: str
    编号: str
    名称: str
    日期: date
    台账: str
    事项: str | None


class ProjectRow(TypedDict):
    """One project of ``xm list`` (:func:`project_rows`): None where its ledger has no such field.

    The repository's extension fields (xiangmu.yaml 扩展字段) follow under their own names.
    """

    地区: str
    台账: str
    编号: str
    名称: str
    项目代码: str | None
    类别: str | None
    级别: str | None
    总投资: Decimal
    资金来源: str | None
    年度计划投资: Decimal | None
    完成投资: Decimal | None
    建设性质: str | None
    阶段: str | None
    开工日期: date | None
    计划开工日期: date | None
    计划投产日期: date | None
    投产日期: date | None
    包保领导: str | None
    项目秘书: str | None
    #: 红, 黄 or 绿 as of the list's date (figures/lights.py).
    亮灯: str


@dataclass
class MonthlyReport:
    """月调度: the sections of docs/metrics.md "Monthly report", for the city or one region."""

    name: str
    year: int
    as_of: date
    region: str | None
    overview: Figures
    regions: list[RegionRow]
    targets: list[TargetRow]
    overdue: list[OverdueItem]
    changes: list[ChangeRow]
    evaluation: list[ScoreRow] | None
    #: 分类别 (issue 16): one row per 类别.
    categories: list[CategoryRow] = field(default_factory=list)
    #: 谋划储备 (:func:`reserve_rows`): empty when nothing was in the 储备库 during 年度.
    reserve: list[ReserveRow] = field(default_factory=list)
    errors: int = 0
    #: (regions that reported the as-of month, regions with any 完成投资): "已填报 12/13 个地区".
    reported: tuple[int, int] | None = None
    #: 同比: what the figures were compared with (None: no archive of the previous year).
    comparison: Comparison | None = None
    #: Why last year's archive was not used, or what to know about it (shown in the header).
    archive_note: str | None = None
    #: 亮灯情况: 红灯/黄灯/绿灯 projects per region and 全市 (figures/lights.py).
    lights: list[LightCount] = field(default_factory=list)
    #: 红灯项目: each red project with its reasons.
    red: list[RedRow] = field(default_factory=list)
    # --- the 通报 (figures/tongbao.py) ---
    #: 综述: the figures in a few paragraphs.
    summary: list[str] = field(default_factory=list)
    #: 红黑榜: the regions ahead and behind, by 投资完成率 and by 考评 (the city's report only).
    honours: list[HonourRow] = field(default_factory=list)
    #: 逾期事项分地区: the overdue items counted by region and kind.
    overdue_regions: list[OverdueRegionRow] = field(default_factory=list)
    #: How many regions the 红榜 and the 黑榜 name (:func:`~xiangmu_cli.figures.tongbao.honour_sizes`).
    honour_size: tuple[int, int] = (3, 3)

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data: the sections under their contract names."""
        return {
            "名称": self.name,
            "年度": self.year,
            "截至": self.as_of,
            "地区": self.region or CITY,
            "未计入的错误数": self.errors,
            "全市总览" if self.region is None else "地区总览": self.overview,
            "分地区": self.regions,
            "分类别": self.categories,
            "目标完成": self.targets,
            "逾期事项": self.overdue,
            "本月变动": self.changes,
            "谋划储备": self.reserve,
            "考评": self.evaluation,
            **({"同比": self.comparison.as_dict()} if self.comparison is not None else {}),
            "亮灯情况": self.lights,
            "红灯项目": self.red,
            "综述": self.summary,
            "红黑榜": self.honours,
            "逾期事项分地区": self.overdue_regions,
        }


def region_rows(repo: Repository, figures: dict[str, Figures], region: str | None = None) -> list[RegionRow]:
    """分地区: one row per region (only ``region``'s, when given) with its 包保领导 and every metric,
    by 投资完成率 (highest first).

    Regions whose 投资完成率 is absent come last; ties keep xiangmu.yaml order.
    """
    config = config_of(repo)

    def by_completion(name: str) -> tuple[bool, FigureValue]:
        completion = figures[name]["投资完成率"]
        return completion is None, -(completion or Decimal(0))

    names = [name for name in config.region_names if region is None or name == region]
    return [
        {"地区": name, "包保领导": leaders_of(config, name), **figures[name]}
        for name in sorted(names, key=by_completion)
    ]


def reserve_rows(repo: Repository, figures: dict[str, Figures], region: str | None = None) -> list[ReserveRow]:
    """谋划储备: the 储备库's figures per region in xiangmu.yaml order, then 全市 (only ``region``'s,
    when given); none when nothing was in the 储备库 during 年度 up to as-of (转化率 absent and no
    谋划项目 in the scope)."""
    scope = figures[region or CITY]
    if scope["谋划项目数"] == 0 and scope["转化率"] is None:
        return []
    names = [region] if region is not None else [*config_of(repo).region_names, CITY]
    return [{"地区": name, **{k: figures[name][k] for k in RESERVE_METRICS}} for name in names]


def month_changes(
    repo: Repository,
    as_of: date,
    region: str | None = None,
    *,
    since: date | None = None,
    records: Iterable[Record] | None = None,
) -> list[ChangeRow]:
    """本月变动: events dated from the first day of the as-of month (or from ``since``) to as-of
    (:func:`changes_between`); only those of ``records``, when given."""
    first = as_of.replace(day=1) if since is None else since
    return changes_between(repo, first, as_of, region, records=records)


def changes_between(
    repo: Repository,
    first: date,
    as_of: date,
    region: str | None = None,
    records: Iterable[Record] | None = None,
) -> list[ChangeRow]:
    """Events dated from ``first`` to ``as_of`` (both included), from the ledgers' dates: 本月变动,
    and the quarter's changes of 季分析.

    新开工 (开工日期), 入统 (入统日期), 签约 (签约日期), 落地 (落地日期; both from a record in any
    ledger), 竣工 (竣工日期), 问题提出 (提出日期) and 问题解决 (解决日期) of a project not at the 谋划
    stage at as-of, and the 储备库's 谋划入库 (谋划日期), 入国家库 and 转化 (转化日期), from a record
    in any ledger; 台账 is where the record was at as-of. Sorted by date, then region order, 编号
    and kind. Only ``region``'s, or those of ``records``, when given.
    """
    found = _change_rows(repo.records if records is None else records, first, as_of, region)
    return _sorted_changes([row for _rec, row in found], config_of(repo))


def _change_rows(
    records: Iterable[Record], first: date, as_of: date, region: str | None
) -> list[tuple[Record, ChangeRow]]:
    """The events of :func:`changes_between`, each with its record, in record order."""
    rows: list[tuple[Record, ChangeRow]] = []

    def add(kind: str, rec: Record, day: date | None, detail: str | None = None) -> None:
        if day is not None and first <= day <= as_of and (region is None or rec.region == region):
            rows.append(
                (
                    rec,
                    {
                        "类型": kind,
                        "地区": rec.region,
                        "编号": rec.project.code,
                        "名称": rec.project.name,
                        "日期": day,
                        "台账": ledger_at(rec, as_of).value,
                        "事项": detail,
                    },
                )
            )

    for rec in records:
        p = rec.project
        if isinstance(p, StartedProject):
            add("新开工", rec, p.start_date, p.nature)
            add("竣工", rec, p.finish_date)
            if rec.ledger is Ledger.BUILDING:
                add("入统", rec, p.field_value("stats_date"))
        # 签约 and 落地 from any ledger: a landed project keeps its dates when it moves on
        add("签约", rec, p.field_value("sign_date"), p.field_value("investor"))
        add("落地", rec, p.field_value("land_date"), p.field_value("investor"))
        # the 储备库, from a record in any ledger: a converted project keeps its dates
        add("谋划入库", rec, p.field_value("reserve_date"), p.field_value("reserve_stage"))
        add("入国家库", rec, p.field_value("national_date"))
        add("转化", rec, p.field_value("convert_date"))
        if reserved(rec, as_of):
            continue  # a 谋划 project's 问题 are not among the key projects'
        for issue in p.issues:
            add("问题提出", rec, issue.raised, issue.content)
            add("问题解决", rec, issue.solved, issue.content)
    return rows


def _sorted_changes(rows: list[ChangeRow], config: Config) -> list[ChangeRow]:
    """Events (in record order) by date, then region order, 编号 and kind."""
    positions = region_positions(config)
    kinds = {kind: i for i, kind in enumerate(CHANGE_KINDS)}
    rows.sort(key=lambda r: (r["日期"], positions.get(r["地区"], len(positions)), r["编号"], kinds[r["类型"]]))
    return rows


@dataclass
class MonthlyParts:
    """What :func:`monthly_report` takes from the records, for some of them: each value with the
    position of its record, so that the parts of disjoint records merge (:func:`merge_parts`) into
    exactly the parts of all, in the repository's order. A split load (loading.load_split)
    computes the worker's parts where its projects are, and only the parts cross processes."""

    #: The tallies by (region, 类别) (:func:`~xiangmu_cli.figures.metrics.cell_parts`).
    cells: Cells
    #: 本月变动's events, unsorted.
    changes: list[tuple[Position, ChangeRow]]
    #: The overdue items of the lights (the four ledgers' projects of the scope), unsorted.
    overdue: list[tuple[Position, OverdueItem]]
    #: The 红灯 rows, unsorted.
    red: list[tuple[Position, RedRow]]
    colours: ColourCounts


def monthly_parts(
    records: list[Record], config: Config, as_of: date, region: str | None, rank: dict[str, int]
) -> MonthlyParts:
    """The :class:`MonthlyParts` of ``records`` (in repository order; ``rank``: each file's place)."""

    # the four ledgers' projects: one at the 谋划 stage is not yet a key project (no light counted)
    judged = [r for r in records if (region is None or r.region == region) and not reserved(r, as_of)]
    lights = [record_light(rec, config, as_of, detail=False, soon_items=False) for rec in judged]
    return MonthlyParts(
        cells=cell_parts(records, config, as_of, rank),
        changes=[
            (position_of(rec, rank), row) for rec, row in _change_rows(records, as_of.replace(day=1), as_of, region)
        ],
        overdue=[(position_of(rec, rank), item) for rec, light in zip(judged, lights) for item in light["逾期事项"]],
        red=[
            (position_of(rec, rank), red_rows([light])[0])
            for rec, light in zip(judged, lights, strict=True)
            if light["亮灯"] == RED
        ],
        colours=colour_counts(lights),
    )


def merge_parts(one: MonthlyParts, other: MonthlyParts) -> MonthlyParts:
    """The parts of two disjoint sets of records together, in repository order."""

    def by_position(rows: list[tuple[Position, Any]]) -> Any:
        return sorted(rows, key=lambda pr: pr[0])  # stable: a record's rows keep their order

    return MonthlyParts(
        cells=merge_cells(one.cells, other.cells),
        changes=by_position(one.changes + other.changes),
        overdue=by_position(one.overdue + other.overdue),
        red=by_position(one.red + other.red),
        colours=add_colour_counts(one.colours, other.colours),
    )


def monthly_report(
    repo: Repository,
    as_of: date,
    region: str | None = None,
    archive: Archive | None = None,
    remote: Remote | None = None,
    months: dict[str, set[str]] | None = None,
) -> MonthlyReport:
    """月调度 as of ``as_of``, for the whole city or for one region; with 同比 when ``archive`` (the
    previous year's, :mod:`xiangmu_cli.reading.archive`) can be used. With ``remote`` (a split
    load's worker, loading.load_split) the repository's records are this process's part only and
    the worker computes the parts of its own meanwhile (:class:`MonthlyParts`). ``months``: every
    record's months with 完成投资 (metrics.months_by_region), when the caller has them."""
    config = config_of(repo)
    rank = file_ranks(repo)
    there = remote.call(monthly_parts, config, as_of, region, rank) if remote is not None else None
    if months is None and remote is not None:
        months = merge_months(months_by_region(repo.records), remote.call(months_by_region).result())
    parts = monthly_parts(repo.records, config, as_of, region, rank)
    if there is not None:
        parts = merge_parts(parts, there.result())
    # the figures of every region, 全市 and 类别 from one tally per (region, 类别)
    counted = breakdown_of(parts.cells)
    figures, comparison = with_growth(
        compute_metrics(repo, as_of, counted),
        archive.repo if archive is not None else None,
        as_of,
        display_path(archive.path) if archive is not None else "",
    )
    # grouped by kind, each group in due order, as overdue_items(repo, as_of, region=region) orders them
    kinds = {kind: i for i, kind in enumerate(KINDS)}
    found = most_overdue_first([item for _at, item in parts.overdue], config)
    positions = region_positions(config)
    report = MonthlyReport(
        name=config.name,
        year=config.year,
        as_of=as_of,
        region=region,
        overview=figures[region or CITY],
        regions=region_rows(repo, figures, region),
        targets=target_rows(repo, as_of, figures, region=region),
        overdue=sorted(found, key=lambda it: kinds[it["类型"]]),
        changes=_sorted_changes([row for _at, row in parts.changes], config),
        reserve=reserve_rows(repo, figures, region),
        evaluation=evaluate(repo, as_of, figures, region) if config.evaluation is not None else None,
        categories=category_rows(repo, as_of, region, figures[region or CITY], counted),
        errors=len(repo.errors),
        reported=reported_regions(repo, month_of(as_of), months),
        comparison=comparison,
        archive_note=archive.note if archive is not None else None,
        lights=light_count_rows(config, parts.colours, region),
        # in region order (xiangmu.yaml), then 编号
        red=[
            row
            for _at, row in sorted(parts.red, key=lambda r: (positions.get(r[1]["地区"], len(positions)), r[1]["编号"]))
        ],
    )
    add_tongbao(report, config)
    return report


def add_tongbao(report: MonthlyReport, config: Config) -> None:
    """The 通报 sections of ``report`` from its own figures: 综述, 红黑榜 (the city's report only) and
    逾期事项分地区 (:mod:`xiangmu_cli.figures.tongbao`)."""
    scope = report.region or CITY
    city = report.region is None
    report.honour_size = honour_sizes(config)
    report.honours = honour_rows(config, report.regions, report.evaluation) if city else []
    report.overdue_regions = overdue_by_region(report.overdue, config.region_names if city else [scope])
    report.summary = summary_paragraphs(
        scope=scope,
        year=report.year,
        as_of=report.as_of,
        figures=report.overview,
        target=config.targets.get(scope, {}).get("年度投资"),
        changes=report.changes,
        overdue=report.overdue,
        regions=report.regions if city else (),
        honours=report.honours,
        honour_size=report.honour_size,
    )


@dataclass(frozen=True)
class ListFilter:
    """Which projects ``xm list`` shows (None: any)."""

    ledger: Ledger | None = None
    region: str | None = None
    minimum: Decimal | None = None
    leader: str | None = None
    secretary: str | None = None
    category: str | None = None


def project_rows(
    repo: Repository, as_of: date, wanted: ListFilter = ListFilter(), remote: Remote | None = None
) -> list[ProjectRow]:
    """``xm list``: the projects that match, in region, ledger and file order, with key figures.
    With ``remote`` (a split load's worker) the repository's records are this process's part and
    the worker makes the rows of its own meanwhile."""
    config = config_of(repo)
    there = remote.call(keyed_project_rows, config, as_of, wanted) if remote is not None else None
    rows = keyed_project_rows(repo.records, config, as_of, wanted)
    if there is not None:
        rows = sorted(rows + there.result(), key=lambda kr: kr[0])
    return [row for _key, row in rows]


def keyed_project_rows(
    records: list[Record], config: Config, as_of: date, wanted: ListFilter
) -> list[tuple[tuple[int, str, int, str, int], ProjectRow]]:
    """The rows of :func:`project_rows` for ``records``, each with its place in the list (region
    order, region, ledger order, file, index), sorted by it: rows of disjoint records merge by it."""
    positions = region_positions(config)
    ledger, region, minimum, leader, secretary, category = (
        wanted.ledger,
        wanted.region,
        wanted.minimum,
        wanted.leader,
        wanted.secretary,
        wanted.category,
    )
    rows: list[tuple[tuple[int, str, int, str, int], ProjectRow]] = []
    for rec in records:
        p = rec.project
        if (
            (ledger is not None and rec.ledger is not ledger)
            or (region is not None and rec.region != region)
            or (minimum is not None and p.total < minimum)
            or (leader is not None and p.leader != leader)
            or (secretary is not None and p.secretary != secretary)
            or (category is not None and p.category != category)
        ):
            continue
        row: ProjectRow = {
            "地区": rec.region,
            "台账": rec.ledger.value,
            "编号": p.code,
            "名称": p.name,
            "项目代码": p.national_code,
            "类别": p.category,
            "级别": p.grade,
            "总投资": p.total,
            "资金来源": p.funding,
            "年度计划投资": None,
            "完成投资": None,
            "建设性质": None,
            "阶段": None,
            "开工日期": None,
            "计划开工日期": None,
            "计划投产日期": None,
            "投产日期": None,
            "包保领导": p.leader,
            "项目秘书": p.secretary,
            "亮灯": record_colour(rec, config, as_of),
        }
        if isinstance(p, StartedProject):
            row.update(
                {
                    "年度计划投资": p.annual_plan,
                    "完成投资": completed_investment(p, config.year, as_of),
                    "建设性质": p.nature,
                    "开工日期": p.start_date,
                    "计划开工日期": p.planned_start,
                    "计划投产日期": p.planned_operation,
                    "投产日期": p.operation_date,
                }
            )
        elif isinstance(p, PlannedProject):
            row.update(
                {"年度计划投资": p.annual_plan, "建设性质": p.nature_or_default, "计划开工日期": p.planned_start}
            )
        elif isinstance(p, InvestmentProject):
            row["阶段"] = p.stage
        elif isinstance(p, ReserveProject):
            row["阶段"] = p.reserve_stage
        cast(dict[str, Any], row).update(p.extension_values())  # keys never clash (RESERVED_KEYS)
        rows.append(
            (
                (positions.get(rec.region, len(positions)), rec.region, LEDGERS.index(rec.ledger), rec.file, rec.index),
                row,
            )
        )
    rows.sort(key=lambda kr: kr[0])
    return rows
