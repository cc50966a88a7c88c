"""Reading the file that ``xm import`` imports, within limits, so that a hostile file ends in a message.

A spreadsheet to import comes from anyone (a district's office, an e-mail attachment). Each check
runs before the costly step it protects, so hostile input is refused quickly and in bounded
memory, with a Chinese message naming the file (and the sheet, cell or range) and exit code 1;
a path that is not a file, or a ``--map`` file that is not a header map, is a usage error (2).

1. The file and the ``--map`` file: regular files only (:func:`xiangmu_cli.base.fileio.read_regular`:
   a FIFO, device or directory is never opened; a link named on the command line is followed,
   as ``cat`` would, and its target checked the same way), of at most ``max_file_bytes``
   (``--max-file-mb``, default 50 MB) and :data:`MAP_FILE_BYTES`, checked before reading.
2. The .xlsx zip, from its central directory, before anything is unpacked: at most
   :data:`MAX_MEMBERS` members; unpacked sizes adding up to at most ``max_unpacked_bytes`` (five
   times the file limit); no member over :data:`RATIO_FLOOR` unpacking to more than
   :data:`MAX_RATIO` times its packed size (a zip bomb packs ~1000:1, real workbooks under 20:1).
   zipfile never unpacks more than a member's declared size (a lie is a CRC error).
3. Every XML part openpyxl reads when it opens a workbook read-only (content types, workbook, its
   relationships, styles, document properties, shared strings, the start of every sheet and its
   relationships) is streamed once through expat before openpyxl sees it: UTF-8 only; no DTD
   (entity bombs such as billion laughs, external entities); at most :data:`MAX_RUN` bytes
   between two ``<`` (one giant text or tag); nesting at most :data:`MAX_NESTING` deep; at most
   :data:`MAX_KEPT_ELEMENTS` elements that openpyxl keeps in memory, all parts together (its
   objects cost ~1 KB per styles element), and at most ``max_cells`` shared strings.
4. The sheet to import, streamed the same way in full: at most ``max_cells`` cells (``<c>``
   elements, formatted empty ones included) and rows, at most 16,384 in a row, none outside
   Excel's grid; the rectangle from A1 to the last row and the last column holding a value at
   most ``max_cells``; each merged range at most ``max_merged_cells``, and all of them together,
   clipped to that rectangle, at most ``max_cells`` (merged ranges may not overlap).

Only then does openpyxl read the workbook, in read-only mode (rows streamed; merged ranges, chart
sheets, images and external links never read) and only the rectangle found in 4 (the sheet's
``<dimension>`` record is never trusted). Whatever openpyxl still raises means a broken file and
is reported as one. A CSV file is decoded (UTF-8 or GB18030), refused if it holds NUL bytes or a
line with more than 16,384 fields, and read into at most ``max_cells`` cells.
"""

from __future__ import annotations

import csv
import io
import os
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from xiangmu_cli.base.fileio import NotRegularFileError, TooLargeError, display_path, read_regular
from xiangmu_cli.ledger.problems import clip
from xiangmu_cli.write.edit import EditError

__all__ = [
    "ImportLimits",
    "Sheet",
    "read_rows",
    "read_header_map_text",
    "shown",
    "SUFFIXES",
    "MAX_MEMBERS",
    "MAX_RATIO",
    "RATIO_FLOOR",
    "MAX_RUN",
    "MAX_NESTING",
    "MAX_KEPT_ELEMENTS",
    "MAP_FILE_BYTES",
    "EXCEL_ROWS",
    "EXCEL_COLUMNS",
]

MB = 2**20
SUFFIXES = (".xlsx", ".xlsm", ".csv")
#: A zip with more members is not a workbook (zipfile builds an object per member up front).
MAX_MEMBERS = 10_000
#: A member unpacking to more than this many times its packed size is a zip bomb (~1000:1);
#: real workbooks pack under 20:1 (a sheet of 100,000 formatted, empty rows: 16:1) …
MAX_RATIO = 100
#: … unless it is this small (a few repeated bytes pack well and cost nothing).
RATIO_FLOOR = MB
#: Bytes between two tags: Excel's longest cell is 32,767 characters (≤ 300 KB even written
#: as character references), so a longer run is one giant text or tag.
MAX_RUN = MB
#: Elements nested deeper than this: real parts are under 10 deep.
MAX_NESTING = 64
#: Elements openpyxl keeps in memory while reading (styles, relationships, properties, a sheet's
#: columns and merged ranges …), all parts together. A workbook at Excel's maximum of 64,000 cell
#: formats has an estimated 200,000–300,000; 480,000 styles elements cost openpyxl 0.45 GB and 10 s,
#: 1,000,000 cost 0.9 GB and 24 s.
MAX_KEPT_ELEMENTS = 500_000
#: A header map is a few lines.
MAP_FILE_BYTES = MB
EXCEL_ROWS = 1_048_576
EXCEL_COLUMNS = 16_384

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _SI, _VALUE, _INLINE = _MAIN + "row", _MAIN + "si", _MAIN + "v", _MAIN + "is"
_DIMENSION, _SHEET_DATA = _MAIN + "dimension", _MAIN + "sheetData"
_MERGE_CELLS, _MERGE_CELL = _MAIN + "mergeCells", _MAIN + "mergeCell"
_RESAVE = "请在 Excel 或 WPS 中打开后重新另存为 .xlsx 再导入"
_PLAIN_CELL = re.compile(r"([A-Z]{1,3})[0-9]+")
#: What the scan's stack holds for an element that is not a row or a cell (compared by identity).
_KEPT, _MERGES, _SHELL, _IN = "kept", "merges", "shell", "in"


@dataclass(frozen=True)
class ImportLimits:
    """Limits on the file ``xm import`` reads; the defaults are far above any real ledger sheet
    (a province's 20,000 projects exported: a 3 MB workbook whose 在建 sheet is 11,090 rows × 32
    columns, 0.35 M cells)."""

    #: The .xlsx or .csv file, checked before reading (``--max-file-mb``).
    max_file_bytes: int = 50 * MB
    #: Cells of the sheet: ``<c>`` elements, rows, the rectangle A1 to the last value, shared
    #: strings, CSV fields (``--max-cells``). 2 M cells are read in ~30 s and ~150 MB.
    max_cells: int = 2_000_000
    #: One merged range: a merge is one visible cell (a title, a region down a column).
    max_merged_cells: int = 100_000

    @property
    def max_unpacked_bytes(self) -> int:
        """All members of an .xlsx unpacked: five times the file limit (250 MB by default)."""
        return 5 * self.max_file_bytes


@dataclass
class Sheet:
    """The cells of a sheet (or CSV file), row by row; ``name`` is safe to print (:func:`shown`)."""

    name: str
    rows: list[list[Any]]
    epoch: datetime = datetime(1899, 12, 30)
    merged_rows: set[int] = field(default_factory=set)  # 0-based rows with a cell merged across columns
    #: The workbook's worksheets, in order, as written (print them with :func:`shown`); a CSV file: none.
    titles: list[str] = field(default_factory=list)


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def shown(text: str) -> str:
    """Text taken from a file, safe to print: control characters (terminal escapes, line breaks)
    as ``\\xNN``, and at most :func:`~xiangmu_cli.ledger.problems.clip`'s length."""
    return clip(_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text))


def _name(path: Path | str) -> str:
    return shown(display_path(Path(path)))


def _mb(size: int) -> str:
    return f"{size / MB:.1f}".removesuffix(".0") + " MB"


def _fail(message: str) -> EditError:
    return EditError(message, code=1)


def _usage(message: str) -> EditError:
    return EditError(message, code=2)


# --- files ---------------------------------------------------------------------------------------


def _read(path: Path, limit: int, label: str, wanted: str, too_large: str, too_large_code: int) -> bytes:
    """The bytes of ``path`` (a link followed, its target a regular file), at most ``limit``."""
    name = _name(path)
    try:
        return read_regular(os.path.realpath(path), limit)
    except FileNotFoundError:
        raise _usage(f"{label}{name} 不存在") from None
    except NotRegularFileError as exc:
        raise _usage(f"{label}{name} 不是普通文件（{exc.kind}），未读取；请给出{wanted}") from None
    except TooLargeError as exc:
        raise EditError(
            f"{label}{name} 过大（{_mb(exc.size)}，上限 {_mb(exc.limit)}），未读取；{too_large}", code=too_large_code
        ) from None
    except OSError as exc:
        raise _usage(f"无法读取{label}{name}：{exc.strerror or exc}") from None


def read_header_map_text(path: Path) -> str:
    """The text of a ``--map`` file (usage errors, exit 2, for anything wrong with it)."""
    from xiangmu_cli.reading.yamlread import decode

    raw = _read(
        path, MAP_FILE_BYTES, "表头映射 ", "表头映射的 YAML 文件", "表头映射只有几行；检查 --map 是否指错了文件", 2
    )
    text, problems = decode(raw, display_path(path))
    if problems:
        p = problems[0]
        raise _usage(f"表头映射 {_name(path)}:{p.line}:{p.col}：{p.message}；{p.hint}")
    assert text is not None
    return text


def read_rows(path: Path, sheet: str | None, limits: ImportLimits | None = None) -> Sheet:
    """The cells of one sheet of an .xlsx (merged ranges filled with their value) or of a CSV file."""
    limits = limits or ImportLimits()
    name = _name(path)
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise _usage(f"{name} 是旧版 Excel 文件（.xls）；请在 Excel 或 WPS 中另存为 .xlsx 后再导入")
    # A regular file of another type is a usage error; anything else (missing, a FIFO, a device, a
    # directory) is named by _read, which never opens it.
    if suffix not in SUFFIXES and os.path.isfile(os.path.realpath(path)):
        raise _usage(f"{name}：只能导入 .xlsx 或 .csv 文件")
    raw = _read(
        path,
        limits.max_file_bytes,
        "文件 ",
        "要导入的 .xlsx 或 .csv 文件",
        "确需导入时用 --max-file-mb 调高上限（或环境变量 XM_IMPORT_MAX_FILE_MB）",
        1,
    )
    if suffix not in SUFFIXES:  # it became a regular file meanwhile
        raise _usage(f"{name}：只能导入 .xlsx 或 .csv 文件")
    if suffix == ".csv":
        if sheet is not None:
            raise _usage("--sheet 只用于 .xlsx 文件")
        return _read_csv(raw, path, limits)
    return _read_xlsx(raw, path, sheet, limits)


# --- CSV ----------------------------------------------------------------------------------------


def _read_csv(raw: bytes, path: Path, limits: ImportLimits) -> Sheet:
    name = _name(path)
    resave = "请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后再导入"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:2]:
        raise _fail(f"{name} 是 UTF-16 编码（Excel 的“Unicode 文本”）；{resave}")
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in Chinese saves CSV as GBK (GB18030 covers it)
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _fail(f"{name} 的编码无法识别（既不是 UTF-8，也不是 GBK/GB18030）；{resave}")
    nul = text.find("\x00")
    if nul >= 0:
        raise _fail(f"{name} 第 {text.count(chr(10), 0, nul) + 1} 行含有 NUL 字节，不是文本文件；{resave}")
    if text.count(",") >= EXCEL_COLUMNS:  # a line of millions of fields: refused before csv builds it
        for number, line in enumerate(text.split("\n"), start=1):
            if line.count(",") >= EXCEL_COLUMNS:
                raise _fail(
                    f"{name} 第 {number} 行有 {line.count(',') + 1} 个字段，"
                    f"超过 Excel 的 {EXCEL_COLUMNS} 列，不像正常的表格，未读取"
                )
    reader = csv.reader(io.StringIO(text))
    rows: list[list[Any]] = []
    cells = 0
    try:
        for row in reader:
            cells += max(len(row), 1)
            if cells > limits.max_cells:
                raise _fail(
                    f"{name} 的单元格超过 {limits.max_cells} 个（到第 {reader.line_num} 行），未读取；"
                    "请拆分后导入，或用 --max-cells 调高上限（或环境变量 XM_IMPORT_MAX_CELLS）"
                )
            rows.append([cell if cell.strip() else None for cell in row])
    except csv.Error as exc:
        reason = (
            f"单元格超过 {csv.field_size_limit()} 个字，多半是引号没有成对"
            if "field limit" in str(exc)
            else f"格式错误：{shown(str(exc))}"
        )
        raise _fail(f"{name} 第 {reader.line_num} 行无法读取（{reason}）；检查引号是否成对，或{resave}") from None
    return Sheet(shown(path.stem), rows)


# --- xlsx: the zip ------------------------------------------------------------------------------


def _open_zip(raw: bytes, path: Path, limits: ImportLimits) -> zipfile.ZipFile:
    name = _name(path)
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise _fail(
            f"{name} 是加密（设置了打开密码）的工作簿或旧版 .xls 文件，无法读取；"
            "请在 Excel 或 WPS 中去掉打开密码、另存为 .xlsx 后再导入"
        )
    # Each central directory entry begins with this signature: an upper bound on the members,
    # known before zipfile builds an object for each.
    if raw.count(b"PK\x01\x02") > MAX_MEMBERS:
        raise _fail(f"{name} 中的部件过多（超过 {MAX_MEMBERS} 个），不像 Excel 工作簿，未读取")
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        infos = archive.infolist()
    # Broad on purpose: only zipfile runs here, on a hostile directory: BadZipFile, but also struct,
    # overflow, encoding and other errors of its parsing, each meaning a broken file.
    except Exception:  # noqa: BLE001
        raise _fail(f"{name} 不是有效的 .xlsx 文件（文件不完整或不是 Excel 工作簿）；{_RESAVE}") from None
    if len(infos) > MAX_MEMBERS:
        raise _fail(f"{name} 中的部件过多（{len(infos)} 个，上限 {MAX_MEMBERS}），不像 Excel 工作簿，未读取")
    total = sum(info.file_size for info in infos)
    if total > limits.max_unpacked_bytes:
        raise _fail(
            f"{name} 解压后过大（{_mb(total)}，上限 {_mb(limits.max_unpacked_bytes)}，"
            "即文件大小上限的 5 倍），未读取，可能是压缩炸弹；"
            "正常的大表格请拆分后导入，或用 --max-file-mb 调高上限"
        )
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise _fail(
                f"{name} 的部件 {shown(info.filename)} 压缩比异常（{info.compress_size} 字节解压为 "
                f"{info.file_size} 字节，{ratio} 倍；正常的工作簿不到 20 倍），可能是压缩炸弹，未读取"
            )
    return archive


# --- xlsx: streaming checks of the XML parts ----------------------------------------------------

_EXPAT_REASONS = {
    "XML_ERROR_NO_ELEMENTS": "内容不完整（空的或被截断）",
    "XML_ERROR_UNCLOSED_TOKEN": "内容不完整（被截断）",
    "XML_ERROR_INVALID_TOKEN": "含有无效的字符或标记",
    "XML_ERROR_TAG_MISMATCH": "标签不配对",
    "XML_ERROR_JUNK_AFTER_DOC_ELEMENT": "根元素之后还有内容",
    "XML_ERROR_UNDEFINED_ENTITY": "用了未定义的实体",
    "XML_ERROR_SYNTAX": "语法错误",
    "XML_ERROR_PARTIAL_CHAR": "含有不完整的字符（编码错误）",
    "XML_ERROR_BAD_CHAR_REF": "含有无效的字符引用",
    "XML_ERROR_UNKNOWN_ENCODING": "编码无法识别",
    "XML_ERROR_INCORRECT_ENCODING": "声明的编码与内容不符",
}


def _expat_reason(exc: Exception) -> str:
    """What expat found, in Chinese, and where (line, column)."""
    from xml.parsers.expat import errors

    reasons = {errors.codes[getattr(errors, constant)]: reason for constant, reason in _EXPAT_REASONS.items()}
    code = getattr(exc, "code", None)
    reason = reasons.get(code, "格式错误") if isinstance(code, int) else "格式错误"
    line, col = getattr(exc, "lineno", None), getattr(exc, "offset", None)
    return f"XML {reason}" + (f"，第 {line} 行第 {col + 1} 列" if line is not None and col is not None else "")


class _Done(Exception):
    """The part was read as far as openpyxl will read it."""


@dataclass
class _Budget:
    """What openpyxl keeps in memory, counted over all parts of one workbook."""

    kept: int = 0


class _Row:
    """A row being read: its ``r`` and its cells, each ``[r, has a value]``."""

    __slots__ = ("cells", "ref")

    def __init__(self, ref: str | None) -> None:
        self.ref = ref
        self.cells: list[list[Any]] = []


class _Scan:
    """One streaming pass of expat over an XML part, counting what openpyxl will build from it.

    (A long class on purpose: expat's handlers and the counts they share, one state machine.)

    ``mode`` says how openpyxl reads the part: ``tree`` (built whole: every element is kept);
    ``strings`` (the shared strings: each ``si`` is cleared once read, so what is below it is
    transient); ``start`` (a sheet opened: read up to ``<dimension>`` or the end of
    ``<sheetData>``, each row cleared); ``sheet`` (the sheet to import, read in full, each row
    cleared; its cells, the extent of its values and its merged ranges are collected).
    """

    def __init__(self, where: str, part: str, mode: str, limits: ImportLimits, budget: _Budget) -> None:
        from xml.parsers import expat

        self.where, self.part, self.mode, self.limits, self.budget = where, part, mode, limits, budget
        self.sheet = mode in ("start", "sheet")
        self.cleared = _SI if mode == "strings" else _ROW if self.sheet else None
        #: Per open element: _KEPT, _MERGES, _SHELL (a cleared element), _IN (below one), a _Row
        #: (sheet mode) or a cell (a list).
        self.stack: list[Any] = []
        self.inside = 0  # open cleared elements
        self.transient = 0
        self.shells = 0
        self.cells = 0
        self.row = 0
        self.last_row = self.last_col = 0
        self.last_row_cell = self.last_col_cell = ""
        self.merges: list[str] = []
        self.titles: list[str] = []  # of the workbook: set on the sheet's scan by _check_parts
        self.transient_cap = 10 * limits.max_cells
        self.stop_after = (_DIMENSION, _SHEET_DATA) if mode == "start" else ()
        parser = expat.ParserCreate(namespace_separator="}")
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self._doctype
        parser.EntityDeclHandler = self._doctype
        parser.XmlDeclHandler = self._declaration
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        self.parser = parser

    # --- messages

    def refuse(self, what: str, hint: str = _RESAVE) -> EditError:
        """``what`` follows the file and sheet (sheet mode) or the file (other modes)."""
        return _fail(f"{self.where}{what}，未读取" + (f"；{hint}" if hint else ""))

    def _part(self) -> str:
        return "" if self.mode == "sheet" else f"的部件 {shown(self.part)} "

    def _cell_limit(self) -> EditError:
        return self.refuse(
            f"的单元格超过 {self.limits.max_cells} 个（含只有格式、没有值的单元格）",
            "删除多余的行列（或只把要导入的部分复制到新工作簿）后另存，"
            "或用 --max-cells 调高上限（或环境变量 XM_IMPORT_MAX_CELLS）",
        )

    # --- expat handlers

    def _doctype(self, *args: Any) -> None:
        raise self.refuse(f"{self._part()}含有 DTD（<!DOCTYPE>、<!ENTITY>），Excel 工作簿中不会有，可能是 XML 实体炸弹")

    def _declaration(self, version: str | None, encoding: str | None, standalone: int) -> None:
        if encoding is not None and encoding.lower() not in ("utf-8", "utf8", "us-ascii", "ascii"):
            raise self.refuse(f"{self._part()}的 XML 使用 {shown(encoding)} 编码（只读取 UTF-8）")

    # Long on purpose: expat calls it for every element (millions in a large sheet), so the checks
    # are inline rather than in helper calls.
    def _start(self, name: str, attrs: dict[str, str]) -> None:
        stack = self.stack
        if self.inside:  # below a cleared element: transient (cells, values, a string's runs)
            top = stack[-1]
            if top.__class__ is _Row:  # a cell (the hot path: one call per cell)
                self.cells += 1
                if self.cells > self.limits.max_cells:
                    raise self._cell_limit()
                if name == _ROW:
                    raise self._nested_row()
                cell = [attrs.get("r"), False]
                top.cells.append(cell)
                stack.append(cell)
                return
            self.transient += 1
            if self.transient > self.transient_cap:
                raise self.refuse(f"{self._part()}的 XML 元素过多（超过 {self.transient_cap} 个）")
            if self.sheet and name == _ROW:
                raise self._nested_row()
            if top.__class__ is list and name in (_VALUE, _INLINE):
                top[1] = True  # the cell has a value
            if len(stack) >= MAX_NESTING:
                raise self._too_deep()
            stack.append(_IN)
            return
        if len(stack) >= MAX_NESTING:
            raise self._too_deep()
        if name == self.cleared:
            self.shells += 1
            if self.shells > self.limits.max_cells:
                if self.sheet:
                    raise self._cell_limit()
                raise self.refuse(
                    f"的共享字符串超过 {self.limits.max_cells} 个",
                    "确需导入时用 --max-cells 调高上限（或环境变量 XM_IMPORT_MAX_CELLS）",
                )
            self.inside += 1
            stack.append(_Row(attrs.get("r")) if self.mode == "sheet" else _SHELL)
            return
        self.budget.kept += 1
        if self.budget.kept > MAX_KEPT_ELEMENTS:
            raise self.refuse(
                f"{self._part()}的 XML 元素过多"
                f"（读取时要保留在内存中的元素超过 {MAX_KEPT_ELEMENTS} 个），"
                "不像正常的工作簿",
                "若是 Excel 保存的文件，可能是样式过多：清除多余的格式后另存",
            )
        if name == _MERGE_CELL and stack and stack[-1] is _MERGES:
            self.merges.append(attrs.get("ref", ""))
        stack.append(_MERGES if name == _MERGE_CELLS and self.mode == "sheet" else _KEPT)

    def _end(self, name: str) -> None:
        top = self.stack.pop()
        if top.__class__ is _Row:
            self.inside -= 1
            self._row(top)
        elif top is _SHELL:
            self.inside -= 1
        elif name in self.stop_after:
            raise _Done

    def _nested_row(self) -> EditError:  # openpyxl would read it as a row of its own
        return self.refuse(f"{self._part()}的行中又有行，文件已损坏")

    def _too_deep(self) -> EditError:
        return self.refuse(f"{self._part()}的 XML 嵌套超过 {MAX_NESTING} 层")

    def _row(self, row: _Row) -> None:
        """A row read, numbered as openpyxl numbers it (the row's ``r``, else one more; a cell's
        column from its ``r``, else one more), and the extent of the values updated."""
        from openpyxl.utils.cell import column_index_from_string, coordinate_to_tuple

        if row.ref is None:
            self.row += 1
        else:
            try:
                self.row = int(row.ref)
            except ValueError:
                try:
                    number = float(row.ref)
                except ValueError:
                    number = 0.5
                if not number.is_integer():
                    raise self.refuse(f"的行号「{shown(row.ref)}」无效，文件已损坏") from None
                self.row = int(number)
        if not 1 <= self.row <= EXCEL_ROWS:
            raise self.refuse(f"的第 {self.row} 行超出 Excel 的范围（最多 {EXCEL_ROWS} 行），文件已损坏")
        if len(row.cells) > EXCEL_COLUMNS:
            raise self.refuse(
                f"的第 {self.row} 行有 {len(row.cells)} 个单元格，超过 Excel 的 {EXCEL_COLUMNS} 列，文件已损坏"
            )
        col = 0
        last = 0
        for ref, has_value in row.cells:
            if ref:
                plain = _PLAIN_CELL.fullmatch(ref)  # "AB12": the common case, quick
                try:
                    col = column_index_from_string(plain[1]) if plain else coordinate_to_tuple(ref)[1]
                except ValueError:  # not a column name, or no row number
                    raise self.refuse(f"的单元格坐标「{shown(ref)}」无效，文件已损坏") from None
            else:
                col += 1
            if col > EXCEL_COLUMNS:
                cell = shown(ref) if ref else _cell_name(self.row, col)
                raise self.refuse(
                    f"的单元格 {cell} 超出 Excel 的范围（最多 {EXCEL_ROWS} 行、{EXCEL_COLUMNS} 列），文件已损坏"
                )
            if has_value and col > last:
                last = col
        if last:
            if self.row > self.last_row:
                self.last_row, self.last_row_cell = self.row, _cell_name(self.row, last)
            if last > self.last_col:
                self.last_col, self.last_col_cell = last, _cell_name(self.row, last)
            if self.last_row * self.last_col > self.limits.max_cells:
                raise self._extent_error()

    def _extent_error(self) -> EditError:
        far = _cell_name(self.last_row, self.last_col)
        return self.refuse(
            f"的数据范围 A1:{far} 过大（{self.last_row} 行 × {self.last_col} 列 = "
            f"{self.last_row * self.last_col} 个单元格，上限 {self.limits.max_cells}）："
            f"最下面的值在 {self.last_row_cell}，最右边的值在 {self.last_col_cell}",
            "删除这些多余的内容后另存，或用 --max-cells 调高上限（或环境变量 XM_IMPORT_MAX_CELLS）",
        )

    # --- reading

    def run(self, archive: zipfile.ZipFile) -> _Scan:
        """Stream the part through the byte checks and expat."""
        from xml.parsers.expat import ExpatError

        run = 0
        try:
            with archive.open(self.part) as source:
                chunk = source.read(MB)
                if chunk.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in chunk[:4]:
                    raise self.refuse(f"{self._part()}是 UTF-16 编码的 XML（只读取 UTF-8）")
                while chunk:
                    # No run of MAX_RUN bytes without a "<" (UTF-8: every "<" is that byte): a giant
                    # text or tag would be built whole by expat and openpyxl.
                    pieces = chunk.split(b"<")
                    longest = max(run + len(pieces[0]), max(map(len, pieces[1:]), default=0))
                    run = len(pieces[-1]) if len(pieces) > 1 else longest
                    if longest > MAX_RUN:
                        raise self.refuse(
                            f"{self._part()}中有一段超过 {_mb(MAX_RUN)} 的文字或标记"
                            "（单元格最多 32767 个字），不像正常的工作簿"
                        )
                    self.parser.Parse(chunk, False)
                    chunk = source.read(MB)
                self.parser.Parse(b"", True)
        except _Done:
            pass
        except ExpatError as exc:
            if self.mode == "sheet":
                raise self.refuse(f"已损坏（{_expat_reason(exc)}）") from None
            raise _fail(
                f"{self.where}不是有效的 .xlsx 文件：部件 {shown(self.part)} 已损坏（{_expat_reason(exc)}）；{_RESAVE}"
            ) from None
        return self


def _cell_name(row: int, col: int) -> str:
    from openpyxl.utils import get_column_letter

    try:
        return f"{get_column_letter(col)}{row}"
    except ValueError:
        return f"第 {row} 行第 {col} 列"


def _workbook_part(manifest: Any) -> str | None:
    """The workbook part, found as openpyxl finds it (reader.excel._find_workbook_part)."""
    from openpyxl.xml.constants import ARC_WORKBOOK, XLSM, XLSX, XLTM, XLTX

    types = [XLTM, XLTX, XLSM, XLSX]
    for content_type in types:
        part = manifest.find(content_type)
        if part:
            name: str = part.PartName[1:]
            return name
    if {p.ContentType for p in manifest.Default} & set(types):
        workbook: str = ARC_WORKBOOK
        return workbook
    return None


def _check_parts(archive: zipfile.ZipFile, name: str, wanted: str | None, limits: ImportLimits) -> _Scan:
    """Scan every XML part openpyxl reads on opening the workbook read-only, as it will read it,
    and the sheet to import (``wanted``, or the first) in full; that sheet's scan is returned."""
    from openpyxl.packaging.manifest import Manifest
    from openpyxl.packaging.relationship import get_dependents, get_rels_path
    from openpyxl.packaging.workbook import WorkbookPackage
    from openpyxl.xml.constants import ARC_CONTENT_TYPES, ARC_CORE, ARC_CUSTOM, ARC_STYLE, SHARED_STRINGS
    from openpyxl.xml.functions import fromstring

    names = set(archive.namelist())
    budget = _Budget()

    def scan(part: str, mode: str, where: str = f"{name} ") -> _Scan | None:
        return _Scan(where, part, mode, limits, budget).run(archive) if part in names else None

    if ARC_CONTENT_TYPES not in names:
        raise _fail(f"{name} 不是有效的 .xlsx 文件（没有 {ARC_CONTENT_TYPES}，不是 Excel 工作簿）；{_RESAVE}")
    scan(ARC_CONTENT_TYPES, "tree")
    manifest = Manifest.from_tree(fromstring(archive.read(ARC_CONTENT_TYPES)))
    workbook = _workbook_part(manifest)
    if workbook is None or workbook not in names:
        raise _fail(f"{name} 不是有效的 .xlsx 文件（没有工作簿部件）；{_RESAVE}")
    workbook_rels = get_rels_path(workbook)
    for part in (workbook, workbook_rels, ARC_CORE, ARC_CUSTOM, ARC_STYLE):
        scan(part, "tree")
    strings = manifest.find(SHARED_STRINGS)
    if strings is not None:
        scan(strings.PartName[1:], "strings")
    package = WorkbookPackage.from_tree(fromstring(archive.read(workbook)))
    rels = get_dependents(archive, workbook_rels).to_dict() if workbook_rels in names else {}
    chosen: _Scan | None = None
    titles = []
    for sheet in package.sheets:  # the worksheets openpyxl opens (reader.excel.ExcelReader.read_worksheets)
        rel = rels.get(sheet.id) if sheet.id else None
        if rel is None or rel.target not in names or "chartsheet" in (rel.Type or ""):
            continue
        titles.append(sheet.name)
        scan(get_rels_path(rel.target), "tree")
        if chosen is None and wanted in (None, sheet.name):
            chosen = scan(rel.target, "sheet", f"{name} 工作表「{shown(sheet.name)}」")
        else:
            scan(rel.target, "start")
    if chosen is None:
        if wanted is not None:
            raise _usage(f"{name} 中没有工作表「{shown(wanted)}」；工作表有：{'、'.join(shown(t) for t in titles)}")
        raise _fail(f"{name} 中没有工作表；{_RESAVE}")
    chosen.titles = list(titles)
    return chosen


# --- xlsx: reading ------------------------------------------------------------------------------


def _broken(name: str, exc: BaseException, where: str = "") -> EditError:
    cause = exc.__cause__ or exc
    lines = str(cause).strip().splitlines()
    text = shown(clip(type(cause).__name__ + (f": {lines[0]}" if lines else ""), 120))
    if where:
        return _fail(f"{name} {where}无法读取，文件已损坏（{text}）；{_RESAVE}")
    return _fail(f"{name} 不是有效的 .xlsx 文件或已损坏（{text}）；{_RESAVE}")


def _read_xlsx(raw: bytes, path: Path, sheet: str | None, limits: ImportLimits) -> Sheet:
    name = _name(path)
    archive = _open_zip(raw, path, limits)
    with archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns in English about what it drops
        try:
            scan = _check_parts(archive, name, sheet, limits)
        except EditError:
            raise
        # Broad on purpose: openpyxl parses the hostile parts here (its manifest, workbook and relationships)
        # and zipfile unpacks them (CRC, compression): whatever they raise on a broken file is reported
        # as one. The scan's own refusals are EditErrors, re-raised above.
        except Exception as exc:  # noqa: BLE001
            raise _broken(name, exc) from None
        merges = _merged_ranges(scan, limits)
        try:
            wb = _open_workbook(raw)
        except Exception as exc:  # noqa: BLE001 - as above: openpyxl reading the hostile workbook
            raise _broken(name, exc) from None
        try:
            return _read_sheet(wb, scan, merges, name)
        finally:
            wb.close()


def _open_workbook(raw: bytes) -> Any:
    """openpyxl's load_workbook(read_only=True, data_only=True, keep_links=False), chart sheets skipped."""
    from openpyxl.reader.excel import ExcelReader

    class Reader(ExcelReader):  # type: ignore[misc]  # openpyxl has no type information: ExcelReader is Any
        def read_chartsheet(self, sheet: Any, rel: Any) -> None:
            """Chart sheets hold no data to import: not read (their drawings would be parsed whole)."""

    reader = Reader(io.BytesIO(raw), read_only=True, keep_vba=False, data_only=True, keep_links=False)
    reader.read()
    return reader.wb


def _read_sheet(wb: Any, scan: _Scan, merges: list[tuple[int, int, int, int]], name: str) -> Sheet:
    """The scanned sheet's values, openpyxl streaming only the rectangle of values; merged ranges filled."""
    ws = next((w for w in wb.worksheets if getattr(w, "_worksheet_path", None) == scan.part), None)
    if ws is None:
        raise _fail(f"{name} 不是有效的 .xlsx 文件（工作表 {shown(scan.part)} 无法打开）；{_RESAVE}")
    title = shown(ws.title)
    height, width = scan.last_row, scan.last_col
    rows: list[list[Any]] = []
    if height:
        try:
            for values in ws.iter_rows(min_row=1, max_row=height, min_col=1, max_col=width, values_only=True):
                rows.append(list(values))
        # Broad on purpose: only openpyxl runs here, reading a hostile sheet: whatever it raises means a broken file.
        except Exception as exc:  # noqa: BLE001
            raise _broken(name, exc, f"工作表「{title}」第 {len(rows) + 1} 行（或其后）") from None
    merged_rows: set[int] = set()
    for min_col, min_row, max_col, max_row in merges:
        if min_row > len(rows) or min_col > width:  # outside the values: nothing to fill
            continue
        value = rows[min_row - 1][min_col - 1]
        for r in range(min_row - 1, min(max_row, len(rows))):
            for c in range(min_col - 1, min(max_col, width)):
                rows[r][c] = value
            if max_col > min_col:
                merged_rows.add(r)
    return Sheet(title, rows, wb.epoch, merged_rows, scan.titles)


def _merged_ranges(scan: _Scan, limits: ImportLimits) -> list[tuple[int, int, int, int]]:
    """The sheet's merged ranges as (min_col, min_row, max_col, max_row), each checked, never expanded;
    only their parts within the rectangle of values are ever filled, and counted."""
    from openpyxl.utils.cell import range_boundaries

    height, width = scan.last_row, scan.last_col
    out = []
    total = 0
    for ref in scan.merges:
        try:
            bounds = range_boundaries(ref)
        except ValueError:  # not a range
            bounds = (None, None, None, None)
        min_col, min_row, max_col, max_row = bounds
        if None in bounds or not (1 <= min_col <= max_col <= EXCEL_COLUMNS and 1 <= min_row <= max_row <= EXCEL_ROWS):
            raise scan.refuse(f"的合并单元格范围「{shown(ref)}」无效，文件已损坏")
        area = (max_row - min_row + 1) * (max_col - min_col + 1)
        if area > limits.max_merged_cells:
            raise scan.refuse(
                f"的合并单元格 {shown(ref)} 过大（{area} 个单元格，上限 {limits.max_merged_cells}）",
                "在 Excel 中选中它，取消合并（开始 → 合并后居中）后另存",
            )
        total += max(0, min(max_row, height) - min_row + 1) * max(0, min(max_col, width) - min_col + 1)
        if total > limits.max_cells:
            raise scan.refuse(f"的合并单元格共超过 {limits.max_cells} 个单元格（合并范围互相重叠？），不像正常的工作表")
        out.append((min_col, min_row, max_col, max_row))
    return out
