import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from shangwu.core.filtersets import (
    BaseFilterSet,
    VocabularyFilterSet,
    county_filter,
    pure_sql,
    township_filter,
)
from shangwu.enterprises.choices import (
    INDUSTRY_SECTIONS,
    AssignmentLevel,
    EnterpriseStatus,
    Ownership,
)
from shangwu.enterprises.models import Assignment, Enterprise, Tag
from shangwu.enterprises.selectors import official_list_visible
from shangwu.enterprises.validators import ALPHABET

CODE_CHARS = set(ALPHABET)  # GB 32100: no I, O, S, V, Z


def prefix_q(field: str, prefix: str) -> Q:
    """``field`` starts with ``prefix`` (lower-case ASCII), as a range a plain b-tree index serves on
    SQLite (whose LIKE ignores indexes on case-sensitive columns) and on PostgreSQL in any collation
    (LIKE needs a ``varchar_pattern_ops`` index outside the C collation); ``startswith`` keeps the
    answer exact where a collation orders punctuation differently."""
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": upper, f"{field}__startswith": prefix})


@extend_schema_field(OpenApiTypes.INT)
class OfficialFilter(django_filters.ModelChoiceFilter):
    """A user id (包保人员); typed for the OpenAPI schema, which cannot infer it from a method filter."""


def enterprise_search(queryset, value):
    """Free text over names, short names, pinyin, initials and codes, within ``queryset``
    (the other filters already applied)."""
    # Case-sensitive `contains` on Chinese text: UPPER() on every row made PostgreSQL scan
    # 100,000 names in 230 ms. Latin letters are pinyin (initials or full, indexed prefix
    # search, spaces between syllables allowed) or part of a credit code (whose letters are
    # always upper case); only when nothing matches so are they looked for inside names and
    # short names (ABC, TCL: as typed and in capitals), which reads every row.
    words = value.replace(" ", "")
    text = Q(name__contains=value) | Q(short_name__contains=value)
    if words.isascii() and words.isalpha():
        low, upper = words.lower(), value.upper()
        cond = prefix_q("name_initials", low) | prefix_q("name_pinyin", low)
        if words == value and set(upper) <= CODE_CHARS:  # else no code can hold it
            cond |= Q(credit_code__contains=upper)
        if words == value and not queryset.filter(cond).exists():
            cond = text | Q(name__contains=upper) | Q(short_name__contains=upper)
    elif words.isascii() and words.isalnum():
        # Letters and digits: a credit code's part, or the pinyin of a name holding digits
        # (云河河东南顺1加油站 → yhhdns1jyz), or the digits inside a name.
        low = words.lower()
        cond = (
            prefix_q("name_initials", low)
            | prefix_q("name_pinyin", low)
            | Q(credit_code__contains=value.upper())
            | text
            | Q(name__contains=value.upper())
        )
    else:
        cond = text
    return queryset.filter(cond)


class EnterpriseFilterSet(BaseFilterSet):
    county = county_filter()
    township = township_filter()
    tag = django_filters.ModelChoiceFilter(
        field_name="tags", queryset=Tag.objects.all(), method="filter_tag", label="标签"
    )
    industry_section = django_filters.ChoiceFilter(choices=INDUSTRY_SECTIONS, label="行业门类")
    ownership = django_filters.ChoiceFilter(choices=Ownership.choices, label="经济类型")
    status = django_filters.ChoiceFilter(choices=EnterpriseStatus.choices, label="状态")
    is_key = django_filters.BooleanFilter(label="重点企业")
    # 包保: covered today (at any level, or at ``covered_level``), or by one official.
    covered = django_filters.ChoiceFilter(
        choices=[("yes", "已包保"), ("no", "未包保")], method="filter_covered", label="包保覆盖"
    )
    covered_level = django_filters.ChoiceFilter(
        choices=AssignmentLevel.choices, method="filter_covered_level", label="包保层级"
    )
    official = OfficialFilter(
        queryset=lambda request: official_list_visible(user=getattr(request, "user", None)),
        method="filter_official",
        label="包保人员",
    )

    class Meta:
        model = Enterprise
        fields = [
            "q",
            "county",
            "township",
            "tag",
            "industry_section",
            "ownership",
            "status",
            "is_key",
            "covered",
            "covered_level",
            "official",
        ]

    def filter_tag(self, queryset, name, value):
        """A tag, or, for the tags a designation kind stands for (中华老字号, 省级老字号), the
        enterprises holding such a designation today (designations: no longer set by hand)."""
        if value is None:
            return queryset
        from shangwu.designations.selectors import (
            designation_tag_codes,
            enterprise_ids_with_designation_tag,
        )

        if value.code in designation_tag_codes():
            return queryset.filter(pk__in=enterprise_ids_with_designation_tag(value.code))
        return queryset.filter(tags=value)

    def search(self, queryset, name, value):
        return queryset  # applied last (filter_queryset): whether the pinyin matches decides

    # Pure but for ``q``, whose pinyin match is not declared pure (``search`` above): a figure
    # selection with ``q`` is compiled every time (core.figures_sql).
    @pure_sql
    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        value = (self.form.cleaned_data.get("q") or "").strip()
        return self.search_text(queryset, value) if value else queryset

    def search_text(self, queryset, value):
        return enterprise_search(queryset, value)

    @staticmethod
    def _assigned_today(**lookups):
        return Exists(
            Assignment.objects.current(timezone.localdate()).filter(
                enterprise=OuterRef("pk"), **lookups
            )
        )

    @pure_sql
    def filter_covered(self, queryset, name, value):
        level = self.form.cleaned_data.get("covered_level")
        current = self._assigned_today(**({"level": level} if level else {}))
        return queryset.filter(current if value == "yes" else ~current)

    @pure_sql
    def filter_covered_level(self, queryset, name, value):
        if self.form.cleaned_data.get("covered"):
            return queryset  # applied together with 包保覆盖 in filter_covered
        return queryset.filter(self._assigned_today(level=value))

    @pure_sql
    def filter_official(self, queryset, name, value):
        return queryset.filter(self._assigned_today(official=value))


class TagFilterSet(VocabularyFilterSet):
    class Meta:
        model = Tag
        fields = ["q", "is_active", "needs_date"]
