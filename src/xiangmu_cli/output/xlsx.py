"""Excel workbooks: ``--format xlsx`` of the reports, and the sheet writer ``xm export xlsx`` uses.

openpyxl is imported inside the functions (it is heavy; ``xm --help`` must stay fast).

- Numbers are real numbers, written out as json and csv write them
  (:func:`~xiangmu_cli.output.tables.written_number`: amounts exact, rates rounded half-even to 6
  decimals, areas, 投资强度 and scores to 2, counts whole; Decimal or Fraction alike), with a
  number format by :class:`~xiangmu_cli.output.tables.Column` kind (万元 ``#,##0.00``, counts ``#,##0``,
  rates ``0.0%``…); dates are real dates (``yyyy-mm-dd``); missing values are empty cells;
  是/否 and lists are text.
- Text is typed as text (never a formula) and passed through
  :func:`~xiangmu_cli.base.safetext.neutralise_formula`, like CSV output.
- The header row is bold, frozen and carries an autofilter; column widths follow the display
  width of the contents (a Chinese character counts two), capped.
- Fonts: every cell is in :data:`FONT` (等线, the default of Chinese Excel since 2016) with the
  GB2312 character set, so that a spreadsheet program that lacks the font substitutes a Chinese
  one; the headings above the header row are merged across the table and wrap, so the meta line
  prints on the page of the table rather than spilling onto a page of its own.
- Print: A4, landscape when the columns are wider than a portrait page, scaled to the page's
  width (as many pages down as needed), the header row repeated on every page, 「第 &P 页 共 &N 页」
  in the footer and the letterhead (发文单位, 期数) in the page header.
- Reports (:func:`render_xlsx`): red and green are conditional formatting rules, not fills: a
  rate below its reference (a cell of the reference column, or the reference value where the
  table does not show it) red, at or above it green; a diff below zero red, else green; the
  figures change colour when someone corrects a number. A rate or diff shown with more decimals
  in the other formats (:func:`~xiangmu_cli.output.tables.cell_places`) gets them here too.
- Deterministic: the document properties' created/modified times are a constant and the zip
  entries are rewritten with a fixed timestamp, so the same document gives the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from xiangmu_cli.base.safetext import neutralise_formula
from xiangmu_cli.output.tables import (
    NUMBER_TYPES,
    Column,
    Document,
    Table,
    _is_number,
    cell_places,
    format_value,
    written_number,
)

__all__ = [
    "render_xlsx",
    "SheetColumn",
    "add_sheet",
    "new_workbook",
    "workbook_bytes",
    "fixed_zip",
    "NUMBER_FORMATS",
    "FONT",
]

#: Number formats by column kind (tables.KINDS); kinds not listed are written as text.
NUMBER_FORMATS = {
    "count": "#,##0",
    "days": "#,##0",
    "amount": "#,##0.00",
    "yi": "#,##0.00",
    "number": "#,##0.00",
    "area": "#,##0.00",
    "intensity": "#,##0.00",
    "rate": "0.0%",
    "diff": "+0.0%;-0.0%;0.0%",
    "date": "yyyy-mm-dd",
}
#: The time written into docProps/core.xml (created and modified) and onto every zip entry.
FIXED_TIME = datetime(2000, 1, 1)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
MIN_WIDTH, MAX_WIDTH = 6, 60
#: A header wider than this (display cells) wraps; list cells (问题, 走访, 前期手续) wrap at this width.
HEADER_WIDTH, WRAP_WIDTH = 16, 40
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
#: The font of every cell, and its character set (134: GB2312, Simplified Chinese).
FONT, CHARSET, FONT_SIZE = "等线", 134, 11
#: Sheets whose columns are wider than this (in column-width units, about a Latin character)
#: print landscape; A4 portrait holds about 95 at 100%.
PORTRAIT_WIDTH = 95
#: Headings span at least this width (empty columns are this wide), so that the title of a narrow
#: table is not broken into a column of short lines.
HEADING_WIDTH, EMPTY_WIDTH = 60, 9
RED, AMBER, GREEN, HEAD_FILL = "C0392B", "B7791F", "1E8A57", "EEF1F4"
#: The page header's font (a header/footer code: bold off, 9 pt).
_MARGIN_FONT = '&"-,Regular"&9'


def _font(**kwargs: Any) -> Any:
    from openpyxl.styles import Font

    return Font(name=FONT, charset=CHARSET, size=kwargs.pop("size", FONT_SIZE), **kwargs)


@dataclass(frozen=True)
class SheetColumn:
    header: str
    kind: str = "text"  # a tables.KINDS kind; "wrap" is text shown on several lines


def new_workbook() -> Any:
    """An empty workbook whose default font (the Normal style's) is :data:`FONT`."""
    from openpyxl import Workbook
    from openpyxl.utils.indexed_list import IndexedList

    wb = Workbook()
    wb.remove(wb.active)
    default = _font()
    wb._fonts = IndexedList([default])  # font 0 is the default of every cell without a style
    for style in wb._named_styles:
        if style.name == "Normal":
            style.font = default
    return wb


def _sheet_name(name: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique (case-insensitive)."""
    base = _SHEET_NAME_BAD.sub("_", name).strip("'")[:31] or "Sheet"
    candidate, n = base, 1
    while candidate.lower() in taken:
        n += 1
        suffix = f"({n})"
        candidate = base[: 31 - len(suffix)] + suffix
    taken.add(candidate.lower())
    return candidate


def _display_width(text: str) -> int:
    from wcwidth import wcswidth

    return max((max(wcswidth(line), len(line)) for line in text.splitlines() or [""]), default=0)


def _put(cell: Any, value: Any, kind: str, number_format: str | None = None) -> str:
    """Write one value; returns the text it shows (for the column width)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if kind in NUMBER_FORMATS and kind != "date" and isinstance(value, NUMBER_TYPES) and not isinstance(value, bool):
        cell.value = written_number(kind, value)
        cell.number_format = number_format or NUMBER_FORMATS[kind]
        return format_value(kind, value)
    if isinstance(value, date):
        cell.value = value
        cell.number_format = NUMBER_FORMATS["date"]
        return "0000-00-00"
    text = value if isinstance(value, str) else format_value("text", value)
    text = neutralise_formula(ILLEGAL_CHARACTERS_RE.sub("", text))
    cell.value = text
    cell.data_type = "s"  # always text, never a formula
    if kind == "wrap" or "\n" in text:
        from openpyxl.styles import Alignment

        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return text


def add_sheet(
    wb: Any,
    name: str,
    columns: Sequence[SheetColumn],
    rows: Sequence[Sequence[Any]],
    kinds: Sequence[Sequence[str]] | None = None,
    heading: Sequence[str] = (),
    formats: Sequence[Sequence[str | None]] | None = None,
    letterhead: dict[str, str] | None = None,
) -> Any:
    """A sheet: optional heading lines (the first bold; each merged across the table and
    wrapped), then the header row (bold, frozen, autofilter, repeated on every printed page) and
    the rows, set up for printing (:func:`_print_setup`). ``kinds`` gives a kind per cell when it
    differs by row, ``formats`` a number format per cell where it differs from its kind's."""
    from openpyxl.styles import Alignment, Border, PatternFill, Side
    from openpyxl.utils import get_column_letter

    taken = {ws.title.lower() for ws in wb.worksheets}
    ws = wb.create_sheet(_sheet_name(name, taken))
    top = len(heading) + 1 if heading else 1
    # a long header wraps (「2018年9月完成投资（万元）」 on two lines) rather than widening its column
    widths = [min(_display_width(c.header), HEADER_WIDTH) for c in columns]
    head = _font(bold=True)
    fill = PatternFill("solid", fgColor=HEAD_FILL)
    rule = Border(bottom=Side(style="thin", color="9AA5AE"))
    for j, column in enumerate(columns, start=1):
        cell = ws.cell(row=top, column=j)
        _put(cell, column.header, "text")
        cell.font, cell.fill, cell.border = head, fill, rule
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    texts: list[tuple[int, int, str]] = []  # the text cells, for their rows' heights
    for i, row in enumerate(rows, start=top + 1):
        for j, value in enumerate(row, start=1):
            kind = kinds[i - top - 1][j - 1] if kinds is not None else columns[j - 1].kind
            number_format = formats[i - top - 1][j - 1] if formats is not None else None
            shown = _put(ws.cell(row=i, column=j), value, kind, number_format)
            widths[j - 1] = max(widths[j - 1], _display_width(shown))
            if isinstance(value, str) or kind == "wrap":
                texts.append((i, j, shown))
    caps = [WRAP_WIDTH if c.kind == "wrap" else MAX_WIDTH for c in columns]  # lists wrap anyway
    sheet_widths = [min(max(width + 2, MIN_WIDTH), cap) for width, cap in zip(widths, caps)]
    for j, width in enumerate(sheet_widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    _wrap_rows(ws, texts, sheet_widths)
    header_lines = max([-(-_display_width(c.header) // max(w - 2, 1)) for c, w in zip(columns, sheet_widths)] or [1])
    ws.row_dimensions[top].height = 15 * max(header_lines, 1)
    span, width = max(len(columns), 1), sum(sheet_widths)
    while heading and width < HEADING_WIDTH:  # a narrow table: its headings span empty columns too
        span, width = span + 1, width + EMPTY_WIDTH
    _heading(ws, heading, span, width)
    if columns:
        last = get_column_letter(len(columns))
        ws.freeze_panes = f"A{top + 1}"
        ws.auto_filter.ref = f"A{top}:{last}{top + max(len(rows), 1)}"
        ws.print_title_rows = f"{top}:{top}"
        ws.print_area = f"A1:{get_column_letter(span)}{top + len(rows)}"
    _print_setup(ws, width, letterhead or {})
    return ws


def _wrap_rows(ws: Any, texts: list[tuple[int, int, str]], widths: list[int]) -> None:
    """Text wider than its column wraps, and every row holding wrapped text is as tall as its
    tallest cell (lines estimated from the display width): spreadsheet programs do not size such
    rows themselves when they open a file (LibreOffice printed one line of a 综述 paragraph)."""
    from openpyxl.styles import Alignment

    tallest: dict[int, int] = {}
    for i, j, text in texts:
        room = max(widths[j - 1] - 2, 1)
        lines = sum(max(1, -(-_display_width(line) // room)) for line in text.split("\n"))
        if lines > 1:
            cell = ws.cell(row=i, column=j)
            if not cell.alignment.wrap_text:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            tallest[i] = max(tallest.get(i, 1), lines)
    for i, lines in tallest.items():
        ws.row_dimensions[i].height = 15 * lines


def _heading(ws: Any, lines: Sequence[str], span: int, width: int) -> None:
    """The lines above the header row, each merged over the table's columns and wrapped, its row
    as tall as its wrapped lines (estimated from the display width: nothing prints beside it)."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    for i, line in enumerate(lines, start=1):
        cell = ws.cell(row=i, column=1)
        if line:
            _put(cell, line, "text")
        size = 14 if i == 1 else FONT_SIZE
        cell.font = _font(bold=True, size=size) if i == 1 else _font(color="5B6770")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if span > 1:
            ws.merge_cells(f"A{i}:{get_column_letter(span)}{i}")
        scale = 2 if i == 1 else 1  # a character at 14 pt takes about two width units of 11 pt
        lines_needed = max(1, -(-_display_width(line) * scale // max(width - 2, 1)))
        ws.row_dimensions[i].height = lines_needed * (20 if i == 1 else 15)


def _print_setup(ws: Any, width: int, letterhead: dict[str, str]) -> None:
    """A4, landscape when wider than a portrait page, fit to one page wide and as many tall as
    needed, page numbers in the footer, the letterhead in the header."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if width > PORTRAIT_WIDTH else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    ws.oddFooter.center.size = 9
    if letterhead.get("发文单位"):
        ws.oddHeader.left.text = _margin_text(letterhead["发文单位"])
        ws.oddHeader.left.size = 9
    if letterhead.get("期数"):
        ws.oddHeader.right.text = _margin_text(letterhead["期数"])
        ws.oddHeader.right.size = 9


def _margin_text(text: str) -> str:
    """Text for a page header: ``&`` starts a header code there, so it is doubled."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return str(ILLEGAL_CHARACTERS_RE.sub("", text)).replace("&", "&&")


def workbook_bytes(wb: Any) -> bytes:
    """The workbook as .xlsx bytes, the same bytes for the same content (see module docstring)."""
    from openpyxl.writer.excel import ExcelWriter

    wb.properties.created = wb.properties.modified = FIXED_TIME
    wb.properties.creator = wb.properties.lastModifiedBy = "xm"
    raw = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)).save()  # save() closes the zip
    return fixed_zip(raw)


def fixed_zip(raw: io.BytesIO) -> bytes:
    """An Office file (a zip) rewritten with a fixed timestamp and mode on every entry, in the same
    order: the same content gives the same bytes (xlsx here, docx in :mod:`docx`)."""
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def render_xlsx(doc: Document) -> bytes:
    """One sheet per table: the report's title, meta line and the table's note above the header
    row; red and green as conditional formatting (:func:`_tone_rules`)."""
    from xiangmu_cli.output.tables import _meta_line

    wb = new_workbook()
    meta = _meta_line(doc.meta) if doc.meta else ""
    for table in doc.tables:
        heading = [doc.title, meta, table.note or ""]
        # a prose section (the 综述): one paragraph a row, wrapped in a wide column
        columns = [SheetColumn(c.title, "wrap" if table.prose else c.kind) for c in table.columns]
        rows = [[row.get(c.key) for c in table.columns] for row in table.rows]
        kinds = [["wrap" if table.prose else c.kind_for(row) for c in table.columns] for row in table.rows]
        formats = [[_percent_format(row, c) for c in table.columns] for row in table.rows]
        ws = add_sheet(wb, table.name, columns, rows, kinds, heading, formats, doc.letterhead)
        _tone_rules(ws, table, len(heading) + 2)
    if not doc.tables:
        add_sheet(wb, doc.title, [], [], heading=[doc.title, meta], letterhead=doc.letterhead)
    return workbook_bytes(wb)


def _percent_format(row: Any, column: Column) -> str | None:
    """A rate's or diff's number format when it needs more than one decimal (cell_places)."""
    places = cell_places(row, column)
    if places is None or places == 1 or not _is_number(row.get(column.key)):
        return None
    digits = "0." + "0" * places
    return f"+{digits}%;-{digits}%;{digits}%" if column.kind_for(row) == "diff" else f"{digits}%"


def _ranges(letter: str, rows: list[int]) -> str:
    """Sheet rows as a space-separated list of ranges of one column (``F5:F9 F12``)."""
    parts: list[str] = []
    start = prev = rows[0]
    for r in rows[1:] + [0]:
        if r != prev + 1:
            parts.append(f"{letter}{start}" if start == prev else f"{letter}{start}:{letter}{prev}")
            start = r
        prev = r
    return " ".join(parts)


def _tone_rules(ws: Any, table: Table, first: int) -> None:
    """Conditional formatting, as :func:`~xiangmu_cli.output.tables.cell_tone` colours cells:
    a diff below zero red, else green; a rate below its reference red, at or above it green; a
    traffic light 红, 黄, 绿 in its colour. The
    reference is the row's cell of the ``compare`` column when the sheet shows it (a formula, so
    a corrected 序时进度 recolours), else the value itself (one rule per distinct value)."""
    from openpyxl.formatting.rule import CellIsRule, FormulaRule
    from openpyxl.utils import get_column_letter

    red, green = _font(color=RED), _font(color=GREEN)
    index = {c.key: j for j, c in enumerate(table.columns, start=1)}
    for j, column in enumerate(table.columns, start=1):
        letter = get_column_letter(j)
        diffs: list[int] = []
        rates: list[int] = []
        refs: dict[int | Decimal, list[int]] = {}
        lights = [i for i, row in enumerate(table.rows, start=first) if column.kind_for(row) == "light"]
        if lights:  # a traffic light (红/黄/绿) in its colour
            where = _ranges(letter, lights)
            for word, colour in (("红", RED), ("黄", AMBER), ("绿", GREEN)):
                rule = CellIsRule(operator="equal", formula=[f'"{word}"'], font=_font(color=colour, bold=True))
                ws.conditional_formatting.add(where, rule)
            continue
        for i, row in enumerate(table.rows, start=first):
            if not _is_number(row.get(column.key)):
                continue
            kind = column.kind_for(row)
            if kind == "diff":
                diffs.append(i)
            elif kind == "rate" and column.compare:
                reference = row.get(column.compare)
                if _is_number(reference):
                    rates.append(i)
                    refs.setdefault(written_number("rate", reference), []).append(i)
        if diffs:
            where = _ranges(letter, diffs)
            ws.conditional_formatting.add(where, CellIsRule(operator="lessThan", formula=["0"], font=red))
            ws.conditional_formatting.add(where, CellIsRule(operator="greaterThanOrEqual", formula=["0"], font=green))
        if not rates:
            continue
        if column.compare in index:
            other = get_column_letter(index[column.compare])
            for part in _ranges(letter, rates).split(" "):
                start = part.split(":")[0][len(letter) :]
                own, ref = f"{letter}{start}", f"{other}{start}"
                guard = f"ISNUMBER({own}),ISNUMBER({ref})"
                behind = FormulaRule(formula=[f"AND({guard},{own}<{ref})"], font=red)
                ahead = FormulaRule(formula=[f"AND({guard},{own}>={ref})"], font=green)
                ws.conditional_formatting.add(part, behind)
                ws.conditional_formatting.add(part, ahead)
            continue
        for value, rows in refs.items():
            where, number = _ranges(letter, rows), format(value, "f")
            ws.conditional_formatting.add(where, CellIsRule(operator="lessThan", formula=[number], font=red))
            ws.conditional_formatting.add(
                where, CellIsRule(operator="greaterThanOrEqual", formula=[number], font=green)
            )
