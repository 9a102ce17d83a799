"""Read-side queries of designations other apps use: the registry's 老字号, derived from the
designations (no longer a hand-set tag), and an enterprise's designations for its page."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone

from shangwu.designations.models import Designation, DesignationKind


def designation_tag_codes() -> set[str]:
    """The registry tag codes a designation kind stands for (中华老字号, 省级老字号…): such a tag
    is derived from the current designations, never set by hand."""
    return set(DesignationKind.objects.exclude(tag_code="").values_list("tag_code", flat=True))


def enterprise_ids_with_designation_tag(code: str, *, on: datetime.date | None = None):
    """The enterprises holding, on ``on`` (today), a current designation of the kinds behind the
    registry tag ``code`` (a subquery of ids)."""
    return (
        Designation.objects.current(on or timezone.localdate())
        .filter(kind__tag_code=code, enterprise__isnull=False)
        .values("enterprise_id")
    )


def designation_list_for_enterprise(*, user, enterprise):
    """The enterprise's designations the user may see (its own and its stores'), newest first."""
    return (
        Designation.objects.restrict(user, "view")
        .filter(Q(enterprise=enterprise))
        .select_related("kind")
        .order_by("-awarded_on", "-cultivation_on", "-id")
    )


def designation_tags_of(designations, *, on: datetime.date | None = None) -> list[str]:
    """The registry tags an enterprise's designations (already read) give it on ``on`` (today),
    as the page shows them: “中华老字号（2019-05-01认定）”."""
    on = on or timezone.localdate()
    held = sorted(
        (d for d in designations if d.kind.tag_code and d.is_current(on)),
        key=lambda d: d.awarded_on,
    )
    return [f"{d.kind.name}（{d.awarded_on:%Y-%m-%d}认定）" for d in held]
