"""Forms of the enterprise service pages. They parse input; the services do the work."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from shangwu.core.forms import BaseForm, BaseModelForm, MultipleFileField, file_help_text
from shangwu.enterprises.choices import PROBLEM_CATEGORIES, AssignmentRole, ProblemStatus, VisitForm
from shangwu.enterprises.models import Contact, Enterprise
from shangwu.enterprises.selectors import official_list_assignable, official_list_visible

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OfficialChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name or obj.username}（{obj.org_unit}{'·' + obj.position if obj.position else ''}）"


class OfficialMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return OfficialChoiceField.label_from_instance(self, obj)


class ContactForm(BaseModelForm):
    """On edit the phone fields start empty (never the full number in the page): blank keeps the
    stored number, anything typed replaces it."""

    class Meta:
        model = Contact
        fields = ["name", "position", "mobile", "landline", "email", "is_primary"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in ("mobile", "landline"):
                masked = getattr(self.instance, f"{name}_masked")
                self.initial[name] = ""
                if masked:
                    self.fields[name].widget.attrs["placeholder"] = masked
                    self.fields[name].help_text = f"当前号码 {masked}；留空则保持不变。"

    def _post_clean(self):
        # Model validation runs in the service, on the values the service is given; the numbers'
        # own format is checked here too, so every mistake shows on the first submit.
        for name in ("mobile", "landline"):
            value = self.cleaned_data.get(name)
            if value:
                try:
                    Contact._meta.get_field(name).run_validators(value)
                except ValidationError as exc:
                    self.add_error(name, exc)

    def service_fields(self) -> dict:
        fields = dict(self.cleaned_data)
        if self.instance.pk:
            for name in ("mobile", "landline"):
                if not fields.get(name):
                    fields.pop(name, None)
        return fields


class AssignmentForm(BaseForm):
    official = OfficialChoiceField(
        queryset=None,
        label="包保人员",
        help_text="包保层级按人员所在单位确定：市直单位为市级，县区商务局为县级，乡镇(街道)为乡镇级。",
    )
    role = forms.ChoiceField(choices=AssignmentRole.choices, label="包保角色")
    start_on = forms.DateField(label="开始日期", widget=DATE)
    end_on = forms.DateField(
        label="结束日期", required=False, widget=DATE, help_text="长期包保可不填。"
    )
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, enterprise=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["official"].queryset = official_list_assignable(
            user=self.user, enterprise=enterprise
        )
        self.fields["start_on"].initial = timezone.localdate()


class AssignmentEndForm(BaseForm):
    end_on = forms.DateField(label="结束日期", widget=DATE, help_text="当天仍计入包保。")
    note = forms.CharField(label="结束原因", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end_on"].initial = timezone.localdate()


class BulkAssignForm(AssignmentForm):
    """The same fields; the official list is everyone the user may assign (not one enterprise's)."""


class VisitRecordForm(BaseForm):
    """The visit's own fields. The enterprise and the officials are plain selects limited to the
    user's scope (they work without JavaScript); the page adds a search box over each (htmx, see
    ``VisitPickView``) that narrows the options to names, pinyin initials or credit codes typed."""

    enterprise = forms.ModelChoiceField(queryset=None, label="企业")
    visited_on = forms.DateField(label="走访日期", widget=DATE)
    form = forms.ChoiceField(choices=VisitForm.choices, label="走访形式")
    officials = OfficialMultipleChoiceField(
        queryset=None, label="走访人员", widget=forms.SelectMultiple(attrs={"size": 6})
    )
    notes = forms.CharField(
        label="走访情况", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    photos = MultipleFileField(
        label="现场照片/走访记录扫描件",
        required=False,
        help_text="可多选。" + file_help_text("jpg、png、pdf"),
    )

    def __init__(self, *args, enterprise=None, visit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.restrict(self.user, "add").only(
            "id", "name"
        )
        self.fields["officials"].queryset = official_list_visible(user=self.user)
        self.fields["visited_on"].initial = timezone.localdate()
        self.fields["photos"].help_text = "可多选。" + file_help_text("jpg、png、pdf")
        if visit is not None:  # editing: the enterprise is fixed (its problems belong to it)
            del self.fields["enterprise"]
            self.fields["reason"] = forms.CharField(
                label="修改原因",
                max_length=200,
                required=False,
                help_text="选填；与修改内容一起记入企业动态和审计日志。",
            )
            if not self.is_bound:
                self.initial.update(
                    visited_on=visit.visited_on,
                    form=visit.form,
                    notes=visit.notes,
                    officials=[o.pk for o in visit.officials.all()],
                )
            return
        if enterprise is not None:
            self.fields["enterprise"].initial = enterprise.pk
            self.fields["enterprise"].widget = forms.HiddenInput()
        if self.user is not None and not self.is_bound:
            self.fields["officials"].initial = [self.user.pk]

    def clean_visited_on(self):  # also the service's rule: said with the other mistakes
        day = self.cleaned_data["visited_on"]
        if day > timezone.localdate():
            raise ValidationError("走访日期不能晚于今天。")
        return day


class ProblemForm(BaseForm):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput())
    description = forms.CharField(
        label="问题描述", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    category = forms.ChoiceField(
        label="问题类别", required=False, choices=[("", "—")] + [(c, c) for c in PROBLEM_CATEGORIES]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.initial.get("status") == ProblemStatus.CONVERTED:
            # 已转案件: the case was made from this text; shown, never changed or removed here.
            for name in ("description", "category"):
                self.fields[name].disabled = True

    def clean(self):
        data = super().clean()
        if data.get("category") and not (data.get("description") or "").strip():
            self.add_error(
                "description", "已选问题类别，请填写问题描述（不收集问题时请把类别改回“—”）。"
            )
        return data


class BaseProblemFormSet(forms.BaseFormSet):
    """Any number of problem rows (添加一行 in the page, or 再加一行 without JavaScript). Every
    mistake is also said once above the table, naming its row: “第3行问题描述：……”."""

    default_error_messages = {
        "missing_management_form": "问题表格的数据不完整，请刷新页面后重新填写。",
        "too_many_forms": "一次走访最多登记%(num)d个问题。",
        "too_few_forms": "请至少填写%(num)d个问题。",
    }

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields and form.initial.get("status") == ProblemStatus.CONVERTED:
            form.fields["DELETE"].disabled = True  # added after the form's own __init__

    def clean(self):
        messages = []
        for index, form in enumerate(self.forms):
            if self._should_delete_form(form):
                continue
            for name, errors in form.errors.items():
                label = form.fields[name].label if name in form.fields else ""
                messages += [f"第{index + 1}行{label}：{e}" for e in errors]
        if messages:
            raise ValidationError(messages)

    def rows(self) -> list[dict]:
        """The rows for the service, each with its row number (for messages)."""
        return [
            {
                **form.cleaned_data,
                "row": index + 1,
                "delete": form.cleaned_data.get("DELETE", False),
            }
            for index, form in enumerate(self.forms)
            if form.cleaned_data
        ]


PROBLEM_ROWS_MAX = 200
ProblemFormSet = forms.formset_factory(
    ProblemForm,
    formset=BaseProblemFormSet,
    extra=3,
    max_num=PROBLEM_ROWS_MAX,
    validate_max=True,
    can_delete=True,
    absolute_max=PROBLEM_ROWS_MAX,
)
ProblemEditFormSet = forms.formset_factory(
    ProblemForm,
    formset=BaseProblemFormSet,
    extra=1,
    max_num=PROBLEM_ROWS_MAX,
    validate_max=True,
    can_delete=True,
    absolute_max=PROBLEM_ROWS_MAX,
)


def problem_rows_initial(visit) -> list[dict]:
    return [
        {
            "id": p.pk,
            "description": p.description,
            "category": p.category,
            "status": p.status,
            "case_number": p.case.number if p.status == ProblemStatus.CONVERTED else "",
        }
        for p in visit.problems.select_related("case").order_by("id")
    ]


def problem_formset(data=None, *, initial=None, edit=False, add_row=False):
    """The problem rows; ``add_row`` (the no-JavaScript 再加一行 button) shows one more."""
    cls = ProblemEditFormSet if edit else ProblemFormSet
    if data is not None and add_row:
        data = data.copy()
        key = "problems-TOTAL_FORMS"
        try:
            data[key] = str(min(int(data.get(key, 0)) + 1, PROBLEM_ROWS_MAX))
        except ValueError:
            pass
    return cls(data, initial=initial, prefix="problems")
