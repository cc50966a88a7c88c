"""The Chinese references in docs/ say what xm does: the format reference's key tables are
generated from the models (scripts/gen_reference.py) and must be current; the metric reference
lists exactly the metrics and overdue kinds xm computes, with their kinds."""

from __future__ import annotations

import re
import subprocess
import sys

from xiangmu_cli.figures.overdue import KINDS
from xiangmu_cli.ledger.model import PROJECT_MODELS, key_order
from xiangmu_cli.ledger.vocab import METRIC_KINDS

from .conftest import ROOT

KIND_WORDS = {"count": "个数", "sum": "合计", "rate": "比率"}


def _table(text: str, begin: str, end: str) -> list[list[str]]:
    block = text.split(begin, 1)[1].split(end, 1)[0]
    rows = [line for line in block.splitlines() if line.startswith("|")][2:]  # header and rule
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows]


def test_format_reference_is_generated_from_the_current_models() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_reference.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_format_reference_lists_every_key_of_every_ledger() -> None:
    text = (ROOT / "docs" / "格式参考.md").read_text(encoding="utf-8")
    for ledger, model in PROJECT_MODELS.items():
        rows = _table(text, f"<!-- 生成：台账-{ledger.value} -->", f"<!-- 生成结束：台账-{ledger.value} -->")
        assert [row[0] for row in rows] == key_order(model), ledger
        assert all(row[3] for row in rows), f"a key of {ledger.value} has no description"


def test_metric_reference_defines_exactly_the_metrics_computed() -> None:
    text = (ROOT / "docs" / "指标参考.md").read_text(encoding="utf-8")
    rows = _table(text, "<!-- 指标表", "<!-- 指标表结束 -->")
    assert {row[0]: row[1] for row in rows} == {name: KIND_WORDS[kind] for name, kind in METRIC_KINDS.items()}
    assert all(row[2] for row in rows)
    overdue = _table(text, "<!-- 逾期表", "<!-- 逾期表结束 -->")
    assert [row[0] for row in overdue] == list(KINDS)


def test_readme_points_to_the_references_that_exist() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for doc in re.findall(r"docs/[^\s`)）]+\.md", readme):
        assert (ROOT / doc).is_file(), doc
    assert "docs/格式参考.md" in readme and "docs/指标参考.md" in readme
    assert "../shared" not in readme
