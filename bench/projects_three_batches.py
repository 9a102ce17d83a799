"""Benchmark: "三个一批" figures, charts, the project list, the board and the ledger over many projects.

    SHANGWU_TESTING=1 .venv/bin/python bench/projects_three_batches.py [--projects 50000]
        [--database-url postgres://postgres@127.0.0.1:5432/shangwu_bench]

Sets up a fresh database (a SQLite file in a temporary directory, or the given PostgreSQL
database dropped and created anew), migrates, builds the demo regions and users, then writes
``--projects`` projects spread over the last 8 quarters across every stage (plain INSERTs: the
point is reading, not writing) with about 8 months of money for each started one. Prints the
median server time of each read the leader uses and its query count. Not a test: figures depend
on the machine.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def fresh_database(url: str | None, tmp: Path) -> str:
    if not url:
        return f"sqlite:///{tmp / 'bench.sqlite3'}"
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url


def generate(count: int, seed: int = 20261122) -> tuple[int, int]:
    from django.utils import timezone

    from shangwu.core.imports import insert_rows
    from shangwu.organization.choices import RegionLevel
    from shangwu.organization.models import Region
    from shangwu.projects.models import IndustryChain, Project, ProjectFunds, Stage

    rng = random.Random(seed)
    today = timezone.localdate()
    counties = list(Region.objects.filter(level=RegionLevel.COUNTY))
    chains = list(IndustryChain.objects.values_list("id", flat=True))
    stages = list(Stage.objects.order_by("order"))
    path = [s for s in stages if not s.is_terminal]
    terminal = next(s for s in stages if s.is_terminal)
    now = timezone.now()
    rows, funds = [], []
    for i in range(count):
        entered = today - datetime.timedelta(days=rng.randint(20, 760))
        reach = rng.randint(0, len(path) - 1)
        dates, on, current = {}, entered, path[0]
        for stage in path[1 : reach + 1]:
            nxt = on + datetime.timedelta(days=rng.randint(10, 90))
            if nxt > today:
                break
            on, current = nxt, stage
            if stage.milestone:
                dates[stage.milestone] = on
        terminated = rng.random() < 0.06
        rows.append(
            (
                f"B-{i:07d}",
                f"基准项目{i}",
                f"jizhunxiangmu{i}",
                "基准投资有限公司",
                "private",
                "province",
                "江苏",
                rng.choice(chains),
                rng.random() < 0.2,
                Decimal(rng.randint(10, 200000)),
                rng.choice(counties).pk,
                (terminal if terminated else current).pk,
                on,
                dates.get("signed"),
                dates.get("registered"),
                dates.get("started"),
                dates.get("producing"),
                on if terminated else None,
                now,
                now,
                "",
                "",
                False,
                False,
                False,
                False,
                "",
                "",
                "",
                "",
            )
        )
    insert_rows(
        Project,
        [
            "code",
            "name",
            "name_pinyin",
            "investor_name",
            "investor_type",
            "origin",
            "origin_place",
            "chain",
            "is_key",
            "total_investment",
            "county",
            "stage",
            "stage_on",
            "signed_on",
            "registered_on",
            "started_on",
            "producing_on",
            "terminated_on",
            "created_at",
            "updated_at",
            "industry_section",
            "industry_division",
            "is_manufacturing",
            "is_foreign",
            "is_fortune500",
            "in_provincial_ledger",
            "ledger_batch",
            "site",
            "termination_reason",
            "note",
        ],
        rows,
    )
    ids = dict(Project.objects.values_list("code", "id"))
    for row in rows:
        started = row[15]
        if started is None:
            continue
        month = started.replace(day=1)
        for _ in range(8):
            if month > today:
                break
            amount = Decimal(rng.randint(10, 5000))
            funds.append(
                (ids[row[0]], month, amount, Decimal(0), amount, Decimal(0), Decimal(0), now)
            )
            month = (month + datetime.timedelta(days=32)).replace(day=1)
    insert_rows(
        ProjectFunds,
        [
            "project",
            "month",
            "provincial_outside",
            "overseas",
            "fixed_asset",
            "working_capital",
            "fdi_usd",
            "recorded_at",
        ],
        funds,
    )
    return len(rows), len(funds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=50_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="shangwu-bench-"))
    os.environ["DATABASE_URL"] = fresh_database(args.database_url, tmp)
    os.environ.setdefault("SHANGWU_TESTING", "1")
    os.environ["SHANGWU_VAR_DIR"] = str(tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shangwu.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from shangwu.accounts.demo import build_users
    from shangwu.core.context import acting
    from shangwu.core.periods import QUARTER, Period
    from shangwu.organization.demo import build_regions_and_units
    from shangwu.projects import selectors
    from shangwu.projects.ledger import ledger_xlsx

    call_command("migrate", verbosity=0)
    with acting(path="bench"), transaction.atomic():
        users = build_users(build_regions_and_units())
        started = time.perf_counter()
        projects, funds = generate(args.projects)
        print(
            f"数据库：{connection.vendor}；写入项目 {projects} 个、到位资金 {funds} 条，用时 {time.perf_counter() - started:.1f} s"
        )
    leader = users["leader"]
    period = Period.containing(QUARTER, timezone.localdate())

    def measure(label, func):
        times, queries = [], 0
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as ctx:
                t = time.perf_counter()
                func()
                times.append(time.perf_counter() - t)
            queries = len(ctx.captured_queries)
        print(f"  {label:<34} 中位数 {statistics.median(times) * 1000:8.1f} ms  查询 {queries} 次")

    client = Client()
    client.force_login(leader)
    print(f"局领导（全市范围），{period.label}：")
    measure(
        "三个一批（总计、分县、分产业链）",
        lambda: selectors.three_batches(user=leader, period=period),
    )
    measure("近8季度趋势", lambda: selectors.quarterly_trend(user=leader, end=period))
    measure("漏斗", lambda: selectors.funnel(user=leader, period=period))
    measure(
        "到位资金合计（当年累计）",
        lambda: selectors.funds_totals(
            user=leader, start=period.start.replace(month=1), end=period.end
        ),
    )
    measure("页面：三个一批", lambda: client.get("/projects/three-batches/", HTTP_HOST="localhost"))
    measure("页面：项目列表（第1页）", lambda: client.get("/projects/", HTTP_HOST="localhost"))
    measure(
        "页面：项目列表（按签约期间筛选）",
        lambda: client.get(
            "/projects/",
            {"signed_from": period.start, "signed_to": period.end},
            HTTP_HOST="localhost",
        ),
    )
    measure("页面：看板", lambda: client.get("/projects/board/", HTTP_HOST="localhost"))
    measure("台账 .xlsx（本季度三张表）", lambda: ledger_xlsx(user=leader, period=period))


if __name__ == "__main__":
    main()
