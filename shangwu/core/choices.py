from django.db import models


class DocumentKind(models.TextChoices):
    """The documents the platform writes for sending out, each with its own 版头/发文字号/版记
    settings and its own number sequence per year."""

    INDICATOR_BULLETIN = "indicator_bulletin", "商务运行指标月通报"
    TASK_BULLETIN = "task_bulletin", "重点任务督办通报"


class ResponsibilityLevel(models.TextChoices):
    """三级包保: the level an official serves at; the values match the region levels."""

    CITY = "city", "市级"
    COUNTY = "county", "县级"
    TOWNSHIP = "township", "乡镇级"


class ResponsibilityRole(models.TextChoices):
    LEADER = "leader", "包联领导"
    COMMISSIONER = "commissioner", "服务专员"
    AMBASSADOR = "ambassador", "服务大使"  # for foreign-invested enterprises
