"""Benchmark: every navigation page and the main API endpoints under HTTP load, against Django's
own floor measured in the same run (issue 18).

    SHANGWU_TESTING=1 .venv/bin/python bench/http_load.py [--database-url postgres://…] \
        [--size small|full] [--duration 10] [--connections 32] \
        [--servers sync:4,gthread:2x4,granian:2x4] [--only REGEX]

1. Builds a fresh demo city (``demo_data --size``) in a temporary SQLite file, or in the named
   PostgreSQL database (dropped and created), collects the static files, ANALYZE.
2. In this process (DEBUG=0, the same settings as the server): each page's server time through the
   Django test client (median of ``--repeat``) and its number of queries.
3. Starts the server as ``scripts/demo.sh`` runs it (granian, 4 workers × 1 thread; production
   mode: DEBUG=0, no SHANGWU_TESTING; ``--servers`` names others to compare in the same run,
   e.g. ``sync:4,gthread:2x4,granian:4x1``) on a free 127.0.0.1 port with the
   bench-only settings ``bench/load_settings.py`` (the platform's URL conf plus the floor views of
   ``bench/load_urls.py``), signs in as leader, city_staff and county_a through the login form.
4. Loads each persona's navigation pages (``core.navigation.menu_for``), the API (cases list of
   50, a case, enterprises list of 50) and the two floor views with ``wrk -t2 -c<connections>
   -d<duration>s --latency`` (a bounded Python thread client when wrk is missing), one request
   after the other, and prints the table with the ratio of each req/s to the floor of the same
   run (pages: the 50-row table; API: the JSON view), then each worker's RSS.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PERSONAS = ["leader", "city_staff", "county_a"]
COOKIE = "shangwu_session"


def fresh_database(url: str | None, tmp: Path) -> str:
    if not url:
        return f"sqlite:///{tmp / 'bench.sqlite3'}"
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- setup and in-process figures -------------------------------------------------------------


def build(args, tmp: Path) -> None:
    from django.core.management import call_command
    from django.db import connection

    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("demo_data", "--size", args.size, stdout=open(os.devnull, "w"))
    call_command("collectstatic", "--noinput", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    from shangwu.cases.models import Case
    from shangwu.enterprises.models import Enterprise

    print(
        f"demo city ({args.size}) on {connection.vendor}: {Case.objects.count():,} cases, "
        f"{Enterprise.objects.count():,} enterprises, built in {time.perf_counter() - start:.0f} s"
    )


def targets() -> list[tuple[str, str, str]]:
    """(persona, label, url): each persona's navigation pages, then the API, then the floor."""
    from shangwu.accounts.models import User
    from shangwu.cases.models import Case
    from shangwu.core.navigation import menu_for

    rows = []
    for username in PERSONAS:
        user = User.objects.get(username=username)
        for _group, items in menu_for(user):
            for item in items:
                rows.append((username, item["label"], item["url"]))
        case = Case.objects.restrict(user, "view").order_by("pk").first()
        rows += [
            (username, "API 案件列表 50", "/api/cases/?page_size=50"),
            (username, "API 案件详情", f"/api/cases/{case.pk}/"),
            (username, "API 企业列表 50", "/api/enterprises/?page_size=50"),
        ]
    return rows + FLOOR


# Django's floor: the same middleware, a 50-row table from one query, a constant JSON body; and the
# JSON body signed out (no session read or written: the fixed per-request cost of a session).
FLOOR = [
    ("leader", "FLOOR 50行表格", "/bench-floor/table/"),
    ("leader", "FLOOR JSON", "/bench-floor/json/"),
    ("anonymous", "FLOOR JSON 未登录", "/bench-floor/json/"),
]


def in_process(rows, repeat: int) -> dict[tuple[str, str], tuple[int, float, int]]:
    """(persona, url) → (status, median ms, queries) through the test client, this process."""
    from django.db import connection
    from django.test import Client

    from shangwu.accounts.models import User

    clients = {}
    result = {}
    for username, _label, url in rows:
        if username not in clients:
            clients[username] = Client(HTTP_HOST="127.0.0.1")
            if username != "anonymous":
                clients[username].force_login(User.objects.get(username=username))
        client = clients[username]
        client.get(url)  # warm up (caches, first-request work)
        queries = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(
            count
        ):  # the client's request_started clears connection.queries
            status = client.get(url).status_code
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        result[(username, url)] = (status, statistics.median(times), len(queries))
    return result


# --- the server ---------------------------------------------------------------------------------


def parse_server(spec: str) -> tuple[str, int, int]:
    """``sync:4``, ``gthread:2x4``, ``granian:2x4`` → (kind, workers, threads)."""
    kind, _, size = spec.partition(":")
    workers, _, threads = (size or "2").partition("x")
    if kind not in ("sync", "gthread", "granian") or not workers.isdigit():
        raise SystemExit(f"--servers: {spec!r} is not sync:N, gthread:NxT or granian:NxT")
    return kind, int(workers), int(threads or 1)


def server_label(spec: str) -> str:
    kind, workers, threads = parse_server(spec)
    if kind == "sync":
        return f"gunicorn sync, {workers} workers"
    if kind == "gthread":
        return f"gunicorn gthread, {workers} workers × {threads} threads"
    return f"granian WSGI, {workers} workers × {threads} blocking threads"


def start_server(spec: str, env: dict, port: int) -> subprocess.Popen:
    kind, workers, threads = parse_server(spec)
    if kind == "granian":
        cmd = [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            "wsgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--blocking-threads",
            str(threads),
            "--no-ws",
            "--log-level",
            "warning",
            "shangwu.wsgi:application",
        ]
    else:
        cmd = [
            sys.executable,
            "-m",
            "gunicorn",
            "shangwu.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            kind,
            "--error-logfile",
            "-",
            "--log-level",
            "warning",
        ]
        if kind == "gthread":
            cmd += ["--threads", str(threads)]
    server = subprocess.Popen(cmd, env=env, cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"{spec}: the server exited with {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/accounts/login/")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    stop_server(server)
    raise SystemExit(f"{spec}: the server did not answer within 60 s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


def server_processes(master: int):
    """``(is_master, fields)`` for the server's master and each worker, ``fields`` being
    /proc/<pid>/stat after the command name (state, parent, …)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if entry.name == str(master) or fields[1] == str(master):
            yield entry.name == str(master), fields


def server_cpu(master: int) -> float:
    """CPU seconds (user + system) used so far by the server, threads included. Per request it
    does not depend on what else the machine runs, unlike req/s."""
    ticks = sum(int(f[11]) + int(f[12]) for _m, f in server_processes(master))  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def worker_rss(master: int) -> list[float]:
    """RSS (MiB) of the server's worker processes."""
    page = os.sysconf("SC_PAGE_SIZE")
    return sorted(
        int(f[21]) * page / 2**20 for is_master, f in server_processes(master) if not is_master
    )


def sign_in(base: str, username: str, password: str) -> str:
    import requests

    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = session.post(
        f"{base}/accounts/login/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": password},
        headers={"Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
        timeout=60,
    )
    if response.status_code != 302 or COOKIE not in session.cookies:
        raise SystemExit(f"{username}: sign-in failed ({response.status_code})")
    return "; ".join(f"{k}={v}" for k, v in session.cookies.items())


# --- load generators ------------------------------------------------------------------------------


def wrk_load(url: str, cookie: str, args) -> dict:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{args.connections}",
            f"-d{args.duration}s",
            "--latency",
            "--timeout",
            "10s",
            *(["-H", f"Cookie: {cookie}"] if cookie else []),
            url,
        ],
        capture_output=True,
        text=True,
        timeout=args.duration + 60,
    ).stdout

    def ms(label):
        found = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\b", out, re.M)
        if not found:
            return None
        value, unit = float(found.group(1)), found.group(2)
        return value * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    done = re.search(r"(\d+) requests in", out)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "requests": int(done.group(1)) if done else 0,
        "p50": ms("50%"),
        "p99": ms("99%"),
        "bad": int(bad.group(1)) if bad else 0,
        "errors": errors.group(0) if errors else "",
    }


def thread_load(url: str, cookie: str, args) -> dict:
    """Fallback without wrk: ``--connections`` threads, keep-alive, for ``--duration`` seconds."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies: list[float] = []
    bad = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + args.duration

    def worker():
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        mine, mine_bad = [], 0
        while time.monotonic() < stop_at:
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
                response = conn.getresponse()
                response.read()
                if response.status >= 400:
                    mine_bad += 1
            except (OSError, http.client.HTTPException):
                mine_bad += 1
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
            mine.append((time.perf_counter() - start) * 1000)
        with lock:
            latencies.extend(mine)
            bad[0] += mine_bad

    threads = [threading.Thread(target=worker) for _ in range(args.connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=args.duration + 30)
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] if latencies else None

    return {
        "rps": len(latencies) / args.duration,
        "requests": len(latencies),
        "p50": pct(0.5),
        "p99": pct(0.99),
        "bad": bad[0],
        "errors": "",
    }


# --- main -----------------------------------------------------------------------------------------------


def fmt(value, spec, missing="—"):
    return missing if value is None else format(value, spec)


def run(args) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="http-load-"))
    url = fresh_database(args.database_url, tmp)
    env_common = {
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(tmp / "media"),
        "STATIC_ROOT": str(tmp / "static"),
        "DJANGO_SETTINGS_MODULE": "bench.load_settings",
        "DEBUG": "0",
        "SECURE_COOKIES": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECRET_KEY": secrets.token_urlsafe(50),
    }
    os.environ.update(env_common)
    os.environ.setdefault("SHANGWU_TESTING", "1")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connections

    build(args, tmp)
    rows = targets()
    if args.only:
        rows = [
            r
            for r in rows
            if re.search(args.only, f"{r[0]} {r[1]} {r[2]}") or r[1].startswith("FLOOR")
        ]
    start = time.perf_counter()
    local = in_process(rows, args.repeat)
    print(
        f"in-process figures ({len(rows)} requests × {args.repeat}): {time.perf_counter() - start:.0f} s"
    )
    connections.close_all()

    server_env = {k: v for k, v in os.environ.items() if k != "SHANGWU_TESTING"}
    server_env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT), server_env.get("PYTHONPATH", "")]
    ).rstrip(os.pathsep)
    generator = wrk_load if shutil.which("wrk") and not args.python_client else thread_load
    runs = {}
    for spec in args.servers.split(","):
        runs[spec] = load_server(spec, rows, server_env, generator, settings.DEMO_PASSWORD, args)
        print_table(spec, rows, local, *runs[spec])
    if len(runs) > 1:
        print_comparison(rows, runs)
    shutil.rmtree(
        tmp, ignore_errors=True
    )  # the SQLite file, media and static (a PostgreSQL database stays)


def load_server(spec, rows, env, generator, password, args):
    """Start the server ``spec``, load every row (the floor first and last), stop it."""
    port = free_port()
    server = start_server(spec, env, port)
    base = f"http://127.0.0.1:{port}"
    results = {}
    try:
        cookies = {u: sign_in(base, u, password) for u in PERSONAS} | {"anonymous": ""}
        print(
            f"server: {server_label(spec)}; load: "
            f"{'wrk -t2' if generator is wrk_load else 'Python threads'} "
            f"-c{args.connections} -d{args.duration}s per request"
        )
        # The floor first and last: the machine's load moves during a long run.
        floor_start = {
            (u, p): generator(base + p, cookies[u], args)["rps"] for u, _label, p in FLOOR
        }
        for username, _label, path in rows:
            cpu = server_cpu(server.pid)
            results[(username, path)] = generator(base + path, cookies[username], args)
            served = results[(username, path)]["requests"]
            results[(username, path)]["cpu_ms"] = (
                (server_cpu(server.pid) - cpu) * 1000 / served if served else None
            )
            time.sleep(0.5)
        rss = worker_rss(server.pid)
    finally:
        stop_server(server)
    floor_end = {key: results[key]["rps"] for key in floor_start}
    return results, floor_start, floor_end, rss


def floor_of(path, floor_start, floor_end):
    """The floor a row is compared with (pages: the 50-row table; API: the JSON view, signed
    in), the mean of its req/s at the start and at the end of the run."""
    key = (
        ("leader", "/bench-floor/json/")
        if path.startswith("/api/") or path.endswith("/json/")
        else ("leader", "/bench-floor/table/")
    )
    return (floor_start[key] + floor_end[key]) / 2 or None


def print_table(spec, rows, local, results, floor_start, floor_end, rss) -> None:
    print()
    print(f"### {server_label(spec)}")
    print()
    print(
        "| request | persona | status | req/s | p50 ms | p99 ms | non-2xx | server CPU ms/req "
        "| in-process ms | queries | × floor |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for username, label, path in rows:
        status, ms, queries = local[(username, path)]
        load = results[(username, path)]
        base_rps = floor_of(path, floor_start, floor_end)
        ratio = f"{load['rps'] / base_rps:.1%}" if base_rps else "—"
        print(
            f"| {label} `{path}` | {username} | {status} | {load['rps']:.1f} | {fmt(load['p50'], '.0f')} | "
            f"{fmt(load['p99'], '.0f')} | {load['bad']} | {fmt(load.get('cpu_ms'), '.2f')} | "
            f"{ms:.1f} | {queries} | {ratio} |"
        )
        if load["errors"]:
            print(f"|   ↳ {load['errors']} |")
    print()
    print(
        "× floor: pages against the 50-row table floor, API against the JSON floor (signed in), each "
        "the mean of the floor's req/s at the start and at the end of the run: "
        + "; ".join(
            f"{label} {floor_start[(u, p)]:.0f} → {floor_end[(u, p)]:.0f}" for u, label, p in FLOOR
        )
    )
    print("worker RSS after the load: " + ", ".join(f"{r:.0f} MiB" for r in rss))


def print_comparison(rows, runs) -> None:
    """One line per request: each server's req/s and its ratio to that server's own floor."""
    specs = list(runs)
    print()
    print(
        "### servers compared: req/s (× the floor of the same server's run), server CPU ms per request"
    )
    print()
    print("| request | persona | " + " | ".join(specs) + " |")
    print("|---|---|" + "---|" * len(specs))
    for username, label, path in rows:
        cells = []
        for spec in specs:
            results, floor_start, floor_end, _rss = runs[spec]
            rps = results[(username, path)]["rps"]
            base_rps = floor_of(path, floor_start, floor_end)
            cpu = fmt(results[(username, path)].get("cpu_ms"), ".2f")
            share = f" ({rps / base_rps:.0%})" if base_rps else ""
            cells.append(f"{rps:.0f}{share}, {cpu} ms")
        print(f"| {label} | {username} | " + " | ".join(cells) + " |")
    print(
        "worker RSS after the load: "
        + "; ".join(f"{spec} " + ", ".join(f"{r:.0f}" for r in runs[spec][3]) for spec in specs)
        + " MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--size", choices=["small", "full"], default="small")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per request")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--servers",
        default="granian:4x1",
        help="comma-separated servers to load one after the other: sync:N (gunicorn sync, N "
        "workers), gthread:NxT (gunicorn, N workers × T threads), granian:NxT (granian WSGI, N "
        "workers × T blocking threads; needs granian importable)",
    )
    parser.add_argument(
        "--repeat", type=int, default=15, help="in-process requests per page (median)"
    )
    parser.add_argument(
        "--only", help="regular expression on 'persona label url' (the floor always runs)"
    )
    parser.add_argument(
        "--python-client", action="store_true", help="the thread client even if wrk exists"
    )
    args = parser.parse_args()
    if args.duration < 1 or args.duration > 120 or args.connections < 1 or args.connections > 256:
        parser.error("--duration 1..120, --connections 1..256")
    run(args)


if __name__ == "__main__":
    main()
