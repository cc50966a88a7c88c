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
from typing import Any

from xiangmu_cli.base.safetext import neutralise_formula
from xiangmu_cli.output.tables import NUMBER_TYPES, Document, format_value, written_number

__all__ = ["render_xlsx", "SheetColumn", "add_sheet", "new_workbook", "workbook_bytes", "fixed_zip", "NUMBER_FORMATS"]

#: Number formats by column kind (tables.KINDS); kinds not listed are written as text.
NUMBER_FORMATS = {
    "count": "#,##0",
    "days": "#,##0",
    "amount": "#,##0.00",
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
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class SheetColumn:
    header: str
    kind: str = "text"  # a tables.KINDS kind; "wrap" is text shown on several lines


def new_workbook() -> Any:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
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


def _put(cell: Any, value: Any, kind: str) -> str:
    """Write one value; returns the text it shows (for the column width)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if kind in NUMBER_FORMATS and kind != "date" and isinstance(value, NUMBER_TYPES) and not isinstance(value, bool):
        cell.value = written_number(kind, value)
        cell.number_format = NUMBER_FORMATS[kind]
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
) -> Any:
    """A sheet: optional heading lines (the first bold), then the header row (bold, frozen,
    autofilter) and the rows. ``kinds`` gives a kind per cell when it differs by row."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    taken = {ws.title.lower() for ws in wb.worksheets}
    ws = wb.create_sheet(_sheet_name(name, taken))
    for i, line in enumerate(heading, start=1):
        cell = ws.cell(row=i, column=1)
        if line:
            _put(cell, line, "text")
        cell.font = Font(bold=True, size=14) if i == 1 else Font(color="666666")
    top = len(heading) + 1 if heading else 1
    widths = [_display_width(c.header) for c in columns]
    bold = Font(bold=True)
    for j, column in enumerate(columns, start=1):
        cell = ws.cell(row=top, column=j)
        _put(cell, column.header, "text")
        cell.font = bold
    for i, row in enumerate(rows, start=top + 1):
        for j, value in enumerate(row, start=1):
            kind = kinds[i - top - 1][j - 1] if kinds is not None else columns[j - 1].kind
            shown = _put(ws.cell(row=i, column=j), value, kind)
            widths[j - 1] = max(widths[j - 1], _display_width(shown))
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
    if columns:
        last = get_column_letter(len(columns))
        ws.freeze_panes = f"A{top + 1}"
        ws.auto_filter.ref = f"A{top}:{last}{top + max(len(rows), 1)}"
    return ws


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
    """One sheet per table: the report's title and meta line above the header row."""
    from xiangmu_cli.output.tables import _meta_line

    wb = new_workbook()
    meta = _meta_line(doc.meta) if doc.meta else ""
    for table in doc.tables:
        heading = [doc.title, meta, table.note or ""]
        # a prose section (the 综述): one paragraph a row, wrapped in a wide column
        columns = [SheetColumn(c.title, "wrap" if table.prose else c.kind) for c in table.columns]
        rows = [[row.get(c.key) for c in table.columns] for row in table.rows]
        kinds = [["wrap" if table.prose else c.kind_for(row) for c in table.columns] for row in table.rows]
        add_sheet(wb, table.name, columns, rows, kinds, heading)
    if not doc.tables:
        add_sheet(wb, doc.title, [], [], heading=[doc.title, meta])
    return workbook_bytes(wb)
