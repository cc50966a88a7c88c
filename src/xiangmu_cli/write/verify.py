"""The verification every plan passes before it is returned, and the plan it makes.

The repository is loaded from a temporary copy with the new texts, and the plan is refused
(:class:`EditError`) when that copy has a validation error the original had not, when an edited
project's data is not exactly the intended data (compared as models), or when any other project's
data changed. Before blaming xm for a mismatch, the ledgers are read again: if they changed since
they were loaded (an editor saved meanwhile), that is the reason given. The copy holds what the
loader reads (xiangmu.yaml and the ledger files of the region folders) and nothing else: hidden
files and folders, stray files, links, FIFOs and devices are neither copied nor read.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections import Counter
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any

from xiangmu_cli.base import limits
from xiangmu_cli.base.fileio import display_path, read_regular
from xiangmu_cli.ledger.model import Config, Project, project_model
from xiangmu_cli.ledger.problems import Problem
from xiangmu_cli.ledger.vocab import CONFIG_FILE, LEDGERS, Ledger
from xiangmu_cli.reading.loading import load
from xiangmu_cli.reading.records import Record, Repository
from xiangmu_cli.write.files import EditedFile
from xiangmu_cli.write.plan import EditError, EditPlan

__all__ = ["Intended", "as_intended", "verify", "make_plan", "changed_meanwhile", "snapshot"]

#: Per edited 编号: its region, ledger and model dump after the edit.
Intended = dict[str, tuple[str, Ledger, dict[str, Any]]]
_Snapshot = dict[str, list[tuple[str, Ledger, dict[str, Any]]]]


def _dump(project: Project) -> dict[str, Any]:
    return project.model_dump()


def as_intended(ledger: Ledger, data: dict[str, Any], config: Config | None) -> dict[str, Any]:
    """The model dump of ``data`` (by alias) as a project of ``ledger`` in a repository of
    ``config`` (its 扩展字段 are fields): what the edit must give."""
    return _dump(project_model(ledger, config).model_validate(data))


def make_plan(
    repo: Repository,
    record: Record,
    edited: list[tuple[EditedFile, str]],
    new_files: dict[Path, str],
    ledger: Ledger,
    data: dict[str, Any],
    summary: str,
) -> EditPlan:
    """The verified plan of an edit of ``record``: the ``edited`` files' new texts (in the order
    to write them) and ``new_files``; ``data`` is the record's intended model dump, in ``ledger``."""
    changes: dict[Path, str] = dict(new_files)
    originals: dict[Path, bytes | None] = {p: None for p in new_files}
    for f, text in edited:
        changes[f.path] = f.output(text)
        originals[f.path] = f.raw
    code = record.project.code
    warnings = verify(repo, changes, {code: (record.region, ledger, data)}, {code: record})
    mode = stat.S_IMODE(edited[-1][0].path.stat().st_mode) if edited else 0o644
    return EditPlan(
        changes=changes, summary=summary, originals=originals, warnings=warnings, new_mode=mode, root=repo.root
    )


def verify(
    repo: Repository,
    changes: dict[Path, str],
    intended: Intended,
    sources: dict[str, Record],
    removed: AbstractSet[str] = frozenset(),
    check: Callable[[Repository], None] | None = None,
) -> list[str]:
    """Load the repository with ``changes`` from a temporary copy; refuse anything unintended.

    ``intended`` gives, per edited 编号, its (region, ledger, model dump) after the edit;
    ``sources`` the record it had before (absent for a new project); ``removed`` the 编号 the edit
    takes out of the ledgers (xm rollover's retired projects), which must be gone. ``check``, if
    given, is called with the copy's repository to refuse what else is not as intended (raising
    :class:`EditError`). Returns the warnings about the edited projects that the edit brings
    (prefixed with the 编号 when several).
    """
    root = repo.root
    with tempfile.TemporaryDirectory(prefix="xm-edit-") as tmp:
        copy = Path(tmp) / "ledgers"
        _copy_ledgers(root, copy)
        for path, text in changes.items():
            target = copy / path.resolve().relative_to(root.resolve())
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(text.encode("utf-8"))
        new = load(copy)
        _refuse_new_errors(repo, new, copy)
        _refuse_unintended(repo, new, intended, removed)
        if check is not None:
            check(new)
        return _new_warnings(repo, new, intended, sources)


def _refuse_new_errors(repo: Repository, new: Repository, copy: Path) -> None:
    """Refuse the edit when the copy ``new`` has an error (by code and file) more than ``repo``."""
    from xiangmu_cli.output.messages import problems_text

    root = repo.root
    old_rel, new_rel = _relative(repo, root), _relative(new, copy)
    before = Counter((p.code, old_rel(p)) for p in repo.errors)
    after = Counter((p.code, new_rel(p)) for p in new.errors)
    worse = {key for key, n in after.items() if n > before[key]}
    if worse:
        bad = [p for p in new.errors if (p.code, new_rel(p)) in worse]
        texts: dict[str, Path] = {}
        for p in bad:
            shown = display_path(root / new_rel(p))
            texts[shown] = copy / new_rel(p)
            p.file = shown
        raise EditError("修改后台账会出现以下错误，未写入任何文件：", details=problems_text(bad, texts))


def _refuse_unintended(
    repo: Repository, new: Repository, intended: Intended, removed: AbstractSet[str] = frozenset()
) -> None:
    """Refuse the edit when another project's data changed, an edited one's is not as intended, or
    a removed one is still there."""
    old_data, new_data = _snapshot(repo), _snapshot(new)
    for code in sorted(removed):
        if code in new_data:
            changed_meanwhile(repo)
            raise EditError(f"修改后项目 {code} 仍在台账中，未写入任何文件；这是 xm 的缺陷，请报告")
    for other in sorted(old_data.keys() | new_data.keys()):
        if other not in intended and other not in removed and old_data.get(other) != new_data.get(other):
            changed_meanwhile(repo)
            raise EditError(f"修改会改变其他项目（{other}）的数据，未写入任何文件；这是 xm 的缺陷，请报告")
    for code, want in intended.items():
        got = new_data.get(code, [])
        if got != [want]:
            changed_meanwhile(repo)
            detail = []
            if len(got) == 1:
                detail = [
                    f"  「{k}」：得到 {got[0][2].get(k)!r}，应为 {want[2].get(k)!r}"
                    for k in want[2]
                    if got[0][2].get(k) != want[2].get(k)
                ]
            raise EditError(
                f"修改后项目 {code} 的数据与预期不符，未写入任何文件；这是 xm 的缺陷，请报告", details=detail
            )


def _new_warnings(repo: Repository, new: Repository, intended: Intended, sources: dict[str, Record]) -> list[str]:
    # Indexed once: an edit of many projects (xm rollover, xm import) stays linear.
    def by_project(r: Repository) -> dict[tuple[str, object], Counter[tuple[str, str]]]:
        found: dict[tuple[str, object], Counter[tuple[str, str]]] = {}
        for p in r.warnings:
            if p.path[:1] == ("项目",) and len(p.path) > 1:
                found.setdefault((p.file, p.path[1]), Counter())[(p.code, p.message)] += 1
        return found

    def project_warnings(
        found: dict[tuple[str, object], Counter[tuple[str, str]]], rec: Record | None
    ) -> Counter[tuple[str, str]]:
        return Counter() if rec is None else found.get((rec.file, rec.index), Counter())

    new_records: dict[str, Record] = {}
    for rec in new.records:
        new_records.setdefault(rec.project.code, rec)
    old_found, new_found = by_project(repo), by_project(new)
    out = []
    for code in intended:
        fresh = project_warnings(new_found, new_records.get(code)) - project_warnings(old_found, sources.get(code))
        out += [(f"{code}：" if len(intended) > 1 else "") + f"{c} {message}" for c, message in fresh.elements()]
    return out


def _relative(repo: Repository, base: Path) -> Callable[[Problem], str]:
    paths = {lf.file: lf.path for lf in repo.files}
    paths[repo.config_file] = base / CONFIG_FILE
    root = base.resolve()

    def rel(problem: Problem) -> str:
        path = paths.get(problem.file, Path(problem.file))
        try:
            return path.resolve().relative_to(root).as_posix()
        except (ValueError, OSError):
            return problem.file

    return rel


def _copy_ledgers(root: Path, copy: Path) -> None:
    """Copy what the loader reads, and nothing else: xiangmu.yaml and the ledger files (regular
    files within the size limit) of the region folders. Hidden entries (names starting with
    '.'), stray files and folders, links, FIFOs and devices are never opened nor walked; their
    absence can only remove problems from the copy, never add one."""
    limit = limits.current().max_file_bytes
    copy.mkdir()

    def take(src: Path, dst: Path) -> None:
        try:
            data = read_regular(src, limit)
        except OSError:  # absent, not a regular file, too large, unreadable: the loader does not read it either
            return
        dst.write_bytes(data)

    take(root / CONFIG_FILE, copy / CONFIG_FILE)
    with os.scandir(root) as entries:
        regions = [e.name for e in entries if not e.name.startswith(".") and e.is_dir(follow_symlinks=False)]
    for region in regions:
        (copy / region).mkdir()
        for ledger in LEDGERS:
            take(root / region / ledger.filename, copy / region / ledger.filename)


def snapshot(r: Repository) -> _Snapshot:
    """Per 编号: every (region, ledger, model dump) of a valid project with it."""
    return _snapshot(r)


def _snapshot(r: Repository) -> _Snapshot:
    out: _Snapshot = {}
    for rec in r.records:
        out.setdefault(rec.project.code, []).append((rec.region, rec.ledger, _dump(rec.project)))
    return out


def changed_meanwhile(repo: Repository) -> None:
    """Before blaming xm (or the file) for a mismatch: were the ledgers changed since ``repo``
    was loaded, by a program that takes no lock (an editor)? Then that is the reason given."""
    again = load(repo.root)
    if _snapshot(again) != _snapshot(repo) or Counter((p.code, p.file) for p in again.errors) != Counter(
        (p.code, p.file) for p in repo.errors
    ):
        raise EditError("台账在读取之后被修改过（可能有人同时在编辑），未写入任何文件；请重新运行命令")
