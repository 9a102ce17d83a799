"""Light overdue rectifications yellow then red and notify the team and their unit's head
(idempotent: run every few minutes or daily beside tasks_refresh)."""

from django.core.management.base import BaseCommand

from shangwu.inspections.rectification import hazard_deadlines_pass


class Command(BaseCommand):
    help = "隐患整改期限预警：黄灯、红灯并通知检查组和单位负责人（可重复运行，不重复提醒）。"

    def handle(self, *args, **options):
        counts = hazard_deadlines_pass()
        self.stdout.write(f"黄灯{counts['yellow']}项，红灯{counts['red']}项。")
