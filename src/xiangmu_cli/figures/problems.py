"""The problem list (问题清单) as a working list: every problem with its state as of a date.

``problem_rows(repo, as_of)`` gives one row per problem of the valid projects: where it is, its
number N (the one ``xm problem solve 编号 N`` takes: its position in the project's 问题 list,
from 1), who must solve it, its 分类 when the model has the field, its 层级 as of the date, its state as of
the as-of date, the days it has been open and the days left to its 时限. ``problem_view``
selects the rows of one of the monthly cycle's views (docs/metrics.md, "The problem list"), and
``problem_summary`` counts them by 责任单位, 分类, 层级, region or 包保领导.

A problem's 责任单位 is its own, else its project's (as 问题超期 in the overdue items). Its state
as of a date follows from its dates only (:mod:`~xiangmu_cli.figures.stages`): a problem raised
after the as-of date is not on the list, one solved after it is still open.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict

from xiangmu_cli.figures import stages
from xiangmu_cli.figures.metrics import config_of, region_positions
from xiangmu_cli.ledger.model import ISSUE_LEVELS, Issue, key_order

if TYPE_CHECKING:
    from xiangmu_cli.reading.records import Record, Repository

__all__ = [
    "ProblemRow",
    "SummaryRow",
    "STATES",
    "STATUS_FILTERS",
    "VIEWS",
    "GROUPS",
    "LEVELS",
    "UNSET",
    "issue_keys",
    "level_at",
    "responsible",
    "problem_row",
    "problem_rows",
    "problem_view",
    "problem_summary",
    "problem_list",
]

#: A problem's state as of a date: solved by then, past its 时限 and not solved, open.
SOLVED, OVERDUE, OPEN = "已解决", "超期", "未解决"
#: A problem raised after the as-of date (shown only on a project's card, never on a list).
LATER = "截至日后提出"
STATES = (OVERDUE, OPEN, SOLVED)
#: ``--status``: the open ones (超期 or 未解决, the default), the overdue, the solved, or all.
STATUS_FILTERS = ("未解决", "超期", "已解决", "全部")
#: The meetings a problem goes up through (seed 003: 联席会议确定不了的，提交市政府专题会议或常务会议).
LEVELS = tuple(ISSUE_LEVELS)
#: The views of the monthly cycle (seed 004: 每月10日前报，15日前分发至责任部门，25日前召开联席会议).
VIEWS = ("清单", "本月新增", "分发", "联席会议", "专题会议", "常务会议")
#: What ``problem_summary`` groups by.
GROUPS = ("责任单位", "分类", "层级", "地区", "包保领导")
#: A group for rows without a value.
UNSET = "（未填）"


def issue_keys() -> list[str]:
    """The keys a problem may have (the model's, in its order): 分类 only once the model has it."""
    return key_order(Issue)


def level_at(issue: Issue, as_of: date) -> str | None:
    """The problem's 层级 as of ``as_of``: the latest 升级 dated on or before it, else the 层级 it
    was raised at (None: with the department, not yet at any meeting)."""
    level: str | None = getattr(issue, "level", None)  # 层级 (issue 16), when the model has it
    for step in issue.escalations or ():
        if step.day <= as_of:
            level = step.level
    return level


def escalated_on(issue: Issue, as_of: date) -> date | None:
    """When the problem reached its level as of ``as_of`` by a 升级 (None: raised at it)."""
    day = None
    for step in issue.escalations or ():
        if step.day <= as_of:
            day = step.day
    return day


def responsible(issue: Issue, record: Record) -> str | None:
    """Who must solve the problem: its 责任单位, else its project's."""
    return issue.department or record.project.department


class ProblemRow(TypedDict):
    """One problem as of a date. 分类 is there only when the model has the field (issue 16 adds it
    to 问题); 层级 is the level as of the date (:func:`level_at`), 升级日期 the day it got there by
    a 升级 (None: it was raised at it, or is at no meeting)."""

    地区: str
    编号: str
    名称: str
    序号: int
    提出日期: date
    内容: str
    分类: NotRequired[str | None]
    责任单位: str | None
    层级: str | None
    升级日期: date | None
    时限: date | None
    状态: str
    已开天数: int | None
    距时限天数: int | None
    解决日期: date | None
    解决情况: str | None
    包保领导: str | None
    项目秘书: str | None
    台账: str


def problem_row(record: Record, number: int, issue: Issue, as_of: date) -> ProblemRow:
    """Problem ``number`` (from 1) of ``record`` as of ``as_of``.

    状态: 已解决 (解决日期 ≤ as-of), 超期 (时限 < as-of, not solved), 未解决, or 截至日后提出
    (提出日期 > as-of). 已开天数: as-of − 提出日期 while open, 解决日期 − 提出日期 once solved
    (the days it took), None before it was raised. 距时限天数: 时限 − as-of while open (negative:
    that many days overdue), None when solved or without a 时限. 解决日期 and 解决情况 only once
    solved by as-of.
    """
    p = record.project
    keys = issue_keys()
    solved = stages.issue_solved(issue, as_of)
    if not stages.issue_raised(issue, as_of):
        state, days = LATER, None
    elif solved:
        assert issue.solved is not None
        state, days = SOLVED, (issue.solved - issue.raised).days
    else:
        state = OVERDUE if stages.issue_overdue(issue, as_of) else OPEN
        days = (as_of - issue.raised).days
    left = (issue.deadline - as_of).days if issue.deadline is not None and state in (OPEN, OVERDUE) else None
    row: ProblemRow = {
        "地区": record.region,
        "编号": p.code,
        "名称": p.name,
        "序号": number,
        "提出日期": issue.raised,
        "内容": issue.content,
        "责任单位": responsible(issue, record),
        "层级": level_at(issue, as_of),
        "升级日期": escalated_on(issue, as_of),
        "时限": issue.deadline,
        "状态": state,
        "已开天数": days,
        "距时限天数": left,
        "解决日期": issue.solved if solved else None,
        "解决情况": issue.solution if solved else None,
        "包保领导": p.leader,
        "项目秘书": p.secretary,
        "台账": stages.ledger_at(record, as_of).value,
    }
    if "分类" in keys:
        row["分类"] = getattr(issue, "kind", None)
    return row


_STATUS: dict[str, Callable[[str], bool]] = {
    "未解决": lambda state: state in (OPEN, OVERDUE),
    "超期": lambda state: state == OVERDUE,
    "已解决": lambda state: state == SOLVED,
    "全部": lambda state: state != LATER,
}


def problem_rows(
    repo: Repository,
    as_of: date,
    *,
    status: str = "未解决",
    region: str | None = None,
    department: str | None = None,
    kind: str | None = None,
    level: str | None = None,
    leader: str | None = None,
    secretary: str | None = None,
    records: Iterable[Record] | None = None,
) -> list[ProblemRow]:
    """The problems raised by ``as_of`` in ``status`` (one of :data:`STATUS_FILTERS`), of the
    valid projects (or of ``records``), in region order (xiangmu.yaml), then 编号 and 序号.

    Only those of ``region``, whose 责任单位 is ``department``, whose 分类 is ``kind``, whose 层级
    at as-of is ``level``, of projects whose 包保领导 is ``leader`` or 项目秘书 ``secretary``, when given.
    """
    if status not in _STATUS:
        raise ValueError(f"unknown status {status!r}")
    wanted = _STATUS[status]
    positions = region_positions(config_of(repo))
    rows: list[ProblemRow] = []
    for record in repo.records if records is None else records:
        p = record.project
        if (
            not p.issues
            or (region is not None and record.region != region)
            or (leader is not None and p.leader != leader)
            or (secretary is not None and p.secretary != secretary)
        ):
            continue
        for number, issue in enumerate(p.issues, 1):
            if department is not None and responsible(issue, record) != department:
                continue
            if kind is not None and getattr(issue, "kind", None) != kind:
                continue
            if level is not None and level_at(issue, as_of) != level:
                continue
            row = problem_row(record, number, issue, as_of)
            if wanted(row["状态"]):
                rows.append(row)
    rows.sort(key=lambda r: (positions.get(r["地区"], len(positions)), r["地区"], r["编号"], r["序号"]))
    return rows


def _urgency(row: ProblemRow) -> tuple[bool, int]:
    """Most urgent first: the fewest days left to 时限 (the most overdue), those without one last."""
    left = row["距时限天数"]
    return left is None, left if left is not None else 0


def problem_view(repo: Repository, as_of: date, view: str = "清单", **filters: Any) -> list[ProblemRow]:
    """The rows of one view of the monthly cycle (:data:`VIEWS`), as of ``as_of``.

    - 清单: the open problems (or those of ``status`` in ``filters``), in region order.
    - 本月新增: the problems raised from the first of the as-of month to as-of (what the regions
      report by the 10th), whatever their state, in region order.
    - 分发: what each department must answer this month: the problems open at some time in the
      as-of month (raised by as-of, not solved before the month began), by 责任单位, most urgent
      first; 状态 says which are answered (已解决) by as-of.
    - 联席会议: the agenda of the month's joint meeting: the open problems at 层级 联席会议, and the
      open ones past their 时限 that are at no meeting yet (the department could not solve them),
      by 分类 (seed 003: 分类研究解决), most urgent first.
    - 专题会议, 常务会议: the open problems at that 层级, most urgent first.
    The other filters of :func:`problem_rows` apply to every view.
    """
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}")
    if view == "清单":
        return problem_rows(repo, as_of, **filters)
    filters.pop("status", None)
    first = as_of.replace(day=1)
    if view == "本月新增":
        return [r for r in problem_rows(repo, as_of, status="全部", **filters) if r["提出日期"] >= first]
    if view == "分发":
        rows = [
            r
            for r in problem_rows(repo, as_of, status="全部", **filters)
            if r["状态"] != SOLVED or (r["解决日期"] is not None and r["解决日期"] >= first)
        ]
        rows.sort(key=lambda r: (r["责任单位"] is None, r["责任单位"] or "", *_urgency(r)))
        return rows
    open_rows = problem_rows(repo, as_of, status="未解决", **filters)
    if view == "联席会议":
        rows = [r for r in open_rows if r.get("层级") == view or (r["层级"] is None and r["状态"] == OVERDUE)]
        rows.sort(key=lambda r: (r.get("分类") is None, r.get("分类") or "", *_urgency(r)))
        return rows
    rows = [r for r in open_rows if r["层级"] == view]
    rows.sort(key=_urgency)
    return rows


class SummaryRow(TypedDict):
    """One group of :func:`problem_summary`: how many problems, in which state."""

    分组: str
    问题数: int
    超期: int
    未解决: int
    已解决: int
    无时限: int
    最长已开天数: int | None


def problem_summary(repo: Repository, rows: list[ProblemRow], by: str = "责任单位") -> list[SummaryRow]:
    """``rows`` counted by ``by`` (one of :data:`GROUPS`): per group, 问题数, 超期, 未解决 (open and
    not overdue), 已解决, 无时限 (open without a 时限) and the longest 已开天数 of an open one.

    Regions come in xiangmu.yaml order and levels in escalation order (then 未填); other groups
    by most 超期, then most problems, then name; a group without a value (未填) last.
    """
    if by not in GROUPS:
        raise ValueError(f"unknown group {by!r}")
    groups: dict[str, list[ProblemRow]] = {}
    for row in rows:
        value = row.get(by)
        groups.setdefault(value if isinstance(value, str) else UNSET, []).append(row)
    out: list[SummaryRow] = []
    for name, members in groups.items():
        open_days = [r["已开天数"] for r in members if r["状态"] in (OPEN, OVERDUE) and r["已开天数"] is not None]
        out.append(
            {
                "分组": name,
                "问题数": len(members),
                "超期": sum(r["状态"] == OVERDUE for r in members),
                "未解决": sum(r["状态"] == OPEN for r in members),
                "已解决": sum(r["状态"] == SOLVED for r in members),
                "无时限": sum(r["状态"] in (OPEN, OVERDUE) and r["时限"] is None for r in members),
                "最长已开天数": max(open_days) if open_days else None,
            }
        )
    if by == "地区":
        positions = region_positions(config_of(repo))
        out.sort(key=lambda s: (s["分组"] == UNSET, positions.get(s["分组"], len(positions)), s["分组"]))
    elif by == "层级":
        order = {name: i for i, name in enumerate(LEVELS)}
        out.sort(key=lambda s: (s["分组"] == UNSET, order.get(s["分组"], len(order)), s["分组"]))
    else:
        out.sort(key=lambda s: (s["分组"] == UNSET, -s["超期"], -s["问题数"], s["分组"]))
    return out


def problem_list(
    repo: Repository, as_of: date, view: str = "清单", by: str = "责任单位", **filters: Any
) -> tuple[list[ProblemRow], list[SummaryRow]]:
    """``xm problems``: the rows of ``view`` (:func:`problem_view`) and their summary by ``by``.

    The rows of 清单 and 本月新增 come in the summary's order of groups (so the list reads by
    责任单位, say), most urgent first within a group, then in region order; the other views keep
    their own order (分发 by 责任单位, 联席会议 by 分类)."""
    rows = problem_view(repo, as_of, view, **filters)
    summary = problem_summary(repo, rows, by)
    if view in ("清单", "本月新增"):
        order = {s["分组"]: i for i, s in enumerate(summary)}

        def group(row: ProblemRow) -> int:
            value = row.get(by)
            return order[value if isinstance(value, str) else UNSET]

        rows.sort(key=lambda r: (group(r), *_urgency(r)))  # stable: region order within ties
    return rows, summary
