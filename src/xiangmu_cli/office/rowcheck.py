"""A row of a sheet checked as the project it would be, every problem at once (``xm import``).

:func:`check_project` validates the row's data with the ledger's model and runs the checks that
look at one project at a time (:data:`xiangmu_cli.reading.checks.RECORD_CHECKS`: leaders,
categories, months, the order of dates, stage fields, thresholds…), so that a row's problems are
found before anything is written, each with its path in the project (``("开工日期",)``,
``("完成投资", "2018-02")``): the importer turns the path back into the sheet's cell.

A row with a bad value is still checked: the bad keys are left out, and a required one gets a
stand-in (:data:`STAND_INS`) so that the checks can run on the rest; what a stand-in would make a
check say is dropped. A key whose cell could not be read (``failed``) is not reported again as
missing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from xiangmu_cli.ledger.model import Config, Project, project_model
from xiangmu_cli.ledger.problems import Problem
from xiangmu_cli.ledger.vocab import Ledger

__all__ = ["STAND_INS", "check_project"]

#: A required key's stand-in while the checks run, and the codes it could make them report (a
#: problem found under the key itself is always dropped). Dates: the first day of the year
#: before 年度, which no check on the order of dates or the months of 完成投资 can object to.
STAND_INS: dict[str, tuple[Any, frozenset[str]]] = {
    "编号": ("ROW", frozenset()),
    "名称": ("（名称）", frozenset()),
    "总投资": (Decimal(0), frozenset({"W101", "W102", "W103", "W104"})),
    "建设性质": ("续建", frozenset({"E305"})),
    "开工日期": (None, frozenset()),
    "计划开工日期": (None, frozenset()),
    "年度计划投资": (Decimal(0), frozenset()),
    "未入统原因": ("（原因）", frozenset()),
    "阶段": ("洽谈", frozenset({"E304", "E306"})),
    "投资方": ("（投资方）", frozenset()),
}


def check_project(
    data: dict[str, Any], ledger: Ledger, config: Config, failed: set[str], root: Path
) -> tuple[Project | None, list[Problem]]:
    """The project ``data`` (by alias) makes in ``ledger`` (None when it does not validate), and
    every problem found in it, each with its path in the project."""
    from pydantic import ValidationError

    from xiangmu_cli.reading.loading import problems_from_validation

    model = project_model(ledger, config)
    try:
        project: Project | None = model.model_validate(data)
        problems: list[Problem] = []
    except ValidationError as exc:
        project = None
        problems = [
            p
            for p in problems_from_validation(exc, "", (), model, ledger, data)
            if not (p.code == "E102" and p.path and p.path[0] in failed)
        ]
    bad = {p.path[0] for p in problems if p.path} | failed
    checked = project if project is not None else _stand_in(model, data, bad, config.year)
    if checked is None:
        return None, problems
    used = {key for key in bad if key in STAND_INS}
    drop = set().union(*(STAND_INS[key][1] for key in used))
    for p in _record_problems(checked, ledger, config, root):
        if p.path and (p.path[0] in bad or p.code in drop):
            continue
        problems.append(p)
    return project, problems


def _stand_in(model: type[Project], data: dict[str, Any], bad: set[Any], year: int) -> Project | None:
    """The project without its bad keys, required ones replaced by stand-ins; None when a required
    key has none, or it still does not validate."""
    from pydantic import ValidationError

    reduced = {k: v for k, v in data.items() if k not in bad}
    for key, info in model.model_fields.items():
        alias = info.alias or key
        if info.is_required() and alias not in reduced:
            if alias not in STAND_INS:
                return None
            value = STAND_INS[alias][0]
            reduced[alias] = date(year - 1, 1, 1) if value is None else value
    try:
        return model.model_validate(reduced)
    except ValidationError:
        return None


def _record_problems(project: Project, ledger: Ledger, config: Config, root: Path) -> list[Problem]:
    """What the checks of one project at a time say about ``project``, paths from the project."""
    from xiangmu_cli.reading.checks import RECORD_CHECKS, run_checks
    from xiangmu_cli.reading.records import Record, Repository

    record = Record(project, "", ledger, "", 0)
    repo = Repository(root, config, "", [], [record], [])
    problems = run_checks(repo, RECORD_CHECKS)
    for p in problems:
        p.path = p.path[2:] if p.path[:2] == ("项目", 0) else p.path
    return problems
