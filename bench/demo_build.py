"""The demo city's build (``demo_data --size small|full``) on a fresh SQLite database in a
temporary folder: CPU and wall time, per app, and the rows it made.

    SHANGWU_TESTING=1 .venv/bin/python bench/demo_build.py --size full [--json out.json] [--profile out.prof]
    .venv/bin/python bench/demo_build.py --compare before.json after.json

``--json`` writes the times and the rows per model and per audit action and object type;
``--compare`` says whether two builds (before and after a change) made the same rows. On the
shared 2-core machine the wall time follows the load: compare CPU times, measured interleaved.
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

APPS = [
    ("shangwu.organization.demo", "build_regions_and_units"),
    ("shangwu.accounts.demo", "build_users"),
    ("shangwu.enterprises.demo", "build_enterprises"),
    ("shangwu.projects.demo", "build"),
    ("shangwu.cases.demo", "build"),
    ("shangwu.indicators.demo", "build"),
    ("shangwu.tasks.demo", "build"),
    ("shangwu.promotion.demo", "build"),
    ("shangwu.subsidies.demo", "build"),
    ("shangwu.core.demo", "build"),
]


def compare(before: str, after: str) -> int:
    a, b = json.loads(Path(before).read_text()), json.loads(Path(after).read_text())
    differences = [
        f"{key} {name}: {a[key].get(name)} → {b[key].get(name)}"
        for key in ("rows", "audit")
        for name in sorted(set(a[key]) | set(b[key]))
        if a[key].get(name) != b[key].get(name)
    ]
    print("\n".join(differences) or f"同样的记录：{sum(a['rows'].values())} 行，各表行数相同。")
    return 1 if differences else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=["small", "full"], default="full")
    parser.add_argument("--json", help="write times and row counts here")
    parser.add_argument("--profile", help="write a cProfile (CPU time) of the build here")
    parser.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args()
    if args.compare:
        return compare(*args.compare)

    tmp = tempfile.mkdtemp(prefix="demo-build-")
    os.environ.setdefault("SHANGWU_TESTING", "1")
    os.environ["SHANGWU_VAR_DIR"] = tmp
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/demo.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "shangwu.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.apps import apps
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    per_app: dict[str, float] = {}

    def timed(module_name: str, attr: str) -> None:
        module = importlib.import_module(module_name)
        build = getattr(module, attr)

        def wrapper(*args, **kwargs):
            start = time.process_time()
            try:
                return build(*args, **kwargs)
            finally:
                app = module_name.split(".")[1]
                per_app[app] = per_app.get(app, 0) + time.process_time() - start

        setattr(module, attr, wrapper)

    for module_name, attr in APPS:
        timed(module_name, attr)
    profile = None
    if args.profile:
        import cProfile

        profile = cProfile.Profile(time.process_time)
        profile.enable()
    cpu, wall = time.process_time(), time.perf_counter()
    call_command("demo_data", "--size", args.size, stdout=io.StringIO())
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if profile is not None:
        profile.disable()
        profile.dump_stats(args.profile)
    print(f"demo_data --size {args.size}: CPU {cpu:.1f} s, wall {wall:.1f} s")
    print("  " + ", ".join(f"{app} {seconds:.1f} s" for app, seconds in per_app.items()))
    if args.json:
        from shangwu.audit.models import AuditLog

        rows = {m._meta.label: m._base_manager.count() for m in apps.get_models()}
        audit = Counter(
            f"{action} {object_type}"
            for action, object_type in AuditLog.objects.values_list("action", "object_type")
        )
        Path(args.json).write_text(
            json.dumps(
                {"cpu": cpu, "wall": wall, "per_app": per_app, "rows": rows, "audit": audit},
                ensure_ascii=False,
                indent=1,
                sort_keys=True,
            )
        )
    from django.db import connection

    connection.close()
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
