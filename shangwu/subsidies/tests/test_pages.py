"""The pages as officers use them: the list with its filters and lights, the detail with its
timeline and step buttons, the forms, the steps, the programme page with its figures, the
export (masked, audited)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from shangwu.audit.models import AuditLog
from shangwu.core.testing import timeline_entries, xlsx_rows
from shangwu.organization.models import Region
from shangwu.subsidies import services
from shangwu.subsidies.models import SubsidyApplication

pytestmark = pytest.mark.django_db


def test_a_county_officer_registers_an_application_and_walks_it_to_payment(
    as_user, county_a, programme
):
    client = as_user(county_a)
    response = client.post(
        reverse("subsidies:subsidyapplication_add"),
        {
            "programme": programme.pk,
            "number": "HD-0001",
            "applicant_name": "李四",
            "id_number": "419902198805051234",
            "category": "aircon",
            "units": 1,
            "sale_amount": "5000",
            "county": county_a.region.pk,
            "accepted_on": "2026-04-01",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    app = SubsidyApplication.objects.get(number="HD-0001")
    assert app.subsidy_amount == Decimal("750.00")
    page = client.get(app.get_absolute_url())
    html = page.content.decode()
    assert "李*" in html and "419***********1234" in html
    assert "419902198805051234" not in html and "李四" not in html
    assert 'data-testid="review"' in html and 'data-testid="pay"' not in html
    response = client.post(
        reverse("subsidies:subsidyapplication_review", args=[app.pk]), {"on": "2026-04-03"}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("subsidies:subsidyapplication_pay", args=[app.pk]), {"on": "2026-04-10"}
    )
    assert response.status_code == 302
    page = client.get(app.get_absolute_url())
    entries = timeline_entries(page)
    assert [e["kind"] for e in entries] == ["拨付", "审核通过", "受理登记"]
    assert "审核 → 拨付" in entries[0]["status"]


def test_paying_before_review_through_the_page_is_told_why(as_user, county_a, make_application):
    app = make_application()
    response = as_user(county_a).post(reverse("subsidies:subsidyapplication_pay", args=[app.pk]))
    assert response.status_code == 400
    assert "只有“审核”状态的申请才能拨付" in response.content.decode()


def test_a_bad_id_number_is_refused_by_name_and_nothing_is_saved(as_user, county_a, programme):
    response = as_user(county_a).post(
        reverse("subsidies:subsidyapplication_add"),
        {
            "programme": programme.pk,
            "number": "HD-0002",
            "applicant_name": "李四",
            "id_number": "12345",
            "category": "aircon",
            "units": 1,
            "sale_amount": "5000",
            "county": county_a.region.pk,
            "accepted_on": "2026-04-01",
        },
    )
    assert response.status_code == 200
    assert "身份证号应为18位" in response.content.decode()
    assert not SubsidyApplication.objects.filter(number="HD-0002").exists()


def test_editing_keeps_the_personal_data_when_left_empty(as_user, county_a, make_application):
    app = make_application(sale=Decimal("4000"))
    client = as_user(county_a)
    form = client.get(reverse("subsidies:subsidyapplication_edit", args=[app.pk]))
    assert "419902199001011234" not in form.content.decode()
    response = client.post(
        reverse("subsidies:subsidyapplication_edit", args=[app.pk]),
        {
            "number": app.number,
            "applicant_name": "",
            "id_number": "",
            "category": "fridge",
            "units": 1,
            "sale_amount": "6000",
            "county": app.county_id,
            "accepted_on": "2026-03-02",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    app.refresh_from_db()
    assert app.id_number == "419902199001011234" and app.applicant_name == "张三丰"
    assert app.subsidy_amount == Decimal("900.00")  # follows the rule again


def test_the_list_filters_by_light_status_and_category(as_user, county_a, make_application):
    late = make_application(accepted=datetime.date(2026, 3, 2))
    paid = make_application(category="aircon")
    services.subsidy_application_review(application=paid, actor=county_a)
    services.subsidy_application_pay(application=paid, actor=county_a)
    client = as_user(county_a)
    url = reverse("subsidies:subsidyapplication_list")

    def listed(**params):
        page = client.get(url, params).context["page"]
        return set(page.paginator.object_list.values_list("pk", flat=True))

    assert listed(light="red") == {late.pk}
    assert listed(status="paid") == {paid.pk}
    assert listed(category="fridge") == {late.pk}
    assert listed(q=late.number) == {late.pk}
    html = client.get(url).content.decode()
    assert 'data-light="red"' in html


def test_the_export_is_masked_and_audited(as_user, county_a, make_application):
    app = make_application(applicant_name="王小明", id_number="419902199001015678")
    response = as_user(county_a).get(reverse("subsidies:subsidyapplication_export"))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = xlsx_rows(content)
    row = next(r for r in rows if r[0] == app.number)
    assert "王*明" in row and "419***********5678" in row
    assert not any("419902199001015678" in cell for r in rows for cell in r)
    assert AuditLog.objects.filter(
        action="export", object_type="subsidies.subsidyapplication"
    ).exists()


def test_the_programme_page_shows_its_figures_by_category_county_and_month(
    as_user, city_staff, county_a, make_application, programme
):
    app = make_application(sale=Decimal("4000"))
    services.subsidy_application_review(application=app, actor=county_a)
    services.subsidy_application_pay(application=app, actor=county_a)
    make_application(county="419921", category="aircon", sale=Decimal("3000"))
    response = as_user(city_staff).get(programme.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-figure="subsidies.applications">2件' in html
    assert 'data-figure="subsidies.subsidy_paid">0.1万元' in html  # 600元
    for testid in ("by-category", "by-county", "by-month"):
        assert f'data-testid="{testid}"' in html
    assert "vendor/echarts/echarts.min.js" in html
    # a county officer sees only their county's applications in the same figures
    html = as_user(county_a).get(programme.get_absolute_url()).content.decode()
    assert 'data-figure="subsidies.applications">1件' in html


def _programme_form(user, **extra):
    return {
        "name": "河东区家电以旧换新（县级）",
        "kind": "appliance",
        "status": "running",
        "organiser": user.org_unit_id,
        "start_on": "2026-03-01",
        "end_on": "2026-12-31",
        "central_funds": "0",
        "provincial_funds": "0",
        "city_funds": "0",
        "county_funds": "120",
        "promised_workdays": "10",
        "rules": "冰箱 10% 最高1000",
        **extra,
    }


def test_a_county_officer_maintains_a_programme_of_their_own_county_and_only_that(
    as_user, county_a, county_b, city_staff, programme
):
    from shangwu.audit.models import AuditLog
    from shangwu.subsidies.models import SubsidyProgramme

    hedong, yunshui = (Region.objects.get(code=c) for c in ("419902", "419921"))
    client = as_user(county_a)
    form = client.get(reverse("subsidies:subsidyprogramme_add"))
    assert form.status_code == 200
    assert list(form.context["form"].fields["counties"].queryset) == [hedong]
    # Another county in the list is refused by name; nothing is saved.
    refused = client.post(
        reverse("subsidies:subsidyprogramme_add"),
        _programme_form(county_a, counties=[hedong.pk, yunshui.pk]),
    )
    assert refused.status_code == 200 and "counties" in refused.context["form"].errors
    assert not SubsidyProgramme.objects.filter(name__contains="县级").exists()
    done = client.post(
        reverse("subsidies:subsidyprogramme_add"), _programme_form(county_a, counties=[hedong.pk])
    )
    assert done.status_code == 302, done.content.decode()[:2000]
    own = SubsidyProgramme.objects.get(name="河东区家电以旧换新（县级）")
    assert list(own.counties.all()) == [hedong]
    assert own.events.filter(kind="created").exists()
    assert AuditLog.objects.filter(object_id=str(own.pk), action="create").exists()
    # It edits its own programme; the city's (every county) and a sibling's stay out of reach.
    edit = client.post(
        reverse("subsidies:subsidyprogramme_edit", args=[own.pk]),
        _programme_form(county_a, counties=[hedong.pk], county_funds="150"),
    )
    assert edit.status_code == 302
    own.refresh_from_db()
    assert own.county_funds == 150 and own.events.filter(kind="updated").exists()
    assert (
        client.get(reverse("subsidies:subsidyprogramme_edit", args=[programme.pk])).status_code
        == 404
    )
    other = as_user(county_b)
    assert other.get(own.get_absolute_url()).status_code == 404
    assert other.get(reverse("subsidies:subsidyprogramme_edit", args=[own.pk])).status_code == 404
    # The city maintains it too.
    city = as_user(city_staff)
    assert city.get(reverse("subsidies:subsidyprogramme_edit", args=[own.pk])).status_code == 200


def test_a_township_officer_may_not_create_a_programme(as_user, township_a1):
    assert as_user(township_a1).get(reverse("subsidies:subsidyprogramme_add")).status_code == 403


def test_the_city_creates_a_programme_with_rules_written_as_lines(as_user, city_staff):
    response = as_user(city_staff).post(
        reverse("subsidies:subsidyprogramme_add"),
        {
            "name": "电动自行车以旧换新",
            "kind": "ebike",
            "status": "running",
            "organiser": city_staff.org_unit_id,
            "start_on": "2026-03-01",
            "end_on": "2026-12-31",
            "central_funds": "0",
            "provincial_funds": "0",
            "city_funds": "300",
            "county_funds": "0",
            "promised_workdays": "10",
            "rules": "电动自行车 500\n冰箱 20% 最高2000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    from shangwu.subsidies.models import SubsidyProgramme

    programme = SubsidyProgramme.objects.get(name="电动自行车以旧换新")
    assert sorted(str(r) for r in programme.rules.all()) == [
        "冰箱：销售价格的20%，每台最高2000.00元",
        "电动自行车：每辆500.00元",
    ]


def test_a_rule_line_that_does_not_read_is_refused_with_its_line(as_user, city_staff):
    response = as_user(city_staff).post(
        reverse("subsidies:subsidyprogramme_add"),
        {
            "name": "x",
            "kind": "ebike",
            "status": "running",
            "organiser": city_staff.org_unit_id,
            "start_on": "2026-03-01",
            "end_on": "2026-12-31",
            "promised_workdays": "10",
            "central_funds": "0",
            "provincial_funds": "0",
            "city_funds": "0",
            "county_funds": "0",
            "rules": "电动自行车 五百",
        },
    )
    assert "第1行“电动自行车 五百”无法识别" in response.content.decode()


def test_seeing_the_full_identity_takes_the_permission_and_is_audited(
    as_user, county_a, make_application
):
    from django.contrib.auth.models import Permission

    app = make_application(applicant_name="王小明", id_number="419902199001015678")
    url = reverse("subsidies:subsidyapplication_reveal", args=[app.pk])
    client = as_user(county_a)
    assert client.post(url).status_code == 403
    assert AuditLog.objects.filter(action="denied", object_id=str(app.pk)).exists()
    county_a.user_permissions.add(Permission.objects.get(codename="reveal_subsidyapplication"))
    county_a = type(county_a).objects.get(pk=county_a.pk)
    client = as_user(county_a)
    assert 'data-testid="reveal"' in client.get(app.get_absolute_url()).content.decode()
    answer = client.post(url)
    assert answer.status_code == 200
    assert "王小明 419902199001015678" in answer.content.decode()
    assert AuditLog.objects.filter(action="reveal", object_id=str(app.pk)).exists()
