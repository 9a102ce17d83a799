"""What the API's main lists and details say about each record is what the record holds (issue 18:
the read serializers write each object from a field plan, ``core.serializers.FastRepresentation``,
not through DRF's field-by-field loop; nothing may change on the way)."""

import datetime
import decimal
import json

import pytest
from django.db import models
from django.utils import timezone
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient, APIRequestFactory

from shangwu.cases.api.views import CaseViewSet
from shangwu.enterprises.api.views import EnterpriseViewSet
from shangwu.projects.api.views import ProjectFundsViewSet, ProjectViewSet
from shangwu.tasks.api.views import PlanViewSet, QuarterReviewViewSet, ReportViewSet, TaskViewSet

pytestmark = pytest.mark.django_db

PERSONAS = ["leader", "city_staff", "county_a", "township_a1"]
VIEWSETS = {
    "cases": CaseViewSet,
    "enterprises": EnterpriseViewSet,
    "projects": ProjectViewSet,
    "project-funds": ProjectFundsViewSet,
    "tasks": TaskViewSet,
    "plans": PlanViewSet,
    "task-reports": ReportViewSet,
    "task-reviews": QuarterReviewViewSet,
}


def pages(api, prefix):
    """Every row of the list, page after page (100 a page: more would be an audited bulk read)."""
    rows, url = [], f"/api/{prefix}/?page_size=100"
    while url:
        response = api.get(url)
        if response.status_code != 200:
            return None
        body = response.json()
        rows += body["results"]
        url = body["next"]
    return rows


def expected_value(record, field):
    """A model field's value as the API writes it (Beijing time for date-times)."""
    value = getattr(record, field.attname)
    if value is None:
        return None
    if isinstance(field, models.DateTimeField):
        return timezone.localtime(value).isoformat()
    if isinstance(field, models.DateField):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return f"{value.quantize(decimal.Decimal(1).scaleb(-field.decimal_places)):f}"
    return value


def check_against_record(row, record, where, failures, renamed):
    model = type(record)
    for key, shown in row.items():
        if key in renamed:  # shows something else than the field of its name (source=…)
            continue
        if key.endswith("_display") and hasattr(record, f"get_{key[:-8]}_display"):
            wanted = getattr(record, f"get_{key[:-8]}_display")()
        else:
            try:
                field = model._meta.get_field(key)
            except Exception:
                continue  # a derived value (light, names of related records, …)
            if field.many_to_many:
                wanted = list(getattr(record, key).values_list("pk", flat=True))
            elif not field.concrete or isinstance(field, models.JSONField):
                continue
            elif key == "contact_phone":  # masked as on the pages
                continue
            else:
                wanted = expected_value(record, field)
        if shown != wanted:
            failures.append(f"{where} {key}: API {shown!r}, 记录 {wanted!r}")


def test_every_row_of_the_main_lists_says_what_its_record_holds(request, demo_city):
    failures = []
    checked = 0
    for persona in PERSONAS:
        user = request.getfixturevalue(persona)
        api = APIClient()
        api.force_authenticate(user)
        for prefix, viewset in VIEWSETS.items():
            rows = pages(api, prefix)
            if rows is None:
                continue
            records = viewset.queryset.model._base_manager.in_bulk([r["id"] for r in rows])
            fields = viewset.serializer_class().fields
            renamed = {name for name, f in fields.items() if f.source not in (name, "*")}
            for row in rows:
                where = f"{persona} {prefix} {row['id']}"
                check_against_record(row, records[row["id"]], where, failures, renamed)
                checked += 1
    assert checked > 1000
    assert not failures, "\n".join(failures[:30])


def test_a_case_shows_its_cooperating_units_events_and_labels_as_recorded(demo_city, leader):
    from shangwu.cases.models import Case
    from shangwu.organization.models import OrgUnit

    case = Case.objects.filter(events__isnull=False).distinct().order_by("pk").first()
    units = list(OrgUnit.objects.filter(is_active=True).order_by("sort_order", "name")[:3])
    case.co_units.add(*reversed(units))  # linked in the reverse of the units' own order
    api = APIClient()
    api.force_authenticate(leader)
    body = api.get(f"/api/cases/{case.pk}/").json()
    assert body["co_units"] == [unit.pk for unit in units] == [u.pk for u in case.co_units.all()]
    listed = api.get("/api/cases/", {"page_size": 100}).json()["results"]
    assert [row["co_units"] for row in listed if row["id"] == case.pk] == [body["co_units"]]
    assert all(row["co_units"] == [] for row in listed if row["id"] != case.pk)
    assert body["status_display"] == case.get_status_display()
    assert body["light_display"] == case.get_light_display()
    assert body["received_at"] == timezone.localtime(case.received_at).isoformat()
    assert body["received_at"].endswith("+08:00")
    events = list(case.events.order_by("at", "id"))
    assert [e["id"] for e in body["events"]] == [e.pk for e in events]
    assert [e["kind_display"] for e in body["events"]] == [e.get_kind_display() for e in events]
    assert [e["actor_name"] for e in body["events"]] == [
        e.actor.name if e.actor else None for e in events
    ]


def drf_loop(serializer, record):
    """DRF's own ``Serializer.to_representation`` loop (field by field) over the same fields."""
    return serializers.Serializer.to_representation(serializer, record)


def test_every_main_serializer_writes_what_drfs_own_loop_writes(request, demo_city):
    factory = APIRequestFactory()
    failures = []
    for persona in PERSONAS:
        user = request.getfixturevalue(persona)
        for prefix, viewset in VIEWSETS.items():
            for action in ("list", "retrieve"):
                http = factory.get(f"/api/{prefix}/")
                view = viewset(action_map={"get": action}, args=(), kwargs={}, format_kwarg=None)
                view.request = view.initialize_request(http)
                view.request.user = user
                records = list(view.get_queryset()[:60])
                if not records:
                    continue
                fast = view.get_serializer(records, many=True).data
                reference = view.get_serializer()
                for record, row in zip(records, fast, strict=True):
                    want = json.loads(JSONRenderer().render(drf_loop(reference, record)))
                    got = json.loads(JSONRenderer().render(row))
                    if got != want:
                        failures.append(f"{persona} {prefix} {action} {record.pk}: {got} != {want}")
    assert not failures, "\n".join(failures[:10])


def test_a_date_time_is_written_in_beijing_time_and_utc_as_z():
    from shangwu.core.serializers import _converter

    field = serializers.DateTimeField()
    convert = _converter(field)
    moment = datetime.datetime(2026, 12, 7, 16, 30, tzinfo=datetime.UTC)
    assert convert(moment) == field.to_representation(moment) == "2026-12-08T00:30:00+08:00"
    utc_field = serializers.DateTimeField(default_timezone=datetime.UTC)
    assert _converter(utc_field)(moment) == "2026-12-07T16:30:00Z"
