"""Issue 16: the fields real offices keep, the size lines and categories, the below-threshold warning.

One small hand-counted repository (吉林市 2018, as of 2018-09-30 unless said otherwise): every
expected figure is worked out by hand in the comment beside it, none computed by the code under
test. The extension fields (xiangmu.yaml 扩展字段) are followed through validate, xm list, the
xlsx and Parquet exports, xm import, the event commands, textconv and the editor schemas.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xiangmu_cli.cli import app
from xiangmu_cli.figures.categories import category_rows
from xiangmu_cli.figures.metrics import compute_metrics
from xiangmu_cli.figures.overdue import overdue_items
from xiangmu_cli.reading import checks
from xiangmu_cli.reading.loading import Repository, check, load
from xiangmu_cli.write import edit

from .conftest import load_repo, write_repo

D = Decimal
F = Fraction
SEP30 = date(2018, 9, 30)
runner = CliRunner()

CONFIG = """\
名称: 测试台账
年度: 2018
类别: [工业, 服务业, 民生, 基础设施]
产业类别: [工业, 服务业]
级别: [省重点, 市重点]
问题分类: [前期手续, 用地, 资金]
口径:
  入库门槛: 5000
  亿元以上: 10000
  十亿元以上: 50000        # lower than the default 100000: the line is read from here
  领导包保门槛: 200000
  走访周期: 15
扩展字段:
  - {名称: 上争资金, 类型: 金额, 说明: 争取到的上级资金}
  - {名称: 入库日期, 类型: 日期}
  - {名称: 入国家重大项目库, 类型: 是否}
  - {名称: 牵头部门, 类型: 选项, 选项: [发改, 工信]}
  - {名称: 储备状态, 类型: 文字}
地区:
  - {名称: 船营区, 类型: 区县}
  - {名称: 高新区, 类型: 开发区}
"""

CY_BUILDING = """\
项目:
  - 编号: A-1
    名称: 碳纤维原丝扩能项目
    项目代码: 2018-220204-28-03-000001
    类别: 工业
    级别: 省重点
    建设内容: 新建原丝生产线2条
    总投资: 6亿
    资金来源: 企业自筹、银行贷款
    项目秘书: 王芳
    走访: [{日期: 2018-09-20, 走访人: 王芳, 方式: 现场, 内容: 协调用电}]
    问题:
      - {提出日期: 2018-06-01, 内容: 用地指标未落实, 分类: 用地, 层级: 联席会议, 时限: 2018-08-31}
    建设性质: 新建
    开工日期: 2018-03-01
    计划投产日期: 2018-08-31
    投产日期: 2018-09-10
    年度计划投资: 20000
    完成投资: {2018-09: 100}
    上争资金: 1.2亿
    入库日期: 2018-04-01
    入国家重大项目库: 是
    牵头部门: 工信
    储备状态: 已入库
  - 编号: A-2
    名称: 商贸物流中心
    项目代码: 2018-220204-59-03-000002
    类别: 服务业
    总投资: 20000
    项目秘书: 王芳
    走访: [2018-09-01, {日期: 2018-09-25, 走访人: 王芳, 方式: 电话}]
    建设性质: 新建
    开工日期: 2018-05-01
    计划投产日期: 2018-09-15
    年度计划投资: 5000
    完成投资: {2018-09: 200}
  - 编号: A-3
    名称: 北山棚户区改造
    类别: 民生
    总投资: 120000
    项目秘书: 李强
    建设性质: 续建
    开工日期: 2016-05-01
    复工日期: 2018-04-01
    年度计划投资: 30000
    完成投资: {2018-09: 300}
  - 编号: A-5
    名称: 社区服务中心
    总投资: 8000
    项目秘书: 李强
    建设性质: 新建
    开工日期: 2018-06-01
    年度计划投资: 2000
    完成投资: {2018-09: 400}
"""

GX_BUILDING = """\
项目:
  - 编号: B-1
    名称: 光电子芯片项目
    类别: 工业
    总投资: 50000
    项目秘书: 陈晨
    建设性质: 新建
    开工日期: 2018-04-01
    计划投产日期: 2019-06-30
    年度计划投资: 10000
    完成投资: {2018-09: 500}
  - 编号: B-2
    名称: 园区道路改造
    类别: 基础设施
    总投资: 4000
    项目秘书: 陈晨
    建设性质: 续建
    开工日期: 2017-04-01
    年度计划投资: 1000
    完成投资: {2018-09: 600}
"""

FILES = {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": CY_BUILDING, "高新区/在建.yaml": GX_BUILDING}
#: B-2 (4000 万元) is below 入库门槛 (5000): the fixture's one warning.
BELOW = {("W101", "B-2")}


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return load_repo(tmp_path, FILES, BELOW)


# --- the new fields, read -------------------------------------------------------------------------


def test_the_new_fields_are_read(repo: Repository) -> None:
    a1 = next(r.project for r in repo.records if r.project.code == "A-1")
    assert a1.national_code == "2018-220204-28-03-000001"
    assert (a1.grade, a1.scope, a1.funding) == ("省重点", "新建原丝生产线2条", "企业自筹、银行贷款")
    assert (a1.planned_operation, a1.operation_date) == (date(2018, 8, 31), date(2018, 9, 10))  # type: ignore[attr-defined]
    (visit,) = a1.visits
    assert (visit.visitor, visit.mode, visit.content) == ("王芳", "现场", "协调用电")
    (issue,) = a1.issues
    assert (issue.kind, issue.level) == ("用地", "联席会议")
    # the extension fields, parsed as the built-in fields of their type are: 1.2亿 → 12000 万元
    assert a1.extension_values() == {
        "上争资金": D(12000),
        "入库日期": date(2018, 4, 1),
        "入国家重大项目库": True,
        "牵头部门": "工信",
        "储备状态": "已入库",
    }
    a2 = next(r.project for r in repo.records if r.project.code == "A-2")
    assert set(a2.extension_values().values()) == {None}


# --- size lines and categories ----------------------------------------------------------------------


def test_size_lines_and_the_industry_share(repo: Repository) -> None:
    m = compute_metrics(repo, SEP30)
    # Started by 09-30: A-1 60000, A-2 20000, A-3 120000, A-5 8000 (船营区); B-1 50000, B-2 4000 (高新区).
    # 十亿元以上 is 50000 here: A-1, A-3 | B-1 (= the line exactly).
    # 新开工 (新建, started in 2018): A-1, A-2, A-5 | B-1; of them ≥ 50000: A-1 | B-1.
    # 产业 (产业类别 工业, 服务业): A-1 工业, A-2 服务业 | B-1 工业 (A-5 has no 类别).
    # 投产 in 2018 by 09-30: A-1 (09-10).
    expected = {
        "船营区": {
            "十亿元以上项目数": 2,
            "新开工十亿元以上项目数": 1,
            "新开工产业项目数": 2,
            "新开工产业项目占比": F(2, 3),
            "投产项目数": 1,
        },
        "高新区": {
            "十亿元以上项目数": 1,
            "新开工十亿元以上项目数": 1,
            "新开工产业项目数": 1,
            "新开工产业项目占比": F(1, 1),
            "投产项目数": 0,
        },
        "全市": {
            "十亿元以上项目数": 3,
            "新开工十亿元以上项目数": 2,
            "新开工产业项目数": 3,
            "新开工产业项目占比": F(3, 4),
            "投产项目数": 1,
        },
    }
    assert {scope: {k: m[scope][k] for k in want} for scope, want in expected.items()} == expected
    # before A-1's 投产 (09-10): none yet
    assert compute_metrics(repo, date(2018, 9, 5))["全市"]["投产项目数"] == 0


def test_without_industries_the_share_is_absent(tmp_path: Path) -> None:
    files = {**FILES, "xiangmu.yaml": CONFIG.replace("产业类别: [工业, 服务业]\n", "")}
    m = compute_metrics(load_repo(tmp_path, files, BELOW), SEP30)["全市"]
    assert (m["新开工产业项目数"], m["新开工产业项目占比"]) == (None, None)


def test_category_rows(repo: Repository) -> None:
    # xiangmu.yaml 类别 order, then （未分类）(A-5). 新开工 of 全市: 4 (A-1, A-2, A-5, B-1).
    # 工业: A-1, B-1 — 在建 2, 亿元以上 2, 新开工 2, 总投资 60000 + 50000, 完成投资 100 + 500.
    # 服务业: A-2 — 1, 1, 1, 20000, 200.  民生: A-3 — 1, 1, 0 (续建), 120000, 300.
    # 基础设施: B-2 — 1, 0, 0, 4000, 600.  （未分类）: A-5 — 1, 0, 1, 8000, 400.
    def row(name: str, industry: bool, counts: tuple[int, int, int], total: int, done: int) -> dict[str, object]:
        started, big, new = counts
        return {
            "类别": name,
            "产业": industry,
            "在建项目数": started,
            "亿元以上项目数": big,
            "新开工项目数": new,
            "总投资": D(total),
            "完成投资": D(done),
            "新开工占比": F(new, 4),
        }

    assert category_rows(repo, SEP30) == [
        row("工业", True, (2, 2, 2), 110000, 600),
        row("服务业", True, (1, 1, 1), 20000, 200),
        row("民生", False, (1, 1, 0), 120000, 300),
        row("基础设施", False, (1, 0, 0), 4000, 600),
        row("（未分类）", False, (1, 0, 1), 8000, 400),
    ]
    # one region: 高新区 has B-1 (工业, 新开工) and B-2; its one new start is all of its new starts
    gx = category_rows(repo, SEP30, "高新区")
    assert [(r["类别"], r["在建项目数"], r["新开工占比"]) for r in gx] == [
        ("工业", 1, F(1, 1)),
        ("服务业", 0, F(0, 1)),
        ("民生", 0, F(0, 1)),
        ("基础设施", 1, F(0, 1)),
    ]


def test_the_monthly_report_has_the_category_table_in_every_format(repo: Repository, tmp_path: Path) -> None:
    root = repo.root
    args = ["report", "monthly", "--ledgers", str(root), "--month", "2018-09"]
    data = json.loads(runner.invoke(app, [*args, "--format", "json"]).stdout, parse_float=Decimal)
    assert [r["类别"] for r in data["分类别"]] == ["工业", "服务业", "民生", "基础设施", "（未分类）"]
    assert [r["新开工占比"] for r in data["分类别"]] == [D("0.5"), D("0.25"), 0, 0, D("0.25")]  # of 4 new starts
    assert data["全市总览"]["新开工产业项目占比"] == D("0.75")
    for fmt in ("plain", "md", "csv", "html"):
        result = runner.invoke(app, [*args, "--format", fmt])
        assert result.exit_code == 0 and "分类别" in result.stdout and "（未分类）" in result.stdout, fmt
    out = tmp_path / "月报.xlsx"
    assert runner.invoke(app, [*args, "-o", str(out)]).exit_code == 0
    from openpyxl import load_workbook

    assert "分类别" in load_workbook(out).sheetnames


# --- overdue: 超期未投产; a call is not a visit ----------------------------------------------------


def test_overdue_operation(repo: Repository) -> None:
    late = [(it["编号"], it["到期日期"], it["逾期天数"]) for it in overdue_items(repo, SEP30, kind="超期未投产")]
    # A-2 planned 09-15, not in operation: 30 − 15 = 15 days. A-1 went into operation 09-10; B-1 is due 2019.
    assert late == [("A-2", date(2018, 9, 15), 15)]
    early = [(it["编号"], it["逾期天数"]) for it in overdue_items(repo, date(2018, 9, 5), kind="超期未投产")]
    # On 09-05 A-1 (planned 08-31, in operation only on 09-10) was 5 days late; A-2 was not due yet.
    assert early == [("A-1", 5)]


def test_a_phone_call_is_not_a_site_visit(repo: Repository) -> None:
    # A-2: site visit 09-01, then a call on 09-25 (方式 电话), which 走访周期 does not count:
    # due 09-01 + 15 = 09-16, overdue 14 days on 09-30.
    visits = {it["编号"]: (it["到期日期"], it["逾期天数"]) for it in overdue_items(repo, SEP30, kind="走访超期")}
    assert visits["A-2"] == (date(2018, 9, 16), 14)
    # 走访达标率 of 船营区 (started, ≥ 入库门槛 5000): A-1 (09-20, 10 days ✓), A-2 (09-01 ✗),
    # A-3 and A-5 (never visited ✗) → 1/4.
    assert compute_metrics(repo, SEP30)["船营区"]["走访达标率"] == F(1, 4)


# --- validation -----------------------------------------------------------------------------------


def _problems(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, str, str]]:
    return [(p.code, p.message, p.hint) for p in load(write_repo(tmp_path, files)).problems]


def test_extension_values_are_type_checked_and_undeclared_keys_stay_errors(tmp_path: Path) -> None:
    bad = CY_BUILDING.replace("上争资金: 1.2亿", "上争资金: 一点二亿").replace(
        "入库日期: 2018-04-01", "入库日期: 2018-02-30"
    )
    bad = bad.replace("入国家重大项目库: 是", "入国家重大项目库: 也许").replace("牵头部门: 工信", "牵头部门: 住建")
    bad = bad.replace("储备状态: 已入库", "储备状态: [已入库]")
    bad = bad.replace(
        "    建设性质: 新建\n    开工日期: 2018-05-01",
        "    上争资額: 500\n    建设性质: 新建\n    开工日期: 2018-05-01",
    )
    found = _problems(tmp_path, {**FILES, "船营区/在建.yaml": bad})
    codes = sorted(code for code, *_ in found if code.startswith("E"))
    assert codes == ["E101", "E103", "E104", "E106", "E109", "E110"]
    (typo,) = [(message, hint) for code, message, hint in found if code == "E101"]
    assert typo == ("未知的键「上争资額」", "是否应为「上争资金」？")
    (choice,) = [message for code, message, _ in found if code == "E109"]
    assert choice == "「牵头部门」：「住建」不是允许的取值"


def test_an_extension_field_is_an_error_where_it_is_not_declared(tmp_path: Path) -> None:
    files = {**FILES, "xiangmu.yaml": CONFIG.split("扩展字段:")[0] + CONFIG.split("储备状态, 类型: 文字}\n")[1]}
    codes = sorted(code for code, *_ in _problems(tmp_path, files) if code == "E101")
    assert codes == ["E101"] * 5  # A-1's five extension keys


def test_national_codes_are_unique_across_files_and_processes(tmp_path: Path) -> None:
    twice = GX_BUILDING.replace("    类别: 工业\n", "    项目代码: 2018-220204-28-03-000001\n    类别: 工业\n", 1)
    root = write_repo(tmp_path, {**FILES, "高新区/在建.yaml": twice})
    (dup,) = [p for p in load(root).problems if p.code == "E212"]
    assert dup.file.endswith("高新区/在建.yaml") and (dup.line, dup.col) == (4, 11)
    first = dup.file.replace("高新区", "船营区")
    assert dup.message == f"项目代码「2018-220204-28-03-000001」重复：已在 {first}:4:11 使用"
    # the parallel check (one process per file) finds the same
    parallel = [p for p in check(root, jobs=2, min_bytes=0).problems if p.code == "E212"]
    assert [(p.file, p.line, p.message) for p in parallel] == [(dup.file, dup.line, dup.message)]


def test_operation_dates_are_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    early = CY_BUILDING.replace("投产日期: 2018-09-10", "投产日期: 2018-02-01")  # before 开工日期 2018-03-01
    assert [c for c, *_ in _problems(tmp_path / "a", {**FILES, "船营区/在建.yaml": early}) if c != "W101"] == ["E303"]
    monkeypatch.setattr(checks, "_today", lambda: date(2018, 9, 5))  # 投产日期 09-10 is after "today"
    found = [m for c, m, _ in _problems(tmp_path / "b", FILES) if c == "W105" and m.startswith("投产")]
    assert found == ["投产日期 2018-09-10 晚于今天（2018-09-05），事情还没有发生"]


def test_the_below_threshold_warning_says_what_the_threshold_is_and_can_be_switched_off(tmp_path: Path) -> None:
    (w101,) = [(m, h) for c, m, h in _problems(tmp_path / "on", FILES) if c == "W101"]
    assert w101[0] == "总投资 4000 万元 低于入库门槛 5000 万元（“5000万元以上”重点项目的统计线）"
    assert "可以留在台账中调度" in w101[1] and "不列入" not in w101[1] and "低于门槛提示: 否" in w101[1]
    off = {**FILES, "xiangmu.yaml": CONFIG.replace("  走访周期: 15\n", "  走访周期: 15\n  低于门槛提示: 否\n")}
    assert _problems(tmp_path / "off", off) == []


# --- xm list --columns ----------------------------------------------------------------------------


def test_list_columns_show_the_new_and_the_extension_fields(repo: Repository) -> None:
    args = ["list", "--ledgers", str(repo.root), "--month", "2018-09", "--region", "船营区"]
    chosen = ["--columns", "编号,项目代码、级别,上争资金,入国家重大项目库,计划投产日期,投产日期"]
    rows = json.loads(runner.invoke(app, [*args, *chosen, "--format", "json"]).stdout, parse_float=Decimal)["项目"]
    assert rows[0] == {
        "编号": "A-1",
        "项目代码": "2018-220204-28-03-000001",
        "级别": "省重点",
        "上争资金": D("12000.00"),  # 1.2亿, in 万元
        "入国家重大项目库": True,
        "计划投产日期": "2018-08-31",
        "投产日期": "2018-09-10",
    }
    assert [list(r) for r in rows] == [
        ["编号", "项目代码", "级别", "上争资金", "入国家重大项目库", "计划投产日期", "投产日期"]
    ] * 4
    table = list(csv.reader(io.StringIO(runner.invoke(app, [*args, *chosen, "--format", "csv"]).stdout)))
    header = next(r for r in table if r and r[0] == "编号")
    assert header == ["编号", "项目代码", "级别", "上争资金（万元）", "入国家重大项目库", "计划投产日期", "投产日期"]
    # without --columns every row still carries the extension values (json), under their names
    full = json.loads(runner.invoke(app, [*args, "--format", "json"]).stdout)["项目"]
    assert full[0]["牵头部门"] == "工信" and full[1]["牵头部门"] is None
    wrong = runner.invoke(app, [*args, "--columns", "编号,上争资额"])
    assert wrong.exit_code == 2 and "是否应为「上争资金」" in wrong.output


# --- exports and import ---------------------------------------------------------------------------


def test_xlsx_export_and_import_carry_the_extension_fields(repo: Repository, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "台账.xlsx"
    assert runner.invoke(app, ["export", "xlsx", "-o", str(out), "--ledgers", str(repo.root)]).exit_code == 0
    ws = load_workbook(out)["在建"]
    header = [c.value for c in ws[1]]
    assert header[-5:] == ["上争资金（万元）", "入库日期", "入国家重大项目库", "牵头部门", "储备状态"]
    a1 = {h: c.value for h, c in zip(header, ws[2])}
    assert (a1["编号"], a1["上争资金（万元）"], a1["入国家重大项目库"], a1["牵头部门"]) == ("A-1", 12000, "是", "工信")
    assert a1["走访"] == "1. 日期：2018-09-20；走访人：王芳；方式：现场；内容：协调用电"  # numbered lines (issue 18)
    # The workbook imports into an empty copy of the repository: the same projects, field for field.
    empty = write_repo(tmp_path / "empty", {"xiangmu.yaml": CONFIG})
    result = runner.invoke(app, ["import", "xlsx", str(out), "--ledgers", str(empty)])
    assert result.exit_code == 0, result.output
    again = load(empty)
    mine = {r.project.code: r.project.model_dump() for r in repo.records}
    assert {r.project.code: r.project.model_dump() for r in again.records} == mine


def test_import_maps_extension_columns_with_units(repo: Repository, tmp_path: Path) -> None:
    sheet = (
        "编号,名称,总投资,建设性质,开工日期,年度计划投资,项目代码,上争资金（亿元）,牵头部门,建设内容及规模\n"
        "N-1,新项目,6000,新建,2018-05-01,1000,2018-220204-13-03-000009,0.15,发改,新建厂房\n"
        "N-2,另一个,6000,新建,2018-05-01,1000,,,住建,\n"
    )
    path = tmp_path / "新.csv"
    path.write_text(sheet, encoding="utf-8")
    result = runner.invoke(
        app, ["import", "csv", str(path), "--ledger", "在建", "--region", "高新区", "--ledgers", str(repo.root)]
    )
    assert result.exit_code == 1  # N-2 is not imported: 住建 is not one of 牵头部门's 选项
    assert "第 3 行 I 列「牵头部门」" in result.output and "「住建」不是允许的取值" in result.output
    n1 = next(r.project for r in load(repo.root).records if r.project.code == "N-1")
    assert n1.extension_values()["上争资金"] == D(1500)  # 0.15 亿元 = 1500 万元
    assert (n1.national_code, n1.scope, n1.extension_values()["牵头部门"]) == (
        "2018-220204-13-03-000009",
        "新建厂房",
        "发改",
    )


def test_parquet_types_the_extension_fields(repo: Repository, tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    from xiangmu_cli.office.parquet import export_parquet

    export_parquet(repo, tmp_path)
    table = pq.read_table(tmp_path / "在建.parquet")
    types = {name: table.schema.field(name).type for name in table.column_names}
    assert types["上争资金"] == pa.decimal128(18, 4) and types["入库日期"] == pa.date32()
    assert types["入国家重大项目库"] == pa.bool_() and types["牵头部门"] == pa.string()
    assert types["计划投产日期"] == pa.date32() and types["项目代码"] == pa.string()
    a1 = table.to_pylist()[0]
    assert (a1["编号"], a1["上争资金"], a1["入库日期"], a1["入国家重大项目库"]) == (
        "A-1",
        D("12000.0000"),
        date(2018, 4, 1),
        True,
    )


# --- the event commands -------------------------------------------------------------------------


def test_events_keep_extension_fields_and_write_the_new_visit_and_problem_keys(repo: Repository) -> None:
    root = repo.root
    edit.apply(edit.invest(load(root), "A-1", "2018-08", "50"))
    edit.apply(edit.visit(load(root), "A-1", "2018-09-26", "督促投产", visitor="市发改委", mode="座谈"))
    edit.apply(edit.add_problem(load(root), "A-1", "2018-09-27", "贷款未放款", "市金融办", None, "资金", "专题会议"))
    text = (root / "船营区" / "在建.yaml").read_text(encoding="utf-8")
    # appended in the lists' own (flow) style, each item's keys in the contract's order
    assert ", {日期: 2018-09-26, 走访人: 市发改委, 方式: 座谈, 内容: 督促投产}]\n" in text
    assert "      - {提出日期: 2018-09-27, 内容: 贷款未放款, 分类: 资金, 责任单位: 市金融办, 层级: 专题会议}\n" in text
    after = load(root)
    assert [p.code for p in after.errors] == []
    a1 = next(r.project for r in after.records if r.project.code == "A-1")
    assert a1.extension_values()["上争资金"] == D(12000) and a1.monthly["2018-08"] == D(50)
    with pytest.raises(edit.EditError, match="不是允许的取值"):
        edit.visit(load(root), "A-1", "2018-09-28", mode="微信")
    with pytest.raises(edit.EditError, match="不是允许的取值"):
        edit.add_problem(load(root), "A-1", "2018-09-28", "x", level="区长办公会")


def test_a_move_keeps_the_extension_fields(tmp_path: Path) -> None:
    planned = """\
项目:
  - 编号: P-1
    名称: 冷链仓储项目
    总投资: 9000
    项目秘书: 赵敏
    计划开工日期: 2018-08-01
    年度计划投资: 2000
    上争资金: 800
    牵头部门: 发改
"""
    root = write_repo(tmp_path, {"xiangmu.yaml": CONFIG, "船营区/计划开工.yaml": planned})
    edit.apply(edit.start(load(root), "P-1", "2018-08-10"))
    moved = next(r for r in load(root).records if r.project.code == "P-1")
    assert moved.ledger.value == "未入统"
    assert moved.project.extension_values()["上争资金"] == D(800)
    assert moved.project.extension_values()["牵头部门"] == "发改"


# --- history and editors --------------------------------------------------------------------------


def test_textconv_shows_extension_keys_instead_of_giving_up() -> None:
    from xiangmu_cli.history.textconv import textconv

    text = textconv(CY_BUILDING.encode("utf-8"), "船营区/在建.yaml")
    assert "有错误" not in text
    # this view reads one file without xiangmu.yaml: a key it does not know is shown as written
    assert "[A-1] 上争资金: 1.2亿" in text and "[A-1] 项目代码: 2018-220204-28-03-000001" in text
    assert "[A-1] 走访: {日期: 2018-09-20, 走访人: 王芳, 方式: 现场, 内容: 协调用电}" in text


def test_the_diff_names_who_visited_and_how() -> None:
    from xiangmu_cli.history.diff import _visit_text

    assert (
        _visit_text({"日期": date(2018, 9, 3), "走访人": "王芳", "方式": "电话", "内容": None})
        == "2018-09-03 王芳 电话"
    )
    assert _visit_text({"日期": date(2018, 9, 3), "内容": "协调用地"}) == "2018-09-03 协调用地"


def test_the_editor_schemas_know_the_declared_fields(repo: Repository) -> None:
    from xiangmu_cli.ledger.schema import schemas

    plain = json.loads(schemas()["在建.schema.json"])
    mine = json.loads(schemas(repo.config)["在建.schema.json"])
    fields = mine["definitions"]["项目"]["properties"]
    assert "上争资金" not in plain["definitions"]["项目"]["properties"]
    assert fields["上争资金"]["description"] == "争取到的上级资金"
    assert fields["牵头部门"]["anyOf"][0] == {"enum": ["发改", "工信"]}
    assert mine["definitions"]["项目"]["additionalProperties"] is False  # a misspelt key is still flagged
    code = plain["definitions"]["项目"]["properties"]["项目代码"]
    assert code["anyOf"][0] == {"type": "string", "pattern": "^[0-9]{4}-[0-9]{6}-[0-9]{2}-[0-9]{2}-[0-9]{6}$"}


def test_visit_and_problem_options_on_the_command_line(repo: Repository) -> None:
    root = str(repo.root)
    bad = runner.invoke(app, ["visit", "A-2", "--date", "2018-09-28", "--mode", "微信", "--ledgers", root])
    assert bad.exit_code == 2 and "现场、电话、座谈、视频" in bad.output
    ok = runner.invoke(
        app, ["visit", "A-2", "--date", "2018-09-28", "--by", "王芳", "--mode", "现场", "--ledgers", root]
    )
    assert ok.exit_code == 0, ok.output
    args = ["problem", "add", "A-2", "--date", "2018-09-28", "--content", "用地未批", "--kind", "用地"]
    assert runner.invoke(app, [*args, "--level", "联席会议", "--ledgers", root]).exit_code == 0
    # a 分类 outside xiangmu.yaml 问题分类 is refused: the edit would bring an error (E214)
    refused = runner.invoke(app, [*args[:-1], "融资", "--ledgers", root])
    assert refused.exit_code == 1 and "E214" in refused.output
    a2 = next(r.project for r in load(repo.root).records if r.project.code == "A-2")
    assert [(v.visitor, v.mode) for v in a2.visits][-1] == ("王芳", "现场")
    assert [(i.kind, i.level) for i in a2.issues] == [("用地", "联席会议")]
    # the site visit of 09-28 counts again for 走访周期: A-2 is no longer overdue
    assert [it["编号"] for it in overdue_items(load(repo.root), SEP30, kind="走访超期")].count("A-2") == 0


def test_the_diff_lists_a_changed_extension_field(repo: Repository, tmp_path: Path) -> None:
    from xiangmu_cli.history.diff import project_changes

    raised = CY_BUILDING.replace("上争资金: 1.2亿", "上争资金: 15000")
    after = load(write_repo(tmp_path / "after", {**FILES, "船营区/在建.yaml": raised}))
    old, new = (next(r for r in rp.records if r.project.code == "A-1") for rp in (repo, after))
    # 1.2亿 = 12000 万元 → 15000: Δ 3000
    assert project_changes(old, new) == [{"字段": "上争资金", "原值": D(12000), "新值": D(15000), "差额": D(3000)}]


def test_fmt_puts_extension_fields_after_the_contracts_keys(repo: Repository) -> None:
    path = repo.root / "船营区" / "在建.yaml"
    moved = CY_BUILDING.replace("    牵头部门: 工信\n", "").replace(
        "    项目秘书: 王芳\n", "    牵头部门: 工信\n    项目秘书: 王芳\n", 1
    )
    path.write_text(moved, encoding="utf-8")
    assert runner.invoke(app, ["fmt", "--ledgers", str(repo.root)]).exit_code == 0
    keys = [
        line.split(":")[0].strip() for line in path.read_text(encoding="utf-8").split("  - 编号: A-2")[0].splitlines()
    ]
    # 牵头部门 leaves the contract's keys and goes first of the extension keys (the order written)
    assert [k for k in keys if k][-6:] == [
        "完成投资",
        "牵头部门",
        "上争资金",
        "入库日期",
        "入国家重大项目库",
        "储备状态",
    ]
    assert load(repo.root).errors == []


def test_a_flood_of_extension_fields_is_cut_at_the_limit(tmp_path: Path) -> None:
    from xiangmu_cli.ledger.model import MAX_EXTENSIONS

    many = "".join(f"  - {{名称: 字段{i}, 类型: 文字}}\n" for i in range(MAX_EXTENSIONS + 50))
    config = CONFIG.split("扩展字段:\n")[0] + "扩展字段:\n" + many + "地区:" + CONFIG.split("地区:")[1]
    ledger = "项目:\n  - {编号: X-1, 名称: 某项目, 总投资: 9000, 阶段: 洽谈, 投资方: 某公司, 字段0: 甲, 字段120: 乙}\n"
    found = _problems(tmp_path, {"xiangmu.yaml": config, "船营区/招商.yaml": ledger})
    # one E215 for the flood; 字段0 is a field, 字段120 (past the first 100) is not: E101
    assert [(code, message) for code, message, _ in found] == [
        (
            "E215",
            f"扩展字段有 {MAX_EXTENSIONS + 50} 个，超过上限 {MAX_EXTENSIONS} 个；第 {MAX_EXTENSIONS} 个以后的未启用",
        ),
        ("E101", "未知的键「字段120」"),
    ]
