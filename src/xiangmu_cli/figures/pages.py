"""Pages about people: a 包保领导's (``xm leader``) and a 责任单位's (``xm dept``), as of a date.

The seeds organise the work around them: 包保副市长每月调度投资与重点项目 (001) and 每季度形成领导包保
情况专报 (004) — a leader's page is that 调度, for the month or the quarter; the problem list is
分发至相关责任部门 every month (004) — a department's page is what it must answer, with its projects.

Every figure comes from the functions the reports use (metrics, overdue items, the problem list,
本月变动); a page only selects.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, TypedDict

from xiangmu_cli.figures import stages
from xiangmu_cli.figures.card import stage_label
from xiangmu_cli.figures.lights import project_schedule, record_light
from xiangmu_cli.figures.lookup import find_department, find_leader
from xiangmu_cli.figures.metrics import (
    Figures,
    completed_investment,
    config_of,
    ratio,
    records_of,
    region_positions,
    reported_regions,
    schedule_progress,
    scope_metrics,
)
from xiangmu_cli.figures.overdue import OverdueItem, overdue_items
from xiangmu_cli.figures.problems import OVERDUE, SOLVED, ProblemRow, problem_rows, problem_view
from xiangmu_cli.figures.report import ChangeRow, month_changes
from xiangmu_cli.ledger.model import StartedProject
from xiangmu_cli.ledger.vocab import LEDGERS

if TYPE_CHECKING:
    from xiangmu_cli.reading.records import Record, Repository

__all__ = [
    "PERIODS",
    "PageProject",
    "LeaderPage",
    "DepartmentPage",
    "period_start",
    "page_projects",
    "leader_page",
    "department_page",
]

#: A leader's page covers the as-of month (月调度) or its quarter (季度专报).
PERIODS = ("月", "季")


def period_start(as_of: date, period: str) -> date:
    """The first day of the as-of month (月) or of its quarter (季)."""
    if period == "月":
        return as_of.replace(day=1)
    if period == "季":
        return date(as_of.year, 3 * ((as_of.month - 1) // 3) + 1, 1)
    raise ValueError(f"unknown period {period!r}")


class PageProject(TypedDict):
    """A project on a page: where it is and its stage as of the as-of date, its year's figures
    (None for a project not started by then), what it did in the period, and what is open."""

    地区: str
    台账: str
    编号: str
    名称: str
    阶段: str
    亮灯: str
    总投资: Decimal
    年度计划投资: Decimal | None
    完成投资: Decimal | None
    投资完成率: Fraction | None
    序时进度: Fraction | None
    进度差: Fraction | None
    当期完成投资: Decimal | None
    形象进度: str | None
    未解决问题: int
    超期问题: int
    逾期事项: int
    包保领导: str | None
    项目秘书: str | None
    责任单位: str | None


def page_projects(repo: Repository, records: list[Record], as_of: date, since: date) -> list[PageProject]:
    """``records`` as page rows, in region, ledger and file order.

    亮灯 is the traffic light; 完成投资 is 1–N月 (metrics.md); 投资完成率 = 完成投资 ÷ the project's
    年度计划投资 against its 序时进度 (the traffic lights'); 当期完成投资 the 完成投资 of the months
    from ``since``'s to the as-of month; 未解决问题 and 超期问题 the problem list's, 逾期事项 the
    overdue items' (the light's).
    """
    config = config_of(repo)
    positions = region_positions(config)
    year = config.year
    problems: dict[str, list[ProblemRow]] = {}
    for row in problem_rows(repo, as_of, records=records):
        problems.setdefault(row["编号"], []).append(row)
    before_period = since - timedelta(days=1)
    rows: list[PageProject] = []
    ordered = sorted(
        records,
        key=lambda r: (positions.get(r.region, len(positions)), r.region, LEDGERS.index(r.ledger), r.file, r.index),
    )
    for record in ordered:
        p = record.project
        light = record_light(record, config, as_of, detail=False)
        done: Decimal | None = None
        in_period: Decimal | None = None
        progress: Fraction | None = None
        plan = getattr(p, "annual_plan", None)
        if isinstance(p, StartedProject) and stages.started(record, as_of):
            done = completed_investment(p, year, as_of)
            in_period = done - completed_investment(p, year, before_period)
            progress = project_schedule(p, as_of, year)
        rate = ratio(done, plan) if done is not None else None
        mine = problems.get(p.code, [])
        rows.append(
            {
                "地区": record.region,
                "台账": stages.ledger_at(record, as_of).value,
                "编号": p.code,
                "名称": p.name,
                "阶段": stage_label(record, as_of),
                "亮灯": light["亮灯"],
                "总投资": p.total,
                "年度计划投资": plan,
                "完成投资": done,
                "投资完成率": rate,
                "序时进度": progress,
                "进度差": None if rate is None or progress is None else rate - progress,
                "当期完成投资": in_period,
                "形象进度": getattr(p, "progress", None),
                "未解决问题": len(mine),
                "超期问题": sum(r["状态"] == OVERDUE for r in mine),
                "逾期事项": len(light["逾期事项"]),
                "包保领导": p.leader,
                "项目秘书": p.secretary,
                "责任单位": p.department,
            }
        )
    return rows


@dataclass
class LeaderPage:
    """``xm leader``: a 包保领导's regions and projects as of ``as_of``, for the month or quarter
    from ``since``."""

    name: str
    year: int
    as_of: date
    period: str
    since: date
    #: 序时进度 at as-of (the same for every row).
    progress: Fraction
    leader: dict[str, Any]
    #: Each region of 包保地区: 地区, every metric (metrics.md), 逾期事项 (how many), 未解决问题数.
    regions: list[dict[str, Any]]
    projects: list[PageProject]
    overdue: list[OverdueItem]
    problems: list[ProblemRow]
    changes: list[ChangeRow]
    errors: int = 0
    reported: tuple[int, int] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "包保领导": self.leader,
            "截至": self.as_of,
            "期间": {"起": self.since, "止": self.as_of, "类型": "季度" if self.period == "季" else "月"},
            "包保地区": self.regions,
            "包保项目": self.projects,
            "逾期事项": self.overdue,
            "未解决问题": self.problems,
            "本期变动": self.changes,
        }


def _region_row(name: str, figures: Figures, overdue: int) -> dict[str, Any]:
    raised, solved = figures["问题数"], figures["已解决问题数"]
    assert isinstance(raised, int) and isinstance(solved, int)
    return {"地区": name, **figures, "逾期事项": overdue, "未解决问题数": raised - solved}


def leader_page(repo: Repository, name: str, as_of: date, period: str = "月") -> LeaderPage:
    """The page of the leader ``name`` (:class:`~xiangmu_cli.figures.lookup.NotFound` if xiangmu.yaml
    领导 has none so named): the regions of 包保地区 with their figures, the projects whose 包保领导
    they are (in any region) with theirs, those projects' overdue items, open problems and events
    of the period (the as-of month, or its quarter)."""
    config = config_of(repo)
    leader = find_leader(repo, name)
    since = period_start(as_of, period)
    items = overdue_items(repo, as_of)
    per_region = Counter(it["地区"] for it in items)
    regions = [
        _region_row(region, scope_metrics(records_of(repo, region), config, as_of, region), per_region[region])
        for region in config.region_names
        if region in leader.regions
    ]
    records = [r for r in repo.records if r.project.leader == name]
    return LeaderPage(
        name=config.name,
        year=config.year,
        as_of=as_of,
        period=period,
        since=since,
        progress=schedule_progress(as_of, config.year),
        leader={"姓名": leader.name, "职务": leader.title, "包保地区": list(leader.regions)},
        regions=regions,
        projects=page_projects(repo, records, as_of, since),
        overdue=[it for it in items if it["包保领导"] == name],
        problems=problem_rows(repo, as_of, records=records),
        changes=month_changes(repo, as_of, since=since, records=records),
        errors=len(repo.errors),
        reported=reported_regions(repo, stages.month_of(as_of)),
    )


@dataclass
class DepartmentPage:
    """``xm dept``: a 责任单位's projects and the problems it must solve, as of ``as_of``."""

    name: str
    year: int
    as_of: date
    department: str
    projects: list[PageProject]
    #: The problem list's 分发 view for the department: open at some time in the as-of month.
    problems: list[ProblemRow]
    overdue: list[OverdueItem]
    errors: int = 0
    reported: tuple[int, int] | None = None

    @property
    def counts(self) -> dict[str, int]:
        """How many: 负责项目, 待解决问题 (open at as-of), 其中超期, 本月已解决, 逾期事项."""
        return {
            "负责项目": len(self.projects),
            "待解决问题": sum(r["状态"] != SOLVED for r in self.problems),
            "其中超期": sum(r["状态"] == OVERDUE for r in self.problems),
            "本月已解决": sum(r["状态"] == SOLVED for r in self.problems),
            "逾期事项": len(self.overdue),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "责任单位": self.department,
            "截至": self.as_of,
            "汇总": self.counts,
            "负责项目": self.projects,
            "应解决问题": self.problems,
            "逾期事项": self.overdue,
        }


def department_page(repo: Repository, name: str, as_of: date) -> DepartmentPage:
    """The page of the 责任单位 ``name`` (:class:`~xiangmu_cli.figures.lookup.NotFound` if no
    project or problem names it): the projects whose 责任单位 it is, the problems it must solve
    (the problem list's 分发 view: its 责任单位, else its project's, is ``name``), and the overdue
    items it is responsible for (a problem's, or its projects')."""
    config = config_of(repo)
    department = find_department(repo, name)
    since = period_start(as_of, "月")
    records = [r for r in repo.records if r.project.department == department]
    return DepartmentPage(
        name=config.name,
        year=config.year,
        as_of=as_of,
        department=department,
        projects=page_projects(repo, records, as_of, since),
        problems=problem_view(repo, as_of, "分发", department=department),
        overdue=[it for it in overdue_items(repo, as_of) if it["责任单位"] == department],
        errors=len(repo.errors),
        reported=reported_regions(repo, stages.month_of(as_of)),
    )
