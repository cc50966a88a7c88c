"""Values as YAML scalars that read back as themselves: plain when that is safe, else double-quoted."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from xiangmu_cli.ledger.units import format_amount

__all__ = ["scalar", "yaml_value", "flow_mapping"]

_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")


def _reads_as(snippet: str) -> Any:
    import yaml_rs

    try:
        return yaml_rs.loads(snippet, parse_datetime=False)
    except ValueError:  # yaml_rs.YAMLDecodeError, or UnicodeEncodeError for a lone surrogate
        return None


def scalar(value: str, flow: bool, text: bool) -> str:
    """``value`` as a YAML scalar: plain when it reads back as itself (or, for dates and amounts,
    when it reads back at all), else double-quoted. ``flow``: inside ``{…}`` or ``[…]``."""
    plain = (
        bool(value)
        and value == value.strip()
        and not any(c in value for c in "\r\n\t")
        and value[0] not in _INDICATORS
        and ": " not in value
        and " #" not in value
        and not value.endswith(":")
        and not (flow and any(c in value for c in ",[]{}"))
    )
    if plain:
        got = _reads_as(f"{{k: {value}}}" if flow else f"k: {value}")
        if isinstance(got, dict) and "k" in got and (got["k"] == value if text else got["k"] is not None):
            return value
    return json.dumps(value, ensure_ascii=False)


def yaml_value(value: Any, flow: bool = False) -> str:
    """A ledger value (text, Decimal amount, date, bool; a list or mapping of them, in flow style)
    as YAML that reads back as the same value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return scalar(format_amount(value), flow, False)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):  # a problem's 升级 item (issue 17)
        return flow_mapping(value)
    if isinstance(value, list):
        return "[" + ", ".join(yaml_value(v, True) for v in value) + "]"
    return scalar(str(value), flow, True)


def flow_mapping(data: dict[str, Any]) -> str:
    """``{k: v, …}`` of the given (non-None) values, on one line."""
    return "{" + ", ".join(f"{k}: {yaml_value(v, True)}" for k, v in data.items() if v is not None) + "}"
