"""Fuzzing with hypothesis: random YAML and random damage to real ledgers, through `xm validate`
and every report command. Never a traceback; always exit 0 or 1; every problem in a file is
located (file:line:col); and reformatting a valid ledger (`xm fmt`) never changes its figures.

Bounded for CI by the profile ``xm-fuzz-ci`` (~30 s on 2 cores). For a long run (several minutes;
failures are saved in .hypothesis/ and replayed first next time):

    XM_FUZZ=long python -m pytest tests/test_fuzz.py -p no:randomly -x
    XM_FUZZ=long XM_FUZZ_EXAMPLES=20000 python -m pytest tests/test_fuzz.py   # longer still

`xm diff` and `xm log` are fuzzed on git histories of damaged revisions. Not fuzzed here: the
edit commands (tests/test_edit.py has its own property test).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from xiangmu_cli.cli import app

from .conftest import ROOT
from .gitrepo import git

runner = CliRunner()
_SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]
settings.register_profile("xm-fuzz-ci", max_examples=25, deadline=None, database=None, suppress_health_check=_SLOW)
settings.register_profile(
    "xm-fuzz-long",
    max_examples=int(os.environ.get("XM_FUZZ_EXAMPLES", "1500")),
    deadline=None,
    suppress_health_check=_SLOW,
)
PROFILE = settings.get_profile("xm-fuzz-long" if os.environ.get("XM_FUZZ") == "long" else "xm-fuzz-ci")

REGION = "北大壶开发区"  # the demo's smallest region: four real ledger files, ~15 KB
BASE = {"xiangmu.yaml": (ROOT / "ledgers" / "xiangmu.yaml").read_bytes()}
BASE.update({f"{REGION}/{p.name}": p.read_bytes() for p in sorted((ROOT / "ledgers" / REGION).glob("*.yaml"))})
FILES = sorted(BASE)
REPORTS = [["targets"], ["overdue"], ["score"], ["list"], ["report", "monthly"]]
#: Problems about a file or folder as a whole carry no line (a stray file, an unknown region…).
FILE_LEVEL = {"E201", "E202", "E203"}


def _write(base: Path, files: dict[str, bytes]) -> Path:
    root = base / "ledgers"
    if root.exists():
        shutil.rmtree(root)
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


def _ok(result) -> None:  # type: ignore[no-untyped-def]
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1), (result.exit_code, result.output[-1000:])
    assert "Traceback" not in result.output and "内部错误" not in result.output, result.output[-2000:]


def _validate(root: Path) -> tuple[int, list[dict]]:
    result = runner.invoke(app, ["validate", "--ledgers", str(root), "--format", "json", "--no-cache"])
    _ok(result)
    problems = json.loads(result.stdout)
    for p in problems:
        assert p["code"] in FILE_LEVEL or (p["line"] and p["col"]), p
        assert p["message"] and p["hint"], p
    assert (result.exit_code == 1) == any(p["severity"] == "error" for p in problems)
    return result.exit_code, problems


def _reports(root: Path) -> None:
    for command in REPORTS:
        _ok(runner.invoke(app, [*command, "--ledgers", str(root), "--format", "json"]))
    _ok(runner.invoke(app, ["info", "--ledgers", str(root)]))


def _monthly(root: Path) -> str:
    result = runner.invoke(app, ["report", "monthly", "--ledgers", str(root), "--format", "json"])
    _ok(result)
    return result.stdout


# --- random YAML documents ----------------------------------------------------------------------

KEYS = [
    "项目",
    "编号",
    "名称",
    "总投资",
    "完成投资",
    "开工日期",
    "建设性质",
    "年度计划投资",
    "问题",
    "走访",
    "地区",
    "台账",
    "2018-09",
    "备注",
    "x",
    "<<",
    "1",
]
SCALARS = st.one_of(
    st.sampled_from(
        [
            "CY-2018-001",
            "1.2亿",
            "12,000",
            "2018-09-03",
            "2018/9/3",
            "新建",
            "续建",
            "是",
            "~",
            "null",
            "-1",
            "1e400",
            ".nan",
            "0x1F",
            "=1+2",
            "'",
            '"',
            "#",
            "- x",
            ": x",
            "&a",
            "*a",
            "!!str x",
            "!!python/object/apply:os.system [ls]",
            "%YAML 1.2",
            "---",
            "...",
            "\t",
            "|",
            ">-",
            "{",
            "]",
        ]
    ),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.text(max_size=12),
)


def _render_yaml(node, indent: int = 0) -> str:  # type: ignore[no-untyped-def]
    pad = " " * indent
    if isinstance(node, dict):
        return (
            "".join(
                f"{pad}{k}:\n{_render_yaml(v, indent + 2)}"
                if isinstance(v, (dict, list)) and v
                else f"{pad}{k}: {_render_yaml(v)}"
                for k, v in node.items()
            )
            or f"{pad}{{}}\n"
        )
    if isinstance(node, list):
        return (
            "".join(
                f"{pad}-\n{_render_yaml(v, indent + 2)}"
                if isinstance(v, (dict, list)) and v
                else f"{pad}- {_render_yaml(v)}"
                for v in node
            )
            or f"{pad}[]\n"
        )
    return f"{node}\n"


TREES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS), inner, max_size=4)),
    max_leaves=20,
)
TOKENS = st.lists(
    st.sampled_from(
        [
            "项目",
            "编号",
            ":",
            " ",
            "  ",
            "\n",
            "- ",
            "[",
            "]",
            "{",
            "}",
            ",",
            "'",
            '"',
            "#",
            "&a",
            "*a",
            "!",
            "|",
            ">",
            "---",
            "...",
            "?",
            "\t",
            "\r\n",
            "\ufeff",
            "2018-09",
            "1.2亿",
            "\\",
            "%",
            "@",
            "`",
        ]
    ),
    max_size=60,
).map("".join)
DOCUMENTS = st.one_of(TREES.map(_render_yaml), TOKENS, st.binary(max_size=200).map(lambda b: b.decode("latin-1")))


@PROFILE
@given(doc=DOCUMENTS, where=st.sampled_from(FILES), encoding=st.sampled_from(["utf-8", "utf-8-sig", "gbk", "utf-16"]))
def test_random_documents(tmp_path_factory, doc: str, where: str, encoding: str) -> None:  # type: ignore[no-untyped-def]
    try:
        data = doc.encode(encoding)
    except UnicodeEncodeError:
        data = doc.encode("utf-8", "surrogatepass")
    root = _write(tmp_path_factory.mktemp("doc"), {**BASE, where: data})
    _validate(root)
    _reports(root)


# --- random damage to real ledgers --------------------------------------------------------------

SWAPS = [
    "[]",
    "{}",
    "-1",
    "-12.5",
    "1e309",
    "''",
    "~",
    "true",
    "2018-13-45",
    "9999-01-01",
    "[1, {a: b}]",
    '"=HYPERLINK(\\"http://x\\",\\"点我\\")"',
    "1.2亿",
    "约5000万",
    "0",
    "2018-09",
    "{2018-09: 1}",
    "A1",
]
INSERTS = [
    "---",
    "...",
    "\t- x",
    "- &a x",
    "- *a",
    "  x: !!python/object/apply:os.system [touch pwned]",
    "项目: []",
    "  -",
    "    - 编号: CY-2018-001",
    "#",
    "    名称: 重复",
    "%TAG ! tag:x,2000:",
    "? x",
]


@st.composite
def damaged(draw) -> tuple[str, bytes]:  # type: ignore[no-untyped-def]
    where = draw(st.sampled_from(FILES))
    text = BASE[where].decode("utf-8")
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "indent", "truncate", "flip"]))
        n = len(lines)
        i = draw(st.integers(0, max(n - 1, 0)))
        if op == "delete" and n > 1:
            del lines[i]
        elif op == "duplicate":
            j = draw(st.integers(i, min(i + 12, n)))
            lines[j:j] = lines[i:j]
        elif op == "swap" and ": " in lines[i]:
            key = lines[i].split(": ", 1)[0]
            lines[i] = f"{key}: {draw(st.sampled_from(SWAPS))}"
        elif op == "insert":
            lines.insert(i, draw(st.sampled_from(INSERTS)))
        elif op == "indent":
            lines[i] = " " * draw(st.integers(0, 8)) + lines[i].lstrip(" ")
        elif op == "truncate":
            joined = "\n".join(lines)
            lines = joined[: draw(st.integers(0, len(joined)))].split("\n")
    data = bytearray("\n".join(lines).encode("utf-8"))
    if draw(st.integers(0, 4)) == 0 and data:  # a few random byte flips
        for _ in range(draw(st.integers(1, 3))):
            k = draw(st.integers(0, len(data) - 1))
            data[k] ^= 1 << draw(st.integers(0, 7))
    return where, bytes(data)


@PROFILE
@given(case=damaged())
def test_damaged_ledgers(tmp_path_factory, case: tuple[str, bytes]) -> None:  # type: ignore[no-untyped-def]
    where, data = case
    root = _write(tmp_path_factory.mktemp("damaged"), {**BASE, where: data})
    code, _ = _validate(root)
    _reports(root)
    fmt = runner.invoke(app, ["fmt", "--check", "--ledgers", str(root)])
    _ok(fmt)
    if code == 0:  # the damage kept the ledgers valid: fmt must not change a figure
        _assert_fmt_keeps_figures(root, may_refuse=True)


def _assert_fmt_keeps_figures(root: Path, may_refuse: bool = False) -> None:
    before = _monthly(root)
    files = {p: p.read_bytes() for p in sorted(root.rglob("*.yaml"))}
    result = runner.invoke(app, ["fmt", "--ledgers", str(root)])
    _ok(result)
    if may_refuse and result.exit_code == 1:  # a layout fmt cannot rewrite safely: says so, writes nothing
        assert "无法整理" in result.stdout, result.stdout
        assert {p: p.read_bytes() for p in files} == files
        return
    assert result.exit_code == 0, result.output
    assert _validate(root)[0] == 0
    assert _monthly(root) == before
    again = runner.invoke(app, ["fmt", "--check", "--ledgers", str(root)])
    assert again.exit_code == 0, again.output  # idempotent


# --- layout noise on valid ledgers: reformatting never changes a figure --------------------------


@st.composite
def noisy(draw) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    files = dict(BASE)
    for where in draw(st.lists(st.sampled_from(FILES), min_size=1, max_size=3, unique=True)):
        lines = files[where].decode("utf-8").split("\n")
        for _ in range(draw(st.integers(1, 8))):
            i = draw(st.integers(0, len(lines) - 1))
            op = draw(st.sampled_from(["comment", "blank", "trailing", "crlf"]))
            indent = len(lines[i]) - len(lines[i].lstrip(" "))
            if op == "comment":
                lines.insert(i, " " * indent + "# " + draw(st.text(alphabet="注释备忘 abc#:-'\"", max_size=10)))
            elif op == "blank":
                lines.insert(i, "")
            elif op == "trailing" and "#" not in lines[i] and "'" not in lines[i] and '"' not in lines[i]:
                lines[i] += " " * draw(st.integers(1, 3)) + draw(st.sampled_from(["", "# 说明"]))
            elif op == "crlf":
                lines = [line.rstrip("\r") + "\r" for line in lines]
        files[where] = "\n".join(lines).encode("utf-8")
    return files


@PROFILE
@given(files=noisy())
def test_fmt_keeps_figures(tmp_path_factory, files: dict[str, bytes]) -> None:  # type: ignore[no-untyped-def]
    root = _write(tmp_path_factory.mktemp("noisy"), files)
    assert _validate(root)[0] == 0
    _assert_fmt_keeps_figures(root)


#: A project of the fuzzed region whose history `xm log` follows.
TRACKED = re.search(r"编号: *([A-Za-z0-9_-]+)", BASE[f"{REGION}/在建.yaml"].decode("utf-8"))[1]  # type: ignore[index]


@PROFILE
@given(first=damaged(), second=damaged())
def test_diff_and_log_across_damaged_revisions(
    tmp_path_factory,
    first: tuple[str, bytes],  # type: ignore[no-untyped-def]
    second: tuple[str, bytes],
) -> None:
    base = tmp_path_factory.mktemp("history")
    root = _write(base, BASE)
    git(base, "init", "-q", "-b", "main")
    git(base, "add", "-A")
    git(base, "commit", "-q", "-m", "基线")
    for n, (where, data) in enumerate((first, second), 1):
        (root / where).write_bytes(data)
        git(base, "add", "-A")
        git(base, "commit", "-q", "--allow-empty", "-m", f"第 {n} 次改动")
    (root / first[0]).write_bytes(BASE[first[0]])  # the working tree differs from HEAD too
    for args in (
        ["diff", "HEAD~2", "HEAD~1"],
        ["diff", "HEAD~1", "HEAD"],
        ["diff", "HEAD~2"],
        ["diff"],
        ["log", TRACKED],
    ):
        _ok(runner.invoke(app, [*args, "--ledgers", str(root), "--format", "json"]))
