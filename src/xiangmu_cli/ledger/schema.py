"""JSON Schemas of the files, generated from the models, in draft-07.

pydantic emits JSON Schema 2020-12; yaml-language-server (the VS Code YAML extension) reads
draft-07 and below. The differences that matter are converted here: ``$defs`` becomes
``definitions``, and a ``$ref`` never has sibling keywords (draft-07 ignores them), so it is
wrapped in ``allOf``. English titles that pydantic derives from attribute names are dropped;
the Chinese descriptions stay. Given a repository's xiangmu.yaml, the ledger schemas also know
its extension fields (扩展字段), so an editor accepts them and still flags a misspelt key.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from xiangmu_cli.base.fileio import read_regular, write_atomic
from xiangmu_cli.ledger.model import FILE_KEYS, Config, project_model
from xiangmu_cli.ledger.vocab import CONFIG_FILE, LEDGERS, Ledger

__all__ = ["schemas", "write_schemas", "DRAFT"]

DRAFT = "http://json-schema.org/draft-07/schema#"
_NUMBER = re.compile(r"\d+(\.\d+)?")


def _draft07(node: Any) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "title" or (key == "default" and value is None):
                continue  # English titles; a null default would be inserted by editors' completion
            if key == "default" and isinstance(value, str) and _NUMBER.fullmatch(value):
                value = int(value) if value.isdigit() else float(value)  # Decimal defaults → numbers
            if key == "$defs":
                key = "definitions"
            if key == "$ref" and isinstance(value, str):
                value = value.replace("#/$defs/", "#/definitions/")
            out[key] = _draft07(value)
        if "$ref" in out and len(out) > 1:
            ref = out.pop("$ref")
            out = {"allOf": [{"$ref": ref}], **out}
        return out
    if isinstance(node, list):
        return [_draft07(v) for v in node]
    return node


def _draft07_document(schema: dict[str, Any]) -> dict[str, Any]:
    converted = _draft07(schema)
    assert isinstance(converted, dict)  # a mapping converts to a mapping
    return converted


def _ledger_schema(ledger: Ledger, config: Config | None) -> dict[str, Any]:
    project = project_model(ledger, config).model_json_schema(by_alias=True, mode="validation")
    definitions = project.pop("$defs", {})
    definitions["项目"] = project
    schema = {
        "$schema": DRAFT,
        "description": f"{ledger.value}台账（xiangmu-cli，见 ledger-format.md）",
        "type": "object",
        "properties": {
            "地区": {"type": "string", "description": FILE_KEYS["地区"]},
            "台账": {"const": ledger.value, "description": FILE_KEYS["台账"]},
            "项目": {"type": ["array", "null"], "description": FILE_KEYS["项目"], "items": {"$ref": "#/$defs/项目"}},
        },
        "required": ["项目"],
        "additionalProperties": False,
        "$defs": definitions,
    }
    converted = _draft07_document(schema)
    converted["title"] = f"{ledger.value}台账"
    return converted


def _config_schema() -> dict[str, Any]:
    schema = Config.model_json_schema(by_alias=True, mode="validation")
    schema = {"$schema": DRAFT, **schema}
    converted = _draft07_document(schema)
    converted["title"] = "xiangmu.yaml"
    return converted


def schemas(config: Config | None = None) -> dict[str, str]:
    """File name → JSON text, for the configuration and each ledger (with ``config``'s extension fields)."""
    docs = {CONFIG_FILE.replace(".yaml", ".schema.json"): _config_schema()}
    for ledger in LEDGERS:
        docs[f"{ledger.value}.schema.json"] = _ledger_schema(ledger, config)
    return {name: json.dumps(doc, ensure_ascii=False, indent=2) + "\n" for name, doc in docs.items()}


def write_schemas(out: Path, check: bool = False, config: Config | None = None) -> list[str]:
    """Write the schemas (of a repository of ``config``) into ``out``; with ``check``, write
    nothing and return the stale names.

    Without ``check`` it returns the names it wrote (those that changed).
    """
    changed = []
    for name, text in schemas(config).items():
        path = out / name
        try:
            # a committed link or FIFO in its place is stale, never followed or waited on
            current = read_regular(path, 4 * len(text.encode("utf-8")) + 4096).decode("utf-8")
        except (OSError, UnicodeDecodeError):
            current = None
        if current == text:
            continue
        changed.append(name)
        if not check:
            out.mkdir(parents=True, exist_ok=True)
            write_atomic(path, text.encode("utf-8"))
    return changed
