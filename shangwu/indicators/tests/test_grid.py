"""Grid entry: one page enters a month of an indicator for every county (or every indicator of
one county), saved in one transaction through the value services."""

import datetime
from decimal import Decimal

from shangwu.indicators import services
from shangwu.indicators.models import Indicator, IndicatorValue, IndicatorValueRevision
from shangwu.organization.models import Region

OCT = datetime.date(2026, 10, 1)
SEP = datetime.date(2026, 9, 1)


def counties():
    return list(Region.objects.filter(level="county").order_by("sort_order", "code"))


def grid_data(indicator, values, prev=None, **extra):
    data = {"month": "2026-10", "indicator": indicator.pk, **extra}
    for county, value in zip(counties(), values, strict=False):
        data[f"v-{indicator.pk}-{county.pk}"] = value
    for county, value in zip(counties(), prev or [], strict=False):
        data[f"p-{indicator.pk}-{county.pk}"] = value
    return data


def test_city_staff_enter_a_month_for_every_county_in_one_post(as_user, city_staff):
    retail = Indicator.objects.get(code="RETAIL")  # arrives as 1—本月累计
    client = as_user(city_staff)
    page = client.get(f"/indicators/values/grid/?indicator={retail.pk}&month=2026-10")
    text = page.content.decode()
    assert page.status_code == 200 and text.count('data-col="0"') == len(counties())
    assert "indicators/grid.js" in text
    values = [f"{10 * (n + 1)}.5" for n in range(len(counties()))]
    values[0] = "1,234.5"  # as pasted from Excel with a thousands separator
    response = client.post(
        "/indicators/values/grid/", grid_data(retail, values, prev=["1000", "18"])
    )
    assert response.status_code == 302
    saved = {
        v.region.code: v
        for v in IndicatorValue.objects.filter(indicator=retail, month=OCT).select_related("region")
    }
    assert len(saved) == len(counties())
    first = saved[counties()[0].code]
    assert first.cumulative_value == Decimal("1234.5")
    assert first.prev_cumulative_value == 1000 and first.updated_by == city_staff


def test_a_monthly_indicator_derives_its_cumulative_and_shows_last_year_and_last_month(
    as_user, city_staff
):
    monthly = Indicator.objects.get(code="RETAIL")
    monthly.arrival = "month"
    monthly.save()
    hedong = Region.objects.get(code="419902")
    for month, value in ((datetime.date(2025, 10, 1), "7.7"), (SEP, "8.8")):
        services.value_save(
            item=services.ValueInput(
                indicator=monthly,
                region=hedong,
                month_value=Decimal(value),
                cumulative_value=Decimal("80") if month == SEP else None,
            ),
            month=month,
            actor=city_staff,
        )
    client = as_user(city_staff)
    text = client.get(f"/indicators/values/grid/?region={hedong.pk}&month=2026-10").content.decode()
    row = text.split(f'data-key="{monthly.pk}-{hedong.pk}"')[1].split("</tr>")[0]
    assert ">7.7" in row and ">8.8" in row and 'data-base="80' in row
    response = client.post(
        "/indicators/values/grid/",
        {"month": "2026-10", "region": hedong.pk, f"v-{monthly.pk}-{hedong.pk}": "9"},
    )
    assert response.status_code == 302
    october = IndicatorValue.objects.get(indicator=monthly, region=hedong, month=OCT)
    assert october.month_value == 9 and october.cumulative_value == 89


def test_a_bad_cell_refuses_the_whole_grid_and_names_the_cell(as_user, city_staff):
    retail = Indicator.objects.get(code="RETAIL")
    values = ["10"] * len(counties())
    values[2] = "12,3x"
    response = as_user(city_staff).post("/indicators/values/grid/", grid_data(retail, values))
    text = response.content.decode()
    assert response.status_code == 200
    assert f"{counties()[2].name}·社会消费品零售总额：“12,3x”不是有效的数字。" in text
    assert 'value="12,3x"' in text and "is-invalid" in text
    assert not IndicatorValue.objects.filter(indicator=retail, month=OCT).exists()


def test_a_correction_in_the_grid_needs_a_reason_and_keeps_a_revision(as_user, county_a):
    retail = Indicator.objects.get(code="RETAIL")
    hedong = Region.objects.get(code="419902")
    key = f"v-{retail.pk}-{hedong.pk}"
    client = as_user(county_a)
    # A county officer's grid has their county only.
    page = client.get(f"/indicators/values/grid/?indicator={retail.pk}&month=2026-10")
    assert page.content.decode().count('data-col="0"') == 1
    data = {"month": "2026-10", "indicator": retail.pk, key: "50"}
    assert client.post("/indicators/values/grid/", data).status_code == 302
    response = client.post("/indicators/values/grid/", {**data, key: "52"})
    assert "河东区·社会消费品零售总额：已有数据，更正须填写更正原因" in response.content.decode()
    assert (
        IndicatorValue.objects.get(indicator=retail, region=hedong, month=OCT).cumulative_value
        == 50
    )
    response = client.post("/indicators/values/grid/", {**data, key: "52", "reason": "统计局反馈"})
    assert response.status_code == 302
    revision = IndicatorValueRevision.objects.get()
    assert (revision.old_cumulative_value, revision.new_cumulative_value, revision.reason) == (
        50,
        52,
        "统计局反馈",
    )


def test_a_county_officer_cannot_post_another_countys_cell(as_user, county_a):
    retail = Indicator.objects.get(code="RETAIL")
    other = Region.objects.get(code="419923")
    response = as_user(county_a).post(
        "/indicators/values/grid/",
        {"month": "2026-10", "indicator": retail.pk, f"v-{retail.pk}-{other.pk}": "5"},
    )
    # Cells outside the user's grid are not read at all.
    assert response.status_code == 302
    assert not IndicatorValue.objects.filter(region=other).exists()


def test_a_township_officer_is_offered_no_grid(as_user, township_a1, county_a):
    assert as_user(township_a1).get("/indicators/values/grid/").status_code == 403
    assert (
        'data-testid="grid-link"'
        not in as_user(township_a1).get("/indicators/values/").content.decode()
    )
    assert (
        'data-testid="grid-link"' in as_user(county_a).get("/indicators/values/").content.decode()
    )


def test_a_grid_posted_with_a_broken_month_saves_nothing(as_user, city_staff):
    retail = Indicator.objects.get(code="RETAIL")
    data = grid_data(retail, ["10"] * len(counties()))
    response = as_user(city_staff).post("/indicators/values/grid/", {**data, "month": "2026-13"})
    assert "月份格式应为 2026-05，未保存。" in response.content.decode()
    assert not IndicatorValue.objects.filter(indicator=retail).exists()
