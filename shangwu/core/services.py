"""Shared services: the event row every status change writes (``event_record``), and the 公文
settings: who issues a document, its 发文字号, its 版头 and 版记."""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from shangwu.audit.choices import AuditAction
from shangwu.audit.services import audit_write
from shangwu.core.models import DocumentNumber, DocumentSetting, Event, Responsibility, Vocabulary


def event_record(
    model: type[Event],
    *,
    subject,
    kind: str,
    actor=None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    **fields,
) -> Event:
    """Write one event row of ``model`` (a ``core.models.Event`` subclass) for ``subject``. The
    actor is kept only when it is a saved user (the demo and imports pass none, or an anonymous
    one: the timeline says 系统). ``fields`` are the model's own (``on``, ``changes``, ``unit``,
    ``at``…). Called inside the caller's transaction; the audit row is the caller's."""
    values = {model.subject_field: subject, "kind": kind, "note": note or "", **fields}
    if getattr(actor, "pk", None):
        values["actor"] = actor
    if from_status or to_status:
        values.update(from_status=from_status, to_status=to_status)
    return model.objects.create(**values)


def model_update(*, instance, data: dict, fields) -> list[str]:
    """Save the ``fields`` of ``instance`` whose value in ``data`` differs from the current one:
    set them, validate the whole row (``full_clean``), write just those columns. Returns the names
    written (empty: nothing changed, nothing saved). The caller holds the transaction and the
    row's lock (HackSoft's ``model_update``)."""
    changed = [name for name in fields if name in data and data[name] != getattr(instance, name)]
    for name in changed:
        setattr(instance, name, data[name])
    if changed:
        instance.full_clean()
        instance.save(update_fields=changed)
    return changed


def vocabulary_code(model: type[Vocabulary], *, name: str) -> str:
    """A code for a new entry of a managed list from its name's pinyin (融资 → rongzi), with
    _2, _3… when another entry has it already."""
    from pypinyin import lazy_pinyin

    base = re.sub(r"[^a-z0-9_]+", "_", "_".join(lazy_pinyin(name)).lower()).strip("_")[:26]
    base = base or model._meta.model_name
    code, n = base, 1
    while model.objects.filter(code=code).exists():
        n += 1
        code = f"{base}_{n}"
    return code


def issuing_organ(*, user) -> str:
    """The bureau a user's documents are issued by: a county officer's county 商务局, a township
    officer's office, a city 科室's bureau. Read from the user's unit, never written in code."""
    from shangwu.organization.choices import OrgUnitKind
    from shangwu.organization.models import OrgUnit

    unit = getattr(user, "org_unit", None)
    if unit is None:
        return ""
    if unit.kind != OrgUnitKind.DEPARTMENT:
        return unit.name
    if unit.parent_id:
        return unit.parent.name
    bureau = (
        OrgUnit.objects.filter(region_id=unit.region_id, kind=OrgUnitKind.BUREAU)
        .order_by("sort_order", "pk")
        .first()
    )
    return bureau.name if bureau else f"{unit.region.name}商务局"


def _next_serial(*, kind: str, year: int) -> int:
    top = DocumentNumber.objects.filter(kind=kind, year=year).aggregate(top=Max("serial"))["top"]
    return (top or 0) + 1


def document_number_issue(
    *, kind: str, year: int, prefix: str, organ_name: str, subject: str, actor
) -> DocumentNumber:
    """The 发文字号 of one document: the next serial of its kind and year, e.g. 云商〔2026〕12号.

    The same document (same organ and subject) keeps the number it was given. Two exports at
    the same moment cannot share a number: the (kind, year, serial) unique constraint refuses
    the second insert, which then takes the next serial (no row locks, which SQLite ignores).
    """
    subject = subject[:200]
    same = DocumentNumber.objects.filter(
        kind=kind, year=year, organ_name=organ_name, subject=subject
    )
    for _attempt in range(20):
        existing = same.first()
        if existing is not None:
            return existing
        serial = _next_serial(kind=kind, year=year)
        try:
            with transaction.atomic():
                number = DocumentNumber.objects.create(
                    kind=kind,
                    year=year,
                    serial=serial,
                    text=f"{prefix}〔{year}〕{serial}号",
                    organ_name=organ_name,
                    subject=subject,
                    issued_by=actor,
                )
        except IntegrityError:
            continue  # taken meanwhile: read again
        audit_write(
            action=AuditAction.CREATE,
            obj=number,
            actor=actor,
            detail=f"编发文字号 {number.text}：{organ_name}《{subject}》",
        )
        return number
    raise ValidationError("发文字号正在被其他用户占用，请稍后重试。")


def gongwen_options(*, kind: str, user, subject: str, date: datetime.date) -> dict:
    """The ``GongwenDocument`` keyword arguments for a document of ``kind`` exported by ``user``:
    ``issuer`` always; 版头, 发文字号 and 版记 only as the 系统管理员 configured them for the kind.

    The configured organ, 版头 and number are the city bureau's: a county or township officer's
    export is issued by their own bureau and carries none of them.
    """
    from shangwu.organization.choices import RegionLevel

    own = issuing_organ(user=user)
    setting = DocumentSetting.objects.filter(kind=kind).first()
    region = getattr(user, "region", None)
    if setting is None or region is None or region.level != RegionLevel.CITY:
        return {"issuer": own}
    organ = setting.organ_name or own
    options: dict = {"issuer": organ}
    if setting.show_masthead:
        options["masthead"] = setting.masthead_text or f"{organ}文件"
    if setting.number_prefix:
        options["number"] = document_number_issue(
            kind=kind,
            year=date.year,
            prefix=setting.number_prefix,
            organ_name=organ,
            subject=subject,
            actor=user,
        ).text
    if setting.show_colophon:
        options["cc"] = setting.cc
        options["printer"] = setting.printer or organ
    return options


# --- 包保 (every Responsibility model: enterprises' Assignment, projects' ProjectLeader…) ----------


def responsibility_check_overlap(
    *, responsibility: Responsibility, field: str = "official"
) -> None:
    """The same official holds at most one 包保 of the same record at the same level on any day:
    refuse one whose period meets another's (``field`` names the form field the error goes on)."""
    row = responsibility
    others = (
        type(row)
        .objects.filter(
            **{row.subject_field: row.subject},
            official=row.official,
            level=row.level,
            start_on__lte=row.end_on or datetime.date.max,
        )
        .exclude(end_on__lt=row.start_on)
        .exclude(pk=row.pk)
    )
    if others.exists():
        raise ValidationError({field: f"“{row.official}”在这段时间已是“{row.subject}”的包保人员。"})


def responsibility_end(
    *,
    responsibility: Responsibility,
    end_on: datetime.date,
    note: str = "",
    today: datetime.date | None = None,
) -> Responsibility:
    """End a 包保 on ``end_on`` (that day still counts; the row stays as history). Refused when
    its end day has already passed or ``end_on`` is before its start (the rule in
    ``Responsibility``). The caller writes its record's event in the same transaction."""
    row = responsibility
    today = today or timezone.localdate()
    if row.is_ended(today):
        raise ValidationError({"end_on": f"该包保已于{row.end_on:%Y-%m-%d}结束。"})
    if end_on < row.start_on:
        raise ValidationError({"end_on": f"结束日期不能早于开始日期{row.start_on:%Y-%m-%d}。"})
    with transaction.atomic():
        row.end_on = end_on
        if note:
            row.note = note[:200]
        row.save(update_fields=["end_on", "note"])
    return row
