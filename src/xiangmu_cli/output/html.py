"""The html format: a report as one self-contained page for a browser or for printing on A4.

Layout: title and meta, the document's highlights as cards, its charts (horizontal bars as inline
SVG), then every table. Nothing is fetched: the CSS is inline, there is no script, fonts come
from the reader's system (a CJK font stack). Cell and figure texts are those of
:func:`tables.format_value`, as in rich, md and plain. The page is rendered by a Jinja template
(``templates/report.html.j2``) with autoescaping on, so every ledger value is escaped, in the
tables and in the SVG alike. Chart geometry is computed here with Decimals, so the same document
gives the same bytes.
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
    format_value,
    paragraphs,
)

if TYPE_CHECKING:
    from jinja2 import Template

__all__ = ["render_html"]

#: SVG user units: the chart's width (it scales to the page), one row, one bar, the axis band.
WIDTH = 680
ROW = 24
BAR = 15
AXIS = 22
VALUE_BAND = 74
#: Text columns whose cells are all at most this wide (display cells) are never wrapped.
SHORT_TEXT = 12
#: Tables of at most this many rows are kept on one printed page (when they fit).
SHORT_TABLE = 20
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


def _chart_view(doc: Document, chart: Chart) -> ChartView:
    table = next((t for t in doc.tables if t.name == chart.table), None)
    column = next((c for c in table.columns if c.key == chart.value), None) if table else None
    if table is None or column is None:
        raise ValueError(f"chart {chart.title!r}: no column {chart.value!r} in a table {chart.table!r}")
    kind = column.kind
    labels = [format_value("text", row.get(chart.label)) for row in table.rows]
    values = [_number(row.get(column.key)) for row in table.rows]
    references = [_number(row.get(column.compare)) if column.compare else None for row in table.rows]
    top, step = _axis(max([v for v in values + references if v is not None], default=Decimal(0)), kind)

    left = max([wcswidth(label) for label in labels], default=0) * 6 + 16
    right = WIDTH - VALUE_BAND
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
                text=format_value(kind, row.get(column.key)),
                y=AXIS + i * ROW,
                width=_px(x(value) - left) if value is not None else "0",
                tone=tone,
                marker=_px(x(reference)) if reference is not None else None,
            )
        )
    ticks, tick = [], Decimal(0)
    while tick <= top:
        ticks.append(Tick(_px(x(tick)), format_value(kind, tick)))
        tick += step
    return ChartView(chart.title, chart.note, AXIS + ROW * len(bars) + 6, left, right, bars, ticks)


def _cards(highlights: Table | None) -> list[dict[str, Any]]:
    if highlights is None:
        return []
    return [
        {"label": c.title, "text": format_value(c.kind_for(row), row.get(c.key)), "tone": cell_tone(row, c)}
        for row in highlights.rows
        for c in highlights.columns
    ]


def _table_view(table: Table) -> dict[str, Any]:
    """Headers and cells with their classes: num (right-aligned), nowrap (numbers, dates and
    columns of short texts such as 编号 and 地区, which read badly broken), behind / ahead."""
    columns: list[Column] = table.columns
    cells = _cells(table, columns)
    nowrap = [c.rigid or max((wcswidth(r[i]) for r in cells), default=0) <= SHORT_TEXT for i, c in enumerate(columns)]

    def classes(*names: str | None) -> str:
        return " ".join(name for name in names if name)

    fixed = [
        classes("num" if c.justify == "right" else None, "nowrap" if keep else None) for c, keep in zip(columns, nowrap)
    ]
    rows = [
        [{"text": text, "cls": classes(cls, cell_tone(row, c))} for text, c, cls in zip(texts, columns, fixed)]
        for row, texts in zip(table.rows, cells)
    ]
    return {
        "name": table.name,
        "note": table.note,
        "headers": [(c.title, cls) for c, cls in zip(columns, fixed)],
        "rows": rows,
        "paragraphs": paragraphs(table) if table.prose else [],
    }


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
    lead = 0
    while lead < len(doc.tables) and doc.tables[lead].prose and doc.tables[lead].rows:
        lead += 1
    return _template().render(
        title=doc.title,
        meta=[(key, format_value("text", value)) for key, value in doc.meta.items()],
        lead=[_table_view(table) for table in doc.tables[:lead]],
        cards=_cards(doc.highlights),
        charts=[_chart_view(doc, chart) for chart in doc.charts],
        tables=[_table_view(table) for table in doc.tables[lead:]],
        width=WIDTH,
        bar_height=BAR,
        row=ROW,
        axis=AXIS,
        short_table=SHORT_TABLE,
    )
