"""Filter dropdowns offer only what the user may see: every FilterSet, built for 云水县's officer,
offers no business record outside ``restrict()`` and no county or township but their own."""

import importlib
from types import SimpleNamespace

import django_filters
from django.apps import apps

from shangwu.core.access import Access, restrict
from shangwu.core.filtersets import BaseFilterSet
from shangwu.organization.models import Region
from shangwu.organization.selectors import region_list_counties, region_list_townships
from shangwu.tasks.tests.conftest import SMALL_PLAN


def _every_filterset():
    for config in apps.get_app_configs():
        if config.name.startswith("shangwu."):
            for module in ("filtersets", "baobao.filtersets"):
                try:
                    importlib.import_module(f"{config.name}.{module}")
                except ModuleNotFoundError as exc:
                    if not f"{config.name}.{module}".startswith(exc.name):
                        raise
    found, todo = [], list(BaseFilterSet.__subclasses__())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return [cls for cls in found if cls._meta.model is not None]


def _choice_filters(fs):
    kinds = (django_filters.ModelChoiceFilter, django_filters.ModelMultipleChoiceFilter)
    return [
        (name, fs.form.fields[name].queryset)
        for name, f in fs.filters.items()
        if isinstance(f, kinds)
    ]


def _import_plan():
    """A plan whose tasks are led by the city's 外贸科 and 外资科, 河东区商务局 and 云水县商务局."""
    from shangwu.tasks import parser, services

    tree = parser.parse_text(SMALL_PLAN, year=2026, unit_names=services.unit_names())
    return services.plan_import(
        title="全市商务工作要点", year=2026, tree=tree, actor=None, cycle="monthly", due_day=25
    )


def test_every_filterset_offers_county_b_only_what_county_b_may_see(county_b, make_enterprise):
    # Records county_b must not see: 河东区's and the city's tasks, a 河东区 enterprise.
    _import_plan()
    make_enterprise(county="419902")
    request = SimpleNamespace(user=county_b)
    filtersets = _every_filterset()
    assert len(filtersets) >= 15
    checked, leaks = 0, []
    for cls in filtersets:
        fs = cls({}, queryset=cls._meta.model.objects.none(), request=request)
        for name, queryset in _choice_filters(fs):
            model = queryset.model
            if getattr(model, "access", None) == Access.BUSINESS:
                allowed = restrict(model.objects.all(), county_b, "view")
                checked += model.objects.exclude(pk__in=allowed.values("pk")).exists()
                outside = queryset.exclude(pk__in=allowed.values("pk"))
            elif model is Region and name in ("county", "township"):
                places = (
                    region_list_counties(user=county_b)
                    if name == "county"
                    else region_list_townships(user=county_b)
                )
                outside = queryset.exclude(pk__in=places.values("pk"))
            else:
                continue  # people, units and reference lists: the same for everyone
            leaks += [f"{cls.__name__}.{name}: {obj}" for obj in outside]
    assert checked  # records outside county_b's scope exist, so the check bites
    assert leaks == []


def test_county_b_task_reports_filter_lists_no_other_units_task(county_b, as_user):
    _import_plan()
    page = as_user(county_b).get("/tasks/reports/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "培育外贸主体" in html  # 云水县商务局 leads task 2: offered
    for other in ("深化外贸企业包保服务", "优化外资合作区域", "开展产业链精准招商"):
        assert other not in html
