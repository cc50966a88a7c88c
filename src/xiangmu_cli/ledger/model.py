"""Pydantic models of xiangmu.yaml and the five ledgers (docs/ledger-format.md).

Keys are Chinese (the aliases, as in the files); attributes are English. Scalars go through
the parsers of :mod:`xiangmu_cli.ledger.units`, which raise problem codes; the loader turns
pydantic's errors into :class:`~xiangmu_cli.ledger.problems.Problem` records. The models check
shape and type only: rules that need other fields, other files or xiangmu.yaml live in
:mod:`xiangmu_cli.reading.checks`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, ClassVar, SupportsIndex, TypeAlias

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetPydanticSchema,
    ValidationInfo,
    WithJsonSchema,
    create_model,
    field_validator,
)
from pydantic_core import CoreSchema, PydanticCustomError
from pydantic_core import core_schema as cs

from xiangmu_cli.base.safetext import CONTROL_CHARS, first_control, visible
from xiangmu_cli.ledger import units
from xiangmu_cli.ledger.vocab import Ledger

__all__ = [
    "Issue",
    "Escalation",
    "ISSUE_LEVELS",
    "Visit",
    "Approval",
    "PriorMonths",
    "Project",
    "StartedProject",
    "BuildingProject",
    "UnstatProject",
    "PlannedProject",
    "InvestmentProject",
    "ReserveProject",
    "PROJECT_MODELS",
    "Config",
    "Bulletin",
    "Caliber",
    "Leader",
    "RegionDef",
    "Evaluation",
    "Extension",
    "EXTENSION_KINDS",
    "VISIT_MODES",
    "REMOTE_MODES",
    "RESERVED_KEYS",
    "MAX_EXTENSIONS",
    "MAX_EXTENSION_OPTIONS",
    "project_model",
    "INEXACT",
    "READ_AS_NUMBER",
    "clean_errors",
    "key_order",
]

#: The error type raised for a float literal too long for a binary float; the loader re-reads
#: that file's scalars from the source text.
INEXACT = "inexact_float"
#: The key, in a pydantic error's context, of :attr:`units.UnitError.read_as_number`.
READ_AS_NUMBER = "read_as_number"


def _parser(parse: Callable[[Any], Any], optional: bool) -> Callable[[Any], Any]:
    def validate(value: Any) -> Any:
        if value is None:
            if optional:
                return None
            raise PydanticCustomError("E102", "{message}", {"message": "该项为空", "hint": "请填写该项"})
        try:
            return parse(value)
        except units.UnitError as exc:
            context: dict[str, Any] = {"message": exc.message, "hint": exc.hint}
            if exc.read_as_number:
                context[READ_AS_NUMBER] = True
            raise PydanticCustomError(exc.code, "{message}", context) from None
        except units.InexactFloat:
            raise PydanticCustomError(INEXACT, "inexact float") from None

    return validate


#: Union branch labels of a scalar (see :func:`_scalar`); they appear in pydantic's error locations.
_FAST, _PARSE = "\x00fast", "\x00parse"
#: Every (parser, fast schema) pair in use, for the test that they agree.
FAST_PATHS: list[tuple[Callable[[Any], Any], CoreSchema]] = []


def _scalar_schema(parse: Callable[[Any], Any], fast: CoreSchema | None, optional: bool) -> GetPydanticSchema:
    """The core schema of one scalar kind, required or optional (None allowed).

    ``parse`` (a :mod:`~xiangmu_cli.ledger.units` parser) decides what a value means and
    explains every error. For speed, ``fast`` may give a pydantic-core schema that validates the
    common spelling in Rust without calling Python; it must accept only values on which it gives
    exactly ``parse``'s result (tests/test_paths.py checks this, for every required kind with a
    fast branch: they are listed in :data:`FAST_PATHS`), and anything it rejects goes on to
    ``parse``. The loader drops the fast branch's errors (:func:`clean_errors`).
    """
    if fast is not None and not optional and (parse, fast) not in FAST_PATHS:
        FAST_PATHS.append((parse, fast))
    validator = cs.no_info_plain_validator_function(_parser(parse, optional))
    schema = validator if fast is None else cs.union_schema([(fast, _FAST), (validator, _PARSE)], mode="left_to_right")
    return GetPydanticSchema(lambda _source, _handler: schema)


def _required(parse: Callable[[Any], Any], fast: CoreSchema | None = None) -> GetPydanticSchema:
    return _scalar_schema(parse, fast, optional=False)


def _optional(parse: Callable[[Any], Any], fast: CoreSchema | None = None) -> GetPydanticSchema:
    return _scalar_schema(parse, fast, optional=True)


def _json(schema: dict[str, Any], description: str) -> WithJsonSchema:
    """The JSON Schema of a required scalar: ``schema`` with its description."""
    return WithJsonSchema({**schema, "description": description})


def _json_or_null(schema: dict[str, Any], description: str) -> WithJsonSchema:
    """The JSON Schema of an optional scalar: ``schema`` or null, with its description."""
    return WithJsonSchema({"anyOf": [schema, {"type": "null"}], "description": description})


def clean_errors(errors: list[Any]) -> list[Any]:
    """Pydantic's errors without those of the fast branches, which only said "not the common case"."""
    cleaned = []
    for err in errors:
        loc = err["loc"]
        if _FAST in loc:
            continue
        if _PARSE in loc:
            err = {**err, "loc": tuple(e for e in loc if e != _PARSE)}
        cleaned.append(err)
    return cleaned


# Fast branches: plain YAML values already in their final form.
#: Text: a string, stripped as str.strip() strips (which differs from Rust's trim only on
#: U+001C..U+001F: such strings go to the parser).
#: Text with a control character (E111) goes to the parser too.
_FAST_TEXT = cs.str_schema(strict=True, strip_whitespace=True, min_length=1, pattern=f"^[^{CONTROL_CHARS}]*$")
#: Amounts: a non-negative integer up to the plausibility limit, as Decimal(int).
_FAST_AMOUNT = cs.chain_schema([cs.int_schema(strict=True, ge=0, le=int(units.MAX_AMOUNT)), cs.decimal_schema()])
_FAST_DATE = cs.chain_schema(
    [
        cs.str_schema(strict=True, pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
        cs.date_schema(ge=date(units.DATE_YEARS.start, 1, 1), le=date(units.DATE_YEARS.stop - 1, 12, 31)),
    ]
)


def _text(value: Any) -> str:
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise units.UnitError("E102", "该项为空", "请填写该项")
        bad = first_control(text)
        if bad is not None:
            raise units.UnitError(
                "E111",
                f"文字中有控制字符 U+{ord(bad):04X}（在第 {text.index(bad) + 1} 个字符处）：「{visible(text)}」",
                '删去该字符：它通常来自 YAML 转义（如 "\\e"、"\\0"）或从别处粘贴，看不见却会扰乱终端和表格',
            )
        return text
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return str(value)
        except ValueError:  # more than 4300 digits, which str() refuses: the digits all the same
            return format(Decimal(value), "f")
    shown = "true" if value is True else "false" if value is False else type(value).__name__
    kind = {"list": "列表", "dict": "映射"}.get(type(value).__name__, shown)
    raise units.UnitError(
        "E103",
        f"应为文字，实际为{kind}「{units.as_text(value)}」" if kind == shown else f"应为文字，实际为{kind}",
        '如需写成文字，请加引号，例如 "true"' if isinstance(value, bool) else "写成一行文字",
    )


_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


def _project_id(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise units.UnitError(
            "E108",
            f"编号被 YAML 读成了数字「{units.as_text(value)}」",
            '给编号加引号，例如 编号: "010"',
            read_as_number=True,
        )
    if not isinstance(value, str):
        raise units.UnitError("E108", "编号应为文字", "编号由字母、数字、- 和 _ 组成，例如 CY-2018-001")
    if not _ID_RE.fullmatch(value):
        raise units.UnitError(
            "E108", f"编号「{value}」含有不允许的字符", "编号以字母或数字开头，只含字母、数字、- 和 _，例如 CY-2018-001"
        )
    return value


def _int(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        try:
            return int(value.strip())
        except ValueError:  # digits int() does not read (²), or more than 4300 of them
            if value.strip().isdecimal():
                raise units.UnitError("E109", f"整数「{value}」大得不合理", "写一个整数，例如 15") from None
    raise units.UnitError("E103", f"应为整数，实际为「{units.as_text(value)}」", "写一个整数，例如 15")


def _year(value: Any) -> int:
    year = _int(value)
    if not 1949 <= year <= 2200:
        raise units.UnitError("E109", f"年度「{units.as_text(value)}」不合理", "写四位年份，例如 2018")
    return year


def _choice(*options: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if isinstance(value, str) and value.strip() in options:
            return value.strip()
        raise units.UnitError("E109", f"「{units.as_text(value)}」不是允许的取值", "应为 " + " 或 ".join(options))

    return parse


def _target_value(value: Any) -> Decimal:
    """A target: a count, an amount in 万元 (``1.2亿``) or a rate (``0.8`` or ``80%``)."""
    if isinstance(value, str) and value.strip().endswith(("%", "％")):
        return units.parse_amount(value.strip()[:-1]) / 100
    return units.parse_amount(value)


#: A number written as text, as the parsers read it: starts with a digit (``0.5``, not ``.5``);
#: commas, if any, group by three (``12,000``, not ``1,2000``); full-width digits and marks too.
_NUMBER_PATTERN = r"(?:[0-9０-９]{1,3}(?:[,，][0-9０-９]{3})+|[0-9０-９]+)(?:[.．][0-9０-９]+)?"
_AMOUNT_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "number", "minimum": 0},
        {"type": "string", "pattern": rf"^\s*{_NUMBER_PATTERN}\s*(?:亿元|亿|万元|万)?\s*$"},
    ]
}
_AREA_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "number", "minimum": 0},
        {"type": "string", "pattern": rf"^\s*{_NUMBER_PATTERN}\s*(?:平方米|平米|㎡|m²|m2|公顷|亩)?\s*$"},
    ]
}
_DATE_SCHEMA = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_BOOL_SCHEMA = {"anyOf": [{"type": "boolean"}, {"enum": ["是", "否"]}]}

# The scalar kinds, each a required and (where a field may be empty) an optional type: the
# Python type mypy sees, the core schema that validates it, and the JSON Schema of ``xm schema``.

_AMOUNT_TEXT = "金额（万元），可写 12000、1.2亿、5000万元"
Amount: TypeAlias = Annotated[Decimal, _required(units.parse_amount, _FAST_AMOUNT), _json(_AMOUNT_SCHEMA, _AMOUNT_TEXT)]
OptAmount: TypeAlias = Annotated[
    Decimal | None, _optional(units.parse_amount, _FAST_AMOUNT), _json_or_null(_AMOUNT_SCHEMA, _AMOUNT_TEXT)
]

_AREA_TEXT = "面积（平方米，读入时保留两位小数，四舍六入五成双），可写 35000、35000平米、35000㎡、82.1公顷、123亩"
OptArea: TypeAlias = Annotated[Decimal | None, _optional(units.parse_area), _json_or_null(_AREA_SCHEMA, _AREA_TEXT)]

_DAY_TEXT = "日期，YYYY-MM-DD"
Day: TypeAlias = Annotated[date, _required(units.parse_date, _FAST_DATE), _json(_DATE_SCHEMA, _DAY_TEXT)]
OptDay: TypeAlias = Annotated[
    date | None, _optional(units.parse_date, _FAST_DATE), _json_or_null(_DATE_SCHEMA, _DAY_TEXT)
]

_TEXT_SCHEMA: dict[str, Any] = {"type": "string"}
Text: TypeAlias = Annotated[str, _required(_text, _FAST_TEXT), _json(_TEXT_SCHEMA, "文字")]
OptText: TypeAlias = Annotated[str | None, _optional(_text, _FAST_TEXT), _json_or_null(_TEXT_SCHEMA, "文字")]

_FAST_BOOL = cs.bool_schema(strict=True)
Bool: TypeAlias = Annotated[bool, _required(units.parse_bool, _FAST_BOOL), _json(_BOOL_SCHEMA, "是/否")]
OptBool: TypeAlias = Annotated[
    bool | None, _optional(units.parse_bool, _FAST_BOOL), _json_or_null(_BOOL_SCHEMA, "是/否")
]

ProjectId: TypeAlias = Annotated[
    str,
    _required(_project_id, cs.str_schema(strict=True, pattern="^[A-Za-z0-9][A-Za-z0-9_-]*$")),
    _json(
        {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_-]*$"},
        "项目编号，全库唯一，例如 CY-2018-001；纯数字须加引号",
    ),
]

# --- issue 16: the fields real offices keep -------------------------------------------------

#: 项目代码: the 24-character code of the national online approval platform (全国投资项目在线审批监管
#: 平台), five groups of digits joined by "-": 4 (year / 时间代码), 6 (行政区划 / 地区代码), 2 (行业 /
#: 中央业务指导部门), 2 (项目类型), 6 (流水号; since GB/T 40058-2021 随机码 and 校验码).
PROJECT_CODE_PATTERN = "^[0-9]{4}-[0-9]{6}-[0-9]{2}-[0-9]{2}-[0-9]{6}$"
_PROJECT_CODE_RE = re.compile(PROJECT_CODE_PATTERN)
_PROJECT_CODE_HINT = (
    "项目代码为在线审批监管平台赋予的 24 位代码，例如 2018-220204-13-03-012345（4-6-2-2-6 位数字，以 - 连接）"
)


def _national_code(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise units.UnitError("E112", f"项目代码被 YAML 读成了数字「{units.as_text(value)}」", _PROJECT_CODE_HINT)
    text = _text(value)
    if not _PROJECT_CODE_RE.fullmatch(text):
        raise units.UnitError("E112", f"项目代码「{text}」格式不对", _PROJECT_CODE_HINT)
    return text


OptProjectCode: TypeAlias = Annotated[
    str | None,
    _optional(_national_code, cs.str_schema(strict=True, pattern=PROJECT_CODE_PATTERN)),
    _json_or_null(
        {"type": "string", "pattern": PROJECT_CODE_PATTERN},
        "项目代码（在线审批监管平台），例如 2018-220204-13-03-012345",
    ),
]

#: 走访 方式 (003: 每半个月到现场踏查, 每周沟通、走访): how the secretary was in touch.
VISIT_MODES = ["现场", "电话", "座谈", "视频"]
#: 方式 of a remote contact, which 走访周期 (the visit to the site every half month) does not count.
REMOTE_MODES = ("电话", "视频")
#: A problem's 层级, in escalation order (003: 联席会议确定不了的，提交市政府专题会议或市政府常务会议).
ISSUE_LEVELS = ["联席会议", "专题会议", "常务会议"]


_MODE_TEXT = "走访方式：" + "、".join(VISIT_MODES)
OptVisitMode: TypeAlias = Annotated[
    str | None,
    _optional(_choice(*VISIT_MODES), cs.literal_schema(VISIT_MODES)),
    _json_or_null({"enum": VISIT_MODES}, _MODE_TEXT),
]
_LEVEL_TEXT = "协调层级（逐级提交）：" + " → ".join(ISSUE_LEVELS)
OptIssueLevel: TypeAlias = Annotated[
    str | None,
    _optional(_choice(*ISSUE_LEVELS), cs.literal_schema(ISSUE_LEVELS)),
    _json_or_null({"enum": ISSUE_LEVELS}, _LEVEL_TEXT),
]

_INT_SCHEMA: dict[str, Any] = {"type": "integer", "minimum": 0}
_FAST_INT = cs.int_schema(strict=True)
Int: TypeAlias = Annotated[int, _required(_int, _FAST_INT), _json(_INT_SCHEMA, "整数")]

# A value that may be written as null, which a validator of its model replaces by the field's
# default before these see it (xiangmu.yaml 口径): never None once read.
NullAmount: TypeAlias = Annotated[
    Decimal, _required(units.parse_amount, _FAST_AMOUNT), _json_or_null(_AMOUNT_SCHEMA, _AMOUNT_TEXT)
]
NullInt: TypeAlias = Annotated[int, _required(_int, _FAST_INT), _json_or_null(_INT_SCHEMA, "整数")]
NullBool: TypeAlias = Annotated[bool, _required(units.parse_bool, _FAST_BOOL), _json_or_null(_BOOL_SCHEMA, "是/否")]
#: A rate written as a fraction or a percentage (``0.1``, ``10%``), or null for the default.
NullRate: TypeAlias = Annotated[
    Decimal,
    _required(_target_value),
    _json_or_null(
        {
            "anyOf": [
                {"type": "number", "minimum": 0},
                {"type": "string", "pattern": rf"^\s*{_NUMBER_PATTERN}\s*[%％]?\s*$"},
            ]
        },
        "比率：0.1 或 10%",
    ),
]

Year: TypeAlias = Annotated[
    int,
    _required(_year, cs.int_schema(strict=True, ge=1949, le=2200)),
    _json({"type": "integer", "minimum": 1949, "maximum": 2200}, "年度，例如 2018"),
]
OptYear: TypeAlias = Annotated[
    int | None,
    _optional(_year, cs.int_schema(strict=True, ge=1949, le=2200)),
    _json_or_null({"type": "integer", "minimum": 1949, "maximum": 2200}, "年度，例如 2019"),
]

_NATURES = ["新建", "续建"]
_NATURE_TEXT = "建设性质：新建 或 续建"
Nature: TypeAlias = Annotated[
    str, _required(_choice(*_NATURES), cs.literal_schema(_NATURES)), _json({"enum": _NATURES}, _NATURE_TEXT)
]
OptNature: TypeAlias = Annotated[
    str | None,
    _optional(_choice(*_NATURES), cs.literal_schema(_NATURES)),
    _json_or_null({"enum": _NATURES}, _NATURE_TEXT),
]

_STAGES = ["洽谈", "签约", "落地"]
Stage: TypeAlias = Annotated[
    str, _required(_choice(*_STAGES), cs.literal_schema(_STAGES)), _json({"enum": _STAGES}, "阶段：洽谈、签约 或 落地")
]

_RESERVE_STAGES = ["谋划", "储备", "前期"]
ReserveStage: TypeAlias = Annotated[
    str,
    _required(_choice(*_RESERVE_STAGES), cs.literal_schema(_RESERVE_STAGES)),
    _json({"enum": _RESERVE_STAGES}, "谋划阶段：谋划、储备 或 前期"),
]

_REGION_KINDS = ["区县", "开发区"]
RegionKind: TypeAlias = Annotated[
    str,
    _required(_choice(*_REGION_KINDS), cs.literal_schema(_REGION_KINDS)),
    _json({"enum": _REGION_KINDS}, "类型：区县 或 开发区"),
]

TargetValue: TypeAlias = Annotated[
    Decimal,
    _required(_target_value),
    _json(
        {"anyOf": [{"type": "number", "minimum": 0}, {"type": "string"}]},
        "目标值：个数、金额（万元）或比率（0.8 或 80%）",
    ),
]


def _month_key(value: Any) -> str:
    year, month = units.parse_month(value)
    return units.month_key(year, month)


MonthKey: TypeAlias = Annotated[
    str,
    _required(_month_key, cs.str_schema(strict=True, pattern="^[0-9]{4}-(0[1-9]|1[0-2])$")),
    WithJsonSchema({"type": "string"}),
]


def _none_as_empty_list(value: Any) -> Any:
    return [] if value is None else value


def _none_as_empty_dict(value: Any) -> Any:
    return {} if value is None else value


def _visit(value: Any) -> Any:
    # A visit is a bare date (`- 2018-09-03`) or a mapping {日期, 内容}.
    return value if isinstance(value, dict) else {"日期": value}


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        validate_by_alias=True,
        validate_by_name=False,
        serialize_by_alias=True,
        use_attribute_docstrings=False,
    )


def _f(alias: str, description: str, **kwargs: Any) -> Any:
    return Field(alias=alias, description=description, **kwargs)


# --- issue 17: a problem's escalation (升级) --------------------------------------------------

#: A problem's 层级 is in escalation order (ISSUE_LEVELS; seed 003: 联席会议确定不了的，提交市政府
#: 专题会议或常务会议).
IssueLevel: TypeAlias = Annotated[
    str,
    _required(_choice(*ISSUE_LEVELS), cs.literal_schema(ISSUE_LEVELS)),
    _json({"enum": ISSUE_LEVELS}, "协调层级（逐级提交）：" + " → ".join(ISSUE_LEVELS)),
]


class Escalation(_Model):
    """升级：问题提交到更高一级会议协调，何时提交到哪一级。"""

    level: IssueLevel = _f("层级", "提交到的层级：" + "、".join(ISSUE_LEVELS))
    day: Day = _f("日期", "提交日期")


class Issue(_Model):
    """问题：项目问题清单中的一条。"""

    raised: Day = _f("提出日期", "提出日期")
    content: Text = _f("内容", "问题内容：什么卡住了项目")
    kind: OptText = _f("分类", "问题分类，例如 前期手续、用地、资金；须在 xiangmu.yaml 问题分类 中", default=None)
    department: OptText = _f("责任单位", "负责解决的部门", default=None)
    level: OptIssueLevel = _f("层级", _LEVEL_TEXT, default=None)
    deadline: OptDay = _f("时限", "解决时限", default=None)
    escalations: list[Escalation] | None = _f(
        "升级", "逐级提交协调的记录：[{层级, 日期}, …]，层级逐次升高（xm problem escalate 写入）", default=None
    )
    solved: OptDay = _f("解决日期", "解决日期，不早于提出日期", default=None)
    solution: OptText = _f("解决情况", "如何解决的", default=None)


class Visit(_Model):
    """走访：项目秘书一次踏查/走访。可简写为一个日期。"""

    day: Day = _f("日期", "走访日期")
    visitor: OptText = _f("走访人", "走访人（姓名或单位）", default=None)
    mode: OptVisitMode = _f("方式", _MODE_TEXT, default=None)
    content: OptText = _f("内容", "走访内容", default=None)


VisitItem = Annotated[
    Visit,
    BeforeValidator(
        _visit,
        json_schema_input_type=Visit | Annotated[str, WithJsonSchema({**_DATE_SCHEMA, "description": "走访日期"})],
    ),
]


class Approval(_Model):
    """前期手续：一项审批手续。"""

    name: Text = _f("名称", "手续名称，例如 立项、规划选址、用地、环评、施工许可")
    due: OptDay = _f("计划办结", "计划办结日期", default=None)
    done: OptDay = _f("办结日期", "实际办结日期", default=None)


class PriorMonths(_Model):
    """以前月份完成投资：本年度截至某月、没有分到各月的完成投资合计（报表只给累计数时写入）。"""

    through: MonthKey = _f("截至", "截至月份 YYYY-MM：本年度到这个月（含）为止、完成投资 中没有逐月登记的月份")
    amount: Amount = _f("金额", "这些月份合计完成投资（万元）")

    def counted(self, year: int, last: str) -> bool:
        """Whether the amount is part of the cumulative 完成投资 of 年度 ``year`` through the month ``last``."""
        return self.through.startswith(f"{year:04d}-") and self.through <= last


#: One usable extension field: (name, type, options, description).
ExtensionSpec = tuple[str, str, tuple[str, ...], str | None]


class Project(_Model):
    """各本台账共有的字段。"""

    code: ProjectId = _f("编号", "项目编号，全库唯一；项目在台账之间移动时保持不变")
    name: Text = _f("名称", "项目名称")
    national_code: OptProjectCode = _f(
        "项目代码", "在线审批监管平台赋予的项目代码（24 位），全库唯一，例如 2018-220204-13-03-012345", default=None
    )
    owner: OptText = _f("建设单位", "建设单位（招商项目用 投资方）", default=None)
    category: OptText = _f("类别", "类别，例如 工业、基础设施、民生、服务业；须在 xiangmu.yaml 类别 中", default=None)
    grade: OptText = _f("级别", "项目级别，例如 省重点、市重点；须在 xiangmu.yaml 级别 中", default=None)
    scope: OptText = _f("建设内容", "建设内容及规模", default=None)
    total: Amount = _f("总投资", "总投资（万元）；招商项目为协议投资额")
    funding: OptText = _f("资金来源", "资金来源，例如 企业自筹、中央预算内投资、地方政府专项债券", default=None)
    leader: OptText = _f("包保领导", "包保领导，须在 xiangmu.yaml 领导 中", default=None)
    secretary: OptText = _f("项目秘书", "项目服务秘书", default=None)
    department: OptText = _f("责任单位", "责任单位", default=None)
    land_area: OptArea = _f("用地面积", "用地面积（平方米），可写 35000、35000平米、82.1公顷、123亩", default=None)
    issues: Annotated[list[Issue], BeforeValidator(_none_as_empty_list)] = _f("问题", "问题清单", default_factory=list)
    visits: Annotated[list[VisitItem], BeforeValidator(_none_as_empty_list)] = _f(
        "走访", "走访记录：日期，或 {日期, 走访人, 方式, 内容}", default_factory=list
    )
    note: OptText = _f("备注", "备注", default=None)

    LEDGER: ClassVar[Ledger | None] = None  # set on each concrete class
    #: The extension fields of xiangmu.yaml 扩展字段 a model built by :func:`project_model` has:
    #: (key, attribute) each, in declaration order; none on the contract's own models.
    EXTENSIONS: ClassVar[tuple[tuple[str, str], ...]] = ()
    #: Of a model built by :func:`project_model`: the contract's model it extends, and the
    #: declarations it was built from (so that a project of it can be pickled: the class itself
    #: is made at run time, and is made again from these).
    EXTENDS: ClassVar[tuple[type[Project], tuple[ExtensionSpec, ...]] | None] = None

    def __reduce_ex__(self, protocol: SupportsIndex) -> Any:
        if self.EXTENDS is None:
            return super().__reduce_ex__(protocol)
        base, specs = self.EXTENDS
        return _restore_extended, (base, specs, self.__getstate__())

    def field_value(self, name: str) -> Any:
        """The value of field ``name`` (an attribute name), None where this kind of project has no
        such field: ``getattr(project, name, None)`` without pydantic's ``__getattr__``, which is
        reached, and raises, for every name a model lacks (3 µs a call; the figures ask for a date
        that only some ledgers carry hundreds of thousands of times)."""
        return self.__dict__.get(name)

    def extension_values(self) -> dict[str, Any]:
        """The declared extension fields (xiangmu.yaml 扩展字段) by key, None where not given."""
        return {key: getattr(self, attr) for key, attr in self.EXTENSIONS}

    def latest_visit(self, as_of: date) -> date | None:
        """The latest visit on or before as-of that 走访周期 counts: not a remote one (方式 电话
        or 视频: 003's weekly contact, not the half-monthly visit to the site)."""
        days = [v.day for v in self.visits if v.day <= as_of and v.mode not in REMOTE_MODES]
        return max(days) if days else None


class StartedProject(Project):
    """已开工项目（在建、未入统）共有的字段。"""

    nature: Nature = _f("建设性质", "新建（本年新开工）或 续建（以前年度开工）")
    start_date: Day = _f("开工日期", "开工日期（续建项目为最初开工日期）")
    resume_date: OptDay = _f("复工日期", "本年复工日期，仅续建项目", default=None)
    planned_start: OptDay = _f("计划开工日期", "原计划开工日期（从计划开工台账转入时保留）", default=None)
    planned_finish: OptDay = _f("计划竣工日期", "计划竣工日期", default=None)
    finish_date: OptDay = _f("竣工日期", "实际竣工日期，不早于开工日期", default=None)
    planned_operation: OptDay = _f("计划投产日期", "计划投产日期", default=None)
    operation_date: OptDay = _f("投产日期", "实际投产日期，不早于开工日期", default=None)
    annual_plan: Amount = _f("年度计划投资", "本年度计划投资（万元）")
    prior_invest: OptAmount = _f("以前年度完成投资", "以前年度累计完成投资（万元）", default=None)
    prior_months: PriorMonths | None = _f(
        "以前月份完成投资",
        "{截至, 金额}：本年度截至该月、未逐月登记的各月合计完成投资（万元），只有累计数时使用",
        default=None,
    )
    monthly: Annotated[dict[MonthKey, Amount], BeforeValidator(_none_as_empty_dict)] = _f(
        "完成投资", "各月当月完成投资（万元），键为 YYYY-MM；缺一个月即为漏报，0 为报了零", default_factory=dict
    )
    progress: OptText = _f("形象进度", "形象进度", default=None)
    approvals: Annotated[list[Approval], BeforeValidator(_none_as_empty_list)] = _f(
        "前期手续", "前期手续（从计划开工台账转入时保留）", default_factory=list
    )


class _Landed(_Model):
    """What a project that came from 招商 keeps when it lands (落地 keeps its dated history).

    Listed after a ledger's own keys (the base order below puts these fields last).
    """

    investor: OptText = _f("投资方", "投资方（从招商台账转入时保留）", default=None)
    origin: OptText = _f("来源地", "投资方所在地（从招商台账转入时保留）", default=None)
    sign_date: OptDay = _f("签约日期", "签约日期（从招商台账落地转入时保留）", default=None)
    planned_land: OptDay = _f("计划落地日期", "计划落地日期（从招商台账转入时保留）", default=None)
    land_date: OptDay = _f("落地日期", "落地日期（xm land 写入），不早于签约日期", default=None)
    key: OptBool = _f("重点", "是否为市领导包保的重点招商项目（从招商台账转入时保留）", default=None)


class _Converted(_Model):
    """What a project that came from 谋划 keeps when it is converted (转化 keeps its dated history).

    Listed last, after a ledger's own keys and those kept from 招商.
    """

    reserve_date: OptDay = _f("谋划日期", "列入项目储备库（谋划台账）的日期（转化时保留）", default=None)
    national_date: OptDay = _f("入国家库", "纳入国家重大建设项目库的日期（转化时保留）", default=None)
    convert_date: OptDay = _f("转化日期", "从谋划台账转入计划开工台账的日期（xm convert 写入）", default=None)


class _Building(StartedProject):
    stats_date: OptDay = _f("入统日期", "入统计库日期（xm enter-stats 写入；以前的记录可能没有）", default=None)
    stats_deadline: OptDay = _f("入统时限", "入统时限（从未入统台账转入时保留）", default=None)


class BuildingProject(_Converted, _Landed, _Building):
    """在建台账：已开工、已入统计库的项目。"""

    LEDGER: ClassVar[Ledger | None] = Ledger.BUILDING


class _Unstat(StartedProject):
    unstat_reason: Text = _f("未入统原因", "未入统原因")
    stats_deadline: OptDay = _f("入统时限", "入统时限；缺省为 xiangmu.yaml 口径.入统时限", default=None)


class UnstatProject(_Converted, _Landed, _Unstat):
    """未入统台账：已开工、尚未入统计库的项目。"""

    LEDGER: ClassVar[Ledger | None] = Ledger.UNSTAT


class _Planned(Project):
    nature: OptNature = _f("建设性质", "新建（开工）或 续建（复工），缺省为新建", default=None)
    planned_start: Day = _f("计划开工日期", "计划开工日期")
    annual_plan: OptAmount = _f("年度计划投资", "开工后本年度计划投资（万元）", default=None)
    approvals: Annotated[list[Approval], BeforeValidator(_none_as_empty_list)] = _f(
        "前期手续", "前期手续：{名称, 计划办结, 办结日期}", default_factory=list
    )
    conditions: OptText = _f("开工条件", "开工前还需解决的条件", default=None)


class PlannedProject(_Converted, _Landed, _Planned):
    """计划开工台账：开工时间表与前期手续。"""

    LEDGER: ClassVar[Ledger | None] = Ledger.PLANNED

    @property
    def nature_or_default(self) -> str:
        return self.nature or "新建"


class InvestmentProject(Project):
    """招商台账：洽谈 → 签约 → 落地。"""

    LEDGER: ClassVar[Ledger | None] = Ledger.INVESTMENT
    stage: Stage = _f("阶段", "洽谈、签约 或 落地")
    investor: Text = _f("投资方", "投资方")
    origin: OptText = _f("来源地", "投资方所在地，例如 浙江", default=None)
    sign_date: OptDay = _f("签约日期", "签约日期；阶段为签约或落地时必填", default=None)
    planned_land: OptDay = _f("计划落地日期", "计划落地日期", default=None)
    land_date: OptDay = _f("落地日期", "落地日期；阶段为落地时必填，不早于签约日期", default=None)
    key: OptBool = _f("重点", "是否为市领导包保的重点招商项目", default=None)


class ReserveProject(Project):
    """谋划台账（项目储备库）：谋划、储备、前期阶段的项目，尚未列入开工计划；转化后进入计划开工台账。"""

    LEDGER: ClassVar[Ledger | None] = Ledger.RESERVE
    reserve_stage: ReserveStage = _f("谋划阶段", "谋划、储备 或 前期")
    reserve_date: Day = _f("谋划日期", "列入项目储备库的日期")
    expected_year: OptYear = _f("预计开工年度", "预计开工的年度，例如 2019", default=None)
    national_date: OptDay = _f("入国家库", "纳入国家重大建设项目库的日期", default=None)
    approvals: Annotated[list[Approval], BeforeValidator(_none_as_empty_list)] = _f(
        "前期手续", "前期手续：{名称, 计划办结, 办结日期}（转化时保留）", default_factory=list
    )


def key_order(model: type[BaseModel]) -> list[str]:
    """The keys of a model as written in a file, in the contract's order (its fields' order).

    The one place that order comes from: xm fmt sorts by it, edits insert by it, diffs list
    changes by it, exports head their columns by it.
    """
    return [info.alias or name for name, info in model.model_fields.items()]


PROJECT_MODELS: dict[Ledger, type[Project]] = {
    Ledger.BUILDING: BuildingProject,
    Ledger.UNSTAT: UnstatProject,
    Ledger.PLANNED: PlannedProject,
    Ledger.INVESTMENT: InvestmentProject,
    Ledger.RESERVE: ReserveProject,
}

#: Keys of a ledger file's top level.
FILE_KEYS = {"地区": "地区名称；如填写须与所在文件夹一致", "台账": "台账名称；如填写须与文件名一致", "项目": "项目列表"}


# --- xiangmu.yaml -------------------------------------------------------------------------


class Caliber(_Model):
    """口径：门槛与周期。"""

    threshold: NullAmount = _f("入库门槛", "万元；达到的项目须配备项目秘书（5000万元以上）", default=Decimal(5000))
    yi: NullAmount = _f("亿元以上", "万元；“亿元以上”统计线", default=Decimal(10000))
    ten_yi: NullAmount = _f("十亿元以上", "万元；“十亿元以上”统计线", default=Decimal(100000))
    leader_threshold: NullAmount = _f("领导包保门槛", "万元；达到的项目须落实包保领导", default=Decimal(100000))
    visit_days: NullInt = _f("走访周期", "天；项目秘书至少每半月走访一次", default=15)
    stats_deadline: OptDay = _f("入统时限", "未入统项目的缺省入统时限", default=None)
    below_threshold_warning: NullBool = _f(
        "低于门槛提示", "是/否；在建、未入统、计划开工项目总投资低于入库门槛时是否提示（W101），缺省为是", default=True
    )

    @field_validator(
        "threshold", "yi", "ten_yi", "leader_threshold", "visit_days", "below_threshold_warning", mode="before"
    )
    @classmethod
    def _null_is_default(cls, value: Any, info: ValidationInfo) -> Any:
        """An explicit null means "the default", like an absent key."""
        if value is None and info.field_name is not None:
            return cls.model_fields[info.field_name].default
        return value

    # 红黄绿灯 and reminders (docs/metrics.md "Traffic lights", "Reminders").
    red_margin: NullRate = _f(
        "红灯进度差",
        "比率；在建项目本年完成投资率落后序时进度超过此值（不含）亮红灯，缺省 0.1（10 个百分点），可写 10%",
        default=Decimal("0.1"),
    )
    due_days: NullInt = _f(
        "临期天数", "天；截至日期起此天数内（含）到期的事项为临期，亮黄灯并列入提醒，缺省 7", default=7
    )

    @field_validator("red_margin", "due_days", mode="before")
    @classmethod
    def _null_is_default_lights(cls, value: Any, info: ValidationInfo) -> Any:
        """An explicit null means "the default" here too."""
        if value is None and info.field_name is not None:
            return cls.model_fields[info.field_name].default
        return value


class Leader(_Model):
    """包保领导。"""

    name: Text = _f("姓名", "姓名")
    title: OptText = _f("职务", "职务", default=None)
    regions: Annotated[list[Text], BeforeValidator(_none_as_empty_list)] = _f(
        "包保地区", "包保的地区", default_factory=list
    )


def _region_name(value: Any) -> str:
    """A region's name, which is also its folder's name: nothing that leaves or hides the folder."""
    name = _text(value)
    bad = next((c for c in ("/", "\\", ":", "*", "?", '"', "<", ">", "|") if c in name), None)
    if bad is not None:
        raise units.UnitError(
            "E211",
            f"地区名称「{name}」含有「{bad}」，不能用作文件夹名",
            '地区名称就是其文件夹的名称：去掉 / \\ : * ? " < > | 这些字符',
        )
    if name.startswith(".") or name in (".", ".."):
        raise units.UnitError(
            "E211", f"地区名称「{name}」以「.」开头，不能用作文件夹名（会成为隐藏文件夹）", "去掉开头的「.」"
        )
    if len(name.encode("utf-8")) > 200:
        raise units.UnitError(
            "E211", f"地区名称过长（{len(name)} 个字），不能用作文件夹名", "地区名称写简称，例如 船营区"
        )
    return name


RegionName: TypeAlias = Annotated[
    str,
    _required(_region_name),
    _json(
        {"type": "string", "pattern": '^[^./\\\\:*?"<>|][^/\\\\:*?"<>|]*$'},
        '地区名称，与文件夹名一致（不含 / \\ : * ? " < > |，不以 . 开头）',
    ),
]


class RegionDef(_Model):
    """地区：区县或开发区。"""

    name: RegionName = _f("名称", "地区名称，与文件夹名一致")
    kind: RegionKind = _f("类型", "区县 或 开发区")


class Bonus(_Model):
    rank: Int = _f("名次", "前几名加分")
    points: TargetValue = _f("加分", "加几分")


class Demotion(_Model):
    rank: Int = _f("名次", "后几名减档")


class Evaluation(_Model):
    """考评：指标权重与加减分规则（见 docs/指标参考.md）。"""

    weights: Annotated[dict[str, TargetValue], BeforeValidator(_none_as_empty_dict)] = _f(
        "指标", "指标名 → 权重", default_factory=dict
    )
    cap: OptAmount = _f("封顶", "得分率封顶，缺省 1.2", default=Decimal("1.2"))
    bonus: Bonus | None = _f("前列加分", "{名次, 加分}", default=None)
    demotion: Demotion | None = _f("后列减档", "{名次}", default=None)


#: The types of an extension field (xiangmu.yaml 扩展字段), each read as the built-in fields of
#: that kind are: 文字 as 名称, 金额 as 总投资 (1.2亿, 5000万元), 日期 as 开工日期, 是否 as 重点, 选项
#: as 建设性质 (one of the field's 选项).
EXTENSION_KINDS = ["文字", "金额", "日期", "是否", "选项"]
ExtensionKind: TypeAlias = Annotated[
    str,
    _required(_choice(*EXTENSION_KINDS), cs.literal_schema(EXTENSION_KINDS)),
    _json({"enum": EXTENSION_KINDS}, "类型：" + "、".join(EXTENSION_KINDS)),
]


class Extension(_Model):
    """扩展字段：本台账库另加的一个项目字段，每本台账的项目都可填写。"""

    name: Text = _f("名称", "字段名，即项目中的键；不能与台账已有的键相同")
    kind: ExtensionKind = _f("类型", "文字、金额、日期、是否 或 选项")
    options: list[Text] | None = _f("选项", "类型为 选项 时的可选值", default=None)
    description: OptText = _f("说明", "字段的说明（显示在编辑器中）", default=None)


class Bulletin(_Model):
    """通报：印在报告页眉的发文单位和期数（html 打印、docx）。"""

    issuer: OptText = _f("发文单位", "发文单位，印在每页页眉左侧，例如 吉林市发展和改革委员会", default=None)
    issue: OptText = _f(
        "期数", "期数，印在每页页眉右侧；{年}、{月} 换成报告的年、月，例如 {年}年第{月}期", default=None
    )


class Config(_Model):
    """xiangmu.yaml：台账库的配置。"""

    name: Text = _f("名称", "台账库名称，例如 吉林市重点项目建设台账")
    year: Year = _f("年度", "报告年度；完成投资的月份须在此年度内")
    categories: list[Text] | None = _f("类别", "类别词表；设置后项目的类别须在其中", default=None)
    industries: list[Text] | None = _f(
        "产业类别", "类别中算作产业项目的（新开工产业项目占比）；须在 类别 中", default=None
    )
    grades: list[Text] | None = _f(
        "级别", "项目级别词表，例如 [省重点, 市重点]；设置后项目的级别须在其中", default=None
    )
    issue_kinds: list[Text] | None = _f("问题分类", "问题分类词表；设置后问题的分类须在其中", default=None)
    caliber: Annotated[Caliber, BeforeValidator(_none_as_empty_dict)] = _f(
        "口径", "门槛与周期", default_factory=Caliber
    )
    extensions: Annotated[list[Extension], BeforeValidator(_none_as_empty_list)] = _f(
        "扩展字段", "本台账库另加的项目字段：{名称, 类型, 选项, 说明}；每本台账的项目都可填写", default_factory=list
    )
    leaders: Annotated[list[Leader], BeforeValidator(_none_as_empty_list)] = _f(
        "领导", "可担任包保领导的领导", default_factory=list
    )
    regions: list[RegionDef] = _f("地区", "区县和开发区，顺序即各表中地区的顺序")
    targets: Annotated[
        dict[str, Annotated[dict[str, TargetValue], BeforeValidator(_none_as_empty_dict)]],
        BeforeValidator(_none_as_empty_dict),
    ] = _f(
        "目标",
        "按 全市 或地区名称设定的目标：年度投资、指标名或同比增长（如 完成投资同比增长: 0.1），见 docs/指标参考.md",
        default_factory=dict,
    )
    evaluation: Evaluation | None = _f("考评", "考评设置", default=None)
    bulletin: Bulletin | None = _f("通报", "报告页眉：发文单位、期数", default=None)

    @property
    def region_names(self) -> list[str]:
        return [r.name for r in self.regions]


# --- extension fields (xiangmu.yaml 扩展字段) ---------------------------------------------------

#: Keys an extension field may not take: every key of a ledger's projects and of a ledger file,
#: and the head columns of the exports (仓库, 年度, 地区, 台账, 月份).
RESERVED_KEYS: frozenset[str] = frozenset(
    {key for model in PROJECT_MODELS.values() for key in key_order(model)} | set(FILE_KEYS) | {"仓库", "年度", "月份"}
)

#: At most this many extension fields, each 选项 field with at most this many 选项 (xiangmu.yaml
#: is untrusted input too: a model of 100,000 fields would take minutes to build).
MAX_EXTENSIONS, MAX_EXTENSION_OPTIONS = 100, 1000


def extension_specs(config: Config | None) -> tuple[ExtensionSpec, ...]:
    """The declared extension fields that can be fields, in declaration order.

    Left out (each is an error of xiangmu.yaml, E215, see reading/checks.py): a name that is a
    built-in key (:data:`RESERVED_KEYS`) or declared before, a 选项 field without 选项 or with
    more than :data:`MAX_EXTENSION_OPTIONS`, and every field after the first :data:`MAX_EXTENSIONS`.
    """
    if config is None:
        return ()
    specs: list[ExtensionSpec] = []
    seen: set[str] = set()
    for ext in config.extensions[:MAX_EXTENSIONS]:
        choices = ext.options or []
        if ext.kind == "选项" and not 0 < len(set(choices)) <= MAX_EXTENSION_OPTIONS:
            continue
        if ext.name in RESERVED_KEYS or ext.name in seen:
            continue
        seen.add(ext.name)
        options = tuple(dict.fromkeys(ext.options or ())) if ext.kind == "选项" else ()
        specs.append((ext.name, ext.kind, options, ext.description))
    return tuple(specs)


def _extension_type(kind: str, options: tuple[str, ...], description: str) -> Any:
    """The annotation of an optional extension field: the built-in scalar kind's (same parser,
    same fast path), or a choice among ``options``."""
    if kind == "选项":
        choices = list(options)
        return Annotated[
            str | None,
            _optional(_choice(*choices), cs.literal_schema(choices)),
            _json_or_null({"enum": choices}, description),
        ]
    parse, fast, schema = {
        "文字": (_text, _FAST_TEXT, _TEXT_SCHEMA),
        "金额": (units.parse_amount, _FAST_AMOUNT, _AMOUNT_SCHEMA),
        "日期": (units.parse_date, _FAST_DATE, _DATE_SCHEMA),
        "是否": (units.parse_bool, _FAST_BOOL, _BOOL_SCHEMA),
    }[kind]
    return Annotated[Any, _optional(parse, fast), _json_or_null(schema, description)]


@functools.lru_cache(maxsize=64)
def _extended(base: type[Project], specs: tuple[ExtensionSpec, ...]) -> type[Project]:
    fields: dict[str, Any] = {}
    for i, (name, kind, options, description) in enumerate(specs):
        text = description or f"扩展字段（{kind}）"
        fields[f"ext_{i}"] = (_extension_type(kind, options, text), Field(default=None, alias=name, description=text))
    model = create_model(base.__name__, __base__=base, __doc__=base.__doc__, **fields)
    model.EXTENSIONS = tuple((name, f"ext_{i}") for i, (name, *_rest) in enumerate(specs))
    model.EXTENDS = (base, specs)
    return model


def _restore_extended(base: type[Project], specs: tuple[ExtensionSpec, ...], state: dict[Any, Any]) -> Project:
    """A pickled project of an extended model (Project.__reduce_ex__), of the same class as every
    other project of that model in this process (:func:`_extended` keeps one per declaration)."""
    model = _extended(base, specs)
    project = model.__new__(model)
    project.__setstate__(state)
    return project


def project_model(ledger: Ledger, config: Config | None) -> type[Project]:
    """The model of a ledger's projects in a repository: the contract's, with the fields of
    xiangmu.yaml 扩展字段 after its own (so they come last in :func:`key_order`).

    Built once per declaration and kept; without extension fields it is ``PROJECT_MODELS[ledger]``.
    """
    base = PROJECT_MODELS[ledger]
    specs = extension_specs(config)
    return _extended(base, specs) if specs else base
