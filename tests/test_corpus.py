"""A corpus of broken ledger repositories (tests/corpus/), each pinned to its exit code and
located messages in tests/corpus/expected.yaml.

Layout: ``tests/corpus/_base/`` is a minimal valid repository; every other folder is one case,
whose files are laid over a copy of the base (same relative paths; a case may replace the base's
``船营区/在建.yaml`` or ``xiangmu.yaml`` or add files). Cases whose name ends in ``-is-fine`` or
``-is-ignored`` must exit 0. To add a case, add a folder and regenerate.

Every case is run through ``xm validate --format json`` (cwd = a temporary folder, so files show
as ``ledgers/…``) and ``xm fmt --check``: no traceback, exit 0 or 1, and the output of validate
must equal the pinned entry: exit code and one ``CODE file[:line:col] message`` line per problem.
Nothing may run: a case that tries ``touch xm-corpus-pwned`` must leave no such file.

When messages change on purpose, regenerate the expectations and review the diff (the test
itself only compares, it never writes what it then compares with):

    python scripts/regen_corpus.py && git diff tests/corpus/expected.yaml

One tiny case per problem code lives in tests/errors/ (tests/test_error_catalogue.py); this
corpus is about the ways whole files and repositories break, not about each code.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xiangmu_cli.cli import app

from .conftest import ROOT

CORPUS = Path(__file__).parent / "corpus"
EXPECTED = CORPUS / "expected.yaml"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith("_"))
MARKER = "xm-corpus-pwned"
runner = CliRunner()


def _materialise(case: str, into: Path) -> Path:
    root = into / "ledgers"
    shutil.copytree(CORPUS / "_base", root)
    shutil.copytree(CORPUS / case, root, dirs_exist_ok=True)
    return root


def _outcome(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    _materialise(case, tmp_path)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["validate", "--ledgers", "ledgers", "--format", "json", "--no-cache"])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1), result.output
    assert "内部错误" not in result.output, result.output  # the CLI's last-resort handler
    lines = []
    for p in json.loads(result.stdout):
        where = p["file"] + (f":{p['line']}:{p['col']}" if p["line"] is not None else "")
        lines.append(f"{p['code']} {where} {p['message']}")
    fmt = runner.invoke(app, ["fmt", "--check", "--ledgers", "ledgers"])
    assert fmt.exception is None or isinstance(fmt.exception, SystemExit), repr(fmt.exception)
    assert fmt.exit_code in (0, 1) and "内部错误" not in fmt.output, fmt.output
    assert not (tmp_path / MARKER).exists(), "a tag ran a command"
    return {"exit": result.exit_code, "problems": lines}


def _dump(outcomes: dict[str, dict]) -> str:
    """expected.yaml: plain YAML whose strings are JSON-quoted (valid YAML flow scalars)."""
    out = ["# Pinned by tests/test_corpus.py; regenerate with scripts/regen_corpus.py (see its docstring).\n"]
    for case in sorted(outcomes):
        out.append(f"{case}:\n  exit: {outcomes[case]['exit']}\n  problems:")
        problems = outcomes[case]["problems"]
        out.append(
            " []\n"
            if not problems
            else "\n" + "".join(f"    - {json.dumps(p, ensure_ascii=False)}\n" for p in problems)
        )
    return "".join(out)


def _load_expected() -> dict[str, dict]:
    import yaml_rs

    return yaml_rs.loads(EXPECTED.read_text(encoding="utf-8")) if EXPECTED.exists() else {}


def outcomes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, dict]:
    """Every case's outcome (also used by scripts/regen_corpus.py)."""
    found: dict[str, dict] = {}
    for case in CASES:
        with monkeypatch.context() as m:
            found[case] = _outcome(case, tmp_path / case, m)
    return found


def test_corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outcomes_ = outcomes(tmp_path, monkeypatch)
    expected = _load_expected()
    assert sorted(expected) == CASES, "cases added or removed: regenerate expected.yaml"
    mismatched = [case for case in CASES if outcomes_[case] != expected[case]]
    assert not mismatched, "\n".join(f"{case}: got {outcomes_[case]}, pinned {expected[case]}" for case in mismatched)


def test_fine_cases_are_fine_and_broken_ones_located() -> None:
    expected = _load_expected()
    for case, outcome in expected.items():
        fine = case.endswith(("-is-fine", "-is-ignored"))
        assert outcome["exit"] == (0 if fine else 1), case
        assert (outcome["problems"] == []) == fine, case
        for line in outcome["problems"]:
            code, where = line.split(" ", 2)[:2]
            file_level = code in ("E202", "E203", "E201") or (code == "E009" and "超过" in line)
            assert file_level or where.count(":") == 2, f"{case}: not located: {line}"


def test_syntax_errors_are_explained_in_chinese_only() -> None:
    # The parsers' English ("while parsing a block collection") chooses the explanation and is
    # never shown (issue 18).
    import re

    text = (CORPUS / "expected.yaml").read_text(encoding="utf-8")
    messages = [line for line in text.splitlines() if '"E001 ' in line]
    assert len(messages) >= 8
    for line in messages:
        message = line.split("YAML 语法错误：", 1)[1]
        assert not re.search(r"[A-Za-z]{3,}", message.replace("Tab", "").replace("YAML", "")), line


def test_a_report_that_skips_the_warning_checks_finds_every_error(tmp_path: Path) -> None:
    """The reports load without the checks that can only warn (checks.WARNING_CHECKS, issue 15):
    on every corpus case, the demo and the broken example they find the same errors, the same
    records, and those checks indeed gave warnings only."""
    from xiangmu_cli.reading import checks, loading

    roots = [ROOT / "ledgers", ROOT / "examples" / "broken" / "ledgers"]
    for case in CASES:
        (tmp_path / case).mkdir()
        roots.append(_materialise(case, tmp_path / case))
    warned = 0
    for root in roots:
        full = loading.load(root, locate=False)
        lean = loading.load(root, locate=False, warnings=False)
        assert [p.as_dict() for p in lean.problems] == [p.as_dict() for p in full.errors], root
        assert [(r.file, r.index) for r in lean.records] == [(r.file, r.index) for r in full.records], root
        skipped = checks.run_checks(full, checks.WARNING_CHECKS)
        assert not any(p.is_error for p in skipped), root
        warned += len(skipped)
    assert warned > 0  # the cases exercise them
