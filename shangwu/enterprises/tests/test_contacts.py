"""Enterprise contacts: phone numbers are masked everywhere; seeing one is a permission, one
record at a time, and every reveal is in the audit log."""

import io

import openpyxl
import pytest
from django.urls import reverse

from shangwu.audit.models import AuditLog
from shangwu.enterprises.baobao import services as services
from shangwu.enterprises.models import Contact
from shangwu.enterprises.selectors import enterprise_service_context

from .service_helpers import COUNTY_A, COUNTY_B, api_as, grant_reveal

pytestmark = pytest.mark.django_db

MOBILE = "13812341234"
LANDLINE = "0391-5551234"


@pytest.fixture
def contact_a(make_enterprise):
    enterprise = make_enterprise(county=COUNTY_A, name="河东联系人测试有限公司")
    return services.contact_create(
        enterprise=enterprise,
        actor=None,
        name="钱经理",
        position="总经理",
        mobile=MOBILE,
        landline=LANDLINE,
        is_primary=True,
    )


@pytest.fixture
def contact_b(make_enterprise):
    enterprise = make_enterprise(county=COUNTY_B, name="云水联系人测试有限公司")
    return services.contact_create(
        enterprise=enterprise, actor=None, name="孙主任", mobile="13900001111"
    )


def reveal_url(contact):
    return reverse("enterprises:contact_reveal", args=[contact.pk])


def test_contact_list_shows_the_mobile_masked(as_user, county_a, contact_a):
    html = as_user(county_a).get(reverse("enterprises:contact_list")).content.decode()
    assert "138****1234" in html
    assert MOBILE not in html and "5551234" not in html


def test_the_enterprise_panel_shows_masked_numbers_and_no_reveal_button_without_permission(
    as_user, county_a, contact_a
):
    from django.template.loader import render_to_string

    context = enterprise_service_context(user=county_a, enterprise=contact_a.enterprise)
    html = render_to_string(
        "enterprises/includes/contacts.html", {"object": contact_a.enterprise, **context}
    )
    assert "138****1234" in html and MOBILE not in html
    assert not context["can_reveal"] and "查看</button>" not in html


def test_the_enterprise_panel_offers_reveal_to_a_permitted_user(county_a, contact_a):
    from django.template.loader import render_to_string

    grant_reveal(county_a)
    from shangwu.accounts.models import User

    user = User.objects.get(pk=county_a.pk)
    context = enterprise_service_context(user=user, enterprise=contact_a.enterprise)
    html = render_to_string(
        "enterprises/includes/contacts.html", {"object": contact_a.enterprise, **context}
    )
    assert context["can_reveal"] and reveal_url(contact_a) in html and MOBILE not in html


def test_contact_export_keeps_numbers_masked(as_user, county_a, contact_a):
    response = as_user(county_a).get(reverse("enterprises:contact_export"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    assert "138****1234" in values and MOBILE not in values
    assert not any("5551234" == v[-7:] and "*" not in v for v in values)


def test_api_returns_masked_numbers_but_accepts_full_ones(county_a, contact_a):
    api = api_as(county_a)
    row = api.get("/api/contacts/").json()["results"][0]
    assert row["mobile"] == "138****1234" and "*" in row["landline"]
    created = api.post(
        "/api/contacts/",
        {"enterprise": contact_a.enterprise_id, "name": "李会计", "mobile": "15011112222"},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["mobile"] == "150****2222"
    assert Contact.objects.get(pk=created.json()["id"]).mobile == "15011112222"


def test_api_refuses_a_malformed_mobile(county_a, contact_a):
    response = api_as(county_a).post(
        "/api/contacts/",
        {"enterprise": contact_a.enterprise_id, "name": "错号", "mobile": "12345"},
        format="json",
    )
    assert response.status_code == 400 and "11位" in str(response.json())


def test_staff_without_the_permission_cannot_reveal_and_the_attempt_is_audited(
    as_user, county_a, contact_a
):
    response = as_user(county_a).post(reveal_url(contact_a), {"field": "mobile"})
    assert response.status_code == 403
    assert MOBILE not in response.content.decode()
    assert AuditLog.objects.filter(
        action="denied", object_id=str(contact_a.pk), actor_username="county_a"
    ).exists()
    assert not AuditLog.objects.filter(action="reveal").exists()


def test_permitted_staff_sees_the_full_number_and_the_reveal_is_audited(
    as_user, county_a, contact_a
):
    grant_reveal(county_a)
    response = as_user(county_a).post(reveal_url(contact_a), {"field": "mobile"})
    assert response.status_code == 200 and MOBILE in response.content.decode()
    log = AuditLog.objects.get(action="reveal")
    assert log.actor_username == "county_a" and log.object_id == str(contact_a.pk)
    assert "手机号" in log.detail and MOBILE not in log.detail


def test_reveal_through_htmx_answers_with_just_the_number(as_user, county_a, contact_a):
    grant_reveal(county_a)
    response = as_user(county_a).post(
        reveal_url(contact_a), {"field": "landline"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert LANDLINE in html and "<html" not in html
    assert AuditLog.objects.filter(action="reveal", object_id=str(contact_a.pk)).count() == 1


def test_each_reveal_is_a_separate_audit_row(as_user, county_a, contact_a):
    grant_reveal(county_a)
    client = as_user(county_a)
    client.post(reveal_url(contact_a), {"field": "mobile"})
    client.post(reveal_url(contact_a), {"field": "mobile"})
    assert AuditLog.objects.filter(action="reveal", object_id=str(contact_a.pk)).count() == 2


def test_reveal_is_a_post_only(as_user, county_a, contact_a):
    grant_reveal(county_a)
    assert as_user(county_a).get(reveal_url(contact_a)).status_code == 405


def test_even_a_permitted_user_gets_404_for_another_countys_contact(as_user, county_a, contact_b):
    grant_reveal(county_a)
    response = as_user(county_a).post(reveal_url(contact_b), {"field": "mobile"})
    assert response.status_code == 404
    assert not AuditLog.objects.filter(action="reveal").exists()
    assert AuditLog.objects.filter(action="denied", object_id=str(contact_b.pk)).exists()


def test_admins_cannot_reveal_even_with_the_permission(as_user, sysadmin, contact_a):
    grant_reveal(sysadmin)
    assert as_user(sysadmin).post(reveal_url(contact_a), {"field": "mobile"}).status_code == 403


def test_api_reveal_checks_permission_and_scope(county_a, contact_a, contact_b):
    api = api_as(county_a)
    assert (
        api.post(
            f"/api/contacts/{contact_a.pk}/reveal/", {"field": "mobile"}, format="json"
        ).status_code
        == 403
    )
    grant_reveal(county_a)
    from shangwu.accounts.models import User

    api = api_as(User.objects.get(pk=county_a.pk))
    response = api.post(f"/api/contacts/{contact_a.pk}/reveal/", {"field": "mobile"}, format="json")
    assert response.status_code == 200 and response.json()["value"] == MOBILE
    assert (
        api.post(
            f"/api/contacts/{contact_b.pk}/reveal/", {"field": "mobile"}, format="json"
        ).status_code
        == 404
    )
    assert AuditLog.objects.filter(action="reveal", actor_username="county_a").count() == 1


def test_audit_log_of_contact_changes_keeps_numbers_masked(contact_a):
    services.contact_update(contact=contact_a, actor=None, mobile="13698765432")
    change = AuditLog.objects.filter(action="update", object_type="enterprises.contact").latest(
        "id"
    )
    assert change.changes["after"]["mobile"] == "136****5432"
    assert "13698765432" not in str(
        AuditLog.objects.filter(object_type="enterprises.contact").values_list("changes")
    )


def test_county_staff_cannot_see_another_countys_contacts(as_user, county_a, contact_a, contact_b):
    html = as_user(county_a).get(reverse("enterprises:contact_list")).content.decode()
    assert "钱经理" in html and "孙主任" not in html
    api = api_as(county_a)
    assert {r["name"] for r in api.get("/api/contacts/").json()["results"]} == {"钱经理"}
    assert api.get(f"/api/contacts/{contact_b.pk}/").status_code == 404
    assert (
        as_user(county_a).get(reverse("enterprises:contact_edit", args=[contact_b.pk])).status_code
        == 404
    )
    assert (
        as_user(county_a)
        .get(reverse("enterprises:contact_add", args=[contact_b.enterprise_id]))
        .status_code
        == 404
    )


def test_staff_adds_a_primary_contact_and_the_old_primary_steps_down(as_user, county_a, contact_a):
    url = reverse("enterprises:contact_add", args=[contact_a.enterprise_id])
    response = as_user(county_a).post(
        url, {"name": "周总", "position": "董事长", "mobile": "18600001234", "is_primary": "on"}
    )
    assert response.status_code == 302
    contact_a.refresh_from_db()
    assert not contact_a.is_primary
    assert Contact.objects.get(name="周总").is_primary


def test_the_edit_form_never_shows_the_full_number_and_blank_keeps_it(as_user, county_a, contact_a):
    client = as_user(county_a)
    url = reverse("enterprises:contact_edit", args=[contact_a.pk])
    html = client.get(url).content.decode()
    assert MOBILE not in html and "138****1234" in html
    response = client.post(
        url,
        {
            "name": "钱经理",
            "position": "副总经理",
            "mobile": "",
            "landline": "",
            "is_primary": "on",
        },
    )
    assert response.status_code == 302
    contact_a.refresh_from_db()
    assert (
        contact_a.position == "副总经理"
        and contact_a.mobile == MOBILE
        and contact_a.landline == LANDLINE
    )


def test_contact_search_does_not_match_phone_digits(as_user, county_a, contact_a):
    response = as_user(county_a).get(reverse("enterprises:contact_list"), {"q": "1234"})
    assert "钱经理" not in response.content.decode()


def test_a_new_number_that_masks_like_the_old_one_is_still_audited_as_changed(contact_a):
    services.contact_update(contact=contact_a, actor=None, mobile="13899991234")
    change = AuditLog.objects.filter(action="update", object_type="enterprises.contact").latest(
        "id"
    )
    # The field is listed as changed; both numbers stay masked.
    assert change.changes["before"]["mobile"] == change.changes["after"]["mobile"] == "138****1234"
    assert MOBILE not in str(change.changes) and "13899991234" not in str(change.changes)


def test_every_mistake_in_a_contact_shows_on_the_first_submit(as_user, county_a, contact_a):
    response = as_user(county_a).post(
        reverse("enterprises:contact_add", args=[contact_a.enterprise_id]),
        {"name": "孙会计", "mobile": "1381234567", "landline": "abc", "email": "x@"},
    )
    errors = response.context["form"].errors
    assert set(errors) == {"mobile", "landline", "email"}
    assert "手机号应为以1开头的11位数字" in errors["mobile"][0]
