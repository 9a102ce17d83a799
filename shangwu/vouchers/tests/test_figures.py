"""The ``vouchers.`` figures on a hand-built campaign: each value as worked out by hand, for the
city and for a county, and each equal to what its drill-down lists (API and page)."""

import datetime
from decimal import Decimal

import pytest

from shangwu.core import figures
from shangwu.vouchers.tests.conftest import csv_bytes, row

pytestmark = pytest.mark.django_db
PERIOD = "from=2026-05-01&to=2026-05-31"


@pytest.fixture
def hand_built(make_campaign, city_staff, run_import, make_enterprise):
    """餐饮 10张×30元 and 零售 10张×50元 issued; three redemptions: two in 河东区 (one merchant, a
    registry enterprise by its credit code), one in 云水县."""
    campaign = make_campaign(quantity=10)
    shop = make_enterprise(name="河东老字号饭店")
    result = run_import(
        city_staff,
        campaign,
        csv_bytes(
            [
                row("F1", credit=shop.credit_code, order="5000", discount="1000"),
                row(
                    "F2",
                    credit=shop.credit_code,
                    order="15000",
                    discount="3000",
                    at="2026-05-03 09:00:00",
                ),
                row(
                    "F3",
                    batch="零售满200减50",
                    county="云水县",
                    merchant="云水超市",
                    order="30000",
                    discount="5000",
                ),
            ]
        ),
    )
    assert result.committed
    return campaign


def _rows(client, url):
    rows, url = [], f"{url}&page_size=500"
    while url:
        body = client.get(url).json()
        rows += body["results"]
        url = body["next"]
    return rows


EXPECTED = {
    # key: (city, 河东区)
    "vouchers.issued_count": ("20", "20"),
    "vouchers.issued_amount": ("0.08", "0.08"),
    "vouchers.redeemed_count": ("3", "2"),
    "vouchers.subsidy": ("0.90", "0.40"),
    "vouchers.consumption": ("5.00", "2.00"),
    "vouchers.leverage": ("5.56", "5.00"),
    "vouchers.redemption_rate": ("15.0", "10.0"),
    "vouchers.redeemed_count.catering": ("2", "2"),
    "vouchers.redeemed_count.retail": ("1", "0"),
    "vouchers.consumption.catering": ("2.00", "2.00"),
    "vouchers.consumption.retail": ("3.00", "0.00"),
    "vouchers.merchants": ("2", "1"),
    "vouchers.enterprises": ("1", "1"),
}


@pytest.mark.parametrize("persona, column", [("city_staff", 0), ("county_a", 1)])
def test_each_voucher_figure_is_its_hand_worked_value_and_equals_its_drill_down(
    request, hand_built, persona, column
):
    from django.test import Client
    from rest_framework.test import APIClient

    user = request.getfixturevalue(persona)
    api, page = APIClient(), Client()
    api.force_authenticate(user)
    page.force_login(user)
    keys = [spec.key for spec in figures.all() if spec.key.startswith("vouchers.")]
    assert set(EXPECTED) <= set(keys)
    for key in keys:
        answer = api.get(f"/api/figures/{key}/?{PERIOD}").json()
        spec = figures.get(key)
        if key in EXPECTED:
            assert answer["value"] == EXPECTED[key][column], (key, answer["value"])
        drill = answer["drill"]
        lists = (
            {"list": _rows(api, drill["api"])}
            if "api" in drill
            else {part: _rows(api, urls["api"]) for part, urls in drill.items()}
        )
        value = None if answer["value"] is None else Decimal(answer["value"])
        assert value == spec.value_from_lists(lists), key
        assert answer["count"] == spec.count_from_lists(lists), key
        if "numerator" in lists:
            assert answer["numerator_count"] == len(lists["numerator"]), key
        for part, urls in ({"list": drill} if "page" in drill else drill).items():
            response = page.get(urls["page"])
            assert response.status_code == 200, urls["page"]
            assert response.context["page"].paginator.count == len(lists[part]), (key, part)


def test_the_figures_follow_the_period_and_the_region(as_user, hand_built, city_staff):
    from shangwu.organization.models import Region

    hedong = Region.objects.get(code="419902")
    may3 = figures.compute(
        "vouchers.redeemed_count",
        user=city_staff,
        date_from=datetime.date(2026, 5, 3),
        date_to=datetime.date(2026, 5, 3),
    )
    assert may3.value == 1  # F2 alone (F1 and F3 were on the 2nd)
    in_hedong = figures.compute(
        "vouchers.consumption",
        user=city_staff,
        date_from=datetime.date(2026, 5, 1),
        date_to=datetime.date(2026, 5, 31),
        region=hedong,
    )
    assert in_hedong.value == Decimal("2.00") and in_hedong.display == "2.0万元"
    june = figures.compute(
        "vouchers.leverage",
        user=city_staff,
        date_from=datetime.date(2026, 6, 1),
        date_to=datetime.date(2026, 6, 30),
    )
    assert june.value is None and june.display == "—"


CAMPAIGN_EXPECTED = {
    # figure of the campaign: (city, 河东区)
    "redeemed_count": ("3", "2"),
    "subsidy": ("0.90", "0.40"),
    "consumption": ("5.00", "2.00"),
    "leverage": ("5.56", "5.00"),
    "issued_count": ("20", "20"),
    "redemption_rate": ("15.0", "10.0"),
    "merchants": ("2", "1"),
    "enterprises": ("1", "1"),
    "industry.catering.consumption": ("2.00", "2.00"),
    "industry.retail.leverage": ("6.00", None),
}


@pytest.mark.parametrize("persona, column", [("city_staff", 0), ("county_a", 1)])
def test_the_campaign_page_shows_the_campaigns_registered_figures_each_opening_its_rows(
    request, as_user, hand_built, persona, column
):
    """The campaign page's numbers are the ``vouchers.campaign.<id>.*`` figures over the
    campaign's period, within the reader's scope; each links to the list its figure drills to,
    and that list holds exactly the rows behind it."""
    from rest_framework.test import APIClient

    user = request.getfixturevalue(persona)
    api = APIClient()
    api.force_authenticate(user)
    page = as_user(user).get(hand_built.get_absolute_url())
    assert page.status_code == 200
    prefix = f"vouchers.campaign.{hand_built.pk}."
    answers = {}
    for name, values in CAMPAIGN_EXPECTED.items():
        answer = api.get(f"/api/figures/{prefix}{name}/?{PERIOD}").json()
        assert answer["value"] == values[column], (name, answer["value"])
        answers[name] = answer
    totals = page.context["totals"]
    assert totals["n"] == int(CAMPAIGN_EXPECTED["redeemed_count"][column])
    assert str(totals["leverage"]) == CAMPAIGN_EXPECTED["leverage"][column]
    assert str(totals["rate"]) == CAMPAIGN_EXPECTED["redemption_rate"][column]
    assert totals["merchants"] == int(CAMPAIGN_EXPECTED["merchants"][column])
    for link, name in (
        ("n", "redeemed_count"),
        ("order", "consumption"),
        ("merchants", "merchants"),
    ):
        assert totals["links"][link] == answers[name]["drill"]["page"], link
    assert totals["links"]["rate"] == answers["redemption_rate"]["drill"]["numerator"]["page"]
    # By county: the county's own figures (a county officer sees their own county alone).
    counties = [(r["name"], r["n"], str(r["leverage"])) for r in page.context["by_county"]]
    if persona == "city_staff":
        assert counties == [("河东区", 2, "5.00"), ("云水县", 1, "6.00")]
    else:
        assert counties == [("河东区", 2, "5.00")]
    industries = [(r["name"], r["n"], r["order"]) for r in page.context["by_industry"]]
    assert industries[0] == ("餐饮", 2, 2.0)
    rates = {r["batch"].name: str(r["rate"]) for r in page.context["batches"]}
    assert rates["餐饮满100减30"] == "20.0"  # 2 of 10
    batch = next(r["batch"] for r in page.context["batches"] if r["batch"].industry == "retail")
    retail = api.get(f"/api/figures/{prefix}batch.{batch.pk}.redemption_rate/?{PERIOD}").json()
    assert retail["value"] == ("10.0" if persona == "city_staff" else "0.0")
    # Every figure of the campaign (and of each industry and batch) equals its drill-down.
    keys = [s.key for s in figures.all() if s.key.startswith(prefix)]
    assert len(keys) >= 8 + 2 * 6 + 2 * 6
    for key in keys:
        answer = api.get(f"/api/figures/{key}/?{PERIOD}").json()
        drill = answer["drill"]
        parts = {"list": drill} if "api" in drill else drill
        lists = {part: _rows(api, urls["api"]) for part, urls in parts.items()}
        value = None if answer["value"] is None else Decimal(answer["value"])
        assert value == figures.get(key).value_from_lists(lists), key
        assert answer["count"] == figures.get(key).count_from_lists(lists), key


def test_a_campaign_figure_breaks_down_by_county_and_an_unknown_campaign_is_404(
    hand_built, city_staff
):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(city_staff)
    key = f"vouchers.campaign.{hand_built.pk}.consumption"
    body = api.get(f"/api/figures/{key}/?{PERIOD}&by=county").json()
    assert [g["figure"]["value"] for g in body["groups"]] == ["2.00", "3.00"]
    assert api.get("/api/figures/vouchers.campaign.999999.consumption/").status_code == 404
    assert api.get(f"/api/figures/vouchers.campaign.{hand_built.pk}.nothing/").status_code == 404
