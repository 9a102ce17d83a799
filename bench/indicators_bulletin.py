"""Benchmark: the 月通报 for one month — page, .docx and .xlsx — with every indicator of the
default catalogue (9, incl. 出口/进口) and 10 counties.

    SHANGWU_TESTING=1 .venv/bin/python bench/indicators_bulletin.py \
        [--database-url postgres://postgres@127.0.0.1:5432/shangwu_bench_ind] [--repeat 10]

Sets up a fresh database (SQLite in a temp dir, or the given PostgreSQL database dropped and
created), migrates, builds the demo regions and users plus two more counties (10 in all), the
indicator demo (24 months), and then times, as ``city_staff`` through Django's test client
(server side, median of ``--repeat``): the bulletin page, the .docx and the .xlsx downloads.
Goals: page < 300 ms; .docx and .xlsx < 2 s each.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def fresh_database(url: str | None, tmp: Path) -> str:
    if not url:
        return f"sqlite:///{tmp / 'bench.sqlite3'}"
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-ind-"))
    os.environ["DATABASE_URL"] = fresh_database(args.database_url, tmp)
    os.environ.setdefault("SHANGWU_TESTING", "1")
    os.environ["MEDIA_ROOT"] = str(tmp / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shangwu.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from shangwu.accounts.demo import build_users
    from shangwu.accounts.models import User
    from shangwu.core.context import acting
    from shangwu.indicators import demo
    from shangwu.organization.choices import RegionLevel
    from shangwu.organization.demo import build_regions_and_units
    from shangwu.organization.models import Region

    setup_test_environment()
    call_command("migrate", verbosity=0)
    with acting(path="bench"):
        units = build_regions_and_units()
        build_users(units)
        city = Region.objects.get(level=RegionLevel.CITY)
        for order, (code, name) in enumerate(
            [("419983", "南港市"), ("419924", "石桥县")], start=20
        ):
            Region.objects.get_or_create(
                code=code,
                defaults={
                    "name": name,
                    "level": RegionLevel.COUNTY,
                    "parent": city,
                    "sort_order": order,
                },
            )
        demo.COUNTY_WEIGHT.update({"419983": 0.08, "419924": 0.05})
        started = time.perf_counter()
        print(demo.build(units=units, users=None, size="small"))
        print(f"demo build: {time.perf_counter() - started:.1f} s")

    client = Client()
    client.force_login(User.objects.get(username="city_staff"))
    counties = Region.objects.filter(level=RegionLevel.COUNTY).count()

    def timed(url: str) -> tuple[float, float, int]:
        """Median wall time and median CPU time of this process (the machine may be shared)."""
        times, cpu, size = [], [], 0
        for _ in range(args.repeat):
            t, c = time.perf_counter(), time.process_time()
            response = client.get(url, HTTP_HOST="localhost")
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
            assert response.status_code == 200, (url, response.status_code)
            size = len(response.content)
        return statistics.median(times), statistics.median(cpu), size

    db = "PostgreSQL" if args.database_url else "SQLite"
    print(f"database: {db}; counties: {counties}; month: 2026-10")
    for label, url, goal in (
        ("bulletin page", "/indicators/?month=2026-10", 0.3),
        ("bulletin .docx", "/indicators/bulletin.docx?month=2026-10", 2.0),
        ("bulletin .xlsx", "/indicators/bulletin.xlsx?month=2026-10", 2.0),
    ):
        seconds, cpu, size = timed(url)
        verdict = "OK" if seconds < goal else "SLOW"
        print(
            f"{label:16s} median {seconds * 1000:7.1f} ms (cpu {cpu * 1000:6.1f} ms, {size / 1024:.0f} KiB)"
            f"  goal < {goal * 1000:.0f} ms  {verdict}"
        )
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
