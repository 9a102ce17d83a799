"""A designation's life through its services: every step, every refused step, the dates the
kind's validity and cycle give, the event and audit rows each step writes."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shangwu.audit.models import AuditLog
from shangwu.designations import services
from shangwu.designations.models import Designation, DesignationEvent
from shangwu.designations.tests.conftest import NOW, TODAY, county_bureau

pytestmark = pytest.mark.django_db


def messages_of(exc) -> str:
    return " ".join(exc.value.messages)


def test_a_restaurant_goes_from_the_cultivation_list_to_award(make_designation, county_a):
    d = make_designation(kind="city_laozihao", status="cultivating")
    assert d.status == "cultivating" and d.responsibility.unit == county_bureau("419902")
    services.designation_apply(designation=d, actor=county_a, on=datetime.date(2024, 2, 1), now=NOW)
    services.designation_recommend(
        designation=d,
        actor=county_a,
        on=datetime.date(2024, 3, 1),
        level="county",
        doc="河商字〔2024〕8号",
        now=NOW,
    )
    services.designation_award(
        designation=d, actor=county_a, on=datetime.date(2024, 4, 1), doc="云政〔2024〕12号", now=NOW
    )
    d.refresh_from_db()
    assert d.status == "awarded"
    assert (d.applied_on, d.recommended_on, d.awarded_on) == (
        datetime.date(2024, 2, 1),
        datetime.date(2024, 3, 1),
        datetime.date(2024, 4, 1),
    )
    assert d.recommend_doc == "河商字〔2024〕8号" and d.award_doc == "云政〔2024〕12号"
    moves = list(
        DesignationEvent.objects.filter(designation=d)
        .order_by("at", "id")
        .values_list("from_status", "to_status", "actor")
    )
    assert moves == [
        ("", "cultivating", county_a.pk),
        ("cultivating", "applied", county_a.pk),
        ("applied", "recommended", county_a.pk),
        ("recommended", "awarded", county_a.pk),
    ]
    audited = AuditLog.objects.filter(object_type="designations.designation", object_id=str(d.pk))
    assert audited.filter(detail__startswith="认定：推荐 → 认定").exists()


def test_award_sets_review_from_the_cycle_and_expiry_from_the_validity(make_designation):
    laozihao = make_designation(kind="city_laozihao", status="awarded")  # review every 3 years
    assert laozihao.next_review_on == datetime.date(2027, 4, 1)
    assert laozihao.expires_on is None
    village = make_designation(
        kind="taobao_village", township="419902001", status="awarded", holder_type="township"
    )  # valid 1 year, no cycle
    assert village.expires_on == datetime.date(2025, 4, 1)
    assert village.next_review_on is None


def test_an_expired_designation_stops_counting_on_its_expiry_date(make_designation):
    village = make_designation(
        kind="taobao_village", township="419902001", status="awarded", holder_type="township"
    )
    current = Designation.objects.current
    assert current(datetime.date(2025, 3, 31)).filter(pk=village.pk).exists()
    assert not current(datetime.date(2025, 4, 1)).filter(pk=village.pk).exists()
    assert not current(datetime.date(2024, 3, 31)).filter(pk=village.pk).exists()
    assert village.status == "awarded"  # nothing stored went stale: the day decides


@pytest.mark.parametrize(
    ("status", "step", "message"),
    [
        ("cultivating", "recommend", "当前为“培育”，不能推荐"),
        ("cultivating", "award", "当前为“培育”，不能认定"),
        ("applied", "award", "当前为“申报”，不能认定"),
        ("recommended", "apply", "当前为“推荐”，不能申报"),
        ("cultivating", "review", "当前为“培育”，不能复核"),
        ("awarded", "apply", "当前为“认定”，不能申报"),
        ("cultivating", "delist", "当前为“培育”，不能摘牌"),
        ("revoked", "apply", "已撤销，不能再申报"),
        ("delisted", "review", "已摘牌，不能再复核"),
        ("revoked", "revoke", "已撤销，不能再撤销"),
    ],
)
def test_a_step_out_of_order_is_refused_and_nothing_changes(
    make_designation, county_a, status, step, message
):
    d = make_designation(status=status)
    before = DesignationEvent.objects.filter(designation=d).count()
    call = {
        "apply": lambda: services.designation_apply(
            designation=d, actor=county_a, on=TODAY, now=NOW
        ),
        "recommend": lambda: services.designation_recommend(
            designation=d, actor=county_a, on=TODAY, level="county", doc="1号", now=NOW
        ),
        "award": lambda: services.designation_award(
            designation=d, actor=county_a, on=TODAY, doc="2号", now=NOW
        ),
        "review": lambda: services.designation_review(
            designation=d, actor=county_a, on=TODAY, result="passed", now=NOW
        ),
        "delist": lambda: services.designation_delist(
            designation=d, actor=county_a, on=TODAY, reason="x", now=NOW
        ),
        "revoke": lambda: services.designation_revoke(
            designation=d, actor=county_a, on=TODAY, reason="x", now=NOW
        ),
    }[step]
    with pytest.raises(ValidationError) as exc:
        call()
    assert message in messages_of(exc)
    d.refresh_from_db()
    assert d.status == status
    assert DesignationEvent.objects.filter(designation=d).count() == before


def test_review_passed_moves_the_next_review_a_cycle_on(make_designation, county_a):
    d = make_designation(status="awarded")
    services.designation_review(
        designation=d, actor=county_a, on=datetime.date(2026, 5, 10), result="passed", now=NOW
    )
    d.refresh_from_db()
    assert d.status == "awarded" and d.last_review_result == "passed"
    assert d.next_review_on == datetime.date(2029, 5, 10)


def test_review_rectify_sets_a_deadline_and_is_reviewed_again_then(make_designation, county_a):
    d = make_designation(status="awarded")
    with pytest.raises(ValidationError) as exc:
        services.designation_review(
            designation=d, actor=county_a, on=TODAY, result="rectify", now=NOW
        )
    assert "整改期限" in messages_of(exc)
    services.designation_review(
        designation=d,
        actor=county_a,
        on=TODAY,
        result="rectify",
        rectify_by=datetime.date(2026, 9, 30),
        now=NOW,
    )
    d.refresh_from_db()
    assert d.status == "rectifying" and d.next_review_on == datetime.date(2026, 9, 30)
    assert d.is_current(TODAY)  # still held while rectifying
    services.designation_review(designation=d, actor=county_a, on=TODAY, result="passed", now=NOW)
    d.refresh_from_db()
    assert d.status == "awarded" and d.rectify_by is None


def test_review_failed_delists_and_keeps_the_history(make_designation, county_a):
    d = make_designation(status="awarded")
    services.designation_review(
        designation=d, actor=county_a, on=TODAY, result="failed", note="经营不善", now=NOW
    )
    d.refresh_from_db()
    assert d.status == "delisted" and d.ended_on == TODAY
    assert not d.is_current(TODAY) and d.is_current(TODAY - datetime.timedelta(days=1))
    kinds = list(DesignationEvent.objects.filter(designation=d).values_list("to_status", flat=True))
    assert {"cultivating", "applied", "recommended", "awarded", "delisted"} <= set(kinds)


def test_revoke_at_any_stage_needs_a_reason(make_designation, county_a):
    d = make_designation(status="applied")
    with pytest.raises(ValidationError) as exc:
        services.designation_revoke(designation=d, actor=county_a, on=TODAY, reason=" ", now=NOW)
    assert "请填写撤销原因" in messages_of(exc)
    services.designation_revoke(
        designation=d, actor=county_a, on=TODAY, reason="企业放弃申报", now=NOW
    )
    d.refresh_from_db()
    assert d.status == "revoked" and d.end_reason == "企业放弃申报"


def test_expire_only_once_the_validity_has_run_out(make_designation, county_a):
    laozihao = make_designation(status="awarded")
    with pytest.raises(ValidationError) as exc:
        services.designation_expire(designation=laozihao, actor=county_a, on=TODAY, now=NOW)
    assert "长期有效" in messages_of(exc)
    village = make_designation(
        kind="taobao_village", township="419902001", status="awarded", holder_type="township"
    )
    with pytest.raises(ValidationError) as exc:
        services.designation_expire(
            designation=village, actor=county_a, on=datetime.date(2025, 3, 1), now=NOW
        )
    assert "尚未到期" in messages_of(exc)
    services.designation_expire(designation=village, actor=county_a, on=TODAY, now=NOW)
    village.refresh_from_db()
    assert village.status == "expired"


def test_dates_may_not_run_backwards_nor_lie_in_the_future(make_designation, county_a):
    d = make_designation(status="applied")  # applied 2024-02-01
    with pytest.raises(ValidationError) as exc:
        services.designation_recommend(
            designation=d,
            actor=county_a,
            on=datetime.date(2024, 1, 1),
            level="county",
            doc="1号",
            now=NOW,
        )
    assert "推荐日期不能早于申报日期（2024-02-01）" in messages_of(exc)
    with pytest.raises(ValidationError) as exc:
        services.designation_recommend(
            designation=d,
            actor=county_a,
            on=TODAY + datetime.timedelta(days=1),
            level="county",
            doc="1号",
            now=NOW,
        )
    assert "推荐日期不能晚于今天" in messages_of(exc)


def test_the_holder_must_fit_the_kind(county_a, kind, make_enterprise):
    with pytest.raises(ValidationError) as exc:
        services.designation_cultivate(
            actor=county_a,
            kind=kind("county_commerce_demo"),
            holder_type="enterprise",
            enterprise=make_enterprise(),
            responsible_unit=county_bureau("419902"),
            now=NOW,
        )
    assert "的认定对象只能是：县(市、区)" in messages_of(exc)
    with pytest.raises(ValidationError) as exc:
        services.designation_cultivate(
            actor=county_a,
            kind=kind("pedestrian_street"),
            holder_type="street",
            responsible_unit=county_bureau("419902"),
            now=NOW,
        )
    assert "请填写门店/品牌、街区/商圈或园区/项目的名称" in messages_of(exc)


def test_an_enterprise_designation_is_where_the_enterprise_is(county_a, kind, make_enterprise):
    shop = make_enterprise(township="419902001", name="王记面馆有限公司")
    d = services.designation_cultivate(
        actor=county_a,
        kind=kind("city_laozihao"),
        holder_type="store",
        enterprise=shop,
        holder_name="王记面馆（鼓楼店）",
        responsible_unit=county_bureau("419902"),
        now=NOW,
    )
    assert (d.county.code, d.township.code) == ("419902", "419902001")
    assert d.name == "市级老字号·王记面馆有限公司·王记面馆（鼓楼店）"


def test_a_county_cannot_step_another_countys_designation(make_designation, county_a):
    d = make_designation(county="419921")
    with pytest.raises(PermissionDenied):
        services.designation_apply(designation=d, actor=county_a, on=TODAY, now=NOW)


def test_a_county_cannot_put_another_countys_enterprise_on_its_list(
    county_a, kind, make_enterprise
):
    with pytest.raises(ValidationError) as exc:
        services.designation_cultivate(
            actor=county_a,
            kind=kind("city_laozihao"),
            holder_type="enterprise",
            enterprise=make_enterprise(county="419921"),
            responsible_unit=county_bureau("419902"),
            now=NOW,
        )
    assert "不在您的数据范围内" in messages_of(exc)
    assert not Designation.objects.exists()
