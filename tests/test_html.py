"""The html format: structure (tables as in plain, one bar per row, values of the report rows),
self-containment, escaping of ledger values, determinism, the CLI, and rendering in headless
Chromium (screenshot and A4 print), skipped with a reason when Chromium is absent."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from xiangmu_cli.cli import app
from xiangmu_cli.figures.overdue import KINDS, overdue_items
from xiangmu_cli.figures.report import monthly_report
from xiangmu_cli.output.formats import infer_format, render
from xiangmu_cli.output.html import render_html
from xiangmu_cli.output.tables import Chart, Column, Document, Table
from xiangmu_cli.output.views import monthly_document
from xiangmu_cli.reading.loading import load

from .conftest import ROOT, load_repo

runner = CliRunner()
DEMO = ROOT / "ledgers"
AS_OF = date(2018, 9, 30)
COMMANDS = [["targets"], ["overdue"], ["score"], ["list"], ["report", "monthly"]]
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(2)>'

# Two regions, 2018-09-30 (序时进度 75%):
#   船营区: 完成投资 300 + 500 = 800 of 目标 年度投资 1000 → 80.0% (ahead, +5.0%)
#   高新区: 完成投资 1000 of 目标 2000 → 50.0% (behind, -25.0%); its one project has a problem
#           overdue since 2018-09-10 (问题超期, 20 days) and 计划竣工日期 2018-09-20 (超期未竣工, 10 days)
#   全市 (no 目标): 1800 ÷ 年度计划投资 3000 → 60.0%; 当月完成投资 500 + 1000 = 1500
FIXTURE = {
    "xiangmu.yaml": """\
名称: 测试台账
年度: 2018
口径: {入库门槛: 1000, 亿元以上: 10000, 走访周期: 15}
地区:
  - {名称: 船营区, 类型: 区县}
  - {名称: 高新区, 类型: 开发区}
目标:
  船营区: {年度投资: 1000}
  高新区: {年度投资: 2000}
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
    "高新区/在建.yaml": f"""\
项目:
  - 编号: GX-1
    名称: '{SCRIPT}'
    总投资: 4000
    项目秘书: 李强
    走访: [2018-09-25]
    建设性质: 续建
    开工日期: 2017-01-01
    复工日期: 2018-03-01
    计划竣工日期: 2018-09-20
    年度计划投资: 2000
    完成投资: {{2018-09: 1000}}
    问题:
      - {{提出日期: 2018-08-01, 内容: '{IMG}', 时限: 2018-09-10}}
""",
}


# --- a small reader of the page ------------------------------------------------------------------


@dataclass
class Svg:
    bars: list[dict[str, str]] = field(default_factory=list)  # rect attributes
    markers: list[str] = field(default_factory=list)  # x of marker lines
    texts: list[tuple[dict[str, str], str]] = field(default_factory=list)


class Page(HTMLParser):
    """Tags and attributes seen, h2 headings, tables (headers, cell texts and classes by row),
    SVG charts and highlight cards (label, value)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter[str] = Counter()
        self.attributes: list[tuple[str, str, str]] = []
        self.headings: list[str] = []
        self.tables: list[dict[str, Any]] = []
        self.svgs: list[Svg] = []
        self.cards: list[tuple[str, str]] = []
        self._text: list[str] | None = None
        self._cell_class = ""
        self._attrs: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags[tag] += 1
        self.attributes += [(tag, k, v) for k, v in a.items()]
        if tag == "table":
            self.tables.append({"headers": [], "rows": [], "classes": []})
        elif tag == "tr" and self.tags["tbody"] == len(self.tables):
            self.tables[-1]["rows"].append([])
            self.tables[-1]["classes"].append([])
        elif tag == "svg":
            self.svgs.append(Svg())
        elif tag == "rect":
            self.svgs[-1].bars.append(a)
        elif tag == "line" and "marker" in a.get("class", ""):
            self.svgs[-1].markers.append(a["x1"])
        if tag in ("td", "th", "h2", "text") or (tag == "div" and a.get("class") in ("label", "value")):
            self._text, self._cell_class, self._attrs = [], a.get("class", ""), a

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._text is None or tag not in ("td", "th", "h2", "text", "div"):
            return
        text, self._text = "".join(self._text), None
        if tag == "th":
            self.tables[-1]["headers"].append(text)
        elif tag == "td":
            self.tables[-1]["rows"][-1].append(text)
            self.tables[-1]["classes"][-1].append(self._cell_class)
        elif tag == "h2":
            self.headings.append(text)
        elif tag == "text":
            self.svgs[-1].texts.append((self._attrs, text))
        elif self._cell_class == "label":
            self.cards.append((text, ""))
        else:
            self.cards[-1] = (self.cards[-1][0], text)


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def bar_chart(svg: Svg) -> dict[str, Any]:
    """Labels, value texts, bar widths and classes, in order; the axis from its tick labels."""
    labels = [t for a, t in svg.texts if a.get("text-anchor") == "end" and a.get("class") != "value"]
    values = [t for a, t in svg.texts if a.get("class") == "value"]
    ticks = {t: Decimal(a["x"]) for a, t in svg.texts if a.get("class") == "tick"}
    return {
        "labels": labels,
        "values": values,
        "ticks": ticks,
        "widths": [Decimal(b["width"]) for b in svg.bars],
        "classes": [b["class"] for b in svg.bars],
        "markers": [Decimal(x) for x in svg.markers],
    }


def _shown(doc: Document) -> list[str]:
    """The names of the tables that html shows as tables, in order (not the prose of the 综述)."""
    return [t.name for t in doc.tables if t.rows and not t.prose]


@pytest.fixture(scope="module")
def demo_doc() -> Document:
    return monthly_document(monthly_report(load(DEMO), AS_OF))


@pytest.fixture
def fixture_root(tmp_path: Path) -> Path:
    load_repo(tmp_path, FIXTURE)
    return tmp_path / "ledgers"


# --- structure -------------------------------------------------------------------------------------


def test_every_table_has_the_cells_of_plain(demo_doc: Document) -> None:
    page = parse(render_html(demo_doc))
    plain = render(demo_doc, "plain")
    shown = [t for t in demo_doc.tables if t.rows and not t.prose]  # the 综述 is paragraphs
    assert len(page.tables) == len(shown)
    for table, html_table in zip(shown, page.tables):
        assert html_table["headers"] == [c.title for c in table.columns]
        assert len(html_table["rows"]) == len(table.rows)
        for cells in html_table["rows"]:
            # the same texts, in the same order, on one line of plain's table
            assert re.search(r"\s+".join(map(re.escape, cells)), plain), cells
    headings = page.headings
    for table in demo_doc.tables:
        assert table.name in headings
    empty = [t.name for t in demo_doc.tables if not t.rows]
    assert page.tags["p"] >= len(empty)


def test_region_row_cells_and_colours(demo_doc: Document) -> None:
    page = parse(render_html(demo_doc))
    regions = page.tables[_shown(demo_doc).index("分地区")]
    assert regions["headers"][:6] == ["地区", "包保领导", "在建", "新开工", "完成投资（万元）", "投资完成率"]
    first = regions["rows"][0]
    assert first[0] == "经开区" and first[4] == "494,290" and first[5] == "90.5%" and first[6] == "+15.5%"
    assert "ahead" in regions["classes"][0][5] and "num" in regions["classes"][0][5]
    last = regions["rows"][-1]
    assert last[0] == "北大壶开发区" and last[5] == "54.7%" and "behind" in regions["classes"][-1][5]


def test_demo_charts_match_the_report_rows(demo_doc: Document) -> None:
    report = monthly_report(load(DEMO), AS_OF)
    page = parse(render_html(demo_doc))
    # the 综述 opens the page, then the charts
    assert [h for h in page.headings[:4]] == ["综述", "投资完成率与序时进度", "逾期事项分类", "考评排名（总分）"]
    progress, overdue, ranking = (bar_chart(svg) for svg in page.svgs)

    # one bar per region, in the report's order, as long as its rate on a 0–100% axis
    assert progress["labels"] == [r["地区"] for r in report.regions] and len(progress["labels"]) == 13
    zero, full = progress["ticks"]["0.0%"], progress["ticks"]["100.0%"]
    for row, width, value, cls in zip(report.regions, progress["widths"], progress["values"], progress["classes"]):
        rate = Decimal(row["投资完成率"].numerator) / Decimal(row["投资完成率"].denominator)  # exact, as a Decimal
        assert abs(width - (full - zero) * rate) <= Decimal("0.05")
        assert value == f"{(rate * 100).quantize(Decimal('0.1'))}%"
        assert cls == ("bar-behind" if row["投资完成率"] < Decimal("0.75") else "bar-ahead")
    assert progress["markers"] == [progress["ticks"]["75.0%"]] * 13  # 序时进度 9/12

    counts = Counter(item["类型"] for item in overdue_items(load(DEMO), AS_OF))
    assert overdue["labels"] == list(KINDS)
    assert overdue["values"] == [str(counts[k]) for k in KINDS]
    unit = (overdue["widths"][0]) / counts[KINDS[0]]
    for kind, width in zip(KINDS, overdue["widths"]):
        assert abs(width - unit * counts[kind]) <= Decimal("0.1")

    assert report.evaluation is not None
    assert ranking["labels"] == [r["地区"] for r in report.evaluation]
    assert ranking["values"] == [format(r["总分"], "f") for r in report.evaluation]
    assert ranking["classes"] == ["bar-behind" if r["减档"] else "bar-plain" for r in report.evaluation]
    assert "bar-behind" in ranking["classes"] and "bar-plain" in ranking["classes"]


def test_fixture_report_by_hand(fixture_root: Path) -> None:
    repo = load(fixture_root)
    page = parse(render_html(monthly_document(monthly_report(repo, AS_OF))))
    assert dict(page.cards) == {
        "完成投资（万元）": "1,800",
        "投资完成率": "60.0%",
        "进度差": "-15.0%",
        "当月完成投资（万元）": "1,500",
        "在建项目数": "2",
        "新开工项目数": "0",
        "开工率": "—",
        "逾期事项": "2",
    }
    assert len(page.svgs) == 2  # no 考评 configured: no ranking chart
    progress, overdue = (bar_chart(svg) for svg in page.svgs)
    span = progress["ticks"]["100.0%"] - progress["ticks"]["0.0%"]
    assert progress["labels"] == ["船营区", "高新区"] and progress["values"] == ["80.0%", "50.0%"]
    assert progress["widths"] == [span * Decimal("0.8"), span * Decimal("0.5")]
    assert progress["classes"] == ["bar-ahead", "bar-behind"]
    assert progress["markers"] == [progress["ticks"]["75.0%"]] * 2
    assert overdue["values"] == ["1" if k in ("问题超期", "超期未竣工") else "0" for k in KINDS]
    assert list(overdue["ticks"]) == ["0", "1"]
    assert overdue["widths"] == [
        Decimal(0) if v == "0" else overdue["ticks"]["1"] - overdue["ticks"]["0"] for v in overdue["values"]
    ]
    shown = _shown(monthly_document(monthly_report(repo, AS_OF)))
    # tables: 红黑榜, 全市总览, 分地区, 分类别, 目标完成, 逾期事项分类, … (the 综述 is paragraphs)
    assert page.tables[shown.index("分类别")]["headers"][0] == "类别"
    summary = page.tables[shown.index("逾期事项分类")]
    assert summary["headers"] == ["类型", "项数"] and ["问题超期", "1"] in summary["rows"]


def test_ledger_values_are_escaped(fixture_root: Path) -> None:
    for args in (["report", "monthly"], ["overdue"], ["list"]):
        result = runner.invoke(app, [*args, "--ledgers", str(fixture_root), "--format", "html"])
        assert result.exit_code == 0, result.output
        html = result.stdout
        assert SCRIPT not in html and "<img" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        page = parse(html)
        assert page.tags["script"] == 0 and page.tags["img"] == 0
        cells = [cell for table in page.tables for row in table["rows"] for cell in row]
        assert SCRIPT in cells  # shown as text, exactly as written


def test_chart_labels_are_escaped_too() -> None:
    rows = [{"名称": SCRIPT, "值": Decimal(3)}, {"名称": IMG, "值": Decimal(1)}]
    doc = Document(
        SCRIPT,
        {"来源": IMG},
        [Table("表", [Column("名称"), Column("值", kind="count")], rows)],
        charts=[Chart(SCRIPT, "表", "名称", "值", note=IMG)],
    )
    html = render_html(doc)
    assert "<script" not in html and "<img" not in html
    chart = bar_chart(parse(html).svgs[0])
    assert chart["labels"] == [SCRIPT, IMG] and chart["values"] == ["3", "1"]


def test_page_is_self_contained(demo_doc: Document) -> None:
    html = render_html(demo_doc)
    page = parse(html)
    for tag in ("script", "link", "img", "iframe", "object", "embed", "base"):
        assert page.tags[tag] == 0, tag
    assert [(t, k) for t, k, _ in page.attributes if k in ("src", "href", "srcset", "action")] == []
    assert not re.search(r"https?://|url\(|@import", html)
    assert page.tags["style"] == 1 and "@page { size: A4;" in html


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_renders_html_deterministically(command: list[str]) -> None:
    first = runner.invoke(app, [*command, "--ledgers", str(DEMO), "--format", "html"])
    second = runner.invoke(app, [*command, "--ledgers", str(DEMO), "--format", "html"])
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith("<!DOCTYPE html>") and first.stdout == second.stdout
    page = parse(first.stdout)
    assert page.tables and page.tags["h1"] == 1
    assert len(page.svgs) == {"score": 1, "report": 3}.get(command[0], 0)


# --- CLI -------------------------------------------------------------------------------------------


def test_html_is_inferred_from_the_extension() -> None:
    assert infer_format("报告.html", None, True) == "html"
    assert infer_format("REPORT.HTM", None, False) == "html"
    assert infer_format("报告.html", "plain", False) == "plain"


@pytest.mark.parametrize("args", [["--format", "html", "-o", "out.txt"], ["-o", "out.html"], ["-o", "out.htm"]])
def test_monthly_report_written_to_a_file(tmp_path: Path, args: list[str]) -> None:
    args = [a if not a.startswith("out.") else str(tmp_path / a) for a in args]
    result = runner.invoke(app, ["report", "monthly", "--ledgers", str(DEMO), *args])
    assert result.exit_code == 0, result.output
    assert "已写入" in result.stderr
    written = Path(args[-1]).read_text(encoding="utf-8")
    stdout = runner.invoke(app, ["report", "monthly", "--ledgers", str(DEMO), "--format", "html"]).stdout
    assert written == stdout
    assert "<title>吉林市重点项目建设台账 月调度（2018年9月）</title>" in written


def test_fixture_region_report(fixture_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "高新区.html"
    result = runner.invoke(
        app, ["report", "monthly", "--ledgers", str(fixture_root), "--region", "高新区", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    page = parse(out.read_text(encoding="utf-8"))
    progress = bar_chart(page.svgs[0])
    assert progress["labels"] == ["高新区"] and progress["values"] == ["50.0%"]
    assert dict(page.cards)["投资完成率"] == "50.0%" and dict(page.cards)["逾期事项"] == "2"


# --- headless Chromium -----------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
_no_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium fonts-noto-cjk; .ci/run does)"
)
#: .ci/run installs Chromium with apt-get, which needs root or sudo: a CI machine without either skips.
needs_chromium = pytest.mark.may_skip_in_ci(
    "Chromium is installed by .ci/run only where apt-get may run (root or sudo)"
)


def _chromium(test):  # type: ignore[no-untyped-def]
    return needs_chromium(_no_chromium(test))


COLOURS = {"ahead": (0x1E, 0x8A, 0x57), "behind": (0xC0, 0x39, 0x2B), "plain": (0x3A, 0x6E, 0xA5)}


def chromium(tmp_path: Path, page: Path, *args: str) -> None:
    assert CHROMIUM is not None
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        f"--user-data-dir={tmp_path / 'profile'}",
        *args,
        page.as_uri(),
    ]
    subprocess.run(
        command,
        check=True,
        capture_output=True,
        timeout=180,
        cwd=tmp_path,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )


def read_png(path: Path) -> tuple[int, int, list[bytes], int]:
    """Width, height, unfiltered scanlines and bytes per pixel of an 8-bit RGB(A) PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks, header = 8, [], b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and interlace == 0
    bpp = 3 if colour == 2 else 4
    raw, stride, rows, prev = zlib.decompress(b"".join(chunks)), width * bpp, [], bytes(width * bpp)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(prev := bytes(line))
    return width, height, rows, bpp


@_chromium
def test_screenshot_shows_the_charts(tmp_path: Path) -> None:
    page = tmp_path / "月调度.html"
    assert runner.invoke(app, ["report", "monthly", "--ledgers", str(DEMO), "-o", str(page)]).exit_code == 0
    shot = tmp_path / "shot.png"
    chromium(tmp_path, page, f"--screenshot={shot}", "--window-size=1240,1754", "--hide-scrollbars")
    width, height, rows, bpp = read_png(shot)
    assert (width, height) == (1240, 1754)
    bars: dict[str, list[int]] = {name: [] for name in COLOURS}  # rows crossed by a bar of that colour
    ink = 0
    for y in range(height):
        row, run, longest = rows[y], Counter(), Counter()
        for x in range(0, width * bpp, bpp):
            r, g, b = row[x], row[x + 1], row[x + 2]
            ink += r < 128 and g < 128 and b < 128
            for name, (cr, cg, cb) in COLOURS.items():
                run[name] = run[name] + 1 if abs(r - cr) <= 6 and abs(g - cg) <= 6 and abs(b - cb) <= 6 else 0
                longest[name] = max(longest[name], run[name])
        for name, pixels in longest.items():
            if pixels >= 40:  # a bar, not a card's border or coloured text
                bars[name].append(y)
    assert ink > 5000, "the page is blank: no text was drawn"
    # the first screen shows bars of regions ahead and behind, then the plain bars of the overdue chart
    for name, ys in bars.items():
        assert len(ys) > 100, f"no {name} bars in the screenshot"
    assert min(bars["ahead"]) < min(bars["behind"]) < min(bars["plain"])


@_chromium
def test_prints_on_a4(tmp_path: Path, fixture_root: Path) -> None:
    for ledgers, name in ((DEMO, "demo"), (fixture_root, "fixture")):
        page = tmp_path / f"{name}.html"
        assert runner.invoke(app, ["report", "monthly", "--ledgers", str(ledgers), "-o", str(page)]).exit_code == 0
        pdf = tmp_path / f"{name}.pdf"
        chromium(tmp_path, page, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
        data = pdf.read_bytes()
        pages = re.findall(rb"/Type\s*/Page\b", data)
        boxes = [tuple(float(v) for v in box.split()) for box in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", data)]
        assert data.startswith(b"%PDF") and pages and len(boxes) == len(pages)
        for box in boxes:  # A4: 595.28 × 841.89 pt
            assert abs(box[2] - box[0] - 595.28) < 1 and abs(box[3] - box[1] - 841.89) < 1
        if name == "fixture":
            # the 综述, key figures, two charts and eleven short tables (红黑榜, 逾期事项分地区, the lights)
            assert len(pages) <= 4
        else:
            assert len(pages) > 2
