"""``shangwu process_deadlines``: run every minute from cron; idempotent and safe to overlap."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from shangwu.cases.processing import deadlines_process
from shangwu.cases.services.provisional import calendar_reminder_notify
from shangwu.core.context import acting


class Command(BaseCommand):
    help = "处理案件时限：临近时限（黄灯）催办，超过时限（红灯）督办。可每分钟运行，重复运行或同时运行都不会重复发出。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--full",
            action="store_true",
            help="检查全部在办案件，而不只是上次处理以来到期的（直接批量写入案件之后使用）",
        )

    def handle(self, *args, **options):
        with acting(path="process_deadlines"):
            counts = deadlines_process(now=timezone.now(), full=options["full"])
            reminded = calendar_reminder_notify(now=timezone.now())
        self.stdout.write(f"转红灯并督办 {counts['red']} 件，转黄灯并催办 {counts['yellow']} 件。")
        if reminded:
            self.stdout.write(f"已提醒系统管理员录入明年节假日安排（{reminded}人）。")
