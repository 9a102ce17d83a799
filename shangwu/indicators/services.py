"""Writes of the indicators module: targets, monthly values (entry, import, correction) and the
figures the platform computes itself. Each function is one transaction; a changed monthly value
always leaves an ``IndicatorValueRevision`` (old and new values, who, when, why)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from shangwu.core.access import permits_row, require
from shangwu.indicators.choices import Arrival, ProposalStatus, ValueSource
from shangwu.indicators.models import (
    Indicator,
    IndicatorTarget,
    IndicatorTargetProposal,
    IndicatorTargetVersion,
    IndicatorValue,
    IndicatorValueRevision,
)
from shangwu.indicators.selectors import add_months, computed_month_counts, region_list_bulletin

VALUE_FIELDS = ("month_value", "cumulative_value", "prev_month_value", "prev_cumulative_value")
IMPORT_REASON = "导入更正"
COMPUTE_REASON = "平台重新计算"


def check_region_writable(*, actor, region) -> None:
    """The actor may write ``region``'s figures (``IndicatorValue.scope``: a county officer their
    own county's rows only, the city total being the city's); else a message naming both."""
    require(actor, IndicatorValue, "change")
    if not permits_row(actor, IndicatorValue, "change", region=region):
        raise ValidationError(
            f"您只能填报{actor.region.county.name}的数据，不能填报{region.name}。"
        )


TARGET_FIRST_REASON = "下达年度目标"


def _next_version_number(year: int) -> int:
    last = (
        IndicatorTargetVersion.objects.select_for_update()
        .filter(year=year)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return (last or 0) + 1


def target_set(
    *,
    indicator: Indicator,
    year: int,
    region,
    value: Decimal,
    actor,
    note: str = "",
    reason: str = "",
) -> IndicatorTarget:
    """Create or change one annual target (任务分解); each change is a new version of the year's
    targets, with who, when and why. A change of an existing figure needs a reason."""
    return target_set_many(
        year=year, rows=[(indicator, region, value, note)], actor=actor, reason=reason
    )[0]


def target_set_many(*, year: int, rows, actor, reason: str = "") -> list[IndicatorTarget]:
    """Set several annual targets of ``year`` as one act (下达年度目标, or one adjustment document):
    ``rows`` are (indicator, region, value, note). Every target that changes is written with the
    SAME new version number, so a year whose targets were issued once reads "第1版", and each
    later adjustment is the next version. All or nothing: one bad row refuses the whole batch."""
    require(actor, IndicatorTarget, "target")  # the city's (IndicatorTarget.scope)
    reason = (reason or "").strip()
    for indicator, region, value, _note in rows:
        if value is None or value < 0:
            raise ValidationError(
                {"value": f"{region.name}{indicator.name}：年度目标须为不小于0的数。"}
            )
    written = []
    with transaction.atomic():
        number = None
        for indicator, region, value, note in rows:
            target = (
                IndicatorTarget.objects.select_for_update()
                .filter(indicator=indicator, year=year, region=region)
                .first()
            )
            old = target.value if target is not None else None
            if target is not None and _same(old, value):
                if target.note != note:
                    target.note, target.updated_by = note, actor
                    target.save()
                written.append(target)
                continue
            if target is not None and not reason:
                raise ValidationError(
                    {
                        "reason": f"{region.name}{year}年{indicator.name}目标已下达，"
                        "调整须填写调整原因。"
                    }
                )
            if target is None:
                target = IndicatorTarget.objects.create(
                    indicator=indicator,
                    year=year,
                    region=region,
                    value=value,
                    note=note,
                    updated_by=actor,
                )
            else:
                target.value, target.note, target.updated_by = value, note, actor
                target.save()
            if number is None:
                number = _next_version_number(year)
            target.version = IndicatorTargetVersion.objects.create(
                year=year,
                number=number,
                indicator=indicator,
                region=region,
                old_value=old,
                value=value,
                reason=reason or TARGET_FIRST_REASON,
                actor=actor,
            )
            written.append(target)
    return written


def target_propose(
    *, indicator: Indicator, year: int, region, value: Decimal, reason: str, actor
) -> IndicatorTargetProposal:
    """A county officer proposes a change of their own county's target, with a reason."""
    require(actor, IndicatorTargetProposal, "add")  # a county's (IndicatorTargetProposal.scope)
    if not permits_row(actor, IndicatorTargetProposal, "add", region=region):
        raise PermissionDenied(f"只能对{actor.region.county.name}的年度目标提出调整申请。")
    if value is None or value < 0:
        raise ValidationError({"value": "建议目标须为不小于0的数。"})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "提出目标调整申请须填写调整理由。"})
    with transaction.atomic():
        if IndicatorTargetProposal.objects.filter(
            indicator=indicator, year=year, region=region, status=ProposalStatus.PENDING
        ).exists():
            raise ValidationError(
                f"{region.name}{year}年{indicator.name}已有待审核的调整申请，请等待市局审核。"
            )
        current = (
            IndicatorTarget.objects.filter(indicator=indicator, year=year, region=region)
            .values_list("value", flat=True)
            .first()
        )
        return IndicatorTargetProposal.objects.create(
            indicator=indicator,
            year=year,
            region=region,
            current_value=current,
            value=value,
            reason=reason,
            proposed_by=actor,
        )


def target_proposal_decide(
    *, proposal: IndicatorTargetProposal, approve: bool, reason: str = "", actor
) -> IndicatorTargetProposal:
    """City staff approve (the proposed figure becomes a new target version) or refuse (with a
    reason) a county's proposal."""
    require(actor, IndicatorTarget, "target")  # the city's (IndicatorTarget.scope)
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationError({"reason": "退回调整申请须填写理由。"})
    with transaction.atomic():
        proposal = IndicatorTargetProposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.status != ProposalStatus.PENDING:
            raise ValidationError(f"该申请已{proposal.get_status_display()}，不能再次审核。")
        if approve:
            who = proposal.proposed_by.name if proposal.proposed_by else "县（市、区）"
            note = f"批准{proposal.region.name}{who}的调整申请：{proposal.reason}"
            if reason:
                note += f"（审核意见：{reason}）"
            target = target_set(
                indicator=proposal.indicator,
                year=proposal.year,
                region=proposal.region,
                value=proposal.value,
                actor=actor,
                note=IndicatorTarget.objects.filter(
                    indicator=proposal.indicator, year=proposal.year, region=proposal.region
                )
                .values_list("note", flat=True)
                .first()
                or "",
                reason=note[:300],
            )
            proposal.version = getattr(target, "version", None)
        proposal.status = ProposalStatus.APPROVED if approve else ProposalStatus.REFUSED
        proposal.decided_by, proposal.decided_at = actor, timezone.now()
        proposal.decision_reason = reason
        proposal.save()
    return proposal


@dataclass
class ValueInput:
    """One region's figures for one indicator and month, as entered or read from a file."""

    indicator: Indicator
    region: object
    month_value: Decimal | None = None
    cumulative_value: Decimal | None = None
    prev_month_value: Decimal | None = None
    prev_cumulative_value: Decimal | None = None


def _row(indicator, region, month) -> IndicatorValue | None:
    """The one row of (indicator, region, month), if any (unique: no ordering, so no joins)."""
    return (
        IndicatorValue.objects.filter(indicator=indicator, region=region, month=month)
        .order_by()
        .first()
    )


def _previous_row(indicator, region, month) -> IndicatorValue | None:
    if month.month == 1:
        return None
    return _row(indicator, region, add_months(month, -1))


def _derive(
    indicator: Indicator, month: datetime.date, data: dict, previous: IndicatorValue | None
) -> dict:
    """The figure that did not arrive is derived: 累计 = last month's 累计 + 本月, or
    本月 = 累计 − last month's 累计 (January: the two are equal). Unknown stays unknown."""
    data = dict(data)
    for current, cumulative in (
        ("month_value", "cumulative_value"),
        ("prev_month_value", "prev_cumulative_value"),
    ):
        m, c = data.get(current), data.get(cumulative)
        if month.month == 1:
            if m is None and c is not None:
                data[current] = c
            elif c is None and m is not None:
                data[cumulative] = m
            continue
        before_c = getattr(previous, cumulative) if previous is not None else None
        if c is None and m is not None and before_c is not None:
            data[cumulative] = before_c + m
        elif m is None and c is not None and before_c is not None:
            data[current] = c - before_c
    return data


def _rederive_following(indicator, changed_row: IndicatorValue) -> None:
    """After a change of ``changed_row`` (as saved), later months of the same year whose derived
    figure depends on it."""
    month = changed_row.month
    rows = list(
        IndicatorValue.objects.filter(
            indicator=indicator,
            region_id=changed_row.region_id,
            month__gt=month,
            month__lt=datetime.date(month.year + 1, 1, 1),  # the same year, by the index
        ).order_by("month")
    )
    previous = changed_row
    for row in rows:
        if previous is None or previous.month != add_months(row.month, -1):
            break
        changed = []
        if indicator.arrival == Arrival.MONTH:
            pairs = (
                ("month_value", "cumulative_value"),
                ("prev_month_value", "prev_cumulative_value"),
            )
            for m, c in pairs:
                if getattr(row, m) is not None and getattr(previous, c) is not None:
                    new = getattr(previous, c) + getattr(row, m)
                    if getattr(row, c) != new:
                        setattr(row, c, new)
                        changed.append(c)
        else:
            pairs = (
                ("month_value", "cumulative_value"),
                ("prev_month_value", "prev_cumulative_value"),
            )
            for m, c in pairs:
                if getattr(row, c) is not None and getattr(previous, c) is not None:
                    new = getattr(row, c) - getattr(previous, c)
                    if getattr(row, m) != new:
                        setattr(row, m, new)
                        changed.append(m)
        if changed:
            row.save(update_fields=[*changed, "updated_at"])
        previous = row


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return Decimal(a) == Decimal(b)


def _write(*, item: ValueInput, month: datetime.date, source: str, reason: str, actor) -> str:
    """Create, correct or leave one row; returns "created", "changed" or "unchanged"."""
    indicator, region = item.indicator, item.region
    given = {f: getattr(item, f) for f in VALUE_FIELDS}
    existing = (
        IndicatorValue.objects.select_for_update()
        .filter(indicator=indicator, region=region, month=month)
        .order_by()
        .first()
    )
    if existing is not None:
        # A figure not given keeps its stored value (a file with an empty cell deletes nothing).
        for f in VALUE_FIELDS:
            if given[f] is None:
                given[f] = getattr(existing, f)
        # What the user gave wins; only the counterpart of a changed figure is derived again.
        if (
            not _same(item.cumulative_value, existing.cumulative_value)
            and item.cumulative_value is not None
            and item.month_value is None
        ):
            given["month_value"] = None
        if (
            not _same(item.month_value, existing.month_value)
            and item.month_value is not None
            and item.cumulative_value is None
        ):
            given["cumulative_value"] = None
    data = _derive(indicator, month, given, _previous_row(indicator, region, month))
    if existing is None:
        created = IndicatorValue.objects.create(
            indicator=indicator, region=region, month=month, source=source, updated_by=actor, **data
        )
        _rederive_following(indicator, created)
        return "created"
    if all(_same(getattr(existing, f), data[f]) for f in VALUE_FIELDS):
        return "unchanged"
    if not (reason or "").strip():
        raise ValidationError(
            {
                "reason": f"{region.name}{indicator.name}{month.year}年{month.month}月已有数据，"
                "更正须填写更正原因。"
            }
        )
    IndicatorValueRevision.objects.create(
        value=existing,
        reason=reason.strip(),
        actor=actor,
        **{f"old_{f}": getattr(existing, f) for f in VALUE_FIELDS},
        **{f"new_{f}": data[f] for f in VALUE_FIELDS},
    )
    for f in VALUE_FIELDS:
        setattr(existing, f, data[f])
    existing.source, existing.updated_by = source, actor
    existing.save()
    _rederive_following(indicator, existing)
    return "changed"


def _check_entered(item: ValueInput) -> None:
    if item.indicator.is_computed:
        raise ValidationError(
            f"“{item.indicator.name}”由平台根据{item.indicator.get_computation_display()}"
            "自动计算，不能手工填报。"
        )


def value_save(*, item: ValueInput, month: datetime.date, reason: str = "", actor) -> str:
    """Enter or correct one region's figures for one indicator and month (entry form / API).
    A correction of existing figures needs ``reason`` and writes a revision."""
    _check_entered(item)
    check_region_writable(actor=actor, region=item.region)
    with transaction.atomic():
        return _write(
            item=item,
            month=month.replace(day=1),
            source=ValueSource.ENTERED,
            reason=reason,
            actor=actor,
        )


def values_import(*, items: list[ValueInput], month: datetime.date, actor) -> dict[str, int]:
    """Write a whole import in one transaction (all or nothing). Importing the same file twice
    changes nothing; a changed figure is a correction with the reason "导入更正". The file's
    IMPORT row is the import contract's (``imports.ValueImporter``)."""
    counts = {"created": 0, "changed": 0, "unchanged": 0}
    with transaction.atomic():
        for item in items:
            _check_entered(item)
            check_region_writable(actor=actor, region=item.region)
            counts[
                _write(
                    item=item,
                    month=month.replace(day=1),
                    source=ValueSource.IMPORTED,
                    reason=IMPORT_REASON,
                    actor=actor,
                )
            ] += 1
    return counts


def values_compute(*, month: datetime.date, actor=None, indicators=None) -> dict[str, int]:
    """Count the computed indicators for ``month`` from the enterprise registry and the project
    module: every county (zero when nothing happened) and the city total. Idempotent; a changed
    count is recorded as a correction "平台重新计算"."""
    require(actor, IndicatorValue, "compute")  # the city's (IndicatorValue.scope)
    month = month.replace(day=1)
    city, counties = region_list_bulletin()
    if indicators is None:
        indicators = Indicator.objects.filter(is_active=True).exclude(computation="")
    counts = {"created": 0, "changed": 0, "unchanged": 0}
    with transaction.atomic():
        for indicator in indicators:
            per_county = computed_month_counts(indicator=indicator, month=month)
            total = Decimal(0)
            for county in counties:
                value = per_county.get(county.pk, Decimal(0))
                total += value
                counts[
                    _write(
                        item=ValueInput(indicator=indicator, region=county, month_value=value),
                        month=month,
                        source=ValueSource.COMPUTED,
                        reason=COMPUTE_REASON,
                        actor=actor,
                    )
                ] += 1
            if city is not None:
                counts[
                    _write(
                        item=ValueInput(indicator=indicator, region=city, month_value=total),
                        month=month,
                        source=ValueSource.COMPUTED,
                        reason=COMPUTE_REASON,
                        actor=actor,
                    )
                ] += 1
    return counts


@dataclass
class GridCell:
    """One row of a posted grid: its label for messages and what was typed."""

    label: str
    item: ValueInput


def values_grid_save(
    *, cells: list[GridCell], month: datetime.date, reason: str = "", actor
) -> dict[str, int]:
    """Save a whole entry grid in one transaction through the value rules (derivation,
    corrections with a reason and a revision). Any refused cell refuses the whole grid; the
    message names every refused cell."""
    month = month.replace(day=1)
    counts = {"created": 0, "changed": 0, "unchanged": 0}
    errors: list[str] = []
    with transaction.atomic():
        for cell in cells:
            try:
                _check_entered(cell.item)
                check_region_writable(actor=actor, region=cell.item.region)
                result = _write(
                    item=cell.item,
                    month=month,
                    source=ValueSource.ENTERED,
                    reason=reason,
                    actor=actor,
                )
            except ValidationError as exc:
                text = "；".join(exc.messages)
                if "更正须填写更正原因" in text:
                    text = "已有数据，更正须填写更正原因"
                errors.append(f"{cell.label}：{text}")
                continue
            counts[result] += 1
        if errors:
            raise ValidationError(errors)
    return counts
