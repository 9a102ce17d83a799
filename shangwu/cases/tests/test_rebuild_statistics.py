"""``shangwu rebuild_case_statistics`` restores the monthly buckets from the cases, says what it
repaired in Chinese, does nothing more on a second run, and leaves an audit row each time."""

import datetime
import io

from django.core.management import call_command

from shangwu.audit.models import AuditLog
from shangwu.cases import statistics
from shangwu.cases.models import CaseStatBucket

FIELDS = [*statistics.BUCKET_KEYS, *statistics.BUCKET_COUNTERS]
YEAR = (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))


def buckets():
    return sorted(r for r in CaseStatBucket.objects.values_list(*FIELDS) if any(r[5:]))


def received_by_month(user):
    got = statistics._collect(user=user, dimension="month", date_from=YEAR[0], date_to=YEAR[1])
    return {month: values["received"] for month, values in got.items() if values["received"]}


def rebuild():
    out = io.StringIO()
    call_command("rebuild_case_statistics", stdout=out)
    return out.getvalue()


def test_the_command_restores_corrupted_buckets_and_says_what_it_repaired(make_case, leader):
    for received in (
        "2025-03-03 09:00",
        "2025-03-20 09:00",
        "2025-04-10 09:00",
        "2025-05-12 09:00",
    ):
        make_case(received=received)
    kept, kept_figures = buckets(), received_by_month(leader)
    assert sum(kept_figures.values()) == 4

    march, april = (
        CaseStatBucket.objects.get(month=datetime.date(2025, m, 1), received__gt=0) for m in (3, 4)
    )
    march.received, march.closed = 9, 3  # counts that no longer match the cases
    march.save()
    april.delete()  # a month that lost its row
    CaseStatBucket.objects.create(  # a row no case stands behind
        month=datetime.date(2025, 6, 1),
        county_id=march.county_id,
        lead_unit_id=0,
        source=march.source,
        category_id=march.category_id,
        received=7,
    )
    assert received_by_month(leader) != kept_figures  # the statistics page would be wrong

    output = rebuild()

    assert buckets() == kept
    assert received_by_month(leader) == kept_figures
    assert "已按 4 件案件（不含已合并）重建案件统计月度汇总，共 3 行" in output
    assert "修正 3 行：补上缺少的 1 行，删除多余的 1 行，改正计数不符的 1 行。" in output
    row = AuditLog.objects.get(object_type="cases.casestatbucket", path="rebuild_case_statistics")
    assert row.action == "update" and row.detail == output.strip()
    assert row.actor_username == "(系统)"


def test_a_second_run_repairs_nothing_and_is_audited_again(make_case):
    make_case(received="2025-03-03 09:00")
    rebuild()
    kept = buckets()

    output = rebuild()

    assert buckets() == kept
    assert "原汇总与案件一致，无需修正。" in output
    assert AuditLog.objects.filter(path="rebuild_case_statistics").count() == 2


def test_with_no_cases_the_buckets_are_emptied(db):
    CaseStatBucket.objects.create(
        month=datetime.date(2025, 6, 1),
        county_id=1,
        lead_unit_id=0,
        source="visit",
        category_id=1,
        received=2,
    )
    output = rebuild()
    assert not CaseStatBucket.objects.exists()
    assert "已按 0 件案件（不含已合并）重建案件统计月度汇总，共 0 行；修正 1 行" in output
