"""Importing a sheet of an Excel workbook (.xlsx) or a CSV file into the ledgers (``xm import``).

:func:`plan_import` reads the sheet (:mod:`~xiangmu_cli.office.importfile`), finds its header and
columns (:mod:`~xiangmu_cli.office.importer`), reads every row, and plans:

- new projects (the default): each row is checked as the project it makes, every problem at once
  (:mod:`~xiangmu_cli.office.rowcheck`: the cells, the model, the checks of one project at a
  time, its 编号 against the ledgers and the other rows), each problem named by its cell. The
  rows without a problem are appended to ``ledgers/<地区>/<台账>.yaml`` (created when absent) by
  :func:`xiangmu_cli.write.edit.add_projects`; the others are listed.
- ``update=True`` (``xm import --update``): 完成投资 and 形象进度 of the projects already in the
  ledgers (:mod:`~xiangmu_cli.office.update`).

Cumulative columns (``1-9月完成投资``) are split into months as far as the sheet gives the split,
the rest kept as 以前月份完成投资 (:mod:`~xiangmu_cli.office.monthsplit`). Nothing is written here:
the result holds the verified :class:`~xiangmu_cli.write.edit.EditPlan`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xiangmu_cli.ledger.model import Config
from xiangmu_cli.ledger.vocab import Ledger
from xiangmu_cli.office.importer import HeaderMap, header_score, load_header_map, skip_reason
from xiangmu_cli.office.importfile import ImportLimits, Sheet, read_rows, shown
from xiangmu_cli.office.importrows import (
    Columns,
    ImportResult,
    RowData,
    RowIssue,
    UpdatedProject,
    issues_of,
    other_sheet,
    read_columns,
    read_row,
    split_row,
)
from xiangmu_cli.office.rowcheck import check_project
from xiangmu_cli.reading.records import Repository
from xiangmu_cli.write.edit import EditError, add_projects

__all__ = ["ImportResult", "UpdatedProject", "plan_import", "ImportLimits", "RowIssue"]


def _usage(message: str) -> EditError:
    return EditError(message, code=2)


def plan_import(
    repo: Repository,
    path: Path,
    ledger: Ledger | None = None,
    region: str | None = None,
    sheet: str | None = None,
    header_map: Path | None = None,
    limits: ImportLimits | None = None,
    update: bool = False,
) -> ImportResult:
    """Read the sheet and plan the import (nothing is written; see the module docstring).

    ``ledger`` defaults to the sheet's name when it is a ledger name; ``region`` may be left out
    when the sheet has a 地区 column (each row then goes to its own region's file; with both,
    rows of other regions are skipped). Usage errors raise EditError with code 2, a bad file code 1.
    """
    if repo.config is None:
        raise EditError(f"{repo.config_file} 缺失或有错误，无法导入；请先运行 xm validate 并改正")
    regions = repo.config.region_names
    year = repo.config.year
    if region is not None and region not in regions:
        raise _usage(f"没有地区「{region}」；xiangmu.yaml 中的地区为：{'、'.join(regions)}")
    hmap = load_header_map(header_map) if header_map is not None else HeaderMap()
    table = read_rows(path, sheet, limits)
    if update:
        from xiangmu_cli.office.update import plan_update

        _header_or_other_sheet(path, table, Ledger.BUILDING, repo.config, hmap, sheet, limits)
        return plan_update(repo, path, table, region, hmap)
    if ledger is None:
        try:
            ledger = Ledger(table.name.strip())
        except ValueError:
            hint = other_sheet(path, table, None, repo.config, hmap, limits) if sheet is None else ""
            no_header = header_score(table, Ledger.BUILDING, year, hmap, repo.config)[0] is None
            raise _usage(
                "请用 --ledger 指定导入哪本台账（在建、未入统、计划开工、招商、谋划）；"
                f"工作表名「{table.name}」不是台账名" + (f"；{hint}" if hint and no_header else "")
            ) from None
    _header_or_other_sheet(path, table, ledger, repo.config, hmap, sheet, limits)
    columns = read_columns(table, ledger, repo.config, hmap, region)
    result = ImportResult(table.name, columns.header, ledger, None, ignored=columns.ignored)
    groups = _read_projects(repo, table, columns, ledger, region, result)
    source = f"{shown(path.name)} " + ("" if path.suffix.lower() == ".csv" else f"工作表「{table.name}」")
    plan_groups = []
    for name in [r for r in regions if r in groups]:
        rows = [n for n, _ in groups[name]]
        comment = f"导入自 {source}第 {_ranges(rows)} 行"
        plan_groups.append((name, ledger, [d for _, d in groups[name]], comment))
        result.imported += [(n, name, d["编号"]) for n, d in groups[name]]
    if plan_groups:
        count = len(result.imported)
        plan = add_projects(repo, plan_groups, f"从 {source}导入 {count} 个项目到{ledger.value}台账")
        plan.warnings = []  # each is a note of its row already, at its cell
        result.plan = plan
    return result


def _header_or_other_sheet(
    path: Path,
    table: Sheet,
    ledger: Ledger,
    config: Config,
    hmap: HeaderMap,
    sheet: str | None,
    limits: ImportLimits | None,
) -> None:
    """A sheet without a recognisable header, chosen by default (a 填报说明 first): the error names
    the sheet that has one."""
    if sheet is not None or hmap.rows is not None or header_score(table, ledger, config.year, hmap, config)[0]:
        return
    hint = other_sheet(path, table, ledger, config, hmap, limits)
    if hint:
        raise EditError(f"工作表「{table.name}」中找不到表头（至少要有 名称 和另一个台账字段）；{hint}")


def _read_projects(
    repo: Repository, table: Sheet, columns: Columns, ledger: Ledger, region: str | None, result: ImportResult
) -> dict[str, list[tuple[int, dict[str, Any]]]]:
    """The projects of the rows below the header, by region: (sheet row, data by alias) each. The
    rows skipped, and every problem and note of each row, go to ``result``."""
    assert repo.config is not None
    regions = repo.config.region_names
    rows: list[RowData] = []
    for index in range(columns.header.first_data_row, len(table.rows)):
        row = table.rows[index]
        reason = skip_reason(row, index, table)
        if reason:
            result.skipped[reason] += 1
            continue
        data = read_row(row, index + 1, columns, table.epoch)
        if region is not None and data.region in regions and data.region != region:
            result.skipped["其他地区的行"] += 1
            continue
        rows.append(data)
    known = {code: file for code, file, _ in repo.ids}
    where: dict[str, list[int]] = {}
    for r in rows:
        if isinstance(r.data.get("编号"), str):
            where.setdefault(r.data["编号"], []).append(r.number)
    groups: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for r in rows:
        issues = r.issues + _region_issues(r, region, regions, columns) + _code_issues(r, columns, known, where)
        notes, wrong = split_row(r, {}, [], repo.config.year)
        issues += wrong
        missing = set() if isinstance(r.data.get("编号"), str) else {"编号"}  # said by _code_issues
        project, problems = check_project(r.data, ledger, repo.config, r.failed | missing, repo.root)
        found, warned = issues_of(problems, r, columns, ledger)
        issues += found
        if issues or project is None:
            result.issues += issues
            continue
        result.notes += r.notes + notes + warned
        dump = project.model_dump(by_alias=True, exclude_none=True)
        groups.setdefault(r.region or region or "", []).append((r.number, dump))  # one of them is set
    return groups


def _code_issues(r: RowData, columns: Columns, known: dict[str, str], where: dict[str, list[int]]) -> list[RowIssue]:
    """No 编号; a 编号 already in the ledgers (valid or not); one on several rows (none of them is imported)."""
    column = columns.by_field.get("编号", "")
    code = r.data.get("编号")
    if "编号" in r.failed:
        return []
    if not isinstance(code, str):
        hint = "给每个项目填写编号，例如 CY-2018-001"
        return [RowIssue(r.number, column, "没有编号", hint if column else "在表中加一列 编号，" + hint)]
    if code in known:
        hint = "不会覆盖已有项目；更新已有项目的完成投资和形象进度用 --update，新项目请换一个编号"
        return [RowIssue(r.number, column, f"编号 {code} 已在 {known[code]} 中", hint)]
    others = [n for n in where.get(code, []) if n != r.number]
    if others:
        rows = "、".join(str(n) for n in others)
        return [RowIssue(r.number, column, f"编号 {code} 与第 {rows} 行重复", "这几行都未导入；改正编号后再导入")]
    return []


def _region_issues(r: RowData, region: str | None, regions: list[str], columns: Columns) -> list[RowIssue]:
    from xiangmu_cli.office.interop import REGION

    column = columns.by_field.get(REGION, "")
    if r.region is not None and r.region not in regions:
        return [RowIssue(r.number, column, f"地区「{r.region}」不在 xiangmu.yaml 中", "地区为：" + "、".join(regions))]
    if region is None and r.region is None and REGION not in r.failed:
        return [RowIssue(r.number, column, "没有地区", "填写地区，或用 --region 指定")]
    return []


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
