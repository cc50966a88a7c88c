"""One ledger file as line-per-field text, for git's textconv (``git diff`` / ``git log -p``).

Every line starts with the project's 编号, fields follow the contract's order, amounts are
normalised to 万元 and comments are left out, so git's line diff of two versions reads as a
per-project list of changed fields. A file that does not parse is shown as it is; a file over
the per-file size limit is not read and shows as one line (:func:`too_large`).
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from pydantic import ValidationError

from xiangmu_cli.ledger.model import PROJECT_MODELS, Project
from xiangmu_cli.ledger.units import show_value
from xiangmu_cli.ledger.vocab import LEDGERS
from xiangmu_cli.reading.yamlread import decode, parse_text

__all__ = ["textconv", "too_large"]


def too_large(size: int, limit: int) -> str:
    """The textconv view of a file over the size limit, which is not read.

    One line, and ``xm textconv`` exits 0: git gives up the whole ``git diff`` / ``git log -p``
    ("unable to read files to diff") when a textconv driver fails, so one large blob in history
    would otherwise hide every other change.
    """
    return f"# xm：文件过大（{size / 2**20:.1f} MB，上限 {limit / 2**20:g} MB），未读取，不像是台账\n"


def _fields(model: type[Project], item: Any) -> dict[str, Any]:
    """The project's fields by key, in the contract's order; keys the contract does not know
    (xiangmu.yaml 扩展字段: this view reads one file, without xiangmu.yaml) follow as written."""
    try:
        return model.model_validate(item).model_dump(by_alias=True)
    except ValidationError as exc:
        extra = [str(e["loc"][0]) for e in exc.errors() if e["type"] == "extra_forbidden" and len(e["loc"]) == 1]
        if not extra or not isinstance(item, dict):
            raise
        known = {k: v for k, v in item.items() if k not in extra}
        return {**model.model_validate(known).model_dump(by_alias=True), **{k: item[k] for k in extra}}


def textconv(raw: bytes, name: str) -> str:
    """The textconv view of one file (``name`` tells which ledger it is)."""
    ledger = next((lg for lg in LEDGERS if lg.filename == PurePath(name).name), None)
    text, _ = decode(raw, name)  # its problems are not shown: a textconv view never fails
    if text is None or ledger is None:
        return raw.decode("utf-8", errors="replace")
    parsed = parse_text(text, name)
    data = parsed.data
    if parsed.broken or not isinstance(data, dict) or not isinstance(data.get("项目"), list):
        return "# xm：此版本的文件无法按台账解析，按原文显示\n" + text
    lines = [f"# {key}: {data[key]}" for key in ("地区", "台账") if key in data]
    model = PROJECT_MODELS[ledger]
    for i, item in enumerate(data["项目"]):
        try:
            fields = _fields(model, item)
        except ValidationError:
            lines.append(f"[第{i + 1}项] （有错误，按原样）{item}")
            continue
        code = fields["编号"]
        for key, value in fields.items():
            if value in (None, [], {}) or key == "编号":
                continue
            if key == "完成投资":
                lines += [f"[{code}] 完成投资 {month}: {show_value(v)}" for month, v in sorted(value.items())]
            elif key == "以前月份完成投资":
                lines.append(f"[{code}] 以前月份完成投资 截至 {value['截至']}: {show_value(value['金额'])}")
            elif isinstance(value, list):
                lines += [f"[{code}] {key}: {show_value(v)}" for v in value]
            else:
                lines.append(f"[{code}] {key}: {show_value(value)}")
    return "\n".join(lines) + "\n"
