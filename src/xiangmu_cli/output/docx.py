"""The docx format: a report as the Word document that is actually sent (``--format docx``, with -o).

Any :class:`~xiangmu_cli.output.tables.Document` is laid out as a 党政机关公文 (GB/T 9704-2012):

- A4 portrait; margins 上 37 mm, 下 35 mm, 左 28 mm, 右 26 mm (a 156 × 225 mm text block).
- The title in 方正小标宋简体 二号 (22 pt), centred; the meta line under it in 仿宋_GB2312 四号.
- Each section heading in 黑体 三号 (16 pt), numbered 一、二、三…; body text (notes, the
  paragraphs of a prose section such as the 综述) in 仿宋_GB2312 三号 (16 pt), paragraphs with a
  first-line indent of two characters and a fixed 28 pt line pitch.
- Tables with a grid, the header row in 黑体 repeated at the top of every page it runs onto
  (``w:tblHeader``), rows never split across pages; cells in 仿宋_GB2312, 小四 (12 pt) for narrow
  tables down to 小五 (9 pt) for wide ones; numbers right-aligned; a rate behind its reference or
  a negative 进度差 in red, ahead in green, a traffic light in its colour (as in rich and html).
  Cell texts are those of :func:`~xiangmu_cli.output.tables.format_value`, as in md and plain.
- Page numbers in the footer, centred, ``— 1 —`` (宋体 四号), from a PAGE field.
- With xiangmu.yaml 通报, the 版头 above the title: 发文单位 in red 小标宋 一号 (26 pt), 期数 under it
  in 仿宋 三号, both centred, then a red separator line across the text block.

Chinese fonts are set as the East Asian font of each run (``w:rFonts w:eastAsia``), Latin text and
digits in Times New Roman. A reader without the fonts sees Word's substitutes. The highlights and
charts of a document are html's only, as in md and plain. Deterministic: fixed document
properties and zip timestamps, so the same document gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from copy import deepcopy
from datetime import datetime
from typing import TYPE_CHECKING, Any

from wcwidth import wcswidth

from xiangmu_cli.figures.tongbao import numeral
from xiangmu_cli.output.tables import Column, Document, Table, _cells, _meta_line, cell_tone, paragraphs
from xiangmu_cli.output.xlsx import fixed_zip

if TYPE_CHECKING:
    from docx.document import Document as WordDocument
    from docx.table import Table as WordTable
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run

__all__ = ["render_docx", "FONTS", "SIZES", "MARGINS_MM"]

#: The fonts of GB/T 9704: East Asian font of each part; Latin text and digits in Times New Roman.
FONTS = {
    "title": "方正小标宋简体",
    "heading": "黑体",
    "body": "仿宋_GB2312",
    "page": "宋体",
    "latin": "Times New Roman",
}
#: Point sizes: 二号 22, 三号 16, 四号 14, 小四 12, 五号 10.5, 小五 9.
SIZES = {"title": 22.0, "heading": 16.0, "body": 16.0, "meta": 14.0, "page": 14.0, "issuer": 26.0}
#: The red of the 版头 (发文单位 and the separator line).
LETTERHEAD_RED = (0xFF, 0x00, 0x00)
#: Table text by the table's number of columns: up to 6 小四, up to 9 五号, more 小五.
TABLE_SIZES = ((6, 12.0), (9, 10.5), (1000, 9.0))
#: Cell padding left and right (mm), and the widths (display cells) that decide a table's layout:
#: texts at most SHORT_TEXT wide are not wrapped (as in html), longer ones count at most LONG_TEXT.
CELL_PADDING_MM = 1.0
CELL_EM = 0.65
SHORT_TEXT = 12
LONG_TEXT = 40
#: Page margins (mm): top, bottom, left, right.
MARGINS_MM = (37, 35, 28, 26)
PAGE_MM = (210, 297)
#: The fixed line pitch of body text (GB/T 9704: 22 lines a page).
LINE_PT = 28.0
#: Document properties written into docProps/core.xml (fixed: the same document, the same bytes).
FIXED_TIME = datetime(2000, 1, 1)
#: Cell text colours by tone (tables.cell_tone): behind red, due (a yellow light) amber, ahead green.
_TONES = {"behind": (0xC0, 0x00, 0x00), "due": (0xB0, 0x70, 0x00), "ahead": (0x00, 0x80, 0x3C)}
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_TC, _W_P, _W_T = f"{_W}tc", f"{_W}p", f"{_W}t"


def render_docx(doc: Document) -> bytes:
    """The document as .docx bytes (python-docx)."""
    from docx import Document as new_document

    word = new_document()
    _page_setup(word)
    _letterhead(word, doc.letterhead)
    _title(word, doc)
    for number, table in enumerate(doc.tables, start=1):
        _section(word, table, number)
    props = word.core_properties
    props.title = doc.title
    props.author = props.last_modified_by = "xm"
    props.created = props.modified = FIXED_TIME
    props.last_printed = FIXED_TIME
    props.revision = 1
    props.comments = props.subject = props.keywords = props.category = ""
    raw = io.BytesIO()
    word.save(raw)
    raw.seek(0)
    return fixed_zip(raw)


# --- page --------------------------------------------------------------------------------------


def _page_setup(word: WordDocument) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Pt

    section = word.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    top, bottom, left, right = MARGINS_MM
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin, section.right_margin = Mm(left), Mm(right)
    section.footer_distance = Mm(28 - 7)  # the page number sits 7 mm below the text block
    section.header_distance = Mm(15)

    normal = word.styles["Normal"]
    _font(normal.font, "body", SIZES["body"])
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)

    footer = section.footer.paragraphs[0]
    _center(footer)
    _text(footer, "— ", "page", SIZES["page"])
    _page_field(footer)
    _text(footer, " —", "page", SIZES["page"])


def _page_field(paragraph: Paragraph) -> None:
    """A PAGE field (begin, instruction, separate, the shown number, end) in the page font."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def run_with(element: Any) -> None:
        run = _text(paragraph, "", "page", SIZES["page"])
        run._r.append(element)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    run_with(instruction)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    _text(paragraph, "1", "page", SIZES["page"])
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


# --- text --------------------------------------------------------------------------------------


def _font(font: Any, face: str, size: float, bold: bool = False) -> None:
    """A run's or style's font: the East Asian face of FONTS[face], Times New Roman for Latin."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    font.name = FONTS["latin"]
    font.size = Pt(size)
    font.bold = bold
    rpr = font.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if fonts.get(qn(theme)) is not None:
            del fonts.attrib[qn(theme)]
    fonts.set(qn("w:eastAsia"), FONTS[face])
    fonts.set(qn("w:hint"), "eastAsia")


def _text(paragraph: Paragraph, text: str, face: str, size: float, bold: bool = False) -> Run:
    run = paragraph.add_run(_printable(text))
    _font(run.font, face, size, bold)
    return run


def _printable(text: str) -> str:
    """Text as XML allows it: control characters other than tab and line breaks dropped (they
    are shown escaped in a cell already, :func:`tables._one_line`)."""
    return "".join(ch for ch in text if ch >= " " or ch in "\t\n")


def _center(paragraph: Paragraph) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _body(word: WordDocument, text: str, size: float = SIZES["body"], indent: bool = True) -> Paragraph:
    """A paragraph of body text: 仿宋, fixed 28 pt pitch, first line indented two characters."""
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    paragraph = word.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PT)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    _text(paragraph, text, "body", size)
    return paragraph


def _letterhead(word: WordDocument, letterhead: dict[str, str]) -> None:
    """The 版头 of GB/T 9704 when xiangmu.yaml 通报 gives one: 发文单位 in red 小标宋 一号, centred;
    期数 under it in 仿宋 三号; then the red separator line across the text block."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    issuer, issue = letterhead.get("发文单位"), letterhead.get("期数")
    if not issuer and not issue:
        return
    last = None
    if issuer:
        last = word.add_paragraph()
        _center(last)
        run = _text(last, issuer, "title", SIZES["issuer"])
        run.font.color.rgb = RGBColor(*LETTERHEAD_RED)
    if issue:
        last = _body(word, issue, indent=False)
        _center(last)
    assert last is not None
    last.paragraph_format.space_after = Pt(SIZES["body"])
    border = OxmlElement("w:pBdr")
    line = OxmlElement("w:bottom")
    for key, value in (
        ("w:val", "single"),
        ("w:sz", "12"),
        ("w:space", "6"),
        ("w:color", "{:02X}{:02X}{:02X}".format(*LETTERHEAD_RED)),
    ):
        line.set(qn(key), value)
    border.append(line)
    # in the schema's order: a paragraph border comes before shading, tabs, spacing, indent, jc…
    last._p.get_or_add_pPr().insert_element_before(
        border,
        "w:shd",
        "w:tabs",
        "w:suppressAutoHyphens",
        "w:kinsoku",
        "w:wordWrap",
        "w:overflowPunct",
        "w:topLinePunct",
        "w:autoSpaceDE",
        "w:autoSpaceDN",
        "w:bidi",
        "w:adjustRightInd",
        "w:snapToGrid",
        "w:spacing",
        "w:ind",
        "w:contextualSpacing",
        "w:mirrorIndents",
        "w:suppressOverlap",
        "w:jc",
        "w:textDirection",
        "w:textAlignment",
        "w:textboxTightWrap",
        "w:outlineLvl",
        "w:divId",
        "w:cnfStyle",
        "w:rPr",
        "w:sectPr",
        "w:pPrChange",
    )


def _title(word: WordDocument, doc: Document) -> None:
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    title = word.add_paragraph()
    _center(title)
    title.paragraph_format.space_after = Pt(SIZES["title"] / 2)
    title.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    title.paragraph_format.line_spacing = Pt(SIZES["title"] * 1.5)
    _text(title, doc.title, "title", SIZES["title"])
    if doc.meta:
        meta = _body(word, _meta_line(doc.meta), SIZES["meta"], indent=False)
        _center(meta)
        meta.paragraph_format.space_after = Pt(SIZES["body"] / 2)


def _heading(word: WordDocument, text: str) -> None:
    """A first-level heading: the Heading 1 style (so the outline and navigation see it), set to
    黑体 三号, black, not bold, on the body's line pitch."""
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt, RGBColor

    heading = word.add_paragraph(style="Heading 1")
    fmt = heading.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PT)
    fmt.space_before, fmt.space_after = Pt(LINE_PT / 2), Pt(0)
    fmt.first_line_indent = Pt(SIZES["heading"] * 2)
    fmt.keep_with_next = True
    run = _text(heading, text, "heading", SIZES["heading"])
    run.font.color.rgb = RGBColor(0, 0, 0)


# --- sections and tables -----------------------------------------------------------------------


def _section(word: WordDocument, table: Table, number: int) -> None:
    from docx.shared import Pt

    _heading(word, f"{numeral(number)}、{table.name}")
    if table.note:
        note = _body(word, table.note, SIZES["meta"])
        note.paragraph_format.keep_with_next = True
    if not table.rows:
        _body(word, "（无）")
        return
    if table.prose:
        for paragraph in paragraphs(table):
            _body(word, paragraph)
        return
    _table(word, table)
    spacer = word.add_paragraph()
    spacer.paragraph_format.space_after = Pt(0)


def _mm(cells: int, size: float) -> float:
    """The width in mm of ``cells`` display cells at ``size`` pt, with the cell's padding: a CJK
    character is two cells, one em wide; a cell is taken as 0.65 em (digits are 0.5 em in Times New
    Roman, ``%`` 0.83, and a substitute font may be wider)."""
    return cells * size * CELL_EM * 25.4 / 72 + 2 * CELL_PADDING_MM + 0.5


def _layout(columns: Sequence[Column], cells: Sequence[Sequence[str]]) -> tuple[float, list[float]]:
    """The table's font size and each column's width (mm), filling the text block.

    Numbers, dates and short texts (at most :data:`SHORT_TEXT` cells, such as 编号 and 地区) are
    never wrapped: their columns get the width of their widest cell; headers wrap instead (at
    least two characters a line). The other text columns share what is left, by the width of
    their widest cell (capped at :data:`LONG_TEXT`). The font starts at the size for the number
    of columns (:data:`TABLE_SIZES`) and goes down to 小五 until the unwrapped columns fit.
    """
    text_width = PAGE_MM[0] - MARGINS_MM[2] - MARGINS_MM[3]
    widest = [max((wcswidth(row[i]) for row in cells), default=0) for i in range(len(columns))]
    fixed = [c.rigid or w <= SHORT_TEXT for c, w in zip(columns, widest)]
    start = next(i for i, (most, _) in enumerate(TABLE_SIZES) if len(columns) <= most)
    sizes = [size for _, size in TABLE_SIZES[start:]]
    for size in sizes:
        need = [_mm(max(w, 4), size) if keep else 0.0 for w, keep in zip(widest, fixed)]
        flexible = [_mm(min(max(w, 8), LONG_TEXT), size) if not keep else 0.0 for w, keep in zip(widest, fixed)]
        least = sum(need) + sum(_mm(8, size) for keep in fixed if not keep)
        if least <= text_width or size == sizes[-1]:
            break
    left = text_width - sum(need)
    if any(not keep for keep in fixed) and left > 0:
        share = sum(flexible)
        widths = [n if keep else left * f / share for n, f, keep in zip(need, flexible, fixed)]
    else:  # only unwrapped columns (or too many to fit): stretch or squeeze them all alike
        total = sum(n or f for n, f in zip(need, flexible))
        widths = [(n or f) * text_width / total for n, f in zip(need, flexible)]
    return size, widths


def _table(word: WordDocument, table: Table) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    columns = table.columns
    cells = _cells(table, columns)
    size, widths_mm = _layout(columns, cells)
    widths = [Mm(w) for w in widths_mm]

    out = word.add_table(rows=1, cols=len(columns))
    out.style = word.styles["Table Grid"]
    out.alignment = WD_TABLE_ALIGNMENT.CENTER
    out.autofit = False
    _cell_padding(out)
    for i, width in enumerate(widths):
        out.columns[i].width = width
    header = out.rows[0]
    _repeat_header(header)
    for cell, column, width in zip(header.cells, columns, widths):
        cell.width = width
        paragraph = cell.paragraphs[0]
        _center(paragraph)
        _text(paragraph, column.title, "heading", size)
    # The data rows: one row laid out through python-docx (widths, alignment, fonts) serves as a
    # template copied for every row, each cell given its text and the run of its tone (python-docx
    # formats a cell in about a millisecond: a list of 20,000 projects would take minutes).
    template = out.add_row()
    _keep_whole(template)
    for cell, column, width in zip(template.cells, columns, widths):
        cell.width = width
        if column.justify == "right":
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    runs = {tone: _template_run(template.cells[0].paragraphs[0], size, tone) for tone in (None, *_TONES)}
    row_xml = template._tr
    tbl = out._tbl
    tbl.remove(row_xml)
    for row, texts in zip(table.rows, cells):
        tr = deepcopy(row_xml)
        for tc, column, text in zip(tr.iterchildren(_W_TC), columns, texts):
            run = deepcopy(runs.get(cell_tone(row, column), runs[None]))
            run.find(_W_T).text = _printable(text)
            tc.find(_W_P).append(run)
        tbl.append(tr)


def _template_run(paragraph: Paragraph, size: float, tone: str | None) -> Any:
    """A run of body text in a table (w:r, detached), coloured for ``tone`` (behind, ahead)."""
    from docx.oxml.ns import qn
    from docx.shared import RGBColor

    run = _text(paragraph, "", "body", size)
    if tone is not None:
        run.font.color.rgb = RGBColor(*_TONES[tone])
    element = run._r
    element.getparent().remove(element)
    if element.find(_W_T) is None:
        element.append(element.makeelement(_W_T, {}))
    element.find(_W_T).set(qn("xml:space"), "preserve")
    return element


def _cell_padding(table: WordTable) -> None:
    """Left and right cell padding of :data:`CELL_PADDING_MM` (Word's default is 1.9 mm)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(round(CELL_PADDING_MM * 1440 / 25.4)))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    table._tbl.tblPr.append(margins)


def _repeat_header(row: Any) -> None:
    """The row repeats at the top of each page the table runs onto (w:tblHeader), and is kept whole."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    properties.append(flag)
    _keep_whole(row)


def _keep_whole(row: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    whole = OxmlElement("w:cantSplit")
    whole.set(qn("w:val"), "true")
    properties.insert(0, whole)
