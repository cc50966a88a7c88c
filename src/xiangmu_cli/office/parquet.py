"""The ledgers as Parquet tables, for an analysis engine (DuckDB, Spark, Polars) over many repositories.

``xm export parquet -o DIR`` writes six files (the optional dependency pyarrow, installed with
``pip install 'xiangmu-cli[parquet]'``):

- ``在建.parquet``, ``未入统.parquet``, ``计划开工.parquet``, ``招商.parquet``, ``谋划.parquet``: one row per valid
  project, columns 仓库 (xiangmu.yaml 名称), 年度, 地区, then the ledger's keys in the contract's
  order (docs/ledger-format.md) except 完成投资, then the repository's extension fields
  (xiangmu.yaml 扩展字段) typed as their type says; 以前月份完成投资 is two columns, its 金额 and
  ``以前月份截至`` (its 截至, ``YYYY-MM``);
- ``完成投资.parquet``: one row per project and reported month: 仓库, 年度, 地区, 台账, 编号, 月份
  (``YYYY-MM``), 完成投资.

Types: text and 编号 string; amounts (万元) and 用地面积 (m²) DECIMAL(18,4), exact (a value with
more than four decimals is rounded half-even); dates DATE; 重点 BOOLEAN; 预计开工年度 INT32; 问题, 走访 and 前期手续
string, one item per line in the ledger's flow style (as in the xlsx export). A missing value is
null. The files of many repositories can be queried together, e.g. in DuckDB
``SELECT 地区, sum(完成投资) FROM read_parquet('*/完成投资.parquet') GROUP BY ALL``.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from xiangmu_cli.base.fileio import write_atomic
from xiangmu_cli.ledger.model import Config, key_order, project_model
from xiangmu_cli.ledger.units import round_half_even
from xiangmu_cli.ledger.vocab import LEDGERS, Ledger
from xiangmu_cli.office.interop import field_kinds, list_cell
from xiangmu_cli.reading.records import Repository

__all__ = ["PARQUET_FILES", "columns", "export_parquet", "ParquetUnavailable"]

#: The files written, in order.
PARQUET_FILES = [*(f"{lg.value}.parquet" for lg in LEDGERS), "完成投资.parquet"]
_HEAD = ["仓库", "年度", "地区"]


class ParquetUnavailable(ImportError):
    """pyarrow is not installed (it is the optional extra ``parquet``)."""


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError as exc:
        raise ParquetUnavailable("导出 Parquet 需要 pyarrow：pip install 'xiangmu-cli[parquet]'") from exc
    return pyarrow


#: 以前月份完成投资 ({截至, 金额}) is two columns: the amount, and the month it runs to.
_LUMP, _LUMP_THROUGH = "以前月份完成投资", "以前月份截至"


def columns(ledger: Ledger, config: Config | None = None) -> list[str]:
    """The columns of a ledger's table, in order (with ``config``'s extension fields, last)."""
    out = [*_HEAD]
    for key in key_order(project_model(ledger, config)):
        if key != "完成投资":
            out += [_LUMP, _LUMP_THROUGH] if key == _LUMP else [key]
    return out


def _kind(kinds: dict[str, str], name: str) -> str:
    return "amount" if name == _LUMP else "text" if name == _LUMP_THROUGH else kinds[name]


def _value(data: dict[str, Any], name: str) -> Any:
    if name in (_LUMP, _LUMP_THROUGH):
        lump = data.get(_LUMP) or {}
        return lump.get("金额" if name == _LUMP else "截至")
    return data.get(name)


def _type(pa: Any, kind: str) -> Any:
    return {
        "amount": pa.decimal128(18, 4),
        "area": pa.decimal128(18, 4),
        "date": pa.date32(),
        "bool": pa.bool_(),
        "year": pa.int32(),
    }.get(kind, pa.string())


def _cell(name: str, kind: str, value: Any) -> Any:
    if value is None or value == [] or value == {}:
        return None
    if kind in ("amount", "area"):
        return round_half_even(Decimal(value), 4)
    if kind == "list":
        return list_cell(name, value)
    if kind in ("date", "bool", "year"):
        return value
    return str(value)


def _schema(pa: Any, ledger: Ledger, config: Config | None) -> Any:
    kinds = field_kinds(config)
    fields = [pa.field("仓库", pa.string()), pa.field("年度", pa.int32()), pa.field("地区", pa.string())]
    fields += [pa.field(name, _type(pa, _kind(kinds, name))) for name in columns(ledger, config)[len(_HEAD) :]]
    return pa.schema(fields)


def export_parquet(repo: Repository, out: Path) -> dict[str, int]:
    """Write the six tables into the folder ``out`` (made if needed); {file: rows}.

    Raises :class:`ParquetUnavailable` without pyarrow, OSError when a file cannot be written.
    """
    pa = _pyarrow()
    assert repo.config is not None
    name, year = repo.config.name, repo.config.year
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    months: list[dict[str, Any]] = []
    kinds = field_kinds(repo.config)
    for ledger in LEDGERS:
        names = columns(ledger, repo.config)[len(_HEAD) :]
        rows = []
        for rec in repo.records:
            if rec.ledger is not ledger:
                continue
            data = rec.project.model_dump(by_alias=True)
            rows.append(
                {
                    "仓库": name,
                    "年度": year,
                    "地区": rec.region,
                    **{k: _cell(k, _kind(kinds, k), _value(data, k)) for k in names},
                }
            )
            for month, amount in sorted((data.get("完成投资") or {}).items()):
                months.append(
                    {
                        "仓库": name,
                        "年度": year,
                        "地区": rec.region,
                        "台账": ledger.value,
                        "编号": rec.project.code,
                        "月份": month,
                        "完成投资": round_half_even(amount, 4),
                    }
                )
        written[f"{ledger.value}.parquet"] = _write(
            pa, pa.Table.from_pylist(rows, schema=_schema(pa, ledger, repo.config)), out / f"{ledger.value}.parquet"
        )
    monthly = pa.schema(
        [
            pa.field("仓库", pa.string()),
            pa.field("年度", pa.int32()),
            pa.field("地区", pa.string()),
            pa.field("台账", pa.string()),
            pa.field("编号", pa.string()),
            pa.field("月份", pa.string()),
            pa.field("完成投资", pa.decimal128(18, 4)),
        ]
    )
    written["完成投资.parquet"] = _write(pa, pa.Table.from_pylist(months, schema=monthly), out / "完成投资.parquet")
    return written


def _write(pa: Any, table: Any, path: Path) -> int:
    sink = pa.BufferOutputStream()
    pa.parquet.write_table(table, sink, compression="zstd")
    write_atomic(path, sink.getvalue().to_pybytes())
    return int(table.num_rows)
