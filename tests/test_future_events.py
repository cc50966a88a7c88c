"""W105: every kind of event dated after today is named, each where it is written (the check
skips, without a call, what cannot be in the future: issue 15)."""

from __future__ import annotations

from pathlib import Path

from xiangmu_cli.reading.loading import load

from .conftest import ONE_REGION_CONFIG, write_repo

BUILDING = """\
项目:
  - 编号: CY-1
    名称: 未来事件项目
    总投资: 20000
    项目秘书: 王芳
    建设性质: 新建
    开工日期: 2018-03-01
    年度计划投资: 1000
    走访: [2018-09-15, 2099-01-02]
    问题:
      - {提出日期: 2018-08-01, 内容: 早已提出, 责任单位: 市自然资源局, 时限: 2018-09-10, 解决日期: 2099-01-03}
      - 提出日期: 2018-08-02
        内容: 升级到未来
        责任单位: 市自然资源局
        升级: [{日期: 2099-01-04, 层级: 专题会议}]
      - {提出日期: 2099-01-05, 内容: 未来才提出, 责任单位: 市自然资源局}
    前期手续:
      - {名称: 立项, 计划办结: 2018-01-21, 办结日期: 2018-01-06}
      - {名称: 环评, 计划办结: 2018-04-23, 办结日期: 2099-01-06}
"""


def test_every_future_event_is_w105(tmp_path: Path) -> None:
    repo = load(write_repo(tmp_path, {"xiangmu.yaml": ONE_REGION_CONFIG, "船营区/在建.yaml": BUILDING}))
    found = sorted((p.path[2:], p.message.split(" ")[0]) for p in repo.problems if p.code == "W105")
    assert found == sorted(
        [
            (("走访", 1), "走访日期"),
            (("问题", 0, "解决日期"), "解决日期"),
            (("问题", 1, "升级", 0, "日期"), "升级日期"),
            (("问题", 2, "提出日期"), "提出日期"),
            (("前期手续", 1, "办结日期"), "办结日期"),
        ]
    )
