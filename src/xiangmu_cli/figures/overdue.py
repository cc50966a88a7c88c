"""Overdue items (逾期事项) of docs/metrics.md: nine kinds, each with its due date, judged by stage at as-of.

``overdue_items(repo, as_of)`` returns rows, most overdue first; ties by region in
xiangmu.yaml order, then 编号, then kind in the order of :data:`KINDS`, then position. It
also selects: one region, one kind, one 包保领导 or one 项目秘书 (``xm overdue`` options).

``due_soon_items(repo, as_of, days)`` (临期事项) asks the same eight questions about the days
from as-of to as-of + ``days``: what is still open at as-of and falls due within them. One
definition serves both (:func:`_items` with a window of due dates), so an item is never overdue
and due soon at once, and each kind's conditions live in one place.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Literal, TypedDict, TypeGuard

from xiangmu_cli.figures import stages
from xiangmu_cli.figures.metrics import Position, config_of, file_ranks, month_end, position_of, region_positions
from xiangmu_cli.ledger.model import Config, StartedProject
from xiangmu_cli.ledger.units import month_key

if TYPE_CHECKING:
    from xiangmu_cli.reading.loading import Remote
    from xiangmu_cli.reading.records import Record, Repository

__all__ = [
    "KINDS",
    "DUE_NAMES",
    "OverdueItem",
    "DueSoonItem",
    "overdue_items",
    "keyed_items",
    "most_overdue_first",
    "due_soon_items",
    "record_items",
    "record_split",
    "record_due",
    "latest_complete_month",
]

#: The kinds, in the contract's order.
KINDS = (
    "未按期开工",
    "超期未入统",
    "签约未落地",
    "问题超期",
    "走访超期",
    "投资漏报",
    "超期未竣工",
    "手续超期",
    "超期未投产",
)
#: What falls due, for each kind: how a 临期事项 of that kind is named (it is not late yet).
DUE_NAMES = {
    "未按期开工": "计划开工",
    "超期未入统": "入统时限",
    "签约未落地": "计划落地",
    "问题超期": "问题时限",
    "走访超期": "走访",
    "投资漏报": "报完成投资",
    "超期未竣工": "计划竣工",
    "手续超期": "手续办结",
    "超期未投产": "计划投产",
}


class _Item(TypedDict):
    """What an overdue item and one falling due share; 事项 says which (an approval, an issue, a
    month) where a project can have several of a kind, and 台账 is where the project was at as-of.
    (The rows are built key by key in the order shown: their day count after 到期日期.)"""

    类型: str
    地区: str
    编号: str
    名称: str
    事项: str | None
    到期日期: date
    包保领导: str | None
    项目秘书: str | None
    责任单位: str | None
    台账: str


class OverdueItem(_Item):
    """One overdue item: 逾期天数 (as-of − due)."""

    逾期天数: int


class DueSoonItem(_Item):
    """One item falling due (临期事项): 剩余天数 (due − as-of, 0 when it falls due on the as-of date
    itself) instead of 逾期天数."""

    剩余天数: int


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


class _Window:
    """What to look for as of a date: overdue items (due < as-of) when ``overdue``, and items
    falling due within ``days`` days (as-of ≤ due ≤ as-of + days) when ``days`` is given.

    投资漏报 asks about months: the latest complete month M for an overdue item (due on its last
    day, overdue from that day on), and the month after M for one falling due (its report falls
    due at that month's end); :attr:`months` holds (overdue?, year, key, first day, last day).
    """

    def __init__(self, as_of: date, overdue: bool, days: int | None) -> None:
        self.as_of = as_of
        self.overdue = overdue
        self.last = as_of + timedelta(days=days) if days is not None else None
        year, month = latest_complete_month(as_of)
        self.months: list[tuple[bool, int, str, date, date]] = []
        if overdue:
            self.months.append(self._month(True, year, month))
        if self.last is not None:
            following = self._month(False, *((year + 1, 1) if month == 12 else (year, month + 1)))
            if following[4] <= self.last:
                self.months.append(following)

    @staticmethod
    def _month(late: bool, year: int, month: int) -> tuple[bool, int, str, date, date]:
        return late, year, month_key(year, month), date(year, month, 1), month_end(year, month)

    def __call__(self, due: date | None) -> TypeGuard[date]:
        """Whether an item due then is looked for (overdue, or falling due within the days)."""
        if due is None:
            return False
        if due < self.as_of:
            return self.overdue
        return self.last is not None and due <= self.last


#: Which of a record's items :func:`_scan` makes: all, the overdue ones only, or none.
Made = Literal["all", "overdue", "none"]


@lru_cache(maxsize=16)
def _window(as_of: date, overdue: bool, days: int | None) -> _Window:
    return _Window(as_of, overdue, days)


def _scan(
    rec: Record, config: Config, as_of: date, window: _Window, made: Made = "all"
) -> Iterator[tuple[bool, OverdueItem | None]]:
    """The record's items that ``window`` looks for, each with whether it is overdue, in file order;
    in place of an item not ``made`` (only the overdue ones, or none: only whether there are any
    is asked), None."""
    caliber = config.caliber
    due = window

    def found(
        kind: str, day: date, department: str | None = None, detail: str | None = None
    ) -> tuple[bool, OverdueItem | None]:
        late = day < as_of
        wanted = made == "all" or (late and made == "overdue")
        return late, (_item(kind, rec, day, as_of, department, detail) if wanted else None)

    p = rec.project
    # Stages at as-of come from dates (stages.py), not from the file the record is in now.
    if stages.planned(rec, as_of):
        planned_start = stages.planned_start(p)
        if due(planned_start):
            yield found("未按期开工", planned_start)
        for approval in p.field_value("approvals") or ():
            if due(approval.due) and not (approval.done is not None and approval.done <= as_of):
                yield found("手续超期", approval.due, detail=approval.name)
    if isinstance(p, StartedProject) and stages.started(rec, as_of):
        if stages.unstat(rec, as_of):
            deadline = p.field_value("stats_deadline") or caliber.stats_deadline
            if due(deadline):
                yield found("超期未入统", deadline)
        if p.total >= caliber.threshold:
            visit_due = stages.visit_due(p, as_of, caliber.visit_days)
            if due(visit_due):
                yield found("走访超期", visit_due)
        for late, year, m_key, m_first, m_last in window.months:
            if (
                year == config.year
                and p.start_date <= m_last
                and not (p.finish_date is not None and p.finish_date < m_first)
                and m_key not in p.monthly
                and not (p.prior_months is not None and p.prior_months.counted(year, m_key))
            ):
                # overdue from the last day of the month on (逾期天数 0 on that day)
                wanted = made == "all" or (late and made == "overdue")
                yield late, (_item("投资漏报", rec, m_last, as_of, detail=f"{m_key} 未报完成投资") if wanted else None)
        if due(p.planned_finish) and not stages.finished(rec, as_of):
            yield found("超期未竣工", p.planned_finish)
        if due(p.planned_operation) and not stages.in_operation(rec, as_of):
            yield found("超期未投产", p.planned_operation)
    planned_land = p.field_value("planned_land")
    if stages.signed(p, as_of) and not stages.landed(p, as_of) and due(planned_land):
        yield found("签约未落地", planned_land)
    if stages.reserved(rec, as_of):
        return  # a 谋划 project's 问题 are not among the key projects' (metrics.md)
    for issue in p.issues:
        if stages.issue_open(issue, as_of) and due(issue.deadline):
            yield found("问题超期", issue.deadline, department=issue.department, detail=issue.content)


def record_items(rec: Record, config: Config, as_of: date, days: int | None = None) -> list[OverdueItem]:
    """The items of one record as of ``as_of``, in file order: the overdue ones (``days`` None),
    or those falling due within ``days`` days (their 逾期天数 is then ≤ 0: minus the days left)."""
    return [item for _, item in _scan(rec, config, as_of, _window(as_of, days is None, days)) if item is not None]


def record_split(rec: Record, config: Config, as_of: date, days: int) -> tuple[list[OverdueItem], list[DueSoonItem]]:
    """Both at once, in one pass: the record's overdue items and its items falling due within
    ``days`` days (as :class:`DueSoonItem`), each in file order."""
    overdue: list[OverdueItem] = []
    soon: list[DueSoonItem] = []
    for late, item in _scan(rec, config, as_of, _window(as_of, True, days)):
        assert item is not None
        if late:
            overdue.append(item)
        else:
            soon.append(due_soon(item))
    return overdue, soon


def record_overdue(rec: Record, config: Config, as_of: date, days: int) -> tuple[list[OverdueItem], bool]:
    """The record's overdue items, as :func:`record_split` finds them, and whether an item falls
    due within ``days`` days (those items not made)."""
    overdue: list[OverdueItem] = []
    soon = False
    for late, item in _scan(rec, config, as_of, _window(as_of, True, days), made="overdue"):
        if late:
            assert item is not None
            overdue.append(item)
        else:
            soon = True
    return overdue, soon


def record_due(rec: Record, config: Config, as_of: date, days: int) -> tuple[bool, bool]:
    """Whether the record has an overdue item, and whether an item falls due within ``days``
    days, as :func:`record_split` finds them (stopping at the first overdue one)."""
    soon = False
    for late, _none in _scan(rec, config, as_of, _window(as_of, True, days), made="none"):
        if late:
            return True, soon
        soon = True
    return False, soon


def _items(repo: Repository, as_of: date, days: int | None = None) -> Iterator[OverdueItem]:
    config = config_of(repo)
    for rec in repo.records:
        yield from record_items(rec, config, as_of, days)


def _selected(
    items: Iterator[OverdueItem],
    region: str | None,
    kind: str | None,
    leader: str | None,
    secretary: str | None,
) -> list[OverdueItem]:
    return [
        it
        for it in items
        if (region is None or it["地区"] == region)
        and (kind is None or it["类型"] == kind)
        and (leader is None or it["包保领导"] == leader)
        and (secretary is None or it["项目秘书"] == secretary)
    ]


def overdue_items(
    repo: Repository,
    as_of: date,
    *,
    region: str | None = None,
    kind: str | None = None,
    leader: str | None = None,
    secretary: str | None = None,
    remote: Remote | None = None,
) -> list[OverdueItem]:
    """Every overdue item as of ``as_of``, most overdue first; only those of ``region``, of
    ``kind``, of projects whose 包保领导 is ``leader`` or whose 项目秘书 is ``secretary``, when given.
    With ``remote`` (a split load's worker) of this process's records and the worker's together."""
    config = config_of(repo)
    items: Iterator[OverdueItem] = _items(repo, as_of)
    if remote is not None:  # each side finds its own; in the repository's order, as _items gives them
        rank = file_ranks(repo)
        there = remote.call(keyed_items, config, as_of, rank)
        mine = keyed_items(repo.records, config, as_of, rank)
        items = iter([item for _at, item in sorted(mine + there.result(), key=lambda pair: pair[0])])
    return most_overdue_first(_selected(items, region, kind, leader, secretary), config)


def keyed_items(
    records: list[Record], config: Config, as_of: date, rank: dict[str, int]
) -> list[tuple[Position, OverdueItem]]:
    """The overdue items of ``records``, each with its record's position (metrics.Position)."""
    return [(position_of(rec, rank), item) for rec in records for item in record_items(rec, config, as_of)]


def most_overdue_first(items: list[OverdueItem], config: Config) -> list[OverdueItem]:
    """``items`` sorted as :func:`overdue_items` returns them: most overdue first; ties by region
    in xiangmu.yaml order, 编号, kind; then the order given (a stable sort: file order)."""
    positions = region_positions(config)
    kinds = {name: i for i, name in enumerate(KINDS)}
    items.sort(
        key=lambda it: (-it["逾期天数"], positions.get(it["地区"], len(positions)), it["编号"], kinds[it["类型"]])
    )
    return items


def due_soon(item: OverdueItem) -> DueSoonItem:
    """An item of :func:`record_items` with a window of days ahead, as a 临期事项 row."""
    return {
        "类型": item["类型"],
        "地区": item["地区"],
        "编号": item["编号"],
        "名称": item["名称"],
        "事项": item["事项"],
        "到期日期": item["到期日期"],
        "剩余天数": -item["逾期天数"],
        "包保领导": item["包保领导"],
        "项目秘书": item["项目秘书"],
        "责任单位": item["责任单位"],
        "台账": item["台账"],
    }


def due_soon_items(
    repo: Repository,
    as_of: date,
    days: int | None = None,
    *,
    region: str | None = None,
    kind: str | None = None,
    leader: str | None = None,
    secretary: str | None = None,
) -> list[DueSoonItem]:
    """临期事项: every item still open at ``as_of`` that falls due from as-of to as-of + ``days``
    (default xiangmu.yaml 口径.临期天数), soonest first; ties as in :func:`overdue_items`. Selected
    like :func:`overdue_items`."""
    config = config_of(repo)
    window = config.caliber.due_days if days is None else days
    positions = region_positions(config)
    kinds = {name: i for i, name in enumerate(KINDS)}
    items = [due_soon(it) for it in _selected(_items(repo, as_of, window), region, kind, leader, secretary)]
    items.sort(
        key=lambda it: (it["剩余天数"], positions.get(it["地区"], len(positions)), it["编号"], kinds[it["类型"]])
    )
    return items
