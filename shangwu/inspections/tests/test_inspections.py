"""Inspections in the field (§5): the checklist item by item on the phone page, drafts, photos
through the file service, the subject's signature name, submitted once; failed items become
findings with deadlines in working days by severity (across holidays), the checklist version
kept."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from shangwu.core.tests.files import html_named_pdf, png
from shangwu.inspections import services
from shangwu.inspections.models import Checklist, Inspection, RectificationRule

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(county_a, make_site, kind):
    site = make_site(township="419902001")
    return services.inspection_start(
        actor=county_a,
        site=site,
        kind=kind("fuel_station_annual"),
        inspected_on=datetime.date(2026, 9, 29),
    )


def _form(inspection, *, fail=(), missing=(), **extra):
    data = {"signature_name": "钱站长", "responsible_person": "钱站长"}
    for answer in inspection.answers.select_related("item"):
        n = answer.item.number
        if n in missing:
            continue
        data[f"result_{answer.item_id}"] = "fail" if n in fail else "pass"
        data[f"note_{answer.item_id}"] = "灭火器压力不足" if n in fail else ""
    return data | extra


def test_a_county_officer_inspects_a_station_on_the_phone_page_and_findings_follow(
    as_user, county_a, draft, media, committed
):
    client = as_user(county_a)
    url = reverse("inspections:inspection_field", args=[draft.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="viewport"' in page.content.decode()
    assert page.content.decode().count('data-testid="item"') == draft.answers.count()

    item = draft.answers.select_related("item").get(item__number=6).item_id  # 储罐… 一般
    major = draft.answers.select_related("item").get(item__number=4).item_id  # 证书 重大
    with committed():
        saved = client.post(url, _form(draft, fail=(4, 6)) | {f"photo_{item}": png(), "save": "1"})
    assert saved.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.signature_name == "钱站长"
    assert draft.photos.count() == 1 and draft.photos.get().item_id == item

    done = client.post(url, _form(draft, fail=(4, 6)) | {"submit": "1"})
    assert done.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "submitted" and draft.outcome == "hazards"
    hazards = {h.answer.item_id: h for h in draft.hazards.select_related("answer")}
    assert set(hazards) == {item, major}
    # Found on 2026-09-29 (Tue): 10 working days skip 国庆 (10-01…10-07) and count the 调休
    # Saturday 10-10: 09-30, 10-08, 10-09, 10-10, 10-12…10-16, 10-19.
    assert hazards[item].severity == "general" and hazards[item].deadline_days == 10
    assert hazards[item].deadline == datetime.date(2026, 10, 19)
    assert hazards[major].severity == "major" and hazards[major].deadline_days == 30
    assert hazards[item].responsible_person == "钱站长"
    assert hazards[item].events.filter(kind="find", to_status="rectifying").exists()
    detail = client.get(draft.get_absolute_url()).content.decode()
    assert "发现隐患" in detail and "2026-10-19" in detail


def test_a_submitted_inspection_cannot_be_submitted_or_changed_again(county_a, draft):
    services.inspection_save(
        inspection=draft,
        actor=county_a,
        answers={a.item_id: ("pass", "") for a in draft.answers.all()},
        signature_name="钱站长",
    )
    services.inspection_submit(inspection=draft, actor=county_a)
    with pytest.raises(ValidationError, match="已提交"):
        services.inspection_submit(inspection=draft, actor=county_a)
    with pytest.raises(ValidationError, match="已提交"):
        services.inspection_save(inspection=draft, actor=county_a, note="改")
    assert draft.hazards.count() == 0 and draft.events.filter(kind="submit").count() == 1


def test_submitting_with_items_left_or_no_signature_names_what_is_missing(as_user, county_a, draft):
    client = as_user(county_a)
    url = reverse("inspections:inspection_field", args=[draft.pk])
    answer = client.post(url, _form(draft, missing=(2, 3), signature_name="") | {"submit": "1"})
    assert answer.status_code == 400
    text = answer.content.decode()
    assert "第2、3项尚未填写结果" in text
    draft.refresh_from_db()
    assert draft.status == "draft"
    answer = client.post(url, _form(draft, signature_name="") | {"submit": "1"})
    assert "请填写被检查单位签字人" in answer.content.decode()


def test_a_failed_item_needs_a_note_and_a_bad_photo_is_refused(as_user, county_a, draft, media):
    client = as_user(county_a)
    url = reverse("inspections:inspection_field", args=[draft.pk])
    data = _form(draft, fail=(1,))
    first = draft.answers.get(item__number=1).item_id
    data[f"note_{first}"] = ""
    answer = client.post(url, data | {"submit": "1"})
    assert "不合格的第1项须填写情况说明" in answer.content.decode()
    answer = client.post(url, _form(draft) | {f"photo_{first}": html_named_pdf("x.png")})
    assert answer.status_code == 400
    assert draft.photos.count() == 0


def test_deadlines_follow_the_configured_rule(county_a, draft):
    RectificationRule.objects.filter(severity="general").update(working_days=3)
    days, deadline = services.rectification_deadline(
        severity="general", found_on=datetime.date(2026, 9, 30)
    )
    assert days == 3 and deadline == datetime.date(2026, 10, 10)  # 10-08, 10-09, 调休 10-10


def test_an_inspection_keeps_the_checklist_version_it_used(sysadmin, county_a, draft, kind):
    used = draft.checklist
    draft_v2 = services.checklist_new_version(kind=kind("fuel_station_annual"), actor=sysadmin)
    services.checklist_item_save(
        checklist=draft_v2, actor=sysadmin, section="新增", text="新的检查项", severity="general"
    )
    services.checklist_activate(checklist=draft_v2, actor=sysadmin)
    used.refresh_from_db()
    assert used.status == "retired" and draft_v2.status == "active"
    draft.refresh_from_db()
    assert draft.checklist_id == used.pk
    assert draft.answers.count() == used.items.count() == draft_v2.items.count() - 1
    with pytest.raises(ValidationError, match="已启用"):
        services.checklist_item_save(
            checklist=draft_v2, actor=sysadmin, section="x", text="y", severity="general"
        )


def test_only_the_sysadmin_edits_checklists(as_user, county_a, sysadmin, kind):
    checklist = Checklist.objects.get(kind=kind("supermarket_safety"), status="active")
    url = reverse("inspections:checklist_new_version", args=[checklist.pk])
    assert as_user(county_a).post(url).status_code == 403
    answer = as_user(sysadmin).post(url)
    assert answer.status_code == 302
    new = Checklist.objects.get(kind=checklist.kind, status="draft")
    assert new.version == 2 and new.items.count() == checklist.items.count()
    page = as_user(sysadmin).get(new.get_absolute_url()).content.decode()
    assert "启用此版本" in page


def test_an_inspection_of_another_county_is_not_found(as_user, county_b, draft):
    assert (
        as_user(county_b).get(reverse("inspections:inspection_field", args=[draft.pk])).status_code
        == 404
    )
    assert as_user(county_b).get(draft.get_absolute_url()).status_code == 404
    assert Inspection.objects.restrict(county_b, "view").count() == 0
