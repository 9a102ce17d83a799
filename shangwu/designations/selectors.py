"""Read-side queries of designations other apps use: the registry's 老字号, derived from the
designations (no longer a hand-set tag), an enterprise's designations for its page and a
region's for the region page."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.urls import reverse
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


def designation_tags_by_enterprise(
    enterprise_ids=None, *, on: datetime.date | None = None
) -> dict[int, list[str]]:
    """The registry tags (the kinds' names: 中华老字号, 省级老字号…) the current designations give
    each enterprise of ``enterprise_ids`` (every enterprise when None) on ``on`` (today), oldest
    award first, in one query: the registry list's 标签 column and its export, beside the stored
    tags. The same designations the tag filter (``enterprise_ids_with_designation_tag``) reads."""
    qs = (
        Designation.objects.current(on or timezone.localdate())
        .filter(enterprise__isnull=False)
        .exclude(kind__tag_code="")
    )
    if enterprise_ids is not None:
        qs = qs.filter(enterprise_id__in=list(enterprise_ids))
    found: dict[int, list[str]] = {}
    for enterprise_id, name in qs.order_by("awarded_on", "pk").values_list(
        "enterprise_id", "kind__name"
    ):
        names = found.setdefault(enterprise_id, [])
        if name not in names:
            names.append(name)
    return found


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


# The region page lists this many of the region's current designations; the rest are one click
# away in the filtered list.
REGION_PAGE_ROWS = 20


def designations_for_region(*, user, region, on: datetime.date | None = None) -> dict | None:
    """The region page's 荣誉认定 panel: the current designations (on ``on``, today) held in
    ``region`` and everywhere below it that ``user`` may see, grouped by region, newest award
    first, at most ``REGION_PAGE_ROWS`` rows, with their number and the filtered list's URL; None
    for a user who may see no designation at all (the 系统管理员 reads regions, not business data).

    The city's: a roll-up of the whole city: what the city itself holds (市本级) and every
    county's (its townships' included), one group per county. A county's: what it holds itself
    (本级: no township) and each township's, one group per township. A township's: what is held
    there. Scope as everywhere (``restrict``): a county officer on the city's page sees only its
    own county's group, on another county's page nothing; a township officer only its township's.
    Each group's number links to the list holding exactly its rows.
    """
    from django.db.models import Count

    from shangwu.core.access import permits
    from shangwu.organization.choices import RegionLevel
    from shangwu.organization.models import Region

    if not permits(user, Designation, "view"):
        return None
    on = on or timezone.localdate()
    held = Designation.objects.restrict(user, "view").current(on)
    base = reverse("designations:designation_list")
    groups = []
    if region.level == RegionLevel.TOWNSHIP:
        held = held.filter(township=region)
        params = f"county={region.parent_id}&township={region.pk}"
    elif region.level == RegionLevel.COUNTY:
        held, params = held.filter(county=region), f"county={region.pk}"
        counts = {
            r["township"]: r["n"]
            for r in held.values("township").annotate(n=Count("pk")).order_by()
        }
        if counts.get(None):
            groups.append(
                (f"{region.name}本级", counts[None], f"{base}?{params}&township=null&current=true")
            )
        for township in Region.objects.filter(pk__in=[k for k in counts if k]).order_by("code"):
            groups.append(
                (
                    township.name,
                    counts[township.pk],
                    f"{base}?{params}&township={township.pk}&current=true",
                )
            )
    else:
        params = ""
        counts = {
            r["county"]: r["n"] for r in held.values("county").annotate(n=Count("pk")).order_by()
        }
        if counts.get(None):
            groups.append(("市本级", counts[None], f"{base}?county=null&current=true"))
        for county in Region.objects.filter(pk__in=[k for k in counts if k]).order_by("code"):
            groups.append(
                (county.name, counts[county.pk], f"{base}?county={county.pk}&current=true")
            )
    rows = list(
        held.select_related("kind", "enterprise", "county", "township").order_by(
            "-awarded_on", "-id"
        )[: REGION_PAGE_ROWS + 1]
    )
    if groups:
        total = sum(g[1] for g in groups)
    else:
        total = len(rows) if len(rows) <= REGION_PAGE_ROWS else held.count()
    query = f"{params}&current=true" if params else "current=true"
    return {
        "rows": rows[:REGION_PAGE_ROWS],
        "total": total,
        "groups": [{"name": n, "count": c, "url": u} for n, c, u in groups],
        "list_url": f"{base}?{query}",
    }
