"""Benchmark: the REST API's list and detail endpoints in this process, per persona, signed in
with a session and with an API token, beside the signed-in JSON floor of the same run (issue 18:
API detail ≥ 1,500 req/s, list of 50 ≥ 300 req/s under load).

    SHANGWU_TESTING=1 .venv/bin/python bench/api_in_process.py [--database-url postgres://…] \
        [--db var/api-bench.sqlite3] [--repeat 41] [--personas leader,city_staff,county_a,township_a1] \
        [--auth session,token] [--only REGEX] [--profile REGEX]

Builds a fresh demo city as ``bench/http_load.py`` does (same settings: DEBUG=0, the bench URL
conf with the floor views), or reuses the SQLite file ``--db`` when it exists (to compare two
checkouts on the same data: copy it, run each checkout's script against its copy, interleaved).
For each endpoint and persona: the status, the number of queries and the median over ``--repeat``
requests of this thread's CPU time (``time.thread_time``: it moves less than wall time with other
people's work on a shared machine), and the ratio to the floor's (``/bench-floor/json/``, a
constant JSON body through the same middleware, signed in), measured at the start and the end.
``--profile`` prints cProfile's top entries (cumulative and own time) for the matching requests.
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

FLOOR = "/bench-floor/json/"


def endpoints(user) -> list[str]:
    """The main API lists (a page of 50) and the detail of the user's first record of each."""
    from shangwu.cases.models import Case
    from shangwu.enterprises.models import Enterprise
    from shangwu.projects.models import Project
    from shangwu.tasks.models import Task

    urls = []
    for prefix, model in (
        ("cases", Case),
        ("enterprises", Enterprise),
        ("projects", Project),
        ("tasks", Task),
    ):
        urls.append(f"/api/{prefix}/?page_size=50")
        first = model.objects.restrict(user, "view").order_by("pk").first()
        if first is not None:
            urls.append(f"/api/{prefix}/{first.pk}/")
    return urls


def timed(get, url: str, repeat: int) -> tuple[int, int, float, float]:
    """(status, queries, median CPU ms, least CPU ms) of ``repeat`` GETs after a warm-up (the
    least moves least with other work on a shared machine)."""
    from django.db import connection

    get(url)
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        status = get(url).status_code
    cpu = []
    for _ in range(repeat):
        start = time.thread_time()
        get(url)
        cpu.append((time.thread_time() - start) * 1000)
    return status, len(queries), statistics.median(cpu), min(cpu)


def profile(get, url: str, repeat: int) -> str:
    get(url)
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(repeat):
        get(url)
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(25)
    return out.getvalue()


def getter(user, auth: str):
    """A GET function signed in as ``user`` by a session or by an API token."""
    from django.test import Client

    from shangwu.accounts.services import api_token_create

    client = Client(HTTP_HOST="127.0.0.1")
    if auth == "session":
        client.force_login(user)
        return client.get
    _token, key = api_token_create(user=user, name="bench")
    return lambda url: client.get(url, HTTP_AUTHORIZATION=f"Token {key}")


def run(args) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="api-bench-"))
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
    from shangwu.accounts.models import User

    if not reuse:
        args.size = "small"
        build(args, tmp)
    floor_get = getter(User.objects.get(username="leader"), "session")
    floor_start = timed(floor_get, FLOOR, args.repeat)[2:]
    rows = []
    for username in args.personas.split(","):
        user = User.objects.get(username=username)
        for auth in args.auth.split(","):
            get = getter(user, auth)
            for url in endpoints(user):
                if args.only and not re.search(args.only, url):
                    continue
                if args.profile and re.search(args.profile, url):
                    print(f"==== profile {url} {username} {auth}")
                    print(profile(get, url, args.repeat))
                status, queries, cpu, least = timed(get, url, args.repeat)
                rows.append((url, username, auth, status, queries, cpu, least))
    floor_end = timed(floor_get, FLOOR, args.repeat)[2:]
    floor = (floor_start[0] + floor_end[0]) / 2
    print(
        f"floor (signed-in JSON): CPU {floor_start[0]:.2f} → {floor_end[0]:.2f} ms "
        f"(least {floor_start[1]:.2f} → {floor_end[1]:.2f})"
    )
    print("| endpoint | persona | auth | status | queries | CPU ms | least CPU ms | × floor CPU |")
    print("|---|---|---|---|---|---|---|---|")
    for url, username, auth, status, queries, cpu, least in rows:
        print(
            f"| `{url}` | {username} | {auth} | {status} | {queries} | {cpu:.2f} | "
            f"{least:.2f} | {cpu / floor:.1f} |"
        )
    shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--db", help="a SQLite file: built once, then reused as it is")
    parser.add_argument("--repeat", type=int, default=41)
    parser.add_argument("--personas", default="leader,city_staff,county_a,township_a1")
    parser.add_argument("--auth", default="session,token")
    parser.add_argument("--only", help="regular expression on the endpoint's URL")
    parser.add_argument("--profile", help="regular expression: profile the matching endpoints")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
