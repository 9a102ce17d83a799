from django import forms

from shangwu.core.forms import BaseModelForm
from shangwu.enterprises.models import Enterprise
from shangwu.enterprises.validators import normalize_credit_code
from shangwu.organization.selectors import region_list_counties, region_list_townships


class EnterpriseForm(BaseModelForm):
    class Meta:
        model = Enterprise
        fields = [
            "credit_code", "name", "short_name", "county", "township", "address", "legal_representative",
            "industry_section", "industry_division", "ownership", "registered_capital", "established_on",
            "status", "is_key",
        ]
        widgets = {"established_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

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
