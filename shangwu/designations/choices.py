"""Choices of designations and pilot programmes (荣誉认定与示范创建)."""

from django.db import models


class DesignationLevel(models.TextChoices):
    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"


class HolderType(models.TextChoices):
    """What holds a designation (a kind says which of these may hold it)."""

    ENTERPRISE = "enterprise", "企业"
    STORE = "store", "企业门店/品牌"
    STREET = "street", "街区/商圈"
    TOWNSHIP = "township", "乡镇(街道)/社区"
    COUNTY = "county", "县(市、区)"
    CITY = "city", "全市"
    PARK = "park", "园区/项目"


# The holders that are an enterprise of the registry (its county and township follow it).
ENTERPRISE_HOLDERS = (HolderType.ENTERPRISE, HolderType.STORE)
# The holders named by text (a store's brand, a street, a park).
NAMED_HOLDERS = (HolderType.STORE, HolderType.STREET, HolderType.PARK)


class DesignationStatus(models.TextChoices):
    """培育 → 申报 → 推荐 → 认定 → (复核: 通过 / 限期整改 / 未通过) → 撤销 / 摘牌 / 到期."""

    CULTIVATING = "cultivating", "培育"
    APPLIED = "applied", "申报"
    RECOMMENDED = "recommended", "推荐"
    AWARDED = "awarded", "认定"
    RECTIFYING = "rectifying", "限期整改"
    REVOKED = "revoked", "撤销"
    DELISTED = "delisted", "摘牌"
    EXPIRED = "expired", "到期"


# Held (awarded and not ended): 复核 applies, 摘牌 and 到期 may end it.
HELD_STATUSES = (DesignationStatus.AWARDED, DesignationStatus.RECTIFYING)
# Ended: history only, no step may follow.
ENDED_STATUSES = (DesignationStatus.REVOKED, DesignationStatus.DELISTED, DesignationStatus.EXPIRED)
# Still on its way (the cultivation list, 申报, 推荐).
PIPELINE_STATUSES = (
    DesignationStatus.CULTIVATING,
    DesignationStatus.APPLIED,
    DesignationStatus.RECOMMENDED,
)
# The one status each step starts from.
STEP_FROM = {
    "apply": (DesignationStatus.CULTIVATING,),
    "recommend": (DesignationStatus.APPLIED,),
    "award": (DesignationStatus.RECOMMENDED,),
    "review": HELD_STATUSES,
    DesignationStatus.REVOKED: (*PIPELINE_STATUSES, *HELD_STATUSES),
    DesignationStatus.DELISTED: HELD_STATUSES,
    DesignationStatus.EXPIRED: HELD_STATUSES,
}
STEP_LABEL = {
    "apply": "申报",
    "recommend": "推荐",
    "award": "认定",
    "review": "复核",
    DesignationStatus.REVOKED: "撤销",
    DesignationStatus.DELISTED: "摘牌",
    DesignationStatus.EXPIRED: "到期",
}


class ReviewResult(models.TextChoices):
    PASSED = "passed", "通过"
    RECTIFY = "rectify", "限期整改"
    FAILED = "failed", "未通过"


class RecommendLevel(models.TextChoices):
    COUNTY = "county", "县(市、区)推荐"
    CITY = "city", "市推荐"


class AttachmentPurpose(models.TextChoices):
    MATERIALS = "materials", "申报材料"
    CERTIFICATE = "certificate", "证书/认定文件"
    REVIEW = "review", "复核材料"
    OTHER = "other", "其他"


class DesignationEventKind(models.TextChoices):
    CREATED = "created", "列入培育"
    UPDATED = "updated", "信息变更"
    RESPONSIBLE = "responsible", "责任变更"
    STATUS = "status", "状态变更"
    REVIEW = "review", "复核"
    ATTACHMENT = "attachment", "附件"
    FUNDS = "funds", "资金"
    MILESTONE = "milestone", "节点"
    MIGRATED = "migrated", "迁入"


class FundSource(models.TextChoices):
    CENTRAL = "central", "中央资金"
    PROVINCIAL = "provincial", "省级资金"
    CITY = "city", "市级资金"
    COUNTY = "county", "县级资金"
    OTHER = "other", "其他资金"


class MilestoneKind(models.TextChoices):
    PLAN = "plan", "实施方案"
    MIDTERM = "midterm", "中期评估"
    ACCEPTANCE = "acceptance", "验收"


class MilestoneResult(models.TextChoices):
    PASSED = "passed", "通过"
    RECTIFY = "rectify", "整改后通过"
    FAILED = "failed", "未通过"
