"""Choices of the subsidy programmes (以旧换新 and others)."""

from django.db import models


class ProgrammeKind(models.TextChoices):
    CAR_SCRAP = "car_scrap", "汽车报废更新"
    CAR_REPLACE = "car_replace", "汽车置换更新"
    APPLIANCE = "appliance", "家电以旧换新"
    EBIKE = "ebike", "电动自行车以旧换新"
    NEV_RURAL = "nev_rural", "新能源汽车下乡"
    INVOICE = "invoice", "有奖发票"
    OTHER = "other", "其他"


class ProgrammeStatus(models.TextChoices):
    PREPARING = "preparing", "筹备"
    RUNNING = "running", "实施中"
    ENDED = "ended", "已结束"


class ProductCategory(models.TextChoices):
    """品类: what one application is about; vehicles count in 辆, the rest in 台."""

    FRIDGE = "fridge", "冰箱"
    WASHER = "washer", "洗衣机"
    AIRCON = "aircon", "空调"
    TV = "tv", "电视"
    COMPUTER = "computer", "电脑"
    WATER_HEATER = "water_heater", "热水器"
    COOKER = "cooker", "家用灶具"
    HOOD = "hood", "吸油烟机"
    PHONE = "phone", "手机"
    PASSENGER_CAR = "passenger_car", "乘用车"
    NEV = "nev", "新能源乘用车"
    EBIKE = "ebike", "电动自行车"
    OTHER = "other", "其他"


VEHICLES = frozenset({ProductCategory.PASSENGER_CAR, ProductCategory.NEV, ProductCategory.EBIKE})


def unit_of(category: str) -> str:
    """台 for appliances, 辆 for vehicles."""
    return "辆" if category in VEHICLES else "台"


class ApplicationStatus(models.TextChoices):
    """受理 → 审核（通过） → 拨付, or 驳回 from 受理 or 审核 (``services``)."""

    ACCEPTED = "accepted", "受理"
    REVIEWED = "reviewed", "审核"
    PAID = "paid", "拨付"
    REJECTED = "rejected", "驳回"


# The clock from 受理 to 拨付 runs while an application is in one of these.
OPEN_STATUSES = (ApplicationStatus.ACCEPTED, ApplicationStatus.REVIEWED)
APPROVED_STATUSES = (ApplicationStatus.REVIEWED, ApplicationStatus.PAID)
# The order of the steps (an import may walk several at once, never back).
STEP_ORDER = {
    ApplicationStatus.ACCEPTED: 0,
    ApplicationStatus.REVIEWED: 1,
    ApplicationStatus.PAID: 2,
    ApplicationStatus.REJECTED: 2,
}


class ApplicationEventKind(models.TextChoices):
    CREATED = "created", "受理登记"
    UPDATED = "updated", "修改"
    REVIEWED = "reviewed", "审核通过"
    PAID = "paid", "拨付"
    REJECTED = "rejected", "驳回"
    IMPORTED = "imported", "导入更新"
    DEALER = "dealer", "关联经销商"


class ProgrammeEventKind(models.TextChoices):
    CREATED = "created", "登记"
    UPDATED = "updated", "修改"
    STATUS = "status", "状态变更"
