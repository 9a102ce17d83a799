"""Benchmark: the 工作台 of every persona in-process (server time through the Django test client
and its number of queries), beside Django's floor measured in the same run (issue 18).

    SHANGWU_TESTING=1 .venv/bin/python bench/dashboard.py [--size small|full] [--repeat 60] \
        [--database-url postgres://…] [--save-db PATH] [--from-db PATH]

Builds a fresh demo city as ``http_load.py`` does (or copies the SQLite file ``--from-db`` saved
by an earlier run with ``--save-db``, so a before/after pair reads the same data), then for each
persona requests ``/`` ``--repeat`` times and prints the median, the quartiles and the queries,
and the same for the floor views of ``bench/load_urls.py`` (a 50-row table from one query, a
constant JSON body) behind the same middleware. The machine is shared: read the medians beside
the floor of the same run; the process's CPU time per request moves less with other people's
load than the wall time does.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.http_load import FLOOR, build, fresh_database  # noqa: E402


def measure(rows, repeat: int) -> list[tuple[str, str, int, list[float], list[float], int]]:
    from django.db import connection
    from django.test import Client

    from shangwu.accounts.models import User

    result = []
    for username, label, url in rows:
        client = Client(HTTP_HOST="127.0.0.1")
        if username != "anonymous":
            client.force_login(User.objects.get(username=username))
        client.get(url)  # first request of a session: one-off work
        queries = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            status = client.get(url).status_code
        times, cpu = [], []
        for _ in range(repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        result.append((username, label, status, times, cpu, len(queries)))
    return result


def run(args) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="dashboard-bench-"))
    if args.from_db:
        shutil.copy(args.from_db, tmp / "bench.sqlite3")
        url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    else:
        url = fresh_database(args.database_url, tmp)
    os.environ.update(
        {
            "DATABASE_URL": url,
            "MEDIA_ROOT": str(tmp / "media"),
            "STATIC_ROOT": str(tmp / "static"),
            "DJANGO_SETTINGS_MODULE": "bench.load_settings",
            "DEBUG": "0",
            "SECURE_COOKIES": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECRET_KEY": secrets.token_urlsafe(50),
        }
    )
    os.environ.setdefault("SHANGWU_TESTING", "1")
    import django

    django.setup()
    if args.from_db:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("collectstatic", "--noinput", verbosity=0)
    else:
        build(args, tmp)
        if args.save_db and not args.database_url:
            from django.db import connections

            connections.close_all()
            shutil.copy(tmp / "bench.sqlite3", args.save_db)
    from shangwu.core.testing import PERSONAS  # needs django.setup() above

    rows = [(u, "工作台", "/") for u in PERSONAS] + FLOOR
    print(
        f"| request | persona | status | median ms | p25–p75 ms | CPU ms (median) | queries |"
        f"  (× {args.repeat})"
    )
    print("|---|---|---|---|---|---|---|")
    for username, label, status, times, cpu, queries in measure(rows, args.repeat):
        q = statistics.quantiles(times, n=4)
        print(
            f"| {label} | {username} | {status} | {statistics.median(times):.1f} | "
            f"{q[0]:.1f}–{q[2]:.1f} | {statistics.median(cpu):.1f} | {queries} |"
        )
    shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--size", choices=["small", "full"], default="small")
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--save-db", help="keep a copy of the built SQLite demo database here")
    parser.add_argument("--from-db", help="start from a copy of this SQLite demo database")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
