"""The 工作台's figures keep their compiled SQL per process (core.figures_sql) and are never
stale: the same numbers as compiled afresh for every persona, new records counted at once, and a
new day, a user moved elsewhere or changed reference data compile the SQL again. A condition
that reads rows or the clock in Python is compiled on every request."""

import datetime
import re
from contextlib import contextmanager
from types import SimpleNamespace

import django_filters
import pytest
from django.utils import timezone

from shangwu.cases import services as case_services
from shangwu.cases.choices import CaseKind, CaseSource
from shangwu.cases.filtersets import CaseFilterSet, NotificationFilterSet
from shangwu.cases.models import Case, CaseCategory, Notification
from shangwu.core import figures, figures_sql
from shangwu.core.context import acting
from shangwu.core.filtersets import pure_sql
from shangwu.enterprises.filtersets import EnterpriseFilterSet
from shangwu.enterprises.models import Enterprise
from shangwu.indicators.filtersets import IndicatorValueFilterSet
from shangwu.indicators.models import IndicatorValue
from shangwu.organization.models import Region
from shangwu.subsidies.filtersets import SubsidyApplicationFilterSet
from shangwu.subsidies.models import SubsidyApplication
from shangwu.tasks.filtersets import TaskFilterSet
from shangwu.tasks.models import Task

pytestmark = pytest.mark.django_db

BUSINESS_PERSONAS = ["leader", "city_staff", "county_a", "county_b", "township_a1"]
CSRF = re.compile(r'(csrfmiddlewaretoken" value=|csrf[-_]token[^>]*content=)"[^"]*"')


def page(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return CSRF.sub(r'\1"…"', response.content.decode())


@pytest.fixture
def compiles(monkeypatch):
    """The statements compiled (not taken from the cache) since the last ``clear()``."""
    built = []
    real = figures_sql._build
    monkeypatch.setattr(figures_sql, "_build", lambda build: built.append(1) or real(build))
    return built


@contextmanager
def signed_in(user, stamp="stamp-1"):
    """A signed-in request of ``user`` read under the reference stamp ``stamp``."""
    with acting(request=SimpleNamespace(user=user, reference_stamp=stamp)):
        yield


def register_case(actor, make_enterprise, county="419902", title="企业反映融资难"):
    now = timezone.now()
    return case_services.case_register(
        actor=actor,
        source=CaseSource.VISIT,
        kind=CaseKind.ORDINARY,
        category=CaseCategory.objects.get(name="融资"),
        title=title,
        content="详细情况……",
        county=Region.objects.get(code=county),
        enterprise=make_enterprise(county=county),
        contact_name="李经理",
        contact_phone="13912345678",
        received_at=now,
        now=now,
    )


def selection(model, filterset, **params):
    return figures.Selection(
        model=model, filterset=filterset, page="cases:case_list", api="api:case-list", params=params
    )


@pytest.mark.parametrize("persona", BUSINESS_PERSONAS)
def test_each_personas_dashboard_states_the_same_figures_with_its_sql_kept(
    persona, request, as_user, make_enterprise, county_a, county_b, monkeypatch, compiles
):
    register_case(county_a, make_enterprise)
    register_case(county_b, make_enterprise, county="419921", title="企业反映用工难")
    make_enterprise(county="419902")
    make_enterprise(county="419921")
    client = as_user(request.getfixturevalue(persona))
    client.get("/")  # the first request of a session does one-off work
    with monkeypatch.context() as m:
        m.setattr(figures_sql, "request_stamp", lambda: None)  # nothing kept: compiled afresh
        afresh = page(client)
    figures_sql.clear()
    compiles.clear()
    cold = page(client)
    compiled_cold = len(compiles)
    warm = page(client)
    assert cold == afresh and warm == afresh
    assert compiled_cold > 0
    # Only the conditions that read rows or the clock in Python are compiled again.
    assert len(compiles) - compiled_cold < compiled_cold / 2


def test_the_most_urgent_cases_are_listed_with_their_statement_kept(
    county_a, as_user, make_enterprise
):
    case = register_case(county_a, make_enterprise, title="企业反映物流不畅")
    client = as_user(county_a)
    client.get("/")
    assert f"待交办：{case.number} 企业反映物流不畅" in page(client)
    later = register_case(county_a, make_enterprise, title="企业反映电价偏高")
    assert f"待交办：{later.number} 企业反映电价偏高" in page(client)


def test_new_records_are_counted_with_the_sql_kept(county_a, compiles):
    sel = selection(Notification, NotificationFilterSet, unread="true")
    with signed_in(county_a):
        assert figures.count_together([sel], user=county_a) == [0]
        Notification.objects.create(recipient=county_a, text="新的通知")
        compiles.clear()
        assert figures.count_together([sel], user=county_a) == [1]
    assert compiles == []


class _TodayFilterSet(NotificationFilterSet):
    """A condition that reads the day (as ``tasks``' 超期: ``deadline < today``)."""

    today = django_filters.BooleanFilter(method="filter_today")

    class Meta(NotificationFilterSet.Meta):
        fields = ["q", "unread", "today"]

    @pure_sql
    def filter_today(self, queryset, name, value):
        start = timezone.make_aware(
            datetime.datetime.combine(timezone.localdate(), datetime.time.min)
        )
        return queryset.filter(created_at__gte=start)


def test_a_new_day_compiles_a_selection_that_reads_the_day_afresh(county_a, monkeypatch):
    Notification.objects.create(recipient=county_a, text="今天的通知")
    sel = selection(Notification, _TodayFilterSet, today="true")
    with signed_in(county_a):
        assert figures.count_together([sel], user=county_a) == [1]
        tomorrow = timezone.now() + datetime.timedelta(days=1)
        monkeypatch.setattr(timezone, "now", lambda: tomorrow)
        assert figures.count_together([sel], user=county_a) == [0]


def test_a_user_moved_to_another_county_counts_that_countys_records(
    county_a, county_b, make_enterprise
):
    make_enterprise(county="419902")
    for _ in range(3):
        make_enterprise(county="419921")
    sel = selection(Enterprise, EnterpriseFilterSet, status="active")
    # The same reference stamp on purpose (saving a user moves it; the key holds the scope too).
    with signed_in(county_b):
        (in_b,) = figures.count_together([sel], user=county_b)
    with signed_in(county_a):
        (in_a,) = figures.count_together([sel], user=county_a)
        county_a.org_unit = county_b.org_unit
        assert figures.count_together([sel], user=county_a) == [in_b]
    assert in_b != in_a


def test_a_user_moved_to_another_unit_gets_that_units_queue(
    county_a, county_b, as_user, make_enterprise
):
    register_case(county_b, make_enterprise, county="419921", title="云水县的诉求")
    client = as_user(county_a)
    assert "云水县的诉求" not in page(client)
    county_a.org_unit = county_b.org_unit
    county_a.save()  # a user's unit is reference data: the stamp moves
    assert "待交办：" in page(client) and "云水县的诉求" in page(client)


def test_changed_reference_data_compiles_afresh_and_empties_the_cache(county_a, compiles):
    sel = selection(Case, CaseFilterSet, queue="to_assign")
    with signed_in(county_a, stamp="before"):
        figures.count_together([sel], user=county_a)
        figures.count_together([sel], user=county_a)
    assert len(compiles) == 1
    with signed_in(county_a, stamp="after"):
        figures.count_together([sel], user=county_a)
    assert len(compiles) == 2
    assert all(key[1] == "after" for key in figures_sql._cache)


def test_outside_a_signed_in_request_nothing_is_kept(county_a, compiles):
    sel = selection(Case, CaseFilterSet, queue="to_assign")
    figures.count_together([sel], user=county_a)
    figures.count_together([sel], user=county_a)
    assert len(compiles) == 2 and not figures_sql._cache


def test_conditions_that_read_rows_or_the_clock_in_python_are_not_pure():
    impure = [
        (IndicatorValue, IndicatorValueFilterSet, {"lagging": "true"}),  # rows → a pk list
        (Task, TaskFilterSet, {"report_missing": "true"}),  # the plan's report states
        (SubsidyApplication, SubsidyApplicationFilterSet, {"light": "red"}),  # now()
        (Enterprise, EnterpriseFilterSet, {"q": "云河"}),  # pinyin matched in Python
    ]
    for model, filterset, params in impure:
        assert not figures_sql.is_pure(selection(model, filterset, **params)), filterset
    pure = [
        (Case, CaseFilterSet, {"queue": "to_sign"}),
        (Case, CaseFilterSet, {"extension_pending": "true"}),
        (Task, TaskFilterSet, {"mine": "lead", "unfinished": "true", "year": "2026"}),
        (Enterprise, EnterpriseFilterSet, {"status": "active", "is_key": "true"}),
    ]
    for model, filterset, params in pure:
        assert figures_sql.is_pure(selection(model, filterset, **params)), filterset


def test_an_impure_selection_is_compiled_every_time_and_still_counted(county_a, compiles):
    sel = selection(Enterprise, EnterpriseFilterSet, q="测试")
    with signed_in(county_a):
        figures.count_together([sel], user=county_a)
        figures.count_together([sel], user=county_a)
    assert len(compiles) == 2 and not figures_sql._cache


def test_the_cache_is_bounded(county_a, monkeypatch):
    monkeypatch.setattr(figures_sql, "MAX_ENTRIES", 3)
    with signed_in(county_a):
        for year in range(2020, 2026):
            sel = selection(Task, TaskFilterSet, year=str(year))
            figures.count_together([sel], user=county_a)
    assert len(figures_sql._cache) == 3
