"""The ledgers as spreadsheet columns: what ``xm export xlsx`` writes and ``xm import`` reads back.

Each ledger field has a cell kind (:data:`FIELD_KINDS`; an extension field of xiangmu.yaml 扩展字段
the kind of its type, :func:`field_kinds`); a sheet has one column per field of the ledger's
model, in the model's order (the extension fields last), preceded by 地区:

- amounts in 万元 (header ``总投资（万元）``), areas in m² (``用地面积（平方米）``): numbers;
- dates: real dates; 重点: 是/否; text and 预计开工年度 (a year): text;
- 完成投资: one column per month reported in that ledger anywhere in the repository, headed
  ``2018年9月完成投资（万元）``; an empty cell is a month not reported, 0 a reported zero;
- 以前月份完成投资: one cumulative column per 截至 in that ledger, ``2018年1-8月完成投资（万元）``,
  holding what the project completed in those months (its 金额 and the months listed up to 截至);
- 问题, 走访, 前期手续: one numbered item per line, its keys and values as 「键：值」 separated by
  「；」 (``1. 2018-09-03``, ``2. 日期：2018-09-17；内容：协调用地``), so a reader sees a list rather
  than YAML, and :func:`read_list_line` reads each back exactly: a value is written as in YAML
  (quoted where YAML would read it as something else), and also quoted (YAML's double quotes)
  when it holds 「；」 or 「：」; a list (a problem's 升级) is in flow style, read to its closing
  bracket. The import still reads the flow style of earlier exports
  (``{日期: 2018-09-17, 内容: 协调用地}``). ``xm export parquet`` keeps the flow style
  (:func:`list_cell`), a format for programs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from xiangmu_cli.ledger.model import Config, extension_specs, key_order, project_model
from xiangmu_cli.ledger.vocab import LEDGERS, Ledger
from xiangmu_cli.reading.records import Repository
from xiangmu_cli.write.scalars import flow_mapping, yaml_value

__all__ = [
    "FIELD_KINDS",
    "REGION",
    "field_kinds",
    "field_header",
    "month_header",
    "cumulative_header",
    "cumulative_value",
    "ledger_fields",
    "export_workbook",
    "list_cell",
    "list_lines",
    "read_list_line",
    "strip_item_number",
]

REGION = "地区"
#: Cell kind of every ledger field: text, id, amount, area, date, bool, monthly, lump (以前月份完成投资),
#: list, year (an integer, written as text in a sheet: 2019, not 2,019).
FIELD_KINDS: dict[str, str] = {
    "编号": "id",
    "名称": "text",
    "项目代码": "text",
    "建设单位": "text",
    "类别": "text",
    "级别": "text",
    "建设内容": "text",
    "总投资": "amount",
    "资金来源": "text",
    "包保领导": "text",
    "项目秘书": "text",
    "责任单位": "text",
    "用地面积": "area",
    "问题": "list",
    "走访": "list",
    "备注": "text",
    "建设性质": "text",
    "开工日期": "date",
    "复工日期": "date",
    "计划开工日期": "date",
    "计划竣工日期": "date",
    "竣工日期": "date",
    "计划投产日期": "date",
    "投产日期": "date",
    "年度计划投资": "amount",
    "以前年度完成投资": "amount",
    "以前月份完成投资": "lump",
    "完成投资": "monthly",
    "形象进度": "text",
    "入统日期": "date",
    "未入统原因": "text",
    "入统时限": "date",
    "前期手续": "list",
    "开工条件": "text",
    "阶段": "text",
    "投资方": "text",
    "来源地": "text",
    "签约日期": "date",
    "计划落地日期": "date",
    "落地日期": "date",
    "重点": "bool",
    # 谋划 (the project reserve), and what a converted record keeps from it
    "谋划阶段": "text",
    "谋划日期": "date",
    "预计开工年度": "year",
    "入国家库": "date",
    "转化日期": "date",
}
_UNITS = {"amount": "万元", "area": "平方米"}
#: The tables.KINDS kind a cell of each field kind is written with.
_SHEET_KINDS = {"amount": "amount", "area": "area", "date": "date", "monthly": "amount", "list": "wrap"}


#: The cell kind of an extension field's type (xiangmu.yaml 扩展字段).
_EXTENSION_KINDS = {"文字": "text", "金额": "amount", "日期": "date", "是否": "bool", "选项": "text"}


def field_kinds(config: Config | None) -> dict[str, str]:
    """:data:`FIELD_KINDS` and the cell kind of each extension field of ``config``."""
    return {**FIELD_KINDS, **{name: _EXTENSION_KINDS[kind] for name, kind, *_ in extension_specs(config)}}


def ledger_fields(ledger: Ledger, config: Config | None = None) -> list[str]:
    """The ledger's keys, in the model's order (with ``config``'s extension fields, last)."""
    return key_order(project_model(ledger, config))


def field_header(name: str, kinds: Mapping[str, str] = FIELD_KINDS) -> str:
    unit = _UNITS.get(kinds[name])
    return f"{name}（{unit}）" if unit else name


def month_header(month: str) -> str:
    return f"{int(month[:4])}年{int(month[5:])}月完成投资（万元）"


def cumulative_header(through: str) -> str:
    """The header of a cumulative column, 1–N月 of a year: ``2018年1-8月完成投资（万元）``."""
    return f"{int(through[:4])}年1-{int(through[5:])}月完成投资（万元）"


def cumulative_value(data: dict[str, Any], through: str) -> Any:
    """What a project (a model dump by alias) completed in 1–N月 when its 以前月份完成投资 runs to
    ``through``: that amount and the months listed up to it (None for another 截至). Read back by
    ``xm import``, the column gives the same 以前月份完成投资 (docs/interop.md)."""
    lump = data.get("以前月份完成投资")
    if not lump or lump["截至"] != through:
        return None
    months = data.get("完成投资") or {}
    return lump["金额"] + sum((v for m, v in months.items() if m[:4] == through[:4] and m <= through), Decimal(0))


def _bare(visit: dict[str, Any]) -> bool:
    """A visit with nothing but its date, written as the bare date."""
    return all(value is None for key, value in visit.items() if key != "日期")


def list_cell(name: str, items: list[dict[str, Any]]) -> str | None:
    """问题, 走访 or 前期手续 as one cell: one item per line, in the ledger's flow style."""
    lines = [yaml_value(item["日期"]) if name == "走访" and _bare(item) else flow_mapping(item) for item in items]
    return "\n".join(lines) or None


#: The number in front of an item of a list cell: 「1. 」, 「1．」 or 「1、」 (one to three digits, so a
#: date such as 2018.9.3 is not taken for one).
_ITEM_NUMBER = re.compile(r"\s*\d{1,3}(?:[.．]\s+|、\s*)")
_PAIR, _KEY = "；", "："
_KEY_RE = re.compile(r"\s*([^：；\s\"'{}]+)\s*：\s*")


def _item_value(value: Any) -> str:
    """A value of an item as YAML would write it, double-quoted also when it holds 「；」 or 「：」
    (which separate the pairs of a line)."""
    text = yaml_value(value)
    if text[:1] in ("'", '"') or isinstance(value, (list, dict)):  # (a flow list is read to its bracket)
        return text
    return json.dumps(str(value), ensure_ascii=False) if _PAIR in text or _KEY in text else text


def list_lines(name: str, items: list[dict[str, Any]]) -> str | None:
    """问题, 走访 or 前期手续 as one cell for a reader: ``1. 提出日期：2018-09-01；内容：用地未落实``,
    one numbered item per line; a visit that has only a date is its date (``2. 2018-09-03``)."""
    lines = []
    for n, item in enumerate(items, start=1):
        values = {k: v for k, v in item.items() if v is not None}
        if name == "走访" and set(values) == {"日期"}:
            text = yaml_value(values["日期"])
        else:
            text = _PAIR.join(f"{k}{_KEY}{_item_value(v)}" for k, v in values.items())
        lines.append(f"{n}. {text}")
    return "\n".join(lines) or None


def strip_item_number(line: str) -> str:
    """A line of a list cell without its item number (「1. 」, 「1、」)."""
    match = _ITEM_NUMBER.match(line)
    return line[match.end() :] if match else line


def _quoted_end(line: str, start: int) -> int:
    """The index after the YAML quoted scalar that starts at ``start`` (ValueError if unclosed)."""
    quote, i = line[start], start + 1
    while i < len(line):
        if quote == '"' and line[i] == "\\":
            i += 2
            continue
        if line[i] == quote:
            if quote == "'" and line[i + 1 : i + 2] == "'":
                i += 2
                continue
            return i + 1
        i += 1
    raise ValueError("unclosed quote")


def _flow_end(line: str, start: int) -> int:
    """The index after the flow list or mapping that starts at ``start`` (its quoted scalars
    skipped whole; ValueError if unclosed)."""
    depth, i, before = 0, start, "["
    while i < len(line):
        ch = line[i]
        if ch in ("'", '"') and before in "[{,:":  # a quote opens a scalar only at its start
            i = _quoted_end(line, i)
            before = '"'
            continue
        if not ch.isspace():
            before = ch
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ValueError("unclosed bracket")


def read_list_line(line: str) -> dict[str, Any]:
    """An item written by :func:`list_lines` (without its number): 「键：值」 pairs separated by
    「；」, each value read as YAML reads it (dates stay text, as in a flow mapping read with
    ``parse_datetime=False``). ValueError when the line is not such pairs."""
    import yaml_rs

    out: dict[str, Any] = {}
    pos = 0
    while True:
        match = _KEY_RE.match(line, pos)
        if match is None:
            raise ValueError(f"no 「键：值」 at {pos}")
        key, pos = match.group(1), match.end()
        if line[pos : pos + 1] in ("'", '"'):
            end = _quoted_end(line, pos)
        elif line[pos : pos + 1] in ("[", "{"):  # a list or mapping in flow style (a problem's 升级)
            end = _flow_end(line, pos)
        else:
            end = line.find(_PAIR, pos)
            end = len(line) if end < 0 else end
        text = line[pos:end].strip()
        out[key] = yaml_rs.loads(text, parse_datetime=False) if text else None
        pos = end
        while line[pos : pos + 1].isspace():
            pos += 1
        if pos >= len(line):
            return out
        if line[pos] != _PAIR:
            raise ValueError(f"「{_PAIR}」 expected at {pos}")
        pos += 1


def export_workbook(repo: Repository) -> bytes:
    """Every valid project, one sheet per ledger (在建, 未入统, 计划开工, 招商, 谋划), regions in
    xiangmu.yaml order then file order."""
    from xiangmu_cli.output.xlsx import SheetColumn, add_sheet, new_workbook, workbook_bytes

    order = {name: i for i, name in enumerate(repo.config.region_names if repo.config else [])}
    kinds = field_kinds(repo.config)
    wb = new_workbook()
    for ledger in LEDGERS:
        fields = ledger_fields(ledger, repo.config)
        records = sorted(
            (r for r in repo.records if r.ledger is ledger), key=lambda r: order.get(r.region, len(order))
        )  # stable: file order within a region
        dumps = [r.project.model_dump(by_alias=True, exclude_none=True) for r in records]
        months = sorted({m for d in dumps for m in d.get("完成投资", {})})
        lumps = sorted({d["以前月份完成投资"]["截至"] for d in dumps if d.get("以前月份完成投资")})
        columns = [SheetColumn(REGION)]
        for name in fields:
            kind = _SHEET_KINDS.get(kinds[name], "text")
            if kinds[name] == "monthly":
                columns += [SheetColumn(month_header(m), kind) for m in months]
            elif kinds[name] == "lump":
                columns += [SheetColumn(cumulative_header(t), "amount") for t in lumps]
            else:
                columns.append(SheetColumn(field_header(name, kinds), kind))
        rows = []
        for record, data in zip(records, dumps):
            row: list[Any] = [record.region]
            for name in fields:
                value = data.get(name)
                if kinds[name] == "monthly":
                    row += [(value or {}).get(m) for m in months]
                elif kinds[name] == "lump":
                    row += [cumulative_value(data, t) for t in lumps]
                elif kinds[name] == "list":
                    row.append(list_lines(name, value or []))
                elif kinds[name] == "bool" and value is not None:
                    row.append("是" if value else "否")
                else:
                    row.append(value)
            rows.append(row)
        add_sheet(wb, ledger.value, columns, rows)
    return workbook_bytes(wb)
