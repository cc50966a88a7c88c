"""Fixed vocabulary of the contract: ledger names and metric names (exact, as in docs/metrics.md)."""

from __future__ import annotations

from enum import Enum

__all__ = [
    "Ledger",
    "LEDGERS",
    "CONFIG_FILE",
    "METRIC_KINDS",
    "TARGET_KEYS",
    "EVALUATION_KEYS",
    "CITY",
    "ARCHIVE_FOLDER",
    "GROWTH_METRICS",
    "GROWTH_KEYS",
    "growth_key",
    "last_year_key",
]

CONFIG_FILE = "xiangmu.yaml"
#: The name used for the whole city in 目标 and in every table.
CITY = "全市"


class Ledger(str, Enum):
    """The five ledgers, in the order they are listed everywhere: the four of the key projects
    (重点项目) of the year, then the project reserve (谋划, 储备库), whose projects are not yet
    among them."""

    BUILDING = "在建"  # started, in the statistics database
    UNSTAT = "未入统"  # started, not yet in it
    PLANNED = "计划开工"
    INVESTMENT = "招商"
    RESERVE = "谋划"  # the 储备库: planned before being scheduled (转化 → 计划开工)

    @property
    def filename(self) -> str:
        return f"{self.value}.yaml"

    @property
    def started(self) -> bool:
        return self in (Ledger.BUILDING, Ledger.UNSTAT)


LEDGERS: tuple[Ledger, ...] = tuple(Ledger)

#: Every metric of docs/metrics.md with its kind: "count" and "sum" targets are a region's own only,
#: "rate" targets fall back to 全市's (see the 考评 rules).
METRIC_KINDS: dict[str, str] = {
    "在建项目数": "count",
    "亿元以上项目数": "count",
    "十亿元以上项目数": "count",
    "新建项目数": "count",
    "续建项目数": "count",
    "新开工项目数": "count",
    "新开工亿元以上项目数": "count",
    "新开工十亿元以上项目数": "count",
    "新开工产业项目数": "count",
    "新开工产业项目占比": "rate",
    "计划开工项目数": "count",
    "未入统项目数": "count",
    "竣工项目数": "count",
    "投产项目数": "count",
    "招商签约项目数": "count",
    "招商落地项目数": "count",
    "年度计划投资": "sum",
    "完成投资": "sum",
    "当月完成投资": "sum",
    "投资完成率": "rate",
    "序时进度": "rate",
    "进度差": "rate",
    "开工率": "rate",
    "复工率": "rate",
    "入统率": "rate",
    "招商落地率": "rate",
    # the project reserve (谋划, 储备库); no other figure counts a project at the 谋划 stage
    "谋划项目数": "count",
    "谋划亿元以上项目数": "count",
    "谋划总投资": "sum",
    "转化率": "rate",
    "问题数": "count",
    "已解决问题数": "count",
    "超期问题数": "count",
    "问题解决率": "rate",
    "秘书配备率": "rate",
    "走访达标率": "rate",
    "新开工用地面积": "sum",
    "投资强度": "sum",
}

# --- 同比 and the archive (issue 16) ---------------------------------------------------------

#: The folder beside the ledgers folder that holds each closed year (xm rollover): 归档/2018/ is
#: the ledgers of 年度 2018 as they were when the year was closed.
ARCHIVE_FOLDER = "归档"

#: The metrics compared with the same as-of a year earlier (同比), where a growth target makes sense.
GROWTH_METRICS: tuple[str, ...] = ("完成投资", "新开工项目数", "新开工亿元以上项目数", "在建项目数", "当月完成投资")


def growth_key(metric: str) -> str:
    """The name of a metric's 同比增长 (a figure, a column and a 目标 key): 完成投资同比增长."""
    return f"{metric}同比增长"


def last_year_key(metric: str) -> str:
    """The name of a metric's 上年同期 (a figure and a column): 完成投资上年同期."""
    return f"{metric}上年同期"


#: The 同比增长 names, which 目标 may set (``完成投资同比增长: 0.10``).
GROWTH_KEYS: tuple[str, ...] = tuple(growth_key(m) for m in GROWTH_METRICS)

# ---------------------------------------------------------------------------------------------

#: Keys allowed in 考评.指标: the metrics, and 年度投资 (the year's investment target, whose
#: actual is 完成投资).
EVALUATION_KEYS: tuple[str, ...] = ("年度投资", *METRIC_KINDS)
#: Keys allowed in xiangmu.yaml 目标: those of 考评, and the 同比增长 of :data:`GROWTH_METRICS`.
TARGET_KEYS: tuple[str, ...] = (*EVALUATION_KEYS, *GROWTH_KEYS)
