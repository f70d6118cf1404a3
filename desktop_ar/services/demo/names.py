"""Word lists for the demo book: company and person names, addresses, products, collectors.

Everything here is plain data; :mod:`desktop_ar.services.demo.generator` combines it with a seeded
``random.Random`` so the same seed always gives the same book.
"""

from __future__ import annotations

from typing import NamedTuple

# -- Chinese company names: 城市 + 字号 + 行业 + 组织形式 ------------------------------------------
CITIES: tuple[tuple[str, str, str], ...] = (
    # (city, region, province prefix for addresses)
    ("上海", "华东", "上海市"),
    ("北京", "华北", "北京市"),
    ("深圳", "华南", "广东省深圳市"),
    ("广州", "华南", "广东省广州市"),
    ("杭州", "华东", "浙江省杭州市"),
    ("苏州", "华东", "江苏省苏州市"),
    ("成都", "西南", "四川省成都市"),
    ("武汉", "华中", "湖北省武汉市"),
    ("南京", "华东", "江苏省南京市"),
    ("天津", "华北", "天津市"),
    ("重庆", "西南", "重庆市"),
    ("宁波", "华东", "浙江省宁波市"),
    ("厦门", "华南", "福建省厦门市"),
    ("青岛", "华东", "山东省青岛市"),
    ("长沙", "华中", "湖南省长沙市"),
    ("郑州", "华中", "河南省郑州市"),
    ("西安", "西北", "陕西省西安市"),
    ("沈阳", "东北", "辽宁省沈阳市"),
    ("大连", "东北", "辽宁省大连市"),
    ("哈尔滨", "东北", "黑龙江省哈尔滨市"),
    ("东莞", "华南", "广东省东莞市"),
    ("佛山", "华南", "广东省佛山市"),
    ("无锡", "华东", "江苏省无锡市"),
    ("合肥", "华东", "安徽省合肥市"),
    ("济南", "华东", "山东省济南市"),
    ("昆明", "西南", "云南省昆明市"),
    ("兰州", "西北", "甘肃省兰州市"),
    ("温州", "华东", "浙江省温州市"),
    ("石家庄", "华北", "河北省石家庄市"),
    ("南昌", "华中", "江西省南昌市"),
)

CORE_NAMES: tuple[str, ...] = (
    "明远", "华信", "宏达", "鑫源", "恒通", "永盛", "瑞丰", "金桥", "中联", "天成",
    "博雅", "汇通", "东升", "新元", "盛世", "锦程", "嘉禾", "顺达", "长虹", "远航",
    "联创", "华泰", "振华", "兴业", "宝丰", "德润", "海纳", "凯旋", "鼎盛", "启航",
    "信诚", "正泰", "同创", "百川", "君安", "国瑞", "佳兴", "安达", "富源", "协力",
    "立新", "广和", "万通", "鸿运", "精诚", "晨光", "绿源", "华晟", "永安", "恒昌",
    "卓越", "明辉", "和信", "天翼", "聚力", "龙腾", "旭日", "星辰", "蓝海", "云图",
)  # fmt: skip

INDUSTRY_WORDS: tuple[str, ...] = (
    "贸易", "科技", "电子", "机械", "物流", "食品", "化工", "建材", "纺织", "医药",
    "包装", "五金", "汽车配件", "信息技术", "环保", "家居", "照明", "供应链", "实业", "商贸",
)  # fmt: skip

SUFFIXES_ZH: tuple[str, ...] = ("有限公司", "有限公司", "有限公司", "股份有限公司", "商行")

# -- English company names -------------------------------------------------------------------
EN_FIRST: tuple[str, ...] = (
    "Northwind", "Harbor", "Pacific Rim", "Blue Ridge", "Silverline", "Evergreen", "Summit",
    "Redwood", "Atlas", "Meridian", "Crescent", "Oakmont", "Keystone", "Beacon", "Granite",
    "Lakeside", "Sterling", "Horizon", "Falcon", "Westbrook", "Bayview", "Ironwood", "Cobalt",
    "Riverstone", "Maple Leaf", "Orion", "Highland", "Seaport", "Pioneer", "Coastal",
)  # fmt: skip
EN_SECOND: tuple[str, ...] = (
    "Traders", "Electronics", "Supplies", "Industries", "Logistics", "Components", "Foods",
    "Packaging", "Imports", "Distribution", "Engineering", "Textiles", "Lighting", "Hardware",
    "Trading", "Materials",
)  # fmt: skip
EN_SUFFIXES: tuple[tuple[str, str], ...] = (
    # (suffix, country) — the country picks the address style
    ("Ltd", "UK"),
    ("GmbH", "DE"),
    ("Inc.", "US"),
    ("LLC", "US"),
    ("Pte. Ltd.", "SG"),
    ("Co., Ltd.", "HK"),
    ("Pty Ltd", "AU"),
    ("B.V.", "NL"),
)

# -- People ----------------------------------------------------------------------------------
SURNAMES: tuple[str, ...] = (
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
    "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗",
    "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
)  # fmt: skip
GIVEN_NAMES: tuple[str, ...] = (
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋",
    "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平",
    "刚", "桂英", "建华", "志强", "海燕", "晓东", "文静", "国庆", "丽华", "子涵",
    "浩然", "欣怡", "宇航", "思远", "雪梅", "俊杰", "春梅", "建国", "婷婷", "晨",
)  # fmt: skip
EN_FIRST_NAMES: tuple[str, ...] = (
    "James", "Emily", "Michael", "Sarah", "David", "Laura", "Daniel", "Anna", "Thomas",
    "Sophie", "Peter", "Hannah", "Mark", "Julia", "Robert", "Grace", "Lukas", "Olivia",
    "Kevin", "Mia",
)  # fmt: skip
EN_LAST_NAMES: tuple[str, ...] = (
    "Smith", "Johnson", "Brown", "Miller", "Wilson", "Taylor", "Anderson", "Thomas", "Moore",
    "Martin", "Lee", "Walker", "Hall", "Young", "King", "Wright", "Schmidt", "Fischer", "Tan",
    "Wong",
)  # fmt: skip
TITLES_ZH: tuple[str, ...] = (
    "财务经理", "采购经理", "总经理", "会计", "出纳", "采购专员", "财务总监", "业务主管",
)  # fmt: skip
TITLES_EN: tuple[str, ...] = (
    "Finance Manager", "Purchasing Manager", "Accounts Payable", "Managing Director",
    "Controller", "Buyer",
)  # fmt: skip

# -- Addresses -------------------------------------------------------------------------------
DISTRICTS: tuple[str, ...] = (
    "高新区", "经济技术开发区", "工业园区", "保税区", "开发区", "新城区",
)  # fmt: skip
CITY_DISTRICTS: dict[str, tuple[str, ...]] = {
    "上海": ("浦东新区", "闵行区", "嘉定区", "松江区", "青浦区"),
    "北京": ("海淀区", "朝阳区", "丰台区", "大兴区"),
    "深圳": ("南山区", "宝安区", "龙岗区", "福田区"),
    "广州": ("天河区", "白云区", "番禺区", "黄埔区"),
    "杭州": ("滨江区", "西湖区", "萧山区", "余杭区"),
    "苏州": ("工业园区", "吴中区", "相城区"),
    "成都": ("武侯区", "高新区", "双流区"),
    "武汉": ("江夏区", "洪山区", "东西湖区"),
    "南京": ("江宁区", "鼓楼区", "浦口区"),
    "宁波": ("鄞州区", "北仑区", "江北区"),
}
# 6-digit administrative division codes, used in tax ids (统一社会信用代码).
CITY_CODES: dict[str, str] = {
    "上海": "310115", "北京": "110108", "深圳": "440300", "广州": "440106", "杭州": "330108",
    "苏州": "320505", "成都": "510107", "武汉": "420111", "南京": "320115", "天津": "120116",
    "重庆": "500112", "宁波": "330212", "厦门": "350206", "青岛": "370212", "长沙": "430104",
    "郑州": "410105", "西安": "610113", "沈阳": "210106", "大连": "210213", "哈尔滨": "230109",
    "东莞": "441900", "佛山": "440606", "无锡": "320214", "合肥": "340104", "济南": "370112",
    "昆明": "530112", "兰州": "620102", "温州": "330304", "石家庄": "130104", "南昌": "360111",
}  # fmt: skip
STREETS: tuple[str, ...] = (
    "张江路", "科技大道", "人民路", "建设路", "中山路", "解放大道", "长江路", "黄河路",
    "创业路", "工业大道", "文三路", "学院路", "滨海大道", "金融街", "新华路", "华山路",
)  # fmt: skip
EN_STREETS: tuple[str, ...] = (
    "High Street", "Market Street", "Harbour Road", "King's Road", "Industriestraße",
    "Hauptstraße", "Main Street", "Commerce Drive", "Orchard Road", "Queen's Road Central",
    "George Street", "Keizersgracht",
)  # fmt: skip
EN_CITIES: dict[str, tuple[str, ...]] = {
    "UK": ("London", "Manchester", "Birmingham"),
    "DE": ("Hamburg", "Munich", "Frankfurt am Main"),
    "US": ("Seattle, WA", "Los Angeles, CA", "Chicago, IL"),
    "SG": ("Singapore",),
    "HK": ("Hong Kong",),
    "AU": ("Sydney NSW", "Melbourne VIC"),
    "NL": ("Rotterdam", "Amsterdam"),
}
PHONE_CODES: dict[str, str] = {
    "UK": "+44 20",
    "DE": "+49 40",
    "US": "+1 206",
    "SG": "+65",
    "HK": "+852",
    "AU": "+61 2",
    "NL": "+31 10",
}
AREA_CODES: dict[str, str] = {
    "上海": "021", "北京": "010", "深圳": "0755", "广州": "020", "杭州": "0571", "苏州": "0512",
    "成都": "028", "武汉": "027", "南京": "025", "天津": "022", "重庆": "023", "宁波": "0574",
    "厦门": "0592", "青岛": "0532", "长沙": "0731", "郑州": "0371", "西安": "029", "沈阳": "024",
    "大连": "0411", "哈尔滨": "0451", "东莞": "0769", "佛山": "0757", "无锡": "0510",
    "合肥": "0551", "济南": "0531", "昆明": "0871", "兰州": "0931", "温州": "0577",
    "石家庄": "0311", "南昌": "0791",
}  # fmt: skip

REGIONS: tuple[str, ...] = ("华东", "华南", "华北", "华中", "西南", "东北", "西北", "Overseas")

# Bilingual industry keys, with the product categories such customers buy.
INDUSTRIES: dict[str, tuple[str, ...]] = {
    "电子 Electronics": ("electronics", "packaging", "service"),
    "机械制造 Machinery": ("metal", "hardware", "service"),
    "建材 Building materials": ("metal", "hardware", "chemicals"),
    "食品 Food": ("packaging", "logistics"),
    "化工 Chemicals": ("chemicals", "packaging", "logistics"),
    "纺织服装 Textiles": ("textiles", "packaging", "logistics"),
    "医药 Pharmaceuticals": ("packaging", "chemicals", "service"),
    "零售 Retail": ("packaging", "electronics", "logistics"),
    "物流 Logistics": ("logistics", "packaging", "service"),
    "汽车配件 Auto parts": ("metal", "hardware", "electronics"),
    "信息技术 IT": ("service", "electronics"),
    "家居 Home furnishing": ("textiles", "hardware", "packaging"),
    "包装印刷 Packaging": ("packaging", "chemicals", "logistics"),
}
INDUSTRY_HINTS: dict[str, str] = {
    # industry word in a Chinese name → industry key
    "电子": "电子 Electronics",
    "机械": "机械制造 Machinery",
    "建材": "建材 Building materials",
    "食品": "食品 Food",
    "化工": "化工 Chemicals",
    "纺织": "纺织服装 Textiles",
    "医药": "医药 Pharmaceuticals",
    "物流": "物流 Logistics",
    "汽车配件": "汽车配件 Auto parts",
    "信息技术": "信息技术 IT",
    "科技": "信息技术 IT",
    "家居": "家居 Home furnishing",
    "五金": "机械制造 Machinery",
    "照明": "电子 Electronics",
    "包装": "包装印刷 Packaging",
    "Electronics": "电子 Electronics",
    "Foods": "食品 Food",
    "Logistics": "物流 Logistics",
    "Textiles": "纺织服装 Textiles",
    "Lighting": "电子 Electronics",
    "Hardware": "机械制造 Machinery",
    "Engineering": "机械制造 Machinery",
    "Components": "汽车配件 Auto parts",
    "Materials": "建材 Building materials",
    "Packaging": "包装印刷 Packaging",
}


class Product(NamedTuple):
    """A product or service we sell, with a price range and a cost ratio range."""

    name: str
    category: str
    price_lo: int  # list price range, CNY minor units per unit
    price_hi: int
    cost_lo: int  # unit cost as per-mille of the list price
    cost_hi: int
    qty_lo: int  # typical quantity per order line (whole units)
    qty_hi: int
    tax_pct: int  # VAT rate in percent: 13 goods, 6 services
    decimal_qty: bool = False  # quantities with one decimal (tons, metres)


PRODUCTS: tuple[Product, ...] = (
    Product(
        "不锈钢板 304 / Stainless plate 304",
        "metal",
        1_450_000,
        1_750_000,
        780,
        900,
        1,
        8,
        13,
        True,
    ),
    Product("冷轧钢卷 / Cold-rolled coil", "metal", 520_000, 640_000, 800, 920, 2, 30, 13, True),
    Product(
        "铝型材 6063 / Aluminium profile", "metal", 1_900_000, 2_300_000, 760, 880, 1, 8, 13, True
    ),
    Product("镀锌角钢 / Galvanised angle", "metal", 480_000, 560_000, 800, 900, 1, 20, 13, True),
    Product("LED 驱动电源 / LED driver 60W", "electronics", 2_800, 4_500, 600, 780, 200, 3_000, 13),
    Product(
        "贴片电容 0805 / MLCC 0805 (reel)", "electronics", 9_000, 15_000, 550, 750, 10, 400, 13
    ),
    Product(
        "开关电源 / Switching power supply", "electronics", 6_500, 12_000, 620, 800, 50, 800, 13
    ),
    Product("线束总成 / Wire harness", "electronics", 3_500, 8_800, 650, 820, 100, 2_000, 13),
    Product("包装纸箱 / Corrugated carton", "packaging", 180, 650, 600, 800, 1_000, 20_000, 13),
    Product("缠绕膜 / Stretch film", "packaging", 3_200, 4_800, 700, 850, 20, 600, 13),
    Product("木托盘 / Wooden pallet", "packaging", 6_500, 9_500, 650, 800, 20, 400, 13),
    Product("内六角螺栓 M8 / Hex bolt M8 (box)", "hardware", 2_500, 4_200, 550, 750, 20, 500, 13),
    Product("轴承 6205 / Bearing 6205", "hardware", 1_200, 2_600, 600, 780, 100, 2_000, 13),
    Product("液压油 46# / Hydraulic oil 46", "chemicals", 110_000, 150_000, 700, 860, 1, 40, 13),
    Product(
        "工业乙醇 / Industrial ethanol (t)",
        "chemicals",
        620_000,
        760_000,
        780,
        900,
        1,
        20,
        13,
        True,
    ),
    Product("环氧树脂 / Epoxy resin (kg)", "chemicals", 2_200, 3_400, 650, 820, 100, 5_000, 13),
    Product("纯棉坯布 / Cotton greige (m)", "textiles", 950, 1_600, 680, 850, 500, 8_000, 13),
    Product(
        "涤纶长丝 / Polyester filament (kg)", "textiles", 780, 1_150, 720, 880, 500, 10_000, 13
    ),
    Product("物流服务 / Freight service", "logistics", 80_000, 600_000, 750, 900, 1, 6, 6),
    Product("仓储服务 / Warehousing (month)", "logistics", 150_000, 900_000, 700, 880, 1, 3, 6),
    Product(
        "软件维护服务 / Software maintenance", "service", 300_000, 2_000_000, 300, 550, 1, 2, 6
    ),
    Product(
        "技术咨询服务 / Technical consulting (day)", "service", 180_000, 380_000, 400, 600, 1, 10, 6
    ),
)

PRODUCTS_BY_CATEGORY: dict[str, tuple[int, ...]] = {
    cat: tuple(i for i, p in enumerate(PRODUCTS) if p.category == cat)
    for cat in sorted({p.category for p in PRODUCTS})
}

COLLECTORS: tuple[str, ...] = ("王芳", "李强", "张伟", "Emily Chen")

DISPUTE_REASONS: tuple[str, ...] = (
    "客户称部分货物破损，待质检结果 / Goods damaged, awaiting inspection",
    "单价与合同不符，客户要求重开发票 / Price differs from contract",
    "数量短少，待双方对账 / Short delivery, reconciling quantities",
    "发票抬头错误，待红冲重开 / Wrong fapiao title, reissue pending",
    "Quality complaint on batch, replacement requested",
)
OVERDUE_REASONS: tuple[str, ...] = (
    "资金紧张，承诺月底付款 / Cash tight, promised by month end",
    "客户内部付款审批中 / Awaiting customer's internal approval",
    "财务负责人更换，付款延后 / New finance manager, payment delayed",
    "等待客户回款后付款 / Waiting for their own customer to pay",
    "Customer requested statement before paying",
)
UNIDENTIFIED_PAYERS: tuple[str, ...] = (
    "李明", "深圳市鼎新商贸有限公司", "ZHANG WEI", "上海某某电子（个人账户）",
    "GLOBAL LINK TRADING", "王建军", "杭州顺丰达物流", "CHEN XIAO",
)  # fmt: skip
BANKS: tuple[str, ...] = (
    "中国工商银行", "中国建设银行", "中国银行", "招商银行", "交通银行", "浦发银行", "中信银行",
    "兴业银行",
)  # fmt: skip
