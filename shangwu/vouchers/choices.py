from django.db import models


class Funder(models.TextChoices):
    CITY = "city", "市级财政"
    COUNTY = "county", "县级财政"
    PLATFORM = "platform", "平台配套"


class Platform(models.TextChoices):
    UNIONPAY = "unionpay", "云闪付"
    ALIPAY = "alipay", "支付宝"
    WECHAT = "wechat", "微信"
    MEITUAN = "meituan", "美团"
    OTHER = "other", "其他"


class Industry(models.TextChoices):
    CATERING = "catering", "餐饮"
    RETAIL = "retail", "零售"
    AUTO = "auto", "汽车"
    APPLIANCE = "appliance", "家电"
    TOURISM = "tourism", "文旅"
    OTHER = "other", "其他"


class CampaignStatus(models.TextChoices):
    PLANNED = "planned", "筹备"
    RUNNING = "running", "发放中"
    ENDED = "ended", "已结束"


NEXT_STATUS = {
    CampaignStatus.PLANNED: CampaignStatus.RUNNING,
    CampaignStatus.RUNNING: CampaignStatus.ENDED,
}


class MatchKind(models.TextChoices):
    CREDIT_CODE = "credit_code", "信用代码"
    NAME = "name", "名称待确认"
    NONE = "none", "未匹配"


class CampaignLogKind(models.TextChoices):
    CREATED = "created", "登记"
    UPDATED = "updated", "修改"
    MOVED = "moved", "状态变更"
    BATCH = "batch", "券批次"
    IMPORTED = "imported", "导入核销数据"


# 1 万元 = 1,000,000 分: amounts are stored in 分 (exact on every database) and read in 万元.
CENTS_PER_WAN = 1_000_000
CENTS_PER_YUAN = 100
