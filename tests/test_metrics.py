"""Metrics (metrics.md "Metrics", "The as-of date", "Targets") on small hand-counted ledgers.

Every expected value is worked out by hand in the comment next to it; none is computed by the
code under test. Rates are exact: ``Fraction(a, b)`` of the hand-derived numerator and
denominator (the code rounds only where a rate is shown).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from xiangmu_cli.figures.metrics import (
    compute_metrics,
    default_as_of,
    reported_regions,
    resolve_as_of,
    schedule_progress,
    target_rows,
)
from xiangmu_cli.reading.loading import Repository

from .conftest import LEAP, load_repo

D = Decimal
F = Fraction


# =============================================================================================
# Main fixture: 船营区 (4 ledgers), 高新区 (no targets), 昌邑区 (no files at all).
# Judged mostly as of 2018-09-30 (September → 序时进度 9/12).
# =============================================================================================

CONFIG = """\
名称: 测试台账
年度: 2018
类别: [工业, 基础设施, 服务业, 民生]
口径:
  入库门槛: 5000
  亿元以上: 10000
  走访周期: 15
地区:
  - {名称: 船营区, 类型: 区县}
  - {名称: 高新区, 类型: 开发区}
  - {名称: 昌邑区, 类型: 区县}
目标:
  船营区: {年度投资: 4000, 新开工项目数: 3, 入统率: "60%"}
  全市: {年度投资: 10000, 开工率: 0.8}
  昌邑区: {问题解决率: 0.9}
"""

CY_BUILDING = """\
项目:
  - 编号: CY-1
    名称: 碳纤维原丝扩能项目
    类别: 工业
    总投资: 1.2亿
    项目秘书: 王芳
    建设性质: 新建
    计划开工日期: 2018-03-01
    开工日期: 2018-03-15
    年度计划投资: 3000
    用地面积: 31亩
    完成投资: {2018-03: 500, 2018-04: 800, 2018-09: 200, 2018-10: 100}
    走访: [2018-09-20]
    问题:
      - {提出日期: 2018-04-01, 内容: 用电增容, 时限: 2018-05-01, 解决日期: 2018-04-20}
      - {提出日期: 2018-06-01, 内容: 用地指标未落实, 时限: 2018-08-31}
  - 编号: CY-2
    名称: 江北污水处理厂改造
    类别: 基础设施
    总投资: 8000
    项目秘书: 李强
    建设性质: 续建
    开工日期: 2017-05-01
    复工日期: 2018-03-10
    计划竣工日期: 2018-08-31
    竣工日期: 2018-09-20
    年度计划投资: 2000
    完成投资: {2018-02: 100, 2018-09: 300}
    走访: [2018-09-10, 2018-10-05]
    问题:
      - {提出日期: 2018-08-15, 内容: 管网迁改}
  - 编号: CY-3
    名称: 社区卫生服务中心
    类别: 民生
    总投资: 4000
    建设性质: 续建
    开工日期: 2016-04-01
    竣工日期: 2018-10-15
    年度计划投资: 1000
    完成投资: {2018-05: 250}
"""

CY_UNSTAT = """\
项目:
  - 编号: CY-4
    名称: 汽车零部件产业园
    类别: 工业
    总投资: 6000
    建设性质: 新建
    计划开工日期: 2018-05-01
    开工日期: 2018-06-10
    年度计划投资: 1500
    完成投资: {2018-06: 300, 2018-09: 150}
    走访: [2018-09-15]
    未入统原因: 手续未齐
    问题:
      - {提出日期: 2018-09-01, 内容: 环评批复, 时限: 2018-09-30}
  - 编号: CY-5
    名称: 商贸物流中心
    类别: 服务业
    总投资: 20000
    项目秘书: 王芳
    建设性质: 新建
    计划开工日期: 2018-09-01
    开工日期: 2018-10-08
    年度计划投资: 5000
    完成投资: {2018-10: 600}
    未入统原因: 刚开工
    问题:
      - {提出日期: 2018-09-05, 内容: 征收补偿, 时限: 2018-09-20, 解决日期: 2018-10-01}
"""

CY_PLANNED = """\
项目:
  - 编号: CY-6
    名称: 冷链仓储项目
    总投资: 9000
    项目秘书: 赵敏
    计划开工日期: 2018-08-01
    年度计划投资: 2000
    问题:
      - {提出日期: 2018-10-05, 内容: 规划调整}
  - 编号: CY-7
    名称: 智慧停车场
    总投资: 5000
    计划开工日期: 2018-11-01
"""

CY_INVESTMENT = """\
项目:
  - 编号: CY-8
    名称: 新材料产业园
    总投资: 30000
    阶段: 签约
    投资方: 浙江某集团
    签约日期: 2018-05-01
    计划落地日期: 2018-08-31
  - 编号: CY-9
    名称: 食品加工项目
    总投资: 15000
    阶段: 落地
    投资方: 广东某公司
    签约日期: 2018-03-01
    落地日期: 2018-07-01
  - 编号: CY-10
    名称: 电子元件项目
    总投资: 12000
    阶段: 落地
    投资方: 江苏某公司
    签约日期: 2018-06-01
    落地日期: 2018-10-10
  - 编号: CY-11
    名称: 文旅综合体
    总投资: 50000
    阶段: 洽谈
    投资方: 北京某集团
    问题:
      - {提出日期: 2018-07-01, 内容: 选址, 解决日期: 2018-08-01}
  - 编号: CY-12
    名称: 医药中间体项目
    总投资: 8000
    阶段: 签约
    投资方: 山东某公司
    签约日期: 2018-10-02
"""

GX_BUILDING = """\
项目:
  - 编号: GX-1
    名称: 光电子芯片项目
    类别: 工业
    总投资: 5亿
    项目秘书: 陈晨
    建设性质: 新建
    计划开工日期: 2018-09-01
    开工日期: 2018-09-15
    年度计划投资: 10000
    用地面积: 2.5公顷
    完成投资: {2018-09: 2000}
    走访: [{日期: 2018-09-16, 内容: 协调用地}]
  - 编号: GX-2
    名称: 科技企业孵化器
    类别: 服务业
    总投资: 9000
    项目秘书: 陈晨
    建设性质: 新建
    开工日期: 2017-11-20
    年度计划投资: 3000
    用地面积: 5000
    完成投资: {2018-01: 400, 2018-08: 600}
    走访: [2018-08-01]
  - 编号: GX-3
    名称: 园区道路
    类别: 基础设施
    总投资: 1亿
    项目秘书: 陈晨
    建设性质: 新建
    开工日期: 2018-04-01
    竣工日期: 2018-09-30
    年度计划投资: 4000
    用地面积: 8000
    完成投资: {2018-04: 1000, 2018-09: 500}
"""

GX_UNSTAT = """\
项目:
  - 编号: GX-4
    名称: 生物医药中试基地
    总投资: 7000
    项目秘书: 陈晨
    建设性质: 续建
    开工日期: 2017-03-01
    复工日期: 2018-10-01
    年度计划投资: 2000
    未入统原因: 停工待复
"""

GX_INVESTMENT = """\
项目:
  - 编号: GX-5
    名称: 数据中心
    总投资: 20000
    阶段: 洽谈
    投资方: 上海某公司
"""

MAIN = {
    "xiangmu.yaml": CONFIG,
    "船营区/在建.yaml": CY_BUILDING,
    "船营区/未入统.yaml": CY_UNSTAT,
    "船营区/计划开工.yaml": CY_PLANNED,
    "船营区/招商.yaml": CY_INVESTMENT,
    "高新区/在建.yaml": GX_BUILDING,
    "高新区/未入统.yaml": GX_UNSTAT,
    "高新区/招商.yaml": GX_INVESTMENT,
    # 昌邑区: no folder, no files.
}
# W101: CY-3 总投资 4000 < 入库门槛 5000; W102: CY-4 (6000) and CY-7 (5000) have no 项目秘书.
MAIN_WARNINGS = {("W101", "CY-3"), ("W102", "CY-4"), ("W102", "CY-7")}


@pytest.fixture
def main_repo(tmp_path: Path) -> Repository:
    return load_repo(tmp_path, MAIN, MAIN_WARNINGS)


SEP30 = date(2018, 9, 30)


def test_scopes_are_regions_in_order_then_city(main_repo: Repository) -> None:
    assert list(compute_metrics(main_repo, SEP30)) == ["船营区", "高新区", "昌邑区", "全市"]


def test_every_metric_of_chuanying_as_of_sep30(main_repo: Repository) -> None:
    m = compute_metrics(main_repo, SEP30)["船营区"]
    assert m == {
        # started (在建 + 未入统, 开工日期 ≤ 09-30): CY-1 (03-15), CY-2 (2017), CY-3 (2016), CY-4 (06-10);
        # CY-5 starts 10-08, after as-of.
        "在建项目数": 4,
        # 总投资 ≥ 10000: CY-1 12000 only (CY-2 8000, CY-3 4000, CY-4 6000)
        "亿元以上项目数": 1,
        "十亿元以上项目数": 0,  # none of 100000 万元 (口径.十亿元以上, default) or more
        "新建项目数": 2,  # CY-1, CY-4
        "续建项目数": 2,  # CY-2, CY-3
        "新开工项目数": 2,  # 新建, 开工 in 2018 ≤ as-of: CY-1, CY-4
        "新开工亿元以上项目数": 1,  # CY-1
        "新开工十亿元以上项目数": 0,
        "新开工产业项目数": None,  # xiangmu.yaml sets no 产业类别: no such figure
        "新开工产业项目占比": None,
        # planned at as-of (revision 2): CY-6, CY-7 in 计划开工, and CY-5, in 未入统 now but starting
        # only on 10-08 (a report for September counted it as planned, and still does)
        "计划开工项目数": 3,
        "未入统项目数": 1,  # CY-4 (CY-5 is in 未入统 but not started yet)
        "竣工项目数": 1,  # CY-2 竣工 09-20; CY-3 竣工 10-15 is after as-of
        "投产项目数": 0,  # no project has a 投产日期
        # 签约/落地 with 签约日期 ≤ 09-30: CY-8, CY-9, CY-10 (CY-11 洽谈; CY-12 签约 10-02)
        "招商签约项目数": 3,
        "招商落地项目数": 1,  # CY-9 落地 07-01; CY-10 落地 10-10 is after as-of
        "年度计划投资": D(7500),  # 3000 + 2000 + 1000 + 1500
        # CY-1 500+800+200 (Oct 100 after as-of) + CY-2 100+300 + CY-3 250 + CY-4 300+150 = 2600
        "完成投资": D(2600),
        "当月完成投资": D(650),  # September: CY-1 200 + CY-2 300 + CY-4 150
        "投资完成率": F(2600, 4000),  # own 年度投资 target 4000
        "序时进度": F(9, 12),
        "进度差": F(2600, 4000) - F(9, 12),  # 0.65 − 0.75
        # 计划开工日期 ≤ 09-30: CY-1 (03-01), CY-4 (05-01), CY-5 (09-01), CY-6 (08-01); CY-7 11-01 not due.
        # started of those: CY-1, CY-4 → 2/4
        "开工率": F(2, 4),
        "复工率": F(1, 2),  # 续建 started: CY-2 (复工 03-10) and CY-3 (no 复工日期)
        # started with 总投资 ≥ 5000: CY-1 在建, CY-2 在建, CY-4 未入统 (CY-3 4000 below) → 2/3
        "入统率": F(2, 3),
        "招商落地率": F(1, 3),
        # no 谋划 ledger here (the 储备库 is tested in test_reserve.py): none in it, 0 ÷ 0 for 转化率
        "谋划项目数": 0,
        "谋划亿元以上项目数": 0,
        "谋划总投资": D(0),
        "转化率": None,
        # 提出 ≤ 09-30: CY-1 ×2, CY-2 ×1, CY-4 ×1, CY-5 ×1, CY-11 ×1 = 6 (CY-6's is raised 10-05)
        "问题数": 6,
        # solved by 09-30: CY-1 (04-20), CY-11 (08-01); CY-5 solved 10-01 is after as-of
        "已解决问题数": 2,
        # unsolved with 时限 < 09-30: CY-1 (08-31), CY-5 (09-20); CY-4's 时限 09-30 is not < as-of;
        # CY-2's has no 时限
        "超期问题数": 2,
        "问题解决率": F(2, 6),
        # 在建/未入统/计划开工 with 总投资 ≥ 5000: CY-1 ✓, CY-2 ✓, CY-4 ✗, CY-5 ✓, CY-6 ✓, CY-7 ✗ → 4/6
        "秘书配备率": F(4, 6),
        # started ≥ 5000: CY-1 (last visit 09-20: 10 days ✓), CY-2 (09-10: 20 days ✗; 10-05 is after
        # as-of), CY-4 (09-15: exactly 15 days ✓) → 2/3
        "走访达标率": F(2, 3),
        # 新开工 工业: CY-1 31亩 = 31 × 10000/15 = 20666.666… → 20666.67 m²; CY-4 states no area
        "新开工用地面积": D("20666.67"),
        # only CY-1 states an area: 12000 × 10000 ÷ 20666.67 = 5806.4506… → 5806.45
        "投资强度": D("5806.45"),
    }


def test_every_metric_of_gaoxin_as_of_sep30(main_repo: Repository) -> None:
    m = compute_metrics(main_repo, SEP30)["高新区"]
    assert m == {
        "在建项目数": 4,  # GX-1 (09-15 ≤ 09-30), GX-2, GX-3, GX-4
        "亿元以上项目数": 2,  # GX-1 50000, GX-3 1亿 = 10000 exactly (≥ 亿元以上)
        "十亿元以上项目数": 0,  # none of 100000 万元 (口径.十亿元以上, default) or more
        "新建项目数": 3,  # GX-1, GX-2, GX-3
        "续建项目数": 1,  # GX-4
        "新开工项目数": 2,  # GX-1, GX-3; GX-2 is 新建 but started 2017-11-20, before 年度
        "新开工亿元以上项目数": 2,  # GX-1, GX-3
        "新开工十亿元以上项目数": 0,
        "新开工产业项目数": None,  # xiangmu.yaml sets no 产业类别: no such figure
        "新开工产业项目占比": None,
        "计划开工项目数": 0,
        "未入统项目数": 1,  # GX-4
        "竣工项目数": 1,  # GX-3 竣工 09-30 = as-of
        "投产项目数": 0,  # no project has a 投产日期
        "招商签约项目数": 0,  # GX-5 is 洽谈
        "招商落地项目数": 0,
        "年度计划投资": D(19000),  # 10000 + 3000 + 4000 + 2000
        "完成投资": D(4500),  # GX-1 2000 + GX-2 400+600 + GX-3 1000+500
        "当月完成投资": D(2500),  # GX-1 2000 + GX-3 500
        "投资完成率": F(4500, 19000),  # no 年度投资 target → ÷ 年度计划投资
        "序时进度": F(9, 12),
        "进度差": F(4500, 19000) - F(9, 12),
        "开工率": F(1, 1),  # only GX-1 carries 计划开工日期 (09-01), and it started
        "复工率": F(0, 1),  # GX-4 复工 10-01 is after as-of: 0, not None
        "入统率": F(3, 4),  # all four ≥ 5000; GX-1..3 在建, GX-4 未入统
        "招商落地率": None,  # nothing signed: 0 ÷ 0
        "谋划项目数": 0,  # no 谋划 ledger
        "谋划亿元以上项目数": 0,
        "谋划总投资": D(0),
        "转化率": None,  # 0 ÷ 0
        "问题数": 0,
        "已解决问题数": 0,
        "超期问题数": 0,
        "问题解决率": None,  # 0 ÷ 0
        "秘书配备率": F(4, 4),
        # GX-1 (09-16: 14 days ✓), GX-2 (08-01: 60 days ✗), GX-3 and GX-4 never visited ✗
        "走访达标率": F(1, 4),
        # 新开工 工业: GX-1 2.5公顷 = 25000 m²; GX-3 (基础设施, 8000) and GX-2 (not 新开工) excluded
        "新开工用地面积": D("25000.00"),
        "投资强度": D("20000.00"),  # 50000 × 10000 ÷ 25000
    }


def test_every_metric_of_the_city_as_of_sep30(main_repo: Repository) -> None:
    m = compute_metrics(main_repo, SEP30)["全市"]
    assert m == {
        "在建项目数": 8,  # 4 + 4 + 0
        "亿元以上项目数": 3,  # 1 + 2
        "十亿元以上项目数": 0,  # none of 100000 万元 (口径.十亿元以上, default) or more
        "新建项目数": 5,  # 2 + 3
        "续建项目数": 3,  # 2 + 1
        "新开工项目数": 4,  # 2 + 2
        "新开工亿元以上项目数": 3,  # 1 + 2
        "新开工十亿元以上项目数": 0,
        "新开工产业项目数": None,  # xiangmu.yaml sets no 产业类别: no such figure
        "新开工产业项目占比": None,
        "计划开工项目数": 3,  # 3 + 0
        "未入统项目数": 2,
        "竣工项目数": 2,
        "投产项目数": 0,  # no project has a 投产日期
        "招商签约项目数": 3,
        "招商落地项目数": 1,
        "年度计划投资": D(26500),  # 7500 + 19000
        "完成投资": D(7100),  # 2600 + 4500
        "当月完成投资": D(3150),  # 650 + 2500
        "投资完成率": F(7100, 10000),  # 全市's 年度投资 target
        "序时进度": F(9, 12),
        "进度差": F(7100, 10000) - F(9, 12),
        "开工率": F(3, 5),  # (2 + 1) / (4 + 1)
        "复工率": F(1, 3),  # (1 + 0) / (2 + 1)
        "入统率": F(5, 7),  # (2 + 3) / (3 + 4)
        "招商落地率": F(1, 3),
        "谋划项目数": 0,  # no 谋划 ledger anywhere
        "谋划亿元以上项目数": 0,
        "谋划总投资": D(0),
        "转化率": None,
        "问题数": 6,
        "已解决问题数": 2,
        "超期问题数": 2,
        "问题解决率": F(2, 6),
        "秘书配备率": F(8, 10),  # (4 + 4) / (6 + 4)
        "走访达标率": F(3, 7),  # (2 + 1) / (3 + 4)
        "新开工用地面积": D("45666.67"),  # 20666.67 + 25000.00
        # (12000 + 50000) × 10000 ÷ 45666.67 = 13576.6413… → 13576.64
        "投资强度": D("13576.64"),
    }


def test_empty_region_counts_zero_sums_zero_rates_absent(main_repo: Repository) -> None:
    m = compute_metrics(main_repo, SEP30)["昌邑区"]
    counts = [
        "在建项目数",
        "亿元以上项目数",
        "新建项目数",
        "续建项目数",
        "新开工项目数",
        "新开工亿元以上项目数",
        "计划开工项目数",
        "未入统项目数",
        "竣工项目数",
        "投产项目数",
        "十亿元以上项目数",
        "新开工十亿元以上项目数",
        "招商签约项目数",
        "招商落地项目数",
        "谋划项目数",
        "谋划亿元以上项目数",
        "问题数",
        "已解决问题数",
        "超期问题数",
    ]
    assert {k: m[k] for k in counts} == dict.fromkeys(counts, 0)
    sums = ["年度计划投资", "完成投资", "当月完成投资", "谋划总投资", "新开工用地面积"]
    assert {k: m[k] for k in sums} == dict.fromkeys(sums, D(0))
    rates = [
        "投资完成率",
        "进度差",
        "开工率",
        "复工率",
        "入统率",
        "招商落地率",
        "转化率",
        "问题解决率",
        "秘书配备率",
        "走访达标率",
        "投资强度",
    ]
    # None, never 0: no 年度投资 target and 年度计划投资 0, so 投资完成率 (and 进度差) is absent too
    assert {k: m[k] for k in rates} == dict.fromkeys(rates)
    assert m["序时进度"] == F(9, 12)  # the calendar, not a ratio of the region's data


def test_project_starting_mid_month(main_repo: Repository) -> None:
    # GX-1 starts 2018-09-15 (计划开工日期 09-01), reports 2000 for 2018-09.
    before = compute_metrics(main_repo, date(2018, 9, 10))["高新区"]
    assert before["在建项目数"] == 3  # GX-2, GX-3, GX-4: GX-1 not yet started
    assert before["新开工项目数"] == 1  # GX-3
    assert before["年度计划投资"] == D(9000)  # 3000 + 4000 + 2000
    assert before["完成投资"] == D(2500)  # GX-2 400+600 + GX-3 1000+500 (Sep is the as-of month)
    assert before["当月完成投资"] == D(500)  # GX-3's September only
    assert before["开工率"] == F(0, 1)  # GX-1 was due 09-01 and has not started by 09-10
    assert before["竣工项目数"] == 0  # GX-3 竣工 09-30 is after 09-10
    assert before["新开工用地面积"] == D(0)
    assert before["投资强度"] is None
    assert before["走访达标率"] == F(0, 3)  # GX-2 last visit 08-01 = 40 days; GX-3, GX-4 none
    after = compute_metrics(main_repo, SEP30)["高新区"]
    assert after["在建项目数"] == 4
    assert after["新开工项目数"] == 2
    assert after["完成投资"] == D(4500)  # + GX-1 2000
    assert after["开工率"] == F(1, 1)


def test_continuing_project_without_resume_date(main_repo: Repository) -> None:
    # CY-3 is 续建 with no 复工日期: in the 复工率 denominator only; CY-2 resumed 03-10.
    assert compute_metrics(main_repo, SEP30)["船营区"]["复工率"] == F(1, 2)
    # before CY-2 resumes, both are 续建 started, neither resumed: 0/2, not None
    assert compute_metrics(main_repo, date(2018, 3, 9))["船营区"]["复工率"] == F(0, 2)


def test_as_of_before_the_year(main_repo: Repository) -> None:
    metrics = compute_metrics(main_repo, date(2017, 12, 31))
    cy = metrics["船营区"]
    assert cy["在建项目数"] == 2  # CY-2 (2017-05-01), CY-3 (2016-04-01)
    assert cy["新开工项目数"] == 0  # nothing started in 年度 2018 yet
    assert cy["竣工项目数"] == 0  # CY-2 竣工 2018-09-20 has not happened yet
    assert cy["年度计划投资"] == D(3000)  # 2000 + 1000
    assert cy["完成投资"] == D(0)  # no 2018 month is ≤ 2017-12
    assert cy["当月完成投资"] == D(0)
    assert cy["序时进度"] == D(0)
    assert cy["投资完成率"] == F(0, 4000)
    assert cy["进度差"] == D(0)
    assert cy["复工率"] == F(0, 2)  # CY-2 复工 2018-03-10 not yet
    gx = metrics["高新区"]
    assert gx["在建项目数"] == 2  # GX-2 (2017-11-20), GX-4 (2017-03-01)
    assert gx["完成投资"] == D(0)
    assert gx["投资完成率"] == F(0, 5000)  # 年度计划投资 3000 + 2000
    assert metrics["全市"]["序时进度"] == D(0)


def test_as_of_before_any_data(main_repo: Repository) -> None:
    metrics = compute_metrics(main_repo, date(2016, 1, 1))  # the oldest start is CY-3, 2016-04-01
    cy, gx, city = metrics["船营区"], metrics["高新区"], metrics["全市"]
    assert cy["在建项目数"] == gx["在建项目数"] == city["在建项目数"] == 0
    assert city["年度计划投资"] == D(0)
    assert city["完成投资"] == D(0)
    assert city["序时进度"] == D(0)
    assert city["问题数"] == 0
    assert city["招商签约项目数"] == 0
    # with a 年度投资 target the rate is 0 ÷ target = 0; without one it is 0 ÷ 0 = absent
    assert cy["投资完成率"] == F(0, 4000)
    assert city["投资完成率"] == F(0, 10000)
    assert gx["投资完成率"] is None
    assert gx["进度差"] is None
    assert city["开工率"] is None  # no 计划开工日期 ≤ 2016-01-01
    assert city["入统率"] is None
    assert city["走访达标率"] is None
    # 秘书配备率 does not depend on the date: CY-1, CY-2, CY-4..7 and GX-1..4 (4+4 of 6+4)
    assert city["秘书配备率"] == F(8, 10)


def test_as_of_after_the_year(main_repo: Repository) -> None:
    cy = compute_metrics(main_repo, date(2019, 1, 15))["船营区"]
    assert cy["序时进度"] == F(1)
    assert cy["在建项目数"] == 5  # CY-1..CY-5 (CY-5 started 2018-10-08)
    assert cy["新开工项目数"] == 3  # CY-1, CY-4, CY-5
    # every 年度 month counts: CY-1 500+800+200+100 + CY-2 400 + CY-3 250 + CY-4 450 + CY-5 600 = 3300
    assert cy["完成投资"] == D(3300)
    assert cy["当月完成投资"] == D(0)  # nothing reported for 2019-01
    assert cy["年度计划投资"] == D(12500)  # 7500 + CY-5 5000
    assert cy["投资完成率"] == F(3300, 4000)
    assert cy["进度差"] == F(3300, 4000) - F(1)
    assert cy["竣工项目数"] == 2  # CY-2 (2018-09-20), CY-3 (2018-10-15), both in 年度
    assert cy["招商落地项目数"] == 2  # CY-9, CY-10 (落地 2018-10-10)
    assert cy["招商签约项目数"] == 4  # CY-8, CY-9, CY-10, CY-12 (签约 2018-10-02)
    # problems: 6 + CY-6's (10-05) = 7; solved: CY-1, CY-11, CY-5 (10-01) = 3
    assert (cy["问题数"], cy["已解决问题数"]) == (7, 3)
    # unsolved with 时限 < 2019-01-15: CY-1 (08-31), CY-4 (09-30); CY-2, CY-6 have no 时限
    assert cy["超期问题数"] == 2


def test_events_after_as_of_have_not_happened(main_repo: Repository) -> None:
    # As of 2018-10-10, CY-5 has started (10-08), CY-3 has not been finished (10-15), CY-10 has
    # landed (10-10), CY-6's problem has been raised (10-05) and CY-5's solved (10-01).
    cy = compute_metrics(main_repo, date(2018, 10, 10))["船营区"]
    assert cy["在建项目数"] == 5
    assert cy["未入统项目数"] == 2  # CY-4, CY-5
    assert cy["竣工项目数"] == 1  # CY-2 only
    assert cy["招商落地项目数"] == 2  # CY-9, CY-10
    assert cy["招商签约项目数"] == 4  # CY-8, CY-9, CY-10, CY-12 (10-02)
    assert (cy["问题数"], cy["已解决问题数"]) == (7, 3)
    # unsolved: CY-1 (时限 08-31 ✓), CY-2 (no 时限), CY-4 (09-30 ✓), CY-6 (no 时限)
    assert cy["超期问题数"] == 2
    # October: CY-1 100 + CY-5 600
    assert cy["当月完成投资"] == D(700)
    assert cy["完成投资"] == D(3300)  # 2600 + CY-1 Oct 100 + CY-5 Oct 600
    # CY-2 visited 10-05 (5 days ✓), CY-1 09-20 (20 days ✗), CY-4 09-15 (25 days ✗), CY-5 never ✗
    assert cy["走访达标率"] == F(1, 4)


# --- default as-of, --month ------------------------------------------------------------------


def test_default_as_of_is_the_last_day_of_the_latest_reported_month(main_repo: Repository) -> None:
    # Regions with any 完成投资: 船营区 (02 03 04 05 06 09 10) and 高新区 (01 04 08 09). More than
    # half of 2 is both: months reported by both are 04 and 09, so 2018-09-30 — 船营区 entering
    # October early does not turn the city's report to October. Whatever today is.
    assert default_as_of(main_repo, today=date(2025, 6, 1)) == date(2018, 9, 30)
    assert resolve_as_of(main_repo, today=date(2025, 6, 1)) == date(2018, 9, 30)
    assert reported_regions(main_repo, "2018-09") == (2, 2)
    assert reported_regions(main_repo, "2018-10") == (1, 2)


def test_explicit_as_of_and_month(main_repo: Repository) -> None:
    assert resolve_as_of(main_repo, as_of=date(2018, 5, 17)) == date(2018, 5, 17)
    assert resolve_as_of(main_repo, month="2018-02") == date(2018, 2, 28)
    assert resolve_as_of(main_repo, month="2018-09") == date(2018, 9, 30)
    assert resolve_as_of(main_repo, month="2018-12") == date(2018, 12, 31)
    with pytest.raises(ValueError):
        resolve_as_of(main_repo, month="2018-13")


NO_MONTHS = {
    "xiangmu.yaml": "名称: 测试台账\n年度: 2018\n地区:\n  - {名称: 船营区, 类型: 区县}\n",
    "船营区/计划开工.yaml": """\
项目:
  - 编号: CY-1
    名称: 冷链仓储项目
    总投资: 9000
    项目秘书: 赵敏
    计划开工日期: 2018-08-01
""",
}


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2018, 5, 20), date(2018, 5, 20)),  # inside 年度: today itself
        (date(2019, 3, 5), date(2018, 12, 31)),  # after 年度: its last day
        (date(2017, 6, 1), date(2018, 1, 1)),  # before 年度: its first day
    ],
)
def test_default_as_of_without_any_completed_investment(tmp_path: Path, today: date, expected: date) -> None:
    repo = load_repo(tmp_path, NO_MONTHS)
    assert default_as_of(repo, today=today) == expected
    assert resolve_as_of(repo, today=today) == expected


# --- leap year -------------------------------------------------------------------------------


def test_leap_year(tmp_path: Path) -> None:
    repo = load_repo(tmp_path, LEAP)
    # latest 完成投资 month 2016-02 → its last day in a leap year
    assert default_as_of(repo) == date(2016, 2, 29)
    assert resolve_as_of(repo, month="2016-02") == date(2016, 2, 29)
    m = compute_metrics(repo, date(2016, 2, 29))["船营区"]
    assert m["序时进度"] == F(2, 12)
    assert m["完成投资"] == D(350)  # LP-1 100+200 + LP-2 50
    assert m["当月完成投资"] == D(200)  # LP-1 Feb
    assert m["投资完成率"] == F(350, 1800)  # no target: 年度计划投资 1200 + 600
    assert m["进度差"] == F(350, 1800) - F(2, 12)
    assert m["新开工项目数"] == 1  # LP-1


def test_schedule_progress() -> None:
    assert schedule_progress(date(2018, 9, 30), 2018) == F(9, 12)  # September → 0.75
    assert schedule_progress(date(2018, 9, 1), 2018) == F(9, 12)  # by month, not by day
    assert schedule_progress(date(2018, 1, 1), 2018) == F(1, 12)
    assert schedule_progress(date(2018, 12, 31), 2018) == D(1)
    assert schedule_progress(date(2016, 2, 29), 2016) == F(2, 12)
    assert schedule_progress(date(2017, 12, 31), 2018) == D(0)  # before 年度
    assert schedule_progress(date(2019, 1, 1), 2018) == D(1)  # after 年度


# --- targets ---------------------------------------------------------------------------------


def test_target_rows(main_repo: Repository) -> None:
    rows = target_rows(main_repo, SEP30)
    # 全市 first (although written after 船营区 in xiangmu.yaml), then regions in 地区 order;
    # 高新区 has no targets, so no rows.
    assert [(r["地区"], r["指标"]) for r in rows] == [
        ("全市", "年度投资"),
        ("全市", "开工率"),
        ("船营区", "年度投资"),
        ("船营区", "新开工项目数"),
        ("船营区", "入统率"),
        ("昌邑区", "问题解决率"),
    ]
    city_invest, city_start, cy_invest, cy_new, cy_stat, cd_solve = rows
    # 年度投资: actual is 完成投资 7100, 完成率 7100/10000, with 序时进度 9/12 and 进度差
    assert city_invest == {
        "地区": "全市",
        "指标": "年度投资",
        "目标": D(10000),
        "实际": D(7100),
        "完成率": F(7100, 10000),
        "是否完成": False,
        "序时进度": F(9, 12),
        "进度差": F(7100, 10000) - F(9, 12),
    }
    # a rate target: 开工率 (2 + 1)/(4 + 1) against 0.8
    assert city_start["目标"] == D("0.8")
    assert city_start["实际"] == F(3, 5)
    assert city_start["完成率"] == F(3, 5) / F(4, 5)
    assert city_start["是否完成"] is False
    assert city_start["序时进度"] is None and city_start["进度差"] is None
    assert cy_invest["实际"] == D(2600)
    assert cy_invest["完成率"] == F(2600, 4000)
    assert cy_invest["序时进度"] == F(9, 12)
    assert cy_invest["进度差"] == F(2600, 4000) - F(9, 12)  # 0.65 − 0.75 = −0.10
    assert cy_invest["是否完成"] is False
    # a count target: 新开工项目数 2 (CY-1, CY-4) of 3
    assert (cy_new["目标"], cy_new["实际"], cy_new["完成率"], cy_new["是否完成"]) == (D(3), 2, F(2, 3), False)
    # a rate target written "60%": 入统率 2/3 ≥ 0.6 → met
    assert cy_stat["目标"] == D("0.6")
    assert cy_stat["实际"] == F(2, 3)
    assert cy_stat["完成率"] == F(2, 3) / F(6, 10)
    assert cy_stat["是否完成"] is True
    # the actual is absent (昌邑区 has no problems): no 完成率, not met or unmet
    assert (cd_solve["实际"], cd_solve["完成率"], cd_solve["是否完成"]) == (None, None, None)


def test_target_met_at_year_end(main_repo: Repository) -> None:
    rows = {(r["地区"], r["指标"]): r for r in target_rows(main_repo, date(2018, 12, 31))}
    # 新开工项目数 by year end: CY-1, CY-4, CY-5 = 3 ≥ 3
    assert rows[("船营区", "新开工项目数")]["实际"] == 3
    assert rows[("船营区", "新开工项目数")]["完成率"] == F(3, 3)
    assert rows[("船营区", "新开工项目数")]["是否完成"] is True
    assert rows[("船营区", "年度投资")]["序时进度"] == F(1)


@pytest.mark.parametrize("month", ["2018-01", "2018-03", "2018-08", "2018-12"])
def test_the_city_is_its_regions_together(month: str) -> None:
    """compute_metrics takes 全市 as its regions' tallies added up (issue 15); that is exactly
    the metrics over every record, and each region's are the metrics over its own records."""
    from xiangmu_cli.figures.metrics import records_of, scope_metrics, tally
    from xiangmu_cli.reading.loading import load

    from .conftest import ROOT

    repo = load(ROOT / "ledgers", locate=False)
    assert repo.config is not None
    year, m = map(int, month.split("-"))
    as_of = date(year, m, 28)
    figures = compute_metrics(repo, as_of)
    for scope, shown in figures.items():
        assert shown == scope_metrics(records_of(repo, scope), repo.config, as_of, scope), scope
    regions = [tally(records_of(repo, name), repo.config, as_of) for name in repo.config.region_names]
    assert sum(regions[1:], regions[0]) == tally(repo.records, repo.config, as_of)
    assert figures["全市"]["在建项目数"] == sum(figures[name]["在建项目数"] for name in repo.config.region_names)  # type: ignore[misc]


@pytest.mark.parametrize("month", ["2018-03", "2018-09"])
def test_the_breakdown_by_category_is_each_categorys_tally(month: str) -> None:
    """The monthly report tallies the records once, by region and 类别 (issue 15): each scope's
    cells by 类别 add up to the tally of that scope's records of that 类别, first met first."""
    from xiangmu_cli.figures.metrics import breakdown, records_of, tally
    from xiangmu_cli.reading.loading import load

    from .conftest import ROOT

    repo = load(ROOT / "ledgers", locate=False)
    assert repo.config is not None
    year, m = map(int, month.split("-"))
    as_of = date(year, m, 28)
    counted = breakdown(repo, as_of)
    for scope in [*repo.config.region_names, "全市"]:
        records = records_of(repo, scope)
        met = list(dict.fromkeys(r.project.category for r in records))
        by_category = counted.categories(scope)
        assert list(by_category) == met, scope
        for category in met:
            group = [r for r in records if r.project.category == category]
            assert by_category[category] == tally(group, repo.config, as_of), (scope, category)
        assert counted.scope(scope) == tally(records, repo.config, as_of), scope
    assert len({category for _region, category in counted.cells}) > 2  # the demo has several 类别
