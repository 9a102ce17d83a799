"""The enterprise record: credit codes, places, pinyin order and search, status, tags, timeline."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.timezone import localtime

from shangwu.core.testing import timeline_entries
from shangwu.enterprises import services
from shangwu.enterprises.models import Enterprise, EnterpriseEvent, Tag
from shangwu.enterprises.validators import credit_code_error

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["914403001922038216", "91110000100006485K", "91310000MA1FL1MMXL"])
def test_published_credit_codes_are_valid(code):
    assert credit_code_error(code) is None


def test_lower_case_letters_are_accepted_as_upper_case():
    assert credit_code_error("91110000100006485k") is None


@pytest.mark.parametrize(
    "code, message",
    [
        ("", "不能为空"),
        ("91440300192203821", "应为18位，实际为17位"),
        ("9144030019220382I6", "第17位“I”不是合法字符（不使用I、O、S、V、Z）"),
        ("914403001922038217", "第18位应为“6”，实际为“7”"),
        ("91AB03001922038216", "第3—8位应为登记管理机关行政区划码"),
    ],
)
def test_invalid_credit_codes_say_what_is_wrong(code, message):
    assert message in credit_code_error(code)


# Real-looking valid codes of different kinds: 企业 (91), 个体工商户 (92), 社会团体 (51),
# 事业单位 (12), 律师事务所 (31), 其他 (Y1); their organisation codes end in a digit, X and 0.
VALID_KINDS = [
    "914403001922038216",
    "91310000MA1FL1MMXL",
    "9144030019220383XX",
    "92419902MA00000073",
    "51419902MA0000189E",
    "124199020000000X0G",
    "31419902MA0000103M",
    "Y1419902MA0000007G",
]


@pytest.mark.parametrize("code", VALID_KINDS)
def test_codes_of_every_kind_with_both_check_characters_right_are_valid(code):
    from shangwu.enterprises.validators import credit_code_from

    assert credit_code_error(code) is None
    assert credit_code_from(code[:2], code[2:8], code[8:16]) == code


@pytest.mark.parametrize(
    "code, message",
    [
        # GB 11714 check digit (position 17) wrong: 19220382-1 → 19220382-3, the 18th recomputed
        ("91440300192203823C", "第9—17位（组织机构代码）校验位错误：第17位应为“1”，实际为“3”"),
        # one digit of the organisation body changed (position 12: 2 → 3), 17 and 18 left as they were
        ("914403001923038216", "第9—17位（组织机构代码）校验位错误：第17位应为“2”，实际为“1”"),
        # department 9 (工商) has no type 4
        (
            "944403001922038216",
            "第2位（机构类别码）“4”与第1位“9”（工商（市场监管））不匹配，应为1（企业）、2（个体工商户）、3（农民专业合作社）",
        ),
        # Y (其他) allows only 1
        ("Y2419902MA0000007G", "第2位（机构类别码）“2”与第1位“Y”（其他）不匹配，应为1（其他）"),
        # no department B
        ("B1419902MA0000007G", "第1位（登记管理部门码）“B”不存在"),
    ],
)
def test_a_wrong_department_type_or_organisation_check_digit_is_named_by_position(code, message):
    assert message in credit_code_error(code)


def test_the_demo_and_the_import_template_make_codes_that_pass(region):
    import random

    from shangwu.enterprises.demo import make_credit_code
    from shangwu.enterprises.imports.template import EXAMPLE_CODE_BODY

    rng = random.Random(11)
    assert all(credit_code_error(make_credit_code(rng, "419902")) is None for _ in range(300))
    from shangwu.enterprises.validators import credit_code_check_char

    body = f"91419902{EXAMPLE_CODE_BODY}"
    assert credit_code_error(body + credit_code_check_char(body)) is None


def test_the_enterprise_form_says_which_position_is_wrong(as_user, county_a, region):
    page = as_user(county_a).post(
        reverse("enterprises:enterprise_add"),
        {
            "credit_code": "914403001923038216",
            "name": "位错企业有限公司",
            "county": region("419902").pk,
            "ownership": "domestic",
        },
    )
    assert page.status_code == 200
    assert "第9—17位（组织机构代码）校验位错误" in page.content.decode()


def test_county_is_filled_from_the_codes_region_digits(region):
    import random

    from shangwu.enterprises.demo import make_credit_code

    code = make_credit_code(random.Random(3), "419921")
    e = services.enterprise_create(
        actor=None, credit_code=code.lower(), name="云水县自动定位有限公司"
    )
    assert e.county == region("419921") and e.credit_code == code


def test_a_code_from_outside_the_city_needs_a_county():
    with pytest.raises(ValidationError) as exc:
        services.enterprise_create(actor=None, credit_code="914403001922038216", name="外地企业")
    assert "请选择所属县(市、区)" in str(exc.value)


def test_township_must_belong_to_the_county(region):
    with pytest.raises(ValidationError, match="不属于"):
        services.enterprise_create(
            actor=None,
            credit_code="914403001922038216",
            name="错位企业",
            county=region("419902"),
            township=region("419921101"),
        )


def test_duplicate_credit_code_is_refused(make_enterprise):
    e = make_enterprise()
    with pytest.raises(ValidationError, match="统一社会信用代码"):
        services.enterprise_create(
            actor=None, credit_code=e.credit_code, name="重复", county=e.county
        )


def test_division_must_belong_to_the_section(make_enterprise):
    with pytest.raises(ValidationError, match="属于门类F"):
        make_enterprise(industry_section="C", industry_division="52")
    e = make_enterprise(industry_division="52")
    assert e.industry_section == "F" and e.industry_display == "批发和零售业 · 52 零售业"


def test_list_is_in_pinyin_order_and_finds_pinyin_initials(as_user, city_staff, make_enterprise):
    for name in ["张家商贸有限公司", "阿里商贸有限公司", "北方商贸有限公司"]:
        make_enterprise(name=name)
    make_enterprise(name="云河河东南顺1加油站有限公司")  # digits in a name: its pinyin keeps them
    client = as_user(city_staff)
    rows = [
        e.name
        for e, _ in client.get(reverse("enterprises:enterprise_list")).context["table"].rows()
    ]
    assert rows[:4] == [
        "阿里商贸有限公司",
        "北方商贸有限公司",
        "云河河东南顺1加油站有限公司",
        "张家商贸有限公司",
    ]
    for q, name in [
        ("bfsm", "北方商贸有限公司"),
        ("beifang", "北方商贸有限公司"),
        ("ZhangJ", "张家商贸有限公司"),
        ("zjsmyxgs", "张家商贸有限公司"),
        ("alishangmaoyouxiangongsi", "阿里商贸有限公司"),
        ("yhhdns1jyz", "云河河东南顺1加油站有限公司"),
        ("yunhehedongnanshun1", "云河河东南顺1加油站有限公司"),
    ]:
        found = client.get(reverse("enterprises:enterprise_list"), {"q": q}).context["table"].rows()
        assert [e.name for e, _ in found] == [name], q


def test_search_matches_credit_code_and_short_name(as_user, city_staff, make_enterprise):
    e = make_enterprise(name="长江物流有限公司", short_name="长江物流")
    client = as_user(city_staff)
    for q in (e.credit_code[-8:].lower(), "长江物流"):
        found = client.get(reverse("enterprises:enterprise_list"), {"q": q}).context["table"].rows()
        assert [x.pk for x, _ in found] == [e.pk]


def test_search_finds_latin_letters_in_names_and_pinyin_typed_with_spaces(
    as_user, city_staff, make_enterprise
):
    abc = make_enterprise(name="云河华为ABC贸易有限公司", short_name="XYZ商贸")
    make_enterprise(name="云水其他商贸有限公司")
    client = as_user(city_staff)
    for q in ("ABC", "abc", "XYZ", "xyz", "yunhe huawei", "yunhehuawei"):
        found = client.get(reverse("enterprises:enterprise_list"), {"q": q}).context["table"].rows()
        assert [x.pk for x, _ in found] == [abc.pk], q


def test_staff_creates_an_enterprise_in_the_browser_form(as_user, county_a, region):
    import random

    from shangwu.enterprises.demo import make_credit_code

    code = make_credit_code(random.Random(9), "419902")
    response = as_user(county_a).post(
        reverse("enterprises:enterprise_add"),
        {
            "credit_code": code,
            "name": "河东新开商贸有限公司",
            "ownership": "domestic",
            "township": region("419902001").pk,
        },
    )
    e = Enterprise.objects.get(credit_code=code)
    assert response.status_code == 302 and e.county.code == "419902"
    assert e.events.get().kind == "created"


def test_bad_code_in_the_form_is_shown_next_to_the_field(as_user, county_a):
    response = as_user(county_a).post(
        reverse("enterprises:enterprise_add"),
        {
            "credit_code": "914403001922038217",
            "name": "坏代码",
            "ownership": "domestic",
        },
    )
    assert "第18位应为“6”" in response.content.decode()
    assert not Enterprise.objects.filter(name="坏代码").exists()


def test_editing_writes_a_timeline_entry_with_the_changed_fields(
    as_user, county_a, make_enterprise
):
    e = make_enterprise(name="旧名称有限公司")
    as_user(county_a).post(
        reverse("enterprises:enterprise_edit", args=[e.pk]),
        {
            "credit_code": e.credit_code,
            "name": "新名称有限公司",
            "county": e.county_id,
            "ownership": "domestic",
        },
    )
    event = e.events.filter(kind="updated").get()
    assert (
        event.changes["before"]["name"] == "旧名称有限公司"
        and event.changes["after"]["name"] == "新名称有限公司"
    )
    html = as_user(county_a).get(e.get_absolute_url()).content.decode()
    assert "信息变更" in html


def test_the_timeline_says_what_changed_in_words(as_user, city_staff, make_enterprise, region):
    e = make_enterprise(name="变更前有限公司", township="419902001", registered_capital=100)
    as_user(city_staff).post(
        reverse("enterprises:enterprise_edit", args=[e.pk]),
        {
            "credit_code": e.credit_code,
            "name": "变更后有限公司",
            "county": e.county_id,
            "township": region("419902002").pk,
            "ownership": "foreign",
            "registered_capital": "250.5",
            "is_key": "on",
        },
    )
    html = as_user(city_staff).get(e.get_absolute_url()).content.decode()
    for line in (
        "企业名称：变更前有限公司 → 变更后有限公司",
        "乡镇(街道)：东湖街道 → 滨江街道",
        "经济类型：内资 → 外商投资",
        "注册资本（万元）：100.00 → 250.50",
        "重点企业：否 → 是",
    ):
        assert line in html, line
    assert "registered_capital" not in html


def test_deregistration_keeps_the_record_and_needs_a_reason(as_user, county_a, make_enterprise):
    e = make_enterprise()
    client = as_user(county_a)
    response = client.post(
        reverse("enterprises:enterprise_status", args=[e.pk]), {"status": "cancelled", "note": ""}
    )
    assert "变更原因" in response.content.decode()
    client.post(
        reverse("enterprises:enterprise_status", args=[e.pk]),
        {"status": "cancelled", "note": "企业已注销登记"},
    )
    e.refresh_from_db()
    assert e.status == "cancelled"
    event = EnterpriseEvent.objects.get(enterprise=e, kind="status")
    assert (event.from_status, event.to_status, event.note) == (
        "active",
        "cancelled",
        "企业已注销登记",
    )


def test_there_is_no_way_to_hard_delete_an_enterprise(as_user, city_staff, make_enterprise):
    e = make_enterprise()
    assert as_user(city_staff).post(f"/enterprises/{e.pk}/delete/").status_code == 404
    assert Enterprise.objects.filter(pk=e.pk).exists()


def test_bulk_tag_applies_to_ticked_rows_and_needs_the_date_for_limit_tags(
    as_user, county_a, make_enterprise
):
    a, b, c = make_enterprise(), make_enterprise(), make_enterprise()
    tag = Tag.objects.get(name="限上零售")
    client = as_user(county_a)
    url = reverse("enterprises:enterprise_bulk_tag")
    response = client.post(url, {"pk": [a.pk, b.pk], "tag": tag.pk, "_apply": "1"})
    assert "须填写纳统日期" in response.content.decode()
    client.post(url, {"pk": [a.pk, b.pk], "tag": tag.pk, "since": "2025-03-01", "_apply": "1"})
    assert set(Enterprise.objects.filter(tags=tag).values_list("pk", flat=True)) == {a.pk, b.pk}
    assert a.tag_links.get().since.isoformat() == "2025-03-01"
    assert not c.tags.exists()


def test_bulk_tag_over_the_filtered_list_stays_in_scope(as_user, county_a, make_enterprise):
    mine = make_enterprise(county="419902", name="河东批量企业有限公司")
    other = make_enterprise(county="419921", name="云水批量企业有限公司")
    tag = Tag.objects.get(name="外贸实绩")
    as_user(county_a).post(
        reverse("enterprises:enterprise_bulk_tag"),
        {"_all": "1", "_query": "q=批量企业", "tag": tag.pk, "_apply": "1"},
    )
    assert mine.tags.filter(pk=tag.pk).exists() and not other.tags.exists()


def test_bulk_tag_ignores_ids_outside_scope(as_user, county_a, make_enterprise):
    other = make_enterprise(county="419921")
    tag = Tag.objects.get(name="外贸实绩")
    as_user(county_a).post(
        reverse("enterprises:enterprise_bulk_tag"), {"pk": [other.pk], "tag": tag.pk, "_apply": "1"}
    )
    assert not other.tags.exists()


def test_system_admin_adds_a_tag_to_the_vocabulary(as_user, sysadmin, county_a):
    as_user(sysadmin).post(
        reverse("enterprises:tag_add"),
        {"name": "夜经济示范", "code": "night_economy", "sort_order": 20},
    )
    assert Tag.objects.filter(name="夜经济示范").exists()
    assert (
        as_user(county_a).post(reverse("enterprises:tag_add"), {"name": "越权标签"}).status_code
        == 403
    )


def test_detail_page_shows_contacts_masked_officials_visits_and_the_timeline(
    as_user, county_a, make_enterprise
):
    import datetime

    from shangwu.enterprises.baobao.services import assignment_create, contact_create, visit_create

    e = make_enterprise(county="419902", township="419902001", name="详情页企业有限公司")
    contact_create(
        enterprise=e, actor=county_a, name="林小红", position="总经理", mobile="13812341234"
    )
    assignment_create(
        enterprise=e,
        official=county_a,
        role="commissioner",
        start_on=datetime.date(2026, 1, 1),
        actor=county_a,
    )
    visit_create(
        enterprise=e,
        visited_on=datetime.date(2026, 11, 2),
        officials=[county_a],
        actor=county_a,
        notes="了解用工情况",
        problems=[{"description": "招工难，缺少熟练焊工", "category": "用工"}],
    )
    html = as_user(county_a).get(e.get_absolute_url()).content.decode()
    assert "林小红" in html and "138****1234" in html and "13812341234" not in html
    assert "刘洋" in html  # the county official in charge
    assert "招工难，缺少熟练焊工" in html or "了解用工情况" in html
    assert "包保安排" in html and "走访" in html  # timeline entries


def test_enterprise_page_lists_its_cases_and_visit_problems_link_to_conversion(
    as_user, county_a, make_enterprise
):
    import datetime

    from shangwu.cases.models import CaseCategory
    from shangwu.cases.services import case_register
    from shangwu.enterprises.baobao.services import visit_create

    e = make_enterprise(county="419902", township="419902001", name="案件关联企业有限公司")
    case = case_register(
        actor=county_a,
        source="self_report",
        kind="ordinary",
        category=CaseCategory.objects.get(name="用工"),
        enterprise=e,
        title="招工难需要协调",
        content="缺少熟练焊工",
        county=e.county,
        township=e.township,
    )
    html = as_user(county_a).get(e.get_absolute_url()).content.decode()
    assert case.number in html and "招工难需要协调" in html
    visit = visit_create(
        enterprise=e,
        visited_on=datetime.date(2026, 11, 2),
        officials=[county_a],
        actor=county_a,
        problems=[{"description": "物流成本高", "category": "物流"}],
    )
    page = (
        as_user(county_a).get(reverse("enterprises:visit_detail", args=[visit.pk])).content.decode()
    )
    problem = visit.problems.get()
    assert reverse("cases:case_from_problem", args=[problem.pk]) in page


def test_a_negative_capital_or_a_future_founding_date_is_refused_on_its_field(
    as_user, city_staff, make_enterprise
):
    e = make_enterprise(name="数值检查有限公司")
    url = reverse("enterprises:enterprise_edit", args=[e.pk])
    base = {
        "credit_code": e.credit_code,
        "name": e.name,
        "county": e.county_id,
        "ownership": "domestic",
    }
    response = as_user(city_staff).post(url, {**base, "registered_capital": "-5"})
    assert "注册资本不能为负数" in response.content.decode()
    response = as_user(city_staff).post(url, {**base, "established_on": "2099-01-01"})
    assert "成立日期不能早于1900年，也不能晚于今天" in response.content.decode()
    e.refresh_from_db()
    assert e.registered_capital is None and e.established_on is None


def test_out_of_area_entries_are_named_on_their_field(as_user, county_a, township_a1):
    import random

    from shangwu.enterprises.demo import make_credit_code

    foreign_code = make_credit_code(random.Random(31), "419921")
    response = as_user(county_a).post(
        reverse("enterprises:enterprise_add"),
        {"credit_code": foreign_code, "name": "外县代码有限公司", "ownership": "domestic"},
    )
    assert response.context["form"].errors["credit_code"] == [
        "信用代码第3—8位对应“云水县”，不在您的数据范围内：请核对信用代码，或选择“河东区”。"
    ]
    form = as_user(township_a1).get(reverse("enterprises:enterprise_add")).context["form"]
    assert form["township"].value() == township_a1.region.pk  # offered their own township
    response = as_user(township_a1).post(
        reverse("enterprises:enterprise_add"),
        {
            "credit_code": make_credit_code(random.Random(32), "419902"),
            "name": "无街道有限公司",
            "ownership": "domestic",
        },
    )
    assert response.context["form"].errors["township"] == [
        "请选择“东湖街道”：您只能登记本乡镇(街道)的企业。"
    ]
    assert not Enterprise.objects.filter(name__in=["外县代码有限公司", "无街道有限公司"]).exists()


def test_staff_adds_redates_and_removes_one_enterprises_tags_and_each_is_on_the_timeline(
    as_user, county_a, make_enterprise
):
    e = make_enterprise(county="419902", name="单家标签有限公司")
    limit = Tag.objects.get(name="限上零售")
    client = as_user(county_a)
    url = reverse("enterprises:enterprise_tags", args=[e.pk])
    assert "须填写纳统日期" in client.post(url, {"tag": limit.pk}).content.decode()
    client.post(url, {"tag": limit.pk, "since": "2024-03-01"})
    client.post(url, {"tag": limit.pk, "since": "2024-05-01"})
    assert e.tag_links.get(tag=limit).since.isoformat() == "2024-05-01"
    client.post(url, {"remove": e.tag_links.get(tag=limit).pk})
    assert not e.tag_links.exists()
    notes = list(e.events.filter(kind="tags").order_by("id").values_list("note", flat=True))
    assert notes == [
        "添加标签“限上零售”（2024-03-01纳统）",
        "标签“限上零售”纳统日期：2024-03-01 → 2024-05-01",
        "移除标签“限上零售”（原2024-05-01纳统）",
    ]
    other = make_enterprise(county="419921")
    assert client.get(reverse("enterprises:enterprise_tags", args=[other.pk])).status_code == 404
    assert client.post(url, {"remove": "abc"}).status_code == 302  # nothing to remove, no error
    founded = make_enterprise(county="419902", established_on=datetime.date(2020, 5, 18))
    founded_url = reverse("enterprises:enterprise_tags", args=[founded.pk])
    for day, message in (
        ("2099-01-01", "纳统日期不能晚于今天"),
        ("2019-01-01", "纳统日期不能早于成立日期2020-05-18"),
    ):
        assert message in client.post(founded_url, {"tag": limit.pk, "since": day}).content.decode()
    assert not founded.tag_links.exists()


def test_bulk_tagging_keeps_the_date_an_enterprise_already_has(as_user, county_a, make_enterprise):
    from shangwu.enterprises.services import enterprise_set_tag

    held, new = make_enterprise(county="419902"), make_enterprise(county="419902")
    limit = Tag.objects.get(name="限上零售")
    enterprise_set_tag(enterprise=held, tag=limit, actor=None, since=datetime.date(2022, 4, 17))
    response = as_user(county_a).post(
        reverse("enterprises:enterprise_bulk_tag"),
        {"pk": [held.pk, new.pk], "tag": limit.pk, "since": "2026-11-30", "_apply": "1"},
        follow=True,
    )
    assert "已为 1 家企业加上“限上零售”；1 家已有此标签" in response.content.decode()
    assert held.tag_links.get().since == datetime.date(2022, 4, 17)
    assert new.tag_links.get().since == datetime.date(2026, 11, 30)


def test_a_bulk_action_over_an_invalid_filter_does_nothing(as_user, county_a, make_enterprise):
    e = make_enterprise(county="419902")
    tag = Tag.objects.get(name="外贸实绩")
    response = as_user(county_a).post(
        reverse("enterprises:enterprise_bulk_tag"),
        {"_all": "1", "_query": "status=bogus", "tag": tag.pk, "_apply": "1"},
        follow=True,
    )
    assert "筛选条件“状态”无效，未处理任何记录" in response.content.decode()
    assert not e.tags.exists()


def test_an_export_over_an_invalid_filter_is_refused_and_the_list_says_what_it_ignored(
    as_user, county_a, make_enterprise
):
    make_enterprise(county="419902", name="无效筛选有限公司")
    client = as_user(county_a)
    export = client.get(reverse("enterprises:enterprise_export"), {"status": "bogus"}, follow=True)
    assert export["Content-Type"].startswith("text/html")
    assert "筛选条件“状态”无效，未导出" in export.content.decode()
    page = client.get(reverse("enterprises:enterprise_list"), {"status": "bogus"}).content.decode()
    assert "筛选条件“状态”无效，已忽略" in page and "无效筛选有限公司" in page


def test_a_line_break_in_a_name_or_address_is_refused_on_the_page_and_in_the_api(
    as_user, city_staff, make_enterprise
):
    from rest_framework.test import APIClient

    e = make_enterprise(name="单行文本有限公司")
    response = as_user(city_staff).post(
        reverse("enterprises:enterprise_edit", args=[e.pk]),
        {
            "credit_code": e.credit_code,
            "name": e.name,
            "county": e.county_id,
            "ownership": "domestic",
            "address": "人民路\n1号",
        },
    )
    assert "不能包含换行符或其他控制字符" in response.content.decode()
    api = APIClient()
    api.force_authenticate(city_staff)
    refused = api.patch(
        f"/api/enterprises/{e.pk}/", {"name": "单行\r\n文本有限公司"}, format="json"
    )
    assert refused.status_code == 400 and "name" in refused.json()
    e.refresh_from_db()
    assert (e.name, e.address) == ("单行文本有限公司", "")


def test_a_credit_code_already_registered_names_the_enterprise_when_the_user_may_see_it(
    as_user, county_a, make_enterprise
):
    mine = make_enterprise(county="419902", name="本区已登记有限公司")
    theirs = make_enterprise(county="419921", name="外县已登记有限公司")
    client = as_user(county_a)
    for taken, message in (
        (mine, "该信用代码已登记为“本区已登记有限公司”，不能重复登记。"),
        (theirs, "该信用代码已由其他县区登记，不能重复登记。"),
    ):
        response = client.post(
            reverse("enterprises:enterprise_add"),
            {
                "credit_code": taken.credit_code.lower(),
                "name": "重复登记有限公司",
                "ownership": "domestic",
            },
        )
        assert response.context["form"].errors["credit_code"] == [message]


def test_a_status_change_shows_on_the_shared_timeline_with_who_when_and_the_statuses(
    as_user, county_a, make_enterprise
):
    e = make_enterprise()
    services.enterprise_change_status(
        enterprise=e, status="cancelled", actor=county_a, note="企业已注销登记"
    )
    event = EnterpriseEvent.objects.get(enterprise=e, kind="status")
    entries = timeline_entries(as_user(county_a).get(e.get_absolute_url()))
    changed = entries[0]  # newest first, as before
    assert (changed["kind"], changed["status"], changed["who"]) == (
        "状态变更",
        "存续 → 注销",
        str(county_a),
    )
    assert "企业已注销登记" in changed["text"]
    assert changed["at"] == localtime(event.at).strftime("%Y-%m-%d %H:%M:%S")


def test_a_record_taken_in_tagged_and_cancelled_in_the_past_has_its_timeline_at_those_times(
    make_enterprise,
):
    from django.utils import timezone

    entered = timezone.make_aware(datetime.datetime(2023, 4, 3, 8, 30))
    tagged = timezone.make_aware(datetime.datetime(2024, 2, 5, 14, 0))
    cancelled = timezone.make_aware(datetime.datetime(2025, 7, 1, 10, 0))
    e = make_enterprise(established_on=datetime.date(2015, 1, 1), now=entered)
    retail = Tag.objects.get(name="限上零售")
    # A 纳统 date after the day it is recorded is refused, as it is today.
    with pytest.raises(ValidationError, match="纳统日期不能晚于今天"):
        services.enterprise_set_tag(
            enterprise=e, tag=retail, actor=None, since=datetime.date(2024, 3, 1), now=tagged
        )
    services.enterprise_set_tag(
        enterprise=e, tag=retail, actor=None, since=datetime.date(2024, 1, 1), now=tagged
    )
    services.enterprise_change_status(
        enterprise=e, status="cancelled", actor=None, note="企业已注销登记", now=cancelled
    )
    assert [(ev.kind, ev.at) for ev in e.events.order_by("at")] == [
        ("created", entered),
        ("tags", tagged),
        ("status", cancelled),
    ]
