#!/usr/bin/env python3
"""Write the key tables of docs/格式参考.md (the Chinese format reference) from the models.

    python scripts/gen_reference.py            # rewrite the generated blocks
    python scripts/gen_reference.py --check    # exit 1 when they are stale (tests/test_reference.py)

The reference is prose written by hand with tables generated here, between the markers
``<!-- 生成：NAME -->`` and ``<!-- 生成结束：NAME -->``: one table per ledger (every key its
model accepts, in the model's order, with its type, whether it is required, the model's own
Chinese description and an example from the demo ledgers), one per list entry (问题, 走访,
前期手续), the keys of xiangmu.yaml, and the problem catalogue. A key added to a model without
its description, or a description changed, shows up here; the test fails until the reference
is regenerated, so the reference cannot drift from what `xm validate` accepts.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from xiangmu_cli.ledger.model import PROJECT_MODELS, Config, key_order  # noqa: E402
from xiangmu_cli.ledger.problems import CATALOGUE, Severity  # noqa: E402
from xiangmu_cli.ledger.schema import schemas  # noqa: E402
from xiangmu_cli.ledger.vocab import LEDGERS  # noqa: E402

DOC = ROOT / "docs" / "格式参考.md"
DEMO = ROOT / "ledgers"
BEGIN, END = "<!-- 生成：{} -->", "<!-- 生成结束：{} -->"


# --- what a schema says about a key -------------------------------------------------------------


def _options(node: dict[str, Any]) -> list[dict[str, Any]]:
    """The alternatives of a schema node, null left out."""
    if "anyOf" in node:
        found = []
        for option in node["anyOf"]:
            found += _options(option)
        return [o for o in found if o.get("type") != "null"]
    return [node]


def kind_of(node: dict[str, Any], definitions: dict[str, Any]) -> str:
    """A key's type in words a secretary uses."""
    if "allOf" in node and len(node["allOf"]) == 1:
        return kind_of(node["allOf"][0], definitions)
    options = _options(node)
    patterns = " ".join(o.get("pattern", "") for o in options)
    if any(o.get("enum") == ["是", "否"] for o in options):
        return "是/否（也可写 true/false）"
    if "亿元" in patterns:
        return "金额（万元；可写 1.2亿、5000万元）"
    if "%" in patterns:
        return "比率（小数或百分数：0.1 或 10%）"
    if "平方米" in patterns or "公顷" in patterns:
        return "面积（平方米；可写 公顷、亩）"
    if r"\d{4}-\d{2}-\d{2}" in patterns and len(options) == 1:
        return "日期 YYYY-MM-DD"
    if len(options) == 1 and "enum" in options[0]:
        return "取值：" + "、".join(map(str, options[0]["enum"]))
    node = options[0] if len(options) == 1 else node
    if node.get("type") == "array":
        items = node.get("items", {})
        ref = _ref(items)
        if ref:
            return f"列表，每项见「{_ENTRY_NAMES.get(ref, ref)}」"
        if any(_ref(o) for o in _options(items)):
            names = [_ENTRY_NAMES.get(_ref(o) or "", "") for o in _options(items) if _ref(o)]
            return f"列表，每项是日期或「{names[0]}」"
        return "列表（" + kind_of(items, definitions) + "）" if items else "列表"
    if node.get("type") == "object" and "additionalProperties" in node:
        inner = node["additionalProperties"]
        if not isinstance(inner, dict):
            return "映射"
        if inner.get("type") == "object":
            return "映射：地区（或 全市）→ 指标 → 目标值"
        if "亿元" in json.dumps(inner, ensure_ascii=False):
            return "映射：月份 YYYY-MM → 当月金额（万元）"
        return "映射（" + (inner.get("description") or kind_of(inner, definitions)) + "）"
    ref = _ref(node)
    if ref:
        return f"映射，见「{_ENTRY_NAMES.get(ref, ref)}」"
    if node.get("type") == "integer":
        return "整数"
    if node.get("type") == "number":
        return "数"
    if node.get("type") == "string":
        return "文字"
    return "见说明"


def _ref(node: dict[str, Any]) -> str | None:
    ref = node.get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


#: Sub-models by the name the reference gives their table.
_ENTRY_NAMES = {
    "Issue": "问题 的每一项",
    "Escalation": "升级 的每一项",
    "Visit": "走访 的每一项",
    "Approval": "前期手续 的每一项",
    "PriorMonths": "以前月份完成投资",
    "Caliber": "口径",
    "Extension": "扩展字段 的每一项",
    "Leader": "领导 的每一项",
    "RegionDef": "地区 的每一项",
    "Evaluation": "考评",
    "Bonus": "考评.加分",
    "Demotion": "考评.减档",
    "Bulletin": "通报",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def key_table(
    definition: dict[str, Any], definitions: dict[str, Any], order: list[str], examples: dict[str, str]
) -> str:
    required = set(definition.get("required", []))
    props = definition.get("properties", {})
    rows = ["| 键 | 类型 | 必填 | 说明 | 示例 |", "|---|---|---|---|---|"]
    for key in [k for k in order if k in props] + [k for k in props if k not in order]:
        node = props[key]
        rows.append(
            f"| {key} | {_cell(kind_of(node, definitions))} | {'是' if key in required else ''} | "
            f"{_cell(node.get('description', ''))} | {_cell(examples.get(key, ''))} |"
        )
    return "\n".join(rows)


# --- examples from the demo ledgers -------------------------------------------------------------

_LINE = re.compile(r"^(\s*)(?:- )?([^\s:#][^:#]*?):[ \t]+(.+?)\s*$")


def demo_examples(pattern: str) -> dict[str, str]:
    """The first value written on the key's own line for each key, in the demo files matching
    ``pattern`` (their source text, comments cut): what a secretary sees in a real file."""
    found: dict[str, str] = {}
    for path in sorted(DEMO.glob(pattern)):
        for line in path.read_text(encoding="utf-8").splitlines():
            match = _LINE.match(line)
            if match is None:
                continue
            key, value = match[2].strip(), _uncomment(match[3])
            if value and key not in found and len(value) <= 40:
                found[key] = f"`{value}`"
    return found


def _uncomment(value: str) -> str:
    """``value`` without a trailing comment (a ``#`` after a space, outside quotes)."""
    quote = None
    for i, ch in enumerate(value):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or value[i - 1] in " \t"):
            return value[:i].rstrip()
    return value


# --- the blocks ---------------------------------------------------------------------------------


def blocks() -> dict[str, str]:
    texts = {name.removesuffix(".schema.json"): json.loads(text) for name, text in schemas().items()}
    out: dict[str, str] = {}
    entries_done: set[str] = set()
    for ledger in LEDGERS:
        schema = texts[ledger.value]
        definitions = schema.get("definitions", {})
        project = definitions["项目"]
        examples = demo_examples(f"*/{ledger.value}.yaml")
        out[f"台账-{ledger.value}"] = key_table(project, definitions, key_order(PROJECT_MODELS[ledger]), examples)
        for name, definition in sorted(definitions.items()):
            if name in _ENTRY_NAMES and name not in entries_done:
                entries_done.add(name)
                out[f"列表项-{_ENTRY_NAMES[name].split()[0]}"] = key_table(
                    definition, definitions, list(definition.get("properties", {})), examples
                )
    config = texts["xiangmu"]
    definitions = config.get("definitions", {})
    examples = demo_examples("xiangmu.yaml")
    out["xiangmu"] = key_table(config, definitions, key_order(Config), examples)
    for name in ("Caliber", "Extension", "Leader", "RegionDef", "Evaluation", "Bonus", "Demotion", "Bulletin"):
        if name in definitions:
            definition = definitions[name]
            out[f"xiangmu-{_ENTRY_NAMES[name].split()[0]}"] = key_table(
                definition, definitions, list(definition.get("properties", {})), examples
            )
    rows = ["| 代码 | 级别 | 说明 |", "|---|---|---|"]
    for code, (severity, title) in CATALOGUE.items():
        rows.append(f"| {code} | {'错误' if severity is Severity.ERROR else '警告'} | {_cell(title)} |")
    out["问题代码"] = "\n".join(rows)
    return out


def render(text: str) -> str:
    """``text`` with every generated block replaced; a block the text lacks is an error (the
    prose must say where each table goes)."""
    for name, table in blocks().items():
        begin, end = BEGIN.format(name), END.format(name)
        if begin not in text or end not in text:
            raise SystemExit(f"{DOC.relative_to(ROOT)} has no block {begin} … {end}: add it where the table belongs")
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = f"{head}{begin}\n{table}\n{end}{tail}"
    stale = set(re.findall(r"<!-- 生成：(.+?) -->", text)) - set(blocks())
    if stale:
        raise SystemExit(f"{DOC.relative_to(ROOT)} has blocks nothing generates: {', '.join(sorted(stale))}")
    return text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 when the reference is stale")
    args = ap.parse_args(argv)
    old = DOC.read_text(encoding="utf-8")
    new = render(old)
    if args.check:
        if new != old:
            print(f"{DOC.relative_to(ROOT)} is stale: run python scripts/gen_reference.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
