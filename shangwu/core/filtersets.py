import copy

import django_filters
from django import forms
from django.db.models import Q
from django_filters.filters import FilterMethod
from drf_spectacular.utils import extend_schema_field

from shangwu.core.access import RestrictedQuerySet, restrict_choices
from shangwu.core.forms import YearField
from shangwu.core.models import DocumentSetting
from shangwu.core.periods import YEAR_MAX, YEAR_MIN
from shangwu.core.rows import read_choices_from_values


@extend_schema_field({"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX})
class YearFilter(django_filters.NumberFilter):
    """A year condition (2000—2100): any other number is an invalid condition (a 400 from the
    API, “筛选条件无效” on a page), never a date computed from year 0 or 10000."""

    field_class = YearField


def county_filter(**kwargs) -> django_filters.ModelChoiceFilter:
    """A list's 县(市、区) condition (a county-level region; ``BaseFilterSet`` narrows it to the
    user's own places)."""
    from shangwu.organization.choices import RegionLevel
    from shangwu.organization.models import Region

    return django_filters.ModelChoiceFilter(
        queryset=Region.objects.filter(level=RegionLevel.COUNTY), label="县(市、区)", **kwargs
    )


def township_filter(**kwargs) -> django_filters.ModelChoiceFilter:
    """A list's 乡镇(街道) condition, whose dropdown follows the county chosen beside it and which
    can ask for the records with no township (（未填）)."""
    from shangwu.core.forms import FollowingSelect
    from shangwu.organization.choices import RegionLevel
    from shangwu.organization.models import Region

    options = {"null_label": "（未填）", "widget": FollowingSelect(follows="county")} | kwargs
    return django_filters.ModelChoiceFilter(
        queryset=Region.objects.filter(level=RegionLevel.TOWNSHIP), label="乡镇(街道)", **options
    )


def pure_sql(method):
    """Declares a filter method (or a FilterSet's own ``filter_queryset``) *pure*: the SQL it adds
    is a function of its value, the asking user's record and scope (the reference data, under the
    reference stamp) and the local day alone — it reads no business rows into Python (no pk list
    computed from data) and no clock finer than the day (``timezone.now()``). A figure selection
    whose every condition is pure keeps its compiled SQL per process (``core.figures_sql``); any
    other is compiled on every request. A filter without ``method=`` of django-filter's own
    classes is pure by construction (``field lookup value``)."""
    method.pure_sql = True
    return method


def filter_is_pure(filterset: type, name: str) -> bool:
    """Whether filter ``name`` of ``filterset`` declares its SQL pure (``pure_sql``)."""
    f = filterset.base_filters[name]
    if f.method is None:
        # A stock filter applies ``field__lookup=value``; a project filter class that overrode
        # ``filter`` would have to say so itself.
        return type(f).filter.__module__.startswith("django_filters.") or getattr(
            type(f), "pure_sql", False
        )
    method = getattr(filterset, f.method, None) if isinstance(f.method, str) else f.method
    return bool(getattr(method, "pure_sql", False))


class _FilterCopies(dict):
    """``base_filters`` as django-filter's ``__init__`` copies them: each filter copied with its
    own field arguments (``extra``) and no field built yet, instead of ``copy.deepcopy``, which
    also copied every declared queryset's whole query, per filter, per request (issue 18). The
    filter set changes only the copy's attributes (``narrow_choices``) and builds the fields
    from ``extra``; a queryset is cloned by the field that takes it."""

    def __deepcopy__(self, memo):
        copies = {}
        for name, base in self.items():
            filter_ = copy.copy(base)
            filter_.extra = dict(base.extra)
            filter_.__dict__.pop("_field", None)
            if isinstance(filter_.__dict__.get("filter"), FilterMethod):  # ``method=``: bound anew
                filter_.filter = FilterMethod(filter_)
            copies[name] = filter_
        return copies


class _FieldsOfThisFilterSet(dict):
    """A filter set's form class's fields for ``BaseForm.__init__``, which deep-copies them: the
    fields its own filters built for this filter set alone are taken as they are (copying their
    choices again was a fifth of building a list's filter form); any other is copied."""

    def __init__(self, fields, own):
        super().__init__(fields)
        self.own = own

    def __deepcopy__(self, memo):
        return {
            name: field if self.own.get(name) is field else copy.deepcopy(field, memo)
            for name, field in self.items()
        }


class BaseFilterSet(django_filters.FilterSet):
    """Every FilterSet has a free-text ``q`` over ``search_fields``; one FilterSet per model
    serves the HTML list, the export and the API.

    Its dropdowns offer, and accept, only what the requesting user may see: every choice of
    business records goes through ``restrict()`` (``restrict_choices``, the rule the forms and the
    API use), and the ``county`` / ``township`` filters offer a county or township user only their
    own places. A subclass never narrows these itself.
    """

    search_fields: tuple[str, ...] = ()
    q = django_filters.CharFilter(method="search", label="关键词")

    def __init__(self, *args, request=None, **kwargs):
        cls = type(self)
        if not isinstance(cls.__dict__.get("base_filters"), _FilterCopies):
            cls.base_filters = _FilterCopies(cls.base_filters)
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
            css = (
                "form-select form-select-sm"
                if w.__class__.__name__.endswith("Select")
                else "form-control form-control-sm"
            )
            w.attrs.setdefault("class", css)
        self.narrow_to_user()
        # A dropdown's options depend on the reference data and the user alone (the narrowing
        # above): kept per process under this filter and user while the field keeps this queryset
        # (core.reference; a subclass that narrows it further is keyed by its compiled query).
        user_id = getattr(getattr(self.request, "user", None), "pk", None)
        for name, field in self.form.fields.items():
            read_choices_from_values(field)
            if user_id is not None and isinstance(field, forms.ModelChoiceField):
                field.kept_as = ((cls, name, user_id), field.queryset)

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form_class = self.get_form_class()
            own = {name: f.__dict__.get("_field") for name, f in self.filters.items()}
            form_class.base_fields = _FieldsOfThisFilterSet(form_class.base_fields, own)
            self._form = (
                form_class(self.data, prefix=self.form_prefix)
                if self.is_bound
                else form_class(prefix=self.form_prefix)
            )
        return self._form

    def narrow_to_user(self) -> None:
        """Limit every model choice to what the requesting user may view (a filter set built
        without a request, e.g. by a figure's drill-down, filters a queryset that is already
        restricted and shows no form)."""
        from shangwu.core import context, reference

        user = getattr(self.request, "user", None)
        if user is None:
            return
        if self.request is not context.current().request or user.pk is None:
            self._narrow_to_user(user)
            return

        built = []

        def narrowed() -> dict:
            # The querysets this user's dropdowns are narrowed to, built once per process
            # while the reference data (and so the user's record) is unchanged: building them
            # (``restrict``'s conditions, the user's counties and townships) cost 0.3–0.4 ms
            # per dropdown on every list page although the options themselves were kept.
            self._narrowed = {}
            built.append(True)
            try:
                self._narrow_to_user(user)
                return {name: qs.all() for name, qs in self._narrowed.items()}
            finally:
                self._narrowed = None

        kept = reference.kept(("narrowed", type(self), user.pk), narrowed)
        if not built:  # kept from an earlier request: each field gets its own copy
            for name, queryset in kept.items():
                self.narrow_choices(name, queryset.all())

    def _narrow_to_user(self, user) -> None:
        for name, field in self.form.fields.items():
            queryset = getattr(field, "queryset", None)
            if isinstance(queryset, RestrictedQuerySet) and name in self.filters:
                self.narrow_choices(name, restrict_choices(queryset, user, business_only=True))
        self.narrow_to_user_region(
            county="county" if "county" in self.filters else None,
            township="township" if "township" in self.filters else None,
        )

    def invalid_fields(self) -> str:
        """The labels of the conditions that could not be read ("" when all could), e.g. for
        “筛选条件“县(市、区)”无效”: such a condition is left out of the list, and must stop an
        export or a bulk action from running over more than the user asked for."""
        if not self.is_bound or self.is_valid():
            return ""
        return "、".join(
            str(self.filters[name].label or name) if name in self.filters else name
            for name in self.form.errors
        )

    def narrow_to_user_region(
        self, county: str | None = "county", township: str | None = "township"
    ):
        """A county or township user's county and township filters offer, and accept, only
        their own places (a city user's offer every one). Called for every filter set by
        ``narrow_to_user``."""
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
        if getattr(self, "_narrowed", None) is not None:  # being kept (``narrow_to_user``)
            self._narrowed[name] = queryset

    @pure_sql
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


class VocabularyFilterSet(BaseFilterSet):
    """The filter of every managed list: free text over name and code, and 启用
    (``Meta.fields = ["q", "is_active", …]``)."""

    search_fields = ("name", "code")
