#!/usr/bin/env python3
"""Measure how `xm validate` copes with hostile input: time and peak memory for each resource limit.

    python benchmarks/limits.py [--only NAME,...] [--keep DIR]

Each case is generated in a temporary folder (a minimal valid repository plus the hostile file or
files), then ``python -m xiangmu_cli validate --ledgers … --no-cache --format json`` runs in its
own subprocess; wall time is measured around it and peak RSS comes from ``os.wait4`` (the
child's own ``ru_maxrss``). Prints a Markdown table (for docs/robustness.md): case, what `xm`
answered (exit code and first problem code), seconds, peak RSS in MiB. Never timed in the unit
tests: those assert only the answers (tests/test_limits.py).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

CONFIG = "名称: 测试\n年度: 2018\n地区:\n  - {名称: 船营区, 类型: 区县}\n"
PROJECT = (
    "项目:\n  - 编号: A1\n    名称: 甲\n    总投资: 6000\n    项目秘书: 王芳\n    建设性质: 新建\n"
    "    开工日期: 2018-03-01\n    年度计划投资: 50\n"
)
MIB = 2**20


def _repo(root: Path, ledger: bytes | str | None = None, config: str = CONFIG) -> None:
    (root / "船营区").mkdir(parents=True)
    (root / "xiangmu.yaml").write_text(config, encoding="utf-8")
    data = ledger if ledger is not None else PROJECT
    (root / "船营区" / "在建.yaml").write_bytes(data.encode() if isinstance(data, str) else data)


def billion_laughs(root: Path) -> None:
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8)]
    _repo(root, "\n".join(lines) + "\n项目: []\n")


def scalar_50mb(root: Path) -> None:
    _repo(root, PROJECT + "    备注: " + "长" * (50 * MIB // 3) + "\n")


def bad_amount_50mb(root: Path) -> None:
    _repo(root, PROJECT.replace("总投资: 6000", "总投资: " + "长" * (50 * MIB // 3)))


def _ledger_of(root: Path, megabytes: int) -> None:
    block = PROJECT.split("\n", 1)[1]
    count = megabytes * MIB // (len(block.encode()) + 5)
    _repo(root, "项目:\n" + "".join(block.replace("A1", f"A{i}") for i in range(count)))


def ledger_19mb(root: Path) -> None:
    _ledger_of(root, 19)


def ledger_90mb(root: Path) -> None:
    _ledger_of(root, 90)


def file_150mb(root: Path) -> None:
    _repo(root, PROJECT + "# " + "x" * (150 * MIB) + "\n")


def deep_block_10k(root: Path) -> None:
    _repo(root, "项目:\n  " + "- " * 10_000 + "x\n")


def deep_block_100k(root: Path) -> None:
    _repo(root, "项目:\n  " + "- " * 100_000 + "x\n")


def deep_flow_10k(root: Path) -> None:
    _repo(root, "项目: " + "[" * 10_000 + "]" * 10_000 + "\n")


def deep_mapping_10k(root: Path) -> None:
    _repo(root, "项目: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n")


def _many_files(root: Path, regions: int) -> None:
    names = [f"区{i:05d}" for i in range(regions)]
    config = "名称: 测试\n年度: 2018\n地区:\n" + "".join(f"  - {{名称: {n}, 类型: 区县}}\n" for n in names)
    root.mkdir(parents=True)
    (root / "xiangmu.yaml").write_text(config, encoding="utf-8")
    for name in names:
        (root / name).mkdir()
        for ledger in ("在建", "未入统", "计划开工", "招商"):
            (root / name / f"{ledger}.yaml").write_text(f"地区: {name}\n台账: {ledger}\n项目: []\n", encoding="utf-8")


def tiny_files_100k(root: Path) -> None:
    _many_files(root, 25_000)


CASES: dict[str, tuple[str, Callable[[Path], None], list[str]]] = {
    "billion-laughs": ("alias bomb (9 levels × 9 aliases)", billion_laughs, []),
    "scalar-50mb": ("50 MB 备注 (over the default 20 MB file limit)", scalar_50mb, []),
    "scalar-50mb-allowed": ("50 MB 备注, --max-file-mb 100", scalar_50mb, ["--max-file-mb", "100"]),
    "bad-amount-50mb-allowed": (
        "50 MB invalid 总投资 (quoted, clipped, in the message), --max-file-mb 100",
        bad_amount_50mb,
        ["--max-file-mb", "100"],
    ),
    "ledger-19mb": ("19 MB ledger of ~230,000 valid projects (under the default limit)", ledger_19mb, []),
    "ledger-90mb-allowed": (
        "90 MB ledger of ~1.1 M valid projects, --max-file-mb 100",
        ledger_90mb,
        ["--max-file-mb", "100"],
    ),
    "file-150mb": ("150 MB file", file_150mb, []),
    "deep-block-10k": ("10,000-deep block nesting (`- - - …`)", deep_block_10k, []),
    "deep-block-100k": ("100,000-deep block nesting (crashes yaml_rs alone)", deep_block_100k, []),
    "deep-flow-10k": ("10,000-deep flow sequences", deep_flow_10k, []),
    "deep-mapping-10k": ("10,000-deep flow mappings", deep_mapping_10k, []),
    "tiny-files-100k": ("100,000 tiny files (over the default --max-files 20000)", tiny_files_100k, []),
    "tiny-files-100k-allowed": ("100,000 tiny files, --max-files 200000", tiny_files_100k, ["--max-files", "200000"]),
}


def run(root: Path, options: list[str]) -> tuple[int, str, float, float]:
    """(exit code, first problem code, seconds, peak RSS MiB) of one validate in its own process."""
    cmd = [
        sys.executable,
        "-m",
        "xiangmu_cli",
        "validate",
        "--ledgers",
        str(root),
        "--no-cache",
        "--format",
        "json",
        *options,
    ]
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        out.seek(0)
        raw = out.read()
    code = os.waitstatus_to_exitcode(status)
    try:
        problems = json.loads(raw)
        first = f"{problems[0]['code']} ×{len(problems)}" if problems else "clean"
    except (ValueError, IndexError, KeyError):
        first = f"no JSON ({len(raw)} bytes)"
    return code, first, seconds, usage.ru_maxrss / 1024  # Linux: ru_maxrss is in KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="comma-separated case names (default: all)")
    parser.add_argument("--keep", type=Path, help="generate the cases here and keep them")
    parser.add_argument("--make", nargs=2, metavar=("NAME", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make:
        CASES[args.make[0]][1](Path(args.make[1]))
        return
    names = args.only.split(",") if args.only else list(CASES)
    base = args.keep or Path(tempfile.mkdtemp(prefix="xm-limits-"))
    print("| case | input | answer (exit, first code × count) | seconds | peak RSS MiB |")
    print("|---|---|---|---:|---:|")
    try:
        for name in names:
            label, _, options = CASES[name]
            root = base / name / "ledgers"
            if not root.exists():  # in a child: ru_maxrss survives fork and exec, so a parent
                # that had built a 150 MB string would pass its peak on to every later child
                subprocess.run([sys.executable, __file__, "--make", name, str(root)], check=True)
            code, first, seconds, rss = run(root, options)
            print(f"| {name} | {label} | {code}, {first} | {seconds:.2f} | {rss:.0f} |", flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
