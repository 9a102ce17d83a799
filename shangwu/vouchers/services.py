"""Services of the voucher campaigns: every write goes through here, each in one transaction,
each writing its VoucherCampaignLog row (the timeline). Campaigns and batches are audited by the
audit signals; the status move (a conditional UPDATE) and the import write their audit rows
themselves. The redemptions are written only by ``imports.VoucherRedemptionImporter``."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from shangwu.audit.choices import AuditAction
from shangwu.audit.services import audit_write, snapshot
from shangwu.core.access import require
from shangwu.core.services import event_record
from shangwu.vouchers.choices import NEXT_STATUS, CampaignLogKind, CampaignStatus
from shangwu.vouchers.models import VoucherBatch, VoucherCampaign, VoucherCampaignLog

QUIET_FIELDS = {"updated_at", "created_at", "id", "created_by", "status"}


def _log(campaign, kind, *, actor, now=None, **fields) -> VoucherCampaignLog:
    if now is not None:
        fields["at"] = now
    return event_record(VoucherCampaignLog, subject=campaign, kind=kind, actor=actor, **fields)


def check_in_scope(actor, campaign, action: str = "change") -> None:
    """A campaign the actor may not ``action`` (a county officer and a campaign not covering
    their county) is refused, whoever calls (page, API, command)."""
    if actor is None:
        return
    require(actor, VoucherCampaign, action)
    if not VoucherCampaign.objects.restrict(actor, action).filter(pk=campaign.pk).exists():
        raise PermissionDenied("该消费券活动不在您可修改的数据范围内。")


def _check_counties(actor, counties) -> None:
    if not counties:
        raise ValidationError({"counties": "请至少选择一个覆盖的县(市、区)。"})
    region = getattr(actor, "region", None)
    if actor is not None and region is not None and region.level == "county":
        if region.pk not in {c.pk for c in counties}:
            raise ValidationError({"counties": f"县级用户登记的活动须覆盖本县(市、区)“{region}”。"})


def voucher_campaign_create(
    *, actor, counties=(), now: datetime.datetime | None = None, **fields
) -> VoucherCampaign:
    """A new campaign in status 筹备."""
    require(actor, VoucherCampaign, "add")
    if "status" in fields:
        raise ValidationError({"status": "状态请在活动登记后用“状态推进”修改。"})
    counties = list(counties)
    _check_counties(actor, counties)
    campaign = VoucherCampaign(
        **fields,
        status=CampaignStatus.PLANNED,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    campaign.full_clean()
    with transaction.atomic():
        campaign.save()
        campaign.counties.set(counties)
        _log(
            campaign,
            CampaignLogKind.CREATED,
            actor=actor,
            now=now,
            to_status=campaign.status,
            note="活动登记",
        )
    return campaign


def voucher_campaign_update(
    *, campaign: VoucherCampaign, actor, counties=None, **fields
) -> VoucherCampaign:
    """Edit the record (name, funder, budget, platform, period, counties, unit, note)."""
    if "status" in fields:
        raise ValidationError({"status": "状态请用“状态推进”修改。"})
    check_in_scope(actor, campaign)
    before = snapshot(campaign)
    for key, value in fields.items():
        setattr(campaign, key, value)
    campaign.full_clean()
    after = snapshot(campaign)
    changed = sorted(k for k in after if k not in QUIET_FIELDS and before.get(k) != after.get(k))
    with transaction.atomic():
        campaign.save()
        counties_changed = False
        if counties is not None:
            counties = list(counties)
            _check_counties(actor, counties)
            old = set(campaign.counties.values_list("pk", flat=True))
            if old != {c.pk for c in counties}:
                campaign.counties.set(counties)
                counties_changed = True
        if changed or counties_changed:
            labels = [str(VoucherCampaign._meta.get_field(k).verbose_name) for k in changed]
            _log(
                campaign,
                CampaignLogKind.UPDATED,
                actor=actor,
                note="修改："
                + "、".join(labels + (["覆盖县(市、区)"] if counties_changed else [])),
            )
    return campaign


def voucher_campaign_move(
    *, campaign: VoucherCampaign, to_status: str, actor, note: str = "", now=None
) -> VoucherCampaign:
    """One step of 筹备 → 发放中 → 已结束; a conditional UPDATE claims the move."""
    check_in_scope(actor, campaign)
    now = now or timezone.now()
    current = CampaignStatus(campaign.status)
    try:
        target = CampaignStatus(to_status)
    except ValueError:
        raise ValidationError({"to_status": f"“{to_status}”不是活动状态。"}) from None
    step = NEXT_STATUS.get(current)
    if target != step:
        if step is None:
            message = f"活动已是“{current.label}”，不能再改为“{target.label}”。"
        else:
            message = (
                f"活动状态须按 筹备 → 发放中 → 已结束 依次推进：当前为“{current.label}”，"
                f"下一步只能是“{step.label}”。"
            )
        raise ValidationError({"to_status": message})
    with transaction.atomic():
        claimed = VoucherCampaign.objects.filter(pk=campaign.pk, status=current).update(
            status=target, updated_at=now
        )
        if not claimed:
            raise ValidationError({"to_status": "活动状态刚被他人修改，请刷新页面后重试。"})
        _log(
            campaign,
            CampaignLogKind.MOVED,
            actor=actor,
            now=now,
            from_status=current,
            to_status=target,
            note=note,
        )
        audit_write(
            action=AuditAction.UPDATE,
            obj=campaign,
            actor=actor,
            changes={"before": {"status": current.value}, "after": {"status": target.value}},
            detail=f"消费券活动状态：{current.label} → {target.label}",
        )
    campaign.status, campaign.updated_at = target, now
    return campaign


def voucher_batch_add(*, campaign: VoucherCampaign, actor, **fields) -> VoucherBatch:
    """A batch of the campaign (面额, 门槛, quantity, industry), named as the exports name it."""
    check_in_scope(actor, campaign)
    batch = VoucherBatch(campaign=campaign, **fields)
    batch.full_clean()
    with transaction.atomic():
        batch.save()
        _log(
            campaign,
            CampaignLogKind.BATCH,
            actor=actor,
            note=f"新增券批次“{batch.name}”：{batch.rule}，{batch.quantity} 张",
        )
    return batch
