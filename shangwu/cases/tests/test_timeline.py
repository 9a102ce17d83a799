"""The case page's 办理时限 table says when each stage was completed, 办结 and 回访 included."""

import lxml.html
import pytest

from shangwu.cases import services
from shangwu.cases.choices import Rating
from shangwu.cases.tests.conftest import at
from shangwu.core.testing import timeline_entries

pytestmark = pytest.mark.django_db


def _deadline_rows(page: str) -> dict[str, list[str]]:
    doc = lxml.html.fromstring(page)
    header = next(
        h
        for h in doc.xpath('//div[contains(@class, "card-header")]')
        if "办理时限" in h.text_content()
    )
    rows = [
        [td.text_content().strip() for td in tr.findall("td")]
        for tr in header.getparent().xpath(".//tbody/tr")
    ]
    return {r[0]: r[1:] for r in rows}


def test_a_closed_case_shows_when_it_was_closed_and_revisited(
    as_user, make_case, township_unit, township_a1, county_a
):
    case = make_case(assign_to=township_unit, received="2025-03-03 09:00")
    services.case_sign(case=case, actor=township_a1, now=at("2025-03-03 10:00"))
    services.case_report_progress(
        case=case, actor=township_a1, note="已对接", now=at("2025-03-04 09:30")
    )
    services.case_request_close(
        case=case, actor=township_a1, resolution="已解决", now=at("2025-03-06 16:20")
    )
    services.case_review(case=case, actor=county_a, approve=True, now=at("2025-03-07 09:00"))
    services.case_revisit(
        case=case, actor=county_a, rating=Rating.SATISFIED, now=at("2025-03-10 11:15")
    )
    rows = _deadline_rows(as_user(county_a).get(case.get_absolute_url()).content.decode())
    assert rows["签收"][1] == "2025-03-03 10:00:00"
    assert rows["首次反馈"][1] == "2025-03-04 09:30:00"
    assert rows["办结"][1:] == ["2025-03-06 16:20:00", "已办结"]
    assert rows["回访"][1:] == ["2025-03-10 11:15:00", "已回访"]


def test_a_late_closure_request_is_marked_late_and_the_last_request_counts(
    make_case, township_unit, township_a1, county_a
):
    from django.utils import timezone

    from shangwu.cases.deadlines import node_states

    case = make_case(assign_to=township_unit, received="2025-03-03 09:00")
    services.case_sign(case=case, actor=township_a1, now=at("2025-03-03 10:00"))
    services.case_request_close(
        case=case, actor=township_a1, resolution="初稿", now=at("2025-03-05 10:00")
    )
    services.case_review(
        case=case, actor=county_a, approve=False, note="材料不全", now=at("2025-03-05 11:00")
    )
    services.case_request_close(
        case=case, actor=township_a1, resolution="补全", now=at("2025-03-20 10:00")
    )
    services.case_review(case=case, actor=county_a, approve=True, now=at("2025-03-20 11:00"))
    close = next(r for r in node_states(case, timezone.now()) if r["node"] == "办结")
    assert close["done"] == at("2025-03-20 10:00") and close["state"] == "已办结（逾期）"


def test_the_case_timeline_is_the_shared_one_with_who_when_what_and_the_status_change(
    as_user, make_case, township_unit, township_a1, county_a
):
    case = make_case(assign_to=township_unit, received="2025-03-03 09:00")
    services.case_sign(case=case, actor=township_a1, now=at("2025-03-03 10:00"))
    entries = timeline_entries(as_user(county_a).get(case.get_absolute_url()))
    signed = next(e for e in entries if e["kind"] == "签收")
    assert signed["status"] == "待签收 → 办理中"
    assert signed["who"] == f"{township_a1}（{township_a1.org_unit}）"
    assert signed["at"] == "2025-03-03 10:00:00"
    assert [e["kind"] for e in entries][:2] == ["登记", "交办"]  # oldest first, as before
