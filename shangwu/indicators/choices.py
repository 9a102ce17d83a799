from django.db import models


class Unit(models.TextChoices):
    YI_YUAN = "亿元", "亿元"
    WAN_YUAN = "万元", "万元"
    WAN_USD = "万美元", "万美元"
    JIA = "家", "家"
    GE = "个", "个"
    PERCENT = "%", "%"


class Source(models.TextChoices):
    CUSTOMS = "customs", "海关"
    STATS = "stats", "统计局"
    MOFCOM = "mofcom", "商务部统计系统"
    BUREAU = "bureau", "本局"


class Arrival(models.TextChoices):
    """How a month's figure reaches the bureau; the other one is derived."""

    MONTH = "month", "本月值"
    CUMULATIVE = "cumulative", "1—本月累计"


class Computation(models.TextChoices):
    """Indicators the platform counts itself (blank: entered or imported)."""

    NONE = "", "人工填报"
    NEW_ABOVE_SCALE = "new_above_scale", "企业库：新纳统限上批零住餐企业"
    PROVINCIAL_FUNDS = "provincial_funds", "项目库：省外到位资金"
    SIGNED_LARGE_PROJECTS = "signed_large", "项目库：新签约亿元以上项目"


class ProposalStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已批准"
    REFUSED = "refused", "已退回"


class ValueSource(models.TextChoices):
    ENTERED = "entered", "填报"
    IMPORTED = "imported", "导入"
    COMPUTED = "computed", "平台计算"


# The codes (Tag.code, never the display name) of the 限上 tags counted by 新增限额以上批零住餐企业.
ABOVE_SCALE_TAGS = ("wholesale_above", "retail_above", "lodging_above", "catering_above")
# 亿元以上项目: 总投资 at least 1 亿元 = 10000 万元.
LARGE_PROJECT_WAN_YUAN = 10000
