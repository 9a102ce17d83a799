"""Every route that lets a file in or out of the platform writes its audit row (issue 15 §4).

The routes are found, not listed: the URL conf is walked (and the DRF router's extra actions),
and every route whose name or path says export, import, xlsx, docx, download, template or
ledger must have an entry in ``ROUTE_CASES`` saying how a permitted persona uses it with
minimal valid input (and, for an import, a refused file too). A new route of that kind without
an entry fails ``test_every_file_route_is_used_and_writes_its_audit_row`` with a message
saying to add one, so no export can be added without its audit row being proven."""

from __future__ import annotations

import datetime
import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver

from shangwu.audit.choices import AuditAction
from shangwu.audit.models import AuditLog

pytestmark = pytest.mark.django_db

FILE_ROUTE = re.compile(r"export|import|xlsx|docx|download|template|ledger", re.IGNORECASE)
# Routes whose name or path matches but that move no file, each with the reason.
NOT_FILE_ROUTES: dict[str, str] = {}


def discovered_file_routes() -> dict[str, str]:
    """{URL name (namespaced) or, unnamed, route: route} of every export/import/download route."""
    found: dict[str, str] = {}

    def walk(resolver, prefix: str, namespace: str):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                name = f"{namespace}{pattern.name}" if pattern.name else route
                if FILE_ROUTE.search(name) or FILE_ROUTE.search(route):
                    found.setdefault(name, route)

    walk(get_resolver(), "", "")
    # The DRF router's own view of its extra actions (the same names as in the URL conf).
    from shangwu.urls import router

    for prefix, viewset, basename in router.registry:
        for extra in viewset.get_extra_actions():
            name = f"{basename}-{extra.url_name}"
            route = f"api/{prefix}/{extra.url_path}/"
            if FILE_ROUTE.search(name) or FILE_ROUTE.search(route):
                found.setdefault(name, route)
    return found


# --- Files to send ------------------------------------------------------------------------------


def rezip(content: bytes, *, add: dict | None = None, prefix: dict | None = None) -> bytes:
    """``content`` (an Office zip) with parts added, or with text put before a part's XML."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in source.infolist():
            data = source.read(info.filename)
            if prefix and info.filename in prefix:
                data = prefix[info.filename] + data
            zf.writestr(info.filename, data)
        for name, data in (add or {}).items():
            zf.writestr(name, data)
    return out.getvalue()


XXE = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
BOMB = "0" * (2 * 1024 * 1024)  # 2 MB of zeros packs to a few KB: far past the ratio limit


def refused_xlsx(valid: bytes) -> dict[str, bytes]:
    """A macro workbook, a zip bomb and an XXE workbook, each otherwise the valid file."""
    sheet = next(
        n for n in zipfile.ZipFile(io.BytesIO(valid)).namelist() if n.startswith("xl/worksheets/")
    )
    return {
        "macro": rezip(valid, add={"xl/vbaProject.bin": b"VBA"}),
        "zip-bomb": rezip(valid, add={"xl/worksheets/sheet99.xml": BOMB}),
        "xxe": rezip(valid, prefix={sheet: XXE}),
    }


def refused_docx(valid: bytes) -> dict[str, bytes]:
    return {
        "macro": rezip(valid, add={"word/vbaProject.bin": b"VBA"}),
        "zip-bomb": rezip(valid, add={"word/media/big.xml": BOMB}),
        "xxe": rezip(valid, prefix={"word/document.xml": XXE}),
    }


def enterprise_xlsx(*rows) -> bytes:
    from shangwu.enterprises.tests.test_import import HEADERS, xlsx

    return xlsx(list(rows), headers=HEADERS)


def enterprise_row(seed: int, name="审计路由测试有限公司", **extra):
    from shangwu.enterprises.tests.test_import import code, row

    return row(code(seed=seed), name, **extra)


def project_xlsx(*rows) -> bytes:
    from shangwu.projects.tests.test_import import xlsx

    return xlsx(list(rows)).read()


def project_row(code="SJ-1", **kw):
    from shangwu.projects.tests.test_import import row

    return row(code, **kw)


PLAN_TEXT = """2026年审计测试工作要点
一、稳外贸。
1．深化外贸企业包保服务。（牵头单位：外贸科；完成时限：2026年12月底）
"""


def plan_docx(text=PLAN_TEXT) -> bytes:
    document = docx.Document()
    for line in text.strip().splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def indicator_xlsx(month="2026-05") -> bytes:
    from shangwu.indicators.tests.test_import import RETAIL, workbook

    upload = workbook(
        [["419902", "河东区", "12.5", "", ""]], month=month, headers=("区划代码", "地区", RETAIL)
    )
    return upload.read()


# --- Data some routes need ----------------------------------------------------------------------


def indicator_values(city_staff):
    from shangwu.indicators import services
    from shangwu.indicators.models import Indicator
    from shangwu.organization.models import Region

    services.value_save(
        item=services.ValueInput(
            indicator=Indicator.objects.get(code="RETAIL"),
            region=Region.objects.get(code="419902"),
            cumulative_value=Decimal("40"),
            prev_cumulative_value=Decimal("36"),
        ),
        month=datetime.date(2026, 5, 1),
        actor=city_staff,
    )


def key_task_plan():
    from shangwu.tasks import parser, services

    tree = parser.parse_text(PLAN_TEXT, year=2026, unit_names=services.unit_names())
    return services.plan_import(title="审计测试工作要点", year=2026, tree=tree, actor=None)


# --- How each route is used ---------------------------------------------------------------------


@dataclass
class Use:
    """One request by ``persona`` that must leave an ``action`` row on the path it ends on.
    ``send(client, kit)`` may make earlier requests (an upload before its confirmation)."""

    persona: str
    send: Callable
    action: str = AuditAction.EXPORT
    refused: bool = False
    label: str = "valid"


def get(url, params=None, persona="city_staff", **kw):
    return Use(persona, lambda client, kit: client.get(url, params or {}), **kw)


def upload_then(upload_url: str, content: bytes, name: str, then: str | None, extra=None):
    """Upload a file through the generic import flow, then (optionally) use its token."""

    def send(client, kit):
        preview = client.post(
            upload_url, {**(extra or {}), "file": SimpleUploadedFile(name, content)}
        )
        assert preview.status_code == 200, preview.context.get("upload_error")
        if then is None:
            return preview
        token = preview.context["token"]
        url = f"{upload_url}{token}/{then}/"
        return client.post(url) if then == "commit" else client.get(url)

    return send


def refused_uploads(url: str, files: dict[str, bytes], name: str, persona="city_staff", extra=None):
    def send_file(content):
        return lambda client, kit: client.post(
            url, {**(extra or {}), "file": SimpleUploadedFile(name, content)}
        )

    return [
        Use(persona, send_file(content), action=AuditAction.IMPORT, refused=True, label=kind)
        for kind, content in files.items()
    ]


def generic_import_cases(
    upload_url: str, valid: bytes, with_errors: bytes, name="导入.xlsx", extra=None, refused=None
):
    return {
        "upload": [
            Use(
                "city_staff",
                upload_then(upload_url, valid, name, None, extra),
                action=AuditAction.IMPORT,
            ),
            *refused_uploads(upload_url, (refused or refused_xlsx)(valid), name, extra=extra),
        ],
        "commit": [
            Use(
                "city_staff",
                upload_then(upload_url, valid, name, "commit", extra),
                action=AuditAction.IMPORT,
            )
        ],
        "errors": [Use("city_staff", upload_then(upload_url, with_errors, name, "errors", extra))],
    }


def enterprise_import(part):
    def cases(kit):
        valid = enterprise_xlsx(enterprise_row(901))
        with_errors = enterprise_xlsx(enterprise_row(902), ["BAD", ""] + [""] * 13)
        return generic_import_cases("/enterprises/import/", valid, with_errors)[part]

    return cases


def project_import(part):
    def cases(kit):
        valid = project_xlsx(project_row("SJ-1"))
        with_errors = project_xlsx(project_row("SJ-2"), project_row("SJ-3", county="不存在县"))
        return generic_import_cases("/projects/import/", valid, with_errors)[part]

    return cases


def subsidy_import(part):
    def cases(kit):
        from shangwu.subsidies.models import SubsidyProgramme
        from shangwu.subsidies.services import subsidy_programme_create
        from shangwu.subsidies.tests.test_import import row, xlsx

        staff = kit.personas["city_staff"]
        programme = SubsidyProgramme.objects.filter(name="审计路由测试补贴项目").first()
        if programme is None:
            programme = subsidy_programme_create(
                actor=staff,
                name="审计路由测试补贴项目",
                kind="appliance",
                organiser=staff.org_unit,
                start_on=datetime.date(2026, 1, 1),
                end_on=datetime.date(2026, 12, 31),
                rules=[{"category": "fridge", "percent": Decimal("15")}],
            )
        valid = xlsx([row("SJ-1")]).read()
        with_errors = xlsx([row("SJ-2"), row("SJ-3", 县区="不存在县")]).read()
        return generic_import_cases(
            "/subsidies/applications/import/",
            valid,
            with_errors,
            "补贴申请.xlsx",
            {"programme": programme.pk},
        )[part]

    return cases


def programme_import(model):
    """city_staff imports a funded programme's funds or milestones (core.importer)."""

    def for_part(part):
        def cases(kit):
            import io

            import xlsxwriter

            from shangwu.designations.models import Designation, DesignationKind
            from shangwu.designations.services import designation_cultivate
            from shangwu.organization.models import Region

            staff = kit.personas["city_staff"]
            name = "审计路由测试示范县·河东区"
            if not Designation.objects.filter(name=name).exists():
                designation_cultivate(
                    actor=staff,
                    kind=DesignationKind.objects.get(code="county_commerce_demo"),
                    holder_type="county",
                    county=Region.objects.get(code="419902"),
                    responsible_unit=staff.org_unit,
                    name=name,
                )
            if model == "funds":
                head = ["荣誉认定", "年度", "资金来源", "预算", "已下达", "已支出"]
                good = [name, "2026", "中央资金", "100", "50", "10"]
                bad = [name, "二〇二六", "中央资金", "100", "50", "10"]
            else:
                head = ["荣誉认定", "节点", "计划完成日期", "完成日期", "结果", "说明"]
                good = [name, "验收", "2027-06-30", "", "", ""]
                bad = [name, "验收", "2027-13-30", "", "", ""]

            def xlsx(*rows):
                buffer = io.BytesIO()
                wb = xlsxwriter.Workbook(buffer)
                ws = wb.add_worksheet()
                for r, values in enumerate([head, *rows]):
                    for c, value in enumerate(values):
                        ws.write_string(r, c, value)
                wb.close()
                return buffer.getvalue()

            return generic_import_cases(
                f"/designations/{model}/import/", xlsx(good), xlsx(good, bad), "创建.xlsx"
            )[part]

        return cases

    return for_part


def value_import(part):
    def cases(kit):
        from shangwu.indicators.tests.test_import import RETAIL, workbook

        valid = indicator_xlsx()
        with_errors = workbook(
            [["419902", "河东区", "十二"]], headers=("区划代码", "地区", RETAIL)
        ).read()
        return generic_import_cases(
            "/indicators/values/import/", valid, with_errors, "指标.xlsx", {"month": "2026-05"}
        )[part]

    return cases


def plan_import(part):
    def cases(kit):
        from shangwu.tasks import parser

        valid = plan_docx()
        with_errors = plan_docx(PLAN_TEXT + "\n" + "三" * (parser.MAX_LINE_CHARS + 1))
        return generic_import_cases(
            "/tasks/import/",
            valid,
            with_errors,
            "工作要点.docx",
            {"year": 2026, "cycle": "monthly", "due_day": 25},
            refused=refused_docx,
        )[part]

    return cases


def api_plan_import(kit):
    def sender(text):
        return lambda client, kit: client.post(
            "/api/plans/import/",
            json.dumps({"text": text, "year": 2026, "title": "API审计测试工作要点"}),
            content_type="application/json",
        )

    def file_sender(content):
        return lambda client, kit: client.post(
            "/api/plans/import/",
            {"file": SimpleUploadedFile("工作要点.docx", content), "year": 2026, "dry_run": True},
        )

    # The API takes the plan as text or as the .docx itself; a text with no task in it and a
    # crafted file are refused.
    return [
        Use("city_staff", sender(PLAN_TEXT), action=AuditAction.IMPORT),
        Use("city_staff", file_sender(plan_docx()), action=AuditAction.IMPORT, label="docx"),
        *[
            Use(
                "city_staff", file_sender(bad), action=AuditAction.IMPORT, refused=True, label=label
            )
            for label, bad in refused_docx(plan_docx()).items()
        ],
        Use(
            "city_staff",
            sender("只有一行文字"),
            action=AuditAction.IMPORT,
            refused=True,
            label="no-task",
        ),
    ]


def case_attachment_download(api: bool):
    """county_a registers a case with a PDF (through the services) and downloads it back."""

    def cases(kit):
        from django.test import TestCase

        from shangwu.cases.models import CaseCategory
        from shangwu.cases.services import case_register
        from shangwu.organization.models import Region

        # The file service writes the bytes when the transaction commits.
        with TestCase.captureOnCommitCallbacks(execute=True):
            case = case_register(
                actor=kit.personas["county_a"],
                source="other",
                kind="ordinary",
                category=CaseCategory.objects.order_by("pk").first(),
                title="审计测试附件",
                content="详细情况",
                county=Region.objects.get(code="419902"),
                attachments=[SimpleUploadedFile("交办单.pdf", b"%PDF-1.4\n%%EOF\n")],
            )
        attachment = case.attachments.get()
        url = (
            f"/api/cases/{case.pk}/attachments/{attachment.pk}/download/"
            if api
            else f"/cases/attachments/{attachment.pk}/"
        )
        return [get(url, persona="county_a", action=AuditAction.DOWNLOAD)]

    return cases


def event_attachment_download(api: bool):
    """county_a registers a 美食节 and uploads its 方案 (through the services), then downloads it."""

    def cases(kit):
        from django.test import TestCase

        from shangwu.organization.models import Region
        from shangwu.promotion.models import EventKind
        from shangwu.promotion.services import event_attach, event_create

        county_a = kit.personas["county_a"]
        event = event_create(
            actor=county_a,
            name="审计测试美食节",
            kind=EventKind.objects.get(code="food_festival"),
            level="county",
            organiser=county_a.org_unit,
            county=Region.objects.get(code="419902"),
            start_on=datetime.date(2026, 5, 1),
            end_on=datetime.date(2026, 5, 3),
        )
        with TestCase.captureOnCommitCallbacks(execute=True):
            stored = event_attach(
                event=event,
                actor=county_a,
                upload=SimpleUploadedFile("活动方案.pdf", b"%PDF-1.4\n%%EOF\n"),
                purpose="plan",
            )
        url = (
            f"/api/events/{event.pk}/attachments/{stored.pk}/download/"
            if api
            else f"/promotion/attachments/{stored.pk}/"
        )
        return [get(url, persona="county_a", action=AuditAction.DOWNLOAD)]

    return cases


def designation_attachment_download(api: bool):
    """county_a awards a 老字号 with its certificate (through the services) and downloads it."""

    def cases(kit):
        from django.test import TestCase

        from shangwu.designations.models import DesignationKind
        from shangwu.designations.services import designation_attach, designation_cultivate
        from shangwu.organization.models import Region

        county_a = kit.personas["county_a"]
        designation = designation_cultivate(
            actor=county_a,
            kind=DesignationKind.objects.get(code="pedestrian_street"),
            holder_type="street",
            holder_name="审计测试步行街",
            county=Region.objects.get(code="419902"),
            responsible_unit=county_a.org_unit,
        )
        with TestCase.captureOnCommitCallbacks(execute=True):
            stored = designation_attach(
                designation=designation,
                actor=county_a,
                upload=SimpleUploadedFile("认定证书.pdf", b"%PDF-1.4\n%%EOF\n"),
                purpose="certificate",
            )
        url = (
            f"/api/designations/{designation.pk}/attachments/{stored.pk}/download/"
            if api
            else f"/designations/attachments/{stored.pk}/"
        )
        return [get(url, persona="county_a", action=AuditAction.DOWNLOAD)]

    return cases


def _inspection_site(county_a):
    import random

    from shangwu.enterprises.demo import make_credit_code
    from shangwu.enterprises.models import Tag
    from shangwu.enterprises.services import enterprise_create
    from shangwu.inspections.services import site_create
    from shangwu.organization.models import Region

    county = Region.objects.get(code="419902")
    enterprise = enterprise_create(
        actor=None,
        credit_code=make_credit_code(random.Random(21), "419902"),
        name="审计测试石油有限公司",
        county=county,
        tags=[Tag.objects.get(code="oil_retail")],
    )
    return site_create(
        actor=county_a, enterprise=enterprise, name="审计测试加油站", site_type="fuel_station"
    )


def inspection_photo_download(kit):
    """county_a starts an inspection, adds a photo (through the services) and downloads it."""
    from django.test import TestCase

    from shangwu.inspections.models import InspectionKind
    from shangwu.inspections.services import inspection_photo_add, inspection_start

    county_a = kit.personas["county_a"]
    inspection = inspection_start(
        actor=county_a,
        site=_inspection_site(county_a),
        kind=InspectionKind.objects.get(code="fuel_station_annual"),
    )
    png = bytes.fromhex(
        "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
        "0000000b49444154789c6360000200000500017a5eab3f0000000049454e44ae426082"
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        stored = inspection_photo_add(
            inspection=inspection,
            actor=county_a,
            upload=SimpleUploadedFile("现场照片.png", png, content_type="image/png"),
        )
    return [
        get(f"/inspections/photos/{stored.pk}/", persona="county_a", action=AuditAction.DOWNLOAD)
    ]


def hazard_photo_download(kit):
    """county_a inspects a station (one item failed: a hazard), reports it rectified with a
    photo (rectification.py, through the file service) and downloads the photo."""
    from django.test import TestCase

    from shangwu.inspections.models import InspectionKind
    from shangwu.inspections.rectification import hazard_rectify
    from shangwu.inspections.services import inspection_save, inspection_start, inspection_submit

    county_a = kit.personas["county_a"]
    inspection = inspection_start(
        actor=county_a,
        site=_inspection_site(county_a),
        kind=InspectionKind.objects.get(code="fuel_station_annual"),
    )
    answers = {
        a.item_id: ("fail", "不合格") if n == 0 else ("pass", "")
        for n, a in enumerate(inspection.answers.order_by("item__number"))
    }
    inspection_save(inspection=inspection, actor=county_a, answers=answers, signature_name="钱站长")
    inspection_submit(inspection=inspection, actor=county_a, responsible_person="钱站长")
    png = bytes.fromhex(
        "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
        "0000000b49444154789c6360000200000500017a5eab3f0000000049454e44ae426082"
    )
    hazard = inspection.hazards.get()
    with TestCase.captureOnCommitCallbacks(execute=True):
        hazard_rectify(
            hazard=hazard,
            actor=county_a,
            note="已整改",
            photos=[SimpleUploadedFile("整改照片.png", png, content_type="image/png")],
        )
    stored = hazard.photos.get()
    return [
        get(
            f"/inspections/hazard-photos/{stored.pk}/",
            persona="county_a",
            action=AuditAction.DOWNLOAD,
        )
    ]


def inspection_public_export(kit):
    """county_a exports the masked public list of a full-coverage plan of 河东区."""
    from shangwu.inspections.models import InspectionKind
    from shangwu.inspections.services import plan_create, plan_fix_targets
    from shangwu.organization.models import Region

    county_a = kit.personas["county_a"]
    _inspection_site(county_a)
    plan = plan_create(
        actor=county_a,
        kind=InspectionKind.objects.get(code="fuel_station_annual"),
        method="full",
        county=Region.objects.get(code="419902"),
        start_on=datetime.date(2026, 3, 1),
        end_on=datetime.date(2026, 12, 20),
    )
    plan_fix_targets(plan=plan, actor=county_a)
    return [get(f"/inspections/plans/{plan.pk}/public/export/", persona="county_a")]


def visit_attachment_download(api: bool):
    """county_a records a visit with a site photo (through the services) and downloads it back."""

    def cases(kit):
        import random

        from django.test import TestCase

        from shangwu.enterprises.baobao.services import visit_create
        from shangwu.enterprises.demo import make_credit_code
        from shangwu.enterprises.services import enterprise_create
        from shangwu.organization.models import Region

        county_a = kit.personas["county_a"]
        enterprise = enterprise_create(
            actor=None,
            name="审计测试走访企业有限公司",
            county=Region.objects.get(code="419902"),
            credit_code=make_credit_code(random.Random(16), "419902"),
        )
        png = bytes.fromhex(
            "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
            "0000000b49444154789c6360000200000500017a5eab3f0000000049454e44ae426082"
        )
        with TestCase.captureOnCommitCallbacks(execute=True):
            visit = visit_create(
                enterprise=enterprise,
                visited_on=datetime.date.today() - datetime.timedelta(days=1),
                officials=[county_a],
                actor=county_a,
                photos=[SimpleUploadedFile("现场照片.png", png)],
            )
        attachment = visit.attachments.get()
        url = (
            f"/api/visits/{visit.pk}/attachments/{attachment.pk}/download/"
            if api
            else f"/enterprises/visits/attachments/{attachment.pk}/"
        )
        return [get(url, persona="county_a", action=AuditAction.DOWNLOAD)]

    return cases


def voucher_campaign():
    """A campaign of May 2026 over 河东区 with one batch, through the services."""
    from shangwu.accounts.models import User
    from shangwu.organization.models import Region
    from shangwu.vouchers.services import voucher_batch_add, voucher_campaign_create

    actor = User.objects.get(username="city_staff")
    campaign = voucher_campaign_create(
        actor=actor,
        name="审计测试消费券",
        funder="city",
        budget=Decimal("10"),
        platform="unionpay",
        start_on=datetime.date(2026, 5, 1),
        end_on=datetime.date(2026, 5, 31),
        counties=[Region.objects.get(code="419902")],
        organiser=actor.org_unit,
    )
    voucher_batch_add(
        campaign=campaign,
        actor=actor,
        name="餐饮券",
        face_value=Decimal("30"),
        threshold=Decimal("100"),
        quantity=10,
        industry="catering",
    )
    return campaign


def voucher_xlsx(*codes, county="河东区") -> bytes:
    import xlsxwriter

    from shangwu.vouchers.tests.conftest import HEADER

    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = wb.add_worksheet("核销明细")
    ws.write_row(0, 0, HEADER)
    for r, code in enumerate(codes, start=1):
        ws.write_row(r, 0, ["餐饮券", code, "2026-05-02 12:00:00", "审计测试餐馆", "", county])
        ws.write_number(r, 6, 120)
        ws.write_number(r, 7, 30)
    wb.close()
    return buffer.getvalue()


def voucher_import(part):
    def cases(kit):
        campaign = voucher_campaign()
        return generic_import_cases(
            "/vouchers/import/",
            voucher_xlsx("V1"),
            voucher_xlsx("V2", "V3", county="不存在县"),
            "核销明细.xlsx",
            {"campaign": campaign.pk},
        )[part]

    return cases


def api_voucher_import(kit):
    campaign = voucher_campaign()

    def sender(content):
        return lambda client, kit: client.post(
            f"/api/voucher-campaigns/{campaign.pk}/import/",
            {"file": SimpleUploadedFile("核销明细.xlsx", content), "commit": "true"},
        )

    return [
        Use("city_staff", sender(voucher_xlsx("A1")), action=AuditAction.IMPORT),
        *[
            Use("city_staff", sender(bad), action=AuditAction.IMPORT, refused=True, label=label)
            for label, bad in refused_xlsx(voucher_xlsx("A2")).items()
        ],
    ]


def voucher_file_download(kit):
    """city_staff imports an export (kept through the file service) and downloads it back."""
    import tempfile
    from pathlib import Path

    from django.test import TestCase

    from shangwu.vouchers.imports import VoucherRedemptionImporter
    from shangwu.vouchers.models import VoucherImportFile

    campaign = voucher_campaign()
    path = Path(tempfile.mkdtemp()) / "核销明细.xlsx"
    path.write_bytes(voucher_xlsx("D1"))
    importer = VoucherRedemptionImporter()
    with TestCase.captureOnCommitCallbacks(execute=True):
        result = importer.commit(
            rows=importer.read(path, "xlsx"),
            actor=kit.personas["city_staff"],
            file_name=path.name,
            campaign=campaign.pk,
        )
    assert result.committed, (result.file_error, result.errors)
    stored = VoucherImportFile.objects.get()
    return [get(f"/vouchers/files/{stored.pk}/", action=AuditAction.DOWNLOAD)]


def with_data(setup, *uses_of):
    """Uses that need data: ``setup(kit)`` runs first."""

    def cases(kit):
        setup(kit)
        return list(uses_of)

    return cases


def bulletin_values(kit):
    indicator_values(kit.personas["city_staff"])


def task_report(fmt):
    def cases(kit):
        plan = key_task_plan()
        return [get(f"/tasks/report/{fmt}/", {"plan": plan.pk, "cycle": 1}, persona="leader")]

    return cases


LEDGER = {"kind": "quarter", "year": 2025, "number": 1}
ROUTE_CASES: dict[str, Callable] = {
    "organization:region_export": lambda kit: [get("/org/regions/export/", persona="sysadmin")],
    "organization:orgunit_export": lambda kit: [get("/org/units/export/", persona="sysadmin")],
    "workcalendar:year_export": lambda kit: [get("/calendar/export/", persona="sysadmin")],
    "audit:auditlog_export": lambda kit: [get("/audit/export/", persona="auditor")],
    "enterprises:enterprise_export": lambda kit: [get("/enterprises/export/")],
    "enterprises:contact_export": lambda kit: [get("/enterprises/contacts/export/")],
    "enterprises:assignment_export": lambda kit: [get("/enterprises/assignments/export/")],
    "enterprises:visit_export": lambda kit: [get("/enterprises/visits/export/")],
    "enterprises:enterprise_import": enterprise_import("upload"),
    "enterprises:enterprise_import_commit": enterprise_import("commit"),
    "enterprises:enterprise_import_errors": enterprise_import("errors"),
    "enterprises:enterprise_import_template": lambda kit: [get("/enterprises/import/template/")],
    "cases:case_export": lambda kit: [get("/cases/export/")],
    "cases:statistics_export": lambda kit: [get("/cases/statistics/export/")],
    "cases:attachment_download": case_attachment_download(api=False),
    "case-attachment-download": case_attachment_download(api=True),
    "enterprises:visit_attachment_download": visit_attachment_download(api=False),
    "visit-attachment-download": visit_attachment_download(api=True),
    "projects:project_export": lambda kit: [get("/projects/export/")],
    "projects:ledger_export": lambda kit: [
        get("/projects/three-batches/ledger/", LEDGER, persona="leader")
    ],
    "project-ledger": lambda kit: [
        get("/api/projects/ledger/", {**LEDGER, "milestone": "signed"}, persona="leader")
    ],
    "projects:project_import": project_import("upload"),
    "projects:project_import_commit": project_import("commit"),
    "projects:project_import_errors": project_import("errors"),
    "projects:project_import_template": lambda kit: [get("/projects/import/template/")],
    "indicators:bulletin_xlsx": with_data(
        bulletin_values, get("/indicators/bulletin.xlsx", {"month": "2026-05"}, persona="leader")
    ),
    "indicators:bulletin_docx": with_data(
        bulletin_values, get("/indicators/bulletin.docx", {"month": "2026-05"}, persona="leader")
    ),
    "indicator-bulletin-xlsx": with_data(
        bulletin_values,
        get("/api/indicator-bulletin/xlsx/", {"month": "2026-05"}, persona="leader"),
    ),
    "indicator-bulletin-docx": with_data(
        bulletin_values,
        get("/api/indicator-bulletin/docx/", {"month": "2026-05"}, persona="leader"),
    ),
    "indicators:value_export": lambda kit: [get("/indicators/values/export/")],
    "indicators:value_import": value_import("upload"),
    "indicators:value_import_commit": value_import("commit"),
    "indicators:value_import_errors": value_import("errors"),
    "indicators:value_template": lambda kit: [
        get("/indicators/values/template/", {"month": "2026-05"})
    ],
    "tasks:plan_import": plan_import("upload"),
    "tasks:plan_import_commit": plan_import("commit"),
    "tasks:plan_import_errors": plan_import("errors"),
    "tasks:plan_import_template": lambda kit: [get("/tasks/import/template/")],
    "plan-import-plan": api_plan_import,
    "tasks:task_export": lambda kit: [get("/tasks/list/export/")],
    "tasks:report_export": lambda kit: [get("/tasks/reports/export/")],
    "tasks:report_xlsx": task_report("xlsx"),
    "tasks:report_docx": task_report("docx"),
    "promotion:event_export": lambda kit: [get("/promotion/events/export/")],
    "subsidies:subsidyapplication_export": lambda kit: [get("/subsidies/applications/export/")],
    "subsidies:subsidyapplication_import": subsidy_import("upload"),
    "subsidies:subsidyapplication_import_commit": subsidy_import("commit"),
    "subsidies:subsidyapplication_import_errors": subsidy_import("errors"),
    "subsidies:subsidyapplication_import_template": lambda kit: [
        get("/subsidies/applications/import/template/")
    ],
    "promotion:attachment_download": event_attachment_download(api=False),
    "promotionevent-attachment-download": event_attachment_download(api=True),
    "designations:designation_export": lambda kit: [get("/designations/export/")],
    "designations:attachment_download": designation_attachment_download(api=False),
    "designations:programmefund_export": lambda kit: [get("/designations/funds/export/")],
    "designations:programmefund_import": programme_import("funds")("upload"),
    "designations:programmefund_import_commit": programme_import("funds")("commit"),
    "designations:programmefund_import_errors": programme_import("funds")("errors"),
    "designations:programmefund_import_template": lambda kit: [
        get("/designations/funds/import/template/")
    ],
    "designations:programmemilestone_export": lambda kit: [get("/designations/milestones/export/")],
    "designations:programmemilestone_import": programme_import("milestones")("upload"),
    "designations:programmemilestone_import_commit": programme_import("milestones")("commit"),
    "designations:programmemilestone_import_errors": programme_import("milestones")("errors"),
    "designations:programmemilestone_import_template": lambda kit: [
        get("/designations/milestones/import/template/")
    ],
    "designation-attachment-download": designation_attachment_download(api=True),
    "vouchers:campaign_export": lambda kit: [get("/vouchers/campaigns/export/")],
    "vouchers:daily_export": lambda kit: [get("/vouchers/daily/export/")],
    "vouchers:merchant_export": lambda kit: [get("/vouchers/merchants/export/")],
    "vouchers:redemption_import": voucher_import("upload"),
    "vouchers:redemption_import_commit": voucher_import("commit"),
    "vouchers:redemption_import_errors": voucher_import("errors"),
    "vouchers:redemption_import_template": lambda kit: [get("/vouchers/import/template/")],
    "vouchers:file_download": voucher_file_download,
    "vouchercampaign-import": api_voucher_import,
    "inspections:site_export": lambda kit: [get("/inspections/sites/export/")],
    "inspections:plan_export": lambda kit: [get("/inspections/plans/export/")],
    "inspections:inspection_export": lambda kit: [get("/inspections/export/")],
    "inspections:plan_public_export": inspection_public_export,
    "inspections:photo_download": inspection_photo_download,
    "inspections:hazard_export": lambda kit: [get("/inspections/hazards/export/")],
    "inspections:hazard_photo_download": hazard_photo_download,
}
# Routes every version of the platform has: the discovery must find at least these.
KNOWN_ROUTES = {
    "enterprises:enterprise_export",
    "enterprises:enterprise_import",
    "indicators:bulletin_xlsx",
    "indicator-bulletin-xlsx",
    "indicator-bulletin-docx",
    "tasks:plan_import",
    "audit:auditlog_export",
    "indicators:value_import",
    "projects:project_import",
}


@dataclass
class Kit:
    personas: dict


@pytest.fixture
def kit(leader, city_staff, county_a, sysadmin, auditor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return Kit(personas={u.username: u for u in (leader, city_staff, county_a, sysadmin, auditor)})


def test_the_discovery_finds_the_known_file_routes():
    found = discovered_file_routes()
    assert found, "没有找到任何导出/导入/下载路由：路由发现失效了。"
    assert KNOWN_ROUTES <= set(found), f"未发现：{sorted(KNOWN_ROUTES - set(found))}"


def missing_case_message(name: str, route: str) -> str:
    return (
        f"新的导出/导入/下载路由 {name}（{route}）没有审计测试用例：请在 "
        f"shangwu/audit/tests/test_file_routes.py 的 ROUTE_CASES 中为它加一项，说明哪个角色用什么"
        f"最小的有效请求使用它（导入还要加一个被拒绝的文件），并确认它写入审计日志；"
        f"若它并不传送文件，请把它和理由加入 NOT_FILE_ROUTES。"
    )


def test_a_new_download_route_without_a_case_fails_with_a_message_saying_to_add_one(
    settings, kit, as_user
):
    settings.ROOT_URLCONF = "shangwu.audit.tests.urls_with_new_download"
    found = discovered_file_routes()
    assert found["new_attachment_download"] == "cases/attachments/<int:pk>/download/"
    with pytest.raises(pytest.fail.Exception, match="new_attachment_download.*ROUTE_CASES"):
        prove_route_audited(
            "new_attachment_download", found["new_attachment_download"], kit, as_user
        )


@pytest.mark.parametrize(("name", "route"), sorted(discovered_file_routes().items()))
def test_every_file_route_is_used_and_writes_its_audit_row(name, route, kit, as_user):
    prove_route_audited(name, route, kit, as_user)


def prove_route_audited(name, route, kit, as_user):
    if name in NOT_FILE_ROUTES:
        return
    if name not in ROUTE_CASES:
        pytest.fail(missing_case_message(name, route))
    uses = ROUTE_CASES[name](kit)
    assert uses, f"{name} 的用例为空"
    if "import" in name and "template" not in name and "errors" not in name:
        assert any(u.action == AuditAction.IMPORT for u in uses)
    for use in uses:
        user = kit.personas[use.persona]
        start = AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
        response = use.send(as_user(user), kit)
        path = response.request["PATH_INFO"]
        if not use.refused:
            assert response.status_code < 400, f"{name}（{use.label}）：{response.status_code}"
        rows = AuditLog.objects.filter(
            id__gt=start, action=use.action, actor_username=user.username, path=path
        )
        assert rows.exists(), (
            f"{name}（{use.label}）没有写入“{AuditAction(use.action).label}”审计记录"
        )
        if use.refused:
            assert any("已拒绝" in row.detail for row in rows), [r.detail for r in rows]


def test_stale_cases_are_removed_when_their_route_goes():
    """An entry for a route that no longer exists proves nothing: keep the table honest."""
    assert set(ROUTE_CASES) - set(discovered_file_routes()) == set()
