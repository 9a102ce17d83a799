from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from shangwu.core.access import Access, RestrictedQuerySet
from shangwu.organization.choices import (
    COUNTY_ERRORS,
    COUNTY_ONLY,
    TOWNSHIP_ERRORS,
    TOWNSHIP_ONLY,
    OrgUnitKind,
    RegionLevel,
)

CODE_LENGTH = {RegionLevel.CITY: 6, RegionLevel.COUNTY: 6, RegionLevel.TOWNSHIP: 9}
PARENT_LEVEL = {RegionLevel.COUNTY: RegionLevel.CITY, RegionLevel.TOWNSHIP: RegionLevel.COUNTY}


def county_field(**kwargs) -> models.ForeignKey:
    """A business record's 县(市、区): a county-level region (forms, the API and full_clean()
    accept no other)."""
    return models.ForeignKey(
        "organization.Region",
        verbose_name="县(市、区)",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=COUNTY_ONLY,
        error_messages=COUNTY_ERRORS,
        **kwargs,
    )


def township_field(**kwargs) -> models.ForeignKey:
    """A business record's 乡镇(街道), which may be left empty."""
    return models.ForeignKey(
        "organization.Region",
        verbose_name="乡镇(街道)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=TOWNSHIP_ONLY,
        error_messages=TOWNSHIP_ERRORS,
        **kwargs,
    )


def lead_unit_field(related_name: str = "+") -> models.ForeignKey:
    """A business record's 牵头单位 (a project's, a key task's): the unit answerable for it, which
    may be left empty; a unit with records cannot be deleted."""
    return models.ForeignKey(
        "organization.OrgUnit",
        verbose_name="牵头单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name=related_name,
    )


class Region(models.Model):
    """A node of the administrative tree 市 → 县(市、区) → 乡镇(街道), with its GB/T 2260 code
    (6 digits for city and county, 9 for townships)."""

    access = Access.REFERENCE
    audited = True
    str_fields = ("name",)  # what __str__ reads (core.tables)

    code = models.CharField("区划代码", max_length=9, unique=True)
    name = models.CharField("名称", max_length=50)
    level = models.CharField("层级", max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sort_order = models.PositiveIntegerField("排序", default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organization:region_detail", args=[self.pk])

    def clean(self):
        errors = {}
        expected = CODE_LENGTH.get(self.level)
        if self.code and expected and (len(self.code) != expected or not self.code.isdigit()):
            errors["code"] = f"{self.get_level_display()}的区划代码应为{expected}位数字。"
        if self.level == RegionLevel.CITY and self.parent_id:
            errors["parent"] = "市级区划不能有上级区划。"
        elif self.level in PARENT_LEVEL:
            want = PARENT_LEVEL[self.level]
            if self.parent is None or self.parent.level != want:
                errors["parent"] = (
                    f"{self.get_level_display()}的上级区划必须是{RegionLevel(want).label}。"
                )
            elif (
                self.code
                and self.level == RegionLevel.TOWNSHIP
                and not self.code.startswith(self.parent.code)
            ):
                errors["code"] = f"乡镇代码应以所属县区代码 {self.parent.code} 开头。"
            elif (
                self.code
                and self.level == RegionLevel.COUNTY
                and self.code[:4] != self.parent.code[:4]
            ):
                errors["code"] = f"县区代码前4位应与所属市代码 {self.parent.code[:4]} 一致。"
        if errors:
            raise ValidationError(errors)

    @property
    def county(self):
        """The county this node is in (itself for a county), or None for the city."""
        if self.level == RegionLevel.COUNTY:
            return self
        if self.level == RegionLevel.TOWNSHIP:
            return self.parent
        return None

    @property
    def full_name(self):
        if self.level == RegionLevel.TOWNSHIP and self.parent_id:
            return f"{self.parent.name}{self.name}"
        return self.name


class OrgUnit(models.Model):
    """An organisation unit: a bureau department (科室), a county bureau or a township office.
    Every user belongs to one; its region decides what the user may see."""

    access = Access.REFERENCE
    audited = True
    str_fields = ("short_name", "name")  # what __str__ reads (core.tables)

    name = models.CharField("单位名称", max_length=100)
    short_name = models.CharField("简称", max_length=30, blank=True)
    kind = models.CharField("类型", max_length=20, choices=OrgUnitKind.choices)
    region = models.ForeignKey(
        Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="org_units"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "机构"
        verbose_name_plural = "机构"
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                name="orgunit_unique_name_in_region",
                violation_error_message="同一区划内已有同名单位。",
            ),
        ]

    def __str__(self):
        return self.short_name or self.name

    def get_absolute_url(self):
        return reverse("organization:orgunit_detail", args=[self.pk])

    def clean(self):
        expected = {
            OrgUnitKind.COUNTY_BUREAU: RegionLevel.COUNTY,
            OrgUnitKind.TOWNSHIP_OFFICE: RegionLevel.TOWNSHIP,
            OrgUnitKind.DEPARTMENT: RegionLevel.CITY,
            OrgUnitKind.BUREAU: RegionLevel.CITY,
        }.get(self.kind)
        if expected and self.region_id and self.region.level != expected:
            raise ValidationError(
                {"region": f"{self.get_kind_display()}应属于{RegionLevel(expected).label}级区划。"}
            )
