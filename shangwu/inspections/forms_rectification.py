"""Forms of §6 rectification: they parse input; ``rectification.py`` decides."""

from django import forms

from shangwu.core.forms import BaseForm, MultipleFileField, file_help_text
from shangwu.inspections.choices import RecheckResult
from shangwu.inspections.forms import date_field


class HazardRectifyForm(BaseForm):
    note = forms.CharField(label="整改情况", widget=forms.Textarea(attrs={"rows": 3}))
    rectified_on = date_field("整改完成日期", required=False, help_text="留空为今天。")
    photos = MultipleFileField(
        label="整改照片/材料", required=False, help_text=file_help_text("jpg、png、pdf")
    )


class HazardRecheckForm(BaseForm):
    result = forms.ChoiceField(label="复查结果", choices=RecheckResult.choices)
    recheck_on = date_field("复查日期", required=False, help_text="留空为今天。")
    note = forms.CharField(
        label="复查意见", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class HazardCloseForm(BaseForm):
    note = forms.CharField(label="销号说明", max_length=300, required=False)


class HazardReferForm(BaseForm):
    department = forms.CharField(label="移送部门", max_length=100)
    on = date_field("移送日期", required=False, help_text="留空为今天。")
    note = forms.CharField(
        label="移送说明", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class HazardCaseForm(BaseForm):
    category = forms.ModelChoiceField(
        label="诉求类别", queryset=None, required=False, help_text="留空按系统配置的对应关系归类。"
    )
    title = forms.CharField(label="案件标题", max_length=200, required=False)
    content = forms.CharField(
        label="案件内容", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from shangwu.cases.models import CaseCategory

        self.fields["category"].queryset = CaseCategory.objects.filter(is_active=True)
