"""Check that the fast path and the slow path give the same answers on a hold-out repository.

The fast path is how `xm` reads ledgers: yaml_rs for the values, pydantic-core's strict schemas
for the common spellings of scalars. The slow path reads the same files with ruamel.yaml's
round-trip parser (the one the writers use), configured for YAML 1.2's core schema. For a
generated repository that is in no test (a seed of its own), this compares the bytes of
`xm validate --format json` (on all cores and with --jobs 1) and of every report in json, on
both paths, without caches.

    python benchmarks/agree.py --projects 20000 --seed 20261122 --out /tmp/xm-holdout

Exit status 0 when every output agrees, 1 otherwise (the differing commands are named).
tests/test_paths.py imports ``round_trip_load`` from here and runs the same comparison on the
demo ledgers and on small generated repositories.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

#: The report commands compared (each also gets --ledgers, --format json and --no-cache).
REPORTS = [
    ["report", "monthly"],
    ["targets"],
    ["overdue"],
    ["score"],
    ["list"],
    ["report", "monthly", "--month", "2018-06"],
    ["overdue", "--kind", "走访超期"],
]


def _plain(node: Any) -> Any:
    """ruamel's round-trip objects as the plain values yaml_rs gives."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(node, CommentedMap | dict):
        return {_plain(k): _plain(v) for k, v in node.items()}
    if isinstance(node, CommentedSeq | list):
        return [_plain(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    for kind in (int, float, str):
        if isinstance(node, kind):
            return kind(node)
    raise TypeError(f"unexpected value from ruamel: {node!r}")


def round_trip_load(text: str) -> Any:
    """ruamel.yaml's round-trip parse, with YAML 1.2's core schema (no timestamps)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import RoundTripConstructor

    class Core12(RoundTripConstructor):
        pass

    Core12.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)
    yaml = YAML(typ="rt")
    yaml.Constructor = Core12
    return _plain(yaml.load(text))


def outputs(root: Path, cache: bool = False) -> dict[str, tuple[int, str]]:
    """Exit code and stdout of `xm validate` and of each report, in json, run in this process."""
    from typer.testing import CliRunner

    from xiangmu_cli.cli import app

    runner = CliRunner()
    extra = [] if cache else ["--no-cache"]
    out = {}
    # validate twice: on all cores (for a repository of 512 KiB and more) and in one process.
    for args in [["validate"], ["validate", "--jobs", "1"], *REPORTS]:
        result = runner.invoke(app, [*args, "--ledgers", str(root), "--format", "json", *extra])
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        out[" ".join(args)] = (result.exit_code, result.stdout)
    return out


def slow_outputs(root: Path) -> dict[str, tuple[int, str]]:
    """`outputs` with every file's values read by ruamel's round-trip parser instead of yaml_rs."""
    from xiangmu_cli.reading import yamlread

    fast_load = yamlread._fast_load
    yamlread._fast_load = round_trip_load
    try:
        return outputs(root)
    finally:
        yamlread._fast_load = fast_load


def _generate(projects: int, seed: int, out: Path) -> Path:
    spec = importlib.util.spec_from_file_location("xm_benchmark_generate", HERE / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    module.generate(projects, seed, out)
    return out / "ledgers"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--projects", "-n", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=20261122, help="a seed used by no test (default 20261122)")
    ap.add_argument("--out", type=Path, required=True, help="folder for the generated repository")
    args = ap.parse_args(argv)
    start = time.perf_counter()
    root = _generate(args.projects, args.seed, args.out)
    print(f"generated {args.projects} projects (seed {args.seed}) in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    fast = outputs(root)
    print(f"fast path: {len(fast)} commands in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    slow = slow_outputs(root)
    print(f"round-trip path: {len(slow)} commands in {time.perf_counter() - start:.1f} s")
    differ = [name for name in fast if fast[name] != slow[name]]
    for name in fast:
        code, text = fast[name]
        print(f"  {'DIFFERS' if name in differ else 'same   '}  xm {name}: exit {code}, {len(text):,} bytes")
    if differ:
        print(f"{len(differ)} of {len(fast)} outputs differ")
        return 1
    print(f"all {len(fast)} outputs are byte-identical")
    return 0


if __name__ == "__main__":
    sys.exit(main())
