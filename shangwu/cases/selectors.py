"""Read-side queries of the case module; each starts from ``Case.objects.restrict(user, …)``."""

from __future__ import annotations

from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from shangwu.cases.choices import (
    OPEN_STATUSES,
    CaseOriginKind,
    CaseStatus,
    ExtensionStatus,
    SupervisionLevel,
)
from shangwu.cases.filtersets import QUEUES, queue_q
from shangwu.cases.models import Case, CaseExtension, Notification, SupervisionOrder

URGENT_FIRST = (F("next_deadline_at").asc(nulls_last=True), "id")


def case_list_queue(*, user, queue: str):
    """One 我的待办 group: overdue first, then by deadline."""
    return (
        Case.objects.restrict(user, "view")
        .filter(queue_q(queue, user))
        .select_related("lead_unit")
        .order_by(*URGENT_FIRST)
    )


def case_list_unit_queue(*, user):
    """The open cases the user's unit leads (单位待办), most urgent first."""
    return (
        Case.objects.restrict(user, "view")
        .filter(lead_unit_id=user.org_unit_id, status__in=OPEN_STATUSES)
        .select_related("category", "county", "lead_unit")
        .order_by(*URGENT_FIRST)
    )


def case_list_for_enterprise(*, user, enterprise):
    """The enterprise page's list of its cases (in the user's scope)."""
    return (
        Case.objects.restrict(user, "view")
        .filter(enterprise=enterprise)
        .select_related("category", "lead_unit")
        .order_by("-received_at", "-id")
    )


def case_list_merged_into(*, user, case):
    """The duplicates merged into ``case`` that ``user`` may see, with only what the case page
    shows of them (number, title, link). Read through the partial index ``case_merged_into_idx``
    on SQLite and PostgreSQL alike (``tests/test_merged_index.py``: at 1,000,000 cases a plan on
    the received-date index took seconds)."""
    return case.merged_cases.restrict(user, "view").only("number", "title")


def extension_list_pending(*, user):
    """延期/挂起申请 waiting for the user's unit (as assigning unit). Read from the (few) pending
    requests, each checked against the case's scope."""
    from django.db.models import Exists, OuterRef

    cases = Case.objects.restrict(user, "view").filter(
        pk=OuterRef("case_id"), assigning_unit_id=user.org_unit_id
    )
    return (
        CaseExtension.objects.filter(status=ExtensionStatus.PENDING)
        .filter(Exists(cases))
        .select_related("case")
        .order_by("requested_at")
    )


def supervision_list_visible(*, user, include_resolved: bool = False):
    """督办单 and 挂牌督办 on cases in the user's scope (the leaders' view)."""
    qs = SupervisionOrder.objects.filter(
        case__in=Case.objects.restrict(user, "view"), level__gte=SupervisionLevel.SUPERVISE
    )
    if not include_resolved:
        qs = qs.filter(resolved_at__isnull=True)
    return qs.select_related("case", "addressed_to", "issued_by").order_by(
        "-level", "-issued_at", "-id"
    )


# The 我的待办 queue a case waits in, by its status (``filtersets.queue_q``: one status each).
QUEUE_OF_STATUS = {
    CaseStatus.REGISTERED: "to_assign",
    CaseStatus.RETURNED: "to_assign",
    CaseStatus.ASSIGNED: "to_sign",
    CaseStatus.HANDLING: "to_handle",
    CaseStatus.REVIEW: "to_review",
    CaseStatus.REVISIT: "to_revisit",
}

URGENT_FIELDS = (
    "id",
    "number",
    "title",
    "next_deadline_at",
    "status",
    # 暂定 or not (``Case.next_deadline_provisional``): the node the deadline belongs to.
    "provisional_dues",
    "paused_at",
    "sign_due_at",
    "feedback_due_at",
    "first_feedback_at",
    "close_due_at",
    "revisit_due_at",
)


def case_list_most_urgent(*, user, queues, n: int = 3) -> dict[str, list]:
    """The first ``n`` cases of each of the 我的待办 ``queues``, overdue first then by deadline,
    in one query: each queue's first ``n`` are read along the queue index (a plain NULLS LAST
    sort would read every row of a big queue on SQLite), as ``id IN (… LIMIT n)`` conditions.
    The queues are told apart by status (no case is in two queues: their statuses differ)."""
    from shangwu.core import figures_sql

    if not queues:
        return {}

    def compile_rows():
        mine = Case.objects.restrict(user, "view")
        ids = Q()
        for queue in queues:
            qs = mine.filter(queue_q(queue, user)).order_by()
            dated = qs.filter(next_deadline_at__isnull=False).order_by("next_deadline_at", "id")
            ids |= Q(pk__in=dated.values("pk")[:n])
            ids |= Q(
                pk__in=qs.filter(next_deadline_at__isnull=True).order_by("id").values("pk")[:n]
            )
        rows = mine.filter(ids).select_related(None).only(*URGENT_FIELDS).order_by(*URGENT_FIRST)
        return rows.query.get_compiler(using=rows.db).as_sql()

    # The statement (ten subqueries for a county user) is SQL of the user's scope and unit alone
    # (``restrict``, ``queue_q``: subqueries, no rows read into Python): compiled once per user,
    # day and reference data (core.figures_sql), executed on every request.
    compiled = figures_sql.compiled(
        figures_sql.statement_key("cases.most_urgent", user, tuple(queues), n), compile_rows
    )
    found: dict[str, list] = {queue: [] for queue in queues}
    if compiled is None:  # the user sees no case
        return found
    for case in Case.objects.raw(*compiled):
        queue = QUEUE_OF_STATUS.get(case.status)
        if queue in found and len(found[queue]) < n:
            found[queue].append(case)
    return found


def notification_list_unread(*, user):
    # Newest first by id: read straight off the (recipient, read_at, id) index.
    return Notification.objects.filter(recipient=user, read_at__isnull=True).order_by("-id")


def case_dashboard_panel(*, user) -> list[dict]:
    """我的待办 (to assign, sign, handle, review, revisit: the registry's ``cases.queue.*``, and
    the 延期/挂起 requests waiting for the user's unit, counted in one query) and the unread
    notifications (``cases.notifications_unread``)."""
    from shangwu.core import figures as registry

    today = timezone.localdate()
    data = registry.compute_many(
        [
            *[f"cases.queue.{key}" for key, _ in QUEUES],
            "cases.extensions_pending",
            "cases.notifications_unread",
        ],
        user=user,
        date_from=today,
        date_to=today,
    )
    figures, items = [], []
    now = timezone.now()
    for key, _ in QUEUES:
        figures.append(registry.panel_cell(data[f"cases.queue.{key}"]))
    urgent = case_list_most_urgent(
        user=user, queues=[key for key, _ in QUEUES if data[f"cases.queue.{key}"].count]
    )
    for key, label in QUEUES:
        if key in urgent:
            for case in urgent[key]:
                due = (
                    timezone.localtime(case.next_deadline_at).strftime("%m-%d %H:%M")
                    if case.next_deadline_at
                    else ""
                )
                if due and case.next_deadline_provisional:
                    due += "，暂定"
                mark = "【已超期】" if case.next_deadline_at and case.next_deadline_at < now else ""
                items.append(
                    (
                        case.next_deadline_at,
                        f"{mark}{label}：{case.number} {case.title[:24]}"
                        f"{'（时限 ' + due + '）' if due else ''}",
                        case.get_absolute_url(),
                    )
                )
    if data["cases.extensions_pending"].count:
        figures.append(registry.panel_cell(data["cases.extensions_pending"]))
    items.sort(key=lambda t: (t[0] is None, t[0] or now))
    unread = data["cases.notifications_unread"]
    notices = list(notification_list_unread(user=user)[:5]) if unread.count else []
    return [
        {
            "title": "我的待办",
            "icon": "inboxes",
            "figures": figures,
            "items": [(t, u) for _, t, u in items[:8]],
        },
        {
            "title": "通知",
            "icon": "bell",
            "figures": [registry.panel_cell(unread)],
            "items": [(n.text, reverse("cases:notification_open", args=[n.pk])) for n in notices],
        },
    ]


def case_origin_visible(*, user, case) -> dict | None:
    """The record a case was opened from, for the case page's 来源记录 box, when the user may see
    it: kind, text and the link to its page. A project has its own richer box
    (``projects.selectors.project_for_case``), so only the other kinds are given here."""
    if case.origin_hazard_id is not None:
        from shangwu.inspections.models import Hazard

        hazard = (
            Hazard.objects.restrict(user, "view")
            .filter(pk=case.origin_hazard_id)
            .select_related("site")
            .first()
        )
        if hazard is None:
            return None
        return {
            "kind": CaseOriginKind.HAZARD.label,
            "text": hazard.description,
            "context": f"{hazard.site}（{hazard.get_severity_display()}）",
            "url": hazard.get_absolute_url(),
        }
    if case.origin_visit_problem_id is None:
        return None
    from shangwu.enterprises.models import VisitProblem

    problem = (
        VisitProblem.objects.restrict(user, "view")
        .filter(pk=case.origin_visit_problem_id)
        .select_related("visit__enterprise")
        .first()
    )
    if problem is None:
        return None
    return {
        "kind": CaseOriginKind.VISIT_PROBLEM.label,
        "text": problem.description,
        "context": str(problem.visit),
        "url": problem.visit.get_absolute_url(),
    }
