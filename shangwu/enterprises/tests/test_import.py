"""Excel/CSV import of the enterprise registry: preview, all-or-nothing commit, idempotency,
the error report, scope, and the upload checks made before any row is read."""

import io
import random
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shangwu.audit.choices import AuditAction
from shangwu.audit.models import AuditLog
from shangwu.core import imports
from shangwu.enterprises import imports as enterprise_imports
from shangwu.enterprises.choices import EnterpriseEventKind
from shangwu.enterprises.demo import make_credit_code
from shangwu.enterprises.models import Enterprise, EnterpriseEvent
from shangwu.enterprises.services import name_pinyin

HEADERS = enterprise_imports.TEMPLATE_HEADERS
IMPORT_URL = "/enterprises/import/"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def code(county="419902", seed=None):
    return make_credit_code(random.Random(seed), county)


def row(credit_code, name, county="河东区", township="东湖街道", **extra):
    values = dict(
        zip(
            HEADERS,
            [
                credit_code,
                name,
                "",
                county,
                township,
                "",
                "",
                "F",
                "52",
                "内资",
                100,
                "2020-05-18",
                "存续",
                "否",
                "",
            ],
            strict=True,
        )
    )
    values.update(
        {
            HEADERS[enterprise_imports.COLUMNS.index(enterprise_imports.COLUMN_BY_FIELD[k])]: v
            for k, v in extra.items()
        }
    )
    return [values[h] for h in HEADERS]


def xlsx(rows, headers=HEADERS) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "企业信息"
    ws.append(headers)
    for r in rows:
        ws.append(r)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(client, content: bytes, name="企业.xlsx"):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, content)})


def token_of(response):
    return response.context["token"]


def test_template_has_chinese_headers_an_example_row_and_an_instructions_sheet(as_user, city_staff):
    response = as_user(city_staff).get(reverse("enterprises:enterprise_import_template"))
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["企业信息", "填写说明"]
    assert [c.value for c in wb["企业信息"][1]] == HEADERS
    assert wb["企业信息"].cell(2, 2).value == "示例商贸有限公司"
    help_text = " ".join(str(c.value) for r in wb["填写说明"].iter_rows() for c in r if c.value)
    assert "限上零售（须写纳统日期）" in help_text and "统一社会信用代码" in help_text


def test_the_template_as_downloaded_is_refused_but_its_example_made_real_imports_cleanly(
    as_user, city_staff, settings
):
    content = as_user(city_staff).get(reverse("enterprises:enterprise_import_template")).content
    response = upload(as_user(city_staff), content, "模板.xlsx")
    assert [(e.row, e.column) for e in response.context["result"].errors] == [(2, "企业名称")]
    assert "示例行" in response.context["result"].errors[0].reason
    wb = openpyxl.load_workbook(io.BytesIO(content))
    wb["企业信息"].cell(2, 2).value = "真实商贸有限公司"
    buffer = io.BytesIO()
    wb.save(buffer)
    response = upload(as_user(city_staff), buffer.getvalue(), "模板.xlsx")
    assert response.context["result"].created == 1 and not response.context["result"].errors


def test_preview_counts_new_updated_unchanged_and_error_rows_and_writes_nothing(
    as_user, city_staff, make_enterprise
):
    same = make_enterprise(name="不变企业有限公司", township="419902001")
    Enterprise.objects.filter(pk=same.pk).update(
        registered_capital=100,
        established_on="2020-05-18",
        industry_section="F",
        industry_division="52",
    )
    changed = make_enterprise(name="旧名称有限公司")
    content = xlsx(
        [
            row(code(seed=1), "新企业一有限公司"),
            row(same.credit_code, "不变企业有限公司"),
            row(changed.credit_code, "新名称有限公司"),
            row(code(seed=2), "坏日期有限公司", established_on="2020-13-45"),
        ]
    )
    before = Enterprise.objects.count()
    response = upload(as_user(city_staff), content)
    result = response.context["result"]
    assert (result.created, result.updated, result.unchanged, result.error_rows) == (1, 1, 1, 1)
    assert Enterprise.objects.count() == before
    assert "确认导入" not in response.content.decode()


def test_confirming_a_valid_file_creates_enterprises_with_tags_events_and_one_import_audit_row(
    as_user, city_staff
):
    client = as_user(city_staff)
    first = code(seed=3)
    content = xlsx(
        [
            row(first, "华鑫商贸有限公司", tags="限上零售(2024-03-01)、外贸实绩"),
            row(code(county="419921", seed=4), "云水食品有限公司", county="", township="清溪镇"),
        ]
    )
    response = upload(client, content)
    assert "确认导入" in response.content.decode()
    response = client.post(
        reverse("enterprises:enterprise_import_commit", args=[token_of(response)])
    )
    assert response.status_code == 302
    made = Enterprise.objects.get(credit_code=first)
    assert (made.county.code, made.township.code) == ("419902", "419902001")
    assert (made.name_pinyin, made.name_initials) == name_pinyin("华鑫商贸有限公司")
    assert {(link.tag.name, str(link.since)) for link in made.tag_links.all()} == {
        ("限上零售", "2024-03-01"),
        ("外贸实绩", "None"),
    }
    assert Enterprise.objects.get(name="云水食品有限公司").county.code == "419921"  # from the code
    assert (
        EnterpriseEvent.objects.filter(enterprise=made, kind=EnterpriseEventKind.CREATED).count()
        == 1
    )
    summary = AuditLog.objects.filter(action=AuditAction.IMPORT).latest("id")
    assert "新增 2" in summary.detail and summary.actor_username == city_staff.username


def test_one_bad_row_leaves_the_database_untouched(city_staff, make_enterprise):
    kept = make_enterprise(name="原名称有限公司")
    rows = [
        HEADERS,
        row(code(seed=5), "好企业有限公司"),
        row(kept.credit_code, "改名有限公司"),
        row("91419902MA00000000", "坏代码有限公司"),
    ]
    counts = (Enterprise.objects.count(), EnterpriseEvent.objects.count(), AuditLog.objects.count())
    result = enterprise_imports.enterprise_import_commit(
        rows=rows, actor=city_staff, file_name="x.xlsx"
    )
    assert not result.committed
    assert [(e.row, e.column) for e in result.errors] == [(4, "统一社会信用代码")]
    assert (
        Enterprise.objects.count(),
        EnterpriseEvent.objects.count(),
        AuditLog.objects.count(),
    ) == counts
    kept.refresh_from_db()
    assert kept.name == "原名称有限公司"


def test_reimporting_the_same_file_changes_nothing(city_staff):
    rows = [
        HEADERS,
        row(code(seed=6), "甲商贸有限公司", tags="限上零售(2024-03-01)"),
        row(code(seed=7), "乙商贸有限公司", township=""),
    ]
    first = enterprise_imports.enterprise_import_commit(
        rows=rows, actor=city_staff, file_name="a.xlsx"
    )
    assert first.committed and first.created == 2
    counts = (
        Enterprise.objects.count(),
        EnterpriseEvent.objects.count(),
        AuditLog.objects.filter(action=AuditAction.UPDATE).count(),
    )
    again = enterprise_imports.enterprise_import_commit(
        rows=rows, actor=city_staff, file_name="a.xlsx"
    )
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert (
        Enterprise.objects.count(),
        EnterpriseEvent.objects.count(),
        AuditLog.objects.filter(action=AuditAction.UPDATE).count(),
    ) == counts


def test_a_changed_row_updates_the_enterprise_and_is_audited_with_before_and_after(city_staff):
    credit_code = code(seed=8)
    enterprise_imports.enterprise_import_commit(
        rows=[HEADERS, row(credit_code, "旧名有限公司")], actor=city_staff, file_name="a"
    )
    result = enterprise_imports.enterprise_import_commit(
        rows=[HEADERS, row(credit_code, "新名有限公司", township="滨江街道", tags="外贸实绩")],
        actor=city_staff,
        file_name="b.xlsx",
    )
    assert result.updated == 1
    enterprise = Enterprise.objects.get(credit_code=credit_code)
    assert enterprise.name == "新名有限公司" and enterprise.township.name == "滨江街道"
    assert enterprise.name_pinyin == name_pinyin("新名有限公司")[0]
    audit = AuditLog.objects.filter(action=AuditAction.UPDATE, object_id=str(enterprise.pk)).latest(
        "id"
    )
    assert (
        audit.changes["before"]["name"] == "旧名有限公司"
        and audit.changes["after"]["name"] == "新名有限公司"
    )
    assert (
        audit.changes["after"]["tags"] == ["外贸实绩"]
        and audit.actor_username == city_staff.username
    )
    event = enterprise.events.get(kind=EnterpriseEventKind.IMPORTED)
    assert event.changes == audit.changes and "b.xlsx" in event.note


def test_error_report_names_row_column_value_and_reason_on_the_page_and_in_the_download(
    as_user, city_staff
):
    client = as_user(city_staff)
    dup = code(seed=9)
    content = xlsx(
        [
            row(dup, "甲有限公司"),
            row(dup, "乙有限公司"),
            row(code(seed=10), "丙有限公司", county="不存在县"),
            row(code(seed=11), "丁有限公司", township="清溪镇"),
            row(code(seed=12), "戊有限公司", registered_capital="很多"),
            row(code(seed=13), "己有限公司", tags="限上零售"),
            row(code(seed=14), "庚有限公司", industry_division="13"),
        ]
    )
    response = upload(client, content)
    page = response.content.decode()
    assert "与第2行的信用代码重复" in page and "本市没有名为“不存在县”的县(市、区)" in page
    assert "“河东区”没有名为“清溪镇”的乡镇(街道)" in page and "行业大类13不属于门类F" in page
    report = client.get(reverse("enterprises:enterprise_import_errors", args=[token_of(response)]))
    ws = openpyxl.load_workbook(io.BytesIO(report.content)).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0] == ["行号", "列", "值", "原因"]
    assert [3, "统一社会信用代码", dup, "与第2行的信用代码重复。"] in rows
    assert [6, "注册资本（万元）", "很多", "注册资本应为不小于0的数字（单位万元）。"] in rows
    assert any(r[0] == 7 and r[1] == "标签" and "须写纳统日期" in r[3] for r in rows)


def test_another_sessions_error_report_is_not_found(as_user, city_staff, county_a):
    response = upload(as_user(city_staff), xlsx([row("BAD", "甲有限公司")]))
    other = as_user(county_a).get(
        reverse("enterprises:enterprise_import_errors", args=[token_of(response)])
    )
    assert other.status_code == 404


def test_county_user_rows_for_another_county_are_errors(county_a):
    rows = [
        HEADERS,
        row(code(seed=15), "本区企业有限公司"),
        row(code(county="419921", seed=16), "外县企业有限公司", county="云水县", township=""),
    ]
    result = enterprise_imports.enterprise_import_commit(rows=rows, actor=county_a, file_name="a")
    assert not result.committed
    assert [(e.row, e.reason) for e in result.errors] == [
        (3, "不在您的数据范围内（您只能导入河东区的企业）。")
    ]
    assert not Enterprise.objects.filter(name__in=["本区企业有限公司", "外县企业有限公司"]).exists()


def test_county_user_cannot_update_another_countys_enterprise_by_its_code(
    county_a, make_enterprise
):
    theirs = make_enterprise(county="419921", name="外县原名有限公司")
    result = enterprise_imports.enterprise_import_preview(
        rows=[HEADERS, row(theirs.credit_code, "抢过来有限公司")], actor=county_a, file_name="a"
    )
    assert [e.reason for e in result.errors] == ["该信用代码的企业不在您的数据范围内。"]


def test_township_officer_can_import_only_into_their_township(township_a1):
    rows = [
        HEADERS,
        row(code(seed=17), "街道企业有限公司"),
        row(code(seed=18), "邻街企业有限公司", township="滨江街道"),
    ]
    result = enterprise_imports.enterprise_import_preview(
        rows=rows, actor=township_a1, file_name="a"
    )
    assert result.created == 1 and [e.row for e in result.errors] == [3]


def test_leader_without_the_import_grant_gets_403(as_user, leader):
    assert as_user(leader).get(IMPORT_URL).status_code == 403
    assert (
        as_user(leader)
        .post(IMPORT_URL, {"file": SimpleUploadedFile("a.xlsx", xlsx([]))})
        .status_code
        == 403
    )


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_csv_files_in_utf8_and_gbk_are_read(city_staff, encoding, tmp_path):
    text = (
        ",".join(HEADERS)
        + "\n"
        + ",".join(str(v) for v in row(code(seed=19), "华鑫商贸有限公司"))
        + "\n"
    )
    path = tmp_path / "a.csv"
    path.write_bytes(text.encode(encoding))
    kind = imports.check_upload(path, name="a.csv")
    rows = imports.read_rows(path, kind)
    result = enterprise_imports.enterprise_import_preview(
        rows=rows, actor=city_staff, file_name="a.csv"
    )
    assert result.created == 1 and not result.errors


def _zip(entries: dict, name="a.xlsx") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for entry, data in entries.items():
            zf.writestr(entry, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.xlsx", b"just some text, not a workbook", "不是真正的 .xlsx"),
        ("a.xlsx", _zip({"hello.txt": "x"}), "缺少工作簿结构"),
        ("a.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100, "旧版 .xls"),
        ("a.xlsm", _zip({"[Content_Types].xml": "x", "xl/workbook.xml": "x"}), "启用宏"),
        (
            "a.xlsx",
            _zip({"[Content_Types].xml": "x", "xl/workbook.xml": "x", "xl/vbaProject.bin": "x"}),
            "宏",
        ),
        (
            "a.xlsx",
            _zip(
                {
                    "[Content_Types].xml": "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                    "xl/workbook.xml": "x",
                }
            ),
            "启用宏",
        ),
        (
            "a.xlsx",
            _zip(
                {
                    "[Content_Types].xml": '<Override PartName="/xl/macros1.bin" '
                    'ContentType="application/vnd.ms-office.vbaProject"/>',
                    "xl/workbook.xml": "x",
                    "xl/macros1.bin": "x",
                }
            ),
            "含有宏",
        ),
        (
            "a.xlsx",
            _zip(
                {
                    "[Content_Types].xml": "x",
                    "xl/workbook.xml": "x",
                    "xl/macrosheets/sheet1.xml": "x",
                }
            ),
            "含有宏",
        ),
        (
            "a.xlsx",
            _zip(
                {
                    "[Content_Types].xml": "x",
                    "xl/workbook.xml": "x",
                    "xl/worksheets/sheet1.xml": "0" * 50_000_000,
                }
            ),
            "压缩炸弹",
        ),
        ("a.pdf", b"%PDF-1.4", "只接受 .xlsx 或 .csv"),
        ("a.csv", b"a,b\x00c", "不是文本格式"),
    ],
    # Readable ids: the zip bytes carry timestamps, and parallel workers must collect equal ids.
    ids=[
        "text-as-xlsx",
        "zip-without-workbook",
        "old-xls",
        "xlsm",
        "vba-project",
        "macro-content-type",
        "vba-under-another-name",
        "excel4-macro-sheet",
        "zip-bomb",
        "pdf",
        "binary-csv",
    ],
)
def test_files_that_are_not_plain_spreadsheets_are_rejected_before_any_row_is_read(
    as_user, city_staff, monkeypatch, name, content, message
):
    def never(*args, **kwargs):
        raise AssertionError("rows were read")

    monkeypatch.setattr(imports, "read_rows", never)
    response = upload(as_user(city_staff), content, name)
    assert response.status_code == 400
    assert message in response.context["upload_error"]
    assert not any(imports.store_dir().iterdir())  # the rejected file is not kept


def test_a_file_over_the_configured_size_limit_is_rejected(as_user, city_staff, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    response = upload(as_user(city_staff), xlsx([row(code(seed=20), "甲有限公司")] * 5))
    assert response.status_code == 400 and "超过上限" in response.context["upload_error"]


def test_a_file_without_the_key_columns_is_refused_with_a_message(as_user, city_staff):
    response = upload(as_user(city_staff), xlsx([["x"]], headers=["名字"]))
    assert (
        response.status_code == 400
        and "缺少：统一社会信用代码、企业名称" in response.context["upload_error"]
    )


def test_fast_pinyin_matches_the_service_exactly():
    for name in [
        "云河华鑫商贸有限公司12",
        "ABC银行(中国)有限公司",
        "重庆长虹·电子",
        "行长银行",
        "〇号店 x",
    ]:
        assert enterprise_imports.fast_name_pinyin(name) == name_pinyin(name)


def test_an_error_names_the_row_excel_shows_even_after_blank_rows(tmp_path, city_staff):
    path = tmp_path / "a.xlsx"
    path.write_bytes(
        xlsx([row(code(seed=30), "甲有限公司"), [], [], row("91440300192203821X", "乙有限公司")])
    )
    rows = imports.read_rows(path, imports.check_upload(path, name="a.xlsx"))
    result = enterprise_imports.enterprise_import_preview(
        rows=rows, actor=city_staff, file_name="a.xlsx"
    )
    assert [(e.row, e.column, e.value) for e in result.errors] == [
        (5, "统一社会信用代码", "91440300192203821X")
    ]
    assert result.total == 2
