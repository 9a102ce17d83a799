"""Pages of key-task supervision: plans (list, detail with the report grid, settings, unit
assignment), tasks (list, detail, edit, status, milestones), progress reports and 季度点评.
The importer's pages are in views_import.py, the 督办通报 in views_report.py."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from shangwu.core import views as generic
from shangwu.core.access import Access, can, permits, require
from shangwu.tasks import cycles, filtersets, forms, selectors, services, tables
from shangwu.tasks.choices import FINAL_STATUSES, Grade, ReportState, TaskStatus
from shangwu.tasks.evaluation import evaluate, plan_cycles_begun
from shangwu.tasks.models import (
    Milestone,
    Plan,
    PlanTarget,
    QuarterReview,
    Report,
    Task,
    TaskCoUnit,
)

STATE_BADGES = {
    ReportState.ON_TIME: ("success", "按时"),
    ReportState.LATE: ("warning", "逾期"),
    ReportState.MISSING: ("danger", "未报"),
    ReportState.PENDING: ("secondary", "待报"),
    ReportState.NOT_DUE: ("light", "—"),
}
STATUS_BADGES = {
    TaskStatus.NOT_STARTED: "secondary",
    TaskStatus.ON_TRACK: "primary",
    TaskStatus.LAGGING: "danger",
    TaskStatus.DONE: "success",
    TaskStatus.CANCELLED: "dark",
}


def _form_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# --- plans --------------------------------------------------------------------------------------


class PlanListView(generic.ObjectListView):
    queryset = (
        Plan.objects.select_related("office")
        .annotate(task_count=Count("tasks"))
        .order_by("-year", "title")
    )
    filterset = filtersets.PlanFilterSet
    table = tables.PlanTable
    template_name = "tasks/plan_list.html"

    def extra_context(self):
        user = self.request.user
        return {"can_import": permits(user, Plan, "import")}


class PlanDetailView(generic.ObjectDetailView):
    queryset = Plan.objects.select_related("office", "created_by")
    template_name = "tasks/plan_detail.html"

    def extra_context(self, obj):
        user = self.request.user
        today = timezone.localdate()
        context = {
            "can_manage": permits(user, Plan, "change"),
            "status_badges": STATUS_BADGES,
            "cadence": plan_cadence_text(obj),
        }
        try:
            facts = selectors.plan_facts(user=user, plan=obj, on=today)
        except cycles.CalendarYearUnknown as exc:
            context["calendar_error"] = str(exc)
            return context
        by_task = facts.by_task()
        sections = []
        for section in obj.sections.all():
            rows = [
                (f.task, f, [(c, STATE_BADGES[f.state(c)]) for c in facts.cycles])
                for f in facts.tasks
                if f.task.section_id == section.pk
            ]
            if rows or context["can_manage"]:
                sections.append((section, rows))
        orphans = [
            (f.task, f, [(c, STATE_BADGES[f.state(c)]) for c in facts.cycles])
            for f in facts.tasks
            if f.task.section_id is None
        ]
        context.update(
            {
                "facts": facts,
                "sections": sections,
                "orphans": orphans,
                "by_task": by_task,
                "cycle_labels": [(c, facts.labels[c], facts.due[c]) for c in facts.cycles],
                "units": selectors.unit_list_stats(facts=facts),
                "counts": [
                    (
                        label,
                        sum(1 for f in facts.tasks if f.status == value),
                        STATUS_BADGES[value],
                        value,
                    )
                    for value, label in TaskStatus.choices
                ],
                "plan_targets": obj.targets.select_related("indicator"),
            }
        )
        return context


def plan_cadence_text(plan) -> str:
    from shangwu.tasks.choices import Cycle

    if plan.cycle in (Cycle.WEEKLY, Cycle.BIWEEKLY):
        day = "星期" + "一二三四五六日"[min(max(plan.due_day, 1), 7) - 1]
    elif plan.cycle == Cycle.QUARTERLY:
        day = f"季末月{plan.due_day}日"
    else:
        day = f"{plan.due_day}日"
    return f"{plan.get_cycle_display()}报送，{day}前报送（遇节假日顺延至下一个工作日）"


class PlanEditView(generic.ObjectEditView):
    queryset = Plan.objects.all()
    form = forms.PlanForm

    def dispatch(self, request, *args, **kwargs):
        if "pk" not in kwargs:
            return redirect("tasks:plan_import")
        return super().dispatch(request, *args, **kwargs)

    def save(self, form):
        try:
            return services.plan_update(
                plan=form.instance, actor=self.request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            _form_errors(form, exc)
            raise ValidationError("请修改标红的字段后再保存。") from exc


class PlanTargetEditView(generic.ObjectEditView):
    """A plan-level 预期目标: wording, value and the indicator that measures it."""

    queryset = PlanTarget.objects.select_related("plan", "indicator")
    form = forms.PlanTargetForm

    def save(self, form):
        try:
            return services.plan_target_update(
                target=form.instance, actor=self.request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            _form_errors(form, exc)
            raise ValidationError("请修改标红的字段后再保存。") from exc


class PlanAssignView(generic.BaseObjectView):
    """The assignment sheet: every task of the plan with its lead unit, cooperating units,
    leader and deadline, saved together in one transaction."""

    queryset = Plan.objects.all()
    action = "change"
    template_name = "tasks/plan_assign.html"

    def tasks(self, plan):
        return (
            Task.objects.restrict(self.request.user, "change")
            .filter(plan=plan)
            .select_related("section", "lead_unit", "leader", "plan")
            .prefetch_related(
                Prefetch("co_unit_links", queryset=TaskCoUnit.objects.only("task_id", "unit_id"))
            )
        )

    def render_sheet(self, plan, errors=None, status=200):
        tasks = list(self.tasks(plan))
        for task in tasks:
            task.co_ids = {link.unit_id for link in task.co_unit_links.all()}
        return render(
            self.request,
            self.template_name,
            self.base_context(
                object=plan,
                tasks=tasks,
                units=list(forms.unit_choices()),
                leaders=list(forms.leader_choices()),
                errors=errors or [],
            ),
            status=status,
        )

    def get(self, request, pk):
        return self.render_sheet(self.get_object())

    def post(self, request, pk):
        plan = self.get_object()
        changes, errors = forms.assignment_changes(request.POST, self.tasks(plan))
        try:
            if errors:
                raise ValidationError(errors)
            changed = services.plan_assign(plan=plan, actor=request.user, changes=changes)
        except ValidationError as exc:
            return self.render_sheet(plan, errors=exc.messages, status=400)
        messages.success(request, f"已保存任务分派：{changed} 项任务有变动。")
        return redirect(plan.get_absolute_url())


# --- tasks --------------------------------------------------------------------------------------


class TaskListView(generic.ObjectListView):
    queryset = Task.objects.select_related(
        "plan", "section", "lead_unit", "leader"
    ).prefetch_related("co_units")
    filterset = filtersets.TaskFilterSet
    table = tables.TaskTable
    export_url_name = "tasks:task_export"
    template_name = "tasks/task_list.html"


class TaskExportView(generic.ObjectExportView, TaskListView):
    pass


class TaskDetailView(generic.ObjectDetailView):
    queryset = Task.objects.select_related("plan", "section", "lead_unit", "leader")
    template_name = "tasks/task_detail.html"

    def extra_context(self, obj):
        user = self.request.user
        today = timezone.localdate()
        co_units = [link.unit for link in obj.co_unit_links.select_related("unit")]
        context = {
            "fields": [
                ("工作要点", obj.plan),
                ("章节", obj.section),
                ("编号", obj.code),
                ("任务名称", obj.title),
                ("牵头单位", obj.lead_unit),
                ("配合单位", "、".join(str(u) for u in co_units)),
                ("责任领导", obj.leader),
                ("完成时限", obj.deadline),
                ("状态", obj.get_status_display()),
                ("滞后原因", obj.status_reason),
                ("完成（取消）日期", obj.closed_on),
            ],
            "targets": obj.targets.select_related("indicator"),
            "milestones": obj.milestones.all(),
            "events": obj.events.select_related("actor")[:100],
            "can_manage": permits(user, Task, "change"),
            "can_report": self._can_report(obj, co_units),
            "status_badge": STATUS_BADGES[obj.status],
            "milestone_form": forms.MilestoneForm(),
            "today": today,
        }
        try:
            facts = evaluate(plan=obj.plan, tasks=[obj], on=today).tasks[0]
            reports = {}
            reviewed = None  # the user's unit's graded quarters, read once when needed
            for report in (
                Report.objects.restrict(user, "view")
                .filter(task=obj)
                .select_related("unit", "submitted_by", "milestone")
                .prefetch_related("revisions__actor")
            ):
                report.task = obj  # the page's task: not read again for each report
                report.correctable = report.unit_id == user.org_unit_id and can(
                    user, Report.access, "change"
                )
                if report.correctable:
                    if reviewed is None:
                        reviewed = services.quarters_reviewed(
                            plan_id=obj.plan_id, unit_id=report.unit_id
                        )
                    report.correctable = services.report_quarter(report) not in reviewed
                reports.setdefault(report.cycle, []).append(report)
            begun = plan_cycles_begun(obj.plan, today)
            context["cycles"] = [
                {
                    "index": c,
                    "label": cycles.cycle_label(obj.plan, c),
                    "due": cycles.cycle_due_date(obj.plan, c),
                    "badge": STATE_BADGES[facts.state(c)],
                    "reports": reports.get(c, []),
                }
                for c in reversed(begun)
            ]
            context["reasons"] = facts.reasons
        except cycles.CalendarYearUnknown as exc:
            context["calendar_error"] = str(exc)
        return context

    def _can_report(self, task, co_units) -> bool:
        user = self.request.user
        unit = user.org_unit
        return (
            can(user, Access.BUSINESS, "add")
            and unit is not None
            and task.status not in FINAL_STATUSES
            and (task.lead_unit_id == unit.pk or any(u.pk == unit.pk for u in co_units))
        )


class TaskEditView(generic.ObjectEditView):
    queryset = Task.objects.select_related("plan")
    form = forms.TaskForm

    def dispatch(self, request, *args, **kwargs):
        if "pk" not in kwargs:
            return redirect("tasks:plan_list")
        return super().dispatch(request, *args, **kwargs)

    def save(self, form):
        co_units, fields = form.service_fields()
        try:
            return services.task_update(
                task=form.instance, actor=self.request.user, co_units=co_units, **fields
            )
        except ValidationError as exc:
            _form_errors(form, exc)
            raise ValidationError("请修改标红的字段后再保存。") from exc


class TaskStatusView(generic.ObjectActionView):
    queryset = Task.objects.select_related("plan")
    form_class = forms.TaskStatusForm
    title = "变更状态"

    def make_form(self, task, data=None, files=None):
        return self.form_class(data)

    def perform(self, task, data):
        services.task_change_status(task=task, actor=self.request.user, **data)
        return f"任务“{task}”状态：{task.get_status_display()}。"


class MilestoneAddView(generic.BaseObjectView):
    queryset = Task.objects.select_related("plan")
    action = "change"

    def post(self, request, pk):
        task = self.get_object()
        form = forms.MilestoneForm(request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                messages.error(request, f"{label}：{'；'.join(errors)}")
            return redirect(task.get_absolute_url() + "#milestones")
        try:
            services.milestone_save(task=task, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已添加里程碑“{form.cleaned_data['name']}”。")
        return redirect(task.get_absolute_url() + "#milestones")


class MilestoneDoneView(generic.ObjectActionView):
    """Mark a milestone done: the task's units or the city."""

    queryset = Milestone.objects.select_related("task__plan")
    has_form = False

    def success_url(self, milestone):
        return milestone.task.get_absolute_url() + "#milestones"

    def perform(self, milestone, data):
        services.milestone_complete(milestone=milestone, actor=self.request.user)
        return f"里程碑“{milestone}”已标记完成。"


# --- reports ------------------------------------------------------------------------------------


class ReportCreateView(generic.BaseObjectView):
    """A unit files its progress report on a task for one cycle."""

    queryset = Task.objects.select_related("plan", "lead_unit")
    action = "add"
    template_name = "tasks/report_form.html"

    def get_object(self, action=None):
        # Filing needs the task in view scope; the 'add' grant is checked by check_access.
        return super().get_object("view")

    def form(self, task):
        data = self.request.POST if self.request.method == "POST" else None
        initial = {"cycle": self.request.GET.get("cycle")} if data is None else None
        try:
            return forms.ReportForm(data, task=task, initial=initial)
        except cycles.CalendarYearUnknown as exc:
            raise ValidationError(str(exc)) from exc

    def render_form(self, task, form, status=200):
        return render(
            self.request,
            self.template_name,
            self.base_context(
                object=task, form=form, unit=self.request.user.org_unit, model_name="进展报告"
            ),
            status=status,
        )

    def get(self, request, pk):
        task = self.get_object()
        try:
            form = self.form(task)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect(task.get_absolute_url())
        return self.render_form(task, form)

    def post(self, request, pk):
        task = self.get_object()
        form = self.form(task)
        if form.is_valid():
            try:
                report = services.report_submit(
                    task=task, unit=request.user.org_unit, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            except cycles.CalendarYearUnknown as exc:
                form.add_error(None, str(exc))
            else:
                late = "（逾期报送）" if report.is_late else ""
                messages.success(
                    request, f"已报送{cycles.cycle_label(task.plan, report.cycle)}进展{late}。"
                )
                return redirect(task.get_absolute_url())
        return self.render_form(task, form, status=400)


class ReportCorrectView(generic.BaseObjectView):
    """Its unit corrects a submitted report until the quarter is reviewed (季度点评)."""

    queryset = Report.objects.select_related("task__plan", "unit")
    action = "change"
    template_name = "tasks/report_correct.html"

    def render_form(self, report, form, status=200):
        return render(
            self.request,
            self.template_name,
            self.base_context(
                object=report,
                form=form,
                revisions=report.revisions.select_related("actor"),
                cycle_label=cycles.cycle_label(report.task.plan, report.cycle),
                model_name="进展报告",
            ),
            status=status,
        )

    def get(self, request, pk):
        report = self.get_object()
        initial = {name: getattr(report, name) for name in services.REPORT_CORRECTABLE}
        return self.render_form(report, forms.ReportCorrectForm(initial=initial))

    def post(self, request, pk):
        report = self.get_object()
        form = forms.ReportCorrectForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.report_correct(
                    report=report,
                    actor=request.user,
                    reason=data.pop("reason"),
                    confirm_lower=data.pop("confirm_lower"),
                    **data,
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, "进展报告已更正，原因和原内容已留存。")
                return redirect(report.get_absolute_url())
        return self.render_form(report, form, status=400)


class ReportListView(generic.ObjectListView):
    queryset = Report.objects.select_related("task__plan", "task__section", "unit", "submitted_by")
    filterset = filtersets.ReportFilterSet
    table = tables.ReportTable
    export_url_name = "tasks:report_export"


class ReportExportView(generic.ObjectExportView, ReportListView):
    pass


# --- 季度点评 -----------------------------------------------------------------------------------


class PlanReviewView(generic.BaseObjectView):
    """季度点评: the ranking of units for a quarter, the leaders' grading sheet, the history."""

    queryset = Plan.objects.all()
    template_name = "tasks/plan_reviews.html"

    def quarter(self, plan):
        year, quarter = forms.default_quarter()
        try:
            year = int(self.request.GET.get("year") or self.request.POST.get("year") or plan.year)
            quarter = int(
                self.request.GET.get("quarter") or self.request.POST.get("quarter") or quarter
            )
        except ValueError:
            pass
        return year, min(max(quarter, 1), 4)

    def render_page(self, plan, status=200, errors=None):
        user = self.request.user
        year, quarter = self.quarter(plan)
        try:
            ranking = selectors.review_ranking(user=user, plan=plan, year=year, quarter=quarter)
        except cycles.CalendarYearUnknown as exc:
            ranking, errors = [], [str(exc)]
        return render(
            self.request,
            self.template_name,
            self.base_context(
                object=plan,
                year=year,
                quarter=quarter,
                ranking=ranking,
                grades=Grade.choices,
                history=selectors.review_history(user=user, plan=plan),
                quarters=range(1, 5),
                years=sorted({plan.year, plan.year - 1, year}),
                can_review=permits(user, QuarterReview, "add"),
                errors=errors or [],
            ),
            status=status,
        )

    def get(self, request, pk):
        return self.render_page(self.get_object())

    def post(self, request, pk):
        plan = self.get_object()
        require(request.user, QuarterReview, "add")  # the leaders' (QuarterReview.scope)
        year, quarter = self.quarter(plan)
        units = {
            str(row["unit"].pk): row["unit"]
            for row in selectors.review_ranking(
                user=request.user, plan=plan, year=year, quarter=quarter
            )
        }
        saved = 0
        try:
            with transaction.atomic():
                for key, unit in units.items():
                    grade = request.POST.get(f"grade_{key}", "")
                    if not grade:
                        continue
                    services.review_save(
                        plan=plan,
                        unit=unit,
                        year=year,
                        quarter=quarter,
                        grade=grade,
                        # No comment field posted: keep the comment (a bulk form never erases
                        # what it did not show).
                        comment=request.POST.get(f"comment_{key}"),
                        actor=request.user,
                    )
                    saved += 1
        except ValidationError as exc:
            return self.render_page(plan, status=400, errors=exc.messages)
        messages.success(request, f"已保存{year}年第{quarter}季度点评 {saved} 个单位。")
        return redirect(
            reverse("tasks:plan_reviews", args=[plan.pk]) + f"?year={year}&quarter={quarter}"
        )


class QuarterReviewListView(generic.ObjectListView):
    queryset = QuarterReview.objects.select_related("plan", "unit", "reviewer")
    filterset = filtersets.QuarterReviewFilterSet
    table = tables.QuarterReviewTable
