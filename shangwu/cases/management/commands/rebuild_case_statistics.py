"""``shangwu rebuild_case_statistics``: rebuild the monthly statistics buckets (CaseStatBucket)
from the cases. The case services keep the buckets current; run this after a bulk load or a
restore, or whenever the statistics page and the case list disagree. Idempotent and audited."""

from django.core.management.base import BaseCommand

from shangwu.cases.statistics import case_statistics_rebuild
from shangwu.core.context import acting


class Command(BaseCommand):
    help = "按案件重建案件统计月度汇总（批量导入或恢复数据后运行）。可重复运行，并写入审计日志。"

    def handle(self, *args, **options):
        with acting(path="rebuild_case_statistics"):
            result = case_statistics_rebuild()
        self.stdout.write(result.summary())
