"""Importing a sheet of an Excel workbook (.xlsx) or a CSV file into a ledger (``xm import``).

:func:`plan_import` reads the sheet, finds the header row, maps the columns onto the ledger's
fields, converts every cell, validates each row as a project, and returns an
:class:`ImportResult`: the rows it could not map (row, column, Chinese reason), the conflicts
with existing 编号, and an :class:`~xiangmu_cli.write.edit.EditPlan` appending the good rows to the
ledger files (``ledgers/<地区>/<台账>.yaml``, created when absent), verified by reloading the
repository (:func:`xiangmu_cli.write.edit.add_projects`). Nothing is written here.

Headers: spaces, full-width characters and brackets (NFKC), ``*`` markers and a unit in brackets
are tolerated: ``项目名称``/``名称``, ``总投资（万元）``/``总投资(亿元)``/``计划总投资``; month columns
``2018年9月完成投资``, ``9月完成投资`` (the year of xiangmu.yaml), ``完成投资（2018-09）``. The header
row is the row among the first 30 that maps most columns (title rows above it, merged or not,
are passed over). A header map file (YAML) handles unusual sheets; see docs/interop.md.

Rows: blank rows, 合计/小计/总计 rows and section rows (``一、工业项目`` alone on its row) are skipped
and counted; every other row is a project or a reported failure. Amounts are exact Decimals (a
binary float from the workbook is taken with Excel's 15 significant digits), times the column's
unit (亿元 × 10000, 元 ÷ 10000). Dates may be real dates, Excel serial numbers or text
(``2018.9.30``, ``2018/9/30``, ``2018年9月30日``). A row with any bad value is not imported (a
value is never silently dropped).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from xiangmu_cli.base.fileio import display_path
from xiangmu_cli.base.safetext import restore_formula
from xiangmu_cli.ledger.model import Config
from xiangmu_cli.ledger.units import UnitError, month_key, parse_amount, parse_area, parse_bool
from xiangmu_cli.ledger.vocab import Ledger
from xiangmu_cli.office.importfile import SUFFIXES, ImportLimits, Sheet, read_header_map_text, read_rows, shown
from xiangmu_cli.office.interop import (
    FIELD_KINDS,
    REGION,
    field_kinds,
    ledger_fields,
    read_list_line,
    strip_item_number,
)
from xiangmu_cli.reading.records import Repository
from xiangmu_cli.write.edit import EditError, EditPlan, add_projects

__all__ = [
    "ImportResult",
    "RowIssue",
    "HeaderMap",
    "Target",
    "read_rows",
    "load_header_map",
    "resolve_header",
    "plan_import",
    "SUFFIXES",
    "ImportLimits",
    "Sheet",
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
_CUMULATIVE = re.compile(r"\d{1,2}[-~至到]\d{1,2}月")
_YEAR_PLAN = re.compile(r"\d{4}年度?计划(?:完成)?投资")
_BRACKETS = str.maketrans({"【": "(", "】": ")", "〔": "(", "〕": ")", "[": "(", "]": ")"})
_SUBTOTAL = re.compile(r"^(?:合计|小计|总计|共计)(?:$|[(:：\d])|(?:合计|小计|总计)(?:\(.*\))?[:：]?$")
_SECTION = re.compile(
    r"^(?:[一二三四五六七八九十百]+[、.]|\(?[一二三四五六七八九十\d]+\)|第[一二三四五六七八九十\d]+[类部])"
)
_PLACEHOLDERS = {"-", "—", "–", "——", "/", "\\", "－", "--"}


@dataclass(frozen=True)
class Target:
    """What a column holds: a ledger key (or 地区), with the header's unit; or one month of 完成投资."""

    key: str
    unit: str | None = None
    month: str | None = None  # "YYYY-MM" for a 完成投资 column


@dataclass
class HeaderMap:
    """A header map file: the header row (1-based, optional) and header text → target header."""

    row: int | None = None
    columns: dict[str, str | None] = field(default_factory=dict)


@dataclass
class RowIssue:
    row: int
    column: str  # "E 列「开工日期」", or "" for the row as a whole
    message: str
    hint: str = ""

    def __str__(self) -> str:
        """One line; what came from the file is shown with control characters escaped, clipped."""
        where = f"第 {self.row} 行" + (f" {shown(self.column)}" if self.column else "")
        return f"{where}：{shown(self.message)}" + (f"（{shown(self.hint)}）" if self.hint else "")


@dataclass
class ImportResult:
    sheet: str
    header_row: int
    ledger: Ledger
    plan: EditPlan | None
    #: (sheet row, region, 编号) of every row to be written.
    imported: list[tuple[int, str, str]] = field(default_factory=list)
    issues: list[RowIssue] = field(default_factory=list)
    conflicts: list[RowIssue] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    #: Columns not imported, each "F「联系电话」" with the reason when there is one.
    ignored: list[str] = field(default_factory=list)


# --- reading ------------------------------------------------------------------------------------


def _usage(message: str) -> EditError:
    return EditError(message, code=2)


# --- headers ------------------------------------------------------------------------------------


def _normal(text: Any) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)).translate(_BRACKETS))


def resolve_header(text: Any, year: int, kinds: Mapping[str, str] = FIELD_KINDS) -> Target | str | None:
    """The column's target; a reason (str) when it is recognised but cannot be imported; None
    when it is not a ledger column at all. ``kinds`` are the fields known (:func:`field_kinds`:
    with a repository's extension fields)."""
    t = _normal(text).strip("*※:：")
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
            if stem and (_key(stem, kinds) or any(p.fullmatch(stem) for p in _MONTH_HEADERS)):
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
    if _CUMULATIVE.search(joined):
        return "累计数无法拆分到各月，未导入"
    key = _key(base, kinds)
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
    kind = "amount" if target.month else kinds.get(target.key, "text")
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
    if row is not None and (not isinstance(row, int) or isinstance(row, bool) or row < 1):
        raise _usage(f"表头映射 {name}：表头行 应为正整数（Excel 中的行号）")
    columns = data.get("列") or {}
    if not isinstance(columns, dict) or not all(isinstance(v, (str, type(None))) for v in columns.values()):
        raise _usage(f"表头映射 {name}：列 应为「表头: 字段」的映射")
    return HeaderMap(row, {_normal(k): v for k, v in columns.items()})


def _column_targets(
    header: list[Any], ledger: Ledger, year: int, hmap: HeaderMap, strict: bool, config: Config | None = None
) -> tuple[dict[int, Target], list[str]]:
    """Column index → target, and the ignored columns (with reasons); ``config``'s extension
    fields are columns too."""
    from openpyxl.utils import get_column_letter

    kinds = field_kinds(config)
    allowed = set(ledger_fields(ledger, config)) | {REGION}
    targets: dict[int, Target] = {}
    ignored: list[str] = []
    seen: dict[tuple[str, str | None], int] = {}
    for i, cell in enumerate(header):
        if cell is None or not str(cell).strip():
            continue
        label = f"{get_column_letter(i + 1)}「{shown(str(cell).strip())}」"
        mapped = hmap.columns.get(_normal(cell), cell) if _normal(cell) in hmap.columns else cell
        if mapped is None or mapped == IGNORE:
            continue
        target = resolve_header(mapped, year, kinds)
        if mapped is not cell and not isinstance(target, Target) and strict:
            raise _usage(f"表头映射中「{shown(str(cell))}」对应的「{shown(str(mapped))}」不是台账字段")
        if target == IGNORE:
            continue
        if target is None:
            ignored.append(label)
        elif isinstance(target, str):
            ignored.append(f"{label}（{target}）")
        elif target.key not in allowed:
            ignored.append(f"{label}（不是{ledger.value}台账的字段）")
        elif (target.key, target.month) in seen:
            other = get_column_letter(seen[(target.key, target.month)] + 1)
            ignored.append(f"{label}（与 {other} 列重复）")
        else:
            seen[(target.key, target.month)] = i
            targets[i] = target
    return targets, ignored


def _find_header(sheet: Sheet, ledger: Ledger, year: int, hmap: HeaderMap, config: Config | None) -> int:
    if hmap.row is not None:
        if hmap.row > len(sheet.rows):
            raise _usage(f"表头映射的 表头行 {hmap.row} 超出了工作表（共 {len(sheet.rows)} 行）")
        return hmap.row - 1
    best, best_score = None, 1
    for i, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        targets, _ = _column_targets(row, ledger, year, hmap, False, config)
        score = len(targets)
        if score > best_score and any(t.key == "名称" for t in targets.values()):
            best, best_score = i, score
    if best is None:
        raise EditError(
            f"工作表「{sheet.name}」前 {HEADER_SCAN_ROWS} 行中找不到表头（至少要有 名称 和另一个台账字段）；"
            "用 --map 给出表头映射，格式见 docs/interop.md",
            code=1,
        )
    return best


# --- cells --------------------------------------------------------------------------------------


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and (not value.strip() or _normal(value) in _PLACEHOLDERS))


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


def _date(value: Any, epoch: datetime) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{5}", value.strip()):
        value = int(value.strip())  # a serial number that lost its date format in a CSV
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not 1 <= value < 2958466:
            raise UnitError("E106", f"「{_text(value)}」不是日期", "写成 2018-09-30，或把单元格设为日期格式")
        return (epoch + timedelta(days=int(value))).date()
    if isinstance(value, str):
        text = _normal(value)
        match = _LOOSE_DATE.fullmatch(text) or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
        if match:
            y, m, d = (int(g) for g in match.groups())
            try:
                return date(y, m, d)
            except ValueError:
                raise UnitError("E106", f"日期「{value}」不存在", f"{y} 年 {m} 月没有 {d} 日，请核对") from None
        if re.fullmatch(r"\d{4}[-/.年]\d{1,2}月?", text):
            raise UnitError("E106", f"日期「{value}」只有年月", "写出具体日期，例如 2018-09-30")
    raise UnitError("E106", f"「{_text(value)}」不是日期", "写成 2018-09-30、2018.9.30 或 2018年9月30日")


_BOOL_WORDS = {"√": True, "✓": True, "✔": True, "y": True, "yes": True, "×": False, "✗": False, "n": False, "no": False}


def _bool(value: Any) -> bool:
    if isinstance(value, str) and _normal(value).lower() in _BOOL_WORDS:
        return _BOOL_WORDS[_normal(value).lower()]
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


def _convert(target: Target, value: Any, epoch: datetime, kinds: Mapping[str, str]) -> Any:
    kind = "amount" if target.month else kinds.get(target.key, "text")
    if kind == "amount":
        return _amount(value, target.unit)
    if kind == "area":
        return _area(value, target.unit)
    if kind == "date":
        return _date(value, epoch)
    if kind == "bool":
        return _bool(value)
    if kind == "list":
        return _items(target.key, value, epoch)
    return _text(value)


# --- rows ---------------------------------------------------------------------------------------


def _skip_reason(row: list[Any], index: int, sheet: Sheet) -> str | None:
    values = [v for v in row if not _is_empty(v)]
    if not values:
        return "空行"
    texts = [_normal(v) for v in values if isinstance(v, str)]
    if any(_SUBTOTAL.search(t) for t in texts):
        return "合计/小计行"
    if (
        all(isinstance(v, str) for v in values)
        and len({v.strip() for v in values}) == 1
        and (index in sheet.merged_rows or _SECTION.match(_normal(values[0])))
    ):
        return "分组标题行"
    return None


def _row_data(
    row: list[Any],
    rownum: int,
    targets: dict[int, Target],
    labels: dict[int, str],
    epoch: datetime,
    kinds: Mapping[str, str] = FIELD_KINDS,
) -> tuple[dict[str, Any], str | None, list[RowIssue]]:
    data: dict[str, Any] = {}
    region = None
    issues = []
    for i, target in targets.items():
        value = row[i] if i < len(row) else None
        if _is_empty(value):
            continue
        if isinstance(value, str):
            value = restore_formula(value)
        try:
            converted = _convert(target, value, epoch, kinds)
        except UnitError as exc:
            issues.append(RowIssue(rownum, labels[i], exc.message, exc.hint))
            continue
        if target.key == REGION:
            region = converted
        elif target.month:
            data.setdefault("完成投资", {})[target.month] = converted
        else:
            data[target.key] = converted
    return data, region, issues


def _validate(
    data: dict[str, Any], ledger: Ledger, rownum: int, labels: dict[str, str], config: Config | None
) -> tuple[Any, list[RowIssue]]:
    from pydantic import ValidationError

    from xiangmu_cli.ledger.model import project_model
    from xiangmu_cli.reading.loading import problems_from_validation

    model = project_model(ledger, config)
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        problems = problems_from_validation(exc, "", (), model, ledger, data)
    issues = []
    for p in problems:
        key = p.path[0] if p.path else ""
        if key == "完成投资" and len(p.path) > 1:
            key = f"完成投资:{p.path[1]}"
        column = labels.get(str(key), "")
        message = p.message
        if p.code == "E102" and not column:
            message = f"缺少「{key}」（{ledger.value}台账必填）"
        issues.append(RowIssue(rownum, column, message, p.hint if column else f"在表中加一列 {key} 并填写"))
    return None, issues


def _ranges(rows: list[int]) -> str:
    """``[5, 6, 7, 9]`` → ``5–7、9``."""
    parts: list[str] = []
    start = prev = rows[0]
    for cur in [*rows[1:], None]:
        if cur is not None and cur == prev + 1:
            prev = cur
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        if cur is not None:
            start = prev = cur
    return "、".join(parts)


def plan_import(
    repo: Repository,
    path: Path,
    ledger: Ledger | None = None,
    region: str | None = None,
    sheet: str | None = None,
    header_map: Path | None = None,
    limits: ImportLimits | None = None,
) -> ImportResult:
    """Read the sheet and plan the import (nothing is written; see the module docstring).

    ``ledger`` defaults to the sheet's name when it is a ledger name; ``region`` may be left out
    when the sheet has a 地区 column (each row then goes to its own region's file; with both,
    rows of other regions are skipped). The file is read within ``limits``
    (:mod:`xiangmu_cli.office.importfile`). Usage errors raise EditError with code 2, a bad file code 1.
    """
    if repo.config is None:
        raise EditError(f"{repo.config_file} 缺失或有错误，无法导入；请先运行 xm validate 并改正")
    regions = repo.config.region_names
    if region is not None and region not in regions:
        raise _usage(f"没有地区「{region}」；xiangmu.yaml 中的地区为：{'、'.join(regions)}")
    hmap = load_header_map(header_map) if header_map is not None else HeaderMap()
    table = read_rows(path, sheet, limits)
    if ledger is None:
        try:
            ledger = Ledger(table.name.strip())
        except ValueError:
            raise _usage(
                "请用 --ledger 指定导入哪本台账（在建、未入统、计划开工、招商、谋划）；"
                f"工作表名「{table.name}」不是台账名"
            ) from None
    columns = _columns(table, ledger, repo.config.year, hmap, region, repo.config)
    result = ImportResult(table.name, columns.head + 1, ledger, None, ignored=columns.ignored)
    groups = _read_projects(repo, table, columns, ledger, region, regions, result)
    if result.conflicts:
        return result
    source = f"{shown(path.name)} " + ("" if path.suffix.lower() == ".csv" else f"工作表「{table.name}」")
    plan_groups = []
    for name in [r for r in regions if r in groups]:
        rows = [n for n, _ in groups[name]]
        comment = f"导入自 {source}第 {_ranges(rows)} 行"
        plan_groups.append((name, ledger, [d for _, d in groups[name]], comment))
        result.imported += [(n, name, d["编号"]) for n, d in groups[name]]
    if plan_groups:
        count = len(result.imported)
        result.plan = add_projects(repo, plan_groups, f"从 {source}导入 {count} 个项目到{ledger.value}台账")
    return result


@dataclass
class _Columns:
    """The sheet's header row and what its columns are."""

    head: int  # 0-based row of the header
    targets: dict[int, Target]
    ignored: list[str]
    labels: dict[int, str]  # column → "E 列「开工日期」"
    by_key: dict[str, str]  # ledger key (完成投资:YYYY-MM for a month) → its column's label


def _columns(
    table: Sheet, ledger: Ledger, year: int, hmap: HeaderMap, region: str | None, config: Config | None
) -> _Columns:
    from openpyxl.utils import get_column_letter

    head = _find_header(table, ledger, year, hmap, config)
    targets, ignored = _column_targets(table.rows[head], ledger, year, hmap, True, config)
    if not any(t.key == "名称" for t in targets.values()):
        raise EditError(f"第 {head + 1} 行的表头中没有项目名称列；用 --map 给出表头映射，格式见 docs/interop.md")
    if not any(t.key == REGION for t in targets.values()) and region is None:
        raise _usage("表中没有 地区 列：请用 --region 指定导入到哪个地区")
    labels = {i: f"{get_column_letter(i + 1)} 列「{shown(str(table.rows[head][i]).strip())}」" for i in targets}
    by_key = {(f"完成投资:{t.month}" if t.month else t.key): labels[i] for i, t in targets.items()}
    return _Columns(head, targets, ignored, labels, by_key)


def _read_projects(
    repo: Repository,
    table: Sheet,
    columns: _Columns,
    ledger: Ledger,
    region: str | None,
    regions: list[str],
    result: ImportResult,
) -> dict[str, list[tuple[int, dict[str, Any]]]]:
    """The projects of the rows below the header, by region: (sheet row, data by alias) each. The
    rows skipped, the rows' issues and the 编号 conflicts go to ``result``."""
    by_key = columns.by_key
    kinds = field_kinds(repo.config)
    known = {code: file for code, file, _ in repo.ids}
    seen: dict[str, int] = {}
    groups: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for index in range(columns.head + 1, len(table.rows)):
        row, rownum = table.rows[index], index + 1
        reason = _skip_reason(row, index, table)
        if reason:
            result.skipped[reason] += 1
            continue
        data, row_region, issues = _row_data(row, rownum, columns.targets, columns.labels, table.epoch, kinds)
        if region is not None and row_region in regions and row_region != region:
            result.skipped["其他地区的行"] += 1
            continue
        issues += _region_issues(rownum, row_region, region, regions, by_key)
        if not issues and "编号" not in data:
            issues = [_no_code(rownum, by_key)]
        if issues:
            result.issues += issues
            continue
        project, issues = _validate(data, ledger, rownum, by_key, repo.config)
        if issues:
            result.issues += issues
            continue
        code = project.code
        result.conflicts += _conflicts(code, rownum, known, seen, by_key)
        seen.setdefault(code, rownum)
        data = project.model_dump(by_alias=True, exclude_none=True)
        groups.setdefault(row_region or region or "", []).append((rownum, data))  # one of them is set
    return groups


def _conflicts(
    code: str, rownum: int, known: dict[str, str], seen: dict[str, int], by_key: dict[str, str]
) -> list[RowIssue]:
    """A 编号 already in the ledgers (``known``: its file) or on an earlier row (``seen``)."""
    if code in known:
        exists = f"编号 {code} 已在 {known[code]} 中"
        return [RowIssue(rownum, by_key["编号"], exists, "不会覆盖已有项目；请改用新编号，或先从表中删去这一行")]
    if code in seen:
        return [RowIssue(rownum, by_key["编号"], f"编号 {code} 与第 {seen[code]} 行重复")]
    return []


def _region_issues(
    rownum: int, row_region: str | None, region: str | None, regions: list[str], by_key: dict[str, str]
) -> list[RowIssue]:
    if row_region is not None and row_region not in regions:
        found = f"地区「{row_region}」不在 xiangmu.yaml 中"
        return [RowIssue(rownum, by_key[REGION], found, "地区为：" + "、".join(regions))]
    if region is None and row_region is None:
        return [RowIssue(rownum, by_key[REGION], "没有地区", "填写地区，或用 --region 指定")]
    return []


def _no_code(rownum: int, by_key: dict[str, str]) -> RowIssue:
    hint = (
        "给每个项目填写编号，例如 CY-2018-001"
        if "编号" in by_key
        else "在表中加一列 编号，给每个项目填写编号，例如 CY-2018-001"
    )
    return RowIssue(rownum, by_key.get("编号", ""), "没有编号", hint)
