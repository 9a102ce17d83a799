from django import forms

from shangwu.core.forms import BaseForm, BaseModelForm
from shangwu.enterprises.choices import DIVISION_CHOICES, EnterpriseStatus
from shangwu.enterprises.models import Enterprise, Tag
from shangwu.enterprises.validators import normalize_credit_code
from shangwu.organization.selectors import region_list_counties, region_list_townships


class EnterpriseForm(BaseModelForm):
    class Meta:
        model = Enterprise
        fields = [
            "credit_code", "name", "short_name", "county", "township", "address", "legal_representative",
            "industry_section", "industry_division", "ownership", "registered_capital", "established_on",
            "is_key",
        ]
        widgets = {
            "established_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "industry_division": forms.Select(choices=[("", "---------"), *DIVISION_CHOICES]),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = region_list_counties(user=self.user)
        self.fields["township"].queryset = region_list_townships(user=self.user)
        self.fields["county"].required = False
        self.fields["county"].help_text = "留空时按信用代码第3—8位（登记机关区划码）自动填写。"

    def clean_credit_code(self):
        return normalize_credit_code(self.cleaned_data["credit_code"])

    def _post_clean(self):
        # The county may be derived from the code by the service; model validation runs there.
        pass

    def service_fields(self):
        return {k: v for k, v in self.cleaned_data.items()}


class EnterpriseStatusForm(BaseForm):
    status = forms.ChoiceField(label="新状态", choices=EnterpriseStatus.choices)
    note = forms.CharField(label="变更原因", widget=forms.Textarea(attrs={"rows": 3}), max_length=500)


class BulkTagForm(BaseForm):
    tag = forms.ModelChoiceField(label="标签", queryset=Tag.objects.all())
    since = forms.DateField(label="纳统日期", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                            help_text="限上批发、限上零售、限上住宿、限上餐饮须填写。")

    def clean(self):
        data = super().clean()
        tag = data.get("tag")
        if tag is not None and tag.needs_date and not data.get("since"):
            self.add_error("since", f"标签“{tag}”须填写纳统日期。")
        return data


class TagForm(BaseModelForm):
    class Meta:
        model = Tag
        fields = ["name", "needs_date", "sort_order"]
