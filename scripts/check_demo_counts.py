#!/usr/bin/env python3
"""Check the demo ledgers made by make_demo_ledgers.py, independently of the generator.

Every file is read twice, with yaml_rs (duplicate keys are errors) and with ruamel.yaml (whose
event stream shows any anchor, alias or tag); both readings must agree.  Then the headline
figures of 吉林市's 2018-09-16 工作方案 are counted and the repository is checked to be clean
under ledger-format.md: no error and no warning.  Figures follow metrics.md revision 2: a
project's dates, not its file, decide what it was at 2018-09-30, so a landed project that moved
on from 招商 still counts as signed and landed; the moves' history is checked to be there and in
order (签约 ≤ 落地 ≤ 开工 ≤ 入统).  Exit status 1 on the first failed check group, with every
failure in it listed.

    python scripts/check_demo_counts.py [ledgers]
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import yaml_rs
from ruamel.yaml import YAML
from ruamel.yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent

AS_OF = dt.date(2018, 9, 30)
LEDGERS = ("在建", "未入统", "计划开工", "招商", "谋划")
COMMON = [
    "编号",
    "名称",
    "建设单位",
    "类别",
    "总投资",
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
    "年度计划投资",
    "以前年度完成投资",
    "完成投资",
    "形象进度",
    "前期手续",
    "入统日期",
    "未入统原因",
    "入统时限",
]
LANDED = ["投资方", "来源地", "签约日期", "计划落地日期", "落地日期", "重点"]  # kept from 招商, last
CONVERTED = ["谋划日期", "入国家库", "转化日期"]  # kept from 谋划 (the 储备库), after 招商's
ORDER = {
    "在建": COMMON + STARTED + LANDED + CONVERTED,
    "未入统": COMMON + STARTED + LANDED + CONVERTED,
    "计划开工": COMMON + ["建设性质", "计划开工日期", "年度计划投资", "前期手续", "开工条件"] + LANDED + CONVERTED,
    "招商": COMMON + ["阶段"] + LANDED,
    "谋划": COMMON + ["谋划阶段", "谋划日期", "预计开工年度", "入国家库", "前期手续"],
}
YEAR_START = dt.date(2018, 1, 1)
REQUIRED = {
    "在建": {"编号", "名称", "总投资", "建设性质", "开工日期", "年度计划投资"},
    "计划开工": {"编号", "名称", "总投资", "计划开工日期"},
    "招商": {"编号", "名称", "总投资", "阶段", "投资方"},
    "谋划": {"编号", "名称", "总投资", "谋划阶段", "谋划日期"},
}
REQUIRED["未入统"] = REQUIRED["在建"] | {"未入统原因"}
METRICS = {
    "年度投资",
    "在建项目数",
    "亿元以上项目数",
    "新建项目数",
    "续建项目数",
    "新开工项目数",
    "新开工亿元以上项目数",
    "计划开工项目数",
    "未入统项目数",
    "竣工项目数",
    "招商签约项目数",
    "招商落地项目数",
    "年度计划投资",
    "完成投资",
    "当月完成投资",
    "投资完成率",
    "序时进度",
    "进度差",
    "开工率",
    "复工率",
    "入统率",
    "招商落地率",
    "谋划项目数",
    "谋划亿元以上项目数",
    "谋划总投资",
    "转化率",
    "问题数",
    "已解决问题数",
    "超期问题数",
    "问题解决率",
    "秘书配备率",
    "走访达标率",
    "新开工用地面积",
    "投资强度",
}
REAL_NAMES = {"李天林", "陈东", "贾树城", "盖东平", "谢义", "熊亮华"}  # the seed's vice mayors
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")

failures: list[str] = []


def check(ok: bool, what: str) -> None:
    if not ok:
        failures.append(what)


def group_done(title: str) -> None:
    if failures:
        print(f"FAIL {title}:", *failures[:40], sep="\n  ")
        sys.exit(1)
    print(f"ok   {title}")


# --- reading ----------------------------------------------------------------------------------
def normal(x):
    """ruamel's and yaml_rs's values in one shape: dates as text, numbers as Decimal."""
    if isinstance(x, dict):
        return {str(k): normal(v) for k, v in x.items()}
    if isinstance(x, list):
        return [normal(v) for v in x]
    if isinstance(x, (dt.date, dt.datetime)):
        return x.isoformat()
    if isinstance(x, bool) or x is None:
        return x
    if isinstance(x, (int, float)):
        return Decimal(str(x))
    return str(x)


def read(path: Path):
    """(data, text), or (None, text) after recording why the file cannot be read."""
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml_rs.loads(text, parse_datetime=False, duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.Error)
    except Exception as e:  # noqa: BLE001 - any parse failure is a finding, not a crash
        check(False, f"{path}: yaml_rs: {e}")
        return None, text
    try:
        events, again = list(YAML().parse(text)), YAML().load(text)  # round-trip loader, YAML 1.2
    except Exception as e:  # noqa: BLE001
        check(False, f"{path}: ruamel.yaml: {e}")
        return None, text
    for ev in events:
        check(not isinstance(ev, AliasEvent), f"{path}: alias")
        if isinstance(ev, (ScalarEvent, CollectionStartEvent)):
            check(ev.anchor is None, f"{path}: anchor &{ev.anchor}")
            check(ev.tag is None, f"{path}: tag {ev.tag}")
        if isinstance(ev, ScalarEvent):
            check(ev.value != "<<" or ev.style is not None, f"{path}: merge key")
    check(normal(again) == normal(data), f"{path}: ruamel and yaml_rs disagree")
    return normal(data), text


# --- values -----------------------------------------------------------------------------------
def amount(v) -> Decimal:
    if isinstance(v, Decimal):
        d = v
    else:
        s = unicodedata.normalize("NFKC", str(v)).replace(",", "").strip()
        scale = Decimal(1)
        for unit, k in (("亿元", 10000), ("亿", 10000), ("万元", 1), ("万", 1)):
            if s.endswith(unit):
                s, scale = s[: -len(unit)], Decimal(k)
                break
        d = Decimal(s) * scale
    assert d.is_finite() and d >= 0, v
    return d


def area(v) -> Decimal:
    if isinstance(v, Decimal):
        return v
    s = str(v)
    for unit, k in (("公顷", Decimal(10000)), ("亩", Decimal(10000) / 15), ("平方米", Decimal(1))):
        if s.endswith(unit):
            return (Decimal(s[: -len(unit)]) * k).quantize(Decimal("0.01"))
    raise ValueError(v)


def day(v) -> dt.date:
    assert isinstance(v, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", v), v
    return dt.date.fromisoformat(v)


# --- the checks -------------------------------------------------------------------------------
def check_values(cfg: dict, leader_of: dict, region: str, ledger: str, r: dict) -> None:
    """One record against the contract's errors and warnings, and the brief's cleanliness rules."""
    where = f"{region}/{ledger} {r['编号']}"
    total = amount(r["总投资"])
    check(r.get("类别") in cfg["类别"], f"{where}: 类别")
    if "包保领导" in r:
        check(r["包保领导"] == leader_of[region], f"{where}: 包保领导 {r['包保领导']} is not the region's leader")
    if total >= 100000:
        check("包保领导" in r, f"{where}: ≥10亿 without 包保领导")
    if ledger not in ("招商", "谋划"):  # the year's key projects (谋划 ones are not yet)
        check(total >= 5000, f"{where}: below 入库门槛")
        check(bool(r.get("项目秘书")), f"{where}: no 项目秘书")
    check(r.get("项目秘书") not in REAL_NAMES | set(leader_of.values()), f"{where}: 项目秘书 is a leader")
    if "用地面积" in r:
        check(area(r["用地面积"]) > 0, f"{where}: 用地面积")
    for p in r.get("问题", []):
        check(
            {"提出日期", "内容"} <= set(p)
            and set(p) <= {"提出日期", "内容", "责任单位", "时限", "解决日期", "解决情况"},
            f"{where}: 问题 keys",
        )
        check(
            day(p["提出日期"]) <= AS_OF and ("时限" not in p or day(p["时限"]) >= day(p["提出日期"])),
            f"{where}: 问题 dates",
        )
        if "解决日期" in p:
            check(day(p["提出日期"]) <= day(p["解决日期"]) <= AS_OF, f"{where}: 解决日期")
    for v in r.get("走访", []):
        d = v if isinstance(v, str) else v["日期"]
        check(isinstance(v, str) or set(v) == {"日期", "内容"}, f"{where}: 走访 item")
        check(day(d) <= AS_OF, f"{where}: future visit")
    if ledger in ("在建", "未入统"):
        start = day(r["开工日期"])
        check(start <= AS_OF, f"{where}: 开工日期 after as-of")
        check(r["建设性质"] in ("新建", "续建"), f"{where}: 建设性质")
        check((r["建设性质"] == "新建") == (start.year == 2018), f"{where}: 新建 ⇔ started in 2018")
        check("复工日期" not in r or (r["建设性质"] == "续建" and day(r["复工日期"]) <= AS_OF), f"{where}: 复工日期")
        check("竣工日期" not in r or start <= day(r["竣工日期"]) <= AS_OF, f"{where}: 竣工日期")
        months = r.get("完成投资", {})
        for m in months:
            check(re.fullmatch(r"2018-0[1-9]", m) is not None, f"{where}: month {m}")
            check(start.year < 2018 or m >= start.isoformat()[:7], f"{where}: {m} before start")
        spent = amount(r.get("以前年度完成投资", 0)) + sum((amount(v) for v in months.values()), Decimal(0))
        check(spent <= total, f"{where}: 以前年度完成投资 + Σ完成投资 {spent} > 总投资 {total}")
        check(
            amount(r["年度计划投资"]) <= total - amount(r.get("以前年度完成投资", 0)), f"{where}: 年度计划投资 too big"
        )
        if ledger == "在建":
            check("未入统原因" not in r, f"{where}: 未入统原因 in 在建")
            check("入统日期" not in r or start <= day(r["入统日期"]) <= AS_OF, f"{where}: 入统日期")
        else:
            check("入统日期" not in r and bool(r["未入统原因"]), f"{where}: 未入统 fields")
        for k in ("计划开工日期", "计划竣工日期", "入统时限"):
            if k in r:
                day(r[k])
        # 前期手续 kept from 计划开工: a started project had them all in hand when it started
        check("前期手续" not in r or "计划开工日期" in r, f"{where}: 前期手续 without 计划开工日期")
        check(
            all("办结日期" in s and day(s["办结日期"]) <= start for s in r.get("前期手续", [])),
            f"{where}: 前期手续 not done by 开工日期",
        )
    if ledger == "计划开工":
        check(r.get("建设性质", "新建") in ("新建", "续建"), f"{where}: 建设性质")
    for step in r.get("前期手续", []):
        check({"名称", "计划办结"} <= set(step) <= {"名称", "计划办结", "办结日期"}, f"{where}: 手续 keys")
        day(step["计划办结"])
        check("办结日期" not in step or day(step["办结日期"]) <= AS_OF, f"{where}: 办结日期")
    if ledger != "招商" and "落地日期" in r:  # landed from 招商: kept its history, dates in order
        check(bool(r.get("投资方")) and bool(r.get("来源地")) and "签约日期" in r, f"{where}: 招商 history incomplete")
        land = day(r["落地日期"])
        check(day(r["签约日期"]) <= land <= AS_OF, f"{where}: 签约 ≤ 落地 ≤ as-of")
        check(ledger == "计划开工" or land <= day(r["开工日期"]), f"{where}: 落地 ≤ 开工")
        check(ledger != "计划开工" or land.year == 2018, f"{where}: a planned project landed this year")
        check(not r.get("重点") or (land.year == 2018 and total >= 10000 and "包保领导" in r), f"{where}: 重点")
    if ledger != "招商":
        check("落地日期" in r or not set(LANDED) & set(r), f"{where}: 招商 keys without 落地日期")
    if ledger == "谋划":
        since = day(r["谋划日期"])
        check(r["谋划阶段"] in ("谋划", "储备", "前期"), f"{where}: 谋划阶段")
        check(since <= AS_OF, f"{where}: 谋划日期 after as-of")
        check("入国家库" not in r or since <= day(r["入国家库"]) <= AS_OF, f"{where}: 入国家库")
        check(isinstance(r.get("预计开工年度"), Decimal) and r["预计开工年度"] >= 2019, f"{where}: 预计开工年度")
        check(r["谋划阶段"] != "前期" or bool(r.get("前期手续")), f"{where}: 前期 without 前期手续")
    elif set(CONVERTED) & set(r):  # converted from the 储备库: kept its dates, in order
        check("谋划日期" in r and "转化日期" in r, f"{where}: 谋划日期 and 转化日期 go together")
        converted = day(r["转化日期"])
        check(ledger != "招商" and "落地日期" not in r, f"{where}: converted and landed")
        check(day(r["谋划日期"]) < converted <= AS_OF, f"{where}: 谋划 < 转化 ≤ as-of")
        check("入国家库" not in r or day(r["谋划日期"]) <= day(r["入国家库"]) <= AS_OF, f"{where}: 入国家库")
        check(converted <= day(r["计划开工日期"]), f"{where}: 转化 ≤ 计划开工")
        check(ledger == "计划开工" or converted <= day(r["开工日期"]), f"{where}: 转化 ≤ 开工")
    if ledger == "招商":
        stage = r["阶段"]
        check(stage in ("洽谈", "签约", "落地"), f"{where}: 阶段")
        check(("签约日期" in r) == (stage != "洽谈"), f"{where}: 签约日期 vs 阶段")
        check(("落地日期" in r) == (stage == "落地"), f"{where}: 落地日期 vs 阶段")
        if "落地日期" in r:
            check(day(r["签约日期"]) <= day(r["落地日期"]) <= AS_OF, f"{where}: 落地日期")
        check(isinstance(r.get("重点", False), bool), f"{where}: 重点")


def main(root: Path) -> None:
    cfg, cfg_text = read(root / "xiangmu.yaml")
    if cfg is None:
        group_done("xiangmu.yaml")
    check(
        cfg_text.startswith("# yaml-language-server: $schema=../schemas/xiangmu.schema.json\n"), "xiangmu.yaml header"
    )
    leaders = {p["姓名"]: p for p in cfg["领导"]}
    regions = [r["名称"] for r in cfg["地区"]]
    kinds = {r["名称"]: r["类型"] for r in cfg["地区"]}
    leader_of = {a: n for n, p in leaders.items() for a in p.get("包保地区", [])}
    check(len(leaders) == 6 and set(leader_of) == set(regions), "six leaders cover the 13 regions")
    check(not set(leaders) & REAL_NAMES, "leaders are fictional, not the names in the seed")
    check(
        regions
        == [
            "船营区",
            "昌邑区",
            "龙潭区",
            "丰满区",
            "蛟河市",
            "桦甸市",
            "舒兰市",
            "磐石市",
            "永吉县",
            "高新区",
            "经开区",
            "中新食品区",
            "北大壶开发区",
        ]
        and Counter(kinds.values()) == {"区县": 9, "开发区": 4},
        "the 13 regions of the seed, 9 区县 + 4 开发区",
    )
    check(cfg["名称"] == "吉林市重点项目建设台账" and cfg["年度"] == 2018, "名称/年度")
    check(cfg["类别"] == ["工业", "基础设施", "民生", "服务业", "农业", "文旅"], "类别")
    check(
        cfg["口径"]
        == normal(
            {
                "入库门槛": 5000,
                "亿元以上": 10000,
                "领导包保门槛": 100000,
                "走访周期": 15,
                "入统时限": "2018-09-30",
                "红灯进度差": 0.1,
                "临期天数": 7,
            }
        ),
        "口径",
    )
    check(
        cfg["考评"]
        == normal(
            {
                "指标": {"投资完成率": 40, "开工率": 20, "入统率": 20, "招商落地率": 10, "问题解决率": 10},
                "封顶": 1.2,
                "前列加分": {"名次": 3, "加分": 2},
                "后列减档": {"名次": 3},
            }
        ),
        "考评 as in the contract",
    )
    for who, goals in cfg["目标"].items():
        check(who == "全市" or who in regions, f"目标 for unknown {who}")
        check(set(goals) <= METRICS, f"目标 {who}: unknown keys {set(goals) - METRICS}")
    check(set(cfg["目标"]) == {"全市", *regions}, "目标 for 全市 and every region")
    group_done("xiangmu.yaml")

    # Layout and per-record shape.
    entries = sorted(p.name for p in root.iterdir() if not p.name.startswith("."))
    check(entries == sorted(["xiangmu.yaml", *regions]), "ledgers/ holds xiangmu.yaml and one folder per region only")
    records = []  # (region, ledger, record)
    for region in regions:
        for path in sorted((root / region).iterdir()):
            check(path.suffix == ".yaml" and path.stem in LEDGERS, f"unexpected {path}")
            data, text = read(path)
            if data is None:
                continue
            schema = f"# yaml-language-server: $schema=../../schemas/{path.stem}.schema.json\n"
            check(text.startswith(schema), f"{path} header")
            check(
                list(data) == ["地区", "台账", "项目"] and data["地区"] == region and data["台账"] == path.stem,
                f"{path}: top level",
            )
            records += [(region, path.stem, r) for r in data["项目"]]
    ids = Counter(r["编号"] for _, _, r in records)
    for region, ledger, r in records:
        where = f"{region}/{ledger} {r.get('编号')}"
        keys = list(r)
        check([k for k in ORDER[ledger] if k in r] == keys, f"{where}: keys unknown or out of order {keys}")
        check(REQUIRED[ledger] <= set(r), f"{where}: missing {REQUIRED[ledger] - set(r)}")
        check(isinstance(r["编号"], str) and bool(ID_RE.match(r["编号"])) and ids[r["编号"]] == 1, f"{where}: 编号")
    group_done(f"layout and keys of {len(records)} records")

    # Values: amounts, dates, references (the contract's errors and warnings).
    for region, ledger, r in records:
        try:
            check_values(cfg, leader_of, region, ledger, r)
        except (ArithmeticError, AssertionError, KeyError, TypeError, ValueError) as e:
            check(False, f"{region}/{ledger} {r['编号']}: unreadable value {e!r}")
    group_done("values: clean under the contract (no errors, no warnings)")

    # Headline figures of the 工作方案.
    by = defaultdict(list)
    for _region, ledger, r in records:
        by[ledger].append(r)
    started = [r for r in by["在建"] + by["未入统"] if day(r["开工日期"]) <= AS_OF]
    check(len(started) == 314, f"started {len(started)} ≠ 314")
    check(all(amount(r["总投资"]) >= 5000 for r in started), "all started ≥ 5000")
    check(sum(r["建设性质"] == "新建" for r in started) == 102, "新建 ≠ 102")
    check(sum(r["建设性质"] == "续建" for r in started) == 212, "续建 ≠ 212")
    check(sum(amount(r["总投资"]) >= 10000 for r in started) == 227, "亿元以上 ≠ 227")
    check(len(by["未入统"]) == 80 and len(by["在建"]) == 234, "未入统 80 / 在建 234")
    planned = by["计划开工"]
    starts = [day(r["计划开工日期"]) for r in planned]
    check(len(planned) == 49 and all(amount(r["总投资"]) >= 5000 for r in planned), "计划开工 49, all ≥ 5000")
    check(all(dt.date(2018, 8, 1) <= d <= dt.date(2018, 12, 31) for d in starts), "计划开工日期 in 8至12月")
    late = sum(d < AS_OF for d in starts)
    check(3 <= late <= 12, f"{late} 未按期开工")
    overdue_steps = [
        s for r in planned for s in r.get("前期手续", []) if day(s["计划办结"]) < AS_OF and "办结日期" not in s
    ]
    check(all(r.get("前期手续") for r in planned if r.get("建设性质", "新建") == "新建"), "前期手续 on every 新建")
    check(3 <= len(overdue_steps) <= 30, f"{len(overdue_steps)} 手续超期")
    # 招商签约/落地 by dates, in any ledger: landed projects moved on and still count; one that
    # landed before 2018 is history and does not.
    zs = by["招商"]
    everything = [r for _, _, r in records]
    signed = [
        r
        for r in everything
        if "签约日期" in r and day(r["签约日期"]) <= AS_OF and not ("落地日期" in r and day(r["落地日期"]) < YEAR_START)
    ]
    landed = [r for r in everything if "落地日期" in r and YEAR_START <= day(r["落地日期"]) <= AS_OF]
    check(len(signed) == 46, f"招商 signed {len(signed)} ≠ 46")
    check(len(landed) == 31, f"招商 landed {len(landed)} ≠ 31")
    check(sum(r.get("重点") is True and amount(r["总投资"]) >= 10000 for r in signed) == 22, "22 重点 亿元以上")
    check(sum(r.get("重点") is True for r in everything) == 22, "only those 22 are 重点")
    talks = [r for r in zs if r["阶段"] == "洽谈"]
    check(6 <= len(talks) <= 10, f"{len(talks)} 洽谈")
    check(all(r.get("投资方") and r.get("来源地") for r in zs), "投资方 and 来源地 on every 招商 record")
    not_landed_late = [
        r for r in signed if "落地日期" not in r and "计划落地日期" in r and day(r["计划落地日期"]) < AS_OF
    ]
    check(len(not_landed_late) >= 3, "some 签约未落地 overdue")
    group_done("headline figures 314/102/212/227/80, 49, 46/22, 落地 31")

    # History: what the year's moves left on the records (ledger-format.md, "Moves keep history").
    moved = Counter(ledger for _, ledger, r in records if ledger != "招商" and r in landed)
    check(all(moved[x] >= 5 for x in ("在建", "未入统", "计划开工")), f"landed projects moved on: {dict(moved)}")
    check(sum(r in signed for r in zs) < 46, "the 招商 ledger no longer holds every signed project")
    earlier = [r for r in by["在建"] + by["未入统"] if "落地日期" in r and day(r["落地日期"]) < YEAR_START]
    check(len(earlier) >= 3, f"{len(earlier)} projects that landed before 2018")
    check(sum("入统日期" in r for r in by["在建"]) >= 100, "入统日期 on 在建")
    kept_deadline = [r for r in by["在建"] if "入统时限" in r]
    check(len(kept_deadline) >= 20, f"{len(kept_deadline)} 在建 keep their 入统时限")
    kept_steps = [r for r in started if r.get("前期手续")]
    check(len(kept_steps) >= 40 and sum(x in kept_steps for x in by["在建"]) >= 15, "前期手续 kept on started projects")
    group_done("history: moves keep 签约/落地, 计划开工日期/前期手续, 入统日期/入统时限")

    # The 储备库 (谋划): what is in it at the as-of date, and what left it for 计划开工 (转化).
    reserve = [r for r in by["谋划"] if day(r["谋划日期"]) <= AS_OF]
    converted = [r for r in everything if "转化日期" in r]
    this_year = [r for r in converted if YEAR_START <= day(r["转化日期"]) <= AS_OF]
    reserve_regions = {region for region, ledger, _ in records if ledger == "谋划"}
    check(len(reserve) == len(by["谋划"]) and 20 <= len(reserve) <= 40, f"{len(reserve)} in the 储备库")
    check(5 <= len(reserve_regions) <= 9, f"谋划.yaml in {len(reserve_regions)} regions")
    check(Counter(r["谋划阶段"] for r in reserve).keys() == {"谋划", "储备", "前期"}, "all three 谋划阶段")
    big = [r for r in reserve if amount(r["总投资"]) >= 10000]
    check(len(big) < len(reserve), "some 谋划 project below 1亿")
    check(10 <= len(this_year) < len(converted), f"{len(this_year)} of {len(converted)} converted in 2018")
    check(any(day(r["转化日期"]) >= dt.date(2018, 9, 1) for r in this_year), "a 转化 in September")
    check(sum("入国家库" in r for r in reserve + converted) >= 5, "some in the national database")
    group_done(f"the 储备库: {len(reserve)} projects in 7 regions, {len(this_year)} converted in 2018")

    # Texture: the things a monthly report should have something to say about.
    cont = [r for r in started if r["建设性质"] == "续建"]
    resumed = [r for r in cont if "复工日期" in r]
    check(0.9 <= len(resumed) / len(cont) < 1, "most but not all 续建 resumed")
    check(all("2018-03-01" <= r["复工日期"] <= "2018-05-31" for r in resumed), "复工 in 3–5月")
    finished = [r for r in started if "竣工日期" in r]
    missed = [
        r
        for r in started
        if "2018-09" not in r.get("完成投资", {}) and not ("竣工日期" in r and r["竣工日期"] < "2018-09-01")
    ]
    check(5 <= len(finished) <= 25 and 3 <= len(missed) <= 10, f"{len(finished)} 竣工, {len(missed)} 漏报")
    carried = [r for r in started if "计划开工日期" in r]
    check(len(carried) >= 20, "计划开工日期 kept on started projects")
    check(all(r.get("走访") for r in started), "走访 on every started project")
    fresh = [
        r
        for r in started
        if any(AS_OF - day(v if isinstance(v, str) else v["日期"]) <= dt.timedelta(15) for v in r["走访"])
    ]
    check(0.7 <= len(fresh) / len(started) < 1, f"走访达标 {len(fresh)}/{len(started)}")
    with_problems = [r for _, _, r in records if r.get("问题")]
    check(0.15 <= len(with_problems) / len(records) <= 0.35, "问题 on about a quarter")
    group_done("texture: 复工, 竣工, 漏报, 走访, 问题")

    # Summary for the report.
    counts = Counter((region, ledger) for region, ledger, _ in records)
    print(f"\n{'地区':<8}" + "".join(f"{x:>6}" for x in LEDGERS) + "  完成投资/年度投资目标")
    for region in regions:
        done = sum(
            (
                amount(v)
                for reg, lg, r in records
                if reg == region and lg in ("在建", "未入统")
                for v in r.get("完成投资", {}).values()
            ),
            Decimal(0),
        )
        goal = cfg["目标"][region]["年度投资"]
        print(f"{region:<8}" + "".join(f"{counts[region, x]:>8}" for x in LEDGERS) + f"   {done / goal:.0%}")
    print(f"{'合计':<8}" + "".join(f"{len(by[x]):>8}" for x in LEDGERS))
    print(
        f"问题 {sum(len(r['问题']) for r in with_problems)} on {len(with_problems)} projects; "
        f"竣工 {len(finished)}; 漏报 {len(missed)}; 未按期开工 {late}; 手续超期 {len(overdue_steps)}; "
        f"签约未落地超期 {len(not_landed_late)}; 洽谈 {len(talks)}; 复工 {len(resumed)}/{len(cont)}"
    )
    print(
        f"谋划 {len(reserve)} (亿元以上 {len(big)}, 总投资 {sum(amount(r['总投资']) for r in reserve)} 万元); "
        f"转化 {len(converted)}, of which in 2018 {len(this_year)}: 转化率 {len(this_year)}/"
        f"{len(reserve) + len(this_year)}"
    )
    print(
        f"落地转出招商 {sum(moved.values())} ({', '.join(f'{k} {v}' for k, v in moved.items())}); "
        f"2017年落地 {len(earlier)}; 在建 入统日期 {sum('入统日期' in r for r in by['在建'])}, "
        f"入统时限 {len(kept_deadline)}; 前期手续 on {len(kept_steps)} started"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "ledgers")
