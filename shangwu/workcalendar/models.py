"""The administrator-entered holiday arrangements (国务院办公厅关于某年部分节假日安排的通知).

The built-in ``chinesecalendar`` package knows the years the State Council had announced when it
was released; every later year (and any correction of an earlier one) is entered here. An entered
year is the whole truth for that year: it replaces the package's data, it does not patch it.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from shangwu.core.access import Access, RestrictedQuerySet
from shangwu.core.periods import YEAR_MAX, YEAR_MIN
from shangwu.workcalendar.choices import DayKind


class CalendarYear(models.Model):
    """One year whose holidays and make-up working days (调休) the administrator has entered.

    Within an entered year a date is a working day when it is a weekday, unless a
    ``DayArrangement`` of the year says otherwise."""

    access = Access.REFERENCE
    audited = True

    year = models.PositiveSmallIntegerField(
        "年度", unique=True, error_messages={"unique": "该年度的节假日安排已录入。"}
    )
    notice = models.CharField(
        "放假通知",
        max_length=200,
        blank=True,
        help_text="国务院办公厅通知的标题或文号，例如“国务院办公厅关于2027年部分节假日安排的通知”。",
    )
    published_on = models.DateField("发布日期", null=True, blank=True)
    note = models.TextField("备注", blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "节假日安排年度"
        verbose_name_plural = "节假日安排年度"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=YEAR_MIN, year__lte=YEAR_MAX),
                name="calendaryear_year_in_range",
                violation_error_message=f"年度应在{YEAR_MIN}年至{YEAR_MAX}年之间。",
            ),
        ]

    def __str__(self):
        return f"{self.year}年节假日安排"

    def get_absolute_url(self):
        return reverse("workcalendar:year_detail", args=[self.pk])


class DayArrangement(models.Model):
    """One date of an entered year that differs from the plain week: a holiday (放假) or a
    weekend made a working day (调休上班), with the festival it belongs to."""

    access = Access.REFERENCE
    audited = True

    calendar_year = models.ForeignKey(
        CalendarYear, verbose_name="年度", on_delete=models.PROTECT, related_name="arrangements"
    )
    date = models.DateField(
        "日期", unique=True, error_messages={"unique": "该日期已有节假日安排。"}
    )
    kind = models.CharField("类型", max_length=10, choices=DayKind.choices)
    name = models.CharField("节日", max_length=50, blank=True, help_text="例如“春节”“国庆节”。")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排"
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=DayKind.values),
                name="dayarrangement_kind_valid",
                violation_error_message="安排类型只能是“放假”或“调休上班”。",
            ),
        ]

    def __str__(self):
        label = f"{self.name}{self.get_kind_display()}" if self.name else self.get_kind_display()
        return f"{self.date:%Y-%m-%d} {label}"

    def get_absolute_url(self):
        return reverse("workcalendar:year_detail", args=[self.calendar_year_id])

    def clean(self):
        if self.date and self.calendar_year_id and self.date.year != self.calendar_year.year:
            raise ValidationError(
                {"date": f"日期 {self.date:%Y-%m-%d} 不在{self.calendar_year.year}年内。"}
            )
