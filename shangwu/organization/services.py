"""Regions and org units. Most edits are plain configuration saved at once (and audited by the
signal handlers); the two that re-scope people — an org unit moved to another region, a region
given another parent (or level) — are change requests the 安全管理员 must approve (三权分立)."""

from __future__ import annotations

from django.db import transaction

from shangwu.accounts.choices import ChangeKind
from shangwu.accounts.services import change_line, change_request_submit
from shangwu.core.services import model_update
from shangwu.organization.models import OrgUnit, Region

ORGUNIT_APPROVED_FIELDS = ("region",)
REGION_APPROVED_FIELDS = ("parent", "level")
# A township that moves to another county takes a code under that county's: the new code
# belongs to the same request (saved alone it would not fit the old parent).
REGION_COMPANION_FIELDS = ("code",)


def _update(
    *,
    model,
    obj,
    data: dict,
    approved: tuple[str, ...],
    kind: str,
    actor,
    note: str,
    companions: tuple[str, ...] = (),
):
    """Save ``data`` on ``obj``: fields in ``approved`` that change become one request (with the
    ``companions`` that change alongside them), the rest apply now. Returns the saved object (as
    it now is) and the request, if any."""
    with transaction.atomic():
        current = model.objects.select_for_update().get(pk=obj.pk)
        gated = []
        for name in approved:
            if name in data:
                old = getattr(current, model._meta.get_field(name).attname)
                new = getattr(data[name], "pk", data[name])
                if old != new:
                    gated.append(change_line(model, name, old, new))
        if gated:
            approved = approved + companions
            for name in companions:
                if name in data and data[name] != getattr(current, name):
                    gated.append(change_line(model, name, getattr(current, name), data[name]))
        if gated:  # refuse now what approval would refuse (a county bureau under a township)
            proposed = model._base_manager.get(pk=current.pk)
            for name, value in data.items():
                setattr(proposed, name, value)
            proposed.full_clean()
        model_update(
            instance=current, data=data, fields=[name for name in data if name not in approved]
        )
        request = (
            change_request_submit(kind=kind, actor=actor, changes=gated, target=current, note=note)
            if gated
            else None
        )
    return current, request


def orgunit_update(*, unit: OrgUnit, data: dict, actor, note: str = ""):
    """Edit an org unit; moving it to another region (which re-scopes all its people) waits for
    the 安全管理员's approval."""
    return _update(
        model=OrgUnit,
        obj=unit,
        data=data,
        approved=ORGUNIT_APPROVED_FIELDS,
        kind=ChangeKind.ORGUNIT_MOVE,
        actor=actor,
        note=note,
    )


def region_update(*, region: Region, data: dict, actor, note: str = ""):
    """Edit a region; another parent or level waits for the 安全管理员's approval."""
    return _update(
        model=Region,
        obj=region,
        data=data,
        approved=REGION_APPROVED_FIELDS,
        companions=REGION_COMPANION_FIELDS,
        kind=ChangeKind.REGION_MOVE,
        actor=actor,
        note=note,
    )
