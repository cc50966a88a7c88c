"""The event that records a month's investment: 完成投资 (:func:`invest`), the amount written as typed.

The month goes in month order among the months written (or replaces the same month's amount),
its key quoted as its neighbour's is; a ``{…}`` 完成投资 gets ``, YYYY-MM: amount``.
"""

from __future__ import annotations

from typing import Any

from xiangmu_cli.ledger.model import key_order, project_model
from xiangmu_cli.ledger.units import UnitError, format_amount, parse_amount, parse_month
from xiangmu_cli.ledger.units import month_key as units_month_key
from xiangmu_cli.reading.records import Repository
from xiangmu_cli.write.args import check_amount, month_key
from xiangmu_cli.write.document import Doc
from xiangmu_cli.write.find import find, label
from xiangmu_cli.write.in_place import STARTED, in_place
from xiangmu_cli.write.pairs import insert_pair, set_scalar
from xiangmu_cli.write.plan import EditError, EditPlan
from xiangmu_cli.write.scalars import scalar

__all__ = ["invest", "set_months"]

#: A month written in 完成投资: (YYYY-MM, key node, value node).
_Month = tuple[str, Any, Any]


def invest(repo: Repository, code: str, month: str, amount: str) -> EditPlan:
    """完成投资: set the month's amount (added in month order, or replaced), written as typed."""
    key = month_key(month)
    amount = check_amount(amount)
    record = find(repo, code, "xm invest", STARTED)
    _check_prior_months(record, key)
    data = record.project.model_dump(by_alias=True, exclude_unset=True)
    monthly = dict(data.get("完成投资") or {})
    monthly[key] = parse_amount(amount)
    data["完成投资"] = monthly
    changed: list[str] = []  # the amount replaced, as it was written

    def edit(doc: Doc, item: Any) -> bool:
        return _set_month(doc, item, key_order(project_model(record.ledger, repo.config)), key, amount, changed)

    def summary() -> str:
        return f"{label(record)}：完成投资 {key} = {amount}" + (f"（原为 {changed[0]}）" if changed else "")

    return in_place(repo, record, edit, data, summary)


def _check_prior_months(record: Any, key: str) -> None:
    """A month inside 以前月份完成投资 (up to its 截至, not listed) is refused: its amount is in that total."""
    lump = getattr(record.project, "prior_months", None)
    if lump is None or key[:4] != lump.through[:4] or key > lump.through or key in record.project.monthly:
        return
    raise EditError(
        f"{label(record)} 的 {key} 含在 以前月份完成投资（截至 {lump.through}，{format_amount(lump.amount)} 万元）中，"
        "单独登记会重复计算；如要分月登记，请手工从 以前月份完成投资 的金额中减去该月的数"
    )


def _set_month(doc: Doc, item: Any, order: list[str], key: str, amount: str, changed: list[str]) -> bool:
    """Set ``key: amount`` in the item's 完成投资; False when it is already written so."""
    done = set_months(doc, item, order, [(key, amount)])
    changed += [old for _, old in done if old is not None]
    return bool(done)


def set_months(doc: Doc, item: Any, order: list[str], months: list[tuple[str, str]]) -> list[tuple[str, str | None]]:
    """Set each ``(YYYY-MM, amount)`` in the item's 完成投资 (added in month order, or replaced),
    the amounts written as given. Returns the months changed with the amount each replaced, as
    it was written (None: the month was new); a month already written so is left alone."""
    found = doc.get(item, "完成投资")
    wanted = sorted(months)
    if found is None or doc.is_empty(found[1]):
        if not wanted:
            return []
        block = [f"{key}: {scalar(amount, False, False)}" for key, amount in wanted]
        inline = "{" + ", ".join(f"{key}: {scalar(amount, True, False)}" for key, amount in wanted) + "}"
        if found is None:  # a `- {编号: …}` project takes the flow form
            insert_pair(doc, item, "完成投资", inline if item.flow_style else ["  " + b for b in block], order)
        elif item.flow_style:
            doc.insert(doc.colon(found[0]) + 1, " " + inline)
        else:
            doc.insert_lines(doc.eol(found[0].start_mark.index), [" " * (doc.key_col(item) + 2) + b for b in block])
        return [(key, None) for key, _ in wanted]
    k, v = found
    if not isinstance(v, doc.Mapping):
        raise EditError("「完成投资」不是映射（YYYY-MM: 金额），无法修改；请手工修改")
    written = _months(v)
    if not written and wanted:  # `完成投资: {}`
        inline = "{" + ", ".join(f"{key}: {scalar(amount, True, False)}" for key, amount in wanted) + "}"
        doc.replace(v.start_mark.index, v.end_mark.index, inline)
        return [(key, None) for key, _ in wanted]
    done: list[tuple[str, str | None]] = []
    for key, amount in wanted:  # in month order: new months at the same place go in that order
        same = next(((mk, mv) for m, mk, mv in written if m == key), None)
        if same is None:
            _add_month(doc, k, v, written, key, amount)
            done.append((key, None))
            continue
        source = doc.source(*same)
        if source != scalar(amount, bool(v.flow_style), False):
            set_scalar(doc, v, same[0].value, amount, [same[0].value])
            done.append((key, source))
    return done


def _months(monthly: Any) -> list[_Month]:
    months = []
    for mk, mv in monthly.value:
        try:
            months.append((units_month_key(*parse_month(mk.value)), mk, mv))
        except UnitError:
            raise EditError(f"完成投资 中的月份「{mk.value}」无效；请先运行 xm validate 并改正") from None
    return months


def _add_month(doc: Doc, k: Any, v: Any, months: list[_Month], key: str, amount: str) -> None:
    """A new month in the mapping ``v`` (完成投资, key node ``k``), before the first later month."""
    rendered = scalar(amount, bool(v.flow_style), False)
    later = next(((mk, mv) for m, mk, mv in months if m > key), None)
    quote = later[0] if later is not None else months[-1][1] if months else None
    written = f"{quote.style}{key}{quote.style}" if quote is not None and quote.style in ("'", '"') else key
    if v.flow_style:
        if later is not None:
            doc.insert(later[0].start_mark.index, f"{written}: {rendered}, ")
        elif months:
            doc.insert(doc.value_end(months[-1][1], months[-1][2]), f", {written}: {rendered}")
        else:
            doc.insert(v.start_mark.index + 1, f"{written}: {rendered}")
        return
    line = " " * doc.key_col(v) + f"{written}: {rendered}"
    if later is None:
        doc.insert_lines(doc.field_end(v, *v.value[-1]), [line])
        return
    i = doc.index(v, later[0])
    limit = doc.field_end(v, *v.value[i - 1]) if i > 0 else doc.eol(k.start_mark.index)
    doc.insert_lines(doc.comments_above(doc.bol(later[0].start_mark.index), limit), [line])
