"""季分析 (figures/quarterly.py, ``xm report quarterly``) on tests/test_metrics.py's hand-counted
ledgers: the quarter's 完成投资 and flows against 3/12 of the year's targets, the year so far
against 序时, the quarter's events by region; and the command in every format.
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
from xiangmu_cli.figures.metrics import compute_metrics
from xiangmu_cli.figures.quarterly import (
    default_quarter,
    parse_quarter,
    quarter_bounds,
    quarter_of_month,
    quarterly_report,
)
from xiangmu_cli.figures.report import CHANGE_KINDS
from xiangmu_cli.output.formats import render
from xiangmu_cli.output.views import quarterly_document
from xiangmu_cli.reading.loading import Repository, load

from .conftest import ROOT, load_repo
from .test_metrics import MAIN, MAIN_WARNINGS

runner = CliRunner()
DEMO = ROOT / "ledgers"
D = Decimal
F = Fraction


@pytest.fixture
def main_repo(tmp_path: Path) -> Repository:
    return load_repo(tmp_path, MAIN, MAIN_WARNINGS)


def test_which_quarter() -> None:
    assert parse_quarter("2018Q3") == parse_quarter("2018-q3") == parse_quarter("2018三季度") == (2018, 3)
    for bad in ("2018Q5", "2018", "Q3", "2018-09"):
        with pytest.raises(ValueError, match="应为 YYYYQn"):
            parse_quarter(bad)
    assert quarter_of_month(date(2018, 9, 30)) == 3 and quarter_of_month(date(2018, 12, 31)) == 4
    with pytest.raises(ValueError, match="不是季末月份"):
        quarter_of_month(date(2018, 8, 31))
    assert quarter_bounds(2018, 1) == (date(2018, 1, 1), date(2018, 3, 31))
    assert quarter_bounds(2016, 1)[1] == date(2016, 3, 31)


def test_default_quarter_is_the_last_one_reported(main_repo: Repository) -> None:
    # both regions report April and September (船营区 also Oct): the default month is September → Q3
    assert default_quarter(main_repo) == (2018, 3)


def test_quarter_investment_by_hand(main_repo: Repository) -> None:
    """Q3 2018 (07-01 … 09-30). 完成投资 at 06-30 and 09-30:
    船营区 06-30: CY-1 500+800, CY-2 100, CY-3 250, CY-4 300 (started 06-10) = 1950; 09-30: 2600 → Q3 650
    (CY-1 200 + CY-2 300 + CY-4 150 in September). 高新区 06-30: GX-2 400, GX-3 1000 (GX-1 starts 09-15)
    = 1400; 09-30: 4500 → Q3 3100 (GX-1 2000, GX-2 600 in August, GX-3 500). 全市 3750.
    季度目标 = 年度投资 × 3/12: 全市 10000 → 2500, 船营区 4000 → 1000; 高新区 has no target: its
    年度计划投资 19000 → 4750; 昌邑区 none and no plan (0): no rate."""
    report = quarterly_report(main_repo, 2018, 3)
    assert report.first == date(2018, 7, 1) and report.as_of == date(2018, 9, 30) and report.label == "2018Q3"
    rows = {r["地区"]: r for r in report.investment}
    assert [r["地区"] for r in report.investment] == ["全市", "高新区", "船营区", "昌邑区"]  # 62/95 > 13/20
    assert rows["全市"] == {
        "地区": "全市",
        "季度完成投资": D(3750),
        "季度目标": D(2500),
        "季度完成率": F(3, 2),
        "完成投资": D(7100),
        "年度目标": D(10000),
        "投资完成率": F(71, 100),
        "序时进度": F(3, 4),
        "进度差": F(71, 100) - F(3, 4),
    }
    assert (rows["船营区"]["季度完成投资"], rows["船营区"]["季度目标"], rows["船营区"]["季度完成率"]) == (
        D(650),
        D(1000),
        F(13, 20),
    )
    assert (rows["高新区"]["季度完成投资"], rows["高新区"]["季度目标"], rows["高新区"]["季度完成率"]) == (
        D(3100),
        D(4750),
        F(62, 95),
    )
    assert rows["昌邑区"]["季度完成投资"] == D(0) and rows["昌邑区"]["季度完成率"] is None


def test_quarter_targets_by_hand(main_repo: Repository) -> None:
    """Only targets with a share of the year: 年度投资 (全市, 船营区) and 船营区's 新开工项目数; 开工率,
    入统率 and 问题解决率 are rates. 新开工项目数 of 船营区: CY-1 (03-15) and CY-4 (06-10) both before
    Q3 → 0 in the quarter, against 3 × 3/12 = 0.75; 2 so far against 3 × 9/12 = 2.25 → 8/9."""
    rows = quarterly_report(main_repo, 2018, 3).targets
    assert rows == [
        {
            "地区": "全市",
            "指标": "年度投资",
            "年度目标": D(10000),
            "季度目标": D(2500),
            "季度实际": D(3750),
            "季度完成率": F(3, 2),
            "序时目标": D(7500),
            "累计实际": D(7100),
            "序时完成率": F(71, 75),
            "是否达到序时": False,
        },
        {
            "地区": "船营区",
            "指标": "年度投资",
            "年度目标": D(4000),
            "季度目标": D(1000),
            "季度实际": D(650),
            "季度完成率": F(13, 20),
            "序时目标": D(3000),
            "累计实际": D(2600),
            "序时完成率": F(13, 15),
            "是否达到序时": False,
        },
        {
            "地区": "船营区",
            "指标": "新开工项目数",
            "年度目标": D(3),
            "季度目标": D("0.75"),
            "季度实际": 0,
            "季度完成率": F(0),
            "序时目标": D("2.25"),
            "累计实际": 2,
            "序时完成率": F(8, 9),
            "是否达到序时": False,
        },
    ]


def test_quarter_changes_by_region_by_hand(main_repo: Repository) -> None:
    """Events dated 07-01 … 09-30. 船营区: 落地 CY-9 (07-01); 竣工 CY-2 (09-20); problems raised CY-2
    (08-15), CY-4 (09-01), CY-5 (09-05), CY-11 (07-01); solved CY-11 (08-01). 高新区: 新开工 GX-1
    (09-15), 竣工 GX-3 (09-30). No 入统日期, no 签约 in the quarter (CY-12 signs 10-02)."""
    counts = quarterly_report(main_repo, 2018, 3).change_counts
    # every kind of 本月变动, the 储备库's (谋划入库, 入国家库, 转化) included: none in this fixture
    zero = {kind: 0 for kind in CHANGE_KINDS}
    assert counts == [
        {"地区": "船营区", **zero, "落地": 1, "竣工": 1, "问题提出": 4, "问题解决": 1, "合计": 7},
        {"地区": "高新区", **zero, "新开工": 1, "竣工": 1, "合计": 2},
        {"地区": "昌邑区", **zero, "合计": 0},
        {"地区": "全市", **zero, "新开工": 1, "落地": 1, "竣工": 2, "问题提出": 4, "问题解决": 1, "合计": 9},
    ]


def test_quarter_summary_by_hand(main_repo: Repository) -> None:
    report = quarterly_report(main_repo, 2018, 3)
    assert report.summary == [
        # 3750 万元 = 0.375 → 0.38 亿元; 150.0% of 2500; 7100 = 0.71 亿元, 71.0%, −4.0 points
        "2018年三季度，全市重点项目完成投资0.38亿元，完成季度序时目标（年度目标的四分之一）的150.0%；"
        "1—9月累计完成投资0.71亿元，完成年度目标的71.0%，低于序时进度4.0个百分点。",
        "三季度项目新开工1个、入统0个、竣工2个、签约0个、落地1个；提出问题4个，解决问题1个。",
        # two regions with a rate: one on each end
        "从季度投资完成率看，高新区居首位，船营区居末位。",
    ]
    region = quarterly_report(main_repo, 2018, 3, "高新区")
    # no 年度投资 target: against its 年度计划投资 (19000 ÷ 4 = 4750); 4500 ÷ 19000 = 23.7%, −51.3 points
    assert region.summary[0] == (
        "2018年三季度，高新区重点项目完成投资0.31亿元，完成季度序时目标（年度计划投资的四分之一）的65.3%；"
        "1—9月累计完成投资0.45亿元，完成年度计划投资的23.7%，低于序时进度51.3个百分点。"
    )
    assert [r["地区"] for r in region.investment] == ["高新区"] and len(region.summary) == 2


def test_the_four_quarters_add_up_to_the_year(main_repo: Repository) -> None:
    year = compute_metrics(main_repo, date(2018, 12, 31))
    quarters = [quarterly_report(main_repo, 2018, q) for q in (1, 2, 3, 4)]
    for scope in ("全市", "船营区", "高新区"):
        shares = [next(r for r in q.investment if r["地区"] == scope)["季度完成投资"] for q in quarters]
        assert sum(shares) == year[scope]["完成投资"], scope
    # 船营区 by hand: Q1 CY-1 500 + CY-2 100 = 600; Q2 1950 − 600 = 1350; Q3 650; Q4 CY-1 100 + CY-5 600
    assert [next(r for r in q.investment if r["地区"] == "船营区")["季度完成投资"] for q in quarters] == [
        D(600),
        D(1350),
        D(650),
        D(700),
    ]


# --- the command ---------------------------------------------------------------------------------


def _json(args: list[str], ledgers: Path = DEMO) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(app, ["report", "quarterly", "--ledgers", str(ledgers), *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout, parse_float=Decimal)  # type: ignore[no-any-return]


def test_quarter_and_month_and_default_agree() -> None:
    by_quarter = _json(["--quarter", "2018Q3"])
    assert by_quarter == _json(["--month", "2018-09"]) == _json([])  # the demo's default month is September
    assert by_quarter["季度"] == "2018Q3" and by_quarter["起始"] == "2018-07-01" and by_quarter["截至"] == "2018-09-30"
    city = by_quarter["季度投资"][0]
    assert city["地区"] == "全市" and city["完成投资"] == Decimal("3510982.00")  # the demo's 1—9月, as pinned
    assert city["季度目标"] == Decimal("1175000.00")  # 4700000 × 3/12
    # the quarter's share: the demo's 完成投资 at 09-30 less that at 06-30, from the library's figures
    demo = load(DEMO)
    june = compute_metrics(demo, date(2018, 6, 30))["全市"]["完成投资"]
    assert city["季度完成投资"] == Decimal(3510982) - june


def test_json_equals_the_library() -> None:
    report = quarterly_report(load(DEMO), 2018, 3)
    data = _json(["--quarter", "2018Q3"])
    assert data["综述"] == report.summary
    assert [r["地区"] for r in data["季度投资"]] == [r["地区"] for r in report.investment]
    assert len(data["季度变动"]) == len(report.changes) == data["季度变动分地区"][-1]["合计"]
    count_share = next(r for r in data["季度目标完成"] if r["指标"] == "新开工项目数" and r["地区"] == "龙潭区")
    assert count_share["季度目标"] == Decimal("1.75")  # 7 × 3/12, exact


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--quarter", "2018Q5"], "--quarter：季度「2018Q5」格式不对"),
        (["--quarter", "2017Q3"], "2017Q3 不在报告年度 2018 内"),
        (["--month", "2018-08"], "2018年8月不是季末月份"),
        (["--quarter", "2018Q3", "--month", "2018-09"], "只能给一个"),
        (["--region", "船营"], "没有地区「船营」"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["report", "quarterly", "--ledgers", str(DEMO), *args])
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "Traceback" not in result.output


@pytest.mark.parametrize("fmt", ["rich", "md", "plain", "csv", "json", "html"])
def test_every_format_is_deterministic(fmt: str) -> None:
    args = ["report", "quarterly", "--ledgers", str(DEMO), "--format", fmt]
    first, second = runner.invoke(app, args), runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert first.stdout and first.stdout == second.stdout
    assert "季度投资" in first.stdout


def test_xlsx_has_a_sheet_per_section(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "季分析.xlsx"
    assert runner.invoke(app, ["report", "quarterly", "--ledgers", str(DEMO), "-o", str(out)]).exit_code == 0
    assert load_workbook(out).sheetnames == ["综述", "季度投资", "季度目标完成", "季度变动分地区", "季度变动"]


def test_a_cached_report_equals_a_fresh_one(tmp_path: Path, cache_on: Path) -> None:
    args = ["report", "quarterly", "--ledgers", str(DEMO), "--format", "md"]
    fresh = runner.invoke(app, [*args, "--no-cache"]).stdout
    first = runner.invoke(app, args).stdout  # computed and stored
    second = runner.invoke(app, args).stdout  # from the cache
    assert fresh == first == second
    assert list(cache_on.rglob("*.json"))


def test_region_report_and_plain_text(main_repo: Repository) -> None:
    doc = quarterly_document(quarterly_report(main_repo, 2018, 3, "船营区"))
    plain = render(doc, "plain")
    assert doc.title == "测试台账 季分析（2018年三季度）"
    assert "季度：2018Q3（2018-07-01 至 2018-09-30）" in plain
    # 船营区's own row: 650 of 1000 (65.0%), 2600 so far
    assert "船营区" in plain and "65.0%" in plain and "2,600" in plain


# --- 同比 against the previous year's archive (examples/rollover) --------------------------------

ROLLOVER = ROOT / "examples" / "rollover"


@pytest.fixture
def rollover(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of examples/rollover (2019's ledgers, 归档/2018 beside them); paths are shown
    relative to it (归档/2018)."""
    import shutil

    shutil.copytree(ROLLOVER, tmp_path / "rollover")
    monkeypatch.chdir(tmp_path / "rollover")
    return tmp_path / "rollover" / "ledgers"


def _q1(ledgers: Path, *extra: str, fmt: str = "json") -> str:
    args = ["report", "quarterly", "--ledgers", str(ledgers), "--quarter", "2019Q1", "--format", fmt, *extra]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return result.stdout


def _q1_json(ledgers: Path, *extra: str) -> dict:  # type: ignore[type-arg]
    return json.loads(_q1(ledgers, *extra), parse_float=str)  # type: ignore[no-any-return]


# As of 2019-03-31 against 2018-03-31 (by hand, examples/rollover/README.md):
#   船营区 2019: 完成投资 CY-2017-001 650 + CY-2018-001 420 + CY-2019-001 100 = 1170 (all in March);
#              在建 3; 新开工 1 (CY-2019-001, 总投资 20000: also 亿元以上).
#   船营区 2018: CY-2017-001 0 + 0 + 600, CY-2018-001 300, CY-2016-001 0 (resumed in April) = 900,
#              all in March; 在建 3; 新开工 1 (CY-2018-001, 15000: 亿元以上).
#   高新区 2019: GX-2018-001 100 + 150 + 250 = 500 (March 250); 在建 1; 新开工 0.
#   高新区 2018: GX-2018-001 200 + 400 = 600 (March 400); 在建 1; 新开工 1 (GX-2018-001, 12000).
#   全市: 1670 against 1500 → 170/1500 = +11.3%; March 1420 against 1300 → 120/1300 = +9.2%;
#         在建 4 against 4 → 0; 新开工 1 against 2 → −50%, 亿元以上 1 against 2 → −50%.
#   船营区 270/900 = +30.0%, 新开工 0; 高新区 −100/600 = −16.7%, 新开工 (0 − 1)/1 = −100%.


def test_quarter_growth_against_the_archive_by_hand(rollover: Path) -> None:
    data = _q1_json(rollover)
    assert data["同比"] == {"上年": 2018, "上年同期截至": "2018-03-31", "上年归档": "归档/2018"}
    assert data["meta"]["同比"] == "与 2018 年同期（截至 2018-03-31，归档/2018）比较"
    assert data["同比情况"] == {
        "完成投资": "1670.00",
        "完成投资上年同期": "1500.00",
        "完成投资同比增长": "0.113333",
        "新开工项目数": 1,
        "新开工项目数上年同期": 2,
        "新开工项目数同比增长": "-0.500000",
        "新开工亿元以上项目数": 1,
        "新开工亿元以上项目数上年同期": 2,
        "新开工亿元以上项目数同比增长": "-0.500000",
        "在建项目数": 4,
        "在建项目数上年同期": 4,
        "在建项目数同比增长": "0.000000",
        "当月完成投资": "1420.00",
        "当月完成投资上年同期": "1300.00",
        "当月完成投资同比增长": "0.092308",
    }
    rows = {r["地区"]: r for r in data["季度投资"]}
    assert {name: (r["完成投资上年同期"], r["完成投资同比增长"]) for name, r in rows.items()} == {
        "全市": ("1500.00", "0.113333"),
        "船营区": ("900.00", "0.300000"),
        "高新区": ("600.00", "-0.166667"),
    }
    # the quarter: 1670 of 46000/4 = 11500 (14.5%); so far 1670/46000 = 3.6%, 25.0% − 3.6304% = 21.4 behind
    assert data["综述"] == [
        "2019年一季度，全市重点项目完成投资0.17亿元，完成季度序时目标（年度目标的四分之一）的14.5%；"
        "1—3月累计完成投资0.17亿元，同比增长11.3%，完成年度目标的3.6%，低于序时进度21.4个百分点。",
        "一季度项目新开工1个、入统0个、竣工0个、签约0个、落地0个；今年以来新开工项目1个，同比下降50.0%；"
        "提出问题0个，解决问题0个。",
        "从季度投资完成率看，高新区居首位，船营区居末位。",
    ]
    plain = _q1(rollover, fmt="plain")
    row = next(line for line in plain.splitlines() if line.startswith("当月完成投资（万元）"))
    assert row.split() == ["当月完成投资（万元）", "1,420", "1,300", "+9.2%"]
    row = next(line for line in plain.splitlines() if line.startswith("船营区"))
    assert row.split()[:6] == ["船营区", "1,170", "6,500", "18.0%", "1,170", "+30.0%"]  # 累计同比增长 after 累计


def test_a_region_quarter_says_its_own_growth(rollover: Path) -> None:
    data = _q1_json(rollover, "--region", "船营区")
    figures = data["同比情况"]
    assert (figures["完成投资"], figures["完成投资上年同期"], figures["完成投资同比增长"]) == (
        "1170.00",
        "900.00",
        "0.300000",
    )
    assert (figures["当月完成投资上年同期"], figures["当月完成投资同比增长"]) == ("900.00", "0.300000")
    assert (figures["在建项目数上年同期"], figures["新开工亿元以上项目数同比增长"]) == (3, "0.000000")
    # 船营区 has no 年度投资 target: against 年度计划投资 12000 + 6000 + 8000 = 26000, a quarter 6500
    assert data["综述"] == [
        "2019年一季度，船营区重点项目完成投资0.12亿元，完成季度序时目标（年度计划投资的四分之一）的18.0%；"
        "1—3月累计完成投资0.12亿元，同比增长30.0%，完成年度计划投资的4.5%，低于序时进度20.5个百分点。",
        "一季度项目新开工1个、入统0个、竣工0个、签约0个、落地0个；今年以来新开工项目1个，与上年同期持平；"
        "提出问题0个，解决问题0个。",
    ]
    words = _q1_json(rollover, "--region", "高新区")["综述"]
    assert "1—3月累计完成投资0.05亿元，同比下降16.7%" in words[0]
    assert "今年以来新开工项目0个，同比下降100.0%；" in words[1]


def test_without_an_archive_no_growth_at_all(rollover: Path) -> None:
    with_archive = _q1_json(rollover)
    (rollover.parent / "归档" / "2018").rename(rollover.parent / "归档" / "old")
    data = _q1_json(rollover)
    assert "同比" not in data and "同比情况" not in data and "同比" not in data["meta"]
    assert all(not any("同比" in key or "上年同期" in key for key in row) for row in data["季度投资"])
    # the same report less the 同比 words
    assert data["综述"][0] == with_archive["综述"][0].replace("，同比增长11.3%", "")
    assert data["综述"][1] == with_archive["综述"][1].replace("今年以来新开工项目1个，同比下降50.0%；", "")
    for fmt in ("plain", "md", "csv", "html"):
        text = _q1(rollover, fmt=fmt)
        assert "同比" not in text and "上年同期" not in text, fmt


def test_an_unusable_archive_is_said_so(rollover: Path) -> None:
    (rollover.parent / "归档" / "2018" / "xiangmu.yaml").write_text("名称: [\n", encoding="utf-8")
    data = _q1_json(rollover)
    assert "同比情况" not in data and "同比增长" not in data["综述"][0]
    assert data["meta"]["上年归档"] == "归档/2018 的 xiangmu.yaml 缺失或有错误，未计算同比"


def test_the_cache_sees_the_archive_change(rollover: Path, cache_on: Path) -> None:
    assert _q1_json(rollover)["同比情况"]["完成投资上年同期"] == "1500.00"
    assert _q1_json(rollover)["同比情况"]["完成投资上年同期"] == "1500.00"  # a hit
    assert len(list(cache_on.glob("report-*.json"))) == 1
    path = rollover.parent / "归档" / "2018" / "船营区" / "在建.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("2018-03: 600") == 1  # CY-2017-001's March
    path.write_text(text.replace("2018-03: 600", "2018-03: 700"), encoding="utf-8")
    data = _q1_json(rollover)
    assert data["同比情况"]["完成投资上年同期"] == "1600.00"  # not the stored 1500
    assert "1—3月累计完成投资0.17亿元，同比增长4.4%" in data["综述"][0]  # 70/1600 = 4.375%
    (rollover.parent / "归档" / "2018" / "xiangmu.yaml").unlink()
    assert "同比情况" not in _q1_json(rollover)


def test_rev_reads_the_archive_at_that_revision(rollover: Path) -> None:
    import subprocess

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
            cwd=rollover.parent,
            check=True,
            capture_output=True,
        )

    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "2019年一季度")
    git("tag", "2019Q1季分析")
    path = rollover.parent / "归档" / "2018" / "船营区" / "在建.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("2018-03: 600", "2018-03: 700"), encoding="utf-8")
    assert _q1_json(rollover)["同比情况"]["完成投资上年同期"] == "1600.00"
    assert _q1_json(rollover, "--rev", "2019Q1季分析")["同比情况"]["完成投资上年同期"] == "1500.00"
    git("rm", "-rqf", "归档")
    git("commit", "-qm", "no archive")
    assert "同比情况" not in _q1_json(rollover, "--rev", "HEAD")
