"""What changed between two versions of the ledgers, by project (docs/metrics.md "History").

Projects are matched by 编号. Events: 新增, 移除, 转化 (谋划 → elsewhere), 开工 (计划开工 or 谋划 →
在建/未入统), 入统 (未入统 → 在建), 落地 (招商 → elsewhere, or 阶段 → 落地), 签约 (阶段 洽谈 →
签约/落地), 竣工 (竣工日期 set), 转移 (region changed), 问题升级 (one per 升级 entry appended to a
problem: 「问题升级：管线迁改未完成（提交专题会议，2018-09-25）」) and 变更 (a field changed that no
other event explains). Every changed field is listed old → new, amounts with their delta, 完成投资 month by
month, problems raised and solved, visits added. Pure functions over two loaded repositories; git
lives in history/git.py.

A project that is missing on one side is 新增 or 移除 only if its file was read there. When the
project itself is invalid on that side, or the file (or its region folder) could not be read or
parsed there — a YAML error, a file over the size limit (E009), a symbolic link or a submodule
in its place (E203) — it is 无法比较, with a 说明 that says which file, at which revision, and
why ("在 HEAD（1a2b3c4d）中未能读取 ledgers/船营区/在建.yaml：E203 「在建.yaml」是符号链接…；无法比较，
并非删除").
An analyst reading a 移除 takes it as a project deliberately taken off the ledger and counts it
so in the per-region totals; a file that turned into a link or a 60 MB blob says nothing about
its projects, so they are never counted as 移除 or 新增, and their 完成投资 is left out of Δ完成投资
on both sides (it is unknown on one). The same reason is what ``xm diff`` and
``xm log`` print as the revision's located problems (:func:`blocking`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from xiangmu_cli.ledger.model import StartedProject, key_order
from xiangmu_cli.ledger.vocab import CITY, LEDGERS, Ledger

if TYPE_CHECKING:
    from collections.abc import Sequence

    from xiangmu_cli.ledger.problems import Problem
    from xiangmu_cli.reading.records import Record, Repository

__all__ = [
    "EVENTS",
    "FieldChange",
    "Change",
    "ProjectDiff",
    "RegionDelta",
    "InvalidFile",
    "DiffResult",
    "diff_repositories",
    "project_changes",
    "record_events",
    "escalation_event",
    "blocking",
    "describe",
]

#: The events by name; a 问题升级 event is a text that names its problem (:func:`escalation_event`).
EVENTS = ("新增", "移除", "转化", "开工", "入统", "落地", "签约", "竣工", "转移", "变更", "无法比较")
#: The events counted per region (分地区).
COUNTED = ("开工", "入统", "落地", "竣工", "新增", "移除")


class FieldChange(TypedDict):
    """One changed field, old → new: a field's values as the model gives them (amounts, dates,
    text…), None where absent. 字段 names a sub-field too: "完成投资 2018-09", "问题 <内容> 时限"."""

    字段: str
    原值: object
    新值: object


class Change(FieldChange):
    """A changed field with 差额 for an amount (an absent side counts as 0), else None."""

    差额: Decimal | None


class ProjectDiff(TypedDict):
    """One project that changed (项目变动): where it is now (or was, when 移除) and was before."""

    编号: str
    名称: str
    地区: str
    台账: str
    原地区: str | None
    原台账: str | None
    事件: list[str]
    变更: list[Change]
    #: Why the project is 无法比较 (its file or the project itself unreadable on one side).
    说明: str | None


class RegionDelta(TypedDict):
    """分地区: Δ完成投资 (万元, all years) and how many projects had each counted event."""

    地区: str
    Δ完成投资: Decimal
    开工: int
    入统: int
    落地: int
    竣工: int
    新增: int
    移除: int


class InvalidFile(TypedDict):
    """A file with errors in one version (its invalid projects were not compared)."""

    版本: str
    文件: str
    错误数: int


#: Fields whose change an event explains (so it alone does not make a 变更).
_IMPLIED: dict[str, set[str]] = {
    "开工": {
        "台账",
        "开工日期",
        "建设性质",
        "年度计划投资",
        "未入统原因",
        "入统时限",
        "前期手续",
        "开工条件",
        "入统日期",
    },
    "入统": {"台账", "入统日期", "未入统原因", "入统时限"},
    "落地": {
        "台账",
        "阶段",
        "落地日期",
        "投资方",
        "来源地",
        "签约日期",
        "计划落地日期",
        "重点",
        "计划开工日期",
        "建设单位",
        "建设性质",
        "年度计划投资",
        "开工日期",
        "未入统原因",
    },
    "转化": {"台账", "转化日期", "谋划阶段", "预计开工年度", "计划开工日期", "建设性质", "年度计划投资", "开工条件"},
    "签约": {"阶段", "签约日期"},
    "竣工": {"竣工日期"},
    "转移": {"地区"},
}


def _fields(rec: Record) -> dict[str, Any]:
    data = rec.project.model_dump(by_alias=True, mode="python")
    out = {k: v for k, v in data.items() if v not in (None, [], {})}
    out["台账"] = rec.ledger.value
    out["地区"] = rec.region
    return out


def _delta(old: Any, new: Any) -> Decimal | None:
    old_n = old if isinstance(old, Decimal) else (Decimal(0) if old is None and isinstance(new, Decimal) else None)
    new_n = new if isinstance(new, Decimal) else (Decimal(0) if new is None and isinstance(old, Decimal) else None)
    return None if old_n is None or new_n is None else new_n - old_n


def _change(name: str, old: Any, new: Any) -> Change:
    return {"字段": name, "原值": old, "新值": new, "差额": _delta(old, new)}


def _issue_key(issue: dict[str, Any]) -> tuple[Any, Any]:
    return issue.get("提出日期"), issue.get("内容")


def project_changes(old: Record, new: Record, *, escalated: list[str] | None = None) -> list[Change]:
    """Every changed field of one project, old → new, in the contract's key order.

    With ``escalated``, a problem whose 升级 only grew (its earlier entries unchanged) has each
    appended entry added there as a 问题升级 event (:func:`escalation_event`) instead of a change
    of its 升级; without it (restatements, ``xm update``'s plan) that is a change like any other.
    """
    a, b = _fields(old), _fields(new)
    changes: list[Change] = []
    order = ["地区", "台账", *key_order(type(new.project)), *key_order(type(old.project))]
    keys = [k for k in dict.fromkeys(order) if k in a or k in b]
    for key in keys:
        va, vb = a.get(key), b.get(key)
        if va == vb:
            continue
        if key == "完成投资":
            ma, mb = va or {}, vb or {}
            for month in sorted(set(ma) | set(mb)):
                if ma.get(month) != mb.get(month):
                    changes.append(_change(f"完成投资 {month}", ma.get(month), mb.get(month)))
        elif key == "以前月份完成投资":  # {截至, 金额}: each part compared on its own
            for sub in ("截至", "金额"):
                x, y = (va or {}).get(sub), (vb or {}).get(sub)
                if x != y:
                    changes.append(_change(f"以前月份完成投资 {sub}", x, y))
        elif key == "问题":
            changes += _issue_changes(va or [], vb or [], escalated)
        elif key == "走访":
            da = {v["日期"]: v for v in va or []}
            db = {v["日期"]: v for v in vb or []}
            for day in sorted(set(db) - set(da)):
                changes.append(_change("走访", None, _visit_text(db[day])))
            for day in sorted(set(da) - set(db)):
                changes.append(_change("走访", _visit_text(da[day]), None))
            for day in sorted(set(da) & set(db)):
                if da[day] != db[day]:
                    changes.append(_change("走访", _visit_text(da[day]), _visit_text(db[day])))
        elif key == "前期手续":
            pa = {p["名称"]: p for p in va or []}
            pb = {p["名称"]: p for p in vb or []}
            for name in dict.fromkeys([*pa, *pb]):
                for sub in ("计划办结", "办结日期"):
                    x, y = (pa.get(name) or {}).get(sub), (pb.get(name) or {}).get(sub)
                    if x != y or (name in pa) != (name in pb):
                        changes.append(_change(f"前期手续 {name} {sub}", x, y))
        else:
            changes.append(_change(key, va, vb))
    return changes


def _visit_text(visit: dict[str, Any]) -> str:
    """``2018-09-06``, followed by whatever else the visit says (走访人, 方式, 内容)."""
    said = [str(visit[key]) for key in ("走访人", "方式", "内容") if visit.get(key)]
    return " ".join([visit["日期"].isoformat(), *said])


def escalation_event(content: str, escalation: dict[str, Any]) -> str:
    """``问题升级：管线迁改未完成（提交专题会议，2018-09-25）``: one 升级 entry of a problem."""
    return f"问题升级：{content}（提交{escalation['层级']}，{escalation['日期'].isoformat()}）"


def _appended(prior: list[dict[str, Any]] | None, now: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """The 升级 entries ``now`` adds after ``prior``'s, unchanged; none when any of those changed."""
    was, grew = prior or [], now or []
    return grew[len(was) :] if len(grew) > len(was) and grew[: len(was)] == was else []


def _issue_changes(
    old: list[dict[str, Any]], new: list[dict[str, Any]], escalated: list[str] | None = None
) -> list[Change]:
    changes = []
    before = {_issue_key(i): i for i in old}
    after = {_issue_key(i): i for i in new}
    for key, issue in after.items():
        prior = before.get(key)
        if prior is None:
            changes.append(_change("问题提出", None, issue["内容"]))
            if issue.get("解决日期"):
                changes.append(_change("问题解决", None, f"{issue['内容']}（{issue['解决日期']}）"))
        elif prior != issue:
            if not prior.get("解决日期") and issue.get("解决日期"):
                changes.append(_change("问题解决", None, f"{issue['内容']}（{issue['解决日期']}）"))
            appended = [] if escalated is None else _appended(prior.get("升级"), issue.get("升级"))
            if appended and escalated is not None:
                escalated += [escalation_event(issue["内容"], entry) for entry in appended]
            for sub in ("分类", "责任单位", "层级", "时限", "升级", "解决日期", "解决情况"):
                if sub == "升级" and appended:
                    continue
                if prior.get(sub) != issue.get(sub) and not (sub == "解决日期" and not prior.get(sub)):
                    changes.append(_change(f"问题 {issue['内容']} {sub}", prior.get(sub), issue.get(sub)))
    for key, issue in before.items():
        if key not in after:
            changes.append(_change("问题删除", issue["内容"], None))
    return changes


def record_events(
    old: Record | None, new: Record | None, changes: list[Change], escalated: Sequence[str] = ()
) -> list[str]:
    """The business events of one project between two versions (``escalated``: its 问题升级
    events, from :func:`project_changes`, told before 变更)."""
    if old is None:
        return ["新增"]
    if new is None:
        return ["移除"]
    events = []
    if old.ledger is Ledger.RESERVE and new.ledger is not Ledger.RESERVE:
        events.append("转化")
    if old.ledger in (Ledger.PLANNED, Ledger.RESERVE) and new.ledger.started:
        events.append("开工")
    if old.ledger is Ledger.UNSTAT and new.ledger is Ledger.BUILDING:
        events.append("入统")
    stage_old = old.project.field_value("stage")
    stage_new = new.project.field_value("stage")
    if stage_old == "洽谈" and stage_new in ("签约", "落地"):
        events.append("签约")
    if (old.ledger is Ledger.INVESTMENT and new.ledger is not Ledger.INVESTMENT) or (
        stage_old in ("洽谈", "签约") and stage_new == "落地"
    ):
        events.append("落地")
    if old.project.field_value("finish_date") is None and new.project.field_value("finish_date") is not None:
        events.append("竣工")
    if old.region != new.region:
        events.append("转移")
    events += escalated
    explained = set().union(*(_IMPLIED.get(e, set()) for e in events))
    if any(_root_field(c["字段"]) not in explained for c in changes):
        events.append("变更")
    return events


def _root_field(name: str) -> str:
    return name.split(" ", 1)[0]


@dataclass
class DiffResult:
    old_label: str
    new_label: str
    projects: list[ProjectDiff]
    regions: list[RegionDelta]
    invalid: list[InvalidFile] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "原版本": self.old_label,
            "新版本": self.new_label,
            "项目变动": self.projects,
            "分地区": self.regions,
            "无效文件": self.invalid,
        }


def _index(repo: Repository) -> dict[str, Record]:
    out: dict[str, Record] = {}
    for rec in repo.records:
        out.setdefault(rec.project.code, rec)
    return out


#: Codes of problems that keep a whole file or folder from being read at all (not parsed ones).
_UNREAD = {"E009", "E203"}


def blocking(repo: Repository) -> list[Problem]:
    """Problems that kept a whole file or folder of ``repo`` from being read or parsed.

    E0xx (the YAML of a file: syntax, encoding, size — E009 also on the whole folder when it has
    too many files), and E203 on a file or folder (a symbolic link, a submodule, a file where a
    folder should be). What is below such a file or folder is unknown in ``repo``.
    """
    return [p for p in repo.problems if p.code[:2] == "E0" or (p.code == "E203" and p.at == "file")]


class _Unreadable:
    """编号 written in invalid projects, and why a file could not be read or parsed."""

    def __init__(self, repo: Repository) -> None:
        valid = {rec.project.code for rec in repo.records}
        self.written = {code for code, _, _ in repo.ids} - valid
        self.blocked: dict[str, Problem] = {}
        for problem in blocking(repo):
            self.blocked.setdefault(problem.file.rstrip("/"), problem)
        self._cache: dict[str, Problem | None] = {}

    def why(self, file: str) -> Problem | None:
        """The problem that kept ``file``, or a folder it is in, from being read."""
        if file not in self._cache:
            found = self.blocked.get(file)
            for folder, problem in self.blocked.items():
                if found is not None:
                    break
                if folder == "." or file.startswith(folder + "/"):
                    found = problem
            self._cache[file] = found
        return self._cache[file]

    def note(self, code: str, rec: Record, label: str) -> str | None:
        """Why ``code`` (of ``rec`` on the other side) is missing here, when it is not a removal."""
        problem = self.why(rec.file)
        if problem is not None and problem.code in _UNREAD:
            return f"在 {label} 中未能读取 {problem.file}：{problem.code} {problem.message}；无法比较，并非删除"
        if problem is not None or code in self.written:
            return f"在 {label} 中该项目或其文件有错误"
        return None


def _completed_total(rec: Record) -> Decimal:
    p = rec.project
    if not isinstance(p, StartedProject):
        return Decimal(0)
    return sum(p.monthly.values(), Decimal(0)) + (p.prior_months.amount if p.prior_months is not None else Decimal(0))


def diff_repositories(old: Repository, new: Repository, old_label: str, new_label: str) -> DiffResult:
    """Project-by-project differences from ``old`` to ``new``, with per-region totals."""
    before, after = _index(old), _index(new)
    old_unread, new_unread = _Unreadable(old), _Unreadable(new)
    regions = [*(new.config.region_names if new.config else []), *(old.config.region_names if old.config else [])]
    order = {name: i for i, name in enumerate(dict.fromkeys(regions))}

    rows: list[ProjectDiff] = []
    for code in dict.fromkeys([*after, *before]):
        a, b = before.get(code), after.get(code)
        note = None
        if a is not None and b is None:
            note = new_unread.note(code, a, new_label)
        elif a is None and b is not None:
            note = old_unread.note(code, b, old_label)
        if note is not None:
            rows.append(_row(code, a, b, ["无法比较"], [], note))
            continue
        escalated: list[str] = []
        changes = project_changes(a, b, escalated=escalated) if a is not None and b is not None else []
        if a is not None and b is not None and not changes and not escalated:
            continue
        rows.append(_row(code, a, b, record_events(a, b, changes, escalated), changes, None))
    rows.sort(key=lambda r: (order.get(r["地区"], len(order)), r["地区"], LEDGERS.index(Ledger(r["台账"])), r["编号"]))

    delta: dict[str, Decimal] = defaultdict(Decimal)
    # A project that cannot be compared counts on neither side: its figures are unknown on one.
    unknown = {row["编号"] for row in rows if row["事件"] == ["无法比较"]}
    for rec in new.records:
        if rec.project.code not in unknown:
            delta[rec.region] += _completed_total(rec)
    for rec in old.records:
        if rec.project.code not in unknown:
            delta[rec.region] -= _completed_total(rec)
    events: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        events[row["地区"]].update(event for event in row["事件"] if event in COUNTED)
    shown = [
        name
        for name in sorted({*delta, *events}, key=lambda name: (order.get(name, len(order)), name))
        if delta.get(name) or events[name]
    ]
    region_rows = [_region_delta(name, [name], delta, events) for name in shown]
    if region_rows:
        region_rows.append(_region_delta(CITY, shown, delta, events))

    invalid: list[InvalidFile] = []
    for label, repo in ((old_label, old), (new_label, new)):
        errors = Counter(problem.file for problem in repo.errors)
        invalid += [{"版本": label, "文件": file, "错误数": n} for file, n in sorted(errors.items())]
    return DiffResult(old_label, new_label, rows, region_rows, invalid)


def _region_delta(
    name: str, regions: list[str], delta: dict[str, Decimal], counts: dict[str, Counter[str]]
) -> RegionDelta:
    """The 分地区 row ``name`` of ``regions`` taken together (one region, or every one for 全市)."""
    counted = sum((counts[r] for r in regions), Counter[str]())
    return {
        "地区": name,
        "Δ完成投资": sum((delta.get(r, Decimal(0)) for r in regions), Decimal(0)),
        "开工": counted["开工"],
        "入统": counted["入统"],
        "落地": counted["落地"],
        "竣工": counted["竣工"],
        "新增": counted["新增"],
        "移除": counted["移除"],
    }


def _row(
    code: str,
    old: Record | None,
    new: Record | None,
    events: list[str],
    changes: list[Change],
    note: str | None,
) -> ProjectDiff:
    rec = new or old
    assert rec is not None
    return {
        "编号": code,
        "名称": rec.project.name,
        "地区": rec.region,
        "台账": rec.ledger.value,
        "原地区": old.region if old else None,
        "原台账": old.ledger.value if old else None,
        "事件": events,
        "变更": changes,
        "说明": note,
    }


def describe(change: FieldChange) -> str:
    """One change as text: ``总投资 12000 → 15000（+3000）`` (the delta when it is a Change with one)."""
    from xiangmu_cli.ledger.units import format_amount
    from xiangmu_cli.ledger.units import show_value as show

    text = f"{change['字段']} {show(change['原值'])} → {show(change['新值'])}"
    delta = change.get("差额")
    if isinstance(delta, Decimal):
        text += f"（{'+' if delta > 0 else ''}{format_amount(delta)}）"
    return text
