"""The demo ledgers (吉林市 2018) validate clean and carry the seed's headline figures.

Seed 001 (吉林市人民政府办公厅, 2018-09-16): 314 started projects of 5000万元 and up (102 新建,
212 续建; 227 of 1亿 and up; 80 not yet in the statistics database), 49 planned to start in
8–12月, 46 signed 招商 projects of which 22 亿元以上 key projects under a city leader.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from xiangmu_cli.loading import Repository, load
from xiangmu_cli.model import InvestmentProject, StartedProject
from xiangmu_cli.vocab import Ledger

from .conftest import ROOT

AS_OF = date(2018, 9, 30)
SEED_REGIONS = ["高新区", "经开区", "中新食品区", "船营区", "蛟河市", "永吉县", "桦甸市", "丰满区",
                "北大壶开发区", "磐石市", "昌邑区", "龙潭区", "舒兰市"]


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
    signed = [p for r in demo.records if isinstance(p := r.project, InvestmentProject)
              and p.stage in ("签约", "落地") and p.sign_date is not None and p.sign_date <= AS_OF]
    assert len(signed) == 46
    key = [p for p in signed if p.key]
    assert len(key) == 22 and all(p.total >= 10000 for p in key)


def test_demo_files_start_with_the_schema_modeline() -> None:
    for path in sorted((ROOT / "ledgers").rglob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        schema = "xiangmu" if path.name == "xiangmu.yaml" else path.stem
        prefix = "../" if path.name == "xiangmu.yaml" else "../../"
        assert first == f"# yaml-language-server: $schema={prefix}schemas/{schema}.schema.json", path


def test_schemas_are_up_to_date() -> None:
    from xiangmu_cli.schema import write_schemas

    assert write_schemas(ROOT / "schemas", check=True) == []


def test_check_jsonschema_accepts_the_demo_ledgers() -> None:
    import shutil
    import subprocess
    import sys

    exe = shutil.which("check-jsonschema") or str(Path(sys.executable).with_name("check-jsonschema"))
    if not Path(exe).exists():
        pytest.skip("check-jsonschema is not installed (pip install -e '.[test]')")
    for ledger in [*Ledger, None]:
        name = "xiangmu" if ledger is None else ledger.value
        files = ([ROOT / "ledgers/xiangmu.yaml"] if ledger is None
                 else sorted((ROOT / "ledgers").glob(f"*/{ledger.filename}")))
        result = subprocess.run([exe, "--schemafile", str(ROOT / f"schemas/{name}.schema.json"),
                                 *map(str, files)], capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
