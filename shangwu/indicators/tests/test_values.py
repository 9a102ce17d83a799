"""Monthly values: derivation of 本月/累计, corrections with history, computed indicators, targets
that do not add up, and who may write which region."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from shangwu.enterprises.models import EnterpriseTag, Tag
from shangwu.indicators import selectors, services
from shangwu.indicators.models import IndicatorValue, IndicatorValueRevision

APRIL, MAY = datetime.date(2026, 4, 1), datetime.date(2026, 5, 1)


def save(indicator, region, month, actor, reason="", **values):
    return services.value_save(
        item=services.ValueInput(indicator=indicator, region=region, **values),
        month=month,
        reason=reason,
        actor=actor,
    )


def test_the_month_value_is_derived_from_cumulative_figures(indicator, region, city_staff):
    retail, hd = indicator("RETAIL"), region("419902")
    save(retail, hd, APRIL, city_staff, cumulative_value=Decimal("40.5"))
    save(retail, hd, MAY, city_staff, cumulative_value=Decimal("52.0"))
    may = IndicatorValue.objects.get(indicator=retail, region=hd, month=MAY)
    assert may.month_value == Decimal("11.5")


def test_the_cumulative_value_is_derived_from_month_values_and_follows_a_correction(
    indicator, region, city_staff
):
    funds_like, hd = indicator("FT_TOTAL"), region("419902")
    funds_like.arrival = "month"
    funds_like.save()
    save(funds_like, hd, datetime.date(2026, 1, 1), city_staff, month_value=Decimal("3"))
    save(funds_like, hd, datetime.date(2026, 2, 1), city_staff, month_value=Decimal("4"))
    assert (
        IndicatorValue.objects.get(
            region=hd, indicator=funds_like, month="2026-02-01"
        ).cumulative_value
        == 7
    )
    save(
        funds_like,
        hd,
        datetime.date(2026, 1, 1),
        city_staff,
        reason="海关数据修订",
        month_value=Decimal("5"),
    )
    assert (
        IndicatorValue.objects.get(
            region=hd, indicator=funds_like, month="2026-02-01"
        ).cumulative_value
        == 9
    )


def test_a_correction_keeps_the_old_value_with_who_when_and_why(indicator, region, city_staff):
    retail, hd = indicator("RETAIL"), region("419902")
    save(retail, hd, MAY, city_staff, cumulative_value=Decimal("50"))
    with pytest.raises(ValidationError, match="更正原因"):
        save(retail, hd, MAY, city_staff, cumulative_value=Decimal("51"))
    assert (
        save(retail, hd, MAY, city_staff, reason="统计局反馈修订", cumulative_value=Decimal("51"))
        == "changed"
    )
    revision = IndicatorValueRevision.objects.get(value__region=hd)
    assert revision.old_cumulative_value == Decimal(
        "50"
    ) and revision.new_cumulative_value == Decimal("51")
    assert (
        revision.actor == city_staff
        and revision.reason == "统计局反馈修订"
        and revision.at is not None
    )


def test_saving_the_same_figures_again_changes_nothing(indicator, region, city_staff):
    retail, hd = indicator("RETAIL"), region("419902")
    save(retail, hd, MAY, city_staff, cumulative_value=Decimal("50"))
    assert save(retail, hd, MAY, city_staff, cumulative_value=Decimal("50.0000")) == "unchanged"
    assert not IndicatorValueRevision.objects.exists()


def test_county_staff_write_their_own_county_only(indicator, region, county_a):
    retail = indicator("RETAIL")
    save(retail, region("419902"), MAY, county_a, cumulative_value=Decimal("1"))
    with pytest.raises(ValidationError, match="只能填报河东区"):
        save(retail, region("419921"), MAY, county_a, cumulative_value=Decimal("1"))
    with pytest.raises(ValidationError):
        save(retail, region("419900"), MAY, county_a, cumulative_value=Decimal("1"))


def test_computed_indicators_cannot_be_entered_by_hand(indicator, region, city_staff):
    with pytest.raises(ValidationError, match="平台"):
        save(indicator("NEW_ABOVE"), region("419902"), MAY, city_staff, month_value=Decimal("3"))


def test_new_above_scale_enterprises_are_counted_from_registry_tags_and_their_dates(
    indicator, region, city_staff, make_enterprise
):
    retail_tag, _ = Tag.objects.get_or_create(name="限上零售", defaults={"needs_date": True})
    food_tag, _ = Tag.objects.get_or_create(name="限上餐饮", defaults={"needs_date": True})
    before = IndicatorValue.objects.filter(
        indicator=indicator("NEW_ABOVE"), region=region("419902"), month=MAY
    )
    assert not before.exists()
    e1 = make_enterprise(county="419902")
    e2 = make_enterprise(county="419902")
    EnterpriseTag.objects.create(enterprise=e1, tag=retail_tag, since=datetime.date(2026, 5, 3))
    EnterpriseTag.objects.create(enterprise=e1, tag=food_tag, since=datetime.date(2026, 5, 9))
    EnterpriseTag.objects.create(enterprise=e2, tag=retail_tag, since=datetime.date(2026, 4, 30))
    services.values_compute(month=MAY, actor=city_staff)
    row = IndicatorValue.objects.get(
        indicator=indicator("NEW_ABOVE"), region=region("419902"), month=MAY
    )
    assert row.month_value == 1 and row.source == "computed"
    city = IndicatorValue.objects.get(
        indicator=indicator("NEW_ABOVE"), region=region("419900"), month=MAY
    )
    assert city.month_value == 1
    assert services.values_compute(month=MAY, actor=city_staff)["changed"] == 0


def test_targets_that_do_not_add_up_are_reported(indicator, region, city_staff):
    retail = indicator("RETAIL")
    services.target_set(
        indicator=retail, year=2026, region=region("419900"), value=Decimal("100"), actor=city_staff
    )
    services.target_set(
        indicator=retail, year=2026, region=region("419902"), value=Decimal("60"), actor=city_staff
    )
    messages = selectors.target_mismatches(year=2026)
    assert any("社会消费品零售总额" in m and "60.0" in m and "100.0" in m for m in messages)


@pytest.mark.parametrize("year", ["0", "-1", "10000"])
def test_a_year_outside_2000_to_2100_is_refused_with_a_message_on_the_api_and_the_page(
    year, indicator, region, city_staff, as_user
):
    save(indicator("RETAIL"), region("419902"), MAY, city_staff, cumulative_value=Decimal(10))
    value = IndicatorValue.objects.get(
        indicator=indicator("RETAIL"), region=region("419902"), month=MAY
    )
    client = as_user(city_staff)
    for url in (
        "/api/indicator-values/",
        f"/api/indicator-values/{value.pk}/revisions/",
        "/api/indicator-targets/",
    ):
        response = client.get(url, {"year": year})
        assert response.status_code == 400, url
        assert response.json()["year"] == ["年度应在2000年至2100年之间。"]
    page = client.get("/indicators/values/", {"year": year})
    assert page.status_code == 200 and "年度" in page.content.decode()
    assert client.get("/api/indicator-values/", {"year": "2026"}).json()["count"] == 1
