from django import forms

from shangwu.core.forms import (
    BaseForm,
    BaseModelForm,
    FollowingSelect,
    VocabularyForm,
    vocabulary_fields,
)
from shangwu.enterprises.choices import DIVISION_CHOICES, EnterpriseStatus
from shangwu.enterprises.models import Enterprise, Tag
from shangwu.enterprises.services import county_for_credit_code
from shangwu.enterprises.validators import normalize_credit_code
from shangwu.organization.choices import RegionLevel
from shangwu.organization.selectors import region_list_counties, region_list_townships


class EnterpriseForm(BaseModelForm):
    class Meta:
        model = Enterprise
        fields = [
            "credit_code",
            "name",
            "short_name",
            "county",
            "township",
            "address",
            "legal_representative",
            "industry_section",
            "industry_division",
            "ownership",
            "registered_capital",
            "established_on",
            "is_key",
        ]
        widgets = {
            "township": FollowingSelect(follows="county"),
            "established_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "industry_division": forms.Select(choices=[("", "---------"), *DIVISION_CHOICES]),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = region_list_counties(user=self.user)
        self.fields["township"].queryset = region_list_townships(user=self.user)
        self.fields["county"].required = False
        self.fields["county"].help_text = "留空时按信用代码第3—8位（登记机关区划码）自动填写。"
        region = getattr(self.user, "region", None)
        if region is not None and region.level == RegionLevel.TOWNSHIP and not self.instance.pk:
            self.fields["township"].initial = region.pk  # a township officer registers their own

    def clean_credit_code(self):
        code = normalize_credit_code(self.cleaned_data["credit_code"])
        taken = Enterprise.objects.filter(credit_code=code).exclude(pk=self.instance.pk).first()
        if taken is not None:  # named only when the user may see it
            visible = (
                self.user is not None
                and Enterprise.objects.restrict(self.user).filter(pk=taken.pk).exists()
            )
            raise forms.ValidationError(
                f"该信用代码已登记为“{taken}”，不能重复登记。"
                if visible
                else "该信用代码已由其他县区登记，不能重复登记。"
            )
        return code

    def clean(self):
        """Outside the user's area: said on the field that puts it there, before anything is saved."""
        data = super().clean()
        region = getattr(self.user, "region", None)
        if region is None or region.level == RegionLevel.CITY:
            return data
        county = data.get("county")
        code = data.get("credit_code") or ""
        if county is None and len(code) == 18:
            derived = county_for_credit_code(code)
            if derived is not None and derived.pk != region.county.pk:
                self.add_error(
                    "credit_code",
                    f"信用代码第3—8位对应“{derived}”，不在您的数据范围内："
                    f"请核对信用代码，或选择“{region.county}”。",
                )
        if region.level == RegionLevel.TOWNSHIP and data.get("township") != region:
            self.add_error("township", f"请选择“{region}”：您只能登记本乡镇(街道)的企业。")
        return data

    def _post_clean(self):
        # The county may be derived from the code by the service; model validation runs there.
        pass

    def service_fields(self):
        return {k: v for k, v in self.cleaned_data.items()}


class EnterpriseStatusForm(BaseForm):
    status = forms.ChoiceField(label="新状态", choices=EnterpriseStatus.choices)
    note = forms.CharField(
        label="变更原因", widget=forms.Textarea(attrs={"rows": 3}), max_length=500
    )


class TagPickForm(BaseForm):
    """A tag and, for the tags that need one (限上…), its 纳统 date."""

    tag = forms.ModelChoiceField(label="标签", queryset=Tag.objects.active())
    since = forms.DateField(
        label="纳统日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    since_help = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dated = "、".join(Tag.objects.filter(needs_date=True).values_list("name", flat=True))
        self.fields["since"].help_text = f"{dated}须填写{self.since_help}。" if dated else ""

    def clean(self):
        data = super().clean()
        tag = data.get("tag")
        if tag is not None and tag.needs_date and not data.get("since"):
            self.add_error("since", f"标签“{tag}”须填写纳统日期。")
        return data


class EnterpriseTagForm(TagPickForm):
    """Add a tag to one enterprise, or give a tag it holds another 纳统 date."""

    since_help = "；已有的标签填写新日期即修改"


class BulkTagForm(TagPickForm):
    since_help = "；已有此标签的企业保留原纳统日期"


class TagForm(VocabularyForm):
    class Meta:
        model = Tag
        fields = vocabulary_fields(Tag, "needs_date")
