#!/usr/bin/env python3
"""Generate a realistic synthetic ledger repository of N projects, for benchmarks.

    python benchmarks/generate.py --projects 20000 --seed 1 --out /tmp/bench-20k

writes ``OUT/ledgers/`` (xiangmu.yaml and one folder per region holding 在建, 未入统, 计划开工
and 招商, and in every third region 谋划, the project reserve) and ``OUT/schemas/`` (a copy of the repository's schemas, so the files' modelines
``$schema=../../schemas/在建.schema.json`` resolve and check-jsonschema can be run on them).

The files read like the demo ledgers (scripts/make_demo_ledgers.py): hand-written YAML with
Chinese keys in the order of the contract's tables, comments on files, sections and projects,
every field of every ledger and every spelling the contract allows (amounts ``1.2亿``,
``1.2亿元``, ``5000万``, ``5000万元``, ``12,000``, full-width digits, plain integers, floats;
areas in 平方米, 公顷 and 亩; 是/否 and true/false; bare-date and mapping visits; block and flow
styles). Records carry the history their moves left (ledger-format.md revision 2, "Moves keep
history"): started projects keep the 计划开工日期 and 前期手续 they had while planned, 在建 ones their
入统日期 and now and then 入统时限, and projects an investor brought keep in 计划开工/未入统/在建
what they had in 招商 (投资方, 来源地, 签约日期, 计划落地日期, 落地日期, 重点), with dates in order:
签约 ≤ 落地 ≤ 开工 ≤ 入统; and a few planned and started projects came from the 储备库 (谋划日期, 入国家库,
转化日期: 谋划 ≤ 转化 ≤ 开工). The repository validates clean (``xm validate`` reports no error and no
warning).

Size: about 820 bytes a project; one region per ~1500 projects (at least 2, at most 300), so a
20k repository is 13 regions, 53 files and ~16 MB, the shape of a province's whole ledger.

Deterministic: one ``random.Random`` seeded from (N, seed), no clock, no set iteration; the
same arguments write identical bytes. Standard library only: it does not import xiangmu_cli.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import math
import random
import re
import shutil
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "schemas"
MARKER = ".xm-benchmark"  # written beside ledgers/: what made this folder (run.py reuses it)
GENERATOR_VERSION = "1"
#: Changes whenever this file does, so run.py never reuses a repository an older generator wrote.
SOURCE_HASH = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]

YEAR = 2018
AS_OF = dt.date(YEAR, 9, 30)
PROJECTS_PER_REGION = 1500
LEDGERS = ("在建", "未入统", "计划开工", "招商", "谋划")
#: Share of each ledger in a region (the demo's 吉林市 2018 mix before its landed 招商 projects moved
#: on: 234 / 80 / 49 / 55; and a 储备库 of ~30 in the regions that keep one).
LEDGER_SHARE = {"在建": 0.56, "未入统": 0.19, "计划开工": 0.12, "招商": 0.13, "谋划": 0.07}
#: Every RESERVE_EVERY-th region keeps a 谋划.yaml (a 20k repository stays at ~60 files).
RESERVE_EVERY = 3
CATEGORIES = ["工业", "基础设施", "民生", "服务业", "农业", "文旅"]

# --- issue 16: the fields real offices keep --------------------------------------------------------
COMMON_ORDER = [
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
_STARTED_ORDER = [
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
    "完成投资",
    "形象进度",
    "前期手续",
]
_LANDED_ORDER = ["投资方", "来源地", "签约日期", "计划落地日期", "落地日期", "重点"]
#: xiangmu.yaml 扩展字段 of the generated repositories: one of each type.
EXTENSIONS = [
    ("上争资金", "金额"),
    ("入库日期", "日期"),
    ("入国家重大项目库", "是否"),
    ("牵头部门", "选项"),
    ("储备状态", "文字"),
]
#: Kept from 谋划 by 转化 (the 储备库), after what a record kept from 招商.
_CONVERTED_ORDER = ["谋划日期", "入国家库", "转化日期"]
_EXTENSION_ORDER = [n for n, _ in EXTENSIONS]
FIELD_ORDER = {
    "在建": COMMON_ORDER
    + _STARTED_ORDER
    + ["入统日期", "入统时限"]
    + _LANDED_ORDER
    + _CONVERTED_ORDER
    + _EXTENSION_ORDER,
    "未入统": COMMON_ORDER
    + _STARTED_ORDER
    + ["未入统原因", "入统时限"]
    + _LANDED_ORDER
    + _CONVERTED_ORDER
    + _EXTENSION_ORDER,
    "计划开工": COMMON_ORDER
    + ["建设性质", "计划开工日期", "年度计划投资", "前期手续", "开工条件"]
    + _LANDED_ORDER
    + _CONVERTED_ORDER
    + _EXTENSION_ORDER,
    "招商": COMMON_ORDER + ["阶段", *_LANDED_ORDER] + _EXTENSION_ORDER,
}
ISSUE_ORDER = ["提出日期", "内容", "分类", "责任单位", "层级", "时限", "升级", "解决日期", "解决情况"]
VISIT_ORDER = ["日期", "走访人", "方式", "内容"]
ISSUE_KINDS = ["前期手续", "用地", "征收拆迁", "资金", "要素保障", "入统", "其他"]
FUNDING = ["企业自筹", "企业自筹、银行贷款", "中央预算内投资、地方政府专项债券", "地方政府专项债券、银行贷款"]


def put_in_order(rec: dict, key: str, value: object, order: list[str]) -> None:
    """Add ``key`` where the contract's ``order`` puts it among the keys already there."""
    rank = {k: n for n, k in enumerate(order)} | {"#": -1, "#i": -1}  # comments: not keys of the file
    items = [(k, v) for k, v in rec.items() if k != key]
    at = next((n for n, (k, _) in enumerate(items) if rank.get(k, len(rank)) > rank[key]), len(items))
    rec.clear()
    rec.update(items[:at] + [(key, value)] + items[at:])


# --- regions -----------------------------------------------------------------------------------
# 吉林省's 区县 and 开发区 (name, 类型, 编号 prefix); beyond them, 园区 derived from these.
REGION_BASES = [
    ("船营区", "区县", "CY"),
    ("昌邑区", "区县", "CHY"),
    ("龙潭区", "区县", "LT"),
    ("丰满区", "区县", "FM"),
    ("蛟河市", "区县", "JH"),
    ("桦甸市", "区县", "HD"),
    ("舒兰市", "区县", "SL"),
    ("磐石市", "区县", "PS"),
    ("永吉县", "区县", "YJ"),
    ("吉林高新区", "开发区", "JLGX"),
    ("吉林经开区", "开发区", "JLJK"),
    ("中新食品区", "开发区", "ZX"),
    ("北大壶开发区", "开发区", "BDH"),
    ("南关区", "区县", "NG"),
    ("宽城区", "区县", "KC"),
    ("朝阳区", "区县", "CYQ"),
    ("二道区", "区县", "ED"),
    ("绿园区", "区县", "LY"),
    ("双阳区", "区县", "SY"),
    ("九台区", "区县", "JT"),
    ("榆树市", "区县", "YS"),
    ("德惠市", "区县", "DH"),
    ("农安县", "区县", "NA"),
    ("公主岭市", "区县", "GZL"),
    ("长春新区", "开发区", "CCXQ"),
    ("长春经开区", "开发区", "CCJK"),
    ("净月高新区", "开发区", "JY"),
    ("汽车经开区", "开发区", "QK"),
    ("莲花山度假区", "开发区", "LHS"),
    ("铁西区", "区县", "TX"),
    ("铁东区", "区县", "TD"),
    ("双辽市", "区县", "SLS"),
    ("梨树县", "区县", "LS"),
    ("伊通县", "区县", "YT"),
    ("龙山区", "区县", "LSQ"),
    ("西安区", "区县", "XA"),
    ("东丰县", "区县", "DF"),
    ("东辽县", "区县", "DL"),
    ("东昌区", "区县", "DC"),
    ("二道江区", "区县", "EDJ"),
    ("梅河口市", "区县", "MHK"),
    ("集安市", "区县", "JA"),
    ("通化县", "区县", "THX"),
    ("辉南县", "区县", "HN"),
    ("柳河县", "区县", "LH"),
    ("浑江区", "区县", "HJ"),
    ("江源区", "区县", "JYQ"),
    ("临江市", "区县", "LJ"),
    ("抚松县", "区县", "FS"),
    ("靖宇县", "区县", "JYX"),
    ("长白县", "区县", "CB"),
    ("宁江区", "区县", "NJ"),
    ("扶余市", "区县", "FY"),
    ("前郭县", "区县", "QG"),
    ("长岭县", "区县", "CL"),
    ("乾安县", "区县", "QA"),
    ("洮北区", "区县", "TB"),
    ("洮南市", "区县", "TN"),
    ("大安市", "区县", "DA"),
    ("镇赉县", "区县", "ZL"),
    ("通榆县", "区县", "TY"),
    ("延吉市", "区县", "YJS"),
    ("图们市", "区县", "TM"),
    ("敦化市", "区县", "DHS"),
    ("珲春市", "区县", "HC"),
    ("龙井市", "区县", "LJS"),
    ("和龙市", "区县", "HL"),
    ("汪清县", "区县", "WQ"),
    ("安图县", "区县", "AT"),
    ("长白山保护开发区", "开发区", "CBS"),
    ("梅河口高新区", "开发区", "MHGX"),
    ("珲春边境经济合作区", "开发区", "HCBJ"),
    ("四平红嘴经济开发区", "开发区", "HZ"),
    ("辽源经济开发区", "开发区", "LYJK"),
    ("松原经济开发区", "开发区", "SYJK"),
]
PARK_KINDS = [("工业集中区", "G"), ("经济开发区", "K"), ("物流园区", "W"), ("现代农业园区", "N")]

PLACE_HEADS = "北南东西新老大小长永和安兴宏福德红青白金明丰太平双三五九万利富顺庆华春"
PLACE_TAILS = "山河湖岭沟屯台岗桥营城泉阳源原堡甸林峰江店屯家"
PLACE_KINDS = ["镇", "镇", "乡", "街道", "街道", "工业园", "村", "开发区"]
TRADES = [
    "汽车零部件",
    "电子元器件",
    "生物制药",
    "智能装备",
    "医疗器械",
    "新能源电池",
    "精密模具",
    "碳纤维复合材料部件",
    "化工新材料",
    "精细化学品",
    "医药中间体",
    "新型建材",
    "装配式建筑构件",
    "石墨深加工",
    "铸件",
    "玉米深加工",
    "肉牛屠宰加工",
    "乳制品",
    "饲料",
    "大米加工",
    "食用菌深加工",
    "人参精深加工",
    "矿泉水",
    "光伏组件",
    "木制品",
    "农产品加工",
    "中药饮片",
    "印刷包装",
    "服装加工",
    "冶金辅料",
    "再生资源",
    "工业气体",
    "特种工程塑料",
    "鹿产品加工",
    "白酒酿造",
    "调味品",
]
URBAN = {"工业": 25, "基础设施": 25, "民生": 25, "服务业": 20, "文旅": 5}
COUNTY = {"工业": 35, "农业": 15, "基础设施": 20, "民生": 15, "服务业": 10, "文旅": 5}
ZONE = {"工业": 55, "服务业": 15, "基础设施": 15, "民生": 10, "农业": 5}

PATTERNS = {  # {p} is a place of the region
    "基础设施": [
        "{p}道路改造工程",
        "{p}供热管网改造工程",
        "{p}污水处理厂提标改造工程",
        "{p}供水管网改造工程",
        "{p}热源厂建设项目",
        "{p}66千伏输变电工程",
        "{p}燃气管网改造工程",
        "{p}河道综合治理工程",
        "{p}农村公路提级改造工程",
        "{p}雨污分流改造工程",
        "{p}垃圾转运站项目",
        "{p}桥梁改造工程",
    ],
    "民生": [
        "{p}棚户区改造项目",
        "{p}老旧小区改造工程",
        "{p}中学教学楼新建项目",
        "{p}小学改扩建项目",
        "{p}医院门诊综合楼项目",
        "{p}养老服务中心项目",
        "{p}幼儿园建设项目",
        "{p}公共租赁住房项目",
        "{p}全民健身中心项目",
        "{p}社区卫生服务中心项目",
        "{p}农村饮水安全巩固提升工程",
    ],
    "服务业": [
        "{p}商业综合体项目",
        "{p}物流园项目",
        "{p}电商产业园项目",
        "{p}农贸市场改造项目",
        "{p}汽车商贸园项目",
        "{p}商务酒店项目",
        "{p}冷链物流中心项目",
        "{p}住宅小区开发项目",
        "{p}建材家居市场项目",
        "{p}商务办公楼项目",
    ],
    "农业": [
        "{p}高标准农田建设项目",
        "{p}水稻育秧大棚项目",
        "{p}食用菌产业园项目",
        "{p}生猪标准化养殖项目",
        "{p}肉牛养殖基地项目",
        "{p}人参种植基地项目",
        "{p}梅花鹿养殖项目",
        "{p}设施农业园区项目",
    ],
    "文旅": [
        "{p}乡村旅游示范区项目",
        "{p}森林公园提升项目",
        "{p}民俗文化村项目",
        "{p}户外运动营地项目",
        "{p}温泉度假村项目",
        "{p}滑雪场建设项目",
        "{p}冰雪主题酒店项目",
    ],
}
CAPACITIES = [
    "年产1万吨",
    "年产3万吨",
    "年产5万吨",
    "年产10万件",
    "年产50万件",
    "年产1000台套",
    "年产200兆瓦",
    "年处理30万吨",
    "",
    "",
    "",
]
FIRM_KINDS = ["科技", "新材料", "实业", "制造", "食品", "药业", "机械"]
BRANDS = [
    "恒达",
    "鑫源",
    "华泰",
    "瑞丰",
    "宏图",
    "金程",
    "天成",
    "永盛",
    "博远",
    "松江",
    "江城",
    "盛世",
    "中科",
    "龙盛",
    "凯达",
    "北辰",
    "长盛",
    "嘉禾",
    "润泽",
    "鼎泰",
    "汇通",
    "宏远",
    "华洋",
    "奥新",
    "兴隆",
    "联创",
    "万通",
    "裕丰",
    "泰和",
    "晟通",
    "昊天",
    "九鼎",
    "新元",
    "佳源",
    "众诚",
    "明远",
    "同力",
    "安泰",
    "锦程",
    "合力",
    "恒信",
    "德润",
    "金桥",
    "星河",
    "远航",
    "启明",
    "中盛",
    "利达",
]
SOURCES = {
    "浙江": ["杭州", "宁波", "绍兴", "温州"],
    "广东": ["深圳", "广州", "佛山", "东莞"],
    "北京": ["北京"],
    "上海": ["上海"],
    "江苏": ["苏州", "无锡", "常州", "南京"],
    "香港": ["香港"],
    "山东": ["青岛", "潍坊"],
    "辽宁": ["大连", "沈阳"],
    "福建": ["厦门", "福州"],
    "天津": ["天津"],
}
SOURCE_NAMES = list(SOURCES)
SOURCE_WEIGHTS = (30, 12, 12, 10, 12, 5, 6, 4, 3, 6)
INVESTOR_KINDS = ["控股集团", "投资", "实业集团", "科技股份"]
SIGNED_AT = ["东北亚博览会签约", "吉浙对口合作项目推介会签约", "冬季招商推介会签约"]
FIRST_LANDING = dt.date(2018, 1, 8)  # the year's first landing, after the new-year holiday
SURNAMES = "王李张刘陈杨赵黄吴徐胡朱高林何郭罗梁宋谢韩唐冯于董程曹袁邓许沈曾彭吕苏卢蒋蔡丁魏薛叶阎潘杜戴夏钟汪田任姜范方石姚谭廖邹金陆郝孔白崔康毛邱秦江史顾侯邵孟万段雷钱汤尹常武乔贺龚"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰萍鹏辉玲建波宁红晶琳岩斌博宇浩凯鑫硕佳悦雪冰松柏海峰春东"
TITLES = ["常务副省长", "副省长", "副省长", "副省长", "省委常委、副省长", "省政府秘书长"]
PROBLEMS = [  # (内容, 责任单位 — a leading 区 is the region's own bureau, 解决情况)
    ("施工许可证办理滞后，影响主体施工", "区住建局", "已办结施工许可证"),
    ("项目红线内尚有{n}户未完成征收", "区征收办", "已全部签约腾退"),
    ("场区内66千伏高压线需迁改", "国网吉林省电力公司", "线路迁改已完成"),
    ("建设资金未全部到位，银行贷款审批中", "区财政局", "银行贷款已放款"),
    ("环评批复未下达", "市生态环境局", "已取得环评批复"),
    ("市政供水、燃气管线未接入场区", "市公用事业局", "管线已接通"),
    ("规划条件需调整，待规委会审议", "市自然资源局", "规委会已审议通过"),
    ("用地指标不足，需省厅调剂", "省自然资源厅", "已落实新增建设用地指标"),
    ("入统资料不全，统计部门退回", "区统计局", "资料已补齐并上报"),
    ("施工临时用电容量不足", "国网吉林省电力公司", "已完成增容"),
    ("进口设备通关手续办理缓慢", "长春海关", "设备已清关到场"),
    ("周边居民反映施工扰民", "区信访局", "已协调错时施工"),
    ("林地占用手续未办结", "省林业和草原局", "已取得林地使用许可"),
    ("消防设计审核未通过", "区住建局", "已修改设计并通过审核"),
]
UNREG_REASONS = [
    "施工许可未办结，暂不具备入库条件",
    "建设单位未在统计联网直报平台注册",
    "投资额未达入库标准的分期项目，需合并申报",
    "立项文件与统计口径不一致，正在补正",
    "建设单位财务资料不全，统计局退回补充",
    "新开工项目，入库资料已报统计局待审核",
    "土地手续未办结，统计部门暂不受理",
    "项目法人变更，需重新办理入库",
]
SITE_VISITS = [
    "协调用地",
    "督促入统",
    "了解施工进度",
    "协调供电",
    "催报投资数据",
    "协调施工许可",
    "现场踏查",
    "对接融资",
    "协调征收",
    "联合统计局踏查",
]
EARLY_VISITS = ["协调前期手续", "对接规划设计", "协调用地", "现场踏查", "督办环评", "对接施工许可"]
PROGRESS = {
    "工业": [
        "土方开挖完成，正在进行基础施工",
        "主体厂房钢结构安装完成{n}%",
        "厂房封顶，设备安装调试中",
        "设备基础施工，部分设备已到场",
        "综合楼主体施工至{k}层",
        "生产线安装完成{n}%，计划年内试生产",
    ],
    "基础设施": [
        "管网铺设完成{k}公里",
        "路基完成，正在铺设沥青面层",
        "完成工程量{n}%",
        "桥梁下部结构完成",
        "主体构筑物施工，完成{n}%",
        "设备采购安装中",
    ],
    "民生": ["{k}栋楼主体封顶", "主体施工至{k}层", "室外配套施工", "完成工程量{n}%", "内外装修阶段", "已回迁{k}栋"],
    "服务业": [
        "主体施工至{k}层",
        "主体封顶，进行外墙施工",
        "完成工程量{n}%",
        "库房主体完成，设备安装中",
        "基础施工阶段",
    ],
    "农业": ["完成土地平整{n}%", "棚室主体完成{k}栋", "圈舍主体完工，正在购置设备", "完成工程量{n}%"],
    "文旅": ["雪道改造完成{n}%", "酒店主体封顶", "索道基础施工", "完成工程量{n}%", "游客中心主体施工"],
}
NOTES = [
    "列入省级重点项目",
    "纳入全省“三个一百”项目",
    "已申报中央预算内投资",
    "省级领导联系项目",
    "争取地方政府专项债券支持",
    "列入全省“761”工程项目",
]
WAITING_FOR = {
    "立项": "项目备案待批复",
    "规划选址": "规划选址意见书待核发",
    "用地": "用地征收收尾，土地待挂牌",
    "节能审查": "节能审查意见待出具",
    "环评": "环评批复待下达",
    "施工许可": "施工许可待办结，其余条件已具备",
}
READY = ["前期手续已全部办结，待施工队伍进场", "已具备开工条件，待设备订货", "已具备开工条件，施工招标中"]
MONTH_WEIGHT = {1: 0.2, 2: 0.1, 3: 0.4, 4: 0.8, 5: 1.0, 6: 1.1, 7: 1.1, 8: 1.1, 9: 1.0}
DIGITS_FW = str.maketrans("0123456789,.", "０１２３４５６７８９，．")
LEDGER_HEAD = {
    "在建": ("在建项目台账（已入统）", "5000万元以上已开复工、已入统计库的项目；完成投资为当月完成数"),
    "未入统": ("已开工未入统项目台账", "已开工但未入统计库的项目，逐项写明原因，确保9月底前入统"),
    "计划开工": ("计划开工项目台账（开复工时间表）", "每个项目倒排前期手续，按计划开工日期调度"),
    "招商": ("招商引资项目台账（洽谈→签约→落地）", "招商活动签约项目；亿元以上重点项目由省领导包保"),
    "谋划": ("谋划项目储备库（谋划→储备→前期）", "滚动谋划储备的项目；成熟后转化进入计划开工台账"),
}

# Every spelling of an amount the contract allows; the first ones written cycle through all of
# them, so even a small repository holds each at least once.
AMOUNT_SPELLINGS = ("亿", "亿元", "万", "万元", "comma", "fullwidth", "float", "plain")
AREA_SPELLINGS = ("平方米", "公顷", "亩", "plain")

# --- writing YAML by hand (as scripts/make_demo_ledgers.py) ------------------------------------
PLAIN_UNSAFE = re.compile(
    r"^[-?:,\[\]{}#&*!|>'\"%@`\s]|: |\s#|\s$|^(true|false|null|~|yes|no|on|off)$"
    r"|^[-+.\d][\d_.:eE+-]*$|^\d{4}-\d\d(-\d\d)?$",
    re.I | re.ASCII,
)
FLOW_UNSAFE = re.compile(r"[,\[\]{}]")


def scalar(v: object, flow: bool = False) -> str:
    if v is True or v is False:
        return "true" if v else "false"
    if isinstance(v, (int, float, dt.date)):
        return str(v)
    s = str(v)
    if PLAIN_UNSAFE.search(s) or (flow and FLOW_UNSAFE.search(s)):
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return s


class Spelled(str):
    """An amount or area written with a unit; emitted as a plain scalar (quoted in flow if needed)."""


class Generator:
    def __init__(self, projects: int, seed: int, regions: int | None = None) -> None:
        if projects < 0:
            raise ValueError("projects must be >= 0")
        self.n = projects
        self.seed = seed
        self.rng = random.Random(f"xm-bench/{GENERATOR_VERSION}/{projects}/{seed}")
        self.n_regions = regions or min(300, max(2, round(projects / PROJECTS_PER_REGION)))
        self.amount_todo = list(AMOUNT_SPELLINGS)
        self.area_todo = list(AREA_SPELLINGS)
        self.bool_todo = ["是", "否", True, False]
        self.used_people: set[str] = set()
        self.id_seq: dict[tuple[str, int], int] = {}
        self.seen: set[str] = set()
        self.frng = random.Random(f"xm-bench-fields/{projects}/{seed}")
        self.fseen: set[str] = set()
        self.serials: set[int] = set()

    # --- small helpers -------------------------------------------------------------------------
    def chance(self, p: float, tag: str) -> bool:
        """True with probability p, and always the first time ``tag`` is asked: so even a small
        repository holds every optional field and style at least once."""
        hit = self.rng.random() < p
        if tag not in self.seen:
            self.seen.add(tag)
            return True
        return hit

    def day(self, a: dt.date, b: dt.date) -> dt.date:
        return a + dt.timedelta(days=self.rng.randint(0, max(0, (b - a).days)))

    def pick(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), list(weights.values()))[0]

    def person(self) -> str:
        rng = self.rng
        while True:
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
            if name not in self.used_people or len(self.used_people) > 60000:
                self.used_people.add(name)
                return name

    def new_id(self, code: str, year: int) -> str:
        key = (code, year)
        self.id_seq[key] = n = self.id_seq.get(key, 0) + 1
        return f"{code}-{year}-{n:03d}"

    def amount(self, v: int, odd: float = 0.12, up: bool = False) -> object:
        """An amount of v 万元, now and then spelled the way a clerk types it.

        A float spelling moves the value by 0.5: up for 总投资, down for the parts of it, so
        that parts never add up to more than the whole (no W104)."""
        rng = self.rng
        if v == 0:
            return 0
        if self.amount_todo:
            how = self.amount_todo.pop(0)
        elif rng.random() >= odd:
            return v
        else:
            how = rng.choice(AMOUNT_SPELLINGS[:-1])
        if how in ("亿", "亿元"):
            return Spelled(format((Decimal(v) / 10000).normalize(), "f") + how)
        if how in ("万", "万元"):
            return Spelled(f"{v}{how}")
        if how == "comma":
            return Spelled(f"{v:,}" + ("万元" if rng.random() < 0.3 else ""))
        if how == "fullwidth":
            text = (f"{v:,}" if rng.random() < 0.3 else str(v)).translate(DIGITS_FW)
            return Spelled(text + ("万元" if rng.random() < 0.3 else ""))
        if how == "float":
            return v + 0.5 if up else (v - 0.5 if v >= 1 else v)
        return v

    def area(self, m2: int) -> object:
        how = self.area_todo.pop(0) if self.area_todo else self.rng.choices(AREA_SPELLINGS, (10, 20, 20, 50))[0]
        if how == "公顷":
            return Spelled(f"{m2 / 10000:.1f}公顷")
        if how == "亩":
            return Spelled(f"{max(1, round(m2 * 15 / 10000))}亩")
        if how == "平方米":
            return Spelled(f"{m2}平方米")
        return m2

    def flag(self, value: bool) -> object:
        """重点: true/false, or 是/否."""
        if self.bool_todo:
            for i, b in enumerate(self.bool_todo):
                if (b is True or b == "是") == value:
                    return self.bool_todo.pop(i)
        if self.rng.random() < 0.3:
            return "是" if value else "否"
        return value

    def total(self, small: float, big: float) -> int:
        """总投资 (万元): 5000–9900, 1–2亿, 2–5亿, 5–10亿, 10–30亿."""
        rng = self.rng
        r = rng.random()
        if r < small:
            return round(rng.uniform(5000, 9900) / 100) * 100
        r = rng.random()
        if r < 0.42 - big:
            return round(rng.uniform(10000, 20000) / 500) * 500
        if r < 0.80 - big:
            return round(rng.uniform(20000, 50000) / 1000) * 1000
        if r < 0.95 - big / 2:
            return round(rng.uniform(50000, 99000) / 1000) * 1000
        return round(rng.uniform(100000, 300000) / 10000) * 10000

    # --- the repository ------------------------------------------------------------------------
    def make_regions(self) -> list[dict]:
        rng = self.rng
        bases = rng.sample(REGION_BASES, min(self.n_regions, len(REGION_BASES)))
        extra = self.n_regions - len(bases)
        k = 0
        while extra > 0:  # more regions than 吉林省 has: the parks of each
            for name, _, code in REGION_BASES:
                if extra == 0:
                    break
                park, letter = PARK_KINDS[k % len(PARK_KINDS)]
                stem = name[:-1] if name[-1] in "区县市" and len(name) > 2 else name
                bases.append((f"{stem}{park}", "开发区", f"{code}{letter}{k // len(PARK_KINDS) or ''}"))
                extra -= 1
            k += 1
        n_leaders = min(len(bases), max(3, math.ceil(len(bases) / 3)))
        self.leaders = [(self.person(), TITLES[i % len(TITLES)], []) for i in range(n_leaders)]
        regions = []
        for i, (name, kind, code) in enumerate(bases):
            places = []
            while len(places) < 8:
                p = rng.choice(PLACE_HEADS) + rng.choice(PLACE_TAILS) + rng.choice(PLACE_KINDS)
                if p not in places:
                    places.append(p)
            leader = self.leaders[i % n_leaders]
            leader[2].append(name)
            regions.append(
                {
                    "name": name,
                    "kind": kind,
                    "code": code,
                    "places": places,
                    "trades": rng.sample(TRADES, 6),
                    "leader": leader[0],
                    "mix": ZONE if kind == "开发区" else URBAN if name.endswith("区") else COUNTY,
                    "pace": rng.uniform(0.6, 0.9),
                    "weight": rng.uniform(0.6, 1.4),
                    "reserve": i % RESERVE_EVERY == 0,
                }
            )
        return regions

    def split(self, regions: list[dict]) -> list[dict[str, int]]:
        """How many projects each region's ledgers hold; the counts add up to N exactly."""
        rng = self.rng
        cells, weights = [], []
        for r in regions:
            share = {lg: s * rng.uniform(0.8, 1.2) for lg, s in LEDGER_SHARE.items()}
            if not r["reserve"]:
                share["谋划"] = 0
            total = sum(share.values())
            for lg in LEDGERS:
                cells.append((r["name"], lg))
                weights.append(r["weight"] * share[lg] / total)
        raw = [self.n * w / sum(weights) for w in weights]
        parts = [int(x) for x in raw]
        for i in sorted(range(len(raw)), key=lambda i: parts[i] - raw[i])[: self.n - sum(parts)]:
            parts[i] += 1
        counts = [{lg: 0 for lg in LEDGERS} for _ in regions]
        for (j, (_, lg)), c in zip(enumerate(cells), parts):
            counts[j // len(LEDGERS)][lg] = c
        return counts

    def dept(self, region: dict, what: str) -> str:
        if region["kind"] == "开发区":
            what = {
                "发改局": "经济发展局",
                "工信局": "经济发展局",
                "住建局": "规划建设局",
                "征收办": "规划建设局",
                "教育局": "社会事业局",
                "卫健局": "社会事业局",
                "民政局": "社会事业局",
            }.get(what, what)
        return region["name"] + what

    def name_and_owner(self, region: dict, cat: str, brand: str | None = None) -> tuple[str, str]:
        rng = self.rng
        firm = brand or rng.choice(BRANDS)
        if cat == "工业":
            trade = rng.choice(region["trades"])
            name = f"{firm}{rng.choice(CAPACITIES)}{trade}项目"
            owner = f"吉林省{firm}{rng.choice(FIRM_KINDS)}有限公司"
        else:
            name = rng.choice(PATTERNS[cat]).format(p=rng.choice(region["places"]))
            kind = {"服务业": "置业", "农业": "农业开发", "文旅": "旅游开发"}.get(cat)
            if kind:
                owner = f"吉林省{firm}{kind}有限公司"
            elif "医院" in name or "卫生" in name:
                owner = self.dept(region, "卫健局")
            elif "学" in name or "幼儿园" in name:
                owner = self.dept(region, "教育局")
            else:
                owner = rng.choice([self.dept(region, "住建局"), region["name"] + "城市建设投资有限公司"])
        if rng.random() < 0.05:
            name = name.removesuffix("项目").removesuffix("工程") + rng.choice(["（二期）项目", "（三期）工程"])
        return name, owner

    def problems(self, region: dict, earliest: dt.date) -> list[dict]:
        rng = self.rng
        out = []
        for _ in range(rng.choice((1, 1, 1, 2))):
            text, who, fix = rng.choice(PROBLEMS)
            raised = self.day(max(earliest, dt.date(YEAR, 3, 10)), dt.date(YEAR, 9, 26))
            p = {
                "提出日期": raised,
                "内容": text.format(n=rng.randint(3, 40)),
                "责任单位": self.dept(region, who[1:]) if who.startswith("区") else who,
                "时限": raised + dt.timedelta(days=rng.choice((15, 20, 30, 30, 45, 60))),
            }
            solved = raised + dt.timedelta(days=rng.randint(4, 50))
            if rng.random() < 0.6 and solved <= AS_OF:
                p["解决日期"], p["解决情况"] = solved, fix
            else:
                self.escalate(p)
            out.append(p)
        out.sort(key=lambda p: p["提出日期"])
        return out

    def escalate(self, p: dict) -> None:
        """升级 of an open problem long past its 时限 (issue 17): to 联席会议 30 days after it, now
        and then to 专题会议 60 days later. Decided from the problem's own dates (no draw from the
        generator, so every other value stays what it was), and always the first time it can be."""
        first = "问题/升级" not in self.seen
        joint = p["时限"] + dt.timedelta(days=30)
        if joint > AS_OF or not (first or p["提出日期"].day % 3 == 0):
            return
        self.seen.add("问题/升级")
        p["升级"] = [{"层级": "联席会议", "日期": joint}]
        topical = joint + dt.timedelta(days=60)
        if topical <= AS_OF and p["提出日期"].day % 2 == 0:
            p["升级"].append({"层级": "专题会议", "日期": topical})

    def visits(self, since: dt.date, notes: list[str]) -> list:
        rng = self.rng
        if rng.random() < 0.12:  # not visited for a while (走访超期)
            last = self.day(dt.date(YEAR, 7, 15), dt.date(YEAR, 9, 12))
        else:
            last = self.day(max(dt.date(YEAR, 9, 15), since), dt.date(YEAR, 9, 29))
        dates = [last]
        for _ in range(rng.choice((0, 1, 1, 2))):
            earlier = dates[-1] - dt.timedelta(days=rng.randint(8, 25))
            if earlier >= max(since, dt.date(YEAR, 3, 1)):
                dates.append(earlier)
        return [d if rng.random() < 0.5 else {"日期": d, "内容": rng.choice(notes)} for d in reversed(dates)]

    def common(
        self,
        region: dict,
        cat: str,
        code: str,
        total: int,
        secretaries: list[str],
        name_owner: tuple[str, str] | None = None,
    ) -> dict:
        rng = self.rng
        name, owner = name_owner or self.name_and_owner(region, cat)
        rec = {"编号": code, "名称": name, "建设单位": owner, "类别": cat, "总投资": self.amount(total, up=True)}
        if total >= 100000 or rng.random() < 0.04:
            rec["包保领导"] = region["leader"]
        rec["项目秘书"] = rng.choice(secretaries)
        rec["责任单位"] = self.dept(region, {"工业": "工信局", "民生": "住建局"}.get(cat, "发改局"))
        if cat == "工业" or rng.random() < 0.15:
            rec["用地面积"] = self.area(round(total * 10000 / rng.uniform(2500, 9000)))
        return rec

    def started(self, region: dict, ledger: str, secretaries: list[str]) -> dict:
        rng = self.rng
        new = rng.random() < (0.45 if ledger == "未入统" else 0.3)
        cat = self.pick(region["mix"])
        total = self.total(0.28, 0.05 if region["kind"] == "开发区" else 0)
        done = self.chance(0.05, f"{ledger}/竣工") if not new else rng.random() < 0.05
        if new:
            month = rng.choices(range(3, 10), (3, 20, 25, 20, 14, 10, 8))[0]
            start = dt.date(YEAR, month, rng.randint(1, 25 if month == 9 else 28))
            prior = 0
            plan = total if done else round(total * rng.uniform(0.15, 0.5) * (1 if month <= 7 else 0.6) / 100) * 100
        else:
            since = rng.choices((2017, 2016, 2015, 2014), (60, 25, 10, 5))[0]
            start = dt.date(since, rng.randint(4, 10), rng.randint(1, 28))
            prior = round(total * rng.uniform(0.15, 0.6) / 100) * 100
            plan = total - prior if done else round((total - prior) * rng.uniform(0.3, 0.8) / 100) * 100
        plan = max(100, plan)
        rec = self.common(region, cat, self.new_id(region["code"], start.year), total, secretaries)
        if self.chance(0.27, f"{ledger}/问题"):
            rec["问题"] = self.problems(region, start)
        rec["走访"] = self.visits(start, SITE_VISITS)
        if self.chance(0.06, f"{ledger}/备注"):
            rec["备注"] = rng.choice(NOTES)
        rec["建设性质"] = "新建" if new else "续建"
        rec["开工日期"] = start
        idle = not new and rng.random() < 0.05
        resume = None if new or idle else self.day(dt.date(YEAR, 3, 15), dt.date(YEAR, 5, 31))
        if resume:
            rec["复工日期"] = resume
        if new and rng.random() < 0.65:  # it sat in 计划开工 earlier this year
            rec["计划开工日期"] = max(dt.date(YEAR, 3, 1), start + dt.timedelta(days=rng.randint(-30, 20)))
            if rng.random() < 0.2:
                self.note(rec, "计划开工日期", "由计划开工台账转入，计划开工日期保留备查")
        finish = None
        if done:
            finish = self.day(max(start + dt.timedelta(days=90), dt.date(YEAR, 6, 1)), dt.date(YEAR, 9, 25))
            if finish > AS_OF or finish.year != YEAR:
                finish = None
            else:
                rec["计划竣工日期"] = self.day(finish - dt.timedelta(days=40), finish + dt.timedelta(days=10))
                rec["竣工日期"] = finish
        if finish is None and rng.random() < 0.4:
            rec["计划竣工日期"] = self.day(dt.date(YEAR, 10, 31), dt.date(2020, 12, 31))
        rec["年度计划投资"] = self.amount(plan, 0.05)
        if prior:
            rec["以前年度完成投资"] = self.amount(prior, 0.05)

        last = finish.month if finish else 9
        missed = finish is None and rng.random() < 0.02 and (not new or start.month < 9)  # 9月漏报
        if missed:
            last = min(last, 8)
        first = start.month if new else (1 if rng.random() < 0.5 else resume.month if resume else 4)
        months = list(range(first, last + 1))
        active = [m for m in months if new or (resume and m >= resume.month)]
        share = 1.0 if finish else min(1.0, max(0.25, region["pace"] * rng.uniform(0.75, 1.2)))
        completed = int(plan * share)
        amounts = (
            dict(zip(active, self.distribute(completed, [MONTH_WEIGHT[m] * rng.uniform(0.6, 1.4) for m in active])))
            if active
            else {}
        )
        if len(months) >= 3 and self.chance(0.03, f"{ledger}/以前月份"):  # a report gave 1–N月 as one total
            j = rng.randint(1, len(months) - 2)
            lump = sum(amounts.get(m, 0) for m in months[: j + 1])
            rec["以前月份完成投资"] = {"截至": f"{YEAR}-{months[j]:02d}", "金额": self.amount(lump, 0.02)}
            months = months[j + 1 :]
        rec["完成投资"] = {f"{YEAR}-{m:02d}": self.amount(amounts.get(m, 0), 0.02) for m in months}
        if missed:
            self.note(rec, "完成投资", "9月数据企业未报，已电话催报")
        rec["形象进度"] = (
            "已竣工投入使用"
            if finish
            else "受资金影响暂未复工"
            if idle
            else rng.choice(PROGRESS[cat]).format(n=rng.choice(range(30, 100, 10)), k=rng.randint(2, 12))
        )

        # What the moves left (revision 2). A project an investor brought landed, then sat in 计划开工
        # while its 前期手续 were done, or started at once; one that landed in 2017 is history.
        landed = None
        if new and self.investor_made(rec) and self.chance(0.25, f"{ledger}/落地"):
            if "计划开工日期" in rec:
                edge = min(start, rec["计划开工日期"])
                landed = self.day(max(FIRST_LANDING, edge - dt.timedelta(days=120)), edge - dt.timedelta(days=30))
            else:
                landed = self.day(max(FIRST_LANDING, start - dt.timedelta(days=25)), start)
        elif not new and start.year == YEAR - 1 and self.investor_made(rec) and rng.random() < 0.05:
            landed = self.day(max(dt.date(YEAR - 1, 1, 5), start - dt.timedelta(days=60)), start)
        if "计划开工日期" in rec and (landed or self.chance(0.75, f"{ledger}/前期手续")):
            ready = start - dt.timedelta(days=rng.randint(1, 12))  # 施工许可 in hand, then the start
            since = landed + dt.timedelta(days=3) if landed else ready - dt.timedelta(days=rng.randint(90, 200))
            rec["前期手续"] = self.approvals_done(cat, since, ready)
        if ledger == "在建":
            if new:
                rec["入统日期"] = min(AS_OF, start + dt.timedelta(days=rng.randint(10, 60)))
            elif rng.random() < 0.4:
                rec["入统日期"] = min(dt.date(start.year, 12, 20), start + dt.timedelta(days=rng.randint(20, 90)))
            if "入统日期" in rec and self.chance(0.3, "在建/入统时限"):  # the deadline it had while 未入统
                due = start + dt.timedelta(days=rng.choice((20, 45, 75)))
                rec["入统时限"] = dt.date(due.year + due.month // 12, due.month % 12 + 1, 1) - dt.timedelta(days=1)
        else:
            rec["未入统原因"] = rng.choice(UNREG_REASONS)
            r = rng.random()
            if r < 0.35 or self.chance(0, "入统时限"):
                rec["入统时限"] = dt.date(YEAR, 9, rng.choice((10, 15, 20))) if r < 0.15 else dt.date(YEAR, 10, 31)
            if rng.random() < 0.2:
                self.note(rec, "未入统原因", "9月下旬发改、统计部门联合踏查确认")
        if landed:
            self.kept_from_investment(region, rec, ledger, landed, total)
        elif new and "计划开工日期" in rec and self.chance(0.12, f"{ledger}/转化"):
            edge = min(start, rec["计划开工日期"]) - dt.timedelta(days=20)
            self.converted(rec, ledger, self.day(edge - dt.timedelta(days=300), edge))
        if self.chance(0.06, "inline comment"):
            self.note(rec, "总投资", f"{rng.choice((5, 6, 7, 8))}月调整概算", inline=True)
        return rec

    def investor_made(self, rec: dict) -> bool:
        """A company's project (建设单位 吉林省恒达科技有限公司), of a kind investors come for."""
        owner = rec.get("建设单位") or ""
        return owner.startswith("吉林省") and owner[3:5] in BRANDS and rec["类别"] not in ("民生", "基础设施")

    def approvals_done(self, cat: str, since: dt.date, ready: dt.date) -> list[dict]:
        """前期手续 of a project that has started: all done between since and ready, 施工许可 last."""
        rng = self.rng
        steps = ["立项", "规划选址", "用地", "环评", "施工许可"]
        if cat == "工业" and rng.random() < 0.5:
            steps.insert(3, "节能审查")
        done = sorted(self.day(since, ready) for _ in steps[:-1]) + [ready]
        due = sorted(d + dt.timedelta(days=rng.choice((-10, -5, 0, 0, 5, 10, 15, 20))) for d in done)
        return [{"名称": step, "计划办结": plan, "办结日期": d} for step, plan, d in zip(steps, due, done)]

    def kept_from_investment(self, region: dict, rec: dict, ledger: str, landed: dt.date, total: int) -> None:
        """What a landed 招商 project keeps in 计划开工/未入统/在建: 投资方 (the parent of its local
        company), 来源地, 签约日期, 计划落地日期, 落地日期, 重点; after the ledger's own keys."""
        rng = self.rng
        source = rng.choices(SOURCE_NAMES, SOURCE_WEIGHTS)[0]
        rec["投资方"] = f"{rng.choice(SOURCES[source])}{rec['建设单位'][3:5]}{rng.choice(INVESTOR_KINDS)}有限公司"
        rec["来源地"] = source
        signed = self.day(landed - dt.timedelta(days=180), landed - dt.timedelta(days=7))
        if rng.random() < 0.3:
            self.note(rec, "签约日期", rng.choice(SIGNED_AT))
        rec["签约日期"] = signed
        if self.chance(0.5, f"{ledger}/计划落地日期"):
            rec["计划落地日期"] = signed + dt.timedelta(days=rng.choice((90, 120, 180)))
        rec["落地日期"] = landed
        if landed.year == YEAR and total >= 10000 and self.chance(0.3, f"{ledger}/重点"):
            rec["重点"] = self.flag(True)
            if "包保领导" not in rec:  # a 重点 project is under a leader's 包保
                self.put_after(rec, "总投资", "包保领导", region["leader"])
        elif rng.random() < 0.1:
            rec["重点"] = self.flag(False)
        if rng.random() < 0.3:
            self.note(rec, "投资方", f"{landed.month}月{landed.day}日落地，由招商台账转入")

    def planned(self, region: dict, secretaries: list[str]) -> dict:
        rng = self.rng
        cat = self.pick(region["mix"])
        total = self.total(0.3, 0.05)
        overdue = rng.random() < 0.15
        start = (
            self.day(dt.date(YEAR, 8, 10), dt.date(YEAR, 9, 25))
            if overdue
            else dt.date(YEAR, rng.choices((10, 11, 12), (55, 30, 15))[0], rng.randint(1, 28))
        )
        resume = self.chance(0.06, "计划开工/续建")
        rec = self.common(region, cat, self.new_id(region["code"], 2017 if resume else YEAR), total, secretaries)
        rec["责任单位"] = self.dept(region, "发改局")
        if self.chance(0.3, "计划开工/问题"):
            rec["问题"] = self.problems(region, dt.date(YEAR, 5, 1))
        if self.chance(0.5, "计划开工/走访"):
            rec["走访"] = self.visits(dt.date(YEAR, 3, 1), EARLY_VISITS)
        if self.chance(0.05, "计划开工/备注"):
            rec["备注"] = rng.choice(NOTES)
        if resume or rng.random() < 0.9:  # 建设性质 defaults to 新建: some secretaries leave it out
            rec["建设性质"] = "续建" if resume else "新建"
        rec["计划开工日期"] = start
        if rng.random() < 0.9:
            rec["年度计划投资"] = self.amount(
                max(100, round(total * rng.uniform(0.03, 0.15) * (13 - start.month) / 4 / 100) * 100), 0.05
            )
        if overdue:
            self.note(rec, "计划开工日期", "未按期开工，已报包保领导")
        if resume:
            rec["开工条件"] = "前期手续已于2017年办结，资金落实后复工"
            return rec
        steps = ["立项", "规划选址", "用地", "环评", "施工许可"]
        if cat == "工业" and rng.random() < 0.5:
            steps.insert(3, "节能审查")
        due, plan_dates = start - dt.timedelta(days=rng.randint(5, 15)), []
        for _ in steps:
            plan_dates.append(due)
            due -= dt.timedelta(days=rng.randint(15, 45))
        approvals = []
        for step, when in zip(steps, reversed(plan_dates)):
            item = {"名称": step, "计划办结": when}
            finished = when + dt.timedelta(days=rng.randint(-20, 10))
            if when < AS_OF:
                finished = min(finished, AS_OF - dt.timedelta(days=rng.randint(1, 6)))
            if finished <= AS_OF and rng.random() < (0.7 if overdue else 0.93):
                item["办结日期"] = finished
            approvals.append(item)
        rec["前期手续"] = approvals
        pending = [a["名称"] for a in approvals if "办结日期" not in a]
        rec["开工条件"] = WAITING_FOR[pending[0]] if pending else rng.choice(READY)
        # Landed from 招商 before its 前期手续 began (revision 2: it keeps what it had there).
        first = min(min(a["计划办结"], a.get("办结日期", a["计划办结"])) for a in approvals)
        if (
            first - dt.timedelta(days=3) >= FIRST_LANDING
            and self.investor_made(rec)
            and self.chance(0.3, "计划开工/落地")
        ):
            landed = self.day(
                max(FIRST_LANDING, first - dt.timedelta(days=60)),
                min(first - dt.timedelta(days=3), AS_OF - dt.timedelta(days=1)),
            )
            self.kept_from_investment(region, rec, "计划开工", landed, total)
        elif self.chance(0.15, "计划开工/转化"):  # it came from the 储备库
            last = min(start - dt.timedelta(days=30), AS_OF - dt.timedelta(days=1))
            self.converted(rec, "计划开工", self.day(dt.date(YEAR - 1, 6, 1), last))
        return rec

    def converted(self, rec: dict, ledger: str, day: dt.date) -> None:
        """What a project converted from the 储备库 (转化) keeps: 谋划日期, 入国家库 and 转化日期, last."""
        rng = self.rng
        entered = day - dt.timedelta(days=rng.randint(60, 500))
        rec["谋划日期"] = entered
        if self.chance(0.3, f"{ledger}/入国家库"):
            rec["入国家库"] = self.day(entered + dt.timedelta(days=10), min(AS_OF, day + dt.timedelta(days=90)))
        if rng.random() < 0.2:
            self.note(rec, "转化日期", "由谋划项目储备库转入")
        rec["转化日期"] = day

    def reserve(self, region: dict, secretaries: list[str]) -> dict:
        """A project of the 储备库 (谋划): 谋划阶段, 谋划日期, 预计开工年度, 入国家库, 前期手续."""
        rng = self.rng
        cat = self.pick(region["mix"])
        total = self.total(0.1, 0.1)
        stage = rng.choices(("谋划", "储备", "前期"), (40, 35, 25))[0]
        since = self.day(dt.date(YEAR - 2, 1, 10), AS_OF - dt.timedelta(days=3))
        rec = self.common(region, cat, self.new_id(f"{region['code']}-MH", since.year), total, secretaries)
        if stage == "谋划" and rng.random() < 0.7:  # a secretary once it is worked on
            del rec["项目秘书"]
        if "包保领导" not in rec and self.chance(0.05, "谋划/包保领导"):  # a leader's 谋划 project
            self.put_after(rec, "总投资", "包保领导", region["leader"])
        if stage != "谋划" and self.chance(0.1, "谋划/问题"):
            rec["问题"] = self.problems(region, since)
        if self.chance(0.1, "谋划/走访"):
            rec["走访"] = self.visits(since, EARLY_VISITS)
        if self.chance(0.1, "谋划/备注"):
            rec["备注"] = rng.choice(NOTES)
        rec["谋划阶段"] = stage
        rec["谋划日期"] = since
        if self.chance(0.7, "谋划/预计开工年度"):
            rec["预计开工年度"] = rng.choice((YEAR, YEAR + 1, YEAR + 1, YEAR + 2))
        if stage != "谋划" and self.chance(0.35, "谋划/入国家库"):
            rec["入国家库"] = self.day(since + dt.timedelta(days=1), AS_OF)
        if stage == "前期" or self.chance(0, "谋划/前期手续"):
            done = self.day(since, AS_OF)
            rec["前期手续"] = [
                {"名称": "立项", "计划办结": done + dt.timedelta(days=rng.choice((-10, 0, 5))), "办结日期": done},
                {"名称": "规划选址", "计划办结": self.day(dt.date(YEAR, 10, 1), dt.date(YEAR + 1, 3, 31))},
            ]
        return rec

    def investment(self, region: dict, secretaries: list[str]) -> dict:
        rng = self.rng
        stage = rng.choices(("洽谈", "签约", "落地"), (20, 45, 35))[0]
        key = stage != "洽谈" and rng.random() < 0.35
        source = rng.choices(SOURCE_NAMES, SOURCE_WEIGHTS)[0]
        brand = rng.choice(BRANDS)
        investor = f"{rng.choice(SOURCES[source])}{brand}{rng.choice(INVESTOR_KINDS)}有限公司"
        cat = self.pick(region["mix"])
        if cat in ("民生", "基础设施"):
            cat = "工业" if rng.random() < 0.7 else "服务业"
        if key:
            total = self.total(0, 0.15)
        elif stage == "洽谈" or rng.random() < 0.25:
            total = round(rng.uniform(10000, 60000) / 1000) * 1000
        else:
            total = round(rng.uniform(5000, 9900) / 100) * 100
        name, owner = self.name_and_owner(region, cat, brand)
        rec = self.common(region, cat, self.new_id(region["code"], YEAR), total, secretaries, (name, owner))
        if key and "包保领导" not in rec:
            self.put_after(rec, "总投资", "包保领导", region["leader"])
        if stage == "洽谈" or rng.random() < 0.4:
            del rec["项目秘书"]
        if not self.chance(
            0.15, "招商/建设单位"
        ):  # 招商 records the investor in 投资方; 建设单位 once the company is set up
            del rec["建设单位"]
        rec["责任单位"] = self.dept(region, "招商局")
        if stage != "洽谈" and self.chance(0.15, "招商/问题"):
            rec["问题"] = self.problems(region, dt.date(YEAR, 4, 1))
        if stage == "落地" and self.chance(0.3, "招商/走访"):
            rec["走访"] = self.visits(dt.date(YEAR, 6, 1), EARLY_VISITS)
        if stage == "洽谈":  # 备注 is the last of the common keys, before 阶段
            rec["备注"] = rng.choice(["已完成两轮洽谈，待考察", "对方来吉考察，正在论证选址", "意向协议文本磋商中"])
        rec.update({"阶段": stage, "投资方": investor, "来源地": source})
        if stage == "洽谈":
            if rng.random() < 0.3:
                rec["计划落地日期"] = self.day(dt.date(YEAR + 1, 3, 1), dt.date(YEAR + 1, 12, 31))
            return rec
        landed = stage == "落地"
        signed = self.day(dt.date(YEAR, 1, 10), dt.date(YEAR, 6, 15) if landed else dt.date(YEAR, 9, 20))
        if rng.random() < 0.3:
            self.note(rec, "签约日期", rng.choice(SIGNED_AT))
        rec["签约日期"] = signed
        if landed:
            if rng.random() < 0.5:
                rec["计划落地日期"] = signed + dt.timedelta(days=rng.choice((90, 120, 180)))
            rec["落地日期"] = min(AS_OF, signed + dt.timedelta(days=rng.randint(20, 150)))
        elif rng.random() < 0.7:
            rec["计划落地日期"] = max(
                signed + dt.timedelta(days=rng.choice((90, 120, 180))),
                self.day(dt.date(YEAR, 10, 31), dt.date(YEAR + 1, 6, 30)),
            )
        if key or self.chance(0.3, "招商/重点"):
            rec["重点"] = self.flag(key)
        return rec

    # --- the fields of issue 16 ------------------------------------------------------------------
    # Added by a second seeded generator once the records are made, sparsely (a real province's
    # ledger is not fuller, and the size stays that of the issue's measurement), every one at least
    # once: 项目代码, 级别, 建设内容, 资金来源, 投产 dates, who visited and how, a problem's 分类 and
    # 层级, and the extension fields of xiangmu.yaml (one of each type).
    def fchance(self, p: float, tag: str) -> bool:
        hit = self.frng.random() < p
        if tag not in self.fseen:
            self.fseen.add(tag)
            return True
        return hit

    def office_fields(self, regions: list[dict], records: dict[str, dict[str, list[dict]]]) -> None:
        frng = self.frng
        for i, region in enumerate(regions):
            division = f"22{i % 99 + 1:02d}{i // 99 % 100:02d}"
            for ledger in LEDGERS:
                if ledger not in FIELD_ORDER:
                    continue  # 谋划: the 储备库 keeps its own few keys (issue 16.3), not the offices' fields
                order = FIELD_ORDER[ledger]
                for rec in records[region["name"]][ledger]:
                    total = _value(rec["总投资"])
                    known = 0.03 if ledger == "招商" else 1.0  # 招商: now and then already 备案 (a signed one)
                    if self.fchance(0.35 * known, f"{ledger}/项目代码"):
                        serial = len(self.serials) + 1
                        self.serials.add(serial)
                        code = f"{YEAR}-{division}-{frng.choice(('13', '26', '36', '48', '70'))}-03-{serial:06d}"
                        put_in_order(rec, "项目代码", code, order)
                    if self.fchance(0.25 * known, f"{ledger}/级别"):
                        put_in_order(rec, "级别", "省重点" if total >= 100000 else "市重点", order)
                    if total >= 10000 and self.fchance(0.08, f"{ledger}/建设内容"):
                        scope = f"新建厂房及配套用房{round(total / 3)}平方米，购置设备{frng.randint(20, 300)}台（套）"
                        put_in_order(rec, "建设内容", scope, order)
                    if total >= 10000 and self.fchance(0.08, f"{ledger}/资金来源"):
                        put_in_order(rec, "资金来源", frng.choice(FUNDING), order)
                    if ledger in ("在建", "未入统") and rec["类别"] == "工业" and self.fchance(0.2, f"{ledger}/投产"):
                        earliest = rec["开工日期"] + dt.timedelta(days=120)
                        if earliest <= AS_OF and self.fchance(0.35, f"{ledger}/投产日期"):  # in operation
                            plan = earliest + dt.timedelta(days=frng.randint(0, (AS_OF - earliest).days))
                            put_in_order(rec, "计划投产日期", plan, order)
                            put_in_order(rec, "投产日期", plan, order)
                        else:
                            plan = max(earliest, dt.date(YEAR, 10, 1)) + dt.timedelta(days=frng.randint(0, 400))
                            put_in_order(rec, "计划投产日期", plan, order)
                    for issue in rec.get("问题", []):
                        if self.fchance(0.5, "问题/分类"):
                            put_in_order(issue, "分类", frng.choice(ISSUE_KINDS), ISSUE_ORDER)
                        if "解决日期" not in issue and self.fchance(0.1, "问题/层级"):
                            level = frng.choice(("联席会议", "联席会议", "专题会议", "常务会议"))
                            if "升级" in issue:  # raised below the first 升级 (E308 otherwise)
                                levels = ["联席会议", "专题会议", "常务会议"]
                                first = levels.index(issue["升级"][0]["层级"])
                                level = levels[first - 1] if first > 0 else None
                            if level is not None:
                                put_in_order(issue, "层级", level, ISSUE_ORDER)
                    visits = rec.get("走访", [])
                    if visits and self.fchance(0.05, "走访/走访人"):
                        at = frng.randrange(len(visits))
                        visit = visits[at] if isinstance(visits[at], dict) else {"日期": visits[at]}
                        put_in_order(visit, "走访人", rec.get("项目秘书") or "招商局", VISIT_ORDER)
                        put_in_order(visit, "方式", frng.choice(("现场", "现场", "座谈", "电话")), VISIT_ORDER)
                        visits[at] = visit
                    for name, kind in EXTENSIONS:
                        if self.fchance(0.01, f"{ledger}/{name}"):
                            put_in_order(rec, name, self.extension_value(kind, total), order)

    def extension_value(self, kind: str, total: int) -> object:
        frng = self.frng
        if kind == "金额":
            return f"{round(total * frng.uniform(0.05, 0.3) / 100) * 100}万元"
        if kind == "日期":
            return dt.date(YEAR, frng.randint(1, 9), frng.randint(1, 28))
        if kind == "是否":
            return frng.choice(("是", "否"))
        if kind == "选项":
            return frng.choice(("发改", "工信", "住建"))
        return frng.choice(("已入库", "待审核", "资料补正中"))

    @staticmethod
    def put_after(rec: dict, after: str, key: str, value: object) -> None:
        """Add a key in its place in the contract's order (emit writes keys as they were added)."""
        items = list(rec.items())
        at = [k for k, _ in items].index(after) + 1
        rec.clear()
        rec.update(items[:at] + [(key, value)] + items[at:])

    @staticmethod
    def note(rec: dict, key: str, text: str, inline: bool = False) -> None:
        rec.setdefault("#i" if inline else "#", {})[key] = text

    @staticmethod
    def distribute(total: int, weights: list[float]) -> list[int]:
        s = sum(weights)
        raw = [total * w / s for w in weights]
        parts = [int(x) for x in raw]
        for i in sorted(range(len(raw)), key=lambda i: parts[i] - raw[i])[: total - sum(parts)]:
            parts[i] += 1
        return parts

    # --- emitting ------------------------------------------------------------------------------
    def emit(self, rec: dict, out: list[str]) -> None:
        above, inline = rec.pop("#", None) or {}, rec.pop("#i", None) or {}
        first = True
        for key, v in rec.items():
            if key in above:
                out.append(f"    # {above[key]}")
            lead = "  - " if first else "    "
            first = False
            tail = f"  # {inline[key]}" if key in inline else ""
            if not isinstance(v, (list, dict)):
                out.append(f"{lead}{key}: {scalar(v)}{tail}")
            elif key == "完成投资":
                if len(v) <= 4 and self.chance(0.3, "flow months"):  # a short year, on one line
                    out.append(
                        f"{lead}{key}: {{" + ", ".join(f"{m}: {scalar(x, True)}" for m, x in v.items()) + "}" + tail
                    )
                else:
                    out.append(f"{lead}{key}:{tail}")
                    out.extend(f"      {m}: {scalar(x)}" for m, x in v.items())
            elif key == "以前月份完成投资":
                if self.chance(0.2, "block 以前月份"):
                    out.append(f"{lead}{key}:{tail}")
                    out.extend(f"      {k}: {scalar(x)}" for k, x in v.items())
                else:
                    out.append(
                        f"{lead}{key}: {{" + ", ".join(f"{k}: {scalar(x, True)}" for k, x in v.items()) + "}" + tail
                    )
            elif key == "问题":
                out.append(f"{lead}{key}:{tail}")
                for p in v:
                    first_key = True
                    for k, x in p.items():
                        if isinstance(x, list):  # 升级: [{层级, 日期}, …]
                            steps = ("{" + ", ".join(f"{a}: {scalar(b, True)}" for a, b in y.items()) + "}" for y in x)
                            text = "[" + ", ".join(steps) + "]"
                        else:
                            text = scalar(x)
                        out.append(f"      {'- ' if first_key else '  '}{k}: {text}")
                        first_key = False
            elif key == "走访" and all(isinstance(x, dt.date) for x in v) and self.chance(0.15, "flow visits"):
                out.append(f"{lead}{key}: [" + ", ".join(map(str, v)) + "]" + tail)  # flow sequence
            else:  # 走访, 前期手续: one flow mapping a line, now and then a block mapping
                out.append(f"{lead}{key}:{tail}")
                for x in v:
                    if not isinstance(x, dict):
                        out.append(f"      - {scalar(x)}")
                    elif self.chance(0.1, f"block {key}"):
                        items = list(x.items())
                        out.append(f"      - {items[0][0]}: {scalar(items[0][1])}")
                        out.extend(f"        {k}: {scalar(y)}" for k, y in items[1:])
                    else:
                        out.append("      - {" + ", ".join(f"{k}: {scalar(y, True)}" for k, y in x.items()) + "}")

    def ledger_text(self, region: dict, ledger: str, records: list[dict], index: int) -> str:
        title, purpose = LEDGER_HEAD[ledger]
        out = [
            f"# yaml-language-server: $schema=../../schemas/{ledger}.schema.json",
            f"# {region['name']} {title}",
            f"# {purpose}",
            f"# 维护：{self.dept(region, '发改局')} 项目秘书组；数据截至 {AS_OF}",
        ]
        if index % 7 != 3:  # 地区 and 台账 are optional; a few files leave them out
            out += [f"地区: {region['name']}", f"台账: {ledger}"]
        if not records:
            out.append("项目: []  # 暂无项目")
            return "\n".join(out) + "\n"
        out.append("项目:")
        section = None
        for i, rec in enumerate(records):
            if i:
                out.append("")
            nature = (
                rec.get("建设性质") if ledger in ("在建", "未入统") else rec.get("阶段") if ledger == "招商" else None
            )
            if nature is not None and nature != section:
                section = nature
                out.append(f"  # —— {nature}项目 ——")
            self.emit(rec, out)
        return "\n".join(out) + "\n"

    def config_text(self, regions: list[dict], records: dict[str, dict[str, list[dict]]]) -> str:
        rng = self.rng
        lines = [
            "# yaml-language-server: $schema=../schemas/xiangmu.schema.json",
            "# 吉林省重点项目建设台账 —— 本仓库的总配置",
            f"# 合成数据：benchmarks/generate.py --projects {self.n} --seed {self.seed}（用于性能测试，人名、企业均为虚构）",
            "# 维护：省发改委投资处；各县（市）区、开发区只改本地文件夹下的台账。",
            "",
            "名称: 吉林省重点项目建设台账",
            f"年度: {YEAR}                 # 报告年度；完成投资的月份必须在本年度内",
            "",
            "# 项目类别，台账中的 类别 只能取以下值",
            f"类别: [{', '.join(CATEGORIES)}]",
            "产业类别: [工业, 服务业, 农业, 文旅]",
            "级别: [省重点, 市重点]",
            f"问题分类: [{', '.join(ISSUE_KINDS)}]",
            "",
            "口径:",
            "  入库门槛: 5000           # 万元；5000万元以上项目全部配备项目服务秘书",
            "  亿元以上: 1亿            # “亿元以上项目”统计线",
            "  十亿元以上: 10亿         # “10亿元以上项目”统计线",
            "  领导包保门槛: 100000     # 万元；10亿元以上重大项目由省级领导包保",
            "  走访周期: 15             # 天；项目秘书每半个月至少到现场踏查一次",
            f"  入统时限: {YEAR}-09-30     # 未入统项目“确保9月底前入统”",
            "  低于门槛提示: 是",
            "  红灯进度差: 0.1          # 完成投资落后序时进度超过10个百分点亮红灯",
            "  临期天数: 7              # 7天内到期的事项亮黄灯、列入提醒（xm remind）",
            "",
            "# 本省另加的项目字段",
            "扩展字段:",
            *(
                f"  - {{名称: {name}, 类型: {kind}" + (", 选项: [发改, 工信, 住建]" if kind == "选项" else "") + "}"
                for name, kind in EXTENSIONS
            ),
            "",
            "# 省领导包保分工；包保领导 只能填这里的姓名",
            "领导:",
        ]
        for name, title, areas in self.leaders:
            lines += [f"  - 姓名: {name}", f"    职务: {title}", f"    包保地区: [{', '.join(areas)}]"]
        lines += ["", "# 地区：文件夹名与此处名称一致，列表顺序即报表中的地区顺序", "地区:"]
        lines += [f"  - {{名称: {r['name']}, 类型: {r['kind']}}}" for r in regions]
        lines += ["", "# 年度目标：键只用 年度投资（万元）或 metrics.md 中的指标名；比率写小数或百分数", "目标:"]
        goals, city = [], 0
        for r in regions:
            mine = records[r["name"]]
            started = mine["在建"] + mine["未入统"]
            done = sum(_value(x) for rec in started for x in rec["完成投资"].values())
            done += sum(_value(rec["以前月份完成投资"]["金额"]) for rec in started if "以前月份完成投资" in rec)
            new = sum(rec["建设性质"] == "新建" for rec in started)
            invest = max(1000, round(done / (r["pace"] + rng.uniform(-0.04, 0.06)) / 1000) * 1000)
            city += invest
            t = [f"年度投资: {invest}", f"新开工项目数: {max(2, round(new * rng.uniform(0.8, 1.3)))}"]
            if rng.random() < 0.5:
                t.append(f"开工率: {rng.choice(['0.85', '0.9', '90%', '95%'])}")
            if rng.random() < 0.4:
                t.append(f"入统率: {rng.choice(['0.8', '85%', '0.9'])}")
            goals.append(f"  {r['name']}: {{{', '.join(t)}}}")
        lines.append(
            f"  全市: {{年度投资: {round(city * 1.02 / 10000) * 10000}, 新开工亿元以上项目数: "
            f"{max(1, self.n // 12)}, 开工率: 0.9, 复工率: 95%, 入统率: 0.9, 招商落地率: 0.7}}"
        )
        lines += goals
        lines += [
            "",
            "# 考评：三季度、年终两次；排名靠前加分，靠后绩效减档",
            "考评:",
            "  指标: {投资完成率: 40, 开工率: 20, 入统率: 20, 招商落地率: 10, 问题解决率: 10}",
            "  封顶: 1.2",
            "  前列加分: {名次: 3, 加分: 2}",
            "  后列减档: {名次: 3}",
            "",
            "# 报告页眉（打印的网页、Excel）",
            "通报: {发文单位: 发展和改革委员会, 期数: '{年}年第{月}期'}",
        ]
        return "\n".join(lines) + "\n"

    def build(self) -> dict[str, str]:
        """{relative path under ledgers/: text}, in writing order."""
        rng = self.rng
        regions = self.make_regions()
        counts = self.split(regions)
        records: dict[str, dict[str, list[dict]]] = {}
        for region, count in zip(regions, counts):
            n = sum(count.values())
            secretaries = [self.person() for _ in range(max(2, math.ceil(n / 25)))]
            mine = {
                "在建": [self.started(region, "在建", secretaries) for _ in range(count["在建"])],
                "未入统": [self.started(region, "未入统", secretaries) for _ in range(count["未入统"])],
                "计划开工": [self.planned(region, secretaries) for _ in range(count["计划开工"])],
                "招商": [self.investment(region, secretaries) for _ in range(count["招商"])],
                "谋划": [self.reserve(region, secretaries) for _ in range(count["谋划"])],
            }
            for ledger in ("在建", "未入统"):
                mine[ledger].sort(key=lambda r: (r["建设性质"] != "新建", r["编号"]))
            mine["计划开工"].sort(key=lambda r: r["编号"])
            mine["招商"].sort(key=lambda r: ({"落地": 0, "签约": 1, "洽谈": 2}[r["阶段"]], r["编号"]))
            mine["谋划"].sort(key=lambda r: (r["谋划日期"], r["编号"]))
            records[region["name"]] = mine
        files = {"xiangmu.yaml": self.config_text(regions, records)}
        self.office_fields(regions, records)
        index = 0
        for region in regions:
            for ledger in LEDGERS:
                recs = records[region["name"]][ledger]
                if not recs and (ledger == "谋划" or rng.random() < 0.5):
                    continue  # every ledger file is optional; 谋划 only where the region keeps one
                files[f"{region['name']}/{ledger}.yaml"] = self.ledger_text(region, ledger, recs, index)
                index += 1
        return files


def _value(x: object) -> float:
    if isinstance(x, (int, float)):
        return x
    s = str(x).translate(str.maketrans("０１２３４５６７８９，．", "0123456789,.")).replace(",", "")
    for unit, factor in (("亿元", 10000), ("亿", 10000), ("万元", 1), ("万", 1)):
        if s.endswith(unit):
            return float(s[: -len(unit)]) * factor
    return float(s)


def build_files(
    projects: int, seed: int, regions: int | None = None, warnings: float = 0.0, errors: int = 0
) -> dict[str, str]:
    """The repository's ledger files as {path under ledgers/: text}; nothing is written.

    ``warnings``: the share of block-style projects given a realistic policy gap afterwards (no
    项目秘书 → W102, or 总投资 below the 入库门槛 → W101; real ledgers carry ~7%). ``errors``: how
    many projects get an error (an impossible date, E106, or an unknown key, E101). Both are
    applied by a second seeded generator after the clean repository is built, so the clean
    repository of the same arguments is unchanged.
    """
    files = Generator(projects, seed, regions).build()
    if warnings or errors:
        files = _degrade(files, random.Random(f"xm-bench-degrade/{projects}/{seed}"), warnings, errors)
    return files


_ITEM = re.compile(r"^  - 编号: ", re.M)


def _degrade(files: dict[str, str], rng: random.Random, warnings: float, errors: int) -> dict[str, str]:
    """Policy gaps and errors written into the text of block-style projects (see build_files)."""
    items = []  # (path, start, end) of each block-style project item in 在建, 未入统, 计划开工
    for path, text in sorted(files.items()):
        if not path.endswith(("/在建.yaml", "/未入统.yaml", "/计划开工.yaml")):
            continue
        starts = [m.start() for m in _ITEM.finditer(text)]
        items += [(path, a, b) for a, b in zip(starts, [*starts[1:], len(text)])]
    chosen = rng.sample(range(len(items)), min(len(items), round(len(items) * warnings) + errors))
    edits: dict[str, list[tuple[int, int, str]]] = {}
    for n, index in enumerate(sorted(chosen)):
        path, a, b = items[index]
        block = files[path][a:b]
        if n < errors:
            new = (
                re.sub(r"(日期: )(\d{4})-\d{2}-\d{2}", r"\g<1>\2-02-30", block, count=1)
                if rng.random() < 0.5
                else block.replace("    名称: ", "    项目名称: ", 1)
            )
        elif "    项目秘书: " in block and rng.random() < 0.6:
            new = re.sub(r"^    项目秘书: .*\n", "", block, count=1, flags=re.M)
        else:
            new = re.sub(r"^(    总投资: ).*$", r"\g<1>3000", block, count=1, flags=re.M)
        edits.setdefault(path, []).append((a, b, new))
    out = dict(files)
    for path, changes in edits.items():
        text = files[path]
        for a, b, new in sorted(changes, reverse=True):
            text = text[:a] + new + text[b:]
        out[path] = text
    return out


def add_extensions_to_schemas(folder: Path) -> None:
    """The ledger schemas copied from the repository, told about this generator's 扩展字段 (as
    ``xm schema`` would write them for its xiangmu.yaml), so check-jsonschema accepts the files.
    Each type takes the schema of a contract key of that kind, which every ledger has."""
    import json

    like = {"金额": "总投资", "日期": "签约日期", "是否": "重点"}
    for ledger in LEDGERS:
        path = folder / f"{ledger}.schema.json"
        schema = json.loads(path.read_text(encoding="utf-8"))
        props = schema["definitions"]["项目"]["properties"]
        for name, kind in EXTENSIONS:
            if kind in like:
                # 谋划 has no 签约日期 and no 重点: a date takes 谋划日期's schema there
                props[name] = props.get(like[kind]) or props.get("谋划日期" if kind == "日期" else "重点") or {}
            elif kind == "选项":
                props[name] = {"anyOf": [{"enum": ["发改", "工信", "住建"]}, {"type": "null"}]}
            else:
                props[name] = {"anyOf": [{"type": "string"}, {"type": "null"}]}
        path.write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def generate(
    projects: int,
    seed: int,
    out: Path,
    regions: int | None = None,
    schemas: Path = SCHEMAS,
    warnings: float = 0.0,
    errors: int = 0,
) -> dict:
    """Write the repository to ``out`` (replaced if it is an earlier output); return a summary."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).exists():
            raise SystemExit(f"{out} exists and was not made by generate.py; not replacing it")
        shutil.rmtree(out)
    files = build_files(projects, seed, regions, warnings, errors)
    ledgers = out / "ledgers"
    size = 0
    for rel, text in files.items():
        path = ledgers / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        path.write_bytes(data)
        size += len(data)
    shutil.copytree(schemas, out / "schemas")
    add_extensions_to_schemas(out / "schemas")
    summary = {
        "projects": projects,
        "seed": seed,
        "regions": len({r.split("/")[0] for r in files if "/" in r}),
        "files": len(files),
        "bytes": size,
        "version": GENERATOR_VERSION,
        "source": SOURCE_HASH,
        "warnings": warnings,
        "errors": errors,
    }
    (out / MARKER).write_text("".join(f"{k}={v}\n" for k, v in summary.items()), encoding="utf-8")
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--projects", "-n", type=int, required=True, help="number of projects")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--out", type=Path, required=True, help="output folder (gets ledgers/ and schemas/)")
    ap.add_argument(
        "--regions",
        type=int,
        default=None,
        help=f"number of regions (default: N/{PROJECTS_PER_REGION}, between 2 and 300)",
    )
    ap.add_argument(
        "--warnings", type=float, default=0.0, help="share of projects given a policy-gap warning (real ledgers: ~0.07)"
    )
    ap.add_argument("--errors", type=int, default=0, help="number of projects given an error")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    s = generate(args.projects, args.seed, args.out, args.regions, warnings=args.warnings, errors=args.errors)
    print(
        f"wrote {s['projects']} projects in {s['regions']} regions, {s['files']} files, "
        f"{s['bytes'] / 2**20:.1f} MiB to {args.out}/ledgers in {time.perf_counter() - t0:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
