"""Who sees and who changes which campaign and which redemption figures, on the list, detail,
edit and export pages and the API (``core.testing.ScopeTestCases``), for every persona: a
campaign of 河东区 alone, one covering 河东区 and 云水县 (seen by both counties, changed by the
city alone), one of 云水县 alone; and the daily totals of 河东区 and of 云水县."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from shangwu.core.testing import ScopeTestCases, business_models, model_routes
from shangwu.vouchers.models import VoucherCampaign, VoucherDaily, VoucherMerchant
from shangwu.vouchers.tests.conftest import csv_bytes, row

pytestmark = pytest.mark.django_db

ADMINS = ("enterprise", "sysadmin", "secadmin", "auditor")


def _clients():
    pages, apis = {}, {}

    def client_for(user):
        key = user.pk if user else None
        if key not in pages:
            pages[key] = Client()
            if user is not None:
                pages[key].force_login(user)
        return pages[key]

    def api_for(user):
        key = user.pk if user else None
        if key not in apis:
            apis[key] = APIClient()
            if user is not None:
                apis[key].force_authenticate(user)
        return apis[key]

    return client_for, api_for


@pytest.fixture
def records(make_campaign, run_import, city_staff):
    hedong = make_campaign(name="河东券", counties=("419902",))
    both = make_campaign(name="全市券")
    yunshui = make_campaign(name="云水券", counties=("419921",))
    run_import(
        city_staff,
        both,
        csv_bytes([row("S1"), row("S2", county="云水县", merchant="云水超市")]),
    )
    return {
        "hedong": hedong,
        "both": both,
        "yunshui": yunshui,
        "daily_hedong": VoucherDaily.objects.get(county__code="419902"),
        "daily_yunshui": VoucherDaily.objects.get(county__code="419921"),
        "merchant_hedong": VoucherMerchant.objects.get(name="云河老字号餐馆"),
        "merchant_yunshui": VoucherMerchant.objects.get(name="云水超市"),
    }


# persona → record → (sees, changes)
CAMPAIGNS = {
    None: {r: (False, False) for r in ("hedong", "both", "yunshui")},
    "leader": {r: (True, True) for r in ("hedong", "both", "yunshui")},
    "city_staff": {r: (True, True) for r in ("hedong", "both", "yunshui")},
    "county_a": {"hedong": (True, True), "both": (True, False), "yunshui": (False, False)},
    "county_b": {"hedong": (False, False), "both": (True, False), "yunshui": (True, True)},
    "township_a1": {"hedong": (True, False), "both": (True, False), "yunshui": (False, False)},
    **{p: {r: (False, False) for r in ("hedong", "both", "yunshui")} for p in ADMINS},
}
FIGURE_ROWS = {
    None: (False, False),
    "leader": (True, True),
    "city_staff": (True, True),
    "county_a": (True, False),
    "county_b": (False, True),
    "township_a1": (False, False),  # redemption data is by county
    **{p: (False, False) for p in ADMINS},
}


def test_every_persona_gets_exactly_the_campaigns_of_their_scope_on_every_page_and_the_api(
    request, records
):
    routes = model_routes(business_models())[VoucherCampaign]
    assert set(routes.pages) == {"list", "detail", "edit", "export"}
    assert routes.api == "voucher-campaigns"
    cases = ScopeTestCases(*_clients())
    failures = []
    for persona, expected in CAMPAIGNS.items():
        user = request.getfixturevalue(persona) if persona else None
        for name, (sees, changes) in expected.items():
            failures += cases.check(
                routes, persona or "anonymous", user, records[name], sees=sees, changes=changes
            )
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("model, prefix", [(VoucherDaily, "daily"), (VoucherMerchant, "merchant")])
def test_a_county_sees_only_its_own_countys_redemption_figures_and_merchants(
    request, records, model, prefix
):
    routes = model_routes(business_models())[model]
    assert {"list", "export"} <= set(routes.pages) and routes.api
    cases = ScopeTestCases(*_clients())
    failures = []
    for persona, (hedong, yunshui) in FIGURE_ROWS.items():
        user = request.getfixturevalue(persona) if persona else None
        for record, sees in ((f"{prefix}_hedong", hedong), (f"{prefix}_yunshui", yunshui)):
            failures += cases.check(
                routes, persona or "anonymous", user, records[record], sees=sees
            )
    assert not failures, "\n".join(failures)


def test_a_county_officer_reads_the_shared_campaign_but_cannot_change_it(
    as_user, county_a, records
):
    both = records["both"]
    client = as_user(county_a)
    page = client.get(f"/vouchers/campaigns/{both.pk}/")
    assert page.status_code == 200 and page.context["can_change"] is False
    assert page.context["can_import_here"] is True  # its own county's rows
    assert [r["name"] for r in page.context["by_county"]] == ["河东区"]  # not 云水县's figures
    assert client.get(f"/vouchers/campaigns/{both.pk}/edit/").status_code == 404
    assert (
        client.post(f"/vouchers/campaigns/{both.pk}/move/", {"to_status": "running"}).status_code
        == 404
    )
    api = APIClient()
    api.force_authenticate(county_a)
    figures = api.get(f"/api/voucher-campaigns/{both.pk}/figures/").json()
    assert figures["totals"]["n"] == 1 and [c["name"] for c in figures["by_county"]] == ["河东区"]


def test_a_township_officer_sees_the_campaign_but_no_redemption_figures(
    as_user, township_a1, records
):
    page = as_user(township_a1).get(f"/vouchers/campaigns/{records['both'].pk}/")
    assert page.status_code == 200 and page.context["sees_redemptions"] is False
    assert "核销数据按县(市、区)查看" in page.content.decode()
