"""The events that move a project to another ledger: 开工 (:func:`start`), 入统 (:func:`enter_stats`),
落地 (:func:`land`), 转化 (:func:`convert`).

Mapping of the moves (docs/ledger-format.md, "Moves keep history (revision 2)"): a move writes
the event's date and keeps every key the target ledger accepts; the common fields 编号 名称 建设单位
类别 总投资 包保领导 项目秘书 责任单位 用地面积 问题 走访 备注 always move unchanged, byte for byte.

- 开工, 计划开工 → 未入统: 开工日期 = D; 建设性质 kept, written as 新建 when absent; 计划开工日期,
  年度计划投资 and 前期手续 kept (``plan`` replaces 年度计划投资, and is required when the record
  has none); 未入统原因 = ``reason`` (default "新开工，尚未入统"). A 续建 record (复工) needs
  ``first_start``: 开工日期 = first_start (the original start), 复工日期 = D. Kept too: what the
  record kept from 招商. Dropped: 开工条件. Refused: a start before 落地日期, D before first_start.
- 入统, 未入统 → 在建: 入统日期 = D; 入统时限 and every other field of a started project kept.
  Dropped: 未入统原因. Refused: D before 开工日期.
- 落地, 招商 → 计划开工: only from 阶段 签约 or 落地; D must not be before 签约日期 (and must equal
  落地日期 when the record has one). 落地日期 = D, 计划开工日期 = ``planned_start``; 投资方, 来源地,
  签约日期, 计划落地日期 and 重点 kept (投资方 stays 投资方: no 建设单位 is made from it). Dropped: 阶段.
- 转化, 谋划 → 计划开工: D must not be before 谋划日期. 转化日期 = D, 计划开工日期 = ``planned_start``;
  谋划日期, 入国家库 and 前期手续 kept (the first two at the end, after what a record keeps from
  招商). Dropped: 谋划阶段 and 预计开工年度 (计划开工日期 says more).

The moved record's keys are put in the target model's field order (a ledger's own keys, then
those kept from 招商), as ``xm fmt`` puts them, each key with its lines. A dropped key that had
comments is not simply removed: its lines are commented out (``# 开工条件: 用地待挂牌  # 国土局``)
and go, with the comment lines that were above and after it, directly above the key the event's
date is written to (the anchor: 开工日期, 复工日期 for a 续建 start, 入统日期, 落地日期, 转化日期; above the
anchor's own comment lines), so no comment is lost and each keeps the key it was about; a dropped
key without comments just goes (its value is in git).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from xiangmu_cli.ledger.model import key_order, project_model
from xiangmu_cli.ledger.units import parse_amount
from xiangmu_cli.ledger.vocab import Ledger
from xiangmu_cli.reading.records import Record, Repository
from xiangmu_cli.write import files
from xiangmu_cli.write.args import check_amount, parse_day, text_arg
from xiangmu_cli.write.document import Doc
from xiangmu_cli.write.files import EditedFile
from xiangmu_cli.write.find import find, label, open_project, path_of
from xiangmu_cli.write.pairs import delete_pair, set_scalar
from xiangmu_cli.write.plan import EditError, EditPlan
from xiangmu_cli.write.projects import append, cut, new_file, ordered
from xiangmu_cli.write.verify import as_intended, make_plan

__all__ = ["DEFAULT_REASON", "start", "enter_stats", "land", "convert"]

#: 未入统原因 written by :func:`start` when none is given.
DEFAULT_REASON = "新开工，尚未入统"

#: A key set by a move: (key, value as written, is free text).
_Set = tuple[str, str, bool]


def _move(
    repo: Repository,
    record: Record,
    target: Ledger,
    sets: list[_Set],
    intended: dict[str, Any],
    summary: str,
    anchor: str,
) -> EditPlan:
    """Edit the fields in the source, cut the project's block, put its keys in the target's
    order and append it to the target ledger.

    The keys the target does not accept are dropped; one that had comments is commented out,
    with them, directly above ``anchor`` (the key the event's date is written to), see
    :func:`~xiangmu_cli.write.pairs.delete_pair`."""
    dest_path = path_of(repo, record).parent / target.filename
    src, doc, item = open_project(repo, record, (dest_path,))
    order = key_order(project_model(target, repo.config))
    drop = [k.value for k, _ in doc.pairs(item) if k.value not in order]
    moved: list[str] = []
    noted: list[str] = []
    for key in drop:
        lines = delete_pair(doc, item, key)
        moved += lines
        noted += [key] if lines else []
    for key, value, text in sorted(sets, key=lambda s: order.index(s[0])):
        set_scalar(doc, item, key, value, order, text=text, skip=set(drop), comments=moved if key == anchor else ())
    if moved:
        which = "" if noted == drop else f"其中 {'、'.join(noted)} "
        summary += f"（{which}连同注释改为注释行，放在 {anchor} 上方）"
    block = ordered(cut(Doc(doc.result()), record.index), order)
    new_files: dict[Path, str] = {}
    edited: list[tuple[EditedFile, str]] = []
    if dest_path.exists():
        dest = files.read(dest_path)
        edited.append((dest, append(Doc(dest.text), block)))
    else:
        new_files[dest_path] = new_file(record.region, target, block, doc.nl)
    edited.append((src, block.text))
    return make_plan(repo, record, edited, new_files, target, intended, summary)


def _kept(repo: Repository, record: Record, target: Ledger) -> tuple[dict[str, Any], list[str]]:
    """The record's data that the target ledger accepts, and the keys it does not (dropped);
    the repository's 扩展字段 are accepted by every ledger."""
    data = record.project.model_dump(by_alias=True, exclude_unset=True)
    order = key_order(project_model(target, repo.config))
    return {k: v for k, v in data.items() if k in order}, [k for k in data if k not in order]


def _dropped(ledger: Ledger, dropped: list[str]) -> str:
    return f"；不再保留{ledger.value}台账专用的 {'、'.join(dropped)}" if dropped else ""


def start(
    repo: Repository,
    code: str,
    day: date | str,
    plan: str | None = None,
    reason: str | None = None,
    first_start: date | str | None = None,
) -> EditPlan:
    """开工: move a project from 计划开工 to 未入统 (see the module docstring for the mapping)."""
    day = parse_day(day)
    plan = check_amount(plan, "--plan") if plan is not None else None
    reason = text_arg(reason, "--reason") if reason is not None else DEFAULT_REASON
    first = parse_day(first_start, "--first-start") if first_start is not None else None
    record = find(repo, code, "xm start", (Ledger.PLANNED,))
    project: Any = record.project
    nature = project.nature or "新建"
    _check_start(record, nature, day, plan, first)
    data, dropped = _kept(repo, record, Ledger.UNSTAT)
    sets = _start_sets(data, nature, day, plan, reason, first)
    what = f"复工日期 {day}，开工日期 {first}" if first else f"开工日期 {day}"
    if plan is not None:
        before = project.annual_plan
        what += f"，年度计划投资 {plan}" + (f"（原为 {before}）" if before is not None else "")
    summary = f"{label(record)}：计划开工 → 未入统（{what}）" + _dropped(Ledger.PLANNED, dropped)
    return _move(
        repo,
        record,
        Ledger.UNSTAT,
        sets,
        as_intended(Ledger.UNSTAT, data, repo.config),
        summary,
        anchor="复工日期" if first is not None else "开工日期",
    )


def _check_start(record: Record, nature: str, day: date, plan: str | None, first: date | None) -> None:
    """The refusals of :func:`start`."""
    project: Any = record.project
    if plan is None and project.annual_plan is None:
        raise EditError(
            f"项目 {label(record)}没有 年度计划投资，未入统台账必须填写；请用 --plan 给出，例如 --plan 5000", code=2
        )
    if nature == "续建" and first is None:
        raise EditError(
            f"项目 {label(record)}是续建（复工）项目：请用 --first-start 给出最初开工日期，--date 记为复工日期", code=2
        )
    if nature == "新建" and first is not None:
        raise EditError("--first-start 只用于续建项目", code=2)
    started = first if first is not None else day
    if first is not None and day < first:
        raise EditError(f"复工日期 {day} 早于最初开工日期 {first}")
    if project.land_date is not None and started < project.land_date:
        raise EditError(f"开工日期 {started} 早于落地日期 {project.land_date}")


def _start_sets(
    data: dict[str, Any], nature: str, day: date, plan: str | None, reason: str, first: date | None
) -> list[_Set]:
    """The keys :func:`start` writes; ``data`` (the kept data) is updated to the intended data."""
    sets = [("未入统原因", reason, True)]
    if "建设性质" not in data:
        sets.append(("建设性质", "新建", True))
    if first is not None:
        sets += [("开工日期", first.isoformat(), False), ("复工日期", day.isoformat(), False)]
        data.update({"开工日期": first, "复工日期": day})
    else:
        sets.append(("开工日期", day.isoformat(), False))
        data["开工日期"] = day
    if plan is not None:
        sets.append(("年度计划投资", plan, False))
        data["年度计划投资"] = parse_amount(plan)
    data.update({"建设性质": nature, "未入统原因": reason})
    return sets


def enter_stats(repo: Repository, code: str, day: date | str) -> EditPlan:
    """入统: move a project from 未入统 to 在建 with 入统日期 (入统时限 kept, 未入统原因 dropped)."""
    day = parse_day(day)
    record = find(repo, code, "xm enter-stats", (Ledger.UNSTAT,))
    project: Any = record.project
    if day < project.start_date:
        raise EditError(f"入统日期 {day} 早于开工日期 {project.start_date}")
    data, dropped = _kept(repo, record, Ledger.BUILDING)
    data["入统日期"] = day
    summary = f"{label(record)}：未入统 → 在建（入统日期 {day}）" + _dropped(Ledger.UNSTAT, dropped)
    return _move(
        repo,
        record,
        Ledger.BUILDING,
        [("入统日期", day.isoformat(), False)],
        as_intended(Ledger.BUILDING, data, repo.config),
        summary,
        anchor="入统日期",
    )


def land(repo: Repository, code: str, day: date | str, planned_start: date | str) -> EditPlan:
    """落地: move a signed 招商 project to 计划开工 with 落地日期 and 计划开工日期 (阶段 dropped;
    投资方, 来源地, 签约日期, 计划落地日期 and 重点 kept)."""
    day = parse_day(day)
    planned = parse_day(planned_start, "--planned-start")
    record = find(repo, code, "xm land", (Ledger.INVESTMENT,))
    project: Any = record.project
    if project.stage not in ("签约", "落地"):
        raise EditError(
            f"项目 {label(record)}还在 {project.stage} 阶段，签约后才能落地；"
            "请先在招商台账中改为 阶段: 签约 并填写 签约日期"
        )
    if project.sign_date is not None and day < project.sign_date:
        raise EditError(f"落地日期 {day} 早于签约日期 {project.sign_date}")
    if project.land_date is not None and project.land_date != day:
        raise EditError(
            f"招商台账记录的落地日期为 {project.land_date}，与 --date {day} 不一致；"
            f"请用 --date {project.land_date}，或先改正招商台账"
        )
    data, dropped = _kept(repo, record, Ledger.PLANNED)
    data.update({"计划开工日期": planned, "落地日期": day})
    summary = f"{label(record)}：招商 → 计划开工（落地日期 {day}，计划开工日期 {planned}）" + _dropped(
        Ledger.INVESTMENT, dropped
    )
    sets = [("计划开工日期", planned.isoformat(), False), ("落地日期", day.isoformat(), False)]
    intended = as_intended(Ledger.PLANNED, data, repo.config)
    return _move(repo, record, Ledger.PLANNED, sets, intended, summary, anchor="落地日期")


def convert(repo: Repository, code: str, day: date | str, planned_start: date | str) -> EditPlan:
    """转化: move a 谋划 project (储备库) to 计划开工 with 转化日期 and 计划开工日期 (谋划阶段 and
    预计开工年度 dropped; 谋划日期, 入国家库 and 前期手续 kept)."""
    day = parse_day(day)
    planned = parse_day(planned_start, "--planned-start")
    record = find(repo, code, "xm convert", (Ledger.RESERVE,))
    project: Any = record.project
    if day < project.reserve_date:
        raise EditError(f"转化日期 {day} 早于谋划日期 {project.reserve_date}")
    data, dropped = _kept(repo, record, Ledger.PLANNED)
    data.update({"计划开工日期": planned, "转化日期": day})
    summary = f"{label(record)}：谋划 → 计划开工（转化日期 {day}，计划开工日期 {planned}）" + _dropped(
        Ledger.RESERVE, dropped
    )
    sets = [("计划开工日期", planned.isoformat(), False), ("转化日期", day.isoformat(), False)]
    intended = as_intended(Ledger.PLANNED, data, repo.config)
    return _move(repo, record, Ledger.PLANNED, sets, intended, summary, anchor="转化日期")
