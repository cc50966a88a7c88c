"""Finding the project an event command is for, and the file it is in, ready to edit.

Files with an error are never edited (run ``xm validate`` first): neither is a project whose
编号 is written twice, or a repository without a valid xiangmu.yaml.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xiangmu_cli.base.fileio import display_path
from xiangmu_cli.ledger.problems import suggest
from xiangmu_cli.ledger.vocab import Ledger
from xiangmu_cli.reading.records import Record, Repository
from xiangmu_cli.write import files
from xiangmu_cli.write.document import Doc
from xiangmu_cli.write.files import EditedFile
from xiangmu_cli.write.plan import EditError
from xiangmu_cli.write.projects import item_at
from xiangmu_cli.write.verify import changed_meanwhile

__all__ = ["find", "check_config", "check_clean", "open_project", "path_of", "label"]

_NOT_STARTED = "项目尚未开工（开工用 xm start）"
_WRONG_LEDGER_HINTS = {
    ("xm start", Ledger.BUILDING): "项目已开工并已入统",
    ("xm start", Ledger.UNSTAT): "项目已开工（入统用 xm enter-stats）",
    ("xm start", Ledger.INVESTMENT): "招商项目先落地（xm land）进入计划开工台账",
    ("xm enter-stats", Ledger.BUILDING): "项目已入统",
    ("xm enter-stats", Ledger.PLANNED): _NOT_STARTED,
    ("xm enter-stats", Ledger.INVESTMENT): "招商项目尚未落地",
    ("xm land", Ledger.PLANNED): "项目已落地",
    ("xm land", Ledger.BUILDING): "项目已落地并开工",
    ("xm land", Ledger.UNSTAT): "项目已落地并开工",
    ("xm finish", Ledger.PLANNED): _NOT_STARTED,
    ("xm finish", Ledger.INVESTMENT): "招商项目尚未落地开工",
    ("xm invest", Ledger.PLANNED): _NOT_STARTED,
    ("xm invest", Ledger.INVESTMENT): "招商项目尚未落地开工",
    # the project reserve (谋划): 转化 (xm convert) takes a project to 计划开工
    ("xm start", Ledger.RESERVE): "谋划项目先转化（xm convert）进入计划开工台账",
    ("xm enter-stats", Ledger.RESERVE): "谋划项目尚未开工",
    ("xm land", Ledger.RESERVE): "谋划项目用 xm convert 转入计划开工台账",
    ("xm finish", Ledger.RESERVE): "谋划项目尚未开工",
    ("xm invest", Ledger.RESERVE): "谋划项目尚未开工",
    ("xm convert", Ledger.PLANNED): "项目已在计划开工台账",
    ("xm convert", Ledger.BUILDING): "项目已开工",
    ("xm convert", Ledger.UNSTAT): "项目已开工",
    ("xm convert", Ledger.INVESTMENT): "招商项目用 xm land 落地进入计划开工台账",
}


def check_config(repo: Repository) -> None:
    """Refuse to edit a repository whose xiangmu.yaml is missing or has errors."""
    if repo.config is None:
        raise EditError(f"{repo.config_file} 缺失或有错误，无法修改台账；请先运行 xm validate 并改正")


def find(repo: Repository, code: str, command: str, ledgers: tuple[Ledger, ...]) -> Record:
    """The project numbered ``code``, which ``command`` edits in one of ``ledgers``."""
    check_config(repo)
    written = [(c, f) for c, f, _ in repo.ids if c == code]
    matches = [r for r in repo.records if r.project.code == code]
    if len(written) > 1 or len(matches) > 1:
        where = "、".join(sorted({f for _, f in written}))
        raise EditError(f"编号「{code}」重复（{where}），无法确定要修改哪一个；请先运行 xm validate 并改正")
    if not matches:
        raise _not_found(repo, code, written)
    record = matches[0]
    if record.ledger not in ledgers:
        allowed = "、".join(lg.value for lg in ledgers)
        hint = _WRONG_LEDGER_HINTS.get((command, record.ledger), "")
        raise EditError(
            f"项目 {code}（{record.project.name}）在 {record.file}（{record.ledger.value}台账），"
            f"{command} 只用于{allowed}台账中的项目" + (f"；{hint}" if hint else "")
        )
    return record


def _not_found(repo: Repository, code: str, written: list[tuple[str, str]]) -> EditError:
    if written:
        return EditError(f"项目 {code} 所在的 {written[0][1]} 有错误，无法修改；请先运行 xm validate 并改正")
    known = sorted({c for c, _, _ in repo.ids})
    same = [c for c in known if c.lower() == code.lower()]
    close = same or suggest(code, known, cutoff=0.6, n=3)
    hint = f"，是否应为 {'、'.join(close)}？" if close else "；用 xm list 查看项目编号"
    return EditError(f"没有编号为「{code}」的项目{hint}")


def path_of(repo: Repository, record: Record) -> Path:
    return next(lf.path for lf in repo.files if lf.file == record.file)


def check_clean(repo: Repository, paths: list[Path]) -> None:
    """Refuse to edit when any of ``paths`` (or xiangmu.yaml) has an error."""
    shown = {display_path(p) for p in paths} | {repo.config_file}
    errors = [p for p in repo.errors if p.file in shown]
    if errors:
        where = "、".join(sorted({p.file for p in errors}))
        raise EditError(f"{where} 有 {len(errors)} 个错误，不能自动修改；请先运行 xm validate 并改正")


def open_project(repo: Repository, record: Record, also: tuple[Path, ...] = ()) -> tuple[EditedFile, Doc, Any]:
    """The record's file (read now), its document and the record's item in it, after checking
    that neither it nor the files ``also`` touched has an error."""
    src = files.read(path_of(repo, record))
    check_clean(repo, [src.path, *also])
    doc = Doc(src.text)
    try:  # not found only if the file changed since loading
        item = item_at(doc, record.index, record.project.code)
    except EditError:
        changed_meanwhile(repo)
        raise
    return src, doc, item


def label(record: Record) -> str:
    return f"{record.project.code}（{record.project.name}）"
