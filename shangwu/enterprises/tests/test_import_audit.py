"""An import writes what the audit signals would have: a CREATE row with the record's snapshot
for every new enterprise and tag link, besides the timeline events and the IMPORT summary; and it
reports its errors in the order a user reads the file."""

import random

from shangwu.audit.choices import AuditAction
from shangwu.audit.models import AuditLog
from shangwu.audit.services import snapshot
from shangwu.enterprises import importers
from shangwu.enterprises.demo import make_credit_code
from shangwu.enterprises.models import Enterprise, EnterpriseTag
from shangwu.enterprises.services import name_pinyin
from shangwu.enterprises.tests.test_import import HEADERS, row


def code(county="419902", seed=None):
    return make_credit_code(random.Random(seed), county)


def test_each_new_enterprise_gets_a_create_audit_row_holding_its_snapshot(city_staff):
    rows = [
        HEADERS,
        row(code(seed=101), "审计甲商贸有限公司", tags="限上零售(2024-03-01)、外贸实绩"),
        row(code(seed=102), "审计乙食品有限公司", township="", registered_capital=""),
    ]
    result = importers.enterprise_import_commit(rows=rows, actor=city_staff, file_name="审计.xlsx")
    assert result.committed and result.created == 2
    for enterprise in Enterprise.objects.filter(name__startswith="审计"):
        audit = AuditLog.objects.get(
            action=AuditAction.CREATE,
            object_type="enterprises.enterprise",
            object_id=str(enterprise.pk),
        )
        assert audit.changes == {"before": None, "after": snapshot(enterprise)}
        assert audit.object_repr == enterprise.name
        assert audit.actor_username == city_staff.username and "审计.xlsx" in audit.detail


def test_each_new_tag_link_gets_a_create_audit_row_too(city_staff):
    rows = [
        HEADERS,
        row(code(seed=103), "审计丙商贸有限公司", tags="限上零售(2024-03-01)、外贸实绩"),
    ]
    importers.enterprise_import_commit(rows=rows, actor=city_staff, file_name="a.xlsx")
    links = EnterpriseTag.objects.filter(enterprise__name="审计丙商贸有限公司")
    assert links.count() == 2
    for link in links:
        audit = AuditLog.objects.get(
            action=AuditAction.CREATE,
            object_type="enterprises.enterprisetag",
            object_id=str(link.pk),
        )
        assert audit.changes == {"before": None, "after": snapshot(link)}
        assert audit.object_repr == str(link)


def test_reimporting_writes_no_create_rows_and_a_later_record_gets_a_fresh_id(
    city_staff, make_enterprise
):
    rows = [HEADERS, row(code(seed=104), "审计丁商贸有限公司")]
    importers.enterprise_import_commit(rows=rows, actor=city_staff, file_name="a.xlsx")
    creates = AuditLog.objects.filter(action=AuditAction.CREATE).count()
    again = importers.enterprise_import_commit(rows=rows, actor=city_staff, file_name="a.xlsx")
    assert again.unchanged == 1
    assert AuditLog.objects.filter(action=AuditAction.CREATE).count() == creates
    imported = Enterprise.objects.get(name="审计丁商贸有限公司")
    later = make_enterprise(name="后来企业有限公司")
    assert later.pk > imported.pk


def test_errors_are_listed_row_by_row_and_in_column_order_within_a_row(city_staff):
    rows = [
        HEADERS,
        row(
            code(seed=105),
            "错一有限公司",
            county="不存在县",
            registered_capital="很多",
            established_on="2020-13-45",
        ),
        row("BAD", "", tags="不存在的标签"),
    ]
    result = importers.enterprise_import_preview(rows=rows, actor=city_staff, file_name="a")
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "县(市、区)"),
        (2, "注册资本（万元）"),
        (2, "成立日期"),
        (3, "统一社会信用代码"),
        (3, "企业名称"),
        (3, "标签"),
    ]


def test_fast_pinyin_matches_the_service_for_many_company_names():
    from shangwu.enterprises.demo import BRANDS, SECTIONS, SUFFIXES

    rng = random.Random(7)
    for i in range(2000):
        words = rng.choice(SECTIONS)[2]
        name = f"{rng.choice(['云河', '长乐', ''])}{rng.choice(BRANDS)}{rng.choice(BRANDS)}"
        name += f"{rng.choice(words)}{rng.choice(SUFFIXES)}{i if i % 3 else ''}"
        assert importers.fast_name_pinyin(name) == name_pinyin(name), name


def test_a_code_stored_by_someone_else_meanwhile_rolls_the_whole_import_back(
    city_staff, make_enterprise, monkeypatch
):
    from shangwu.enterprises.imports import validate

    theirs = make_enterprise(name="别人刚录入有限公司")
    monkeypatch.setattr(validate, "load_existing", lambda codes: {})  # as if not stored yet
    counts = (Enterprise.objects.count(), AuditLog.objects.count())
    rows = [
        HEADERS,
        row(code(seed=106), "审计戊商贸有限公司", tags="外贸实绩"),
        row(theirs.credit_code, "抢注有限公司"),
    ]
    result = importers.enterprise_import_commit(rows=rows, actor=city_staff, file_name="a.xlsx")
    assert not result.committed and "未写入任何数据" in result.file_error
    assert (Enterprise.objects.count(), AuditLog.objects.count()) == counts
