"""One project as a card (``xm show 编号``), as of a date: everything the ledgers say about it.

Its stage and the dated history of its events (签约 → 落地 → 开工 → 入统 → 竣工), its amounts,
the 完成投资 of each month of 年度 against 序时进度, its numbered problems (the N of ``xm problem
solve``), visits, approvals, overdue items and its traffic light, and where it is written
(file:line). Every state comes from :mod:`~xiangmu_cli.figures.stages`, the light, the project's
序时进度 and the overdue and due items from :mod:`~xiangmu_cli.figures.lights` and
:mod:`~xiangmu_cli.figures.overdue`, the problems from :mod:`~xiangmu_cli.figures.problems`: nothing
is computed here that a report computes elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, TypedDict

from xiangmu_cli.figures import stages
from xiangmu_cli.figures.lights import project_schedule, reasons, record_light
from xiangmu_cli.figures.lookup import find_record
from xiangmu_cli.figures.metrics import completed_investment, config_of, month_end, ratio
from xiangmu_cli.figures.overdue import DueSoonItem, OverdueItem, most_overdue_first
from xiangmu_cli.figures.problems import ProblemRow, problem_row
from xiangmu_cli.ledger.model import InvestmentProject, StartedProject, Visit, key_order
from xiangmu_cli.ledger.units import month_key
from xiangmu_cli.reading.places import project_line

if TYPE_CHECKING:
    from xiangmu_cli.ledger.model import Config, Project
    from xiangmu_cli.reading.records import Record, Repository

__all__ = [
    "ProjectCard",
    "EventRow",
    "MonthRow",
    "ApprovalRow",
    "project_card",
    "stage_label",
    "event_rows",
    "month_rows",
    "DETAIL_SKIPPED",
]

#: Keys a card shows in tables of their own (or in its title), not among 基本情况.
DETAIL_SKIPPED = frozenset(
    {
        "编号",
        "名称",
        "问题",
        "走访",
        "前期手续",
        "完成投资",
        # the dates of the stage history
        "签约日期",
        "计划落地日期",
        "落地日期",
        "计划开工日期",
        "开工日期",
        "复工日期",
        "入统时限",
        "入统日期",
        "计划竣工日期",
        "竣工日期",
        "计划投产日期",
        "投产日期",
    }
)


def stage_label(record: Record, as_of: date) -> str:
    """The project's stage as of ``as_of`` in words, from its dates: 已竣工, 在建（已入统）,
    在建（未入统）, 计划开工, then for a 招商 project 已落地, 已签约 or 洽谈."""
    if stages.finished(record, as_of):
        return "已竣工"
    if stages.started(record, as_of):
        return "在建（已入统）" if stages.in_stats(record, as_of) else "在建（未入统）"
    if stages.planned(record, as_of):
        return "计划开工"
    if stages.landed(record.project, as_of):
        return "已落地"
    if stages.signed(record.project, as_of):
        return "已签约"
    return "洽谈"


class EventRow(TypedDict):
    """One event of the stage history: its planned and actual dates and where it stands."""

    事件: str
    计划日期: date | None
    日期: date | None
    状态: str


def _event(name: str, planned: date | None, actual: date | None, done: bool, as_of: date) -> EventRow:
    """状态: 已完成 (by as-of; 已完成（未记日期） for a 在建 record written before 入统日期 was
    kept), 逾期 N 天 (planned before as-of, not done), 还有 N 天 (planned on or after as-of), or
    未到 (neither)."""
    if done:
        state = "已完成" if actual is not None else "已完成（未记日期）"
    elif planned is not None and planned < as_of:
        state = f"逾期 {(as_of - planned).days} 天"
    elif planned is not None:
        state = f"还有 {(planned - as_of).days} 天"
    else:
        state = "未到"
    return {"事件": name, "计划日期": planned, "日期": actual if done else None, "状态": state}


def event_rows(record: Record, config: Config, as_of: date) -> list[EventRow]:
    """签约, 落地, 开工, 复工, 入统, 竣工 and 投产, each that has a date (planned or actual) or is
    the record's next step: done when the stage predicates say so as of ``as_of`` (an actual date
    after as-of has not happened yet, and is not shown)."""
    p = record.project
    started = isinstance(p, StartedProject)

    def day(key: str) -> date | None:
        value: date | None = getattr(p, key, None)
        return value

    rows: list[EventRow] = []

    def add(name: str, planned: date | None, actual: date | None, done: bool, always: bool = False) -> None:
        if always or planned is not None or actual is not None:
            rows.append(_event(name, planned, actual, done, as_of))

    investment = isinstance(p, InvestmentProject)
    add("签约", None, day("sign_date"), stages.signed(p, as_of), always=investment)
    add("落地", day("planned_land"), day("land_date"), stages.landed(p, as_of), always=investment)
    start = p.start_date if isinstance(p, StartedProject) else None
    add("开工", stages.planned_start(p), start, stages.started(record, as_of), always=not investment)
    if isinstance(p, StartedProject) and p.nature == "续建":
        add("复工", None, p.resume_date, p.resume_date is not None and p.resume_date <= as_of, always=True)
    if started:
        deadline = day("stats_deadline") or (
            config.caliber.stats_deadline if not stages.in_stats(record, as_of) else None
        )
        add("入统", deadline, day("stats_date"), stages.in_stats(record, as_of), always=True)
        add("竣工", day("planned_finish"), day("finish_date"), stages.finished(record, as_of))
        operation = day("operation_date")
        add("投产", day("planned_operation"), operation, operation is not None and operation <= as_of)
    return rows


class MonthRow(TypedDict):
    """One month of 年度 for a started project: 当月完成投资 (None: not reported, 漏报), 1–N月累计,
    投资完成率 (累计 ÷ 年度计划投资), the project's 序时进度 at that month's end (the traffic lights':
    N ÷ 12, or counted from the start month for a project started during 年度) and 进度差."""

    月份: str
    当月完成投资: Decimal | None
    完成投资: Decimal
    投资完成率: Fraction | None
    序时进度: Fraction
    进度差: Fraction | None


def month_rows(project: StartedProject, year: int, as_of: date) -> list[MonthRow]:
    """The months of 年度 from the later of January and the start month up to the as-of month
    (none before 年度; all twelve after it)."""
    if as_of.year < year or project.start_date > as_of:
        return []
    last = as_of.month if as_of.year == year else 12
    first = project.start_date.month if project.start_date.year == year else 1
    rows: list[MonthRow] = []
    for month in range(first, last + 1):
        end = month_end(year, month)
        done = completed_investment(project, year, end)
        rate = ratio(done, project.annual_plan)
        progress = project_schedule(project, end, year)
        rows.append(
            {
                "月份": month_key(year, month),
                "当月完成投资": project.monthly.get(month_key(year, month)),
                "完成投资": done,
                "投资完成率": rate,
                "序时进度": progress,
                "进度差": None if rate is None else rate - progress,
            }
        )
    return rows


class ApprovalRow(TypedDict):
    名称: str
    计划办结: date | None
    办结日期: date | None
    状态: str


def _approval_rows(project: Project, as_of: date) -> list[ApprovalRow]:
    rows: list[ApprovalRow] = []
    for approval in getattr(project, "approvals", ()):
        done = approval.done is not None and approval.done <= as_of
        event = _event(approval.name, approval.due, approval.done, done, as_of)
        rows.append(
            {
                "名称": approval.name,
                "计划办结": approval.due,
                "办结日期": approval.done if done else None,
                "状态": "已办结" if done else event["状态"],
            }
        )
    return rows


def _details(project: Project) -> dict[str, Any]:
    """The project's other fields as written (by key, in the model's order), amounts exact."""
    data = project.model_dump(by_alias=True, exclude_none=True)
    order = key_order(type(project))
    return {key: data[key] for key in order if key in data and key not in DETAIL_SKIPPED}


@dataclass
class ProjectCard:
    """``xm show``: one project as of ``as_of``."""

    name: str
    year: int
    as_of: date
    code: str
    title: str
    region: str
    ledger: str
    file: str
    line: int | None
    stage: str
    #: Where the project was at as-of (the 台账 of the reports), which may differ from ``ledger``.
    ledger_at: str
    details: dict[str, Any]
    investment: dict[str, Any] | None
    events: list[EventRow]
    months: list[MonthRow]
    problems: list[ProblemRow]
    visits: list[dict[str, Any]]
    approvals: list[ApprovalRow]
    overdue: list[OverdueItem]
    #: The traffic light (红/黄/绿, figures/lights.py), why (one line a reason), and the items
    #: falling due (临期事项) that can make it 黄.
    light: str = ""
    reasons: list[str] = field(default_factory=list)
    due_soon: list[DueSoonItem] = field(default_factory=list)
    errors: int = 0

    @property
    def place(self) -> str:
        return f"{self.file}:{self.line}" if self.line is not None else self.file

    def as_dict(self) -> dict[str, Any]:
        """The card as JSON-ready data, under the names the tables show."""
        return {
            "编号": self.code,
            "名称": self.title,
            "地区": self.region,
            "台账": self.ledger,
            "位置": self.place,
            "截至": self.as_of,
            "阶段": self.stage,
            "亮灯": self.light,
            "亮灯原因": self.reasons,
            "截至时所在台账": self.ledger_at,
            "基本情况": self.details,
            "投资": self.investment,
            "阶段历程": self.events,
            "完成投资（按月）": self.months,
            "问题": self.problems,
            "走访": self.visits,
            "前期手续": self.approvals,
            "逾期事项": self.overdue,
            "临期事项": self.due_soon,
        }


def _investment(record: Record, config: Config, as_of: date) -> dict[str, Any] | None:
    """The year's figures of a started project: 年度计划投资, 完成投资 (1–N月), 当月完成投资,
    投资完成率 against the project's 序时进度 (the traffic lights'), 以前年度完成投资 and 累计完成投资
    (以前年度 + 完成投资)."""
    p = record.project
    if not isinstance(p, StartedProject):
        return None
    done = completed_investment(p, config.year, as_of) if stages.started(record, as_of) else Decimal(0)
    rate = ratio(done, p.annual_plan)
    progress = project_schedule(p, as_of, config.year)
    month = stages.month_of(as_of)
    return {
        "年度计划投资": p.annual_plan,
        "完成投资": done,
        "当月完成投资": p.monthly.get(month) if stages.started(record, as_of) else None,
        "投资完成率": rate,
        "序时进度": progress,
        "进度差": None if rate is None else rate - progress,
        "以前年度完成投资": p.prior_invest,
        "累计完成投资": (p.prior_invest or Decimal(0)) + done,
    }


def project_card(repo: Repository, code: str, as_of: date) -> ProjectCard:
    """The card of project ``code`` as of ``as_of`` (:class:`~xiangmu_cli.figures.lookup.NotFound`
    when there is no valid project so numbered)."""
    config = config_of(repo)
    record = find_record(repo, code)
    p = record.project
    started = isinstance(p, StartedProject) and stages.started(record, as_of)
    light = record_light(record, config, as_of)
    return ProjectCard(
        name=config.name,
        year=config.year,
        as_of=as_of,
        code=p.code,
        title=p.name,
        region=record.region,
        ledger=record.ledger.value,
        file=record.file,
        line=project_line(repo, record),
        stage=stage_label(record, as_of),
        ledger_at=stages.ledger_at(record, as_of).value,
        details=_details(p),
        investment=_investment(record, config, as_of),
        events=event_rows(record, config, as_of),
        months=month_rows(p, config.year, as_of) if isinstance(p, StartedProject) and started else [],
        problems=[problem_row(record, n, issue, as_of) for n, issue in enumerate(p.issues, 1)],
        visits=[_visit(v) for v in p.visits],
        approvals=_approval_rows(p, as_of),
        overdue=most_overdue_first(list(light["逾期事项"]), config),
        light=light["亮灯"],
        reasons=reasons(light),
        due_soon=light["临期事项"],
        errors=len(repo.errors),
    )


def _visit(visit: Visit) -> dict[str, Any]:
    data = visit.model_dump(by_alias=True)
    return {key: data.get(key) for key in key_order(Visit)}
