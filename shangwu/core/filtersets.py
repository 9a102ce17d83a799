import django_filters
from django import forms
from django.db.models import Q

from shangwu.core.models import DocumentSetting


class BaseFilterSet(django_filters.FilterSet):
    """Every FilterSet has a free-text ``q`` over ``search_fields``; one FilterSet per model
    serves the HTML list, the export and the API."""

    search_fields: tuple[str, ...] = ()
    q = django_filters.CharFilter(method="search", label="关键词")

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        for f in self.form.fields.values():
            if isinstance(f.widget, forms.NullBooleanSelect):
                # "未知" means nothing to a user filtering a list: offer 全部 / 是 / 否.
                f.widget = forms.Select(choices=[("", "全部"), ("true", "是"), ("false", "否")])
            if getattr(f, "empty_label", None) is not None:
                f.empty_label = "全部"
            elif isinstance(f, forms.ChoiceField) and f.choices and list(f.choices)[0][0] == "":
                f.choices = [("", "全部"), *list(f.choices)[1:]]
            w = f.widget
            css = "form-select form-select-sm" if w.__class__.__name__.endswith("Select") else "form-control form-control-sm"
            w.attrs.setdefault("class", css)

    def invalid_fields(self) -> str:
        """The labels of the conditions that could not be read ("" when all could), e.g. for
        “筛选条件“县(市、区)”无效”: such a condition is left out of the list, and must stop an
        export or a bulk action from running over more than the user asked for."""
        if not self.is_bound or self.is_valid():
            return ""
        return "、".join(
            str(self.filters[name].label or name) if name in self.filters else name for name in self.form.errors
        )

    def narrow_to_user_region(self, county: str | None = "county", township: str | None = "township"):
        """A county or township user's county and township filters offer, and accept, only
        their own places (a city user's offer every one)."""
        from shangwu.organization.choices import RegionLevel
        from shangwu.organization.selectors import region_list_counties, region_list_townships

        user = getattr(self.request, "user", None)
        region = getattr(user, "region", None)
        if region is None or region.level == RegionLevel.CITY:
            return
        if county:
            self.narrow_choices(county, region_list_counties(user=user))
        if township:
            self.narrow_choices(township, region_list_townships(user=user))

    def narrow_choices(self, name: str, queryset) -> None:
        """Limit filter ``name`` to ``queryset``: its choices on the page and what it accepts
        (the form was built in ``__init__``, so both are set)."""
        self.filters[name].queryset = queryset
        self.form.fields[name].queryset = queryset

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        cond = Q()
        for field in self.search_fields:
            cond |= Q(**{f"{field}__icontains": value})
        return queryset.filter(cond)


class DocumentSettingFilterSet(BaseFilterSet):
    search_fields = ("organ_name", "masthead_text", "cc", "printer")

    class Meta:
        model = DocumentSetting
        fields = ["q", "kind"]
