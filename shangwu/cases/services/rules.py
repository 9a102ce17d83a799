"""Deadline rule sets, edited by the 系统管理员. A rule set some case already uses is never
changed in place: saving it makes a new version, and the cases keep the one they used."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from shangwu.cases.choices import (
    CaseKind,
    CaseSource,
    ClockStart,
    DeadlineNode,
    default_clock_start,
)
from shangwu.cases.models import Case, DeadlineRule, DeadlineRuleSet
from shangwu.core.access import Access, can


def ruleset_save(
    *,
    actor,
    name: str,
    source: str,
    kind: str,
    nodes,
    extendable_to=None,
    note: str = "",
    rule_set: DeadlineRuleSet | None = None,
) -> DeadlineRuleSet:
    if not can(actor, Access.REFERENCE, "change" if rule_set else "add"):
        raise PermissionDenied("只有系统管理员可以修改时限规则。")
    if source not in CaseSource.values or (kind and kind not in CaseKind.values):
        raise ValidationError({"source": "来源或类型无效。"})
    if not any(node == "close" for node, *_ in nodes):
        raise ValidationError({"close_offset": "办结时限必须填写。"})
    # (node, offset, unit, day_kind[, counts_from]); without it, the source's default (12345,
    # 信箱, 人大/政协 from 受理; 13710 from 交办). 回访 always counts from the approval.
    wanted = {}
    for node, offset, unit, day_kind, *rest in nodes:
        counts_from = rest[0] if rest and rest[0] else default_clock_start(source)
        if counts_from not in ClockStart.values:
            raise ValidationError({f"{node}_counts_from": "起算只能是“受理”或“交办”。"})
        if node == DeadlineNode.REVISIT:
            counts_from = ClockStart.ASSIGNED
        wanted[node] = (offset, unit, day_kind, counts_from)
    with transaction.atomic():
        if rule_set is not None:
            if (rule_set.source, rule_set.kind) != (source, kind):
                raise ValidationError({"source": "已有规则不能改变来源和类型；请新建一套规则。"})
            if not rule_set.is_current:
                raise ValidationError("这是历史版本，只能修改现行版本。")
            if Case.objects.filter(rule_set=rule_set).exists():
                # Used: keep it for the cases that used it, and make the next version current.
                rule_set.is_current = False
                rule_set.save(update_fields=["is_current"])
                rule_set = None
        else:
            clash = DeadlineRuleSet.objects.filter(
                source=source, kind=kind, is_current=True
            ).first()
            if clash is not None:
                raise ValidationError({"kind": f"该来源和类型已有现行规则“{clash}”，请编辑它。"})
        if rule_set is None:
            version = (
                DeadlineRuleSet.objects.filter(source=source, kind=kind).aggregate(
                    v=Max("version")
                )["v"]
                or 0
            ) + 1
            rule_set = DeadlineRuleSet(source=source, kind=kind, version=version, is_current=True)
        rule_set.name, rule_set.extendable_to, rule_set.note = (
            name.strip(),
            extendable_to,
            note.strip(),
        )
        rule_set.save()
        for rule in list(rule_set.rules.all()):
            if rule.node not in wanted:
                rule.delete()
                continue
            values = wanted.pop(rule.node)
            if (rule.offset, rule.unit, rule.day_kind, rule.counts_from) != values:
                rule.offset, rule.unit, rule.day_kind, rule.counts_from = values
                rule.save()
        for node, (offset, unit, day_kind, counts_from) in wanted.items():
            DeadlineRule.objects.create(
                rule_set=rule_set,
                node=node,
                offset=offset,
                unit=unit,
                day_kind=day_kind,
                counts_from=counts_from,
            )
    return rule_set
