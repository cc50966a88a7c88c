"""Traffic lights (metrics.md "Traffic lights") and 临期事项 on a small hand-worked repository.

Judged as of 2018-09-20 unless a test says otherwise: 序时进度 9/12 = 0.75; 口径.红灯进度差 0.1,
口径.临期天数 7, so an item is 临期 when 2018-09-20 ≤ due ≤ 2018-09-27. The latest complete month
is August (as-of is not a month's end), and every started project reported August.
Every light and every item below is worked out by hand in the comments.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from xiangmu_cli.figures.lights import (
    light_counts,
    project_light,
    project_lights,
    reasons,
    record_colour,
    record_light,
    red_rows,
)
from xiangmu_cli.figures.overdue import due_soon_items, overdue_items, record_items, record_split
from xiangmu_cli.reading.loading import Repository

from .conftest import load_repo

AS_OF = date(2018, 9, 20)

CONFIG = """\
名称: 测试台账
年度: 2018
口径:
  入库门槛: 5000
  走访周期: 15
  红灯进度差: 0.1
  临期天数: 7
领导:
  - {姓名: 张明, 职务: 副市长}
地区:
  - {名称: 高新区, 类型: 开发区}
  - {名称: 船营区, 类型: 区县}
"""

CY_BUILDING = """\
项目:
  # 续建, 640 of 1000 by August: 完成率 0.64, 0.75 − 0.64 = 0.11 > 0.1 → 红 (progress alone).
  # Visit 09-15 + 15 = 09-30: 10 days ahead, not 临期.
  - 编号: CY-1
    名称: 续建落后项目
    总投资: 20000
    项目秘书: 王芳
    建设性质: 续建
    开工日期: 2017-05-01
    年度计划投资: 1000
    完成投资: {2018-01: 80, 2018-02: 80, 2018-03: 80, 2018-04: 80, 2018-05: 80, 2018-06: 80, 2018-07: 80, 2018-08: 80}
    走访: [2018-09-15]
  # 650 of 1000: 0.75 − 0.65 = 0.10, not more than 0.1 → not behind. Visit 09-10 + 15 = 09-25:
  # 临期 (5 days) → 黄.
  - 编号: CY-2
    名称: 续建临界项目
    总投资: 20000
    项目秘书: 王芳
    建设性质: 续建
    开工日期: 2017-05-01
    年度计划投资: 1000
    完成投资: {2018-01: 80, 2018-02: 80, 2018-03: 80, 2018-04: 80, 2018-05: 80, 2018-06: 80, 2018-07: 80, 2018-08: 90}
    走访: [2018-09-10]
  # 新建 in July: its 序时进度 counts from July, (9 − 7 + 1) ÷ (12 − 7 + 1) = 3/6; 250/600 = 5/12;
  # 5/12 − 6/12 = −1/12 ≈ −0.083 → not behind → 绿 (against the city's 0.75 it would be −1/3).
  - 编号: CY-3
    名称: 年中新开工项目
    总投资: 9000
    项目秘书: 李娜
    建设性质: 新建
    开工日期: 2018-07-01
    年度计划投资: 600
    完成投资: {2018-07: 100, 2018-08: 150}
    走访: [2018-09-18]
  # On schedule (800/1000 = 0.8), but a problem past its 时限 (09-10: 10 days) → 红.
  - 编号: CY-4
    名称: 问题超期项目
    总投资: 15000
    项目秘书: 李娜
    建设性质: 续建
    开工日期: 2016-03-01
    年度计划投资: 1000
    完成投资: {2018-01: 100, 2018-02: 100, 2018-03: 100, 2018-04: 100, 2018-05: 100, 2018-06: 100, 2018-07: 100, 2018-08: 100}
    走访: [2018-09-18]
    问题:
      - {提出日期: 2018-08-01, 内容: 用地指标, 责任单位: 市自然资源局, 时限: 2018-09-10}
  # Finished 08-31: 120 of 1000 is not judged against time → 绿.
  - 编号: CY-5
    名称: 已竣工项目
    总投资: 6000
    项目秘书: 李娜
    建设性质: 新建
    开工日期: 2018-03-01
    竣工日期: 2018-08-31
    年度计划投资: 1000
    完成投资: {2018-03: 20, 2018-04: 20, 2018-05: 20, 2018-06: 20, 2018-07: 20, 2018-08: 20}
    走访: [2018-09-18]
"""

CY_UNSTAT = """\
项目:
  # 入统时限 09-22: 临期 (2 days) → 黄. 840/1000 against (9 − 2 + 1)/(12 − 2 + 1) = 8/11: ahead.
  - 编号: CY-10
    名称: 待入统项目
    总投资: 7000
    项目秘书: 王芳
    建设性质: 新建
    开工日期: 2018-02-01
    年度计划投资: 1000
    完成投资: {2018-02: 120, 2018-03: 120, 2018-04: 120, 2018-05: 120, 2018-06: 120, 2018-07: 120, 2018-08: 120}
    走访: [2018-09-18]
    未入统原因: 手续未齐
    入统时限: 2018-09-22
"""

CY_PLANNED = """\
项目:
  - {编号: CY-6, 名称: 七天后开工, 总投资: 8000, 项目秘书: 李娜, 计划开工日期: 2018-09-27}  # 09-27 = as-of + 7: 黄
  - {编号: CY-7, 名称: 八天后开工, 总投资: 8000, 项目秘书: 李娜, 计划开工日期: 2018-09-28}  # 8 days: 绿
  - {编号: CY-8, 名称: 今天开工, 总投资: 8000, 项目秘书: 李娜, 计划开工日期: 2018-09-20}  # due today: 临期 0, 黄
"""

CY_INVESTMENT = """\
项目:
  # 计划落地 09-19 < as-of, not landed: 签约未落地, 1 day → 红.
  - {编号: CY-9, 名称: 签约未落地项目, 总投资: 30000, 项目秘书: 王芳, 阶段: 签约, 投资方: 某集团, 签约日期: 2018-03-01, 计划落地日期: 2018-09-19}
"""

GX_PLANNED = """\
项目:
  - {编号: GX-1, 名称: 十月开工, 总投资: 8000, 项目秘书: 陈晨, 计划开工日期: 2018-10-30}  # 绿
  # A problem whose 时限 is 09-21: 临期 (1 day) → 黄.
  - 编号: GX-2
    名称: 问题临期项目
    总投资: 9000
    包保领导: 张明
    项目秘书: 陈晨
    计划开工日期: 2018-11-30
    问题:
      - {提出日期: 2018-09-01, 内容: 电力增容, 责任单位: 供电公司, 时限: 2018-09-21}
"""

FILES = {
    "xiangmu.yaml": CONFIG,
    "船营区/在建.yaml": CY_BUILDING,
    "船营区/未入统.yaml": CY_UNSTAT,
    "船营区/计划开工.yaml": CY_PLANNED,
    "船营区/招商.yaml": CY_INVESTMENT,
    "高新区/计划开工.yaml": GX_PLANNED,
}

EXPECTED = {
    "CY-1": "红",
    "CY-2": "黄",
    "CY-3": "绿",
    "CY-4": "红",
    "CY-5": "绿",
    "CY-10": "黄",
    "CY-6": "黄",
    "CY-7": "绿",
    "CY-8": "黄",
    "CY-9": "红",
    "GX-1": "绿",
    "GX-2": "黄",
}


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return load_repo(tmp_path, FILES)


def _lights(repo: Repository, as_of: date = AS_OF) -> dict[str, str]:
    return {light["编号"]: light["亮灯"] for light in project_lights(repo, as_of)}


def test_every_light_by_hand(repo: Repository) -> None:
    assert _lights(repo) == EXPECTED
    # the light alone, as xm list shows it (issue 15: without the items behind it)
    assert {r.project.code: record_colour(r, repo.config, AS_OF) for r in repo.records} == EXPECTED  # type: ignore[arg-type]


@pytest.mark.parametrize("month", ["2018-02", "2018-05", "2018-07", "2018-09", "2018-12"])
def test_the_light_alone_is_the_lights(month: str) -> None:
    from xiangmu_cli.reading.loading import load

    from .conftest import ROOT

    demo = load(ROOT / "ledgers", locate=False)
    assert demo.config is not None
    year, m = map(int, month.split("-"))
    as_of = date(year, m, 15)
    shown = [record_colour(r, demo.config, as_of) for r in demo.records]
    assert shown == [light["亮灯"] for light in project_lights(demo, as_of)]
    assert {"红", "绿"} <= set(shown) and ("黄" in shown or month == "2018-12")  # every light met (no 黄 in 12月)
    # The monthly report's lights (record_light without the items falling due): all else the same.
    for rec in demo.records:
        full = record_light(rec, demo.config, as_of, detail=False)
        lean = record_light(rec, demo.config, as_of, detail=False, soon_items=False)
        assert lean == {**full, "临期事项": []}, rec.project.code


def test_progress_figures_are_exact(repo: Repository) -> None:
    one = project_light(repo, "CY-1", AS_OF)
    assert one is not None
    assert (one["完成率"], one["序时进度"], one["进度差"], one["落后序时"]) == (
        Fraction(16, 25),  # 640 / 1000
        Fraction(3, 4),
        Fraction(16, 25) - Fraction(3, 4),  # −0.11
        True,
    )
    edge = project_light(repo, "CY-2", AS_OF)
    assert edge is not None and edge["进度差"] == Fraction(-1, 10) and not edge["落后序时"]  # exactly the margin
    mid_year = project_light(repo, "CY-3", AS_OF)
    assert mid_year is not None
    assert (mid_year["完成率"], mid_year["序时进度"]) == (Fraction(5, 12), Fraction(1, 2))
    finished = project_light(repo, "CY-5", AS_OF)
    assert finished is not None and finished["完成率"] is None and not finished["落后序时"]
    planned = project_light(repo, "CY-6", AS_OF)
    assert planned is not None and planned["进度差"] is None
    assert project_light(repo, "NO-SUCH", AS_OF) is None


def test_reasons_say_why(repo: Repository) -> None:
    lights = {light["编号"]: light for light in project_lights(repo, AS_OF)}
    assert reasons(lights["CY-1"]) == ["完成投资落后序时进度 11.0 个百分点（完成率 64.0%，序时进度 75.0%）"]
    assert reasons(lights["CY-4"]) == ["问题超期：用地指标，2018-09-10 到期，已逾期 10 天"]
    assert reasons(lights["CY-9"]) == ["签约未落地：2018-09-19 到期，已逾期 1 天"]
    assert reasons(lights["CY-8"]) == ["临期·计划开工：2018-09-20 到期，今天到期"]
    assert reasons(lights["CY-2"]) == ["临期·走访：2018-09-25 到期，还有 5 天"]
    assert reasons(lights["GX-2"]) == ["临期·问题时限：电力增容，2018-09-21 到期，还有 1 天"]
    assert reasons(lights["GX-1"]) == []
    # 红灯项目: region order (高新区 first: none red), then 编号; only what made each red
    rows = red_rows(project_lights(repo, AS_OF))
    assert [(r["编号"], r["原因"]) for r in rows] == [
        ("CY-1", reasons(lights["CY-1"])),
        ("CY-4", reasons(lights["CY-4"])),
        ("CY-9", reasons(lights["CY-9"])),
    ]


def test_counts_per_region(repo: Repository) -> None:
    lights = project_lights(repo, AS_OF)
    # 高新区: GX-2 黄, GX-1 绿. 船营区: 红 CY-1, CY-4, CY-9; 黄 CY-2, CY-6, CY-8, CY-10; 绿 CY-3, CY-5, CY-7.
    assert light_counts(repo, lights) == [
        {"地区": "高新区", "红灯": 0, "黄灯": 1, "绿灯": 1, "项目数": 2},
        {"地区": "船营区", "红灯": 3, "黄灯": 4, "绿灯": 3, "项目数": 10},
        {"地区": "全市", "红灯": 3, "黄灯": 5, "绿灯": 4, "项目数": 12},
    ]
    only = project_lights(repo, AS_OF, [r for r in repo.records if r.region == "船营区"])
    assert light_counts(repo, only, "船营区") == [{"地区": "船营区", "红灯": 3, "黄灯": 4, "绿灯": 3, "项目数": 10}]


def test_due_soon_items(repo: Repository) -> None:
    soon = due_soon_items(repo, AS_OF)
    # soonest first; ties by region (高新区 first), 编号, kind
    assert [(it["类型"], it["编号"], it["到期日期"], it["剩余天数"], it["事项"]) for it in soon] == [
        ("未按期开工", "CY-8", date(2018, 9, 20), 0, None),
        ("问题超期", "GX-2", date(2018, 9, 21), 1, "电力增容"),
        ("超期未入统", "CY-10", date(2018, 9, 22), 2, None),
        ("走访超期", "CY-2", date(2018, 9, 25), 5, None),
        ("未按期开工", "CY-6", date(2018, 9, 27), 7, None),
    ]
    assert soon[1]["责任单位"] == "供电公司" and soon[1]["包保领导"] == "张明"
    assert [it["编号"] for it in overdue_items(repo, AS_OF)] == ["CY-4", "CY-9"]  # 10 days, 1 day
    # no window: only what is due on the as-of date itself
    assert [it["编号"] for it in due_soon_items(repo, AS_OF, 0)] == ["CY-8"]
    assert due_soon_items(repo, AS_OF, secretary="陈晨", kind="问题超期")[0]["编号"] == "GX-2"


def test_next_month_report_falls_due(repo: Repository) -> None:
    """As of 09-25 September's 完成投资 falls due on 09-30 (5 days): every project started by then,
    not finished before September, without a 2018-09 entry (CY-5 finished 08-31 is not asked)."""
    soon = [it for it in due_soon_items(repo, date(2018, 9, 25)) if it["类型"] == "投资漏报"]
    assert [(it["编号"], it["到期日期"], it["剩余天数"], it["事项"]) for it in soon] == [
        (code, date(2018, 9, 30), 5, "2018-09 未报完成投资") for code in ("CY-1", "CY-10", "CY-2", "CY-3", "CY-4")
    ]
    # On 09-30 the same months are overdue (0 days, as xm overdue has always counted them) and
    # October's report (due 10-31) is not within 7 days.
    late = [it["编号"] for it in overdue_items(repo, date(2018, 9, 30), kind="投资漏报")]
    assert sorted(late) == ["CY-1", "CY-10", "CY-2", "CY-3", "CY-4"]
    assert not [it for it in due_soon_items(repo, date(2018, 9, 30)) if it["类型"] == "投资漏报"]


@pytest.mark.parametrize("day", [date(2018, 9, 1), AS_OF, date(2018, 9, 25), date(2018, 9, 30), date(2018, 12, 31)])
def test_one_pass_equals_the_two_questions(repo: Repository, day: date) -> None:
    """record_split (one pass, used by the lights) gives what the two separate questions give,
    and nothing is both overdue and due soon."""
    assert repo.config is not None
    for rec in repo.records:
        late, soon = record_split(rec, repo.config, day, 7)
        assert late == record_items(rec, repo.config, day)
        assert [it["编号"] for it in soon] == [it["编号"] for it in record_items(rec, repo.config, day, 7)]
        assert all(it["逾期天数"] >= 0 for it in late) and all(it["剩余天数"] >= 0 for it in soon)
        assert not {(it["类型"], it["到期日期"]) for it in late} & {(it["类型"], it["到期日期"]) for it in soon}


def test_caliber_changes_the_lights(tmp_path: Path) -> None:
    # 15 points of margin: CY-1's 11 are within it; nothing of CY-1 falls due within 7 days → 绿.
    # No window (临期天数 0): only CY-8, due today, stays 黄.
    config = CONFIG.replace("红灯进度差: 0.1", "红灯进度差: 15%").replace("临期天数: 7", "临期天数: 0")
    repo = load_repo(tmp_path, {**FILES, "xiangmu.yaml": config})
    expected = {**EXPECTED, "CY-1": "绿", "CY-2": "绿", "CY-6": "绿", "CY-10": "绿", "GX-2": "绿"}
    assert _lights(repo) == expected


def test_defaults_when_unset(tmp_path: Path) -> None:
    """Without 红灯进度差 and 临期天数 the defaults are 0.1 and 7: the same lights."""
    config = CONFIG.replace("  红灯进度差: 0.1\n", "").replace("  临期天数: 7\n", "")
    repo = load_repo(tmp_path, {**FILES, "xiangmu.yaml": config})
    assert repo.config is not None
    assert (repo.config.caliber.red_margin, repo.config.caliber.due_days) == (Fraction(1, 10), 7)
    assert _lights(repo) == EXPECTED


def test_stage_as_of_an_earlier_date(repo: Repository) -> None:
    """As of 2018-06-25 CY-3 (开工 07-01) was not started: nothing to judge, 绿; CY-8 and CY-6
    were planned, their starts months away; CY-10's August figures do not count yet."""
    lights = _lights(repo, date(2018, 6, 25))
    assert lights["CY-3"] == "绿" and lights["CY-6"] == "绿" and lights["CY-8"] == "绿"


# --- where the lights are shown ---------------------------------------------------------------


def test_list_and_monthly_report_show_the_lights(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from xiangmu_cli.cli import app

    from .conftest import write_repo

    root = str(write_repo(tmp_path, FILES))
    runner = CliRunner()
    listed = runner.invoke(app, ["list", "--ledgers", root, "--as-of", "2018-09-20", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    assert {row["编号"]: row["亮灯"] for row in json.loads(listed.stdout)["项目"]} == EXPECTED
    plain = runner.invoke(app, ["list", "--ledgers", root, "--as-of", "2018-09-20", "--format", "plain"]).stdout
    assert "红灯 3 个，黄灯 5 个，绿灯 4 个" in plain and "亮灯" in plain
    monthly = runner.invoke(app, ["report", "monthly", "--ledgers", root, "--as-of", "2018-09-20", "--format", "json"])
    report = json.loads(monthly.stdout)
    assert report["亮灯情况"][-1] == {"地区": "全市", "红灯": 3, "黄灯": 5, "绿灯": 4, "项目数": 12}
    assert [row["编号"] for row in report["红灯项目"]] == ["CY-1", "CY-4", "CY-9"]
    one = runner.invoke(
        app, ["report", "monthly", "--ledgers", root, "--as-of", "2018-09-20", "--region", "高新区", "--format", "json"]
    )
    assert json.loads(one.stdout)["亮灯情况"] == [{"地区": "高新区", "红灯": 0, "黄灯": 1, "绿灯": 1, "项目数": 2}]
    md = runner.invoke(app, ["report", "monthly", "--ledgers", root, "--as-of", "2018-09-20", "--format", "md"]).stdout
    assert md.index("## 亮灯情况") > md.index("## 本月变动") and "## 红灯项目" in md  # after the contract's sections


def test_light_cells_are_coloured() -> None:
    from xiangmu_cli.output.formats import render
    from xiangmu_cli.output.html import render_html
    from xiangmu_cli.output.tables import Column, Document, Table

    rows = [{"编号": "A", "亮灯": "红"}, {"编号": "B", "亮灯": "黄"}, {"编号": "C", "亮灯": "绿"}]
    doc = Document("t", {}, [Table("x", [Column("编号"), Column("亮灯", kind="light")], rows)])
    rich = render(doc, "rich", width=60, color=True)
    assert "\x1b[31m红\x1b[0m" in rich and "\x1b[33m黄\x1b[0m" in rich and "\x1b[32m绿\x1b[0m" in rich
    html = render_html(doc)
    assert '<td class="nowrap behind">红</td>' in html and '<td class="nowrap due">黄</td>' in html
    assert '<td class="nowrap ahead">绿</td>' in html
    assert render(doc, "csv").splitlines()[1:] == ["A,红", "B,黄", "C,绿"]


@pytest.mark.parametrize("region", [None, "船营区", "龙潭区"])
def test_monthly_overdue_section_is_xm_overdue(region: str | None) -> None:
    """The monthly report takes its 逾期事项 from the lights (one pass); they are exactly
    ``xm overdue``'s items, grouped by kind, on the demo ledgers."""
    from xiangmu_cli.figures.overdue import KINDS
    from xiangmu_cli.figures.report import monthly_report
    from xiangmu_cli.reading.loading import load

    from .conftest import ROOT

    demo = load(ROOT / "ledgers")
    for day in (date(2018, 9, 30), date(2018, 7, 12)):
        kinds = {kind: i for i, kind in enumerate(KINDS)}
        expected = sorted(overdue_items(demo, day, region=region), key=lambda it: kinds[it["类型"]])
        assert monthly_report(demo, day, region).overdue == expected


def test_decimal_test_agrees_with_fractions() -> None:
    """The bulk test (exact decimals, cross-multiplied) gives the light that the fractions give
    (完成率 − 序时进度 < −红灯进度差), for every demo project at several dates and margins."""
    from decimal import Decimal

    from xiangmu_cli.reading.loading import load

    from .conftest import ROOT

    demo = load(ROOT / "ledgers")
    assert demo.config is not None
    for margin in (Decimal("0.1"), Decimal("0.05"), Decimal("0.123456789")):
        demo.config.caliber.red_margin = margin
        for day in (date(2018, 3, 31), date(2018, 9, 30), date(2018, 11, 15), date(2019, 1, 10)):
            detailed = project_lights(demo, day, detail=True)
            bulk = project_lights(demo, day)
            assert [b["亮灯"] for b in bulk] == [d["亮灯"] for d in detailed]
            for light in detailed:
                gap = light["进度差"]
                assert light["落后序时"] == (gap is not None and gap < -Fraction(margin))


def test_behind_schedule_exactly() -> None:
    from decimal import Decimal

    from xiangmu_cli.figures.lights import behind_schedule

    # 3/4 − 640/1000 = 0.11 > 0.1; 3/4 − 650/1000 = 0.10, not more
    assert behind_schedule(Decimal(640), Decimal(1000), (3, 4), Decimal("0.1"))
    assert not behind_schedule(Decimal(650), Decimal(1000), (3, 4), Decimal("0.1"))
    # a value with more digits than any decimal context keeps: decided by fractions, exactly
    above = Decimal("650." + "0" * 300 + "1")  # written out: Decimal arithmetic would round it
    below = Decimal("649." + "9" * 301)
    assert not behind_schedule(above, Decimal(1000), (3, 4), Decimal("0.1"))
    assert behind_schedule(below, Decimal(1000), (3, 4), Decimal("0.1"))
