"""Choices of market-order and safety inspections (市场秩序与安全生产检查, 双随机、一公开)."""

from django.db import models


class SiteType(models.TextChoices):
    """What kind of place a site is: a fuel station, a store of a chain, a market, an office."""

    FUEL_STATION = "fuel_station", "加油站"
    STORE = "store", "门店/商场"
    MARKET = "market", "交易市场"
    RECYCLING = "recycling", "回收网点"
    PREMISES = "premises", "经营场所"


class LicenceStatus(models.TextChoices):
    """成品油零售经营批准证书 (or another licence) of a site."""

    NONE = "none", "无需许可"
    VALID = "valid", "有效"
    CANCELLED = "cancelled", "已注销"


class SiteEventKind(models.TextChoices):
    CREATE = "create", "登记"
    EDIT = "edit", "修改"
    LICENCE_NEW = "licence_new", "新建（发证）"
    LICENCE_CHANGE = "licence_change", "变更"
    LICENCE_RENEW = "licence_renew", "换证/延续"
    LICENCE_CANCEL = "licence_cancel", "注销"
    LICENCE_EXPIRING = "licence_expiring", "证书即将到期提醒"


class Severity(models.TextChoices):
    GENERAL = "general", "一般隐患"
    MAJOR = "major", "重大隐患"


class ChecklistStatus(models.TextChoices):
    """A checklist version: edited as a draft, then in use (frozen), then retired by the next."""

    DRAFT = "draft", "草稿"
    ACTIVE = "active", "使用中"
    RETIRED = "retired", "已停用"


class PlanMethod(models.TextChoices):
    FULL = "full", "全覆盖"
    RANDOM = "random", "双随机"
    SPECIAL = "special", "专项"


class PlanStatus(models.TextChoices):
    """草稿 → 已确定对象 (drawn, or the list fixed) → 已公开 (results published) → 已结束."""

    DRAFT = "draft", "草稿"
    DRAWN = "drawn", "已确定对象"
    PUBLISHED = "published", "已公开"
    CLOSED = "closed", "已结束"


class Holiday(models.TextChoices):
    """节前检查: the holiday a pre-holiday plan precedes (dates from the working-day calendar)."""

    NONE = "", "—"
    NEW_YEAR = "new_year", "元旦"
    SPRING = "spring_festival", "春节"
    TOMB = "tomb_sweeping", "清明节"
    LABOUR = "labour_day", "劳动节"
    DRAGON = "dragon_boat", "端午节"
    MID_AUTUMN = "mid_autumn", "中秋节"
    NATIONAL = "national_day", "国庆节"


class PlanEventKind(models.TextChoices):
    CREATE = "create", "制定"
    EDIT = "edit", "修改"
    FIX = "fix", "确定检查对象"
    DRAW = "draw", "随机抽取"
    REDRAW = "redraw", "重新抽取"
    PUBLISH = "publish", "公开结果"
    CLOSE = "close", "结束"


class TargetSource(models.TextChoices):
    """How a subject came onto a plan."""

    FULL = "full", "全覆盖"
    DRAW = "draw", "随机抽取"
    HAND = "hand", "指定"


class InspectionStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"


class InspectionOutcome(models.TextChoices):
    PASS = "pass", "未发现问题"
    HAZARDS = "hazards", "发现隐患"


class ItemResult(models.TextChoices):
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"
    NA = "na", "不适用"


class InspectionEventKind(models.TextChoices):
    START = "start", "开始检查"
    SAVE = "save", "保存草稿"
    SUBMIT = "submit", "提交"


class HazardStatus(models.TextChoices):
    """整改 → 复查 (已整改 / 未整改) → 销号."""

    RECTIFYING = "rectifying", "整改中"
    RECHECK = "recheck", "待复查"
    RECTIFIED = "rectified", "已整改"
    CLOSED = "closed", "已销号"


class RecheckResult(models.TextChoices):
    RECTIFIED = "rectified", "已整改"
    NOT_RECTIFIED = "not_rectified", "未整改"


class HazardEventKind(models.TextChoices):
    FIND = "find", "发现"
    RECTIFY = "rectify", "报告整改"
    RECHECK = "recheck", "复查"
    CLOSE = "close", "销号"
    EXTEND = "extend", "延期"
    WARN = "warn", "预警（黄灯）"
    OVERDUE = "overdue", "逾期（红灯）"
    CASE = "case", "转为案件"
    REFER = "refer", "移送"


# 双随机 draw: the version of the algorithm written on every draw, so a draw can be replayed
# exactly as it was made (``services_draw.draw_compute``).
DRAW_ALGORITHM_VERSION = "sw-draw-1"
# At least two inspectors per team (行政执法: 两名以上执法人员).
MIN_TEAM_SIZE = 2
# A licence expiring within this many days is listed and notified.
LICENCE_WARNING_DAYS = 90
