"""Closing a year: ``xm rollover`` (年度结转) turns the ledgers of 年度 Y into those of Y+1 as one
reviewable change, and keeps year Y, byte for byte, in the archive beside the ledgers
(``<ledgers>/../归档/Y/``, :mod:`xiangmu_cli.reading.archive`), where 同比 reads it.

What changes (docs/ledger-format.md, "Year rollover"):

- the archive: xiangmu.yaml and every ledger file, copied as they are (BOM, line breaks, comments);
- a started project (在建, 未入统) finished in Y or before (竣工日期 ≤ Y-12-31) is retired: its block
  (with the comment lines directly above it) leaves the live ledger; it stays in the archive;
- every other started project: Σ 完成投资 is added, exactly, to 以前年度完成投资 (written in 万元,
  a plain number) and 完成投资 goes; 建设性质 新建 becomes 续建 when it started in Y or before; a
  复工日期 in Y or before goes (复工 is a fact of one year: in Y+1 the project has not resumed
  yet); a 未入统 project without its own 入统时限 gets the old 口径.入统时限 when that is
  advanced, so its deadline stays what it was;
- xiangmu.yaml: 年度 Y → Y+1; 目标 cleared (``目标: {}``: the new year's targets are set anew);
  口径.入统时限 one year later when it lies in Y.

Everything else stays byte for byte: 计划开工 and 招商 records, 问题 and 走访 (dated history),
年度计划投资 (required; the new year's plan replaces it when it is issued), every other key and
comment. A dropped key that had comments is commented out, with its comment lines, as the moves
do: 完成投资 directly above 以前年度完成投资, which now holds it (``# 完成投资:`` / ``#
2018-09: 1808  # 待核``; the next ``xm invest`` writes the new year's 完成投资 below it), 复工日期
where it was; one without comments just goes (its values are in the archive, and in git).
``目标`` whose lines held a comment is commented out above ``目标: {}`` the same way.

The plan is verified before anything is written: the repository is loaded from a temporary copy
with the new texts and must have no error the old one had not, every kept project's data must be
exactly the intended data, every retired one gone, every other project unchanged and
xiangmu.yaml as intended; the archive's copy must load to the same projects and problems as the
ledgers. Writing (:func:`apply_rollover`, under the ledger lock): the archive is written into a
hidden folder beside where it goes and every new ledger text into a temporary file beside its
file (nothing visible has changed yet; a failure here removes them all), each file checked to be
still what the plan was made from; then the archive folder is renamed into place, then the
files, xiangmu.yaml first. A rename in one folder does not fail for want of space or
permission once the temporary file is written; should the machine stop between the renames, the
archive holds every file as it was and 年度 is already Y+1, so ``xm validate`` fails (E301 on the
files not yet rolled) instead of passing a half-closed year: restore from the archive (``cp -r
归档/Y/. ledgers/`` and remove ``归档/Y``, or ``git checkout``) and run ``xm rollover`` again.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from decimal import Context, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from xiangmu_cli.base.fileio import display_path, ledger_lock, stage, sync_folder
from xiangmu_cli.ledger.model import PROJECT_MODELS, Caliber, Config, StartedProject, key_order
from xiangmu_cli.ledger.units import at_least_places, format_amount
from xiangmu_cli.ledger.vocab import CONFIG_FILE, Ledger
from xiangmu_cli.reading.archive import archive_path, refusal
from xiangmu_cli.reading.loading import load
from xiangmu_cli.reading.records import Record, Repository
from xiangmu_cli.write import files
from xiangmu_cli.write.apply import check_unchanged, diff
from xiangmu_cli.write.document import Doc
from xiangmu_cli.write.files import EditedFile
from xiangmu_cli.write.find import check_config
from xiangmu_cli.write.pairs import delete_pair, set_scalar
from xiangmu_cli.write.plan import EditError, EditPlan
from xiangmu_cli.write.projects import cut_all, item_at
from xiangmu_cli.write.verify import Intended, as_intended, changed_meanwhile, snapshot, verify

__all__ = ["Rollover", "Retired", "RegionTally", "plan_rollover", "apply_rollover", "rollover_diff"]

#: The key added to, and the key summed into it.
_PRIOR, _MONTHLY, _LUMP = "以前年度完成投资", "完成投资", "以前月份完成投资"


@dataclass(frozen=True)
class Retired:
    """A project that leaves the live ledgers (finished in the closed year or before)."""

    region: str
    ledger: str
    code: str
    name: str
    finished: date


@dataclass
class RegionTally:
    """What the rollover does in one region."""

    region: str
    carried: int = 0  # started projects carried into the new year
    renewed: int = 0  # 新建 → 续建
    retired: int = 0
    summed: Decimal = Decimal(0)  # Σ 完成投资 moved into 以前年度完成投资
    months: int = 0  # month entries summed
    resumed: int = 0  # 复工日期 dropped
    pinned: int = 0  # 入统时限 written


@dataclass
class Rollover:
    """The plan of a rollover: the live files' new texts (``edits``, an :class:`EditPlan` that
    ``--dry-run`` shows as a diff), the archive's files, and what it does, for the summary."""

    year: int
    to: int
    root: Path
    archive: Path
    #: Relative path (posix) in the archive → the file's bytes as they were.
    archive_files: dict[str, bytes]
    edits: EditPlan
    retired: list[Retired]
    tallies: list[RegionTally]
    targets_cleared: int = 0
    deadline: tuple[date, date] | None = None  # 口径.入统时限 old → new
    notes: list[str] = field(default_factory=list)

    @property
    def summary(self) -> list[str]:
        """What the rollover does, in Chinese, one line each (the command prints them)."""
        carried = sum(t.carried for t in self.tallies)
        lines = [
            f"年度结转：{self.year} → {self.to}",
            f"归档：{display_path(self.archive)}（xiangmu.yaml 和 {len(self.archive_files) - 1} 个台账文件的原样副本）",
            f"xiangmu.yaml：年度 {self.year} → {self.to}"
            + (f"；目标已清空（{self.targets_cleared} 项，原目标见归档）" if self.targets_cleared else "")
            + (f"；口径.入统时限 {self.deadline[0]} → {self.deadline[1]}" if self.deadline is not None else ""),
            f"结转已开工项目 {carried} 个："
            f"完成投资 {_wan(sum((t.summed for t in self.tallies), Decimal(0)))} 万元"
            f"（{sum(t.months for t in self.tallies)} 个月份）转入以前年度完成投资；"
            f"新建转续建 {sum(t.renewed for t in self.tallies)} 个；"
            f"去掉上年复工日期 {sum(t.resumed for t in self.tallies)} 个"
            + (f"；未入统项目写上原入统时限 {sum(t.pinned for t in self.tallies)} 个" if self.deadline else ""),
            f"退出竣工项目 {len(self.retired)} 个（保留在归档中）" + ("：" if self.retired else ""),
            *(f"  {r.region} {r.ledger} {r.code} {r.name}（竣工日期 {r.finished}）" for r in self.retired),
            "分地区：",
            *(
                f"  {t.region}：结转 {t.carried} 个，新建转续建 {t.renewed} 个，退出 {t.retired} 个，"
                f"转入以前年度 {_wan(t.summed)} 万元"
                for t in self.tallies
                if t.carried or t.retired
            ),
            *self.notes,
        ]
        return lines


def _wan(amount: Decimal) -> str:
    return format(amount, ",f") if amount == amount.to_integral_value() else format(amount.normalize(), ",f")


def _exact_sum(amounts: Iterable[Decimal]) -> Decimal:
    """Σ amounts, exactly (a Fraction sum: Decimal's default context would round past 28 digits)."""
    total = sum((Fraction(a) for a in amounts), Fraction(0))
    return at_least_places(total, 0)


def _amount_text(amount: Decimal) -> str:
    """An amount as a plain number, every digit kept (format_amount's normalize would round past 28)."""
    digits = len(amount.as_tuple().digits)
    if digits <= 28:
        return format_amount(amount)
    return format(amount.normalize(Context(prec=digits)), "f")


def _next_year(day: date) -> date:
    """The same day a year later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def _finished(project: StartedProject, year: int) -> bool:
    return project.finish_date is not None and project.finish_date.year <= year


def plan_rollover(repo: Repository, to: int | None = None) -> Rollover:
    """The verified plan that closes 年度 (Y) and opens Y+1 (``to`` must be Y+1 when given)."""
    check_config(repo)
    assert repo.config is not None
    config = repo.config
    year = config.year
    if to is not None and to != year + 1:
        raise EditError(
            f"只能结转到下一年度 {year + 1}（台账现为 {year} 年度），--to {to} 不行；相隔多年的请逐年结转", code=2
        )
    to = year + 1
    archive = archive_path(repo.root, year)
    _refuse_errors(repo, year)
    refused = refusal(archive)
    if refused is not None:
        raise EditError(f"无法归档：{refused}")
    if archive.exists():
        raise EditError(
            f"归档 {display_path(archive)} 已经存在：{year} 年度已结转过？"
            f"不覆盖已有的归档；如确需重新结转，先核对并移走它"
        )

    config_file = files.read(repo.root / CONFIG_FILE)
    ledger_files = [files.read(lf.path) for lf in repo.files]
    archive_files = {CONFIG_FILE: config_file.raw}
    for lf, edited in zip(repo.files, ledger_files, strict=True):
        archive_files[_relative(repo.root, lf.path)] = edited.raw

    old_deadline = config.caliber.stats_deadline
    new_deadline = _next_year(old_deadline) if old_deadline is not None and old_deadline.year == year else None
    pin = old_deadline if new_deadline is not None else None

    tallies = {name: RegionTally(name) for name in config.region_names}
    retired: list[Retired] = []
    intended: Intended = {}
    sources: dict[str, Record] = {}
    changes: dict[Path, str] = {}
    originals: dict[Path, bytes | None] = {config_file.path: config_file.raw}
    by_file: dict[str, list[Record]] = {}
    for rec in repo.records:
        by_file.setdefault(rec.file, []).append(rec)
    for lf, edited in zip(repo.files, ledger_files, strict=True):
        originals[edited.path] = edited.raw
        if not lf.ledger.started:
            continue
        records = sorted(by_file.get(lf.file, []), key=lambda r: r.index)
        text = _roll_file(edited, records, year, pin, tallies, retired, intended, sources, config)
        if text != edited.text:
            changes[edited.path] = edited.output(text)

    config_text, cleared = _roll_config(config_file, config, to, new_deadline)
    changes = {config_file.path: config_file.output(config_text), **changes}  # xiangmu.yaml first
    want = _intended_config(config, to, new_deadline)

    def check(new: Repository) -> None:
        if new.config is None or new.config.model_dump() != want:
            changed_meanwhile(repo)
            raise EditError("结转后 xiangmu.yaml 的内容与预期不符，未写入任何文件；这是 xm 的缺陷，请报告")

    removed = {r.code for r in retired}
    warnings = verify(repo, changes, intended, sources, removed, check)
    _verify_archive(repo, archive_files)
    notes = []
    if any(t.carried for t in tallies.values()):
        notes.append(f"注意：年度计划投资 保留为 {year} 年的数值，请按 {to} 年度计划更新")
    if cleared:
        notes.append(f"注意：目标 已清空，请填写 {to} 年度目标")
    edits = EditPlan(
        changes=changes,
        summary="",
        originals=originals,
        warnings=warnings,
        root=repo.root,
    )
    return Rollover(
        year=year,
        to=to,
        root=repo.root,
        archive=archive,
        archive_files=archive_files,
        edits=edits,
        retired=retired,
        tallies=list(tallies.values()),
        targets_cleared=cleared,
        deadline=(old_deadline, new_deadline) if old_deadline is not None and new_deadline is not None else None,
        notes=notes,
    )


def _refuse_errors(repo: Repository, year: int) -> None:
    errors = repo.errors
    if not errors:
        return
    message = f"台账有 {len(errors)} 个错误，不能结转；请先运行 xm validate 并改正"
    earlier = archive_path(repo.root, year - 1)
    if earlier.is_dir() and any(p.code == "E301" for p in errors):
        message += (
            f"（{display_path(earlier)} 已存在而台账中还有不在 {year} 年度的完成投资：上次结转可能中途中断；"
            f"可从归档恢复：把 {display_path(earlier)} 中的文件复制回台账目录并删除该归档，再重新结转）"
        )
    raise EditError(message)


def _relative(root: Path, path: Path) -> str:
    return path.resolve().relative_to(root.resolve()).as_posix()


def _roll_file(
    edited: EditedFile,
    records: list[Record],
    year: int,
    pin: date | None,
    tallies: dict[str, RegionTally],
    retired: list[Retired],
    intended: Intended,
    sources: dict[str, Record],
    config: Config,
) -> str:
    """The new text of a 在建 or 未入统 file: each project rolled in place, then the finished ones cut."""
    doc = Doc(edited.text)
    gone: list[int] = []
    for rec in records:
        project = rec.project
        assert isinstance(project, StartedProject)
        tally = tallies.setdefault(rec.region, RegionTally(rec.region))
        if _finished(project, year):
            assert project.finish_date is not None
            item_at(doc, rec.index, project.code)  # it is where the loader found it
            gone.append(rec.index)
            tally.retired += 1
            retired.append(Retired(rec.region, rec.ledger.value, project.code, project.name, project.finish_date))
            continue
        tally.carried += 1
        data = _roll_project(doc, rec, project, year, pin, tally)
        if data is not None:
            intended[project.code] = (rec.region, rec.ledger, as_intended(rec.ledger, data, config))
            sources[project.code] = rec
    # The retired blocks go in the same pass (their spans touch no kept project's edit; an overlap
    # would be refused by Doc.result): each file is composed once (ruamel's composer is most of a
    # rollover's time).
    return cut_all(doc, gone)


def _roll_project(
    doc: Doc, rec: Record, project: StartedProject, year: int, pin: date | None, tally: RegionTally
) -> dict[str, Any] | None:
    """Roll one carried project in place; its intended data (by alias), None when nothing changes."""
    item = item_at(doc, rec.index, project.code)
    order = key_order(PROJECT_MODELS[rec.ledger])
    data = project.model_dump(by_alias=True, exclude_unset=True)
    changed = False
    lump = project.prior_months  # 以前月份完成投资 (issue 18): part of the year's total too
    if project.monthly or lump is not None:
        summed = _exact_sum([*project.monthly.values(), *([lump.amount] if lump is not None else [])])
        total = _exact_sum([project.prior_invest or Decimal(0), summed])
        # their comments go above 以前年度完成投资, which holds them now
        dropped = delete_pair(doc, item, _LUMP) if lump is not None else []
        dropped += delete_pair(doc, item, _MONTHLY) if project.monthly else []
        set_scalar(doc, item, _PRIOR, _amount_text(total), order, skip={_MONTHLY, _LUMP}, comments=dropped)
        data[_PRIOR] = total
        data.pop(_MONTHLY, None)
        data.pop(_LUMP, None)
        tally.summed = _exact_sum([tally.summed, summed])
        tally.months += len(project.monthly)
        changed = True
    if project.nature == "新建" and project.start_date.year <= year:
        set_scalar(doc, item, "建设性质", "续建", order)
        data["建设性质"] = "续建"
        tally.renewed += 1
        changed = True
    if project.resume_date is not None and project.resume_date.year <= year:
        _drop(doc, item, "复工日期")
        data.pop("复工日期", None)
        tally.resumed += 1
        changed = True
    if pin is not None and rec.ledger is Ledger.UNSTAT and project.field_value("stats_deadline") is None:
        set_scalar(doc, item, "入统时限", pin.isoformat(), order)
        data["入统时限"] = pin
        tally.pinned += 1
        changed = True
    return data if changed else None


def _drop(doc: Doc, item: Any, key: str) -> None:
    """Remove ``key`` from the project; if its lines held a comment, they stay where they were,
    commented out (:func:`~xiangmu_cli.write.pairs.delete_pair`): 复工日期 next to 开工日期."""
    found = doc.get(item, key)
    if found is None:
        return
    lines = delete_pair(doc, item, key)
    if lines:
        at = doc.entry_start(item, doc.index(item, found[0]))  # offsets of the text before the edits
        doc.insert_lines(at, [" " * doc.key_col(item) + line for line in lines])


def _roll_config(src: EditedFile, config: Config, to: int, deadline: date | None) -> tuple[str, int]:
    """xiangmu.yaml's new text (年度, 目标, 口径.入统时限) and how many targets were cleared."""
    doc = Doc(src.text)
    root = doc.root
    if not isinstance(root, doc.Mapping):
        raise EditError("xiangmu.yaml 的顶层不是映射")
    set_scalar(doc, root, "年度", str(to), key_order(Config))
    cleared = sum(len(targets) for targets in config.targets.values())
    if config.targets:
        _clear_targets(doc, root)
    if deadline is not None:
        found = doc.get(root, "口径")
        if found is None or not isinstance(found[1], doc.Mapping):
            raise EditError("xiangmu.yaml 中找不到 口径 映射")
        set_scalar(doc, found[1], "入统时限", deadline.isoformat(), key_order(Caliber))
    return doc.result(), cleared


def _clear_targets(doc: Doc, root: Any) -> None:
    """``目标: {}``. When the lines of the old 目标 held a comment, they are kept above it, commented
    out (the key line too), so no comment is lost and each stays beside what it was about."""
    found = doc.get(root, "目标")
    if found is None:
        return
    k, v = found
    first = doc.bol(k.start_mark.index)
    last = doc.eol(doc.value_end(k, v) - 1)
    stop = doc.field_end(root, k, v)
    if not doc.comments(first, stop):
        doc.replace(doc.colon(k) + 1, doc.end(v), " {}")
        return
    col = doc.col(k.start_mark.index)
    lines = []
    pos = first
    while pos < last:
        lines.append("# " + doc.line(pos)[col:])
        pos = doc.eol(pos)
    lines += doc.comments(last, stop)
    indent = " " * col
    new = [indent + line for line in lines] + [doc.text[first : doc.colon(k) + 1] + " {}"]
    doc.replace(first, stop, "".join(line + doc.nl for line in new))


def _intended_config(config: Config, to: int, deadline: date | None) -> dict[str, Any]:
    want = config.model_copy(deep=True)
    want.year = to
    want.targets = {}
    if deadline is not None:
        want.caliber.stats_deadline = deadline
    return want.model_dump()


def _verify_archive(repo: Repository, archive_files: dict[str, bytes]) -> None:
    """The archive's files, loaded from a temporary copy, give the ledgers' projects and problems."""
    with tempfile.TemporaryDirectory(prefix="xm-rollover-") as tmp:
        copy = Path(tmp) / "archive"
        _write_tree(copy, archive_files)
        archived = load(copy, locate=False)
        same = snapshot(archived) == snapshot(repo) and sorted(p.code for p in archived.problems) == sorted(
            p.code for p in repo.problems
        )
    if not same:
        changed_meanwhile(repo)
        raise EditError("归档副本读出的项目与台账不一致，未写入任何文件；这是 xm 的缺陷，请报告")


def _write_tree(folder: Path, tree: dict[str, bytes]) -> None:
    """The files of ``tree`` (posix relative path → bytes) under the new folder ``folder``, each
    flushed to disk."""
    folder.mkdir(parents=False, exist_ok=False)
    for rel, data in tree.items():
        path = folder.joinpath(*rel.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())


def rollover_diff(plan: Rollover) -> str:
    """The live files' changes as a unified diff (``--dry-run --diff``); the archive is a copy."""
    return diff(plan.edits)


def apply_rollover(plan: Rollover) -> list[Path]:
    """Write the rollover: the archive, then every file, as described in the module docstring.

    Refuses (nothing written) when a file changed since the plan was made or the archive appeared
    meanwhile. Returns the files changed (the archive not included).
    """
    with ledger_lock(plan.root):
        check_unchanged(plan.edits.originals)
        archive = plan.archive
        refused = refusal(archive)
        if refused is not None:
            raise EditError(f"无法归档：{refused}")
        if archive.exists():
            raise EditError(f"归档 {display_path(archive)} 已经存在（在此期间被创建？），未写入任何文件")
        made = not archive.parent.exists()  # 归档 itself is made now: removed again on failure
        try:
            archive.parent.mkdir(exist_ok=True)
            staging = Path(tempfile.mkdtemp(dir=archive.parent, prefix=f".{archive.name}.", suffix=".tmp"))
        except OSError as exc:
            raise EditError(f"无法创建归档目录 {display_path(archive.parent)}：{exc.strerror or exc}") from None
        temps: list[tuple[Path, Path]] = []

        def undo() -> None:
            for _, tmp in temps:
                with suppress(OSError):
                    tmp.unlink()
            shutil.rmtree(staging, ignore_errors=True)
            if made:
                with suppress(OSError):
                    archive.parent.rmdir()

        try:
            os.rmdir(staging)  # made again by _write_tree with the usual mode (mkdtemp's is 0700)
            _write_tree(staging, plan.archive_files)
            for path, text in plan.edits.changes.items():
                temps.append((path, stage(path, text.encode("utf-8"), stat.S_IMODE(path.stat().st_mode))))
            check_unchanged(plan.edits.originals)
            os.rename(staging, archive)
        except BaseException as exc:
            undo()
            if isinstance(exc, OSError):
                raise EditError(f"写入失败：{exc.strerror or exc}；未改动任何文件") from None
            raise
        sync_folder(archive.parent)
        done: list[Path] = []
        for path, tmp in temps:
            try:
                os.replace(tmp, path)
            except OSError as exc:
                raise EditError(
                    f"写入 {display_path(path)} 失败：{exc.strerror or exc}；已写入 "
                    + ("、".join(display_path(p) for p in done) or "（无）")
                    + f"。台账处于半结转状态：从 {display_path(archive)} 把文件复制回台账目录、删除该归档后重新结转"
                ) from None
            done.append(path)
        for folder in sorted({p.parent for p in done}):
            sync_folder(folder)
        return done
