#!/usr/bin/env python3
"""Benchmark `xm` on synthetic ledger repositories and write docs/performance.md.

    /tmp/venv/bin/python benchmarks/run.py --sizes 1000,5000,20000,100000 --repeat 3 --profile

For each size it generates a repository (benchmarks/generate.py, seed --seed) and measures, each
in its own subprocess, wall time (time.perf_counter around the process) and peak RSS
(``/usr/bin/time -f %M``, or os.wait4 in a small wrapper where GNU time is missing):

* the floor: one Python process that reads every YAML file and calls
  ``yaml_rs.loads(text, parse_datetime=False)`` on each (also with a thread per core; the
  faster of the two is the floor the ratios are taken against);
* ``xm validate --ledgers …`` cold (``--no-cache``), also with ``--jobs 1``, and warm (a second
  run right after one that filled the cache: no file changed);
* every report command (``xm report monthly``, ``targets``, ``overdue``, ``score``, ``list``) with
  ``--format json`` (stdout to /dev/null), cold and warm;
* check-jsonschema with the committed schemas on the same files (one run per ledger plus
  xiangmu.yaml; times summed, RSS the largest), once per size (it takes minutes);
* ``xm --help``.

The repositories carry realistic warnings (--warnings, default 7% of the projects: no 项目秘书 or
总投资 below the 入库门槛, as real ledgers do); at 20k a second repository also has --errors projects
with errors (an impossible date, an unknown key), and every command is measured on it too.

Every figure is the median of --repeat runs. Each subprocess has a timeout (--timeout); a run
that exceeds it is killed (its own process group only) and reported as such. Repositories go
to a temporary folder that is removed at the end, unless --data names a folder to keep them
in (benchmarks/.data is git-ignored) so later runs reuse them.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.metadata
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402  (benchmarks/generate.py, standard library only)

LEDGERS = ("在建", "未入统", "计划开工", "招商", "谋划")
#: The commands measured: (key, label, arguments after ``xm``; ``--ledgers`` is added).
COMMANDS = [
    ("validate", "`xm validate`", ["validate"]),
    ("monthly", "`xm report monthly`", ["report", "monthly", "--format", "json"]),
    ("targets", "`xm targets`", ["targets", "--format", "json"]),
    ("overdue", "`xm overdue`", ["overdue", "--format", "json"]),
    ("score", "`xm score`", ["score", "--format", "json"]),
    ("list", "`xm list`", ["list", "--format", "json"]),
]
REPORTS = [key for key, _, _ in COMMANDS if key != "validate"]
TARGET_SIZE = 20000
FLOOR_RUNS = 2  # floor runs per repeat
HAND_WRITTEN = "<!-- hand-written below this line: kept by benchmarks/run.py -->"

FLOOR_SCRIPT = r"""
import os, sys, pathlib
import yaml_rs
mode, root = sys.argv[1], pathlib.Path(sys.argv[2])
files = sorted(root.rglob("*.yaml"))
def load(path):
    return yaml_rs.loads(path.read_bytes().decode("utf-8"), parse_datetime=False)
if mode == "threads":
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        docs = list(pool.map(load, files))
else:
    docs = [load(path) for path in files]
print(sum(len(d.get("项目") or []) for d in docs if isinstance(d, dict)))
"""

WAIT4_WRAPPER = r"""
import os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as fh:
    fh.write(f"{usage.ru_maxrss} {usage.ru_utime} {usage.ru_stime} {time.perf_counter() - start}")
sys.exit(os.waitstatus_to_exitcode(status))
"""

PROFILE_SCRIPT = r"""
import cProfile, gc, io, json, pstats, sys, time
from pathlib import Path
from xiangmu_cli.reading.loading import load
gc.disable()  # as every command loads (cli/common.py, no_cyclic_gc)
root = Path(sys.argv[1])
load(root)  # warm the OS file cache and the imports; the timed runs follow
t = time.perf_counter(); repo = load(root); plain = time.perf_counter() - t
profile = cProfile.Profile()
profile.enable(); load(root); profile.disable()
out = io.StringIO()
stats = pstats.Stats(profile, stream=out)
stats.sort_stats("cumulative").print_stats(30)
rows = {}
for (path, line, func), (cc, nc, tt, ct, callers) in stats.stats.items():
    key = f"{Path(path).name}:{func}"
    old = rows.get(key, (0, 0.0, 0.0))
    rows[key] = (old[0] + nc, old[1] + tt, max(old[2], ct))
print(json.dumps({"plain": plain, "profiled": stats.total_tt, "problems": len(repo.problems),
                  "projects": len(repo.records), "rows": rows, "text": out.getvalue()}))
"""


# --- running one command ----------------------------------------------------------------------


@dataclass
class Run:
    wall: float | None  # seconds; None when the run timed out or could not start
    rss: float | None  # MB (MiB)
    rc: int | None
    note: str = ""
    cpu: float | None = None  # user + system seconds of the process and its children


def _time_tool() -> str | None:
    tool = shutil.which("time", path="/usr/bin:/bin")
    if tool is None:
        return None
    try:
        probe = subprocess.run([tool, "-f", "%M", "true"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return tool if probe.returncode == 0 and probe.stderr.strip().isdigit() else None


TIME_TOOL = _time_tool()


def measure(cmd: list[str], cwd: Path, timeout: float, env: dict[str, str]) -> Run:
    """Run ``cmd`` once: wall time, peak RSS of the process (and its children), exit code."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss", delete=False) as fh:
        rss_file = Path(fh.name)
    if TIME_TOOL:
        full = [TIME_TOOL, "-f", "%M %U %S", "-o", str(rss_file), *cmd]
    else:
        full = [sys.executable, "-c", WAIT4_WRAPPER, str(rss_file), *cmd]
    note = ""
    start = time.perf_counter()
    try:
        proc = subprocess.Popen(
            full,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as exc:
        rss_file.unlink(missing_ok=True)
        return Run(None, None, None, f"could not start: {exc}")
    try:
        _, err = proc.communicate(timeout=timeout)
        wall = time.perf_counter() - start
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # our own child's process group, nothing else
        proc.communicate()
        rss_file.unlink(missing_ok=True)
        return Run(None, None, None, f"timed out after {timeout:.0f} s")
    rc = proc.returncode
    rss = cpu = None
    try:
        text = rss_file.read_text().split()[-3:] if TIME_TOOL else rss_file.read_text().split()
        rss, cpu = int(text[0]) / 1024, float(text[1]) + float(text[2])
        if not TIME_TOOL:
            wall = float(text[3])
    except (OSError, ValueError, IndexError):
        note = "no RSS"
    finally:
        rss_file.unlink(missing_ok=True)
    if rc != 0:
        tail = err.decode("utf-8", "replace").strip().splitlines()[-3:]
        note = f"exit {rc}: " + " / ".join(tail)[:200]
    return Run(wall, rss, rc, note, cpu)


@dataclass
class Result:
    """Repeated runs of one measurement; a sum of several commands per run where it is a group."""

    runs: list[Run] = field(default_factory=list)

    @property
    def ok(self) -> list[Run]:
        return [r for r in self.runs if r.wall is not None]

    @property
    def wall(self) -> float | None:
        ok = [r.wall for r in self.ok]
        return statistics.median(ok) if ok else None

    @property
    def rss(self) -> float | None:
        ok = [r.rss for r in self.ok if r.rss is not None]
        return statistics.median(ok) if ok else None

    @property
    def cpu(self) -> float | None:
        ok = [r.cpu for r in self.ok if r.cpu is not None]
        return statistics.median(ok) if ok else None

    @property
    def best(self) -> float | None:
        ok = [r.wall for r in self.ok]
        return min(ok) if ok else None

    @property
    def spread(self) -> str:
        ok = [r.wall for r in self.ok]
        return f"{min(ok):.2f}–{max(ok):.2f}" if len(ok) > 1 else ""

    @property
    def notes(self) -> list[str]:
        return sorted({r.note for r in self.runs if r.note})


def run_group(cmds: list[list[str]], cwd: Path, timeout: float, env: dict[str, str]) -> Run:
    """Several commands as one measurement: times add up, RSS is the largest."""
    runs = [measure(c, cwd, timeout, env) for c in cmds]
    if any(r.wall is None for r in runs):
        return Run(None, None, None, "; ".join(r.note for r in runs if r.note))
    rss = [r.rss for r in runs if r.rss is not None]
    cpu = [r.cpu for r in runs if r.cpu is not None]
    rc = max(r.rc or 0 for r in runs)
    return Run(
        sum(r.wall for r in runs),
        max(rss) if rss else None,
        rc,
        "; ".join(r.note for r in runs if r.note),
        sum(cpu) if len(cpu) == len(runs) else None,
    )


# --- the benchmark ----------------------------------------------------------------------------


def xm_command() -> list[str]:
    exe = Path(sys.executable).with_name("xm")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("xm")
    return [found] if found else [sys.executable, "-m", "xiangmu_cli"]


def compile_xm() -> str:
    """Compile xm's own modules to bytecode before measuring, as ``pip install`` of a wheel does and
    as Python does on an editable install's first run: what a user runs. Under
    ``PYTHONDONTWRITEBYTECODE=1`` (set on some machines, this one included) an editable install is
    otherwise compiled from source at every start (~0.08 s of every command, issue 15)."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("xiangmu_cli")
    if spec is None or spec.origin is None:
        return "xiangmu_cli not found"
    folder = Path(spec.origin).parent
    ok = compileall.compile_dir(str(folder), quiet=1)
    return f"{folder} ({'ok' if ok else 'some files failed'})"


def check_jsonschema_command() -> list[str] | None:
    exe = Path(sys.executable).with_name("check-jsonschema")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("check-jsonschema")
    return [found] if found else None


def prepare(size: int, seed: int, data: Path, warnings: float, errors: int) -> tuple[Path, dict, float]:
    """The repository for ``size`` under ``data``: reused when the marker matches, else generated."""
    out = data / f"{size}-seed{seed}-w{warnings:g}-e{errors}"
    marker = out / generate.MARKER
    if marker.exists():
        info = dict(line.split("=", 1) for line in marker.read_text(encoding="utf-8").split())
        if (
            info.get("projects") == str(size)
            and info.get("seed") == str(seed)
            and info.get("source") == generate.SOURCE_HASH
            and info.get("warnings") == str(warnings)
            and info.get("errors") == str(errors)
            and _schemas_current(out)
        ):
            return out, info, 0.0
    t = time.perf_counter()
    info = generate.generate(size, seed, out, warnings=warnings, errors=errors)
    return out, {k: str(v) for k, v in info.items()}, time.perf_counter() - t


def _schemas_current(out: Path) -> bool:
    theirs = sorted(p.name for p in (out / "schemas").glob("*.json"))
    ours = sorted(p.name for p in generate.SCHEMAS.glob("*.json"))
    return theirs == ours and all(
        (out / "schemas" / n).read_bytes() == (generate.SCHEMAS / n).read_bytes() for n in ours
    )


def bench_size(
    size: int,
    repo: Path,
    repeat: int,
    timeout: float,
    env: dict[str, str],
    xm: list[str],
    cjs: list[str] | None,
    log,
) -> dict[str, Result]:
    ledgers = repo / "ledgers"
    cjs_cmds = []
    if cjs:
        for name in (*LEDGERS, "xiangmu"):
            files = [ledgers / "xiangmu.yaml"] if name == "xiangmu" else sorted(ledgers.glob(f"*/{name}.yaml"))
            if files:
                cjs_cmds.append([*cjs, "--schemafile", str(repo / "schemas" / f"{name}.schema.json"), *map(str, files)])
    results = {k: Result() for k, _ in ROWS}
    results["floor"] = Result()

    def timed(key: str, cmd: list[str]) -> Run:
        r = measure(cmd, repo, timeout, env)
        results[key].runs.append(r)
        log(f"    {key:<17} {_fmt(r.wall, 's'):>9} {_fmt(r.cpu, 'cpu'):>9} {_fmt(r.rss, 'MB'):>9} {r.note}")
        return r

    measure([sys.executable, "-c", FLOOR_SCRIPT, "seq", str(ledgers)], repo, timeout, env)  # OS file cache
    for i in range(repeat):
        log(f"  run {i + 1}/{repeat}")
        for _ in range(FLOOR_RUNS):  # short and sensitive to other load: more samples for the median
            timed("floor_seq", [sys.executable, "-c", FLOOR_SCRIPT, "seq", str(ledgers)])
            timed("floor_threads", [sys.executable, "-c", FLOOR_SCRIPT, "threads", str(ledgers)])
        for key, _, args in COMMANDS:
            cmd = [*xm, *args, "--ledgers", str(ledgers)]
            timed(f"{key}_cold", [*cmd, "--no-cache"])
            if key == "validate":
                timed("validate_j1", [*cmd, "--no-cache", "--jobs", "1"])
            measure(cmd, repo, timeout, env)  # fills the cache, untimed
            timed(f"{key}_warm", cmd)
        if cjs_cmds and i == 0:
            r = run_group(cjs_cmds, repo, timeout, env)
            results["check_jsonschema"].runs.append(r)
            log(
                f"    {'check_jsonschema':<17} {_fmt(r.wall, 's'):>9} {_fmt(r.cpu, 'cpu'):>9} "
                f"{_fmt(r.rss, 'MB'):>9} {r.note}"
            )
    # The floor: the faster full parse, by median.
    seq_w, thr_w = results["floor_seq"].wall, results["floor_threads"].wall
    best = "floor_threads" if thr_w is not None and (seq_w is None or thr_w < seq_w) else "floor_seq"
    results["floor"] = results[best]
    results["_floor_kind"] = best  # type: ignore[assignment]
    return results


def help_time(xm: list[str], repeat: int, timeout: float, env: dict[str, str]) -> Result:
    result = Result()
    measure([*xm, "--help"], ROOT, timeout, env)  # bytecode and file cache
    for _ in range(max(5, repeat)):
        result.runs.append(measure([*xm, "--help"], ROOT, timeout, env))
    return result


def _importtime(cmd: list[str], repo: Path, timeout: float, env: dict[str, str]) -> list:
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", *cmd], capture_output=True, text=True, timeout=timeout, env=env, cwd=repo
    )
    imports = []
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)", line)
        if m:
            imports.append((int(m[2]) / 1e6, int(m[1]) / 1e6, len(m[3]) // 2, m[4]))
    return imports


def profile(repo: Path, timeout: float, env: dict[str, str], no_cache: bool) -> dict:
    """Import times of `xm validate` (cold, and warm when it has a cache) and a cProfile of
    xiangmu_cli.reading.loading.load on ``repo``."""
    out: dict = {}
    ledgers = repo / "ledgers"
    validate = ["-m", "xiangmu_cli", "validate", "--ledgers", str(ledgers)]
    try:
        out["imports"] = _importtime([*validate, "--no-cache"] if no_cache else validate, repo, timeout, env)
        if no_cache:
            subprocess.run([sys.executable, *validate], capture_output=True, timeout=timeout, env=env, cwd=repo)
            out["imports_warm"] = _importtime(validate, repo, timeout, env)
        out["imports_help"] = _importtime(["-m", "xiangmu_cli", "--help"], repo, timeout, env)
        proc = subprocess.run(
            [sys.executable, "-c", PROFILE_SCRIPT, str(ledgers)],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            cwd=repo,
        )
        if proc.returncode == 0:
            out["load"] = json.loads(proc.stdout.strip().splitlines()[-1])
        else:
            out["error"] = proc.stderr[-2000:]
    except subprocess.TimeoutExpired:
        out["error"] = f"profile timed out after {timeout:.0f} s"
    return out


# --- the report -------------------------------------------------------------------------------


def _fmt(v: float | None, unit: str = "") -> str:
    if v is None:
        return "–"
    if unit == "MB":
        return f"{v:.0f} MB"
    if unit == "cpu":
        return f"{v:.2f} s" if v < 100 else f"{v:.0f} s"
    return f"{v:.2f} {unit}".strip() if v < 100 else f"{v:.0f} {unit}".strip()


def _ratio(a: float | None, b: float | None) -> str:
    return "–" if a is None or not b else f"{a / b:.2f}×"


def machine() -> dict[str, str]:
    info = {"nproc": str(os.cpu_count())}
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        info["nproc"] = subprocess.run(["nproc"], capture_output=True, text=True, timeout=10).stdout.strip()
    try:
        cpu = Path("/proc/cpuinfo").read_text()
        m = re.search(r"^model name\s*:\s*(.+)$", cpu, re.M)
        info["cpu"] = m[1].strip() if m else platform.processor() or "?"
        m = re.search(r"^cpu MHz\s*:\s*(.+)$", cpu, re.M)
        if m:
            info["cpu"] += f" ({float(m[1]):.0f} MHz)"
    except OSError:
        info["cpu"] = platform.processor() or "?"
    try:
        m = re.search(r"^MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
        info["memory"] = f"{int(m[1]) / 2**20:.1f} GiB" if m else "?"
    except OSError:
        info["memory"] = "?"
    info["os"] = platform.platform()
    info["python"] = platform.python_version() + f" ({platform.python_implementation()})"
    for dist in (
        "xiangmu-cli",
        "yaml-rs",
        "pydantic",
        "pydantic-core",
        "ruamel.yaml",
        "ruamel.yaml.clib",
        "typer",
        "rich",
        "check-jsonschema",
        "jsonschema",
    ):
        try:
            info[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            info[dist] = "not installed"
    try:
        rev = subprocess.run(
            ["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
        info["commit"] = rev or "?"
        changed = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--", "src"], capture_output=True, text=True, timeout=10
        ).stdout.splitlines()
        if changed:
            info["commit"] += f"` + {len(changed)} uncommitted file(s) under `src/"
    except (OSError, subprocess.SubprocessError):
        info["commit"] = "?"
    return info


ROWS = [  # (key, label)
    ("floor_seq", "floor: yaml-rs `loads`, one thread"),
    ("floor_threads", "floor: yaml-rs `loads`, a thread per core"),
    ("validate_cold", "`xm validate` cold"),
    ("validate_j1", "`xm validate --jobs 1` cold"),
    ("validate_warm", "`xm validate` warm"),
    *[(f"{key}_{when}", f"{label} {when}") for key, label, _ in COMMANDS[1:] for when in ("cold", "warm")],
    ("check_jsonschema", "check-jsonschema (5 runs, summed; once)"),
]
XM_KEYS = [key for key, _ in ROWS if not key.startswith(("floor", "check_"))]
TARGETS = [  # (label, key, limit as a multiple of the floor)
    ("`xm validate` cold ≤ 2× floor", "validate_cold", 2.0),
    ("`xm validate` warm (no file changed) ≤ 1× floor", "validate_warm", 1.0),
    *[(f"{label} cold ≤ 3× floor", f"{key}_cold", 3.0) for key, label, _ in COMMANDS[1:]],
    *[(f"{label} warm ≤ 1× floor", f"{key}_warm", 1.0) for key, label, _ in COMMANDS[1:]],
]
LINEAR_KEYS = [
    "floor_seq",
    "validate_cold",
    "validate_warm",
    *[f"{key}_cold" for key in REPORTS],
    "monthly_warm",
    "check_jsonschema",
]
RSS_LIMIT = 400  # MB, every command at 20k
BIG_SIZE, BIG_LIMIT = 100000, 10.0  # cold validate at 100k under 10 s
LINEAR_LIMIT = 1.25  # marginal cost per 1k projects over the last size step / over the steps before it


def linearity(
    sizes: list[int], all_results: dict[int, dict[str, Result]], key: str
) -> tuple[list[tuple[int, int, float]], float | None]:
    """Marginal seconds per 1k projects between consecutive sizes, and the linearity ratio: the
    marginal cost over the last step (e.g. 20k→100k) over that from the smallest size to the
    second largest (1k→20k). Start-up cancels out; 1 is linear, above 1 superlinear."""
    pts = {n: all_results[n][key].wall for n in sizes if all_results[n][key].wall is not None}
    marginals = [
        (a, b, (pts[b] - pts[a]) / ((b - a) / 1000)) for a, b in zip(sizes, sizes[1:]) if a in pts and b in pts
    ]
    if len(sizes) < 3 or not all(n in pts for n in (sizes[0], sizes[-2], sizes[-1])):
        return marginals, None
    low = (pts[sizes[-2]] - pts[sizes[0]]) / ((sizes[-2] - sizes[0]) / 1000)
    high = (pts[sizes[-1]] - pts[sizes[-2]]) / ((sizes[-1] - sizes[-2]) / 1000)
    return marginals, (high / low if low > 0 else None)


def _linear_verdict(ratio: float | None) -> tuple[bool, str]:
    if ratio is None:
        return False, "–"
    if ratio > LINEAR_LIMIT:
        return False, "no (superlinear)"
    return True, "yes" if ratio >= 1 / LINEAR_LIMIT else "yes (sublinear)"


def write_doc(
    path: Path,
    args: argparse.Namespace,
    info: dict[str, str],
    sizes: list[int],
    data_info: dict[int, dict],
    all_results: dict[int, dict[str, Result]],
    help_result: Result,
    variant: dict[str, Result] | None,
    repeats: dict[int, int],
    prof: dict | None,
    started: dt.datetime,
    elapsed: float,
) -> str:
    L: list[str] = []
    w = L.append
    w("# Performance")
    w("")
    w("Generated by `benchmarks/run.py`; the tables are rewritten on every run, the notes at the end are kept.")
    w("Synthetic repositories come from `benchmarks/generate.py` (every ledger, field and spelling of the")
    w("contract, comments included). Each figure is the median of the runs shown; times are wall clock of")
    w("the whole process (interpreter start-up included), RSS is the process's peak. xm's modules are compiled")
    w("to bytecode first (`compileall`), as `pip install` does for a wheel and Python does on an editable")
    w("install's first run; a machine with `PYTHONDONTWRITEBYTECODE=1` would otherwise compile them at every start.")
    w(f"The floor is run {FLOOR_RUNS}× per run of the others (it is short, so more sensitive to other load).")
    w("")
    w(
        f"The repositories carry realistic warnings: {args.warnings:.0%} of the projects lack a 项目秘书 (W102) or "
        "have a 总投资 below the 入库门槛 (W101), as real ledgers do (issue 15); a few generated projects also "
        "report more 累计完成投资 than 总投资 (W104). "
        f"At {TARGET_SIZE // 1000}k a second repository (**with errors**) has in addition {args.errors} projects with "
        "an error (an impossible date, an unknown key): the commands then exit 1 and report the projects without them."
    )
    w("")
    w("The **floor** is the least any tool must do: one Python process that reads every YAML file and calls")
    w("`yaml_rs.loads(text, parse_datetime=False)` on it, the parse `xm` itself uses. It is measured with one")
    w("thread and with a thread per core (yaml-rs releases the GIL for part of the work); ratios are taken")
    w("against the faster of the two, measured in the same run on the same files.")
    w("")
    w(
        "Every command is measured cold (`--no-cache`) and warm (a normal run right after another normal run, no "
        "file changed: a cache hit). The reports write `--format json` to /dev/null; `xm validate` is also measured "
        "with `--jobs 1` (one process, the memory bound's worst case)."
    )
    w("")
    w(f"Measured {started:%Y-%m-%d %H:%M} UTC at commit `{info['commit']}` in {elapsed / 60:.0f} min.")
    w("")
    w("## Machine")
    w("")
    w("| | |")
    w("|---|---|")
    for k in ("cpu", "nproc", "memory", "os", "python"):
        w(f"| {k} | {info[k]} |")
    for k in (
        "xiangmu-cli",
        "yaml-rs",
        "pydantic",
        "pydantic-core",
        "ruamel.yaml",
        "ruamel.yaml.clib",
        "typer",
        "rich",
        "check-jsonschema",
        "jsonschema",
    ):
        w(f"| {k} | {info[k]} |")
    w(f"| peak RSS from | {'`/usr/bin/time -f %M`' if TIME_TOOL else '`os.wait4` ru_maxrss'} |")
    w("")
    w("## Reproduce")
    w("")
    w("```sh")
    w("python -m venv /tmp/venv && /tmp/venv/bin/pip install -e '.[test]'")
    w(
        f"/tmp/venv/bin/python benchmarks/run.py --sizes {','.join(map(str, sizes))} --seed {args.seed} "
        f"--repeat {args.repeat} --warnings {args.warnings:g} --errors {args.errors}"
        + "".join(f" --repeat-for {n}={r}" for n, r in sorted(repeats.items()) if r != args.repeat)
        + (" --profile" if prof else "")
        + " --data benchmarks/.data"
    )
    w("# one repository by hand, and the commands measured:")
    w(
        f"python benchmarks/generate.py --projects {TARGET_SIZE} --seed {args.seed} --warnings {args.warnings:g} "
        f"--out /tmp/xm-{TARGET_SIZE}"
    )
    w(f"cd /tmp/xm-{TARGET_SIZE}")
    w("xm validate --ledgers ledgers --no-cache")
    w("xm report monthly --ledgers ledgers --format json --no-cache > /dev/null   # and targets, overdue, score, list")
    w(
        "check-jsonschema --schemafile schemas/在建.schema.json ledgers/*/在建.yaml   # and 未入统, 计划开工, 招商, xiangmu"
    )
    w("```")
    w("")
    w("## Repositories")
    w("")
    w("| projects | warnings | errors | regions | files | size | runs | generated in | load average before → after |")
    w("|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for n in [*sizes, *(["errors"] if "errors" in data_info else [])]:
        d = data_info[n]
        gen = f"{d['gen_time']:.1f} s" if d.get("gen_time") else "reused"
        load = f"{d['load_before']:.2f} → {d['load_after']:.2f}" if "load_after" in d else ""
        runs = repeats[TARGET_SIZE if n == "errors" else n]
        w(
            f"| {int(d['projects']):,} | {float(d.get('warnings', 0)):.0%} | {d.get('errors', 0)} | {d['regions']} | "
            f"{d['files']} | {int(d['bytes']) / 2**20:.1f} MiB | {runs} | {gen} | {load} |"
        )
    w("")
    w(
        f"The machine has {info['nproc']} cores. The benchmark itself keeps one busy (load average ≈ 1); a 1-minute "
        "load average well above 1 means other work shared the cores during that size's runs and inflated the wall "
        "times (CPU times much less so)."
    )
    w("")
    w("## Results")
    tables = [(f"{n:,} projects", all_results[n]) for n in sizes]
    if variant is not None:
        tables.append((f"{TARGET_SIZE:,} projects, with errors", variant))
    for heading, res in tables:
        floor = res["floor"].wall
        w("")
        w(f"### {heading}")
        w("")
        w("| measurement | time | × floor | peak RSS | CPU time | range of runs (time) | note |")
        w("|---|---:|---:|---:|---:|---:|---|")
        for key, label in ROWS:
            r = res[key]
            mark = " (floor)" if r is res["floor"] and key.startswith("floor") else ""
            w(
                f"| {label}{mark} | {_fmt(r.wall, 's')} | {_ratio(r.wall, floor)} | {_fmt(r.rss, 'MB')} | "
                f"{_fmt(r.cpu, 'cpu')} | {r.spread} | {'; '.join(r.notes)[:160]} |"
            )
    w("")
    w(
        f"`xm --help`: {_fmt(help_result.wall, 's')} (median of {len(help_result.ok)}; CPU time "
        f"{_fmt(help_result.cpu, 'cpu')}), peak RSS {_fmt(help_result.rss, 'MB')}."
    )
    w("")
    w("## Linearity")
    w("")
    k = lambda n: f"{n // 1000}k" if n >= 1000 else str(n)  # noqa: E731
    linear_verdict: dict[str, tuple[bool, float | None, str, float | None]] = {}
    if len(sizes) < 3:
        w("(Three sizes or more are needed.)")
        linear_verdict = {key: (False, None, "–", None) for key in LINEAR_KEYS}
    else:
        w("Seconds per 1,000 projects at each size (start-up weighs on the small sizes), and the marginal cost")
        w("per 1,000 projects between sizes, in which start-up cancels out. The **linearity ratio** is the marginal")
        w(
            f"cost over the last step ({k(sizes[-2])}→{k(sizes[-1])}) divided by that from {k(sizes[0])} to "
            f"{k(sizes[-2])}: 1 is linear; the check passes at most {LINEAR_LIMIT} (below 1/{LINEAR_LIMIT}, sublinear)."
        )
        w("The floor row is the one-thread floor throughout, so that one kind of parse is compared across sizes.")
        w("A cross-check that a machine slowing down during the run (the largest size runs last) affects less:")
        w("each ratio divided by the floor's own ratio in the same run (**÷ floor**; 1: scales as the parse does).")
        w("")
        w(
            "| measurement | "
            + " | ".join(f"s/1k @ {k(n)}" for n in sizes)
            + " | "
            + " | ".join(f"marginal {k(a)}→{k(b)}" for a, b in zip(sizes, sizes[1:]))
            + " | ratio | linear | ÷ floor |"
        )
        w("|---|" + "---:|" * (2 * len(sizes) - 1 + 1) + "---|---:|")
        floor_ratio = linearity(sizes, all_results, "floor_seq")[1]
        for key in LINEAR_KEYS:
            label = dict(ROWS)[key]
            per1k = [all_results[n][key].wall for n in sizes]
            marginals, ratio = linearity(sizes, all_results, key)
            ok, verdict = _linear_verdict(ratio)
            relative = ratio / floor_ratio if ratio is not None and floor_ratio else None
            linear_verdict[key] = (ok, ratio, verdict, relative)
            w(
                f"| {label} | "
                + " | ".join("–" if t is None else f"{t / (n / 1000):.3f}" for t, n in zip(per1k, sizes))
                + " | "
                + " | ".join(f"{m:.3f}" for _, _, m in marginals)
                + f" | {'–' if ratio is None else f'{ratio:.2f}'} | {verdict}"
                + f" | {'–' if relative is None else f'{relative:.2f}'} |"
            )
    rss_rows = []
    for key in XM_KEYS:
        vals = [all_results[n][key].rss for n in sizes]
        rss_rows.append(f"| {dict(ROWS)[key]} | " + " | ".join(_fmt(v, "MB") for v in vals) + " |")
    w("")
    w("Peak RSS by size:")
    w("")
    w("| measurement | " + " | ".join(f"{n // 1000}k" for n in sizes) + " |")
    w("|---|" + "---:|" * len(sizes))
    L.extend(rss_rows)
    w("")
    w(f"## Targets at {TARGET_SIZE // 1000}k projects")
    w("")
    if TARGET_SIZE in all_results:
        res = all_results[TARGET_SIZE]
        floor = res["floor"].wall
        w(f"Floor at {TARGET_SIZE // 1000}k: {_fmt(floor, 's')} ({res['_floor_kind'].replace('floor_', '')}).")
        w("")
        w("Verdicts are on the medians. Two cross-checks that other load on the machine affects less: the best")
        w("run of each against the best floor run, and CPU time against the one-thread floor's CPU time.")
        w("")
        w("| target | median (wall) | verdict | best runs | CPU time |")
        w("|---|---:|---|---:|---:|")
        for label, key, limit in TARGETS:
            t = res[key].wall
            ok = t is not None and floor is not None and t <= limit * floor
            best_floor = min(
                (b for b in (res["floor_seq"].best, res["floor_threads"].best) if b is not None), default=None
            )
            best = f"{_fmt(res[key].best, 's')} = {_ratio(res[key].best, best_floor)}"
            cpu = f"{_fmt(res[key].cpu, 'cpu')} = {_ratio(res[key].cpu, res['floor_seq'].cpu)}"
            w(f"| {label} | {_fmt(t, 's')} = {_ratio(t, floor)} | {'pass' if ok else 'FAIL'} | {best} | {cpu} |")
        for heading, runs in (("", res), (", with errors", variant)):
            if runs is None:
                continue
            rss = [(runs[k].rss, dict(ROWS)[k]) for k in XM_KEYS if runs[k].rss is not None]
            peak = max(rss) if rss else (None, "")
            w(
                f"| peak RSS ≤ {RSS_LIMIT} MB, every command{heading} | {_fmt(peak[0], 'MB')} ({peak[1]}) | "
                f"{'pass' if peak[0] is not None and peak[0] <= RSS_LIMIT else 'FAIL'} | | |"
            )
        for key in LINEAR_KEYS:
            if key.startswith(("floor", "check_")) or key.endswith("_warm"):
                continue
            ok, ratio, verdict, relative = linear_verdict[key]
            w(
                f"| time linear in size, {k(sizes[0])} to {k(sizes[-1])} ({dict(ROWS)[key]}) | "
                f"linearity ratio {'–' if ratio is None else f'{ratio:.2f}'} | {'pass' if ok else 'FAIL'} | "
                f"÷ floor: {'–' if relative is None else f'{relative:.2f}'} | |"
            )
        if BIG_SIZE in all_results:
            big = all_results[BIG_SIZE]["validate_cold"]
            ok = big.wall is not None and big.wall < BIG_LIMIT
            w(
                f"| `xm validate` cold at {BIG_SIZE // 1000}k < {BIG_LIMIT:.0f} s | {_fmt(big.wall, 's')} | "
                f"{'pass' if ok else 'FAIL'} | {_fmt(big.best, 's')} | {_fmt(big.cpu, 'cpu')} |"
            )
        h = help_result.wall
        w(
            f"| `xm --help` ≤ 0.25 s | {_fmt(h, 's')} | {'pass' if h is not None and h <= 0.25 else 'FAIL'} | "
            f"{_fmt(help_result.best, 's')} | {_fmt(help_result.cpu, 'cpu')} |"
        )
    else:
        w(f"({TARGET_SIZE:,} was not among the sizes measured.)")
    if prof:
        w("")
        w(f"## Where the time goes: `xm validate` at {prof['size'] // 1000}k")
        w("")
        imports = prof.get("imports") or []
        if imports:
            total = sum(c for c, _, level, _ in imports if level == 0)
            cold = " --no-cache" if prof.get("imports_warm") else ""
            w(
                f"`python -X importtime -m xiangmu_cli validate{cold}`: {total:.2f} s of imports in all (importtime "
                "itself slows imports down). The largest, cumulative (a package's time includes what it imports):"
            )
            w("")
            w("| module | cumulative | self |")
            w("|---|---:|---:|")
            top = sorted((x for x in imports if x[2] <= 1), key=lambda x: -x[0])[:12]
            for cum, self_t, level, name in top:
                w(f"| {'  ' * level}{name} | {cum:.3f} s | {self_t:.3f} s |")
            for key, what in (("imports_warm", "a warm `xm validate` (cache hit)"), ("imports_help", "`xm --help`")):
                other = prof.get(key) or []
                if other:
                    names = {x[3] for x in other}
                    heavy = [
                        n
                        for n in (
                            "pydantic",
                            "rich",
                            "typer",
                            "ruamel.yaml",
                            "yaml_rs",
                            "xiangmu_cli.ledger.model",
                            "xiangmu_cli.reading.loading",
                        )
                        if n in names
                    ]
                    w("")
                    w(
                        f"Imports of {what}: {sum(c for c, _, lv, _ in other if lv == 0):.2f} s in all; of the heavy "
                        f"modules it imports {', '.join(f'`{n}`' for n in heavy) or 'none'}."
                    )
        load = prof.get("load")
        if load:
            w("")
            w(
                f"`xiangmu_cli.reading.loading.load` in-process: {load['plain']:.2f} s without the profiler "
                f"({load['projects']:,} projects, {load['problems']} problems); under cProfile {load['profiled']:.2f} s. "
                "This is the whole load in one process, with the cyclic collector off as in every command (the "
                "reports also skip locating problems and the checks that can only warn); `xm validate` shares the ledger "
                "files (parse, validate, one-project checks) among worker processes, one per core. "
                "Cumulative time of the main stages (under the profiler; the shares are what matters):"
            )
            w("")
            w("| stage (function) | calls | cumulative | share |")
            w("|---|---:|---:|---:|")
            for label, fn in PROFILE_STAGES:
                row = load["rows"].get(fn)
                if row:
                    w(f"| {label} (`{fn}`) | {row[0]:,} | {row[2]:.2f} s | {row[2] / load['profiled']:.0%} |")
            w("")
            w("<details><summary>cProfile, top 30 by cumulative time</summary>")
            w("")
            w("```")
            text = load["text"]
            start = text.find("   ncalls")
            L.extend(
                re.sub(r"\S*/(?:site-packages|src)/", "", line.rstrip())
                for line in text[start if start >= 0 else 0 :].splitlines()
                if line.strip()
            )
            w("```")
            w("")
            w("</details>")
        if prof.get("error"):
            w("")
            w(f"Profile failed: `{prof['error'][-300:]}`")
    doc = "\n".join(L) + "\n"
    kept = ""
    if path.exists():
        old = path.read_text(encoding="utf-8")
        if HAND_WRITTEN in old:
            kept = old.split(HAND_WRITTEN, 1)[1].lstrip("\n")
    doc += "\n" + HAND_WRITTEN + "\n\n" + (kept or "## Notes\n\n(none yet)\n")
    return doc


PROFILE_STAGES = [
    ("the whole load", "loading.py:load"),
    ("ledger files: read, parse, validate", "loading.py:load_ledger"),
    ("read + decode", "loading.py:_read"),
    ("YAML parse (yaml_rs)", "yamlread.py:_fast_load"),
    ("control-character scan", "yamlread.py:_non_printable"),
    ("pydantic validation of each project", "loading.py:_validate"),
    ("repository checks", "checks.py:run_checks"),
    ("locating problems", "loading.py:locate"),
]


# --- main -------------------------------------------------------------------------------------


def measure_all(args: argparse.Namespace, sizes: list[int], repeats: dict[int, int], log):
    """Generate (or reuse) each size and run every measurement on it."""
    env = {
        **os.environ,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "NO_COLOR": "1",
        "COLUMNS": "120",
        "PYTHONIOENCODING": "utf-8",
        # warm runs need the cache, which CI=true turns off; kept out of the user's own cache folder
        "XM_CACHE": "1",
        "XM_CACHE_DIR": str(Path(tempfile.gettempdir()) / "xm-bench-cache"),
    }
    xm = xm_command()
    compiled = compile_xm()
    log(f"xm's modules compiled to bytecode: {compiled}")
    cjs = check_jsonschema_command()
    if cjs is None:
        log("check-jsonschema not found: that row stays empty (pip install check-jsonschema)")
    log(f"xm: {' '.join(xm)}; peak RSS via {TIME_TOOL or 'os.wait4'}")
    tmp = None
    if args.data is None:
        tmp = Path(tempfile.mkdtemp(prefix="xm-bench-"))
    data = (args.data or tmp).resolve()  # the commands run with the repository as working directory
    data.mkdir(parents=True, exist_ok=True)
    all_results: dict[int, dict[str, Result]] = {}
    data_info: dict[int, dict] = {}
    prof = None
    try:
        variant = None
        runs = [(n, args.warnings, 0) for n in sizes]
        if TARGET_SIZE in sizes and args.errors:
            runs.append((TARGET_SIZE, args.warnings, args.errors))
        for n, warnings, errors in runs:
            label = "errors" if errors else n
            repo, info, gen_time = prepare(n, args.seed, data, warnings, errors)
            data_info[label] = {**info, "gen_time": gen_time, "load_before": os.getloadavg()[0]}
            log(
                f"{n:,} projects ({warnings:.0%} with warnings, {errors} with errors): {info['files']} files, "
                f"{int(info['bytes']) / 2**20:.1f} MiB"
                + (f", generated in {gen_time:.1f} s" if gen_time else ", reused")
                + f"; {repeats[n]} run(s)"
            )
            result = bench_size(n, repo, repeats[n], args.timeout, env, xm, cjs if not errors else None, log)
            if errors:
                variant = result
            else:
                all_results[n] = result
            data_info[label]["load_after"] = os.getloadavg()[0]
            if args.profile and not errors and n == min(sizes, key=lambda s: abs(s - TARGET_SIZE)):
                log("  profiling xm validate")
                prof = {"size": n, **profile(repo, args.timeout, env, True)}
            if args.data is None:
                shutil.rmtree(repo, ignore_errors=True)
        log("xm --help")
        help_result = help_time(xm, max(args.repeat, 5), args.timeout, env)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return all_results, data_info, help_result, variant, prof


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,5000,20000,100000", help="project counts, comma-separated")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--warnings", type=float, default=0.07, help="share of projects with a warning (real ledgers: ~0.07)"
    )
    ap.add_argument(
        "--errors", type=int, default=5, help=f"projects with an error in the second {TARGET_SIZE} repository"
    )
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement; the median is reported")
    ap.add_argument(
        "--repeat-for",
        action="append",
        default=[],
        metavar="SIZE=N",
        help="a different number of runs for one size, e.g. 100000=1",
    )
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "performance.md", help="Markdown report ('-': none)")
    ap.add_argument("--json", type=Path, default=None, help="also write the raw runs as JSON")
    ap.add_argument(
        "--data",
        type=Path,
        default=None,
        help="keep the repositories here and reuse them (e.g. benchmarks/.data); default: a temp dir",
    )
    ap.add_argument("--timeout", type=float, default=600, help="seconds allowed to each subprocess")
    ap.add_argument("--profile", action="store_true", help=f"also profile `xm validate` at {TARGET_SIZE}")
    ap.add_argument(
        "--from-json",
        type=Path,
        default=None,
        metavar="FILE",
        help="measure nothing: rewrite the report from the raw runs a --json run saved",
    )
    ap.add_argument(
        "--target",
        type=int,
        default=20000,
        help="the size the targets are checked at, and the errors repository made (default %(default)s)",
    )
    args = ap.parse_args(argv)
    globals()["TARGET_SIZE"] = args.target

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    if args.from_json:
        raw = json.loads(args.from_json.read_text(encoding="utf-8"))
        sizes = [int(n) for n in raw["sizes"]]
        args.seed, args.repeat = raw["seed"], raw["repeat"]
        args.warnings, args.errors = raw.get("warnings", 0.0), raw.get("errors", 0)
        repeats = {int(n): r for n, r in raw["repeats"].items()}
        data_info = {(n if n == "errors" else int(n)): d for n, d in raw["data"].items()}

        def _loaded(res: dict) -> dict:
            loaded: dict = {
                key: (runs if key.startswith("_") else Result([Run(**r) for r in runs]))
                for key, runs in res.items()
                if key != "floor"
            }
            for key, _ in ROWS:
                loaded.setdefault(key, Result())
            loaded["floor"] = loaded[loaded["_floor_kind"]]
            return loaded

        all_results = {int(n): _loaded(res) for n, res in raw["results"].items()}
        variant = _loaded(raw["variant"]) if raw.get("variant") else None
        help_result = Result([Run(**r) for r in raw["help"]])
        prof, info = raw["profile"], raw["machine"]
        started, elapsed = dt.datetime.fromisoformat(raw["started"]), raw["elapsed"]
        if args.profile:  # profile again, on the repository kept in --data
            if args.data is None:
                ap.error("--from-json with --profile needs --data (where the repositories were kept)")
            n = min(sizes, key=lambda s: abs(s - TARGET_SIZE))
            log(f"profiling xm validate at {n:,}")
            env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "NO_COLOR": "1", "COLUMNS": "120"}
            prof = {
                "size": n,
                **profile(
                    (args.data / f"{n}-seed{args.seed}-w{args.warnings:g}-e0").resolve(), args.timeout, env, True
                ),
            }
            raw["profile"] = prof
            args.from_json.write_text(json.dumps(raw, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    else:
        sizes = sorted({int(s.replace("_", "").replace("k", "000")) for s in args.sizes.split(",") if s.strip()})
        repeats = {n: args.repeat for n in sizes}
        for spec in args.repeat_for:
            n, r = spec.split("=")
            if int(n) in repeats:
                repeats[int(n)] = max(1, int(r))
        started = dt.datetime.now(dt.UTC)
        info = machine()  # before measuring: the commit that is measured
        t0 = time.perf_counter()
        all_results, data_info, help_result, variant, prof = measure_all(args, sizes, repeats, log)
        elapsed = time.perf_counter() - t0

    # The table on the terminal.
    print(f"{'projects':>9} {'measurement':<18} {'time':>9} {'x floor':>8} {'peak RSS':>9}")
    for n, res in [*((n, all_results[n]) for n in sizes), *([("errors", variant)] if variant else [])]:
        for key, _ in ROWS:
            r = res[key]
            print(
                f"{n:>9} {key:<18} {_fmt(r.wall, 's'):>9} {_ratio(r.wall, res['floor'].wall):>8} "
                f"{_fmt(r.rss, 'MB'):>9} {'; '.join(r.notes)[:80]}"
            )
    print(f"{'':>9} {'xm --help':<18} {_fmt(help_result.wall, 's'):>9}")

    if str(args.out) != "-":
        doc = write_doc(
            args.out,
            args,
            info,
            sizes,
            data_info,
            all_results,
            help_result,
            variant,
            repeats,
            prof,
            started,
            elapsed,
        )
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(doc, encoding="utf-8")
        log(f"wrote {args.out}")
    if args.json and not args.from_json:
        raw = {
            "machine": info,
            "sizes": sizes,
            "seed": args.seed,
            "repeat": args.repeat,
            "repeats": repeats,
            "started": started.isoformat(),
            "elapsed": elapsed,
            "warnings": args.warnings,
            "errors": args.errors,
            "data": data_info,
            "help": [r.__dict__ for r in help_result.runs],
            "profile": prof,
            "results": {
                n: {k: ([r.__dict__ for r in v.runs] if isinstance(v, Result) else v) for k, v in res.items()}
                for n, res in all_results.items()
            },
            "variant": (
                {k: ([r.__dict__ for r in v.runs] if isinstance(v, Result) else v) for k, v in variant.items()}
                if variant
                else None
            ),
        }
        args.json.write_text(json.dumps(raw, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
