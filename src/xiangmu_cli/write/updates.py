"""完成投资, 以前月份完成投资 and 形象进度 of many projects, one verified plan (``xm import --update``).

:func:`update_projects` edits each project where it is, as :func:`~xiangmu_cli.write.invest.invest`
does for one month: months added in month order or replaced (written as ``format_amount``
writes them), 以前月份完成投资 set key by key (so a comment inside it stays) or added as
``{截至: …, 金额: …}``, or removed with its lines (its comment lines stay where it was), and
形象进度 set as text. Every file is read once and changed in one text edit; the plan is verified
like every edit (no new error, each project exactly as intended, no other project changed).
In a block-style file each project's own text is composed and edited alone
(:func:`xiangmu_cli.reading.yamlread.item_spans`), not the whole file.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from xiangmu_cli.ledger.model import Config, PriorMonths, key_order, project_model
from xiangmu_cli.ledger.units import format_amount
from xiangmu_cli.reading.records import Record, Repository
from xiangmu_cli.write import files
from xiangmu_cli.write.document import Doc
from xiangmu_cli.write.find import check_clean, check_config, find, path_of
from xiangmu_cli.write.in_place import STARTED
from xiangmu_cli.write.invest import set_months
from xiangmu_cli.write.pairs import delete_pair, insert_pair, set_scalar
from xiangmu_cli.write.plan import EditError, EditPlan
from xiangmu_cli.write.projects import item_at
from xiangmu_cli.write.scalars import flow_mapping
from xiangmu_cli.write.verify import Intended, as_intended, changed_meanwhile, verify

__all__ = ["ProjectUpdate", "update_projects"]

_LUMP = "以前月份完成投资"


@dataclass
class ProjectUpdate:
    """What changes in one started project; what is not given stays as it is."""

    code: str
    #: Months of 完成投资 to set (added, or replaced).
    months: dict[str, Decimal] = field(default_factory=dict)
    #: True: 以前月份完成投资 becomes ``lump`` ((截至, 金额), or None: removed).
    lump_set: bool = False
    lump: tuple[str, Decimal] | None = None
    #: 形象进度 to set (None: unchanged).
    progress: str | None = None


def update_projects(repo: Repository, updates: list[ProjectUpdate], summary: str) -> EditPlan:
    """The verified plan of ``updates`` (each a started project, in 在建 or 未入统, found by 编号)."""
    check_config(repo)
    records = _records(repo, [u.code for u in updates])
    by_file: dict[Path, list[ProjectUpdate]] = {}
    for u in updates:
        by_file.setdefault(path_of(repo, records[u.code]), []).append(u)
    changes: dict[Path, str] = {}
    originals: dict[Path, bytes | None] = {}
    intended: Intended = {}
    for path, group in by_file.items():
        src = files.read(path)
        check_clean(repo, [path])
        new_text = _edit_fragments(src.text, group, records, intended, repo.config)
        if new_text is None:  # the whole file composed once, every project edited in it
            doc = Doc(src.text)
            for u in group:
                record = records[u.code]
                intended[u.code] = (
                    record.region,
                    record.ledger,
                    _edit(doc, _item(repo, doc, record), record, u, repo.config),
                )
            new_text = doc.result()
        text = src.output(new_text)
        if text.encode("utf-8") != src.raw:
            changes[path], originals[path] = text, src.raw
    if not changes:
        return EditPlan(changes={}, summary=f"无需修改：{summary}", root=repo.root)
    warnings = verify(repo, changes, intended, records)
    return EditPlan(changes=changes, summary=summary, originals=originals, warnings=warnings, root=repo.root)


def _records(repo: Repository, codes: list[str]) -> dict[str, Record]:
    """The started project of each 编号, as :func:`~xiangmu_cli.write.find.find` finds it (which
    says what is wrong when it is not one), from an index made once."""
    written = Counter(code for code, _, _ in repo.ids)
    found: dict[str, list[Record]] = {}
    for rec in repo.records:
        found.setdefault(rec.project.code, []).append(rec)
    out = {}
    for code in codes:
        got = found.get(code, [])
        ok = written[code] == 1 and len(got) == 1 and got[0].ledger in STARTED
        out[code] = got[0] if ok else find(repo, code, "xm import --update", STARTED)
    return out


def _item(repo: Repository, doc: Doc, record: Record) -> Any:
    try:
        return item_at(doc, record.index, record.project.code)
    except EditError:  # not found only if the file changed since loading
        changed_meanwhile(repo)
        raise


def _edit_fragments(
    text: str, group: list[ProjectUpdate], records: dict[str, Record], intended: Intended, config: Config | None
) -> str | None:
    """The file's text with each project edited in its own text alone (a 1 MB file composed whole
    takes ~10 s; a project's few lines, milliseconds); None when the line scan is unsure of the
    file, or a project's text does not compose to that one project alone: then the whole file is."""
    from xiangmu_cli.reading.yamlread import item_spans

    spans = item_spans(text)
    if spans is None or any(records[u.code].index >= len(spans) for u in group):
        return None
    pieces: list[str] = []
    pos = 0
    done: Intended = {}
    for u in sorted(group, key=lambda u: records[u.code].index):
        record = records[u.code]
        start, end = spans[record.index]
        try:
            doc = Doc(text[start:end])
        except EditError:
            return None
        root = doc.root
        if not isinstance(root, doc.Sequence) or len(root.value) != 1 or not isinstance(root.value[0], doc.Mapping):
            return None
        item = root.value[0]
        found = doc.get(item, "编号")
        if found is None or found[1].value != u.code:
            return None
        done[u.code] = (record.region, record.ledger, _edit(doc, item, record, u, config))
        pieces += [text[pos:start], doc.result()]
        pos = end
    intended.update(done)
    return "".join(pieces) + text[pos:]


def _edit(doc: Doc, item: Any, record: Record, u: ProjectUpdate, config: Config | None) -> dict[str, Any]:
    """Make the update's edits to the record's item; its intended model dump."""
    order = key_order(project_model(record.ledger, config))
    data = record.project.model_dump(by_alias=True, exclude_unset=True)
    if u.lump_set:
        _set_lump(doc, item, order, u.lump)
        if u.lump is None:
            data.pop(_LUMP, None)
        else:
            data[_LUMP] = {"截至": u.lump[0], "金额": u.lump[1]}
    if u.months:
        set_months(doc, item, order, [(m, format_amount(v)) for m, v in u.months.items()])
        data["完成投资"] = {**(data.get("完成投资") or {}), **u.months}
    if u.progress is not None:
        set_scalar(doc, item, "形象进度", u.progress, order, text=True)
        data["形象进度"] = u.progress
    return as_intended(record.ledger, data, config)


def _set_lump(doc: Doc, item: Any, order: list[str], lump: tuple[str, Decimal] | None) -> None:
    found = doc.get(item, _LUMP)
    if lump is None:
        if found is None:
            return
        i = doc.index(item, found[0])
        start = doc.entry_start(item, i) if i > 0 and not item.flow_style else 0
        kept = delete_pair(doc, item, _LUMP)
        if kept:  # its comments stay where it was
            doc.insert_lines(start, [" " * doc.key_col(item) + line for line in kept])
        return
    through, amount = lump[0], format_amount(lump[1])
    if found is None or doc.is_empty(found[1]):
        if found is not None:
            raise EditError(f"「{_LUMP}」为空，无法修改；请手工修改")
        insert_pair(doc, item, _LUMP, flow_mapping({"截至": through, "金额": lump[1]}), order)
        return
    value = found[1]
    if not isinstance(value, doc.Mapping):
        raise EditError(f"「{_LUMP}」不是映射（{{截至, 金额}}），无法修改；请手工修改")
    sub = key_order(PriorMonths)
    set_scalar(doc, value, "截至", through, sub)
    set_scalar(doc, value, "金额", amount, sub)
