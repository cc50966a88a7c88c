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
        self.svgs: list[Svg] = []  # the charts as drawn for a page (class wide)
        self.narrow: list[Svg] = []  # and as drawn again for a phone
        self._svg = Svg()
        self.cards: list[tuple[str, str]] = []
        self._text: list[str] | None = None
        self._cell_class = ""
        self._attrs: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags[tag] += 1
        self.attributes += [(tag, k, v) for k, v in a.items()]
        if tag == "table":
            self.tables.append({"headers": [], "rows": [], "classes": [], "continued": None, "head": []})
        elif tag == "tr" and self.tags["thead"] == len(self.tables) and self.tags["tbody"] < len(self.tables):
            self.tables[-1]["head"].append([])
        elif tag == "tr" and self.tags["tbody"] == len(self.tables):
            self.tables[-1]["rows"].append([])
            self.tables[-1]["classes"].append([])
        elif tag == "svg":
            self._svg = Svg()
            (self.narrow if "narrow" in a.get("class", "").split() else self.svgs).append(self._svg)
        elif tag == "rect":
            self._svg.bars.append(a)
        elif tag == "line" and "marker" in a.get("class", ""):
            self._svg.markers.append(a["x1"])
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
            table = self.tables[-1]
            if "cont" in self._attrs.get("class", "").split():  # printed over a continued table
                table["continued"] = text
            else:
                table["head"][-1].append((text, self._attrs))
                table["headers"] = _flat_headers(table["head"])
        elif tag == "td":
            self.tables[-1]["rows"][-1].append(text)
            self.tables[-1]["classes"][-1].append(self._cell_class)
        elif tag == "h2":
            self.headings.append(text)
        elif tag == "text":
            self._svg.texts.append((self._attrs, text))
        elif self._cell_class == "label":
            self.cards.append((text, ""))
        else:
            self.cards[-1] = (self.cards[-1][0], text)


def _flat_headers(head: list[list[tuple[str, dict[str, str]]]]) -> list[str]:
    """The column titles of a header of one row, or of two (a group over its columns: "组 列")."""
    rows = [r for r in head if r]
    if len(rows) < 2:
        return [text for text, _ in (rows[0] if rows else [])]
    second = iter(rows[1])  # (while it is being read, the second row may not be complete)
    out = []
    for text, attrs in rows[0]:
        if "group" in attrs.get("class", "").split():
            subs = [sub for _, sub in zip(range(int(attrs["colspan"])), second)]
            out += [f"{text} {sub}" for sub, _ in subs]
        else:
            out.append(text)
    return out


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


def test_a_figure_never_contradicts_its_colour(demo_doc: Document) -> None:
    """昌邑区: 完成投资 325,470 of 目标 434,000 = 74.993…% (325470 / 434000 = 0.7499308…), 0.007
    points below the 序时进度 75%: it was shown "75.0%" in red with a 进度差 "0.0%" in red. It is
    shown with the decimals that put it below: 74.99% and -0.01%, red."""
    page = parse(render_html(demo_doc))
    regions = page.tables[_shown(demo_doc).index("分地区")]
    row = next(i for i, r in enumerate(regions["rows"]) if r[0] == "昌邑区")
    assert regions["rows"][row][4:7] == ["325,470", "74.99%", "-0.01%"]
    assert "behind" in regions["classes"][row][5] and "behind" in regions["classes"][row][6]
    for cells, classes in zip(regions["rows"], regions["classes"]):  # every rate and diff: tone = shown side
        rate, diff = Decimal(cells[5].rstrip("%")), Decimal(cells[6].rstrip("%"))
        assert ("behind" in classes[5]) == (rate < 75) and ("behind" in classes[6]) == (diff < 0)
        assert not (diff == 0 and cells[6].startswith("-"))


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
        shown = (rate * 100).quantize(Decimal("0.1"))
        if rate < Decimal("0.75") and shown == 75:  # below 序时进度: never shown equal to it
            shown = (rate * 100).quantize(Decimal("0.01"))
        assert value == f"{shown}%"
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


def test_phone_charts_show_the_same_bars(demo_doc: Document) -> None:
    """Each chart is drawn twice, the second time 340 units wide for phones: same bars, values
    and colours, bars in proportion on an axis of their own."""
    page = parse(render_html(demo_doc))
    assert len(page.narrow) == len(page.svgs) == 3
    for wide, narrow in zip(map(bar_chart, page.svgs), map(bar_chart, page.narrow)):
        for key in ("labels", "values", "classes"):
            assert wide[key] == narrow[key]
        assert max(narrow["widths"]) < max(wide["widths"])
        zero_w, zero_n = (min(c["ticks"].values()) for c in (wide, narrow))
        tick = next(t for t in narrow["ticks"] if t in wide["ticks"] and wide["ticks"][t] != zero_w)
        ratio = (narrow["ticks"][tick] - zero_n) / (wide["ticks"][tick] - zero_w)
        for w, n in zip(wide["widths"], narrow["widths"]):
            assert abs(w * ratio - n) <= Decimal("0.1")


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


#: The CJK font maps some characters and the radicals that look the same to one glyph, and the
#: text read back from the PDF may give the radical: Kangxi radicals (⽉) go back by NFKC, this
#: one of the CJK Radicals Supplement (⻚, which has no decomposition) by hand.
_RADICALS = str.maketrans({"\u2eda": "页"})


def pdf_pages(pdf: Path) -> list[tuple[float, float, str]]:
    """Width, height (pt) and text of each page of a PDF."""
    import unicodedata

    from pypdf import PdfReader

    reader = PdfReader(pdf)
    return [
        (
            float(p.mediabox.width),
            float(p.mediabox.height),
            unicodedata.normalize("NFKC", p.extract_text()).translate(_RADICALS),
        )
        for p in reader.pages
    ]


A4 = (595.28, 841.89)


def is_a4(width: float, height: float) -> bool:
    """A4 portrait or landscape (wide tables print on landscape pages)."""
    return any(abs(width - w) < 1 and abs(height - h) < 1 for w, h in (A4, A4[::-1]))


@_chromium
def test_prints_on_a4(tmp_path: Path, fixture_root: Path) -> None:
    for ledgers, name in ((DEMO, "demo"), (fixture_root, "fixture")):
        page = tmp_path / f"{name}.html"
        assert runner.invoke(app, ["report", "monthly", "--ledgers", str(ledgers), "-o", str(page)]).exit_code == 0
        pdf = tmp_path / f"{name}.pdf"
        chromium(tmp_path, page, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
        pages = pdf_pages(pdf)
        assert pages and all(is_a4(w, h) for w, h, _ in pages)
        for number, (_, _, text) in enumerate(pages, start=1):  # page numbers in the margin of each page
            assert f"第 {number} 页 共 {len(pages)} 页" in text
        if name == "fixture":
            # the 综述, key figures, two charts and the short tables (红黑榜, 逾期事项分地区, 分类别,
            # the lights) and the 红灯项目 with their reasons: six pages at most
            assert len(pages) <= 6
        else:
            assert len(pages) > 2
            # the 考评 table (16 columns) prints on a landscape page; the first pages are portrait
            assert pages[0][0] < pages[0][1] and any(w > h and "考评" in t for w, h, t in pages)
            # a table that goes on over a page break says so on the next page
            assert any(re.search(r"\S+\(续\)", t) for _, _, t in pages[1:])  # （续） after NFKC


@_chromium
def test_print_has_the_letterhead_and_no_browser_header(tmp_path: Path, fixture_root: Path) -> None:
    """Chromium's own header (a US date, the file:// path) is replaced by the page's margin boxes
    even when the reader leaves 「页眉和页脚」 on (no --no-pdf-header-footer here)."""
    config = fixture_root / "xiangmu.yaml"
    config.write_text(
        config.read_text(encoding="utf-8") + "通报: {发文单位: 吉林市发展和改革委员会, 期数: '{年}年第{月}期'}\n",
        encoding="utf-8",
    )
    page = tmp_path / "月报.html"
    result = runner.invoke(app, ["report", "monthly", "--ledgers", str(fixture_root), "-o", str(page)])
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "月报.pdf"
    chromium(tmp_path, page, f"--print-to-pdf={pdf}")
    pages = pdf_pages(pdf)
    for number, (_, _, text) in enumerate(pages, start=1):
        assert "吉林市发展和改革委员会" in text and "2018年第9期" in text
        assert f"第 {number} 页 共 {len(pages)} 页" in text
        assert "file:" not in text and not re.search(r"\d{1,2}/\d{1,2}/\d{2,4}", text)


# --- phone and desktop: the page measured in Chromium ------------------------------------------------

#: Measures the page in an iframe of the given width (headless Chromium's window is at least 500
#: px wide; an iframe's viewport is exactly its width, and its media queries follow it). srcdoc
#: makes the frame same-origin, so the outer page can measure it and write the result into its DOM.
MEASURE = """<script>
addEventListener('load', () => {
  const f = document.getElementById('f'), w = f.contentWindow, d = f.contentDocument;
  const box = e => { const b = e.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; };
  const shown = [...d.querySelectorAll('svg')].filter(s => s.getClientRects().length);
  const r = {
    inner: w.innerWidth, client: d.documentElement.clientWidth, scroll: d.documentElement.scrollWidth,
    cards: [...d.querySelectorAll('.card')].map(box),
    charts: shown.map(s => s.getAttribute('class')),
    text: shown.flatMap(s => [...s.querySelectorAll('text')].map(
      t => parseFloat(w.getComputedStyle(t).fontSize) * s.getScreenCTM().a)),
    boxes: [...d.querySelectorAll('.scroll')].map(s => [s.getBoundingClientRect().right, s.scrollWidth, s.clientWidth]),
    sticky: [...d.querySelectorAll('td.sticky')].length,
  };
  const pre = document.createElement('pre'); pre.id = 'measured'; pre.textContent = JSON.stringify(r);
  document.body.appendChild(pre);
});
</script>"""


def measure(tmp_path: Path, page: Path, width: int, height: int = 900) -> dict[str, Any]:
    """The page laid out ``width`` px wide: what :data:`MEASURE` measures; a screenshot is left
    beside it (``<page>-<width>.png``, the frame in the top-left corner) for a person to look at."""
    import html as html_lib
    import json

    frame = tmp_path / f"{page.stem}-{width}-frame.html"
    frame.write_text(
        "<!DOCTYPE html><html><head><style>body{margin:0} iframe{border:0;display:block}</style></head><body>"
        f'<iframe id="f" width="{width}" height="{height}" '
        f'srcdoc="{html_lib.escape(page.read_text(encoding="utf-8"), quote=True)}"></iframe>{MEASURE}</body></html>',
        encoding="utf-8",
    )
    window = f"--window-size={max(width, 500)},{height}"
    assert CHROMIUM is not None
    out = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            f"--user-data-dir={tmp_path / 'profile'}",
            window,
            "--dump-dom",
            frame.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        cwd=tmp_path,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    ).stdout.decode("utf-8")
    found = re.search(r'<pre id="measured">(.*?)</pre>', out, re.S)
    assert found, out[-2000:]
    chromium(tmp_path, frame, f"--screenshot={tmp_path / f'{page.stem}-{width}.png'}", window, "--hide-scrollbars")
    return dict(json.loads(html_lib.unescape(found.group(1))))


@_chromium
@pytest.mark.parametrize("command", [["report", "monthly"], ["score"]], ids=" ".join)
def test_phone_and_desktop_layout(tmp_path: Path, command: list[str]) -> None:
    page = tmp_path / "report.html"
    assert runner.invoke(app, [*command, "--ledgers", str(DEMO), "-o", str(page)]).exit_code == 0
    for width in (390, 1280):
        m = measure(tmp_path, page, width)
        assert m["inner"] == width
        # the page itself never scrolls sideways: the wide tables scroll inside their own box
        assert m["scroll"] <= m["client"], m
        assert all(right <= m["client"] + 0.5 for right, _, _ in m["boxes"]), m["boxes"]
        assert m["sticky"] > 0
        # chart text at least 10 px as drawn (font size × the SVG's scale); phones get the narrow drawing
        assert m["text"] and min(m["text"]) >= 10, min(m["text"])
        assert set(m["charts"]) == {"narrow" if width < 600 else "wide"}
        if width == 390:  # at least one table is wider than a phone and scrolls in its box
            assert any(scroll > client for _, scroll, client in m["boxes"])
        cards = m["cards"]
        if command == ["report", "monthly"]:
            # cards 2 across on a phone, 4 on a desktop, none cut off
            across = 2 if width < 600 else 4
            tops = Counter(round(top) for _, top, _, _ in cards)
            assert len(cards) == 8 and set(tops.values()) == {across}
            assert all(left >= 0 and right <= m["client"] for left, _, right, _ in cards)
