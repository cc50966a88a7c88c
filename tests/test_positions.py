"""The line scan that locates projects and their keys (reading/yamlread._BlockItems) agrees with
the composed tree on every project, key and kind of position of real and broken files, and is
the one used when it is sure."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xiangmu_cli.ledger.model import PROJECT_MODELS, key_order
from xiangmu_cli.reading.yamlread import PositionIndex, _BlockItems

from .conftest import ROOT

KEYS = sorted({k for model in PROJECT_MODELS.values() for k in key_order(model)} | {"不存在的键"})


def _files() -> list[Path]:
    found = sorted((ROOT / "ledgers").rglob("*.yaml"))
    found += sorted(p for p in (ROOT / "tests" / "corpus").rglob("*.yaml") if p.name != "expected.yaml")
    found += sorted((ROOT / "tests" / "errors").glob("*.yaml"))
    found += sorted((ROOT / "examples").rglob("*.yaml"))
    return [p for p in found if p.is_file()]


def _text(path: Path) -> str | None:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError:
        return None


@pytest.mark.parametrize("path", _files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_scan_agrees_with_the_composer(path: Path) -> None:
    text = _text(path)
    if text is None:
        return
    scan = _BlockItems(text)
    exact = PositionIndex(text)
    if exact._tree() is None:
        return  # a file that does not parse is never located through an index (its E001 has its place)
    for index in range(len(scan.items or []) + 1):
        for key in [None, *KEYS]:
            for at in ("key", "value", "item"):
                quick = scan.locate(index, key, at)
                if quick is None:
                    continue
                path_ = ("项目", index) if key is None else ("项目", index, key)
                assert quick == exact._full_node(path_, at), (path_, at)


def test_the_scan_knows_a_real_ledger_and_leaves_the_odd_to_the_composer() -> None:
    text = (ROOT / "ledgers" / "船营区" / "在建.yaml").read_text(encoding="utf-8")
    scan = _BlockItems(text)
    assert scan.items and all(keys is not None for _, _, keys in scan.items)
    index = PositionIndex(text)
    index.node(("项目", 0, "总投资"))
    index.node(("项目", 3, "编号"), "key")
    assert index._composed is False  # answered without composing the file
    odd = "项目:\n  -\n    编号: A\n  - {编号: B}\n  - 编号: C\n    名称: |\n      多行\n"
    quick = _BlockItems(odd)
    assert quick.locate(0, "编号", "key") is None and quick.locate(1, None, "value") is None
    assert quick.locate(2, "编号", "key") == (5, 5) and quick.locate(2, "名称", "value") is None
    assert _BlockItems("项目:\r  - 编号: A\r").items is None  # a lone CR: ruamel breaks lines there


def test_the_scan_agrees_on_generated_ledgers() -> None:
    # every spelling, flow and block items, comments, multi-line values (benchmarks/generate.py)
    from .test_benchmark_generator import gen

    for name, text in gen.build_files(600, 3, warnings=0.07, errors=2).items():
        if "/" not in name:
            continue
        scan, exact = _BlockItems(text), PositionIndex(text)
        assert scan.items is not None, name
        for index in range(len(scan.items)):
            for key in [None, *KEYS]:
                for at in ("key", "value", "item"):
                    quick = scan.locate(index, key, at)
                    if quick is not None:
                        path_ = ("项目", index) if key is None else ("项目", index, key)
                        assert quick == exact._full_node(path_, at), (name, path_, at)


def _paths(value: object, prefix: tuple[object, ...]) -> list[tuple[object, ...]]:
    """Every path into ``value`` (keys and list indexes), ``prefix`` first."""
    found = [prefix]
    if len(prefix) > 6:  # deep enough for any field of the format (the corpus has hostile nesting)
        return found
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
        found.append((*prefix, "不存在的键"))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            found += _paths(child, (*prefix, i))
    return found


def _fragment_cases() -> list[tuple[str, str]]:
    from .test_benchmark_generator import gen

    cases = [(str(p.relative_to(ROOT)), t) for p in _files() if (t := _text(p)) is not None]
    cases += [(n, t) for n, t in gen.build_files(300, 5, warnings=0.07, errors=2).items() if "/" in n]
    return cases


def test_a_project_composed_alone_has_the_positions_of_the_whole_file() -> None:
    # Deep paths (a 走访 entry's 日期, a month of 完成投资) are located by composing only the
    # project's lines (PositionIndex._item_node); every path of every project must come out
    # where the composer of the whole file puts it.
    import yaml_rs

    checked = 0
    for name, text in _fragment_cases():
        whole = PositionIndex(text)
        if whole._tree() is None:
            continue
        try:
            data = yaml_rs.loads(text, parse_datetime=False)
        except Exception:  # a file only ruamel reads: nothing to compare item by item
            continue
        items = data.get("项目") if isinstance(data, dict) else None
        if not isinstance(items, list):
            continue
        for i, item in enumerate(items):
            fresh = PositionIndex(text)
            for path in _paths(item, ("项目", i)):
                for at in ("key", "value"):
                    quick = fresh._item_node(i, path[2:], at)
                    if quick is not None:
                        checked += 1
                        assert quick == whole._full_node(path, at), (name, path, at)
    assert checked > 10000  # the comparison really ran on the corpus


def test_a_project_that_does_not_compose_alone_is_found_in_the_whole_file() -> None:
    text = "项目:\n  - 编号: A\n    名称: &n 甲\n  - 编号: B\n    名称: *n\n    总投资: -1\n"
    index = PositionIndex(text)
    assert index._item_node(1, ("总投资",), "value") is None  # the alias's anchor is in project A
    assert index.node(("项目", 1, "总投资")) == (6, 10)
    assert index._item_node(0, ("名称",), "value") == (3, 9)


# --- a problem's source line (PositionIndex.line_text) -------------------------------------------

_LINES = st.sampled_from(
    [
        "项目:",
        "  - 编号: A-1",
        "    名称: 甲",
        "    总投资: 1 # 注",
        "",
        "# 注释",
        "地区: 乙",
        "  -",
        "      - 2018-09-03",
    ]
)
#: Line breaks and characters that str.splitlines() also breaks at (or the scan leaves alone).
_ODD = st.sampled_from(["", "", "", "\r", "\x1c", "\x1e", "\x85", "\u2028", "\x0c", "\t"])


@settings(max_examples=1000, deadline=None)
@given(
    st.lists(st.tuples(_LINES, _ODD, st.sampled_from(["\n", "\r\n"])), max_size=14),
    st.booleans(),
    st.data(),
)
def test_a_source_line_is_the_line_splitlines_gives(lines: list, final: bool, data: st.DataObject) -> None:
    text = "".join(line + odd + end for line, odd, end in lines)
    if not final:
        text = text.rstrip("\r\n")
    index = PositionIndex(text)
    index.node(("项目", data.draw(st.integers(0, 3)), "名称"))  # the scan, where it can be sure
    expected = text.splitlines()
    for number in range(-1, len(expected) + 3):
        assert index.line_text(number) == (expected[number - 1] if 1 <= number <= len(expected) else None), number


def test_a_separator_before_the_projects_counts_as_splitlines_counts_it() -> None:
    """U+001C breaks a line for str.splitlines (the lines output shows) and not for YAML: the scan
    leaves such a file to the composer, so the lines shown are still splitlines' (hypothesis found
    it: the scan's line numbers, counted at "\n", were one short)."""
    text = "项目:\x1c\n项目:\n  - 编号: A-1\n"
    index = PositionIndex(text)
    index.node(("项目", 0, "名称"))
    assert [index.line_text(n) for n in range(1, 6)] == ["项目:", "", "项目:", "  - 编号: A-1", None]


def test_a_source_line_is_cut_from_its_project_alone() -> None:
    text = "项目:\r\n  - 编号: A-1\r\n    名称: 甲\r\n  - 编号: A-2\r\n    总投资: 很多\r\n"
    index = PositionIndex(text)
    assert index.node(("项目", 1, "总投资")) == (5, 10)
    assert index._items is not None and index._items.spans is not None  # the scan knows each project
    assert [index.line_text(n) for n in (2, 3, 5)] == ["  - 编号: A-1", "    名称: 甲", "    总投资: 很多"]
    assert index._lines is None  # none split the whole file
    assert [index.line_text(n) for n in (1, 6)] == ["项目:", None]  # outside the projects: the whole file split
