"""A sheet of an Excel workbook (.xlsx) or a CSV file read as ledger columns (``xm import``): its
header and its cells. :mod:`xiangmu_cli.office.importplan` makes the import of it.

Headers: spaces, full-width characters and brackets (NFKC), ``*`` markers and a unit in brackets
are tolerated: ``项目名称``/``名称``, ``总投资（万元）``/``总投资(亿元)``/``计划总投资``; month columns
``2018年9月完成投资``, ``9月完成投资`` (the year of xiangmu.yaml), ``完成投资（2018-09）``; cumulative
columns ``1-9月完成投资``, ``2018年1-9月累计完成``, ``截至9月累计完成投资``. The header is the row, or
the two rows (a group header over sub-headers, ``2018年投资情况`` over ``计划``/``1-9月完成``/``9月完成``),
among the first 30 that map most columns (title rows above it, merged or not, are passed over).
A header map file (YAML) handles unusual sheets; see docs/interop.md.

Rows: blank rows, 合计/小计/总计 rows and section rows (``一、工业项目`` alone on its row) are skipped
and counted (:func:`skip_reason`). Cells (:func:`convert`): amounts are exact Decimals (a binary
float from the workbook is taken with Excel's 15 significant digits), times the column's unit
(亿元 × 10000, 元 ÷ 10000). Dates may be real dates, Excel serial numbers or text (``2018.9.30``,
``2018/9/30``, ``2018年9月30日``); a month without a day (``2018.3``, ``2018年3月``, ``2018-03``, the
number 2018.3) is the first of the month, with a note.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from xiangmu_cli.base.fileio import display_path
from xiangmu_cli.ledger.model import Config
from xiangmu_cli.ledger.units import UnitError, month_key, parse_amount, parse_area, parse_bool
from xiangmu_cli.ledger.vocab import Ledger
from xiangmu_cli.office.importfile import Sheet, read_header_map_text, shown
from xiangmu_cli.office.interop import (
    FIELD_KINDS,
    REGION,
    field_kinds,
    ledger_fields,
    read_list_line,
    strip_item_number,
)
from xiangmu_cli.write.edit import EditError

__all__ = [
    "HEADER_SCAN_ROWS",
    "Header",
    "HeaderMap",
    "Notes",
    "Target",
    "column_targets",
    "convert",
    "find_header",
    "header_score",
    "is_empty",
    "load_header_map",
    "normal",
    "resolve_header",
    "skip_reason",
]

HEADER_SCAN_ROWS = 30
IGNORE = "忽略"

#: Header words (after normalisation) → ledger key; every ledger key also maps to itself.
SYNONYMS: dict[str, str] = {
    **{word: "编号" for word in ("项目编号", "项目编码", "编码")},
    **{word: "项目代码" for word in ("国家项目代码", "投资项目代码", "项目代码(在线平台)", "在线平台项目代码")},
    **{word: "建设内容" for word in ("建设内容及规模", "建设规模及内容", "主要建设内容", "建设规模", "规模及内容")},
    **{word: "级别" for word in ("项目级别", "重点项目级别")},
    **{word: "资金来源" for word in ("资金筹措", "资金来源及构成", "资金渠道")},
    **{word: "计划投产日期" for word in ("计划投产时间",)},
    **{word: "投产日期" for word in ("投产时间", "实际投产日期", "实际投产时间")},
    **{word: "名称" for word in ("项目名称", "项目")},
    **{word: "建设单位" for word in ("项目单位", "业主单位", "项目业主", "建设主体", "实施主体", "项目建设单位")},
    **{word: "类别" for word in ("项目类别", "行业类别", "产业类别", "所属行业", "行业")},
    **{
        word: "总投资"
        for word in ("计划总投资", "项目总投资", "总投资额", "投资总额", "协议投资额", "协议投资", "签约投资额")
    },
    **{word: "包保领导" for word in ("包保市领导", "包保县领导", "包保区领导", "包保领导同志", "领导包保")},
    **{word: "项目秘书" for word in ("服务秘书", "项目服务秘书", "秘书")},
    **{word: "责任单位" for word in ("牵头单位", "责任部门", "牵头部门")},
    **{word: "用地面积" for word in ("占地面积", "用地规模")},
    **{word: "走访" for word in ("走访记录", "走访日期")},
    **{word: "问题" for word in ("问题清单",)},
    **{word: "建设性质" for word in ("性质", "新建/续建", "新建续建", "新续建")},
    **{word: "开工日期" for word in ("开工时间", "实际开工日期", "实际开工时间")},
    **{word: "复工日期" for word in ("复工时间",)},
    **{word: "计划开工日期" for word in ("计划开工时间",)},
    **{word: "计划竣工日期" for word in ("计划竣工时间",)},
    **{word: "竣工日期" for word in ("竣工时间", "实际竣工日期", "实际竣工时间")},
    **{word: "年度计划投资" for word in ("本年计划投资", "年计划投资", "本年度计划投资", "年度投资计划")},
    **{word: "以前年度完成投资" for word in ("以前年度累计完成投资", "以前年度累计完成")},
    **{word: "形象进度" for word in ("工程形象进度", "形象进度情况", "项目进展情况", "进展情况")},
    **{word: "入统日期" for word in ("入统时间",)},
    **{word: "未入统原因" for word in ("未入库原因",)},
    **{word: "入统时限" for word in ("计划入统时间", "计划入统日期")},
    **{word: "阶段" for word in ("项目阶段", "推进阶段", "进展阶段")},
    **{word: "投资方" for word in ("投资主体", "投资商", "投资企业", "签约企业", "投资方名称")},
    **{word: "来源地" for word in ("投资方来源地", "客商来源地", "来源")},
    **{word: "签约日期" for word in ("签约时间",)},
    **{word: "计划落地日期" for word in ("计划落地时间",)},
    **{word: "落地日期" for word in ("落地时间",)},
    **{word: "重点" for word in ("是否重点", "重点项目", "是否重点项目")},
    # 谋划 (the project reserve), and what a converted project keeps from it
    **{word: "谋划阶段" for word in ("储备阶段", "谋划进展")},
    **{word: "谋划日期" for word in ("谋划时间", "入储备库日期", "入储备库时间", "储备日期")},
    **{word: "预计开工年度" for word in ("预计开工年份", "计划开工年度", "计划开工年份")},
    **{word: "入国家库" for word in ("入国家库日期", "入国家库时间", "纳入国家重大建设项目库")},
    **{word: "转化日期" for word in ("转化时间",)},
    **{word: REGION for word in ("县(市)区", "县市区", "区县", "县区", "所属地区", "所在地区")},
}
_ALWAYS_IGNORED = {"序号", "排序", "编号序号"}
_AMOUNT_UNITS = {
    "万元": Decimal(1),
    "万": Decimal(1),
    "亿元": Decimal(10000),
    "亿": Decimal(10000),
    "元": Decimal("0.0001"),
}
_AREA_UNITS = {"平方米": "平方米", "平米": "平方米", "m2": "平方米", "公顷": "公顷", "亩": "亩"}
_MONTH_HEADERS = [
    re.compile(r"(?:(?P<y>\d{4})[年.\-/])?(?P<m>\d{1,2})月份?(?:当月)?完成(?:投资)?(?:额)?"),
    re.compile(r"(?P<y>\d{4})[-./](?P<m>\d{1,2})月?(?:当月)?完成(?:投资)?(?:额)?"),
    re.compile(r"(?:当月)?完成投资(?:额)?(?P<y>\d{4})[-./年](?P<m>\d{1,2})月?"),
]
#: Cumulative columns: what a project completed from month a to month b (``1-9月完成投资``,
#: ``2018年1-9月累计完成``, ``完成投资(1-9月)``, ``截至9月累计完成投资``).
_RANGE = r"(?P<a>\d{1,2})月?份?[-~～至到—–](?P<b>\d{1,2})月份?"
_CUMULATIVE_HEADERS = [
    re.compile(rf"(?:(?P<y>\d{{4}})年度?)?{_RANGE}(?:累计)?完成(?:投资)?(?:额)?(?:累计)?"),
    re.compile(rf"(?:累计)?完成投资(?:额)?(?:(?P<y>\d{{4}})年度?)?{_RANGE}(?:累计)?"),
    re.compile(r"(?:截至|截止|至)(?:(?P<y>\d{4})年)?(?P<b>\d{1,2})月(?:底|末)?(?:累计)?完成(?:投资)?(?:额)?"),
]
_CUMULATIVE = re.compile(r"\d{1,2}月?[-~～至到—–]\d{1,2}月|累计完成")
_YEAR_PLAN = re.compile(r"\d{4}年度?计划(?:完成)?投资")
_BRACKETS = str.maketrans({"【": "(", "】": ")", "〔": "(", "〕": ")", "[": "(", "]": ")"})
_SUBTOTAL = re.compile(r"^(?:合计|小计|总计|共计)(?:$|[(:：\d])|(?:合计|小计|总计)(?:\(.*\))?[:：]?$")
_SECTION = re.compile(
    r"^(?:[一二三四五六七八九十百]+[、.]|\(?[一二三四五六七八九十\d]+\)|第[一二三四五六七八九十\d]+[类部])"
)
_PLACEHOLDERS = {"-", "—", "–", "——", "/", "\\", "－", "--"}


@dataclass(frozen=True)
class Target:
    """What a column holds: a ledger key (or 地区), with the header's unit; one month of 完成投资;
    or what was completed over several months (a cumulative column, ``1-9月完成投资``)."""

    key: str
    unit: str | None = None
    month: str | None = None  # "YYYY-MM" for a 完成投资 column
    span: tuple[str, str] | None = None  # (first, last month) "YYYY-MM" of a cumulative column

    @property
    def field(self) -> str:
        """The key its problems are found under: 完成投资:YYYY-MM, 完成投资:YYYY-MM~YYYY-MM, or the key."""
        if self.month:
            return f"完成投资:{self.month}"
        if self.span:
            return f"完成投资:{self.span[0]}~{self.span[1]}"
        return self.key


@dataclass
class HeaderMap:
    """A header map file: the header rows (first, 1-based, and how many: 1 or 2; optional) and
    header text → target header."""

    rows: tuple[int, int] | None = None
    columns: dict[str, str | None] = field(default_factory=dict)


# --- headers ------------------------------------------------------------------------------------


def _usage(message: str) -> EditError:
    return EditError(message, code=2)


def normal(text: Any) -> str:
    """A header or cell as compared: NFKC, brackets as (), no whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)).translate(_BRACKETS))


def resolve_header(text: Any, year: int, kinds: Mapping[str, str] = FIELD_KINDS) -> Target | str | None:
    """The column's target; a reason (str) when it is recognised but cannot be imported; None
    when it is not a ledger column at all. ``kinds`` are the fields known (:func:`field_kinds`:
    with a repository's extension fields)."""
    t = normal(text).strip("*※:：")
    if not t:
        return None
    extras = re.findall(r"\(([^()]*)\)", t)
    base = re.sub(r"\([^()]*\)", "", t).rstrip("/")
    unit = None
    rest = []
    for extra in extras:
        word = re.sub(r"^单位[:：]?", "", extra)
        if word in _AMOUNT_UNITS or word in _AREA_UNITS:
            unit = word
        else:
            rest.append(extra)
    if unit is None:
        for word in (*_AMOUNT_UNITS, *_AREA_UNITS):
            stem = base[: -len(word)].rstrip("/") if base.endswith(word) else ""
            if stem and (_key(stem, kinds) or any(p.fullmatch(stem) for p in (*_MONTH_HEADERS, *_CUMULATIVE_HEADERS))):
                base, unit = stem, word
                break
    joined = base + "".join(rest)
    for pattern in _MONTH_HEADERS:
        match = pattern.fullmatch(joined)
        if match:
            month = int(match["m"])
            if not 1 <= month <= 12:
                return f"月份 {month} 不存在"
            return _with_unit(Target("完成投资", unit, month_key(int(match["y"] or year), month)), kinds)
    for pattern in _CUMULATIVE_HEADERS:
        match = pattern.fullmatch(joined)
        if match:
            first, last = int(match.groupdict().get("a") or 1), int(match["b"])
            if not 1 <= first <= last <= 12:
                return f"月份 {first}–{last} 不存在"
            y = int(match["y"] or year)
            return _with_unit(Target("完成投资", unit, span=(month_key(y, first), month_key(y, last))), kinds)
    key = _key(base, kinds)
    if key is None and _CUMULATIVE.search(joined):
        return "累计数的月份无法识别，未导入"
    if key is None:
        return IGNORE if base in _ALWAYS_IGNORED else None
    return _with_unit(Target(key, unit), kinds)


def _key(base: str, kinds: Mapping[str, str]) -> str | None:
    if base in kinds or base == REGION:
        return base
    if _YEAR_PLAN.fullmatch(base):
        return "年度计划投资"
    return SYNONYMS.get(base)


def _with_unit(target: Target, kinds: Mapping[str, str]) -> Target | str:
    kind = "amount" if target.month or target.span else kinds.get(target.key, "text")
    if target.unit is None:
        return target
    if (kind == "amount" and target.unit in _AMOUNT_UNITS) or (kind == "area" and target.unit in _AREA_UNITS):
        return target
    return f"单位「{target.unit}」不适用于「{target.key}」"


def load_header_map(path: Path) -> HeaderMap:
    """A header map file::

    表头行: 4                       # optional: the header row, as Excel numbers it
    列:
      项目名称及建设内容: 名称          # header as written → a ledger key
      总投资（亿）: 总投资（亿元）       # … or any header xm understands, with its unit
      9月完成: 2018年9月完成投资
      联系电话: 忽略                  # not imported (null works too)
    """
    from xiangmu_cli.reading.yamlread import parse_text

    name = shown(display_path(path))
    parsed = parse_text(read_header_map_text(path), display_path(path))  # a file of at most 1 MB, no FIFO
    if parsed.problems:
        p = parsed.problems[0]
        where = f":{p.line}:{p.col}" if p.line is not None else ""
        raise _usage(f"表头映射 {name}{where} 不是有效的 YAML：{p.message}；格式见 docs/interop.md")
    data = parsed.data
    if not isinstance(data, dict) or set(data) - {"表头行", "列"}:
        raise _usage(f"表头映射 {name} 的顶层应只有 表头行 和 列；格式见 docs/interop.md")
    row = data.get("表头行")
    rows = None
    if row is not None:
        numbers = row if isinstance(row, list) else [row]
        if (
            not 1 <= len(numbers) <= 2
            or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in numbers)
            or (len(numbers) == 2 and numbers[1] != numbers[0] + 1)
        ):
            raise _usage(f"表头映射 {name}：表头行 应为正整数（Excel 中的行号），两行表头写 [3, 4]")
        rows = (int(numbers[0]), len(numbers))
    columns = data.get("列") or {}
    if not isinstance(columns, dict) or not all(isinstance(v, (str, type(None))) for v in columns.values()):
        raise _usage(f"表头映射 {name}：列 应为「表头: 字段」的映射")
    return HeaderMap(rows, {normal(k): v for k, v in columns.items()})


#: Under a group header about investment (``2018年投资情况``), these sub-headers are 年度计划投资.
_PLAN_WORDS = {"计划", "年度计划", "本年计划", "全年计划", "计划投资", "年计划", "计划数"}


@dataclass(frozen=True)
class Header:
    """Where a sheet's header is: one row, or two (a group row above its sub-headers); 0-based."""

    row: int
    rows: int = 1

    @property
    def first_data_row(self) -> int:
        return self.row + self.rows

    def describe(self) -> str:
        """As Excel numbers them: ``第 3 行`` or ``第 3–4 行``."""
        return f"第 {self.row + 1} 行" if self.rows == 1 else f"第 {self.row + 1}–{self.row + self.rows} 行"


def _blank(cell: Any) -> bool:
    return cell is None or not str(cell).strip()


def _header_parts(sheet_rows: list[list[Any]], header: Header, i: int) -> list[str]:
    """Column ``i``'s header as written: one cell, or a group header and its sub-header (a cell
    repeated down both rows, a merged one, counts once)."""
    cells = [row[i] if i < len(row) else None for row in sheet_rows[header.row : header.first_data_row]]
    texts = [str(c).strip() for c in cells if not _blank(c)]
    if len(texts) == 2 and normal(texts[0]) == normal(texts[1]):
        texts = texts[:1]
    return texts


def _resolve_pair(upper: str, lower: str, year: int, kinds: Mapping[str, str]) -> Target | str | None:
    """A sub-header under a group header: itself, in the group's year and unit (``2018年投资情况
    （万元）`` / ``9月完成``); 年度计划投资 for 计划 under a group about investment; a month (or months)
    under one about completion (``投资完成情况`` / ``9月``); group and sub joined either way
    (``开工时间`` / ``计划`` → 计划开工时间)."""
    group = normal(upper)
    found = re.search(r"(\d{4})年", group)
    context = int(found[1]) if found else year
    units = [u for u in re.findall(r"\(([^()]*)\)", group) if u in _AMOUNT_UNITS or u in _AREA_UNITS]
    base = re.sub(r"\([^()]*\)", "", group)
    sub = normal(lower)
    unit = f"({units[0]})" if units and "(" not in sub else ""
    candidates: list[Target | str | None] = [resolve_header(sub + unit, context, kinds)]
    if "投资" in base and "总投资" not in base and sub.strip("*※:：") in _PLAN_WORDS:
        candidates.append(resolve_header("年度计划投资" + unit, context, kinds))
    if "完成" in base and re.fullmatch(r"[\d\-~～至到—–月份]+", sub):  # 投资完成情况 over 9月 or 1-9月
        candidates.append(resolve_header(sub + "完成投资" + unit, context, kinds))
    candidates += [resolve_header(base + sub + unit, context, kinds), resolve_header(sub + base + unit, context, kinds)]
    found_target = next((c for c in candidates if isinstance(c, Target)), None)
    if found_target is not None:
        return found_target
    return next((c for c in candidates if isinstance(c, str) and c != IGNORE), None)


def column_targets(
    sheet_rows: list[list[Any]],
    header: Header,
    ledger: Ledger,
    year: int,
    hmap: HeaderMap,
    strict: bool,
    config: Config | None = None,
) -> tuple[dict[int, Target], list[str], dict[int, str]]:
    """Column index → target; the ignored columns (with reasons); column index → header as
    written. ``config``'s extension fields are columns too."""
    from openpyxl.utils import get_column_letter

    kinds = field_kinds(config)
    allowed = set(ledger_fields(ledger, config)) | {REGION}
    targets: dict[int, Target] = {}
    ignored: list[str] = []
    texts: dict[int, str] = {}
    seen: dict[str, int] = {}
    rows = sheet_rows[header.row : header.first_data_row]
    for i in range(max((len(r) for r in rows), default=0)):
        parts = _header_parts(sheet_rows, header, i)
        if not parts:
            continue
        text = texts[i] = "/".join(parts)
        label = f"{get_column_letter(i + 1)}「{shown(text)}」"
        # The map names a column as written: group/sub, or the sub-header alone.
        keys = [normal(text)] + ([normal(parts[-1])] if len(parts) == 2 else [])
        mapped_key = next((k for k in keys if k in hmap.columns), None)
        if mapped_key is not None:
            mapped = hmap.columns[mapped_key]
            if mapped is None or mapped == IGNORE:
                continue
            target = resolve_header(mapped, year, kinds)
            if not isinstance(target, Target) and strict:
                raise _usage(f"表头映射中「{shown(text)}」对应的「{shown(str(mapped))}」不是台账字段")
        elif len(parts) == 2:
            target = _resolve_pair(parts[0], parts[1], year, kinds)
        else:
            target = resolve_header(text, year, kinds)
        if target == IGNORE:
            continue
        if target is None:
            ignored.append(label)
        elif isinstance(target, str):
            ignored.append(f"{label}（{target}）")
        elif target.key not in allowed:
            ignored.append(f"{label}（不是{ledger.value}台账的字段）")
        elif target.field in seen:
            other = get_column_letter(seen[target.field] + 1)
            ignored.append(f"{label}（与 {other} 列重复）")
        else:
            seen[target.field] = i
            targets[i] = target
    return targets, ignored, texts


def header_score(
    sheet: Sheet, ledger: Ledger, year: int, hmap: HeaderMap, config: Config | None = None
) -> tuple[Header | None, int]:
    """The header of the sheet (the one or two rows among the first :data:`HEADER_SCAN_ROWS` that
    map the most columns, 名称 among them; one row preferred on a tie) and how many columns it maps."""
    found: list[tuple[int, int, int, Header]] = []
    for i in range(min(len(sheet.rows), HEADER_SCAN_ROWS)):
        for header in (Header(i), Header(i, 2)):
            if header.first_data_row > len(sheet.rows):
                continue
            targets, _, _ = column_targets(sheet.rows, header, ledger, year, hmap, False, config)
            if len(targets) >= 2 and any(t.key == "名称" for t in targets.values()):
                found.append((-len(targets), header.rows, header.row, header))
    if not found:
        return None, 0
    score, _, _, best = min(found, key=lambda f: f[:3])
    return best, -score


def find_header(sheet: Sheet, ledger: Ledger, year: int, hmap: HeaderMap, config: Config | None = None) -> Header:
    if hmap.rows is not None:
        first, count = hmap.rows
        if first + count - 1 > len(sheet.rows):
            raise _usage(f"表头映射的 表头行 {first} 超出了工作表（共 {len(sheet.rows)} 行）")
        return Header(first - 1, count)
    best, _ = header_score(sheet, ledger, year, hmap, config)
    if best is None:
        raise EditError(
            f"工作表「{sheet.name}」前 {HEADER_SCAN_ROWS} 行中找不到表头（至少要有 名称 和另一个台账字段）；"
            "用 --map 给出表头映射，格式见 docs/interop.md",
            code=1,
        )
    return best


# --- cells --------------------------------------------------------------------------------------


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and (not value.strip() or normal(value) in _PLACEHOLDERS))


def _decimal(value: int | float | Decimal) -> Decimal:
    """A workbook number as the decimal Excel shows (15 significant digits at most)."""
    if isinstance(value, float) and not math.isfinite(value):  # 1e999 in a hostile file; Excel has none
        raise UnitError("E103", f"数值「{value}」超出范围", "Excel 中不会有这样的数，检查这个单元格")
    if isinstance(value, float):
        exact = Decimal(repr(value))
        return exact if len(exact.as_tuple().digits) <= 15 else Decimal(format(value, ".15g"))
    return Decimal(value)


def _text(value: Any) -> str:
    if isinstance(value, bool):  # TRUE/FALSE cells
        raise UnitError("E103", f"应为文字，实际为逻辑值 {str(value).upper()}", "在单元格中写文字")
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        number = _decimal(value)
        return str(int(number)) if number == number.to_integral_value() else format(number, "f")
    return str(value).strip()


def _amount(value: Any, unit: str | None) -> Decimal:
    if isinstance(value, str) and not re.search(r"[亿万]", value):
        value = parse_amount(value)  # a plain number written as text (12,000)
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return parse_amount(_decimal(value) * _AMOUNT_UNITS[unit or "万元"])
    return parse_amount(value)


def _area(value: Any, unit: str | None) -> Decimal:
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return parse_area(format(_decimal(value), "f") + _AREA_UNITS[unit or "平方米"])
    if isinstance(value, str) and unit and re.fullmatch(r"[\d,.，．０-９\s]+", value):
        return parse_area(value.strip() + _AREA_UNITS[unit])
    return parse_area(value)


_LOOSE_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\d{1,2}:\d{2}(?::\d{2})?)?")


_MONTH_ONLY = re.compile(r"(\d{4})(?:[-/.]|年)(\d{1,2})(?:月份?)?")
#: Notes of a cell that was read, but not quite as written: (message, hint).
Notes = list[tuple[str, str]]


def _month_only(y: int, m: int, written: str, notes: Notes | None, ambiguous: bool = False) -> date:
    """``2018.3`` as 2018-03-01 (the first of the month), with a note; an error where ``notes`` is None."""
    if not 1 <= m <= 12:
        raise UnitError("E106", f"日期「{written}」不存在", f"没有 {m} 月，请核对")
    if notes is None:
        raise UnitError("E106", f"日期「{written}」只有年月", "写出具体日期，例如 2018-09-30")
    day = date(y, m, 1)
    message = f"「{written}」只有年月，按 {day} 导入"
    if ambiguous:  # the number 2018.1 is also what Excel makes of 2018.10
        message = f"数字「{written}」只有年月，按 {y} 年 {m} 月（{day}）导入；若是 {y} 年 10 月，请改正"
    notes.append((message, "如知道具体日期，在表中写出，例如 2018-09-30"))
    return day


def _date(value: Any, epoch: datetime, notes: Notes | None = None) -> date:
    """A date cell. With ``notes``, a month without a day (``2018.3``, ``2018年3月``, ``2018-03``,
    the number 2018.3) is the first of the month, noted; without, it is an error."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{5}", value.strip()):
        value = int(value.strip())  # a serial number that lost its date format in a CSV
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1900 <= value < 2100:  # a year (2018) or a year and month typed as a number (2018.3)
            digits = repr(float(value)).split(".")[1]
            if digits == "0":
                raise UnitError("E106", f"「{_text(value)}」只有年份，不是日期", "写成 2018-09-30")
            if len(digits) <= 2:
                return _month_only(int(value), int(digits), _text(value), notes, ambiguous=digits == "1")
            raise UnitError("E106", f"「{_text(value)}」不是日期", "写成 2018-09-30、2018.9.30 或 2018年9月30日")
        if not 1 <= value < 2958466:
            raise UnitError("E106", f"「{_text(value)}」不是日期", "写成 2018-09-30，或把单元格设为日期格式")
        return (epoch + timedelta(days=int(value))).date()
    if isinstance(value, str):
        text = normal(value)
        match = _LOOSE_DATE.fullmatch(text) or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
        if match:
            y, m, d = (int(g) for g in match.groups())
            try:
                return date(y, m, d)
            except ValueError:
                raise UnitError("E106", f"日期「{value}」不存在", f"{y} 年 {m} 月没有 {d} 日，请核对") from None
        match = _MONTH_ONLY.fullmatch(text)
        if match:
            return _month_only(int(match[1]), int(match[2]), value.strip(), notes)
    raise UnitError("E106", f"「{_text(value)}」不是日期", "写成 2018-09-30、2018.9.30 或 2018年9月30日")


_BOOL_WORDS = {"√": True, "✓": True, "✔": True, "y": True, "yes": True, "×": False, "✗": False, "n": False, "no": False}


def _bool(value: Any) -> bool:
    if isinstance(value, str) and normal(value).lower() in _BOOL_WORDS:
        return _BOOL_WORDS[normal(value).lower()]
    return parse_bool(value.strip() if isinstance(value, str) else value)


def _items(key: str, value: Any, epoch: datetime) -> list[Any]:
    """A 问题/走访/前期手续 cell: one item per line, numbered or not, as ``xm export xlsx`` writes it
    (``1. 日期：2018-09-17；内容：协调用地``, :func:`~xiangmu_cli.office.interop.read_list_line`) or
    as in the ledger (``{日期: …, 内容: …}``); 走访 may also list dates separated by 、，；."""
    import yaml_rs

    if key == "走访" and not isinstance(value, str):
        return [_date(value, epoch).isoformat()]
    out: list[Any] = []
    for n, line in enumerate((strip_item_number(ln.strip()) for ln in str(value).splitlines()), start=1):
        if not line:
            continue
        if key == "走访" and not line.startswith("{") and "：" not in line:
            out += [_date(part, epoch).isoformat() for part in re.split(r"[、,，;；\s]+", line) if part]
            continue
        try:
            out.append(yaml_rs.loads(line, parse_datetime=False) if line.startswith("{") else read_list_line(line))
        except ValueError:  # yaml_rs.YAMLDecodeError (or UnicodeEncodeError for a lone surrogate)
            example = (
                "1. 提出日期：2018-09-01；内容：用地未落实" if key == "问题" else "1. 名称：立项；计划办结：2018-05-17"
            )
            raise UnitError("E103", f"第 {n} 项「{line}」无法读取", f"每行写一项，例如 {example}") from None
    return out


def convert(target: Target, value: Any, epoch: datetime, notes: Notes, kinds: Mapping[str, str] = FIELD_KINDS) -> Any:
    """A cell's value for its column's target; UnitError when it cannot be read, ``notes`` for
    what was read but not quite as written (a month without a day). ``kinds``: :func:`field_kinds`."""
    kind = "amount" if target.month or target.span else kinds.get(target.key, "text")
    if kind == "amount":
        return _amount(value, target.unit)
    if kind == "area":
        return _area(value, target.unit)
    if kind == "date":
        return _date(value, epoch, notes)
    if kind == "bool":
        return _bool(value)
    if kind == "list":
        return _items(target.key, value, epoch)
    return _text(value)


# --- rows ---------------------------------------------------------------------------------------


def skip_reason(row: list[Any], index: int, sheet: Sheet) -> str | None:
    """Why a row below the header is not a project (空行, 合计/小计行, 分组标题行), or None."""
    values = [v for v in row if not is_empty(v)]
    if not values:
        return "空行"
    texts = [normal(v) for v in values if isinstance(v, str)]
    if any(_SUBTOTAL.search(t) for t in texts):
        return "合计/小计行"
    if (
        all(isinstance(v, str) for v in values)
        and len({v.strip() for v in values}) == 1
        and (index in sheet.merged_rows or _SECTION.match(normal(values[0])))
    ):
        return "分组标题行"
    return None
