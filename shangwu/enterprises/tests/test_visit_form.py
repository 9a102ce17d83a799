"""The visit form as staff use it (issue 16, Everywhere · Visits): any number of problem rows,
editing a saved visit with its history kept, photos through the file service, and the searchable
picker for the enterprise and the officials."""

import pytest
from django.urls import reverse

from shangwu.audit.choices import AuditAction
from shangwu.audit.models import AuditLog
from shangwu.cases.services import case_open_from
from shangwu.core.tests import files
from shangwu.core.tests.files import stored_files
from shangwu.enterprises.baobao import services as services
from shangwu.enterprises.models import EnterpriseEvent, Visit, VisitAttachment, VisitProblem

from .service_helpers import COUNTY_A, COUNTY_B, TOWNSHIP_A1, days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def ent_a(make_enterprise):
    return make_enterprise(county=COUNTY_A, township=TOWNSHIP_A1, name="东湖走访甲有限公司")


@pytest.fixture
def ent_b(make_enterprise):
    return make_enterprise(county=COUNTY_B, name="东湖走访乙有限公司")


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def visit_form(enterprise, officials, rows, *, initial=0, **extra):
    data = {
        "enterprise": enterprise.pk,
        "visited_on": days_ago(1).isoformat(),
        "form": "onsite",
        "officials": [o.pk for o in officials],
        "notes": "了解生产经营情况",
        "problems-TOTAL_FORMS": str(len(rows)),
        "problems-INITIAL_FORMS": str(initial),
        "problems-MIN_NUM_FORMS": "0",
        "problems-MAX_NUM_FORMS": "200",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"problems-{i}-{key}"] = value
    data.update(extra)
    return data


ADD = reverse("enterprises:visit_add")


# --- 1. Any number of problem rows ----------------------------------------------------------------


def test_the_form_offers_an_add_row_button_and_a_template_row(as_user, ent_a, county_a):
    page = as_user(county_a).get(ADD).content.decode()
    assert 'data-formset-add="problems"' in page and "添加一行" in page
    assert (
        '<template id="problems-empty-row">' in page and "problems-__prefix__-description" in page
    )
    assert 'name="problems-0-DELETE"' in page  # each row can be removed


def test_staff_records_twenty_five_problems_on_one_visit(as_user, ent_a, county_a):
    rows = [{"description": f"问题{i + 1}", "category": ""} for i in range(25)]
    response = as_user(county_a).post(ADD, visit_form(ent_a, [county_a], rows))
    assert response.status_code == 302
    visit = Visit.objects.get(enterprise=ent_a)
    assert list(visit.problems.order_by("id").values_list("description", flat=True)) == [
        f"问题{i + 1}" for i in range(25)
    ]


def test_add_row_without_javascript_shows_one_more_row_and_saves_nothing(as_user, ent_a, county_a):
    rows = [
        {"description": "用电增容", "category": "水电气暖"},
        {"description": "", "category": ""},
    ]
    page = (
        as_user(county_a)
        .post(ADD, visit_form(ent_a, [county_a], rows, add_row="1"))
        .content.decode()
    )
    assert 'name="problems-TOTAL_FORMS" value="3"' in page
    assert 'name="problems-2-description"' in page
    assert "用电增容" in page  # what was typed is kept
    assert "invalid-feedback" not in page  # not a submit: nothing judged yet
    assert not Visit.objects.exists()


def test_a_row_marked_for_removal_is_not_saved(as_user, ent_a, county_a):
    rows = [{"description": "招工难"}, {"description": "写错了", "DELETE": "on"}]
    assert as_user(county_a).post(ADD, visit_form(ent_a, [county_a], rows)).status_code == 302
    assert list(VisitProblem.objects.values_list("description", flat=True)) == ["招工难"]


def test_a_mistake_in_a_problem_row_is_said_with_its_row_number(as_user, ent_a, county_a):
    rows = [
        {"description": "融资难"},
        {"description": "道路"},
        {"description": "", "category": "外贸外资"},
    ]
    page = as_user(county_a).post(ADD, visit_form(ent_a, [county_a], rows)).content.decode()
    assert "第3行问题描述：已选问题类别，请填写问题描述" in page
    assert not Visit.objects.exists()


def test_more_rows_than_the_limit_are_refused_in_chinese(as_user, ent_a, county_a):
    rows = [{"description": f"问题{i}"} for i in range(201)]
    page = as_user(county_a).post(ADD, visit_form(ent_a, [county_a], rows)).content.decode()
    assert "一次走访最多登记200个问题" in page and not Visit.objects.exists()


# --- 2. Editing a saved visit, history kept ---------------------------------------------------------


def record(enterprise, official, problems):
    return services.visit_create(
        enterprise=enterprise,
        visited_on=days_ago(3),
        officials=[official],
        notes="初次走访",
        problems=[{"description": d} for d in problems],
        actor=official,
    )


def edit_url(visit):
    return reverse("enterprises:visit_edit", args=[visit.pk])


def test_staff_corrects_a_visit_and_the_change_is_kept(as_user, ent_a, county_a, township_a1):
    visit = record(ent_a, county_a, ["用电增容", "招工难", "记错的问题"])
    p1, p2, p3 = visit.problems.order_by("id")
    client = as_user(county_a)
    page = client.get(edit_url(visit)).content.decode()
    assert "用电增容" in page and "修改原因" in page
    rows = [
        {"id": p1.pk, "description": "用电增容（200千伏安）", "category": "水电气暖"},
        {"id": p2.pk, "description": "招工难"},
        {"id": p3.pk, "description": "记错的问题", "DELETE": "on"},
        {"description": "缺少停车位"},
    ]
    data = visit_form(ent_a, [county_a, township_a1], rows, initial=3, reason="补记乡镇同志")
    data["visited_on"] = days_ago(2).isoformat()
    response = client.post(edit_url(visit), data)
    assert response.status_code == 302

    visit.refresh_from_db()
    assert visit.visited_on == days_ago(2)
    assert set(visit.officials.all()) == {county_a, township_a1}
    assert list(visit.problems.order_by("id").values_list("description", flat=True)) == [
        "用电增容（200千伏安）",
        "招工难",
        "缺少停车位",
    ]
    event = EnterpriseEvent.objects.get(enterprise=ent_a, kind="visit_edited")
    assert event.actor == county_a and event.changes["reason"] == "补记乡镇同志"
    assert event.changes["before"]["走访日期"] == days_ago(3).isoformat()
    assert event.changes["after"]["走访日期"] == days_ago(2).isoformat()
    assert event.changes["before"]["删除问题"] == ["记错的问题"]
    assert event.changes["after"]["新增问题"] == ["缺少停车位"]
    assert AuditLog.objects.filter(
        action=AuditAction.UPDATE, object_id=str(visit.pk), detail__contains="补记乡镇同志"
    ).exists()

    detail = client.get(response["Location"]).content.decode()
    assert 'data-testid="visit-history"' in detail
    assert f"走访日期：{days_ago(3).isoformat()} → {days_ago(2).isoformat()}" in detail
    assert "补记乡镇同志" in detail
    timeline = client.get(ent_a.get_absolute_url()).content.decode()
    assert "走访修改" in timeline and "缺少停车位" in timeline


def test_a_problem_already_converted_to_a_case_cannot_be_changed_or_removed(
    as_user, ent_a, county_a
):
    visit = record(ent_a, county_a, ["道路破损"])
    problem = visit.problems.get()
    case = case_open_from(origin=problem, actor=county_a)
    client = as_user(county_a)
    assert (
        f"已转为案件（案件编号{case.number}），不能修改或删除"
        in client.get(edit_url(visit)).content.decode()
    )

    # The page: the row's fields are read-only, whatever is posted for them.
    rows = [{"id": problem.pk, "description": "改掉的内容", "DELETE": "on"}]
    assert (
        client.post(edit_url(visit), visit_form(ent_a, [county_a], rows, initial=1)).status_code
        == 302
    )
    problem.refresh_from_db()
    assert problem.description == "道路破损" and problem.case == case

    # The service (API, any other caller): refused in Chinese, naming the row.
    with pytest.raises(Exception, match=f"第1行问题已转为案件（案件编号{case.number}），不能删除"):
        services.visit_update(
            visit=visit, actor=county_a, problems=[{"id": problem.pk, "delete": True}]
        )
    with pytest.raises(Exception, match="不能修改问题描述或类别"):
        services.visit_update(
            visit=visit, actor=county_a, problems=[{"id": problem.pk, "description": "新"}]
        )


def test_add_row_on_the_edit_page_keeps_the_saved_rows(as_user, ent_a, county_a):
    visit = record(ent_a, county_a, ["用电增容"])
    problem = visit.problems.get()
    data = visit_form(
        ent_a,
        [county_a],
        [{"id": problem.pk, "description": "用电增容"}, {}],
        initial=1,
        add_row="1",
    )
    page = as_user(county_a).post(edit_url(visit), data).content.decode()
    assert (
        'name="problems-TOTAL_FORMS" value="3"' in page and 'name="problems-2-description"' in page
    )
    assert f'name="problems-0-id" value="{problem.pk}"' in page
    assert not EnterpriseEvent.objects.filter(kind="visit_edited").exists()


def test_another_countys_officer_cannot_open_the_edit_page(as_user, ent_a, county_a, county_b):
    visit = record(ent_a, county_a, [])
    assert as_user(county_b).get(edit_url(visit)).status_code == 404
    assert (
        as_user(county_b).post(edit_url(visit), visit_form(ent_a, [county_b], [])).status_code
        == 404
    )


def test_the_api_edits_a_visits_problems_with_the_same_rules(ent_a, county_a):
    from .service_helpers import api_as

    visit = record(ent_a, county_a, ["用电增容", "道路破损"])
    power, road = visit.problems.order_by("id")
    case = case_open_from(origin=road, actor=county_a)
    api = api_as(county_a)
    response = api.patch(
        f"/api/visits/{visit.pk}/",
        {
            "problems": [
                {"id": power.pk, "description": "用电增容（已报供电公司）"},
                {"description": "招工难"},
            ],
            "reason": "补充情况",
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert [p["description"] for p in response.json()["problems"]] == [
        "用电增容（已报供电公司）",
        "道路破损",
        "招工难",
    ]
    event = EnterpriseEvent.objects.get(kind="visit_edited")
    assert event.changes["reason"] == "补充情况" and event.changes["after"]["新增问题"] == [
        "招工难"
    ]
    refused = api.patch(
        f"/api/visits/{visit.pk}/", {"problems": [{"id": road.pk, "delete": True}]}, format="json"
    )
    assert refused.status_code == 400 and f"已转为案件（案件编号{case.number}），不能删除" in str(
        refused.json()
    )
    assert VisitProblem.objects.filter(pk=road.pk, case=case).exists()


# --- 3. Photos and the scanned 走访记录 -------------------------------------------------------------


def test_staff_records_a_visit_with_a_photo_and_a_scan_and_reads_them_back(
    as_user, ent_a, county_a, media, committed
):
    client = as_user(county_a)
    data = visit_form(ent_a, [county_a], [{"description": "厂房漏雨"}])
    data["photos"] = [files.png("车间现场.png"), files.pdf("走访记录.pdf")]
    with committed():
        response = client.post(ADD, data)
    assert response.status_code == 302
    visit = Visit.objects.get(enterprise=ent_a)
    photo, scan = visit.attachments.order_by("id")
    assert (photo.name, scan.name) == ("车间现场.png", "走访记录.pdf")
    assert [p.relative_to(media).as_posix() for p in stored_files(media)] == sorted(
        [photo.file.name, scan.file.name]
    )

    page = client.get(visit.get_absolute_url()).content.decode()
    photo_url = reverse("enterprises:visit_attachment_download", args=[photo.pk])
    assert f'<img src="{photo_url}?inline=1"' in page and "走访记录.pdf" in page
    assert "现场照片和附件" in page.split("</title>")[1]  # in the page, not in its title

    shown = client.get(photo_url + "?inline=1")
    assert body(shown) == files.PNG_BYTES
    assert shown["Content-Type"] == "image/png" and shown["X-Content-Type-Options"] == "nosniff"
    assert shown["Content-Disposition"].startswith("inline;")
    scan_response = client.get(
        reverse("enterprises:visit_attachment_download", args=[scan.pk]) + "?inline=1"
    )
    assert body(scan_response) == files.PDF_BYTES
    assert scan_response["Content-Disposition"].startswith("attachment;")  # a PDF is never inline
    assert AuditLog.objects.filter(action=AuditAction.DOWNLOAD, object_id=str(photo.pk)).exists()


def test_a_refused_file_saves_no_visit_and_keeps_the_form_filled(
    as_user, ent_a, county_a, media, committed
):
    client = as_user(county_a)
    data = visit_form(ent_a, [county_a], [{"description": "厂房漏雨"}], notes="带了网页的走访")
    data["photos"] = [files.png(), files.html_named_pdf("走访记录.pdf")]
    with committed():
        page = client.post(ADD, data).content.decode()
    assert "文件“走访记录.pdf”的内容不是真正的" in page
    assert "带了网页的走访" in page and "厂房漏雨" in page
    assert not Visit.objects.exists() and not VisitAttachment.objects.exists()
    assert stored_files(media) == []


def test_a_word_file_is_not_a_visit_photo(as_user, ent_a, county_a, media, committed):
    data = visit_form(ent_a, [county_a], [])
    data["photos"] = [files.docx()]
    with committed():
        page = as_user(county_a).post(ADD, data).content.decode()
    assert "只能上传 jpg、png、pdf 文件" in page and not Visit.objects.exists()


def test_a_photo_added_on_edit_and_removed_again(
    as_user, ent_a, county_a, county_b, media, committed
):
    visit = record(ent_a, county_a, [])
    client = as_user(county_a)
    data = visit_form(ent_a, [county_a], [])
    data["visited_on"] = days_ago(3).isoformat()
    data["notes"] = "初次走访"
    data["photos"] = [files.png("补拍.png")]
    with committed():
        assert client.post(edit_url(visit), data).status_code == 302
    photo = visit.attachments.get()
    url = reverse("enterprises:visit_attachment_download", args=[photo.pk])
    assert EnterpriseEvent.objects.get(kind="visit_edited").changes["after"]["新增附件"] == [
        "补拍.png"
    ]

    assert as_user(county_b).get(url).status_code == 404  # another county: not found, audited
    assert AuditLog.objects.filter(action=AuditAction.DENIED, object_id=str(photo.pk)).exists()

    remove = reverse("enterprises:visit_attachment_remove", args=[photo.pk])
    assert client.post(remove).status_code == 302
    photo.refresh_from_db()
    assert photo.removed_at is not None and photo.removed_by == county_a
    assert client.get(url).status_code == 404
    page = client.get(visit.get_absolute_url()).content.decode()
    panel = page[
        page.index('data-testid="visit-attachments"') : page.index('data-testid="visit-history"')
    ]
    assert "补拍.png" not in panel and "暂无照片或附件" in panel
    assert (
        "删除" in page[page.index('data-testid="visit-history"') :]
    )  # the removal is in the history


def test_the_api_lists_a_visits_files_with_their_download_links(
    as_user, ent_a, county_a, media, committed
):
    from .service_helpers import api_as

    with committed():
        visit = services.visit_create(
            enterprise=ent_a,
            visited_on=days_ago(1),
            officials=[county_a],
            actor=county_a,
            photos=[files.png("现场.png")],
        )
    data = api_as(county_a).get(f"/api/visits/{visit.pk}/").json()
    [item] = data["attachments"]
    assert item["name"] == "现场.png" and item["content_type"] == "image/png"
    response = as_user(county_a).get(item["download_url"])
    assert body(response) == files.PNG_BYTES


def test_the_api_uploads_and_removes_a_visit_scan(ent_a, county_a, county_b, media, committed):
    from .service_helpers import api_as

    visit = services.visit_create(
        enterprise=ent_a, visited_on=days_ago(1), officials=[county_a], actor=county_a
    )
    api = api_as(county_a)
    url = f"/api/visits/{visit.pk}/attachments/"
    with committed():
        response = api.post(url, {"file": files.pdf("走访记录扫描.pdf")}, format="multipart")
    assert response.status_code == 201, response.content
    item = response.json()
    assert body(api.get(item["download_url"])) == files.PDF_BYTES
    refused = api.post(url, {"file": files.html_named_pdf()}, format="multipart")
    assert refused.status_code == 400 and "不是真正的" in refused.json()["file"][0]
    assert api_as(county_b).get(url).status_code == 404
    assert api.post(f"{url}{item['id']}/remove/").status_code == 204
    assert api.get(url).json() == []


# --- 4. The searchable picker -------------------------------------------------------------------


def pick(client, kind, q, **selected):
    return client.get(
        ADD, {"pick": kind, "q": q, **selected}, HTTP_HX_REQUEST="true"
    ).content.decode()


def test_county_staff_find_an_enterprise_by_pinyin_initials_and_credit_code_only_in_their_county(
    as_user, ent_a, ent_b, county_a
):
    client = as_user(county_a)
    by_initials = pick(client, "enterprise", "dhzf")  # 东湖走访…
    assert f'value="{ent_a.pk}"' in by_initials and "东湖走访甲有限公司" in by_initials
    assert "东湖走访乙有限公司" not in by_initials  # the same initials, another county
    by_code = pick(client, "enterprise", ent_a.credit_code[-8:])
    assert f'value="{ent_a.pk}"' in by_code and ent_a.credit_code in by_code
    assert f'value="{ent_b.pk}"' not in pick(client, "enterprise", ent_b.credit_code)
    assert "<html" not in by_code  # a fragment: the options only


def test_the_picker_keeps_the_chosen_official_and_finds_others_by_initials(
    as_user, county_a, township_a1
):
    from shangwu.enterprises.services import name_pinyin

    client = as_user(county_a)
    initials = name_pinyin(township_a1.name)[1]
    page = pick(client, "officials", initials, officials=[county_a.pk])
    assert f'<option value="{county_a.pk}" selected>' in page
    assert f'value="{township_a1.pk}"' in page


def test_without_javascript_the_enterprise_select_lists_only_the_users_scope(
    as_user, ent_a, ent_b, county_a
):
    page = as_user(county_a).get(ADD).content.decode()
    assert "东湖走访甲有限公司" in page and "东湖走访乙有限公司" not in page
    assert "data-picker" in page and 'hx-get="/enterprises/visits/add/?pick=enterprise"' in page


def test_the_form_posts_the_enterprise_chosen_in_the_picker(as_user, ent_a, county_a):
    client = as_user(county_a)
    options = pick(client, "enterprise", "dhzf")
    assert f'value="{ent_a.pk}"' in options
    assert client.post(ADD, visit_form(ent_a, [county_a], [])).status_code == 302
    assert Visit.objects.get().enterprise == ent_a
