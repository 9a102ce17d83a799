"""Where a page's time goes: this thread's CPU time split into labelled regions (issue 18).

    SHANGWU_TESTING=1 .venv/bin/python bench/pages_regions.py --db COPY.sqlite3 \
        --persona county_a --urls /cases/,/cases/5/ [--repeat 15] [--nodes]

A cheaper, less distorting view than cProfile (whose clock is called twice per function call, so
its shares follow call counts): a few functions are wrapped, and each region's **exclusive** CPU
time (its own, minus the regions inside it) is summed per request — the signed-in user and
session, the filter set, the table's read and its cells, the form widgets, the menu, the unread
badge, the ORM's SQL compilation and run, ``get_object``, and each template by name (what a
template renders itself, lazy querysets' row building included; its includes are their own
regions). ``--nodes`` splits the templates further, one region per template tag or variable
(slower: every node is timed). The least-mean of three rounds of ``--repeat`` requests is shown.
Reuses a demo database built by ``bench/pages_in_process.py --db``.
"""

from __future__ import annotations

import argparse
import collections
import functools
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

exclusive: dict = collections.defaultdict(float)
stack: list = []


def _enter(label):
    now = time.thread_time()
    if stack:
        exclusive[stack[-1][0]] += now - stack[-1][1]
    stack.append([label, now])


def _leave():
    now = time.thread_time()
    label, start = stack.pop()
    exclusive[label] += now - start
    if stack:
        stack[-1][1] = now


def wrap(owner, name, label):
    fn = getattr(owner, name)

    @functools.wraps(fn)
    def timed(*args, **kwargs):
        _enter(label(*args, **kwargs) if callable(label) else label)
        try:
            return fn(*args, **kwargs)
        finally:
            _leave()

    setattr(owner, name, timed)


def node_label(node, context):
    token, origin = getattr(node, "token", None), getattr(node, "origin", None)
    where = f"{origin.template_name if origin else '?'}:{token.lineno if token else '?'}"
    return f"node {where} {token.contents[:60] if token else type(node).__name__}"


def instrument(nodes: bool) -> None:
    import django.contrib.auth as auth
    from django.core.handlers import base as handlers
    from django.db.backends import utils as db_utils
    from django.db.models.sql import compiler
    from django.forms import boundfield
    from django.template import base as template_base

    from shangwu.core import context_processors, tables, views, views_dashboard

    if nodes:
        wrap(template_base.Node, "render_annotated", node_label)
    else:
        wrap(template_base.Template, "render", lambda t, c: f"template {t.origin.template_name}")
        wrap(template_base.Template, "_render", lambda t, c: f"template {t.origin.template_name}")
    wrap(tables.Table, "body_html", "table cells")
    wrap(tables.Table, "row_objects", "table rows read")
    wrap(boundfield.BoundField, "__str__", "form widgets")
    wrap(views.ObjectListView, "filtered", "filter set")
    wrap(views.ListPaginator, "get_page", "paginator")
    wrap(views.BaseObjectView, "get_object", "get_object")
    wrap(context_processors, "_menu", "menu")
    wrap(views_dashboard, "unread_figure", "unread badge")
    wrap(auth, "get_user", "signed-in user + session")
    wrap(compiler.SQLCompiler, "as_sql", "SQL compile")
    wrap(db_utils.CursorWrapper, "_execute", "SQL run")
    wrap(handlers.BaseHandler, "get_response", "request (the rest)")


def run(args) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="regions-"))
    os.environ.update(
        {
            "DATABASE_URL": f"sqlite:///{Path(args.db).resolve()}",
            "MEDIA_ROOT": str(tmp / "media"),
            "STATIC_ROOT": str(tmp / "static"),
            "DJANGO_SETTINGS_MODULE": "bench.load_settings",
            "DEBUG": "0",
            "SECURE_COOKIES": "0",
            "ALLOWED_HOSTS": "testserver",
            "SECRET_KEY": secrets.token_urlsafe(50),
        }
    )
    os.environ.setdefault("SHANGWU_TESTING", "1")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from shangwu.accounts.models import User

    call_command("collectstatic", "--noinput", verbosity=0)
    instrument(args.nodes)
    client = Client()
    client.force_login(User.objects.get(username=args.persona))
    for url in args.urls.split(","):
        for _ in range(3):
            client.get(url)
        best = None
        for _round in range(3):
            exclusive.clear()
            spent = []
            for _ in range(args.repeat):
                start = time.thread_time()
                client.get(url)
                spent.append(time.thread_time() - start)
            mean = sum(spent) / len(spent)
            if best is None or mean < best[0]:
                best = (mean, min(spent), dict(exclusive))
        mean, least, regions = best
        print(f"== {url} {args.persona}: mean {mean * 1000:.2f} ms, least {least * 1000:.2f} ms")
        for label, spent_in in sorted(regions.items(), key=lambda kv: -kv[1]):
            ms = spent_in / args.repeat * 1000
            if ms >= 0.05:
                print(f"  {ms:6.2f} ms  {label}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--persona", default="county_a")
    parser.add_argument("--urls", default="/cases/,/cases/5/")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--nodes", action="store_true")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
