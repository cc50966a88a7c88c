"""The demo ledgers (吉林市 2018) validate clean and carry the seed's headline figures.

Seed 001 (吉林市人民政府办公厅, 2018-09-16): 314 started projects of 5000万元 and up (102 新建,
212 续建; 227 of 1亿 and up; 80 not yet in the statistics database), 49 planned to start in
8–12月, 46 signed 招商 projects of which 22 亿元以上 key projects under a city leader.
Revision 2: the figures come from the records' dates, and the demo's moved projects carry
their history (a landed project counts as signed and landed in whichever ledger it sits).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from xiangmu_cli.figures.metrics import compute_metrics
from xiangmu_cli.ledger.model import StartedProject
from xiangmu_cli.ledger.vocab import Ledger
from xiangmu_cli.reading.loading import Record, Repository, load

from .conftest import ROOT

AS_OF = date(2018, 9, 30)
YEAR_START = date(2018, 1, 1)
# 全市 at 2018-09-30: the seed's figures, and 招商落地 as the demo had it before the moves kept history.
SEED_FIGURES = {
    "在建项目数": 314,
    "新建项目数": 102,
    "续建项目数": 212,
    "亿元以上项目数": 227,
    "未入统项目数": 80,
    "计划开工项目数": 49,
    "招商签约项目数": 46,
    "招商落地项目数": 31,
}
SEED_REGIONS = [
    "高新区",
    "经开区",
    "中新食品区",
    "船营区",
    "蛟河市",
    "永吉县",
    "桦甸市",
    "丰满区",
    "北大壶开发区",
    "磐石市",
    "昌邑区",
    "龙潭区",
    "舒兰市",
]


@pytest.fixture(scope="module")
def demo() -> Repository:
    return load(ROOT / "ledgers")


def test_demo_validates_clean(demo: Repository) -> None:
    assert demo.problems == []
    assert demo.partial == [] and len(demo.records) == demo.items_read


def test_demo_regions_are_the_seeds(demo: Repository) -> None:
    assert demo.config is not None and demo.config.year == 2018
    assert sorted(demo.config.region_names) == sorted(SEED_REGIONS)
    assert {r.region for r in demo.records} == set(SEED_REGIONS)


def test_demo_started_projects(demo: Repository) -> None:
    started = [r.project for r in demo.records if r.ledger.started]
    assert all(isinstance(p, StartedProject) and p.start_date <= AS_OF for p in started)
    assert all(p.total >= Decimal(5000) for p in started)
    assert len(started) == 314
    assert sum(p.nature == "新建" for p in started) == 102
    assert sum(p.nature == "续建" for p in started) == 212
    assert sum(p.total >= Decimal(10000) for p in started) == 227
    assert sum(r.ledger is Ledger.UNSTAT for r in demo.records) == 80


def test_demo_planned_and_investment(demo: Repository) -> None:
    planned = [r.project for r in demo.records if r.ledger is Ledger.PLANNED]
    assert len(planned) == 49 and all(p.total >= 5000 for p in planned)
    # Signed by its date, in whichever ledger it sits now (a landed project moved on); one that
    # landed before 2018 is history.
    signed = [
        p
        for r in demo.records
        if (p := r.project)
        and getattr(p, "sign_date", None) is not None
        and p.sign_date <= AS_OF
        and not (p.land_date is not None and p.land_date < YEAR_START)
    ]
    assert len(signed) == 46
    key = [p for p in signed if p.key]
    assert len(key) == 22 and all(p.total >= 10000 for p in key)
    assert sum(bool(getattr(r.project, "key", None)) for r in demo.records) == 22


def test_demo_september_figures_are_the_seeds(demo: Repository) -> None:
    city = compute_metrics(demo, AS_OF)["全市"]
    assert {k: city[k] for k in SEED_FIGURES} == SEED_FIGURES


def test_demo_carries_the_history_of_its_moves(demo: Repository) -> None:
    """Revision 2: a move keeps every dated key, so the demo's moved projects carry their past."""

    def kept(r: Record, key: str) -> Any:
        return getattr(r.project, key, None)

    started = [r for r in demo.records if r.ledger.started]
    building = [r for r in started if r.ledger is Ledger.BUILDING]
    assert sum(kept(r, "stats_date") is not None for r in building) >= 100  # 入统日期
    assert sum(kept(r, "stats_deadline") is not None for r in building) >= 20  # 入统时限 kept from 未入统
    with_steps = [r.project for r in started if kept(r, "approvals")]  # 前期手续 kept from 计划开工
    assert len(with_steps) >= 40
    for p in with_steps:
        assert isinstance(p, StartedProject) and p.planned_start is not None
        assert all(a.done is not None and a.done <= p.start_date for a in p.approvals)

    # Landed 招商 projects now in 计划开工/未入统/在建, with what they kept from 招商.
    moved = [
        r
        for r in demo.records
        if r.ledger is not Ledger.INVESTMENT and kept(r, "land_date") is not None and kept(r, "land_date") >= YEAR_START
    ]
    assert all(sum(r.ledger is lg for r in moved) >= 5 for lg in (Ledger.BUILDING, Ledger.UNSTAT, Ledger.PLANNED))
    assert sum(bool(kept(r, "key")) for r in moved) >= 10
    assert sum(kept(r, "planned_land") is not None for r in moved) >= 5
    for r in moved:
        assert kept(r, "investor") and kept(r, "origin")
        assert kept(r, "sign_date") <= kept(r, "land_date") <= AS_OF
        if r.ledger.started:
            assert kept(r, "land_date") <= kept(r, "start_date")
            assert kept(r, "stats_date") is None or kept(r, "start_date") <= kept(r, "stats_date")
    # The 招商 ledger holds fewer signed projects than are counted: the others moved on.
    in_zs = [r for r in demo.records if r.ledger is Ledger.INVESTMENT and kept(r, "sign_date") is not None]
    assert len(in_zs) + len(moved) >= 46 > len(in_zs)
    # Projects that landed in 2017 carry it too, and are not this year's 招商.
    assert sum(kept(r, "land_date") is not None and kept(r, "land_date") < YEAR_START for r in started) >= 3


# The 储备库 (issue 16), as scripts/check_demo_counts.py counts it from the files: 30 projects in
# the 谋划.yaml of seven regions, all entered by 2018-09-30, 28 of them 1亿 and more, 2,349,000 万元;
# 27 planned or started projects came from it (转化), 20 of them in 2018. 转化率 = converted in 2018
# ÷ (in the 储备库 at some day of 2018: the 30 still there + the 20 that left it) = 20/50.
RESERVE_FIGURES = {
    "谋划项目数": 30,
    "谋划亿元以上项目数": 28,
    "谋划总投资": Decimal(2349000),
    "转化率": Fraction(20, 50),
}


def test_demo_reserve(demo: Repository) -> None:
    reserve = [r for r in demo.records if r.ledger is Ledger.RESERVE]
    assert len(reserve) == 30 and len({r.region for r in reserve}) == 7
    assert all(r.project.reserve_date <= AS_OF for r in reserve)  # type: ignore[attr-defined]
    assert sum(r.project.total >= Decimal(10000) for r in reserve) == 28
    assert sum(r.project.total for r in reserve) == Decimal(2349000)
    converted = [r for r in demo.records if getattr(r.project, "convert_date", None) is not None]
    this_year = [r for r in converted if YEAR_START <= r.project.convert_date <= AS_OF]  # type: ignore[attr-defined]
    assert (len(converted), len(this_year)) == (27, 20)
    assert {r.ledger for r in converted} == {Ledger.PLANNED, Ledger.UNSTAT, Ledger.BUILDING}
    city = compute_metrics(demo, AS_OF)["全市"]
    assert {k: city[k] for k in RESERVE_FIGURES} == RESERVE_FIGURES


def test_demo_files_start_with_the_schema_modeline() -> None:
    for path in sorted((ROOT / "ledgers").rglob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        schema = "xiangmu" if path.name == "xiangmu.yaml" else path.stem
        prefix = "../" if path.name == "xiangmu.yaml" else "../../"
        assert first == f"# yaml-language-server: $schema={prefix}schemas/{schema}.schema.json", path


def test_schemas_are_up_to_date(demo: Repository) -> None:
    from xiangmu_cli.ledger.schema import write_schemas

    # schemas/ is the demo's: its ledger schemas know the demo's 扩展字段 (as `xm schema` writes them)
    assert write_schemas(ROOT / "schemas", check=True, config=demo.config) == []
    assert write_schemas(ROOT / "schemas", check=True) == [
        "在建.schema.json",
        "未入统.schema.json",
        "计划开工.schema.json",
        "招商.schema.json",
        "谋划.schema.json",
    ]


def test_check_jsonschema_accepts_the_demo_ledgers() -> None:
    import shutil
    import subprocess
    import sys

    exe = shutil.which("check-jsonschema") or str(Path(sys.executable).with_name("check-jsonschema"))
    if not Path(exe).exists():
        pytest.skip("check-jsonschema is not installed (pip install -e '.[test]')")
    for ledger in [*Ledger, None]:
        name = "xiangmu" if ledger is None else ledger.value
        files = (
            [ROOT / "ledgers/xiangmu.yaml"]
            if ledger is None
            else sorted((ROOT / "ledgers").glob(f"*/{ledger.filename}"))
        )
        result = subprocess.run(
            [exe, "--schemafile", str(ROOT / f"schemas/{name}.schema.json"), *map(str, files)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr
