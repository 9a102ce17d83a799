"""Remind the county officers of licences (成品油零售经营批准证书…) ending within 90 days
(idempotent: run daily; one notice per site and validity)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from shangwu.inspections.services import licence_expiry_notify


class Command(BaseCommand):
    help = "提醒90天内到期的经营许可证（可重复运行，不重复提醒）。"

    def add_arguments(self, parser):
        parser.add_argument("--on", help="按此日期计算（YYYY-MM-DD），默认今天。")

    def handle(self, *args, on=None, **options):
        try:
            day = datetime.date.fromisoformat(on) if on else None
        except ValueError as exc:
            raise CommandError("日期格式应为 YYYY-MM-DD。") from exc
        sent = licence_expiry_notify(today=day)
        self.stdout.write(f"已提醒{sent}个场所的许可证到期。")
