from django import forms
from django.utils import timezone

from shangwu.core.forms import (
    BaseForm,
    BaseModelForm,
    FollowingSelect,
    VocabularyForm,
    YearField,
    vocabulary_fields,
)
from shangwu.core.periods import KIND_LABELS, MONTH, QUARTER, YEAR
from shangwu.organization.selectors import region_list_counties, region_list_townships
from shangwu.projects.choices import DIVISION_CHOICES
from shangwu.projects.filtersets import officials_for
from shangwu.projects.models import IndustryChain, Project, Stage

DATE = {"type": "date"}


class ProjectForm(BaseModelForm):
    leaders = forms.ModelMultipleChoiceField(
        label="包保领导",
        queryset=None,
        required=False,
        help_text="新项目的包保领导；已有项目请在详情页调整。",
    )

    class Meta:
        model = Project
        fields = [
            "code",
            "name",
            "investor_name",
            "investor_type",
            "origin",
            "origin_place",
            "industry_section",
            "industry_division",
            "chain",
            "is_key",
            "is_manufacturing",
            "is_foreign",
            "is_fortune500",
            "in_provincial_ledger",
            "ledger_year",
            "ledger_quarter",
            "ledger_batch",
            "total_investment",
            "contract_fdi",
            "county",
            "township",
            "site",
            "lead_unit",
            "enterprise",
            "note",
        ]
        widgets = {
            "industry_division": forms.Select(choices=[("", "---------"), *DIVISION_CHOICES]),
            "township": FollowingSelect(follows="county"),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = region_list_counties(user=self.user)
        self.fields["township"].queryset = region_list_townships(user=self.user)
        self.fields["chain"].queryset = IndustryChain.objects.active()
        self.fields["enterprise"].required = False
        self.fields["leaders"].queryset = officials_for(self.user)
        self.fields["leaders"].widget.attrs["class"] = "form-select"
        self.fields["leaders"].widget.attrs["size"] = 4
        if self.instance.pk:
            del self.fields["leaders"]

    def _post_clean(self):
        # Validation runs in the service (one place for the page, the API and the import).
        pass

    def service_fields(self):
        data = dict(self.cleaned_data)
        data.pop("leaders", None)
        return data


class StageMoveForm(BaseForm):
    stage = forms.ModelChoiceField(label="移至阶段", queryset=Stage.objects.active())
    on = forms.DateField(
        label="日期",
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        help_text="该阶段实际发生的日期（如签约日期、开工日期）。",
    )
    note = forms.CharField(
        label="说明或原因",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        help_text="退回前一阶段或终止项目时必填。",
    )

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        if project is not None:
            self.fields["stage"].queryset = Stage.objects.active().exclude(pk=project.stage_id)
        self.fields["on"].initial = timezone.localdate()


class FundsForm(BaseForm):
    month = forms.DateField(
        label="月份",
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        help_text="填报哪个月的到位资金。",
    )
    provincial_outside = forms.DecimalField(
        label="省外资金（万元）", min_value=0, decimal_places=2, initial=0
    )
    overseas = forms.DecimalField(
        label="境外资金（万元）", min_value=0, decimal_places=2, initial=0
    )
    fixed_asset = forms.DecimalField(
        label="其中：固定资产投资（万元）",
        min_value=0,
        decimal_places=2,
        required=False,
        help_text="留空时按“省外＋境外－流动资金”计算。",
    )
    working_capital = forms.DecimalField(
        label="其中：流动资金（万元）", min_value=0, decimal_places=2, initial=0
    )
    fdi_usd = forms.DecimalField(
        label="实际使用外资（万美元）", min_value=0, decimal_places=2, initial=0
    )


class LeaderForm(BaseForm):
    leader = forms.ModelChoiceField(label="包保领导", queryset=None)
    start_on = forms.DateField(
        label="开始日期", widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d")
    )
    note = forms.CharField(label="备注", required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = officials_for(self.user)
        self.fields["start_on"].initial = timezone.localdate()


class LeaderEndForm(BaseForm):
    end_on = forms.DateField(
        label="结束日期", widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d")
    )
    note = forms.CharField(label="说明", required=False, max_length=200)


class ContactForm(BaseForm):
    name = forms.CharField(label="姓名", max_length=50)
    position = forms.CharField(label="职务", max_length=50, required=False)
    mobile = forms.RegexField(
        label="手机号",
        regex=r"^1\d{10}$",
        required=False,
        error_messages={"invalid": "手机号应为以1开头的11位数字。"},
    )
    landline = forms.RegexField(
        label="固定电话",
        regex=r"^[0-9+\-() ]{5,30}$",
        required=False,
        error_messages={"invalid": "固定电话只能包含数字、“-”和括号。"},
    )


class ProblemForm(BaseForm):
    title = forms.CharField(label="问题标题", max_length=200)
    content = forms.CharField(label="问题内容", widget=forms.Textarea(attrs={"rows": 5}))
    category = forms.ModelChoiceField(
        label="问题类别",
        queryset=None,
        required=False,
        empty_label="按对应关系自动选择",
        help_text="留空则按系统管理员设置的“案件类别对应”，由问题标题和内容选定。",
    )
    kind = forms.ChoiceField(
        label="问题类型",
        choices=[("ordinary", "一般"), ("major", "重大复杂")],
        help_text="13710：一般问题7天内解决，重大复杂问题1个月内解决。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from shangwu.cases.models import CaseCategory

        self.fields["category"].queryset = CaseCategory.objects.active()


class PeriodForm(BaseForm):
    """The period of "三个一批": a quarter by default, or a month or a year."""

    kind = forms.ChoiceField(
        label="期间",
        choices=[
            (QUARTER, KIND_LABELS[QUARTER]),
            (MONTH, KIND_LABELS[MONTH]),
            (YEAR, KIND_LABELS[YEAR]),
        ],
        initial=QUARTER,
        required=False,
    )
    year = YearField(label="年份", required=False)
    number = forms.IntegerField(
        label="季度/月份",
        min_value=1,
        max_value=12,
        required=False,
        help_text="季度填1—4，月份填1—12。",
    )

    def clean(self):
        data = super().clean()
        kind = data.get("kind") or QUARTER
        number = data.get("number")
        if kind == QUARTER and number and number > 4:
            self.add_error("number", "季度应为1—4。")
        data["kind"] = kind
        return data


class StageForm(VocabularyForm):
    class Meta:
        model = Stage
        fields = vocabulary_fields(Stage, "milestone", "is_terminal", "color")


class IndustryChainForm(VocabularyForm):
    class Meta:
        model = IndustryChain
        fields = vocabulary_fields(IndustryChain)
