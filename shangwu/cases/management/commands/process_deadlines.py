"""``shangwu process_deadlines``: run every minute from cron; idempotent and safe to overlap."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from shangwu.cases.processing import deadlines_process
from shangwu.core.context import acting


class Command(BaseCommand):
    help = "处理案件时限：黄灯催办、红灯督办、时限顺延后降灯。可每分钟运行，重复运行不会重复发出。"

    def handle(self, *args, **options):
        with acting(path="process_deadlines"):
            counts = deadlines_process(now=timezone.now())
        self.stdout.write(
            f"转红灯并督办 {counts['red']} 件，转黄灯并催办 {counts['yellow']} 件，降灯 {counts['lowered']} 件。"
        )
