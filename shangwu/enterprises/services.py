"""Enterprise registry services: every write goes through here, each in one transaction, each
writing its EnterpriseEvent row (the timeline) — the audit log row is written by the signals."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from pypinyin import Style, lazy_pinyin

from shangwu.audit.services import snapshot
from shangwu.core.services import event_record
from shangwu.enterprises.choices import EnterpriseEventKind, EnterpriseStatus
from shangwu.enterprises.models import Enterprise, EnterpriseEvent, EnterpriseTag, Tag
from shangwu.enterprises.validators import credit_code_error, normalize_credit_code
from shangwu.organization.choices import RegionLevel
from shangwu.organization.models import Region


def name_pinyin(name: str) -> tuple[str, str]:
    """Full pinyin (the default sort key: users sort names by pinyin) and initials (search)."""
    full = "".join(lazy_pinyin(name, errors="default")).lower()
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")).lower()
    return full[:600], initials[:200]


def county_for_credit_code(code: str) -> Region | None:
    """Characters 3–8 are the registering authority's region code: pre-fill the county."""
    return Region.objects.filter(level=RegionLevel.COUNTY, code=code[2:8]).first()


def _validate(enterprise: Enterprise) -> None:
    code_error = credit_code_error(enterprise.credit_code)
    if code_error:
        raise ValidationError({"credit_code": code_error})
    if enterprise.county_id is None:
        raise ValidationError(
            {"county": "请选择所属县(市、区)：信用代码第3—8位不对应本市任何县区，无法自动填写。"}
        )
    enterprise.full_clean()
    if enterprise.township_id and enterprise.township.parent_id != enterprise.county_id:
        raise ValidationError(
            {"township": f"乡镇“{enterprise.township}”不属于“{enterprise.county}”。"}
        )


def _event(
    enterprise, kind, *, actor, changes=None, note="", from_status="", to_status="", at=None
):
    """The timeline row, recorded at ``at`` (the calling service's ``now``; default: now)."""
    return event_record(
        EnterpriseEvent,
        subject=enterprise,
        kind=kind,
        actor=actor,
        changes=changes,
        note=note,
        from_status=from_status,
        to_status=to_status,
        at=at or timezone.now(),
    )


def _refuse_designation_tags(tags) -> None:
    """老字号 and the other tags a designation kind stands for follow the designations
    (荣誉认定): they are not set by hand."""
    from shangwu.designations.selectors import designation_tag_codes

    derived = designation_tag_codes() if tags else set()
    for tag in tags:
        if tag.code in derived:
            raise ValidationError(
                {"tag": f"“{tag}”由荣誉认定生成，请在“荣誉认定”中登记认定，不能手工设置标签。"}
            )


def enterprise_create(
    *, actor, tags=(), now: datetime.datetime | None = None, **fields
) -> Enterprise:
    """A new registry record with its 登记入库 event at ``now`` (default: now; the demo passes the
    day the registry took it in)."""
    _refuse_designation_tags(tags)
    fields["credit_code"] = normalize_credit_code(fields.get("credit_code", ""))
    if not fields.get("county") and len(fields["credit_code"]) == 18:
        fields["county"] = county_for_credit_code(fields["credit_code"])
    enterprise = Enterprise(**fields)
    enterprise.name_pinyin, enterprise.name_initials = name_pinyin(enterprise.name)
    _validate(enterprise)
    with transaction.atomic():
        enterprise.save()
        for tag in tags:
            enterprise.tag_links.create(tag=tag)
        _event(
            enterprise,
            EnterpriseEventKind.CREATED,
            actor=actor,
            to_status=enterprise.status,
            at=now,
        )
    return enterprise


def enterprise_update(
    *,
    enterprise: Enterprise,
    actor,
    note: str = "",
    now: datetime.datetime | None = None,
    **fields,
) -> Enterprise:
    """Edit the record (its timeline row at ``now``, default now). A status change here is
    refused: de-registration has its own service."""
    before = snapshot(enterprise)
    for key, value in fields.items():
        setattr(enterprise, key, value)
    enterprise.credit_code = normalize_credit_code(enterprise.credit_code)
    if not enterprise.county_id and len(enterprise.credit_code) == 18:
        enterprise.county = county_for_credit_code(enterprise.credit_code)
    if enterprise.status != before["status"]:
        raise ValidationError({"status": "状态变更请使用“注销/迁出”操作，以便记录原因。"})
    enterprise.name_pinyin, enterprise.name_initials = name_pinyin(enterprise.name)
    _validate(enterprise)
    after = snapshot(enterprise)
    # The snapshot already leaves out what is not worth a timeline entry (Enterprise.audit_exclude).
    changed = {k for k in after if before.get(k) != after.get(k)}
    with transaction.atomic():
        enterprise.save()
        if changed:
            _event(
                enterprise,
                EnterpriseEventKind.UPDATED,
                actor=actor,
                note=note,
                changes={
                    "before": {k: before.get(k) for k in sorted(changed)},
                    "after": {k: after[k] for k in sorted(changed)},
                },
                at=now,
            )
    return enterprise


def enterprise_change_status(
    *,
    enterprise: Enterprise,
    status: str,
    actor,
    note: str,
    now: datetime.datetime | None = None,
) -> Enterprise:
    """注销 / 吊销 / 迁出 (or back to 存续) at ``now`` (default now). The record and its history
    stay: no hard delete."""
    if status not in EnterpriseStatus.values:
        raise ValidationError({"status": f"未知状态“{status}”。"})
    if status == enterprise.status:
        raise ValidationError({"status": f"企业已是“{enterprise.get_status_display()}”状态。"})
    if not (note or "").strip():
        raise ValidationError({"note": "请填写变更原因。"})
    old = enterprise.status
    with transaction.atomic():
        enterprise.status = status
        enterprise.save(update_fields=["status", "updated_at"])
        _event(
            enterprise,
            EnterpriseEventKind.STATUS,
            actor=actor,
            note=note.strip(),
            from_status=old,
            to_status=status,
            at=now,
        )
    return enterprise


def enterprise_set_tag(
    *,
    enterprise: Enterprise,
    tag: Tag,
    actor,
    since: datetime.date | None = None,
    remove: bool = False,
    now: datetime.datetime | None = None,
) -> bool:
    """Add, re-date or remove one tag (限上 tags need their 纳统 date, not after the day of
    ``now``, default now); True when it changed."""
    _refuse_designation_tags([tag])
    if not remove and tag.needs_date and since is None:
        raise ValidationError({"since": f"标签“{tag}”须填写纳统日期。"})
    if not tag.needs_date:
        since = None
    if not remove and since is not None:
        if since > timezone.localdate(now or timezone.now()):
            raise ValidationError({"since": "纳统日期不能晚于今天。"})
        if enterprise.established_on and since < enterprise.established_on:
            raise ValidationError(
                {"since": f"纳统日期不能早于成立日期{enterprise.established_on:%Y-%m-%d}。"}
            )
    with transaction.atomic():
        link = EnterpriseTag.objects.filter(enterprise=enterprise, tag=tag).first()
        if remove:
            if link is None:
                return False
            link.delete()
            note = f"移除标签“{tag}”" + (f"（原{link.since:%Y-%m-%d}纳统）" if link.since else "")
        elif link is None:
            _link, created = EnterpriseTag.objects.get_or_create(
                enterprise=enterprise, tag=tag, defaults={"since": since}
            )
            if not created:  # added by someone else meanwhile: theirs stands
                return False
            note = f"添加标签“{tag}”" + (f"（{since:%Y-%m-%d}纳统）" if since else "")
        elif link.since != since:
            old = link.since
            link.since = since
            link.save(update_fields=["since"])
            note = (
                f"标签“{tag}”纳统日期：{old:%Y-%m-%d} → {since:%Y-%m-%d}"
                if old
                else f"标签“{tag}”纳统日期：{since:%Y-%m-%d}"
            )
        else:
            return False
        _event(enterprise, EnterpriseEventKind.TAGS, actor=actor, note=note, at=now)
    return True


def enterprise_bulk_tag(
    *, enterprises, tag: Tag, actor, since=None, now: datetime.datetime | None = None
) -> tuple[int, int]:
    """Add ``tag`` to every enterprise of a (restricted) selection that lacks it, in one
    transaction; one that has it already keeps its own 纳统 date. Returns (added, already)."""
    added = already = 0
    with transaction.atomic():
        held = set(
            EnterpriseTag.objects.filter(enterprise__in=enterprises, tag=tag).values_list(
                "enterprise_id", flat=True
            )
        )
        for enterprise in enterprises:
            if enterprise.pk in held:
                already += 1
            else:
                enterprise_set_tag(
                    enterprise=enterprise, tag=tag, actor=actor, since=since, now=now
                )
                added += 1
    return added, already
