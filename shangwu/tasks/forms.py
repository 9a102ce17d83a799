import datetime

from django import forms
from django.utils import timezone

from shangwu.accounts.choices import Role
from shangwu.accounts.models import User
from shangwu.core.forms import BaseForm, BaseModelForm, YearField
from shangwu.organization.models import OrgUnit
from shangwu.tasks import cycles
from shangwu.tasks.choices import Cycle, Grade, LineKind, TaskStatus
from shangwu.tasks.models import Milestone, Plan, PlanTarget, Task


def unit_choices():
    return (
        OrgUnit.objects.filter(is_active=True)
        .select_related("region")
        .order_by("region__code", "sort_order", "name")
    )


def leader_choices():
    return User.objects.filter(is_active=True, role__in=[Role.LEADER, Role.CITY_STAFF]).order_by(
        "role", "name"
    )


def assignment_changes(data, tasks) -> tuple[dict, list[str]]:
    """The assignment sheet posted back (``lead_<id>``, ``co_<id>``, ``leader_<id>``,
    ``deadline_<id>``): for each task, only the fields the post carries. A field the sheet did not
    send is left as it is, never cleared (a bulk form never erases what it did not show); the
    sheet marks its 配合单位 list with an empty ``co_<id>``, since a list with nothing chosen posts
    nothing. Returns ``({task: {field: value}}, errors)``, errors naming the task and the field."""
    units = {str(u.pk): u for u in unit_choices()}
    leaders = {str(u.pk): u for u in leader_choices()}
    changes, errors = {}, []
    for task in tasks:
        fields = {}
        if f"lead_{task.pk}" in data:
            lead = data.get(f"lead_{task.pk}", "").strip()
            if lead and lead not in units:
                errors.append(f"任务{task.code}“牵头单位”：所选单位不存在。")
            fields["lead_unit"] = units.get(lead)
        if f"co_{task.pk}" in data:
            chosen = [v for v in data.getlist(f"co_{task.pk}") if v.strip()]
            if any(v not in units for v in chosen):
                errors.append(f"任务{task.code}“配合单位”：所选单位不存在。")
            fields["co_units"] = [units[v] for v in chosen if v in units]
        if f"leader_{task.pk}" in data:
            leader = data.get(f"leader_{task.pk}", "").strip()
            if leader and leader not in leaders:
                errors.append(f"任务{task.code}“责任领导”：所选人员不存在。")
            fields["leader"] = leaders.get(leader)
        if f"deadline_{task.pk}" in data:
            text = data.get(f"deadline_{task.pk}", "").strip()
            try:
                fields["deadline"] = datetime.date.fromisoformat(text) if text else None
            except ValueError:
                errors.append(f"任务{task.code}“完成时限”：“{text}”不是有效日期。")
        if fields:
            changes[task] = fields
    return changes, errors


class PlanUploadForm(BaseForm):
    """Step 1 of the import: the .docx or the pasted text, the title, year and cadence (the
    file itself is checked by the import flow, core.imports.check_upload)."""

    file = forms.FileField(label="上传工作要点（.docx，或按模板填写的 .xlsx）", required=False)
    text = forms.CharField(
        label="或粘贴全文", required=False, widget=forms.Textarea(attrs={"rows": 10})
    )
    title = forms.CharField(
        label="标题", max_length=200, required=False, help_text="留空时取文档第一行标题。"
    )
    year = YearField(label="年度")
    cycle = forms.ChoiceField(label="报送周期", choices=Cycle.choices, initial=Cycle.MONTHLY)
    due_day = forms.IntegerField(
        label="报送日",
        min_value=1,
        max_value=31,
        initial=25,
        help_text="按月、按季为几号；按周、双周为星期几（1—7）。遇节假日顺延。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year

    def clean(self):
        data = super().clean()
        if (
            not data.get("file")
            and not (data.get("text") or "").strip()
            and not self.errors.get("file")
        ):
            raise forms.ValidationError("请上传 .docx 文件或粘贴工作要点全文。")
        cycle, due_day = data.get("cycle"), data.get("due_day")
        if cycle in (Cycle.WEEKLY, Cycle.BIWEEKLY) and due_day and due_day > 7:
            self.add_error("due_day", "按周、双周报送时，报送日应为星期几（1—7）。")
        return data


def plan_docx_check(upload) -> None:
    """The checks a 工作要点 file passes before it is read, on the page and in the API: the
    import contract's (core.imports.check_upload), with the reason as the field's error."""
    from shangwu.core.imports import UploadRejected, check_upload
    from shangwu.tasks.imports import plan_importer

    try:
        check_upload(upload, name=upload.name or "", kinds=plan_importer.kinds)
    except UploadRejected as exc:
        raise forms.ValidationError(str(exc)) from exc


def plan_docx_lines(upload) -> list[str]:
    """The uploaded file's lines as the parser reads them (page and API alike)."""
    from shangwu.tasks.imports import plan_importer

    return plan_importer.lines(plan_file_rows(upload))


def plan_file_rows(upload) -> list[list]:
    """The uploaded file's rows, one line each; a file Word, WPS or Excel cannot have written
    is refused with a message naming the file."""
    import tempfile
    from pathlib import Path

    from shangwu.core.imports import UploadRejected
    from shangwu.tasks.imports import plan_importer

    kind = Path(upload.name or "").suffix.lower().lstrip(".")
    with tempfile.NamedTemporaryFile(suffix=f".{kind}") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
        fh.flush()
        upload.seek(0)
        try:
            return plan_importer.read(fh.name, kind)
        except UploadRejected as exc:
            raise forms.ValidationError(str(exc)) from exc


LINE_KIND_CHOICES = [(k, label) for k, label in LineKind.choices]


class PlanTargetForm(BaseModelForm):
    class Meta:
        model = PlanTarget
        fields = ["text", "value_low", "value_high", "unit", "indicator"]
        help_texts = {"indicator": "用哪项指标衡量这一目标；月通报和驾驶舱据此对照完成情况。"}


class PlanForm(BaseModelForm):
    class Meta:
        model = Plan
        fields = ["title", "preamble", "cycle", "due_day", "reporting_from", "office"]
        widgets = {
            "reporting_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "preamble": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = unit_choices()

    def _post_clean(self):
        pass  # the service validates


class TaskForm(BaseModelForm):
    co_units = forms.ModelMultipleChoiceField(
        label="配合单位",
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = Task
        fields = ["number", "title", "section", "text", "lead_unit", "leader", "deadline"]
        widgets = {
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "text": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = unit_choices()
        self.fields["co_units"].queryset = unit_choices()
        self.fields["leader"].queryset = leader_choices()
        if self.instance.pk:
            self.fields["section"].queryset = self.instance.plan.sections.all()
            self.fields["co_units"].initial = list(
                self.instance.co_unit_links.values_list("unit_id", flat=True)
            )

    def _post_clean(self):
        pass

    def service_fields(self):
        data = dict(self.cleaned_data)
        return data.pop("co_units"), data


class TaskStatusForm(BaseForm):
    status = forms.ChoiceField(
        label="操作",
        choices=[
            (TaskStatus.DONE, "标记为已完成"),
            (TaskStatus.CANCELLED, "取消任务"),
            ("reopen", "重新打开"),
        ],
    )
    note = forms.CharField(
        label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )


class MilestoneForm(BaseForm):
    name = forms.CharField(label="节点内容", max_length=300)
    due_on = forms.DateField(label="计划完成日期", widget=forms.DateInput(attrs={"type": "date"}))
    done_on = forms.DateField(
        label="实际完成日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ReportForm(BaseForm):
    cycle = forms.TypedChoiceField(label="报送期次", coerce=int)
    text = forms.CharField(
        label="工作进展", widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )
    percent = forms.IntegerField(label="完成进度（%）", required=False, min_value=0, max_value=100)
    milestone = forms.ModelChoiceField(
        label="本期达成的里程碑", queryset=Milestone.objects.none(), required=False
    )
    problems = forms.CharField(
        label="存在问题", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=3000
    )
    next_steps = forms.CharField(
        label="下步打算", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=3000
    )
    confirm_lower = forms.BooleanField(
        label="确认进度低于上期",
        required=False,
        help_text="完成进度低于上期报送的数值时须勾选确认。",
    )

    def __init__(self, *args, task, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        today = today or timezone.localdate()
        plan = task.plan
        begun = [
            i
            for i in range(1, cycles.cycle_count(plan) + 1)
            if cycles.cycle_period(plan, i)[0] <= today
        ]
        self.fields["cycle"].choices = [(i, cycles.cycle_label(plan, i)) for i in reversed(begun)]
        self.fields["milestone"].queryset = task.milestones.filter(done_on__isnull=True)


class ReportCorrectForm(BaseForm):
    """Its unit corrects a submitted report (until the quarter is reviewed), giving a reason."""

    text = forms.CharField(
        label="工作进展", widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )
    percent = forms.IntegerField(label="完成进度（%）", required=False, min_value=0, max_value=100)
    problems = forms.CharField(
        label="存在问题", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=3000
    )
    next_steps = forms.CharField(
        label="下步打算", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=3000
    )
    reason = forms.CharField(label="更正原因", max_length=500)
    confirm_lower = forms.BooleanField(
        label="确认进度低于上期",
        required=False,
        help_text="完成进度低于上期报送的数值时须勾选确认。",
    )


class ReviewForm(BaseForm):
    """One row of the 季度点评 sheet: grade and comment for a unit."""

    grade = forms.ChoiceField(label="等次", choices=[("", "—"), *Grade.choices], required=False)
    comment = forms.CharField(
        label="点评意见", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


def default_quarter(today: datetime.date | None = None) -> tuple[int, int]:
    """The quarter a leader reviews: the last finished one."""
    today = today or timezone.localdate()
    q = (today.month - 1) // 3
    return (today.year, q) if q else (today.year - 1, 4)
