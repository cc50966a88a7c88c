"""``--format docx`` (output/docx.py): the report opened again with python-docx — its text, its
tables and their repeated header rows, the fonts and page of GB/T 9704 — and, with LibreOffice,
laid out as PDF pages.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from docx import Document as open_docx
from docx.oxml.ns import qn
from docx.shared import Pt
from typer.testing import CliRunner

from xiangmu_cli.cli import app
from xiangmu_cli.figures.quarterly import quarterly_report
from xiangmu_cli.figures.report import monthly_report
from xiangmu_cli.output.docx import render_docx
from xiangmu_cli.output.tables import Column, Document, Table, _cells
from xiangmu_cli.output.views import monthly_document, quarterly_document
from xiangmu_cli.reading.loading import load

from .conftest import ROOT

runner = CliRunner()
DEMO = ROOT / "ledgers"
SEP30 = date(2018, 9, 30)
NUMERALS = [
    "一",
    "二",
    "三",
    "四",
    "五",
    "六",
    "七",
    "八",
    "九",
    "十",
    "十一",
    "十二",
    "十三",
    "十四",
    "十五",
    "十六",
    "十七",
    "十八",
    "十九",
    "二十",
    "二十一",
    "二十二",
    "二十三",
    "二十四",
    "二十五",
    "二十六",
    "二十七",
    "二十八",
    "二十九",
    "三十",
]


@pytest.fixture(scope="module")
def demo_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docx") / "月报.docx"
    result = runner.invoke(app, ["report", "monthly", "--ledgers", str(DEMO), "--month", "2018-09", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"已写入 {out}" in result.stderr
    return out


def _east_asian(run: object) -> str | None:
    fonts = run._r.rPr.rFonts  # type: ignore[attr-defined]
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def test_text_and_tables_read_back(demo_docx: Path) -> None:
    doc = monthly_document(monthly_report(load(DEMO), SEP30))
    word = open_docx(str(demo_docx))
    texts = [p.text for p in word.paragraphs]
    assert texts[:2] == ["吉林市发展和改革委员会", "2018年第9期"]  # the 版头 of xiangmu.yaml 通报
    assert texts[2] == doc.title
    assert texts[3].startswith("名称：吉林市重点项目建设台账 · 年度：2018 · 截至：2018-09-30")
    # every section under its numbered heading, in order
    headings = [p.text for p in word.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert headings == [f"{NUMERALS[i]}、{t.name}" for i, t in enumerate(doc.tables)]
    # the 综述 as paragraphs, right under its heading
    start = texts.index("一、综述") + 1
    summary = doc.tables[0]
    assert summary.prose
    assert texts[start : start + len(summary.rows)] == [r["内容"] for r in summary.rows]
    # the other tables with rows, cell for cell as plain shows them
    shown = [t for t in doc.tables if t.rows and not t.prose]
    assert len(word.tables) == len(shown)
    for table, word_table in zip(shown, word.tables):
        rows = [[c.text for c in row.cells] for row in word_table.rows]
        assert rows[0] == [c.title for c in table.columns], table.name
        assert rows[1:] == _cells(table, table.columns), table.name
    regions = word.tables[[t.name for t in shown].index("分地区")]
    assert [c.text for c in regions.rows[1].cells][:6] == ["经开区", "周立新", "44", "14", "494,290", "90.5%"]


def test_header_rows_repeat_and_rows_stay_whole(demo_docx: Path) -> None:
    word = open_docx(str(demo_docx))
    assert word.tables
    for table in word.tables:
        first = table.rows[0]._tr.trPr
        assert first is not None and first.find(qn("w:tblHeader")) is not None
        assert first.find(qn("w:tblHeader")).get(qn("w:val")) == "true"
        for row in table.rows[1:]:
            properties = row._tr.trPr
            assert properties.find(qn("w:tblHeader")) is None  # only the header repeats
            assert properties.find(qn("w:cantSplit")) is not None


def test_fonts_and_sizes_of_gbt_9704(demo_docx: Path) -> None:
    word = open_docx(str(demo_docx))
    title = word.paragraphs[2].runs[0]  # under the 版头
    assert _east_asian(title) == "方正小标宋简体" and title.font.size == Pt(22)  # 二号
    texts = [p.text for p in word.paragraphs]
    heading = word.paragraphs[texts.index("一、综述")].runs[0]
    assert _east_asian(heading) == "黑体" and heading.font.size == Pt(16)  # 三号
    body = word.paragraphs[texts.index("一、综述") + 1]
    assert _east_asian(body.runs[0]) == "仿宋_GB2312" and body.runs[0].font.size == Pt(16)
    assert body.paragraph_format.first_line_indent == Pt(32)  # two characters
    assert body.runs[0].font.name == "Times New Roman"
    normal = word.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == "仿宋_GB2312"
    header_cell = word.tables[0].rows[0].cells[0].paragraphs[0].runs[0]
    body_cell = word.tables[0].rows[1].cells[0].paragraphs[0].runs[0]
    assert _east_asian(header_cell) == "黑体" and _east_asian(body_cell) == "仿宋_GB2312"


def test_the_letterhead_is_red_and_ruled_in_red(demo_docx: Path) -> None:
    """xiangmu.yaml 通报 (发文单位, 期数 with {年}/{月} filled in) as the 版头 of GB/T 9704: the issuer
    in red 小标宋 一号, the issue in 仿宋 三号, a red line under it; a document without 通报 has none."""
    word = open_docx(str(demo_docx))
    issuer, issue = word.paragraphs[0], word.paragraphs[1]
    assert issuer.alignment == issue.alignment == 1  # centred
    assert _east_asian(issuer.runs[0]) == "方正小标宋简体" and issuer.runs[0].font.size == Pt(26)
    assert str(issuer.runs[0].font.color.rgb) == "FF0000"
    assert _east_asian(issue.runs[0]) == "仿宋_GB2312" and issue.runs[0].font.size == Pt(16)
    rule = issue._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert (rule.get(qn("w:val")), rule.get(qn("w:color"))) == ("single", "FF0000")
    plain = open_docx(io.BytesIO(render_docx(Document("标题", {}, []))))
    assert [p.text for p in plain.paragraphs] == ["标题"]


def test_page_is_a4_with_official_margins_and_numbered(demo_docx: Path) -> None:
    section = open_docx(str(demo_docx)).sections[0]

    def mm(length: object) -> float:  # Word stores twentieths of a point: within 0.05 mm
        return round(length.mm, 1)  # type: ignore[attr-defined]

    assert (mm(section.page_width), mm(section.page_height)) == (210.0, 297.0)
    assert (mm(section.top_margin), mm(section.bottom_margin)) == (37.0, 35.0)
    assert (mm(section.left_margin), mm(section.right_margin)) == (28.0, 26.0)
    footer = section.footer.paragraphs[0]
    xml = footer._p.xml
    assert "PAGE" in xml and 'w:fldCharType="begin"' in xml and 'w:fldCharType="end"' in xml
    assert footer.text == "— 1 —"


def test_numbers_right_aligned_and_behind_in_red(demo_docx: Path) -> None:
    word = open_docx(str(demo_docx))
    doc = monthly_document(monthly_report(load(DEMO), SEP30))
    shown = [t.name for t in doc.tables if t.rows and not t.prose]
    regions = word.tables[shown.index("分地区")]
    header = [c.text for c in regions.rows[0].cells]
    rate = header.index("投资完成率")
    first, last = regions.rows[1].cells[rate], regions.rows[-1].cells[rate]
    assert first.text == "90.5%" and last.text == "54.7%"  # 经开区 ahead, 北大壶开发区 behind 75%
    assert first.paragraphs[0].alignment == 2  # right
    assert str(first.paragraphs[0].runs[0].font.color.rgb) == "00803C"
    assert str(last.paragraphs[0].runs[0].font.color.rgb) == "C00000"


def test_same_document_same_bytes_and_needs_a_file(tmp_path: Path) -> None:
    from xiangmu_cli.cli.reports import with_letterhead

    repo = load(DEMO)
    doc = with_letterhead(monthly_document(monthly_report(repo, SEP30)), repo)  # as the command does
    assert render_docx(doc) == render_docx(doc)
    second = tmp_path / "again.docx"
    assert (
        runner.invoke(app, ["report", "monthly", "--ledgers", str(DEMO), "-f", "docx", "-o", str(second)]).exit_code
        == 0
    )
    assert second.read_bytes() == render_docx(doc)  # --format and the .docx extension alike
    result = runner.invoke(app, ["report", "monthly", "--ledgers", str(DEMO), "--format", "docx"])
    assert result.exit_code == 2 and result.stdout == ""
    assert "docx 是二进制格式，不能输出到终端或管道" in result.stderr and "-o 报告.docx" in result.stderr


@pytest.mark.parametrize(
    "command", [["targets"], ["overdue"], ["score"], ["list"], ["info"], ["report", "quarterly"]], ids=" ".join
)
def test_every_report_writes_docx(command: list[str], tmp_path: Path) -> None:
    out = tmp_path / "报告.docx"
    result = runner.invoke(app, [*command, "--ledgers", str(DEMO), "-o", str(out)])
    assert result.exit_code == 0, result.output
    word = open_docx(str(out))
    assert word.paragraphs[0].text and word.tables


def test_hostile_text_is_kept_as_text() -> None:
    """Control characters (not allowed in XML) are shown escaped, markup is text."""
    rows = [{"名称": "<w:p>&amp;\x07响铃", "值": 3}]
    doc = Document("标题<b>", {"来源": "a\x00b"}, [Table("表", [Column("名称"), Column("值", kind="count")], rows)])
    word = open_docx(io.BytesIO(render_docx(doc)))
    assert word.paragraphs[0].text == "标题<b>"
    assert word.paragraphs[1].text == "来源：ab"  # dropped where it is not shown escaped
    assert word.tables[0].rows[1].cells[0].text == "<w:p>&amp;\\x07响铃"  # as in plain and html


def test_quarterly_docx_opens_with_its_summary() -> None:
    report = quarterly_report(load(DEMO), 2018, 3)
    word = open_docx(io.BytesIO(render_docx(quarterly_document(report))))
    texts = [p.text for p in word.paragraphs]
    assert texts[0] == "吉林市重点项目建设台账 季分析（2018年三季度）"
    assert texts[texts.index("一、综述") + 1] == report.summary[0]
    assert [c.text for c in word.tables[0].rows[0].cells][:4] == [
        "地区",
        "季度完成投资（万元）",
        "季度目标（万元）",
        "季度完成率",
    ]


LIBREOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
WRITER = shutil.which("lowriter")


@pytest.mark.skipif(
    LIBREOFFICE is None or WRITER is None,
    reason="LibreOffice Writer 未安装（apt-get install libreoffice-writer）；.ci/run 会安装",
)
def test_libreoffice_lays_it_out_as_pages(demo_docx: Path, tmp_path: Path) -> None:
    assert LIBREOFFICE is not None
    profile = f"-env:UserInstallation=file://{tmp_path}/profile"
    for target in ("pdf", "txt:Text (encoded):UTF8"):
        subprocess.run(
            [LIBREOFFICE, "--headless", profile, "--convert-to", target, "--outdir", str(tmp_path), str(demo_docx)],
            check=True,
            capture_output=True,
            timeout=300,
        )
    pdf = (tmp_path / "月报.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert pages > 1  # the demo report runs over several A4 pages
    text = (tmp_path / "月报.txt").read_text(encoding="utf-8-sig")
    report = monthly_report(load(DEMO), SEP30)
    assert report.summary[0] in text
    assert "北大壶开发区" in text and "逾期事项分地区" in text
