"""Finding what a page is about: a project by 编号, a leader by name, a department by name.

Each raises :class:`NotFound` with a Chinese message (and a suggestion when a known name is
close) that the command line prints as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from xiangmu_cli.ledger.problems import suggest

if TYPE_CHECKING:
    from xiangmu_cli.ledger.model import Leader
    from xiangmu_cli.reading.records import Record, Repository

__all__ = ["NotFound", "find_record", "find_leader", "departments", "find_department"]


class NotFound(LookupError):
    """Nothing by that name. ``usage`` is True when the name itself is unknown (a usage error,
    exit 2), False when it is known but its project failed validation (exit 1)."""

    def __init__(self, message: str, usage: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage


def _did_you_mean(word: str, known: list[str], fallback: str) -> str:
    same = [k for k in known if k.lower() == word.lower()]
    close = same or suggest(word, known, cutoff=0.6, n=3)
    return f"，是否应为 {'、'.join(close)}？" if close else f"；{fallback}"


def find_record(repo: Repository, code: str) -> Record:
    """The valid project numbered ``code``."""
    matches = [r for r in repo.records if r.project.code == code]
    written = sorted({file for c, file, _ in repo.ids if c == code})
    if len(matches) == 1 and len(written) <= 1:
        return matches[0]
    if len(written) > 1:
        raise NotFound(f"编号「{code}」重复（{'、'.join(written)}）；运行 xm validate 查看", usage=False)
    if written:
        raise NotFound(f"项目 {code} 所在的 {written[0]} 有错误，无法显示；运行 xm validate 查看", usage=False)
    known = sorted({c for c, _, _ in repo.ids})
    raise NotFound(f"没有编号为「{code}」的项目" + _did_you_mean(code, known, "用 xm list 查看项目编号"))


def find_leader(repo: Repository, name: str) -> Leader:
    """The leader of xiangmu.yaml 领导 named ``name``."""
    leaders = repo.config.leaders if repo.config is not None else []
    for leader in leaders:
        if leader.name == name:
            return leader
    known = [leader.name for leader in leaders]
    listed = "xiangmu.yaml 领导 中有：" + "、".join(known) if known else "xiangmu.yaml 中没有 领导"
    raise NotFound(f"没有包保领导「{name}」" + _did_you_mean(name, known, listed))


def departments(repo: Repository) -> list[str]:
    """Every 责任单位 named in the valid projects (a project's or a problem's), sorted."""
    names: set[str] = set()
    for record in repo.records:
        if record.project.department is not None:
            names.add(record.project.department)
        names.update(i.department for i in record.project.issues if i.department is not None)
    return sorted(names)


def find_department(repo: Repository, name: str) -> str:
    """``name``, when a project or a problem names it as its 责任单位."""
    known = departments(repo)
    if name in known:
        return name
    raise NotFound(
        f"没有项目或问题的责任单位是「{name}」" + _did_you_mean(name, known, "用 xm problems --by 责任单位 查看各单位")
    )
