"""Subsidy programmes (以旧换新 and others): a programme with its funding and rules, and the
applications (申请) its platform receives, each moving 受理 → 审核 → 拨付 (or 驳回) only
through ``services``, each move a ``SubsidyApplicationEvent`` row.

The clock: from 受理 the programme promises 拨付 within ``promised_workdays`` working days
(``workcalendar``: statutory holidays and 调休). ``next_deadline_at`` is the end of that day while
the application is open (受理 or 审核), empty once paid or rejected; the light reads it as a
case's does (``cases.deadlines.light_for``: 绿 / 黄 within the warning period / 红 overdue).

Personal data (申请人 name and 身份证号) is kept whole and shown masked everywhere (pages,
exports, the API, the audit log), as the registry masks contacts' numbers.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from shangwu.core.access import Rule, Scope, ScopedModel, at_levels
from shangwu.core.models import Event, user_field
from shangwu.organization.models import county_field, township_field
from shangwu.subsidies.choices import (
    OPEN_STATUSES,
    ApplicationEventKind,
    ApplicationStatus,
    ProductCategory,
    ProgrammeEventKind,
    ProgrammeKind,
    ProgrammeStatus,
    unit_of,
)


def money_field(verbose_name: str, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **kwargs)


def _programme_seen_q(model, user) -> models.Q:
    """The city sees every programme; a county (and its townships) the programmes covering it
    and the city-wide ones (no county listed)."""
    county = user.region.county
    if county is None:
        return models.Q()
    through = SubsidyProgramme.counties.through.objects
    covering = through.filter(region_id=county.pk).values("subsidyprogramme_id")
    listed = through.values("subsidyprogramme_id")
    return models.Q(pk__in=covering) | ~models.Q(pk__in=listed)


def _programme_own_q(model, user) -> models.Q:
    """The programmes a user maintains: the city every one; a county its own county's (the
    programmes covering that county and no other), as a county runs its own 以旧换新 with its
    county funds while the city's programmes stay the city's."""
    county = user.region.county
    if county is None:
        return models.Q()
    through = SubsidyProgramme.counties.through.objects
    covering = through.filter(region_id=county.pk).values("subsidyprogramme_id")
    others = through.exclude(region_id=county.pk).values("subsidyprogramme_id")
    return models.Q(pk__in=covering) & ~models.Q(pk__in=others)


MAINTAINERS = (
    "补贴项目由市商务局和县(市、区)商务主管部门维护：县(市、区)维护只覆盖本县(市、区)的项目，"
    "可查看覆盖本地的项目并办理其申请。"
)


class SubsidyProgramme(ScopedModel):
    """A programme (汽车报废更新, 家电以旧换新, 新能源汽车下乡…): funding by source, period,
    counties covered (none: the whole city), the promised working days from 受理 to 拨付.
    The city maintains every programme; a county the programmes covering its county alone."""

    audited = True
    str_fields = ("name",)
    scope = Scope(
        view=Rule(q=_programme_seen_q),
        change=at_levels("city", "county", refusal=MAINTAINERS, q=_programme_own_q),
    )

    name = models.CharField("项目名称", max_length=200, unique=True)
    kind = models.CharField("补贴类型", max_length=20, choices=ProgrammeKind.choices)
    organiser = models.ForeignKey(
        "organization.OrgUnit", verbose_name="组织单位", on_delete=models.PROTECT, related_name="+"
    )
    counties = models.ManyToManyField(
        "organization.Region",
        verbose_name="覆盖县(市、区)",
        blank=True,
        related_name="+",
        limit_choices_to={"level": "county"},
        help_text="留空表示全市。",
    )
    start_on = models.DateField("开始日期")
    end_on = models.DateField("结束日期")
    central_funds = money_field("中央资金（万元）", default=0)
    provincial_funds = money_field("省级资金（万元）", default=0)
    city_funds = money_field("市级资金（万元）", default=0)
    county_funds = money_field("县级资金（万元）", default=0)
    promised_workdays = models.PositiveSmallIntegerField(
        "承诺办理时限（工作日）",
        default=15,
        help_text="从受理到拨付的工作日数（不含受理当日，按法定节假日和调休计算）。",
    )
    # Written only by the programme services, each change a SubsidyProgrammeEvent row.
    status = models.CharField(
        "状态", max_length=12, choices=ProgrammeStatus.choices, default=ProgrammeStatus.RUNNING
    )
    note = models.TextField("备注", blank=True)
    created_by = user_field("登记人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "补贴项目"
        verbose_name_plural = "补贴项目"
        ordering = ["-start_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_on__gte=models.F("start_on")),
                name="subsidyprogramme_end_after_start",
                violation_error_message="结束日期不能早于开始日期。",
            ),
            models.CheckConstraint(
                condition=models.Q(central_funds__gte=0)
                & models.Q(provincial_funds__gte=0)
                & models.Q(city_funds__gte=0)
                & models.Q(county_funds__gte=0),
                name="subsidyprogramme_funds_not_negative",
                violation_error_message="资金不能为负数。",
            ),
            models.CheckConstraint(
                condition=models.Q(promised_workdays__gte=1),
                name="subsidyprogramme_workdays_positive",
                violation_error_message="承诺办理时限至少1个工作日。",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("subsidies:subsidyprogramme_detail", args=[self.pk])

    def clean(self):
        if self.start_on and self.end_on and self.end_on < self.start_on:
            raise ValidationError({"end_on": "结束日期不能早于开始日期。"})

    @property
    def total_funds(self) -> Decimal:
        return (
            (self.central_funds or 0)
            + (self.provincial_funds or 0)
            + (self.city_funds or 0)
            + (self.county_funds or 0)
        )


class SubsidyRule(models.Model):
    """The subsidy of one product category in a programme: a fixed amount per unit, or a
    percentage of the sale with a cap per unit (家电: 15%, 最高2000元). Read with its
    programme (``restrict`` of the programme)."""

    audited = True

    programme = models.ForeignKey(
        SubsidyProgramme, verbose_name="补贴项目", on_delete=models.PROTECT, related_name="rules"
    )
    category = models.CharField("品类", max_length=20, choices=ProductCategory.choices)
    amount_per_unit = money_field(
        "每台(辆)补贴（元）", null=True, blank=True, help_text="定额补贴；与比例补贴二选一。"
    )
    percent = models.DecimalField(
        "补贴比例（%）", max_digits=5, decimal_places=2, null=True, blank=True
    )
    cap_per_unit = money_field("每台(辆)上限（元）", null=True, blank=True)

    class Meta:
        verbose_name = "补贴标准"
        verbose_name_plural = "补贴标准"
        ordering = ["programme_id", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "category"],
                name="subsidyrule_once_per_category",
                violation_error_message="该品类在本项目中已有补贴标准。",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(amount_per_unit__isnull=False, percent__isnull=True)
                    | models.Q(amount_per_unit__isnull=True, percent__isnull=False)
                ),
                name="subsidyrule_amount_or_percent",
                violation_error_message="定额补贴和比例补贴须填且只填一项。",
            ),
            models.CheckConstraint(
                condition=models.Q(percent__isnull=True)
                | (models.Q(percent__gt=0) & models.Q(percent__lte=100)),
                name="subsidyrule_percent_range",
                violation_error_message="补贴比例应在0到100之间。",
            ),
        ]

    def __str__(self):
        return f"{self.get_category_display()}：{self.describe()}"

    def describe(self) -> str:
        if self.amount_per_unit is not None:
            return f"每{unit_of(self.category)}{self.amount_per_unit}元"
        cap = f"，每{unit_of(self.category)}最高{self.cap_per_unit}元" if self.cap_per_unit else ""
        return f"销售价格的{self.percent_text}%{cap}"

    @property
    def percent_text(self) -> str:
        """15.00 → 15, 12.50 → 12.5."""
        text = f"{self.percent:f}"
        return text.rstrip("0").rstrip(".") if "." in text else text

    def subsidy_for(self, *, units: int, sale_amount: Decimal) -> Decimal:
        """The subsidy of a sale of ``units`` at ``sale_amount`` (元, the whole sale)."""
        cent = Decimal("0.01")
        if self.amount_per_unit is not None:
            return (self.amount_per_unit * units).quantize(cent)
        amount = sale_amount * self.percent / 100
        if self.cap_per_unit is not None:
            amount = min(amount, self.cap_per_unit * units)
        return amount.quantize(cent)


ID_NUMBER = RegexValidator(r"^\d{17}[\dX]$", "身份证号应为18位，前17位为数字，末位为数字或X。")


def mask_name(name: str) -> str:
    """张*, 张*明, 欧阳**: the first character kept (and the last of three or more)."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


class SubsidyApplication(ScopedModel):
    """One application (申请): who bought what from which dealer, the subsidy, and where it
    stands. Scope: its county and township; a 企业用户 (a dealer) its own applications."""

    audited = True
    audit_masked = {"applicant_name", "id_number"}
    str_fields = ("number",)
    scope = Scope(owner="dealer")

    programme = models.ForeignKey(
        SubsidyProgramme,
        verbose_name="补贴项目",
        on_delete=models.PROTECT,
        related_name="applications",
    )
    number = models.CharField("申请编号", max_length=40, unique=True)
    applicant_name = models.CharField("申请人", max_length=50)
    id_number = models.CharField("身份证号", max_length=18, validators=[ID_NUMBER])
    category = models.CharField("品类", max_length=20, choices=ProductCategory.choices)
    units = models.PositiveIntegerField("数量", default=1)
    sale_amount = money_field("销售金额（元）")
    subsidy_amount = money_field("补贴金额（元）")
    rule_amount = money_field("按标准补贴金额（元）", null=True, blank=True, editable=False)
    override_reason = models.CharField(
        "调整补贴金额原因", max_length=200, blank=True, help_text="补贴金额与补贴标准不同时填写。"
    )
    dealer = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="经销商",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subsidy_applications",
    )
    # A dealer the platform names that is not in the registry (yet): kept as the platform gave it,
    # listed for matching (``dealer_unmatched``) until staff link it (``subsidy_dealer_link``).
    dealer_unmatched_name = models.CharField(
        "经销商名称（未匹配企业库）", max_length=200, blank=True
    )
    dealer_unmatched_code = models.CharField(
        "经销商统一社会信用代码（未匹配企业库）", max_length=18, blank=True
    )
    county = county_field()
    township = township_field()
    # Written only by the services, each change a SubsidyApplicationEvent row.
    status = models.CharField(
        "状态",
        max_length=12,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.ACCEPTED,
    )
    accepted_on = models.DateField("受理日期")
    reviewed_on = models.DateField("审核日期", null=True, blank=True)
    paid_on = models.DateField("拨付日期", null=True, blank=True)
    rejected_on = models.DateField("驳回日期", null=True, blank=True)
    reject_reason = models.CharField("驳回原因", max_length=200, blank=True)
    due_on = models.DateField("承诺拨付期限", null=True, blank=True)
    # The end of ``due_on`` while open (受理/审核); empty once paid or rejected: the light and
    # the overdue figure read it off the (status, next_deadline_at) index.
    next_deadline_at = models.DateTimeField("下一时限", null=True, blank=True)
    workdays_to_pay = models.PositiveIntegerField(
        "受理至拨付工作日", null=True, blank=True, editable=False
    )
    note = models.TextField("备注", blank=True)
    created_by = user_field("登记人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "补贴申请"
        verbose_name_plural = "补贴申请"
        permissions = [("reveal_subsidyapplication", "查看补贴申请人完整姓名和身份证号")]
        ordering = ["-accepted_on", "-id"]
        indexes = [
            models.Index(fields=["status", "next_deadline_at"], name="subsidyapp_deadline_idx"),
            models.Index(fields=["county", "accepted_on"], name="subsidyapp_county_idx"),
            models.Index(fields=["programme", "accepted_on"], name="subsidyapp_programme_idx"),
            models.Index(fields=["paid_on"], name="subsidyapp_paid_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(units__gte=1),
                name="subsidyapp_units_positive",
                violation_error_message="数量至少为1。",
            ),
            models.CheckConstraint(
                condition=models.Q(sale_amount__gte=0) & models.Q(subsidy_amount__gte=0),
                name="subsidyapp_amounts_not_negative",
                violation_error_message="金额不能为负数。",
            ),
            models.CheckConstraint(
                condition=models.Q(subsidy_amount__lte=models.F("sale_amount")),
                name="subsidyapp_subsidy_within_sale",
                violation_error_message="补贴金额不能超过销售金额。",
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("subsidies:subsidyapplication_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.township_id and self.county_id and self.township.parent_id != self.county_id:
            errors["township"] = f"乡镇“{self.township}”不属于“{self.county}”。"
        if (
            self.sale_amount is not None
            and self.subsidy_amount is not None
            and self.subsidy_amount > self.sale_amount
        ):
            errors["subsidy_amount"] = "补贴金额不能超过销售金额。"
        if errors:
            raise ValidationError(errors)

    @property
    def dealer_display(self) -> str:
        """The registry dealer, or the platform's name marked as not matched yet."""
        if self.dealer_id:
            return str(self.dealer)
        if self.dealer_unmatched_name:
            code = f"（{self.dealer_unmatched_code}）" if self.dealer_unmatched_code else ""
            return f"{self.dealer_unmatched_name}{code}〔待匹配企业库〕"
        return ""

    @property
    def applicant_masked(self) -> str:
        return mask_name(self.applicant_name)

    @property
    def id_number_masked(self) -> str:
        from shangwu.audit.services import mask_value

        return mask_value(self.id_number)

    @property
    def unit_label(self) -> str:
        return unit_of(self.category)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def light_at(self, now) -> str:
        from shangwu.cases.choices import Light
        from shangwu.cases.deadlines import light_for

        return light_for(self.next_deadline_at, now) if self.is_open else Light.GREEN

    @property
    def light(self) -> str:
        """绿 / 黄 (the promised day within the warning period) / 红 (overdue), now; the same
        contract as a case's light."""
        return self.light_at(timezone.now())

    def get_light_display(self) -> str:
        from shangwu.cases.choices import Light

        return Light(self.light).label


class SubsidyApplicationEvent(Event):
    """One change of an application (受理登记, 审核, 拨付, 驳回, 修改, 导入更新)."""

    subject_field = "application"

    application = models.ForeignKey(
        SubsidyApplication,
        verbose_name="补贴申请",
        on_delete=models.PROTECT,
        related_name="events",
    )
    kind = models.CharField("类型", max_length=20, choices=ApplicationEventKind.choices)
    from_status = models.CharField(
        "原状态", max_length=12, choices=ApplicationStatus.choices, blank=True
    )
    to_status = models.CharField(
        "新状态", max_length=12, choices=ApplicationStatus.choices, blank=True
    )
    changes = models.JSONField("变更内容", null=True, blank=True)

    class Meta(Event.Meta):
        verbose_name = "补贴申请动态"
        verbose_name_plural = "补贴申请动态"
        indexes = [models.Index(fields=["application", "at"], name="subsidyappevent_at_idx")]


class SubsidyProgrammeEvent(Event):
    """One change of a programme (登记, 修改, 状态变更)."""

    subject_field = "programme"

    programme = models.ForeignKey(
        SubsidyProgramme,
        verbose_name="补贴项目",
        on_delete=models.PROTECT,
        related_name="events",
    )
    kind = models.CharField("类型", max_length=20, choices=ProgrammeEventKind.choices)
    from_status = models.CharField(
        "原状态", max_length=12, choices=ProgrammeStatus.choices, blank=True
    )
    to_status = models.CharField(
        "新状态", max_length=12, choices=ProgrammeStatus.choices, blank=True
    )
    changes = models.JSONField("变更内容", null=True, blank=True)

    class Meta(Event.Meta):
        verbose_name = "补贴项目动态"
        verbose_name_plural = "补贴项目动态"
        indexes = [models.Index(fields=["programme", "at"], name="subsidyprogevent_at_idx")]
