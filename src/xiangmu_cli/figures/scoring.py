"""考评: per-region scores, totals, ranks, 加分 and 减档 (docs/metrics.md "Evaluation").

For each region and each metric in 考评.指标 with weight w: ratio = actual ÷ target, score =
w × min(ratio, 封顶). Rates take the region's own target, else 全市's, else 1; counts, sums and
年度投资 take the region's own target only, and a region without one is not scored on that
metric. 投资完成率 is judged against time: its target is × 序时进度. The total is rescaled over
the scored weights: Σ scored (w × min(ratio, 封顶)) × W ÷ Σ scored w. Everything is computed
exactly (fractions) and rounded once, half-even to 2 places, where shown (1/6 against 0.8 with
w = 15 is 3.125 → 3.12); ranks go by rounded total.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, TypedDict

from xiangmu_cli.figures.metrics import (
    Figures,
    FigureValue,
    compute_metrics,
    config_of,
    ratio,
    region_positions,
    schedule_progress,
)
from xiangmu_cli.ledger.units import round_half_even
from xiangmu_cli.ledger.vocab import CITY, METRIC_KINDS

if TYPE_CHECKING:
    from xiangmu_cli.ledger.model import Config
    from xiangmu_cli.reading.records import Repository

__all__ = ["PERIODS", "ScoreDetail", "ScoreRow", "period_as_of", "evaluate"]

PERIODS = ("三季度", "年终")


class ScoreDetail(TypedDict):
    """One metric of a region's 考评: 比率 and 得分 are None when the metric is not scored."""

    权重: Decimal
    实际: FigureValue
    目标: Fraction | Decimal | None
    比率: Fraction | None
    得分: Decimal | None


class ScoreRow(TypedDict):
    """One region's 考评 (:func:`evaluate`); 合计 and 总分 are None when nothing was scored."""

    地区: str
    指标: dict[str, ScoreDetail]
    合计: Decimal | None
    名次: int
    加分: Decimal
    总分: Decimal | None
    减档: bool


def period_as_of(repo: Repository, period: str) -> date:
    """三季度 → 年度-09-30, 年终 → 年度-12-31."""
    year = config_of(repo).year
    if period == "三季度":
        return date(year, 9, 30)
    if period == "年终":
        return date(year, 12, 31)
    raise ValueError(f"考评期「{period}」应为 三季度 或 年终")


def _target(config: Config, region: str, key: str) -> Decimal | None:
    own = config.targets.get(region, {}).get(key)
    if own is not None or key == "年度投资" or METRIC_KINDS[key] != "rate":
        return own
    city = config.targets.get(CITY, {}).get(key)
    return city if city is not None else Decimal(1)


def evaluate(
    repo: Repository, as_of: date, figures: dict[str, Figures] | None = None, region: str | None = None
) -> list[ScoreRow]:
    """One row per region, by rank (then xiangmu.yaml order); only ``region``'s row when given
    (ranked among all regions: its 名次 is its place in the city).

    Row keys: 地区, 指标 (metric → {权重, 实际, 目标, 比率, 得分}; 比率 and 得分 are None when the
    metric is not scored), 合计 (None when nothing was scored), 名次, 加分, 总分, 减档.
    Returns [] when 考评 is not configured.
    """
    only = region  # the loops below name each region
    config = config_of(repo)
    evaluation = config.evaluation
    if evaluation is None or not evaluation.weights:
        return []
    figures = figures or compute_metrics(repo, as_of)
    cap = Fraction(evaluation.cap if evaluation.cap is not None else Decimal("1.2"))
    progress = schedule_progress(as_of, config.year)
    # An unknown metric is a validation error (E209); it is left out here, and out of W.
    weights = {k: w for k, w in evaluation.weights.items() if k == "年度投资" or k in METRIC_KINDS}
    all_weight = sum((Fraction(w) for w in weights.values()), Fraction(0))
    scored: list[tuple[str, dict[str, ScoreDetail], Decimal | None]] = []  # (地区, 指标, 合计)
    for region in config.region_names:
        details: dict[str, ScoreDetail] = {}
        scored_sum, scored_weight = Fraction(0), Fraction(0)
        for key, weight in weights.items():
            actual = figures[region]["完成投资" if key == "年度投资" else key]
            target: Fraction | Decimal | None = _target(config, region, key)
            if key == "投资完成率" and target is not None:
                # judged against time: on schedule in September (75% of the year's target) is full marks
                target = Fraction(target) * progress if progress else None
            rate = None if actual is None or target is None else ratio(actual, target)
            score = None if rate is None else Fraction(weight) * min(rate, cap)
            if score is not None:
                scored_sum += score
                scored_weight += Fraction(weight)
            details[key] = {
                "权重": weight,
                "实际": actual,
                "目标": target,
                "比率": rate,
                "得分": None if score is None else round_half_even(score, 2),
            }
        total = None if scored_weight == 0 else round_half_even(scored_sum * all_weight / scored_weight, 2)
        scored.append((region, details, total))

    # Rank by rounded total: one more than the number of regions ahead; the unscored rank last.
    totals = [total for _, _, total in scored if total is not None]
    bonus_rank = evaluation.bonus.rank if evaluation.bonus is not None else 0
    bonus = evaluation.bonus.points if evaluation.bonus is not None else Decimal(0)
    demoted_from = len(scored) - (evaluation.demotion.rank if evaluation.demotion is not None else 0)
    rows: list[ScoreRow] = []
    for region, details, total in scored:
        rank = len(totals) + 1 if total is None else 1 + sum(other > total for other in totals)
        points = bonus if total is not None and rank <= bonus_rank else Decimal(0)
        rows.append(
            {
                "地区": region,
                "指标": details,
                "合计": total,
                "名次": rank,
                "加分": points,
                "总分": None if total is None else total + points,
                "减档": evaluation.demotion is not None and rank > demoted_from,
            }
        )
    positions = region_positions(config)
    rows.sort(key=lambda r: (r["名次"], positions[r["地区"]]))
    return [row for row in rows if only is None or row["地区"] == only]
