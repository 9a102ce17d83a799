import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from shangwu.core.access import Scope, ScopedModel
from shangwu.core.models import (
    ContactPerson,
    Event,
    Responsibility,
    ResponsibilityQuerySet,
    StoredFile,
    Vocabulary,
    user_field,
)
from shangwu.enterprises.choices import (
    DIVISION_NAMES,
    DIVISION_SECTION,
    INDUSTRY_SECTIONS,
    AssignmentLevel,
    EnterpriseEventKind,
    EnterpriseStatus,
    Ownership,
    ProblemStatus,
    VisitForm,
)
from shangwu.enterprises.validators import validate_credit_code, validate_single_line
from shangwu.organization.models import county_field, township_field


class Tag(Vocabulary):
    """A label from the managed vocabulary (限上零售, 外贸实绩, 中华老字号…). The 系统管理员 adds
    tags; ``needs_date`` tags (the 限上 ones) carry the date the enterprise entered statistics.
    Figures, indicators and imports know a tag by its ``code``: renaming 限上零售 changes no
    count."""

    detail_fields = ("needs_date",)

    name = models.CharField("标签", max_length=30, unique=True)
    needs_date = models.BooleanField("需填纳统日期", default=False)

    class Meta(Vocabulary.Meta):
        verbose_name = "企业标签"
        verbose_name_plural = "企业标签"

    def get_absolute_url(self):
        return reverse("enterprises:tag_detail", args=[self.pk])


class Enterprise(ScopedModel):
    """An enterprise in the registry (企业库), keyed by its 统一社会信用代码."""

    audited = True
    str_fields = ("name",)  # what __str__ reads (core.tables)
    scope = Scope(owner="pk")  # a 企业用户 sees its own enterprise
    # Not in the audit snapshots: the pinyin follows the name, and the audit row has its own time.
    audit_exclude = {"name_pinyin", "name_initials", "created_at", "updated_at"}

    credit_code = models.CharField(
        "统一社会信用代码",
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
        error_messages={"unique": "该统一社会信用代码已登记，不能重复登记。"},
    )
    name = models.CharField("企业名称", max_length=200, validators=[validate_single_line])
    short_name = models.CharField(
        "简称", max_length=50, blank=True, validators=[validate_single_line]
    )
    # Indexes (Meta.indexes) are the few the pages use: each one costs every import row. On
    # PostgreSQL the code and the pinyin compare byte by byte (migration 0006, COLLATE "C").
    name_pinyin = models.CharField("名称拼音", max_length=600, blank=True, editable=False)
    name_initials = models.CharField("拼音首字母", max_length=200, blank=True, editable=False)
    county = county_field(db_index=False)  # ent_county_pinyin_idx leads with it
    township = township_field()
    address = models.CharField(
        "地址", max_length=200, blank=True, validators=[validate_single_line]
    )
    legal_representative = models.CharField(
        "法定代表人", max_length=50, blank=True, validators=[validate_single_line]
    )
    industry_section = models.CharField(
        "行业门类", max_length=1, choices=INDUSTRY_SECTIONS, blank=True
    )
    industry_division = models.CharField("行业大类", max_length=2, blank=True)
    ownership = models.CharField(
        "经济类型", max_length=10, choices=Ownership.choices, default=Ownership.DOMESTIC
    )
    registered_capital = models.DecimalField(
        "注册资本（万元）",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, "注册资本不能为负数。")],
    )
    established_on = models.DateField("成立日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=EnterpriseStatus.choices, default=EnterpriseStatus.ACTIVE
    )
    is_key = models.BooleanField("重点企业", default=False)
    tags = models.ManyToManyField(Tag, verbose_name="标签", through="EnterpriseTag", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业"
        ordering = ["name_pinyin", "id"]
        # Plain b-trees serve both the pinyin order and the pinyin prefix search (a range, see
        # filtersets.prefix_q) on SQLite and PostgreSQL alike, whatever the database's collation.
        indexes = [
            models.Index(fields=["county", "name_pinyin"], name="ent_county_pinyin_idx"),
            models.Index(fields=["name_pinyin"], name="ent_pinyin_idx"),
            models.Index(fields=["name_initials"], name="ent_initials_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("enterprises:enterprise_detail", args=[self.pk])

    def clean(self):
        if self.established_on and not (
            datetime.date(1900, 1, 1) <= self.established_on <= timezone.localdate()
        ):
            raise ValidationError({"established_on": "成立日期不能早于1900年，也不能晚于今天。"})
        if self.industry_division:
            section = DIVISION_SECTION.get(self.industry_division)
            if section is None:
                raise ValidationError(
                    {
                        "industry_division": f"行业大类“{self.industry_division}”不是GB/T 4754-2017的大类代码。"
                    }
                )
            if self.industry_section and self.industry_section != section:
                raise ValidationError(
                    {
                        "industry_division": f"行业大类{self.industry_division}属于门类{section}，与所选门类{self.industry_section}不符。"
                    }
                )
            self.industry_section = section

    @property
    def industry_display(self) -> str:
        parts = [self.get_industry_section_display() if self.industry_section else ""]
        if self.industry_division:
            parts.append(
                f"{self.industry_division} {DIVISION_NAMES.get(self.industry_division, '')}"
            )
        return " · ".join(p for p in parts if p)


class EnterpriseTag(models.Model):
    """An enterprise's tag, with the 纳统 date for the 限上 tags."""

    audited = True

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="tag_links", db_index=False
    )  # enterprise_tag_unique leads with it
    tag = models.ForeignKey(Tag, on_delete=models.PROTECT, related_name="+")
    since = models.DateField("纳统日期", null=True, blank=True)

    class Meta:
        verbose_name = "企业标签"
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "tag"],
                name="enterprise_tag_unique",
                violation_error_message="该企业已有此标签。",
            )
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.tag}"


class EnterpriseEvent(Event):
    """One row per change of an enterprise, written by the service that makes it: the detail
    page's timeline (changes, status, tags, 包保, visits) is read from here."""

    subject_field = "enterprise"

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="events"
    )  # read per enterprise (its FK index)
    kind = models.CharField("类型", max_length=12, choices=EnterpriseEventKind.choices)
    from_status = models.CharField(
        "原状态", max_length=10, choices=EnterpriseStatus.choices, blank=True
    )
    to_status = models.CharField(
        "新状态", max_length=10, choices=EnterpriseStatus.choices, blank=True
    )
    changes = models.JSONField("变更内容", null=True, blank=True)

    class Meta(Event.Meta):
        verbose_name = "企业动态"
        verbose_name_plural = "企业动态"


# --- Enterprise service (服务企业): contacts, 包保 assignments, visits and the problems raised ----
# None of these has its own county/township: its region scope is its enterprise's, so the
# ScopedModel scope fields point through the enterprise (``restrict()`` works unchanged).


class EnterpriseScoped(ScopedModel):
    scope_county_field = "enterprise__county"
    scope_township_field = "enterprise__township"
    scope = Scope(owner="enterprise")  # a 企业用户 sees its own enterprise's contacts, visits…

    class Meta:
        abstract = True


class Contact(EnterpriseScoped, ContactPerson):
    """A person at the enterprise the bureau talks to (name, position, masked phone numbers:
    ``core.models.ContactPerson``), with an e-mail address and at most one primary contact per
    enterprise. Seeing the full number takes the ``reveal_contact`` permission and is audited one
    record at a time."""

    owner_field = "enterprise"
    reveal_permission = "enterprises.reveal_contact"

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="contacts"
    )
    email = models.EmailField("电子邮箱", blank=True)
    is_primary = models.BooleanField("主要联系人", default=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "企业联系人"
        verbose_name_plural = "企业联系人"
        ordering = ["-is_primary", "id"]
        permissions = [("reveal_contact", "查看联系人完整号码")]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=models.Q(is_primary=True),
                name="contact_one_primary_per_enterprise",
                violation_error_message="每家企业只能有一位主要联系人。",
            ),
        ]

    def get_absolute_url(self):
        return reverse("enterprises:enterprise_detail", args=[self.enterprise_id]) + "#contacts"


class Assignment(EnterpriseScoped, Responsibility):
    """包保 of an enterprise: an official responsible for it at one level (三级包保: city, county,
    township), in one role, from ``start_on`` until ``end_on``; current and ending by the rule of
    ``core.models.Responsibility``. Rows are never deleted: an ended assignment is the
    enterprise's 包保 history."""

    subject_field = "enterprise"

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="assignments"
    )

    objects = ResponsibilityQuerySet.as_manager()

    class Meta:
        verbose_name = "包保安排"
        verbose_name_plural = "包保安排"
        ordering = ["enterprise_id", "level", "-start_on", "-id"]
        indexes = [
            models.Index(fields=["enterprise", "level", "start_on"], name="assign_ent_level_idx"),
            models.Index(fields=["official", "start_on"], name="assign_official_idx"),
        ]
        constraints = [
            Responsibility.end_after_start("assignment_end_after_start"),
            models.UniqueConstraint(
                fields=["enterprise", "official", "level"],
                condition=models.Q(end_on__isnull=True),
                name="assignment_one_open_per_official",
                violation_error_message="该人员已在此层级包保这家企业。",
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.get_level_display()}{self.get_role_display()} {self.official}"

    def get_absolute_url(self):
        return reverse("enterprises:enterprise_detail", args=[self.enterprise_id]) + "#assignments"

    @staticmethod
    def official_problem(official, enterprise, level: str | None = None) -> str:
        """Why ``official`` cannot serve ``enterprise`` (at ``level``), or "" if they can.

        三级包保: a city official serves at city level, a county official at county level for an
        enterprise of that county, a township officer only for their own township's.
        """
        from shangwu.accounts.choices import ROLE_LEVEL

        region = official.region
        if ROLE_LEVEL.get(official.role) is None or region is None or not official.is_active:
            return f"“{official}”不是在职的业务人员，不能承担包保或走访。"
        if level and region.level != level:
            return f"“{official}”属于{region.get_level_display()}单位，不能承担{AssignmentLevel(level).label}包保。"
        if (region.level == AssignmentLevel.COUNTY and region.pk != enterprise.county_id) or (
            region.level == AssignmentLevel.TOWNSHIP and region.pk != enterprise.township_id
        ):
            return f"“{official}”所在的{region.name}不管辖“{enterprise}”。"
        return ""

    def clean(self):
        errors = {}
        if self.end_on and self.start_on and self.end_on < self.start_on:
            errors["end_on"] = "结束日期不能早于开始日期。"
        if self.official_id and self.enterprise_id:
            problem = self.official_problem(self.official, self.enterprise, self.level)
            if problem:
                errors["official"] = problem
        if errors:
            raise ValidationError(errors)


class Visit(EnterpriseScoped):
    """走访: officials' visit to (or call with) an enterprise, with the problems raised."""

    audited = True

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="visits"
    )
    visited_on = models.DateField("走访日期", db_index=True)
    form = models.CharField(
        "走访形式", max_length=10, choices=VisitForm.choices, default=VisitForm.ONSITE
    )
    officials = models.ManyToManyField(
        "accounts.User", verbose_name="走访人员", through="VisitOfficial", related_name="visits"
    )
    notes = models.TextField("走访情况", blank=True)
    created_by = user_field("登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "走访记录"
        verbose_name_plural = "走访记录"
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["enterprise", "visited_on"], name="visit_ent_date_idx")]

    def __str__(self):
        return f"{self.visited_on:%Y-%m-%d} {self.get_form_display()}走访 {self.enterprise}"

    def get_absolute_url(self):
        return reverse("enterprises:visit_detail", args=[self.pk])


class VisitOfficial(models.Model):
    """One official on a visit (an explicit table so deleting a user cannot cascade into visits)."""

    audited = True

    visit = models.ForeignKey(
        Visit, verbose_name="走访记录", on_delete=models.CASCADE, related_name="official_links"
    )
    official = models.ForeignKey(
        "accounts.User", verbose_name="走访人员", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "走访人员"
        verbose_name_plural = "走访人员"
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "official"],
                name="visit_official_unique",
                violation_error_message="走访人员重复。",
            )
        ]

    def __str__(self):
        return f"{self.official}（走访记录 {self.visit_id}）"


class VisitProblem(EnterpriseScoped):
    """A problem or request (问题/诉求) raised on a visit.

    A 待转办 problem becomes a case through ``cases.services.case_open_from(origin=problem, …)``,
    which links the case to it (``Case.origin_visit_problem``; here ``problem.case``) and calls
    ``visit_problem_mark_converted`` (``baobao/services.py``) to set ``status`` to 已转案件 and
    ``converted_at``.
    """

    audited = True

    visit = models.ForeignKey(
        Visit, verbose_name="走访记录", on_delete=models.PROTECT, related_name="problems"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="visit_problems"
    )
    description = models.TextField("问题描述")
    category = models.CharField("问题类别", max_length=30, blank=True)
    status = models.CharField(
        "状态",
        max_length=12,
        choices=ProblemStatus.choices,
        default=ProblemStatus.PENDING,
        db_index=True,
    )
    converted_at = models.DateTimeField("转办时间", null=True, blank=True)
    converted_by = user_field("转办人")
    status_note = models.CharField("处理说明", max_length=200, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "走访问题"
        verbose_name_plural = "走访问题"
        ordering = ["visit_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=ProblemStatus.CONVERTED)
                | models.Q(converted_at__isnull=False),
                name="visit_problem_converted_at",
                violation_error_message="“已转案件”的问题必须有转办时间。",
            ),
        ]

    def __str__(self):
        return self.description[:40]

    @property
    def case_or_none(self):
        """The case opened from this problem (``Case.origin_visit_problem``), or None."""
        try:
            return self.case
        except models.ObjectDoesNotExist:
            return None


class VisitAttachment(StoredFile):
    """A photo or a scanned 走访记录 of a visit (core.files: type by content, limits, SHA-256, soft
    removal). In scope wherever its visit is (and so its visit's enterprise)."""

    owner_field = "visit"
    storage_folder = "visits"

    visit = models.ForeignKey(
        Visit, verbose_name="走访记录", on_delete=models.PROTECT, related_name="attachments"
    )

    class Meta(StoredFile.Meta):
        verbose_name = "走访附件"
        verbose_name_plural = "走访附件"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    def get_absolute_url(self):
        return reverse("enterprises:visit_attachment_download", args=[self.pk])
