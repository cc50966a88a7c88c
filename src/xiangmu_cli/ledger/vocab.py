"""Fixed vocabulary of the contract: ledger names and metric names (exact, as in docs/metrics.md)."""

from __future__ import annotations

from enum import Enum

__all__ = ["Ledger", "LEDGERS", "CONFIG_FILE", "METRIC_KINDS", "TARGET_KEYS", "CITY"]

CONFIG_FILE = "xiangmu.yaml"
#: The name used for the whole city in 目标 and in every table.
CITY = "全市"


class Ledger(str, Enum):
    """The four ledgers, in the order they are listed everywhere."""

    BUILDING = "在建"  # started, in the statistics database
    UNSTAT = "未入统"  # started, not yet in it
    PLANNED = "计划开工"
    INVESTMENT = "招商"

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
    "问题数": "count",
    "已解决问题数": "count",
    "超期问题数": "count",
    "问题解决率": "rate",
    "秘书配备率": "rate",
    "走访达标率": "rate",
    "新开工用地面积": "sum",
    "投资强度": "sum",
}

#: Keys allowed in xiangmu.yaml 目标 and 考评.指标: the metrics, and 年度投资 (the year's
#: investment target, whose actual is 完成投资).
TARGET_KEYS: tuple[str, ...] = ("年度投资", *METRIC_KINDS)
