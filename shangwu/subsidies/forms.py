import re
from decimal import Decimal, InvalidOperation

from django import forms

from shangwu.core.forms import BaseForm, BaseModelForm, FollowingSelect
from shangwu.organization.models import OrgUnit, Region
from shangwu.organization.selectors import region_list_counties, region_list_townships
from shangwu.subsidies.choices import ProductCategory
from shangwu.subsidies.models import SubsidyApplication, SubsidyProgramme

DATE = {"type": "date"}
RULE_LINE = re.compile(
    r"^(?P<cat>\S+)\s+(?:(?P<pct>[\d.]+)\s*%(?:\s*最高\s*(?P<cap>[\d.,]+)\s*元?)?|(?P<amt>[\d.,]+)\s*元?)$"
)
CATEGORY_BY_LABEL = {label: value for value, label in ProductCategory.choices}


def rules_text(programme) -> str:
    lines = []
    for rule in programme.rules.all():
        label = rule.get_category_display()
        if rule.amount_per_unit is not None:
            lines.append(f"{label} {rule.amount_per_unit}")
        else:
            cap = f" 最高{rule.cap_per_unit}" if rule.cap_per_unit is not None else ""
            lines.append(f"{label} {rule.percent_text}%{cap}")
    return "\n".join(lines)


def parse_rules(text: str) -> list[dict]:
    """One rule a line: “冰箱 15% 最高2000” (percent of the sale, cap per unit) or “乘用车 20000”
    (元 per unit). A line that reads otherwise is refused with its number."""
    rules = []
    for n, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        match = RULE_LINE.match(line)
        if match is None:
            raise forms.ValidationError(
                f"第{n}行“{line}”无法识别：应写成“冰箱 15% 最高2000”或“乘用车 20000”。"
            )
        category = CATEGORY_BY_LABEL.get(match["cat"])
        if category is None:
            raise forms.ValidationError(
                f"第{n}行的品类“{match['cat']}”不在品类表中：{'、'.join(CATEGORY_BY_LABEL)}。"
            )
        try:
            rule = {"category": category}
            if match["pct"]:
                rule["percent"] = Decimal(match["pct"])
                if match["cap"]:
                    rule["cap_per_unit"] = Decimal(match["cap"].replace(",", ""))
            else:
                rule["amount_per_unit"] = Decimal(match["amt"].replace(",", ""))
        except InvalidOperation:
            raise forms.ValidationError(f"第{n}行的数字无法识别。") from None
        rules.append(rule)
    return rules


class SubsidyProgrammeForm(BaseModelForm):
    rules = forms.CharField(
        label="补贴标准",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="每行一个品类：比例补贴写“冰箱 15% 最高2000”（销售价格的15%，每台最高2000元），"
        "定额补贴写“乘用车 20000”（每辆20000元）。",
    )

    class Meta:
        model = SubsidyProgramme
        fields = [
            "name",
            "kind",
            "status",
            "organiser",
            "counties",
            "start_on",
            "end_on",
            "central_funds",
            "provincial_funds",
            "city_funds",
            "county_funds",
            "promised_workdays",
            "note",
        ]
        widgets = {
            "start_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "end_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = OrgUnit.objects.filter(is_active=True)
        self.fields["counties"].queryset = Region.objects.filter(level="county")
        self.fields["counties"].widget.attrs["size"] = 5
        region = getattr(self.user, "region", None)
        if region is not None and region.level == "county":
            # A county maintains the programmes of its own county (``_programme_own_q``).
            self.fields["counties"].queryset = Region.objects.filter(pk=region.pk)
            self.fields["counties"].required = True
            self.fields["counties"].help_text = f"县级项目只覆盖本县(市、区)“{region}”。"
            if not self.instance.pk:
                self.initial.setdefault("counties", [region.pk])
        if self.instance.pk:
            self.initial.setdefault("rules", rules_text(self.instance))
        elif self.user is not None:
            self.initial.setdefault("organiser", getattr(self.user, "org_unit_id", None))

    def clean_rules(self):
        return parse_rules(self.cleaned_data.get("rules") or "")

    def _post_clean(self):
        pass  # the service validates (one place for the page and the API)

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("counties", None)
        data.pop("rules", None)
        return data


class SubsidyApplicationForm(BaseModelForm):
    class Meta:
        model = SubsidyApplication
        fields = [
            "programme",
            "number",
            "applicant_name",
            "id_number",
            "category",
            "units",
            "sale_amount",
            "subsidy_amount",
            "override_reason",
            "dealer",
            "county",
            "township",
            "accepted_on",
            "note",
        ]
        widgets = {
            "township": FollowingSelect(follows="county"),
            "accepted_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = region_list_counties(user=self.user)
        self.fields["township"].queryset = region_list_townships(user=self.user)
        self.fields["subsidy_amount"].required = False
        self.fields["subsidy_amount"].help_text = "留空按补贴项目的补贴标准计算。"
        self.fields["id_number"].widget = forms.TextInput(attrs={"autocomplete": "off"})
        if self.instance.pk:
            # Personal data is never put back on the page whole: left empty, it is kept.
            for name, masked in (
                ("applicant_name", self.instance.applicant_masked),
                ("id_number", self.instance.id_number_masked),
            ):
                field = self.fields[name]
                field.required = False
                field.help_text = f"当前：{masked}；留空不修改。"
                self.initial[name] = ""
            self.fields["programme"].disabled = True
        elif self.user is not None:
            county = getattr(getattr(self.user, "region", None), "county", None)
            if county is not None:
                self.initial.setdefault("county", county.pk)

    def _post_clean(self):
        pass

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        if self.instance.pk:
            for name in ("applicant_name", "id_number"):
                if not data.get(name):
                    data.pop(name, None)
            data.pop("programme", None)
            if data.get("subsidy_amount") is None:
                data.pop("subsidy_amount", None)
        return data


class StepForm(BaseForm):
    on = forms.DateField(
        label="办理日期", required=False, widget=forms.DateInput(attrs=DATE), help_text="默认今天。"
    )
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RejectForm(BaseForm):
    on = forms.DateField(
        label="驳回日期", required=False, widget=forms.DateInput(attrs=DATE), help_text="默认今天。"
    )
    reason = forms.CharField(
        label="驳回原因", max_length=200, widget=forms.Textarea(attrs={"rows": 2})
    )


class DealerLinkForm(BaseForm):
    """The registry enterprise an unmatched dealer (as the platform named it) is."""

    enterprise = forms.ModelChoiceField(
        label="企业库企业",
        queryset=None,
        help_text="本申请及您范围内经销商名称（和代码）相同的待匹配申请一并关联。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from shangwu.enterprises.models import Enterprise

        self.fields["enterprise"].queryset = Enterprise.objects.restrict(
            self.user, "view"
        ).order_by("name")


class ApplicationImportForm(BaseForm):
    programme = forms.TypedChoiceField(label="补贴项目", coerce=int)
    file = forms.FileField(label="平台导出文件（.xlsx 或 .csv）")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        programmes = SubsidyProgramme.objects.restrict(self.user, "view").order_by("-start_on")
        self.fields["programme"].choices = [(p.pk, p.name) for p in programmes]
