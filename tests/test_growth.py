"""同比: 上年同期 and 同比增长 against a hand-made archive of the previous year (归档/2018), worked out
by hand; absent without an archive (never zeros); an unusable archive said so; targets naming a
同比增长; the cache and ``--rev`` reading the archive as it is (or was).
"""

from __future__ import annotations

import json
import subprocess
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xiangmu_cli.cli import app
from xiangmu_cli.figures.growth import same_day_last_year, with_growth
from xiangmu_cli.figures.metrics import compute_metrics
from xiangmu_cli.reading.archive import open_archive
from xiangmu_cli.reading.loading import load

from .conftest import write_repo

runner = CliRunner()

CONFIG = """\
名称: 测试台账
年度: 2019
地区:
  - {名称: 船营区, 类型: 区县}
  - {名称: 高新区, 类型: 开发区}
目标:
  全市: {完成投资同比增长: 0.1, 新开工项目数同比增长: 0}
  船营区: {完成投资同比增长: 0.5, 在建项目数同比增长: 10%}
"""

CURRENT = {
    "xiangmu.yaml": CONFIG,
    "船营区/在建.yaml": """\
项目:
  - 编号: A
    名称: 续建项目
    总投资: 9000
    项目秘书: 王芳
    建设性质: 续建
    开工日期: 2017-05-01
    年度计划投资: 1000
    以前年度完成投资: 1599
    完成投资: {2019-01: 100, 2019-02: 200, 2019-03: 300}
  - 编号: B
    名称: 新开工亿元项目
    总投资: 20000
    项目秘书: 王芳
    建设性质: 新建
    开工日期: 2019-02-10
    年度计划投资: 1000
    完成投资: {2019-02: 50, 2019-03: 150}
""",
    "高新区/在建.yaml": """\
项目:
  - 编号: C
    名称: 新开工项目
    总投资: 8000
    项目秘书: 李强
    建设性质: 新建
    开工日期: 2019-03-05
    年度计划投资: 1000
    完成投资: {2019-03: 400}
""",
}

# 2018, as it was closed: 高新区 did not exist yet; D finished in November (retired from 2019).
ARCHIVE = {
    "xiangmu.yaml": "名称: 测试台账\n年度: 2018\n地区:\n  - {名称: 船营区, 类型: 区县}\n",
    "船营区/在建.yaml": """\
项目:
  - 编号: A
    名称: 续建项目
    总投资: 9000
    项目秘书: 王芳
    建设性质: 续建
    开工日期: 2017-05-01
    年度计划投资: 1500
    以前年度完成投资: 200
    完成投资: {2018-01: 100, 2018-02: 100, 2018-03: 200, 2018-04: 999}
  - 编号: D
    名称: 去年新开工亿元项目
    总投资: 15000
    项目秘书: 王芳
    建设性质: 新建
    开工日期: 2018-03-20
    竣工日期: 2018-11-01
    年度计划投资: 300
    完成投资: {2018-03: 100}
""",
}

# As of 2019-03-31, against 2018-03-31 (by hand):
#   船营区 now: 完成投资 A 600 + B 200 = 800; 当月 300 + 150 = 450; 在建 2 (A, B); 新开工 1 (B), 亿元以上 1.
#   船营区 2018: 完成投资 A 400 + D 100 = 500 (A's April not yet); 当月 200 + 100 = 300; 在建 2 (A, D);
#                新开工 1 (D), 亿元以上 1 (D 15000).
#   → 完成投资 (800 − 500)/500 = 3/5; 当月 150/300 = 1/2; 在建 0; 新开工 0; 亿元以上 0.
#   全市 now: 完成投资 800 + 400 = 1200; 当月 450 + 400 = 850; 在建 3; 新开工 2 (B, C); 亿元以上 1 (C: 8000).
#   全市 2018 (船营区 alone): 500, 300, 2, 1, 1.
#   → 完成投资 700/500 = 7/5; 当月 550/300 = 11/6; 在建 1/2; 新开工 1; 亿元以上 0.
#   高新区 is not in 2018's archive: no 上年同期, no 同比增长.
EXPECTED = {
    "全市": {
        "完成投资": ("500", Fraction(7, 5)),
        "当月完成投资": ("300", Fraction(11, 6)),
        "在建项目数": (2, Fraction(1, 2)),
        "新开工项目数": (1, Fraction(1)),
        "新开工亿元以上项目数": (1, Fraction(0)),
    },
    "船营区": {
        "完成投资": ("500", Fraction(3, 5)),
        "当月完成投资": ("300", Fraction(1, 2)),
        "在建项目数": (2, Fraction(0)),
        "新开工项目数": (1, Fraction(0)),
        "新开工亿元以上项目数": (1, Fraction(0)),
    },
}


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # paths are shown relative to the working directory: 归档/2018
    ledgers = write_repo(tmp_path, CURRENT)
    write_repo(tmp_path / "归档", {f"2018/{rel}": text for rel, text in ARCHIVE.items()})
    (tmp_path / "归档" / "ledgers").rename(tmp_path / "归档" / "2018-tmp")
    (tmp_path / "归档" / "2018-tmp" / "2018").rename(tmp_path / "归档" / "2018")
    (tmp_path / "归档" / "2018-tmp").rmdir()
    assert load(ledgers).problems == [] and load(tmp_path / "归档" / "2018").problems == []
    return ledgers


def test_same_day_last_year() -> None:
    assert same_day_last_year(date(2019, 3, 31)) == date(2018, 3, 31)
    assert same_day_last_year(date(2019, 3, 15)) == date(2018, 3, 15)
    assert same_day_last_year(date(2020, 2, 29)) == date(2019, 2, 28)  # a month's end: that month's end
    assert same_day_last_year(date(2021, 2, 28)) == date(2020, 2, 29)
    assert same_day_last_year(date(2019, 2, 28)) == date(2018, 2, 28)


def test_growth_against_the_archive(root: Path) -> None:
    repo = load(root)
    archive = open_archive(root, 2018)
    assert archive.repo is not None and archive.note is None
    figures, comparison = with_growth(compute_metrics(repo, date(2019, 3, 31)), archive.repo, date(2019, 3, 31))
    assert comparison is not None and (comparison.year, comparison.as_of) == (2018, date(2018, 3, 31))
    for scope, expected in EXPECTED.items():
        for metric, (before, growth) in expected.items():
            assert str(figures[scope][f"{metric}上年同期"]) == str(before), (scope, metric)
            assert figures[scope][f"{metric}同比增长"] == growth, (scope, metric)
    assert figures["高新区"]["完成投资上年同期"] is None and figures["高新区"]["完成投资同比增长"] is None


def _monthly(root: Path, *extra: str) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(
        app, ["report", "monthly", "--ledgers", str(root), "--month", "2019-03", "--format", "json", *extra]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout, parse_float=str)  # type: ignore[no-any-return]


def test_the_monthly_report_shows_growth(root: Path) -> None:
    data = _monthly(root)
    city = data["全市总览"]
    assert city["完成投资上年同期"] == "500.00" and city["完成投资同比增长"] == "1.400000"
    assert city["当月完成投资同比增长"] == "1.833333"  # 11/6, rounded half-even to six places
    assert city["在建项目数上年同期"] == 2 and city["在建项目数同比增长"] == "0.500000"
    assert data["同比"] == {"上年": 2018, "上年同期截至": "2018-03-31", "上年归档": "归档/2018"}
    regions = {row["地区"]: row for row in data["分地区"]}
    assert regions["船营区"]["完成投资同比增长"] == "0.600000"
    assert regions["高新区"]["完成投资上年同期"] is None and regions["高新区"]["完成投资同比增长"] is None
    plain = runner.invoke(
        app, ["report", "monthly", "--ledgers", str(root), "--month", "2019-03", "--format", "plain"]
    ).stdout
    assert "同比：与 2018 年同期（截至 2018-03-31，归档/2018）比较" in plain
    row = next(line for line in plain.splitlines() if line.startswith("完成投资（万元）"))
    assert row.split() == ["完成投资（万元）", "1,200", "500", "+140.0%"]
    row = next(line for line in plain.splitlines() if line.startswith("开工率"))
    assert row.split() == ["开工率", "—"]  # no 同比 for it: blank, not a dash


def test_no_archive_no_growth_columns(root: Path) -> None:
    (root.parent / "归档" / "2018").rename(root.parent / "归档" / "old")
    data = _monthly(root)
    assert not any("同比" in key or "上年同期" in key for key in data["全市总览"])
    assert "同比" not in data
    plain = runner.invoke(
        app, ["report", "monthly", "--ledgers", str(root), "--month", "2019-03", "--format", "plain"]
    ).stdout
    assert "上年同期" not in plain and "同比：" not in plain  # the targets still name their 同比增长
    targets = runner.invoke(app, ["targets", "--ledgers", str(root), "--month", "2019-03", "--format", "json"])
    rows = json.loads(targets.stdout, parse_float=str)["目标完成"]
    assert all(r["实际"] is None and r["是否完成"] is None for r in rows)  # no 上年 to compare with
    assert {r["指标"] for r in rows} == {"完成投资同比增长", "新开工项目数同比增长", "在建项目数同比增长"}


def test_targets_name_growth(root: Path) -> None:
    result = runner.invoke(app, ["targets", "--ledgers", str(root), "--month", "2019-03", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {(r["地区"], r["指标"]): r for r in json.loads(result.stdout, parse_float=str)["目标完成"]}
    # 全市 完成投资 +140% against 10%; 新开工项目数 +100% against 0; 船营区 +60% against 50%, 在建 0% against 10%
    assert rows[("全市", "完成投资同比增长")] | {} == {
        "地区": "全市",
        "指标": "完成投资同比增长",
        "目标": "0.100000",
        "实际": "1.400000",
        "完成率": None,
        "是否完成": True,
        "序时进度": None,
        "进度差": None,
    }
    assert rows[("全市", "新开工项目数同比增长")]["是否完成"] is True
    assert rows[("船营区", "完成投资同比增长")]["实际"] == "0.600000"
    assert rows[("船营区", "在建项目数同比增长")]["是否完成"] is False
    plain = runner.invoke(app, ["targets", "--ledgers", str(root), "--month", "2019-03", "--format", "plain"]).stdout
    row = next(line for line in plain.splitlines() if "完成投资同比增长" in line and line.startswith("全市"))
    assert row.split()[:6] == ["全市", "完成投资同比增长", "+10.0%", "+140.0%", "—", "是"]


@pytest.mark.parametrize(
    ("change", "note"),
    [
        ("year", "归档/2018 的年度为 2017，不是 2018，未计算同比"),
        ("broken", "归档/2018 的 xiangmu.yaml 缺失或有错误，未计算同比"),
        ("link", "归档/2018 是符号链接，未读取（链接可以指向任何地方），未计算同比"),
    ],
)
def test_an_unusable_archive_is_said_so(root: Path, change: str, note: str) -> None:
    folder = root.parent / "归档" / "2018"
    if change == "year":
        text = (folder / "xiangmu.yaml").read_text(encoding="utf-8").replace("年度: 2018", "年度: 2017")
        (folder / "xiangmu.yaml").write_text(text, encoding="utf-8")
    elif change == "broken":
        (folder / "xiangmu.yaml").write_text("名称: [\n", encoding="utf-8")
    else:
        folder.rename(root.parent / "elsewhere")
        folder.symlink_to(root.parent / "elsewhere")
    data = _monthly(root)
    assert "完成投资同比增长" not in data["全市总览"] and "同比" not in data
    plain = runner.invoke(
        app, ["report", "monthly", "--ledgers", str(root), "--month", "2019-03", "--format", "plain"]
    ).stdout
    assert f"上年归档：{note}" in plain


def test_errors_in_the_archive_are_counted_out_and_said(root: Path) -> None:
    path = root.parent / "归档" / "2018" / "船营区" / "在建.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("开工日期: 2018-03-20", "开工日期: 2018-02-30"), "utf-8")
    data = _monthly(root)
    # D is invalid and not counted: 2018's 船营区 完成投资 400, so (800 − 400)/400 = 1
    regions = {row["地区"]: row for row in data["分地区"]}
    assert regions["船营区"]["完成投资上年同期"] == "400.00" and regions["船营区"]["完成投资同比增长"] == "1.000000"
    plain = runner.invoke(
        app, ["report", "monthly", "--ledgers", str(root), "--month", "2019-03", "--format", "plain"]
    ).stdout
    assert "上年归档：归档/2018 有 1 个错误，有错误的项目未计入上年同期" in plain


def test_the_cache_sees_the_archive_change(root: Path, cache_on: Path) -> None:
    assert _monthly(root)["全市总览"]["完成投资上年同期"] == "500.00"
    assert _monthly(root)["全市总览"]["完成投资上年同期"] == "500.00"  # a hit
    assert len(list(cache_on.glob("report-*.json"))) == 1
    path = root.parent / "归档" / "2018" / "船营区" / "在建.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("2018-03: 200", "2018-03: 300"), "utf-8")
    assert _monthly(root)["全市总览"]["完成投资上年同期"] == "600.00"  # not the stored 500
    (root.parent / "归档" / "2018" / "xiangmu.yaml").unlink()
    assert "完成投资上年同期" not in _monthly(root)["全市总览"]


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=cwd, check=True, capture_output=True
    )


def test_rev_reads_the_archive_at_that_revision(root: Path) -> None:
    base = root.parent
    _git(base, "init", "-q")
    _git(base, "add", "-A")
    _git(base, "commit", "-qm", "2019年3月")
    _git(base, "tag", "2019-03月报")
    path = base / "归档" / "2018" / "船营区" / "在建.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("2018-03: 200", "2018-03: 300"), "utf-8")
    assert _monthly(root)["全市总览"]["完成投资上年同期"] == "600.00"
    assert _monthly(root, "--rev", "2019-03月报")["全市总览"]["完成投资上年同期"] == "500.00"
    _git(base, "rm", "-rqf", "归档")
    _git(base, "commit", "-qm", "no archive")
    assert "完成投资上年同期" not in _monthly(root, "--rev", "HEAD")["全市总览"]
