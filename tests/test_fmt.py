"""`xm fmt`: canonical layout that keeps every comment — library, properties and CLI."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from xiangmu_cli.cli import app
from xiangmu_cli.reading.loading import load
from xiangmu_cli.reading.yamlread import _fast_load, parse_text
from xiangmu_cli.write.fmt import CONFIG, FormatError, comment_texts, format_file, format_text, kind_of, shape_for

from .conftest import ROOT, write_repo

runner = CliRunner()


FIXTURES = ROOT / "tests" / "fixtures" / "fmt"


def data(text: str) -> str:
    """The data of a YAML text as the loader reads it, in a form where 1, 1.0 and true differ."""
    return json.dumps(_fast_load(text.lstrip("\ufeff")), ensure_ascii=False, sort_keys=True)


def fmt(text: str, kind: str | None = "在建") -> str:
    return format_text(text, kind)


# --- the order comes from the models and is the contract's -----------------------------------

COMMON = [
    "编号",
    "名称",
    "项目代码",
    "建设单位",
    "类别",
    "级别",
    "建设内容",
    "总投资",
    "资金来源",
    "包保领导",
    "项目秘书",
    "责任单位",
    "用地面积",
    "问题",
    "走访",
    "备注",
]
STARTED = [
    "建设性质",
    "开工日期",
    "复工日期",
    "计划开工日期",
    "计划竣工日期",
    "竣工日期",
    "计划投产日期",
    "投产日期",
    "年度计划投资",
    "以前年度完成投资",
    "以前月份完成投资",
    "完成投资",
    "形象进度",
    "前期手续",
]
#: Kept from 招商 by a landing (revision 2), after the ledger's own keys, in 招商's order.
LANDED = ["投资方", "来源地", "签约日期", "计划落地日期", "落地日期", "重点"]
#: Kept from 谋划 by a conversion (转化, issue 16), at the very end.
CONVERTED = ["谋划日期", "入国家库", "转化日期"]


def test_key_order_is_the_contracts() -> None:
    def project(kind: str) -> Any:
        return shape_for(kind).fields["项目"].each

    assert shape_for("在建").keys == ("地区", "台账", "项目")
    assert list(project("在建").keys) == COMMON + STARTED + ["入统日期", "入统时限"] + LANDED + CONVERTED
    assert list(project("未入统").keys) == COMMON + STARTED + ["未入统原因", "入统时限"] + LANDED + CONVERTED
    assert (
        list(project("计划开工").keys)
        == COMMON + ["建设性质", "计划开工日期", "年度计划投资", "前期手续", "开工条件"] + LANDED + CONVERTED
    )
    assert list(project("谋划").keys) == COMMON + ["谋划阶段", "谋划日期", "预计开工年度", "入国家库", "前期手续"]
    assert list(project("招商").keys) == COMMON + [
        "阶段",
        "投资方",
        "来源地",
        "签约日期",
        "计划落地日期",
        "落地日期",
        "重点",
    ]
    started = project("在建")
    assert started.fields["问题"].each.keys == (
        "提出日期",
        "内容",
        "分类",
        "责任单位",
        "层级",
        "时限",
        "升级",
        "解决日期",
        "解决情况",
    )
    assert started.fields["问题"].each.fields["升级"].each.keys == ("层级", "日期")  # issue 17
    assert started.fields["走访"].each.keys == ("日期", "走访人", "方式", "内容")
    assert started.fields["完成投资"].months
    assert project("计划开工").fields["前期手续"].each.keys == ("名称", "计划办结", "办结日期")
    config = shape_for(CONFIG)
    assert config.keys == (
        "名称",
        "年度",
        "类别",
        "产业类别",
        "级别",
        "问题分类",
        "口径",
        "扩展字段",
        "领导",
        "地区",
        "目标",
        "考评",
        "通报",
    )
    assert config.fields["口径"].keys == (
        "入库门槛",
        "亿元以上",
        "十亿元以上",
        "领导包保门槛",
        "走访周期",
        "入统时限",
        "低于门槛提示",
        "红灯进度差",
        "临期天数",
    )
    assert config.fields["扩展字段"].each.keys == ("名称", "类型", "选项", "说明")
    assert config.fields["领导"].each.keys == ("姓名", "职务", "包保地区")
    assert config.fields["地区"].each.keys == ("名称", "类型")
    assert config.fields["考评"].keys == ("指标", "封顶", "前列加分", "后列减档")
    assert config.fields["考评"].fields["前列加分"].keys == ("名次", "加分")
    assert config.fields["考评"].fields["后列减档"].keys == ("名次",)
    assert not config.fields["目标"].keys and not config.fields["目标"].each.keys  # 目标: keys as written


def test_kind_of_and_unknown_kind() -> None:
    assert kind_of(Path("ledgers/xiangmu.yaml")) == CONFIG
    assert kind_of(Path("ledgers/船营区/计划开工.yaml")) == "计划开工"
    assert kind_of(Path("other.yaml")) is None
    with pytest.raises(ValueError, match="未知的文件类型"):
        format_text("项目: []\n", "在見")


# --- exact outputs ------------------------------------------------------------------------------


def test_messy_ledger_file_exact() -> None:
    """BOM, CRLF, 4-space indent, keys out of order with their comments, quoted 编号, months out of
    order in block and flow style, flow mappings, no blank line and two blank lines between projects."""
    raw = (FIXTURES / "messy-在建.yaml").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    expected = (FIXTURES / "messy-在建.expected.yaml").read_text(encoding="utf-8")
    out = fmt(raw.decode("utf-8"))
    assert out == expected
    assert data(out) == data(raw.decode("utf-8"))
    assert comment_texts(out) == comment_texts(raw.decode("utf-8"))
    assert fmt(expected) == expected


def test_messy_ledger_expected_text() -> None:
    # The fixture's expected output, spelled out so that a reader sees what canonical means.
    assert (
        (FIXTURES / "messy-在建.expected.yaml").read_text(encoding="utf-8")
        == """\
# yaml-language-server: $schema=../../schemas/在建.schema.json
# 船营区 在建台账（手工录入，格式很乱）
地区: 船营区
台账: 在建    # 可以不写
项目:
  # 编号要加引号
  - 编号: "010"
    名称: 碳纤维原丝扩能项目      # 名称的行尾注释
    总投资: 1.2亿
    问题:
      - 提出日期: 2018-05-20
        内容: 外部供水管线未接通
        # 已解决
        解决日期: 2018-06-18
    走访: [2018-05-20, {日期: 2018-06-04, 内容: 协调供水管线}]
    备注: 二期工程 2019 年开工
    建设性质: 续建
    开工日期: 2017-06-15
    年度计划投资: 4000
    完成投资:   # 当月完成
      # 四月的注释
      2018-04: 600
      2018-05: 800   # 五月
      2018-06: 0
    自定义: 保留在已知键之后

  - 编号: CY-2018-002
    名称: 北山污水处理厂提标改造工程
    总投资: 49000
    建设性质: 新建
    开工日期: 2018-06-04
    年度计划投资: 10500
    完成投资: {2018-06: 1213, 2018-07: 2441}

  # 第三个项目：刚入统
  - 编号: CY-2018-003
    名称: 江北垃圾转运站项目
    总投资: 4.8亿元
    建设性质: 新建
    开工日期: 2018-07-26
    年度计划投资: 19000
    入统日期: 2018-09-01
"""
    )


def test_messy_config_exact() -> None:
    text = (FIXTURES / "messy-xiangmu.yaml").read_text(encoding="utf-8")
    out = fmt(text, CONFIG)
    assert out == (FIXTURES / "messy-xiangmu.expected.yaml").read_text(encoding="utf-8")
    assert (
        out
        == """\
# yaml-language-server: $schema=../schemas/xiangmu.schema.json
# 测试用配置

名称: 吉林市重点项目建设台账
年度: 2018                 # 报告年度
类别: [工业, 民生]
口径:
  入库门槛: 5000   # 万元
  走访周期: 15     # 天
领导:
  - 姓名: 马志远
    职务: 副市长
    包保地区: [船营区]
地区:
  - {名称: 船营区, 类型: 区县}
  - 名称: 高新区
    类型: 开发区   # 开发区
目标:
  船营区: {新开工项目数: 14, 年度投资: 508000}   # 键照写的顺序
  全市: {年度投资: 4700000}
# 考评放在中间
考评:
  指标: {开工率: 20, 投资完成率: 40}
  封顶: 1.2
  前列加分: {名次: 3, 加分: 2}
  后列减档: {名次: 3}
"""
    )
    assert data(out) == data(text)


def test_planned_and_investment_orders() -> None:
    planned = """\
项目:
  - 开工条件: 等施工许可
    前期手续:
      - {办结日期: 2018-03-01, 名称: 立项}
      - 计划办结: 2018-10-30
        名称: 施工许可   # 最后一项
    计划开工日期: 2018-10-15
    名称: 生物医药产业园
    编号: GX-2018-101
    总投资: 30000
"""
    assert (
        fmt(planned, "计划开工")
        == """\
项目:
  - 编号: GX-2018-101
    名称: 生物医药产业园
    总投资: 30000
    计划开工日期: 2018-10-15
    前期手续:
      - {名称: 立项, 办结日期: 2018-03-01}
      - 名称: 施工许可   # 最后一项
        计划办结: 2018-10-30
    开工条件: 等施工许可
"""
    )
    investment = "项目:\n  - {重点: 是, 阶段: 洽谈, 编号: ZS-1, 投资方: 某集团, 名称: 食品园, 总投资: 1亿}\n"
    assert (
        fmt(investment, "招商")
        == "项目:\n  - {编号: ZS-1, 名称: 食品园, 总投资: 1亿, 阶段: 洽谈, 投资方: 某集团, 重点: 是}\n"
    )


def test_blank_lines_between_projects() -> None:
    text = "项目:\n\n\n  - 编号: A\n  - 编号: B\n\n\n\n  - 编号: C\n    名称: c\n\n\n    总投资: 1\n\n\n"
    assert fmt(text) == "项目:\n  - 编号: A\n\n  - 编号: B\n\n  - 编号: C\n    名称: c\n\n    总投资: 1\n"


def test_comment_ownership() -> None:
    """Own-line comments go with the key below; a comment as deep as a block that just ended stays
    at that block's end; the header up to its last blank line stays first."""
    text = """\
# yaml-language-server: $schema=x.json
# 文件说明

# 关于项目列表
项目:
  - 编号: A
    完成投资:
      2018-05: 1
      # 五月之后（完成投资的末尾）
    # 关于名称
    名称: a
    # 项目 A 的末尾
  # 关于项目 B
  - 编号: B
# 关于地区（在最后）
地区: 船营区   # 地区
"""
    assert (
        fmt(text)
        == """\
# yaml-language-server: $schema=x.json
# 文件说明

# 关于地区（在最后）
地区: 船营区   # 地区
# 关于项目列表
项目:
  - 编号: A
    # 关于名称
    名称: a
    完成投资:
      2018-05: 1
      # 五月之后（完成投资的末尾）
    # 项目 A 的末尾

  # 关于项目 B
  - 编号: B
"""
    )


def test_comments_under_a_key_without_block_stay_under_it() -> None:
    # A placeholder `项目:` with commented-out projects keeps them; a comment after a block scalar
    # cannot be kept under it (it would become the scalar's content) and goes with the next key.
    text = """\
项目:
  # 暂无项目，示例：
  #   - 编号: XX-2018-001
备注: |
  文字
# 地区的注释
地区: 船营区
"""
    assert (
        fmt(text)
        == """\
# 地区的注释
地区: 船营区
项目:
  # 暂无项目，示例：
  #   - 编号: XX-2018-001
备注: |
  文字
"""
    )


def test_scalars_kept_as_written() -> None:
    long_name = "很长的名称" * 60
    text = f"""\
项目:
  - 总投资: １２０００
    编号: !!str 010
    名称: {long_name}
    备注: |   # 块标量的注释
      第一行
        缩进的第二行
    用地面积: 12,000
    建设单位: ~
    类别: null
    责任单位: 'a # not a comment'
    形象进度: 跨行的
      普通文字
    项目秘书: "双引号
      跨行"
"""
    assert (
        fmt(text)
        == f"""\
项目:
  - 编号: !!str 010
    名称: {long_name}
    建设单位: ~
    类别: null
    总投资: １２０００
    项目秘书: "双引号
      跨行"
    责任单位: 'a # not a comment'
    用地面积: 12,000
    备注: |   # 块标量的注释
      第一行
        缩进的第二行
    形象进度: 跨行的
      普通文字
"""
    )
    assert data(fmt(text)) == data(text)


def test_four_space_block_scalar_is_reindented_with_its_key() -> None:
    text = "项目:\n    -   备注: |\n            第一行\n              第二行\n        编号: A\n"
    out = fmt(text)
    assert out == "项目:\n  - 编号: A\n    备注: |\n        第一行\n          第二行\n"
    assert data(out) == data(text)


def test_unusual_but_valid_layouts() -> None:
    text = """\
项目:
- # 第一个项目
  名称: a
  编号: A
-
  编号: B
- 编号: C
  走访:
  - 2018-09-03
  - 日期: 2018-09-18
  备注:    # 空的备注
  名称:
    名称写在下一行
"""
    assert (
        fmt(text)
        == """\
项目:
  - # 第一个项目
    编号: A
    名称: a

  - 编号: B

  - 编号: C
    名称:
      名称写在下一行
    走访:
      - 2018-09-03
      - 日期: 2018-09-18
    备注:    # 空的备注
"""
    )


def test_multiline_flow_with_comments_is_kept() -> None:
    # Several lines may hold comments: kept as written (not reordered), moved with its key's indentation.
    text = "项目:\n    -   编号: A\n        走访: [2018-09-03,   # 第一次\n            {内容: x, 日期: 2018-09-18}]\n"
    assert fmt(text) == "项目:\n  - 编号: A\n    走访: [2018-09-03,   # 第一次\n        {内容: x, 日期: 2018-09-18}]\n"


def test_unknown_keys_keep_their_order_after_the_known_ones() -> None:
    text = "乙: 2\n项目: []\n甲: 1\n地区: 船营区\n"
    assert fmt(text) == "地区: 船营区\n项目: []\n乙: 2\n甲: 1\n"


def test_generic_kind_only_fixes_layout() -> None:
    text = "b:\n    - x\n    - {d: 1, c: 2}\na: 1\n"
    assert format_text(text, None) == "b:\n  - x\n  - {d: 1, c: 2}\na: 1\n"


def test_document_markers() -> None:
    text = "%YAML 1.2\n---\n# 说明\n\n项目: []\n...\n"
    assert fmt(text) == text


# --- what is refused, untouched -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("项目:\n  - 编号: A\n    名称: 'unclosed\n", "E001"),
        ("项目:\n  - 编号: A\n    编号: B\n", "E002"),
        ("项目:\n  - 编号: &a A\n  - 编号: *a\n", "E003"),
        ("项目: !!python/object:os.system []\n", "E004"),
        ("项目: []\n---\n项目: []\n", "E006"),
        ("# 只有注释\n", "E007"),
        ("- 编号: A\n", "E008"),
    ],
)
def test_unparsable_text_raises_with_located_problems(text: str, code: str) -> None:
    with pytest.raises(FormatError) as caught:
        fmt(text)
    assert [p.code for p in caught.value.problems][:1] == [code]
    assert all(p.line is not None for p in caught.value.problems)


@pytest.mark.parametrize(
    "text",
    [
        "项目:\n  - ? 编号\n    : A\n",  # explicit key
        "项目:\n  - 编号: A\n    备注: |+\n      保留结尾空行\n\n  - 编号: B\n",  # keep-chomping block scalar
        "{项目: []}\n",  # flow mapping at the top
    ],
)
def test_layouts_it_does_not_rewrite_are_refused(text: str) -> None:
    with pytest.raises(FormatError, match="xm fmt 无法整理") as caught:
        fmt(text)
    assert caught.value.line is not None and not caught.value.problems


# --- every demo file: idempotent, same data, same comments -----------------------------------


def _demo_files() -> list[Path]:
    files = sorted((ROOT / "ledgers").rglob("*.yaml")) + sorted((ROOT / "examples").rglob("*.yaml"))
    return [p for p in files if not p.name.startswith(".")]


@pytest.mark.parametrize("path", _demo_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_demo_files_idempotent_and_lossless(path: Path) -> None:
    text = path.read_bytes().decode("utf-8")
    try:
        out = format_text(text, kind_of(path))
    except FormatError as exc:  # the broken example's broken files
        assert "examples/broken" in str(path) and exc.problems
        return
    assert format_text(out, kind_of(path)) == out
    assert data(out) == data(text)
    assert comment_texts(out) == comment_texts(text)
    if path.is_relative_to(ROOT / "ledgers"):
        assert out == text.lstrip("\ufeff"), "the demo ledgers are already canonical"


@pytest.mark.parametrize("tree", ["ledgers", "examples/minimal/ledgers"])
def test_loaded_repository_unchanged_by_fmt(tree: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "ledgers"
    shutil.copytree(ROOT / tree, copy)
    monkeypatch.chdir(tmp_path)
    before = load(copy)
    result = runner.invoke(app, ["fmt", "--ledgers", "ledgers"])
    assert result.exit_code == 0, result.stdout
    after = load(copy)
    assert after.config == before.config
    assert [(r.file, r.project) for r in after.records] == [(r.file, r.project) for r in before.records]
    assert sorted((p.code, p.file, p.message) for p in after.problems) == sorted(
        (p.code, p.file, p.message) for p in before.problems
    )


# --- properties: random projects with random comments ------------------------------------------

_WORDS = [
    "碳纤维项目",
    "1.2亿",
    "12000",
    "12000.5",
    '"010"',
    "'单引号'",
    "2018-09-03",
    "新建",
    "~",
    "是",
    "船营区 发改局",
    "１２０００",
    "0",
    "null",
    "协调用地",
]
_MONTHS = [f"2018-{m:02d}" for m in range(1, 13)] + ["２０１８-０３"]


class _Writer:
    """Writes a YAML text line by line, with comments where hypothesis says, remembering where
    each comment was written: above which key, or at the end of which key's line."""

    def __init__(self, draw: Any, indent: int) -> None:
        self.draw = draw
        self.indent = indent
        self.lines: list[str] = []
        self.above: dict[str, str | None] = {}  # own-line comment → key (or item) right below it
        self.at_end: dict[str, str | None] = {}  # end-of-line comment → key (or item) of its line
        self.count = 0

    def comment(self) -> str:
        self.count += 1
        return f"# 注释{self.count} 说明"

    def chance(self, one_in: int) -> bool:
        return self.draw(st.integers(0, one_in - 1)) == 0

    def line(self, prefix: str, content: str, anchor: str | None) -> None:
        if self.chance(3):
            note = self.comment()
            self.at_end[note] = anchor
            content += " " * self.draw(st.integers(1, 8)) + note
        self.lines.append(prefix + content)

    def before(self, column: int, anchor: str | None) -> None:
        self.lines.extend([""] * self.draw(st.sampled_from([0, 0, 0, 1, 2])))
        if self.chance(3):
            note = self.comment()
            self.above[note] = anchor
            self.lines.append(" " * column + note)

    def mapping(
        self, pairs: list[tuple[str, Any]], column: int, dash: int | None = None, free_first: bool = False
    ) -> None:
        for i, (key, value) in enumerate(pairs):
            inline = isinstance(value, str)
            content = f"{key}: {value}" if inline else f"{key}:"
            if dash is not None and i == 0:
                prefix = " " * dash + "-" + " " * (column - dash - 1)
            else:
                if not (free_first and i == 0):
                    self.before(column, key)
                prefix = " " * column
            self.line(prefix, content, key)
            if inline:
                continue
            kind, inner = value
            if kind == "map":
                self.mapping(inner, column + self.indent)
            else:
                self.sequence(inner, column + self.draw(st.sampled_from([0, 2, self.indent])))
            if self.chance(5):  # a comment as deep as the nested block, after it
                self.lines.append(" " * (column + self.indent + 2) + self.comment())

    def sequence(self, items: list[Any], dash: int) -> None:
        for item in items:
            if isinstance(item, str):
                anchor = None if item.startswith("{") else item
                self.before(dash, anchor)
                self.line(" " * dash + "- ", item, anchor)
            else:
                self.before(dash, None)  # above the dash: the item's, whichever key comes first
                self.mapping(item[1], dash + self.draw(st.sampled_from([2, self.indent])), dash=dash)


def _value(draw: Any, key: str) -> Any:
    def shuffled(pairs: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
        return draw(st.permutations(pairs))

    def subset(keys: list[str]) -> list[str]:
        chosen = draw(st.lists(st.sampled_from(keys), unique=True, min_size=1))
        return chosen

    word = st.sampled_from(_WORDS)
    if key == "完成投资":
        months = draw(st.lists(st.sampled_from(_MONTHS), unique=True, min_size=1, max_size=6))
        pairs = [(m, draw(st.sampled_from(["0", "500", "1.5亿"]))) for m in months]
        if draw(st.booleans()):
            return "{" + ", ".join(f"{m}: {v}" for m, v in pairs) + "}"
        return ("map", pairs)
    if key == "走访":
        items = draw(
            st.lists(
                st.one_of(
                    st.sampled_from(["2018-09-03", "2018-09-18", "{内容: 协调用地, 日期: 2018-09-20}"]),
                    st.builds(
                        lambda keys: ("map", [(k, "2018-09-21" if k == "日期" else "踏查") for k in keys]),
                        st.permutations(["日期", "内容"]),
                    ),
                ),
                min_size=1,
                max_size=3,
            )
        )
        return ("seq", items)
    if key in ("问题", "前期手续"):
        keys = (
            ["提出日期", "内容", "责任单位", "时限", "解决日期", "解决情况"]
            if key == "问题"
            else ["名称", "计划办结", "办结日期"]
        )
        return ("seq", [("map", [(k, draw(word)) for k in subset(keys)]) for _ in range(draw(st.integers(1, 2)))])
    if key == "自定义映射":
        return ("map", shuffled([("乙", draw(word)), ("甲", draw(word))]))
    return draw(word)


@st.composite
def _ledger_texts(draw: Any) -> tuple[str, str, _Writer]:
    kind = draw(st.sampled_from(["在建", "未入统", "计划开工", "招商"]))
    keys = list(shape_for(kind).fields["项目"].each.keys) + ["自定义", "自定义映射"]
    writer = _Writer(draw, draw(st.sampled_from([2, 3, 4])))
    writer.lines.append("# yaml-language-server: $schema=../../schemas/x.schema.json")
    projects = []
    for _ in range(draw(st.integers(0, 3))):
        chosen = draw(st.lists(st.sampled_from(keys), unique=True, min_size=1, max_size=12))
        projects.append(("map", [(k, _value(draw, k)) for k in chosen]))
    top: list[tuple[str, Any]] = [("项目", ("seq", projects) if projects else "[]")]
    top += [("地区", "船营区")] if draw(st.booleans()) else []
    top += [("台账", kind)] if draw(st.booleans()) else []
    if draw(st.booleans()):
        writer.lines.append("")
    writer.mapping(draw(st.permutations(top)), 0, free_first=True)
    if draw(st.booleans()):
        writer.lines.append(writer.comment())
    return kind, "\n".join(writer.lines) + "\n", writer


def _key_of(line: str) -> str:
    body = line.strip()
    while body.startswith("- ") or body == "-":
        body = body[2:].strip()
    return body


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(_ledger_texts())
def test_property_random_projects(case: tuple[str, str, _Writer]) -> None:
    kind, text, writer = case
    out = format_text(text, kind)
    assert data(out) == data(text)
    assert comment_texts(out) == comment_texts(text)
    assert format_text(out, kind) == out
    lines = out.split("\n")
    assert lines[0].startswith("# yaml-language-server:")
    assert out.endswith("\n") and not out.endswith("\n\n") and "\n\n\n" not in out
    assert all((len(line) - len(line.lstrip(" "))) % 2 == 0 for line in lines)
    for note, anchor in writer.at_end.items():  # an end-of-line comment stays on its key's line
        [line] = [line for line in lines if line.endswith(note)]
        if anchor is not None:
            assert _key_of(line).startswith(anchor), (note, line)
    for note, anchor in writer.above.items():  # an own-line comment stays above its key
        number = next(n for n, line in enumerate(lines) if line.strip() == note)
        below = next(line for line in lines[number + 1 :] if line.strip() and not line.strip().startswith("#"))
        if anchor is not None:
            assert _key_of(below).startswith(anchor), (note, below)


@st.composite
def _unusual_texts(draw: Any) -> str:
    """Valid-looking YAML with every layout a hand editor may produce: comments at any column,
    multi-line plain and quoted scalars, block scalars, empty values, values on the next line,
    `- # note` and lone `-` items, indentless sequences, indentation of 2 to 4."""
    indent = draw(st.sampled_from([2, 3, 4]))
    lines: list[str] = []
    count = [0]

    def eol() -> str:
        count[0] += 1
        return " " * draw(st.integers(1, 3)) + f"# 行尾{count[0]}" if draw(st.booleans()) else ""

    def junk(widest: int) -> None:
        for _ in range(draw(st.integers(0, 2))):
            count[0] += 1
            lines.append("" if draw(st.booleans()) else " " * draw(st.integers(0, widest)) + f"# 单行{count[0]}")

    def scalar(column: int, prefix: str) -> None:
        more = " " * (column + draw(st.integers(1, 4)))
        kind = draw(st.integers(0, 6))
        if kind == 0:
            lines.append(prefix + "值" + eol())
        elif kind == 1:
            lines.extend([prefix + "第一行", more + "第二行" + eol()])
        elif kind == 2:
            lines.extend([prefix + '"引号', more + '第二行"' + eol()])
        elif kind == 3:
            lines.append(prefix + draw(st.sampled_from(["|", ">", "|-", ">-"])) + eol())
            lines.extend(
                more + " " * draw(st.sampled_from([0, 0, 2])) + "文字 # 不是注释"
                for _ in range(draw(st.integers(1, 3)))
            )
            lines.extend([""] if draw(st.booleans()) else [])
        elif kind == 4:
            lines.append(prefix.rstrip() + eol())
        elif kind == 5:
            lines.extend([prefix.rstrip() + eol(), more + "下一行的值"])
        else:
            lines.append(prefix + draw(st.sampled_from(["{乙: 1, 甲: 2}", "[1, 2]", "{日期: 2018-09-03}"])) + eol())

    def mapping(column: int, dash: int | None = None, depth: int = 0) -> None:
        keys = draw(
            st.lists(
                st.sampled_from(["编号", "名称", "总投资", "备注", "建设性质", "开工日期", "完成投资", "自定义"]),
                unique=True,
                min_size=1,
                max_size=5,
            )
        )
        for i, key in enumerate(keys):
            if dash is not None and i == 0:
                prefix = " " * dash + "-" + " " * (column - dash - 1) + key + ": "
            else:
                junk(column + 6)
                prefix = " " * column + key + ": "
            if depth < 2 and draw(st.integers(0, 4)) == 0:
                lines.append(prefix.rstrip() + eol())
                if draw(st.booleans()):
                    mapping(column + indent, depth=depth + 1)
                else:
                    sequence(column + draw(st.sampled_from([0, 2, indent])), depth + 1)
            else:
                scalar(column, prefix)

    def sequence(dash: int, depth: int) -> None:
        for _ in range(draw(st.integers(1, 3))):
            junk(dash + 6)
            style = draw(st.integers(0, 3))
            if style == 0:
                scalar(dash, " " * dash + "- ")
            elif style in (1, 2):
                lines.append(" " * dash + "-" + (eol() if style == 1 else ""))
                mapping(dash + 2, depth=depth + 1)
            else:
                mapping(dash + draw(st.sampled_from([2, indent])), dash=dash, depth=depth + 1)

    junk(4)
    lines.append("项目:" + eol())
    sequence(draw(st.sampled_from([0, 2, indent])), 0)
    junk(8)
    if draw(st.booleans()):
        lines.append("地区: 船营区")
        junk(8)
    return "\n".join(lines) + "\n"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(_unusual_texts())
def test_property_unusual_layouts(text: str) -> None:
    assume(not parse_text(text, "x").broken)  # some draws are not valid YAML (a block scalar too far left …)
    out = format_text(text, "在建")
    assert data(out) == data(text)
    assert comment_texts(out) == comment_texts(text)
    assert format_text(out, "在建") == out


# --- the command --------------------------------------------------------------------------------

CONFIG_TEXT = "名称: 测试台账\n年度: 2018\n地区:\n  - {名称: 船营区, 类型: 区县}\n"
CANONICAL = "项目:\n  - 编号: CY-2018-001\n    名称: 甲\n    总投资: 1.2亿\n"
MESSY = "项目:\n    -   名称: 甲   # 名称\n        编号: CY-2018-001\n        总投资: 1.2亿\n"
MESSY_FORMATTED = "项目:\n  - 编号: CY-2018-001\n    名称: 甲   # 名称\n    总投资: 1.2亿\n"


def _repo(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    return write_repo(tmp_path, {"xiangmu.yaml": CONFIG_TEXT, **files})


def test_check_clean_repository_exits_0(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _repo(tmp_path, {"船营区/在建.yaml": CANONICAL, "船营区/招商.yaml": "项目: []\n"})
    result = runner.invoke(app, ["fmt", "--check"])
    assert result.exit_code == 0
    assert result.stdout == "3 个文件格式均已规范\n"


def test_check_lists_files_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    root = _repo(tmp_path, {"船营区/在建.yaml": MESSY, "船营区/未入统.yaml": "\ufeff项目: []\r\n"})
    result = runner.invoke(app, ["fmt", "--check"])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "需要格式化：ledgers/船营区/在建.yaml",
        "需要格式化：ledgers/船营区/未入统.yaml",
        "2 个文件需要格式化（共 3 个）；运行 xm fmt 整理后再提交",
    ]
    assert (root / "船营区/在建.yaml").read_text(encoding="utf-8") == MESSY
    assert (root / "船营区/未入统.yaml").read_bytes() == "\ufeff项目: []\r\n".encode()


def test_writes_only_changed_files_atomically_keeping_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    root = _repo(tmp_path, {"船营区/在建.yaml": MESSY, "船营区/招商.yaml": "项目: []\n"})
    messy, clean = root / "船营区/在建.yaml", root / "船营区/招商.yaml"
    messy.chmod(0o640)
    old_ns, old_inode = clean.stat().st_mtime_ns, clean.stat().st_ino
    os.utime(clean, ns=(old_ns - 10**9, old_ns - 10**9))
    old_ns = clean.stat().st_mtime_ns
    result = runner.invoke(app, ["fmt"])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["已格式化：ledgers/船营区/在建.yaml", "整理了 1 个文件，2 个无需改动"]
    assert messy.read_text(encoding="utf-8") == MESSY_FORMATTED
    assert stat.S_IMODE(messy.stat().st_mode) == 0o640
    assert (clean.stat().st_mtime_ns, clean.stat().st_ino) == (old_ns, old_inode)
    assert sorted(p.name for p in (root / "船营区").iterdir()) == ["在建.yaml", "招商.yaml"]  # no temp file left
    again = runner.invoke(app, ["fmt", "--check"])
    assert again.exit_code == 0


def test_crlf_and_bom_are_normalised(tmp_path: Path) -> None:
    path = tmp_path / "在建.yaml"
    path.write_bytes("\ufeff# 说明\r\n项目: []\r\n\r\n".encode())
    result = format_file(path)
    assert result.changed and result.written and result.error is None
    assert path.read_bytes() == "# 说明\n项目: []\n".encode()
    assert not format_file(path).changed


@pytest.mark.parametrize(
    ("broken", "where"),
    [
        ("项目:\n  - 编号: A\n    名称: 'unclosed\n", "ledgers/船营区/在建.yaml:3:"),
        ("项目:\n  - 编号: A\n    编号: B\n", "ledgers/船营区/在建.yaml:3:5: E002"),
        ("项目:\n  - 编号: &a A\n  - 编号: *a\n", "ledgers/船营区/在建.yaml:2:9: E003"),
        ("项目:\n  - 编号: A\n\t名称: b\n", "ledgers/船营区/在建.yaml:3:1: E001"),
    ],
)
@pytest.mark.parametrize("check", [False, True])
def test_broken_file_reported_and_untouched(
    broken: str, where: str, check: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    root = _repo(tmp_path, {"船营区/在建.yaml": broken, "船营区/招商.yaml": MESSY})
    raw = (root / "船营区/在建.yaml").read_bytes()
    result = runner.invoke(app, ["fmt", *(["--check"] if check else [])])
    assert result.exit_code == 1
    assert result.stdout.startswith(where)
    assert "错误：" in result.stdout and "提示：" in result.stdout
    assert result.stdout.splitlines()[-1].endswith("1 个文件有错误，未改动")
    assert (root / "船营区/在建.yaml").read_bytes() == raw
    # the other file is still formatted (or reported)
    assert (root / "船营区/招商.yaml").read_text(encoding="utf-8") == (MESSY if check else MESSY_FORMATTED)


def test_gbk_file_reported_and_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    raw = "项目:\n  - 编号: A\n    名称: 碳纤维\n".encode("gbk")
    root = _repo(tmp_path, {"船营区/在建.yaml": raw})
    result = runner.invoke(app, ["fmt"])
    assert result.exit_code == 1
    assert "E005" in result.stdout and "GBK" in result.stdout
    assert (root / "船营区/在建.yaml").read_bytes() == raw


def test_unsupported_layout_reported_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "在建.yaml"
    path.write_text("项目:\n  - ? 编号\n    : A\n", encoding="utf-8")
    result = runner.invoke(app, ["fmt", str(path)])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == f"{path}:2:1: xm fmt 无法整理：显式键（? …）或不对齐的键（文件未改动）"
    assert path.read_text(encoding="utf-8") == "项目:\n  - ? 编号\n    : A\n"


def test_paths_files_and_directories(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    root = _repo(tmp_path, {"船营区/在建.yaml": MESSY, "船营区/招商.yaml": MESSY, ".hidden/在建.yaml": MESSY})
    result = runner.invoke(app, ["fmt", "--check", "ledgers/船营区/在建.yaml"])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == "需要格式化：ledgers/船营区/在建.yaml"
    result = runner.invoke(app, ["fmt", "ledgers"])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "已格式化：ledgers/船营区/在建.yaml",
        "已格式化：ledgers/船营区/招商.yaml",
        "整理了 2 个文件，1 个无需改动",
    ]
    assert (root / ".hidden/在建.yaml").read_text(encoding="utf-8") == MESSY


def test_nonexistent_path_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["fmt", "没有这个.yaml"])
    assert result.exit_code == 2
    assert "用法错误：路径 没有这个.yaml 不存在" in result.stderr


def test_ledgers_option_and_paths_together_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _repo(tmp_path, {"船营区/在建.yaml": CANONICAL})
    result = runner.invoke(app, ["fmt", "--ledgers", "ledgers", "ledgers/船营区/在建.yaml"])
    assert result.exit_code == 2


def test_missing_ledgers_directory_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["fmt"]).exit_code == 2
    assert runner.invoke(app, ["fmt", "--ledgers", "nowhere"]).exit_code == 2


def test_symlinked_ledger_is_not_followed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    root = _repo(tmp_path, {})
    target = tmp_path / "elsewhere.yaml"
    target.write_text(MESSY, encoding="utf-8")
    (root / "船营区").mkdir()
    (root / "船营区/在建.yaml").symlink_to(target)
    result = runner.invoke(app, ["fmt"])
    assert result.exit_code == 1
    assert "符号链接" in result.stdout
    assert target.read_text(encoding="utf-8") == MESSY and (root / "船营区/在建.yaml").is_symlink()


def test_help_has_an_example() -> None:
    result = runner.invoke(app, ["fmt", "--help"])
    assert result.exit_code == 0
    assert "示例：xm fmt --check" in result.stdout
