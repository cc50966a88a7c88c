"""Problems are data: every check returns a list of :class:`Problem`, nothing is raised.

Each problem kind has a stable code. The catalogue below is the single list of codes with
their severity and title; docs/ledger-format.md describes the rules behind them, and
``tests/errors/`` holds a broken file for every code with the exact output it gives.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from typing import Any

__all__ = ["Severity", "Problem", "Place", "CATALOGUE", "PathElem", "suggest", "clip"]

PathElem = str | int


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


# code -> (severity, short Chinese title). The title is what `xm validate` prints in its
# summary and what docs list; each problem also has its own specific message and hint.
CATALOGUE: dict[str, tuple[Severity, str]] = {
    # E0xx: the file as a whole and its YAML
    "E001": (Severity.ERROR, "YAML 语法错误"),
    "E002": (Severity.ERROR, "同一映射中键重复"),
    "E003": (Severity.ERROR, "不允许使用锚点、别名或合并键"),
    "E004": (Severity.ERROR, "不允许使用 YAML 标签"),
    "E005": (Severity.ERROR, "文件不是 UTF-8 编码"),
    "E006": (Severity.ERROR, "一个文件只能有一个 YAML 文档"),
    "E007": (Severity.ERROR, "文件为空"),
    "E008": (Severity.ERROR, "顶层应为映射"),
    "E009": (Severity.ERROR, "无法读取文件"),
    "E010": (Severity.ERROR, "问题过多，其余未列出"),
    # E1xx: keys and values
    "E101": (Severity.ERROR, "未知的键"),
    "E102": (Severity.ERROR, "缺少必填项"),
    "E103": (Severity.ERROR, "类型错误"),
    "E104": (Severity.ERROR, "金额或面积无法识别"),
    "E105": (Severity.ERROR, "金额或面积超出范围"),
    "E106": (Severity.ERROR, "日期无效"),
    "E107": (Severity.ERROR, "月份无效"),
    "E108": (Severity.ERROR, "编号格式错误"),
    "E109": (Severity.ERROR, "取值不在允许范围内"),
    "E110": (Severity.ERROR, "是/否值无效"),
    "E111": (Severity.ERROR, "文字中有控制字符"),
    "E112": (Severity.ERROR, "项目代码格式错误"),
    # E2xx: the repository: layout and references between files
    "E201": (Severity.ERROR, "缺少 xiangmu.yaml"),
    "E202": (Severity.ERROR, "地区文件夹未在 xiangmu.yaml 中登记"),
    "E203": (Severity.ERROR, "台账目录中有无法识别的文件"),
    "E204": (Severity.ERROR, "文件中的地区与所在文件夹不一致"),
    "E205": (Severity.ERROR, "文件中的台账与文件名不一致"),
    "E206": (Severity.ERROR, "编号重复"),
    "E207": (Severity.ERROR, "包保领导未在 xiangmu.yaml 领导中登记"),
    "E208": (Severity.ERROR, "类别不在 xiangmu.yaml 类别中"),
    "E209": (Severity.ERROR, "目标或考评指标无法识别"),
    "E210": (Severity.ERROR, "xiangmu.yaml 中地区重复"),
    "E211": (Severity.ERROR, "地区名称不能用作文件夹名"),
    # issue 16: 项目代码, 级别, 问题分类, 产业类别, 扩展字段
    "E212": (Severity.ERROR, "项目代码重复"),
    "E213": (Severity.ERROR, "级别不在 xiangmu.yaml 级别中"),
    "E214": (Severity.ERROR, "问题分类不在 xiangmu.yaml 问题分类中"),
    "E215": (Severity.ERROR, "xiangmu.yaml 扩展字段定义有误"),
    "E216": (Severity.ERROR, "产业类别不在 xiangmu.yaml 类别中"),
    # E3xx: one project contradicting itself
    "E301": (Severity.ERROR, "完成投资的月份不在年度内"),
    "E302": (Severity.ERROR, "完成投资的月份早于开工月份"),
    "E303": (Severity.ERROR, "日期先后顺序不对"),
    "E304": (Severity.ERROR, "招商阶段缺少必填日期"),
    "E305": (Severity.ERROR, "新建项目不应有复工日期"),
    "E306": (Severity.ERROR, "洽谈阶段不应有签约日期"),
    "E307": (Severity.ERROR, "谋划转出的项目缺少谋划日期或转化日期"),
    "E308": (Severity.ERROR, "问题升级的日期或层级顺序不对"),  # issue 17
    # issue 18 (import): 以前月份完成投资
    "E310": (Severity.ERROR, "以前月份完成投资与逐月登记的完成投资重复"),
    # W1xx: policy gaps (fail only with --strict)
    "W101": (Severity.WARNING, "总投资低于入库门槛"),
    "W102": (Severity.WARNING, "入库项目未配备项目秘书"),
    "W103": (Severity.WARNING, "达到领导包保门槛的项目未落实包保领导"),
    "W104": (Severity.WARNING, "累计完成投资超过总投资"),
    "W105": (Severity.WARNING, "事件日期晚于今天"),
}


#: A "did you mean" is looked for only for words this short and among this many options: a
#: misspelt key or name is short, and difflib compares every pair (a file of 20,000 odd keys
#: against 30 allowed ones, or 5,000 unknown leaders against 5,000 known, took tens of seconds).
SUGGEST_MAX_WORD = 64
SUGGEST_MAX_OPTIONS = 2_000


def suggest(word: str, options: list[str] | tuple[str, ...], cutoff: float = 0.5, n: int = 1) -> list[str]:
    """Up to ``n`` options close to ``word`` (difflib), best first; bounded in time, memoised."""
    if len(word) > SUGGEST_MAX_WORD:
        return []
    return list(_suggest(word, tuple(options), cutoff, n))


@lru_cache(maxsize=4096)
def _suggest(word: str, options: tuple[str, ...], cutoff: float, n: int) -> tuple[str, ...]:
    if len(options) > SUGGEST_MAX_OPTIONS:
        lowered = word.lower()
        return tuple(o for o in options if o.lower() == lowered)[:n]
    return tuple(difflib.get_close_matches(word, options, n=n, cutoff=cutoff))


#: Longest message or hint kept whole; longer ones keep their start and end.
MAX_MESSAGE_CHARS = 400


def clip(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """``text``, or its start and end around a note of how much was left out."""
    if len(text) <= limit:
        return text
    head, tail = limit * 2 // 3, limit // 6
    return f"{text[:head]}…（省略 {len(text) - head - tail} 字）…{text[-tail:]}"


@dataclass(frozen=True, slots=True)
class Place:
    """A place in the ledgers that a problem names besides its own (E206: where the 编号 was
    first used): a file and a path in its data, and once the loader has located it, its 1-based
    line and column (the column counts characters, not bytes)."""

    file: str
    path: tuple[PathElem, ...]
    line: int | None = None
    col: int | None = None

    def __str__(self) -> str:
        """``file:line:col`` once located, else ``file``: as a message shows the place."""
        return self.file if self.line is None else f"{self.file}:{self.line}:{self.col}"


@dataclass(slots=True)
class Problem:
    """One problem found in the ledgers.

    ``path`` is where in the file's data the problem is (``("项目", 3, "总投资")``); the loader
    turns it into ``line``/``col`` with a positional parse of only the files that have
    problems. ``at`` says which part of that place to point at: the ``key``, its ``value``, or
    the enclosing ``item`` (for a missing key), or the ``file`` as a whole (never located).

    ``related`` is another place the message names (E206); the loader locates it too and has
    the message made again (:data:`xiangmu_cli.reading.checks.RELATED_MESSAGES`) to show its
    line and column. ``read_as_number`` says the value was written without quotes and read as a number
    (E108 for a 编号 such as 010): the loader's hint then shows it quoted, as written.
    """

    code: str
    message: str
    file: str
    hint: str = ""
    path: tuple[PathElem, ...] = ()
    at: str = "value"
    line: int | None = None
    col: int | None = None
    project: str | None = None
    related: Place | None = None
    read_as_number: bool = False
    #: The text of line ``line``, when the process that located the problem had the file's text
    #: (a worker of a parallel validate); else output reads it from the file. Not part of what a
    #: problem is: equality and JSON leave it out.
    source: str | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        # A message quotes what was written; a 50 MB value must not make a 50 MB message.
        self.message = clip(self.message)
        self.hint = clip(self.hint)

    @property
    def severity(self) -> Severity:
        return CATALOGUE[self.code][0]

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "title": CATALOGUE[self.code][1],
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "message": self.message,
            "hint": self.hint or None,
            "project": self.project,
            "path": [e if isinstance(e, (str, int)) else str(e) for e in self.path],
        }
