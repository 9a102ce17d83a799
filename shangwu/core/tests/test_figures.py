"""Figures: every registered figure equals what its drill-down lists, for the user who asks."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Max
from django.utils import timezone

from shangwu.cases.figures import COLUMN_FIGURES
from shangwu.core import figures, periods
from shangwu.core.figures import format_value, round_half_up
from shangwu.indicators.models import IndicatorValue

pytestmark = pytest.mark.django_db


def _rows(client, url: str) -> list[dict]:
    """Every row of an API list (all pages)."""
    rows, url = [], f"{url}&page_size=500"
    while url:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        data = response.json()
        rows += data["results"]
        url = data["next"]
    return rows


def _drill_lists(client, drill: dict) -> dict[str, list[dict]]:
    if "api" in drill:
        return {"list": _rows(client, drill["api"])}
    return {part: _rows(client, urls["api"]) for part, urls in drill.items()}


def _assert_every_figure_equals_its_drill_down(client, *, date_from, date_to, region=""):
    checked, nonzero, pages_compared = 0, set(), set()
    for spec in figures.all():
        query = f"from={date_from}&to={date_to}" + (f"&region={region}" if region else "")
        response = client.get(f"/api/figures/{spec.key}/?{query}")
        if response.status_code == 400 and region:  # a list with no filter for that region level
            assert "region" in response.json()
            continue
        assert response.status_code == 200, (spec.key, response.content[:300])
        answer = response.json()
        lists = _drill_lists(client, answer["drill"])
        expected = spec.value_from_lists(lists)
        value = None if answer["value"] is None else Decimal(answer["value"])
        assert value == expected, (spec.key, value, expected, answer["drill"])
        assert answer["count"] == spec.count_from_lists(lists), (spec.key, answer["count"])
        if "numerator" in lists:
            assert answer["numerator_count"] == len(lists["numerator"]), spec.key
        # The list pages show the same rows as the API lists (one FilterSet serves both).
        parts = {"list": answer["drill"]} if "page" in answer["drill"] else answer["drill"]
        for part, urls in parts.items():
            page = client.get(urls["page"])
            assert page.status_code == 200, urls["page"]
            paginated = (page.context or {}).get("page")
            if paginated is not None and hasattr(paginated, "paginator"):
                assert paginated.paginator.count == len(lists[part]), (spec.key, urls["page"])
                pages_compared.add(urls["page"].split("?")[0])
        checked += 1
        if value:
            nonzero.add(spec.key)
    # Cases, enterprises, visits, projects, funds, indicator values and targets, and (but for one
    # county: tasks are city work) tasks.
    assert len(pages_compared) >= (7 if region else 8), pages_compared
    return checked, nonzero


@pytest.mark.parametrize("persona", ["city_staff", "county_a"])
def test_every_registered_figure_equals_what_its_drill_down_lists(
    request, as_user, demo_city, persona
):
    user = request.getfixturevalue(persona)
    client = as_user(user)
    today = timezone.localdate()
    # The period ends with the latest month the indicators were reported for.
    reported = IndicatorValue.objects.aggregate(m=Max("month"))["m"]
    last_month = periods.month_end(reported.year, reported.month)
    keys = {spec.key for spec in figures.all()}
    assert {
        "cases.received",
        "cases.closed",
        "cases.closed_rate",
        "cases.on_time_rate",
        "cases.first_satisfaction_rate",
        "cases.satisfaction_rate",
        "cases.reopened",
        "cases.open_overdue",
        "cases.avg_working_days",
        "enterprises.key",
        "enterprises.visits",
        "enterprises.visit_problems",
        "enterprises.covered.county",
        "enterprises.key_coverage.city",
        "enterprises.tag.retail_above",
        "projects.signed",
        "projects.signed_investment",
        "projects.started",
        "projects.producing",
        "tasks.total",
        "tasks.done_on_time",
        "tasks.lagging",
        "tasks.reports_missing",
        "tasks.cycle_total",
        "tasks.cycle_lagging",
        "tasks.cycle_missing",
        "tasks.cycle_on_time_rate",
        "projects.funds_provincial_outside",
        "projects.funds_overseas",
        "projects.fdi_usd",
    } <= keys
    assert any(k.startswith("indicators.") and k.endswith(".completion") for k in keys)

    checked, nonzero = _assert_every_figure_equals_its_drill_down(
        client, date_from=datetime.date(today.year - 1, 1, 1), date_to=last_month
    )
    assert checked == len(keys)
    # Not a vacuous comparison: the demo city has cases, enterprises, visits and projects.
    assert {
        "cases.received",
        "cases.closed",
        "enterprises.visits",
        "enterprises.key",
        "indicators.FT_TOTAL.month",
        "indicators.FT_TOTAL.ytd",
        "indicators.FT_TOTAL.completion",
    } <= nonzero
    # The cases statistics page states the same numbers, labels and definitions as the registry.
    page = client.get(
        f"/cases/statistics/?dimension=county&date_from={today.year - 1}-01-01&date_to={last_month}"
    )
    total = page.context["result"]["total"]
    for column, key in COLUMN_FIGURES.items():
        figure = figures.compute(
            key, user=user, date_from=datetime.date(today.year - 1, 1, 1), date_to=last_month
        )
        shown = getattr(total, column)
        assert (None if shown is None else Decimal(str(shown))) == figure.value, (column, shown)
        assert f'title="{figure.definition}">{figure.label}</th>' in page.content.decode()
    if persona == "city_staff":
        assert {
            "projects.signed",
            "projects.signed_investment",
            "projects.funds_provincial_outside",
            "projects.fdi_usd",
            "tasks.total",
            "tasks.cycle_total",  # the 督办通报's figures, not vacuous either
        } <= nonzero
        # Narrowed to one county, the figures still equal their drill-downs.
        checked, nonzero = _assert_every_figure_equals_its_drill_down(
            client,
            date_from=datetime.date(today.year - 1, 1, 1),
            date_to=last_month,
            region="419902",
        )
        assert checked > 20 and "cases.received" in nonzero


# --- the API's answers to bad or out-of-scope requests ------------------------------------------


def test_the_figure_list_gives_each_key_with_its_label_unit_and_definition(as_user, county_a):
    listed = {f["key"]: f for f in as_user(county_a).get("/api/figures/").json()}
    assert listed["cases.on_time_rate"]["label"] == "按期办结率"
    assert listed["cases.on_time_rate"]["unit"] == "%"
    assert "办结时限" in listed["cases.on_time_rate"]["definition"]
    assert listed["enterprises.key"]["current"] is True


def test_an_unknown_figure_is_not_found_in_chinese(as_user, city_staff):
    response = as_user(city_staff).get("/api/figures/cases.nothing/")
    assert response.status_code == 404
    assert "cases.nothing" in response.json()["detail"] and "统计指标" in response.json()["detail"]


@pytest.mark.parametrize(
    "query, param",
    [
        ("from=2026-02-30", "from"),
        ("to=tomorrow", "to"),
        ("from=2026-06-01&to=2026-01-01", "from"),
        ("region=123", "region"),
    ],
)
def test_bad_dates_or_region_are_refused_naming_the_parameter(as_user, city_staff, query, param):
    response = as_user(city_staff).get(f"/api/figures/cases.received/?{query}")
    assert response.status_code == 400
    assert param in response.json()
    assert (
        "参数" in response.json()[param][0]
        or "区划" in response.json()[param][0]
        or "不能" in response.json()[param][0]
    )


def test_a_county_asking_for_another_county_gets_404_and_the_attempt_is_audited(as_user, county_a):
    from shangwu.audit.models import AuditLog

    response = as_user(county_a).get("/api/figures/cases.received/?region=419903")
    assert response.status_code == 404
    assert "不在您的数据范围内" in response.json()["detail"]
    assert AuditLog.objects.filter(action="denied", detail__contains="419903").exists()


def test_a_county_asking_for_the_city_is_answered_for_its_own_county(as_user, county_a):
    answer = as_user(county_a).get("/api/figures/cases.received/?region=419900").json()
    assert answer["region"]["code"] == county_a.region.county.code
    assert f"county={county_a.region.county.pk}" in answer["drill"]["api"]


def test_admin_roles_get_no_figures(as_user, sysadmin, auditor):
    for user in (sysadmin, auditor):
        assert as_user(user).get("/api/figures/").status_code == 403
        assert as_user(user).get("/api/figures/cases.received/").status_code == 403


def test_tasks_cannot_be_asked_for_a_county(as_user, city_staff):
    response = as_user(city_staff).get("/api/figures/tasks.total/?region=419902")
    assert response.status_code == 400 and "region" in response.json()


# --- tags by code ----------------------------------------------------------------------------------


def test_renaming_a_tag_changes_neither_its_figure_nor_the_new_above_scale_count(
    as_user, city_staff, sysadmin, make_enterprise
):
    from shangwu.enterprises.models import EnterpriseTag, Tag
    from shangwu.indicators.models import Indicator
    from shangwu.indicators.selectors import computed_month_counts

    tag = Tag.objects.get(code="retail_above")
    firm = make_enterprise(county="419902")
    EnterpriseTag.objects.create(enterprise=firm, tag=tag, since=datetime.date(2026, 5, 3))
    url = "/api/figures/enterprises.tag.retail_above/"
    before = as_user(city_staff).get(url).json()
    response = as_user(sysadmin).post(
        f"/enterprises/tags/{tag.pk}/edit/",
        {"name": "限额以上零售", "code": "renamed", "needs_date": "on", "sort_order": 2},
    )
    assert response.status_code == 302
    tag.refresh_from_db()
    assert tag.name == "限额以上零售" and tag.code == "retail_above"  # the code cannot be edited
    after = as_user(city_staff).get(url).json()
    assert after["value"] == before["value"] == "1" and "限额以上零售" in after["label"]
    new_above = Indicator.objects.get(computation="new_above_scale")
    counts = computed_month_counts(indicator=new_above, month=datetime.date(2026, 5, 1))
    assert counts[firm.county_id] == 1


# --- rounding and display ----------------------------------------------------------------------


def test_rounding_is_half_up_and_display_is_in_one_place():
    assert round_half_up(Decimal("2.25")) == Decimal("2.3")  # round() would give 2.2
    assert round_half_up(Decimal("-0.05")) == Decimal("-0.1")
    assert format_value(Decimal("86.45"), "%") == "86.5%"
    assert format_value(Decimal("1.25"), "百分点") == "1.3个百分点"
    assert format_value(Decimal("8650.04"), "万元") == "8,650.0万元"
    assert format_value(Decimal("123456"), "万元") == "12.3亿元"
    assert format_value(Decimal("99.95"), "万美元") == "100.0万美元"
    assert format_value(Decimal("1234"), "家") == "1,234家"
    assert format_value(None, "%") == "—"
