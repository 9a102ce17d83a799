from django import forms
from django.forms.renderers import DjangoTemplates

from shangwu.core.access import RestrictedQuerySet, restrict_choices
from shangwu.core.html import widget_html
from shangwu.core.models import DocumentSetting, Vocabulary
from shangwu.core.periods import YEAR_ERROR, YEAR_MAX, YEAR_MIN


class FormRenderer(DjangoTemplates):
    """Django's form renderer (settings.FORM_RENDERER), with its select, input and textarea
    templates written in Python (``core.html``): a list's filter form had 130–160 options, each
    rendered through its own template include. Same HTML; every other widget template still goes
    through the template engine (to override one of these in ``templates/django/forms``, take it
    out of ``core.html.WIDGETS``)."""

    def render(self, template_name, context, request=None):
        written = widget_html(template_name, context)
        if written is not None:
            return written
        return super().render(template_name, context, request=request)


class YearField(forms.IntegerField):
    """A year (2000—2100), the one rule for every year typed into a form or a list filter."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", YEAR_MIN)
        kwargs.setdefault("max_value", YEAR_MAX)
        super().__init__(**kwargs)
        self.error_messages.update(
            {"invalid": "请输入年份，如 2026。", "min_value": YEAR_ERROR, "max_value": YEAR_ERROR}
        )


class BootstrapMixin:
    """Bootstrap classes on every widget, so templates render fields plainly."""

    def apply_bootstrap(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput,)):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class BaseModelForm(BootstrapMixin, forms.ModelForm):
    """Takes the acting ``user``; choices of related records are limited to what the user may see."""

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            qs = getattr(field, "queryset", None)
            if user is not None and isinstance(qs, RestrictedQuerySet):
                field.queryset = restrict_choices(qs, user)
        self.apply_bootstrap()


class BaseForm(BootstrapMixin, forms.Form):
    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.apply_bootstrap()


class FollowingSelect(forms.Select):
    """A select whose options belong to the option picked in another select of the same form
    (乡镇(街道) under 县(市、区)): each option carries its parent's id, and shangwu.js shows only
    the chosen parent's. ``parent_attr`` is the attribute of the option's record holding it."""

    def __init__(self, *args, follows: str = "county", parent_attr: str = "parent_id", **kwargs):
        super().__init__(*args, **kwargs)
        self.follows, self.parent_attr = follows, parent_attr
        self.attrs["data-follows"] = follows

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-parent"] = getattr(instance, self.parent_attr)
        return option


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); cleans to a list, empty when
    none was chosen. The files themselves are checked by ``core.files`` in the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def file_help_text(kinds: str = "pdf、jpg、png、docx、xlsx") -> str:
    """The limits as the user reads them under a file field (settings FILE_MAX_MB and
    FILE_DAILY_QUOTA_MB)."""
    from shangwu.core.files import daily_quota_bytes, max_bytes, size_text

    return f"{kinds}，每个不超过{size_text(max_bytes())}；每人每天共可上传{size_text(daily_quota_bytes())}。"


class DocumentSettingForm(BaseModelForm):
    class Meta:
        model = DocumentSetting
        fields = [
            "kind",
            "organ_name",
            "show_masthead",
            "masthead_text",
            "number_prefix",
            "show_colophon",
            "cc",
            "printer",
        ]

    def clean_number_prefix(self):
        prefix = self.cleaned_data["number_prefix"].strip()
        if any(ch in prefix for ch in "〔〕[]()（）0123456789"):
            raise forms.ValidationError(
                "发文机关代字只填代字本身，如“云商”，年份和序号由系统编排。"
            )
        return prefix


def vocabulary_fields(model: type[Vocabulary], *extra: str) -> list[str]:
    """The form fields of a managed list: name, code, place, its own ``extra`` fields, 启用."""
    return ["name", "code", model.sort_field, *extra, "is_active"]


class VocabularyForm(BaseModelForm):
    """The form of every managed list (``Meta.fields = vocabulary_fields(Model, …)``). A code
    left blank is made from the name's pinyin; once the entry exists its code is fixed (figures
    and imports know the entry by it)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        code = self.fields["code"]
        code.required = False
        code.help_text = (
            "英文字母、数字、下划线；留空则按名称拼音生成。统计和导入按代码识别，建立后不可修改。"
        )
        if self.instance.pk:
            code.disabled = True

    def clean(self):
        data = super().clean()
        if not self.instance.pk and not data.get("code") and data.get("name"):
            from shangwu.core.services import vocabulary_code

            data["code"] = vocabulary_code(self._meta.model, name=data["name"])
            self.instance.code = data["code"]
        return data
