"""问题升级 (:func:`escalate_problem`, ``xm problem escalate``): a problem the department could not
solve goes up to a meeting (seed 003: 联席会议确定不了的，提交市政府专题会议或市政府常务会议).

The move is dated, never a rewrite: ``{层级, 日期}`` is appended to the problem's 升级 list (written
in the list's style, or as ``升级: [{层级: 专题会议, 日期: 2018-09-25}]`` when it is the first), and
the 层级 the problem was raised at stays as written. The level as of a date is the latest 升级 on or
before it (figures/problems.py ``level_at``), so a past month's 联席会议 list prints the same after
later escalations.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from xiangmu_cli.ledger.model import ISSUE_LEVELS, Issue, key_order
from xiangmu_cli.ledger.vocab import Ledger
from xiangmu_cli.reading.records import Repository
from xiangmu_cli.write.args import parse_day, text_arg
from xiangmu_cli.write.document import Doc
from xiangmu_cli.write.find import find, label
from xiangmu_cli.write.in_place import in_place, numbered_problem, problem_node
from xiangmu_cli.write.lists import append_item
from xiangmu_cli.write.plan import EditError, EditPlan

__all__ = ["escalate_problem"]


def _current(issue: dict[str, Any], day: date) -> tuple[str | None, date | None]:
    """The problem's 层级 on ``day`` and the date of its latest 升级 (None: none yet)."""
    level: str | None = issue.get("层级")
    last = None
    for step in issue.get("升级") or ():
        if step["日期"] <= day:
            level = step["层级"]
        last = step["日期"] if last is None else max(last, step["日期"])
    return level, last


def escalate_problem(
    repo: Repository, code: str, number: int, to: str | None = None, day: date | str | None = None
) -> EditPlan:
    """升级: submit the project's ``number``-th problem (1-based) to the meeting ``to`` on ``day``
    (default: today); without ``to``, to the meeting above its level on that day (联席会议 when
    it is at none).

    Refused: a problem solved by then, a level not above the one it is at, a date before it was
    raised or before its latest 升级.
    """
    day = date.today() if day is None else parse_day(day)
    if number < 1:
        raise EditError(f"问题序号应从 1 开始，实际为 {number}", code=2)
    if to is not None:
        to = text_arg(to, "--to")
        if to not in ISSUE_LEVELS:
            raise EditError(f"--to「{to}」不是允许的层级：应为 " + "、".join(ISSUE_LEVELS), code=2)
    record = find(repo, code, "xm problem escalate", tuple(Ledger))
    data, issues, issue = numbered_problem(record, number)
    name = f"{label(record)}的问题 {number}「{issue['内容']}」"
    if day < issue["提出日期"]:
        raise EditError(f"{name}于 {issue['提出日期']} 提出，不能在此前（{day}）升级")
    solved = issue.get("解决日期")
    if solved is not None and solved <= day:
        raise EditError(f"{name}已于 {solved} 解决，无需升级")
    level, last = _current(issue, day)
    if last is not None and day < last:
        raise EditError(f"{name}已于 {last} 升级，新的升级日期不能早于它（{day}）")
    rank = ISSUE_LEVELS.index(level) if level in ISSUE_LEVELS else -1
    if to is None:
        if rank + 1 >= len(ISSUE_LEVELS):
            raise EditError(f"{name}已在{ISSUE_LEVELS[-1]}，没有更高的层级")
        to = ISSUE_LEVELS[rank + 1]
    elif ISSUE_LEVELS.index(to) <= rank:
        higher = ISSUE_LEVELS[rank + 1 :]
        raise EditError(
            f"{name}已在{level}，" + ("只能升级到更高的层级：" + "、".join(higher) if higher else "没有更高的层级")
        )
    issue["升级"] = [*(issue.get("升级") or []), {"层级": to, "日期": day}]
    issues[number - 1] = issue
    data["问题"] = issues

    def edit(doc: Doc, item: Any) -> bool:
        node = problem_node(doc, item, number)
        step = [("层级", to, True), ("日期", day.isoformat(), False)]
        append_item(doc, node, "升级", key_order(Issue), step, prefer_block=False)
        return True

    was = f"（原在{level}）" if level is not None else ""
    return in_place(repo, record, edit, data, f"{name}{was}于 {day} 提交{to}")
