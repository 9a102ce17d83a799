"""Benchmark: import a voucher platform's redemption export end to end, then time the campaign
page and the figures over 5,000,000 redemptions.

    SHANGWU_TESTING=1 .venv/bin/python bench/vouchers_import.py [--rows 1000000]
        [--database-url postgres://postgres@127.0.0.1:5432/shangwu_bench_vouchers]

Generates the exports in child processes (a CSV of ``--rows`` rows, the same rows as .xlsx, an
overlapping CSV of which half is already stored, and the rest up to ``--total`` redemptions),
sets up a fresh database (a SQLite file in a temporary directory, or the given PostgreSQL
database dropped and created anew), migrates, builds the demo regions, users and 300 registry
enterprises, registers a campaign covering every county with four batches, and imports as the
city staff persona through the importer the pages and the API use (upload checks, streaming
read, validate, deduplicate in SQL, write, daily and per-merchant totals, the file kept through
the file service, the audit row), each import in one transaction.

Prints rows/s, this process's CPU time and, on a local PostgreSQL, the server process's; peak
RSS; the .xlsx import against python-calamine's own read of the same file in the same run; the
overlapping re-import with its new / already-stored counts and a check that nothing is counted
twice; and the server time of the campaign page, its figures action and the ``vouchers.``
figures over all the redemptions. Not a test: figures depend on the machine (bench/README.md).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADER = [
    "券批次",
    "券码",
    "核销时间",
    "商户名称",
    "商户统一社会信用代码",
    "县区",
    "订单金额",
    "优惠金额",
]
# name, 面额, 门槛, industry
BATCHES = [
    ("餐饮满100减30", 30, 100, "catering"),
    ("零售满200减50", 50, 200, "retail"),
    ("家电满2000减300", 300, 2000, "appliance"),
    ("文旅满300减80", 80, 300, "tourism"),
]
MERCHANTS = 20_000
DAYS = 61  # 2026-05-01 … 2026-06-30


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def export_rows(start: int, count: int):
    """Rows ``start`` … ``start + count - 1`` of a reproducible export: 20,000 merchants (70 %
    with a credit code, some of them registry enterprises), eight counties, 61 days."""
    counties = ["河东区", "河西区", "新城区", "云水县", "青山县", "桃源县", "临江市", "北岭市"]
    base = datetime.datetime(2026, 5, 1)
    for n in range(start, start + count):
        name, face, threshold, _ = BATCHES[n % 7 % 4]
        m = (n * 7919) % MERCHANTS
        credit = f"91419902{m:09d}X" if m % 10 < 7 else ""
        at = base + datetime.timedelta(days=n % DAYS, seconds=(n * 104_729) % 86_400)
        order = threshold * 100 + (n * 37) % 50_000
        yield [
            name,
            f"YSF{n:012d}",
            at.strftime("%Y-%m-%d %H:%M:%S"),
            f"云河第{m}号商户",
            credit,
            counties[m % len(counties)],
            f"{order // 100}.{order % 100:02d}",
            f"{face}.00",
        ]


def generate(path: Path, start: int, count: int) -> None:
    if path.suffix == ".csv":
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(HEADER)
            writer.writerows(export_rows(start, count))
        return
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    ws = wb.add_worksheet("核销明细")
    ws.write_row(0, 0, HEADER)
    for r, row in enumerate(export_rows(start, count), start=1):
        for c, value in enumerate(row):
            if c >= 6:
                ws.write_number(r, c, float(value))
            else:
                ws.write_string(r, c, value)
    wb.close()


def fresh_database(url: str | None, tmp: Path) -> str:
    if not url:
        return f"sqlite:///{tmp / 'bench.sqlite3'}"
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url


def server_cpu_seconds() -> float | None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--total", type=int, default=5_000_000, help="redemptions for the page")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--no-xlsx", action="store_true")
    parser.add_argument(
        "--files", metavar="DIR", help="keep the generated exports here and reuse them next time"
    )
    parser.add_argument("--generate", nargs=3, metavar=("PATH", "START", "COUNT"))
    args = parser.parse_args()
    if args.generate:  # a child process
        generate(Path(args.generate[0]), int(args.generate[1]), int(args.generate[2]))
        return

    n = args.rows
    tmp = Path(tempfile.mkdtemp(prefix="shangwu-bench-vouchers-"))
    where = Path(args.files) if args.files else tmp
    where.mkdir(parents=True, exist_ok=True)
    rest = max(0, args.total - n // 2 - 2 * n)
    files = {
        "first": (where / f"export-1-{n}.csv", 0, n),
        "overlap": (where / f"export-2-{n}.csv", n // 2, n),
        "rest": (where / f"export-3-{n}-{rest}.csv", n // 2 + n, rest),
    }
    if not args.no_xlsx:
        files["xlsx"] = (where / f"export-b-{n}.xlsx", 0, n)
    t = time.perf_counter()
    children = [
        subprocess.Popen(
            [sys.executable, __file__, "--generate", str(path), str(start), str(count)]
        )
        for path, start, count in files.values()
        if count and not path.exists()
    ]
    for child in children:
        assert child.wait() == 0
    generated = time.perf_counter() - t

    os.environ["DATABASE_URL"] = fresh_database(args.database_url, tmp)
    os.environ.setdefault("SHANGWU_TESTING", "1")
    os.environ["MEDIA_ROOT"] = str(tmp / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shangwu.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Sum
    from django.test import Client

    from shangwu.accounts.demo import build_users
    from shangwu.core import imports
    from shangwu.core.context import acting
    from shangwu.enterprises.demo import build_enterprises
    from shangwu.organization.demo import build_regions_and_units
    from shangwu.organization.models import Region
    from shangwu.vouchers import services
    from shangwu.vouchers.imports import VoucherRedemptionImporter
    from shangwu.vouchers.models import VoucherDaily, VoucherRedemption

    settings.ALLOWED_HOSTS = ["*"]
    print(f"数据库：{connection.vendor}  每个导出文件行数：{n:,}")
    sizes = "，".join(
        f"{p.name} {p.stat().st_size / 1024 / 1024:.0f} MB" for p, _, c in files.values() if c
    )
    print(f"生成导出文件（子进程）：{generated:.1f} s（{sizes}）")

    call_command("migrate", verbosity=0)
    with acting(path="bench"):
        units = build_regions_and_units()
        users = build_users(units)
        build_enterprises(units=units, users=users, count=300)
    actor = users["city_staff"]

    def campaign(name):
        with acting(user=actor, path="bench"):
            c = services.voucher_campaign_create(
                actor=actor,
                name=name,
                funder="city",
                budget=5000,
                platform="unionpay",
                start_on=datetime.date(2026, 5, 1),
                end_on=datetime.date(2026, 6, 30),
                counties=list(Region.objects.filter(level="county")),
                organiser=actor.org_unit,
            )
            for bname, face, threshold, industry in BATCHES:
                services.voucher_batch_add(
                    campaign=c,
                    actor=actor,
                    name=bname,
                    face_value=face,
                    threshold=threshold,
                    quantity=3_000_000,
                    industry=industry,
                )
        return c

    a, b = campaign("乐购云河消费券（基准）"), campaign("乐购云河消费券（xlsx）")
    importer = VoucherRedemptionImporter()

    def run(label, path, target, *, rows):
        c0 = time.process_time()
        s0 = server_cpu_seconds()
        t0 = time.perf_counter()
        kind = imports.check_upload(path, name=path.name, max_bytes=importer.upload_limit())
        with acting(user=actor, path="bench"):
            result = importer.commit(
                rows=importer.read(path, kind), actor=actor, file_name=path.name, campaign=target.pk
            )
        total = time.perf_counter() - t0
        cpu = time.process_time() - c0
        assert result.committed, (result.file_error, result.errors[:5])
        server = "" if s0 is None else f"；数据库服务进程 CPU {server_cpu_seconds() - s0:.2f} s"
        print(
            f"{label}：{total:.2f} s，{rows / total:,.0f} 行/秒；新增 {result.created:,}，"
            f"已存在 {result.unchanged:,}；本进程 CPU {cpu:.2f} s{server}；"
            f"峰值内存 {peak_rss_mib():.0f} MiB"
        )
        return rows / total

    rss_before = peak_rss_mib()
    csv_rate = run("CSV 首次导入", files["first"][0], a, rows=n)
    overlap_rate = run("CSV 重叠导入（一半已存在）", files["overlap"][0], a, rows=n)
    stored = VoucherRedemption.objects.filter(campaign=a).count()
    daily = VoucherDaily.objects.filter(campaign=a).aggregate(s=Sum("redeemed"))["s"]
    expected = n + n // 2
    print(
        f"  重叠导入后：核销记录 {stored:,} 条，日汇总合计 {daily:,} 张（应均为 {expected:,}）："
        f"{'未重复计算' if stored == daily == expected else '不一致！'}"
    )
    if "xlsx" in files:
        from python_calamine import CalamineWorkbook

        path = files["xlsx"][0]
        t0 = time.perf_counter()
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        read = sum(1 for _ in sheet.iter_rows()) - 1
        calamine = read / (time.perf_counter() - t0)
        del sheet
        print(f"python-calamine 自身读取同一 .xlsx：{calamine:,.0f} 行/秒")
        xlsx_rate = run(".xlsx 导入", path, b, rows=n)
        print(f"  .xlsx 导入速度为 calamine 读取速度的 {xlsx_rate / calamine:.0%}（目标 ≥ 60%）")
    if files["rest"][2]:
        run("补足数据的导入", files["rest"][0], a, rows=files["rest"][2])
    total = VoucherRedemption.objects.count()
    print(f"核销记录共 {total:,} 条；日汇总 {VoucherDaily.objects.count():,} 行")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    client = Client()

    def timed(user, url):
        client.force_login(user)
        client.get(url)  # warm-up
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        return statistics.median(times)

    keys = ",".join(
        ["vouchers.redeemed_count", "vouchers.subsidy", "vouchers.consumption", "vouchers.leverage"]
    )
    period = "from=2026-05-01&to=2026-06-30"
    for who in ("city_staff", "county_a"):
        user = users[who]
        print(
            f"{who}：活动页 {timed(user, f'/vouchers/campaigns/{a.pk}/'):.1f} ms；"
            f"活动数字 API {timed(user, f'/api/voucher-campaigns/{a.pk}/figures/'):.1f} ms；"
            f"指标 vouchers.consumption {timed(user, f'/api/figures/vouchers.consumption/?{period}'):.1f} ms；"
            f"杠杆率 {timed(user, f'/api/figures/vouchers.leverage/?{period}'):.1f} ms；"
            f"核销率 {timed(user, f'/api/figures/vouchers.redemption_rate/?{period}'):.1f} ms"
        )
    del keys
    print(
        f"结论：CSV {csv_rate:,.0f} 行/秒、重叠导入 {overlap_rate:,.0f} 行/秒（目标 ≥ 100,000），"
        f"峰值内存 {peak_rss_mib():.0f} MiB（导入前 {rss_before:.0f} MiB，目标 < 1024）"
    )


if __name__ == "__main__":
    main()
