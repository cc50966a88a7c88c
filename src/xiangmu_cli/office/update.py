"""``xm import --update``: 完成投资 and 形象进度 of the projects already in the ledgers, from a sheet.

The monthly re-import: each row is found by its 编号 (in any region and either started ledger,
在建 or 未入统) and only these are written: the months of 完成投资 the sheet gives (month columns,
and what its cumulative columns give with the ledger's months, :mod:`~xiangmu_cli.office.monthsplit`),
以前月份完成投资 as the split leaves it, and 形象进度. A month the ledger has is replaced when the
sheet says otherwise (the change is listed). Other columns are not compared.

A row whose 编号 is not in the ledgers is listed, never added (new projects are imported without
``--update``); a row whose project is not started (计划开工, 招商), sits in a file with errors, or is
in another region than the row or ``--region`` says, is a problem of the row. Each changed project
is checked as it would be after the change (:mod:`~xiangmu_cli.office.rowcheck`): a new error is a
problem of its row, which is then not updated, a new warning a note. The changes of every project
are listed (``history.diff.project_changes``), and written as one verified plan
(:func:`xiangmu_cli.write.updates.update_projects`).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from xiangmu_cli.history.diff import Change, project_changes
from xiangmu_cli.ledger.model import StartedProject
from xiangmu_cli.ledger.vocab import Ledger
from xiangmu_cli.office.importer import HeaderMap, skip_reason
from xiangmu_cli.office.importfile import Sheet, shown
from xiangmu_cli.office.importrows import (
    Columns,
    ImportResult,
    RowData,
    RowIssue,
    UpdatedProject,
    issues_of,
    read_columns,
    read_row,
    split_row,
)
from xiangmu_cli.office.interop import REGION
from xiangmu_cli.office.monthsplit import Span
from xiangmu_cli.office.rowcheck import check_project
from xiangmu_cli.reading.records import Record, Repository
from xiangmu_cli.write.updates import ProjectUpdate, update_projects

__all__ = ["plan_update", "KEEP"]

#: The columns --update reads.
KEEP = {"编号", "名称", REGION, "完成投资", "形象进度"}
_LUMP = "以前月份完成投资"
_LEDGER_LUMP = "台账中的以前月份完成投资"


def plan_update(repo: Repository, path: Path, table: Sheet, region: str | None, hmap: HeaderMap) -> ImportResult:
    """The plan of ``xm import --update`` (see the module docstring)."""
    assert repo.config is not None
    columns = read_columns(table, Ledger.BUILDING, repo.config, hmap, region, keep=KEEP)
    result = ImportResult(table.name, columns.header, None, None, ignored=columns.ignored)
    rows: list[RowData] = []
    for index in range(columns.header.first_data_row, len(table.rows)):
        reason = skip_reason(table.rows[index], index, table)
        if reason:
            result.skipped[reason] += 1
            continue
        row = read_row(table.rows[index], index + 1, columns, table.epoch)
        if region is not None and row.region in repo.config.region_names and row.region != region:
            result.skipped["其他地区的行"] += 1
            continue
        rows.append(row)
    records = {r.project.code: r for r in repo.records}
    written = {code: file for code, file, _ in repo.ids}
    count = Counter(r.data.get("编号") for r in rows)
    updates: list[ProjectUpdate] = []
    broken = {p.file for p in repo.errors}
    for row in rows:
        record, issues = _record(row, columns, records, written, broken, count, region, result)
        if record is None:
            if issues or "编号" in row.failed:  # else: a 编号 not in the ledgers, listed apart
                result.issues += row.issues + issues
            continue
        update, issues, notes, changes = _update(repo, row, columns, record)
        if issues:
            result.issues += issues
        elif update is None:
            result.unchanged += 1
        else:
            updates.append(update)
            result.notes += notes
            label = f"{record.project.code}（{record.project.name}）"
            result.updated.append(UpdatedProject(row.number, label, record.file, changes))
    if updates:
        source = f"{shown(path.name)} " + ("" if path.suffix.lower() == ".csv" else f"工作表「{table.name}」")
        plan = update_projects(repo, updates, f"从 {source}更新 {len(updates)} 个项目的完成投资和形象进度")
        plan.warnings = []  # each is a note of its row already
        result.plan = plan
    return result


def _record(
    row: RowData,
    columns: Columns,
    records: dict[str, Record],
    written: dict[str, str],
    broken: set[str],
    count: Counter[str | None],
    region: str | None,
    result: ImportResult,
) -> tuple[Record | None, list[RowIssue]]:
    """The project the row updates, or the row's problems (a 编号 not in the ledgers goes to
    ``result.unknown``)."""
    column = columns.by_field.get("编号", "")
    code = row.data.get("编号")
    if not isinstance(code, str):
        return None, [] if "编号" in row.failed else [RowIssue(row.number, column, "没有编号")]
    if count[code] > 1:
        return None, [RowIssue(row.number, column, f"编号 {code} 在表中出现 {count[code]} 次", "这几行都未更新")]
    record = records.get(code)
    if (record is None and code in written) or (record is not None and record.file in broken):
        file = written[code]
        return None, [
            RowIssue(row.number, column, f"项目 {code} 所在的 {file} 有错误，无法更新", "先运行 xm validate 并改正")
        ]
    if record is None:
        result.unknown.append(
            RowIssue(row.number, column, f"编号 {code} 不在台账中，未添加", "新项目请不带 --update 导入")
        )
        return None, []
    if not isinstance(record.project, StartedProject):
        message = f"项目 {code} 在 {record.file}（{record.ledger.value}台账），尚未开工，没有完成投资"
        return None, [RowIssue(row.number, column, message)]
    where = row.region if row.region is not None else region
    if where is not None and where != record.region:
        message = f"项目 {code} 在 {record.file}，不在{where}"
        hint = "核对编号或地区" if row.region is not None else "核对编号，或 --region"
        return None, [RowIssue(row.number, columns.by_field.get(REGION, column), message, hint)]
    return record, []


def _update(
    repo: Repository, row: RowData, columns: Columns, record: Record
) -> tuple[ProjectUpdate | None, list[RowIssue], list[RowIssue], list[Change]]:
    """The row's update of ``record``: (None when nothing changes), its problems, its notes and
    the changes it makes."""
    assert repo.config is not None
    project = record.project
    assert isinstance(project, StartedProject)
    year = repo.config.year
    ledger_months = dict(project.monthly)
    spans: list[Span] = []
    old_lump = project.prior_months
    if old_lump is not None:
        unlisted = frozenset(
            m for m in _months_to(old_lump.through, project.start_date, year) if m not in ledger_months
        )
        spans.append(Span(unlisted, old_lump.amount, _LEDGER_LUMP))
    notes, issues = split_row(row, ledger_months, spans, year, project.start_date)
    issues = row.issues + issues
    data = project.model_dump(by_alias=True, exclude_unset=True)
    months = {m: v for m, v in (row.data.get("完成投资") or {}).items() if ledger_months.get(m) != v}
    new_lump = row.data.get(_LUMP)
    lump = (new_lump["截至"], new_lump["金额"]) if new_lump else None
    was = (old_lump.through, old_lump.amount) if old_lump is not None else None
    # Without a month or cumulative column it stays as it is; else it is what the split leaves.
    lump_set = bool(row.months or row.spans) and lump != was
    if lump_set and lump is None and old_lump is not None and old_lump.amount == 0:
        # A 以前月份完成投资 of 0 that the split turns into a 0 for each of its months says the
        # same: left as it is (a sheet giving its months other amounts changes it as usual).
        zeros = {m for m, v in months.items() if m in spans[0].months and v == 0}
        if zeros == spans[0].months:
            months = {m: v for m, v in months.items() if m not in zeros}
            lump_set = False
    progress = row.data.get("形象进度")
    progress = progress if progress is not None and progress != project.progress else None
    if months:
        data["完成投资"] = {**(data.get("完成投资") or {}), **months}
    if lump_set:
        if lump is None:
            data.pop(_LUMP, None)
        else:
            data[_LUMP] = {"截至": lump[0], "金额": lump[1]}
    if progress is not None:
        data["形象进度"] = progress
    if issues:
        return None, issues, [], []
    if not months and not lump_set and progress is None:
        return None, [], [], []
    new, problems = check_project(data, record.ledger, repo.config, set(), repo.root)
    _, before = check_project(
        project.model_dump(by_alias=True, exclude_unset=True), record.ledger, repo.config, set(), repo.root
    )
    old = Counter((p.code, p.message) for p in before)
    fresh = [p for p in problems if not old[(p.code, p.message)]]
    found, warned = issues_of(fresh, row, columns, record.ledger)
    if found or new is None:
        return None, found or [RowIssue(row.number, "", "更新后项目无法通过校验")], [], []
    update = ProjectUpdate(project.code, months, lump_set, lump, progress)
    after = Record(new, record.region, record.ledger, record.file, record.index)
    return update, [], row.notes + notes + warned, project_changes(record, after)


def _months_to(through: str, start: object, year: int) -> list[str]:
    from datetime import date

    first = start.month if isinstance(start, date) and start.year == year else 1
    return [f"{year:04d}-{m:02d}" for m in range(first, int(through[5:]) + 1)]
