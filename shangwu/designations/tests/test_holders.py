"""Holders (issue 20 §4): a county's, township's and the city's current designations are listed
on the region page, scoped as everywhere; the registry list's 标签 column shows the 老字号
derived from the current designations beside the stored tags, one query for the whole page."""

import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shangwu.enterprises.models import Tag
from shangwu.organization.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(make_designation, make_enterprise):
    """Current designations across the city, and some that are not current."""
    made = {
        "county": make_designation(
            kind="county_commerce_demo", holder_type="county", status="awarded"
        ),
        "community": make_designation(
            kind="convenience_circle_community",
            township="419902001",
            holder_name="东湖社区",
            status="awarded",
        ),
        "street": make_designation(
            kind="pedestrian_street", holder_name="河东老街", status="awarded"
        ),
        "donghu_shop": make_designation(
            kind="city_laozihao",
            enterprise=make_enterprise(
                county="419902", township="419902001", name="东湖面馆有限公司"
            ),
            status="awarded",
        ),
        "binjiang_shop": make_designation(
            kind="city_laozihao",
            enterprise=make_enterprise(
                county="419902", township="419902002", name="滨江酱园有限公司"
            ),
            status="awarded",
        ),
        "yunshui_shop": make_designation(
            kind="city_laozihao",
            enterprise=make_enterprise(county="419921", name="云水糕点有限公司"),
            county="419921",
            status="awarded",
        ),
        "city": make_designation(kind="cbec_zone", county=None, status="awarded"),
        # Not current: still on the cultivation list, or withdrawn.
        "cultivating": make_designation(
            kind="convenience_circle_community",
            township="419902001",
            holder_name="东湖二社区",
        ),
        "revoked": make_designation(
            kind="pedestrian_street", holder_name="河东旧街", status="revoked"
        ),
    }
    return made


def region_page(client, code):
    response = client.get(Region.objects.get(code=code).get_absolute_url())
    assert response.status_code == 200
    return response


def listed(response):
    panel = response.context["designations"]
    return None if panel is None else {d.pk for d in panel["rows"]}


def ids(held, *names):
    return {held[name].pk for name in names}


def test_the_city_staff_sees_everything_a_county_holds_on_its_region_page(
    as_user, city_staff, held
):
    page = region_page(as_user(city_staff), "419902")
    assert listed(page) == ids(
        held, "county", "community", "street", "donghu_shop", "binjiang_shop"
    )
    panel = page.context["designations"]
    assert panel["total"] == 5
    county = Region.objects.get(code="419902")
    assert panel["list_url"] == f"/designations/?county={county.pk}&current=true"
    html = page.content.decode()
    assert "荣誉认定（当前有效 5 项）" in html
    assert f'href="{held["street"].get_absolute_url()}"' in html
    assert "东湖二社区" not in html and "河东旧街" not in html


def test_the_region_pages_link_leads_to_the_same_designations_in_the_list(
    as_user, city_staff, held
):
    client = as_user(city_staff)
    for code in ("419902", "419902001", "419900"):
        panel = region_page(client, code).context["designations"]
        listing = client.get(panel["list_url"])
        assert listing.status_code == 200
        names = {d.name for d in panel["rows"]}
        html = listing.content.decode()
        assert names and all(name in html for name in names), code
        assert (held["yunshui_shop"].name in html) == (code == "419900")


def test_a_township_page_lists_what_is_held_in_the_township(as_user, city_staff, held):
    page = region_page(as_user(city_staff), "419902001")
    assert listed(page) == ids(held, "community", "donghu_shop")
    township = Region.objects.get(code="419902001")
    assert page.context["designations"]["list_url"].endswith(
        f"?county={township.parent_id}&township={township.pk}&current=true"
    )


def groups(response):
    return {g["name"]: g["count"] for g in response.context["designations"]["groups"]}


def test_the_city_page_rolls_up_the_whole_city_grouped_by_county(as_user, city_staff, held):
    client = as_user(city_staff)
    page = region_page(client, "419900")
    assert listed(page) == ids(
        held,
        "city",
        "county",
        "community",
        "street",
        "donghu_shop",
        "binjiang_shop",
        "yunshui_shop",
    )
    assert groups(page) == {"市本级": 1, "河东区": 5, "云水县": 1}
    assert page.context["designations"]["total"] == 7
    html = page.content.decode()
    assert "荣誉认定（当前有效 7 项）" in html and 'data-testid="region-designation-groups"' in html
    # Each group's number leads to the list holding exactly its rows.
    for group in page.context["designations"]["groups"]:
        listing = client.get(group["url"])
        assert listing.status_code == 200
        assert listing.context["page"].paginator.count == group["count"], group["name"]


def test_the_county_page_groups_its_own_and_each_townships(as_user, city_staff, held):
    client = as_user(city_staff)
    page = region_page(client, "419902")
    east, riverside = (Region.objects.get(code=c).name for c in ("419902001", "419902002"))
    assert groups(page) == {"河东区本级": 2, east: 2, riverside: 1}
    for group in page.context["designations"]["groups"]:
        listing = client.get(group["url"])
        assert listing.context["page"].paginator.count == group["count"], group["name"]


def test_a_county_officer_sees_only_its_own_county_in_the_citys_roll_up(as_user, county_a, held):
    page = region_page(as_user(county_a), "419900")
    assert listed(page) == ids(
        held, "county", "community", "street", "donghu_shop", "binjiang_shop"
    )
    assert groups(page) == {"河东区": 5}
    html = page.content.decode()
    assert "云水糕点" not in html and "云水县" not in groups(page)


def test_a_county_officer_sees_its_own_county_and_nothing_of_another_county(
    as_user, county_a, held
):
    client = as_user(county_a)
    assert listed(region_page(client, "419902")) == ids(
        held, "county", "community", "street", "donghu_shop", "binjiang_shop"
    )
    other = region_page(client, "419921")  # the region itself is reference data
    assert listed(other) == set()
    html = other.content.decode()
    assert "云水糕点" not in html and "暂无您可查看的当前有效荣誉认定" in html
    assert held["city"].pk not in listed(region_page(client, "419900"))  # the city's own


def test_a_township_officer_sees_only_its_own_township(as_user, township_a1, held):
    client = as_user(township_a1)
    assert listed(region_page(client, "419902001")) == ids(held, "community", "donghu_shop")
    # On its county's page too: the county's and the other township's are not in its scope.
    assert listed(region_page(client, "419902")) == ids(held, "community", "donghu_shop")
    assert listed(region_page(client, "419902002")) == set()


def test_the_system_administrator_reads_the_region_without_any_designation(as_user, sysadmin, held):
    page = region_page(as_user(sysadmin), "419902")
    assert listed(page) is None
    assert 'data-testid="region-designations"' not in page.content.decode()


def test_a_busy_county_shows_its_latest_awards_and_counts_them_all(
    as_user, city_staff, make_designation, monkeypatch
):
    from shangwu.designations import selectors

    monkeypatch.setattr(selectors, "REGION_PAGE_ROWS", 2)
    for name in ("一街", "二街", "三街"):
        make_designation(kind="pedestrian_street", holder_name=name, status="awarded")
    page = region_page(as_user(city_staff), "419902")
    assert len(page.context["designations"]["rows"]) == 2
    assert "荣誉认定（当前有效 3 项，显示最近认定的 2 项）" in page.content.decode()


# --- The registry list's 标签 column ----------------------------------------------------------


def tag_cells(response) -> dict[str, str]:
    """企业名称 → the 标签 cell, as the list page shows its rows."""
    table = response.context["table"]
    at = table.headers.index("标签")
    return {obj.name: cells[at] for obj, cells in table.rows()}


REGISTRY = {
    "老字号酱园有限公司",
    "省级老店有限公司",
    "在申报的饭店有限公司",
    "已摘牌的老店有限公司",
    "只有标签的商行有限公司",
}


@pytest.fixture
def registry(make_designation, make_enterprise):
    famous = Tag.objects.create(name="餐饮名店", code="famous_restaurant", sort_order=999)
    holder = make_enterprise(name="老字号酱园有限公司", tags=[famous])
    make_designation(kind="zhonghua_laozihao", enterprise=holder, status="awarded")
    make_designation(kind="city_laozihao", enterprise=holder, status="awarded")  # no registry tag
    make_designation(
        kind="provincial_laozihao",
        enterprise=make_enterprise(name="省级老店有限公司"),
        status="awarded",
    )
    make_designation(
        kind="zhonghua_laozihao",
        enterprise=make_enterprise(name="在申报的饭店有限公司"),
        status="applied",
    )
    make_designation(
        kind="zhonghua_laozihao",
        enterprise=make_enterprise(name="已摘牌的老店有限公司"),
        status="delisted",
    )
    make_enterprise(name="只有标签的商行有限公司", tags=[famous])


def test_the_registry_list_shows_the_derived_time_honoured_tag_beside_the_stored_ones(
    as_user, county_a, registry
):
    page = as_user(county_a).get("/enterprises/")
    cells = tag_cells(page)
    assert {name: cells[name] for name in cells if name in REGISTRY} == {
        "老字号酱园有限公司": "餐饮名店、中华老字号",
        "省级老店有限公司": "省级老字号",
        "在申报的饭店有限公司": "",
        "已摘牌的老店有限公司": "",
        "只有标签的商行有限公司": "餐饮名店",
    }
    assert "<td>餐饮名店、中华老字号</td>" in page.content.decode()


def test_the_registry_tag_filter_and_column_agree(as_user, county_a, registry):
    tag = Tag.objects.get(code="time_honored_national")
    page = as_user(county_a).get(f"/enterprises/?tag={tag.pk}")
    html = page.content.decode()
    assert "老字号酱园有限公司" in html and "在申报的饭店有限公司" not in html
    assert "<td>餐饮名店、中华老字号</td>" in html


def test_the_derived_tags_cost_one_query_for_the_page_however_many_rows(
    as_user, county_a, make_designation, make_enterprise
):
    client = as_user(county_a)
    make_designation(kind="zhonghua_laozihao", enterprise=make_enterprise(), status="awarded")
    client.get("/enterprises/")  # one-off work of the session

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/enterprises/").status_code == 200
        return len(captured)

    few = queries()
    for _ in range(4):
        make_designation(kind="zhonghua_laozihao", enterprise=make_enterprise(), status="awarded")
    assert queries() == few


def test_the_registry_export_carries_the_derived_tag(as_user, county_a, registry):
    response = as_user(county_a).get("/enterprises/export/")
    assert response.status_code == 200
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    )
    headers = rows[0]
    tags = {r[headers.index("企业名称")]: r[headers.index("标签")] for r in rows[1:]}
    assert tags["老字号酱园有限公司"] == "餐饮名店、中华老字号"
    assert tags["省级老店有限公司"] == "省级老字号"
    assert tags["在申报的饭店有限公司"] in ("", None)
    assert tags["已摘牌的老店有限公司"] in ("", None)
    assert tags["只有标签的商行有限公司"] == "餐饮名店"
