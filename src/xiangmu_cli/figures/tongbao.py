"""The 通报 sections of the monthly report: the 综述, the 红黑榜 and the overdue items by region.

A 月调度通报 opens with a short 综述 — a few paragraphs of figures in the register of a
government notice, money in 亿元 and gaps in 个百分点 — then names the regions ahead and behind (红
榜, 黑榜), and summarises the overdue items region by kind before listing them. Everything here
is built from figures computed elsewhere (:mod:`metrics`, :mod:`overdue`, :mod:`scoring`,
:func:`report.changes_between`); nothing is computed twice, and the text is data (the report's
``综述``, a list of paragraphs), written from exact values and rounded once, half-even:

- 亿元 with two decimals (万元 ÷ 10000, exact before rounding): ``3510982`` → ``351.10亿元``;
- rates as percentages with one decimal (``74.7%``), as in every table;
- 进度差 and 同比 in 个百分点 / percent with one decimal, said in words (高于 / 低于 / 持平,
  增长 / 下降 / 持平) by the sign of the rounded value.

同比 (last year's same period, issue 16) is used when the figures carry it: a figure named
``<metric>同比增长`` (:data:`GROWTH`) next to the metric. Without it (no archive of last year) no
同比 sentence is written; nothing else changes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, TypedDict

from xiangmu_cli.figures.metrics import FigureValue, month_end
from xiangmu_cli.figures.overdue import KINDS
from xiangmu_cli.ledger.units import round_half_even
from xiangmu_cli.ledger.vocab import CITY

if TYPE_CHECKING:
    from xiangmu_cli.figures.overdue import OverdueItem
    from xiangmu_cli.figures.report import ChangeRow
    from xiangmu_cli.figures.scoring import ScoreRow
    from xiangmu_cli.ledger.model import Config

__all__ = [
    "HonourRow",
    "OverdueRegionRow",
    "GROWTH",
    "HONOUR_SIZE",
    "honour_sizes",
    "honour_rows",
    "overdue_by_region",
    "summary_paragraphs",
    "yi",
    "points",
    "percent",
    "date_words",
    "cumulative_words",
    "numeral",
]

#: The suffix of a 同比 figure: ``完成投资同比增长`` is 完成投资's growth over last year's same period
#: (a fraction; None when last year's figure is zero). ``xm`` writes a 同比 sentence for a metric
#: exactly when its figures carry this key.
GROWTH = "同比增长"
#: How many regions a 红榜 and a 黑榜 name when 考评 does not say (前列加分.名次, 后列减档.名次).
HONOUR_SIZE = 3


class HonourRow(TypedDict):
    """One region on the 红黑榜: which list (红榜/黑榜), by which ranking (投资完成率 or 考评), its
    rank in that ranking, and its figures."""

    榜单: str
    依据: str
    名次: int
    地区: str
    投资完成率: FigureValue
    进度差: FigureValue
    总分: Decimal | None


#: One row of 逾期事项分地区: 地区, the count of each kind of :data:`~overdue.KINDS`, and 合计.
OverdueRegionRow = dict[str, str | int]


# --- numbers and dates in words ----------------------------------------------------------------


def yi(amount: Decimal | int) -> str:
    """万元 as 亿元 with two decimals, half-even: ``3510982`` → ``351.10``."""
    return format(round_half_even(Decimal(amount).scaleb(-4), 2), "f")


def points(value: Fraction | Decimal) -> Decimal:
    """A fraction as percent (or 个百分点) with one decimal, half-even: ``-0.003`` → ``-0.3``."""
    return round_half_even(Fraction(value) * 100, 1)


def percent(value: Fraction | Decimal) -> str:
    """A rate as shown in every table: ``74.7%``."""
    return f"{points(value)}%"


_DIGITS = "零一二三四五六七八九"


def numeral(n: int) -> str:
    """1–99 in Chinese numerals (一, 十, 十三, 二十, 九十九), for 前三位 and the 通报's headings."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[ones] if ones else "")


def date_words(day: date) -> str:
    """``2018年9月底`` for the last day of a month, else ``2018年9月16日``."""
    if day == month_end(day.year, day.month):
        return f"{day.year}年{day.month}月底"
    return f"{day.year}年{day.month}月{day.day}日"


def cumulative_words(as_of: date, year: int) -> str:
    """The period a cumulative figure covers: ``1—9月`` (``1月`` in January) at a month end of
    年度, else ``年初以来``."""
    if as_of.year == year and as_of == month_end(as_of.year, as_of.month):
        return "1月" if as_of.month == 1 else f"1—{as_of.month}月"
    return "年初以来"


def _count(n: FigureValue) -> str:
    return str(n)


def _progress_words(gap: FigureValue) -> str | None:
    """进度差 in words: 高于/低于序时进度 x 个百分点, 与序时进度持平 (by the rounded value)."""
    return _compared(gap, "高于序时进度", "低于序时进度", "个百分点", "与序时进度持平")


def _growth_words(figures: Mapping[str, FigureValue], metric: str) -> str | None:
    """同比 in words when the figures carry it (and it is not absent): 同比增长/下降 x%, 与上年同期持平."""
    return _compared(figures.get(metric + GROWTH), "同比增长", "同比下降", "%", "与上年同期持平")


def _compared(value: FigureValue, above: str, below: str, unit: str, level: str) -> str | None:
    """A signed rate in words, by its value in percent as shown (rounded): above, below or level;
    None when there is no rate."""
    if value is None or isinstance(value, int):
        return None
    shown = points(value)
    if shown > 0:
        return f"{above}{shown}{unit}"
    if shown < 0:
        return f"{below}{-shown}{unit}"
    return level


def _joined(*parts: str | None, sep: str = "，") -> str:
    return sep.join(p for p in parts if p)


# --- 红黑榜 ---------------------------------------------------------------------------------------


def honour_sizes(config: Config) -> tuple[int, int]:
    """How many regions the 红榜 and the 黑榜 name: 考评's 前列加分.名次 and 后列减档.名次 when set
    (the regions that get 加分 and 减档), else :data:`HONOUR_SIZE` each."""
    evaluation = config.evaluation
    red = evaluation.bonus.rank if evaluation is not None and evaluation.bonus is not None else HONOUR_SIZE
    black = evaluation.demotion.rank if evaluation is not None and evaluation.demotion is not None else HONOUR_SIZE
    return red, black


def honour_rows(
    config: Config, regions: Sequence[Mapping[str, object]], evaluation: Sequence[ScoreRow] | None
) -> list[HonourRow]:
    """红黑榜: the regions at the top (红榜) and at the bottom (黑榜) by 投资完成率 and by 考评.

    By 投资完成率 (exact): 名次 is one more than the number of regions with a higher rate (ties
    share it); the 红榜 are the regions with 名次 ≤ red, the 黑榜 those with fewer than black
    regions below them, not already on the 红榜. A region without a rate is on neither. By 考评 (when
    configured): its 名次; the 红榜 are the scored regions with 名次 ≤ red (those that get 加分), the
    黑榜 those with 名次 > regions − black (those flagged 减档), not already on the 红榜. Rows: 红榜
    then 黑榜, each by 投资完成率 then 考评, by 名次, then xiangmu.yaml order.
    """
    red_size, black_size = honour_sizes(config)
    by_name = {str(r["地区"]): r for r in regions}
    order = {name: i for i, name in enumerate(config.region_names)}
    scores = {r["地区"]: r for r in evaluation or []}

    def row(board: str, basis: str, rank: int, name: str) -> HonourRow:
        figures = by_name.get(name, {})
        score = scores.get(name)
        return {
            "榜单": board,
            "依据": basis,
            "名次": rank,
            "地区": name,
            "投资完成率": _figure(figures.get("投资完成率")),
            "进度差": _figure(figures.get("进度差")),
            "总分": score["总分"] if score is not None else None,
        }

    red: list[HonourRow] = []
    black: list[HonourRow] = []
    rates = {name: _figure(r.get("投资完成率")) for name, r in by_name.items()}
    known = {name: rate for name, rate in rates.items() if rate is not None}
    for name, rate in known.items():
        rank = 1 + sum(other > rate for other in known.values())
        below = sum(other < rate for other in known.values())
        if rank <= red_size:
            red.append(row("红榜", "投资完成率", rank, name))
        elif below < black_size:
            black.append(row("黑榜", "投资完成率", rank, name))
    if evaluation:
        count = len(evaluation)
        for score in evaluation:
            rank, name = score["名次"], score["地区"]
            if score["合计"] is not None and rank <= red_size:
                red.append(row("红榜", "考评", rank, name))
            elif rank > count - black_size:
                black.append(row("黑榜", "考评", rank, name))
    bases = {"投资完成率": 0, "考评": 1}

    def key(r: HonourRow) -> tuple[int, int, int]:
        return bases[r["依据"]], r["名次"], order.get(r["地区"], len(order))

    return sorted(red, key=key) + sorted(black, key=key)


def _figure(value: object) -> FigureValue:
    if value is None or isinstance(value, (int, Decimal, Fraction)):
        return value
    raise TypeError(f"not a figure: {value!r}")


# --- overdue items by region --------------------------------------------------------------------


def overdue_by_region(items: Sequence[OverdueItem], names: Sequence[str]) -> list[OverdueRegionRow]:
    """逾期事项分地区: one row per region of ``names`` (xiangmu.yaml order) with the number of items
    of each kind and 合计, then a 全市 row of the totals when there is more than one region."""
    counts: dict[str, dict[str, int]] = {name: dict.fromkeys(KINDS, 0) for name in names}
    for item in items:
        region = counts.get(item["地区"])
        if region is not None and item["类型"] in region:
            region[item["类型"]] += 1
    rows: list[OverdueRegionRow] = [
        {"地区": name, **by_kind, "合计": sum(by_kind.values())} for name, by_kind in counts.items()
    ]
    if len(names) > 1:
        totals = {kind: sum(int(r[kind]) for r in rows) for kind in KINDS}
        rows.append({"地区": CITY, **totals, "合计": sum(totals.values())})
    return rows


# --- 综述 ----------------------------------------------------------------------------------------


def summary_paragraphs(
    *,
    scope: str,
    year: int,
    as_of: date,
    figures: Mapping[str, FigureValue],
    target: Decimal | None,
    changes: Sequence[ChangeRow],
    overdue: Sequence[OverdueItem],
    regions: Sequence[Mapping[str, object]] = (),
    honours: Sequence[HonourRow] = (),
    honour_size: tuple[int, int] = (HONOUR_SIZE, HONOUR_SIZE),
) -> list[str]:
    """综述: the monthly report's figures in a few paragraphs (investment; projects; problems and
    overdue items; for the city, the regions' standing).

    ``figures`` are the scope's (全市 or one region) with, when known, their 同比 (:data:`GROWTH`);
    ``target`` is the scope's 年度投资 target (None: 投资完成率 is against 年度计划投资, and the text
    says so); ``changes`` are the month's (本月变动), ``overdue`` the items as of ``as_of``;
    ``regions`` (分地区) and ``honours`` (红黑榜) only for the city.
    """
    when = date_words(as_of)
    period = cumulative_words(as_of, year)
    paragraphs = [
        _investment(scope, when, period, as_of, figures, target),
        _projects(figures, changes),
        _problems(when, figures, overdue, regions),
    ]
    if regions and len(regions) > 1:
        paragraphs.append(_standing(regions, honours, honour_size))
    return [p for p in paragraphs if p]


def _investment(
    scope: str, when: str, period: str, as_of: date, figures: Mapping[str, FigureValue], target: Decimal | None
) -> str:
    who = "全市" if scope == CITY else scope
    going = _joined(
        f"截至{when}，{who}在建重点项目{_count(figures['在建项目数'])}个",
        f"其中亿元以上项目{_count(figures['亿元以上项目数'])}个",
        f"新建项目{_count(figures['新建项目数'])}个、续建项目{_count(figures['续建项目数'])}个",
    )
    done = figures["完成投资"]
    rate = figures["投资完成率"]
    basis = "年度目标" if target is not None else "年度计划投资"
    cumulative = _joined(
        f"{period}累计完成投资{yi(_amount(done))}亿元",
        _growth_words(figures, "完成投资"),
        f"完成{basis}的{percent(rate)}" if isinstance(rate, (Fraction, Decimal)) else None,
        _progress_words(figures["进度差"]),
    )
    month = _joined(
        f"{as_of.month}月当月完成投资{yi(_amount(figures['当月完成投资']))}亿元",
        _growth_words(figures, "当月完成投资"),
    )
    return f"{going}。{cumulative}；{month}。"


def _amount(value: FigureValue) -> Decimal:
    if isinstance(value, (Decimal, int)):
        return Decimal(value)
    raise TypeError(f"not an amount: {value!r}")


def _rate_clause(label: str, value: FigureValue) -> str | None:
    return f"{label}{percent(value)}" if isinstance(value, (Fraction, Decimal)) else None


def _projects(figures: Mapping[str, FigureValue], changes: Sequence[ChangeRow]) -> str:
    started = _joined(
        f"今年以来新开工项目{_count(figures['新开工项目数'])}个",
        _growth_words(figures, "新开工项目数"),
        f"其中亿元以上项目{_count(figures['新开工亿元以上项目数'])}个",
    )
    parts = [
        started,
        f"竣工项目{_count(figures['竣工项目数'])}个",
        _joined(f"计划开工项目{_count(figures['计划开工项目数'])}个", _rate_clause("开工率", figures["开工率"])),
        _joined(f"未入统项目{_count(figures['未入统项目数'])}个", _rate_clause("入统率", figures["入统率"])),
    ]
    text = "；".join(parts) + "。"
    signed, landed = figures["招商签约项目数"], figures["招商落地项目数"]
    text += _joined(
        f"招商签约项目{_count(signed)}个", f"已落地{_count(landed)}个", _rate_clause("落地率", figures["招商落地率"])
    )
    text += "。"
    month = {kind: 0 for kind in ("新开工", "入统", "竣工", "签约", "落地")}
    for change in changes:
        if change["类型"] in month:
            month[change["类型"]] += 1
    happened = [f"{kind}{n}个" for kind, n in month.items() if n]
    if happened:
        first = next(kind for kind, n in month.items() if n)
        happened[0] = f"{first}项目{month[first]}个"
        text += f"本月{'、'.join(happened)}。"
    else:
        text += "本月无新开工、入统、竣工、签约和落地项目。"
    return text


def _problems(
    when: str,
    figures: Mapping[str, FigureValue],
    overdue: Sequence[OverdueItem],
    regions: Sequence[Mapping[str, object]],
) -> str:
    text = ""
    if figures["问题数"]:
        text = (
            _joined(
                f"累计梳理问题{_count(figures['问题数'])}个",
                f"已解决{_count(figures['已解决问题数'])}个",
                _rate_clause("解决率", figures["问题解决率"]),
                f"超期未解决{_count(figures['超期问题数'])}个",
            )
            + "。"
        )
    if not overdue:
        return text + f"截至{when}，无逾期事项。"
    counts = {kind: 0 for kind in KINDS}
    by_region: dict[str, int] = {}
    for item in overdue:
        counts[item["类型"]] = counts.get(item["类型"], 0) + 1
        by_region[item["地区"]] = by_region.get(item["地区"], 0) + 1
    kinds = "、".join(f"{kind}{n}项" for kind, n in counts.items() if n)
    text += f"截至{when}，共有逾期事项{len(overdue)}项，其中{kinds}。"
    if len(regions) > 1:
        order = {str(r["地区"]): i for i, r in enumerate(regions)}
        most = sorted(by_region.items(), key=lambda kv: (-kv[1], order.get(kv[0], len(order))))[:HONOUR_SIZE]
        text += f"逾期事项较多的地区是{'、'.join(f'{name}（{n}项）' for name, n in most)}。"
    return text


def _standing(
    regions: Sequence[Mapping[str, object]], honours: Sequence[HonourRow], honour_size: tuple[int, int]
) -> str:
    red_size, black_size = honour_size

    def names(board: str, basis: str) -> str:
        return "、".join(r["地区"] for r in honours if r["榜单"] == board and r["依据"] == basis)

    gaps = [_figure(r.get("进度差")) for r in regions]
    ahead = sum(1 for g in gaps if g is not None and g >= 0)
    behind = sum(1 for g in gaps if g is not None and g < 0)
    sentences = []
    top, bottom = names("红榜", "投资完成率"), names("黑榜", "投资完成率")
    if top or bottom:
        sentences.append(
            "从投资完成率看，"
            + _joined(
                f"{top}居前{numeral(red_size)}位" if top else None,
                f"{bottom}居后{numeral(black_size)}位" if bottom else None,
                sep="；",
            )
            + "。"
        )
    sentences.append(
        f"{len(regions)}个地区中，{ahead}个地区达到或超过序时进度，{behind}个地区落后于序时进度。"
        if ahead + behind
        else ""
    )
    top, bottom = names("红榜", "考评"), names("黑榜", "考评")
    if top or bottom:
        sentences.append(
            "考评排名"
            + _joined(
                f"前{numeral(red_size)}位的是{top}" if top else None,
                f"后{numeral(black_size)}位的是{bottom}" if bottom else None,
                sep="，",
            )
            + "。"
        )
    return "".join(sentences)
