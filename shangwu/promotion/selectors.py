"""Read-side queries of the promotion events: a detail page's related rows, the month calendar,
and the 工作台 panel (registered figures only)."""

from __future__ import annotations

import calendar
import datetime

from django.utils import timezone

from shangwu.promotion.models import EventAttachment, EventParticipant, EventProject, PromotionEvent


def event_detail_context(*, user, event: PromotionEvent) -> dict:
    participants = list(
        EventParticipant.objects.restrict(user, "view")
        .filter(event=event)
        .select_related("enterprise", "enterprise__county")
    )
    projects = list(
        EventProject.objects.restrict(user, "view")
        .filter(event=event)
        .select_related("project", "project__county")
    )
    attachments = list(
        EventAttachment.objects.filter(event=event).listed().select_related("uploaded_by")
    )
    columns = [
        (name, event.outcome_label(name, EventParticipant)) for name in event.participant_fields
    ]
    for row in participants:
        row.values = [getattr(row, name) for name, _ in columns]
    outcomes = [(event.outcome_label(name), getattr(event, name)) for name in event.outcome_fields]
    return {
        "participants": participants,
        "participant_columns": columns,
        "projects": projects,
        "attachments": attachments,
        "outcomes": outcomes,
        "events": event.events.select_related("actor").order_by("-at", "-id"),
    }


def event_list_in_month(queryset, *, year: int, month: int) -> tuple[list[list[dict]], int]:
    """The month's weeks (Monday first) of days, each day with the events of ``queryset`` (the
    user's, already filtered) running on it; and how many events the month has."""
    first = datetime.date(year, month, 1)
    last = datetime.date(year, month, calendar.monthrange(year, month)[1])
    events = list(
        queryset.filter(start_on__lte=last, end_on__gte=first)
        .select_related("kind")
        .order_by("start_on", "id")
    )
    today = timezone.localdate()
    weeks = []
    for week in calendar.Calendar().monthdatescalendar(year, month):
        days = []
        for day in week:
            days.append(
                {
                    "date": day,
                    "in_month": day.month == month,
                    "today": day == today,
                    "events": [e for e in events if e.start_on <= day <= e.end_on],
                }
            )
        weeks.append(days)
    return weeks, len(events)


PANEL_FIGURES = [
    ("events.held", "本年已举办活动"),
    ("events.held_city", "其中市级"),
    ("events.held_county", "其中县级"),
    ("events.participants", "参与企业"),
    ("events.consumption", "带动消费"),
    ("events.projects_signed", "签约项目"),
]


def event_dashboard_panel(*, user) -> dict:
    """促消费与经贸活动 · this year: events held (市级/县级), participants, consumption driven,
    projects signed — each a registered figure with its list."""
    from shangwu.core import figures as registry

    today = timezone.localdate()
    computed = registry.compute_many(
        [key for key, _ in PANEL_FIGURES],
        user=user,
        date_from=datetime.date(today.year, 1, 1),
        date_to=today,
    )
    return {
        "title": f"促消费与经贸活动 · {today.year}年",
        "icon": "megaphone",
        "figures": [
            registry.panel_cell(computed[key], label=label) for key, label in PANEL_FIGURES
        ],
    }
