from django import forms

from shangwu.core.forms import BaseForm, BaseModelForm
from shangwu.organization.models import OrgUnit
from shangwu.organization.selectors import region_list_counties
from shangwu.vouchers.choices import NEXT_STATUS, CampaignStatus
from shangwu.vouchers.models import VoucherBatch, VoucherCampaign

DATE = {"type": "date"}


class VoucherCampaignForm(BaseModelForm):
    class Meta:
        model = VoucherCampaign
        fields = [
            "name",
            "funder",
            "budget",
            "platform",
            "start_on",
            "end_on",
            "counties",
            "organiser",
            "note",
        ]
        widgets = {
            "start_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "end_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "counties": forms.CheckboxSelectMultiple,
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["counties"].queryset = region_list_counties(user=user)
        self.fields["organiser"].queryset = OrgUnit.objects.filter(is_active=True)
        if user is not None and not self.instance.pk and user.org_unit_id:
            self.initial.setdefault("organiser", user.org_unit_id)

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("counties", None)
        return data


class VoucherBatchForm(BaseModelForm):
    class Meta:
        model = VoucherBatch
        fields = ["name", "code", "face_value", "threshold", "quantity", "industry"]

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.campaign = campaign


class VoucherCampaignMoveForm(BaseForm):
    to_status = forms.ChoiceField(label="推进到", choices=CampaignStatus.choices)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        step = NEXT_STATUS.get(campaign.status) if campaign else None
        if step is not None:
            self.fields["to_status"].choices = [(step.value, step.label)]
            self.initial["to_status"] = step.value
