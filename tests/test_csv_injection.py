"""CSV output never plants a formula in a spreadsheet (OWASP CSV injection), and numbers stay numbers."""

from __future__ import annotations

import csv
import io
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xiangmu_cli.base.safetext import neutralise_formula
from xiangmu_cli.cli import app
from xiangmu_cli.output.formats import render
from xiangmu_cli.output.tables import Column, Document, Table

from .conftest import ROOT

runner = CliRunner()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+86 432", "'+86 432"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("碳纤维", "碳纤维"),
        ("", ""),
        ("1=1", "1=1"),
        ("'=x", "''=x"),  # one more quote, so that xm import's restore_formula gives back exactly '=x
    ],
)
def test_neutralise_formula(text: str, expected: str) -> None:
    assert neutralise_formula(text) == expected


def test_text_cells_are_neutralised_numbers_are_not() -> None:
    doc = Document(
        title="t",
        meta={},
        tables=[
            Table(
                name="=表",
                columns=[
                    Column("名称"),
                    Column("进度差", kind="diff"),
                    Column("完成投资", kind="amount"),
                    Column("@列"),
                ],
                rows=[
                    {"名称": "-2+3", "进度差": Decimal("-12.5"), "完成投资": -3, "@列": "=A1"},
                    {"名称": "正常", "进度差": None, "完成投资": Decimal("0"), "@列": ["=x", "y"]},
                ],
            )
        ],
    )
    rows = list(csv.reader(io.StringIO(render(doc, "csv"))))
    assert rows == [
        ["名称", "进度差", "完成投资", "'@列"],
        ["'-2+3", "-12.500000", "-3.00", "'=A1"],  # written out by kind, signs kept
        ["正常", "", "0.00", "'=x、y"],
    ]


def test_xm_list_csv_with_hostile_project_names(tmp_path: Path) -> None:
    root = tmp_path / "ledgers"
    shutil.copytree(ROOT / "examples" / "minimal" / "ledgers", root)
    ledger = root / "船营区" / "在建.yaml"
    text = ledger.read_text(encoding="utf-8")
    text = text.replace("名称: 吉林化纤集团碳纤维原丝扩能项目", '名称: \'=HYPERLINK("http://x","点我")\'')
    project = text[text.index("  - 编号: CY-2018-001") :]
    second = project.replace("CY-2018-001", "CY-2018-002").replace(
        '名称: \'=HYPERLINK("http://x","点我")\'', '名称: "-2+3"'
    )
    ledger.write_text(text + second, encoding="utf-8")
    assert runner.invoke(app, ["validate", "--ledgers", str(root), "--no-cache"]).exit_code == 0
    result = runner.invoke(app, ["list", "--ledgers", str(root), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["名称"] for r in rows] == ['\'=HYPERLINK("http://x","点我")', "'-2+3"]
    assert [r["总投资（万元）"] for r in rows] == ["12000.00", "12000.00"]
    # json keeps the names exactly as written: only spreadsheet output is neutralised
    data = runner.invoke(app, ["list", "--ledgers", str(root), "--format", "json"]).stdout
    assert '"=HYPERLINK(\\"http://x\\",\\"点我\\")"' in data and '"-2+3"' in data


def test_negative_progress_difference_stays_a_number() -> None:
    result = runner.invoke(app, ["targets", "--ledgers", str(ROOT / "ledgers"), "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    city = next(r for r in rows if r["地区"] == "全市" and r["指标"] == "年度投资")
    assert city["进度差"] == "-0.002983"  # −0.0029825531… rounded half-even to six decimals
