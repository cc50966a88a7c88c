"""Every way of reading the ledgers gives the same problems and the same figures.

`xm` reads values with yaml_rs and validates the common spellings of scalars in pydantic-core
(Rust), handing anything else to the parsers of `units`; it caches results of `xm validate` and
rendered reports; and its writers (fmt, the event commands) work on ruamel.yaml's round-trip
view of the same files. These tests hold the paths to one answer:

- each fast scalar schema, wherever it accepts a value, gives exactly what its parser gives;
- on valid repositories (the demo, generated ones using every spelling of the contract), the
  fast path, the cached path and a load through ruamel.yaml round-trip parsing give the same
  bytes for `xm validate --format json` and for every report in json;
- on a broken repository, cached and fresh problems are the same.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic_core import SchemaValidator, ValidationError
from typer.testing import CliRunner

from xiangmu_cli.cli import app
from xiangmu_cli.ledger import units
from xiangmu_cli.ledger.model import FAST_PATHS

from .conftest import ROOT

runner = CliRunner()

# --- fast scalar schemas against their parsers --------------------------------------------------

_WHITESPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2003\u200b\u2028\u3000\ufeff"
_spaced = st.tuples(st.text(_WHITESPACE, max_size=2), st.text(max_size=6), st.text(_WHITESPACE, max_size=2)).map(
    "".join
)
_digits = st.text("0123456789０１２", min_size=1, max_size=5)
_datelike = st.tuples(_digits, st.sampled_from("-/."), _digits, st.sampled_from("-/."), _digits).map("".join)
_monthlike = st.tuples(_digits, st.sampled_from("-/年"), _digits).map("".join)
_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**14), max_value=10**14),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.dates().map(str),
    _datelike,
    _monthlike,
    _spaced,
    st.sampled_from(
        [
            "新建",
            " 续建",
            "签约",
            "洽谈 ",
            "落地",
            "区县",
            "开发区",
            "是",
            "否",
            "true",
            "CY-2018-001",
            "010",
            "-x",
            "a b",
            "2018-09",
            "2018-13",
            "2018-02-30",
            "0000-01-01",
            "9999-12-31",
            "1.2亿",
            "12,000",
        ]
    ),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    return str(a) == str(b) if isinstance(a, Decimal) else a == b


@pytest.mark.parametrize("parse, fast", FAST_PATHS, ids=[p.__name__ for p, _ in FAST_PATHS])
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=_values)
def test_a_fast_schema_accepts_only_what_its_parser_reads_the_same(parse: Any, fast: Any, value: Any) -> None:
    try:
        quick = SchemaValidator(fast).validate_python(value)
    except ValidationError:
        return  # not the common case: the parser decides, as before
    try:
        slow = parse(value)
    except (units.UnitError, units.InexactFloat) as exc:
        pytest.fail(f"fast schema accepted {value!r} as {quick!r}; the parser says {exc!r}")
    assert _same(quick, slow), (value, quick, slow)


def test_every_fast_schema_is_checked() -> None:
    names = {p.__name__ for p, _ in FAST_PATHS}
    assert {"parse_amount", "parse_date", "_text", "parse_bool", "_project_id", "_int", "_year", "_month_key"} <= names


# --- whole repositories ---------------------------------------------------------------------------


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"xm_paths_{name}", ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


agree = _module("agree")
REPORTS = agree.REPORTS
_outputs = agree.outputs


def _run(args: list[str]) -> tuple[int, str]:
    result = runner.invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout


def _generated(tmp: Path, projects: int, seed: int) -> Path:
    _module("generate").generate(projects, seed, tmp / "repo")
    return tmp / "repo" / "ledgers"


@pytest.fixture(scope="module")
def valid_repos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    demo = tmp_path_factory.mktemp("demo") / "ledgers"
    shutil.copytree(ROOT / "ledgers", demo)
    return {
        "demo": demo,
        "generated-1": _generated(tmp_path_factory.mktemp("gen1"), 400, 1),
        "generated-7": _generated(tmp_path_factory.mktemp("gen7"), 400, 7),
    }


@pytest.mark.parametrize("name", ["demo", "generated-1", "generated-7"])
def test_fast_cached_and_round_trip_paths_agree(valid_repos: dict[str, Path], name: str, cache_on: Path) -> None:
    root = valid_repos[name]
    fresh = _outputs(root, cache=False)
    assert json.loads(fresh["validate"][1]) == []
    assert all(code == 0 for code, _ in fresh.values()), {k: v[0] for k, v in fresh.items()}
    first = _outputs(root, cache=True)  # fills the cache
    entries = sorted(p.name.split("-")[0] for p in cache_on.glob("*.json"))
    assert entries.count("report") == len(REPORTS) and entries.count("validate") == 1
    cached = _outputs(root, cache=True)  # every one a hit
    assert first == fresh
    assert cached == fresh

    assert agree.slow_outputs(root) == fresh


def test_round_trip_loader_really_is_ruamel(monkeypatch: pytest.MonkeyPatch) -> None:
    # The comparison above is only worth something if the substitute reads differently built data.
    calls = []
    monkeypatch.setattr("ruamel.yaml.YAML.load", lambda self, text: calls.append(text) or {"a": "b"})
    assert agree.round_trip_load("x: 1\n") == {"a": "b"} and calls == ["x: 1\n"]
    monkeypatch.undo()
    data = agree.round_trip_load("a: 2018-09-03\nb: [1, 2.50]\nc: 是\n")
    assert data == {"a": "2018-09-03", "b": [1, 2.5], "c": "是"}
    assert type(data["b"][1]) is float and type(data["a"]) is str


def test_broken_repository_cached_problems_equal_fresh(tmp_path: Path, cache_on: Path) -> None:
    root = tmp_path / "ledgers"
    shutil.copytree(ROOT / "examples" / "broken" / "ledgers", root)
    fresh = _outputs(root, cache=False)
    assert fresh["validate"][0] == 1 and len(json.loads(fresh["validate"][1])) > 20
    assert _outputs(root, cache=True) == fresh
    assert _outputs(root, cache=True) == fresh


def test_a_report_hit_is_only_for_the_same_request(tmp_path: Path, cache_on: Path) -> None:
    root = tmp_path / "ledgers"
    shutil.copytree(ROOT / "ledgers", root)
    june = _run(["report", "monthly", "--ledgers", str(root), "--month", "2018-06", "--format", "json"])
    july = _run(["report", "monthly", "--ledgers", str(root), "--month", "2018-07", "--format", "json"])
    assert june != july
    assert json.loads(june[1])["meta"]["截至"] == "2018-06-30"
    plain = _run(["report", "monthly", "--ledgers", str(root), "--month", "2018-06", "--format", "plain"])
    assert plain[1] != june[1] and not plain[1].startswith("{")
    # One changed byte in one ledger file: a new computation, not the old text.
    target = next(root.glob("*/在建.yaml"))
    target.write_text(target.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    again = _run(["report", "monthly", "--ledgers", str(root), "--month", "2018-06", "--format", "json"])
    assert again == june
    # one entry per request and ledger contents, json apart from the other formats (it keeps only
    # what json shows): June, July, June for plain, June again after the change
    assert len(list(cache_on.glob("report-*.json"))) == 4


def test_today_is_part_of_a_report_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_on: Path) -> None:
    from xiangmu_cli.reading import cache

    root = tmp_path / "ledgers"
    shutil.copytree(ROOT / "ledgers", root)
    _run(["targets", "--ledgers", str(root), "--format", "csv"])

    class Tomorrow(date):
        @classmethod
        def today(cls) -> date:
            return date(2030, 1, 1)

    monkeypatch.setattr(cache, "date", Tomorrow)
    _run(["targets", "--ledgers", str(root), "--format", "csv"])
    assert len(list(cache_on.glob("report-*.json"))) == 2
