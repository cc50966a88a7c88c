"""Reporting commands through Typer's runner: every format, JSON equal to the library's rows,
usage errors, and the monthly report of the demo ledgers (吉林市 2018-09)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner
from wcwidth import wcswidth

from xiangmu_cli.cli import app
from xiangmu_cli.loading import load
from xiangmu_cli.metrics import target_rows
from xiangmu_cli.overdue import overdue_items
from xiangmu_cli.report import monthly_report, project_rows
from xiangmu_cli.scoring import evaluate
from xiangmu_cli.tables import render
from xiangmu_cli.views import monthly_document

from .conftest import ROOT

runner = CliRunner()
DEMO = str(ROOT / "ledgers")
AS_OF = date(2018, 9, 30)
COMMANDS = [["targets"], ["overdue"], ["score"], ["list"], ["report", "monthly"]]


@pytest.fixture(scope="module")
def demo():  # type: ignore[no-untyped-def]
    return load(Path(DEMO))


def _plain(obj: Any) -> Any:
    """Library rows as JSON carries them: dates as ISO text, Decimals and ints as numbers."""
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_plain(v) for v in obj]
    if isinstance(obj, date):
        return obj.isoformat()
    return obj


def _json(args: list[str]) -> Any:
    result = runner.invoke(app, [*args, "--ledgers", DEMO, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout, parse_float=Decimal)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
@pytest.mark.parametrize("fmt", ["rich", "md", "plain", "csv", "json"])
def test_every_command_and_format_is_deterministic(command: list[str], fmt: str) -> None:
    first = runner.invoke(app, [*command, "--ledgers", DEMO, "--format", fmt])
    second = runner.invoke(app, [*command, "--ledgers", DEMO, "--format", fmt])
    assert first.exit_code == 0, first.output
    assert first.stdout and first.stdout == second.stdout
    assert "Traceback" not in first.output


def test_json_equals_the_library(demo) -> None:  # type: ignore[no-untyped-def]
    assert _json(["targets"])["目标完成"] == _plain(target_rows(demo, AS_OF))
    assert _json(["overdue"])["逾期事项"] == _plain(overdue_items(demo, AS_OF))
    assert _json(["score"])["考评"] == _plain(evaluate(demo, AS_OF))
    assert _json(["list"])["项目"] == _plain(project_rows(demo, AS_OF))
    report = _json(["report", "monthly"])
    expected = _plain(monthly_report(demo, AS_OF).as_dict())
    assert {k: report[k] for k in expected} == expected
    assert report["meta"]["截至"] == "2018-09-30"


def test_demo_report_reproduces_the_seed(demo) -> None:  # type: ignore[no-untyped-def]
    city = _json(["report", "monthly", "--month", "2018-09"])["全市总览"]
    assert (city["在建项目数"], city["新建项目数"], city["续建项目数"], city["亿元以上项目数"],
            city["未入统项目数"], city["计划开工项目数"], city["招商签约项目数"]) == (314, 102, 212, 227, 80, 49, 46)
    assert city["序时进度"] == Decimal("0.75")


def test_filters_narrow_the_rows() -> None:
    only = _json(["overdue", "--region", "船营区", "--kind", "问题超期"])["逾期事项"]
    assert only and all(it["地区"] == "船营区" and it["类型"] == "问题超期" for it in only)
    listed = _json(["list", "--region", "经开区", "--min", "1亿", "--ledger", "在建"])["项目"]
    assert listed and all(r["地区"] == "经开区" and r["台账"] == "在建" and r["总投资"] >= 10000 for r in listed)
    secretary = listed[0]["项目秘书"]
    mine = _json(["overdue", "--secretary", secretary])["逾期事项"]
    assert all(it["项目秘书"] == secretary for it in mine)


def test_output_file_format_follows_the_extension(tmp_path: Path) -> None:
    target = tmp_path / "targets.csv"
    result = runner.invoke(app, ["targets", "--ledgers", DEMO, "-o", str(target)])
    assert result.exit_code == 0
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "地区,指标,目标,实际,完成率,是否完成,序时进度,进度差"
    assert lines[1].startswith("全市,年度投资,4700000,3510982,")
    out = tmp_path / "report.json"
    assert runner.invoke(app, ["report", "monthly", "--ledgers", DEMO, "-o", str(out)]).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["截至"] == "2018-09-30"


@pytest.mark.parametrize("args, message", [
    (["report", "monthly", "--month", "2018-13"], "月份「2018-13」不存在"),
    (["report", "monthly", "--as-of", "2018/9/30"], "写成 2018-09-30"),
    (["report", "monthly", "--as-of", "2018-09-30", "--month", "2018-09"], "只能给一个"),
    (["targets", "--region", "船营"], "是否应为「船营区」"),
    (["score", "--period", "三季"], "应为 三季度 或 年终"),
    (["list", "--min", "很多"], "--min"),
    (["overdue", "--kind", "逾期"], "的值无效"),
])
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = runner.invoke(app, [*args, "--ledgers", DEMO])
    assert result.exit_code == 2
    assert message in result.stderr


def test_score_period_sets_the_as_of() -> None:
    year_end = _json(["score", "--period", "年终"])
    assert year_end["meta"]["截至"] == "2018-12-31"


@pytest.mark.parametrize("width", [80, 120])
def test_monthly_report_fits_the_terminal(demo, width: int) -> None:  # type: ignore[no-untyped-def]
    text = render(monthly_document(monthly_report(demo, AS_OF)), "rich", width=width, color=False)
    widths = [wcswidth(line) for line in text.splitlines()]
    assert max(widths) <= width
    for needle in ("月调度（2018年9月）", "截至：2018-09-30", "序时进度：75.0%", "全市总览", "分地区",
                   "目标完成", "逾期事项：问题超期", "本月变动", "考评", "3,510,982", "74.7%"):
        assert needle in text, needle


def test_colour_marks_regions_behind_schedule(demo) -> None:  # type: ignore[no-untyped-def]
    text = render(monthly_document(monthly_report(demo, AS_OF)), "rich", width=160, color=True)
    behind = next(line for line in text.splitlines() if line.lstrip().startswith("北大壶开发区") and "54.7%" in line)
    ahead = next(line for line in text.splitlines() if line.lstrip().startswith("经开区") and "90.5%" in line)
    assert "\x1b[31m" in behind and "\x1b[32m" in ahead
