"""Excel in and out (issue 7): `xm export xlsx`, `xm import xlsx|csv`, `--format xlsx`.

Workbooks are built and read with openpyxl in the tests; expected values are worked out by hand
in the comments."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import subprocess
import zipfile
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from xiangmu_cli.base.safetext import FORMULA_STARTS, neutralise_formula, restore_formula
from xiangmu_cli.cli import app
from xiangmu_cli.ledger.vocab import Ledger
from xiangmu_cli.office.importer import _SUBTOTAL, Target, normal, resolve_header
from xiangmu_cli.reading.loading import load
from xiangmu_cli.write.fmt import format_text

from .conftest import ROOT, write_repo

runner = CliRunner()
DEMO = ROOT / "ledgers"
CONFIG = (DEMO / "xiangmu.yaml").read_text(encoding="utf-8")


def _snapshot(root: Path) -> dict[str, tuple[str, Ledger, dict[str, Any]]]:
    repo = load(root)
    assert repo.errors == []
    out = {r.project.code: (r.region, r.ledger, r.project.model_dump()) for r in repo.records}
    assert len(out) == len(repo.records)
    return out


def _hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _empty_copy(tmp_path: Path) -> Path:
    return write_repo(tmp_path, {"xiangmu.yaml": CONFIG})


@pytest.fixture(scope="module")
def demo_xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export") / "台账.xlsx"
    result = runner.invoke(app, ["export", "xlsx", "-o", str(out), "--ledgers", str(DEMO)])
    assert result.exit_code == 0, result.output
    return out


# --- export -------------------------------------------------------------------------------------


def test_export_round_trips_through_import(demo_xlsx: Path, tmp_path: Path) -> None:
    root = _empty_copy(tmp_path)
    for sheet in ("在建", "未入统", "计划开工", "招商", "谋划"):  # the 地区 column sends each row to its region
        result = runner.invoke(app, ["import", "xlsx", str(demo_xlsx), "--sheet", sheet, "--ledgers", str(root)])
        assert result.exit_code == 0, result.output
        assert "未导入的行" not in result.stdout
    assert _snapshot(root) == _snapshot(DEMO)
    for path in root.glob("*/*.yaml"):  # what import writes is already in `xm fmt` layout
        text = path.read_text(encoding="utf-8")
        assert format_text(text, path.stem) == text, path
        assert f"# 导入自 {demo_xlsx.name} 工作表「{path.stem}」第 " in text


def test_export_layout(demo_xlsx: Path) -> None:
    wb = load_workbook(demo_xlsx)
    assert wb.sheetnames == ["在建", "未入统", "计划开工", "招商", "谋划"]
    ws = wb["在建"]
    header = [c.value for c in ws[1]]
    assert header[:10] == [
        "地区",
        "编号",
        "名称",
        "项目代码",
        "建设单位",
        "类别",
        "级别",
        "建设内容",
        "总投资（万元）",
        "资金来源",
    ]
    # the demo's extension fields (xiangmu.yaml 扩展字段) close the sheet, an amount with its unit
    assert header[-2:] == ["上争资金（万元）", "入国家重大项目库"]
    assert "2018年9月完成投资（万元）" in header and "用地面积（平方米）" in header
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{ws.cell(row=1, column=len(header)).column_letter}{ws.max_row}"
    assert all(c.font.b for c in ws[1])
    # First 在建 project of 船营区 (the first region): ledgers/船营区/在建.yaml, CY-2018-006.
    row = {h: c for h, c in zip(header, ws[2])}
    assert row["编号"].value == "CY-2018-006" and row["地区"].value == "船营区"
    assert row["总投资（万元）"].value == 120000 and row["总投资（万元）"].number_format == "#,##0.00"
    assert row["开工日期"].value == datetime(2018, 6, 2) and row["开工日期"].number_format == "yyyy-mm-dd"
    assert row["2018年9月完成投资（万元）"].value == 7271
    assert row["2018年1月完成投资（万元）"].value is None  # not reported
    # lists as numbered lines a reader can read (read back exactly: test_export_round_trips_through_import)
    assert (
        row["走访"].value == "1. 2018-08-24\n2. 日期：2018-09-17；走访人：马志远；方式：现场；内容：现场办公，协调用地"
    )
    assert row["走访"].alignment.wrap_text
    assert row["项目代码"].value == "2017-220204-84-01-503821" and row["级别"].value == "省重点"
    assert row["上争资金（万元）"].value == 25500 and row["上争资金（万元）"].number_format == "#,##0.00"
    assert row["入国家重大项目库"].value == "是"
    # printed: A4 landscape, one page wide, the header row on every page, page numbers
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0 and ws.print_title_rows == "$1:$1"
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页" and ws["A2"].font.name == "等线"
    assert ws.column_dimensions["C"].width >= 2 * len("吉林市中心医院江北院区建设项目")  # Chinese: two cells each
    assert wb["招商"]["A1"].value == "地区" and "重点" in [c.value for c in wb["招商"][1]]


def test_export_is_deterministic(demo_xlsx: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.xlsx"
    assert runner.invoke(app, ["export", "xlsx", "-o", str(again), "--ledgers", str(DEMO)]).exit_code == 0
    assert again.read_bytes() == demo_xlsx.read_bytes()


FORMULAS = ['=HYPERLINK("http://x","点击")', "+86 432 1234", "-", "@SUM(A1)", "'=已加引号", "普通文字"]


def test_formula_like_text_is_neutralised_on_export_and_restored_on_import(tmp_path: Path) -> None:
    projects = "".join(
        f"  - {{编号: F-{i}, 名称: {json.dumps(text, ensure_ascii=False)}, 总投资: 100, 阶段: 洽谈, 投资方: 某公司}}\n"
        for i, text in enumerate(FORMULAS)
    )
    root = write_repo(tmp_path / "src", {"xiangmu.yaml": CONFIG, "船营区/招商.yaml": "项目:\n" + projects})
    out = tmp_path / "f.xlsx"
    assert runner.invoke(app, ["export", "xlsx", "-o", str(out), "--ledgers", str(root)]).exit_code == 0
    ws = load_workbook(out)["招商"]
    names = [ws.cell(row=r, column=3) for r in range(2, 2 + len(FORMULAS))]
    assert [c.value for c in names] == [
        '\'=HYPERLINK("http://x","点击")',
        "'+86 432 1234",
        "'-",
        "'@SUM(A1)",
        "''=已加引号",
        "普通文字",
    ]
    assert {c.data_type for c in names} == {"s"}  # text cells, never formulas
    copy = _empty_copy(tmp_path / "dst")
    result = runner.invoke(app, ["import", "xlsx", str(out), "--sheet", "招商", "--ledgers", str(copy)])
    assert result.exit_code == 0, result.output
    assert _snapshot(copy) == _snapshot(root)


@given(st.text())
def test_neutralise_formula_is_safe_and_reversible(text: str) -> None:
    safe = neutralise_formula(text)
    assert not safe.startswith(FORMULA_STARTS)
    assert restore_formula(safe) == text
    assert safe == text or safe == "'" + text


# --- LibreOffice ----------------------------------------------------------------------------------

LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")


@pytest.mark.skipif(
    LIBREOFFICE is None, reason="LibreOffice 未安装（apt-get install libreoffice-calc）；.ci/run 会安装"
)
@pytest.mark.may_skip_in_ci(".ci/run installs LibreOffice with apt-get only when it runs as root")
def test_exported_workbook_opens_in_libreoffice_with_the_same_values(demo_xlsx: Path, tmp_path: Path) -> None:
    # CSV filter options: comma, double quote, UTF-8, from line 1, …, token 9 false = raw values
    # (not "as shown": 120000 rather than 120,000.00), token 12 = sheet 1 (在建).
    options = "44,34,76,1,,0,false,true,false,false,false,1"
    subprocess.run(
        [
            LIBREOFFICE,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            f"csv:Text - txt - csv (StarCalc):{options}",
            "--outdir",
            str(tmp_path),
            str(demo_xlsx),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    converted = tmp_path / f"{demo_xlsx.stem}-在建.csv"
    with converted.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == [c.value for c in load_workbook(demo_xlsx)["在建"][1]]
    assert rows[1][:9] == [
        "船营区",
        "CY-2018-006",
        "吉林市中心医院江北院区建设项目",
        "2017-220204-84-01-503821",
        "吉林市中心医院",
        "民生",
        "省重点",
        "新建门诊、医技、住院综合楼39.1万平方米，床位2000张",
        "120000",
    ]
    # Every value: the CSV LibreOffice wrote imports back to exactly the 在建 projects of the demo.
    root = _empty_copy(tmp_path)
    result = runner.invoke(app, ["import", "csv", str(converted), "--ledger", "在建", "--ledgers", str(root)])
    assert result.exit_code == 0, result.output
    demo = {k: v for k, v in _snapshot(DEMO).items() if v[1] is Ledger.BUILDING}
    assert _snapshot(root) == demo


# --- import of a messy workbook -----------------------------------------------------------------


def _messy(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "2018年在建"
    ws["A1"] = "船营区2018年重点项目建设台账（在建项目）"
    ws.merge_cells("A1:L1")
    ws["A2"] = "填报单位：船营区发改局                    单位：万元"
    ws.merge_cells("A2:L2")
    ws.append(
        [
            "序号",
            "项目编号",
            "项 目 名 称",
            "建设单位",
            "总投资（亿元）",
            "建设性质",
            "开工时间",
            "本年计划投资(万元)",
            "2018年9月完成投资",
            "8月完成投资",
            "1-9月完成投资",
            "联系电话",
            "入统时间",
        ]
    )
    ws.append(["一、工业项目"])
    ws.merge_cells("A4:M4")
    ws.append(
        [
            1,
            "CY-X-001",
            "碳纤维原丝扩能项目",
            "吉林化纤集团",
            1.2,
            "新建",
            43200,
            6000,
            800,
            "1,200",
            2000,
            "0432-1234567",
            "2018.9.30",
        ]
    )
    ws.append(
        [
            2,
            "CY-X-002",
            "  江北供热管网改造  ",
            None,
            "0.85",
            "续建",
            datetime(2017, 5, 3),
            3000.5,
            0,
            None,
            3000,
            None,
            "2018年6月1日",
        ]
    )
    ws.append([])
    ws.append(["二、服务业项目"])
    ws.append(
        [
            3,
            "CY-X-003",
            "电商产业园",
            "船营区商务局",
            0.1 + 0.2,
            "新建",
            "2018/7/15",
            "1.1亿",
            1234.56,
            "—",
            None,
            None,
            None,
        ]
    )
    ws.append([4, "CY-X-004", "坏日期项目", None, "约2亿", "新建", "2018年2月30日", 100, None, None, None, None, None])
    ws.append([5, None, "没有编号的项目", None, 1, "新建", "2018-05-01", 100])
    ws.append([None, None, "小计", None, 2.35, None, None, 9000.5])
    ws.append(["合计", None, None, None, 4.5])
    wb.save(path)
    return path


def test_messy_workbook_every_value(tmp_path: Path) -> None:
    root = _empty_copy(tmp_path)
    book = _messy(tmp_path / "船营区台账.xlsx")
    result = runner.invoke(
        app, ["import", "xlsx", str(book), "--ledger", "在建", "--region", "船营区", "--ledgers", str(root)]
    )
    assert result.exit_code == 1, result.output  # some rows were not imported; the others are written
    out = result.stdout
    assert "表头在第 3 行" in out
    assert "未导入的列：L「联系电话」\n" in out  # 1-9月完成投资 is read (below)
    assert "跳过：分组标题行 2 行，合计/小计行 2 行，空行 1 行" in out
    assert "第 10 行 E 列「总投资（亿元）」：金额「约2亿」无法识别" in out
    assert "第 10 行 G 列「开工时间」：日期「2018年2月30日」不存在（2018 年 2 月没有 30 日，请核对）" in out
    assert "第 11 行 B 列「项目编号」：没有编号" in out
    assert out.count("第 11 行") == 1  # said once, not again as a missing required key
    assert "未导入的行（2 行）" in out
    # Row 6: 1-9月 3000, 9月 0, 8月 empty: 3000 − 0 = 3000 over January–August, which the sheet
    # does not split: kept whole, named.
    assert (
        "注意：第 6 行 K 列「1-9月完成投资」：其中 2018-01–2018-08 的 3000 万元没有分月的数，"
        "记为 以前月份完成投资（截至 2018-08），不分到各月" in out
    )

    repo = load(root)
    assert repo.errors == []
    got = {
        r.project.code: r.project.model_dump(by_alias=True, exclude_none=True, exclude_defaults=True)
        for r in repo.records
    }
    assert got == {
        "CY-X-001": {
            "编号": "CY-X-001",
            "名称": "碳纤维原丝扩能项目",
            "建设单位": "吉林化纤集团",
            "总投资": Decimal("12000"),  # 1.2 亿元
            "建设性质": "新建",
            "开工日期": date(2018, 4, 10),  # serial 43200 = 43101 (2018-01-01) + 31 + 28 + 31 + 9
            "年度计划投资": Decimal("6000"),
            # 1-9月 2000 = 8月 1200 + 9月 800: nothing left for 4–7月 (started in April), each 0
            "完成投资": {
                "2018-04": Decimal("0"),
                "2018-05": Decimal("0"),
                "2018-06": Decimal("0"),
                "2018-07": Decimal("0"),
                "2018-08": Decimal("1200"),
                "2018-09": Decimal("800"),
            },
            "入统日期": date(2018, 9, 30),
        },
        "CY-X-002": {
            "编号": "CY-X-002",
            "名称": "江北供热管网改造",
            "总投资": Decimal("8500"),  # "0.85" (text) 亿元
            "建设性质": "续建",
            "开工日期": date(2017, 5, 3),
            "年度计划投资": Decimal("3000.5"),
            "以前月份完成投资": {"截至": "2018-08", "金额": Decimal("3000")},  # 1-9月 3000 − 9月 0
            "完成投资": {"2018-09": Decimal("0")},  # a reported zero; 8月 empty = not reported
            "入统日期": date(2018, 6, 1),
        },
        "CY-X-003": {
            "编号": "CY-X-003",
            "名称": "电商产业园",
            "建设单位": "船营区商务局",
            "总投资": Decimal("3000"),  # 0.1 + 0.2 = 0.30000000000000004 as a float: Excel's 15 digits, 0.3 亿元
            "建设性质": "新建",
            "开工日期": date(2018, 7, 15),
            "年度计划投资": Decimal("11000"),  # "1.1亿" carries its own unit
            "完成投资": {"2018-09": Decimal("1234.56")},  # 8月 "—" is empty
        },
    }
    text = (root / "船营区/在建.yaml").read_text(encoding="utf-8")
    assert "  # 导入自 船营区台账.xlsx 工作表「2018年在建」第 5–6、9 行\n  - 编号: CY-X-001\n" in text
    assert "    总投资: 12000\n" in text and "    开工日期: 2018-04-10\n" in text


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("总投资（万元）", Target("总投资", "万元")),
        ("总投资(亿元)", Target("总投资", "亿元")),
        ("计划总投资 亿元", Target("总投资", "亿元")),
        ("项 目 名 称", Target("名称")),
        ("*开工时间", Target("开工日期")),
        ("占地面积【亩】", Target("用地面积", "亩")),
        ("县（市）区", Target("地区")),
        ("2018年计划投资", Target("年度计划投资")),
        ("2018年9月完成投资（万元）", Target("完成投资", "万元", "2018-09")),
        ("完成投资（2018-09）", Target("完成投资", None, "2018-09")),
        ("7月份完成", Target("完成投资", None, "2018-07")),  # the year of xiangmu.yaml
        ("总投资（亩）", "单位「亩」不适用于「总投资」"),
        ("1-9月完成投资", Target("完成投资", span=("2018-01", "2018-09"))),
        ("2017年1-12月累计完成（亿元）", Target("完成投资", "亿元", span=("2017-01", "2017-12"))),
        ("截至9月累计完成投资", Target("完成投资", span=("2018-01", "2018-09"))),
        ("以前年度累计完成投资", Target("以前年度完成投资")),
        ("开工以来累计完成投资", "累计数的月份无法识别，未导入"),
        ("联系电话", None),
    ],
)
def test_header_variants(header: str, expected: Target | str | None) -> None:
    assert resolve_header(header, 2018) == expected


@pytest.mark.parametrize(
    ("text", "subtotal"),
    [
        ("合计", True),
        ("小计（3个）", True),
        ("船营区合计", True),
        ("总计:", True),
        ("总计划投资调整项目", False),
        ("合计量仪器厂", False),
        ("小计算机中心", False),
    ],
)
def test_subtotal_rows(text: str, subtotal: bool) -> None:
    assert bool(_SUBTOTAL.search(normal(text))) is subtotal


def test_existing_and_repeated_ids_are_listed_and_the_other_rows_imported(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path, {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": (DEMO / "船营区/在建.yaml").read_text(encoding="utf-8")}
    )
    before = load(root)
    wb = Workbook()
    wb.active.append(["编号", "名称", "总投资", "建设性质", "开工日期", "年度计划投资", "项目秘书"])
    wb.active.append(["CY-NEW-1", "新项目", 6000, "新建", "2018-05-01", 1000, "王芳"])
    wb.active.append(["CY-2018-006", "同编号的另一个项目", 6000, "新建", "2018-05-01", 1000, "王芳"])
    wb.active.append(["CY-NEW-1", "重复", 6000, "新建", "2018-05-01", 1000, "王芳"])
    wb.active.append(["CY-NEW-2", "另一个新项目", 6000, "新建", "2018-05-01", 1000, "王芳"])
    wb.save(tmp_path / "c.xlsx")
    result = runner.invoke(
        app,
        ["import", "xlsx", str(tmp_path / "c.xlsx"), "--ledger", "在建", "--region", "船营区", "--ledgers", str(root)],
    )
    assert result.exit_code == 1, result.output  # rows 2–4 not imported
    out = result.stdout
    assert "未导入的行（3 行）" in out
    assert "第 3 行 A 列「编号」：编号 CY-2018-006 已在 " in out and "船营区/在建.yaml 中" in out and "--update" in out
    # a 编号 on two rows: neither is imported (which one is right is not known)
    assert "第 2 行 A 列「编号」：编号 CY-NEW-1 与第 4 行重复" in out
    assert "第 4 行 A 列「编号」：编号 CY-NEW-1 与第 2 行重复" in out
    after = load(root)
    assert after.errors == []
    old = {r.project.code for r in before.records}
    assert {r.project.code for r in after.records} - old == {"CY-NEW-2"}  # row 5 only
    assert next(r for r in after.records if r.project.code == "CY-2018-006").project.name != "同编号的另一个项目"


EXISTING = """\
# yaml-language-server: $schema=../../schemas/在建.schema.json
# 船营区 在建台账 —— 手工维护的注释
地区: 船营区
台账: 在建
项目:
  - 编号: CY-OLD-1   # 行尾注释
    名称: 老项目
    总投资: 6000
    建设性质: 续建
    开工日期: 2017-04-01
    年度计划投资: 2000
    # 项目末尾的注释
"""


def _one_row_book(path: Path) -> Path:
    wb = Workbook()
    wb.active.append(["编号", "名称", "总投资（万元）", "建设性质", "开工日期", "年度计划投资", "项目秘书"])
    wb.active.append(["CY-NEW-1", "新项目", 6000, "新建", date(2018, 5, 1), 1000, "王芳"])
    wb.save(path)
    return path


def test_append_keeps_every_byte_and_comment(tmp_path: Path) -> None:
    root = write_repo(tmp_path, {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": EXISTING})
    book = _one_row_book(tmp_path / "新项目.xlsx")
    result = runner.invoke(
        app, ["import", "xlsx", str(book), "--ledger", "在建", "--region", "船营区", "--ledgers", str(root)]
    )
    assert result.exit_code == 0, result.output
    text = (root / "船营区/在建.yaml").read_text(encoding="utf-8")
    assert text == EXISTING + (
        "\n"
        "  # 导入自 新项目.xlsx 工作表「Sheet」第 2 行\n"
        "  - 编号: CY-NEW-1\n"
        "    名称: 新项目\n"
        "    总投资: 6000\n"
        "    项目秘书: 王芳\n"
        "    建设性质: 新建\n"
        "    开工日期: 2018-05-01\n"
        "    年度计划投资: 1000\n"
    )
    assert "已修改：" in result.stdout


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    root = write_repo(tmp_path, {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": EXISTING})
    before = _hashes(root)
    book = _one_row_book(tmp_path / "新项目.xlsx")
    result = runner.invoke(
        app,
        ["import", "xlsx", str(book), "--ledger", "在建", "--region", "船营区", "--ledgers", str(root), "--dry-run"],
    )
    assert result.exit_code == 0, result.output
    assert "+  - 编号: CY-NEW-1\n" in result.stdout and "将修改：" in result.stdout
    assert _hashes(root) == before


def test_new_region_file_is_created_with_the_standard_header(tmp_path: Path) -> None:
    root = _empty_copy(tmp_path)
    book = _one_row_book(tmp_path / "新项目.xlsx")
    result = runner.invoke(
        app, ["import", "xlsx", str(book), "--ledger", "在建", "--region", "高新区", "--ledgers", str(root)]
    )
    assert result.exit_code == 0, result.output
    text = (root / "高新区/在建.yaml").read_text(encoding="utf-8")
    assert text.startswith(
        "# yaml-language-server: $schema=../../schemas/在建.schema.json\n地区: 高新区\n台账: 在建\n"
        "项目:\n  # 导入自 新项目.xlsx 工作表「Sheet」第 2 行\n  - 编号: CY-NEW-1\n"
    )


def test_gbk_csv_and_a_header_map(tmp_path: Path) -> None:
    root = _empty_copy(tmp_path)
    rows = [
        ["招商引资项目表"],
        ["编码", "工程名称及内容", "投资规模(亿)", "进展", "签约企业", "签约时间", "市领导包保"],
        ["ZS-1", "光伏组件项目", "2.5", "签约", "某新能源公司", "2018/3/28", "是"],
    ]
    path = tmp_path / "招商.csv"
    path.write_bytes("\n".join(",".join(r) for r in rows).encode("gb18030"))
    hmap = tmp_path / "map.yaml"
    hmap.write_text(
        "表头行: 2\n列:\n  工程名称及内容: 名称\n  投资规模(亿): 总投资（亿元）\n  进展: 阶段\n  市领导包保: 重点\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["import", "csv", str(path), "--map", str(hmap), "--region", "船营区", "--ledgers", str(root)]
    )  # the ledger comes from the file name 招商
    assert result.exit_code == 0, result.output
    got = [r.project.model_dump(by_alias=True, exclude_none=True, exclude_defaults=True) for r in load(root).records]
    assert got == [
        {
            "编号": "ZS-1",
            "名称": "光伏组件项目",
            "总投资": Decimal("25000"),
            "阶段": "签约",
            "投资方": "某新能源公司",
            "签约日期": date(2018, 3, 28),
            "重点": True,
        }
    ]


def _excel_style(wb: Workbook, path: Path) -> Path:
    """``wb`` saved as Excel writes text: a shared string table (openpyxl writes inline strings),
    one string in rich text (runs), no <dimension> record (as some generators write)."""
    out = io.BytesIO()
    wb.save(out)
    with zipfile.ZipFile(out) as z:
        files = {i.filename: z.read(i) for i in z.infolist()}
    strings: list[str] = []

    def shared(match: re.Match[bytes]) -> bytes:
        strings.append(match[2].decode())
        return b'<c r="%s" t="s"><v>%d</v></c>' % (match[1], len(strings) - 1)

    sheet = re.sub(
        rb'<c r="([A-Z]+[0-9]+)" t="inlineStr"><is><t>(.*?)</t></is></c>', shared, files["xl/worksheets/sheet1.xml"]
    )
    files["xl/worksheets/sheet1.xml"] = re.sub(rb"<dimension [^>]*/>", b"", sheet)
    items = [
        "<si><r><t>" + t[:1] + "</t></r><r><rPr><b/></rPr><t>" + t[1:] + "</t></r></si>"
        if t == "碳纤维项目"
        else f"<si><t>{t}</t></si>"
        for t in strings
    ]
    files["xl/sharedStrings.xml"] = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + "".join(items) + "</sst>"
    ).encode()
    files["[Content_Types].xml"] = files["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return path


def test_shared_strings_rich_text_and_a_region_merged_down_its_column(tmp_path: Path) -> None:
    root = _empty_copy(tmp_path)
    wb = Workbook()
    ws = wb.active
    ws.title = "在建"
    ws.append(["所属地区", "编号", "名称", "总投资", "建设性质", "开工日期", "年度计划投资"])
    ws.append(["船营区", "CY-M-1", "碳纤维项目", 6000, "新建", date(2018, 5, 1), 1000])
    ws.append([None, "CY-M-2", "供热管网", 7000, "续建", date(2017, 5, 3), 2000])
    ws.append(["高新区", "GX-M-1", "电商园", 8000, "新建", date(2018, 7, 15), 3000])
    ws.merge_cells("A2:A3")
    book = _excel_style(wb, tmp_path / "合并.xlsx")
    assert b"sharedStrings" in zipfile.ZipFile(book).read("[Content_Types].xml")
    result = runner.invoke(app, ["import", "xlsx", str(book), "--ledgers", str(root)])
    assert result.exit_code == 0, result.output
    got = {r.project.code: (r.region, r.project.name) for r in load(root).records}
    assert got == {"CY-M-1": ("船营区", "碳纤维项目"), "CY-M-2": ("船营区", "供热管网"), "GX-M-1": ("高新区", "电商园")}


def test_import_usage_errors(tmp_path: Path) -> None:
    root = _empty_copy(tmp_path)
    book = _one_row_book(tmp_path / "b.xlsx")
    cases = [
        (["--ledger", "在建"], "表中没有 地区 列：请用 --region 指定"),
        (["--region", "船营区"], "请用 --ledger 指定导入哪本台账"),
        (["--ledger", "在建", "--region", "船营"], "没有地区「船营」"),
        (["--ledger", "在建", "--region", "船营区", "--sheet", "无此表"], "没有工作表「无此表」"),
    ]
    for args, message in cases:
        result = runner.invoke(app, ["import", "xlsx", str(book), *args, "--ledgers", str(root)])
        assert result.exit_code == 2 and message in result.stderr, (args, result.output)
        assert "Traceback" not in result.output
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    result = runner.invoke(
        app, ["import", "xlsx", str(old), "--ledger", "在建", "--region", "船营区", "--ledgers", str(root)]
    )
    assert result.exit_code == 2 and "另存为 .xlsx" in result.stderr


# --- --format xlsx of the reports ---------------------------------------------------------------


def _cell_matches(cell: Any, value: Any) -> bool:
    """A cell of the workbook against a value of the JSON output (or of the library's rows)."""
    if value is None:
        return cell is None
    if isinstance(value, bool):
        return cell == ("是" if value else "否")
    if isinstance(value, (int, Decimal)):  # numbers written out as in JSON (rates to 6 places): exact
        return isinstance(cell, (int, float)) and Decimal(repr(cell)) == value
    if isinstance(value, Fraction):  # a rate of the library's rows (全市总览): six decimals, half-even
        six = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.000001"), ROUND_HALF_EVEN)
        return isinstance(cell, (int, float)) and Decimal(repr(cell)) == six
    if isinstance(value, date):
        return cell == datetime.combine(value, datetime.min.time())
    if isinstance(value, str):
        try:
            return _cell_matches(cell, date.fromisoformat(value))
        except ValueError:
            return cell == neutralise_formula(value)
    if isinstance(value, list):
        return cell == "、".join(map(str, value))
    return False


def _json_rows(data: dict[str, Any], name: str) -> list[dict[str, Any]] | None:
    """The rows of a sheet in the JSON of `xm report monthly` (逾期事项 is one list there, split by
    kind into sheets); None for 全市总览, 考评 and 综述, whose JSON is structured differently."""
    if name.startswith("逾期事项："):
        return [r for r in data["逾期事项"] if r["类型"] == name.split("：")[1]]
    return (
        data[name]
        if name in ("分地区", "分类别", "目标完成", "本月变动", "谋划储备", "红黑榜", "逾期事项分地区")
        else None
    )


def test_monthly_report_xlsx_has_one_sheet_per_table_with_the_json_values(tmp_path: Path) -> None:
    from xiangmu_cli.figures.report import monthly_report
    from xiangmu_cli.output.views import monthly_document

    out = tmp_path / "月报.xlsx"
    result = runner.invoke(app, ["report", "monthly", "--ledgers", str(DEMO), "--format", "xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(
        runner.invoke(app, ["report", "monthly", "--ledgers", str(DEMO), "--format", "json"]).stdout,
        parse_float=Decimal,
    )
    doc = monthly_document(monthly_report(load(DEMO), date(2018, 9, 30)))
    wb = load_workbook(out)
    assert wb.sheetnames == [t.name for t in doc.tables]
    from_json = 0
    for table in doc.tables:
        ws = wb[table.name]
        assert ws["A1"].value == doc.title and ws["A2"].value.startswith("名称：吉林市重点项目建设台账")
        header = [c.value for c in ws[4]]  # (a narrow table's headings span empty columns too)
        assert header[: len(table.columns)] == [c.title for c in table.columns]
        assert not any(header[len(table.columns) :])
        assert ws.freeze_panes == "A5"
        rows = _json_rows(data, table.name)
        if rows is None:
            rows = table.rows
        else:
            from_json += len(rows)
        assert len(rows) == ws.max_row - 4
        for i, row in enumerate(rows, start=5):
            for j, column in enumerate(table.columns, start=1):
                cell = ws.cell(row=i, column=j).value
                assert _cell_matches(cell, row.get(column.key)), (table.name, i, column.key, cell, row.get(column.key))
    assert from_json > 100
    # 分地区: 投资完成率 is a percentage format; 完成投资 in 万元.
    ws = wb["分地区"]
    header = [c.value for c in ws[4]]
    assert ws.cell(row=5, column=header.index("投资完成率") + 1).number_format == "0.0%"
    assert ws.cell(row=5, column=header.index("完成投资（万元）") + 1).number_format == "#,##0.00"


@pytest.mark.parametrize(
    "command", [["targets"], ["overdue"], ["score"], ["list"], ["report", "monthly"]], ids=" ".join
)
def test_every_report_writes_the_same_xlsx_twice(command: list[str], tmp_path: Path) -> None:
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert runner.invoke(app, [*command, "--ledgers", str(DEMO), "-f", "xlsx", "-o", str(first)]).exit_code == 0
    assert runner.invoke(app, [*command, "--ledgers", str(DEMO), "-o", str(second)]).exit_code == 0  # by extension
    assert first.read_bytes() == second.read_bytes()
    assert load_workbook(first).sheetnames


def test_xlsx_needs_a_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["targets", "--ledgers", str(DEMO), "--format", "xlsx"])
    assert result.exit_code == 2
    assert "xlsx 是二进制格式，不能输出到终端或管道" in result.stderr and result.stdout == ""
    result = runner.invoke(app, ["export", "xlsx", "--ledgers", str(DEMO)])
    assert result.exit_code == 2 and "缺少选项" in result.stderr


def test_xlsx_writes_each_kind_out_as_json_and_csv_do(tmp_path: Path) -> None:
    """Numbers are real numbers with the digits json and csv write (Fractions rounded exactly),
    formatted by kind."""
    import io
    import zipfile

    from xiangmu_cli.output.xlsx import render_xlsx

    from .test_tables import KIND_COLUMNS, WRITTEN, kinds_doc

    data = render_xlsx(kinds_doc())
    assert data == render_xlsx(kinds_doc())  # byte for byte
    ws = load_workbook(io.BytesIO(data))["分地区"]
    formats = {
        "count": "#,##0",
        "days": "#,##0",
        "amount": "#,##0.00",
        "number": "#,##0.00",
        "area": "#,##0.00",
        "intensity": "#,##0.00",
        "rate": "0.0%",
        "diff": "+0.0%;-0.0%;0.0%",
    }
    for i, written in enumerate(WRITTEN, start=5):
        for j, (column, text) in enumerate(zip(KIND_COLUMNS[1:], written), start=2):
            cell = ws.cell(row=i, column=j)
            assert isinstance(cell.value, (int, float)) and Decimal(repr(cell.value)) == Decimal(text), (
                column.key,
                cell.value,
                text,
            )
            assert cell.number_format == formats[column.kind]
    assert ws.cell(row=5, column=2).value == 3 and isinstance(ws.cell(row=5, column=2).value, int)
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<v>0.666667</v>" in sheet and "<v>-0.083333</v>" in sheet and "<v>0.747017</v>" in sheet
    assert "0.7470174468" not in sheet  # never the digits of the division
