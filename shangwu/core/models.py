"""Configuration shared by every module: how each kind of 公文 is headed, numbered and closed
(GB/T 9704-2012 版头, 发文字号, 版记), and the numbers handed out."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from shangwu.core.access import Access, RestrictedQuerySet
from shangwu.core.choices import DocumentKind


class DocumentSetting(models.Model):
    """The 系统管理员's settings for one kind of document. Everything is optional: with nothing
    set the document has no 版头, no number and no 版记, and is signed by the exporting user's
    bureau (``organ_name`` blank)."""

    access = Access.REFERENCE
    audited = True

    kind = models.CharField("公文种类", max_length=30, choices=DocumentKind.choices, unique=True)
    organ_name = models.CharField(
        "发文机关",
        max_length=100,
        blank=True,
        help_text="留空则为导出人所在的商务局（县区人员为本县区商务局）。",
    )
    show_masthead = models.BooleanField(
        "使用版头", default=False, help_text="红色发文机关标志和红色分隔线。"
    )
    masthead_text = models.CharField(
        "发文机关标志",
        max_length=100,
        blank=True,
        help_text="如“××市商务局文件”；留空则为发文机关名称加“文件”。",
    )
    number_prefix = models.CharField(
        "发文机关代字",
        max_length=20,
        blank=True,
        help_text="如“云商”，发文字号为 云商〔2026〕12号，按年度和公文种类顺序编号；留空则不编号。",
    )
    show_colophon = models.BooleanField("使用版记", default=False)
    cc = models.CharField("抄送机关", max_length=300, blank=True)
    printer = models.CharField(
        "印发机关", max_length=100, blank=True, help_text="留空则与发文机关相同。"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "公文格式设置"
        verbose_name_plural = "公文格式设置"
        ordering = ["kind"]

    def __str__(self):
        return self.get_kind_display()

    def get_absolute_url(self):
        return reverse("core:documentsetting_detail", args=[self.pk])


class DocumentNumber(models.Model):
    """One 发文字号 handed out: a serial per kind and year, never given twice (the unique
    constraint is the guarantee, on SQLite and PostgreSQL alike). The same document (``subject``
    of the same organ) downloaded again keeps its number. Rows are only ever created, by
    ``document_number_issue``, which writes the audit row itself."""

    access = Access.REFERENCE

    kind = models.CharField("公文种类", max_length=30, choices=DocumentKind.choices)
    year = models.PositiveIntegerField("年度")
    serial = models.PositiveIntegerField("顺序号")
    text = models.CharField("发文字号", max_length=60)
    organ_name = models.CharField("发文机关", max_length=100)
    subject = models.CharField("文件", max_length=200)
    issued_at = models.DateTimeField("编号时间", auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="编号人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "发文字号"
        verbose_name_plural = "发文字号"
        ordering = ["kind", "-year", "-serial"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "serial"],
                name="documentnumber_unique_serial",
                violation_error_message="该发文字号已被使用。",
            ),
            models.UniqueConstraint(
                fields=["kind", "year", "organ_name", "subject"],
                name="documentnumber_unique_subject",
                violation_error_message="该文件已有发文字号。",
            ),
        ]

    def __str__(self):
        return self.text
