"""公文格式设置: the 系统管理员 sets 版头, 发文字号 and 版记 per kind of document; numbers run per
year and kind and are never handed out twice; the issuing organ is the exporting user's bureau."""

import io
import threading

import pytest
from django.db import IntegrityError, connection, connections
from openpyxl import load_workbook

from shangwu.audit.models import AuditLog
from shangwu.core import services
from shangwu.core.choices import DocumentKind
from shangwu.core.models import DocumentNumber, DocumentSetting

BULLETIN = DocumentKind.INDICATOR_BULLETIN


def test_the_sysadmin_sets_up_a_kind_of_document_from_the_navigation(as_user, sysadmin):
    client = as_user(sysadmin)
    assert "/documents/" in client.get("/").content.decode()  # 基础配置 → 公文格式
    listing = client.get("/documents/").content.decode()
    assert "商务运行指标月通报" in listing and "重点任务督办通报" in listing  # every kind is there
    setting = DocumentSetting.objects.get(kind=BULLETIN)
    assert not (setting.show_masthead or setting.number_prefix or setting.show_colophon)
    response = client.post(
        f"/documents/{setting.pk}/edit/",
        {
            "kind": BULLETIN,
            "organ_name": "",
            "show_masthead": "on",
            "masthead_text": "",
            "number_prefix": "云商",
            "show_colophon": "on",
            "cc": "市政府办公室",
            "printer": "市商务局办公室",
        },
    )
    setting.refresh_from_db()
    assert response.status_code == 302 and setting.number_prefix == "云商"
    assert AuditLog.objects.filter(
        object_type="core.documentsetting", object_id=str(setting.pk), action="update"
    ).exists()
    page = client.get(f"/documents/{setting.pk}/").content.decode()
    assert "云商" in page and "市政府办公室" in page


def test_a_prefix_with_year_or_number_is_refused_with_a_message(as_user, sysadmin):
    setting = DocumentSetting.objects.get(kind=BULLETIN)
    response = as_user(sysadmin).post(
        f"/documents/{setting.pk}/edit/", {"kind": BULLETIN, "number_prefix": "云商〔2026〕"}
    )
    assert response.status_code == 200
    assert "发文机关代字只填代字本身" in response.content.decode()
    setting.refresh_from_db()
    assert setting.number_prefix == ""


def test_business_users_cannot_change_the_settings(as_user, city_staff):
    setting = DocumentSetting.objects.get(kind=BULLETIN)
    assert as_user(city_staff).get(f"/documents/{setting.pk}/edit/").status_code == 403


def test_numbers_run_per_year_and_kind_and_a_document_keeps_its_number(db, leader):
    def issue(kind, year, subject):
        return services.document_number_issue(
            kind=kind,
            year=year,
            prefix="云商",
            organ_name="市商务局",
            subject=subject,
            actor=leader,
        ).text

    assert issue(BULLETIN, 2026, "5月通报") == "云商〔2026〕1号"
    assert issue(BULLETIN, 2026, "6月通报") == "云商〔2026〕2号"
    assert issue(BULLETIN, 2026, "5月通报") == "云商〔2026〕1号"  # downloaded again
    assert issue(DocumentKind.TASK_BULLETIN, 2026, "7月督办通报") == "云商〔2026〕1号"
    assert issue(BULLETIN, 2027, "1月通报") == "云商〔2027〕1号"
    assert AuditLog.objects.filter(object_type="core.documentnumber").count() == 4


def test_a_number_taken_meanwhile_is_never_handed_out_again(db, leader, monkeypatch):
    DocumentNumber.objects.create(
        kind=BULLETIN, year=2026, serial=1, text="云商〔2026〕1号", organ_name="x", subject="a"
    )
    with pytest.raises(IntegrityError):  # the database refuses a second 1号
        from django.db import transaction

        with transaction.atomic():
            DocumentNumber.objects.create(
                kind=BULLETIN, year=2026, serial=1, text="dup", organ_name="x", subject="b"
            )
    stale = iter([1, 2])  # another export took 1号 between reading and writing
    monkeypatch.setattr(services, "_next_serial", lambda **kw: next(stale))
    number = services.document_number_issue(
        kind=BULLETIN, year=2026, prefix="云商", organ_name="x", subject="c", actor=leader
    )
    assert number.text == "云商〔2026〕2号"


def test_the_issuing_organ_is_the_users_bureau(db, city_staff, county_a, township_a1, leader):
    assert services.issuing_organ(user=city_staff) == city_staff.org_unit.parent.name  # 科室 → 局
    assert services.issuing_organ(user=leader) == leader.org_unit.name
    assert services.issuing_organ(user=county_a) == "河东区商务局"
    assert services.issuing_organ(user=township_a1) == township_a1.org_unit.name


def test_a_county_officers_ledger_is_titled_with_their_bureau(as_user, county_a):
    response = as_user(county_a).get(
        "/projects/three-batches/ledger/", {"kind": "quarter", "year": 2025, "number": 2}
    )
    assert response.status_code == 200
    title = load_workbook(io.BytesIO(response.content))["签约项目"]["A1"].value
    assert title == "河东区商务局2025年第2季度“三个一批”签约项目台账"
    assert "云河市" not in title


@pytest.mark.django_db(transaction=connection.vendor == "postgresql")
def test_exports_at_the_same_moment_get_different_numbers():
    """Four exports of four documents at once (threads with their own connections on
    PostgreSQL; SQLite serialises writers, so there they run one after another)."""
    subjects = [f"{m}月通报" for m in range(1, 5)]

    def issue(subject):
        return services.document_number_issue(
            kind=BULLETIN,
            year=2026,
            prefix="云商",
            organ_name="市商务局",
            subject=subject,
            actor=None,
        ).serial

    if connection.vendor != "postgresql":
        serials = [issue(s) for s in subjects]
    else:
        serials = [None] * len(subjects)
        barrier = threading.Barrier(len(subjects))

        def worker(i):
            barrier.wait()
            try:
                serials[i] = issue(subjects[i])
            finally:
                connections.close_all()

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(subjects))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert sorted(serials) == [1, 2, 3, 4]
    assert DocumentNumber.objects.filter(kind=BULLETIN, year=2026).count() == 4
