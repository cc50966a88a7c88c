"""xm export parquet (office/parquet.py): the documented tables, columns and exact types, read back."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from xiangmu_cli.ledger.vocab import Ledger
from xiangmu_cli.office.parquet import PARQUET_FILES, columns, export_parquet

from .conftest import load_repo

CONFIG = "名称: 测试台账\n年度: 2018\n地区:\n  - {名称: 船营区, 类型: 区县}\n  - {名称: 高新区, 类型: 开发区}\n"
BUILDING = """\
项目:
  - 编号: CY-1
    名称: 碳纤维原丝扩能项目
    总投资: 1.2亿
    项目秘书: 王芳
    用地面积: 31亩
    建设性质: 新建
    开工日期: 2018-03-15
    年度计划投资: 3000.12345
    完成投资: {2018-03: 500, 2018-09: 200.5}
    走访: [2018-09-20, {日期: 2018-09-25, 内容: 协调用地}]
"""
DEAL = """\
项目:
  - 编号: GX-1
    名称: 数据中心
    总投资: 20000
    阶段: 签约
    投资方: 上海某公司
    签约日期: 2018-05-01
    重点: 是
"""


def test_tables_columns_types_and_values(tmp_path: Path) -> None:
    repo = load_repo(
        tmp_path / "repo", {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": BUILDING, "高新区/招商.yaml": DEAL}
    )
    out = tmp_path / "parquet"
    assert export_parquet(repo, out) == {
        "在建.parquet": 1,
        "未入统.parquet": 0,
        "计划开工.parquet": 0,
        "招商.parquet": 1,
        "谋划.parquet": 0,
        "完成投资.parquet": 2,
    }
    assert sorted(p.name for p in out.iterdir()) == sorted(PARQUET_FILES)

    building = pq.read_table(out / "在建.parquet")
    assert building.column_names == columns(Ledger.BUILDING)
    assert (
        building.column_names[:5] == ["仓库", "年度", "地区", "编号", "名称"]
        and "完成投资" not in building.column_names
    )
    schema = building.schema
    assert schema.field("总投资").type == pa.decimal128(18, 4)
    assert schema.field("开工日期").type == pa.date32()
    assert schema.field("重点").type == pa.bool_()
    row = building.to_pylist()[0]
    assert (row["仓库"], row["年度"], row["地区"], row["编号"]) == ("测试台账", 2018, "船营区", "CY-1")
    assert row["总投资"] == Decimal("12000.0000")  # 1.2亿 in 万元
    assert row["年度计划投资"] == Decimal("3000.1234")  # five decimals, rounded half-even to four
    assert row["用地面积"] == Decimal("20666.6700")  # 31 亩 = 20666.67 m² (rounded when read)
    assert row["开工日期"] == date(2018, 3, 15)
    assert row["走访"] == "2018-09-20\n{日期: 2018-09-25, 内容: 协调用地}"
    assert row["竣工日期"] is None and row["问题"] is None

    deal = pq.read_table(out / "招商.parquet").to_pylist()[0]
    assert (deal["阶段"], deal["签约日期"], deal["重点"], deal["落地日期"]) == ("签约", date(2018, 5, 1), True, None)

    months = pq.read_table(out / "完成投资.parquet").to_pylist()
    assert [(m["地区"], m["台账"], m["编号"], m["月份"], m["完成投资"]) for m in months] == [
        ("船营区", "在建", "CY-1", "2018-03", Decimal("500.0000")),
        ("船营区", "在建", "CY-1", "2018-09", Decimal("200.5000")),
    ]
    # the same ledgers, the same bytes
    again = tmp_path / "again"
    export_parquet(repo, again)
    assert all((out / n).read_bytes() == (again / n).read_bytes() for n in PARQUET_FILES)


def test_cli_writes_the_folder_and_refuses_a_file(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from xiangmu_cli.cli import app

    from .conftest import ROOT

    runner = CliRunner()
    result = runner.invoke(app, ["export", "parquet", "-o", str(tmp_path / "out"), "--ledgers", str(ROOT / "ledgers")])
    assert result.exit_code == 0, result.output
    assert "在建.parquet 234 行" in result.stderr
    assert pq.read_table(tmp_path / "out" / "在建.parquet").num_rows == 234
    (tmp_path / "file").write_text("x", encoding="utf-8")
    refused = runner.invoke(
        app, ["export", "parquet", "-o", str(tmp_path / "file"), "--ledgers", str(ROOT / "ledgers")]
    )
    assert refused.exit_code == 2 and "应为文件夹" in refused.stderr


RESERVE = """\
项目:
  - 编号: CY-MH-001
    名称: 碳纤维复合材料产业园
    总投资: 8亿
    谋划阶段: 储备
    谋划日期: 2017-11-20
    预计开工年度: 2019
    入国家库: 2018-06-01
"""


def test_reserve_table(tmp_path: Path) -> None:
    """谋划.parquet (issue 16): 谋划阶段 string, 谋划日期 and 入国家库 date32, 预计开工年度 int32."""
    repo = load_repo(tmp_path / "repo", {"xiangmu.yaml": CONFIG, "船营区/谋划.yaml": RESERVE})
    out = tmp_path / "parquet"
    assert export_parquet(repo, out)["谋划.parquet"] == 1
    table = pq.read_table(out / "谋划.parquet")
    assert table.column_names == columns(Ledger.RESERVE)
    assert table.column_names[-5:] == ["谋划阶段", "谋划日期", "预计开工年度", "入国家库", "前期手续"]
    schema = table.schema
    assert schema.field("预计开工年度").type == pa.int32() and schema.field("谋划日期").type == pa.date32()
    row = table.to_pylist()[0]
    assert (row["编号"], row["总投资"], row["谋划阶段"], row["谋划日期"], row["预计开工年度"], row["入国家库"]) == (
        "CY-MH-001",
        Decimal("80000.0000"),  # 8亿 in 万元
        "储备",
        date(2017, 11, 20),
        2019,
        date(2018, 6, 1),
    )
    # a converted record's kept dates are columns of 计划开工, 未入统 and 在建
    assert columns(Ledger.PLANNED)[-3:] == ["谋划日期", "入国家库", "转化日期"]
