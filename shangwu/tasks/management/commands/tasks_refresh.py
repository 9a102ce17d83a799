"""``shangwu tasks_refresh``: apply the lagging rules to every open task (run daily from cron).
Idempotent: a task whose status and reasons are unchanged is not touched."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from shangwu.core.context import acting
from shangwu.tasks.cycles import CalendarYearUnknown
from shangwu.tasks.models import Plan
from shangwu.tasks.services import plan_refresh_status


class Command(BaseCommand):
    help = "按滞后规则（里程碑、完成时限、连续2期未报送）刷新重点任务状态。可每天运行，重复运行不会重复记录。"

    def handle(self, *args, **options):
        today = timezone.localdate()
        changed = 0
        with acting(path="tasks_refresh"):
            for plan in Plan.objects.filter(year__gte=today.year - 1):
                try:
                    changed += plan_refresh_status(plan=plan, on=today)
                except CalendarYearUnknown as exc:
                    self.stderr.write(f"{plan}：{exc}")
        self.stdout.write(f"状态有变化的任务 {changed} 项。")
