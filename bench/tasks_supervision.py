"""Benchmark: key-task supervision (重点任务督办) with a large plan.

    SHANGWU_TESTING=1 .venv/bin/python bench/tasks_supervision.py \
        [--database-url postgres://postgres@127.0.0.1:5432/shangwu_bench_tasks] [--tasks 200] [--repeat 10]

Sets up a fresh database (SQLite in a temp dir, or the given PostgreSQL database dropped and
created), migrates, builds the demo regions and users and the tasks demo, then:

* writes a plan of ``--tasks`` tasks in 10 sections as a .docx and times reading it
  (``docx_lines``), parsing it into the preview tree, and saving it (``plan_import``);
* files ten monthly reports for every task (``report_submit``, per report);
* times, as ``leader`` through Django's test client (server side, median of ``--repeat``): the
  plan page (report grid), the 督办通报 page, its .xlsx and .docx, and the 工作台.

Goals: read + parse a 200-task .docx < 1 s; plan_import < 5 s; plan page and bulletin < 500 ms;
.docx/.xlsx < 2 s; 工作台 < 300 ms.
"""

from __future__ import annotations

import argparse
import datetime
import io
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


def plan_lines(tasks: int) -> list[str]:
    from shangwu.tasks.parser import int_to_cn

    units = [
        "外贸科",
        "外资科",
        "投资促进科",
        "市场运行与消费促进科",
        "电子商务科",
        "流通科",
        "河东区商务局",
        "云水县商务局",
    ]
    lines = ["2030年全市商务工作要点（基准测试）", "主要预期目标：外贸进出口总额增长5%以上。"]
    per_section = -(-tasks // 10)
    n = 0
    for s in range(1, 11):
        lines.append(f"{int_to_cn(s)}、第{s}方面重点工作。坚持稳中求进。")
        for _ in range(per_section):
            n += 1
            if n > tasks:
                break
            lead = units[n % len(units)]
            co = units[(n + 3) % len(units)]
            lines.append(
                f"{n}．推进第{n}项重点任务。全年完成培训{n * 10}人次，力争引进3-5个项目。"
                f"（牵头单位：{lead}；配合单位：{co}；完成时限：2026年12月底）"
            )
            lines.append("时间节点：6月底前，完成阶段目标；9月底前，完成主体工作。")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-tasks-"))
    os.environ["DATABASE_URL"] = fresh_database(args.database_url, tmp)
    os.environ.setdefault("SHANGWU_TESTING", "1")
    os.environ["MEDIA_ROOT"] = str(tmp / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shangwu.settings")
    import django

    django.setup()
    import docx
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from django.utils import timezone

    from shangwu.accounts.demo import build_users
    from shangwu.accounts.models import User
    from shangwu.core.context import acting
    from shangwu.tasks import demo, services
    from shangwu.tasks import parser as plan_parser
    from shangwu.tasks.models import Plan

    setup_test_environment()
    call_command("migrate", verbosity=0)
    with acting(path="bench"):
        from shangwu.organization.demo import build_regions_and_units

        units = build_regions_and_units()
        users = build_users(units)
        started = time.perf_counter()
        print(demo.build(units=units, users=users, size="full"))
        print(f"demo build: {time.perf_counter() - started:.1f} s")

        document = docx.Document()
        for line in plan_lines(args.tasks):
            document.add_paragraph(line)
        buffer = io.BytesIO()
        document.save(buffer)
        buffer.seek(0)
        started = time.perf_counter()
        lines = plan_parser.docx_lines(buffer)
        read = time.perf_counter() - started
        started = time.perf_counter()
        _, tree = plan_parser.parse_lines(lines, year=2026, unit_names=services.unit_names())
        parse = time.perf_counter() - started
        started = time.perf_counter()
        plan = services.plan_import(title="基准测试工作要点", year=2026, tree=tree, actor=None)
        save = time.perf_counter() - started
        print(
            f"{args.tasks}-task .docx: read {read * 1000:.0f} ms, parse {parse * 1000:.0f} ms "
            f"({tree['task_count']} tasks), plan_import {save:.2f} s"
        )

        tasks = list(plan.tasks.select_related("plan", "lead_unit"))
        started = time.perf_counter()
        count = 0
        for cycle in range(1, 11):
            for task in tasks:
                due = datetime.date(2026, cycle, 20)
                services.report_submit(
                    task=task,
                    unit=task.lead_unit,
                    cycle=cycle,
                    text="进展",
                    actor=None,
                    submitted_at=timezone.make_aware(
                        datetime.datetime.combine(due, datetime.time(10))
                    ),
                )
                count += 1
        elapsed = time.perf_counter() - started
        print(
            f"report_submit: {count} reports in {elapsed:.1f} s — {elapsed / count * 1000:.1f} ms per report"
        )

    client = Client()
    client.force_login(User.objects.get(username="leader"))
    plan = Plan.objects.get(title="基准测试工作要点")

    def timed(label, url, params=None):
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            response = client.get(url, params or {})
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
        print(f"{label}: median {statistics.median(times) * 1000:.0f} ms")

    timed("plan page (report grid)", plan.get_absolute_url())
    timed("督办通报 page", reverse("tasks:report"), {"plan": plan.pk, "cycle": 10})
    timed("督办通报 .xlsx", reverse("tasks:report_xlsx"), {"plan": plan.pk, "cycle": 10})
    timed("督办通报 .docx", reverse("tasks:report_docx"), {"plan": plan.pk, "cycle": 10})
    timed("工作台", reverse("core:dashboard"))


if __name__ == "__main__":
    main()
