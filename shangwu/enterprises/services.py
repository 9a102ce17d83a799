"""Enterprise registry services: every write goes through here."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from pypinyin import Style, lazy_pinyin

from shangwu.enterprises.models import Enterprise
from shangwu.enterprises.validators import normalize_credit_code
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


def _check_places(enterprise: Enterprise) -> None:
    if enterprise.township_id and enterprise.township.parent_id != enterprise.county_id:
        raise ValidationError({"township": f"乡镇“{enterprise.township}”不属于“{enterprise.county}”。"})


def enterprise_create(*, actor, tags=(), **fields) -> Enterprise:
    fields["credit_code"] = normalize_credit_code(fields.get("credit_code", ""))
    if not fields.get("county") and fields["credit_code"]:
        fields["county"] = county_for_credit_code(fields["credit_code"])
    enterprise = Enterprise(**fields)
    enterprise.name_pinyin, enterprise.name_initials = name_pinyin(enterprise.name)
    enterprise.full_clean()
    _check_places(enterprise)
    with transaction.atomic():
        enterprise.save()
        for tag in tags:
            enterprise.tag_links.create(tag=tag)
    return enterprise


def enterprise_update(*, enterprise: Enterprise, actor, **fields) -> Enterprise:
    for key, value in fields.items():
        setattr(enterprise, key, value)
    enterprise.credit_code = normalize_credit_code(enterprise.credit_code)
    enterprise.name_pinyin, enterprise.name_initials = name_pinyin(enterprise.name)
    enterprise.full_clean()
    _check_places(enterprise)
    with transaction.atomic():
        enterprise.save()
    return enterprise
