"""Traffic lights (红黄绿灯) per project, by the rules of docs/metrics.md "Traffic lights".

Judged as of a date, like every figure:

- 红: the project has an overdue item (:func:`~xiangmu_cli.figures.overdue.record_split`), or it
  is started and not finished, has 年度计划投资 > 0, and its 完成率 (本年完成投资 ÷ 年度计划投资)
  is behind its 序时进度 by more than 口径.红灯进度差 (序时进度 − 完成率 > 红灯进度差).
- 黄: not red, and an item falls due within 口径.临期天数 days (as-of ≤ 到期日期 ≤ as-of + N).
- 绿: otherwise.

A project's 序时进度 is the contract's (as-of month ÷ 12) when it started before 年度; when it
started during 年度 it counts from its start month: (as-of month − start month + 1) ÷ (12 −
start month + 1), so a project that started in August is not measured against January–July.

``project_lights`` is one row per project (what ``xm list`` shows), ``project_light`` one
project's (``xm show``), ``light_counts`` the count per region and 全市 (the monthly report),
``reasons`` the lines that say why a project has its light.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Context, Decimal, DecimalException, Inexact, InvalidOperation
from fractions import Fraction
from functools import lru_cache
from typing import TYPE_CHECKING, TypedDict

from xiangmu_cli.figures import stages
from xiangmu_cli.figures.metrics import completed_investment, config_of, schedule_progress
from xiangmu_cli.figures.overdue import DUE_NAMES, DueSoonItem, OverdueItem, record_due, record_overdue, record_split
from xiangmu_cli.ledger.model import Config, StartedProject
from xiangmu_cli.ledger.units import round_half_even
from xiangmu_cli.ledger.vocab import CITY

if TYPE_CHECKING:
    from xiangmu_cli.reading.records import Record, Repository

__all__ = [
    "LIGHTS",
    "RED",
    "AMBER",
    "GREEN",
    "ProjectLight",
    "LightCount",
    "record_light",
    "record_colour",
    "project_lights",
    "project_light",
    "light_counts",
    "ColourCounts",
    "colour_counts",
    "add_colour_counts",
    "light_count_rows",
    "project_schedule",
    "behind_schedule",
    "reasons",
    "RedRow",
    "red_rows",
]

RED, AMBER, GREEN = "红", "黄", "绿"
#: The lights, worst first (the order of every count).
LIGHTS = (RED, AMBER, GREEN)
_COLOUR_INDEX = {colour: i for i, colour in enumerate(LIGHTS)}


class ProjectLight(TypedDict):
    """One project's light as of a date, with what decided it.

    完成率, 序时进度 and 进度差 are the project's own (None when its progress is not judged: not
    started or already finished by as-of, or no 年度计划投资); 落后序时 is whether 进度差 is below
    −红灯进度差.
    """

    地区: str
    编号: str
    名称: str
    台账: str
    包保领导: str | None
    项目秘书: str | None
    亮灯: str
    逾期事项: list[OverdueItem]
    临期事项: list[DueSoonItem]
    完成率: Fraction | None
    序时进度: Fraction | None
    进度差: Fraction | None
    落后序时: bool


class LightCount(TypedDict):
    """红灯, 黄灯 and 绿灯 projects of a region (or 全市), and all its projects."""

    地区: str
    红灯: int
    黄灯: int
    绿灯: int
    项目数: int


@lru_cache(maxsize=64)
def _schedule(as_of: date, year: int, start: date) -> tuple[int, int]:
    """项目序时进度 as (numerator, denominator), whole numbers (see :func:`project_schedule`)."""
    if as_of.year == year and start.year == year:
        return max(as_of.month - start.month + 1, 0), 12 - start.month + 1
    progress = schedule_progress(as_of, year)
    return progress.numerator, progress.denominator


def project_schedule(project: StartedProject, as_of: date, year: int) -> Fraction:
    """A started project's 序时进度 at as-of: the contract's when it started before 年度, else
    counted from its start month (see the module's docstring); 0 before 年度, 1 after it."""
    return Fraction(*_schedule(as_of, year, project.start_date))


#: Exact decimal arithmetic for the progress test: any rounding raises (amounts of the ledgers'
#: size never need it: 200 digits), and the test is then made with fractions.
_EXACT = Context(prec=200, traps=[Inexact, InvalidOperation])


def behind_schedule(completed: Decimal, plan: Decimal, schedule: tuple[int, int], margin: Decimal) -> bool:
    """Whether num/den − completed/plan > margin (``schedule`` = (num, den), plan > 0), exactly:
    completed × den < (num − margin × den) × plan, in decimals, or in fractions should a decimal
    need rounding."""
    num, den = schedule
    try:
        limit = _EXACT.multiply(_EXACT.subtract(Decimal(num), _EXACT.multiply(margin, den)), plan)
        return _EXACT.multiply(completed, den) < limit
    except DecimalException:
        return Fraction(num, den) - Fraction(completed) / Fraction(plan) > Fraction(margin)


def record_light(
    rec: Record, config: Config, as_of: date, detail: bool = True, soon_items: bool = True
) -> ProjectLight:
    """The light of one record as of ``as_of`` (rules in the module's docstring).

    完成率, 序时进度 and 进度差 are given for every project judged on its progress; with
    ``detail`` False (many projects at once) only for those behind, whose reasons need them: the
    test itself is exact decimal arithmetic, cheaper than fractions. With ``soon_items`` False
    (the monthly report, which shows a red project's reasons without them) 临期事项 is left empty;
    the colour still counts them.
    """
    if soon_items:
        overdue, soon = record_split(rec, config, as_of, config.caliber.due_days)
        any_soon = bool(soon)
    else:
        overdue, any_soon = record_overdue(rec, config, as_of, config.caliber.due_days)
        soon = []
    if len(soon) > 1:
        soon.sort(key=lambda it: it["剩余天数"])  # stable: file order within a day
    if len(overdue) > 1:
        overdue.sort(key=lambda it: -it["逾期天数"])
    p = rec.project
    done = schedule = gap = None
    behind = False
    progress = _progress(rec, config, as_of)
    if progress is not None:
        completed, plan, (num, den), behind = progress
        if detail or behind:
            done = Fraction(completed) / Fraction(plan)
            schedule = Fraction(num, den)
            gap = done - schedule
    light = RED if overdue or behind else AMBER if any_soon else GREEN
    return {
        "地区": rec.region,
        "编号": p.code,
        "名称": p.name,
        "台账": stages.ledger_at(rec, as_of).value,
        "包保领导": p.leader,
        "项目秘书": p.secretary,
        "亮灯": light,
        "逾期事项": overdue,
        "临期事项": soon,
        "完成率": done,
        "序时进度": schedule,
        "进度差": gap,
        "落后序时": behind,
    }


def record_colour(rec: Record, config: Config, as_of: date) -> str:
    """The light of one record as of ``as_of``, as :func:`record_light` gives it, without the
    items and figures behind it (``xm list``, a light for every project)."""
    overdue, soon = record_due(rec, config, as_of, config.caliber.due_days)
    if overdue:
        return RED
    progress = _progress(rec, config, as_of)
    return RED if progress is not None and progress[3] else AMBER if soon else GREEN


def _progress(rec: Record, config: Config, as_of: date) -> tuple[Decimal, Decimal, tuple[int, int], bool] | None:
    """(完成投资 in 年度, 年度计划投资, 序时进度 as a fraction, behind it) for a record judged on its
    progress: started, not finished, with a 年度计划投资; else None."""
    p = rec.project
    if not (
        isinstance(p, StartedProject)
        and stages.started(rec, as_of)
        and not stages.finished(rec, as_of)
        and p.annual_plan > 0
    ):
        return None
    completed = completed_investment(p, config.year, as_of)
    schedule = _schedule(as_of, config.year, p.start_date)
    behind = behind_schedule(completed, p.annual_plan, schedule, config.caliber.red_margin)
    return completed, p.annual_plan, schedule, behind


def project_lights(
    repo: Repository, as_of: date, records: Iterable[Record] | None = None, detail: bool = False
) -> list[ProjectLight]:
    """The light of every valid project (or of ``records``), in the order given (the repository's:
    region folders, ledgers, file order); progress figures as :func:`record_light` with ``detail``."""
    config = config_of(repo)
    return [record_light(rec, config, as_of, detail) for rec in (repo.records if records is None else records)]


def project_light(repo: Repository, code: str, as_of: date) -> ProjectLight | None:
    """One project's light (``xm show 编号``); None when no valid project has that 编号."""
    config = config_of(repo)
    rec = next((r for r in repo.records if r.project.code == code), None)
    return None if rec is None else record_light(rec, config, as_of)


def light_counts(repo: Repository, lights: Sequence[ProjectLight], region: str | None = None) -> list[LightCount]:
    """红灯/黄灯/绿灯 projects and 项目数 per region (xiangmu.yaml order; a region without projects
    counts zeros), then 全市 (every light given); only ``region``'s row when given."""
    return light_count_rows(config_of(repo), colour_counts(lights), region)


#: Per region: how many lights of each colour (in :data:`LIGHTS` order).
ColourCounts = dict[str, list[int]]


def colour_counts(lights: Iterable[ProjectLight]) -> ColourCounts:
    """How many lights of each colour per region (every region met); the counts of disjoint lights
    add up (:func:`add_colour_counts`)."""
    counts: ColourCounts = {}
    for light in lights:
        region = counts.get(light["地区"])
        if region is None:
            region = counts[light["地区"]] = [0] * len(LIGHTS)
        region[_COLOUR_INDEX[light["亮灯"]]] += 1
    return counts


def add_colour_counts(*parts: ColourCounts) -> ColourCounts:
    """The :func:`colour_counts` of disjoint lights together."""
    counts: ColourCounts = {}
    for part in parts:
        for region, found in part.items():
            total = counts.setdefault(region, [0] * len(LIGHTS))
            for i, n in enumerate(found):
                total[i] += n
    return counts


def light_count_rows(config: Config, counts: ColourCounts, region: str | None = None) -> list[LightCount]:
    """The rows of :func:`light_counts` from :func:`colour_counts`."""

    def row(name: str, found: list[int]) -> LightCount:
        red, amber, green = (found[_COLOUR_INDEX[colour]] for colour in (RED, AMBER, GREEN))
        return {"地区": name, "红灯": red, "黄灯": amber, "绿灯": green, "项目数": red + amber + green}

    zero = [0] * len(LIGHTS)
    rows = [row(name, counts.get(name, zero)) for name in config.region_names if region is None or name == region]
    if region is None:
        rows.append(row(CITY, [sum(found[i] for found in counts.values()) for i in range(len(LIGHTS))]))
    return rows


class RedRow(TypedDict):
    """A 红灯 project in a report: who is responsible and why it is red (:func:`reasons`)."""

    地区: str
    编号: str
    名称: str
    包保领导: str | None
    项目秘书: str | None
    原因: list[str]


def red_rows(lights: Iterable[ProjectLight]) -> list[RedRow]:
    """The 红灯 projects of ``lights`` in their order, each with what made it red (overdue items
    and the progress; not the items falling due)."""
    return [
        {
            "地区": light["地区"],
            "编号": light["编号"],
            "名称": light["名称"],
            "包保领导": light["包保领导"],
            "项目秘书": light["项目秘书"],
            "原因": reasons(light, soon=False),
        }
        for light in lights
        if light["亮灯"] == RED
    ]


def _percent(value: Fraction) -> str:
    return f"{round_half_even(value * 100, 1)}%"


def reasons(light: ProjectLight, soon: bool = True) -> list[str]:
    """Why a project has its light, one line each: every overdue item, the progress when it is
    behind, and (unless ``soon`` is False) every item falling due; empty for a green project."""
    lines = []
    for it in light["逾期事项"]:
        what = f"{it['事项']}，" if it["事项"] else ""
        late = "今天到期，仍未办" if it["逾期天数"] == 0 else f"已逾期 {it['逾期天数']} 天"
        lines.append(f"{it['类型']}：{what}{it['到期日期'].isoformat()} 到期，{late}")
    if light["落后序时"] and light["完成率"] is not None and light["序时进度"] is not None:
        behind = light["序时进度"] - light["完成率"]
        lines.append(
            f"完成投资落后序时进度 {round_half_even(behind * 100, 1)} 个百分点"
            f"（完成率 {_percent(light['完成率'])}，序时进度 {_percent(light['序时进度'])}）"
        )
    for item in light["临期事项"] if soon else ():
        what = f"{item['事项']}，" if item["事项"] else ""
        left = "今天到期" if item["剩余天数"] == 0 else f"还有 {item['剩余天数']} 天"
        lines.append(f"临期·{DUE_NAMES[item['类型']]}：{what}{item['到期日期'].isoformat()} 到期，{left}")
    return lines
