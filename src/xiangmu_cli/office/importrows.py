"""The rows of a sheet being imported: its columns, each row's values, and where a problem is.

Shared by the import of new projects (:mod:`~xiangmu_cli.office.importplan`) and ``--update``
(:mod:`~xiangmu_cli.office.update`). Every problem and note of a row names its cell: ``第 12 行 L 列
「开工时间」：…``; a problem found in the project the row makes (a path such as ``("完成投资",
"2018-02")``) is taken back to the column it came from (:func:`issues_of`), including the
months and the 以前月份完成投资 derived from a cumulative column (``RowData.origin``).
"""

from __future__ import annotations

import shlex
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from xiangmu_cli.base.safetext import restore_formula
from xiangmu_cli.history.diff import Change
from xiangmu_cli.ledger.model import Config
from xiangmu_cli.ledger.problems import PathElem, Problem
from xiangmu_cli.ledger.units import UnitError
from xiangmu_cli.ledger.vocab import Ledger
from xiangmu_cli.office.importer import (
    Header,
    HeaderMap,
    Notes,
    Target,
    column_targets,
    convert,
    find_header,
    header_score,
    is_empty,
)
from xiangmu_cli.office.importfile import ImportLimits, Sheet, read_rows, shown
from xiangmu_cli.office.interop import FIELD_KINDS, REGION, field_kinds
from xiangmu_cli.office.monthsplit import Span, month_range, split
from xiangmu_cli.write.edit import EditError, EditPlan

__all__ = [
    "ImportResult",
    "UpdatedProject",
    "RowIssue",
    "Columns",
    "RowData",
    "read_columns",
    "read_row",
    "start_floor",
    "split_row",
    "issues_of",
    "other_sheet",
]

#: Keys the row itself is about, not a column: where its problems are listed.
_LUMP = "以前月份完成投资"


@dataclass
class RowIssue:
    """A problem (the row is not imported) or a note (it is) of a row of the sheet."""

    row: int
    column: str  # "E 列「开工日期」", or "" for the row as a whole
    message: str
    hint: str = ""

    def __str__(self) -> str:
        """One line; what came from the file is shown with control characters escaped, clipped."""
        where = f"第 {self.row} 行" + (f" {shown(self.column)}" if self.column else "")
        return f"{where}：{shown(self.message)}" + (f"（{shown(self.hint)}）" if self.hint else "")


@dataclass
class Columns:
    """The sheet's header and what its columns are."""

    header: Header
    targets: dict[int, Target]
    ignored: list[str]
    labels: dict[int, str]  # column → "E 列「开工时间」"
    by_field: dict[str, str]  # Target.field → its column's label
    kinds: dict[str, str] = field(default_factory=dict)  # field → cell kind (interop.field_kinds)

    def has(self, key: str) -> bool:
        return any(t.key == key for t in self.targets.values())


@dataclass
class RowData:
    """One row's values: the ledger keys it gives, 完成投资 months and cumulative spans apart."""

    number: int  # as Excel numbers it
    data: dict[str, Any] = field(default_factory=dict)
    months: dict[str, Decimal] = field(default_factory=dict)
    spans: list[Span] = field(default_factory=list)
    region: str | None = None
    issues: list[RowIssue] = field(default_factory=list)
    notes: list[RowIssue] = field(default_factory=list)
    #: Keys whose cell could not be read (reported once, never again as missing).
    failed: set[str] = field(default_factory=set)
    #: Where each month and 以前月份完成投资 came from (a month derived from a cumulative column: that column).
    origin: dict[str, str] = field(default_factory=dict)


@dataclass
class UpdatedProject:
    """A project ``--update`` changes: the row it comes from and each change (history.diff's)."""

    row: int
    label: str  # 编号（名称）
    file: str
    changes: list[Change]


@dataclass
class ImportResult:
    sheet: str
    header: Header
    ledger: Ledger | None  # None for --update (在建 and 未入统 alike)
    plan: EditPlan | None
    #: (sheet row, region, 编号) of every row to be written.
    imported: list[tuple[int, str, str]] = field(default_factory=list)
    #: Problems: their rows are not imported (every problem of a row, in column order).
    issues: list[RowIssue] = field(default_factory=list)
    #: Notes on rows that are imported (a month without a day, a cumulative column kept whole, a warning).
    notes: list[RowIssue] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    #: Columns not imported, each "F「联系电话」" with the reason when there is one.
    ignored: list[str] = field(default_factory=list)
    #: --update: the projects changed, and the rows whose 编号 is not in the ledgers (not added).
    updated: list[UpdatedProject] = field(default_factory=list)
    unknown: list[RowIssue] = field(default_factory=list)
    unchanged: int = 0

    @property
    def rows_not_imported(self) -> int:
        return len({i.row for i in self.issues} | {i.row for i in self.unknown})


def read_columns(
    table: Sheet,
    ledger: Ledger,
    config: Config,
    hmap: HeaderMap,
    region: str | None,
    keep: set[str] | None = None,
) -> Columns:
    """The header and its columns (``config``'s extension fields among them). ``keep``: only
    these keys are imported (``--update``); the other recognised columns are listed as not imported."""
    from openpyxl.utils import get_column_letter

    year = config.year
    header = find_header(table, ledger, year, hmap, config)
    targets, ignored, texts = column_targets(table.rows, header, ledger, year, hmap, True, config)
    if not any(t.key == "名称" for t in targets.values()) and keep is None:
        raise EditError(
            f"{header.describe()}的表头中没有项目名称列；用 --map 给出表头映射，格式见 docs/interop.md", code=1
        )
    if keep is not None:
        for i in [i for i, t in targets.items() if t.key not in keep]:
            ignored.append(f"{get_column_letter(i + 1)}「{shown(texts[i])}」（--update 只更新完成投资和形象进度）")
            del targets[i]
        if not any(t.key == "编号" for t in targets.values()):
            raise EditError(f"{header.describe()}的表头中没有编号列：--update 按编号找到要更新的项目", code=2)
    elif not any(t.key == REGION for t in targets.values()) and region is None:
        raise EditError("表中没有 地区 列：请用 --region 指定导入到哪个地区", code=2)
    labels = {i: f"{get_column_letter(i + 1)} 列「{shown(texts[i])}」" for i in targets}
    by_field = {t.field: labels[i] for i, t in targets.items()}
    return Columns(header, dict(sorted(targets.items())), ignored, labels, by_field, field_kinds(config))


def read_row(row: list[Any], number: int, columns: Columns, epoch: datetime) -> RowData:
    """The row's values, each cell converted for its column; a cell that cannot be read is a
    problem of the row, one read with a note (a month without a day) a note."""
    out = RowData(number)
    for i, target in columns.targets.items():
        value = row[i] if i < len(row) else None
        if is_empty(value):
            continue
        if isinstance(value, str):
            value = restore_formula(value)
        label = columns.labels[i]
        notes: Notes = []
        try:
            converted = convert(target, value, epoch, notes, columns.kinds or FIELD_KINDS)
        except UnitError as exc:
            out.issues.append(RowIssue(number, label, exc.message, exc.hint))
            out.failed.add(target.key)
            continue
        out.notes += [RowIssue(number, label, message, hint) for message, hint in notes]
        if target.key == REGION:
            out.region = converted
        elif target.month:
            out.months[target.month] = converted
            out.origin[f"完成投资:{target.month}"] = label
        elif target.span:
            first, last = target.span
            months = month_range(int(first[:4]), int(first[5:]), int(last[5:]))
            out.spans.append(Span(months, converted, label))
        else:
            out.data[target.key] = converted
    return out


def start_floor(start: Any, year: int) -> str:
    """The first month a project can have 完成投资 in: its start month when it started in 年度
    (earlier months are E302), else January."""
    if isinstance(start, date) and start.year == year:
        return f"{year:04d}-{start.month:02d}"
    return f"{year:04d}-01"


def split_row(
    r: RowData, known: dict[str, Decimal], more: list[Span], year: int, start: Any = None
) -> tuple[list[RowIssue], list[RowIssue]]:
    """The row's month and cumulative columns as its 完成投资 and 以前月份完成投资 (monthsplit),
    with the months ``known`` besides (--update: the ledger's) and the spans ``more`` (the ledger's
    以前月份完成投资: with one, what becomes of it is a change shown, not a note); the notes and the
    problems of the split. ``start``: the project's 开工日期 (default: the row's)."""
    if not r.months and not r.spans:
        return [], []
    start = r.data.get("开工日期") if start is None else start
    got = split({**known, **r.months}, [*r.spans, *more], start_floor(start, year))
    months = dict(r.months)
    for month, (amount, label) in got.derived.items():
        months[month] = amount
        r.origin[f"完成投资:{month}"] = label
    if months:
        r.data["完成投资"] = months
    if got.lump is not None:
        through, amount, label = got.lump
        r.data["以前月份完成投资"] = {"截至": through, "金额": amount}
        r.origin["以前月份完成投资"] = label
    said = [*got.notes, *([got.lump_note] if got.lump_note is not None and not more else [])]
    notes = [RowIssue(r.number, label, message, hint) for label, message, hint in said]
    problems = [RowIssue(r.number, label, message, hint) for label, message, hint in got.problems]
    return notes, problems


def issues_of(
    problems: list[Problem], row: RowData, columns: Columns, ledger: Ledger
) -> tuple[list[RowIssue], list[RowIssue]]:
    """The problems found in the project a row makes (paths from the project), as the row's
    problems (errors) and notes (warnings), each at the cell it came from."""
    issues: list[RowIssue] = []
    notes: list[RowIssue] = []
    for p in problems:
        column = _locate(p.path, row, columns)
        key = p.path[0] if p.path else ""
        message, hint = p.message, p.hint
        if p.code == "E102" and len(p.path) == 1:
            if column:
                message, hint = f"没有填写（{ledger.value}台账必填）", "填写这一格"
            else:
                message, hint = f"缺少「{key}」（{ledger.value}台账必填）", f"在表中加一列 {key} 并填写"
        (issues if p.is_error else notes).append(RowIssue(row.number, column, message, hint))
    return issues, notes


def _locate(path: tuple[PathElem, ...], row: RowData, columns: Columns) -> str:
    if not path:
        return ""
    key = str(path[0])
    if key == "完成投资" and len(path) > 1:
        field = f"完成投资:{path[1]}"
        return row.origin.get(field) or columns.by_field.get(field, "")
    if key == _LUMP:
        return row.origin.get(_LUMP, "")
    return columns.by_field.get(key, "")


def other_sheet(
    path: Path, table: Sheet, ledger: Ledger | None, config: Config, hmap: HeaderMap, limits: ImportLimits | None
) -> str:
    """When the sheet read has no header (a 填报说明 first): the sheet of the workbook that has the
    best one, as a hint naming it, the header row and how many columns it maps ("" when none has).
    At most 20 other sheets are read."""
    ledgers = [ledger] if ledger is not None else list(Ledger)
    best: tuple[int, int, str, Header, Ledger] | None = None
    for n, title in enumerate(t for t in table.titles if t != table.name):
        if n >= 20:
            break
        try:
            sheet = read_rows(path, title, limits)
        except EditError:
            continue
        for lg in ledgers:
            found, score = header_score(sheet, lg, config.year, hmap, config)
            named = 0 if lg.value in title else 1  # a sheet named after the ledger first, on a tie
            if found is not None and (best is None or (-score, named) < (-best[0], best[1])):
                best = (score, named, title, found, lg)
    if best is None:
        return ""
    score, _, title, found, lg = best
    name = shown(title)
    flags = f"--sheet {shlex.quote(name) if any(c.isspace() for c in name) else name}"
    flags += "" if ledger is not None else f" --ledger {lg.value}"
    return f"工作表「{shown(title)}」{found.describe()}像是表头（识别出 {score} 列）：请加 {flags}"
