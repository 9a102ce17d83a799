"""The 工作台: the page every user opens in the morning. Each module adds its panel here."""

from importlib import import_module

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import JsonResponse
from django.shortcuts import render
from django.views import View

from shangwu.accounts.choices import Role
from shangwu.core import figures
from shangwu.core.access import Access, can
from shangwu.core.dashboard_html import panels_html

# Each module's panel(s) on the 工作台: a selector ``<app>_dashboard_panel(*, user)`` returning a
# dict (title, icon, figures, optional items) or a list of them. Each of the figures is a
# registered figure computed for the user (``core.figures.panel_cell``: label, the value as the
# registry formats it, the link to the records behind it). An item is a record's own line
# (text, url) or, when it states a number, a figure cell too: no number on the page is anything
# but a figure (core/tests/test_dashboard_figures.py reads the page for any other).
DASHBOARD_PANELS = [
    "shangwu.cases.selectors.case_dashboard_panel",
    "shangwu.enterprises.selectors.enterprise_dashboard_panel",
    "shangwu.projects.selectors.project_dashboard_panel",
    "shangwu.indicators.selectors.indicator_dashboard_panel",
    "shangwu.tasks.selectors.task_dashboard_panel",
    "shangwu.promotion.selectors.event_dashboard_panel",
    "shangwu.vouchers.selectors.voucher_dashboard_panel",
    "shangwu.subsidies.selectors.subsidy_dashboard_panel",
    "shangwu.inspections.selectors.inspection_dashboard_panel",
]


def unread_figure(request):
    """The user's unread notifications (figure ``cases.notifications_unread``), once per request:
    the top bar's badge and the 工作台's 通知 panel state the same figure."""
    figure = getattr(request, "_unread_figure", None)
    if figure is None:
        from django.utils import timezone

        today = timezone.localdate()
        figure = figures.compute(
            "cases.notifications_unread", user=request.user, date_from=today, date_to=today
        )
        request._unread_figure = figure
    return figure


class DashboardView(LoginRequiredMixin, View):
    template_name = "core/dashboard.html"

    def get(self, request):
        user = request.user
        panels = []
        if can(user, Access.BUSINESS, "view"):
            for path in DASHBOARD_PANELS:
                module, _, name = path.rpartition(".")
                panel = getattr(import_module(module), name, None)
                if panel is not None:  # a module not built yet has no panel
                    result = panel(user=user)
                    for item in result if isinstance(result, list) else [result]:
                        # The template reads panel.items: without the key Django would call dict.items().
                        item.setdefault("items", [])
                        panels.append(item)
            for panel in panels:  # the top bar's badge states the 通知 panel's figure
                for cell in panel["figures"]:
                    if cell.get("key") == "cases.notifications_unread":
                        request._unread_figure = cell["figure"]
        context = {
            "panels": panels,
            # The panels' cards written in Python (core.dashboard_html): the template loop was a
            # fifth of the page.
            "panels_html": panels_html(panels),
            "is_admin": user.role in (Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR),
            "scope": user.region.full_name if user.region else "—",
        }
        if user.role == Role.SYSADMIN:
            from django.utils import timezone

            from shangwu.workcalendar.selectors import calendar_year_reminder

            context["calendar_reminder"] = calendar_year_reminder(today=timezone.localdate())
            # The 系统管理员's own mail (the holiday reminder): the same figure as everyone's.
            context["unread_cell"] = figures.panel_cell(unread_figure(request))
        if user.role == Role.SECADMIN:
            from shangwu.accounts.selectors import user_list_locked

            context["locked_users"] = user_list_locked(user=user)[:20]
        if user.role == Role.AUDITOR:
            from shangwu.audit.models import AuditLog

            context["recent_audit"] = AuditLog.objects.restrict(user, "view").filter(
                action__in=["denied", "lockout", "login_failed"]
            )[:10]
        return render(request, self.template_name, context)


def healthz(request):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
