from django.db import models


class DocumentKind(models.TextChoices):
    """The documents the platform writes for sending out, each with its own 版头/发文字号/版记
    settings and its own number sequence per year."""

    INDICATOR_BULLETIN = "indicator_bulletin", "商务运行指标月通报"
    TASK_BULLETIN = "task_bulletin", "重点任务督办通报"
