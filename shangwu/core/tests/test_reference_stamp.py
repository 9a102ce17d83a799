"""The reference dropdowns of list pages are kept per process and never stale (core.reference):
a change to a region, unit, managed list or official moves the reference stamp, which every
signed-in request reads in its user's own query, and a kept dropdown is used only under the
stamp it was read with."""

import re

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from shangwu.core import reference
from shangwu.core.access import RestrictedQuerySet
from shangwu.core.context import acting
from shangwu.core.models import ReferenceStamp
from shangwu.enterprises.models import Tag
from shangwu.organization.choices import RegionLevel
from shangwu.organization.models import Region
from shangwu.organization.services import region_update

pytestmark = pytest.mark.django_db

COUNTY_A, COUNTY_B = "419902", "419921"  # 河东区 (county_a's), 云水县 (county_b's)
# The SELECT of a region dropdown read from ``values()`` (core.rows.StubChoiceIterator).
REGION_DROPDOWN = 'SELECT "organization_region"."id" AS "id", "organization_region"."name"'


def options(response, name: str) -> list[str]:
    """The labels a list page's filter dropdown ``name`` offers."""
    html = response.content.decode()
    select = re.search(rf'<select[^>]*\bname="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no dropdown {name}"
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1))


def stamp() -> str:
    return ReferenceStamp.objects.get(pk=reference.STAMP_ROW).value


def get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries.captured_queries]


def test_county_a_lists_read_their_dropdowns_once_per_process(county_a, as_user):
    client = as_user(county_a)
    client.get("/enterprises/")  # the first request of a session does one-off work
    reference.clear()
    first, cold = get(client, "/enterprises/")
    again, warm = get(client, "/enterprises/")
    assert options(again, "county") == options(first, "county") == ["全部", "河东区"]
    assert any(sql.startswith(REGION_DROPDOWN) for sql in cold)
    assert not any(sql.startswith(REGION_DROPDOWN) for sql in warm)
    # county, township, tag and 包保人员: four queries fewer
    assert len(warm) == len(cold) - 4


def test_a_page_served_again_compiles_none_of_its_kept_dropdowns(county_a, as_user, monkeypatch):
    client = as_user(county_a)
    client.get("/enterprises/")
    compiled = []
    real = reference._query_key
    monkeypatch.setattr(reference, "_query_key", lambda values: compiled.append(1) or real(values))
    assert options(client.get("/enterprises/"), "township")[:2] == ["全部", "（未填）"]
    assert compiled == []


def test_the_stamp_comes_with_the_signed_in_users_query_and_no_query_of_its_own(county_a, as_user):
    client = as_user(county_a)
    client.get("/cases/")
    _response, queries = get(client, "/cases/")
    reading_it = [sql for sql in queries if reference.STAMP_TABLE in sql]
    assert len(reading_it) == 1 and '"accounts_user"' in reading_it[0]


def test_a_county_renamed_by_sysadmin_shows_in_county_as_next_list_page(
    county_a, sysadmin, as_user
):
    client = as_user(county_a)
    client.get("/enterprises/")
    assert "河东区" in options(client.get("/enterprises/"), "county")  # kept now
    with acting(user=sysadmin):
        region_update(
            region=Region.objects.get(code=COUNTY_A), data={"name": "河东新区"}, actor=sysadmin
        )
    assert options(client.get("/enterprises/"), "county") == ["全部", "河东新区"]
    assert "河东新区" in options(client.get("/cases/"), "county")


def test_a_new_township_appears_in_the_township_dropdown(county_a, sysadmin, as_user):
    client = as_user(county_a)
    client.get("/enterprises/")
    assert "新设街道" not in options(client.get("/enterprises/"), "township")
    with acting(user=sysadmin):
        Region.objects.create(
            code="419902009",
            name="新设街道",
            level=RegionLevel.TOWNSHIP,
            parent=Region.objects.get(code=COUNTY_A),
        )
    assert "新设街道" in options(client.get("/enterprises/"), "township")


def test_a_deleted_tag_disappears_from_the_tag_dropdown(city_staff, sysadmin, as_user):
    with acting(user=sysadmin):
        tag = Tag.objects.create(code="short_lived", name="短期标签", sort_order=999)
    client = as_user(city_staff)
    client.get("/enterprises/")
    assert "短期标签" in options(client.get("/enterprises/"), "tag")
    with acting(user=sysadmin):
        tag.delete()
    assert "短期标签" not in options(client.get("/enterprises/"), "tag")


def test_a_rolled_back_rename_leaves_nothing_stale_behind(county_a, sysadmin, as_user):
    client = as_user(county_a)
    county = Region.objects.get(code=COUNTY_A)
    before = stamp()
    with pytest.raises(RuntimeError), transaction.atomic():
        with acting(user=sysadmin):
            region_update(region=county, data={"name": "撤回区"}, actor=sysadmin)
        rolled_back = stamp()
        # A page served inside the failed transaction keeps its options under its stamp…
        assert options(client.get("/enterprises/"), "county") == ["全部", "撤回区"]
        raise RuntimeError("the edit fails")
    assert stamp() == before
    assert options(client.get("/enterprises/"), "county") == ["全部", "河东区"]
    # …and the next real change never gets that stamp back (a counter would hand it out again).
    with acting(user=sysadmin):
        region_update(region=county, data={"name": "河东新区"}, actor=sysadmin)
    assert stamp() not in (before, rolled_back)
    assert options(client.get("/enterprises/"), "county") == ["全部", "河东新区"]


def test_county_a_never_gets_the_townships_city_staff_warmed(
    city_staff, county_a, county_b, as_user
):
    city_townships = options(as_user(city_staff).get("/enterprises/"), "township")
    assert "东湖街道" in city_townships and "云水镇" in city_townships
    a = options(as_user(county_a).get("/enterprises/"), "township")
    b = options(as_user(county_b).get("/enterprises/"), "township")
    assert "东湖街道" in a and "云水镇" not in a
    assert "云水镇" in b and "东湖街道" not in b
    assert options(as_user(county_a).get("/enterprises/"), "county") == ["全部", "河东区"]
    assert options(as_user(city_staff).get("/enterprises/"), "township") == city_townships


def test_bulk_writes_of_reference_data_move_the_stamp_and_sign_ins_do_not(county_a, sysadmin):
    marks = [stamp()]

    def moved() -> bool:
        marks.append(stamp())
        return marks[-1] != marks[-2]

    with acting(user=sysadmin):
        Region.objects.filter(code=COUNTY_B).update(name="云水新县")
        assert moved()
        Tag.objects.bulk_create([Tag(code="bulk_one", name="批量标签")])
        assert moved()
        tag = Tag.objects.get(code="bulk_one")
        tag.name = "批量标签二"
        Tag.objects.bulk_update([tag], ["name"])
        assert moved()
        county_a.name = "县区人员新名"
        county_a.save()
        assert moved()
        # A sign-in's bookkeeping changes no dropdown: the kept ones stay.
        county_a.save(update_fields=["last_login"])
        type(county_a).objects.filter(pk=county_a.pk).update(failed_login_count=0)
        assert not moved()


def test_every_reference_model_writes_through_the_queryset_that_moves_the_stamp():
    found = [m for m in apps.get_models() if reference.is_reference(m)]
    assert {m._meta.label for m in found} >= {
        "organization.Region",
        "organization.OrgUnit",
        "accounts.User",
        "indicators.Indicator",
        "enterprises.Tag",
        "cases.CaseCategory",
        "projects.Stage",
        "projects.IndustryChain",
        "tasks.Plan",
        "tasks.Section",
    }
    for model in found:
        assert isinstance(model._default_manager.all(), RestrictedQuerySet), model


def test_a_dropdown_reading_a_business_table_is_read_every_time(city_staff, as_user):
    from shangwu.tasks.models import Task

    tasks = Task.objects.values("id", "title").query
    assert not reference.reads_only_reference(str(tasks))
    assert reference.reads_only_reference(str(Region.objects.values("id", "name").query))


def test_outside_a_request_nothing_is_kept(city_staff):
    from shangwu.enterprises.filtersets import EnterpriseFilterSet

    request = RequestFactory().get("/enterprises/")
    request.user = city_staff  # no stamp: not loaded by the sign-in backend
    with acting(request=request):
        form = EnterpriseFilterSet({}, request=request).form
        assert "河东区" in [label for _value, label in form.fields["county"].choices]
    with acting(user=city_staff):
        form = EnterpriseFilterSet({}, request=request).form
        list(form.fields["county"].choices)
    assert reference._cache == {}


def test_a_request_that_changes_reference_data_reads_its_dropdowns_afresh(sysadmin):
    request = RequestFactory().post("/org/regions/1/edit/")
    request.reference_stamp = "read-at-the-start"
    with acting(request=request):
        region_update(
            region=Region.objects.get(code=COUNTY_A), data={"name": "河东新区"}, actor=sysadmin
        )
    assert request.reference_stamp is None


def test_a_page_served_again_narrows_none_of_its_dropdowns_to_the_user_again(
    county_a, as_user, monkeypatch
):
    """The querysets a user's dropdowns are narrowed to (``restrict``, the user's counties and
    townships) are kept with the options; a new page of the same list builds none of them."""
    from shangwu.core import filtersets
    from shangwu.organization import selectors

    client = as_user(county_a)
    first = client.get("/enterprises/")
    built = []
    for module, name in (
        (filtersets, "restrict_choices"),
        (selectors, "region_list_counties"),
        (selectors, "region_list_townships"),
    ):
        real = getattr(module, name)
        monkeypatch.setattr(
            module,
            name,
            lambda *a, _real=real, _name=name, **k: built.append(_name) or _real(*a, **k),
        )
    again = client.get("/enterprises/?county=&page=1")
    assert built == []
    for name in ("county", "township", "tag"):
        assert options(again, name) == options(first, name)
    assert options(again, "county") == ["全部", "河东区"]
    # A county it may not pick is still refused (the kept queryset is the form's too).
    other = Region.objects.get(code=COUNTY_B)
    response = client.get(f"/enterprises/?county={other.pk}")
    assert "无效" in response.content.decode()


def test_a_user_moved_to_another_county_gets_that_countys_dropdowns_at_once(
    county_a, county_b, sysadmin, as_user
):
    client = as_user(county_a)
    assert options(client.get("/enterprises/"), "county") == ["全部", "河东区"]
    county_a.org_unit = county_b.org_unit
    county_a.save()  # a user's unit is reference data: the stamp moves
    moved = client.get("/enterprises/")
    assert options(moved, "county") == ["全部", "云水县"]
    townships = options(moved, "township")
    assert "云水镇" in townships and "东湖街道" not in townships
