"""Overdue items (metrics.md "Overdue items") on small hand-counted ledgers.

Every due date and 逾期天数 (as-of − due) is worked out by hand in the comments.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from xiangmu_cli.figures.overdue import overdue_items
from xiangmu_cli.reading.loading import Repository

from .conftest import LEAP, load_repo


def brief(items: list[dict]) -> list[tuple]:
    return [(it["类型"], it["地区"], it["编号"], it["到期日期"], it["逾期天数"]) for it in items]


# =============================================================================================
# Main fixture: all eight kinds. 高新区 is listed BEFORE 船营区 in xiangmu.yaml (the reverse of
# their code-point order, 船 U+8239 < 高 U+9AD8), so ties must follow xiangmu.yaml.
# =============================================================================================

CONFIG = """\
名称: 测试台账
年度: 2018
口径:
  入库门槛: 5000
  走访周期: 15
  入统时限: 2018-06-30
领导:
  - {姓名: 张明, 职务: 副市长}
  - {姓名: 李华, 职务: 区长}
地区:
  - {名称: 高新区, 类型: 开发区}
  - {名称: 船营区, 类型: 区县}
"""

GX_BUILDING = """\
项目:
  - 编号: GX-101
    名称: 光电子芯片项目
    总投资: 20000
    包保领导: 张明
    项目秘书: 陈晨
    责任单位: 高新区发改局
    建设性质: 新建
    开工日期: 2018-03-01
    计划竣工日期: 2018-08-30
    年度计划投资: 5000
    完成投资: {2018-08: 700, 2018-09: 800}
    走访: [2018-09-20]
    问题:
      - {提出日期: 2018-06-01, 内容: 用地指标, 责任单位: 市自然资源局, 时限: 2018-08-31}
      - {提出日期: 2018-07-01, 内容: 电力增容, 时限: 2018-07-31, 解决日期: 2018-10-08}
      - {提出日期: 2018-05-01, 内容: 道路接口, 时限: 2018-05-31, 解决日期: 2018-06-10}
  - 编号: GX-102
    名称: 科技企业孵化器
    总投资: 8000
    项目秘书: 陈晨
    建设性质: 新建
    开工日期: 2018-08-10
    年度计划投资: 1000
    完成投资: {2018-08: 100}
    走访: [2018-10-02]
"""

GX_UNSTAT = """\
项目:
  - 编号: GX-103
    名称: 生物医药中试基地
    总投资: 6000
    项目秘书: 刘洋
    建设性质: 新建
    开工日期: 2018-05-01
    年度计划投资: 1000
    完成投资: {2018-09: 300}
    走访: [2018-09-25]
    未入统原因: 手续未齐
"""

GX_PLANNED = """\
项目:
  - 编号: GX-104
    名称: 数据中心
    总投资: 5000
    包保领导: 张明
    项目秘书: 刘洋
    计划开工日期: 2018-07-01
    前期手续:
      - {名称: 立项, 计划办结: 2018-05-01, 办结日期: 2018-04-20}
      - {名称: 用地, 计划办结: 2018-06-15}
      - {名称: 环评, 计划办结: 2018-06-30, 办结日期: 2018-10-10}
      - {名称: 施工许可, 计划办结: 2018-10-15}
"""

GX_INVESTMENT = """\
项目:
  - 编号: GX-105
    名称: 新材料产业园
    总投资: 30000
    阶段: 签约
    投资方: 浙江某集团
    签约日期: 2018-03-01
    计划落地日期: 2018-07-01
  - 编号: GX-106
    名称: 电子元件项目
    总投资: 12000
    阶段: 落地
    投资方: 江苏某公司
    签约日期: 2018-02-01
    计划落地日期: 2018-06-30
    落地日期: 2018-10-05
  - 编号: GX-107
    名称: 食品加工项目
    总投资: 15000
    阶段: 落地
    投资方: 广东某公司
    责任单位: 高新区招商局
    签约日期: 2018-01-10
    计划落地日期: 2018-03-31
    落地日期: 2018-04-01
    问题:
      - {提出日期: 2018-08-01, 内容: 厂房交付, 时限: 2018-09-10}
  - 编号: GX-108
    名称: 医药中间体项目
    总投资: 8000
    阶段: 签约
    投资方: 山东某公司
    签约日期: 2018-10-02
    计划落地日期: 2018-09-01
"""

CY_BUILDING = """\
项目:
  - 编号: CY-101
    名称: 江北污水处理厂改造
    总投资: 12000
    包保领导: 李华
    项目秘书: 王芳
    责任单位: 船营区发改局
    建设性质: 续建
    开工日期: 2017-04-01
    复工日期: 2018-03-01
    年度计划投资: 3000
    完成投资: {2018-03: 100, 2018-08: 200}
    走访: [2018-09-15]
  - 编号: CY-102
    名称: 社区卫生服务中心
    总投资: 9000
    项目秘书: 王芳
    建设性质: 新建
    开工日期: 2018-02-01
    计划竣工日期: 2018-08-31
    竣工日期: 2018-08-20
    年度计划投资: 2000
    完成投资: {2018-02: 500, 2018-08: 100}
    走访: [2018-09-28]
    问题:
      - {提出日期: 2018-10-03, 内容: 尾款结算, 时限: 2018-09-15}
  - 编号: CY-103
    名称: 汽车零部件产业园
    总投资: 7000
    项目秘书: 王芳
    建设性质: 新建
    开工日期: 2018-09-03
    年度计划投资: 1000
    完成投资: {2018-09: 50}
    走访: [2018-09-05]
  - 编号: CY-104
    名称: 商贸物流中心
    总投资: 6000
    项目秘书: 王芳
    建设性质: 新建
    开工日期: 2018-10-01
    计划竣工日期: 2018-09-01
    年度计划投资: 1000
  - 编号: CY-105
    名称: 老旧小区改造
    总投资: 4000
    建设性质: 续建
    开工日期: 2016-05-01
    竣工日期: 2018-09-10
    年度计划投资: 500
    完成投资: {2018-08: 100}
"""

CY_UNSTAT = """\
项目:
  - 编号: CY-106
    名称: 冷链物流项目
    总投资: 5000
    项目秘书: 王芳
    建设性质: 新建
    开工日期: 2018-04-01
    年度计划投资: 800
    完成投资: {2018-09: 10}
    走访: [2018-09-29]
    未入统原因: 规模未达
    入统时限: 2018-07-31
  - 编号: CY-107
    名称: 农产品加工项目
    总投资: 5500
    项目秘书: 王芳
    建设性质: 新建
    开工日期: 2018-06-01
    年度计划投资: 800
    完成投资: {2018-09: 20}
    走访: [2018-09-20]
    未入统原因: 刚开工
    入统时限: 2018-10-31
"""

CY_PLANNED = """\
项目:
  - 编号: CY-108
    名称: 智慧停车场
    总投资: 5000
    项目秘书: 赵敏
    计划开工日期: 2018-09-30
  - 编号: CY-109
    名称: 体育中心
    总投资: 8000
    包保领导: 李华
    项目秘书: 赵敏
    责任单位: 船营区住建局
    计划开工日期: 2018-09-29
"""

MAIN = {
    "xiangmu.yaml": CONFIG,
    "高新区/在建.yaml": GX_BUILDING,
    "高新区/未入统.yaml": GX_UNSTAT,
    "高新区/计划开工.yaml": GX_PLANNED,
    "高新区/招商.yaml": GX_INVESTMENT,
    "船营区/在建.yaml": CY_BUILDING,
    "船营区/未入统.yaml": CY_UNSTAT,
    "船营区/计划开工.yaml": CY_PLANNED,
}
MAIN_WARNINGS = {("W101", "CY-105")}  # 总投资 4000 < 入库门槛 5000


@pytest.fixture
def main_repo(tmp_path: Path) -> Repository:
    return load_repo(tmp_path, MAIN, MAIN_WARNINGS)


SEP30 = date(2018, 9, 30)


def test_every_kind_in_order_as_of_sep30(main_repo: Repository) -> None:
    # 2018-09-30 is the last day of September, so 投资漏报 looks at M = 2018-09.
    assert brief(overdue_items(main_repo, SEP30)) == [
        # GX-104 手续 用地: 计划办结 06-15, not done: 09-30 − 06-15 = 15 + 31 + 31 + 30 = 107
        ("手续超期", "高新区", "GX-104", date(2018, 6, 15), 107),
        # 92-day tie (due 06-30), all in 高新区, by 编号:
        # GX-103: 未入统 without own 入统时限 → 口径.入统时限 06-30
        ("超期未入统", "高新区", "GX-103", date(2018, 6, 30), 92),
        # GX-104 手续 环评: done 10-10, after as-of → still overdue
        ("手续超期", "高新区", "GX-104", date(2018, 6, 30), 92),
        # GX-106: 落地 but 落地日期 10-05 is after as-of; 计划落地日期 06-30
        ("签约未落地", "高新区", "GX-106", date(2018, 6, 30), 92),
        # 91-day tie (due 07-01): GX-104 计划开工日期, GX-105 计划落地日期
        ("未按期开工", "高新区", "GX-104", date(2018, 7, 1), 91),
        ("签约未落地", "高新区", "GX-105", date(2018, 7, 1), 91),
        # 61-day tie (due 07-31): 高新区 before 船营区 as in xiangmu.yaml
        # GX-101 问题 电力增容: 时限 07-31, solved 10-08 after as-of → unsolved
        ("问题超期", "高新区", "GX-101", date(2018, 7, 31), 61),
        # CY-106: own 入统时限 07-31 (wins over 口径 06-30)
        ("超期未入统", "船营区", "CY-106", date(2018, 7, 31), 61),
        # GX-102: no 走访 ≤ as-of (10-02 is later) → 开工日期 08-10 + 15 = 08-25; 09-30 − 08-25 = 36
        ("走访超期", "高新区", "GX-102", date(2018, 8, 25), 36),
        # GX-101: 计划竣工日期 08-30, no 竣工日期 → 31
        ("超期未竣工", "高新区", "GX-101", date(2018, 8, 30), 31),
        # GX-101 问题 用地指标: 时限 08-31, unsolved → 30
        ("问题超期", "高新区", "GX-101", date(2018, 8, 31), 30),
        # GX-107 (招商, landed): its problem 厂房交付, 时限 09-10 → 20
        ("问题超期", "高新区", "GX-107", date(2018, 9, 10), 20),
        # CY-103: last visit 09-05 + 15 = 09-20 → 10
        ("走访超期", "船营区", "CY-103", date(2018, 9, 20), 10),
        # CY-109: 计划开工日期 09-29 → 1
        ("未按期开工", "船营区", "CY-109", date(2018, 9, 29), 1),
        # 投资漏报, M = 2018-09, due 09-30 → 0 days; 高新区 first, then 编号
        ("投资漏报", "高新区", "GX-102", date(2018, 9, 30), 0),  # reported Aug, not Sep
        ("投资漏报", "船营区", "CY-101", date(2018, 9, 30), 0),  # reported Mar, Aug, not Sep
        ("投资漏报", "船营区", "CY-105", date(2018, 9, 30), 0),  # finished 09-10, inside M: still due
    ]
    # Not listed, and why:
    # GX-101 走访 09-20 + 15 = 10-05 not yet; its Sep 完成投资 is reported; its 道路接口 problem solved.
    # GX-103 has Sep; GX-104 立项 done 04-20, 施工许可 due 10-15; GX-107 landed 04-01;
    # GX-108 signs 10-02, after as-of. CY-101 走访 09-15 + 15 = 09-30, not < as-of.
    # CY-102 finished 08-20, before M began (no 漏报) and before 计划竣工 08-31; its problem is
    # raised 10-03, after as-of. CY-103 has Sep. CY-104 starts 10-01 (not started: no 超期未竣工).
    # CY-105 4000 < 入库门槛 (no 走访超期). CY-106/107 have Sep and recent visits; CY-107's own
    # 入统时限 10-31 overrides the passed 口径 06-30. CY-108 计划开工日期 = as-of, not < as-of.


def test_one_item_per_problem_and_per_approval(main_repo: Repository) -> None:
    items = overdue_items(main_repo, SEP30)
    problems = [(it["编号"], it["到期日期"]) for it in items if it["类型"] == "问题超期"]
    assert problems == [("GX-101", date(2018, 7, 31)), ("GX-101", date(2018, 8, 31)), ("GX-107", date(2018, 9, 10))]
    approvals = [(it["编号"], it["到期日期"]) for it in items if it["类型"] == "手续超期"]
    assert approvals == [("GX-104", date(2018, 6, 15)), ("GX-104", date(2018, 6, 30))]


def test_responsible_people_and_names(main_repo: Repository) -> None:
    items = overdue_items(main_repo, SEP30)

    def who(kind: str, code: str, due: date) -> tuple:
        [it] = [it for it in items if (it["类型"], it["编号"], it["到期日期"]) == (kind, code, due)]
        return it["名称"], it["包保领导"], it["项目秘书"], it["责任单位"]

    # 问题超期 takes the problem's own 责任单位 when it has one …
    assert who("问题超期", "GX-101", date(2018, 8, 31)) == ("光电子芯片项目", "张明", "陈晨", "市自然资源局")
    # … else the project's
    assert who("问题超期", "GX-101", date(2018, 7, 31)) == ("光电子芯片项目", "张明", "陈晨", "高新区发改局")
    assert who("超期未竣工", "GX-101", date(2018, 8, 30)) == ("光电子芯片项目", "张明", "陈晨", "高新区发改局")
    assert who("走访超期", "GX-102", date(2018, 8, 25)) == ("科技企业孵化器", None, "陈晨", None)
    assert who("未按期开工", "CY-109", date(2018, 9, 29)) == ("体育中心", "李华", "赵敏", "船营区住建局")
    assert who("手续超期", "GX-104", date(2018, 6, 15)) == ("数据中心", "张明", "刘洋", None)
    assert who("投资漏报", "CY-101", date(2018, 9, 30)) == ("江北污水处理厂改造", "李华", "王芳", "船营区发改局")
    assert who("签约未落地", "GX-105", date(2018, 7, 1)) == ("新材料产业园", None, None, None)
    assert who("问题超期", "GX-107", date(2018, 9, 10)) == ("食品加工项目", None, None, "高新区招商局")


def test_mid_month_as_of_uses_the_previous_month(main_repo: Repository) -> None:
    # As of 2018-09-20 (not a month's last day), M = 2018-08, due 08-31, 20 days.
    leaks = [it for it in overdue_items(main_repo, date(2018, 9, 20)) if it["类型"] == "投资漏报"]
    # Aug reported by GX-101, GX-102, CY-101, CY-102, CY-105; GX-103, CY-106, CY-107 started
    # before Aug and did not report it; CY-103 started 09-03, after M.
    assert brief(leaks) == [
        ("投资漏报", "高新区", "GX-103", date(2018, 8, 31), 20),
        ("投资漏报", "船营区", "CY-106", date(2018, 8, 31), 20),
        ("投资漏报", "船营区", "CY-107", date(2018, 8, 31), 20),
    ]


def test_events_after_as_of(main_repo: Repository) -> None:
    # As of 2018-10-12: GX-101's 电力增容 solved (10-08), GX-104's 环评 done (10-10), GX-106
    # landed (10-05), GX-108 signed 10-02 (计划落地 09-01 → 41 days), CY-102's problem raised
    # 10-03 (时限 09-15 → 27 days), CY-104 started 10-01 (计划竣工 09-01 → 41 days).
    items = overdue_items(main_repo, date(2018, 10, 12))
    keys = {(it["类型"], it["编号"], it["到期日期"], it["逾期天数"]) for it in items}
    assert ("问题超期", "GX-101", date(2018, 7, 31), 73) not in keys
    assert not any(k[:3] == ("手续超期", "GX-104", date(2018, 6, 30)) for k in keys)
    assert not any(k[:2] == ("签约未落地", "GX-106") for k in keys)
    assert ("签约未落地", "GX-108", date(2018, 9, 1), 41) in keys
    assert ("问题超期", "CY-102", date(2018, 9, 15), 27) in keys
    assert ("超期未竣工", "CY-104", date(2018, 9, 1), 41) in keys
    # still open: 用地 (06-15 → 119 days), and 施工许可 is not yet due (10-15)
    assert ("手续超期", "GX-104", date(2018, 6, 15), 119) in keys
    assert not any(k[:3] == ("手续超期", "GX-104", date(2018, 10, 15)) for k in keys)


# --- 超期未入统: own 入统时限, 口径 default, neither -----------------------------------------

UNSTAT_ONLY = """\
项目:
  - 编号: CY-1
    名称: 冷链物流项目
    总投资: 5000
    项目秘书: 王芳
    建设性质: 新建
    开工日期: 2018-04-01
    年度计划投资: 800
    完成投资: {2018-09: 10}
    走访: [2018-09-29]
    未入统原因: 规模未达
    入统时限: 2018-08-01
  - 编号: CY-2
    名称: 农产品加工项目
    总投资: 5500
    项目秘书: 王芳
    建设性质: 新建
    开工日期: 2018-06-01
    年度计划投资: 800
    完成投资: {2018-09: 20}
    走访: [2018-09-29]
    未入统原因: 刚开工
  - 编号: CY-3
    名称: 商贸物流中心
    总投资: 6000
    项目秘书: 王芳
    建设性质: 新建
    开工日期: 2018-10-05
    年度计划投资: 800
    未入统原因: 尚未开工
"""


# CY-3 has not started by 09-30: never 超期未入统, whatever the deadline.
@pytest.mark.parametrize(
    ("caliber", "expected"),
    [
        # 口径.入统时限 set: CY-1 own 08-01 (60 days), CY-2 default 06-30 (92 days)
        ("口径: {入统时限: 2018-06-30}\n", [("CY-2", date(2018, 6, 30), 92), ("CY-1", date(2018, 8, 1), 60)]),
        # no 口径.入统时限: CY-1 own only; CY-2 has neither → never overdue
        ("", [("CY-1", date(2018, 8, 1), 60)]),
    ],
)
def test_stats_deadline_own_default_or_neither(tmp_path: Path, caliber: str, expected: list) -> None:
    config = "名称: 测试台账\n年度: 2018\n" + caliber + "地区:\n  - {名称: 船营区, 类型: 区县}\n"
    repo = load_repo(tmp_path, {"xiangmu.yaml": config, "船营区/未入统.yaml": UNSTAT_ONLY})
    items = overdue_items(repo, SEP30)
    assert [(it["编号"], it["到期日期"], it["逾期天数"]) for it in items if it["类型"] == "超期未入统"] == expected


# --- 投资漏报: the month rule ------------------------------------------------------------------

LEAK_CONFIG = "名称: 测试台账\n年度: 2018\n地区:\n  - {名称: 船营区, 类型: 区县}\n"
LEAK_BUILDING = """\
项目:
  - 编号: LK-1
    名称: 热电联产项目
    总投资: 6000
    项目秘书: 王芳
    建设性质: 新建
    开工日期: 2018-01-10
    年度计划投资: 600
    完成投资: {2018-01: 10, 2018-02: 0}
  - 编号: LK-2
    名称: 供热管网改造
    总投资: 6000
    项目秘书: 王芳
    建设性质: 新建
    开工日期: 2018-03-31
    年度计划投资: 600
  - 编号: LK-3
    名称: 污水管网项目
    总投资: 6000
    项目秘书: 王芳
    建设性质: 新建
    开工日期: 2018-04-01
    年度计划投资: 600
  - 编号: LK-4
    名称: 学校改扩建
    总投资: 6000
    项目秘书: 王芳
    建设性质: 续建
    开工日期: 2017-05-01
    竣工日期: 2018-02-28
    年度计划投资: 600
  - 编号: LK-5
    名称: 医院门诊楼
    总投资: 6000
    项目秘书: 王芳
    建设性质: 续建
    开工日期: 2017-05-01
    竣工日期: 2018-03-01
    年度计划投资: 600
"""


@pytest.fixture
def leak_repo(tmp_path: Path) -> Repository:
    return load_repo(tmp_path, {"xiangmu.yaml": LEAK_CONFIG, "船营区/在建.yaml": LEAK_BUILDING})


def leaks(repo: Repository, as_of: date) -> list[tuple]:
    return [
        (it["编号"], it["到期日期"], it["逾期天数"]) for it in overdue_items(repo, as_of) if it["类型"] == "投资漏报"
    ]


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        # last day of March → M = 2018-03: LK-1 missed Mar; LK-2 started in M (03-31) and reported
        # nothing; LK-4 finished 02-28, before M began; LK-5 finished 03-01, inside M → due.
        (
            date(2018, 3, 31),
            [("LK-1", date(2018, 3, 31), 0), ("LK-2", date(2018, 3, 31), 0), ("LK-5", date(2018, 3, 31), 0)],
        ),
        # mid-April → M = 2018-03 still (04-15 − 03-31 = 15 days); LK-3 has started (04-01) but
        # after M → not due.
        (
            date(2018, 4, 15),
            [("LK-1", date(2018, 3, 31), 15), ("LK-2", date(2018, 3, 31), 15), ("LK-5", date(2018, 3, 31), 15)],
        ),
        # 2018-02-28 is February's last day → M = 2018-02: LK-1 reported 0 (a reported zero);
        # LK-2 not started; LK-4 finished 02-28, not before Feb began → due; LK-5 due.
        (date(2018, 2, 28), [("LK-4", date(2018, 2, 28), 0), ("LK-5", date(2018, 2, 28), 0)]),
        # 2018-03-30 → M = 2018-02 (30 days): same as above
        (date(2018, 3, 30), [("LK-4", date(2018, 2, 28), 30), ("LK-5", date(2018, 2, 28), 30)]),
        # 2018-01-15 → M = 2017-12, outside 年度 → nothing, although LK-4/LK-5 reported nothing
        (date(2018, 1, 15), []),
        # 2019-01-15 → M = 2018-12 (15 days): LK-1, LK-2, LK-3 (LK-4/LK-5 finished before Dec)
        (
            date(2019, 1, 15),
            [("LK-1", date(2018, 12, 31), 15), ("LK-2", date(2018, 12, 31), 15), ("LK-3", date(2018, 12, 31), 15)],
        ),
        # 2019-01-31 is January's last day → M = 2019-01, outside 年度 → nothing
        (date(2019, 1, 31), []),
    ],
)
def test_missing_investment_month_rule(leak_repo: Repository, as_of: date, expected: list) -> None:
    assert leaks(leak_repo, as_of) == expected


def test_missing_investment_in_a_leap_february(tmp_path: Path) -> None:
    repo = load_repo(tmp_path, LEAP)
    # 2016-02-29 is February's last day → M = 2016-02: LP-2 did not report Feb
    assert leaks(repo, date(2016, 2, 29)) == [("LP-2", date(2016, 2, 29), 0)]
    # 2016-02-28 is not → M = 2016-01, which both reported
    assert leaks(repo, date(2016, 2, 28)) == []
