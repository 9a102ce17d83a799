"""Demo enterprises for 云河市: realistic names, valid credit codes, tags by industry."""

import datetime
import random
from decimal import Decimal

from shangwu.audit.choices import AuditAction
from shangwu.audit.services import audit_write
from shangwu.enterprises.choices import EnterpriseStatus, Ownership
from shangwu.enterprises.models import Enterprise, EnterpriseTag, Tag
from shangwu.enterprises.services import name_pinyin
from shangwu.enterprises.validators import credit_code_check_char
from shangwu.organization.choices import RegionLevel
from shangwu.organization.models import Region

BRANDS = list(
    "华鑫恒泰宏达兴盛永昌金源瑞丰博远正通汇川嘉禾德润天成万隆信达盛世福源明辉宇航鼎新中和"
    "海诚凯旋联创众邦锦程佳美东升广汇国泰长虹安达新宇美嘉优品百佳润泽卓越"
)
SECTIONS = [
    # (门类, 大类 choices, words, weight)
    ("C", ["13", "14", "17", "18", "26", "29", "33", "34", "38", "39"],
     ["食品", "纺织", "机械", "电子科技", "新材料", "塑业", "电气", "汽车零部件", "精密制造", "化工"], 30),
    ("F", ["51", "52"], ["商贸", "贸易", "超市", "百货", "医药连锁", "石化销售", "汽车销售", "家电"], 35),
    ("H", ["61", "62"], ["酒店", "餐饮管理", "宾馆", "食府"], 12),
    ("I", ["64", "65"], ["网络科技", "电子商务", "信息技术"], 8),
    ("G", ["54", "59"], ["物流", "供应链管理", "仓储"], 8),
    ("L", ["72"], ["商务服务", "会展服务"], 7),
]
SUFFIXES = ["有限公司", "有限公司", "有限公司", "有限责任公司", "股份有限公司"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛"
DIGITS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def make_credit_code(rng: random.Random, region_code: str) -> str:
    body = "91" + region_code + "".join(rng.choice(DIGITS[:10] if i < 8 else DIGITS) for i in range(9))
    return body + credit_code_check_char(body)


def build_enterprises(*, units, users, count: int) -> int:
    if Enterprise.objects.exists():
        return 0
    rng = random.Random(20261122)
    tags = {t.name: t for t in Tag.objects.all()}
    counties = list(Region.objects.filter(level=RegionLevel.COUNTY).order_by("code"))
    townships = {}
    for t in Region.objects.filter(level=RegionLevel.TOWNSHIP):
        townships.setdefault(t.parent_id, []).append(t)
    weights = [18, 14, 16, 10, 9, 8, 13, 12][: len(counties)]
    used_names, used_codes = set(), set()
    enterprises, links = [], []
    today = datetime.date(2026, 11, 1)
    for _ in range(count):
        county = rng.choices(counties, weights=weights)[0]
        township = rng.choice(townships[county.pk]) if rng.random() < 0.85 else None
        section, divisions, words, _w = rng.choices(SECTIONS, weights=[s[3] for s in SECTIONS])[0]
        while True:
            brand = rng.choice(BRANDS) + rng.choice(BRANDS)
            place = rng.choice(["云河", county.name[:2], ""])
            name = f"{place}{brand}{rng.choice(words)}{rng.choice(SUFFIXES)}"
            if name not in used_names:
                break
        used_names.add(name)
        code = make_credit_code(rng, county.code)
        while code in used_codes:
            code = make_credit_code(rng, county.code)
        used_codes.add(code)
        ownership = rng.choices([Ownership.DOMESTIC, Ownership.FOREIGN, Ownership.HMT], weights=[88, 8, 4])[0]
        full, initials = name_pinyin(name)
        status = rng.choices(
            [EnterpriseStatus.ACTIVE, EnterpriseStatus.CANCELLED, EnterpriseStatus.REVOKED, EnterpriseStatus.MOVED_OUT],
            weights=[94, 3, 1, 2],
        )[0]
        enterprises.append(Enterprise(
            credit_code=code, name=name, short_name=brand + rng.choice(words)[:2],
            name_pinyin=full, name_initials=initials, county=county, township=township,
            address=f"{county.name}{township.name if township else ''}{rng.choice(['建设路', '人民路', '工业大道', '滨河路', '商贸街', '解放路'])}{rng.randint(1, 399)}号",
            legal_representative=rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else ""),
            industry_section=section, industry_division=rng.choice(divisions), ownership=ownership,
            registered_capital=Decimal(rng.choice([50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000])),
            established_on=today - datetime.timedelta(days=rng.randint(200, 9000)),
            status=status, is_key=rng.random() < 0.18,
        ))
        tag_names = []
        if section == "F":
            tag_names.append(rng.choice(["限上批发", "限上零售"]) if rng.random() < 0.55 else None)
            if "石化" in name:
                tag_names.append("成品油零售")
            if "超市" in name or "百货" in name:
                tag_names.append("商超")
        if section == "H" and rng.random() < 0.5:
            tag_names.append("限上住宿" if ("酒店" in name or "宾馆" in name) else "限上餐饮")
        if section in ("C", "F") and rng.random() < 0.22:
            tag_names.append("外贸实绩")
        if ownership != Ownership.DOMESTIC:
            tag_names.append("外资企业")
        if section == "I" or rng.random() < 0.05:
            tag_names.append(rng.choice(["电商企业", "跨境电商"]))
        if rng.random() < 0.01:
            tag_names.append(rng.choice(["中华老字号", "省级老字号"]))
        links.append([n for n in tag_names if n])
    Enterprise.objects.bulk_create(enterprises, batch_size=500)
    tag_links = []
    saved = {e.credit_code: e for e in Enterprise.objects.only("id", "credit_code")}
    for enterprise, names in zip(enterprises, links, strict=True):
        for tag_name in dict.fromkeys(names):
            tag = tags[tag_name]
            since = today - datetime.timedelta(days=rng.randint(30, 2000)) if tag.needs_date else None
            tag_links.append(EnterpriseTag(enterprise=saved[enterprise.credit_code], tag=tag, since=since))
    EnterpriseTag.objects.bulk_create(tag_links, batch_size=1000)
    audit_write(action=AuditAction.IMPORT, object_type="enterprises.enterprise", object_repr="企业",
                detail=f"演示数据：批量新建企业 {len(enterprises)} 家。")
    return len(enterprises)

