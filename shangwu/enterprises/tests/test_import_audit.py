"""An import writes what the audit signals would have: a CREATE row with the record's snapshot
for every new enterprise and tag link, besides the timeline events and the IMPORT summary; and it
reports its errors in the order a user reads the file."""

import importlib
import random

from shangwu.audit.choices import AuditAction
from shangwu.audit.models import AuditLog
from shangwu.audit.services import snapshot
from shangwu.enterprises import imports as enterprise_imports
from shangwu.enterprises.demo import make_credit_code
from shangwu.enterprises.models import Enterprise, EnterpriseTag
from shangwu.enterprises.services import enterprise_update, name_pinyin
from shangwu.enterprises.tests.test_import import HEADERS, row


def code(county="419902", seed=None):
    return make_credit_code(random.Random(seed), county)


def test_each_new_enterprise_gets_a_create_audit_row_holding_its_snapshot(city_staff):
    rows = [
        HEADERS,
        row(
            code(seed=101),
            "审计甲商贸有限公司",
            tags="限上零售(2024-03-01)、外贸实绩",
            is_key="是",
            registered_capital="2000.5",
            short_name="审计甲",
        ),
        row(
            code(seed=102),
            "审计乙食品有限公司",
            township="",
            registered_capital="",
            established_on="",
        ),
        row(code(seed=107), "审计庚“引号”\\有限公司", registered_capital="0.07"),
    ]
    result = enterprise_imports.enterprise_import_commit(
        rows=rows, actor=city_staff, file_name="审计.xlsx"
    )
    assert result.committed and result.created == 3
    for enterprise in Enterprise.objects.filter(name__startswith="审计"):
        audit = AuditLog.objects.get(
            action=AuditAction.CREATE,
            object_type="enterprises.enterprise",
            object_id=str(enterprise.pk),
        )
        assert audit.changes == {"before": None, "after": snapshot(enterprise)}
        assert audit.object_repr == enterprise.name
        assert audit.actor_username == city_staff.username and "审计.xlsx" in audit.detail
    first = AuditLog.objects.get(
        object_type="enterprises.enterprise", object_repr="审计甲商贸有限公司"
    )
    assert first.changes["after"]["is_key"] is True
    assert first.changes["after"]["registered_capital"] == "2000.50"
    assert first.changes["after"]["established_on"] == "2020-05-18"
    # The pinyin follows the name and the audit row has its own time: neither is in the log.
    assert not {"name_pinyin", "name_initials", "created_at", "updated_at"} & set(
        first.changes["after"]
    )


def test_an_edit_is_audited_as_the_fields_a_person_changed(city_staff):
    enterprise_imports.enterprise_import_commit(
        rows=[HEADERS, row(code(seed=108), "改名前商贸有限公司")], actor=city_staff, file_name="a"
    )
    enterprise = Enterprise.objects.get(name="改名前商贸有限公司")
    enterprise_update(enterprise=enterprise, actor=city_staff, name="改名后商贸有限公司")
    audit = AuditLog.objects.filter(action=AuditAction.UPDATE, object_id=str(enterprise.pk)).get()
    assert audit.changes == {
        "before": {"name": "改名前商贸有限公司"},
        "after": {"name": "改名后商贸有限公司"},
    }


def test_create_rows_are_right_when_other_sessions_took_ids_in_between(city_staff, monkeypatch):
    """PostgreSQL hands out ids from a shared sequence, so an import's ids need not be
    consecutive (made so here, on both databases)."""
    write = importlib.import_module("shangwu.enterprises.imports.write")
    real = write.allocate_ids
    monkeypatch.setattr(write, "allocate_ids", lambda model, count: real(model, count * 2)[::2])
    rows = [
        HEADERS,
        *(row(code(seed=200 + i), f"间隔{i}商贸有限公司", tags="外贸实绩") for i in range(4)),
    ]
    result = enterprise_imports.enterprise_import_commit(
        rows=rows, actor=city_staff, file_name="b.xlsx"
    )
    assert result.committed and result.created == 4
    made = Enterprise.objects.filter(name__startswith="间隔")
    assert len({e.pk - min(m.pk for m in made) for e in made} & {1, 3, 5}) == 0  # gaps really there
    creates = AuditLog.objects.filter(
        action=AuditAction.CREATE, object_type="enterprises.enterprise"
    )
    assert sorted(
        creates.filter(detail__contains="b.xlsx").values_list("object_id", flat=True)
    ) == sorted(str(e.pk) for e in made)
    for enterprise in made:
        assert enterprise.events.get().to_status == enterprise.status
        link = enterprise.tag_links.get()
        assert AuditLog.objects.get(
            object_type="enterprises.enterprisetag", object_id=str(link.pk)
        ).changes == {
            "before": None,
            "after": snapshot(link),
        }


def test_each_new_tag_link_gets_a_create_audit_row_too(city_staff):
    rows = [
        HEADERS,
        row(code(seed=103), "审计丙商贸有限公司", tags="限上零售(2024-03-01)、外贸实绩"),
    ]
    enterprise_imports.enterprise_import_commit(rows=rows, actor=city_staff, file_name="a.xlsx")
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
    enterprise_imports.enterprise_import_commit(rows=rows, actor=city_staff, file_name="a.xlsx")
    creates = AuditLog.objects.filter(action=AuditAction.CREATE).count()
    again = enterprise_imports.enterprise_import_commit(
        rows=rows, actor=city_staff, file_name="a.xlsx"
    )
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
    result = enterprise_imports.enterprise_import_preview(
        rows=rows, actor=city_staff, file_name="a"
    )
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
        assert enterprise_imports.fast_name_pinyin(name) == name_pinyin(name), name


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
    result = enterprise_imports.enterprise_import_commit(
        rows=rows, actor=city_staff, file_name="a.xlsx"
    )
    assert not result.committed and "未写入任何数据" in result.file_error
    assert (Enterprise.objects.count(), AuditLog.objects.count()) == counts
