#!/usr/bin/env python3
"""Regenerate tests/corpus/expected.yaml from what `xm validate` says of each corpus case now.

    python scripts/regen_corpus.py && git diff tests/corpus/expected.yaml

Review the diff: every changed line is a changed message or location that the tests will pin.
The test (tests/test_corpus.py) only compares; this script is the only writer.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["XM_CACHE"] = "0"


def main() -> None:
    from tests.test_corpus import EXPECTED, _dump, outcomes

    cwd = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="xm-corpus-") as tmp:
        monkeypatch = pytest.MonkeyPatch()
        try:
            found = outcomes(Path(tmp), monkeypatch)
        finally:
            monkeypatch.undo()
            os.chdir(cwd)
    EXPECTED.write_text(_dump(found), encoding="utf-8")
    print(f"wrote {EXPECTED.relative_to(ROOT)} ({len(found)} cases)")


if __name__ == "__main__":
    main()
