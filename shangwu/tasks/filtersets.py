import django_filters
from django import forms
from django.db.models import Case, F, IntegerField, Q, Value, When

from shangwu.core.filtersets import BaseFilterSet, YearFilter, pure_sql
from shangwu.organization.models import OrgUnit
from shangwu.tasks.choices import Cycle, Grade, ReportState, TaskStatus
from shangwu.tasks.models import Plan, QuarterReview, Report, Section, Task, TaskCoUnit


class PlanFilterSet(BaseFilterSet):
    search_fields = ("title", "preamble")
    year = YearFilter(label="年度")
    cycle = django_filters.ChoiceFilter(choices=Cycle.choices, label="报送周期")

    class Meta:
        model = Plan
        fields = ["q", "year", "cycle"]


class TaskFilterSet(BaseFilterSet):
    search_fields = ("title", "text")
    plan = django_filters.ModelChoiceFilter(queryset=Plan.objects.all(), label="工作要点")
    section = django_filters.ModelChoiceFilter(
        queryset=Section.objects.select_related("plan"), label="章节", null_label="（未填）"
    )
    status = django_filters.ChoiceFilter(choices=TaskStatus.choices, label="状态")
    lead_unit = django_filters.ModelChoiceFilter(
        queryset=OrgUnit.objects.filter(is_active=True), label="牵头单位", null_label="（未填）"
    )
    unit = django_filters.ModelChoiceFilter(
        field_name="lead_unit",
        queryset=OrgUnit.objects.filter(is_active=True),
        method="filter_unit",
        label="牵头或配合单位",
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="已过完成时限")
    # The drill-downs of the task figures (core.figures): hidden, carried in the query string.
    year = django_filters.NumberFilter(
        field_name="plan__year", label="年度", widget=forms.HiddenInput
    )
    completed_from = django_filters.DateFilter(
        field_name="closed_on", lookup_expr="gte", label="完成日期自", widget=forms.HiddenInput
    )
    completed_to = django_filters.DateFilter(
        field_name="closed_on", lookup_expr="lte", label="完成日期至", widget=forms.HiddenInput
    )
    on_time = django_filters.BooleanFilter(
        method="filter_on_time", label="按期完成", widget=forms.HiddenInput
    )
    report_missing = django_filters.BooleanFilter(
        method="filter_report_missing", label="有未报送的进展", widget=forms.HiddenInput
    )

    # The 工作台's own figures: the asking user's unit's tasks and their report states.
    mine = django_filters.ChoiceFilter(
        choices=[("lead", "本单位牵头"), ("co", "本单位配合")],
        method="filter_mine",
        label="本单位任务",
        widget=forms.HiddenInput,
    )
    unfinished = django_filters.BooleanFilter(
        method="filter_unfinished", label="未完成", widget=forms.HiddenInput
    )
    report_pending_on = django_filters.DateFilter(
        method="filter_report_pending_on", label="当期待报送（截至）", widget=forms.HiddenInput
    )
    last_cycle_missing_on = django_filters.DateFilter(
        method="filter_last_cycle_missing_on",
        label="上一期未报送（截至）",
        widget=forms.HiddenInput,
    )
    # The 督办通报's figures (tasks.cycle_*): the tasks of one plan and cycle as the bulletin read
    # on ``cycle_on`` counts them. ``cycle_plan`` (a pk, no query: the bulletin has its plan)
    # and ``cycle`` default to every plan of the list and its last cycle due before that day.
    cycle_on = django_filters.DateFilter(
        method="filter_bulletin", label="督办通报（通报日）", widget=forms.HiddenInput
    )
    cycle_plan = django_filters.NumberFilter(
        method="filter_bulletin", label="督办通报的工作要点", widget=forms.HiddenInput
    )
    cycle = django_filters.NumberFilter(
        method="filter_bulletin", label="督办通报的报送期次", widget=forms.HiddenInput
    )
    cycle_report = django_filters.ChoiceFilter(
        choices=[
            ("due", "应报送"),
            (ReportState.ON_TIME, ReportState.ON_TIME.label),
            (ReportState.LATE, ReportState.LATE.label),
            (ReportState.MISSING, ReportState.MISSING.label),
        ],
        method="filter_bulletin",
        label="本期报送情况",
        widget=forms.HiddenInput,
    )
    cycle_status = django_filters.ChoiceFilter(
        choices=TaskStatus.choices,
        method="filter_bulletin",
        label="期末状态",
        widget=forms.HiddenInput,
    )
    # The table 各单位情况 counts reports over every cycle due so far: the tasks with at least
    # one in the state, each with how many (``bulletin_reports``, a column of the list).
    cycle_reports = django_filters.ChoiceFilter(
        choices=[
            ("due", "应报送"),
            (ReportState.ON_TIME, ReportState.ON_TIME.label),
            (ReportState.LATE, ReportState.LATE.label),
            (ReportState.MISSING, ReportState.MISSING.label),
        ],
        method="filter_bulletin",
        label="截至本期报送情况",
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Task
        fields = ["q", "plan", "section", "status", "lead_unit", "unit", "overdue"]

    def filter_bulletin(self, queryset, name, value):
        """All five conditions make one selection, applied once (at the first of them)."""
        if getattr(self, "_bulletin_applied", False):
            return queryset
        self._bulletin_applied = True
        from django.utils import timezone

        from shangwu.tasks.selectors import task_ids_in_bulletin, tasks_in_bulletin

        data = self.form.cleaned_data
        plan_id = data.get("cycle_plan")
        cycle = data.get("cycle")
        if plan_id is not None:
            queryset = queryset.filter(plan_id=int(plan_id))
        where = {
            "user": getattr(self.request, "user", None),
            "tasks": queryset,
            "on": data.get("cycle_on") or timezone.localdate(),
            "plan_id": None if plan_id is None else int(plan_id),
            "cycle": None if cycle is None else int(cycle),
        }
        ask = {"report": data.get("cycle_report") or "", "status": data.get("cycle_status") or ""}
        if not data.get("cycle_reports"):
            return queryset.filter(pk__in=task_ids_in_bulletin(**where, **ask))
        (found,) = tasks_in_bulletin(**where, asks=[{**ask, "reports": data["cycle_reports"]}])
        by_number: dict[int, list[int]] = {}
        for pk, n in found.items():
            by_number.setdefault(n, []).append(pk)
        return queryset.filter(pk__in=found).annotate(
            bulletin_reports=Case(
                *(When(pk__in=pks, then=Value(n)) for n, pks in sorted(by_number.items())),
                default=Value(0),
                output_field=IntegerField(),
            )
        )

    @pure_sql
    def filter_mine(self, queryset, name, value):
        unit = getattr(getattr(self.request, "user", None), "org_unit_id", None)
        if unit is None:
            return queryset.none()
        if value == "lead":
            return queryset.filter(lead_unit_id=unit)
        return queryset.filter(pk__in=TaskCoUnit.objects.filter(unit_id=unit).values("task_id"))

    @pure_sql
    def filter_unfinished(self, queryset, name, value):
        from shangwu.tasks.choices import FINAL_STATUSES

        if value is None:
            return queryset
        final = Q(status__in=FINAL_STATUSES)
        return queryset.exclude(final) if value else queryset.filter(final)

    def filter_report_pending_on(self, queryset, name, value):
        """Open tasks whose lead unit's report for the cycle running on ``value`` is not filed
        yet (本期待报送)."""
        from shangwu.tasks.selectors import task_ids_by_report_state

        ids = task_ids_by_report_state(
            user=getattr(self.request, "user", None), tasks=queryset, on=value, which="pending"
        )
        return queryset.filter(pk__in=ids)

    def filter_last_cycle_missing_on(self, queryset, name, value):
        """Tasks whose lead unit has not reported for the last cycle already due on ``value``
        (the 督办通报's 未报送 of that cycle)."""
        from shangwu.tasks.selectors import task_ids_by_report_state

        ids = task_ids_by_report_state(
            user=getattr(self.request, "user", None), tasks=queryset, on=value, which="last_missing"
        )
        return queryset.filter(pk__in=ids)

    @pure_sql
    def filter_on_time(self, queryset, name, value):
        """按期完成: 已完成, on or before its 完成时限 (a task without one is on time)."""
        if value is None:
            return queryset
        on_time = Q(status=TaskStatus.DONE) & (
            Q(deadline__isnull=True) | Q(closed_on__lte=F("deadline"))
        )
        return queryset.filter(on_time) if value else queryset.exclude(on_time)

    def filter_report_missing(self, queryset, name, value):
        """Open tasks whose lead unit has not reported for at least one cycle already due."""
        from shangwu.tasks.selectors import task_ids_with_missing_reports

        if value is None:
            return queryset
        ids = task_ids_with_missing_reports(
            user=getattr(self.request, "user", None), tasks=queryset
        )
        return queryset.filter(pk__in=ids) if value else queryset.exclude(pk__in=ids)

    @pure_sql
    def filter_unit(self, queryset, name, value):
        return queryset.filter(
            Q(lead_unit=value) | Q(pk__in=TaskCoUnit.objects.filter(unit=value).values("task_id"))
        )

    @pure_sql
    def filter_overdue(self, queryset, name, value):
        from django.utils import timezone

        from shangwu.tasks.choices import FINAL_STATUSES

        cond = Q(deadline__lt=timezone.localdate()) & ~Q(status__in=FINAL_STATUSES)
        return queryset.filter(cond) if value else queryset.exclude(cond)


class ReportFilterSet(BaseFilterSet):
    search_fields = ("text", "problems", "next_steps", "task__title")
    plan = django_filters.ModelChoiceFilter(
        field_name="task__plan", queryset=Plan.objects.all(), label="工作要点"
    )
    task = django_filters.ModelChoiceFilter(
        queryset=Task.objects.select_related("plan", "section"), label="任务"
    )  # its label is the task's code: plan and section, not a query per option
    cycle = django_filters.NumberFilter(label="报送期次")
    unit = django_filters.ModelChoiceFilter(
        queryset=OrgUnit.objects.filter(is_active=True), label="报送单位"
    )
    is_late = django_filters.BooleanFilter(label="逾期报送")

    class Meta:
        model = Report
        fields = ["q", "plan", "task", "cycle", "unit", "is_late"]


class QuarterReviewFilterSet(BaseFilterSet):
    search_fields = ("comment", "unit__name")
    plan = django_filters.ModelChoiceFilter(queryset=Plan.objects.all(), label="工作要点")
    year = YearFilter(label="年度")
    quarter = django_filters.NumberFilter(label="季度")
    grade = django_filters.ChoiceFilter(choices=Grade.choices, label="等次")

    class Meta:
        model = QuarterReview
        fields = ["q", "plan", "year", "quarter", "grade"]
