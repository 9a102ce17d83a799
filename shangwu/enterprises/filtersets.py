import django_filters
from django.db.models import Q

from shangwu.core.filtersets import BaseFilterSet
from shangwu.enterprises.choices import INDUSTRY_SECTIONS, EnterpriseStatus, Ownership
from shangwu.enterprises.models import Enterprise, Tag
from shangwu.organization.choices import RegionLevel
from shangwu.organization.models import Region


class EnterpriseFilterSet(BaseFilterSet):
    county = django_filters.ModelChoiceFilter(queryset=Region.objects.filter(level=RegionLevel.COUNTY), label="县(市、区)")
    township = django_filters.ModelChoiceFilter(queryset=Region.objects.filter(level=RegionLevel.TOWNSHIP), label="乡镇(街道)")
    tag = django_filters.ModelChoiceFilter(field_name="tags", queryset=Tag.objects.all(), label="标签")
    industry_section = django_filters.ChoiceFilter(choices=INDUSTRY_SECTIONS, label="行业门类")
    ownership = django_filters.ChoiceFilter(choices=Ownership.choices, label="经济类型")
    status = django_filters.ChoiceFilter(choices=EnterpriseStatus.choices, label="状态")
    is_key = django_filters.BooleanFilter(label="重点企业")

    class Meta:
        model = Enterprise
        fields = ["q", "county", "township", "tag", "industry_section", "ownership", "status", "is_key"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        cond = Q(name__icontains=value) | Q(short_name__icontains=value) | Q(credit_code__icontains=value.upper())
        if value.isascii() and value.isalpha():
            cond |= Q(name_initials__startswith=value.lower()) | Q(name_pinyin__startswith=value.lower())
        return queryset.filter(cond)

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        if user is not None and user.region is not None and user.region.level != RegionLevel.CITY:
            region = user.region
            county = region.county
            self.filters["county"].queryset = Region.objects.filter(pk=county.pk)
            self.filters["township"].queryset = (
                Region.objects.filter(parent=county) if region.level == RegionLevel.COUNTY else Region.objects.filter(pk=region.pk)
            )


class TagFilterSet(BaseFilterSet):
    search_fields = ("name",)

    class Meta:
        model = Tag
        fields = ["q", "needs_date"]
