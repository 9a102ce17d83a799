"""Forms of the enterprise service pages. They parse input; the services do the work."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from shangwu.core.forms import BaseForm, BaseModelForm
from shangwu.enterprises.choices import PROBLEM_CATEGORIES, AssignmentRole, VisitForm
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
    enterprise = forms.ModelChoiceField(queryset=None, label="企业")
    visited_on = forms.DateField(label="走访日期", widget=DATE)
    form = forms.ChoiceField(choices=VisitForm.choices, label="走访形式")
    officials = OfficialMultipleChoiceField(
        queryset=None, label="走访人员", widget=forms.SelectMultiple(attrs={"size": 6})
    )
    notes = forms.CharField(
        label="走访情况", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, enterprise=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.restrict(self.user, "add").only(
            "id", "name"
        )
        self.fields["officials"].queryset = official_list_visible(user=self.user)
        self.fields["visited_on"].initial = timezone.localdate()
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
    description = forms.CharField(
        label="问题描述", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    category = forms.ChoiceField(
        label="问题类别", required=False, choices=[("", "—")] + [(c, c) for c in PROBLEM_CATEGORIES]
    )

    def clean(self):
        data = super().clean()
        if data.get("category") and not (data.get("description") or "").strip():
            self.add_error("description", "已选问题类别，请填写问题描述（不收集问题时请把类别改回“—”）。")
        return data


ProblemFormSet = forms.formset_factory(ProblemForm, extra=3, max_num=20)
