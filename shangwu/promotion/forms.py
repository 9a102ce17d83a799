from django import forms

from shangwu.core.forms import (
    BaseForm,
    BaseModelForm,
    FollowingSelect,
    VocabularyForm,
    file_help_text,
    vocabulary_fields,
)
from shangwu.organization.models import OrgUnit
from shangwu.organization.selectors import region_list_counties, region_list_townships
from shangwu.promotion.choices import NEXT_STATUS, AttachmentPurpose, EventStatus
from shangwu.promotion.models import EventKind, EventParticipant, PromotionEvent

DATE = {"type": "date"}


class PromotionEventForm(BaseModelForm):
    class Meta:
        model = PromotionEvent
        fields = [
            "name",
            "kind",
            "level",
            "organiser",
            "co_organisers",
            "partners",
            "county",
            "township",
            "venue",
            "format",
            "start_on",
            "end_on",
            "budget",
            "order_currency",
            "summary",
            "note",
        ]
        widgets = {
            "township": FollowingSelect(follows="county"),
            "start_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "end_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = region_list_counties(user=self.user)
        self.fields["township"].queryset = region_list_townships(user=self.user)
        units = OrgUnit.objects.filter(is_active=True).select_related("region")
        self.fields["organiser"].queryset = units
        self.fields["co_organisers"].queryset = units
        self.fields["co_organisers"].widget.attrs["size"] = 4
        active = EventKind.objects.active()
        if self.instance.pk:
            active = EventKind.objects.filter(pk=self.instance.kind_id) | active
        self.fields["kind"].queryset = active
        if not self.instance.pk and self.user is not None:
            self.initial.setdefault("organiser", getattr(self.user, "org_unit_id", None))
            region = getattr(self.user, "region", None)
            county = getattr(region, "county", None)
            if county is not None:
                self.initial.setdefault("county", county.pk)
                self.initial.setdefault("level", "county")
        if not self.instance.pk:
            del self.fields["summary"]  # written once the event has been held
        # Only orders have a unit: a 美食节 need not choose (empty keeps 万美元 / the current).
        self.fields["order_currency"].required = False

    def _post_clean(self):
        # Validation runs in the service (one place for the page and the API).
        pass

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("co_organisers", None)
        if not data.get("order_currency"):
            data.pop("order_currency", None)
        return data


class EventMoveForm(BaseForm):
    to_status = forms.ChoiceField(label="推进到", choices=EventStatus.choices)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, event=None, **kwargs):
        super().__init__(*args, **kwargs)
        step = NEXT_STATUS.get(event.status) if event is not None else None
        if step is not None:
            self.initial.setdefault("to_status", step.value)


def _outcome_field(model, name):
    field = model._meta.get_field(name).formfield()
    field.required = False
    return field


class EventOutcomesForm(BaseForm):
    """The outcomes of the event's kind's family, nothing else."""

    def __init__(self, *args, event=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in event.outcome_fields:
            self.fields[name] = _outcome_field(PromotionEvent, name)
            self.fields[name].label = event.outcome_label(name)
            self.initial.setdefault(name, getattr(event, name))
            if name in (
                "attendance",
                "sales",
                "formal_orders",
                "formal_amount",
                "intended_orders",
                "intended_amount",
                "credit_amount",
            ):
                self.fields[name].help_text = f"留空则按{event.participant_noun}各自填报之和。"
        self.apply_bootstrap()


class ParticipantForm(BaseForm):
    enterprise = forms.ModelChoiceField(label="企业", queryset=None)
    note = forms.CharField(label="备注", required=False, max_length=200)

    def __init__(self, *args, event=None, **kwargs):
        super().__init__(*args, **kwargs)
        from shangwu.enterprises.models import Enterprise

        self.fields["enterprise"].queryset = Enterprise.objects.restrict(self.user, "view").only(
            "id", "name"
        )
        self.fields["enterprise"].label = event.participant_noun
        for name in event.participant_fields:
            self.fields[name] = _outcome_field(EventParticipant, name)
            self.fields[name].label = event.outcome_label(name, EventParticipant)
        self.apply_bootstrap()


class ParticipantOutcomesForm(BaseForm):
    """A participant's own outcomes (its event's family's) and 备注, to correct them."""

    note = forms.CharField(label="备注", required=False, max_length=200)

    def __init__(self, *args, event=None, participant=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in event.participant_fields:
            self.fields[name] = _outcome_field(EventParticipant, name)
            self.fields[name].label = event.outcome_label(name, EventParticipant)
            self.initial.setdefault(name, getattr(participant, name))
        self.initial.setdefault("note", participant.note)
        self.order_fields([*event.participant_fields, "note"])
        self.apply_bootstrap()


class ProjectSignForm(BaseForm):
    project = forms.ModelChoiceField(label="签约项目", queryset=None)
    amount = forms.DecimalField(
        label="签约金额（万元）",
        required=False,
        max_digits=14,
        decimal_places=2,
        help_text="留空则为项目总投资。",
    )
    signed_on = forms.DateField(
        label="签约日期",
        required=False,
        widget=forms.DateInput(attrs=DATE),
        help_text="留空则为活动开始日期。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from shangwu.projects.models import Project

        self.fields["project"].queryset = Project.objects.restrict(self.user, "view").only(
            "id", "name"
        )
        self.apply_bootstrap()


class AttachmentForm(BaseForm):
    purpose = forms.ChoiceField(label="用途", choices=AttachmentPurpose.choices)
    file = forms.FileField(label="文件")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = file_help_text()


class EventKindForm(VocabularyForm):
    class Meta:
        model = EventKind
        fields = vocabulary_fields(EventKind, "family")
