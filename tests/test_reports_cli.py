"""Reporting commands through Typer's runner: every format, JSON equal to the library's rows,
usage errors, and the monthly report of the demo ledgers (吉林市 2018-09)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner
from wcwidth import wcswidth

from xiangmu_cli.cli import app
from xiangmu_cli.figures.metrics import target_rows
from xiangmu_cli.figures.overdue import overdue_items
from xiangmu_cli.figures.report import monthly_report, project_rows
from xiangmu_cli.figures.scoring import evaluate
from xiangmu_cli.output.formats import render
from xiangmu_cli.output.views import monthly_document
from xiangmu_cli.reading.loading import load

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


def _written(json_value: Any, library: Any, where: str = "") -> None:
    """JSON carries the library's values, each number written out to the decimals its kind has
    (money at least 2, rates 6, scores 2, counts whole): the library's value rounded half-even to
    the decimals written."""
    library = _plain(library)
    if isinstance(library, dict):
        assert isinstance(json_value, dict) and list(json_value) == list(library), where
        for key in library:
            _written(json_value[key], library[key], f"{where}/{key}")
    elif isinstance(library, list):
        assert isinstance(json_value, list) and len(json_value) == len(library), where
        for i, (a, b) in enumerate(zip(json_value, library)):
            _written(a, b, f"{where}[{i}]")
    elif isinstance(library, (int, Decimal, Fraction)) and not isinstance(library, bool):
        places = -json_value.as_tuple().exponent if isinstance(json_value, Decimal) else 0
        assert places in (0, 2, 6) or json_value == library, (where, json_value, library)
        scaled = Fraction(library) * 10**places
        assert json_value * 10**places == round(scaled), (where, json_value, library)
    else:
        assert json_value == library, (where, json_value, library)


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
    _written(_json(["targets"])["目标完成"], target_rows(demo, AS_OF))
    _written(_json(["overdue"])["逾期事项"], overdue_items(demo, AS_OF))
    _written(_json(["score"])["考评"], evaluate(demo, AS_OF))
    _written(_json(["list"])["项目"], project_rows(demo, AS_OF))
    report = _json(["report", "monthly"])
    expected = monthly_report(demo, AS_OF).as_dict()
    _written({k: report[k] for k in expected}, expected)
    assert report["meta"]["截至"] == "2018-09-30"


def test_numbers_written_out_in_json_and_csv() -> None:
    """全市 年度投资: 3510982 of 4700000 万元 = 0.7470174468…, 序时进度 0.75 (2018-09-30), 进度差
    −0.0029825531… → money with two decimals, rates with six, half-even."""
    raw = runner.invoke(app, ["targets", "--ledgers", DEMO, "--format", "json"]).stdout
    assert (
        '"目标": 4700000.00,\n      "实际": 3510982.00,\n      "完成率": 0.747017,\n'
        '      "是否完成": false,\n      "序时进度": 0.750000,\n      "进度差": -0.002983\n'
    ) in raw
    assert '"目标": 120,\n      "实际": 102,\n      "完成率": 0.850000,' in raw  # counts stay integers
    csv = runner.invoke(app, ["targets", "--ledgers", DEMO, "--format", "csv"]).stdout
    assert "全市,年度投资,4700000.00,3510982.00,0.747017,否,0.750000,-0.002983\n" in csv
    assert "全市,新开工项目数,120,102,0.850000,否,,\n" in csv
    monthly = runner.invoke(app, ["report", "monthly", "--ledgers", DEMO, "--format", "json"]).stdout
    assert '"新开工用地面积": 3856644.34,\n    "投资强度": 4681.53\n' in monthly
    score = runner.invoke(app, ["score", "--ledgers", DEMO, "--format", "json"]).stdout
    assert '"合计": 99.97,\n      "名次": 1,\n      "加分": 2.00,\n      "总分": 101.97,' in score


def test_demo_report_reproduces_the_seed(demo) -> None:  # type: ignore[no-untyped-def]
    city = _json(["report", "monthly", "--month", "2018-09"])["全市总览"]
    assert (
        city["在建项目数"],
        city["新建项目数"],
        city["续建项目数"],
        city["亿元以上项目数"],
        city["未入统项目数"],
        city["计划开工项目数"],
        city["招商签约项目数"],
    ) == (314, 102, 212, 227, 80, 49, 46)
    assert city["招商落地项目数"] == 31  # landed projects that moved on to 计划开工/未入统/在建 still count
    assert city["序时进度"] == Decimal("0.75")


def test_filters_narrow_the_rows() -> None:
    only = _json(["overdue", "--region", "船营区", "--kind", "问题超期"])["逾期事项"]
    assert only and all(it["地区"] == "船营区" and it["类型"] == "问题超期" for it in only)
    listed = _json(["list", "--region", "经开区", "--min", "1亿", "--ledger", "在建"])["项目"]
    assert listed and all(r["地区"] == "经开区" and r["台账"] == "在建" and r["总投资"] >= 10000 for r in listed)
    secretary = listed[0]["项目秘书"]
    mine = _json(["overdue", "--secretary", secretary])["逾期事项"]
    assert all(it["项目秘书"] == secretary for it in mine)


def test_the_library_selects_what_the_options_ask(demo) -> None:  # type: ignore[no-untyped-def]
    """The filters live in the library: each selects exactly the rows of the whole report it names."""
    everything = target_rows(demo, AS_OF)
    assert target_rows(demo, AS_OF, region="船营区") == [r for r in everything if r["地区"] == "船营区"]
    items = overdue_items(demo, AS_OF)
    keys = {"region": "地区", "kind": "类型", "leader": "包保领导", "secretary": "项目秘书"}
    some = next(it for it in items if it["包保领导"] and it["项目秘书"])
    for options in (
        {"region": "船营区"},
        {"kind": "问题超期"},
        {"leader": some["包保领导"]},
        {"secretary": some["项目秘书"]},
        {"region": some["地区"], "kind": some["类型"], "leader": some["包保领导"]},
    ):
        expected = [it for it in items if all(it[keys[k]] == v for k, v in options.items())]
        assert expected and overdue_items(demo, AS_OF, **options) == expected, options
    city, region = monthly_report(demo, AS_OF), monthly_report(demo, AS_OF, "船营区")
    for section in ("regions", "targets", "overdue", "changes"):
        whole = getattr(city, section)
        assert getattr(region, section) == [r for r in whole if r["地区"] == "船营区"], section


def test_the_options_choices_are_the_librarys() -> None:
    """--kind and --ledger list their choices where the CLI is defined (xm --help imports no library)."""
    from xiangmu_cli.cli.reports import LedgerName, OverdueKind
    from xiangmu_cli.figures.overdue import KINDS
    from xiangmu_cli.ledger.vocab import LEDGERS

    assert [k.value for k in OverdueKind] == list(KINDS)
    assert [k.value for k in LedgerName] == [ledger.value for ledger in LEDGERS]


def test_output_file_format_follows_the_extension(tmp_path: Path) -> None:
    target = tmp_path / "targets.csv"
    result = runner.invoke(app, ["targets", "--ledgers", DEMO, "-o", str(target)])
    assert result.exit_code == 0
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # a csv file for Excel starts with a BOM
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == "地区,指标,目标,实际,完成率,是否完成,序时进度,进度差"
    assert lines[1].startswith("全市,年度投资,4700000.00,3510982.00,0.747017,")
    out = tmp_path / "report.json"
    assert runner.invoke(app, ["report", "monthly", "--ledgers", DEMO, "-o", str(out)]).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["截至"] == "2018-09-30"


@pytest.mark.parametrize(
    "args, message",
    [
        (["report", "monthly", "--month", "2018-13"], "月份「2018-13」不存在"),
        (["report", "monthly", "--as-of", "2018/9/30"], "写成 2018-09-30"),
        (["report", "monthly", "--as-of", "2018-09-30", "--month", "2018-09"], "只能给一个"),
        (["targets", "--region", "船营"], "是否应为「船营区」"),
        (["score", "--period", "三季"], "应为 三季度 或 年终"),
        (["list", "--min", "很多"], "--min"),
        (["overdue", "--kind", "逾期"], "的值无效"),
    ],
)
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
    for needle in (
        "月调度（2018年9月）",
        "截至：2018-09-30",
        "序时进度：75.0%",
        "全市总览",
        "分地区",
        "目标完成",
        "逾期事项：问题超期",
        "本月变动",
        "考评",
        "3,510,982",
        "74.7%",
    ):
        assert needle in text, needle


def test_colour_marks_regions_behind_schedule(demo) -> None:  # type: ignore[no-untyped-def]
    text = render(monthly_document(monthly_report(demo, AS_OF)), "rich", width=160, color=True)
    behind = next(line for line in text.splitlines() if line.lstrip().startswith("北大壶开发区") and "54.7%" in line)
    ahead = next(line for line in text.splitlines() if line.lstrip().startswith("经开区") and "90.5%" in line)
    assert "\x1b[31m" in behind and "\x1b[32m" in ahead


@pytest.mark.parametrize("name", ["月报.pdf", "月报"])
def test_an_unknown_output_extension_writes_nothing(tmp_path: Path, name: str) -> None:
    target = tmp_path / name
    result = runner.invoke(app, ["report", "monthly", "--ledgers", DEMO, "-o", str(target)])
    assert result.exit_code == 2 and result.stdout == ""
    assert "无法从" in result.stderr and "判断输出格式" in result.stderr
    assert not target.exists()


def test_csv_on_stdout_has_no_bom() -> None:
    """The BOM is for Excel opening a file; a pipeline reading stdout gets plain UTF-8."""
    result = runner.invoke(app, ["targets", "--ledgers", DEMO, "--format", "csv"])
    assert result.exit_code == 0 and result.stdout.startswith("地区,指标,")


def test_score_for_one_region_keeps_its_place_in_the_city() -> None:
    # --region shows the region's own row; its 名次 is its place among all regions, the same as in
    # the city's table for the same month (issue 18: --region printed the whole city).
    demo = str(ROOT / "ledgers")
    whole = json.loads(runner.invoke(app, ["score", "--ledgers", demo, "--month", "2018-08", "-f", "json"]).stdout)
    rows = {row["地区"]: row for row in whole["考评"]}
    assert len(rows) == 13
    for region in ("船营区", "北大壶开发区"):
        result = runner.invoke(
            app, ["score", "--ledgers", demo, "--month", "2018-08", "--region", region, "-f", "json"]
        )
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["考评"] == [rows[region]]
    monthly = runner.invoke(app, ["report", "monthly", "--ledgers", demo, "--region", "船营区", "-f", "json"])
    assert [row["地区"] for row in json.loads(monthly.stdout)["考评"]] == ["船营区"]
    both = runner.invoke(app, ["score", "--ledgers", demo, "--month", "2018-08", "--period", "三季度"])
    assert both.exit_code == 2


def _monthly_at(width: int, score: bool = True) -> str:
    repo = load(ROOT / "ledgers")
    from xiangmu_cli.figures.metrics import resolve_as_of

    doc = monthly_document(monthly_report(repo, resolve_as_of(repo, None, None)))
    if not score:
        doc.tables = [t for t in doc.tables if t.name != "考评"]
    return render(doc, "rich", width=width)


def test_narrow_terminals_wrap_details_before_leaving_them_out() -> None:
    # Issue 18: at 120 columns the overdue tables lost 事项 and the rates their bars (shown only at
    # 130+). Now text wraps before a column is left out, and short bars fit at 120.
    wide = _monthly_at(120, score=False)
    assert "窄屏省略" not in wide
    # The 考评 table has 16 columns (per metric its 比率 and its 得分 headed with the weight, issue
    # 18): at 120 columns some 比率 and 得分 are left out, and said so; 名次, 地区, 总分 and 减档 stay.
    with_score = _monthly_at(120)
    table = with_score[with_score.index("\n考评\n") :]
    header = next(line for line in table.splitlines() if "名次" in line)
    assert all(word in header for word in ("名次", "地区", "总分", "减档"))
    left_out = table[table.index("窄屏省略：") :].split("；")[0]
    assert "比率" in left_out and not any(word in left_out for word in ("总分", "减档", "地区"))
    assert "████" in wide or "███░" in wide
    narrow = _monthly_at(80)
    for line in narrow.splitlines():
        assert wcswidth(line) <= 80, line
        if "窄屏省略" in line:
            assert "事项" not in line  # 编号, 包保领导, 责任单位 go first
