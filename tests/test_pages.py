"""Issue 17.1–3 on a small hand-worked repository: the problem list and its monthly views, a
project's card (xm show), the next free 编号, a leader's and a department's page.

Every day count, sum and order below is worked out by hand in the comments (as-of 2018-09-30
unless a test says otherwise).
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xiangmu_cli.cli import app
from xiangmu_cli.figures.card import project_card
from xiangmu_cli.figures.lookup import NotFound
from xiangmu_cli.figures.numbering import next_id
from xiangmu_cli.figures.pages import department_page, leader_page
from xiangmu_cli.figures.problems import problem_list, problem_rows, problem_summary, problem_view
from xiangmu_cli.reading.loading import Repository, load

from .conftest import load_repo, write_repo
from .gitrepo import Repo

AS_OF = date(2018, 9, 30)
runner = CliRunner()

CONFIG = """\
名称: 测试台账
年度: 2018
口径: {入库门槛: 5000, 走访周期: 15, 入统时限: 2018-06-30}
领导:
  - {姓名: 张明, 职务: 副市长, 包保地区: [高新区]}
  - {姓名: 李华, 职务: 副市长, 包保地区: [船营区]}
地区:
  - {名称: 高新区, 类型: 开发区}
  - {名称: 船营区, 类型: 区县}
"""

# GX-1's problems, as of 2018-09-30:
#   1 raised 06-01, 时限 08-31, open: 超期; open 29+31+31+30 = 121 days; 距时限 08-31 − 09-30 = −30
#   2 raised 07-01, 时限 10-15, no 责任单位 (→ the project's 高新区发改局): 未解决; open 30+31+30 = 91;
#     距时限 10-15 − 09-30 = +15
#   3 raised 05-01, solved 09-10: 已解决 this month; it took 31+30+31+31+9 = 132 days
#   4 raised 10-05: after as-of, on no list (the card shows it as 截至日后提出)
GX_BUILDING = """\
项目:
  - 编号: GX-1
    名称: 光电子芯片项目
    总投资: 20000
    包保领导: 张明
    项目秘书: 陈晨
    责任单位: 高新区发改局
    建设性质: 新建
    开工日期: 2018-03-01
    年度计划投资: 5000
    完成投资: {2018-07: 1000, 2018-08: 1500, 2018-09: 500}
    走访: [2018-09-20]
    入统日期: 2018-04-01
    问题:
      - {提出日期: 2018-06-01, 内容: 用地指标, 责任单位: 市国土局, 时限: 2018-08-31}
      - {提出日期: 2018-07-01, 内容: 电力增容, 时限: 2018-10-15}
      - {提出日期: 2018-05-01, 内容: 道路接口, 责任单位: 市交通局, 时限: 2018-05-31, 解决日期: 2018-09-10, 解决情况: 已接通}
      - {提出日期: 2018-10-05, 内容: 后来的问题, 责任单位: 市国土局}
"""

# GX-2's problems: 1 solved 08-20 (before September: not on the month's 分发 list);
#   2 raised 09-12, no 责任单位 (→ the project's 市国土局), no 时限: open 18 days, 距时限 none.
GX_UNSTAT = """\
项目:
  - 编号: GX-2
    名称: 生物医药中试基地
    总投资: 8000
    项目秘书: 刘洋
    责任单位: 市国土局
    建设性质: 新建
    开工日期: 2018-08-10
    年度计划投资: 1000
    完成投资: {2018-08: 100, 2018-09: 200}
    未入统原因: 手续未齐
    问题:
      - {提出日期: 2018-03-01, 内容: 林地手续, 时限: 2018-04-30, 解决日期: 2018-08-20}
      - {提出日期: 2018-09-12, 内容: 规划调整}
"""

# CY-1: problem 1 raised 08-01, 时限 08-31, solved 10-08 (after as-of: still open): 超期; open
#   31+29 = 60 days; 距时限 −30. 完成投资 of 2018-08 missing (漏报).
CY_BUILDING = """\
项目:
  - 编号: CY-1
    名称: 热电联产项目
    总投资: 120000
    包保领导: 李华
    项目秘书: 王芳
    责任单位: 船营区住建局
    建设性质: 新建
    开工日期: 2018-05-01
    年度计划投资: 10000
    完成投资: {2018-05: 1000, 2018-06: 2000, 2018-07: 1500, 2018-09: 2500}
    走访: [2018-09-25]
    问题:
      - {提出日期: 2018-08-01, 内容: 消防审核, 责任单位: 市消防支队, 时限: 2018-08-31, 解决日期: 2018-10-08}
"""

# CY-2 (张明's, in a region he does not cover): problem 1 raised 09-05, 时限 09-25: 超期; open 25
#   days; 距时限 −5.
CY_PLANNED = """\
项目:
  - 编号: CY-2
    名称: 数据中心
    总投资: 30000
    包保领导: 张明
    项目秘书: 王芳
    责任单位: 船营区发改局
    计划开工日期: 2018-10-20
    年度计划投资: 3000
    问题:
      - {提出日期: 2018-09-05, 内容: 环评批复, 责任单位: 市环保局, 时限: 2018-09-25}
"""

FILES = {
    "xiangmu.yaml": CONFIG,
    "高新区/在建.yaml": GX_BUILDING,
    "高新区/未入统.yaml": GX_UNSTAT,
    "船营区/在建.yaml": CY_BUILDING,
    "船营区/计划开工.yaml": CY_PLANNED,
}


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return load_repo(tmp_path, FILES)


def brief(rows: list) -> list[tuple]:
    return [(r["编号"], r["序号"], r["状态"], r["责任单位"], r["已开天数"], r["距时限天数"]) for r in rows]


# --- the problem list ----------------------------------------------------------------------


def test_open_problems_not_only_overdue(repo: Repository) -> None:
    # Region order (高新区 first, as in xiangmu.yaml), then 编号 and N; GX-1's 3 (solved) and 4
    # (raised after as-of) and GX-2's 1 (solved) are not open.
    assert brief(problem_rows(repo, AS_OF)) == [
        ("GX-1", 1, "超期", "市国土局", 121, -30),
        ("GX-1", 2, "未解决", "高新区发改局", 91, 15),
        ("GX-2", 2, "未解决", "市国土局", 18, None),
        ("CY-1", 1, "超期", "市消防支队", 60, -30),
        ("CY-2", 1, "超期", "市环保局", 25, -5),
    ]


def test_status_filters(repo: Repository) -> None:
    overdue = problem_rows(repo, AS_OF, status="超期")
    assert [(r["编号"], r["序号"]) for r in overdue] == [("GX-1", 1), ("CY-1", 1), ("CY-2", 1)]
    solved = problem_rows(repo, AS_OF, status="已解决")
    # solved by as-of: GX-1's 3 (took 132 days), GX-2's 1 (03-01 → 08-20: 30+31+30+31+30+31+19 = 172)
    assert brief(solved) == [("GX-1", 3, "已解决", "市交通局", 132, None), ("GX-2", 1, "已解决", "市国土局", 172, None)]
    assert solved[0]["解决日期"] == date(2018, 9, 10) and solved[0]["解决情况"] == "已接通"
    # 全部: the 7 raised by as-of (GX-1's 4 was raised after it)
    assert len(problem_rows(repo, AS_OF, status="全部")) == 7
    # as of 2018-10-10, CY-1's problem (solved 10-08) is solved, and GX-1's 4 is on the list
    later = problem_rows(repo, date(2018, 10, 10), status="全部")
    assert ("CY-1", 1, "已解决") in [(r["编号"], r["序号"], r["状态"]) for r in later]
    assert ("GX-1", 4) in [(r["编号"], r["序号"]) for r in later]


def test_filters_by_department_region_and_leader(repo: Repository) -> None:
    # 市国土局: GX-1's 1 (its own 责任单位) and GX-2's 2 (the project's, the problem names none)
    assert [(r["编号"], r["序号"]) for r in problem_rows(repo, AS_OF, department="市国土局")] == [
        ("GX-1", 1),
        ("GX-2", 2),
    ]
    assert [r["编号"] for r in problem_rows(repo, AS_OF, region="船营区")] == ["CY-1", "CY-2"]
    # 张明 holds GX-1 and CY-2 (the latter outside his 包保地区)
    assert [(r["编号"], r["序号"]) for r in problem_rows(repo, AS_OF, leader="张明")] == [
        ("GX-1", 1),
        ("GX-1", 2),
        ("CY-2", 1),
    ]


def test_summary_by_department(repo: Repository) -> None:
    rows = problem_rows(repo, AS_OF)
    # Most 超期 first, then most problems, then name: 市国土局 (1 超期 of 2), then 市消防支队 and
    # 市环保局 (1 of 1 each; 消 U+6D88 < 环 U+73AF), then 高新区发改局 (0 超期).
    assert [tuple(s.values()) for s in problem_summary(repo, rows, "责任单位")] == [
        # 分组, 问题数, 超期, 未解决, 已解决, 无时限, 最长已开天数
        ("市国土局", 2, 1, 1, 0, 1, 121),
        ("市消防支队", 1, 1, 0, 0, 0, 60),
        ("市环保局", 1, 1, 0, 0, 0, 25),
        ("高新区发改局", 1, 0, 1, 0, 0, 91),
    ]
    # by region: xiangmu.yaml order
    assert [(s["分组"], s["问题数"], s["超期"]) for s in problem_summary(repo, rows, "地区")] == [
        ("高新区", 3, 1),
        ("船营区", 2, 2),
    ]
    # by leader: 张明 (GX-1's two, CY-2's one), 李华 (CY-1's), and GX-2 has none (未填, last)
    assert [(s["分组"], s["问题数"]) for s in problem_summary(repo, rows, "包保领导")] == [
        ("张明", 3),
        ("李华", 1),
        ("（未填）", 1),
    ]


def test_list_reads_by_group_most_urgent_first(repo: Repository) -> None:
    rows, summary = problem_list(repo, AS_OF, "清单", "责任单位")
    # groups in the summary's order; within 市国土局, −30 days before the one without a 时限
    assert [(r["编号"], r["序号"]) for r in rows] == [("GX-1", 1), ("GX-2", 2), ("CY-1", 1), ("CY-2", 1), ("GX-1", 2)]
    assert [s["分组"] for s in summary] == ["市国土局", "市消防支队", "市环保局", "高新区发改局"]


def test_this_months_new_problems(repo: Repository) -> None:
    # raised 09-01..09-30: GX-2's 2 (09-12) and CY-2's 1 (09-05), in region order
    assert [(r["编号"], r["序号"]) for r in problem_view(repo, AS_OF, "本月新增")] == [("GX-2", 2), ("CY-2", 1)]


def test_what_each_department_must_answer_this_month(repo: Repository) -> None:
    # Open at some time in September: every problem raised by 09-30 except GX-2's 1 (solved 08-20).
    # By 责任单位 (code points: 市交 < 市国 < 市消 < 市环 < 高), most urgent first; GX-1's 3 was
    # answered on 09-10.
    rows = problem_view(repo, AS_OF, "分发")
    assert [(r["责任单位"], r["编号"], r["序号"], r["状态"]) for r in rows] == [
        ("市交通局", "GX-1", 3, "已解决"),
        ("市国土局", "GX-1", 1, "超期"),
        ("市国土局", "GX-2", 2, "未解决"),
        ("市消防支队", "CY-1", 1, "超期"),
        ("市环保局", "CY-2", 1, "超期"),
        ("高新区发改局", "GX-1", 2, "未解决"),
    ]


def test_what_goes_to_the_joint_meeting(repo: Repository) -> None:
    # Open past their 时限 and at no meeting yet (no 层级 written): the three overdue ones, most
    # overdue first (−30, −30 in region order, −5).
    rows = problem_view(repo, AS_OF, "联席会议")
    assert [(r["编号"], r["序号"], r["距时限天数"]) for r in rows] == [
        ("GX-1", 1, -30),
        ("CY-1", 1, -30),
        ("CY-2", 1, -5),
    ]
    assert problem_view(repo, AS_OF, "专题会议") == []


# --- one project's card --------------------------------------------------------------------


def test_card_of_a_started_project(repo: Repository) -> None:
    card = project_card(repo, "GX-1", AS_OF)
    assert (card.region, card.ledger, card.stage) == ("高新区", "在建", "在建（已入统）")
    assert card.place.endswith("高新区/在建.yaml:2")  # line 1 is 项目:, the item starts on line 2
    assert [(e["事件"], e["计划日期"], e["日期"], e["状态"]) for e in card.events] == [
        ("开工", None, date(2018, 3, 1), "已完成"),
        ("入统", None, date(2018, 4, 1), "已完成"),
    ]
    # Months from the start month (March) to September; none reported before July.
    # Σ: 0, 0, 0, 0, 1000, 2500, 3000; ÷ 年度计划 5000; the project's 序时 counts from March:
    # (month − 3 + 1) ÷ (12 − 3 + 1)
    assert [(m["月份"], m["当月完成投资"], m["完成投资"], m["投资完成率"], m["序时进度"]) for m in card.months] == [
        ("2018-03", None, 0, Fraction(0), Fraction(1, 10)),
        ("2018-04", None, 0, Fraction(0), Fraction(2, 10)),
        ("2018-05", None, 0, Fraction(0), Fraction(3, 10)),
        ("2018-06", None, 0, Fraction(0), Fraction(4, 10)),
        ("2018-07", 1000, 1000, Fraction(1, 5), Fraction(5, 10)),
        ("2018-08", 1500, 2500, Fraction(1, 2), Fraction(6, 10)),
        ("2018-09", 500, 3000, Fraction(3, 5), Fraction(7, 10)),
    ]
    assert card.investment is not None
    # 3000 ÷ 5000 = 0.6 against 0.7: 进度差 −0.1; 累计 = 以前年度 (none) + 3000
    assert card.investment["投资完成率"] == Fraction(3, 5) and card.investment["进度差"] == Fraction(-1, 10)
    # 红: problem 1 is overdue (the lag, 0.1, is not more than 口径.红灯进度差 0.1); the next visit
    # (09-20 + 15 = 10-05) falls due within 7 days
    assert card.light == "红"
    assert card.reasons == [
        "问题超期：用地指标，2018-08-31 到期，已逾期 30 天",
        "临期·走访：2018-10-05 到期，还有 5 天",
    ]
    assert [(d["类型"], d["剩余天数"]) for d in card.due_soon] == [("走访超期", 5)]
    assert card.investment["当月完成投资"] == 500 and card.investment["累计完成投资"] == 3000
    # every problem, numbered as xm problem solve numbers them, the 4th raised after as-of
    assert [(p["序号"], p["状态"]) for p in card.problems] == [
        (1, "超期"),
        (2, "未解决"),
        (3, "已解决"),
        (4, "截至日后提出"),
    ]
    assert [(i["类型"], i["逾期天数"]) for i in card.overdue] == [("问题超期", 30)]
    assert card.details["总投资"] == Decimal(20000) and "问题" not in card.details and "开工日期" not in card.details


def test_card_months_show_a_missing_month(repo: Repository) -> None:
    card = project_card(repo, "CY-1", AS_OF)
    # 1000, 2000, 1500, (August not reported), 2500 → Σ 1000, 3000, 4500, 4500, 7000 of 10000
    assert [(m["月份"], m["当月完成投资"], m["完成投资"]) for m in card.months] == [
        ("2018-05", 1000, 1000),
        ("2018-06", 2000, 3000),
        ("2018-07", 1500, 4500),
        ("2018-08", None, 4500),
        ("2018-09", 2500, 7000),
    ]
    # 7000 ÷ 10000 against the 序时 from May: (9 − 5 + 1) ÷ (12 − 5 + 1) = 5/8
    assert (card.months[-1]["投资完成率"], card.months[-1]["序时进度"]) == (Fraction(7, 10), Fraction(5, 8))
    # 在建 without 入统日期 (written before revision 2): 入统 from its start
    assert card.events[-1] == {"事件": "入统", "计划日期": None, "日期": None, "状态": "已完成（未记日期）"}


def test_card_as_of_before_the_start(repo: Repository) -> None:
    # GX-2 started 08-10: on 08-05 it was a planned project, in no month yet
    card = project_card(repo, "GX-2", date(2018, 8, 5))
    assert (card.stage, card.ledger, card.ledger_at) == ("计划开工", "未入统", "计划开工")
    assert card.months == []
    assert card.events[0] == {"事件": "开工", "计划日期": None, "日期": None, "状态": "未到"}
    # on 09-30 it is started, not in the statistics; its 入统时限 is 口径's (06-30): 92 days late
    # (06-30 → 09-30: 31+31+30)
    late = project_card(repo, "GX-2", AS_OF)
    assert late.stage == "在建（未入统）"
    assert late.events[1] == {"事件": "入统", "计划日期": date(2018, 6, 30), "日期": None, "状态": "逾期 92 天"}
    # 超期未入统 (92 days), 走访超期 (no visit: 开工 08-10 + 15 = 08-25, 36 days)
    assert [(i["类型"], i["逾期天数"]) for i in late.overdue] == [("超期未入统", 92), ("走访超期", 36)]


def test_card_of_a_planned_project(repo: Repository) -> None:
    card = project_card(repo, "CY-2", AS_OF)
    assert card.stage == "计划开工" and card.investment is None and card.months == []
    # planned start 10-20: 20 days ahead
    assert card.events == [{"事件": "开工", "计划日期": date(2018, 10, 20), "日期": None, "状态": "还有 20 天"}]


def test_unknown_code_suggests_close_ones(repo: Repository) -> None:
    with pytest.raises(NotFound) as caught:
        project_card(repo, "GX-3", AS_OF)
    assert caught.value.usage and "GX-1" in caught.value.message


# --- the next free 编号 ----------------------------------------------------------------------

NUMBERED = {
    "xiangmu.yaml": "名称: 测试台账\n年度: 2018\n地区:\n  - {名称: 甲区, 类型: 区县}\n  - {名称: 乙区, 类型: 区县}\n"
    "  - {名称: 丙区, 类型: 区县}\n",
    # 甲区's scheme: A-{年}-NNN (5 codes), against one X9 and one without a serial
    "甲区/在建.yaml": "项目:\n"
    + "".join(
        f"  - {{编号: {code}, 名称: 项目, 总投资: 6000, 项目秘书: 王芳, 建设性质: 新建, 开工日期: 2018-03-01, 年度计划投资: 100}}\n"
        for code in ("A-2017-001", "A-2017-002", "A-2018-001", "A-2018-007", "A-2018-010", "X9", "ABC")
    ),
    # 乙区 holds A-2018-011 (written in the wrong region, but a 编号 is unique everywhere) in a
    # project with an error (no 名称): still taken
    "乙区/在建.yaml": "项目:\n  - {编号: A-2018-011, 总投资: 6000}\n",
}


def test_next_free_id_follows_the_regions_scheme(tmp_path: Path) -> None:
    repo = load(write_repo(tmp_path, NUMBERED))
    # A-2018-: 001, 007, 010 used (gaps are not filled) → 011, taken in 乙区 → 012
    assert next_id(repo, "甲区") == {
        "地区": "甲区",
        "编号": "A-2018-012",
        "规则": "A-2018-NNN",
        "已用到": "A-2018-010",
        "依据": 5,
    }
    # a year without codes starts at 001, same width
    assert next_id(repo, "甲区", year=2019)["编号"] == "A-2019-001"
    # a prefix given: its own serials (none yet), width 3
    assert next_id(repo, "甲区", prefix="NEW-")["编号"] == "NEW-001"
    assert next_id(repo, "甲区", prefix="X")["编号"] == "X10"  # X9's width is 1; 10 needs 2 digits
    with pytest.raises(NotFound) as empty:
        next_id(repo, "丙区")
    assert not empty.value.usage and "--prefix" in empty.value.message
    with pytest.raises(NotFound):
        next_id(repo, "丁区")


# --- a leader's and a department's page ------------------------------------------------------


def test_leader_page_month(repo: Repository) -> None:
    page = leader_page(repo, "张明", AS_OF)
    assert page.leader == {"姓名": "张明", "职务": "副市长", "包保地区": ["高新区"]}
    # 高新区: started GX-1 and GX-2; 完成投资 3000 + 300; overdue items GX-1 问题超期, GX-2 超期未入统
    # and 走访超期 = 3; problems raised by as-of 5 (GX-1 three, GX-2 two), 2 solved → 3 open
    [region] = page.regions
    assert (region["地区"], region["在建项目数"], region["完成投资"], region["逾期事项"], region["未解决问题数"]) == (
        "高新区",
        2,
        3300,
        3,
        3,
    )
    # his projects: GX-1 (高新区) then CY-2 (船营区, outside his regions)
    projects = {p["编号"]: p for p in page.projects}
    assert list(projects) == ["GX-1", "CY-2"]
    gx = projects["GX-1"]
    # 3000 ÷ 5000 = 0.6; its 序时 7/10 (from March); September's 500; problems 1 (超期) and 2
    # open; one overdue item: 红
    assert (gx["亮灯"], gx["完成投资"], gx["投资完成率"], gx["进度差"], gx["当期完成投资"]) == (
        "红",
        3000,
        Fraction(3, 5),
        Fraction(-1, 10),
        500,
    )
    assert (gx["未解决问题"], gx["超期问题"], gx["逾期事项"]) == (2, 1, 1)
    cy = projects["CY-2"]
    assert (cy["阶段"], cy["完成投资"], cy["当期完成投资"], cy["未解决问题"], cy["逾期事项"]) == (
        "计划开工",
        None,
        None,
        1,
        1,
    )
    # overdue items of his projects, most overdue first: GX-1 (30 days), CY-2 (09-25: 5 days)
    assert [(i["编号"], i["逾期天数"]) for i in page.overdue] == [("GX-1", 30), ("CY-2", 5)]
    assert [(p["编号"], p["序号"]) for p in page.problems] == [("GX-1", 1), ("GX-1", 2), ("CY-2", 1)]
    # September's events of his projects: CY-2's problem raised 09-05, GX-1's 3 solved 09-10
    assert [(c["日期"], c["类型"], c["编号"]) for c in page.changes] == [
        (date(2018, 9, 5), "问题提出", "CY-2"),
        (date(2018, 9, 10), "问题解决", "GX-1"),
    ]


def test_leader_page_quarter(repo: Repository) -> None:
    page = leader_page(repo, "张明", AS_OF, "季")
    assert page.since == date(2018, 7, 1)
    # the third quarter's 完成投资 of GX-1: 1000 + 1500 + 500
    assert page.projects[0]["当期完成投资"] == 3000
    # GX-1's 2 raised 07-01 joins the quarter's events
    assert [(c["日期"], c["类型"], c["编号"]) for c in page.changes] == [
        (date(2018, 7, 1), "问题提出", "GX-1"),
        (date(2018, 9, 5), "问题提出", "CY-2"),
        (date(2018, 9, 10), "问题解决", "GX-1"),
    ]


def test_leader_not_listed(repo: Repository) -> None:
    with pytest.raises(NotFound) as caught:
        leader_page(repo, "张", AS_OF)
    assert "张明" in caught.value.message


def test_department_page(repo: Repository) -> None:
    page = department_page(repo, "市国土局", AS_OF)
    assert [p["编号"] for p in page.projects] == ["GX-2"]  # its 责任单位
    # GX-1's 1 (its own 责任单位) and GX-2's 2 (the project's), most urgent first
    assert [(p["编号"], p["序号"]) for p in page.problems] == [("GX-1", 1), ("GX-2", 2)]
    # overdue items it answers for: GX-1's problem, and GX-2's 超期未入统 and 走访超期
    assert sorted((i["编号"], i["类型"]) for i in page.overdue) == [
        ("GX-1", "问题超期"),
        ("GX-2", "走访超期"),
        ("GX-2", "超期未入统"),
    ]
    assert page.counts == {"负责项目": 1, "待解决问题": 2, "其中超期": 1, "本月已解决": 0, "逾期事项": 3}
    # 市交通局 answered GX-1's 3 this month
    assert department_page(repo, "市交通局", AS_OF).counts["本月已解决"] == 1
    with pytest.raises(NotFound) as caught:
        department_page(repo, "国土局", AS_OF)
    assert "市国土局" in caught.value.message


# --- through the command line ----------------------------------------------------------------


def _run(root: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--ledgers", str(root)])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["show", "GX-1"],
        ["problems"],
        ["problems", "--view", "分发", "--by", "地区"],
        ["problems", "--view", "联席会议"],
        ["leader", "张明"],
        ["leader", "张明", "--quarter"],
        ["dept", "市国土局"],
    ],
    ids=" ".join,
)
@pytest.mark.parametrize("fmt", ["rich", "md", "plain", "csv", "json", "html"])
def test_every_page_in_every_format(tmp_path: Path, args: list[str], fmt: str) -> None:
    root = write_repo(tmp_path, FILES)
    first = _run(root, *args, "--month", "2018-09", "--format", fmt)
    assert first[0] == 0, first
    assert first == _run(root, *args, "--month", "2018-09", "--format", fmt)  # deterministic
    result = runner.invoke(app, [*args, "--ledgers", str(root), "--month", "2018-09", "-o", str(tmp_path / "p.xlsx")])
    assert result.exit_code == 0 and (tmp_path / "p.xlsx").read_bytes()[:2] == b"PK"


def test_show_json_is_the_card(tmp_path: Path) -> None:
    root = write_repo(tmp_path, FILES)
    code, out, _ = _run(root, "show", "GX-1", "--month", "2018-09", "--format", "json")
    assert code == 0
    data = json.loads(out, parse_float=Decimal)
    assert data["位置"].endswith("高新区/在建.yaml:2") and data["阶段"] == "在建（已入统）"
    assert [p["序号"] for p in data["问题"]] == [1, 2, 3, 4]
    assert data["完成投资（按月）"][-1] == {
        "月份": "2018-09",
        "当月完成投资": Decimal("500.00"),
        "完成投资": Decimal("3000.00"),
        "投资完成率": Decimal("0.600000"),
        "序时进度": Decimal("0.700000"),
        "进度差": Decimal("-0.100000"),
    }
    assert data["亮灯"] == "红" and len(data["亮灯原因"]) == 2


def test_show_plain_names_the_problem_numbers(tmp_path: Path) -> None:
    root = write_repo(tmp_path, FILES)
    code, out, _ = _run(root, "show", "CY-1", "--month", "2018-09")
    assert code == 0
    assert "位置：" in out and "船营区/在建.yaml:2" in out
    assert "xm problem solve 编号 N" in out and "消防审核" in out


def test_problems_cli_filters(tmp_path: Path) -> None:
    root = write_repo(tmp_path, FILES)
    code, out, _ = _run(root, "problems", "--department", "市国土局", "--month", "2018-09", "--format", "json")
    data = json.loads(out)
    assert [(r["编号"], r["序号"]) for r in data["问题清单"]] == [("GX-1", 1), ("GX-2", 2)]
    assert data["按责任单位汇总"] == [
        {"分组": "市国土局", "问题数": 2, "超期": 1, "未解决": 1, "已解决": 0, "无时限": 1, "最长已开天数": 121}
    ]
    code, out, _ = _run(root, "problems", "--status", "已解决", "--month", "2018-09", "--format", "json")
    assert code == 0
    assert [(r["编号"], r["序号"]) for r in json.loads(out)["问题清单"]] == [("GX-1", 3), ("GX-2", 1)]


def test_unknown_names_are_usage_errors(tmp_path: Path) -> None:
    root = write_repo(tmp_path, FILES)
    code, _, err = _run(root, "show", "GX-3")
    assert code == 2 and "没有编号为「GX-3」的项目" in err and "GX-1" in err
    code, _, err = _run(root, "leader", "张")
    assert code == 2 and "是否应为 张明" in err
    code, _, err = _run(root, "dept", "国土局")
    assert code == 2 and "市国土局" in err
    code, _, err = _run(root, "next-id", "丁区")
    assert code == 2 and "没有地区「丁区」" in err


def test_show_refuses_a_project_with_errors(tmp_path: Path) -> None:
    root = write_repo(tmp_path, {**FILES, "船营区/在建.yaml": CY_BUILDING.replace("总投资: 120000", "总投资: 十二万")})
    code, _, err = _run(root, "show", "CY-1")
    assert code == 1 and "有错误" in err and "xm validate" in err


def test_next_id_prints_only_the_id(tmp_path: Path) -> None:
    root = write_repo(tmp_path, NUMBERED)
    code, out, err = _run(root, "next-id", "甲区")
    assert (code, out) == (0, "A-2018-012\n")
    assert "A-2018-NNN" in err and "A-2018-010" in err and "错误" in err  # 乙区's project has one
    code, out, err = _run(root, "next-id", "丙区")
    assert code == 1 and out == "" and "--prefix" in err
    assert _run(root, "next-id", "丙区", "--prefix", "C-2018-")[1] == "C-2018-001\n"


def test_pages_through_the_cache_print_the_same(tmp_path: Path, cache_on: Path) -> None:
    root = write_repo(tmp_path, FILES)
    for args in (["show", "GX-1"], ["problems", "--view", "分发"], ["leader", "张明"], ["dept", "市国土局"]):
        cold = _run(root, *args, "--month", "2018-09", "--format", "json")
        assert cold[0] == 0
        assert _run(root, *args, "--month", "2018-09", "--format", "json") == cold
    assert any(cache_on.rglob("*"))


def test_pages_at_a_git_revision(tmp_path: Path) -> None:
    git = Repo(tmp_path)
    git.commit("九月台账", FILES)
    # after the commit GX-1's problem 1 is solved (on 09-28) in the working tree
    solved = GX_BUILDING.replace("时限: 2018-08-31}", "时限: 2018-08-31, 解决日期: 2018-09-28}")
    git.write({"高新区/在建.yaml": solved})
    root = tmp_path / "ledgers"

    def states(*rev: str) -> list[tuple[str, int, str]]:
        code, out, _ = _run(root, "show", "GX-1", "--month", "2018-09", "--format", "json", *rev)
        assert code == 0
        return [(p["编号"], p["序号"], p["状态"]) for p in json.loads(out)["问题"]][:1]

    assert states() == [("GX-1", 1, "已解决")]
    assert states("--rev", "HEAD") == [("GX-1", 1, "超期")]
    _, out, _ = _run(root, "problems", "--month", "2018-09", "--format", "json", "--rev", "HEAD")
    assert ("GX-1", 1) in [(r["编号"], r["序号"]) for r in json.loads(out)["问题清单"]]
    _, out, _ = _run(root, "problems", "--month", "2018-09", "--format", "json")
    assert ("GX-1", 1) not in [(r["编号"], r["序号"]) for r in json.loads(out)["问题清单"]]


# --- the demo ledgers (吉林市 2018-09) ----------------------------------------------------------

DEMO_PAGES = [
    ["show", "CY-2018-006"],
    ["problems"],
    ["problems", "--view", "联席会议"],
    ["leader", "周立新"],
    ["dept", "市国土资源局"],
]


@pytest.mark.parametrize("args", DEMO_PAGES, ids=" ".join)
def test_demo_json_equals_the_library(args: list[str]) -> None:
    from xiangmu_cli.figures.card import project_card as card
    from xiangmu_cli.figures.pages import department_page as dept_page
    from xiangmu_cli.figures.pages import leader_page as lead_page
    from xiangmu_cli.figures.problems import problem_list as plist

    from .conftest import ROOT
    from .test_reports_cli import _written

    demo = load(ROOT / "ledgers")
    result = runner.invoke(app, [*args, "--ledgers", str(ROOT / "ledgers"), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout, parse_float=Decimal)
    assert data["meta"]["截至"] == "2018-09-30"
    if args[0] == "show":
        expected = card(demo, args[1], AS_OF).as_dict()
    elif args[0] == "problems":
        view = args[2] if len(args) > 2 else "清单"
        rows, summary = plist(demo, AS_OF, view)
        title = {"清单": "问题清单", "联席会议": "提交联席会议的问题"}[view]
        expected = {"按责任单位汇总": summary, title: rows}
    elif args[0] == "leader":
        expected = lead_page(demo, args[1], AS_OF).as_dict()
    else:
        expected = dept_page(demo, args[1], AS_OF).as_dict()
    _written({k: data[k] for k in expected}, expected)
