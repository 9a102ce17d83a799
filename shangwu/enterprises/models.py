from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from shangwu.core.access import Access, RestrictedQuerySet, ScopedModel
from shangwu.enterprises.choices import (
    DIVISION_NAMES,
    DIVISION_SECTION,
    INDUSTRY_SECTIONS,
    EnterpriseEventKind,
    EnterpriseStatus,
    Ownership,
)
from shangwu.enterprises.validators import validate_credit_code


class Tag(models.Model):
    """A label from the managed vocabulary (限上零售, 外贸实绩, 中华老字号…). The 系统管理员 adds
    tags; ``needs_date`` tags (the 限上 ones) carry the date the enterprise entered statistics."""

    access = Access.REFERENCE
    audited = True

    name = models.CharField("标签", max_length=30, unique=True)
    needs_date = models.BooleanField("需填纳统日期", default=False)
    sort_order = models.PositiveIntegerField("排序", default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "企业标签"
        verbose_name_plural = "企业标签"
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("enterprises:tag_detail", args=[self.pk])


class Enterprise(ScopedModel):
    """An enterprise in the registry (企业库), keyed by its 统一社会信用代码."""

    audited = True

    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True, validators=[validate_credit_code])
    name = models.CharField("企业名称", max_length=200)
    short_name = models.CharField("简称", max_length=50, blank=True)
    name_pinyin = models.CharField("名称拼音", max_length=600, blank=True, db_index=True, editable=False)
    name_initials = models.CharField("拼音首字母", max_length=200, blank=True, db_index=True, editable=False)
    county = models.ForeignKey("organization.Region", verbose_name="县(市、区)", on_delete=models.PROTECT,
                               related_name="+")
    township = models.ForeignKey("organization.Region", verbose_name="乡镇(街道)", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    address = models.CharField("地址", max_length=200, blank=True)
    legal_representative = models.CharField("法定代表人", max_length=50, blank=True)
    industry_section = models.CharField("行业门类", max_length=1, choices=INDUSTRY_SECTIONS, blank=True)
    industry_division = models.CharField("行业大类", max_length=2, blank=True)
    ownership = models.CharField("经济类型", max_length=10, choices=Ownership.choices, default=Ownership.DOMESTIC)
    registered_capital = models.DecimalField("注册资本（万元）", max_digits=14, decimal_places=2, null=True, blank=True)
    established_on = models.DateField("成立日期", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=EnterpriseStatus.choices, default=EnterpriseStatus.ACTIVE,
                              db_index=True)
    is_key = models.BooleanField("重点企业", default=False, db_index=True)
    tags = models.ManyToManyField(Tag, verbose_name="标签", through="EnterpriseTag", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业"
        ordering = ["name_pinyin", "id"]
        indexes = [models.Index(fields=["county", "name_pinyin"], name="ent_county_pinyin_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("enterprises:enterprise_detail", args=[self.pk])

    def clean(self):
        if self.industry_division:
            section = DIVISION_SECTION.get(self.industry_division)
            if section is None:
                raise ValidationError({"industry_division": f"行业大类“{self.industry_division}”不是GB/T 4754-2017的大类代码。"})
            if self.industry_section and self.industry_section != section:
                raise ValidationError({"industry_division": f"行业大类{self.industry_division}属于门类{section}，与所选门类{self.industry_section}不符。"})
            self.industry_section = section

    @property
    def industry_display(self) -> str:
        parts = [self.get_industry_section_display() if self.industry_section else ""]
        if self.industry_division:
            parts.append(f"{self.industry_division} {DIVISION_NAMES.get(self.industry_division, '')}")
        return " · ".join(p for p in parts if p)


class EnterpriseTag(models.Model):
    """An enterprise's tag, with the 纳统 date for the 限上 tags."""

    audited = True

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="tag_links")
    tag = models.ForeignKey(Tag, on_delete=models.PROTECT, related_name="+")
    since = models.DateField("纳统日期", null=True, blank=True)

    class Meta:
        verbose_name = "企业标签"
        constraints = [models.UniqueConstraint(fields=["enterprise", "tag"], name="enterprise_tag_unique",
                                               violation_error_message="该企业已有此标签。")]


class EnterpriseEvent(models.Model):
    """One row per change of an enterprise, written by the service that makes it: the detail
    page's timeline (changes, status, tags, 包保, visits) is read from here."""

    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="events")
    kind = models.CharField("类型", max_length=12, choices=EnterpriseEventKind.choices)
    from_status = models.CharField("原状态", max_length=10, choices=EnterpriseStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=10, choices=EnterpriseStatus.choices, blank=True)
    changes = models.JSONField("变更内容", null=True, blank=True)
    note = models.TextField("说明", blank=True)
    actor = models.ForeignKey("accounts.User", verbose_name="操作人", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "企业动态"
        verbose_name_plural = "企业动态"
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.enterprise} {self.get_kind_display()}"
