"""Benchmark: case handling (诉求与交办件) with 1,000,000 cases.

    SHANGWU_TESTING=1 .venv/bin/python bench/cases_speed.py [--rows 1000000] [--repeat 7] \
        [--database-url postgres://postgres@127.0.0.1:5432/shangwu_bench_cases]
    SHANGWU_TESTING=1 .venv/bin/python bench/cases_speed.py --both      # SQLite, then PostgreSQL

Sets up a fresh database (SQLite in a temp dir, or the given PostgreSQL database dropped and
created), migrates, builds the demo regions and users, and inserts ``--rows`` cases with one
set-based INSERT … SELECT (recursive CTE / generate_series): 18 months of receipts over the 8
counties, ~65 % closed with ratings, the rest open in every status with deadlines around now; a
first pass issues their 催办/督办. Then it times (server side, median of ``--repeat``):

* the statistics page (default range: 1 January → today, by unit; and by month) as ``leader``
  (the whole city) and as ``county_a``;
* 我的待办: ``case_dashboard_panel`` and the whole 工作台 page for ``county_a``;
* ``process_deadlines`` with nothing to do;
* a pass over ``--rows`` open cases (all reopened as 办理中 with deadlines from 60 h ago to 40 h
  ahead: ~60 % turn red with a 督办单, ~24 % turn yellow with a 催办), then nothing to do again.

Goals: statistics page and 我的待办 < 150 ms; nothing-to-do pass < 1 s; 1M-case pass < 30 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/shangwu_bench_cases"


def fresh_database(url: str | None, tmp: Path) -> str:
    if not url:
        return f"sqlite:///{tmp / 'bench.sqlite3'}"
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url


def median_ms(func, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _case(expr_by_index: list, modulo: str) -> str:
    return (
        "CASE "
        + " ".join(f"WHEN {modulo} = {n} THEN {v}" for n, v in enumerate(expr_by_index))
        + " END"
    )


def insert_cases(rows: int, now) -> None:
    """One INSERT … SELECT over a generated series ``i``; every column is a function of ``i``."""
    from django.db import connection

    from shangwu.cases.models import Case, CaseCategory, DeadlineRuleSet
    from shangwu.organization.models import OrgUnit, Region

    pg = connection.vendor == "postgresql"
    counties = list(Region.objects.filter(level="county").order_by("code"))
    county_units = [OrgUnit.objects.get(region=c, kind="county_bureau").pk for c in counties]
    categories = list(CaseCategory.objects.order_by("pk").values_list("pk", flat=True))
    rule_set = DeadlineRuleSet.objects.get(source="visit", kind="ordinary", is_current=True).pk
    sources = [
        "visit",
        "visit",
        "visit",
        "self_report",
        "hotline",
        "mailbox",
        "superior",
        "forum",
        "npc",
        "cppcc",
    ]
    now_sql = connection.ops.adapt_datetimefield_value(now)

    def ts(minutes: str) -> str:  # now + minutes (an integer SQL expression)
        if pg:
            return f"(%(now)s::timestamptz + ({minutes}) * interval '1 minute')"
        return f"strftime('%%Y-%%m-%%d %%H:%%M:%%f', %(now)s, ({minutes}) || ' minutes')"

    h = "(((i % 100) * 19) % 100)"  # a permutation of 0..99 (int4-safe on PostgreSQL)
    received_min = "(-((i % 548) * 1440) - (i % 600))"
    closed = f"{h} < 65"
    merged = f"{h} = 65"
    open_status = _case(
        ["'assigned'", "'handling'", "'handling'", "'review'", "'revisit'", "'registered'"],
        "(i % 6)",
    )
    deadline_min = "(((i % 97) - 20) * 60)"  # from 20 h ago to 76 h ahead
    status = f"CASE WHEN {closed} THEN 'closed' WHEN {merged} THEN 'merged' ELSE {open_status} END"
    is_open_with_deadline = f"(NOT ({closed}) AND NOT ({merged}) AND i % 6 IN (0, 1, 2, 4))"
    cols = {
        "number": "'B' || i",
        "year": f"CAST({'EXTRACT(YEAR FROM ' + ts(received_min) + ')' if pg else 'strftime(' + chr(39) + '%%Y' + chr(39) + ', ' + ts(received_min) + ')'} AS INTEGER)",
        "seq": "i + 1",
        "source": _case([f"'{s}'" for s in sources], f"(i % {len(sources)})"),
        "kind": "CASE WHEN i % 10 = 4 THEN 'consult' WHEN i % 13 = 0 THEN 'major' ELSE 'ordinary' END",
        "category_id": _case(categories, f"(i % {len(categories)})"),
        "title": "'企业反映问题 ' || i",
        "content": "'基准测试案件内容'",
        "contact_name": "'张经理'",
        "contact_phone": "'13900000000'",
        "county_id": _case([c.pk for c in counties], "(i % 8)"),
        "received_at": ts(received_min),
        "assigning_unit_id": _case(county_units, "(i % 8)"),
        "lead_unit_id": f"CASE WHEN i % 6 = 5 AND NOT ({closed}) AND NOT ({merged}) THEN NULL ELSE "
        f"{_case(county_units, '(i % 8)')} END",
        "status": status,
        "rule_set_id": str(rule_set),
        "assigned_at": ts(f"{received_min} + 60"),
        "close_due_at": f"CASE WHEN {is_open_with_deadline} THEN {ts(deadline_min)} ELSE {ts(received_min + ' + 10080')} END",
        "next_deadline_at": f"CASE WHEN {is_open_with_deadline} THEN {ts(deadline_min)} ELSE NULL END",
        "supervision_level": "0",
        "paused_workdays": "0",
        "resolution": "''",
        "rating": f"CASE WHEN NOT ({closed}) THEN '' WHEN i % 20 = 0 THEN 'unsatisfied' WHEN i % 5 = 1 "
        f"THEN 'basically' ELSE 'satisfied' END",
        "reopen_count": f"CASE WHEN {closed} AND i % 20 = 0 THEN 1 ELSE 0 END",
        "closed_at": f"CASE WHEN {closed} THEN {ts(received_min + ' + 7200')} ELSE NULL END",
        "closed_on_time": f"CASE WHEN {closed} THEN (i % 10 <> 3) ELSE NULL END",
        "workdays_to_close": f"CASE WHEN {closed} THEN 2 + i % 9 ELSE NULL END",
        "version": "0",
        "created_at": "%(now)s",
        "updated_at": "%(now)s",
    }
    table = Case._meta.db_table
    series = (
        f"SELECT generate_series(0, {rows - 1}) AS i"
        if pg
        else f"WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {rows - 1}) SELECT i FROM n"
    )
    sql = f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(cols.values())} FROM ({series}) AS s"
    sql = sql.replace(" % ", " %% ")  # the modulo operator, not a placeholder
    with connection.cursor() as cursor:
        cursor.execute(sql, {"now": now_sql})


def analyze(url: str) -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def run(args) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="cases-bench-"))
    url = fresh_database(args.database_url, tmp)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SHANGWU_TESTING", "1")
    os.environ["MEDIA_ROOT"] = str(tmp / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shangwu.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from shangwu.accounts.demo import build_users
    from shangwu.accounts.models import User
    from shangwu.cases.models import Case
    from shangwu.cases.processing import deadlines_process
    from shangwu.cases.selectors import case_dashboard_panel
    from shangwu.core.context import acting
    from shangwu.organization.demo import build_regions_and_units

    setup_test_environment()
    call_command("migrate", verbosity=0)
    with acting(path="bench"):
        build_users(build_regions_and_units())
    now = timezone.now()
    print(f"== {connection.vendor}: {args.rows:,} cases ==")
    start = time.perf_counter()
    insert_cases(args.rows, now)
    analyze(url)
    print(f"insert + analyze: {time.perf_counter() - start:.1f} s ({Case.objects.count():,} rows)")
    from shangwu.cases.statistics import buckets_rebuild

    start = time.perf_counter()
    buckets = buckets_rebuild()
    analyze(url)
    print(f"statistics buckets rebuilt: {buckets:,} rows in {time.perf_counter() - start:.1f} s")

    with acting(path="bench"):
        start = time.perf_counter()
        settle = deadlines_process(now=timezone.now(), full=True)
    print(
        f"first pass (催办/督办 of the cases inserted near or past their deadline): {settle} "
        f"in {time.perf_counter() - start:.1f} s"
    )
    leader, county_a = User.objects.get(username="leader"), User.objects.get(username="county_a")
    latest = Case.objects.restrict(county_a, "view").order_by("-received_at").first()
    clients = {}
    for user in (leader, county_a):
        clients[user.username] = Client()
        clients[user.username].force_login(user)

    def page(username, url):
        response = clients[username].get(url)
        assert response.status_code == 200, (url, response.status_code)

    def breakdown(user, *, buckets):
        """core.figures.breakdown of the statistics page's figures, with or without the cases'
        bucket reader: the measurement behind ``statistics.breakdown_from_buckets``."""
        import datetime

        from shangwu.cases.figures import COLUMN_FIGURES
        from shangwu.core import figures as registry

        reader = registry._BREAKDOWN_READERS.pop(Case) if not buckets else None
        try:
            registry.breakdown(
                list(COLUMN_FIGURES.values()),
                by="county",
                user=user,
                date_from=datetime.date(now.year - 2, 6, 1),
                date_to=now.date(),
            )
        finally:
            if reader is not None:
                registry._BREAKDOWN_READERS[Case] = reader

    figures = [
        (
            "statistics page, leader, by unit (1 Jan → today)",
            lambda: page("leader", "/cases/statistics/"),
        ),
        ("statistics page, county_a, by unit", lambda: page("county_a", "/cases/statistics/")),
        (
            "statistics page, leader, by month",
            lambda: page(
                "leader",
                f"/cases/statistics/?dimension=month&date_from={now.year}-01-01&date_to={now.date()}",
            ),
        ),
        (
            "statistics page, leader, by county, 18 months",
            lambda: page(
                "leader",
                f"/cases/statistics/?dimension=county&date_from={now.year - 2}-06-01&date_to={now.date()}",
            ),
        ),
        (
            "case figures by county, leader, 18 months: monthly buckets (the page's reader)",
            lambda: breakdown(leader, buckets=True),
        ),
        (
            "case figures by county, leader, 18 months: one GROUP BY over the cases",
            lambda: breakdown(leader, buckets=False),
        ),
        ("case list /cases/, county_a (issue 18)", lambda: page("county_a", "/cases/")),
        ("case list /cases/?page=2, leader", lambda: page("leader", "/cases/?page=2")),
        (
            "case detail page, county_a (merged_cases: the partial index on merged_into)",
            lambda: page("county_a", f"/cases/{latest.pk}/"),
        ),
        ("我的待办: case_dashboard_panel(county_a)", lambda: case_dashboard_panel(user=county_a)),
        ("工作台 page, county_a (all panels)", lambda: page("county_a", "/")),
        ("process_deadlines, nothing to do", lambda: deadlines_process(now=timezone.now())),
    ]
    with acting(path="bench"):
        for label, func in figures:
            func()  # warm up
            print(f"{label}: {median_ms(func, args.repeat):.0f} ms")

        if args.skip_full_pass:
            return
        table = Case._meta.db_table
        then = timezone.now()
        expr = (
            "(%s::timestamptz + ((id %% 100) - 60) * interval '1 hour')"
            if connection.vendor == "postgresql"
            else "strftime('%%Y-%%m-%%d %%H:%%M:%%f', %s, ((id %% 100) - 60) || ' hours')"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET status = 'handling', supervision_level = 0, paused_at = NULL, "
                f"merged_into_id = NULL, lead_unit_id = assigning_unit_id, close_due_at = {expr}, "
                f"next_deadline_at = {expr}",
                [connection.ops.adapt_datetimefield_value(then)] * 2,
            )
        analyze(url)
        start = time.perf_counter()
        counts = deadlines_process(now=then, full=True)  # the UPDATE bypassed the services
        elapsed = time.perf_counter() - start
        print(f"pass over {args.rows:,} open cases: {elapsed:.1f} s — {counts}")
        print(
            f"process_deadlines, nothing to do (after): "
            f"{median_ms(lambda: deadlines_process(now=then), args.repeat):.0f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--skip-full-pass", action="store_true", help="stop before the pass over all open cases"
    )
    parser.add_argument(
        "--both", action="store_true", help=f"SQLite, then PostgreSQL ({PG_DEFAULT})"
    )
    args = parser.parse_args()
    if args.both:
        for extra in ([], ["--database-url", PG_DEFAULT]):
            subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--rows",
                    str(args.rows),
                    "--repeat",
                    str(args.repeat),
                    *(["--skip-full-pass"] if args.skip_full_pass else []),
                    *extra,
                ],
                check=True,
            )
        return
    run(args)


if __name__ == "__main__":
    main()
