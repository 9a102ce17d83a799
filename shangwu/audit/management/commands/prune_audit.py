from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from shangwu.audit.choices import AuditAction
from shangwu.audit.models import AuditLog
from shangwu.audit.services import audit_write


class Command(BaseCommand):
    help = "删除早于保留期的审计日志（保留期不得少于180天，等保三级要求）。"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, required=True, help="保留天数，至少180")

    def handle(self, *args, days, **options):
        minimum = settings.AUDIT_MIN_RETENTION_DAYS
        if days < minimum:
            raise CommandError(
                f"保留天数 --days={days} 少于{minimum}天，拒绝清理（等保三级要求审计记录至少保留{minimum}天）。"
            )
        cutoff = timezone.now() - timedelta(days=days)
        # The ORM refuses deletes on audit rows; this is the one sanctioned path, and the
        # database trigger still refuses any row younger than the minimum retention.
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {AuditLog._meta.db_table} WHERE at < %s", [cutoff])
            deleted = cursor.rowcount
        audit_write(
            action=AuditAction.PRUNE,
            object_type="audit.auditlog",
            detail=f"清理{days}天以前的审计日志 {deleted} 条。",
        )
        self.stdout.write(
            f"已清理 {deleted} 条早于 {timezone.localtime(cutoff):%Y-%m-%d %H:%M} 的审计日志。"
        )
