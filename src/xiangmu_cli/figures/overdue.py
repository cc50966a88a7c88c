"""Overdue items (逾期事项) of docs/metrics.md: eight kinds, each with its due date, judged by stage at as-of.

``overdue_items(repo, as_of)`` returns rows, most overdue first; ties by region in
xiangmu.yaml order, then 编号, then kind in the order of :data:`KINDS`, then position. It
also selects: one region, one kind, one 包保领导 or one 项目秘书 (``xm overdue`` options).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import TYPE_CHECKING, TypedDict

from xiangmu_cli.figures import stages
from xiangmu_cli.figures.metrics import config_of, month_end, region_positions
from xiangmu_cli.ledger.model import StartedProject
from xiangmu_cli.ledger.units import month_key

if TYPE_CHECKING:
    from xiangmu_cli.reading.records import Record, Repository

__all__ = ["KINDS", "OverdueItem", "overdue_items", "latest_complete_month"]

#: The kinds, in the contract's order.
KINDS = ("未按期开工", "超期未入统", "签约未落地", "问题超期", "走访超期", "投资漏报", "超期未竣工", "手续超期")


class OverdueItem(TypedDict):
    """One overdue item; 事项 says which (an approval, an issue, a month) where a project can
    have several of a kind, and 台账 is where the project was at as-of."""

    类型: str
    地区: str
    编号: str
    名称: str
    事项: str | None
    到期日期: date
    逾期天数: int
    包保领导: str | None
    项目秘书: str | None
    责任单位: str | None
    台账: str


def latest_complete_month(as_of: date) -> tuple[int, int]:
    """M for 投资漏报: the as-of month when as-of is its last day, else the month before."""
    if as_of == month_end(as_of.year, as_of.month):
        return as_of.year, as_of.month
    first = as_of.replace(day=1) - timedelta(days=1)
    return first.year, first.month


def _item(
    kind: str, rec: Record, due: date, as_of: date, department: str | None = None, detail: str | None = None
) -> OverdueItem:
    p = rec.project
    return {
        "类型": kind,
        "地区": rec.region,
        "编号": p.code,
        "名称": p.name,
        "事项": detail,
        "到期日期": due,
        "逾期天数": (as_of - due).days,
        "包保领导": p.leader,
        "项目秘书": p.secretary,
        "责任单位": department or p.department,
        "台账": stages.ledger_at(rec, as_of).value,  # where it was at as-of, not where it is now
    }


def _items(repo: Repository, as_of: date) -> Iterator[OverdueItem]:
    config = config_of(repo)
    caliber = config.caliber
    year, month = latest_complete_month(as_of)
    m_key = month_key(year, month)
    m_first, m_last = date(year, month, 1), month_end(year, month)

    for rec in repo.records:
        p = rec.project
        # Stages at as-of come from dates (stages.py), not from the file the record is in now.
        if stages.planned(rec, as_of):
            planned_start = stages.planned_start(p)
            if planned_start is not None and planned_start < as_of:
                yield _item("未按期开工", rec, planned_start, as_of)
            for approval in getattr(p, "approvals", ()):
                if (
                    approval.due is not None
                    and approval.due < as_of
                    and not (approval.done is not None and approval.done <= as_of)
                ):
                    yield _item("手续超期", rec, approval.due, as_of, detail=approval.name)
        if isinstance(p, StartedProject) and stages.started(rec, as_of):
            if stages.unstat(rec, as_of):
                deadline = getattr(p, "stats_deadline", None) or caliber.stats_deadline
                if deadline is not None and deadline < as_of:
                    yield _item("超期未入统", rec, deadline, as_of)
            if p.total >= caliber.threshold:
                visit_due = stages.visit_due(p, as_of, caliber.visit_days)
                if visit_due < as_of:
                    yield _item("走访超期", rec, visit_due, as_of)
            if (
                year == config.year
                and p.start_date <= m_last
                and not (p.finish_date is not None and p.finish_date < m_first)
                and m_key not in p.monthly
                and not (p.prior_months is not None and p.prior_months.counted(year, m_key))
            ):
                yield _item("投资漏报", rec, m_last, as_of, detail=f"{m_key} 未报完成投资")
            if p.planned_finish is not None and p.planned_finish < as_of and not stages.finished(rec, as_of):
                yield _item("超期未竣工", rec, p.planned_finish, as_of)
        planned_land = getattr(p, "planned_land", None)
        if (
            stages.signed(p, as_of)
            and not stages.landed(p, as_of)
            and planned_land is not None
            and planned_land < as_of
        ):
            yield _item("签约未落地", rec, planned_land, as_of)
        for issue in p.issues:
            if issue.deadline is not None and stages.issue_overdue(issue, as_of):
                yield _item("问题超期", rec, issue.deadline, as_of, department=issue.department, detail=issue.content)


def overdue_items(
    repo: Repository,
    as_of: date,
    *,
    region: str | None = None,
    kind: str | None = None,
    leader: str | None = None,
    secretary: str | None = None,
) -> list[OverdueItem]:
    """Every overdue item as of ``as_of``, most overdue first; only those of ``region``, of
    ``kind``, of projects whose 包保领导 is ``leader`` or whose 项目秘书 is ``secretary``, when given."""
    config = config_of(repo)
    positions = region_positions(config)
    kinds = {name: i for i, name in enumerate(KINDS)}
    items = [
        it
        for it in _items(repo, as_of)
        if (region is None or it["地区"] == region)
        and (kind is None or it["类型"] == kind)
        and (leader is None or it["包保领导"] == leader)
        and (secretary is None or it["项目秘书"] == secretary)
    ]
    # Stable sort: items of one project keep the order they were found in (file order).
    items.sort(
        key=lambda it: (-it["逾期天数"], positions.get(it["地区"], len(positions)), it["编号"], kinds[it["类型"]])
    )
    return items
