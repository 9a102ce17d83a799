import datetime

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from shangwu.core import views as generic
from shangwu.workcalendar import filtersets, forms, services, tables
from shangwu.workcalendar.choices import DayKind
from shangwu.workcalendar.models import CalendarYear
from shangwu.workcalendar.selectors import arrangement_list_builtin

COUNTED = CalendarYear.objects.annotate(
    holiday_count=Count("arrangements", filter=Q(arrangements__kind=DayKind.HOLIDAY)),
    workday_count=Count("arrangements", filter=Q(arrangements__kind=DayKind.WORKDAY)),
).order_by("-year")  # aggregation drops Meta.ordering


class CalendarYearListView(generic.ObjectListView):
    """The entered years, and a “check a date” box. The box is a plain GET form on this same URL;
    with htmx only its own fragment (#day-check) is re-rendered."""

    queryset = COUNTED
    filterset = filtersets.CalendarYearFilterSet
    table = tables.CalendarYearTable
    template_name = "workcalendar/arrangement_list.html"
    add_url_name = "workcalendar:year_add"
    export_url_name = "workcalendar:year_export"

    def get(self, request, *args, **kwargs):
        if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "day-check":
            return render(request, "workcalendar/includes/day_check.html", self.day_check())
        return super().get(request, *args, **kwargs)

    def extra_context(self):
        return {
            **self.day_check(),
            "builtin_first": services.BUILTIN_YEARS.start,
            "builtin_last": services.BUILTIN_YEARS.stop - 1,
        }

    def day_check(self) -> dict:
        bound = "date" in self.request.GET
        form = forms.DayCheckForm(
            self.request.GET if bound else None,
            initial={"date": timezone.localdate()},
            user=self.request.user,
        )
        check = None
        if bound and form.is_valid():
            day, days, end = (form.cleaned_data[k] for k in ("date", "days", "end"))
            try:
                check = {"info": services.day_info(day, provisional=True)}
                last = day
                if days is not None:
                    check["days"], check["days_abs"] = days, abs(days)
                    check["added"] = last = services.workdays_add(
                        start=day, days=days, provisional=True
                    )
                if end is not None:
                    check["end"] = end
                    check["between"] = services.workdays_between(
                        start=day, end=end, provisional=True
                    )
                years = services.span_provisional_years(day, last)
                if end is not None:
                    years = sorted(set(years) | set(services.span_provisional_years(day, end)))
                check["provisional"] = [services.provisional_notice(y) for y in years]
            except services.CalendarYearUnknown as exc:
                check = None
                form.add_error(None, str(exc))
        return {"check_form": form, "check": check}


class CalendarYearExportView(generic.ObjectExportView, CalendarYearListView):
    pass


class CalendarYearDetailView(generic.ObjectDetailView):
    queryset = CalendarYear.objects.prefetch_related("arrangements")
    template_name = "workcalendar/calendaryear_detail.html"

    def extra_context(self, obj):
        rows = list(obj.arrangements.all())
        holidays = [(a.date, a.name) for a in rows if a.kind == DayKind.HOLIDAY]
        workdays = [(a.date, a.name) for a in rows if a.kind == DayKind.WORKDAY]
        return {
            "fields": [
                ("年度", f"{obj.year}年"),
                ("放假通知", obj.notice),
                (
                    "发布日期",
                    obj.published_on
                    and f"{obj.published_on.year}年{obj.published_on.month}月{obj.published_on.day}日",
                ),
                ("放假天数", len(holidays)),
                ("调休上班天数", len(workdays)),
                ("全年工作日", f"{self.working_days_in(obj.year)}天"),
                ("备注", obj.note),
            ],
            "holiday_runs": [
                {"first": first, "last": last, "name": name, "days": (last - first).days + 1}
                for first, last, name in forms.arrangement_runs(holidays)
            ],
            "makeup_days": [
                {"date": day, "name": name, "weekday": services.WEEKDAY_NAMES[day.weekday()]}
                for day, name in sorted(workdays)
            ],
            "builtin_differences": self.builtin_differences(obj.year, holidays, workdays),
            "edit_url": reverse("workcalendar:year_edit", args=[obj.pk]),
            "delete_url": reverse("workcalendar:year_delete", args=[obj.pk]),
        }

    @staticmethod
    def working_days_in(year: int) -> int:
        first = datetime.date(year, 1, 1)
        end = datetime.date(year, 12, 31)
        return services.workdays_between(start=first, end=end) + int(services.is_workday(first))

    @staticmethod
    def builtin_differences(year, holidays, workdays) -> list[dict] | None:
        """Where the entered year and chinesecalendar disagree (None: the package lacks the year)."""
        if year not in services.BUILTIN_YEARS:
            return None
        builtin_holidays, builtin_workdays = arrangement_list_builtin(year=year)

        def kinds(hs, ws):
            return {**{d: f"放假（{n}）" for d, n in hs}, **{d: f"调休上班（{n}）" for d, n in ws}}

        entered, builtin = kinds(holidays, workdays), kinds(builtin_holidays, builtin_workdays)
        return [
            {"date": day, "builtin": builtin.get(day, "—"), "entered": entered.get(day, "—")}
            for day in sorted(set(entered) | set(builtin))
            if entered.get(day, "").split("（")[0] != builtin.get(day, "").split("（")[0]
        ]


class CalendarYearEditView(generic.ObjectEditView):
    """Enter or correct a year. ``?year=2026`` on the add page starts from chinesecalendar's data
    for a year it knows. Saving goes through ``calendar_year_save`` (dates replaced atomically)."""

    queryset = CalendarYear.objects.all()
    form = forms.CalendarYearForm

    def get_form(self, instance):
        form = super().get_form(instance)
        if instance is None and not form.is_bound:
            self.prefill(form)
        return form

    def prefill(self, form):
        try:
            year = int(self.request.GET.get("year", ""))
        except ValueError:
            return
        form.initial["year"] = year
        if year in services.BUILTIN_YEARS:
            holidays, workdays = arrangement_list_builtin(year=year)
            form.initial["holidays_text"] = forms.format_lines(holidays)
            form.initial["workdays_text"] = forms.format_lines(workdays)
            form.initial["note"] = "以内置数据为底稿录入。"

    def save(self, form):
        data = form.cleaned_data
        return services.calendar_year_save(
            year=form.instance.year if form.instance.pk else data["year"],
            notice=data["notice"],
            published_on=data["published_on"],
            note=data["note"],
            holidays=data["holidays"],
            workdays=data["workdays"],
            actor=self.request.user,
        )


class CalendarYearDeleteView(generic.ObjectDeleteView):
    queryset = CalendarYear.objects.all()
    success_url_name = "workcalendar:arrangement_list"

    def post(self, request, *args, **kwargs):
        # The year goes with its dates (DayArrangement is PROTECTed against a bare delete).
        obj = self.get_object()
        services.calendar_year_delete(calendar_year=obj, actor=request.user)
        messages.success(request, f"已删除{self.model._meta.verbose_name}“{obj}”。")
        return redirect(self.success_url_name)
