"""The shared shapes: every event model is built on ``core.models.Event`` (and its detail page
draws it with the one timeline include, proved per app in its timeline tests); every managed list
is built on ``core.models.Vocabulary`` and the 系统管理员 lists, adds and edits each the same way."""

import pytest
from django.apps import apps
from django.urls import reverse

from shangwu.cases.models import CaseCategory, CaseEvent
from shangwu.core.models import Event, Vocabulary
from shangwu.designations.models import DesignationEvent, DesignationKind
from shangwu.enterprises.models import EnterpriseEvent, Tag
from shangwu.inspections.models import (
    HazardEvent,
    InspectionEvent,
    InspectionKind,
    PlanEvent,
    SiteEvent,
)
from shangwu.projects.models import IndustryChain, ProjectEvent, Stage
from shangwu.promotion.models import EventKind, EventLog
from shangwu.subsidies.models import SubsidyApplicationEvent, SubsidyProgrammeEvent
from shangwu.tasks.models import TaskEvent
from shangwu.vouchers.models import VoucherCampaignLog

pytestmark = pytest.mark.django_db

# Each list's pages (``<app>:<prefix>_list / _add / _edit``) and the fields of its own it needs.
LISTS = {
    CaseCategory: ("cases:category", {}),
    Tag: ("enterprises:tag", {"needs_date": "on"}),
    Stage: ("projects:stage", {"order": 15, "milestone": "", "color": "info"}),
    IndustryChain: ("projects:chain", {}),
    EventKind: ("promotion:kind", {"family": "consumption"}),
    DesignationKind: (
        "designations:kind",
        {"level": "city", "authority": "市人民政府", "holder_types": ["enterprise"]},
    ),
    InspectionKind: ("inspections:kind", {"tag_code": "oil_retail", "site_type": "fuel_station"}),
}


def concrete_subclasses(base):
    return {m for m in apps.get_models() if issubclass(m, base)}


def test_the_event_models_are_built_on_the_one_event_base():
    assert concrete_subclasses(Event) == {
        CaseEvent,
        EnterpriseEvent,
        ProjectEvent,
        TaskEvent,
        EventLog,
        SubsidyApplicationEvent,
        SubsidyProgrammeEvent,
        DesignationEvent,
        VoucherCampaignLog,
        SiteEvent,
        PlanEvent,
        InspectionEvent,
        HazardEvent,
    }
    for model in concrete_subclasses(Event):
        subject = model._meta.get_field(model.subject_field)
        assert subject.many_to_one and subject.remote_field.related_name == "events"
        assert {"actor", "at", "kind", "note", "on"} <= {f.name for f in model._meta.fields}


def test_every_managed_list_is_built_on_the_vocabulary_base_and_has_its_pages():
    assert concrete_subclasses(Vocabulary) == set(LISTS)
    for model, (prefix, _extra) in LISTS.items():
        assert model._meta.get_field("code").unique
        for action in ("list", "add"):
            reverse(f"{prefix}_{action}")


@pytest.mark.parametrize("model", list(LISTS), ids=lambda m: m._meta.model_name)
def test_the_system_administrator_adds_and_edits_every_managed_list_the_same_way(
    model, as_user, sysadmin, city_staff
):
    prefix, extra = LISTS[model]
    client = as_user(sysadmin)
    data = {"name": "测试条目", "code": "", model.sort_field: 15, "is_active": "on", **extra}
    added = client.post(reverse(f"{prefix}_add"), data)
    assert added.status_code == 302, added.content.decode()
    entry = model.objects.get(name="测试条目")
    assert entry.code == "ce_shi_tiao_mu" and entry.is_active  # a blank code comes from the pinyin
    listed = client.get(reverse(f"{prefix}_list"), {"q": "ce_shi"})
    assert listed.status_code == 200 and "测试条目" in listed.content.decode()

    renamed = {**data, "name": "改名条目", "code": "changed", "is_active": ""}
    edited = client.post(reverse(f"{prefix}_edit", args=[entry.pk]), renamed)
    assert edited.status_code == 302, edited.content.decode()
    entry.refresh_from_db()
    assert (entry.name, entry.code, entry.is_active) == ("改名条目", "ce_shi_tiao_mu", False)
    assert entry not in model.objects.active()  # switched off: no longer offered

    taken = client.post(reverse(f"{prefix}_add"), {**data, "name": "另一条目", "code": entry.code})
    assert "该代码已被使用" in taken.content.decode()
    assert as_user(city_staff).post(reverse(f"{prefix}_add"), data).status_code == 403
