"""A project's stage as of a date, from its dates (docs/metrics.md, "A project's stage as of a date").

The file a record sits in is its stage **now**; its stage at an earlier as-of follows from its
dates, so a past month's figures stay what they were after later moves (开工, 入统, 落地), which
keep every date (docs/ledger-format.md, "Moves keep history"). Every figure, target, overdue
kind, 考评 and 本月变动 asks these predicates, and nothing else decides a stage.

Facts that carry no date (a record being in 计划开工 or 招商 at all, 项目秘书, 总投资) are taken
as they stand now.

A record in 谋划 (the project reserve, 储备库) entered it on its 谋划日期 and leaves it on its
转化日期 (written by 转化, kept by every later move): until then it is at the 谋划 stage
(:func:`reserved`), which no figure of the four other ledgers counts.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from xiangmu_cli.ledger import units
from xiangmu_cli.ledger.model import Issue, Project, StartedProject
from xiangmu_cli.ledger.vocab import Ledger

if TYPE_CHECKING:
    from xiangmu_cli.reading.records import Record

__all__ = [
    "signed",
    "landed",
    "landed_in_year",
    "landed_before_year",
    "planned_start",
    "started",
    "in_stats",
    "unstat",
    "finished",
    "in_operation",
    "planned",
    "planned_or_started",
    "ledger_at",
    "reserved",
    "in_reserve",
    "converted_in_year",
    "in_reserve_during_year",
    "issue_raised",
    "issue_solved",
    "issue_overdue",
    "issue_open",
    "visited_within",
    "visit_due",
    "month_of",
]

_STARTED_LEDGERS = (Ledger.BUILDING, Ledger.UNSTAT)


def month_of(day: date) -> str:
    """``YYYY-MM`` of a date: the key of 完成投资."""
    return units.month_key(day.year, day.month)


def _on_or_before(day: date | None, as_of: date) -> bool:
    return day is not None and day <= as_of


def signed(project: Project, as_of: date) -> bool:
    """已签约: 签约日期 ≤ as-of (a record in any ledger)."""
    return _on_or_before(getattr(project, "sign_date", None), as_of)


def landed(project: Project, as_of: date) -> bool:
    """已落地: 落地日期 ≤ as-of (a record in any ledger)."""
    return _on_or_before(getattr(project, "land_date", None), as_of)


def landed_in_year(project: Project, year: int, as_of: date) -> bool:
    """招商落地: 落地日期 in 年度 and ≤ as-of."""
    day = getattr(project, "land_date", None)
    return day is not None and day.year == year and day <= as_of


def landed_before_year(project: Project, year: int, as_of: date) -> bool:
    """Landed by as-of, before 年度 began (history: not this year's 招商)."""
    day = getattr(project, "land_date", None)
    return day is not None and day.year < year and day <= as_of


def planned_start(project: Project) -> date | None:
    """计划开工日期 of a project that carries one (not a 招商 project)."""
    day: date | None = getattr(project, "planned_start", None)
    return day


def _started_project(rec: Record) -> StartedProject | None:
    """The project of a record in 在建 or 未入统 (always a StartedProject); None elsewhere."""
    p = rec.project
    return p if rec.ledger in _STARTED_LEDGERS and isinstance(p, StartedProject) else None


def started(rec: Record, as_of: date) -> bool:
    """已开工: in 在建 or 未入统, and 开工日期 ≤ as-of."""
    p = _started_project(rec)
    return p is not None and p.start_date <= as_of


def in_stats(rec: Record, as_of: date) -> bool:
    """已入统: started, in 在建, and 入统日期 absent (records before revision 2 kept none: 入统 from
    the start) or ≤ as-of."""
    if rec.ledger is not Ledger.BUILDING or not started(rec, as_of):
        return False
    day = getattr(rec.project, "stats_date", None)
    return day is None or day <= as_of


def unstat(rec: Record, as_of: date) -> bool:
    """未入统 at as-of: started and not 入统."""
    return started(rec, as_of) and not in_stats(rec, as_of)


def finished(rec: Record, as_of: date) -> bool:
    """已竣工: started and 竣工日期 ≤ as-of."""
    p = _started_project(rec)
    return p is not None and p.start_date <= as_of and _on_or_before(p.finish_date, as_of)


def in_operation(rec: Record, as_of: date) -> bool:
    """已投产: started and 投产日期 ≤ as-of."""
    p = _started_project(rec)
    return p is not None and p.start_date <= as_of and _on_or_before(p.operation_date, as_of)


def planned(rec: Record, as_of: date) -> bool:
    """计划开工 at as-of: not started; in 计划开工 now, or in 在建/未入统 with 开工日期 > as-of; and,
    when it carries 落地日期, landed by as-of (before that it was a 招商 project); and, when it
    carries 转化日期, converted by as-of (before that it was in the 储备库)."""
    if rec.ledger is Ledger.PLANNED:
        pass
    elif rec.ledger in _STARTED_LEDGERS:
        if started(rec, as_of):
            return False
    else:
        return False
    land = getattr(rec.project, "land_date", None)
    return (land is None or land <= as_of) and not reserved(rec, as_of)


def planned_or_started(rec: Record, as_of: date) -> bool:
    return started(rec, as_of) or planned(rec, as_of)


def ledger_at(rec: Record, as_of: date) -> Ledger:
    """The ledger the record was in at as-of (the 台账 a report for that date shows): 在建 or 未入统
    when started, 计划开工 when planned, 谋划 when at the 谋划 stage, else 招商 (in 招商 now, or
    landing only after as-of)."""
    if started(rec, as_of):
        return Ledger.BUILDING if in_stats(rec, as_of) else Ledger.UNSTAT
    if planned(rec, as_of):
        return Ledger.PLANNED
    if reserved(rec, as_of):
        return Ledger.RESERVE
    return Ledger.INVESTMENT


# --- the project reserve (谋划, 储备库) ------------------------------------------------------------


def reserved(rec: Record, as_of: date) -> bool:
    """At the 谋划 stage at as-of: in 谋划 now, or carrying 转化日期 > as-of (converted later).

    Such a record is not (yet) one of the year's key projects: no figure of the four other
    ledgers counts it, nor its 问题 (it may not have entered the 储备库 yet either: see
    :func:`in_reserve`)."""
    if rec.ledger is Ledger.RESERVE:
        return True
    day = getattr(rec.project, "convert_date", None)
    return day is not None and day > as_of


def in_reserve(rec: Record, as_of: date) -> bool:
    """在库 (谋划项目): at the 谋划 stage at as-of and 谋划日期 ≤ as-of."""
    return reserved(rec, as_of) and _on_or_before(getattr(rec.project, "reserve_date", None), as_of)


def _reserve_span(rec: Record) -> tuple[date, date | None] | None:
    """(谋划日期, 转化日期 or None) of a record that was ever in the 储备库: one in 谋划 now, or one
    that carries both dates (converted); None for every other record."""
    entered: date | None = getattr(rec.project, "reserve_date", None)
    left: date | None = getattr(rec.project, "convert_date", None)
    if entered is None or (rec.ledger is not Ledger.RESERVE and left is None):
        return None
    return entered, (None if rec.ledger is Ledger.RESERVE else left)


def in_reserve_during_year(rec: Record, year: int, as_of: date) -> bool:
    """In the 储备库 at some day of 年度 up to as-of: 谋划日期 ≤ as-of and not converted before 年度
    began (the 储备库 at the start of 年度, and what entered it since): 转化率's denominator."""
    span = _reserve_span(rec)
    return span is not None and span[0] <= as_of and (span[1] is None or span[1] >= date(year, 1, 1))


def converted_in_year(rec: Record, year: int, as_of: date) -> bool:
    """转化: a record of the 储备库 whose 转化日期 is in 年度 and ≤ as-of: 转化率's numerator."""
    span = _reserve_span(rec)
    return span is not None and span[1] is not None and span[1].year == year and span[1] <= as_of


def issue_raised(issue: Issue, as_of: date) -> bool:
    return issue.raised <= as_of


def issue_solved(issue: Issue, as_of: date) -> bool:
    return issue_raised(issue, as_of) and _on_or_before(issue.solved, as_of)


def issue_overdue(issue: Issue, as_of: date) -> bool:
    """问题超期: raised by as-of, 时限 < as-of, not solved by as-of."""
    return (
        issue_raised(issue, as_of)
        and issue.deadline is not None
        and issue.deadline < as_of
        and not _on_or_before(issue.solved, as_of)
    )


def issue_open(issue: Issue, as_of: date) -> bool:
    """Open at as-of: raised by as-of and not solved by as-of (whatever its 时限)."""
    return issue_raised(issue, as_of) and not _on_or_before(issue.solved, as_of)


def visited_within(project: Project, as_of: date, cycle_days: int) -> bool:
    """走访达标: the latest 走访 ≤ as-of is at most 走访周期 days before as-of."""
    latest = project.latest_visit(as_of)
    return latest is not None and (as_of - latest).days <= cycle_days


def visit_due(project: StartedProject, as_of: date, cycle_days: int) -> date:
    """When the next 走访 is due: (latest 走访 ≤ as-of, else 开工日期) + 走访周期."""
    return (project.latest_visit(as_of) or project.start_date) + timedelta(days=cycle_days)
