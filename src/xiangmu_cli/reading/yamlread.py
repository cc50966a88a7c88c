"""Reading one YAML file: fast for data, positional only where a problem must be located.

Two parsers, each for what it does best:

* ``yaml_rs`` (Rust, YAML 1.2, rejects duplicate keys, bounded alias expansion) builds the data
  of every file. It is the *only* source of values, so every path through the loader sees the
  same data.
* ``ruamel.yaml`` composes a node tree with line and column marks, only for files that have a
  problem to locate, that contain characters that may start an anchor, alias or tag, or whose
  floats are too long for a binary float (their exact decimal text is taken from the nodes).

Nothing here raises on bad input: problems come back as :class:`Problem` records.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from xiangmu_cli.ledger.problems import PathElem, Problem
from xiangmu_cli.reading.text import decode

__all__ = ["ParsedFile", "parse_text", "decode", "PositionIndex", "item_spans"]

#: Expansion budget for aliases; they are an error anyway, this only keeps a bomb from
#: costing anything before it is reported.
_ALIAS_EVENTS = 10_000
_YAMLRS_POSITION = re.compile(r"line (\d+), column (\d+)")


@dataclass
class ParsedFile:
    """The outcome of reading one file. ``data`` is None when the file is unusable."""

    text: str | None
    data: Any = None
    problems: list[Problem] = field(default_factory=list)
    #: True when the YAML itself is broken (syntax, encoding, …): content checks are skipped.
    broken: bool = False


def _fast_load(text: str) -> Any:
    """The data of ``text``, built by yaml_rs.

    Raises ValueError (``yaml_rs.YAMLDecodeError``) for text that is not YAML yaml_rs reads
    (syntax, duplicate keys, too many aliases, nesting), and TypeError for a mapping or list used
    as a key inside a key (``? {a: [1]}``), which has no hashable Python value.
    """
    import yaml_rs

    return yaml_rs.loads(
        text,
        parse_datetime=False,
        duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.Error,
        alias_limits=yaml_rs.AliasLimits(max_total_replayed_events=_ALIAS_EVENTS),
    )


_SYNTAX_TRANSLATIONS = [
    ("quoted scalar", "引号没有闭合", "检查引号是否成对"),
    (
        "found '<document end>'",
        "这里有一个文档结束标记「...」",
        "删除这一行「...」：台账文件只有一个文档，不需要结束标记",
    ),
    ("tabs disallowed", "缩进里用了制表符（Tab）", "YAML 只能用空格缩进，把 Tab 换成空格"),
    ("found a tab", "用了制表符（Tab）", "YAML 只能用空格缩进，把 Tab 换成空格"),
    ("unclosed bracket", "括号没有闭合", "检查 [ ] 或 { } 是否成对"),
    ("mapping values are not allowed", "这里不能出现“键: 值”", "检查上一行的缩进，或给含冒号的文字加引号"),
    ("invalid indentation", "缩进不对", "同一层的键要对齐，子项比父项多缩进两个空格"),
    (
        "expected '-' indicator",
        "这一行的缩进与列表中的上一项不一致",
        "列表的每一项以“- ”开头、彼此对齐；项目里的键比“- ”多缩进两个空格，彼此对齐",
    ),
    ("did not find expected key", "这一行的缩进与同一层的键不一致", "同一层的键要对齐，子项比父项多缩进两个空格"),
    ("expected ',' or ']'", "方括号 [ ] 里缺少逗号或右括号", "列表写成 [甲, 乙]：项之间用英文逗号，末尾有 ]"),
    ("expected ',' or '}'", "花括号 { } 里缺少逗号或右括号", "写成 {日期: 2018-09-03, 内容: …}：用英文逗号，末尾有 }"),
    ("could not find expected ':'", "这一行缺少冒号", "键和值之间写英文冒号加一个空格，如 名称: 某某项目"),
    ("did not find expected node content", "这里缺少值", "在冒号后写上值，或删除这一行"),
    ("cannot start any token", "这个字符不能作为值的开头", '给整个值加引号，如 备注: "@某某"'),
    ("end of stream", "文件在结构完整之前就结束了", "检查最后几行的引号和括号是否成对"),
    ("expected <block end>", "缩进不对", "同一层的键要对齐，子项比父项多缩进两个空格"),
    ("did not find expected", "结构不完整", "检查缩进、引号和括号"),
    ("duplicate mapping key", "键重复", "删除或合并重复的键"),
    ("alias", "别名展开过多", "台账中不能使用锚点与别名，把内容直接写出来"),
    ("recursion", "嵌套过深", "台账的层级不会这么深，检查括号"),
    ("nest", "嵌套过深", "台账的层级不会这么深，检查括号"),
    ("depth", "嵌套过深", "台账的层级不会这么深，检查括号"),
    ("%yaml directive:", "文件开头的 %YAML 版本声明不受支持", "删除 %YAML 这一行：台账文件不需要它"),
]


_UNKNOWN = ("YAML 无法解析", "检查缩进、冒号后的空格、引号和括号")


def _explain(detail: str) -> tuple[str, str]:
    low = detail.lower()
    for needle, message, hint in _SYNTAX_TRANSLATIONS:
        if needle in low:
            return message, hint
    return _UNKNOWN


def _ruamel_reason(text: str) -> str:
    """ruamel's description of why ``text`` does not parse ("" when it parses), to choose the
    explanation where yaml_rs's words match none."""
    from ruamel.yaml.error import YAMLError

    try:
        for _ in _ruamel_events(text, pure=True):
            pass
    except YAMLError as exc:
        return str(exc)
    return ""


#: Characters YAML 1.2 does not allow in a stream (outside c-printable). yaml_rs lets some of
#: them through; they come from pasting out of Word and Excel.
_NON_PRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def _non_printable(text: str, file: str) -> Problem | None:
    match = _NON_PRINTABLE.search(text)
    if match is None:
        return None
    offset = match.start()
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Problem(
        "E001",
        f"YAML 语法错误：含有不可见的控制字符 U+{ord(match.group()):04X}",
        file,
        "从 Word、Excel 或网页粘贴时常带入这种字符；删除它（可在该位置重新输入）",
        line=line,
        col=col,
    )


_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def _nesting_problem(text: str, file: str) -> Problem | None:
    """E001 where lists and mappings nest deeper than the limit, before yaml_rs builds the data.

    yaml_rs recurses natively: ~20,000 levels of block nesting (``- - - …``, 40 KB) overflow its
    stack and kill the process (flow nesting it refuses itself at ~255 levels). A cheap bound
    decides whether an exact count is needed, so real files never pay for one:

    * block: a block collection's depth is at most twice the column it starts at, plus one, and
      a node's column is at most the run of indentation and indicators (`` -?:`` and tab) that
      begins its line; no line starting with ``limit // 4`` such characters bounds it by limit/2;
    * flow: nesting ``limit // 2`` deep writes that many ``[``/``{`` with no closing bracket
      between them (unless padded with closed siblings, ``[[], [[], …``: that yaml_rs caps).

    Only when a bound is reached are the levels counted, with an event parser that keeps its
    stack on the heap.
    """
    from xiangmu_cli.base.limits import current

    limit = current().max_depth
    block, flow = max(limit // 4, 1), max(limit // 2, 1)
    indent = f"[ \t?:-]{{{block}}}"
    # The brackets alone, as bytes (UTF-8 never uses ASCII bytes inside a multi-byte character):
    # one C-speed pass instead of a regex that restarts at every bracket (0.3 s at 20k projects).
    brackets = text.encode("utf-8", "surrogatepass").translate(None, _NOT_BRACKETS)
    if (
        re.match(indent, text) is None
        and re.search("\n" + indent, text) is None
        and re.search(rb"[\[{]{%d}" % flow, brackets) is None
    ):
        return None
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent

    for pure in (False, True):  # libyaml (fast), else ruamel's own for YAML 1.2-only streams
        depth = 0
        try:
            for event in _ruamel_events(text, pure):
                if isinstance(event, CollectionStartEvent):
                    depth += 1
                    if depth > limit:
                        mark = event.start_mark
                        return Problem(
                            "E001",
                            f"YAML 语法错误：列表和映射嵌套超过 {limit} 层",
                            file,
                            "台账只有几层（项目 → 问题 → 内容）；检查括号、缩进和行首的“- ”"
                            "（确需更深时用 xm validate --max-depth 调高）",
                            line=mark.line + 1,
                            col=mark.column + 1,
                        )
                elif isinstance(event, CollectionEndEvent):
                    depth -= 1
            return None
        except YAMLError:
            continue  # a syntax error before the limit was reached: the fast parser reports it
    return None


def parse_text(text: str, file: str) -> ParsedFile:
    """Parse one file's text into data, with located problems for anything wrong with its YAML."""
    result = ParsedFile(text=text)
    control = _non_printable(text, file)
    if control is not None:
        result.broken = True
        result.problems = [control]
        return result
    deep = _nesting_problem(text, file)
    if deep is not None:
        result.broken = True
        result.problems = [deep]
        return result
    suspicious = "&" in text or "*" in text or "!" in text
    try:
        result.data = _fast_load(text)
    except (ValueError, TypeError) as exc:  # not YAML that yaml_rs reads: see _fast_load
        result.broken = True
        found = _scan_constructs(text, file)[0] if suspicious else []
        result.problems = found or _locate_syntax_error(text, file, str(exc))
        return result
    if suspicious:
        # Fail closed: if ruamel cannot read the whole file, what it did not read may hold an
        # anchor, alias or tag that yaml_rs silently resolved; the file is then refused too.
        found, failure = _scan_constructs(text, file)
        if found or failure:
            result.broken = True
            result.problems = found + (failure or [])
            return result
    if isinstance(result.data, list) and _document_count(text) > 1:
        result.broken = True
        result.problems = [_multi_document_problem(text, file)]
    return result


def _locate_syntax_error(text: str, file: str, detail: str) -> list[Problem]:
    """A located problem for a file yaml_rs rejected; ruamel supplies positions it lacks."""
    if "duplicate mapping key" in detail:
        dups = _duplicates(text, file)
        if dups:
            return dups
    match = _YAMLRS_POSITION.search(detail)
    if match:
        line, col = int(match[1]), int(match[2])
    else:
        line, col = _ruamel_error_position(text)
    lines = text.splitlines()
    tab_line = next((n for n in range(line, min(line + 3, len(lines) + 1)) if "\t" in lines[n - 1]), None)
    if "tab" in detail.lower() and tab_line is not None:
        line, col = tab_line, lines[tab_line - 1].index("\t") + 1  # point at the tab itself
    elif "quoted scalar" in detail:
        line, col = _ruamel_error_position(text, context=True)  # where the quote was opened
    # The parsers' own (English) words only choose the Chinese explanation; they are not shown.
    message, hint = _explain(detail + "\n" + _ruamel_reason(text) if _explain(detail)[0] == _UNKNOWN[0] else detail)
    bracket = re.search(r"unclosed bracket '([\[{])'", detail)
    if bracket:
        message = f"{'方' if bracket[1] == '[' else '花'}括号「{bracket[1]}」没有闭合"
    return [Problem("E001", f"YAML 语法错误：{message}", file, hint, line=line, col=col)]


def _ruamel_error_position(text: str, context: bool = False) -> tuple[int, int]:
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        for _ in _ruamel_events(text, pure=True):
            pass
    except MarkedYAMLError as exc:
        mark = (exc.context_mark or exc.problem_mark) if context else (exc.problem_mark or exc.context_mark)
        if mark is not None:
            return mark.line + 1, mark.column + 1
    except YAMLError:  # an error without a position (the reader's, an unsupported %YAML)
        pass
    return 1, 1


def _ruamel_events(text: str, pure: bool) -> Iterator[Any]:
    """ruamel's event stream of ``text`` (``pure``: its own parser, else libyaml's), lazily.

    Raises ruamel's YAMLError for text it cannot read, and nothing else for that reason (see
    :func:`_unsupported_version`).
    """
    from ruamel.yaml import YAML

    try:
        yield from YAML(typ="safe", pure=pure).parse(text)
    except (AssertionError, KeyError) as exc:
        raise _unsupported_version(exc) from None


def _ruamel_compose_all(text: str, pure: bool) -> list[Any]:
    """ruamel's node trees of the documents of ``text``; raises as :func:`_ruamel_events`."""
    from ruamel.yaml import YAML

    try:
        return list(YAML(typ="safe", pure=pure).compose_all(text))
    except (AssertionError, KeyError) as exc:
        raise _unsupported_version(exc) from None


def _unsupported_version(exc: AssertionError | KeyError) -> Exception:
    """A YAMLError for ruamel's own failure on a ``%YAML`` version other than 1.1 and 1.2.

    YAML says to read a 1.3 (or 1.0) document, and yaml_rs does; ruamel's pure-Python parser
    checks the version with ``assert`` (AssertionError), and its resolver looks the version up
    in a table of 1.1 and 1.2 (KeyError). Fuzzing its parser and composer on the YAML test suite
    and damaged copies of it found nothing else but YAMLError. As a YAMLError, such a failure is
    reported like any other syntax error.
    """
    from ruamel.yaml.error import YAMLError

    return YAMLError(f"%YAML directive: unsupported version ({exc})")


def _compose_all(text: str) -> list[Any]:
    """Node trees of the documents of ``text``: libyaml's when it accepts the text, else ruamel's
    own (see :func:`_events`). Raises ruamel's YAMLError when neither can read it."""
    from ruamel.yaml.error import YAMLError

    try:
        return _ruamel_compose_all(text, pure=False)
    except YAMLError:
        return _ruamel_compose_all(text, pure=True)


def _events(text: str) -> list[Any]:
    """The YAML event stream: libyaml's (fast) when it accepts the text, else ruamel's own.

    libyaml is YAML 1.1 and rejects a few 1.2 streams that yaml_rs accepts (a bare document
    after ``...``); the pure-Python parser reads those. Raises ruamel's YAMLError when neither
    can parse.
    """
    from ruamel.yaml.error import YAMLError

    try:
        return list(_ruamel_events(text, pure=False))
    except YAMLError:
        return list(_ruamel_events(text, pure=True))


def _document_count(text: str) -> int:
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.events import DocumentStartEvent

    try:
        return sum(isinstance(ev, DocumentStartEvent) for ev in _events(text))
    except YAMLError:
        return 1


def _multi_document_problem(text: str, file: str) -> Problem:
    line = 1
    for number, content in enumerate(text.splitlines(), 1):
        if content.startswith(("---", "...")) and number > 1:
            line = number
            break
    return Problem(
        "E006",
        "文件中有多个 YAML 文档（--- 分隔）",
        file,
        "一个台账文件只写一个文档：删除多余的 ---，把项目合并到同一个 项目 列表里",
        line=line,
        col=1,
    )


_CORE_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq")}


def _scan_constructs(text: str, file: str) -> tuple[list[Problem], list[Problem] | None]:
    """Anchors, aliases and non-core tags, each located (yaml_rs accepts or ignores them), and,
    if ruamel's parser stopped before the end, the located syntax error that stopped it."""
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.events import AliasEvent

    problems: list[Problem] = []
    try:
        for event in _events(text):
            mark = event.start_mark
            if isinstance(event, AliasEvent):
                problems.append(
                    Problem(
                        "E003",
                        f"不允许使用别名「*{event.anchor}」",
                        file,
                        "把被引用的内容直接写出来；台账中每个项目都要完整写出",
                        line=mark.line + 1,
                        col=mark.column + 1,
                    )
                )
                continue
            anchor = getattr(event, "anchor", None)
            if anchor:
                problems.append(
                    Problem(
                        "E003",
                        f"不允许使用锚点「&{anchor}」",
                        file,
                        "删除锚点，把内容直接写出来",
                        line=mark.line + 1,
                        col=mark.column + 1,
                    )
                )
            tag = getattr(event, "tag", None)
            if tag is not None:
                tag = str(getattr(tag, "value", tag))
                if tag not in _CORE_TAGS:
                    problems.append(
                        Problem(
                            "E004",
                            f"不允许使用 YAML 标签「{tag}」",
                            file,
                            "删除标签；台账只含文字、数字、日期、列表和映射",
                            line=mark.line + 1,
                            col=mark.column + 1,
                        )
                    )
    except YAMLError as exc:
        return problems, _locate_syntax_error(text, file, str(exc))
    return problems, None


def _scalar_key(node: Any) -> Any:
    from ruamel.yaml.nodes import ScalarNode

    if isinstance(node, ScalarNode):
        return (str(node.tag), node.value)
    return ("complex", id(node))


def _duplicates(text: str, file: str) -> list[Problem]:
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.nodes import MappingNode, SequenceNode

    problems: list[Problem] = []
    try:
        docs = _compose_all(text)
    except YAMLError:  # yaml_rs's message stands, with the position it gave
        return problems
    stack = [d for d in docs if d is not None]
    seen_nodes: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        if isinstance(node, MappingNode):
            first: dict[Any, Any] = {}
            for key, value in node.value:
                ident = _scalar_key(key)
                if ident in first:
                    prev = first[ident].start_mark
                    problems.append(
                        Problem(
                            "E002",
                            f"键「{key.value}」在同一处重复出现（第一次在第 {prev.line + 1} 行）",
                            file,
                            "删除或合并重复的键；若是两个项目，请在第二个前面加“- ”另起一项",
                            line=key.start_mark.line + 1,
                            col=key.start_mark.column + 1,
                        )
                    )
                else:
                    first[ident] = key
                stack.append(value)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
    problems.sort(key=lambda p: (p.line or 0, p.col or 0))
    return problems


class PositionIndex:
    """Line and column of any path in a file, from a ruamel node tree composed once, on demand."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._root: Any = None
        self._composed = False
        self._items: _BlockItems | None = None
        #: Per project index: its first line and its composed node, or None (see _item_node).
        self._fragments: dict[int, tuple[int, Any] | None] = {}
        self._lines: list[str] | None = None

    def _tree(self) -> Any:
        from ruamel.yaml.error import YAMLError

        if not self._composed:
            self._composed = True
            try:
                docs = _compose_all(self._text)
                self._root = docs[0] if docs else None
            except YAMLError:  # no positions: every problem of the file is at 1:1
                self._root = None
        return self._root

    def line_text(self, number: int) -> str | None:
        """Line ``number`` (1-based) as ``str.splitlines()`` of the whole text gives it (the line
        a problem shows under its message, output/messages.py), None past the last line.

        A line of a project the line scan already knows is cut from that project's text alone
        (``str.splitlines`` of a large file costs more than locating its few problems).
        """
        if number < 1:
            return None
        spans = self._items.spans if self._items is not None else None
        if spans and spans[0][0] < number:
            at = bisect_right(spans, number - 1, key=lambda span: span[0]) - 1
            first, start, end = spans[at]
            lines = self._text[start:end].split("\n")  # the scan's lines end at "\n" (or "\r\n")
            if number - 1 - first < len(lines) - 1:
                line = lines[number - 1 - first]
                return line[:-1] if line.endswith("\r") else line
        if self._lines is None:
            self._lines = self._text.splitlines()
        return self._lines[number - 1] if number <= len(self._lines) else None

    def node(self, path: tuple[PathElem, ...], at: str = "value") -> tuple[int, int]:
        """Line and column (1-based) of ``path``; ``at`` is "key", "value" or "item".

        Goes as deep as the path exists: a missing key is located at its parent mapping. A project
        or one of its keys in a block-style file is found by a scan of the lines
        (:class:`_BlockItems`); anything the scan is not sure of is found in the composed tree.
        """
        key = path[2] if len(path) == 3 else None
        if (
            self._composed is False
            and len(path) in (2, 3)
            and path[0] == "项目"
            and isinstance(path[1], int)
            and (key is None or isinstance(key, str))
        ):
            if self._items is None:
                self._items = _BlockItems(self._text)
            found = self._items.locate(path[1], key, at)
            if found is not None:
                return found
        return self._node(path, at)

    def _node(self, path: tuple[PathElem, ...], at: str) -> tuple[int, int]:
        """The composer's answer: from the project's own lines when the scan knows where they
        are (composing 30 lines, not the whole file), else from the tree of the whole file."""
        if self._composed is False and len(path) >= 2 and path[0] == "项目" and isinstance(path[1], int):
            found = self._item_node(path[1], path[2:], at)
            if found is not None:
                return found
        return self._full_node(path, at)

    def _item_node(self, index: int, path: tuple[PathElem, ...], at: str) -> tuple[int, int] | None:
        """As :meth:`_full_node` for ``("项目", index, *path)``, composing only that project's
        lines; None when the scan does not know them or they do not compose alone (an alias to
        an anchor elsewhere, say)."""
        from ruamel.yaml.error import YAMLError
        from ruamel.yaml.nodes import SequenceNode

        if self._items is None:
            self._items = _BlockItems(self._text)
        if index not in self._fragments:
            span = self._items.span(index)
            node = None
            if span is not None:
                try:
                    docs = _compose_all(span[1])
                except YAMLError:
                    docs = []
                if len(docs) == 1 and isinstance(docs[0], SequenceNode) and len(docs[0].value) == 1:
                    node = (span[0], docs[0].value[0])
            self._fragments[index] = node
        found = self._fragments[index]
        if found is None:
            return None
        first, item = found
        line, col = self._walk(item, path, at)
        return line + first, col

    def _full_node(self, path: tuple[PathElem, ...], at: str) -> tuple[int, int]:
        node = self._tree()
        if node is None:
            return 1, 1
        return self._walk(node, path, at)

    @staticmethod
    def _walk(node: Any, path: tuple[PathElem, ...], at: str) -> tuple[int, int]:
        from ruamel.yaml.nodes import MappingNode, SequenceNode

        mark = node.start_mark
        for depth, elem in enumerate(path):
            last = depth == len(path) - 1
            if isinstance(node, MappingNode):
                for key, value in node.value:
                    if _matches(key, elem):
                        mark = key.start_mark if (last and at == "key") else value.start_mark
                        node = value
                        break
                else:
                    break
            elif isinstance(node, SequenceNode) and isinstance(elem, int) and 0 <= elem < len(node.value):
                node = node.value[elem]
                mark = node.start_mark
            else:
                break
        return mark.line + 1, mark.column + 1

    def scalar_source(self, path: tuple[PathElem, ...]) -> str | None:
        """The scalar text written at ``path`` (for hints like quoting ``010``)."""
        from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

        node = self._tree()
        for elem in path:
            if isinstance(node, MappingNode):
                node = next((v for k, v in node.value if _matches(k, elem)), None)
            elif isinstance(node, SequenceNode) and isinstance(elem, int) and 0 <= elem < len(node.value):
                node = node.value[elem]
            else:
                return None
        return node.value if isinstance(node, ScalarNode) else None

    def exact_floats(self, data: Any) -> Any:
        """``data`` with every float replaced by the Decimal of the text it was written as."""
        from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

        def walk(value: Any, node: Any) -> Any:
            if isinstance(value, float) and isinstance(node, ScalarNode):
                raw = node.value.replace("_", "")
                try:
                    dec = Decimal(raw)
                except InvalidOperation:  # .inf, .nan, 0x…: not a decimal literal
                    return value
                return dec if dec.is_finite() else value
            if isinstance(value, dict) and isinstance(node, MappingNode):
                out = {}
                for key, val in value.items():
                    child = next((v for k, v in node.value if _matches(k, key)), None)
                    out[key] = walk(val, child)
                return out
            if isinstance(value, list) and isinstance(node, SequenceNode) and len(node.value) == len(value):
                return [walk(v, n) for v, n in zip(value, node.value)]
            return value

        return walk(data, self._tree())


#: Characters that break lines for ruamel (or start a construct) and that the line scan leaves
#: to the composer: lone CR, form feed, vertical tab, NEL, line and paragraph separators, tabs;
#: and the separators U+001C..U+001E, at which str.splitlines() breaks lines (never valid YAML
#: in a file): where the scan is sure, lines end at "\n" alone, for YAML and for splitlines.
_UNSURE_CHARS = re.compile("[\t\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_LONE_CR = re.compile("\r(?!\n)")
_UNSURE_LINE = re.compile(r"\n(?:---|\.\.\.|%)")


@lru_cache(maxsize=16)
def _content_at_most(indent: int) -> re.Pattern[str]:
    """A line feed, then a line whose content starts within ``indent`` spaces (group: the spaces;
    the match ends where the content starts)."""
    return re.compile(rf"\n {{0,{indent}}}(?=[^ \n#\r])")


def _scan_unsure(text: str) -> bool:
    """Whether ``text`` has anything the line scan leaves to the composer (three searches in C:
    one combined pattern with ``^`` in multi-line mode takes several times as long)."""
    return bool(
        _UNSURE_CHARS.search(text)
        or ("\r" in text and _LONE_CR.search(text))
        or text.startswith(("---", "...", "%"))
        or _UNSURE_LINE.search(text)
    )


_KEY_LINE = re.compile(r"([^\s#'\"&*!|>%@`{\[?:-][^:#]*?):(?: +|$)")
_NOT_TEXT_KEY = re.compile(r"[-+.0-9][-+._0-9a-fA-FxXoO:]*|(?i:true|false|yes|no|on|off|y|n|null)|~")
_PLAIN_START = re.compile(r"[^\s#&*!|>%@`{\[\]}?,-]|-[^\s]")
#: ``项目:`` at column 1, followed by nothing but a comment.
_ITEMS_KEY = re.compile(r"^项目:[ ]*(?:#[^\n]*)?\r?$", re.M)
#: The first line with content (not blank, not a comment): its indent and its text.
_FIRST_CONTENT = re.compile(r"^( *)([^ \n#\r][^\n\r]*)", re.M)


class _BlockItems:
    """Lines and columns of the projects of a block-style ledger file, without a parser.

    Knows ``项目:`` at column 1, its block-sequence items (``- 编号: …``), each item's keys at
    the item's key indent, and a key's value when it is a scalar or flow collection starting on
    the key's line. Whatever it cannot be sure of (no such structure, a quoted or complex key, an
    empty value, a line break ruamel counts and Python does not) it answers None, and the caller
    composes (:class:`PositionIndex`). tests/test_positions.py checks it against the composer on
    whole files.

    Cheap for a large file with a few problems: one regular-expression pass finds where each item
    starts (a line at the sequence's indent), and only the items asked about are scanned line by
    line, once each.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        #: Per item: its first line (0-based) and the text offsets of its lines; None when the
        #: file is not a block sequence of items the scan can follow.
        self.spans: list[tuple[int, int, int]] | None = None
        self._keys: dict[int, tuple[int, int, dict[str, tuple[int, int, int | None]] | None]] = {}
        self._dash = 0
        if _scan_unsure(text):
            return
        head = _ITEMS_KEY.search(text)
        if head is None:
            return
        first = _FIRST_CONTENT.search(text, head.end())
        if first is None:
            return
        dash = len(first.group(1))
        body = first.group(2)
        if not (body == "-" or body.startswith("- ")):
            return  # not a block sequence of items
        self._dash = dash
        line = text.count("\n", 0, first.start())
        spans: list[tuple[int, int, int]] = []
        pos = first.start()
        end = len(text)
        # Lines with content at most the sequence's indent: found from the line feed before each
        # ("\n" first lets the regex engine skip to line feeds; "^" in multi-line mode tries at
        # every character, 4× as slow). The first item's line follows one too (项目: is above it).
        for match in _content_at_most(dash).finditer(text, first.start() - 1):
            line += text.count("\n", pos, match.start() + 1)
            pos = match.start() + 1
            stop = text.find("\n", match.end())
            rest = text[match.end() : end if stop < 0 else stop].rstrip("\r")
            if spans:
                spans[-1] = (spans[-1][0], spans[-1][1], pos)
            if match.end() - pos == dash and (rest == "-" or rest.startswith("- ")):
                spans.append((line, pos, end))
            else:
                break  # the sequence has ended (another top-level key)
        self.spans = spans

    @property
    def items(self) -> list[tuple[int, int, dict[str, tuple[int, int, int | None]] | None]] | None:
        """Every item, scanned: line and column of its mapping and its keys (key → line, key
        column, value column or None), or (0, 0, None) for an item the scan is unsure of."""
        if self.spans is None:
            return None
        return [self._item(i) for i in range(len(self.spans))]

    def span(self, index: int) -> tuple[int, str] | None:
        """The first line (0-based) and the text of item ``index``, or None when unknown."""
        if self.spans is None or not 0 <= index < len(self.spans):
            return None
        line, start, end = self.spans[index]
        return line, self._text[start:end]

    def _item(self, index: int) -> tuple[int, int, dict[str, tuple[int, int, int | None]] | None]:
        if index in self._keys:
            return self._keys[index]
        assert self.spans is not None
        first, start, end = self.spans[index]
        lines = self._text[start:end].split("\n")
        dash = self._dash
        body = lines[0].rstrip("\r").lstrip(" ")
        rest = body[1:].lstrip(" ")
        key_indent = dash + len(body) - len(rest)
        keys: dict[str, tuple[int, int, int | None]] | None = {}
        if not rest or rest.startswith("#"):
            found: tuple[int, int, dict[str, tuple[int, int, int | None]] | None] = (0, 0, None)
            self._keys[index] = found  # where its mapping starts is on a later line
            return found
        assert keys is not None
        if not self._key(keys, rest, first, key_indent):
            keys = None  # a flow item, an odd first key: the composer knows
        for offset in range(1, len(lines)):
            if keys is None:
                break
            raw = lines[offset].rstrip("\r")
            body = raw.lstrip(" ")
            if not body or body.startswith("#"):
                continue
            indent = len(raw) - len(body)
            if indent > key_indent:
                continue  # inside a value
            if indent < key_indent or not self._key(keys, body, first + offset, key_indent):
                keys = None
        found = (first + 1, key_indent + 1, keys)
        self._keys[index] = found
        return found

    @staticmethod
    def _key(found: dict[str, tuple[int, int, int | None]], body: str, number: int, indent: int) -> bool:
        match = _KEY_LINE.match(body)
        if (
            match is None
            or match.group(1) != match.group(1).rstrip()
            or match.group(1) in found
            or _NOT_TEXT_KEY.fullmatch(match.group(1))
        ):
            return False  # unsure: a key YAML reads as a number, boolean or null is not its text
        after = body[match.end() :]
        value_col = (
            indent + match.end() + 1
            if (after and not after.startswith("#") and _PLAIN_START.match(after)) or after[:1] in ("'", '"', "{", "[")
            else None
        )
        found[match.group(1)] = (number + 1, indent + 1, value_col)
        return True

    def locate(self, index: int, key: str | None, at: str) -> tuple[int, int] | None:
        """As PositionIndex.node for ("项目", index[, key]), or None when unsure."""
        if self.spans is None or not 0 <= index < len(self.spans):
            return None
        line, col, keys = self._item(index)
        if keys is None:
            return None
        if key is None or key not in keys:
            return line, col  # the item's mapping (a missing key is located at its parent)
        key_line, key_col, value_col = keys[key]
        if at == "key":
            return key_line, key_col
        return (key_line, value_col) if value_col is not None else None


def item_spans(text: str) -> list[tuple[int, int]] | None:
    """Where each project's text is in a block-style ledger file: (start, end) offsets, from its
    ``- `` line to the next project's (comment and blank lines between them belong to the first),
    found by the line scan of :class:`_BlockItems`; None when the scan is unsure of the file. An
    edit of many projects of a large file composes each one's text alone (write.updates)."""
    spans = _BlockItems(text).spans
    return None if spans is None else [(start, end) for _, start, end in spans]


def _only_comment(text: str) -> bool:
    stripped = text.strip()
    return not stripped or stripped.startswith("#")


def _matches(key_node: Any, elem: PathElem) -> bool:
    from ruamel.yaml.nodes import ScalarNode

    if not isinstance(key_node, ScalarNode):
        return False
    if isinstance(elem, str):
        return key_node.value == elem and not str(key_node.tag).endswith((":int", ":float", ":bool", ":null"))
    return key_node.value == str(elem) or _int_value(key_node.value) == elem


def _int_value(text: str) -> int | None:
    for base in (10, 0):
        try:
            return int(text.replace("_", ""), base)
        except ValueError:
            continue
    return None
