from decimal import Decimal
from urllib.parse import urlencode

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from shangwu.accounts.choices import ROLE_LEVEL
from shangwu.accounts.models import User
from shangwu.core.access import Access, can
from shangwu.core.numbers import percent
from shangwu.enterprises.choices import EnterpriseStatus, ProblemStatus
from shangwu.enterprises.models import Assignment, Contact, Enterprise, Tag, Visit, VisitProblem
from shangwu.organization.choices import RegionLevel
from shangwu.organization.models import Region

# The order of a change's lines: the record's fields as the form shows them, then its tags.
_CHANGE_ORDER = {
    name: i for i, name in enumerate([f.name for f in Enterprise._meta.concrete_fields] + ["tags"])
}


def enterprise_timeline(*, enterprise, limit: int = 100) -> list:
    """The detail page's 企业动态, newest first. Each event gets ``change_rows``: (field label,
    before, after) for each changed field, in words (region names, choice labels, 是/否, amounts
    as stored); the regions named are read in one query for the whole page."""
    events = list(enterprise.events.select_related("actor")[:limit])
    changes = [
        ((e.changes or {}).get("before") or {}, (e.changes or {}).get("after") or {})
        for e in events
    ]
    region_ids = {
        v
        for pair in changes
        for part in pair
        for k, v in part.items()
        if k in ("county", "township") and v
    }
    names = (
        dict(Region.objects.filter(pk__in=region_ids).values_list("pk", "name"))
        if region_ids
        else {}
    )
    for event, (before, after) in zip(events, changes, strict=True):
        event.change_rows = change_lines(before, after, names)
    return events


def change_lines(before: dict, after: dict, region_names: dict) -> list[tuple[str, str, str]]:
    """(field label, before, after) in words for each field of an enterprise's change, in the
    order of the form: the timeline's lines and the import preview's."""
    keys = sorted(
        dict.fromkeys([*before, *after]), key=lambda k: _CHANGE_ORDER.get(k, len(_CHANGE_ORDER))
    )
    return [
        (
            _change_label(k),
            _change_text(k, before.get(k), region_names),
            _change_text(k, after.get(k), region_names),
        )
        for k in keys
    ]


def _change_label(key: str) -> str:
    if key == "tags":
        return "标签"
    try:
        return str(Enterprise._meta.get_field(key).verbose_name)
    except FieldDoesNotExist:
        return key


def _change_text(key: str, value, region_names: dict) -> str:
    """A value of an enterprise's snapshot as the page shows it."""
    if value is None or value == "" or value == []:
        return "（空）"
    if key in ("county", "township"):
        return region_names.get(value, str(value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(map(str, value))
    try:
        field = Enterprise._meta.get_field(key)
    except FieldDoesNotExist:
        return str(value)
    if isinstance(field, models.DecimalField):  # as stored: 250.5 was saved as 250.50
        return f"{Decimal(str(value)):.{field.decimal_places}f}"
    return str(dict(field.flatchoices).get(value, value)) if field.choices else str(value)


def enterprise_dashboard_panel(*, user) -> dict:
    from shangwu.core import figures as registry

    today = timezone.localdate()
    data = registry.compute_many(
        ["enterprises.active", "enterprises.key"], user=user, date_from=today, date_to=today
    )
    return {
        "title": "企业库",
        "icon": "buildings",
        "figures": [
            registry.panel_cell(data["enterprises.active"], label="存续企业"),
            registry.panel_cell(data["enterprises.key"], label="重点企业"),
        ],
    }


# --- Enterprise service (服务企业): officials, 包保 coverage, the detail page's service panels ----


def _business_roles():
    return list(ROLE_LEVEL)


def official_list_visible(*, user):
    """Officials a user may pick on a visit or filter by: the city's, and those of the user's own
    area (never a sibling county's people)."""
    qs = User.objects.filter(is_active=True, role__in=_business_roles()).select_related(
        "org_unit__region"
    )
    qs = qs.order_by("org_unit__region__code", "name", "id")
    if user is None:
        return qs
    region = getattr(user, "region", None)
    if region is None or not can(user, Access.BUSINESS, "view"):
        return qs.none()
    if region.level == RegionLevel.CITY:
        return qs
    county = region.county
    return qs.filter(
        Q(org_unit__region__level=RegionLevel.CITY)
        | Q(org_unit__region=county)
        | Q(org_unit__region__parent=county)
        if region.level == RegionLevel.COUNTY
        else Q(org_unit__region__level=RegionLevel.CITY)
        | Q(org_unit__region=county)
        | Q(org_unit__region=region)
    )


def official_list_assignable(*, user, enterprise=None):
    """Officials ``user`` may make responsible (包保): those of the user's own node and below;
    for one ``enterprise``, only those whose area covers it."""
    qs = official_list_visible(user=user)
    region = getattr(user, "region", None)
    if region is not None and region.level != RegionLevel.CITY:
        qs = qs.exclude(org_unit__region__level=RegionLevel.CITY)
        if region.level == RegionLevel.TOWNSHIP:
            qs = qs.filter(org_unit__region=region)
    if enterprise is not None:
        qs = qs.filter(
            Q(org_unit__region__level=RegionLevel.CITY)
            | Q(org_unit__region=enterprise.county_id)
            | Q(org_unit__region=enterprise.township_id)
        )
    return qs


def _current_assignments(on):
    return Assignment.objects.current(on).filter(enterprise=OuterRef("pk"))


def enterprise_list_for_official(*, user, on=None):
    """我的包保企业: enterprises the user is currently responsible for, with the user's level,
    role and start date, the last visit and the problems still waiting to be converted."""
    on = on or timezone.localdate()
    mine = _current_assignments(on).filter(official=user).order_by("start_on", "id")
    pending = (
        VisitProblem.objects.filter(enterprise=OuterRef("pk"), status=ProblemStatus.PENDING)
        .values("enterprise")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        Enterprise.objects.restrict(user, "view")
        .filter(Exists(mine))
        .select_related("county", "township")
        .annotate(
            my_level=Subquery(mine.values("level")[:1]),
            my_role=Subquery(mine.values("role")[:1]),
            my_since=Subquery(mine.values("start_on")[:1]),
            last_visited_on=Subquery(
                Visit.objects.filter(enterprise=OuterRef("pk"))
                .order_by("-visited_on")
                .values("visited_on")[:1]
            ),
            pending_problems=Coalesce(Subquery(pending, output_field=IntegerField()), 0),
        )
    )


COVERAGE_LEVELS = ("city", "county", "township")


def _coverage_base(*, user, key_only: bool):
    qs = Enterprise.objects.restrict(user, "view").filter(status=EnterpriseStatus.ACTIVE)
    return qs.filter(is_key=True) if key_only else qs


def _coverage_figures(on):
    """total, covered at each level and covered at any level: aggregates over EXISTS subqueries,
    one query per table, whatever the number of enterprises."""
    current = _current_assignments(on)
    figures = {"total": Count("id"), "covered": Count("id", filter=Exists(current))}
    for level in COVERAGE_LEVELS:
        figures[f"at_{level}"] = Count("id", filter=Exists(current.filter(level=level)))
    return figures


def _coverage_row(label, figures, params: dict, *, key=None) -> dict:
    base = reverse("enterprises:enterprise_list")
    total, covered = figures["total"], figures["covered"]

    def link(**extra):
        return f"{base}?{urlencode({**params, **extra})}"

    return {
        "key": key,
        "label": label,
        "total": total,
        "covered": covered,
        "uncovered": total - covered,
        "percent": percent(covered, total),
        **{level: figures[f"at_{level}"] for level in COVERAGE_LEVELS},
        "urls": {
            "total": link(),
            "covered": link(covered="yes"),
            "uncovered": link(covered="no"),
            **{level: link(covered_level=level) for level in COVERAGE_LEVELS},
        },
    }


def coverage_by_county(*, user, on=None, key_only: bool = False) -> dict:
    """包保 coverage per county: 存续 enterprises (key ones only if ``key_only``), how many have a
    current official at city / county / township level and at any level, the coverage %, with
    a link from every number to the enterprise list filtered to exactly those enterprises."""
    on = on or timezone.localdate()
    qs = _coverage_base(user=user, key_only=key_only)
    params = {"status": EnterpriseStatus.ACTIVE, **({"is_key": "true"} if key_only else {})}
    grouped = {
        row["county"]: row
        for row in qs.values("county").annotate(**_coverage_figures(on)).order_by()
    }
    counties = Region.objects.filter(pk__in=grouped).order_by("sort_order", "code")
    rows = [
        _coverage_row(c.name, grouped[c.pk], {**params, "county": c.pk}, key=c.pk) for c in counties
    ]
    total = qs.aggregate(**_coverage_figures(on))
    return {
        "rows": rows,
        "total": _coverage_row("合计", total, params),
        "on": on,
        "key_only": key_only,
    }


def coverage_by_tag(*, user, on=None, key_only: bool = False) -> dict:
    """The same figures per tag (an enterprise with two tags counts under both)."""
    on = on or timezone.localdate()
    qs = _coverage_base(user=user, key_only=key_only)
    params = {"status": EnterpriseStatus.ACTIVE, **({"is_key": "true"} if key_only else {})}
    grouped = {
        row["tag_links__tag"]: row
        for row in qs.filter(tag_links__isnull=False)
        .values("tag_links__tag")
        .annotate(**_coverage_figures(on))
        .order_by()
    }
    tags = Tag.objects.filter(pk__in=grouped).order_by("sort_order", "name")
    rows = [_coverage_row(t.name, grouped[t.pk], {**params, "tag": t.pk}, key=t.pk) for t in tags]
    return {"rows": rows, "on": on, "key_only": key_only}


def coverage_list_uncovered(*, user, on=None, key_only: bool = False):
    """The enterprises with no current official at any level (the report's gap list)."""
    on = on or timezone.localdate()
    return (
        _coverage_base(user=user, key_only=key_only)
        .filter(~Exists(_current_assignments(on)))
        .select_related("county", "township")
    )


def enterprise_service_context(*, user, enterprise, on=None) -> dict:
    """What the enterprise detail page's 联系人 / 包保 / 走访 panels need (the templates
    ``enterprises/includes/contacts.html``, ``assignments.html``, ``visits.html``)."""
    on = on or timezone.localdate()
    contacts = list(Contact.objects.restrict(user, "view").filter(enterprise=enterprise))
    assignments = list(
        Assignment.objects.restrict(user, "view")
        .filter(enterprise=enterprise)
        .select_related("official__org_unit")
        .order_by("level", "-start_on", "-id")
    )
    for assignment in assignments:
        assignment.current = assignment.is_current(on)
    visits_qs = Visit.objects.restrict(user, "view").filter(enterprise=enterprise)
    visits = list(
        visits_qs.annotate(problem_count=Count("problems")).prefetch_related("officials")[:10]
    )
    # Fewer than 10 is the whole set: counted only when the panel is full.
    visit_count = len(visits) if len(visits) < 10 else visits_qs.count()
    return {
        "contacts": contacts,
        "assignments": assignments,
        "current_assignments": [a for a in assignments if a.current],
        "past_assignments": [a for a in assignments if not a.current],
        "visits": visits,
        "visit_count": visit_count,
        "can_reveal": can(user, Access.BUSINESS, "view")
        and user.has_perm("enterprises.reveal_contact"),
        "can_edit_service": can(user, Access.BUSINESS, "change"),
        "can_add_service": can(user, Access.BUSINESS, "add"),
    }


# --- The visit form's pickers ---------------------------------------------------------------------

PICK_LIMIT = 30


def _ids(values) -> list[int]:
    return [int(v) for v in values if str(v).isdigit()][:PICK_LIMIT]


def enterprise_list_pick(
    *, user, q: str = "", selected=(), limit: int = PICK_LIMIT, action: str = "add"
) -> list:
    """The enterprises a form's search box offers ``user``: those in ``restrict(user, action)``
    (the visit form: those ``user`` may record a visit for, ``add``; an event's participants:
    those ``user`` sees, ``view``) matching ``q`` (name, short name, pinyin or its initials,
    credit code: the registry's own search), the chosen one first."""
    from shangwu.enterprises.filtersets import enterprise_search  # filtersets imports this module

    base = Enterprise.objects.restrict(user, action).only("id", "name", "credit_code")
    chosen = list(base.filter(pk__in=_ids(selected)))
    q = (q or "").strip()[:100]
    found = enterprise_search(base, q) if q else base
    found = list(found.exclude(pk__in=[e.pk for e in chosen]).order_by("name_pinyin", "id")[:limit])
    return [*chosen, *found]


def _person_keys(user) -> tuple[str, ...]:
    from shangwu.enterprises.services import name_pinyin

    name = user.name or user.username
    full, initials = name_pinyin(name)
    return name, user.username.lower(), full, initials


def official_list_pick(*, user, q: str = "", selected=(), limit: int = PICK_LIMIT) -> list:
    """The officials the visit form's search box offers: those ``user`` may pick
    (``official_list_visible``) whose name, user name, pinyin or pinyin initials start with (or,
    for Chinese, contain) ``q``, the chosen ones first."""
    people = list(official_list_visible(user=user))
    wanted = set(_ids(selected))
    chosen = [p for p in people if p.pk in wanted]
    q = (q or "").strip().lower().replace(" ", "")[:50]
    found = []
    for person in people:
        if person.pk in wanted:
            continue
        name, username, full, initials = _person_keys(person)
        if (
            not q
            or q in name
            or username.startswith(q)
            or full.startswith(q)
            or initials.startswith(q)
        ):
            found.append(person)
            if len(found) >= limit:
                break
    return [*chosen, *found]
