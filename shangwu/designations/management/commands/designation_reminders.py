"""Remind the responsible units of 复核 and 验收 due within 60 days (idempotent: run daily)."""

import datetime

from django.core.management.base import BaseCommand

from shangwu.designations.services import designation_send_reminders


class Command(BaseCommand):
    help = "提醒60天内到期的复核和验收（可重复运行，不重复提醒）。"

    def add_arguments(self, parser):
        parser.add_argument("--on", help="按此日期计算（YYYY-MM-DD），默认今天。")

    def handle(self, *args, on=None, **options):
        day = datetime.date.fromisoformat(on) if on else None
        sent = designation_send_reminders(on=day)
        self.stdout.write(f"已发送{sent}条复核/验收提醒。")
