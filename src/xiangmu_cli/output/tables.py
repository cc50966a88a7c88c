"""Rendering of report rows to text: rich, md, plain, csv and json. Nothing here computes figures.

The library hands over a :class:`Document`: a title, meta values and :class:`Table` s of rows
(mappings keyed by the contract's metric names). Each :class:`Column` says which row key to
show and how (its ``kind``); formatting is exact (Decimal or Fraction, never float) and every
rounding is half-even and exact (:func:`xiangmu_cli.ledger.units.round_half_even`). Every
format is deterministic: same document, same bytes.

Numbers written out (csv, json and xlsx alike, :func:`written_number`): amounts in 万元 exact
with at least two decimals (``3416839.00``, ``12345.678``); rates and diffs as fractions rounded
to six decimals (``0.549346``); areas, 投资强度 and scores to two; counts and days whole.

- ``rich``: for a terminal; rates get a small bar, coloured against ``Column.compare``. On a
  narrow terminal the columns with the highest ``priority`` are dropped (and named under the
  table); if even the essential columns cannot fit, text cells wrap, and as a last resort each
  row is shown as a list of 名称/值 pairs, so numbers are never truncated or garbled. A table
  of more than ``terminal.MAX_RICH_ROWS`` rows shows its first rows and says how many there are and how
  to see them all (every other format has every row).
- ``md`` / ``plain``: tabulate pipe / simple tables, aligned by display width (wcwidth).
- A ``prose`` table (:class:`Table`) is shown as paragraphs in rich, md, plain, html and docx,
  and as a table of one column in csv, json and xlsx.
- ``csv``: RFC 4180 quoting, ``\\n`` line ends, UTF-8 without BOM (the caller adds one when
  writing for Excel). Text cells that a spreadsheet would read as a formula (starting with
  ``=``, ``+``, ``-``, ``@``, tab or CR) get a leading ``'`` (:mod:`xiangmu_cli.base.safetext`); numbers never do.
  Values are machine-friendly: numbers written out by kind (``1234567.50``, ``0.750000``), ISO
  dates, empty for missing. A document of several tables writes, per table, its name, the header and the rows,
  with an empty line between tables.
- ``json``: ``{"title", "meta", <table name>: [rows…]}`` with the library's rows as given (all
  keys), numbers as JSON numbers written out by kind (the column's, else the key's:
  :func:`value_kind`), never with an exponent, dates as ``YYYY-MM-DD``.
- ``html``: one self-contained page (see :mod:`xiangmu_cli.output.html`): the document's highlights and
  :class:`Chart` s first, then every table, cells as in rich, md and plain.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Context, Decimal
from enum import Enum
from fractions import Fraction
from typing import Any, Literal

import orjson

from xiangmu_cli.base.safetext import neutralise_formula, visible
from xiangmu_cli.ledger.units import at_least_places, round_half_even
from xiangmu_cli.ledger.vocab import GROWTH_METRICS, METRIC_KINDS, growth_key, last_year_key

__all__ = [
    "Column",
    "Table",
    "Chart",
    "Document",
    "json_part",
    "json_bytes",
    "TEXT_FORMATS",
    "KINDS",
    "render_text",
    "format_value",
    "written_number",
    "format_cell",
    "cell_places",
    "percent_places",
    "value_kind",
    "metric_kind",
    "cell_tone",
    "paragraphs",
]

KINDS = (
    "text",
    "count",
    "amount",
    "yi",
    "number",
    "rate",
    "diff",
    "date",
    "days",
    "area",
    "intensity",
    "bool",
    "list",
    "light",
)
NUMERIC_KINDS = frozenset({"count", "amount", "yi", "number", "rate", "diff", "days", "area", "intensity"})
MISSING = "—"


@dataclass(frozen=True)
class Column:
    """One shown column: row key, header, kind, drop priority on narrow terminals, colour reference.

    Kinds: text, count, amount (万元, exact), yi (亿元: shown with two decimals, written exact;
    see :mod:`xiangmu_cli.output.yi`), number (scores and totals: two decimals), rate,
    diff, date, days, area (m²), intensity (元/m²), bool, list. The kind decides how a number is
    shown (:func:`format_value`) and written in json, csv and xlsx (:func:`written_number`).
    ``kind_from`` names a row key holding a metric name (e.g. "指标" in 目标完成) or a kind name
    (one of :data:`KINDS`): that row's cell is then formatted as the metric (count, amount, rate…)
    or as that kind, for columns that mix metrics.
    ``align`` ("left" | "right") overrides the default (numbers right, the rest left).
    ``group`` puts the column under a shared heading: html draws it as a second header row over
    the columns of one group; the other formats head the column "``group`` ``header``".
    """

    key: str
    header: str | None = None
    kind: str = "text"
    priority: int = 0
    compare: str | None = None
    kind_from: str | None = None
    align: str | None = None
    group: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}; expected one of {', '.join(KINDS)}")
        if self.align not in (None, "left", "right"):
            raise ValueError(f"align must be 'left' or 'right', not {self.align!r}")

    @property
    def title(self) -> str:
        """The header as the flat formats show it (with its group in front)."""
        return f"{self.group} {self.own_title}" if self.group else self.own_title

    @property
    def own_title(self) -> str:
        """The header without its group (html's second header row)."""
        return self.header if self.header is not None else self.key

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS or self.kind_from is not None

    @property
    def justify(self) -> Literal["left", "right"]:
        return "right" if (self.align or ("right" if self.numeric else "left")) == "right" else "left"

    @property
    def rigid(self) -> bool:
        """Never wrapped in rich (numbers and dates): text columns wrap instead."""
        return self.numeric or self.kind == "date"

    def kind_for(self, row: Mapping[str, Any]) -> str:
        if self.kind_from is not None:
            named = str(row.get(self.kind_from))
            return named if named in KINDS else metric_kind(named) or self.kind
        return self.kind


@dataclass
class Table:
    """A named table: ``rows`` are the library's, as given (keyed by the columns' keys, and
    maybe more that only json shows); ``note`` is a line under the name.

    A ``prose`` table is a section of text (the 综述 of a 通报): each row's first column is a
    paragraph. rich, md, plain, html and docx show the paragraphs as text; csv, json and xlsx,
    which hold data, keep it a table of one column (:func:`paragraphs`).
    """

    name: str
    columns: list[Column]
    rows: Sequence[Mapping[str, Any]]
    note: str | None = None
    prose: bool = False


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart of one of the document's tables, drawn by the html format only.

    One bar per row of the table named ``table``: labelled by the row's ``label`` value, as long
    as its ``value`` (a column of that table, whose kind formats the figure). When that column has
    a ``compare`` key, the compared value is drawn as a marker on each bar and the bar is coloured
    like the cell (behind / ahead); otherwise a row whose ``flag`` value is true is coloured behind.
    """

    title: str
    table: str
    label: str
    value: str
    flag: str | None = None
    note: str | None = None


@dataclass
class Document:
    """A report. JSON carries each table's rows under its name, or ``json_data`` when set (the
    library's own structure, e.g. nested score details, when the tables are a display of it).

    ``highlights`` (key figures, one card per column and row) and ``charts`` are shown by the
    html format only, before the tables; the other formats show the tables alone.
    ``letterhead`` (发文单位, 期数 of xiangmu.yaml 通报) is printed in the page margins (html's
    print, xlsx's page header); it is not part of the text formats or json.
    """

    title: str
    meta: dict[str, Any]
    tables: list[Table]
    json_data: dict[str, Any] | None = None
    highlights: Table | None = None
    charts: list[Chart] = field(default_factory=list)
    letterhead: dict[str, str] = field(default_factory=dict)


def metric_kind(name: str) -> str | None:
    """The display kind of a metric name of the contract (or 年度投资, or a 同比 name: a 同比增长 is
    signed like a diff, a 上年同期 is its metric's kind); None when unknown."""
    special = {"年度投资": "amount", "进度差": "diff", "新开工用地面积": "area", "投资强度": "intensity"}
    if name in special:
        return special[name]
    if name in _COMPARED:
        return _COMPARED[name]
    return {"count": "count", "sum": "amount", "rate": "rate"}.get(METRIC_KINDS.get(name, ""))


#: 同比 names → their display kind (see :func:`metric_kind`).
_COMPARED = {
    **{growth_key(m): "diff" for m in GROWTH_METRICS},
    **{last_year_key(m): {"count": "count", "sum": "amount"}[METRIC_KINDS[m]] for m in GROWTH_METRICS},
}


# --- values ----------------------------------------------------------------------------------

#: The number types a value may have: the library computes with Decimal and, for exact rates and
#: scores, Fraction; an int is a count (or a whole amount). A float is not expected (taken as written).
NUMBER_TYPES = (int, float, Decimal, Fraction)
#: Decimals that json, csv and xlsx write, by kind (rounded half-even); amounts are exact with at
#: least two decimals; counts and days are integers.
WRITTEN_PLACES = {"rate": 6, "diff": 6, "area": 2, "intensity": 2, "number": 2}
AMOUNT_PLACES = 2


def _is_number(value: Any) -> bool:
    return isinstance(value, NUMBER_TYPES) and not isinstance(value, bool)


def _decimal(value: Any) -> Decimal:
    """A Decimal for arithmetic that is rounded afterwards (chart geometry): exact, except that a
    Fraction without a finite decimal expansion is divided in the default 28-digit context."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):  # not expected from the library; taken as written, never binary
        return Decimal(repr(value))
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(value)


def _exact(value: Any) -> Decimal | Fraction:
    """A number for comparing: Fractions stay Fractions (Decimal and Fraction compare exactly)."""
    return value if isinstance(value, Fraction) else _decimal(value)


def written_number(kind: str | None, value: Any) -> int | Decimal:
    """A number as json, csv and xlsx write it, by its column kind ("Numbers written out").

    amount, yi: exact 万元 (亿元) with at least two decimals (``12000.00``, ``12345.678``); rate, diff: a
    fraction rounded half-even to six decimals (``0.549346``); area, intensity, number (scores):
    two decimals, half-even; count, days: an integer when whole. Any other kind keeps the exact
    value (a Fraction, which has no exact decimal, is rounded to six decimals like a rate).
    Decimal or Fraction alike, the rounding is exact (:func:`xiangmu_cli.ledger.units.round_half_even`).
    """
    if kind in ("amount", "yi"):
        return at_least_places(value, AMOUNT_PLACES)
    if kind in WRITTEN_PLACES:
        return round_half_even(value, WRITTEN_PLACES[kind])
    if isinstance(value, int):
        return value
    number = _kept_exact(value)
    if kind in ("count", "days") and number.is_finite() and number == number.to_integral_value():
        return int(number)
    return number


def _kept_exact(value: Decimal | Fraction | float) -> Decimal:
    """A number that is not an int as written when no kind says otherwise: exact, except that a
    Fraction, which has no exact decimal, is rounded half-even to six decimals like a rate."""
    return round_half_even(value, 6) if isinstance(value, Fraction) else _decimal(value)


def _grouped(value: Decimal) -> str:
    """Thousands separators, the digits as given (round first; no "-0")."""
    return format(value.copy_abs() if value == 0 else value, ",f")


def _normalized(value: Decimal) -> Decimal:
    """Trailing zeros dropped (in a context holding every digit: nothing is rounded); formatted
    with "f" it never shows an exponent (Decimal('1E+4') → 10000)."""
    value = value.normalize(Context(prec=max(28, len(value.as_tuple().digits))))
    return value.copy_abs() if value == 0 else value


def _plain_decimal(value: Decimal) -> str:
    return format(_normalized(value), "f")


def _generic(value: Any) -> str:
    """A value shown by its type (text columns, meta, list items)."""
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Enum):
        return _generic(value.value)
    if isinstance(value, (Decimal, float, Fraction)):
        return _grouped(_normalized(_kept_exact(value)))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "、".join(_generic(v) for v in value) if value else MISSING
    if isinstance(value, Mapping):
        return "；".join(f"{k}：{_generic(v)}" for k, v in value.items()) if value else MISSING
    return str(value)


def format_value(kind: str, value: Any) -> str:
    """A cell as shown in rich, md, plain and html: ``1,234,567.5``, ``75.0%``, ``+5.0%``, ``—``.

    Amounts show their exact digits; scores (number) and 亿元 (yi) two decimals; counts and days
    whole; area and intensity two decimals; rates and diffs percent with one decimal. Rounding is
    half-even and exact for Decimal and Fraction alike. A negative diff is never shown as zero
    (:func:`percent_places`): −0.007 points is ``-0.01%``, not a ``0.0%`` coloured red.
    """
    if value is None:
        return MISSING
    if isinstance(value, bool) or kind in ("text", "bool", "list", "date", "light"):
        return _generic(value)
    if isinstance(value, str):
        return value
    if kind == "amount":
        return _grouped(_normalized(at_least_places(value, AMOUNT_PLACES)))
    if kind in ("count", "days"):
        return _grouped(round_half_even(value, 0))
    if kind in ("number", "area", "intensity", "yi"):
        return _grouped(round_half_even(value, 2))
    if kind == "rate":
        return _percent(value, 1)
    if kind == "diff":
        return _diff_text(value, percent_places(value, 0))
    return _generic(value)


#: Percent decimals of a rate or diff: one; more (up to the four that csv, json and xlsx write)
#: only where one would show a value below its reference as equal to it.
PERCENT_PLACES, MAX_PERCENT_PLACES = 1, 4


def _percent(value: Any, places: int) -> str:
    return _grouped(round_half_even(value, places + 2).scaleb(2)) + "%"


def _diff_text(value: Any, places: int) -> str:
    shown = _percent(value, places)
    if shown.startswith("-"):
        return shown
    if _exact(value) < 0:  # below zero even at the last written decimal: the sign is kept
        return "-" + shown
    return shown if round_half_even(value, places + 2) == 0 else "+" + shown


def percent_places(value: Any, reference: Any) -> int:
    """The percent decimals that show ``value`` on the same side of ``reference`` as it is: one,
    unless the value is below its reference and one decimal would show them equal (74.993% of a
    75% 序时进度 is ``74.99%``, a 进度差 of −0.007 points ``-0.01%``); at most
    :data:`MAX_PERCENT_PLACES` (a value closer than that keeps one decimal; a diff its minus sign).
    A value at or above its reference may be shown equal to it: green means "reached"."""
    if not _is_number(value) or not _is_number(reference) or not _exact(value) < _exact(reference):
        return PERCENT_PLACES
    for places in range(PERCENT_PLACES, MAX_PERCENT_PLACES + 1):
        if round_half_even(value, places + 2) != round_half_even(reference, places + 2):
            return places
    return PERCENT_PLACES


def cell_places(row: Mapping[str, Any], column: Column) -> int | None:
    """The percent decimals of a rate or diff cell (:func:`percent_places` against its
    reference: the ``compare`` value of a rate, zero for a diff); None for other cells."""
    kind = column.kind_for(row)
    if kind not in ("rate", "diff"):
        return None
    value = row.get(column.key)
    reference = 0 if kind == "diff" else (row.get(column.compare) if column.compare else None)
    return percent_places(value, reference)


def format_cell(row: Mapping[str, Any], column: Column) -> str:
    """A row's cell as shown: :func:`format_value`, except that a rate below its ``compare``
    value gets the decimals that show it below (:func:`cell_places`), so the figure never
    contradicts its colour (:func:`cell_tone`)."""
    kind = column.kind_for(row)
    value = row.get(column.key)
    if kind == "rate" and column.compare and _is_number(value):
        return _percent(value, cell_places(row, column) or PERCENT_PLACES)
    return format_value(kind, value)


def _machine_value(value: Any, kind: str) -> str:
    """A CSV cell: numbers written out by kind (:func:`written_number`), ISO dates, empty for None."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if _is_number(value):
        number = written_number(kind, value)
        if isinstance(number, int):
            return str(number)
        return format(number, "f") if kind in NUMERIC_KINDS else _plain_decimal(number)
    if isinstance(value, (list, tuple)):
        return "、".join(_machine_value(v, "text") for v in value)
    if isinstance(value, (Mapping, set, frozenset)):
        return _json_text(value, None)
    return _generic(value)


def _one_line(text: str) -> str:
    """A cell on one line, any control character shown as an escape (safetext.visible)."""
    return visible(" ".join(text.splitlines()) if "\n" in text or "\r" in text else text)


def _cells(table: Table, columns: list[Column]) -> list[list[str]]:
    return [[_one_line(format_cell(row, c)) for c in columns] for row in table.rows]


def paragraphs(table: Table) -> list[str]:
    """The paragraphs of a ``prose`` table: each row's first column, on one line, every control
    character shown as an escape."""
    if not table.columns:
        return []
    column = table.columns[0]
    return [_one_line(format_value(column.kind_for(row), row.get(column.key))) for row in table.rows]


# --- md and plain (tabulate) -------------------------------------------------------------------


def _tabulated(table: Table, tablefmt: str, escape_pipes: bool) -> str:
    # CJK is aligned by display width: tabulate does so whenever wcwidth is installed (a dependency
    # of xm); tests/test_tables.py checks the alignment rather than setting tabulate's global here.
    headers = [c.title for c in table.columns]
    rows = _cells(table, table.columns)
    if escape_pipes:
        headers = [h.replace("|", "\\|") for h in headers]
        rows = [[cell.replace("|", "\\|") for cell in row] for row in rows]
    align = [c.justify for c in table.columns]
    import tabulate  # here: ~30 ms of imports (wcwidth) that json, csv, html and xlsx never need

    text = tabulate.tabulate(rows, headers=headers, tablefmt=tablefmt, colalign=align, disable_numparse=True)
    return "\n".join(line.rstrip() for line in text.splitlines())


def _meta_line(meta: Mapping[str, Any]) -> str:
    return " · ".join(f"{key}：{_generic(value)}" for key, value in meta.items())


def _render_tabulated(doc: Document, markdown: bool) -> str:
    """md: headings and paragraphs separated by blank lines; plain: the same without markup,
    each title directly above what it titles."""
    sep = "\n\n" if markdown else "\n"
    head = [f"# {doc.title}" if markdown else doc.title] + ([_meta_line(doc.meta)] if doc.meta else [])
    blocks = [sep.join(head)]
    for table in doc.tables:
        parts = [f"## {table.name}" if markdown else table.name] + ([table.note] if table.note else [])
        if table.prose and table.rows:
            parts += paragraphs(table)
        else:
            parts.append(_tabulated(table, "pipe" if markdown else "simple", markdown) if table.rows else "（无）")
        blocks.append(sep.join(parts))
    return "\n\n".join(blocks) + "\n"


# --- csv ---------------------------------------------------------------------------------------


def _render_csv(doc: Document) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    several = len(doc.tables) > 1
    for i, table in enumerate(doc.tables):
        if several:
            if i:
                out.write("\n")
            writer.writerow([neutralise_formula(table.name)])
        writer.writerow([neutralise_formula(c.title) for c in table.columns])
        for row in table.rows:
            writer.writerow([_csv_cell(row.get(c.key), c.kind_for(row)) for c in table.columns])
    return out.getvalue()


def _csv_cell(value: Any, kind: str) -> str:
    """A CSV cell; text that a spreadsheet would run as a formula is neutralised, numbers never
    (-12.5 stays a number)."""
    cell = _machine_value(value, kind)
    if _is_number(value):
        return cell
    return neutralise_formula(visible(cell))


# --- json ------------------------------------------------------------------------------------

#: The kind of a value by its key, where no column says (JSON of the library's own structures,
#: keys of rows that no column shows); metric names are found by :func:`metric_kind`.
KEY_KINDS: dict[str, str] = {
    "总投资": "amount",
    "年度计划投资": "amount",
    "以前年度完成投资": "amount",
    "完成投资": "amount",
    "Δ完成投资": "amount",
    "用地面积": "area",
    "完成率": "rate",
    "比率": "rate",
    "得分": "number",
    "合计": "number",
    "加分": "number",
    "总分": "number",
    "逾期天数": "days",
    # 季分析 (figures/quarterly.py)
    "季度完成投资": "amount",
    "年度目标": "amount",
    "季度目标": "amount",
    "季度完成率": "rate",
    "序时完成率": "rate",
}
#: Keys whose kind is that of a metric named elsewhere: in a row of 目标完成 (or of xm recheck,
#: or 季度目标完成) the row's 指标, in a 考评 detail the metric it details (else KEY_KINDS); in a
#: change (xm diff, xm log) the changed 字段.
_METRIC_VALUES = ("目标", "实际", "年度目标", "季度目标", "季度实际", "序时目标", "累计实际")
_CHANGE_VALUES = ("原值", "新值", "差额")

KindOf = Callable[[str, Mapping[str, Any], str | None], str | None]


def value_kind(key: str, row: Mapping[str, Any], parent: str | None = None) -> str | None:
    """How json writes the value under ``key`` of the mapping ``row`` (itself under ``parent``):
    a :data:`KINDS` kind, or None for a value written as it is."""
    if key in _CHANGE_VALUES and isinstance(row.get("字段"), str):
        field = row["字段"].split(" ")[0]  # "完成投资 2018-09"
        return KEY_KINDS.get(field) or metric_kind(field)
    if key in _METRIC_VALUES or key in _CHANGE_VALUES:
        metric = row.get("指标")
        name = metric if isinstance(metric, str) else parent
        return (metric_kind(name) if name is not None else None) or KEY_KINDS.get(key)
    return KEY_KINDS.get(key) or metric_kind(key)


def _json_number(value: Any, kind: str | None) -> str:
    if kind in _BY_VALUE:
        try:
            return _WRITTEN[kind, value]
        except KeyError:
            pass
        except TypeError:  # a signalling NaN has no hash: written (refused) below
            return _json_number_of(value, kind)
        text = _json_number_of(value, kind)
        if len(_WRITTEN) < _WRITTEN_KEPT:
            _WRITTEN[kind, value] = text
        return text
    return _json_number_of(value, kind)


def _json_number_of(value: Any, kind: str | None) -> str:
    number = written_number(kind, value)
    if isinstance(number, int):
        return str(number)
    if not number.is_finite():
        raise ValueError(f"{number} cannot be written as JSON")
    return format(number, "f")  # exact digits, never an exponent: Decimal('1E+4') → 10000


#: Kinds whose written number depends on the value alone, not on its spelling (``1.5``, ``1.50``
#: and ``Fraction(3, 2)`` are all written ``1.50`` as an amount): the JSON of such a number is
#: kept by (kind, value), as a 20k-row report writes the same amounts again and again. Other kinds
#: keep a Decimal's own digits, which equal values do not share.
_BY_VALUE = frozenset({"amount", "yi", *WRITTEN_PLACES})
_WRITTEN: dict[tuple[str, Any], str] = {}
_WRITTEN_KEPT = 1 << 14


#: JSON of a string, exactly as ``json.dumps(text, ensure_ascii=False)`` (the C encoder, called
#: directly: a report of 20,000 rows has half a million strings).
_json_string: Callable[[str], str] = json.encoder.encode_basestring
_JSON_CONSTANTS: dict[Any, str] = {None: "null", True: "true", False: "false"}


def _json_text(
    value: Any,
    indent: int | None,
    level: int = 0,
    kind: str | None = None,
    parent: str | None = None,
    kind_of: KindOf = value_kind,
) -> str:
    """JSON of the library's values: numbers written out by kind (the key's, :func:`value_kind`,
    unless ``kind_of`` says otherwise), ISO dates, nested dicts and lists."""
    shape = type(value)
    if shape is str:
        return _json_string(value)
    if shape is not dict:  # a row, the usual mapping, goes straight on
        if value is None or isinstance(value, bool):
            return _JSON_CONSTANTS[value]
        if isinstance(value, Enum):
            return _json_text(value.value, indent, level, kind, parent, kind_of)
        if isinstance(value, str):
            return _json_string(str(value))
        if _is_number(value):
            return _json_number(value, kind)
        if isinstance(value, date):
            return _json_string(value.isoformat())
    if shape is dict or isinstance(value, Mapping):
        opening, closing = "{", "}"
        inner = "" if indent is None else " " * (indent * (level + 1))
        parts = []
        for k, v in value.items():
            key = k if type(k) is str else _json_key(k)
            head = _JSON_KEYS.get(key)
            if head is None:
                head = f"{_json_string(key)}: "
                if len(_JSON_KEYS) < _JSON_KEYS_KEPT:
                    _JSON_KEYS[key] = head
            shape = type(v)
            if shape is str:  # the usual cell: no kind to look up
                text = _json_string(v)
            elif v is None:
                text = "null"
            elif shape is Decimal or shape is int or shape is Fraction:  # a number: by its kind, at once
                text = _json_number(v, kind_of(key, value, parent))
            else:
                text = _json_text(v, indent, level + 1, kind_of(key, value, parent), key, kind_of)
            parts.append(inner + head + text)
    elif isinstance(value, (list, tuple, set, frozenset)):
        seq = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        opening, closing = "[", "]"
        inner = "" if indent is None else " " * (indent * (level + 1))
        parts = [
            inner + (_json_string(v) if type(v) is str else _json_text(v, indent, level + 1, kind, parent, kind_of))
            for v in seq
        ]
    else:
        return _json_string(str(value))
    if not parts:
        return opening + closing
    if indent is None:
        return opening + ", ".join(parts) + closing
    return opening + "\n" + ",\n".join(parts) + "\n" + " " * (indent * level) + closing


#: The JSON of a mapping's key with its colon (``"名称": ``), by key: the keys of a document are
#: few (column names, months), written hundreds of thousands of times. At most so many are kept.
_JSON_KEYS: dict[str, str] = {}
_JSON_KEYS_KEPT = 4096


def _json_key(key: Any) -> str:
    if type(key) is str:
        return key
    if isinstance(key, Enum):
        key = key.value
    return key.isoformat() if isinstance(key, date) else str(key)


_Fragment = orjson.Fragment


#: Values orjson writes as _json_text does, left as they are: text, null, booleans and dates
#: (orjson writes a date in ISO form); exact types only (a subclass may write otherwise).
_JSON_AS_IS = frozenset({str, type(None), bool, date})
_JSON_NUMBERS = frozenset({Decimal, int, Fraction})


def _json_ready(value: Any, kind: str | None = None, parent: str | None = None, kind_of: KindOf = value_kind) -> Any:
    """``value`` as data orjson writes exactly as :func:`_json_text` writes ``value``: each
    number already written out by its kind (an ``orjson.Fragment``), enums as their values,
    sets sorted, tuples as lists, keys as text. A mapping whose values need nothing of this (a
    row of text) is given as it is. Raises ValueError where two keys become the same text (the
    caller then writes with :func:`_json_text`, which keeps both)."""
    shape = type(value)
    if shape in _JSON_AS_IS:
        return value
    if shape is dict or isinstance(value, Mapping):
        out: dict[str, Any] | None = None
        for k, v in value.items():
            if type(k) is not str:
                return _json_ready_keys(value, parent, kind_of)
            held = type(v)
            if held in _JSON_AS_IS:
                continue
            if out is None:
                out = dict(value)
            if held in _JSON_NUMBERS:  # a number: by its kind, at once
                out[k] = _Fragment(_json_number(v, kind_of(k, value, parent)))
            else:
                out[k] = _json_ready(v, kind_of(k, value, parent), k, kind_of)
        if out is not None:
            return out
        return value if shape is dict else dict(value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, Enum):
        return _json_ready(value.value, kind, parent, kind_of)
    if isinstance(value, str):
        return str(value)
    if _is_number(value):
        return _Fragment(_json_number(value, kind))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        seq = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [v if type(v) is str else _json_ready(v, kind, parent, kind_of) for v in seq]
    return str(value)


def _json_ready_keys(value: Mapping[Any, Any], parent: str | None, kind_of: KindOf) -> dict[str, Any]:
    """:func:`_json_ready` of a mapping with keys that are not text (months as dates, enums)."""
    out = {}
    for k, v in value.items():
        key = k if type(k) is str else _json_key(k)
        out[key] = _json_ready(v, kind_of(key, value, parent), key, kind_of)
    if len(out) != len(value):
        raise ValueError("two keys written as the same text")
    return out


def _json_document(value: Any, kind_of: KindOf) -> bytes:
    """JSON of a document's data, indented by two, as UTF-8: :func:`_json_text`'s text encoded,
    written by orjson from :func:`_json_ready` (3× faster on a 20k-row list; tests/test_json_writer.py
    holds the two to the same bytes). What orjson refuses (a lone surrogate, an integer beyond 64
    bits, keys that collide) is written by :func:`_json_text` (a lone surrogate then fails to
    encode, as it would on the way out)."""
    try:
        return orjson.dumps(_json_ready(value, kind_of=kind_of), option=orjson.OPT_INDENT_2)
    except (TypeError, ValueError):  # orjson.JSONEncodeError is a TypeError
        return _json_text(value, 2, kind_of=kind_of).encode("utf-8")


def json_part(doc: Document) -> Document:
    """What json output reads of ``doc`` (:func:`_render_json`): its title, its meta, and its
    ``json_data`` when set, else its tables. A cache entry made for json keeps only this: a
    monthly report at 20k projects is 16 MB with its display tables, 4 MB without (issue 15)."""
    if doc.json_data is None:
        return Document(doc.title, doc.meta, doc.tables)
    return Document(doc.title, doc.meta, [], doc.json_data)


def _render_json(doc: Document) -> str:
    return json_bytes(doc).decode("utf-8")


def json_bytes(doc: Document) -> bytes:
    """The document in json, as UTF-8 (JSON's encoding): what output writes, without a round trip
    through text (a 20k-project list is 16 MB)."""
    out: dict[str, Any] = {"title": doc.title, "meta": doc.meta}
    sections = doc.json_data if doc.json_data is not None else {t.name: t.rows for t in doc.tables}
    if doc.json_data is None and len(sections) < len(doc.tables):
        raise ValueError("table names must be unique: they are the keys of the JSON output")
    if "title" in sections or "meta" in sections:
        raise ValueError("'title' and 'meta' are reserved keys of the JSON output")
    out.update(sections)
    kind_of: KindOf = value_kind
    if doc.json_data is None:  # a table's rows: its numeric columns decide, the keys elsewhere
        columns = {t.name: {c.key: c for c in t.columns if c.numeric} for t in doc.tables}

        def kind_of(key: str, row: Mapping[str, Any], parent: str | None) -> str | None:
            column = columns.get(parent, {}).get(key) if parent is not None else None
            return column.kind_for(row) if column is not None else value_kind(key, row, parent)

    return _json_document(out, kind_of) + b"\n"


# --- tones (rich, html, xlsx and docx colour cells by them) --------------------------------------


#: The tone of each traffic light (a "light" cell: 红, 黄, 绿).
LIGHT_TONES: dict[str, Literal["behind", "due", "ahead"]] = {"红": "behind", "黄": "due", "绿": "ahead"}


def cell_tone(row: Mapping[str, Any], column: Column) -> Literal["behind", "due", "ahead"] | None:
    """A rate against its ``compare`` value, or a diff against zero: "behind" (shown red) when
    lower, "ahead" (green) otherwise; a traffic light by its colour ("due": yellow); None for
    other cells and missing values."""
    kind = column.kind_for(row)
    value = row.get(column.key)
    if kind == "light":
        return LIGHT_TONES.get(value) if isinstance(value, str) else None
    if value is None or isinstance(value, (str, bool)) or kind not in ("rate", "diff"):
        return None
    other = (row.get(column.compare) if column.compare else None) if kind == "rate" else 0
    if other is None or isinstance(other, (str, bool)):
        return None
    return "behind" if _exact(value) < _exact(other) else "ahead"


# --- entry point (text formats; output/formats.py dispatches every format) -------------------

TEXT_FORMATS = ("rich", "md", "plain", "csv", "json")


def render_text(doc: Document, fmt: str) -> str:
    """The document in one of the plain text formats: md, plain, csv or json (rich, the terminal's,
    is output/terminal.py's; output/formats.render dispatches every format)."""
    if fmt in ("md", "plain"):
        return _render_tabulated(doc, markdown=fmt == "md")
    if fmt == "csv":
        return _render_csv(doc)
    if fmt == "json":
        return _render_json(doc)
    raise ValueError(f"未知的文本格式「{fmt}」，可选：{'、'.join(f for f in TEXT_FORMATS if f != 'rich')}")
