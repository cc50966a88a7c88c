"""The events that edit a project where it is: 竣工 (:func:`finish`), 走访 (:func:`visit`), 问题
(:func:`add_problem`, :func:`solve_problem`); 完成投资 is in :mod:`~xiangmu_cli.write.invest`.

A value is replaced in its own span (an end-of-line comment after it stays). A new key goes on its
own line, at the key indentation of the mapping, after the last present key that precedes it in
the model's field order (after the comment lines indented deeper than that key, which belong to
it); in a flow mapping (``{…}``) it is added as ``, key: value``. A list item is appended in the
list's style (:mod:`~xiangmu_cli.write.lists`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from xiangmu_cli.ledger.model import ISSUE_LEVELS, VISIT_MODES, Issue, Visit, key_order, project_model
from xiangmu_cli.ledger.vocab import Ledger
from xiangmu_cli.reading.records import Record, Repository
from xiangmu_cli.write.args import parse_day, text_arg
from xiangmu_cli.write.document import Doc
from xiangmu_cli.write.find import find, label, open_project
from xiangmu_cli.write.lists import Item, append_item
from xiangmu_cli.write.pairs import set_scalar
from xiangmu_cli.write.plan import EditError, EditPlan
from xiangmu_cli.write.scalars import scalar
from xiangmu_cli.write.verify import as_intended, make_plan

__all__ = ["STARTED", "in_place", "finish", "visit", "add_problem", "solve_problem"]

#: The ledgers of started projects.
STARTED = (Ledger.BUILDING, Ledger.UNSTAT)
_ALL = tuple(Ledger)

#: An edit of the project's item in its document; False when it changes nothing.
Edit = Callable[[Doc, Any], bool]


def in_place(
    repo: Repository, record: Record, edit: Edit, data: dict[str, Any], summary: str | Callable[[], str]
) -> EditPlan:
    """The verified plan of ``edit`` made to the record's item; ``data`` is its intended data (by
    alias), ``summary`` what it says (a function: known only once the edit is made)."""
    src, doc, item = open_project(repo, record)
    changed = edit(doc, item)
    text = summary() if callable(summary) else summary
    if not changed:
        return EditPlan(changes={}, summary=f"无需修改：{text}")
    edited = [(src, doc.result())]
    return make_plan(repo, record, edited, {}, record.ledger, as_intended(record.ledger, data, repo.config), text)


def finish(repo: Repository, code: str, day: date | str) -> EditPlan:
    """竣工: set 竣工日期 on a started project."""
    day = parse_day(day)
    record = find(repo, code, "xm finish", STARTED)
    data = record.project.model_dump(by_alias=True, exclude_unset=True)
    old = data.get("竣工日期")
    data["竣工日期"] = day
    summary = f"{label(record)}：竣工日期 {day}" + (f"（原为 {old}）" if old not in (None, day) else "")

    def edit(doc: Doc, item: Any) -> bool:
        order = key_order(project_model(record.ledger, repo.config))
        written = set_scalar(doc, item, "竣工日期", day.isoformat(), order)
        return written != scalar(day.isoformat(), bool(item.flow_style), False)

    return in_place(repo, record, edit, data, summary)


def _choice_arg(value: str | None, option: str, allowed: list[str]) -> str | None:
    if value is None:
        return None
    value = text_arg(value, option)
    if value not in allowed:
        raise EditError(f"{option}「{value}」不是允许的取值：应为 " + "、".join(allowed), code=2)
    return value


def visit(
    repo: Repository,
    code: str,
    day: date | str,
    note: str | None = None,
    visitor: str | None = None,
    mode: str | None = None,
) -> EditPlan:
    """走访: append a visit (a bare date, or {日期, 走访人, 方式, 内容} with what is given)."""
    day = parse_day(day)
    note = text_arg(note, "--note") if note is not None else None
    visitor = text_arg(visitor, "--by") if visitor is not None else None
    mode = _choice_arg(mode, "--mode", VISIT_MODES)
    record = find(repo, code, "xm visit", _ALL)
    data = record.project.model_dump(by_alias=True, exclude_unset=True)
    given: dict[str, Any] = {"日期": day, "走访人": visitor, "方式": mode, "内容": note}
    data["走访"] = list(data.get("走访") or []) + [{k: v for k, v in given.items() if v is not None}]
    pairs = [
        (key, value.isoformat() if isinstance(value, date) else value, not isinstance(value, date))
        for key in key_order(Visit)
        if (value := given.get(key)) is not None
    ]
    item_value: Item = pairs if len(pairs) > 1 else day.isoformat()

    def edit(doc: Doc, item: Any) -> bool:
        order = key_order(project_model(record.ledger, repo.config))
        append_item(doc, item, "走访", order, item_value, prefer_block=False)
        return True

    said = "，".join(v for v in (visitor, mode, note) if v)
    summary = f"{label(record)}：新增走访 {day}" + (f"（{said}）" if said else "")
    return in_place(repo, record, edit, data, summary)


def add_problem(
    repo: Repository,
    code: str,
    day: date | str,
    content: str,
    department: str | None = None,
    deadline: date | str | None = None,
    kind: str | None = None,
    level: str | None = None,
) -> EditPlan:
    """问题: append a problem to the project's 问题 list (keys in 问题's order)."""
    day = parse_day(day)
    content = text_arg(content, "--content")
    department = text_arg(department, "--department") if department is not None else None
    due = parse_day(deadline, "--deadline") if deadline is not None else None
    kind = text_arg(kind, "--kind") if kind is not None else None
    level = _choice_arg(level, "--level", ISSUE_LEVELS)
    record = find(repo, code, "xm problem add", _ALL)
    data = record.project.model_dump(by_alias=True, exclude_unset=True)
    given: dict[str, Any] = {
        "提出日期": day,
        "内容": content,
        "分类": kind,
        "责任单位": department,
        "层级": level,
        "时限": due,
    }
    issue: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
    pairs = [
        (key, value.isoformat() if isinstance(value, date) else value, not isinstance(value, date))
        for key in key_order(Issue)
        if (value := given.get(key)) is not None
    ]
    data["问题"] = list(data.get("问题") or []) + [issue]

    def edit(doc: Doc, item: Any) -> bool:
        append_item(doc, item, "问题", key_order(project_model(record.ledger, repo.config)), pairs, prefer_block=True)
        return True

    number = len(data["问题"])
    summary = f"{label(record)}：新增问题 {number}「{content}」"
    return in_place(repo, record, edit, data, summary)


def numbered_problem(record: Record, number: int) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
    """(the project's data as written, its 问题, a copy of problem ``number``, 1-based), or
    EditError when the project has no such problem."""
    data = record.project.model_dump(by_alias=True, exclude_unset=True)
    issues = list(data.get("问题") or [])
    if number > len(issues):
        have = f"只有 {len(issues)} 个问题" if issues else "没有问题"
        raise EditError(f"项目 {label(record)}{have}，没有第 {number} 个")
    return data, issues, dict(issues[number - 1])


def problem_node(doc: Doc, item: Any, number: int) -> Any:
    """The mapping of problem ``number`` (1-based) in a project's item of ``doc``, or EditError."""
    found = doc.get(item, "问题")
    if found is None or not isinstance(found[1], doc.Sequence):
        raise EditError("在文件中找不到 问题 列表")
    node = found[1].value[number - 1]
    if not isinstance(node, doc.Mapping):
        raise EditError(f"第 {number} 个问题不是映射，无法修改；请手工修改")
    return node


def solve_problem(repo: Repository, code: str, number: int, day: date | str, how: str | None = None) -> EditPlan:
    """问题解决: set 解决日期 (and 解决情况) of the project's ``number``-th problem (1-based)."""
    day = parse_day(day)
    how = text_arg(how, "--how") if how is not None else None
    if number < 1:
        raise EditError(f"问题序号应从 1 开始，实际为 {number}", code=2)
    record = find(repo, code, "xm problem solve", _ALL)
    data, issues, issue = numbered_problem(record, number)
    old = issue.get("解决日期")
    issue["解决日期"] = day
    if how is not None:
        issue["解决情况"] = how
    issues[number - 1] = issue
    data["问题"] = issues

    def edit(doc: Doc, item: Any) -> bool:
        node = problem_node(doc, item, number)
        before = doc.result()
        order = key_order(Issue)
        set_scalar(doc, node, "解决日期", day.isoformat(), order)
        if how is not None:
            set_scalar(doc, node, "解决情况", how, order, text=True)
        return doc.result() != before

    summary = f"{label(record)}：问题 {number}「{issue['内容']}」已解决（{day}）"
    if old is not None and old != day:
        summary += f"，原解决日期 {old}"
    return in_place(repo, record, edit, data, summary)
