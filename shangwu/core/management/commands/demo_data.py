"""Build the reproducible demo city. Idempotent: a second run keeps what exists."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from shangwu.core.context import acting
from shangwu.core.imports import sqlite_bulk_cache


class Command(BaseCommand):
    help = "生成演示城市（云河市）：区划、机构、各角色演示账号和各业务模块的演示数据。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--size",
            choices=["full", "small"],
            default="full",
            help="small 只生成少量业务数据（用于浏览器测试）",
        )

    def handle(self, *args, size, **options):
        from shangwu.accounts.demo import build_users
        from shangwu.cases import demo as cases_demo
        from shangwu.core import demo as core_demo
        from shangwu.designations import demo as designations_demo
        from shangwu.enterprises.demo import build_enterprises
        from shangwu.indicators import demo as indicators_demo
        from shangwu.inspections import demo as inspections_demo
        from shangwu.organization.demo import build_regions_and_units
        from shangwu.projects import demo as projects_demo
        from shangwu.promotion import demo as promotion_demo
        from shangwu.subsidies import demo as subsidies_demo
        from shangwu.tasks import demo as tasks_demo
        from shangwu.vouchers import demo as vouchers_demo

        summaries = []
        # One transaction (one commit, no fsync per record), with the import engine's page cache
        # for big writes: the demo's tables and indexes outgrow SQLite's default 2 MB.
        with (
            acting(path="demo_data"),
            transaction.atomic(),
            connection.cursor() as cursor,
            sqlite_bulk_cache(connection, cursor),
        ):
            units = build_regions_and_units()
            users = build_users(units)
            created = build_enterprises(
                units=units, users=users, count=2000 if size == "full" else 120
            )
            if created:
                summaries.append(f"新建企业 {created} 家")
            # Each module builds its own demo data; each is idempotent and reproducible.
            for module in (
                projects_demo,
                cases_demo,
                indicators_demo,
                tasks_demo,
                promotion_demo,
                vouchers_demo,
                subsidies_demo,
                designations_demo,
                inspections_demo,
                core_demo,
            ):
                summary = module.build(units=units, users=users, size=size)
                if summary:
                    summaries.append(summary)
            if connection.vendor == "postgresql":
                # Fresh tables have no statistics until autovacuum comes round: without them the
                # planner takes the demo's thousands of rows for one and nests loops over them
                # (a scope query over visit problems took a minute in the test suite). ANALYZE
                # may run in the transaction and sees its rows.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS("演示城市“云河市”已就绪。"))
        for summary in summaries:
            self.stdout.write(f"  {summary}")
        self.stdout.write(
            f"演示账号（密码均为 {settings.DEMO_PASSWORD}）：\n"
            "  leader 局领导 · city_staff 科室人员（外贸科）· county_a 河东区商务局 · county_b 云水县商务局\n"
            "  township_a1 河东区东湖街道 · enterprise 企业用户 · sysadmin 系统管理员 · secadmin 安全管理员 · auditor 审计管理员"
        )
