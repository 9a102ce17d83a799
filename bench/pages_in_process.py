"""Benchmark: the server time of every list and detail page, per persona, in this process, beside
Django's floor measured in the same run (issue 18: list pages ≤ 8 ms, detail pages ≤ 12 ms).

    SHANGWU_TESTING=1 .venv/bin/python bench/pages_in_process.py [--database-url postgres://…] \
        [--size small|full] [--repeat 21] [--personas county_a,city_staff,sysadmin,auditor] \
        [--only REGEX] [--db var/pages-bench.sqlite3] [--urls /,/indicators/] [--profile REGEX]

Builds a fresh demo city as ``bench/http_load.py`` does (same settings: DEBUG=0, the bench URL
conf with the floor views), then requests, through the Django test client, every page of the URL
conf whose view is an ``ObjectListView`` (no arguments) or an ``ObjectDetailView`` (the persona's
first record), as each persona. For each: the number of queries, and the median over ``--repeat``
requests of the wall time and of this thread's CPU time (on a shared machine CPU time moves less
with other people's work), and the ratio of the CPU time to the floor's (a 50-row table from one
query through the same middleware, measured at the start and the end).
``--db`` reuses a SQLite file when it exists (built there first otherwise), so two checkouts can be
compared on copies of the same data; ``--urls`` adds pages that are not list or detail views (the
工作台 ``/``, 月通报 ``/indicators/``, 办理统计 ``/cases/statistics/``); ``--profile`` prints
cProfile's top entries (this thread's CPU time as its clock) for the matching requests.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.http_load import build, fresh_database  # noqa: E402

FLOOR = "/bench-floor/table/"


def timed(client, url: str, repeat: int) -> tuple[int, int, float, float, float]:
    """(status, queries, median wall ms, median CPU ms, least CPU ms) of ``repeat`` GETs after a
    warm-up (the least moves least with other work on a shared machine)."""
    from django.db import connection

    client.get(url)
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        status = client.get(url).status_code
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.thread_time()
        client.get(url)
        cpu.append((time.thread_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return status, len(queries), statistics.median(wall), statistics.median(cpu), min(cpu)


def calls(client, url: str) -> int:
    """Python function calls of one request (cProfile's count after three warm-ups):
    deterministic, so it shows a change that the CPU time of a shared machine hides."""
    for _ in range(3):
        client.get(url)
    prof = cProfile.Profile()
    prof.enable()
    client.get(url)
    prof.disable()
    return pstats.Stats(prof).total_calls


def profile(client, url: str, repeat: int) -> str:
    client.get(url)
    prof = cProfile.Profile(time.thread_time)
    prof.enable()
    for _ in range(repeat):
        client.get(url)
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    stats.sort_stats("cumulative").print_stats(70)
    stats.sort_stats("tottime").print_stats(30)
    return out.getvalue()


def pages(user) -> list[tuple[str, str]]:
    """(kind, url) of every list page and of the detail page of the user's first record."""
    from django.urls import NoReverseMatch, reverse

    from shangwu.core.testing import url_patterns
    from shangwu.core.views import ObjectDetailView, ObjectExportView, ObjectListView

    found = []
    for namespace, name, _pattern, view in url_patterns():
        if view is None or issubclass(view, ObjectExportView):
            continue
        full = f"{namespace}:{name}" if namespace else name
        try:
            if issubclass(view, ObjectListView):
                found.append(("list", reverse(full)))
            elif issubclass(view, ObjectDetailView):
                first = view.queryset.all().restrict(user, "view").order_by("pk").first()
                if first is not None:
                    found.append(("detail", reverse(full, kwargs={"pk": first.pk})))
        except NoReverseMatch:
            continue
    return found


def run(args) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="pages-"))
    reuse = args.db and Path(args.db).exists()
    database_url = (
        f"sqlite:///{Path(args.db).resolve()}"
        if args.db
        else fresh_database(args.database_url, tmp)
    )
    os.environ.update(
        {
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(tmp / "media"),
            "STATIC_ROOT": str(tmp / "static"),
            "DJANGO_SETTINGS_MODULE": "bench.load_settings",
            "DEBUG": "0",
            "SECURE_COOKIES": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "SECRET_KEY": secrets.token_urlsafe(50),
        }
    )
    os.environ.setdefault("SHANGWU_TESTING", "1")
    import django

    django.setup()
    from django.test import Client

    from shangwu.accounts.models import User

    if reuse:
        from django.core.management import call_command

        call_command("collectstatic", "--noinput", verbosity=0)
    else:
        build(args, tmp)
    floor_client = Client()
    floor_client.force_login(User.objects.get(username="leader"))
    floor_start = timed(floor_client, FLOOR, args.repeat)
    rows = []
    for username in args.personas.split(","):
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        extra = [("page", url) for url in args.urls.split(",") if url] if args.urls else []
        for kind, url in extra + pages(user):
            if args.only and not re.search(args.only, url):
                continue
            if args.profile and re.search(args.profile, url):
                print(f"==== profile {url} {username}")
                print(profile(client, url, args.repeat))
            status, queries, wall, cpu, least = timed(client, url, args.repeat)
            if status == 200:  # a page the persona may not open is not a figure
                rows.append((kind, url, username, queries, wall, cpu, least, calls(client, url)))
    floor_end = timed(floor_client, FLOOR, args.repeat)
    floor_cpu = (floor_start[3] + floor_end[3]) / 2
    print(
        f"floor (50-row table, one query): CPU {floor_start[3]:.1f} → {floor_end[3]:.1f} ms, "
        f"wall {floor_start[2]:.1f} → {floor_end[2]:.1f} ms"
    )
    print("| page | persona | queries | wall ms | CPU ms | least CPU ms | CPU × floor | calls |")
    print("|---|---|---|---|---|---|---|---|")
    for kind, url, username, queries, wall, cpu, least, count in rows:
        print(
            f"| {kind} `{url}` | {username} | {queries} | {wall:.1f} | {cpu:.1f} | "
            f"{least:.1f} | {cpu / floor_cpu:.1f} | {count} |"
        )
    shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--size", choices=["small", "full"], default="small")
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--personas", default="county_a,city_staff,sysadmin,auditor")
    parser.add_argument("--only", help="regular expression on the page's URL")
    parser.add_argument("--db", help="a SQLite file: built once, then reused as it is")
    parser.add_argument("--urls", help="comma-separated pages to add, e.g. /,/indicators/")
    parser.add_argument("--profile", help="regular expression: profile the matching pages")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
