"""A list's table reads its rows with ``values()``: only the fields its shown columns name, and of a
related record only what its ``str()`` reads (``Model.str_fields``), not whole records (issue 18).
The page must be the same characters as when the table was written from whole records, in one
query (plus the queryset's own prefetches), and every ``str_fields`` must be what ``str()`` reads.
"""

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shangwu.core.rows import add_lookups, flatten, stub
from shangwu.core.tables import Table
from shangwu.core.tests.test_html import list_views

pytestmark = pytest.mark.django_db

# The heavy lists of issue 18: each must read its rows from values().
READ_FROM_VALUES = [
    "/cases/",
    "/enterprises/",
    "/enterprises/visits/",
    "/enterprises/contacts/",
    "/enterprises/assignments/",
    "/projects/",
    "/tasks/list/",
    "/tasks/reports/",
    "/indicators/values/",
]


def page_queryset(view):
    """The queryset of the list's first page, as ``ObjectListView.get`` hands it to the table."""
    qs, _filterset = view.filtered()
    return qs[: view.paginate_by]


def test_every_list_table_from_values_is_the_table_from_whole_records(request, demo_city):
    for persona in ["leader", "county_a", "township_a1", "sysadmin", "auditor"]:
        user = request.getfixturevalue(persona)
        from_values, rows = set(), 0
        for url, view in list_views(user):
            view.request.GET = view.request.GET.copy()
            view.request.GET.pop("q")  # every row of the demo city, not the markup search
            records = list(page_queryset(view))
            for checkboxes in (False, True):
                tables = []
                for object_list in (records, page_queryset(view)):
                    table = view.table(object_list)
                    table.links = view.allowed(view.table.link_action)
                    table.checkboxes = checkboxes
                    tables.append(table)
                expected = tables[0].body_html()
                with CaptureQueriesContext(connection) as queries:
                    written = tables[1].body_html()
                assert written == expected, (persona, url)
                if tables[1].row_lookups(page_queryset(view)) is not None:
                    from_values.add(url)
                    prefetches = len(page_queryset(view)._prefetch_related_lookups)
                    # One query for the rows, one per prefetch, and the page-wide reads the table
                    # declares (the registry's tags derived from designations: one for the page).
                    extra = getattr(view.table, "page_queries", 0)
                    assert len(queries) <= 1 + prefetches + extra, (
                        url,
                        [q["sql"] for q in queries],
                    )
            rows += len(records)
        assert rows > 0, persona
        if persona in ("leader", "county_a"):
            assert set(READ_FROM_VALUES) <= from_values, set(READ_FROM_VALUES) - from_values


def test_a_table_of_records_given_as_a_list_still_reads_whole_records(city_staff):
    from shangwu.organization.models import OrgUnit
    from shangwu.organization.tables import OrgUnitTable

    units = list(OrgUnit.objects.order_by("pk")[:5])
    assert OrgUnitTable(units).row_objects() is units
    stubs = OrgUnitTable(OrgUnit.objects.order_by("pk")[:5]).row_objects()
    assert [s.pk for s in stubs] == [u.pk for u in units]
    assert "sort_order" not in stubs[0].__dict__  # a field no shown column reads is not read


def test_every_str_fields_is_what_str_reads_for_every_demo_record(demo_city):
    checked = 0
    for model in apps.get_models():
        declared = model.__dict__.get("str_fields") or getattr(model, "str_fields", None)
        if declared is None or model._meta.abstract:
            continue
        tree = {"own": {model._meta.pk.attname}, "rel": {}}
        assert add_lookups(tree, model, declared), model
        lookups = flatten(tree)
        records = {obj.pk: str(obj) for obj in model._base_manager.all()[:300]}
        rows = list(model._base_manager.filter(pk__in=records).values(*lookups))
        with CaptureQueriesContext(connection) as queries:
            for row in rows:
                record = stub(model, tree, row, "", "default")
                assert str(record) == records[record.pk], (model, record.pk)
                checked += 1
        assert not queries, (model, [q["sql"] for q in queries])
    assert checked > 300


def test_a_column_naming_a_property_without_row_fields_reads_whole_records():
    from shangwu.cases.models import Case
    from shangwu.cases.tables import CaseTable

    class WithoutRowFields(CaseTable):
        row_fields = None

    assert WithoutRowFields([]).row_lookups(Case.objects.all()) is None
    assert CaseTable([]).row_lookups(Case.objects.all()) is not None
    assert Table.row_fields is None


def test_a_list_shows_a_county_renamed_a_moment_ago(as_user, city_staff, make_enterprise, region):
    enterprise = make_enterprise(county="419902", name="改名测试企业有限公司")
    county = region("419902")
    county.name = "改名后的县区"
    county.save()
    page = as_user(city_staff).get(reverse("enterprises:enterprise_list"), {"q": "改名测试"})
    body = page.content.decode()
    assert f'<a href="{enterprise.get_absolute_url()}">改名测试企业有限公司</a>' in body
    assert "<td>改名后的县区</td>" in body


def test_every_list_filter_dropdown_from_values_is_the_dropdown_from_whole_records(
    request, make_enterprise
):
    from shangwu.core.rows import StubChoiceIterator

    make_enterprise(county="419902", township="419902001")
    from_values = set()
    for persona in ["city_staff", "county_a", "township_a1", "sysadmin"]:
        for url, view in list_views(request.getfixturevalue(persona)):
            _qs, filterset = view.filtered()
            if filterset is None:
                continue
            for field in filterset.form:
                written = str(field)
                if issubclass(getattr(field.field, "iterator", object), StubChoiceIterator):
                    from_values.add((url, field.name))
                    field.field.iterator = type(field.field).iterator  # whole records
                    field.field.widget.choices = field.field.choices
                    assert str(field) == written, (persona, url, field.name)
                    if url == "/enterprises/" and field.name == "township":
                        assert ">（未填）</option>" in written  # django-filter's null choice
    names = {name for _url, name in from_values}
    assert {"county", "township", "category", "lead_unit", "stage", "chain"} <= names, names


def test_a_rows_link_is_written_from_one_reverse_only_when_the_url_reads_nothing_but_the_key(
    city_staff,
):
    from shangwu.cases.models import Case
    from shangwu.core.rows import pk_url
    from shangwu.tasks.models import Section

    with CaptureQueriesContext(connection) as queries:
        case_url, section_url = pk_url(Case), pk_url(Section)
    assert not queries
    assert case_url(12) == reverse("cases:case_detail", args=[12]) == Case(pk=12).get_absolute_url()
    assert case_url(12)() == "/cases/12/"  # called as the row's get_absolute_url()
    assert section_url is None  # a section's page is its plan's: it reads plan_id
