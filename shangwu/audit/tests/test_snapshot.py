"""The audit snapshot never fails on a field type, and every audited model writes its row
(issue 15, §1: an attachment upload answered 500 because a file field was not JSON)."""

import datetime
import decimal
import json
import uuid

import pytest
from django.apps import apps
from django.db import models

from shangwu.audit.choices import AuditAction
from shangwu.audit.models import AuditLog
from shangwu.audit.services import plain_value, snapshot


def test_plain_value_writes_every_kind_of_value_as_json():
    from django.core.files.base import ContentFile
    from django.db.models.fields.files import FieldFile

    stored = FieldFile(None, models.FileField(name="file"), "cases/2026/12/ab.pdf")
    values = {
        "moment": datetime.datetime(2026, 3, 8, 9, 30, tzinfo=datetime.UTC),
        "day": datetime.date(2026, 3, 8),
        "amount": decimal.Decimal("12.50"),
        "span": datetime.timedelta(days=3),
        "id": uuid.UUID(int=7),
        "file": stored,
        "upload": ContentFile(b"x", name="a.pdf"),
        "bytes": b"\x00\x01",
        "view": memoryview(b"abc"),
        "set": {3, 1},
        "nested": {"a": [datetime.date(2026, 1, 1), {decimal.Decimal("1")}]},
        "object": object(),
    }
    written = {k: plain_value(v) for k, v in values.items()}

    json.dumps(written)  # never raises
    assert written["file"] == "cases/2026/12/ab.pdf"
    assert written["amount"] == "12.50" and written["day"] == "2026-03-08"
    assert written["set"] == [1, 3]
    assert written["bytes"].startswith("（二进制 2 字节，SHA-256 ")


def _edits(model):
    """The plain fields an edit could change (no keys, choices, unique or automatic fields)."""
    meta = model._meta
    unique = {
        f for c in meta.constraints if isinstance(c, models.UniqueConstraint) for f in c.fields
    }
    unique |= {f for group in meta.unique_together for f in group}
    skip = set(getattr(model, "audit_exclude", set())) | unique
    return [
        f
        for f in meta.concrete_fields
        if not (f.primary_key or f.is_relation or f.choices or f.unique or f.name in skip)
        and not getattr(f, "auto_now", False)
        and not getattr(f, "auto_now_add", False)
        and not isinstance(f, (models.EmailField, models.URLField, models.GenericIPAddressField))
    ]


def _changed(field, value):
    """Another valid-looking value for ``field``, or None."""
    if isinstance(field, (models.CharField, models.TextField)):
        limit = field.max_length or 1000
        return ((value or "")[: limit - 1] + "核") if value != "核" else "审"
    if value is None:
        return None
    if isinstance(field, models.BooleanField):
        return not value
    if isinstance(field, (models.IntegerField, models.DecimalField)):
        return value + 1
    if isinstance(field, models.DateField):  # DateTimeField included
        return value - datetime.timedelta(days=1)
    return None


def _save_an_edit(model, pk) -> str | None:
    """Change one plain field of row ``pk`` as an edit would (the first change the model's own
    constraints accept) and save it; return the field's name."""
    from django.db import IntegrityError, transaction

    for field in _edits(model):
        instance = model._base_manager.get(pk=pk)
        new = _changed(field, getattr(instance, field.attname))
        if new is None:
            continue
        setattr(instance, field.attname, new)
        try:
            with transaction.atomic():
                instance.save()
            return field.name
        except IntegrityError:
            continue
    return None


def _save_a_new_link(instance) -> bool:
    """A link row (only foreign keys, unique together): save a copy pointing at another record."""
    from django.db import IntegrityError, transaction

    links = [f for f in instance._meta.concrete_fields if f.is_relation]
    for field in reversed(links):
        for other in field.related_model._base_manager.order_by("pk")[:50]:
            instance.pk = None
            instance._state.adding = True
            setattr(instance, field.attname, other.pk)
            try:
                with transaction.atomic():
                    instance.save()
                return True
            except IntegrityError:
                continue
    return False


@pytest.fixture
def world(db, county_a, city_staff, sysadmin, make_enterprise, settings, tmp_path):
    """One or more rows of every audited model, built by the modules' own builders and services."""
    from shangwu.accounts.demo import build_users
    from shangwu.accounts.models import SecurityPolicy
    from shangwu.cases import demo as cases_demo
    from shangwu.cases.models import Case
    from shangwu.cases.services import case_attach
    from shangwu.core.context import acting
    from shangwu.core.tests import files
    from shangwu.designations import demo as designations_demo
    from shangwu.designations.models import Designation
    from shangwu.designations.services import designation_attach
    from shangwu.enterprises.demo import build_enterprises
    from shangwu.indicators.models import Indicator
    from shangwu.indicators.services import ValueInput, target_propose, target_set, value_save
    from shangwu.inspections import demo as inspections_demo
    from shangwu.organization.demo import build_regions_and_units
    from shangwu.organization.models import Region
    from shangwu.projects import demo as projects_demo
    from shangwu.promotion import demo as promotion_demo
    from shangwu.subsidies import demo as subsidies_demo
    from shangwu.tasks import demo as tasks_demo
    from shangwu.vouchers import demo as vouchers_demo
    from shangwu.workcalendar.services import calendar_year_save

    settings.MEDIA_ROOT = tmp_path / "media"
    with acting(path="test"):
        units = build_regions_and_units()
        users = build_users(units)
        build_enterprises(units=units, users=users, count=8)
        for module in (
            projects_demo,
            cases_demo,
            tasks_demo,
            promotion_demo,
            subsidies_demo,
            designations_demo,
            vouchers_demo,
            inspections_demo,
        ):
            module.build(units=units, users=users, size="small")
        indicator = Indicator.objects.order_by("pk").first()
        county = Region.objects.get(code="419902")
        target_set(
            indicator=indicator,
            year=2026,
            region=county,
            value=decimal.Decimal("100"),
            actor=city_staff,
        )
        target_propose(
            indicator=indicator,
            year=2026,
            region=county,
            value=decimal.Decimal("90"),
            reason="受外部环境影响",
            actor=county_a,
        )
        value_save(
            item=ValueInput(indicator=indicator, region=county, month_value=decimal.Decimal("8.5")),
            month=datetime.date(2026, 1, 1),
            actor=city_staff,
        )
        SecurityPolicy.current().save()  # as the 安全管理员's policy page saves it
        calendar_year_save(
            year=2099,
            holidays=[(datetime.date(2099, 1, 1), "元旦")],
            workdays=[],
            actor=sysadmin,
            notice="测试通知",
        )
        case = Case.objects.restrict(county_a, "change").order_by("pk").first()
        case_attach(case=case, actor=county_a, upload=files.pdf())
        designation = Designation.objects.restrict(county_a, "change").order_by("pk").first()
        designation_attach(designation=designation, actor=county_a, upload=files.pdf())
        # 整改材料 (rectification evidence) through the file service, on a demo hazard.
        from shangwu.core.files import file_store
        from shangwu.inspections.models import Hazard, HazardPhoto

        hazard = Hazard.objects.restrict(county_a, "change").order_by("pk").first()
        file_store(model=HazardPhoto, actor=county_a, upload=files.png(), hazard=hazard)


def test_every_audited_model_writes_an_audit_row_when_saved(world):
    audited = [m for m in apps.get_models() if getattr(m, "audited", False)]
    assert len(audited) > 30
    missing, silent = [], []
    for model in audited:
        instance = model._base_manager.order_by("pk").first()
        if instance is None:
            missing.append(model._meta.label)
            continue
        json.dumps(snapshot(instance))
        before = AuditLog.objects.count()
        field = _save_an_edit(model, instance.pk)
        if field is None:  # a link table: only keys
            assert _save_a_new_link(instance), f"{model._meta.label}：无法生成一条新记录"
        row = AuditLog.objects.order_by("-id").first()
        if AuditLog.objects.count() == before or row.object_type != model._meta.label_lower:
            silent.append(model._meta.label)
            continue
        assert row.object_id == str(instance.pk)
        if field is None:
            assert row.action == AuditAction.CREATE
        else:
            assert row.action == AuditAction.UPDATE and field in row.changes["after"]
    assert missing == [], f"没有实例（请在 world 中用服务建一个）：{missing}"
    assert silent == [], f"保存后没有审计记录：{silent}"
