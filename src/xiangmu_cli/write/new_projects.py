"""New projects appended to the ledgers (``xm import``): :func:`add_projects`, in the layout of
``xm fmt`` (:func:`project_lines`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xiangmu_cli.base.fileio import display_path
from xiangmu_cli.ledger.vocab import Ledger
from xiangmu_cli.reading.records import Repository
from xiangmu_cli.write import files
from xiangmu_cli.write.document import Doc
from xiangmu_cli.write.find import check_clean, check_config
from xiangmu_cli.write.plan import EditError, EditPlan
from xiangmu_cli.write.projects import Cut, append, new_file
from xiangmu_cli.write.scalars import flow_mapping, yaml_value
from xiangmu_cli.write.verify import Intended, as_intended, verify

__all__ = ["project_lines", "add_projects"]


def project_lines(data: dict[str, Any]) -> list[str]:
    """A project (a model dump by alias, in the model's key order) as the lines of a ``- 编号: …``
    list item at column 0, in the layout of ``xm fmt``: 完成投资 months as a block mapping, 走访
    as bare dates or ``{日期, 内容}``, 问题 as block mappings, 前期手续 and 以前月份完成投资 as flow
    mappings."""
    lines: list[str] = []
    for key, value in data.items():
        if value is None or value == [] or value == {}:
            continue
        if key == "完成投资":
            lines += [f"{key}:"] + [f"  {m}: {yaml_value(v)}" for m, v in sorted(value.items())]
        elif key == "问题":
            lines.append(f"{key}:")
            for issue in value:
                pairs = [f"{k}: {yaml_value(v)}" for k, v in issue.items() if v is not None]
                lines += [f"  - {pairs[0]}"] + [f"    {pair}" for pair in pairs[1:]]
        elif key == "以前月份完成投资":
            lines.append(f"{key}: {flow_mapping(value)}")
        elif key in ("走访", "前期手续"):
            lines.append(f"{key}:")
            for item in value:
                bare = key == "走访" and all(v is None for k, v in item.items() if k != "日期")
                lines.append("  - " + (yaml_value(item["日期"]) if bare else flow_mapping(item)))
        else:
            lines.append(f"{key}: {yaml_value(value)}")
    return ["- " + lines[0]] + ["  " + line for line in lines[1:]]


def add_projects(
    repo: Repository, groups: list[tuple[str, Ledger, list[dict[str, Any]], str]], summary: str
) -> EditPlan:
    """Append new projects to ledger files: per (region, ledger, projects, comment), the comment
    line then the projects (dicts keyed by the Chinese keys) at the end of the file's 项目 list,
    the file created with the standard header when absent. Verified like every edit: no new
    error, each project loads as intended, no other project changes."""
    check_config(repo)
    changes: dict[Path, str] = {}
    originals: dict[Path, bytes | None] = {}
    intended: Intended = {}
    for region, ledger, projects, comment in groups:
        path = repo.root / region / ledger.filename
        lines = [f"# {comment}"]
        for i, data in enumerate(projects):
            lines += ([""] if i else []) + project_lines(data)
            intended[data["编号"]] = (region, ledger, as_intended(ledger, data, repo.config))
        block = Cut("", "".join(line + "\n" for line in lines), 0, True)
        if path in changes:
            raise EditError(f"内部错误：{display_path(path)} 出现两次；这是 xm 的缺陷，请报告")
        if path.exists():
            check_clean(repo, [path])
            dest = files.read(path)
            changes[path], originals[path] = dest.output(append(Doc(dest.text), block)), dest.raw
        else:
            changes[path], originals[path] = new_file(region, ledger, block, "\n"), None
    warnings = verify(repo, changes, intended, {})
    return EditPlan(changes=changes, summary=summary, originals=originals, warnings=warnings, root=repo.root)
