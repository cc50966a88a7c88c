"""xm import of workbooks as offices keep them (issue 18): a 填报说明 first sheet, a two-row
grouped header with merged cells, dates given to the month only, cumulative 1-9月 beside 9月
columns, bad cells among good rows; and the monthly re-import (--update).

Workbooks are built with openpyxl here; the expected values are worked out by hand in the comments.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from xiangmu_cli.cli import app
from xiangmu_cli.ledger.vocab import Ledger
from xiangmu_cli.office.importer import Header, HeaderMap, Target, column_targets, convert
from xiangmu_cli.office.importfile import Sheet
from xiangmu_cli.office.monthsplit import Span, month_range, split
from xiangmu_cli.reading.loading import load

from .conftest import ROOT, write_repo

runner = CliRunner()
CONFIG = (ROOT / "ledgers" / "xiangmu.yaml").read_text(encoding="utf-8")  # 年度 2018; leaders 周立新, 马志远, …


def _hashes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*.yaml"))}


def _dump(root: Path) -> dict[str, dict[str, Any]]:
    repo = load(root)
    assert repo.errors == [], [p.message for p in repo.errors]
    return {
        r.project.code: r.project.model_dump(by_alias=True, exclude_none=True, exclude_defaults=True)
        for r in repo.records
    }


# --- a workbook as an office keeps it -------------------------------------------------------------

#: Row 2–3: the header; 2018年投资情况（万元） is merged over I2:K2, the single headers down two rows.
HEAD = ["序号", "项目编号", "项目名称", "建设性质", "开工时间", "总投资（万元）", "项目秘书", "包保市领导"]
ROWS: list[list[Any]] = [
    # row 4: 开工 "2017.3" → 2017-03-01 (noted); 1-9月 5200 − 9月 1010 = 4190 over January–August
    [1, "CY-R-001", "碳纤维原丝扩能项目", "续建", "2017.3", 12000, "王芳", None, 6000, 5200, 1010, "主体施工"],
    # row 5: "2018年3月" → 2018-03-01; started in March: 1500 − 300 = 1200 over March–August
    [2, "CY-R-002", "江北供热管网改造", "新建", "2018年3月", 8000, "李强", None, 3000, 1500, 300, "管网铺设"],
    # row 6: two problems at once: 总投资 unreadable, and 包保领导 not among xiangmu.yaml's 领导
    [3, "CY-R-003", "电商产业园", "新建", "2018-03", "约6000", "赵敏", "张三", 2000, 900, 100, "基础施工"],
    # row 7: an Excel date cell (a full date: no note); started in May: 800 − 200 = 600 over May–August
    [4, "CY-R-004", "物流园区", "新建", datetime(2018, 5, 1), 7000, "钱七", None, 2500, 800, 200, "厂房建设"],
    # row 8: no month 13
    [5, "CY-R-005", "坏日期项目", "新建", "2018年13月", 9000, "孙八", None, 2500, 800, 200, "土方"],
    # row 9: the number 2018.6 is June 2018; 9月 900 is more than 1-9月 800
    [6, "CY-R-006", "累计数不对", "新建", 2018.6, 9000, "周九", None, 2500, 800, 900, "土方"],
    # row 10: started in October (text 2018.10): 9月 500 lies before the start (E302, at the 9月 column)
    [7, "CY-R-007", "十月开工", "新建", "2018.10", 9000, "吴十", None, 2500, 500, 500, "前期"],
    # row 11: 1-9月 600 = 8月? no 8月 column: 600 − 9月 600 = 0 left for January–August, so each is 0
    [8, "CY-R-008", "九月才有投资", "续建", "2016/5", 9000, "郑一", None, 2500, 600, 600, "收尾"],
]


def real_book(path: Path) -> Path:
    wb = Workbook()
    wb.active.title = "填报说明"
    wb.active["A1"] = "填报说明：金额单位为万元；开工时间填到月即可；每月5日前报送。"
    ws = wb.create_sheet("在建项目")
    ws["A1"] = "船营区2018年重点项目建设情况表（在建）"
    ws.merge_cells("A1:L1")
    ws.append([*HEAD, "2018年投资情况（万元）", None, None, "形象进度"])
    ws.append([None] * 8 + ["计划", "1-9月完成", "9月完成", None])
    for col in "ABCDEFGHL":
        ws.merge_cells(f"{col}2:{col}3")
    ws.merge_cells("I2:K2")
    for row in ROWS:
        ws.append(row)
    ws.append([None, "合计", None, None, None, 68000])
    wb.save(path)
    return path


def _import(book: Path, root: Path, *args: str) -> Any:
    return runner.invoke(app, ["import", "xlsx", str(book), "--region", "船营区", "--ledgers", str(root), *args])


def test_the_sheet_after_a_填报说明_is_named(tmp_path: Path) -> None:
    root = write_repo(tmp_path, {"xiangmu.yaml": CONFIG})
    book = real_book(tmp_path / "船营区.xlsx")
    # 11 columns: 项目编号, 项目名称, 建设性质, 开工时间, 总投资, 项目秘书, 包保市领导, 计划, 1-9月完成,
    # 9月完成, 形象进度 (序号 is passed over)
    result = _import(book, root)
    assert result.exit_code == 2
    assert "工作表名「填报说明」不是台账名" in result.stderr
    assert "工作表「在建项目」第 2–3 行像是表头（识别出 11 列）：请加 --sheet 在建项目 --ledger 在建" in result.stderr
    result = _import(book, root, "--ledger", "在建")
    assert result.exit_code == 1
    assert "工作表「填报说明」中找不到表头" in result.stderr and "请加 --sheet 在建项目\n" in result.stderr
    assert not (root / "船营区").exists()


def test_a_real_workbook_every_row(tmp_path: Path) -> None:
    root = write_repo(tmp_path, {"xiangmu.yaml": CONFIG})
    book = real_book(tmp_path / "船营区.xlsx")
    result = _import(book, root, "--ledger", "在建", "--sheet", "在建项目")
    assert result.exit_code == 1, result.output  # rows not imported; the others are written
    out = result.stdout
    assert "表头在第 2–3 行" in out and "跳过：合计/小计行 1 行" in out and "未导入的列" not in out
    notes = [line for line in out.splitlines() if line.startswith("注意：")]
    assert notes == [
        "注意：第 4 行 E 列「开工时间」：「2017.3」只有年月，按 2017-03-01 导入（如知道具体日期，在表中写出，例如 2018-09-30）",
        "注意：第 4 行 J 列「2018年投资情况（万元）/1-9月完成」：其中 2018-01–2018-08 的 4190 万元没有分月的数，"
        "记为 以前月份完成投资（截至 2018-08），不分到各月（表中补上这些月份各月的数后再导入，可分月登记）",
        "注意：第 5 行 E 列「开工时间」：「2018年3月」只有年月，按 2018-03-01 导入（如知道具体日期，在表中写出，例如 2018-09-30）",
        "注意：第 5 行 J 列「2018年投资情况（万元）/1-9月完成」：其中 2018-03–2018-08 的 1200 万元没有分月的数，"
        "记为 以前月份完成投资（截至 2018-08），不分到各月（表中补上这些月份各月的数后再导入，可分月登记）",
        "注意：第 7 行 J 列「2018年投资情况（万元）/1-9月完成」：其中 2018-05–2018-08 的 600 万元没有分月的数，"
        "记为 以前月份完成投资（截至 2018-08），不分到各月（表中补上这些月份各月的数后再导入，可分月登记）",
        "注意：第 11 行 E 列「开工时间」：「2016/5」只有年月，按 2016-05-01 导入（如知道具体日期，在表中写出，例如 2018-09-30）",
    ]
    problems = out[out.index("未导入的行") :].splitlines()
    assert problems[:7] == [
        "未导入的行（4 行）：",  # rows 6, 8, 9, 10
        "  第 6 行 F 列「总投资（万元）」：金额「约6000」无法识别（只写数字和单位，例如 12000、1.2亿、5000万元；不要写“约”“左右”等字样）",
        "  第 6 行 H 列「包保市领导」：包保领导「张三」未在 xiangmu.yaml 领导 中登记（在 xiangmu.yaml 的 领导 中登记该领导，或改正姓名）",
        "  第 8 行 E 列「开工时间」：日期「2018年13月」不存在（没有 13 月，请核对）",
        "  第 9 行 J 列「2018年投资情况（万元）/1-9月完成」：800 万元小于其中已知各月（2018-09）之和 900 万元（核对累计数和各月的数）",
        "  第 10 行 K 列「2018年投资情况（万元）/9月完成」：完成投资的月份「2018-09」早于开工日期 2018-10-01（开工前不应有完成投资；核对开工日期或月份）",
        "从 船营区.xlsx 工作表「在建项目」导入 4 个项目到在建台账",
    ]
    got = _dump(root)
    assert set(got) == {"CY-R-001", "CY-R-002", "CY-R-004", "CY-R-008"}
    assert got["CY-R-001"] == {
        "编号": "CY-R-001",
        "名称": "碳纤维原丝扩能项目",
        "总投资": Decimal(12000),
        "项目秘书": "王芳",
        "建设性质": "续建",
        "开工日期": date(2017, 3, 1),
        "年度计划投资": Decimal(6000),  # 计划 under 2018年投资情况
        "以前月份完成投资": {"截至": "2018-08", "金额": Decimal(4190)},
        "完成投资": {"2018-09": Decimal(1010)},
        "形象进度": "主体施工",
    }
    assert got["CY-R-002"]["以前月份完成投资"] == {"截至": "2018-08", "金额": Decimal(1200)}
    assert got["CY-R-004"]["开工日期"] == date(2018, 5, 1)
    assert got["CY-R-004"]["以前月份完成投资"] == {"截至": "2018-08", "金额": Decimal(600)}
    assert got["CY-R-008"]["完成投资"] == {f"2018-{m:02d}": Decimal(600 if m == 9 else 0) for m in range(1, 10)}
    assert "以前月份完成投资" not in got["CY-R-008"]
    text = (root / "船营区/在建.yaml").read_text(encoding="utf-8")
    assert "  # 导入自 船营区.xlsx 工作表「在建项目」第 4–5、7、11 行\n" in text
    assert "    以前月份完成投资: {截至: 2018-08, 金额: 4190}\n    完成投资:\n      2018-09: 1010\n" in text


def test_the_good_rows_are_imported_once_the_bad_ones_are_fixed(tmp_path: Path) -> None:
    """Rows already imported are listed as such on a second run (nothing written twice)."""
    root = write_repo(tmp_path, {"xiangmu.yaml": CONFIG})
    book = real_book(tmp_path / "船营区.xlsx")
    assert _import(book, root, "--ledger", "在建", "--sheet", "在建项目").exit_code == 1
    before = _hashes(root)
    again = _import(book, root, "--ledger", "在建", "--sheet", "在建项目")
    assert again.exit_code == 1
    assert "第 4 行 B 列「项目编号」：编号 CY-R-001 已在 " in again.stdout and "船营区/在建.yaml 中" in again.stdout
    assert "用 --update" in again.stdout and "没有可导入的项目" in again.stdout
    assert _hashes(root) == before


# --- the parts, one by one ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected", "note"),
    [
        ("2018.3", date(2018, 3, 1), "「2018.3」只有年月，按 2018-03-01 导入"),
        ("2018年3月", date(2018, 3, 1), "「2018年3月」只有年月，按 2018-03-01 导入"),
        ("2018年03月份", date(2018, 3, 1), "「2018年03月份」只有年月，按 2018-03-01 导入"),
        ("2018-03", date(2018, 3, 1), "「2018-03」只有年月，按 2018-03-01 导入"),
        ("2018/3", date(2018, 3, 1), "「2018/3」只有年月，按 2018-03-01 导入"),
        ("2018.10", date(2018, 10, 1), "「2018.10」只有年月，按 2018-10-01 导入"),
        (2018.3, date(2018, 3, 1), "「2018.3」只有年月，按 2018-03-01 导入"),
        (2018.12, date(2018, 12, 1), "「2018.12」只有年月，按 2018-12-01 导入"),
        # the number 2018.1 is what Excel keeps of 2018.10 too: said
        (
            2018.1,
            date(2018, 1, 1),
            "数字「2018.1」只有年月，按 2018 年 1 月（2018-01-01）导入；若是 2018 年 10 月，请改正",
        ),
        (datetime(2018, 3, 1), date(2018, 3, 1), None),  # a date cell (shown as 2018年3月 or not)
        (43160, date(2018, 3, 1), None),  # its serial number: 43101 (2018-01-01) + 31 + 28
        ("2018.3.5", date(2018, 3, 5), None),
    ],
)
def test_month_only_dates(value: Any, expected: date, note: str | None) -> None:
    notes: list[tuple[str, str]] = []
    assert convert(Target("开工日期"), value, datetime(1899, 12, 30), notes) == expected
    assert [n for n, _ in notes] == ([note] if note else [])


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2018年13月", "日期「2018年13月」不存在"),
        (2018, "「2018」只有年份，不是日期"),
        (2018.123, "「2018.123」不是日期"),
    ],
)
def test_dates_that_are_not(value: Any, message: str) -> None:
    from xiangmu_cli.ledger.units import UnitError

    with pytest.raises(UnitError) as exc:
        convert(Target("开工日期"), value, datetime(1899, 12, 30), [])
    assert exc.value.message == message


def test_a_visit_needs_its_day() -> None:
    from xiangmu_cli.ledger.units import UnitError

    with pytest.raises(UnitError, match="只有年月"):
        convert(Target("走访"), "2018.9", datetime(1899, 12, 30), [])


def _targets(rows: list[list[Any]], header: Header) -> dict[str, Target]:
    sheet = Sheet("t", rows)
    targets, _, texts = column_targets(sheet.rows, header, Ledger.BUILDING, 2018, HeaderMap(), strict=True)
    return {texts[i]: t for i, t in targets.items()}


def test_two_row_headers_combine() -> None:
    upper = [
        "项目名称",
        "开工时间",
        "开工时间",
        "2017年投资情况（亿元）",
        "2017年投资情况（亿元）",
        "总投资",
        "投资完成情况",
    ]
    lower = ["项目名称", "计划", "实际", "计划", "1-12月完成", "亿元", "9月份"]
    assert _targets([upper, lower], Header(0, 2)) == {
        "项目名称": Target("名称"),  # merged down both rows: once
        "开工时间/计划": Target("计划开工日期"),  # 计划 + 开工时间
        "开工时间/实际": Target("开工日期"),  # 实际开工时间
        "2017年投资情况（亿元）/计划": Target("年度计划投资", "亿元"),  # 计划 under investment, its unit
        "2017年投资情况（亿元）/1-12月完成": Target("完成投资", "亿元", span=("2017-01", "2017-12")),  # its year
        "总投资/亿元": Target("总投资", "亿元"),
        "投资完成情况/9月份": Target("完成投资", None, "2018-09"),  # 9月份 alone; the year of xiangmu.yaml
    }


def test_a_title_row_above_a_one_row_header_is_not_a_group() -> None:
    from xiangmu_cli.office.importer import find_header

    rows: list[list[Any]] = [
        ["2018年重点项目表"] * 4,  # merged title, filled across
        ["编号", "名称", "总投资", "9月完成"],
        ["CY-1", "甲", 100, 5],
    ]
    header = find_header(Sheet("t", rows), Ledger.BUILDING, 2018, HeaderMap())
    assert header == Header(1)  # as many columns as the pair 1–2, and one row wins a tie


def test_split_gives_what_the_figures_determine() -> None:
    year = month_range(2018, 1, 9)
    cum8, cum9 = Span(month_range(2018, 1, 8), Decimal(4000), "1-8"), Span(year, Decimal(5200), "1-9")
    # 1-9月 less 1-8月: 9月 = 1200; 1-8月 left whole
    got = split({}, [cum9, cum8], "2018-01")
    assert got.derived == {"2018-09": (Decimal(1200), "1-9")}
    assert got.lump == ("2018-08", Decimal(4000), "1-8")
    # every month known but one: that month
    known = {f"2018-{m:02d}": Decimal(100) for m in range(1, 9)}
    assert split(known, [cum9], "2018-01").derived == {"2018-09": (Decimal(4400), "1-9")}  # 5200 − 8 × 100
    # all known, the total differs: the months are taken, noted
    got = split({**known, "2018-09": Decimal(1)}, [cum9], "2018-01")
    assert got.derived == {} and got.lump is None
    assert got.notes == [
        (
            "1-9",
            "5200 万元与各月（2018-01–2018-09）之和 801 万元不符（差 4399 万元），按各月的数导入",
            "核对累计数和各月的数",
        )
    ]
    # more known than the total: a problem
    assert split({"2018-09": Decimal(6000)}, [cum9], "2018-01").problems[0][1].startswith("5200 万元小于")
    # 7-9月 with 1–6 月 unknown: neither split nor 以前月份 (that would claim January–June): left out, said
    q3 = Span(month_range(2018, 7, 9), Decimal(900), "7-9")
    got = split({}, [q3], "2018-01")
    assert got.lump is None and got.notes == [
        ("7-9", "其中 2018-07–2018-09 的 900 万元无法分到各月，未导入", "表中补上这些月份各月的数，或 1 月起的累计数")
    ]
    # … unless the project started in July: then it is all the months there are
    assert split({}, [q3], "2018-07").lump == ("2018-09", Decimal(900), "7-9")


# --- round trip ----------------------------------------------------------------------------------


def test_export_and_import_keep_it(tmp_path: Path) -> None:
    ledger = """\
项目:
  - 编号: CY-1
    名称: 碳纤维原丝扩能项目
    总投资: 12000
    项目秘书: 王芳
    建设性质: 续建
    开工日期: 2017-03-01
    年度计划投资: 6000
    以前月份完成投资: {截至: 2018-08, 金额: 4190}
    完成投资: {2018-03: 10, 2018-09: 1010}
"""
    source = write_repo(tmp_path / "a", {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": ledger})
    book = tmp_path / "export.xlsx"
    assert runner.invoke(app, ["export", "xlsx", "-o", str(book), "--ledgers", str(source)]).exit_code == 0
    from openpyxl import load_workbook

    ws = load_workbook(book)["在建"]
    header = [c.value for c in ws[1]]
    column = header.index("2018年1-8月完成投资（万元）")
    assert ws[2][column].value == 4200  # 4190 + 3月 10: what was completed January–August
    target = write_repo(tmp_path / "b", {"xiangmu.yaml": CONFIG})
    result = runner.invoke(app, ["import", "xlsx", str(book), "--ledgers", str(target)])
    assert result.exit_code == 0, result.output
    assert _dump(target) == _dump(source)


# --- --update: the monthly re-import --------------------------------------------------------------

LEDGER = """\
# 船营区 在建台账 —— 手工维护的注释
地区: 船营区
台账: 在建
项目:
  - 编号: CY-U-001   # 行尾注释
    名称: 碳纤维原丝扩能项目
    总投资: 12000
    项目秘书: 王芳
    建设性质: 续建
    开工日期: 2017-03-01
    年度计划投资: 6000
    以前月份完成投资: {截至: 2018-08, 金额: 4190}  # 1-8月合计
    完成投资:
      2018-09: 1010   # 9月快报
    形象进度: 主体施工

  - {编号: CY-U-002, 名称: 江北供热管网改造, 总投资: 8000, 项目秘书: 李强, 建设性质: 新建, 开工日期: 2018-03-01, 年度计划投资: 3000, 以前月份完成投资: {截至: 2018-08, 金额: 1200}, 完成投资: {2018-09: 300}}

  - 编号: CY-U-004
    名称: 物流园区
    总投资: 7000
    项目秘书: 钱七
    建设性质: 新建
    开工日期: 2018-05-01
    年度计划投资: 2500
    以前月份完成投资:
      截至: 2018-08   # 5-8月
      金额: 600
    完成投资:
      2018-09: 200
"""
PLANNED = """\
项目:
  - 编号: JH-1
    名称: 还没开工的项目
    总投资: 9000
    计划开工日期: 2018-11-01
"""
OCTOBER = [
    ["项目编号", "项目名称", "1-10月完成投资", "10月完成投资", "形象进度"],
    # 1-10月 6000 − 10月 800 − 9月 1010 = 4190 = 以前月份完成投资: agrees; 10月 800 and 形象进度 written
    ["CY-U-001", "碳纤维原丝扩能项目", 6000, 800, "主体完工"],
    # no 10月 column value: 1-10月 2000 − 9月 300 − 以前月份 1200 (3–8月) = 500 for 10月
    ["CY-U-002", "江北供热管网改造", 2000, None, None],
    # 1-10月 1000 − 10月 150 − 9月 200 = 650 for 5–8月, where the ledger has 600: the sheet's taken, said
    ["CY-U-004", "物流园区", 1000, 150, "厂房建设"],
    ["CY-U-099", "新项目", 100, 100, "前期"],  # not in the ledgers: listed, not added
    ["JH-1", "还没开工的项目", 0, 0, "前期"],  # 计划开工: no 完成投资
]
#: LEDGER as --update leaves it: four lines added, three changed, every other byte as it was.
UPDATED = (
    LEDGER.replace(
        "      2018-09: 1010   # 9月快报\n    形象进度: 主体施工\n",
        "      2018-09: 1010   # 9月快报\n      2018-10: 800\n    形象进度: 主体完工\n",
    )
    .replace("完成投资: {2018-09: 300}}", "完成投资: {2018-09: 300, 2018-10: 500}}")
    .replace(
        "      金额: 600\n    完成投资:\n      2018-09: 200\n",
        "      金额: 650\n    完成投资:\n      2018-09: 200\n      2018-10: 150\n    形象进度: 厂房建设\n",
    )
)


def _october(tmp_path: Path, ledger: str = LEDGER) -> tuple[Path, Path]:
    root = write_repo(tmp_path, {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": ledger, "船营区/计划开工.yaml": PLANNED})
    assert load(root).errors == []
    wb = Workbook()
    wb.active.title = "10月调度"
    for row in OCTOBER:
        wb.active.append(row)
    book = tmp_path / "10月调度.xlsx"
    wb.save(book)
    return root, book


def test_update_dry_run_lists_each_project_s_changes_and_writes_nothing(tmp_path: Path) -> None:
    root, book = _october(tmp_path)
    before = _hashes(root)
    result = runner.invoke(app, ["import", "xlsx", str(book), "--update", "--dry-run", "--ledgers", str(root)])
    assert result.exit_code == 1, result.output  # CY-U-099 and JH-1 were not updated
    out = result.stdout
    assert _hashes(root) == before
    assert "（更新已有项目），表头在第 1 行\n" in out
    assert (
        "注意：第 4 行 C 列「1-10月完成投资」：2018-05–2018-08 合计 650 万元，与台账中的以前月份完成投资（600 万元）不符，按表中的数导入"
        in out
    )
    assert (
        "未更新的行（1 行）：\n  第 6 行 A 列「项目编号」：项目 JH-1 在 " in out
        and "（计划开工台账），尚未开工，没有完成投资\n" in out
    )
    assert (
        "不在台账中的编号（1 行，未添加）：\n  第 5 行 A 列「项目编号」：编号 CY-U-099 不在台账中，未添加（新项目请不带 --update 导入）\n"
        in out
    )
    changes = out[out.index("将更新 3 个项目：") : out.index("从 10月调度.xlsx")]
    file = str(root / "船营区/在建.yaml")
    assert changes == (
        "将更新 3 个项目：\n"
        f"  CY-U-001（碳纤维原丝扩能项目）（第 2 行，{file}）\n"
        "    完成投资 2018-10：未报 → 800\n"
        "    形象进度：主体施工 → 主体完工\n"
        f"  CY-U-002（江北供热管网改造）（第 3 行，{file}）\n"
        "    完成投资 2018-10：未报 → 500\n"
        f"  CY-U-004（物流园区）（第 4 行，{file}）\n"
        "    以前月份完成投资 金额：600 → 650\n"
        "    完成投资 2018-10：未报 → 150\n"
        "    形象进度：（无） → 厂房建设\n"
    )
    assert "将修改：" in out


#: A tab before a comment: the line scan leaves the file to the composer, which edits it whole
#: (else each project's own text is composed alone); the same edits either way.
TAB = ("    名称: 碳纤维原丝扩能项目\n", "    名称: 碳纤维原丝扩能项目\t# 制表符\n")


@pytest.mark.parametrize("tab", [False, True], ids=["each-project", "whole-file"])
def test_update_writes_only_those_values(tmp_path: Path, tab: bool) -> None:
    ledger, updated = (LEDGER.replace(*TAB), UPDATED.replace(*TAB)) if tab else (LEDGER, UPDATED)
    root, book = _october(tmp_path, ledger)
    planned = (root / "船营区/计划开工.yaml").read_bytes()
    result = runner.invoke(app, ["import", "xlsx", str(book), "--update", "--ledgers", str(root)])
    assert result.exit_code == 1, result.output
    assert "已修改：" in result.stdout
    assert (root / "船营区/在建.yaml").read_text(encoding="utf-8") == updated
    assert (root / "船营区/计划开工.yaml").read_bytes() == planned
    got = _dump(root)
    assert got["CY-U-002"]["完成投资"] == {"2018-09": Decimal(300), "2018-10": Decimal(500)}
    # a second run finds nothing to change
    again = runner.invoke(app, ["import", "xlsx", str(book), "--update", "--ledgers", str(root)])
    assert "无变化：3 个项目\n" in again.stdout and "没有要更新的项目\n" in again.stdout
    assert (root / "船营区/在建.yaml").read_text(encoding="utf-8") == updated


def test_item_spans_are_the_projects_texts() -> None:
    from xiangmu_cli.reading.yamlread import item_spans

    spans = item_spans(LEDGER)
    assert spans is not None and [LEDGER[a:b].split("\n", 1)[0] for a, b in spans] == [
        "  - 编号: CY-U-001   # 行尾注释",
        "  - {编号: CY-U-002, 名称: 江北供热管网改造, 总投资: 8000, 项目秘书: 李强, 建设性质: 新建, 开工日期: 2018-03-01, "
        "年度计划投资: 3000, 以前月份完成投资: {截至: 2018-08, 金额: 1200}, 完成投资: {2018-09: 300}}",
        "  - 编号: CY-U-004",
    ]
    assert spans[-1][1] == len(LEDGER) and item_spans(LEDGER.replace(*TAB)) is None


def test_update_replaces_a_revised_month_and_checks_the_result(tmp_path: Path) -> None:
    root, _ = _october(tmp_path)
    path = tmp_path / "revised.csv"
    # CY-U-001: 9月 revised 1010 → 1110 (shown old → new); CY-U-004: 4月 is before its start in May:
    # an error of its row, at its cell, and that project is left as it was
    path.write_text(
        "编号,名称,9月完成投资,4月完成投资\nCY-U-001,碳纤维原丝扩能项目,1110,\nCY-U-004,物流园区,,50\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["import", "csv", str(path), "--update", "--ledgers", str(root)])
    assert result.exit_code == 1, result.output
    assert "  第 3 行 D 列「4月完成投资」：完成投资的月份「2018-04」早于开工日期 2018-05-01" in result.stdout
    assert "    完成投资 2018-09：1010 → 1110\n" in result.stdout
    text = (root / "船营区/在建.yaml").read_text(encoding="utf-8")
    assert text == LEDGER.replace("      2018-09: 1010   # 9月快报", "      2018-09: 1110   # 9月快报")


def test_update_usage(tmp_path: Path) -> None:
    root, book = _october(tmp_path)
    result = runner.invoke(app, ["import", "xlsx", str(book), "--update", "--ledger", "在建", "--ledgers", str(root)])
    assert result.exit_code == 2 and "--update 按编号找到项目" in result.stderr
    # --region: a row of another region is a problem of its row
    result = runner.invoke(app, ["import", "xlsx", str(book), "--update", "-r", "高新区", "--ledgers", str(root)])
    assert result.exit_code == 1
    assert (
        "第 2 行 A 列「项目编号」：项目 CY-U-001 在 " in result.stdout
        and "，不在高新区（核对编号，或 --region）" in result.stdout
    )
