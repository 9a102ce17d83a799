"""The bulletin and the 工作台 card open on the latest complete month; an incomplete month is
shown only when chosen, with a banner naming the counties that have not reported."""

import datetime
from decimal import Decimal
from urllib.parse import unquote

from shangwu.indicators import selectors, services
from shangwu.organization.models import Region

JUNE = datetime.date(2026, 6, 1)


def enter_june_for_one_county(retail, actor):
    services.value_save(
        item=services.ValueInput(
            indicator=retail,
            region=Region.objects.get(code="419902"),
            cumulative_value=Decimal("50"),
        ),
        month=JUNE,
        actor=actor,
    )


def test_one_county_typing_early_never_becomes_the_default_month(
    as_user, city_staff, county_a, retail_may
):
    enter_june_for_one_county(retail_may, county_a)
    assert selectors.value_latest_complete_month(user=city_staff) == datetime.date(2026, 4, 1)
    text = as_user(city_staff).get("/indicators/").content.decode()
    assert '<option value="2026-04" selected>' in text
    assert 'data-testid="missing-banner"' not in text
    assert "2026年4月" in selectors.indicator_dashboard_panel(user=city_staff)["title"]
    assert "?month=2026-04" in as_user(city_staff).get("/indicators/").content.decode()
    # The downloads without a month are of April too.
    response = as_user(city_staff).get("/indicators/bulletin.xlsx")
    assert "1—4月" in unquote(response["Content-Disposition"])


def test_an_incomplete_month_is_shown_when_chosen_with_the_counties_that_have_not_reported(
    as_user, city_staff, county_a, retail_may
):
    enter_june_for_one_county(retail_may, county_a)
    counties = Region.objects.filter(level="county").count()
    text = as_user(city_staff).get("/indicators/?month=2026-06").content.decode()
    assert '<option value="2026-06" selected>' in text
    others = [
        r.name
        for r in Region.objects.filter(level="county").order_by("sort_order", "code")
        if r.code != "419902"
    ]
    assert f"6月：{counties}个县区中已报1个，未报：{'、'.join(others)}。" in text
    may = as_user(city_staff).get("/indicators/?month=2026-05").content.decode()
    assert f"5月：{counties}个县区中已报{counties - 1}个，未报：桃源县。" in may


def test_a_county_that_reported_only_some_indicators_is_named_with_what_it_lacks(
    city_staff, retail_may
):
    from shangwu.indicators.models import Indicator

    online = Indicator.objects.get(code="ONLINE")
    for county in Region.objects.filter(level="county"):
        if county.code == "419923":
            continue
        services.value_save(
            item=services.ValueInput(indicator=online, region=county, cumulative_value=Decimal(5)),
            month=datetime.date(2026, 4, 1),
            actor=city_staff,
        )
    report = selectors.value_month_report(month=datetime.date(2026, 4, 1))
    assert not report.complete
    assert report.missing == {"桃源县": [online.name]}
    assert f"未报：桃源县（缺：{online.name}）" in report.banner


def test_the_downloads_of_an_incomplete_month_say_who_has_not_reported(
    as_user, city_staff, retail_may
):
    import io

    import openpyxl
    from docx import Document

    client = as_user(city_staff)
    doc = Document(io.BytesIO(client.get("/indicators/bulletin.docx?month=2026-05").content))
    assert any("已报" in p.text and "未报：桃源县" in p.text for p in doc.paragraphs)
    wb = openpyxl.load_workbook(
        io.BytesIO(client.get("/indicators/bulletin.xlsx?month=2026-05").content)
    )
    cells = [str(c.value) for row in wb["社会消费品零售总额"].iter_rows() for c in row]
    assert any("未报：桃源县" in c for c in cells)


def test_the_bulletin_api_defaults_to_the_complete_month_and_names_the_missing(
    as_user, city_staff, retail_may
):
    client = as_user(city_staff)
    assert client.get("/api/indicator-bulletin/").json()["month"] == "2026-04-01"
    may = client.get("/api/indicator-bulletin/?month=2026-05").json()
    assert may["missing_note"].endswith("未报：桃源县。")
    assert may["target_version"].startswith("2026年第")
