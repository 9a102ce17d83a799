from django.db import models


class Ownership(models.TextChoices):
    DOMESTIC = "domestic", "内资"
    FOREIGN = "foreign", "外商投资"
    HMT = "hmt", "港澳台投资"


class EnterpriseStatus(models.TextChoices):
    ACTIVE = "active", "存续"
    CANCELLED = "cancelled", "注销"
    REVOKED = "revoked", "吊销"
    MOVED_OUT = "moved_out", "迁出"


# GB/T 4754-2017 门类
INDUSTRY_SECTIONS = [
    ("A", "农、林、牧、渔业"), ("B", "采矿业"), ("C", "制造业"),
    ("D", "电力、热力、燃气及水生产和供应业"), ("E", "建筑业"), ("F", "批发和零售业"),
    ("G", "交通运输、仓储和邮政业"), ("H", "住宿和餐饮业"), ("I", "信息传输、软件和信息技术服务业"),
    ("J", "金融业"), ("K", "房地产业"), ("L", "租赁和商务服务业"), ("M", "科学研究和技术服务业"),
    ("N", "水利、环境和公共设施管理业"), ("O", "居民服务、修理和其他服务业"), ("P", "教育"),
    ("Q", "卫生和社会工作"), ("R", "文化、体育和娱乐业"), ("S", "公共管理、社会保障和社会组织"),
    ("T", "国际组织"),
]


class EnterpriseEventKind(models.TextChoices):
    CREATED = "created", "登记入库"
    UPDATED = "updated", "信息变更"
    STATUS = "status", "状态变更"
    TAGS = "tags", "标签变更"
    ASSIGNED = "assigned", "包保安排"
    UNASSIGNED = "unassigned", "包保结束"
    VISITED = "visited", "走访"
    IMPORTED = "imported", "导入更新"
