"""The outputs leaders receive (issue 18): xlsx numbers, colours, print setup and fonts; the 亿元
view; csv for Excel; the 考评 columns; the letterhead. The html page in a browser is tested in
tests/test_html.py; LibreOffice opens the workbook at the end (skipped where it is absent)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from typer.testing import CliRunner

from xiangmu_cli.cli import app
from xiangmu_cli.output.tables import Column, Document, Table
from xiangmu_cli.output.yi import in_yi, to_yi

from .conftest import ROOT, load_repo

runner = CliRunner()
DEMO = str(ROOT / "ledgers")

# Two regions at 2018-09-30 (序时进度 9/12 = 75%):
#   船营区: 完成投资 300 + 500 = 800 of 目标 年度投资 1000 → 80.0%, 进度差 +5.0% (green)
#   高新区: 完成投资 1499.9 of 目标 2000 = 0.74995, 0.005 points behind: at one decimal 75.0%, at
#           two (half-even) 75.00%, both equal to 75%, so three: 74.995%; 进度差 -0.00005 is
#           -0.0% and (half-even) -0.00% at one and two decimals, so three: -0.005%. Both red.
FIXTURE = {
    "xiangmu.yaml": """\
名称: 测试台账
年度: 2018
口径: {入库门槛: 1000}
地区:
  - {名称: 船营区, 类型: 区县}
  - {名称: 高新区, 类型: 开发区}
目标:
  船营区: {年度投资: 1000}
  高新区: {年度投资: 2000}
通报: {发文单位: 吉林市发展和改革委员会 & 统计局, 期数: '{年}年第{月}期'}
""",
    "船营区/在建.yaml": """\
项目:
  - 编号: CY-1
    名称: 污水处理厂改造
    总投资: 3000
    项目秘书: 王芳
    走访: [2018-09-25]
    建设性质: 续建
    开工日期: 2017-05-01
    复工日期: 2018-03-01
    年度计划投资: 1000
    完成投资: {2018-08: 300, 2018-09: 500}
""",
    "高新区/在建.yaml": """\
项目:
  - 编号: GX-1
    名称: 产业园
    总投资: 4000
    项目秘书: 李强
    走访: [2018-09-25]
    建设性质: 续建
    开工日期: 2017-01-01
    复工日期: 2018-03-01
    年度计划投资: 2000
    完成投资: {2018-09: 1499.9}
""",
}


@pytest.fixture
def fixture_root(tmp_path: Path) -> Path:
    load_repo(tmp_path, FIXTURE)
    return tmp_path / "ledgers"


def _report(root: Path, tmp_path: Path, *args: str) -> Path:
    out = tmp_path / "月报.xlsx"
    result = runner.invoke(app, ["report", "monthly", "--ledgers", str(root), "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    return out


def test_overview_sheet_holds_numbers(fixture_root: Path, tmp_path: Path) -> None:
    ws = load_workbook(_report(fixture_root, tmp_path))["全市总览"]
    values = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2) for r in range(5, ws.max_row + 1)}
    done = values["完成投资（万元）"]  # 800 + 1499.9
    assert done.value == 2299.9 and done.number_format == "#,##0.00"
    rate = values["投资完成率"]  # 2299.9 ÷ 年度计划投资 3000 = 0.766633…
    assert rate.value == 0.766633 and rate.number_format == "0.0%"
    assert values["在建项目数"].value == 2 and values["在建项目数"].number_format == "#,##0"
    assert all(not isinstance(c.value, str) for name, c in values.items() if c.value is not None)


def test_rates_and_diffs_are_coloured_by_rules(fixture_root: Path, tmp_path: Path) -> None:
    ws = load_workbook(_report(fixture_root, tmp_path))["分地区"]
    header = [c.value for c in ws[4]]
    rate, diff = header.index("投资完成率") + 1, header.index("进度差") + 1
    rows = {ws.cell(row=r, column=1).value: r for r in range(5, ws.max_row + 1)}
    # 高新区 74.995%: at one decimal 75.0% would equal 序时进度 in red; three decimals are shown
    assert ws.cell(row=rows["高新区"], column=rate).value == 0.74995
    assert ws.cell(row=rows["高新区"], column=rate).number_format == "0.000%"
    assert ws.cell(row=rows["高新区"], column=diff).value == -0.00005
    assert ws.cell(row=rows["高新区"], column=diff).number_format == "+0.000%;-0.000%;0.000%"
    assert ws.cell(row=rows["船营区"], column=rate).number_format == "0.0%"
    rules = {
        str(cf.sqref): [(r.operator, r.formula, r.dxf.font.color.rgb) for r in cf.rules]
        for cf in ws.conditional_formatting
    }
    letter = ws.cell(row=5, column=rate).column_letter
    dletter = ws.cell(row=5, column=diff).column_letter
    # against the report's 序时进度 (the sheet has no such column): below red, at or above green
    assert rules[f"{letter}5:{letter}6"] == [
        ("lessThan", ["0.750000"], "00C0392B"),
        ("greaterThanOrEqual", ["0.750000"], "001E8A57"),
    ]
    assert rules[f"{dletter}5:{dletter}6"] == [
        ("lessThan", ["0"], "00C0392B"),
        ("greaterThanOrEqual", ["0"], "001E8A57"),
    ]
    for r in range(5, ws.max_row + 1):  # colour by rules only, never a fill
        assert ws.cell(row=r, column=rate).fill.fgColor.rgb in ("00000000", None)


def test_targets_sheet_compares_with_its_own_column(fixture_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "目标.xlsx"
    assert runner.invoke(app, ["targets", "--ledgers", str(fixture_root), "-o", str(out)]).exit_code == 0
    ws = load_workbook(out)["目标完成"]
    header = [c.value for c in ws[4]]
    rate, progress = (ws.cell(row=4, column=header.index(h) + 1).column_letter for h in ("完成率", "序时进度"))
    formulas = [r.formula[0] for cf in ws.conditional_formatting for r in cf.rules if r.type == "expression"]
    assert f"AND(ISNUMBER({rate}5),ISNUMBER({progress}5),{rate}5<{progress}5)" in formulas


def test_print_setup_fonts_and_headings(fixture_root: Path, tmp_path: Path) -> None:
    wb = load_workbook(_report(fixture_root, tmp_path))
    for ws in wb.worksheets:
        assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4 == "9"
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == "$4:$4"  # the header row on every page
        assert "$A$1:" in str(ws.print_area)
        assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
        assert ws.oddHeader.left.text == "吉林市发展和改革委员会 && 统计局"  # & doubled: not a header code
        assert ws.oddHeader.right.text == "2018年第9期"
        # the meta line is merged over the table (and beyond, for a narrow one) and wraps
        merged = [str(r) for r in ws.merged_cells.ranges]
        assert any(r.startswith("A2:") for r in merged)
        assert ws["A2"].alignment.wrap_text
        for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 8)):
            for cell in row:
                if cell.value is not None:
                    assert cell.font.name == "等线" and cell.font.charset == 134
    assert wb["全市总览"].page_setup.orientation == "portrait"


def test_wide_sheets_print_landscape(tmp_path: Path) -> None:
    out = tmp_path / "考评.xlsx"
    assert runner.invoke(app, ["score", "--ledgers", DEMO, "-o", str(out)]).exit_code == 0
    ws = load_workbook(out)["考评"]
    assert ws.page_setup.orientation == "landscape"


def test_score_table_shows_weights_and_ratios() -> None:
    """北大壶开发区 has the lowest 投资完成率 of the demo (54.7%) and ranks 4th: its 比率 of the
    time-adjusted target, 127,341 ÷ (233,000 × 9/12) = 72.9%, scores 40 × 0.729 = 29.15; the other
    metrics, capped at 120%, make up the rest."""
    result = runner.invoke(app, ["score", "--ledgers", DEMO, "--format", "csv"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    header = lines[0].split(",")
    assert header[:4] == ["名次", "地区", "总分", "减档"]
    assert "投资完成率 比率" in header and "投资完成率 得分（权重 40）" in header and "开工率 得分（权重 20）" in header
    row = dict(zip(header, next(line for line in lines if ",北大壶开发区," in line).split(",")))
    assert row["名次"] == "4"
    # 127341 / 174750 = 0.728704…; 40 × that = 29.148… → 29.15
    assert row["投资完成率 比率"] == "0.728704" and row["投资完成率 得分（权重 40）"] == "29.15"


def test_yi_view_is_exact() -> None:
    assert to_yi(Decimal("3510982")) == Decimal("351.0982") and to_yi(12345) == Decimal("1.2345")
    doc = Document(
        "t",
        {},
        [
            Table(
                "目标完成",
                [
                    Column("指标"),
                    Column("目标", kind_from="指标"),
                    Column("总投资", header="总投资（万元）", kind="amount"),
                ],
                [
                    {"指标": "年度投资", "目标": Decimal("4700000"), "总投资": Decimal("12345.5")},
                    {"指标": "开工率", "目标": Decimal("0.9"), "总投资": None},
                ],
            )
        ],
    )
    yi = in_yi(doc).tables[0]
    assert [c.title for c in yi.columns] == ["指标", "目标", "总投资（亿元）"]
    first, second = yi.rows
    assert (
        first["指标"] == "年度投资（亿元）"
        and first["目标"] == Decimal("470.0000")
        and first["总投资"] == Decimal("1.23455")
    )
    assert yi.columns[1].kind_for(first) == "yi" and yi.columns[1].kind_for(second) == "rate"
    assert second["目标"] == Decimal("0.9") and second["指标"] == "开工率"
    assert doc.tables[0].rows[0]["目标"] == Decimal("4700000")  # the document itself is unchanged


def test_yi_option(tmp_path: Path) -> None:
    plain = runner.invoke(app, ["targets", "--ledgers", DEMO, "--format", "plain", "--unit", "亿元"]).stdout
    # 全市 年度投资 目标 4,700,000 万元 = 470.00 亿元; 完成投资 3,510,982 万元 = 351.10 亿元 (351.0982)
    assert "年度投资（亿元）" in plain and "470.00" in plain and "351.10" in plain
    out = tmp_path / "月报.xlsx"
    assert runner.invoke(app, ["report", "monthly", "--ledgers", DEMO, "--unit", "亿元", "-o", str(out)]).exit_code == 0
    ws = load_workbook(out)["全市总览"]
    cells = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2) for r in range(5, ws.max_row + 1)}
    assert cells["完成投资（亿元）"].value == 351.0982 and cells["完成投资（亿元）"].number_format == "#,##0.00"
    result = runner.invoke(app, ["targets", "--ledgers", DEMO, "--format", "json", "--unit", "亿元"])
    assert result.exit_code == 2 and "json 的金额始终以万元输出" in result.stderr


def test_csv_file_for_excel(tmp_path: Path) -> None:
    out = tmp_path / "月报.csv"
    assert runner.invoke(app, ["report", "monthly", "--ledgers", DEMO, "-o", str(out)]).exit_code == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    # 全市总览 section: numbers, not "3,510,982" text; a negative 进度差 without an apostrophe
    # 3,510,982 ÷ 目标 4,700,000 = 0.7470174…; − 0.75 = −0.0029826 → -0.002983
    assert "完成投资（万元）,3510982.00" in lines and "进度差,-0.002983" in lines
    assert not any(line.startswith("进度差,'") for line in lines)


LIBREOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(LIBREOFFICE is None, reason="LibreOffice is not installed (.ci/run installs it)")
def test_libreoffice_prints_the_report_with_page_numbers(tmp_path: Path) -> None:
    """LibreOffice opens the workbook and prints it: every sheet fits the page width, so the demo
    report is a few pages per sheet, not the 131 of an unscaled export; footers number them."""
    from pypdf import PdfReader

    out = tmp_path / "月报.xlsx"
    assert runner.invoke(app, ["report", "monthly", "--ledgers", DEMO, "-o", str(out)]).exit_code == 0
    subprocess.run(
        [
            str(LIBREOFFICE),
            f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(out),
        ],
        check=True,
        capture_output=True,
        timeout=300,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    pages = PdfReader(tmp_path / "月报.pdf").pages
    sheets = len(load_workbook(out).sheetnames)
    assert sheets <= len(pages) <= 2 * sheets + 4
    import unicodedata

    first = unicodedata.normalize("NFKC", pages[0].extract_text()).replace("\u2eda", "页")  # see test_html
    assert f"第 1 页 共 {len(pages)} 页" in first
    # the 综述 sheet opens the workbook (issue 17); the key figures follow it
    text = "".join(unicodedata.normalize("NFKC", page.extract_text()) for page in pages[:4])
    assert "在建项目数" in text


# --- 问题, 走访, 前期手续 in the exported workbook: numbered lines, read back exactly ----------------

_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30).filter(
    lambda t: t.strip() == t
)


@settings(max_examples=300, deadline=None)
@given(content=_TEXT, unit=st.one_of(st.none(), _TEXT), day=st.dates(date(2000, 1, 1), date(2030, 12, 31)))
def test_list_lines_read_back_as_the_flow_style_does(content: str, unit: str | None, day: date) -> None:
    """Whatever a text holds (；：quotes, #, braces, digits that YAML would read as a number), the
    numbered line reads back to what the ledger's flow style reads back to."""
    import yaml_rs

    from xiangmu_cli.office.interop import list_lines, read_list_line, strip_item_number
    from xiangmu_cli.write.scalars import flow_mapping

    item = {"提出日期": day, "内容": content, "责任单位": unit, "升级": [{"日期": day, "层级": unit or content}]}
    cell = list_lines("问题", [item, item])
    assert cell is not None
    first, second = cell.split("\n")
    assert first.startswith("1. ") and second.startswith("2. ")
    expected = yaml_rs.loads(flow_mapping(item), parse_datetime=False)
    assert read_list_line(strip_item_number(first)) == expected


def test_list_lines_by_hand() -> None:
    from xiangmu_cli.office.interop import list_lines, read_list_line, strip_item_number

    items = [{"日期": date(2018, 9, 3)}, {"日期": date(2018, 9, 17), "内容": "协调用地；落实资金：500万元"}]
    cell = list_lines("走访", items)
    assert cell == '1. 2018-09-03\n2. 日期：2018-09-17；内容："协调用地；落实资金：500万元"'
    line = strip_item_number(cell.split("\n")[1])
    assert read_list_line(line) == {"日期": "2018-09-17", "内容": "协调用地；落实资金：500万元"}
    assert strip_item_number("2018.9.3") == "2018.9.3"  # a date is not an item number
    assert strip_item_number("12、名称：立项") == "名称：立项"
    for bad in ("名称", "名称：'未闭合", "名称：立项；", '名称："a" b'):
        with pytest.raises(ValueError):
            read_list_line(bad)


def test_traffic_lights_are_coloured_by_rules(tmp_path: Path) -> None:
    out = tmp_path / "清单.xlsx"
    assert runner.invoke(app, ["list", "--ledgers", DEMO, "-o", str(out)]).exit_code == 0
    ws = load_workbook(out)["项目"]
    column = [c.value for c in ws[4]].index("亮灯") + 1
    letter = ws.cell(row=4, column=column).column_letter
    rules = {
        r.formula[0]: r.dxf.font.color.rgb
        for cf in ws.conditional_formatting
        if str(cf.sqref).startswith(letter)
        for r in cf.rules
    }
    assert rules == {'"红"': "00C0392B", '"黄"': "00B7791F", '"绿"': "001E8A57"}
    assert {ws.cell(row=r, column=column).value for r in range(5, ws.max_row + 1)} <= {"红", "黄", "绿"}


def test_long_text_wraps_and_its_row_is_tall_enough() -> None:
    """A paragraph (the 综述) longer than its column wraps, and its row is as tall as its lines:
    LibreOffice does not size such a row when it opens the file and printed one line of it."""
    from xiangmu_cli.output.xlsx import MAX_WIDTH, SheetColumn, add_sheet, new_workbook

    # 截至 4 + 2018 4 + 年 2 + 9 1 + 月底 4 + ， 2 + 全市在建重点项目 16 + 314 3 + 个 2 + 。 2 = 40
    # display cells, × 10 = 400
    paragraph = "截至2018年9月底，全市在建重点项目314个。" * 10
    wb = new_workbook()
    ws = add_sheet(wb, "综述", [SheetColumn("内容")], [[paragraph], ["短"]])
    assert ws.column_dimensions["A"].width == MAX_WIDTH
    cell = ws["A2"]
    assert cell.alignment.wrap_text
    # 400 cells in a column of 60 (58 usable): ⌈400 ÷ 58⌉ = 7 lines of 15 pt
    assert ws.row_dimensions[2].height == 7 * 15
    assert ws.row_dimensions[3].height is None and not ws["A3"].alignment.wrap_text
