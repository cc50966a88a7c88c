"""What ``xm fmt`` knows of a file's structure: the canonical key order, from the models.

The contract's key order is taken from the pydantic models (:func:`xiangmu_cli.ledger.model.key_order`),
so it cannot drift from them; 完成投资 months sort in ascending order; unknown keys follow the known
ones in their written order.
"""

from __future__ import annotations

import functools
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Union, get_args, get_origin

from xiangmu_cli.ledger.vocab import CONFIG_FILE, LEDGERS, Ledger

if TYPE_CHECKING:
    from pydantic import BaseModel

__all__ = ["CONFIG", "Shape", "shape_for", "kind_of", "canonical_order"]

#: ``kind`` of xiangmu.yaml; a ledger file's kind is its ledger name (``"在建"`` …).
CONFIG = "config"


@dataclass(eq=False)
class Shape:
    """What the formatter knows of a mapping or sequence: key order and children's shapes."""

    #: Known keys of a mapping, in canonical order; unknown keys follow in their written order.
    keys: tuple[str, ...] = ()
    #: Shape of the value of each known key.
    fields: dict[str, Shape] = field(default_factory=dict)
    #: Shape of every item (sequence) or every value (mapping of free keys).
    each: Shape | None = None
    #: Sort the keys as months ``YYYY-MM`` (完成投资).
    months: bool = False
    #: Items separated by exactly one blank line (the projects of a ledger file).
    separated: bool = False

    def child(self, name: str | None) -> Shape | None:
        if name is not None and name in self.fields:
            return self.fields[name]
        return self.each


def _shape_of(annotation: Any) -> Shape | None:
    from pydantic import BaseModel

    from xiangmu_cli.ledger.model import MonthKey

    origin = get_origin(annotation)
    if origin is Annotated:
        return _shape_of(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        for arg in get_args(annotation):
            if arg is not type(None):
                found = _shape_of(arg)
                if found is not None:
                    return found
        return None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _model_shape(annotation)
    if origin is list:
        return Shape(each=_shape_of(get_args(annotation)[0]))
    if origin is dict:
        key, value = get_args(annotation)
        return Shape(each=_shape_of(value), months=key == MonthKey)
    return None


@functools.cache
def _model_shape(model: type[BaseModel]) -> Shape:
    from xiangmu_cli.ledger.model import key_order

    keys = key_order(model)
    fields: dict[str, Shape] = {}
    for alias, info in zip(keys, model.model_fields.values(), strict=True):
        sub = _shape_of(info.annotation)
        if sub is not None:
            fields[alias] = sub
    return Shape(keys=tuple(keys), fields=fields)


def shape_for(kind: str | None) -> Shape | None:
    """The shape of a file of ``kind``: ``"config"``, a ledger name, or None (layout only)."""
    from xiangmu_cli.ledger.model import FILE_KEYS, PROJECT_MODELS, Config

    if kind is None:
        return None
    if kind == CONFIG:
        return _model_shape(Config)
    try:
        ledger = Ledger(kind)
    except ValueError:
        raise ValueError(f"未知的文件类型「{kind}」：应为 config 或 " + "、".join(lg.value for lg in LEDGERS)) from None
    projects = Shape(each=_model_shape(PROJECT_MODELS[ledger]), separated=True)
    return Shape(keys=tuple(FILE_KEYS), fields={"项目": projects})


def kind_of(path: Path) -> str | None:
    """``"config"`` for xiangmu.yaml, the ledger name for a ledger file, else None."""
    if path.name == CONFIG_FILE:
        return CONFIG
    return next((lg.value for lg in LEDGERS if lg.filename == path.name), None)


def canonical_order(names: list[str | None], shape: Shape | None) -> list[int]:
    """Positions of the keys ``names`` in canonical order (stable: unknown keys keep theirs)."""
    indexes = list(range(len(names)))
    if shape is None:
        return indexes
    if shape.months:
        from xiangmu_cli.ledger.units import UnitError, parse_month

        def month(i: int) -> tuple[int, tuple[int, int], int]:
            try:
                return 0, parse_month(names[i]), i
            except UnitError:
                return 1, (0, 0), i

        return sorted(indexes, key=month)
    if shape.keys:
        rank = {name: n for n, name in enumerate(shape.keys)}
        return sorted(indexes, key=lambda i: (rank.get(names[i] or "", len(rank)), i))
    return indexes
