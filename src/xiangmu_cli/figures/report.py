"""The monthly dispatch report (月调度) and the project list, as data.

``monthly_report(repo, as_of)`` gathers the sections of docs/metrics.md in order — 全市总览, 分地区,
目标完成, 逾期事项, 本月变动, 考评 — from the functions that compute them; nothing is computed
twice. ``project_rows`` is the data of ``xm list``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from xiangmu_cli.figures.lights import (
    LightCount,
    ProjectLight,
    RedRow,
    light_counts,
    project_lights,
    record_light,
    red_rows,
)
from xiangmu_cli.figures.metrics import (
    Figures,
    FigureValue,
    TargetRow,
    completed_investment,
    compute_metrics,
    config_of,
    leaders_of,
    region_positions,
    reported_regions,
    target_rows,
)
from xiangmu_cli.figures.overdue import KINDS, OverdueItem, most_overdue_first
from xiangmu_cli.figures.scoring import ScoreRow, evaluate
from xiangmu_cli.figures.stages import ledger_at, month_of
from xiangmu_cli.ledger.model import InvestmentProject, PlannedProject, StartedProject
from xiangmu_cli.ledger.vocab import CITY, LEDGERS, Ledger

if TYPE_CHECKING:
    from xiangmu_cli.reading.records import Record, Repository

__all__ = [
    "MonthlyReport",
    "monthly_report",
    "month_changes",
    "CHANGE_KINDS",
    "ChangeRow",
    "RegionRow",
    "ProjectRow",
    "project_rows",
    "region_rows",
]

#: What 本月变动 lists, in this order.
CHANGE_KINDS = ("新开工", "入统", "签约", "落地", "竣工", "问题提出", "问题解决")

#: A row of 分地区: 地区, 包保领导 (a list of names), then every metric of :data:`Figures`.
RegionRow = dict[str, FigureValue | str | list[str]]


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
    """One project of ``xm list`` (:func:`project_rows`): None where its ledger has no such field."""

    地区: str
    台账: str
    编号: str
    名称: str
    类别: str | None
    总投资: Decimal
    年度计划投资: Decimal | None
    完成投资: Decimal | None
    建设性质: str | None
    阶段: str | None
    开工日期: date | None
    计划开工日期: date | None
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
    errors: int = 0
    #: (regions that reported the as-of month, regions with any 完成投资): "已填报 12/13 个地区".
    reported: tuple[int, int] | None = None
    #: 亮灯情况: 红灯/黄灯/绿灯 projects per region and 全市 (figures/lights.py).
    lights: list[LightCount] = field(default_factory=list)
    #: 红灯项目: each red project with its reasons.
    red: list[RedRow] = field(default_factory=list)

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
            "目标完成": self.targets,
            "逾期事项": self.overdue,
            "本月变动": self.changes,
            "考评": self.evaluation,
            "亮灯情况": self.lights,
            "红灯项目": self.red,
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


def month_changes(repo: Repository, as_of: date, region: str | None = None) -> list[ChangeRow]:
    """本月变动: events dated from the first day of the as-of month to as-of, from the ledgers' dates.

    新开工 (开工日期), 入统 (入统日期), 签约 (签约日期), 落地 (落地日期; both from a record in any
    ledger), 竣工 (竣工日期), 问题提出 (提出日期) and 问题解决 (解决日期); 台账 is where the record was at
    as-of. Sorted by date, then region order, 编号 and kind. Only ``region``'s, when given.
    """
    config = config_of(repo)
    first = as_of.replace(day=1)
    rows: list[ChangeRow] = []

    def add(kind: str, rec: Record, day: date | None, detail: str | None = None) -> None:
        if day is not None and first <= day <= as_of and (region is None or rec.region == region):
            rows.append(
                {
                    "类型": kind,
                    "地区": rec.region,
                    "编号": rec.project.code,
                    "名称": rec.project.name,
                    "日期": day,
                    "台账": ledger_at(rec, as_of).value,
                    "事项": detail,
                }
            )

    for rec in repo.records:
        p = rec.project
        if isinstance(p, StartedProject):
            add("新开工", rec, p.start_date, p.nature)
            add("竣工", rec, p.finish_date)
            if rec.ledger is Ledger.BUILDING:
                add("入统", rec, getattr(p, "stats_date", None))
        # 签约 and 落地 from any ledger: a landed project keeps its dates when it moves on
        add("签约", rec, getattr(p, "sign_date", None), getattr(p, "investor", None))
        add("落地", rec, getattr(p, "land_date", None), getattr(p, "investor", None))
        for issue in p.issues:
            add("问题提出", rec, issue.raised, issue.content)
            add("问题解决", rec, issue.solved, issue.content)
    positions = region_positions(config)
    kinds = {kind: i for i, kind in enumerate(CHANGE_KINDS)}
    rows.sort(key=lambda r: (r["日期"], positions.get(r["地区"], len(positions)), r["编号"], kinds[r["类型"]]))
    return rows


def monthly_report(repo: Repository, as_of: date, region: str | None = None) -> MonthlyReport:
    """月调度 as of ``as_of``, for the whole city or for one region."""
    config = config_of(repo)
    figures = compute_metrics(repo, as_of)
    kinds = {kind: i for i, kind in enumerate(KINDS)}
    lights = project_lights(repo, as_of, [r for r in repo.records if region is None or r.region == region])
    # the lights hold every overdue item (one pass over the records for both); grouped by kind,
    # each group in due order, as overdue_items(repo, as_of, region=region) orders them
    found = most_overdue_first([item for light in lights for item in light["逾期事项"]], config)
    overdue = sorted(found, key=lambda it: kinds[it["类型"]])
    return MonthlyReport(
        name=config.name,
        year=config.year,
        as_of=as_of,
        region=region,
        overview=figures[region or CITY],
        regions=region_rows(repo, figures, region),
        targets=target_rows(repo, as_of, figures, region=region),
        overdue=overdue,
        changes=month_changes(repo, as_of, region),
        evaluation=evaluate(repo, as_of, figures, region) if config.evaluation is not None else None,
        errors=len(repo.errors),
        reported=reported_regions(repo, month_of(as_of)),
        lights=light_counts(repo, lights, region),
        red=red_rows(_ordered(repo, lights)),
    )


def _ordered(repo: Repository, lights: list[ProjectLight]) -> list[ProjectLight]:
    """Lights in region order (xiangmu.yaml), then 编号."""
    positions = region_positions(config_of(repo))
    return sorted(lights, key=lambda light: (positions.get(light["地区"], len(positions)), light["编号"]))


def project_rows(
    repo: Repository,
    as_of: date,
    *,
    ledger: Ledger | None = None,
    region: str | None = None,
    minimum: Decimal | None = None,
    leader: str | None = None,
    secretary: str | None = None,
    category: str | None = None,
) -> list[ProjectRow]:
    """``xm list``: the projects that match, in region, ledger and file order, with key figures."""
    config = config_of(repo)
    positions = region_positions(config)
    rows: list[ProjectRow] = []
    for rec in sorted(
        repo.records,
        key=lambda r: (positions.get(r.region, len(positions)), r.region, LEDGERS.index(r.ledger), r.file, r.index),
    ):
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
            "类别": p.category,
            "总投资": p.total,
            "年度计划投资": None,
            "完成投资": None,
            "建设性质": None,
            "阶段": None,
            "开工日期": None,
            "计划开工日期": None,
            "包保领导": p.leader,
            "项目秘书": p.secretary,
            "亮灯": record_light(rec, config, as_of, detail=False)["亮灯"],
        }
        if isinstance(p, StartedProject):
            row.update(
                {
                    "年度计划投资": p.annual_plan,
                    "完成投资": completed_investment(p, config.year, as_of),
                    "建设性质": p.nature,
                    "开工日期": p.start_date,
                    "计划开工日期": p.planned_start,
                }
            )
        elif isinstance(p, PlannedProject):
            row.update(
                {"年度计划投资": p.annual_plan, "建设性质": p.nature_or_default, "计划开工日期": p.planned_start}
            )
        elif isinstance(p, InvestmentProject):
            row["阶段"] = p.stage
        rows.append(row)
    return rows
