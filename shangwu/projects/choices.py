from django.db import models

# Re-exported so forms and imports of this module read GB/T 4754-2017 from one place.
from shangwu.enterprises.choices import DIVISION_CHOICES, DIVISION_SECTION, INDUSTRY_SECTIONS  # noqa: F401


class InvestorType(models.TextChoices):
    CENTRAL_SOE = "central_soe", "央企"
    LOCAL_SOE = "local_soe", "国企"
    PRIVATE = "private", "民企"
    FOREIGN = "foreign", "外资"
    HMT = "hmt", "港澳台"
    FORTUNE500 = "fortune500", "世界500强"
    LISTED = "listed", "上市公司"


class Origin(models.TextChoices):
    """Where the investor comes from: 本省, 省外 (with the province), 境外 (country or region)."""

    LOCAL = "local", "本省"
    OTHER_PROVINCE = "province", "省外"
    OVERSEAS = "overseas", "境外"


class Milestone(models.TextChoices):
    """The stages "三个一批" counts by; a Stage carries one (or none) whatever its name."""

    SIGNED = "signed", "签约"
    REGISTERED = "registered", "注册"
    STARTED = "started", "开工"
    PRODUCING = "producing", "投产"


# Milestone → the project's date column written by the stage-transition service.
MILESTONE_FIELDS = {
    Milestone.SIGNED: "signed_on",
    Milestone.REGISTERED: "registered_on",
    Milestone.STARTED: "started_on",
    Milestone.PRODUCING: "producing_on",
}
# "三个一批": 签约一批、开工一批、投产一批.
BATCH_MILESTONES = [Milestone.SIGNED, Milestone.STARTED, Milestone.PRODUCING]


class ProjectEventKind(models.TextChoices):
    CREATED = "created", "入库"
    STAGE = "stage", "阶段变更"
    UPDATED = "updated", "信息变更"
    LEADER_ADDED = "leader_added", "包保领导"
    LEADER_ENDED = "leader_ended", "包保结束"
    FUNDS = "funds", "资金到位"
    PROBLEM = "problem", "问题转办"
    IMPORTED = "imported", "导入更新"


# Provinces (省外 origins) and the usual overseas origins of the bureau's projects.
PROVINCES = [
    "北京",
    "天津",
    "河北",
    "山西",
    "内蒙古",
    "辽宁",
    "吉林",
    "黑龙江",
    "上海",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "广西",
    "海南",
    "重庆",
    "四川",
    "贵州",
    "云南",
    "西藏",
    "陕西",
    "甘肃",
    "青海",
    "宁夏",
    "新疆",
]
OVERSEAS_PLACES = [
    "香港",
    "澳门",
    "台湾",
    "新加坡",
    "日本",
    "韩国",
    "德国",
    "美国",
    "英国",
    "法国",
    "荷兰",
    "瑞士",
    "意大利",
    "澳大利亚",
    "马来西亚",
    "泰国",
    "阿联酋",
]
