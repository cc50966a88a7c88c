#!/usr/bin/env python3
"""生成演示台账仓库 ledgers/：吉林市 2018 年重点项目建设台账，数据截至 2018-09-30。

The figures follow 吉林市人民政府办公厅 2018-09-16《全市落实"稳投资"政策措施加快推进重点项目
建设工作方案》: 314 started projects of 5000万元 and above (102 新建, 212 续建, 227 亿元以上),
80 of them 未入统; 49 projects to start in 8至12月; 46 signed 招商 projects, 22 of them 亿元以上
重点 under a city leader.  People, companies and most project names are invented.

Writes hand-written-looking YAML per docs/ledger-format.md (keys in the order of its tables,
comments where a secretary would leave them).  The records carry the history a year of moves
leaves (revision 2): landed 招商 projects sit in 计划开工/未入统/在建 with their 签约 and 落地
dates, started ones keep their 计划开工日期 and 前期手续, 在建 ones their 入统日期 and 入统时限.
Deterministic: random.Random(2018) for the ledgers and a second seeded rng for their history, no
clock, no set iteration, so two runs write identical bytes.  The output folder is replaced entirely.

    python scripts/make_demo_ledgers.py [--out ledgers]
    python scripts/check_demo_counts.py          # asserts the figures above, reading the files
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import re
import shutil
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

YEAR = 2018
AS_OF = dt.date(2018, 9, 30)
ROOT = Path(__file__).resolve().parent.parent
rng = random.Random(2018)

# --- who and where -----------------------------------------------------------------------------
# Leaders are fictional; the 包保 split is the one in the 2018-09-16 工作方案.
LEADERS = [
    ("周立新", "市委常委、常务副市长", ["高新区", "经开区", "中新食品区"]),
    ("马志远", "副市长", ["船营区", "蛟河市"]),
    ("孙振华", "副市长", ["永吉县"]),
    ("刘海峰", "副市长", ["桦甸市", "丰满区", "北大壶开发区"]),
    ("赵德民", "副市长", ["磐石市", "昌邑区", "龙潭区"]),
    ("郑文博", "市委常委、副市长", ["舒兰市"]),
]
CATEGORIES = ["工业", "基础设施", "民生", "服务业", "农业", "文旅"]


@dataclass
class Region:
    name: str
    kind: str  # 区县 / 开发区
    code: str  # 编号 prefix
    started: int  # 在建 + 未入统
    new: int  # of which 新建
    unreg: int  # of which in 未入统
    planned: int  # 计划开工 records
    signed: int  # 招商 at 签约/落地
    key: int  # of which 重点 (亿元以上, 市领导包保)
    talks: int  # 招商 at 洽谈
    pace: float  # share of the year's plan done by September: regions ahead or behind
    mix: dict  # 类别 → weight
    places: list  # towns, streets, parks used in project names
    trades: list  # what its factories make
    flagships: list  # (名称, 类别, 总投资, start year of a 续建 or None for 新建, 建设单位 or None)

    @property
    def leader(self) -> str:
        return next(n for n, _, areas in LEADERS if self.name in areas)


URBAN = {"工业": 25, "基础设施": 25, "民生": 25, "服务业": 20, "文旅": 5}
COUNTY = {"工业": 35, "农业": 15, "基础设施": 20, "民生": 15, "服务业": 10, "文旅": 5}
HUAXIAN = "吉林化纤集团有限责任公司"
BEIDAHU = "吉林北大壶体育旅游开发有限公司"
REGIONS = [
    Region(
        "船营区",
        "区县",
        "CY",
        36,
        12,
        9,
        6,
        5,
        2,
        1,
        0.78,
        URBAN,
        ["北山", "德胜", "大东", "致和", "北极", "欢喜乡", "搜登站镇", "越北镇", "大绥河镇", "江北"],
        ["中药饮片", "医疗器械", "食品加工", "新型建材", "印刷包装", "汽车零部件", "服装加工"],
        [
            ("船营区北山片区棚户区改造项目", "民生", 160000, 2016, None),
            ("吉林市中心医院江北院区建设项目", "民生", 120000, None, "吉林市中心医院"),
        ],
    ),
    Region(
        "昌邑区",
        "区县",
        "CHY",
        30,
        10,
        8,
        4,
        4,
        2,
        1,
        0.70,
        URBAN,
        ["哈达湾", "东局子", "延安", "通江", "孤店子镇", "桦皮厂镇", "左家镇", "两家子", "土城子"],
        ["装备制造", "金属结构件", "化工新材料", "新型建材", "农产品加工", "铸件"],
        [
            ("哈达湾老工业区搬迁改造基础设施项目", "基础设施", 250000, 2015, None),
            ("昌邑区东局子片区棚户区改造项目", "民生", 80000, 2017, None),
        ],
    ),
    Region(
        "龙潭区",
        "区县",
        "LT",
        24,
        8,
        6,
        3,
        3,
        1,
        0,
        0.66,
        URBAN,
        ["龙华", "新吉林", "铁东", "承德街", "乌拉街", "江密峰镇", "金珠镇", "大口钦镇", "缸窑镇"],
        ["石化配套", "化工新材料", "橡胶助剂", "铁合金", "机械加工", "炭素制品"],
        [
            ("吉林化工园区丙烯酸及酯扩能项目", "工业", 130000, None, "吉林市众诚石化有限公司"),
            ("龙潭区承德街片区棚户区改造项目", "民生", 90000, 2017, None),
        ],
    ),
    Region(
        "丰满区",
        "区县",
        "FM",
        20,
        6,
        5,
        3,
        3,
        1,
        1,
        0.74,
        URBAN,
        ["江南", "泰山", "红旗", "旺起镇", "江南乡", "小白山乡", "前二道乡", "松花湖"],
        ["光伏组件", "食品加工", "木制品", "新型建材", "矿泉水"],
        [
            ("松花湖国际度假区二期项目", "文旅", 300000, 2016, "吉林松花湖国际度假区开发有限公司"),
            ("丰满区江南新城供热管网工程", "基础设施", 35000, 2017, None),
        ],
    ),
    Region(
        "蛟河市",
        "区县",
        "JH",
        18,
        6,
        5,
        3,
        3,
        1,
        0,
        0.81,
        COUNTY,
        ["庆岭", "拉法", "天岗镇", "新站镇", "黄松甸镇", "漂河镇", "天北镇", "白石山镇", "松江镇"],
        ["石材加工", "食用菌深加工", "木制品", "硅藻土", "矿泉水", "中药材加工"],
        [
            ("吉林蛟河抽水蓄能电站项目", "基础设施", 680000, 2017, "吉林蛟河抽水蓄能有限公司"),
            ("拉法山国家森林公园提升项目", "文旅", 30000, 2017, None),
        ],
    ),
    Region(
        "桦甸市",
        "区县",
        "HD",
        16,
        5,
        4,
        3,
        2,
        1,
        1,
        0.62,
        COUNTY,
        ["明桦", "夹皮沟镇", "红石砬子镇", "八道河子镇", "常山镇", "金沙镇", "桦郊乡", "公吉乡"],
        ["黄金选冶", "油页岩综合利用", "中药材加工", "人参精深加工", "木制品", "矿泉水"],
        [("桦甸油页岩综合开发利用项目", "工业", 210000, 2016, "桦甸市宏远能源有限公司")],
    ),
    Region(
        "舒兰市",
        "区县",
        "SL",
        16,
        5,
        4,
        2,
        3,
        1,
        0,
        0.69,
        COUNTY,
        ["北城", "平安镇", "法特镇", "上营镇", "小城镇", "白旗镇", "溪河镇", "天德乡", "开原镇"],
        ["大米加工", "粮食烘干仓储", "白酒酿造", "木制品", "煤炭洗选", "生物质颗粒"],
        [("舒兰市50万吨大米精深加工项目", "工业", 60000, None, "舒兰市裕丰米业有限公司")],
    ),
    Region(
        "磐石市",
        "区县",
        "PS",
        22,
        7,
        6,
        4,
        4,
        2,
        1,
        0.84,
        COUNTY,
        ["明城镇", "烟筒山镇", "红旗岭镇", "石嘴镇", "取柴河镇", "吉昌镇", "黑石镇", "富太镇", "河南街"],
        ["石墨深加工", "镍铜冶炼", "铸件", "医药", "冶金辅料", "装配式建筑构件"],
        [
            ("磐石明城石墨产业园项目", "工业", 120000, 2017, "磐石市星河石墨新材料有限公司"),
            ("红旗岭镍业技术改造项目", "工业", 45000, 2017, "吉林红旗岭镍业有限公司"),
        ],
    ),
    Region(
        "永吉县",
        "区县",
        "YJ",
        18,
        6,
        5,
        3,
        3,
        1,
        1,
        0.72,
        COUNTY,
        ["口前镇", "万昌镇", "西阳镇", "一拉溪镇", "双河镇", "金家乡", "黄榆乡", "北大湖镇"],
        ["汽车零部件", "农产品加工", "新型建材", "医药", "光伏组件", "再生资源"],
        [
            ("永吉经济开发区汽车零部件产业园项目", "工业", 110000, 2017, "永吉县金桥汽车零部件有限公司"),
            ("永吉县万昌镇高标准农田建设项目", "农业", 12000, None, None),
        ],
    ),
    Region(
        "高新区",
        "开发区",
        "GX",
        38,
        12,
        10,
        6,
        6,
        4,
        1,
        0.80,
        {"工业": 50, "服务业": 20, "基础设施": 15, "民生": 15},
        ["高新北区", "深圳街", "长春路", "创业园", "大学城", "新北", "恒山路", "昆仑街"],
        [
            "汽车零部件",
            "电子元器件",
            "生物制药",
            "智能装备",
            "光电子器件",
            "碳纤维复合材料部件",
            "医疗器械",
            "新能源电池",
            "精密模具",
        ],
        [
            ("高新北区碳纤维复合材料产业园项目", "工业", 150000, 2017, "吉林市奥新复合材料有限公司"),
            ("吉林高新区科技创新中心项目", "服务业", 100000, 2016, None),
        ],
    ),
    Region(
        "经开区",
        "开发区",
        "JK",
        44,
        14,
        11,
        7,
        6,
        4,
        1,
        0.86,
        {"工业": 62, "基础设施": 15, "服务业": 12, "民生": 11},
        ["九站", "经开北区", "双吉", "经开东区", "吉林北", "九站南"],
        [
            "碳纤维原丝",
            "大丝束碳纤维",
            "碳纤维织物",
            "精细化学品",
            "医药中间体",
            "染料中间体",
            "环氧乙烷衍生物",
            "高性能腈纶",
            "特种工程塑料",
            "工业气体",
            "聚氨酯新材料",
            "化纤浆粕",
        ],
        [
            ("吉林化纤碳纤维原丝扩能项目", "工业", 180000, 2017, HUAXIAN),
            ("吉林化纤1.5万吨大丝束碳纤维项目", "工业", 260000, None, HUAXIAN),
            ("经开北区精细化工园区基础设施配套工程", "基础设施", 120000, 2016, None),
        ],
    ),
    Region(
        "中新食品区",
        "开发区",
        "ZX",
        20,
        7,
        5,
        4,
        3,
        1,
        1,
        0.67,
        {"工业": 50, "农业": 25, "基础设施": 15, "服务业": 10},
        ["岔路河", "星星哨", "大屯", "东山", "南岗", "西山"],
        [
            "肉牛屠宰加工",
            "玉米深加工",
            "饲料",
            "乳制品",
            "生猪屠宰",
            "鹿产品加工",
            "有机杂粮",
            "食用油",
            "调味品",
            "休闲食品",
            "速冻食品",
        ],
        [
            ("中新食品区50万吨玉米深加工项目", "工业", 150000, 2017, "吉林市鼎泰生物科技有限公司"),
            ("中新食品区10万头肉牛屠宰及精深加工项目", "工业", 110000, None, "吉林市嘉禾肉业有限公司"),
        ],
    ),
    Region(
        "北大壶开发区",
        "开发区",
        "BDH",
        12,
        4,
        2,
        1,
        1,
        1,
        0,
        0.58,
        {"文旅": 70, "基础设施": 20, "服务业": 10},
        ["北大壶", "大青山", "五家山", "太平村", "北大湖镇"],
        [],
        [
            ("北大壶滑雪度假区提档升级项目", "文旅", 220000, 2016, BEIDAHU),
            ("北大壶冰雪小镇一期项目", "文旅", 120000, 2017, BEIDAHU),
            ("北大壶国家级体育训练基地项目", "文旅", 60000, None, None),
        ],
    ),
]
SNOW = ("BDH", "FM", "JH")  # regions with ski slopes

# --- vocabularies ------------------------------------------------------------------------------
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
    ],
    "冰雪": ["{p}滑雪场建设项目", "{p}索道及造雪系统项目", "{p}冰雪主题酒店项目", "{p}雪具大厅及游客中心项目"],
}
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
# (words in a trade, capacities that fit it, what such a company calls itself)
TRADE_KINDS = [
    ("屠宰", ["年屠宰5万头", "年屠宰10万头", "年屠宰30万头"], ["肉业", "食品"]),
    (
        "食品 玉米 饲料 乳 鹿 杂粮 食用油 调味 大米 粮食 酒 菌 人参 矿泉水 农产品",
        ["年产1万吨", "年产3万吨", "年产5万吨", "年产10万吨", ""],
        ["食品", "农业科技", "实业"],
    ),
    ("综合利用 洗选 再生 选冶 冶炼", ["年处理30万吨", "年处理100万吨", "日处理1000吨", ""], ["矿业", "资源", "实业"]),
    ("光伏", ["年产200兆瓦", "年产500兆瓦", ""], ["新能源", "光电"]),
    ("电池", ["年产1吉瓦时", "年产2亿安时", ""], ["新能源", "科技"]),
    (
        "零部件 器件 元器件 器械 模具 装备 结构件 铸件 部件 构件 机械",
        ["年产10万件", "年产50万件", "年产1000台套", "", ""],
        ["科技", "机械", "制造", "精密"],
    ),
    ("医 药", ["年产500吨", "年产3000吨", "", ""], ["药业", "生物科技", "医药"]),
    ("", ["年产3000吨", "年产1万吨", "年产2万吨", "年产5万吨", "", ""], ["化工", "新材料", "科技", "实业"]),
]
SOURCES = {
    "浙江": ["杭州", "宁波", "绍兴", "温州", "湖州"],
    "广东": ["深圳", "广州", "佛山", "东莞"],
    "北京": ["北京"],
    "上海": ["上海"],
    "江苏": ["苏州", "无锡", "常州", "南京"],
    "香港": ["香港"],
    "韩国": ["韩国"],
    "山东": ["青岛", "潍坊"],
    "辽宁": ["大连", "沈阳"],
    "福建": ["厦门"],
}
SOURCE_WEIGHTS = {
    "浙江": 30,
    "广东": 12,
    "北京": 12,
    "上海": 10,
    "江苏": 12,
    "香港": 5,
    "韩国": 6,
    "山东": 6,
    "辽宁": 4,
    "福建": 3,
}
EVENTS = [  # (date, name, investors it drew from; empty: from anywhere)
    (dt.date(2017, 11, 16), "吉林市冬季招商推介会", ""),
    (dt.date(2018, 3, 28), "吉浙对口合作项目推介会", "浙江"),
    (dt.date(2018, 5, 18), "吉林市（上海）经贸合作洽谈会", "上海 江苏 浙江"),
    (dt.date(2018, 6, 12), "吉林市（深圳）招商推介会", "广东 香港 福建"),
    (dt.date(2018, 7, 10), "吉林市对韩经贸合作推介会", "韩国"),
    (dt.date(2018, 8, 24), "第十二届中国—东北亚博览会", ""),
]
SURNAMES = "王李张刘陈杨赵黄吴徐胡朱高林何郭罗梁宋谢韩唐冯于董程曹袁邓许沈曾彭吕苏卢蒋蔡丁魏薛叶阎潘杜戴夏钟汪田任姜范方石姚谭廖邹金陆郝孔白崔康毛邱秦江史顾侯邵孟万段雷钱汤尹常武乔贺龚"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰萍鹏辉玲建波宁红晶琳岩斌博宇浩凯鑫硕佳悦雪冰松柏海峰春东"
PROBLEMS = [  # (内容, 责任单位 — "区X" is the region's own bureau X, 解决情况)
    ("施工许可证办理滞后，影响主体施工", "区住建局", "已办结施工许可证"),
    ("项目红线内尚有{n}户未完成征收", "区征收办", "已全部签约腾退"),
    ("场区内66千伏高压线需迁改", "国网吉林供电公司", "线路迁改已完成"),
    ("建设资金未全部到位，银行贷款审批中", "区财政局", "银行贷款已放款"),
    ("环评批复未下达", "市环保局", "已取得环评批复"),
    ("市政供水、燃气管线未接入场区", "市公用事业局", "管线已接通"),
    ("规划条件需调整，待市规委会审议", "市规划局", "市规委会已审议通过"),
    ("用地指标不足，需省厅调剂", "市国土资源局", "已落实新增建设用地指标"),
    ("入统资料不全，统计部门退回", "区统计局", "资料已补齐并上报"),
    ("施工临时用电容量不足", "国网吉林供电公司", "已完成增容"),
    ("进口设备通关手续办理缓慢", "吉林海关", "设备已清关到场"),
    ("周边居民反映施工扰民", "区信访局", "已协调错时施工"),
    ("林地占用手续未办结", "市林业局", "已取得林地使用许可"),
    ("消防设计审核未通过", "市公安消防支队", "已修改设计并通过审核"),
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
WAITING_FOR = {
    "立项": "项目备案待批复",
    "规划选址": "规划选址意见书待核发",
    "用地": "用地征收收尾，土地待挂牌",
    "节能审查": "节能审查意见待出具",
    "环评": "环评批复待下达",
    "施工许可": "施工许可待办结，其余条件已具备",
}
READY = ["前期手续已全部办结，待施工队伍进场", "已具备开工条件，待设备订货", "已具备开工条件，施工招标中"]


# --- small helpers -----------------------------------------------------------------------------
def pick(weights: dict):
    keys = list(weights)
    return rng.choices(keys, [weights[k] for k in keys])[0]


def day_between(a: dt.date, b: dt.date) -> dt.date:
    return a + dt.timedelta(days=rng.randint(0, (b - a).days))


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def round_to(x: float, step: int) -> int:
    return max(step, round(x / step) * step)


def dept(region: Region, what: str) -> str:
    """A region's bureau, e.g. 船营区住建局; a 开发区 管委会 names its bureaus differently."""
    if region.kind == "开发区":
        what = {
            "发改局": "经济发展局",
            "工信局": "经济发展局",
            "住建局": "规划建设局",
            "征收办": "规划建设局",
            "教育局": "社会事业局",
            "卫计局": "社会事业局",
            "民政局": "社会事业局",
        }.get(what, what)
    return region.name + what


class Spelled(str):
    """An amount typed with a unit or a thousands separator; .value keeps the 万元."""

    value: int


def spell_amount(v: int, odd: float = 0.12):
    """Mostly a plain number of 万元; now and then the way a clerk types it.  0 stays 0."""
    if v == 0 or rng.random() >= odd:
        return v
    spellings = [f"{v}万元", f"{v:,}" if v >= 1000 else f"{v}万"]
    if v >= 10000 and v % 1000 == 0:
        spellings += [format((Decimal(v) / 10000).normalize(), "f") + "亿"] * 2
    spelled = Spelled(rng.choice(spellings))
    spelled.value = v
    return spelled


def spell_area(m2: int):
    """用地面积 in m², or the way the land certificate has it: 公顷 or 亩."""
    r = rng.random()
    return f"{m2 / 10000:.1f}公顷" if r < 0.2 else f"{round(m2 * 15 / 10000)}亩" if r < 0.4 else m2


def distribute(total: int, weights: list[float]) -> list[int]:
    """Split an integer total over weights (largest remainder), so the parts add up exactly."""
    raw = [total * w / sum(weights) for w in weights]
    parts = [int(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda i: parts[i] - raw[i])[: total - sum(parts)]:
        parts[i] += 1
    return parts


used_names: set[str] = set()
used_people: set[str] = {n for n, _, _ in LEADERS}
id_seq: dict[tuple[str, int], int] = {}


def new_id(region: Region, year: int) -> str:
    id_seq[region.code, year] = id_seq.get((region.code, year), 0) + 1
    return f"{region.code}-{year}-{id_seq[region.code, year]:03d}"


def person() -> str:
    while True:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2, 2])))
        if name not in used_people:
            used_people.add(name)
            return name


def project_name(region: Region, cat: str, brand: str | None = None) -> tuple[str, str | None]:
    """(名称, 建设单位 of an enterprise project, or None for a public one)."""
    for attempt in range(12):
        firm = brand or rng.choice(BRANDS)
        if cat == "工业" and region.trades:
            trade = rng.choice(region.trades)
            sizes, kinds = next(
                (s, k) for words, s, k in TRADE_KINDS if not words or any(w in trade for w in words.split())
            )
            name, owner = f"{firm}{rng.choice(sizes)}{trade}项目", f"吉林市{firm}{rng.choice(kinds)}有限公司"
        else:
            family = "冰雪" if cat == "文旅" and region.code in SNOW and rng.random() < 0.6 else cat
            name = rng.choice(PATTERNS.get(family, PATTERNS["服务业"])).format(p=rng.choice(region.places))
            kind = {"服务业": "置业", "农业": "农业开发", "文旅": "旅游开发"}.get(cat)
            owner = f"吉林市{firm}{kind}有限公司" if kind else None
        if attempt == 11:  # give up on a fresh name: the next phase of an existing project
            name = next(n for n in (f"{name}（{ph}期）" for ph in "二三四五六") if n not in used_names)
        if name not in used_names:
            used_names.add(name)
            return name, owner
    raise AssertionError(name)


def public_owner(region: Region, name: str) -> str:
    """The bureau or city-investment company that builds a public project."""
    for words, bureau in (("医院 卫生", "卫计局"), ("中学 小学 幼儿园", "教育局"), ("养老", "民政局")):
        if any(w in name for w in words.split()):
            return dept(region, bureau)
    return rng.choice([dept(region, "住建局"), region.name.removesuffix("开发区") + "城市建设投资有限公司"])


def size_tier(big_share: float) -> int:
    """总投资 (万元) of a project of 1亿 and above."""
    r = rng.random()
    if r < 0.42 - big_share:
        return round_to(rng.uniform(10000, 20000), 500)
    if r < 0.80 - big_share:
        return round_to(rng.uniform(20000, 50000), 1000)
    if r < 0.95 - big_share / 2:
        return round_to(rng.uniform(50000, 99000), 1000)
    return round_to(rng.uniform(100000, 300000), 10000)


def problems(region: Region, earliest: dt.date) -> list[dict]:
    out = []
    for _ in range(rng.choice([1, 1, 1, 2])):
        text, who, fix = rng.choice(PROBLEMS)
        raised = day_between(max(earliest, dt.date(YEAR, 3, 10)), dt.date(YEAR, 9, 26))
        p = {
            "提出日期": raised,
            "内容": text.format(n=rng.randint(3, 40)),
            "责任单位": dept(region, who[1:]) if who.startswith("区") else who,
            "时限": raised + days(rng.choice([15, 20, 30, 30, 45, 60])),
        }
        solved = raised + days(rng.randint(4, 50))
        if rng.random() < 0.6 and solved <= AS_OF:
            p["解决日期"], p["解决情况"] = solved, fix
        out.append(p)
    return sorted(out, key=lambda p: p["提出日期"])


def visits(since: dt.date, stale: bool, notes: list[str]) -> list:
    """Secretary visits, oldest first; the latest within 15 days of the as-of date unless stale."""
    if stale:
        last = day_between(dt.date(YEAR, 7, 15), dt.date(YEAR, 9, 12))
    else:
        last = day_between(max(dt.date(YEAR, 9, 15), since), dt.date(YEAR, 9, 29))
    dates = [last]
    for _ in range(rng.choice([0, 1, 1, 2])):
        earlier = dates[-1] - days(rng.randint(8, 25))
        if earlier >= max(since, dt.date(YEAR, 3, 1)):
            dates.append(earlier)
    return [d if rng.random() < 0.5 else {"日期": d, "内容": rng.choice(notes)} for d in reversed(dates)]


def note(rec: dict, key: str, text: str, inline: bool = False) -> None:
    """A comment the secretary left: on the line above `key`, or at the end of its line."""
    rec.setdefault("#i" if inline else "#", {})[key] = text


# --- records -----------------------------------------------------------------------------------
# Builders fill a dict; emit_record writes its keys in the order of the contract's tables: a
# ledger's own keys first, then what a project kept from 招商 when it landed, in 招商's order.
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
    "完成投资",
    "形象进度",
    "前期手续",
    "入统日期",
    "未入统原因",
    "入统时限",
]
LANDED = ["投资方", "来源地", "签约日期", "计划落地日期", "落地日期", "重点"]
EXTENSIONS = ["上争资金", "入国家重大项目库"]  # xiangmu.yaml 扩展字段: after the contract's keys
CONVERTED = ["谋划日期", "入国家库", "转化日期"]  # kept from 谋划 (the 储备库), after what 招商 left
ORDER = {
    "在建": COMMON + STARTED + LANDED + CONVERTED + EXTENSIONS,
    "未入统": COMMON + STARTED + LANDED + CONVERTED + EXTENSIONS,
    "计划开工": COMMON
    + ["建设性质", "计划开工日期", "年度计划投资", "前期手续", "开工条件"]
    + LANDED
    + CONVERTED
    + EXTENSIONS,
    "招商": COMMON + ["阶段"] + LANDED + EXTENSIONS,
    "谋划": COMMON + ["谋划阶段", "谋划日期", "预计开工年度", "入国家库", "前期手续"],
}


@dataclass
class Slot:
    """One started project to be made.  The headline figures are fixed on slots before any detail."""

    region: Region
    nature: str  # 新建 / 续建
    ledger: str  # 在建 / 未入统
    small: bool = False  # 5000–9900 万元
    flagship: tuple | None = None
    done: bool = False  # 竣工 this year
    idle: bool = False  # 续建 not yet resumed (no 复工日期)
    missed: bool = False  # no 2018-09 figure (漏报)
    stale: bool = False  # latest visit more than 15 days ago


def make_slots() -> list[Slot]:
    slots = []
    for region in REGIONS:
        cont, unreg_new = region.started - region.new, min(region.new - 1, round(region.unreg * 0.6))
        kinds = (
            [("新建", "未入统")] * unreg_new
            + [("新建", "在建")] * (region.new - unreg_new)
            + [("续建", "未入统")] * (region.unreg - unreg_new)
            + [("续建", "在建")] * (cont - region.unreg + unreg_new)
        )
        mine = [Slot(region, nature, ledger) for nature, ledger in kinds]
        for flag in region.flagships:  # flagships are in the statistics database
            nature = "续建" if flag[3] else "新建"
            next(s for s in mine if s.nature == nature and s.ledger == "在建" and not s.flagship).flagship = flag
        slots += mine
    plain = [s for s in slots if not s.flagship]  # every flagship is 亿元以上
    for s in rng.sample(plain, 314 - 227):
        s.small = True
    for s in rng.sample([s for s in plain if s.nature == "续建"], 10) + rng.sample(
        [s for s in plain if s.nature == "新建" and s.small], 4
    ):
        s.done = True
    for s in rng.sample([s for s in slots if s.nature == "续建" and not s.done], 10):
        s.idle = True
    for s in rng.sample([s for s in slots if not s.done and not s.idle], 6):
        s.missed = True
    for s in rng.sample(slots, 40):
        s.stale = True
    return slots


MONTH_WEIGHT = {1: 0.2, 2: 0.1, 3: 0.4, 4: 0.8, 5: 1.0, 6: 1.1, 7: 1.1, 8: 1.1, 9: 1.0}


def started_record(slot: Slot, secretaries: list[str]) -> dict:
    region, new = slot.region, slot.nature == "新建"
    if slot.flagship:
        name, cat, total, since, owner = slot.flagship
    else:
        cat = "基础设施" if slot.done and new else pick(region.mix)  # built within the season: pipes, roads
        name, owner = project_name(region, cat)
        big_share = 0.1 if region.code in ("JK", "GX") else 0  # the two big parks have more 10亿 projects
        total = round_to(rng.uniform(5000, 9900), 100) if slot.small else size_tier(big_share)
        since = rng.choices([2017, 2016, 2015, 2014], [60, 25, 10, 5])[0]
    if new:
        month = rng.randint(3, 5) if slot.done else rng.choices(range(3, 10), [3, 20, 25, 20, 14, 10, 8])[0]
        start = dt.date(YEAR, month, rng.randint(1, 25 if month == 9 else 28))
        prior = 0
        plan = round_to(total * rng.uniform(0.15, 0.5) * (1 if month <= 7 else 0.6), 100)
    else:
        start = dt.date(since, rng.randint(4, 10), rng.randint(1, 28))
        prior = round_to(total * rng.uniform(*{2017: (0.15, 0.45), 2016: (0.35, 0.65)}.get(since, (0.5, 0.8))), 100)
        plan = total - prior if slot.done else round_to((total - prior) * rng.uniform(0.3, 0.8), 100)
    if slot.done and new:
        plan = total

    rec = {
        "编号": new_id(region, start.year),
        "名称": name,
        "建设单位": owner or public_owner(region, name),
        "类别": cat,
        "总投资": spell_amount(total),
    }
    if total >= 100000:
        rec["包保领导"] = region.leader
    rec["项目秘书"] = rng.choice(secretaries)
    rec["责任单位"] = dept(region, {"工业": "工信局", "民生": "住建局"}.get(cat, "发改局"))
    if cat == "工业" or rng.random() < 0.15:
        rec["用地面积"] = spell_area(round(total * 10000 / rng.uniform(2500, 9000)))
    if rng.random() < 0.27:
        rec["问题"] = problems(region, start)
    rec["走访"] = visits(start, slot.stale, SITE_VISITS)
    rec["建设性质"] = slot.nature
    rec["开工日期"] = start
    resume = None if new or slot.idle else day_between(dt.date(YEAR, 3, 15), dt.date(YEAR, 5, 31))
    if resume:
        rec["复工日期"] = resume
    if new and rng.random() < 0.65:  # it sat in 计划开工 earlier this year
        planned = max(dt.date(YEAR, 3, 1), start + days(rng.randint(-30, 20)))
        rec["计划开工日期"] = planned if planned <= AS_OF else start
        if rng.random() < 0.3:
            note(rec, "计划开工日期", "由计划开工台账转入，计划开工日期保留备查")
    finish = None
    if slot.done:
        finish = day_between(max(start + days(90), dt.date(YEAR, 6, 1)), dt.date(YEAR, 9, 25))
        rec["计划竣工日期"] = day_between(finish - days(40), finish + days(10))
        rec["竣工日期"] = finish
    elif rng.random() < 0.4:
        late = rng.random() < 0.1 and start.month < 6  # should have been finished by now (超期未竣工)
        rec["计划竣工日期"] = (
            day_between(dt.date(YEAR, 8, 1), dt.date(YEAR, 9, 20))
            if late
            else day_between(dt.date(YEAR, 10, 31), dt.date(2020, 12, 31))
        )
    rec["年度计划投资"] = spell_amount(plan, 0.05)
    if prior:
        rec["以前年度完成投资"] = spell_amount(prior, 0.05)

    # 完成投资, month by month: nothing in winter, the season from 复工 (or 开工) to September.
    missed = slot.missed and start.month < 9
    last = finish.month if finish else 8 if missed else 9
    first = start.month if new else 1 if rng.random() < 0.5 else resume.month if resume else 4
    months = range(first, last + 1)
    active = [m for m in months if (new and m >= start.month) or (resume and m >= resume.month)]
    if slot.done:
        done = round(plan * rng.uniform(0.92, 1.0))
    else:
        share = min(1.0, max(0.25, region.pace * rng.uniform(0.75, 1.2)))
        done = round(plan * share * (0.5 if start >= dt.date(YEAR, 8, 1) else 1))
    weights = [MONTH_WEIGHT[m] * rng.uniform(0.6, 1.4) * (0.5 if new and m == start.month else 1) for m in active]
    amounts = dict(zip(active, distribute(done, weights))) if active else {}
    rec["完成投资"] = {f"{YEAR}-{m:02d}": spell_amount(amounts.get(m, 0), 0.02) for m in months}
    if missed:
        note(rec, "完成投资", "9月数据企业未报，已电话催报")
    rec["形象进度"] = (
        "已竣工投入使用"
        if slot.done
        else "受资金影响暂未复工"
        if slot.idle
        else rng.choice(PROGRESS[cat]).format(n=rng.choice(range(30, 100, 10)), k=rng.randint(2, 12))
    )

    if slot.ledger == "在建":
        if new:
            rec["入统日期"] = min(AS_OF, start + days(rng.randint(10, 60)))
        elif rng.random() < 0.4:
            rec["入统日期"] = min(dt.date(since, 12, 20), start + days(rng.randint(20, 90)))
    else:
        rec["未入统原因"] = rng.choice(UNREG_REASONS)
        r = rng.random()
        if r < 0.35:  # its own deadline: earlier (now overdue) or extended
            rec["入统时限"] = dt.date(YEAR, 9, rng.choice([10, 15, 20])) if r < 0.15 else dt.date(YEAR, 10, 31)
        if rng.random() < 0.25:
            note(rec, "未入统原因", "9月下旬市发改委、市统计局联合踏查确认")
    if rng.random() < 0.08 and not slot.flagship:
        note(rec, "总投资", f"{rng.choice([5, 6, 7, 8])}月调整概算", inline=True)
    if rng.random() < 0.06:
        rec["备注"] = rng.choice(
            [
                "列入省级重点项目",
                "纳入全省“三个一百”项目",
                "已申报中央预算内投资",
                "市级领导联系项目",
                "争取地方政府专项债券支持",
            ]
        )
    if rng.random() < 0.07:
        latest = rec["走访"][-1]
        d = latest["日期"] if isinstance(latest, dict) else latest
        note(
            rec,
            "走访",
            f"{d.month}月{d.day}日"
            + rng.choice(["市发改委踏查，已协调供电", "包保市领导现场办公", "市统计局联合踏查"]),
        )
    return rec


def planned_record(region: Region, secretaries: list[str], overdue: bool) -> dict:
    """A project in the 8至12月 开复工 schedule; `overdue` ones were due before the as-of date."""
    cat = pick(region.mix)
    name, owner = project_name(region, cat)
    total = round_to(rng.uniform(5000, 9900), 100) if rng.random() < 0.3 else size_tier(0.05)
    start = (
        day_between(dt.date(YEAR, 8, 10), dt.date(YEAR, 9, 25))
        if overdue
        else dt.date(YEAR, rng.choices([10, 11, 12], [55, 30, 15])[0], rng.randint(1, 28))
    )
    resume = rng.random() < 0.06  # a 停缓建 project to resume (复工), begun in an earlier year
    rec = {
        "编号": new_id(region, 2017 if resume else YEAR),
        "名称": name,
        "建设单位": owner or public_owner(region, name),
        "类别": cat,
        "总投资": spell_amount(total),
    }
    if total >= 100000:
        rec["包保领导"] = region.leader
    rec["项目秘书"] = rng.choice(secretaries)
    rec["责任单位"] = dept(region, "发改局")
    if cat == "工业":
        rec["用地面积"] = spell_area(round(total * 10000 / rng.uniform(3000, 9000)))
    if rng.random() < 0.3:
        rec["问题"] = problems(region, dt.date(YEAR, 5, 1))
    if rng.random() < 0.5:
        rec["走访"] = visits(dt.date(YEAR, 3, 1), rng.random() < 0.2, EARLY_VISITS)
    rec["建设性质"] = "续建" if resume else "新建"
    rec["计划开工日期"] = start
    rec["年度计划投资"] = spell_amount(round_to(total * rng.uniform(0.03, 0.15) * (13 - start.month) / 4, 100), 0.05)
    if overdue:
        note(rec, "计划开工日期", "未按期开工，已报包保市领导")
    if resume:
        rec["开工条件"] = "前期手续已于2017年办结，资金落实后复工"
        return rec

    # 前期手续 in the order they are done, the clock running back from the planned start.
    steps = ["立项", "规划选址", "用地", "环评", "施工许可"]
    if cat == "工业" and rng.random() < 0.5:
        steps.insert(3, "节能审查")
    due, plan_dates = start - days(rng.randint(5, 15)), []
    for _ in steps:
        plan_dates.append(due)
        due -= days(rng.randint(15, 45))
    rec["前期手续"] = []
    for step, when in zip(steps, reversed(plan_dates)):
        item = {"名称": step, "计划办结": when}
        finished = when + days(rng.randint(-20, 10))
        if when < AS_OF:  # if done at all, done by now
            finished = min(finished, AS_OF - days(rng.randint(1, 6)))
        if finished <= AS_OF and rng.random() < (0.7 if overdue else 0.93):
            item["办结日期"] = finished
        rec["前期手续"].append(item)
    pending = [step["名称"] for step in rec["前期手续"] if "办结日期" not in step]
    rec["开工条件"] = WAITING_FOR[pending[0]] if pending else rng.choice(READY)
    return rec


def investor_name(source: str, brand: str, r: random.Random) -> str:
    """投资方: a company of 来源地 `source`, e.g. 杭州恒达控股集团有限公司."""
    if source == "韩国":
        return f"韩国{brand}{r.choice(['食品', '化学', '物产'])}株式会社"
    return f"{r.choice(SOURCES[source])}{brand}{r.choice(['控股集团', '投资', '实业集团', '科技股份'])}有限公司"


def zs_record(region: Region, stage: str, key: bool, overdue: bool, secretaries: list[str]) -> dict:
    """A 招商 project: 洽谈, 签约 or 落地; `overdue`: signed, should have landed by now, has not."""
    source = pick(SOURCE_WEIGHTS)
    brand = rng.choice(BRANDS)
    investor = investor_name(source, brand, rng)
    cat = pick(region.mix)
    if cat in ("民生", "基础设施"):  # investors come for factories and business, not schools
        cat = "工业" if region.trades else "服务业"
    name, _ = project_name(region, cat, brand)
    if key:
        total = size_tier(0.15)
    elif stage == "洽谈" or rng.random() < 0.25:
        total = round_to(rng.uniform(10000, 60000), 1000)
    else:
        total = round_to(rng.uniform(5000, 9900), 100)
    rec = {"编号": new_id(region, YEAR), "名称": name, "类别": cat, "总投资": spell_amount(total)}
    if key or total >= 100000:
        rec["包保领导"] = region.leader
    if stage != "洽谈" and rng.random() < 0.6:
        rec["项目秘书"] = rng.choice(secretaries)
    rec["责任单位"] = dept(region, "招商局")
    if stage != "洽谈" and rng.random() < 0.15:
        rec["问题"] = problems(region, dt.date(YEAR, 4, 1))
    rec.update({"阶段": stage, "投资方": investor, "来源地": source})
    if stage == "洽谈":
        rec["备注"] = rng.choice(["已完成两轮洽谈，待考察", "对方来吉考察，正在论证选址", "意向协议文本磋商中"])
        return rec

    landed = stage == "落地"
    early = landed or overdue  # signed long enough ago to have landed by now
    events = [
        (d, e) for d, e, who in EVENTS if (not who or source in who.split()) and (d < dt.date(YEAR, 7, 1) or not early)
    ]
    if events and rng.random() < 0.7:
        signed, event = rng.choice(events)
        note(rec, "签约日期", f"{event}签约")
    else:
        signed = day_between(dt.date(YEAR, 1, 10), dt.date(YEAR, 6, 15) if early else dt.date(YEAR, 9, 20))
    rec["签约日期"] = signed
    if overdue:
        rec["计划落地日期"] = day_between(max(signed + days(40), dt.date(YEAR, 6, 30)), dt.date(YEAR, 9, 20))
    elif landed and rng.random() < 0.5:
        rec["计划落地日期"] = signed + days(rng.choice([90, 120, 180]))
    elif not landed and rng.random() < 0.7:
        rec["计划落地日期"] = max(
            signed + days(rng.choice([90, 120, 180])), day_between(dt.date(YEAR, 10, 31), dt.date(YEAR + 1, 6, 30))
        )
    if landed:
        # landed in 年度: a project that landed in an earlier year is history, not this year's 招商
        rec["落地日期"] = min(AS_OF, max(signed + days(rng.randint(20, 150)), dt.date(YEAR, 1, 8)))
    if key:
        rec["重点"] = True
    return rec


# --- the year's moves: what a record keeps when it changes ledgers ---------------------------------
# The file a record sits in is its stage now; its dates are its past (ledger-format.md, "Moves keep
# history").  A year of moves leaves landed 招商 projects in 计划开工/未入统/在建 with 投资方, 来源地,
# 签约日期, 计划落地日期, 落地日期 and 重点; started projects with the 计划开工日期 and 前期手续 they had
# while planned; 在建 projects with 入统日期 and, now and then, the 入统时限 they had while 未入统.
# This history is drawn after the ledgers above, from a second rng, so the records drawn above stay
# as they were and so do the figures of 2018-09-30: a landed project is counted as signed and landed
# in whichever ledger it sits, and the 招商 ledger holds the ones that have not moved on.
past = random.Random(20180930)
FIRST_LANDING = dt.date(YEAR, 1, 8)  # after the new-year holiday, as in zs_record


def past_day(a: dt.date, b: dt.date) -> dt.date:
    return a + days(past.randint(0, (b - a).days))


def month_end(d: dt.date) -> dt.date:
    return dt.date(d.year + d.month // 12, d.month % 12 + 1, 1) - days(1)


def wan(x) -> int:
    """总投资 as written (a number, or a Spelled string) in 万元."""
    return getattr(x, "value", x)


def brand_of(owner: str | None) -> str | None:
    """The brand of a company set up in 吉林市 (吉林市恒达科技有限公司 → 恒达), else None."""
    if owner and owner.startswith("吉林市") and owner.endswith("有限公司") and owner[3:5] in BRANDS:
        return owner[3:5]
    return None


def investor_made(rec: dict, region: Region) -> bool:
    """Could an outside investor have brought it: a company's factory or business, not a public
    project and not one of the region's flagships, whose owners are local."""
    return (
        brand_of(rec.get("建设单位")) is not None
        and rec["类别"] not in ("民生", "基础设施")
        and rec["名称"] not in {f[0] for f in region.flagships}
    )


def first_step(rec: dict) -> dt.date:
    """The earliest date in a planned record's 前期手续 (done or due)."""
    return min(min(s["计划办结"], s.get("办结日期", s["计划办结"])) for s in rec["前期手续"])


def approvals_done(cat: str, lo: dt.date, hi: dt.date) -> list[dict]:
    """前期手续 of a project that has started: all done between lo and hi, 施工许可 last."""
    steps = ["立项", "规划选址", "用地", "环评", "施工许可"]
    if cat == "工业" and past.random() < 0.5:
        steps.insert(3, "节能审查")
    done = sorted(past_day(lo, hi) for _ in steps[:-1]) + [hi]
    due = sorted(day + days(past.choice([-10, -5, 0, 0, 5, 10, 15, 20])) for day in done)  # some late, some early
    return [{"名称": step, "计划办结": plan, "办结日期": day} for step, plan, day in zip(steps, due, done)]


def land_on(rec: dict, ledger: str, zs: dict, region: Region) -> None:
    """落地: the landed 招商 project `zs` is `rec` now; its dates are set to fit rec's own."""
    if ledger == "计划开工":  # landed, then its 前期手续 began
        edge = first_step(rec)
        land = past_day(max(FIRST_LANDING, edge - days(60)), edge - days(3))
    elif "计划开工日期" in rec:  # landed, sat in 计划开工 while its 前期手续 were done, started
        edge = min(rec["开工日期"], rec["计划开工日期"])
        land = past_day(max(FIRST_LANDING, edge - days(120)), edge - days(30))
    else:  # landed and started at once: 招商 → 未入统/在建
        land = past_day(max(FIRST_LANDING, rec["开工日期"] - days(25)), rec["开工日期"])
    land = min(land, dt.date(YEAR, 8, 31))
    sign, said = zs["签约日期"], zs.get("#", {}).get("签约日期")
    planned_land = zs.get("计划落地日期")
    if sign > land - days(7):  # signed too late for the new landing date: signed earlier
        events = [(d, e) for d, e, who in EVENTS if (not who or zs["来源地"] in who.split()) and d <= land - days(7)]
        if events and past.random() < 0.7:
            sign, event = past.choice(events)
            said = f"{event}签约"
        else:
            sign, said = past_day(max(dt.date(YEAR - 1, 10, 1), land - days(150)), land - days(7)), None
        planned_land = sign + days(past.choice([90, 120, 180])) if planned_land or past.random() < 0.3 else None
    old = next(b for b in BRANDS if b in zs["投资方"])
    rec["投资方"] = zs["投资方"].replace(old, brand_of(rec["建设单位"]))  # its local company's brand
    rec["来源地"] = zs["来源地"]
    rec["签约日期"] = sign
    if said:
        note(rec, "签约日期", said)
    if planned_land:
        rec["计划落地日期"] = planned_land
    rec["落地日期"] = land
    if zs.get("重点"):
        rec["重点"] = True
        rec.setdefault("包保领导", region.leader)
    if zs.get("问题"):  # the problem list moves with the project
        rec["问题"] = sorted(rec.get("问题", []) + zs["问题"], key=lambda p: p["提出日期"])
    if past.random() < 0.4:
        note(rec, "投资方", f"{land.month}月{land.day}日落地，由招商台账转入")


def move_landed(region: Region, mine: dict[str, list[dict]]) -> None:
    """Projects that landed before September have moved on, each onto a record an investor could
    have brought, of about its size; a 重点 project onto one of 1亿 and more.  One that landed in
    September waits for the next 调度, and a region's 招商 ledger keeps at least one record."""
    taken: set[str] = set()
    for zs in [r for r in mine["招商"] if r["阶段"] == "落地" and r["落地日期"] < dt.date(YEAR, 9, 1)]:
        if len(mine["招商"]) == 1:
            break
        choices = []
        for ledger in ("在建", "未入统", "计划开工"):
            for rec in mine[ledger]:
                if (
                    rec["编号"] in taken
                    or not investor_made(rec, region)
                    or rec.get("建设性质", "新建") != "新建"
                    or (zs.get("重点") and wan(rec["总投资"]) < 10000)
                    or (ledger == "计划开工" and first_step(rec) - days(3) < FIRST_LANDING)
                ):
                    continue
                fit = abs(math.log(wan(rec["总投资"]) / wan(zs["总投资"]))) + past.uniform(0, 1)
                choices.append((fit, ledger, rec))
        if not choices:
            continue
        _, ledger, rec = min(choices, key=lambda c: c[0])
        taken.add(rec["编号"])
        land_on(rec, ledger, zs, region)
        mine["招商"].remove(zs)


def kept_history(region: Region, mine: dict[str, list[dict]]) -> None:
    """What started records kept from 计划开工 (前期手续) and from 未入统 (入统时限); and a few 续建
    projects that landed in 2017: history, not this year's 招商 figures."""
    for ledger in ("在建", "未入统"):
        for rec in mine[ledger]:
            start = rec["开工日期"]
            if "计划开工日期" in rec and ("落地日期" in rec or past.random() < 0.8):
                ready = start - days(past.randint(1, 12))  # 施工许可 in hand, then the start
                since = rec["落地日期"] + days(3) if "落地日期" in rec else ready - days(past.randint(90, 200))
                rec["前期手续"] = approvals_done(rec["类别"], since, ready)
            if ledger == "在建" and "入统日期" in rec and past.random() < 0.3:
                rec["入统时限"] = month_end(start + days(past.choice([20, 45, 75])))
            if (
                rec["建设性质"] == "续建"
                and start.year == YEAR - 1
                and investor_made(rec, region)
                and past.random() < 0.08
            ):
                land = past_day(max(dt.date(YEAR - 1, 1, 5), start - days(60)), start)
                source = past.choices(list(SOURCE_WEIGHTS), list(SOURCE_WEIGHTS.values()))[0]
                rec["投资方"] = investor_name(source, brand_of(rec["建设单位"]), past)
                rec["来源地"] = source
                rec["签约日期"] = past_day(land - days(200), land - days(15))
                rec["落地日期"] = land
                if past.random() < 0.5:
                    note(rec, "落地日期", f"{YEAR - 1}年落地，不计入本年招商落地")


# --- the project reserve (谋划, 储备库) -------------------------------------------------------------
# 长春 2018 (seed 004) asks for 市、县两级项目储备库 and 滚动谋划储备; 吉林 2018 (seed 001) for 加快谋划
# 一批重大项目 and 成熟的项目及时入国家重大建设项目库. Seven regions keep a 谋划.yaml of projects
# planned before they are scheduled, each with its 谋划阶段, 谋划日期 (when it entered the 储备库),
# 预计开工年度 and, for some, 入国家库; and a few of their planned and new started projects came from
# the 储备库 (转化): they keep 谋划日期 and 转化日期 (all on or before 2018-09-30, so the figures of
# that date do not move). Drawn last, from a third rng: every record drawn above stays as it was.
plan_rng = random.Random(20180316)
# region code → (名称, 类别, 总投资 万元, 谋划阶段, 建设单位 or None, 预计开工年度)
RESERVE = {
    "JK": [
        ("吉林化纤3万吨大丝束碳纤维原丝项目", "工业", 350000, "前期", HUAXIAN, 2019),
        ("碳纤维复合材料轨道交通车体部件项目", "工业", 80000, "储备", None, 2019),
        ("碳纤维风电叶片主梁项目", "工业", 120000, "储备", None, 2019),
        ("经开北区危险化学品仓储物流中心项目", "服务业", 45000, "谋划", None, 2020),
        ("吉林北站站前物流园项目", "服务业", 60000, "谋划", None, 2020),
        ("九站热电厂供热管网扩建工程", "基础设施", 28000, "前期", None, 2019),
    ],
    "GX": [
        ("吉林高新区智能网联汽车测试场项目", "服务业", 90000, "谋划", None, 2020),
        ("高新区光电子信息产业园二期项目", "工业", 150000, "储备", None, 2019),
        ("吉林高新区生物医药创新研发中心项目", "服务业", 40000, "前期", None, 2019),
        ("高新北区工业污水处理厂项目", "基础设施", 22000, "前期", None, 2019),
        ("新能源汽车动力电池系统集成项目", "工业", 65000, "谋划", None, 2020),
    ],
    "CY": [
        ("北山历史文化旅游区综合提升项目", "文旅", 50000, "储备", None, 2019),
        ("船营区江北片区棚户区改造二期项目", "民生", 130000, "前期", None, 2019),
        ("船营区中药饮片产业园项目", "工业", 30000, "谋划", None, 2020),
        ("松花江船营段生态廊道工程", "基础设施", 40000, "储备", None, 2019),
        ("北极街社区居家养老服务中心项目", "民生", 6000, "谋划", None, 2019),
    ],
    "ZX": [
        ("中新食品区30万吨玉米精深加工二期项目", "工业", 120000, "储备", None, 2019),
        ("中新食品区冷链物流及农产品交易中心项目", "服务业", 35000, "谋划", None, 2020),
        ("梅花鹿全产业链精深加工项目", "工业", 25000, "前期", None, 2019),
        ("岔路河生态水系综合治理工程", "基础设施", 18000, "谋划", None, 2020),
    ],
    "PS": [
        ("磐石明城石墨新材料产业园二期项目", "工业", 100000, "储备", None, 2019),
        ("红旗岭镍钴新材料项目", "工业", 80000, "谋划", None, 2020),
        ("磐石市城区供热管网改造工程", "基础设施", 15000, "前期", None, 2019),
        ("烟筒山镇农村生活污水处理工程", "基础设施", 8000, "谋划", None, 2020),
    ],
    "BDH": [
        ("北大壶冰雪运动装备产业园项目", "工业", 60000, "谋划", None, 2020),
        ("北大壶滑雪度假区三期项目", "文旅", 280000, "储备", BEIDAHU, 2019),
        ("五家山冰雪温泉小镇项目", "文旅", 150000, "谋划", None, 2020),
    ],
    "JH": [
        ("拉法山冰雪旅游度假区项目", "文旅", 100000, "谋划", None, 2020),
        ("蛟河市食用菌精深加工产业园项目", "工业", 22000, "前期", None, 2019),
        ("天岗石材产业园升级改造项目", "工业", 30000, "储备", None, 2019),
    ],
}
RESERVE_NOTES = [
    "拟争取中央预算内投资",
    "纳入全市“十三五”规划重大项目",
    "拟申报地方政府专项债券",
    "已编制项目建议书",
    "与省直部门对接中",
]
#: 谋划日期 by 谋划阶段: the further a project has got, the longer it has been in the 储备库.
RESERVE_SINCE = {
    "谋划": (dt.date(YEAR, 2, 20), dt.date(YEAR, 9, 26)),
    "储备": (dt.date(YEAR - 1, 5, 10), dt.date(YEAR, 5, 31)),
    "前期": (dt.date(YEAR - 2, 9, 1), dt.date(YEAR - 1, 12, 20)),
}


def plan_day(a: dt.date, b: dt.date) -> dt.date:
    return a + days(plan_rng.randint(0, (b - a).days))


def reserve_record(region: Region, entry: tuple, secretaries: list[str]) -> dict:
    """One project of the 储备库 (谋划.yaml), numbered later (in the order they entered it)."""
    name, cat, total, stage, owner, year = entry
    since = plan_day(*RESERVE_SINCE[stage])
    rec: dict = {"编号": "", "名称": name}
    if owner:
        rec["建设单位"] = owner
    rec.update({"类别": cat, "总投资": total})
    if total >= 100000:  # 10亿 and more: a city leader 包保 it already while it is planned
        rec["包保领导"] = region.leader
    if stage == "前期" or (stage == "储备" and plan_rng.random() < 0.5):
        rec["项目秘书"] = plan_rng.choice(secretaries)
    rec["责任单位"] = dept(region, "发改局")
    if stage != "谋划" and plan_rng.random() < 0.25:
        raised = plan_day(dt.date(YEAR, 4, 1), dt.date(YEAR, 9, 10))
        text, who, _fix = plan_rng.choice([p for p in PROBLEMS if "用地" in p[0] or "规划" in p[0]])
        rec["问题"] = [{"提出日期": raised, "内容": text, "责任单位": who, "时限": raised + days(60)}]
    if plan_rng.random() < 0.3:
        rec["备注"] = plan_rng.choice(RESERVE_NOTES)
    rec["谋划阶段"] = stage
    rec["谋划日期"] = since
    if stage == "前期" and plan_rng.random() < 0.4:
        note(rec, "谋划阶段", f"{since.year}年完成可研，转入前期工作")
    rec["预计开工年度"] = year
    if stage != "谋划" and plan_rng.random() < 0.45:
        rec["入国家库"] = plan_day(since + days(30), dt.date(YEAR, 9, 28))
    if stage == "前期":  # 立项 done, the rest on their way
        done = plan_day(max(since + days(40), dt.date(YEAR, 1, 15)), dt.date(YEAR, 7, 31))
        rec["前期手续"] = [
            {"名称": "立项", "计划办结": done + days(plan_rng.choice([-10, 0, 5])), "办结日期": done},
            {"名称": "规划选址", "计划办结": plan_day(dt.date(YEAR, 10, 15), dt.date(YEAR, 12, 20))},
            {"名称": "用地", "计划办结": plan_day(dt.date(YEAR + 1, 1, 15), dt.date(YEAR + 1, 3, 31))},
        ]
    return rec


def convert_history(region: Region, mine: dict[str, list[dict]]) -> None:
    """Planned and new started records that came from the 储备库: 谋划日期 and 转化日期 (and now and
    then 入国家库), none of them landed from 招商; one planned record of the region converted in
    September (this month's 本月变动)."""
    planned = [r for r in mine["计划开工"] if "落地日期" not in r and r["建设性质"] == "新建"]
    started = [
        r
        for ledger in ("在建", "未入统")
        for r in mine[ledger]
        if "落地日期" not in r and r["建设性质"] == "新建" and "计划开工日期" in r
    ]
    chosen = plan_rng.sample(planned, min(2, len(planned))) + plan_rng.sample(started, min(2, len(started)))
    for i, rec in enumerate(chosen):
        if "开工日期" in rec:
            edge = min(rec["开工日期"], rec["计划开工日期"]) - days(20)
            converted = plan_day(edge - days(300), edge)
        elif i == 0 and rec["计划开工日期"] >= dt.date(YEAR, 10, 15):
            converted = plan_day(dt.date(YEAR, 9, 3), dt.date(YEAR, 9, 28))
        else:
            converted = plan_day(dt.date(YEAR, 1, 10), min(rec["计划开工日期"] - days(30), dt.date(YEAR, 8, 31)))
        rec["谋划日期"] = converted - days(plan_rng.randint(90, 500))
        if plan_rng.random() < 0.3:
            rec["入国家库"] = plan_day(rec["谋划日期"] + days(30), min(converted + days(60), AS_OF))
        rec["转化日期"] = converted
        if plan_rng.random() < 0.3:
            note(rec, "转化日期", "由谋划项目储备库转入，谋划日期保留备查")


def reserve(region: Region, mine: dict[str, list[dict]]) -> None:
    """The region's 谋划.yaml and the converted history, for the regions in :data:`RESERVE`."""
    if region.code not in RESERVE:
        return
    secretaries = sorted({r["项目秘书"] for ledger in ("在建", "计划开工") for r in mine[ledger] if "项目秘书" in r})
    entries = RESERVE[region.code]
    records = sorted((reserve_record(region, entry, secretaries) for entry in entries), key=lambda r: r["谋划日期"])
    for n, rec in enumerate(records, start=1):
        rec["编号"] = f"{region.code}-MH-{n:03d}"  # the 储备库's own numbers, kept when converted
    mine["谋划"] = records
    convert_history(region, mine)


# --- writing YAML by hand ------------------------------------------------------------------------
PLAIN_UNSAFE = re.compile(
    r"^[-?:,\[\]{}#&*!|>'\"%@`\s]|: |\s#|\s$|^(true|false|null|~|yes|no|on|off)$"
    r"|^[-+.\d][\d_.:eE+-]*$|^\d{4}-\d\d(-\d\d)?$",
    re.I,
)


def scalar(v, flow: bool = False) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, dt.date)):
        return str(v)
    if PLAIN_UNSAFE.search(v) or (flow and re.search(r"[,\[\]{}]", v)):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return v


def emit_record(rec: dict, ledger: str, out: list[str]) -> None:
    above, inline = rec.get("#", {}), rec.get("#i", {})
    keys = [k for k in ORDER[ledger] if k in rec]
    assert set(keys) == set(rec) - {"#", "#i"}, set(rec) - set(keys)
    for i, key in enumerate(keys):
        if key in above:
            out.append(f"    # {above[key]}")
        lead, v = "  - " if i == 0 else "    ", rec[key]
        tail = f"  # {inline[key]}" if key in inline else ""
        if not isinstance(v, (list, dict)):
            out.append(f"{lead}{key}: {scalar(v)}{tail}")
            continue
        out.append(f"{lead}{key}:{tail}")
        if key == "完成投资":
            out += [f"      {month}: {scalar(x)}" for month, x in v.items()]
        elif key == "问题":  # block mappings: these are the longest texts
            for p in v:
                out += [f"      {'- ' if j == 0 else '  '}{k}: {scalar(x)}" for j, (k, x) in enumerate(p.items())]
        else:  # 走访, 前期手续: short, one line each
            out += [
                "      - "
                + (
                    "{" + ", ".join(f"{k}: {scalar(y, flow=True)}" for k, y in x.items()) + "}"
                    if isinstance(x, dict)
                    else scalar(x)
                )
                for x in v
            ]


LEDGER_HEAD = {
    "在建": ("在建项目台账（已入统）", "5000万元以上已开复工、已入统计库的项目；完成投资为当月完成数"),
    "未入统": ("已开工未入统项目台账", "已开工但未入统计库的项目，逐项写明原因，确保9月底前入统"),
    "计划开工": ("计划开工项目台账（8至12月开复工时间表）", "每个项目倒排前期手续，按计划开工日期调度"),
    "招商": (
        "招商引资项目台账（洽谈→签约→落地）",
        "省、市招商活动签约项目；亿元以上重点项目由市领导包保；落地后转入计划开工或在建台账，招商信息随项目保留",
    ),
    "谋划": (
        "谋划项目储备库（谋划→储备→前期）",
        "滚动谋划储备的项目，尚未列入开工计划；成熟后转化进入计划开工台账，谋划日期随项目保留",
    ),
}


def write_ledger(path: Path, region: Region, records: list[dict]) -> None:
    ledger = path.stem
    title, purpose = LEDGER_HEAD[ledger]
    out = [
        f"# yaml-language-server: $schema=../../schemas/{ledger}.schema.json",
        f"# {region.name} {title}",
        f"# {purpose}",
        f"# 维护：{dept(region, '发改局')} 项目秘书组；数据截至 {AS_OF}",
        f"地区: {region.name}",
        f"台账: {ledger}",
        "项目:",
    ]
    for i, rec in enumerate(records):
        if i:
            out.append("")
        emit_record(rec, ledger, out)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def targets(records: dict[str, dict[str, list[dict]]]) -> dict[str, dict]:
    """目标 per region, set from what its ledgers hold so that some regions are ahead, some behind."""
    goals = {
        "全市": {
            "年度投资": 0,
            "新开工项目数": 120,
            "新开工亿元以上项目数": 85,
            "开工率": 0.9,
            "复工率": 0.95,
            "入统率": 0.9,
            "招商落地率": 0.7,
        }
    }
    for region in REGIONS:
        started = records[region.name]["在建"] + records[region.name]["未入统"]
        done = sum(getattr(x, "value", x) for r in started for x in r["完成投资"].values())
        new = [r for r in started if r["建设性质"] == "新建"]
        new_big = [r for r in new if getattr(r["总投资"], "value", r["总投资"]) >= 10000]
        rate = region.pace + rng.uniform(-0.04, 0.06)  # the 投资完成率 it will show, against 序时 75%
        t = {"年度投资": round_to(done / rate, 1000), "新开工项目数": max(2, round(len(new) * rng.uniform(0.8, 1.3)))}
        if len(new_big) >= 5:
            t["新开工亿元以上项目数"] = round(len(new_big) * rng.uniform(0.85, 1.25))
        if rng.random() < 0.5:
            t["开工率"] = rng.choice([0.85, 0.9, 0.95])
        if rng.random() < 0.4:
            t["入统率"] = rng.choice([0.8, 0.85, 0.9])
        goals[region.name] = t
        goals["全市"]["年度投资"] += t["年度投资"]
    goals["全市"]["年度投资"] = round_to(goals["全市"]["年度投资"] * 1.02, 10000)
    return goals


def write_config(path: Path, goals: dict) -> None:
    lines = [
        "# yaml-language-server: $schema=../schemas/xiangmu.schema.json",
        "# 吉林市重点项目建设台账 —— 本仓库的总配置",
        "# 依据：吉林市人民政府办公厅《全市落实“稳投资”政策措施加快推进重点项目建设工作方案》",
        "#       （2018年9月16日印发，市政府2018年第7次常务会议审议通过）",
        "# 维护：市发改委投资科；各县（市）区、开发区只改本地文件夹下的台账，本文件改动须经投资科审核。",
        "",
        "名称: 吉林市重点项目建设台账",
        "年度: 2018                 # 报告年度；完成投资的月份必须在本年度内",
        "",
        "# 项目类别（本市调度分类），台账中的 类别 只能取以下值",
        f"类别: [{', '.join(CATEGORIES)}]",
        "# 其中算作产业项目的类别（“新开工产业项目占新开工项目50%以上”）",
        "产业类别: [工业, 服务业, 农业, 文旅]",
        "# 项目级别：省重点项目由省里直接调度，其余为市重点",
        "级别: [省重点, 市重点]",
        "# 问题清单的分类（联席会议分类研究解决）",
        f"问题分类: [{', '.join(ISSUE_KINDS)}]",
        "",
        "# 口径：工作方案中的门槛和周期",
        "口径:",
        "  入库门槛: 5000           # 万元；5000万元以上项目全部配备项目服务秘书",
        "  亿元以上: 10000          # 万元；“亿元以上项目”统计线",
        "  十亿元以上: 100000       # 万元；“10亿元以上项目”统计线",
        "  领导包保门槛: 100000     # 万元；10亿元以上重大项目由市级领导包保",
        "  走访周期: 15             # 天；项目秘书每半个月至少到现场踏查一次",
        "  入统时限: 2018-09-30     # 未入统项目“确保9月底前入统”",
        "  红灯进度差: 0.1          # 在建项目完成投资落后序时进度超过10个百分点亮红灯",
        "  临期天数: 7              # 7天内到期的事项亮黄灯、列入提醒（xm remind）",
        "",
        "# 本市另加的项目字段（各台账都可填写）：“上争”工作和入国家重大建设项目库",
        "扩展字段:",
        "  - {名称: 上争资金, 类型: 金额, 说明: 争取到的中央预算内投资、地方政府专项债券等上级资金（万元）}",
        "  - {名称: 入国家重大项目库, 类型: 是否, 说明: 是否已入国家重大建设项目库}",
        "",
        "# 市领导包保分工（工作方案“推进措施”第（一）项）；包保领导 只能填这里的姓名",
        "领导:",
    ]
    for name, title, areas in LEADERS:
        lines += [f"  - 姓名: {name}", f"    职务: {title}", f"    包保地区: [{', '.join(areas)}]"]
    lines += ["", "# 9个县（市）区、4个开发区；文件夹名与此处名称一致，列表顺序即报表中的地区顺序", "地区:"]
    lines += [f"  - {{名称: {r.name}, 类型: {r.kind}}}" for r in REGIONS]
    lines += [
        "",
        "# 年度目标：全市数来自工作方案与年初计划，各地数为年初下达；",
        "# 键只用 年度投资（万元）或 metrics.md 中的指标名；比率写小数（0.9 即 90%）",
        "目标:",
    ]
    lines += [f"  {who}: {{" + ", ".join(f"{k}: {v}" for k, v in t.items()) + "}" for who, t in goals.items()]
    lines += [
        "",
        "# 考评：三季度、年终两次（工作方案“有关要求”第（三）项）；排名靠前加分，靠后绩效减档",
        "考评:",
        "  指标: {投资完成率: 40, 开工率: 20, 入统率: 20, 招商落地率: 10, 问题解决率: 10}",
        "  封顶: 1.2",
        "  前列加分: {名次: 3, 加分: 2}",
        "  后列减档: {名次: 3}",
        "",
        "# 报告页眉：打印的网页、Excel 每页上方印发文单位和期数（{年}、{月} 换成报告的年、月）",
        "通报: {发文单位: 吉林市发展和改革委员会, 期数: '{年}年第{月}期'}",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --- the fields real offices keep (issue 16) -----------------------------------------------------
# Added after everything else, with an rng of their own, so the figures above stay as they were.
frng = random.Random(16)
#: 行政区划代码 of the regions (统计用区划代码; 北大壶 lies in 永吉县), the 2nd group of a 项目代码.
DIVISIONS = {
    "船营区": "220204",
    "昌邑区": "220202",
    "龙潭区": "220203",
    "丰满区": "220211",
    "蛟河市": "220281",
    "桦甸市": "220282",
    "舒兰市": "220283",
    "磐石市": "220284",
    "永吉县": "220221",
    "高新区": "220272",
    "经开区": "220271",
    "中新食品区": "220273",
    "北大壶开发区": "220221",
}
#: 国民经济行业 (GB/T 4754 大类) code of a project, the 3rd group: by words of its name, else
#: one of its 类别's.
TRADE_WORDS = [
    ("医院 卫生", "84"),
    ("中学 小学 幼儿园", "83"),
    ("养老", "85"),
    ("健身", "89"),
    ("棚户区 老旧小区 住房 住宅", "47"),
    ("道路 公路 桥梁", "48"),
    ("供热 热源 输变电", "44"),
    ("燃气", "45"),
    ("污水 供水 饮水 雨污", "46"),
    ("河道", "76"),
    ("垃圾", "77"),
    ("物流 冷链", "59"),
    ("酒店 度假", "61"),
    ("商业 商贸 市场 办公", "70"),
    ("农田 大棚 育秧 食用菌 种植", "01"),
    ("养殖", "03"),
    ("滑雪 雪道 索道 雪具 冰雪", "89"),
    ("旅游 森林公园 文化村 营地", "78"),
]
TRADES = {
    "工业": ["13", "14", "26", "27", "30", "33", "34", "36", "39"],
    "基础设施": ["48"],
    "民生": ["47"],
    "服务业": ["51", "52", "70"],
    "农业": ["01"],
    "文旅": ["78"],
}
ISSUE_KINDS = ["前期手续", "用地", "征收拆迁", "资金", "要素保障", "入统", "其他"]
ISSUE_KIND_OF = {  # the first words of PROBLEMS → 分类
    "施工许可证": "前期手续",
    "项目红线内": "征收拆迁",
    "场区内66千伏": "要素保障",
    "建设资金": "资金",
    "环评批复": "前期手续",
    "市政供水": "要素保障",
    "规划条件": "前期手续",
    "用地指标": "用地",
    "入统资料": "入统",
    "施工临时用电": "要素保障",
    "进口设备": "其他",
    "周边居民": "其他",
    "林地占用": "用地",
    "消防设计": "前期手续",
}
#: A comment above 走访 naming who visited its latest date (make_records): 走访人, 内容.
VISIT_NOTE = re.compile(r"(\d+)月(\d+)日(市发改委|市统计局|包保市领导)(.*)")
PUBLIC = re.compile(r"局|城市建设投资|管委会|医院|中心$")
SERIALS: set[str] = set()


def national_code(rec: dict, region_name: str, year: int) -> str:
    """A 项目代码 as the online approval platform gave it: year, division, trade, type, serial."""
    public = bool(PUBLIC.search(rec["建设单位"]))
    total = getattr(rec["总投资"], "value", rec["总投资"])
    kind = "01" if public else "02" if total >= 100000 and rec["类别"] == "工业" else "03"
    while True:
        serial = f"{frng.randint(1, 999999):06d}"
        if serial not in SERIALS:
            SERIALS.add(serial)
            break
    trade = next(
        (code for words, code in TRADE_WORDS if any(w in rec["名称"] for w in words.split())),
        None,
    ) or frng.choice(TRADES[rec["类别"]])
    return f"{year}-{DIVISIONS[region_name]}-{trade}-{kind}-{serial}"


def scope_of(rec: dict, total: int) -> str:
    """建设内容及规模, from the kind of project its name says."""
    name, floor = rec["名称"], max(2000, round_to(total * 10000 / frng.uniform(2500, 4500), 100))
    wan = f"{floor / 10000:.1f}万平方米" if floor >= 10000 else f"{floor}平方米"
    rules = [
        ("棚户区", f"改造棚户区{round_to(total / 25, 10)}户，新建安置住房{wan}"),
        ("老旧小区", f"改造老旧小区{frng.randint(8, 40)}个，外墙保温、管网及道路改造"),
        ("医院 卫生", f"新建门诊、医技、住院综合楼{wan}，床位{round_to(total / 60, 50)}张"),
        ("中学 小学 幼儿园", f"新建教学楼、综合楼及运动场，总建筑面积{wan}"),
        ("养老", f"新建养老用房{wan}，养老床位{round_to(total / 40, 50)}张"),
        ("道路 公路", f"新建、改造道路{frng.randint(3, 40)}公里及配套排水、照明"),
        ("供热 热源", f"新建、改造供热管网{frng.randint(5, 60)}公里，新增供热面积{frng.randint(50, 300)}万平方米"),
        ("污水 雨污 供水 饮水", f"新建、改造管网{frng.randint(5, 80)}公里及配套泵站"),
        ("输变电", f"新建变电站1座，主变{frng.choice([2, 3])}台，线路{frng.randint(8, 40)}公里"),
        ("燃气", f"新建、改造燃气管网{frng.randint(10, 90)}公里"),
        ("河道", f"综合治理河道{frng.randint(3, 25)}公里，新建堤防及景观带"),
        ("桥梁", f"改造桥梁{frng.randint(1, 4)}座"),
        ("滑雪 雪道 索道", f"新建、改造雪道{frng.randint(3, 15)}条、索道{frng.randint(1, 3)}条及造雪系统"),
        ("酒店 度假", f"新建酒店及配套设施{wan}，客房{round_to(total / 50, 10)}间"),
        ("物流 冷链", f"新建仓储及配套用房{wan}，购置分拣、冷链设备"),
        ("商业 商贸 市场 办公 住宅", f"总建筑面积{wan}"),
        ("农田", f"建设高标准农田{round_to(total * 3, 1000)}亩"),
        ("养殖", f"新建标准化圈舍{round_to(total * 1.5, 1000)}平方米，存栏{round_to(total / 4, 500)}头"),
        ("大棚 食用菌 种植 设施农业", f"新建棚室{frng.randint(100, 600)}栋及配套设施"),
    ]
    for words, text in rules:
        if any(w in name for w in words.split()):
            return text
    if rec["类别"] == "工业":
        return f"新建生产厂房及配套用房{wan}，购置生产设备{frng.randint(50, 400)}台（套）"
    return f"总建筑面积{wan}及配套设施"


def funding_of(rec: dict, public: bool) -> str:
    if "棚户区" in rec["名称"]:
        return "棚改专项贷款、财政资金"
    if public:
        return frng.choice(
            ["中央预算内投资、地方政府专项债券", "地方政府专项债券、银行贷款", "中央预算内投资、财政资金"]
        )
    return frng.choice(["企业自筹", "企业自筹、银行贷款", "企业自筹、银行贷款", "企业自筹、产业投资基金"])


def put_issue_fields(issue: dict, big: bool) -> None:
    """分类 for every problem; 层级 for one that went beyond the secretary (联席会议, and on up
    when that did not settle it: 003), key order as in the contract."""
    kind = next(k for words, k in ISSUE_KIND_OF.items() if issue["内容"].startswith(words))
    end = issue.get("解决日期") or AS_OF
    waited = (end - issue["提出日期"]).days
    level = None
    if waited > 30:
        level = "联席会议"
    if waited > 60 and "解决日期" not in issue:
        level = "常务会议" if big else "专题会议"
    items = dict(issue)
    issue.clear()
    issue.update({"提出日期": items["提出日期"], "内容": items["内容"], "分类": kind})
    for key in ("责任单位", "时限", "解决日期", "解决情况"):
        if key == "时限" and level:
            issue["层级"] = level
        if key in items:
            issue[key] = items[key]


def operation_dates(rec: dict) -> None:
    """计划投产日期 / 投产日期 of an industrial project (003: 年内投产14项, 明年投产42项)."""
    start, finish = rec["开工日期"], rec.get("竣工日期")
    if finish is not None:
        rec["计划投产日期"] = rec.get("计划竣工日期", finish)
        rec["投产日期"] = min(AS_OF, finish + days(frng.randint(0, 20)))
        return
    if rec["建设性质"] == "新建" or frng.random() < 0.3:
        r = frng.random()
        if r < 0.3:
            plan = max(start + days(90), day_between_f(dt.date(YEAR, 6, 30), dt.date(YEAR, 12, 20)))
        elif r < 0.8:
            plan = day_between_f(dt.date(YEAR + 1, 4, 1), dt.date(YEAR + 1, 11, 30))
        else:
            plan = day_between_f(dt.date(YEAR + 2, 4, 1), dt.date(YEAR + 2, 10, 31))
        rec["计划投产日期"] = plan
        if plan <= AS_OF and frng.random() < 0.7:
            rec["投产日期"] = min(AS_OF, plan + days(frng.randint(-20, 15)))


def day_between_f(a: dt.date, b: dt.date) -> dt.date:
    return a + dt.timedelta(days=frng.randint(0, (b - a).days))


def structured_visit(rec: dict, region: Region) -> None:
    """The comment above 走访 naming who visited on its latest date becomes that visit's fields."""
    text = rec.get("#", {}).get("走访")
    match = VISIT_NOTE.fullmatch(text or "")
    if match is None:
        return
    month, day_, who, what = match.groups()
    on = dt.date(YEAR, int(month), int(day_))
    at = next(i for i, v in enumerate(rec["走访"]) if (v["日期"] if isinstance(v, dict) else v) == on)
    visitor = rec.get("包保领导", region.leader) if who == "包保市领导" else who
    before = rec["走访"][at].get("内容") if isinstance(rec["走访"][at], dict) else None
    said = "，".join(x for x in (what.lstrip("，"), before) if x)
    rec["走访"][at] = {"日期": on, "走访人": visitor, "方式": "现场", "内容": said}
    del rec["#"]["走访"]


def phone_contact(rec: dict) -> None:
    """A secretary's weekly call after the last site visit (方式 电话: not a 走访周期 visit)."""
    latest = rec["走访"][-1]
    last = latest["日期"] if isinstance(latest, dict) else latest
    if (AS_OF - last).days > 10:
        on = day_between_f(last + days(3), AS_OF - days(1))
        rec["走访"].append({"日期": on, "走访人": rec["项目秘书"], "方式": "电话", "内容": "电话了解施工进度"})


def office_fields(records: dict[str, dict[str, list[dict]]]) -> None:
    """项目代码, 级别, 建设内容, 资金来源, 投产 dates, who visited and how, a problem's 分类 and
    层级, and the two extension fields, on the records of the started and planned ledgers."""
    for region in REGIONS:
        for ledger in ("在建", "未入统", "计划开工"):
            for rec in records[region.name][ledger]:
                total = getattr(rec["总投资"], "value", rec["总投资"])
                public = bool(PUBLIC.search(rec["建设单位"]))
                start = rec.get("开工日期") or rec["计划开工日期"]
                year = max(2016, start.year - (1 if frng.random() < 0.4 else 0))
                rec["项目代码"] = national_code(rec, region.name, min(year, YEAR))
                provincial = total >= 100000 or rec.get("备注") == "列入省级重点项目"
                if rec.get("备注") == "列入省级重点项目":
                    del rec["备注"]
                rec["级别"] = "省重点" if provincial else "市重点"
                if total >= 10000:
                    rec["建设内容"] = scope_of(rec, total)
                    rec["资金来源"] = funding_of(rec, public)
                    if "中央预算内" in rec["资金来源"] or "专项债券" in rec["资金来源"]:
                        rec["上争资金"] = round_to(total * frng.uniform(0.08, 0.3), 100)
                if provincial:
                    rec["入国家重大项目库"] = "是" if frng.random() < 0.6 else "否"
                if ledger != "计划开工" and rec["类别"] == "工业":
                    operation_dates(rec)
                for issue in rec.get("问题", []):
                    put_issue_fields(issue, total >= 100000)
                if "走访" in rec:
                    structured_visit(rec, region)
                    if ledger != "计划开工" and frng.random() < 0.15:
                        phone_contact(rec)


# --- putting it together -------------------------------------------------------------------------
def build() -> tuple[dict, dict]:
    used_names.update(f[0] for r in REGIONS for f in r.flagships)
    slots = make_slots()
    planned = [(r, i) for r in REGIONS for i in range(r.planned)]
    late_starts = set(rng.sample(range(len(planned)), 8))  # 未按期开工
    signed = [(r, i) for r in REGIONS for i in range(r.signed)]  # the first r.key of a region are 重点
    late_landings = set(rng.sample([k for k, (r, i) in enumerate(signed) if i >= r.key], 6))

    records: dict[str, dict[str, list[dict]]] = {}
    for region in REGIONS:
        secretaries = [person() for _ in range(max(2, math.ceil((region.started + region.planned) / 7)))]
        mine = {"在建": [], "未入统": [], "计划开工": [], "招商": []}
        # 新建 first: the 2018 ids go to them before the 计划开工 and 招商 records.
        for slot in sorted((s for s in slots if s.region is region), key=lambda s: s.nature != "新建"):
            mine[slot.ledger].append(started_record(slot, secretaries))
        for k, (r, _i) in enumerate(planned):
            if r is region:
                mine["计划开工"].append(planned_record(region, secretaries, k in late_starts))
        for k, (r, i) in enumerate(signed):
            if r is region:
                key, late = i < region.key, k in late_landings
                landed = not late and (i < region.key * 0.6 if key else (i - region.key) % 2 == 0)
                mine["招商"].append(zs_record(region, "落地" if landed else "签约", key, late, secretaries))
        mine["招商"] += [zs_record(region, "洽谈", False, False, secretaries) for _ in range(region.talks)]
        for ledger in ("在建", "未入统"):
            mine[ledger].sort(key=lambda r: (r["建设性质"] != "新建", r["编号"]))
        mine["计划开工"].sort(key=lambda r: r["编号"])
        move_landed(region, mine)
        kept_history(region, mine)
        reserve(region, mine)
        records[region.name] = mine
    goals = targets(records)
    office_fields(records)
    return records, goals


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "ledgers", help="output folder, replaced entirely")
    out = ap.parse_args().out
    records, goals = build()
    if out.exists():
        if any(out.iterdir()) and not (out / "xiangmu.yaml").exists():
            raise SystemExit(f"{out} is not a ledger folder; not replacing it")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    write_config(out / "xiangmu.yaml", goals)
    for region in REGIONS:
        (out / region.name).mkdir()
        for ledger, recs in records[region.name].items():
            if recs:
                write_ledger(out / region.name / f"{ledger}.yaml", region, recs)
    print(f"wrote {sum(len(x) for r in records.values() for x in r.values())} projects to {out}")


if __name__ == "__main__":
    main()
