"""The figures of docs/metrics.md, per region and for 全市, as of a date.

Pure functions over a loaded :class:`~xiangmu_cli.reading.records.Repository`: they return rows
(keyed by the contract's exact metric names) and never print. Money is exact ``Decimal`` 万元;
rates are ``Decimal`` fractions, or ``None`` when their denominator is zero; areas (m²) and
投资强度 (元/m²) are rounded half-even to 2 places. Only projects that passed validation count.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, TypedDict, TypeVar

from xiangmu_cli.figures import stages
from xiangmu_cli.figures.stages import month_of
from xiangmu_cli.ledger.model import Config, StartedProject
from xiangmu_cli.ledger.units import round_half_even
from xiangmu_cli.ledger.vocab import CITY, GROWTH_KEYS, METRIC_KINDS

if TYPE_CHECKING:
    from xiangmu_cli.reading.loading import Remote
    from xiangmu_cli.reading.records import Record, Repository

__all__ = [
    "Figures",
    "FigureValue",
    "TargetRow",
    "compute_metrics",
    "Breakdown",
    "breakdown",
    "Position",
    "Cells",
    "file_ranks",
    "position_of",
    "cell_parts",
    "merge_cells",
    "breakdown_of",
    "tallies",
    "scope_metrics",
    "Tally",
    "tally",
    "tally_figures",
    "default_as_of",
    "resolve_as_of",
    "month_end",
    "parse_month",
    "schedule_progress",
    "ratio",
    "scopes",
    "records_of",
    "target_rows",
    "leaders_of",
    "started",
    "completed_investment",
    "config_of",
    "reported_regions",
    "months_by_region",
    "merge_months",
    "region_positions",
    "INDUSTRY",
]

CENT = Decimal("0.01")
#: The 类别 whose new starts count in 新开工用地面积 and 投资强度.
INDUSTRY = "工业"
ZERO = Decimal(0)
K = TypeVar("K")

#: One metric's value: a count (int), money or an area (Decimal), an exact rate (Fraction), or
#: None for a rate whose denominator is zero.
FigureValue = int | Decimal | Fraction | None
#: Metric name (docs/metrics.md, in its order) → value, for one region or for 全市.
Figures = dict[str, FigureValue]


class TargetRow(TypedDict):
    """One target of xiangmu.yaml 目标 against its actual (:func:`target_rows`)."""

    地区: str
    指标: str
    目标: Decimal
    实际: FigureValue
    完成率: Fraction | None
    是否完成: bool | None
    序时进度: Fraction | None
    进度差: Fraction | None


# --- dates -------------------------------------------------------------------------------------


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_month(text: str) -> date:
    """``YYYY-MM`` → the last day of that month; ValueError when it is not a month."""
    parts = text.strip().split("-")
    if len(parts) != 2 or len(parts[0]) != 4 or len(parts[1]) != 2 or not all(p.isdigit() for p in parts):
        raise ValueError(f"月份「{text}」格式不对，应为 YYYY-MM，例如 2018-09")
    year, month = int(parts[0]), int(parts[1])
    if not 1 <= month <= 12:
        raise ValueError(f"月份「{text}」不存在")
    return month_end(year, month)


def reported_regions(repo: Repository, month: str, months: dict[str, set[str]] | None = None) -> tuple[int, int]:
    """(regions that reported ``month``, regions with any 完成投资): "已填报 12/13 个地区";
    from ``months`` (:func:`months_by_region` of all the records) when the caller has them."""
    months = months_by_region(repo.records) if months is None else months
    return sum(month in m for m in months.values() if m), sum(1 for m in months.values() if m)


def months_by_region(records: Iterable[Record]) -> dict[str, set[str]]:
    """Each region's months with 完成投资 reported (a month listed, or 以前月份完成投资's 截至).
    The maps of disjoint records merge by union (:func:`merge_months`)."""
    months: dict[str, set[str]] = {}
    for r in records:
        if isinstance(r.project, StartedProject) and r.project.monthly:
            months.setdefault(r.region, set()).update(r.project.monthly)
        if isinstance(r.project, StartedProject) and r.project.prior_months is not None:  # reported as a total
            months.setdefault(r.region, set()).add(r.project.prior_months.through)
    return months


def merge_months(*parts: dict[str, set[str]]) -> dict[str, set[str]]:
    """The :func:`months_by_region` of disjoint records' maps together."""
    months: dict[str, set[str]] = {}
    for part in parts:
        for region, found in part.items():
            months.setdefault(region, set()).update(found)
    return months


def default_as_of(repo: Repository, today: date | None = None, months: dict[str, set[str]] | None = None) -> date:
    """The last day of the latest month that more than half of the regions with any 完成投资 have
    reported (one region entering next month early does not move the city); with no 完成投资 at
    all, today clamped into 年度. ``months``: :func:`months_by_region` of all the records, when the
    caller has them."""
    months = months_by_region(repo.records) if months is None else months
    if months:
        reporting = len(months)
        counts: dict[str, int] = {}
        for region_months in months.values():
            for m in region_months:
                counts[m] = counts.get(m, 0) + 1
        majority = [m for m, n in counts.items() if n * 2 > reporting]
        latest = max(majority) if majority else min(max(m) for m in months.values())
        return month_end(int(latest[:4]), int(latest[5:7]))
    year = config_of(repo).year
    today = today or date.today()
    return min(max(today, date(year, 1, 1)), date(year, 12, 31))


def resolve_as_of(
    repo: Repository,
    as_of: date | None = None,
    month: str | None = None,
    today: date | None = None,
    months: dict[str, set[str]] | None = None,
) -> date:
    """The as-of date from ``--as-of`` or ``--month`` (ValueError on a bad month), else the default
    (from ``months`` when given, see :func:`default_as_of`)."""
    if as_of is not None:
        return as_of
    if month is not None:
        return parse_month(month)
    return default_as_of(repo, today, months)


def schedule_progress(as_of: date, year: int) -> Fraction:
    """序时进度: the as-of month ÷ 12 (exact); 0 before 年度, 1 after it."""
    if as_of.year < year:
        return Fraction(0)
    if as_of.year > year:
        return Fraction(1)
    return Fraction(as_of.month, 12)


def ratio(numerator: Decimal | Fraction | int, denominator: Decimal | Fraction | int | None) -> Fraction | None:
    """numerator ÷ denominator, exactly (a Fraction: rounded once, where it is shown); None for
    a zero or absent denominator."""
    if denominator is None or denominator == 0:
        return None
    return Fraction(numerator) / Fraction(denominator)


# --- scopes ------------------------------------------------------------------------------------


def config_of(repo: Repository) -> Config:
    if repo.config is None:
        raise ValueError("xiangmu.yaml 缺失或有错误，无法统计")
    return repo.config


def scopes(repo: Repository) -> list[str]:
    """Region names in xiangmu.yaml order, then 全市."""
    return [*config_of(repo).region_names, CITY]


def records_of(repo: Repository, scope: str) -> list[Record]:
    """The valid records of a region, or of the whole repository for 全市."""
    if scope == CITY:
        return list(repo.records)
    return [r for r in repo.records if r.region == scope]


def region_positions(config: Config) -> dict[str, int]:
    """Each region's position in xiangmu.yaml, for sorting rows by region (a region that is not
    listed sorts after every listed one: ``positions.get(name, len(positions))``)."""
    return {name: i for i, name in enumerate(config.region_names)}


def leaders_of(config: Config, region: str) -> list[str]:
    """包保领导 of a region: the leaders whose 包保地区 include it, in xiangmu.yaml order."""
    return [leader.name for leader in config.leaders if region in leader.regions]


def started(records: Iterable[Record], as_of: date) -> list[Record]:
    """Records started by as-of (stages.started)."""
    return [r for r in records if stages.started(r, as_of)]


# --- the metrics -------------------------------------------------------------------------------


def completed_investment(project: StartedProject, year: int, as_of: date) -> Decimal:
    """Σ 完成投资 of the months of 年度 up to and including the as-of month, with 以前月份完成投资
    when its 截至 is one of them (before its 截至 month the amount cannot be placed: left out)."""
    if as_of.year < year:
        return ZERO
    last = month_of(as_of) if as_of.year == year else f"{year:04d}-12"
    first = f"{year:04d}-01"  # a key is YYYY-MM (MonthKey): in 年度 up to as-of is first ≤ key ≤ last
    total = sum((v for m, v in project.monthly.items() if first <= m <= last), ZERO)
    lump = project.prior_months
    return total + lump.amount if lump is not None and lump.counted(year, last) else total


@dataclass
class Tally:
    """What the metrics count and sum over some records, gathered in one pass over them
    (:func:`tally`). Two tallies of disjoint records add up to the tally of both, so 全市's is
    its regions' together and no record's stage is asked twice (at 20k projects the selection
    is most of a report's figures). Sums are exact (Decimal; 万元 and m²)."""

    # started at as-of (在建)
    go: int = 0
    go_total: Decimal = ZERO  # Σ 总投资
    yi: int = 0  # 总投资 ≥ 亿元
    ten_yi: int = 0
    newly_built: int = 0  # 性质 新建
    continuing: int = 0  # 性质 续建
    resumed: int = 0  # 续建, 复工日期 ≤ as-of
    finished: int = 0  # 竣工日期 in 年度, ≤ as-of
    operating: int = 0  # 投产日期 in 年度, ≤ as-of
    plan: Decimal = ZERO  # Σ 年度计划投资
    done: Decimal = ZERO  # Σ completed_investment
    month: Decimal = ZERO  # Σ 完成投资 of the as-of month
    unstat: int = 0
    big: int = 0  # at or above 入库门槛
    big_in_stats: int = 0
    visited: int = 0  # big, 走访达标
    # 新开工: 新建, started in 年度
    new: int = 0
    new_yi: int = 0
    new_ten_yi: int = 0
    new_industry: int = 0  # 类别 in xiangmu.yaml 产业类别
    industrial: Decimal = ZERO  # Σ 用地面积 of new starts of 类别 工业
    stated_total: Decimal = ZERO  # Σ 总投资 of those with a 用地面积
    stated_area: Decimal = ZERO
    # the other stages
    planned: int = 0
    signed: int = 0
    landed: int = 0
    due: int = 0  # planned or started at as-of, 计划开工日期 ≤ as-of
    due_started: int = 0
    kept: int = 0  # planned or started, at or above 入库门槛
    staffed: int = 0  # kept, with a 项目秘书
    issues: int = 0  # raised by as-of, of the four ledgers' projects
    solved: int = 0
    late: int = 0
    reserve: int = 0  # in the 储备库 at as-of
    reserve_yi: int = 0
    reserve_total: Decimal = ZERO
    reserve_year: int = 0
    converted: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(Tally)})


def tally(records: Iterable[Record], config: Config, as_of: date) -> Tally:
    """The :class:`Tally` of ``records`` as of ``as_of``: each record's stage at ``as_of`` from its
    dates (:mod:`~xiangmu_cli.figures.stages`), never from the file it sits in now, so a past
    month's figures do not move when a project moves on."""
    return sum(tallies(records, config, as_of, lambda _r: None).values(), Tally())


def tallies(records: Iterable[Record], config: Config, as_of: date, key: Callable[[Record], K]) -> dict[K, Tally]:
    """The :class:`Tally` of each group of ``records`` (those of one ``key``), in one pass, in the
    order each group is first met (as :func:`tally` counts each group)."""
    year = config.year
    caliber = config.caliber
    threshold, visit_days, yi, ten_yi = caliber.threshold, caliber.visit_days, caliber.yi, caliber.ten_yi
    industries = config.industries
    month = month_of(as_of)
    groups: dict[K, Tally] = {}
    for r in records:
        group = key(r)
        t = groups.get(group)
        if t is None:
            t = groups[group] = Tally()
        p = r.project
        # the stage: started, else planned (never both), else neither
        started_now = stages.started(r, as_of)
        if started_now:
            assert isinstance(p, StartedProject)  # stages.started: a record in 在建 or 未入统
            total = p.total
            t.go += 1
            t.go_total += total
            t.yi += total >= yi
            t.ten_yi += total >= ten_yi
            t.newly_built += p.nature == "新建"
            if p.nature == "续建":
                t.continuing += 1
                t.resumed += p.resume_date is not None and p.resume_date <= as_of
            t.finished += p.finish_date is not None and p.finish_date.year == year and p.finish_date <= as_of
            t.operating += p.operation_date is not None and p.operation_date.year == year and p.operation_date <= as_of
            t.plan += p.annual_plan
            t.done += completed_investment(p, year, as_of)
            t.month += p.monthly.get(month, ZERO)
            entered = stages.in_stats(r, as_of)
            t.unstat += not entered
            if total >= threshold:
                t.big += 1
                t.big_in_stats += entered
                t.visited += stages.visited_within(p, as_of, visit_days)
            if p.nature == "新建" and p.start_date.year == year:
                t.new += 1
                t.new_yi += total >= yi
                t.new_ten_yi += total >= ten_yi
                t.new_industry += industries is not None and p.category in industries
                if p.category == INDUSTRY and p.land_area is not None:
                    t.industrial += p.land_area
                    t.stated_total += total
                    t.stated_area += p.land_area
            active = True
        elif stages.planned(r, as_of):
            t.planned += 1
            active = True
        else:
            active = False
        if active:
            # 开工率: of the projects planned or started at as-of whose 计划开工日期 ≤ as-of, those started.
            start = stages.planned_start(p)
            if start is not None and start <= as_of:
                t.due += 1
                t.due_started += started_now
            # 秘书配备率: at or above 入库门槛 (项目秘书 as it stands now).
            if p.total >= threshold:
                t.kept += 1
                t.staffed += p.secretary is not None
        # 招商签约: signed by as-of, except what landed before 年度 began (history); 落地: in 年度.
        t.signed += stages.signed(p, as_of) and not stages.landed_before_year(p, year, as_of)
        t.landed += stages.landed_in_year(p, year, as_of)
        # 问题 of the four ledgers' projects: not of one at the 谋划 stage at as-of.
        if p.issues and not stages.reserved(r, as_of):
            for issue in p.issues:
                if stages.issue_raised(issue, as_of):
                    t.issues += 1
                    t.solved += stages.issue_solved(issue, as_of)
                    t.late += stages.issue_overdue(issue, as_of)
        # 谋划 (储备库): in it at as-of; 转化率 over what was in it during 年度 up to as-of.
        if stages.in_reserve(r, as_of):
            t.reserve += 1
            t.reserve_yi += p.total >= yi
            t.reserve_total += p.total
        if stages.in_reserve_during_year(r, year, as_of):
            t.reserve_year += 1
            t.converted += stages.converted_in_year(r, year, as_of)
    return groups


def scope_metrics(records: Sequence[Record], config: Config, as_of: date, scope: str) -> Figures:
    """Every metric of docs/metrics.md over ``records`` (one region's, or all for 全市)."""
    return tally_figures(tally(records, config, as_of), config, as_of, scope)


def tally_figures(t: Tally, config: Config, as_of: date, scope: str) -> Figures:
    """Every metric of docs/metrics.md of a scope, from its :class:`Tally`."""
    target = config.targets.get(scope, {}).get("年度投资")
    completion = ratio(t.done, target) if target is not None else ratio(t.done, t.plan)
    progress = schedule_progress(as_of, config.year)
    industries = config.industries
    intensity = ratio(t.stated_total * 10000, t.stated_area)
    figures: Figures = {
        "在建项目数": t.go,
        "亿元以上项目数": t.yi,
        "十亿元以上项目数": t.ten_yi,
        "新建项目数": t.newly_built,
        "续建项目数": t.continuing,
        "新开工项目数": t.new,
        "新开工亿元以上项目数": t.new_yi,
        "新开工十亿元以上项目数": t.new_ten_yi,
        "新开工产业项目数": None if industries is None else t.new_industry,
        "新开工产业项目占比": None if industries is None else ratio(t.new_industry, t.new),
        "计划开工项目数": t.planned,
        "未入统项目数": t.unstat,
        "竣工项目数": t.finished,
        "投产项目数": t.operating,
        "招商签约项目数": t.signed,
        "招商落地项目数": t.landed,
        "年度计划投资": t.plan,
        "完成投资": t.done,
        "当月完成投资": t.month,
        "投资完成率": completion,
        "序时进度": progress,
        "进度差": None if completion is None else completion - progress,
        "开工率": ratio(t.due_started, t.due),
        "复工率": ratio(t.resumed, t.continuing),
        "入统率": ratio(t.big_in_stats, t.big),
        "招商落地率": ratio(t.landed, t.signed),
        "谋划项目数": t.reserve,
        "谋划亿元以上项目数": t.reserve_yi,
        "谋划总投资": t.reserve_total,
        "转化率": ratio(t.converted, t.reserve_year),
        "问题数": t.issues,
        "已解决问题数": t.solved,
        "超期问题数": t.late,
        "问题解决率": ratio(t.solved, t.issues),
        "秘书配备率": ratio(t.staffed, t.kept),
        "走访达标率": ratio(t.visited, t.big),
        "新开工用地面积": t.industrial.quantize(CENT, ROUND_HALF_EVEN),
        "投资强度": None if intensity is None else round_half_even(intensity, 2),  # 元/m²
    }
    assert list(figures) == list(METRIC_KINDS)
    return figures


@dataclass(frozen=True)
class Breakdown:
    """The tallies of a repository's records by region and 类别 as of a date (:func:`breakdown`):
    every scope's figures (a region, 全市) and every category's (分类别) add up from these cells,
    so the records are tallied once for all of them."""

    #: (region, 类别 or None) → the tally of its records, in the order each cell is first met.
    cells: dict[tuple[str, str | None], Tally]

    def scope(self, scope: str) -> Tally:
        """A region's tally, or 全市's (every record, listed region or not)."""
        return sum((t for (region, _c), t in self.cells.items() if scope in (CITY, region)), Tally())

    def categories(self, scope: str) -> dict[str | None, Tally]:
        """The scope's tally by 类别 (None: without one), in the order each 类别 is first met."""
        found: dict[str | None, Tally] = {}
        for (region, category), t in self.cells.items():
            if scope in (CITY, region):
                found[category] = found[category] + t if category in found else t
        return found


def breakdown(repo: Repository, as_of: date, remote: Remote | None = None) -> Breakdown:
    """The :class:`Breakdown` of the repository's records as of ``as_of``; with ``remote`` (a
    split load's worker, loading.load_split) of this process's records and the worker's together,
    each side tallying its own (:func:`cell_parts`)."""
    if remote is None:
        return Breakdown(tallies(repo.records, config_of(repo), as_of, lambda r: (r.region, r.project.category)))
    rank = file_ranks(repo)
    there = remote.call(cell_parts, config_of(repo), as_of, rank)
    return breakdown_of(merge_cells(cell_parts(repo.records, config_of(repo), as_of, rank), there.result()))


#: Where a record is in the repository: (its file's place in the walk, its index in the file).
Position = tuple[int, int]
#: (region, 类别) → the position of its first record, and the tally of its records.
Cells = dict[tuple[str, str | None], tuple[Position, Tally]]


def file_ranks(repo: Repository) -> dict[str, int]:
    """Each file's place in the repository (for :data:`Position`)."""
    return {lf.file: i for i, lf in enumerate(repo.files)}


def position_of(rec: Record, rank: dict[str, int]) -> Position:
    """Where ``rec`` is in the repository (``rank``: :func:`file_ranks`)."""
    return rank[rec.file], rec.index


def cell_parts(records: list[Record], config: Config, as_of: date, rank: dict[str, int]) -> Cells:
    """The tallies of ``records`` by (region, 类别) with their first records' positions: the
    cells of disjoint records merge (:func:`merge_cells`) into those of all, in their order."""
    first: dict[tuple[str, str | None], Position] = {}
    for rec in records:
        first.setdefault((rec.region, rec.project.category), position_of(rec, rank))
    counted = tallies(records, config, as_of, lambda r: (r.region, r.project.category))
    return {key: (first[key], t) for key, t in counted.items()}


def merge_cells(one: Cells, other: Cells) -> Cells:
    """The :func:`cell_parts` of two disjoint sets of records together."""
    cells = dict(one)
    for key, (at, counted) in other.items():
        if key in cells:
            mine, total = cells[key]
            cells[key] = (min(mine, at), total + counted)
        else:
            cells[key] = (at, counted)
    return cells


def breakdown_of(cells: Cells) -> Breakdown:
    """The :class:`Breakdown` of merged cells: in the order their first records come."""
    return Breakdown({key: t for key, (_at, t) in sorted(cells.items(), key=lambda kv: kv[1][0])})


def compute_metrics(repo: Repository, as_of: date, counted: Breakdown | None = None) -> dict[str, Figures]:
    """Scope (each region in xiangmu.yaml order, then 全市) → metric name → value; from
    ``counted`` (the repository's :func:`breakdown` at ``as_of``) when the caller has it.

    A record in a folder xiangmu.yaml does not list counts in 全市 only."""
    config = config_of(repo)
    counted = counted or breakdown(repo, as_of)
    return {scope: tally_figures(counted.scope(scope), config, as_of, scope) for scope in scopes(repo)}


# --- targets -----------------------------------------------------------------------------------


def target_rows(
    repo: Repository, as_of: date, figures: dict[str, Figures] | None = None, *, region: str | None = None
) -> list[TargetRow]:
    """Each target of xiangmu.yaml 目标 (全市 first, then regions in order), against its actual;
    only ``region``'s when given.

    Row keys: 地区, 指标, 目标, 实际, 完成率 (actual ÷ target), 是否完成 (actual ≥ target; None
    when the actual is absent), and for 年度投资 also 序时进度 and 进度差 (None otherwise). A
    同比增长 target (``完成投资同比增长``) reads its actual from ``figures`` (see
    :func:`~xiangmu_cli.figures.growth.with_growth`; absent without last year's archive) and
    has no 完成率.
    """
    config = config_of(repo)
    figures = figures or compute_metrics(repo, as_of)
    rows: list[TargetRow] = []
    for scope in [CITY, *config.region_names]:
        if region is not None and scope != region:
            continue
        for key, target in config.targets.get(scope, {}).items():
            grows = key in GROWTH_KEYS  # a 同比增长: in ``figures`` only with last year's archive
            if key != "年度投资" and key not in METRIC_KINDS and not grows:
                continue  # an unknown key is a validation error (E209), not a target
            actual = figures[scope].get("完成投资" if key == "年度投资" else key)
            # a growth may be negative or zero: no 完成率 (actual ÷ target), only whether it is met
            rate = None if actual is None or grows else ratio(actual, target)
            progress = schedule_progress(as_of, config.year) if key == "年度投资" else None  # the figures' 序时进度
            rows.append(
                {
                    "地区": scope,
                    "指标": key,
                    "目标": target,
                    "实际": actual,
                    "完成率": rate,
                    "是否完成": None if actual is None else actual >= target,
                    "序时进度": progress,
                    "进度差": None if rate is None or progress is None else rate - progress,
                }
            )
    return rows
