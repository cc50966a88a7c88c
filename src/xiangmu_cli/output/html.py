"""The html format: a report as one self-contained page for a browser, a phone, or printing on A4.

Layout: title and meta, the document's highlights as cards, its charts (horizontal bars as inline
SVG), then every table. Nothing is fetched: the CSS is inline, there is no script, fonts come
from the reader's system (a CJK font stack). Cell and figure texts are those of
:func:`tables.format_cell`, as in rich, md and plain. The page is rendered by a Jinja template
(``templates/report.html.j2``) with autoescaping on, so every ledger value is escaped, in the
tables and in the SVG alike; the letterhead, which goes into CSS strings (the print margins), is
escaped for CSS (:func:`css_string`). Chart geometry is computed here with Decimals, so the same
document gives the same bytes.

Phones (where a forwarded report is read; below 600 px): cards two across; each chart drawn a
second time on a narrow canvas (:data:`NARROW`) so that its text is not scaled below legibility;
each table in a box of its own that scrolls sideways with its first label column (地区, 名称)
kept in view, so the page itself never scrolls sideways.

Print (A4): page numbers 「第 X 页 共 Y 页」 and the letterhead (发文单位, 期数 of xiangmu.yaml 通报;
else the title) in the page margins (CSS margin boxes, Chromium ≥ 131); a table that is too wide
for a portrait page (:data:`PORTRAIT_PT`, estimated from its widest cells) prints on landscape
pages; a table continued on the next page repeats its header under 「表名（续）」; tables of at most
:data:`SHORT_TABLE` rows are kept on one page, longer ones break between rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_EVEN, Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from wcwidth import wcswidth

from xiangmu_cli.output.tables import (
    Chart,
    Column,
    Document,
    Table,
    _cells,
    _decimal,
    cell_tone,
    format_cell,
    format_value,
    paragraphs,
)

if TYPE_CHECKING:
    from jinja2 import Template

__all__ = ["render_html", "css_string"]

#: SVG user units: the chart's width (it scales to the page), one row, one bar, the axis band.
WIDTH = 680
#: The width of the phone drawing: at 390 px its 12-unit text is drawn at about 13 px.
NARROW = 340
ROW = 24
BAR = 15
AXIS = 22
VALUE_BAND = 74
#: Label characters are 12 units wide (a CJK character; display cells × 6).
LABEL_UNIT = 6
#: Text columns whose cells are all at most this wide (display cells) are never wrapped.
SHORT_TEXT = 12
#: Tables of at most this many rows are kept on one printed page (when they fit); longer ones
#: break between rows (keeping a 20-row table whole left half a page empty before it).
SHORT_TABLE = 8
#: The width of a portrait A4 page's text (210 mm − 2 × 12 mm) in points, and what a display cell
#: of table text at 10 pt takes (a CJK character is two cells, 10 pt), plus a cell's padding: a
#: table estimated wider prints on landscape pages.
PORTRAIT_PT = 527
WRAPPED_CELLS = 20
CELL_PT = 5
PADDING_PT = 9
_RATE_STEP = Decimal("0.25")  # 25%, 50%, 75% (序时进度 of each quarter), 100%
_PX = Decimal("0.1")


@dataclass(frozen=True)
class Bar:
    label: str
    text: str
    y: int
    width: str
    tone: str
    marker: str | None


@dataclass(frozen=True)
class Tick:
    x: str
    text: str


@dataclass(frozen=True)
class ChartView:
    title: str
    note: str | None
    width: int
    height: int
    left: int
    right: int
    bars: list[Bar]
    ticks: list[Tick]


def _px(value: Decimal) -> str:
    return format(value.quantize(_PX, ROUND_HALF_EVEN), "f")


def _number(value: Any) -> Decimal | None:
    if value is None or isinstance(value, (str, bool)):
        return None
    return _decimal(value)


def _axis(largest: Decimal, kind: str) -> tuple[Decimal, Decimal]:
    """The axis end and tick step: rates up to at least 100% in steps of 25%; other numbers in
    steps of 1, 2 or 5 × 10ⁿ (whole numbers for counts), at most five steps."""
    if kind in ("rate", "diff"):
        step = _RATE_STEP
        largest = max(largest, Decimal(1))
    else:
        largest = largest if largest > 0 else Decimal(1)
        scale = Decimal(10) ** (largest.adjusted() - 1)
        step = next(s for s in (f * scale for f in (1, 2, 5, 10, 20, 50)) if s * 5 >= largest)
        if kind in ("count", "days"):
            step = max(step, Decimal(1))
    return (largest / step).to_integral_value(ROUND_CEILING) * step, step


def _chart_view(doc: Document, chart: Chart, width: int = WIDTH) -> ChartView:
    """The chart drawn ``width`` units wide: labels at the left, values in a band at the right;
    on the narrow drawing the value band is narrower and the axis has fewer ticks."""
    table = next((t for t in doc.tables if t.name == chart.table), None)
    column = next((c for c in table.columns if c.key == chart.value), None) if table else None
    if table is None or column is None:
        raise ValueError(f"chart {chart.title!r}: no column {chart.value!r} in a table {chart.table!r}")
    kind = column.kind
    labels = [format_value("text", row.get(chart.label)) for row in table.rows]
    values = [_number(row.get(column.key)) for row in table.rows]
    references = [_number(row.get(column.compare)) if column.compare else None for row in table.rows]
    top, step = _axis(max([v for v in values + references if v is not None], default=Decimal(0)), kind)

    if width < WIDTH and kind not in ("rate", "diff"):
        step = max(step, top / 2)  # three ticks where the bars are short
    left = max([wcswidth(label) for label in labels], default=0) * LABEL_UNIT + 16
    right = width - (VALUE_BAND if width >= WIDTH else VALUE_BAND * 3 // 4)
    span = Decimal(right - left)

    def x(value: Decimal) -> Decimal:
        return left + span * min(max(value, Decimal(0)), top) / top

    bars = []
    for i, row in enumerate(table.rows):
        value, reference = values[i], references[i]
        tone = cell_tone(row, column) or ("behind" if chart.flag and row.get(chart.flag) is True else "plain")
        bars.append(
            Bar(
                label=labels[i],
                text=format_cell(row, column),
                y=AXIS + i * ROW,
                width=_px(x(value) - left) if value is not None else "0",
                tone=tone,
                marker=_px(x(reference)) if reference is not None else None,
            )
        )
    ticks, tick = [], Decimal(0)
    if width < WIDTH and kind in ("rate", "diff"):
        step = max(step, Decimal("0.5"))  # 0%, 50%, 100% (and more) on a phone
    while tick <= top:
        ticks.append(Tick(_px(x(tick)), format_value(kind, tick)))
        tick += step
    return ChartView(chart.title, chart.note, width, AXIS + ROW * len(bars) + 6, left, right, bars, ticks)


def _cards(highlights: Table | None) -> list[dict[str, Any]]:
    if highlights is None:
        return []
    return [
        {"label": c.title, "text": format_cell(row, c), "tone": cell_tone(row, c)}
        for row in highlights.rows
        for c in highlights.columns
    ]


def _table_view(table: Table) -> dict[str, Any]:
    """Headers and cells with their classes: num (right-aligned), nowrap (numbers, dates and
    columns of short texts such as 编号 and 地区, which read badly broken) or wrap (longer texts,
    at least 7 characters wide so that a table squeezed on a phone does not stack them one
    character a line), behind / ahead, and
    sticky for the first text column (kept in view when the table scrolls sideways on a phone).
    Grouped columns (:attr:`Column.group`) get a first header row with the group's name."""
    columns: list[Column] = table.columns
    cells = _cells(table, columns)
    widest = [max([wcswidth(c.own_title)] + [wcswidth(r[i]) for r in cells]) for i, c in enumerate(columns)]
    nowrap = [c.rigid or max((wcswidth(r[i]) for r in cells), default=0) <= SHORT_TEXT for i, c in enumerate(columns)]
    sticky = next((i for i, c in enumerate(columns) if not c.numeric and c.kind != "date"), None)

    def classes(*names: str | None) -> str:
        return " ".join(name for name in names if name)

    fixed = [
        classes(
            "num" if c.justify == "right" else None,
            "nowrap" if keep else "wrap",
            "sticky" if i == sticky else None,
        )
        for i, (c, keep) in enumerate(zip(columns, nowrap))
    ]
    rows = [
        [{"text": text, "cls": classes(cls, cell_tone(row, c))} for text, c, cls in zip(texts, columns, fixed)]
        for row, texts in zip(table.rows, cells)
    ]
    grouped = any(c.group for c in columns)
    top: list[dict[str, Any]] = []  # the group row: a group over its columns, other headers over two rows
    for c, cls in zip(columns, fixed):
        if c.group and top and top[-1]["group"] == c.group:
            top[-1]["span"] += 1
        else:
            top.append({"group": c.group, "text": c.group or c.own_title, "span": 1, "cls": cls})
    # estimated print width: the widest cell (or header, which may wrap to two lines) of each column
    # (a text that wraps counts WRAPPED_CELLS at most: a long 原因 wraps, it does not need landscape)
    estimate = sum((w if keep else min(w, WRAPPED_CELLS)) * CELL_PT + PADDING_PT for w, keep in zip(widest, nowrap))
    return {
        "name": table.name,
        "note": table.note,
        "headers": [(c.own_title if grouped else c.title, cls) for c, cls in zip(columns, fixed)],
        "groups": top if grouped else None,
        "second": [(c.own_title, cls) for c, cls in zip(columns, fixed) if c.group],
        "rows": rows,
        "paragraphs": paragraphs(table) if table.prose else [],
        "span": len(columns),
        "section": classes(
            "prose" if table.prose else None,
            "short" if len(rows) <= SHORT_TABLE and not table.prose else None,
            "wide" if estimate > PORTRAIT_PT and not table.prose else None,
        ),
    }


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string that nothing in it can end: every character but letters,
    digits (CJK included) and spaces as a six-digit CSS escape (quotes, backslashes, ``<`` of a
    ``</style>``, line breaks and control characters alike)."""
    out = [ch if (ch.isalnum() and ch.isprintable()) or ch == " " else f"\\{ord(ch):06x}" for ch in text]
    return '"' + "".join(out) + '"'


@lru_cache(maxsize=1)
def _template() -> Template:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=PackageLoader("xiangmu_cli.output", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env.get_template("report.html.j2")


def render_html(doc: Document) -> str:
    """The document as one HTML page (UTF-8 text, no external resource). Prose sections (the 综述)
    that open the document come first, before the highlights and charts."""
    from markupsafe import Markup

    head = doc.letterhead
    left = head.get("发文单位") or doc.title
    lead = 0
    while lead < len(doc.tables) and doc.tables[lead].prose and doc.tables[lead].rows:
        lead += 1
    return _template().render(
        title=doc.title,
        meta=[(key, format_value("text", value)) for key, value in doc.meta.items()],
        lead=[_table_view(table) for table in doc.tables[:lead]],
        cards=_cards(doc.highlights),
        charts=[(_chart_view(doc, chart), _chart_view(doc, chart, NARROW)) for chart in doc.charts],
        tables=[_table_view(table) for table in doc.tables[lead:]],
        margin_left=Markup(css_string(left)),
        margin_right=Markup(css_string(head["期数"])) if head.get("期数") else None,
        bar_height=BAR,
        row=ROW,
        axis=AXIS,
    )
