"""Save every HTML page a persona can open, to compare two checkouts byte for byte (issue 18).

    SHANGWU_TESTING=1 .venv/bin/python bench/pages_snapshot.py --db COPY.sqlite3 --out DIR \
        [--personas leader,city_staff,county_a,county_b,township_a1,sysadmin,secadmin,auditor] \
        [--records 3]
    diff -r DIR_BEFORE DIR_AFTER

Run it from each checkout on its own copy of one demo database (``bench/pages_in_process.py --db``
builds one): every page of the URL conf without arguments (list pages, the 工作台, 月通报, forms to
add), and for each view of one record (``pk``: detail, edit, action forms, print sheets) the
persona's first ``--records`` records; plus every list page with an invalid filter (its warning
message) and its htmx table fragment. Only HTML answers are kept; the CSRF token (random per
request) is masked. A page is written as ``DIR/<persona>/<url>.html`` with its status code first.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PERSONAS = "leader,city_staff,county_a,county_b,township_a1,sysadmin,secadmin,auditor"
CSRF = re.compile(r'((?:name="csrfmiddlewaretoken" value|name="csrf-token" content)=")[^"]+"')


def urls(user, records: int) -> list[str]:
    from django.urls import NoReverseMatch, reverse

    from shangwu.core.testing import url_patterns
    from shangwu.core.views import ObjectListView

    found = []
    for namespace, name, pattern, view in url_patterns():
        full = f"{namespace}:{name}" if namespace else name
        keys = set(getattr(pattern, "converters", {}) or {})
        if not keys:
            try:
                url = reverse(full)
            except NoReverseMatch:
                continue
            found.append(url)
            if view is not None and issubclass(view, ObjectListView):
                found.append(url + "?page=x&per_page=y&q=%3Cb%3E&created_from=not-a-date")
                found.append(url + "?page=2")
            continue
        queryset = getattr(view, "queryset", None)
        if keys != {"pk"} or queryset is None:
            continue
        try:
            pks = list(
                queryset.all()
                .restrict(user, "view")
                .order_by("pk")
                .values_list("pk", flat=True)[:records]
            )
        except Exception:  # noqa: BLE001 (a view whose queryset this user cannot restrict)
            continue
        for pk in pks:
            try:
                found.append(reverse(full, kwargs={"pk": pk}))
            except NoReverseMatch:
                continue
    return found


def run(args) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="snapshot-"))
    os.environ.update(
        {
            "DATABASE_URL": f"sqlite:///{Path(args.db).resolve()}",
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
    from django.core.management import call_command
    from django.test import Client

    from shangwu.accounts.models import User

    call_command("collectstatic", "--noinput", verbosity=0)
    out = Path(args.out)
    saved = 0
    for username in args.personas.split(","):
        user = User.objects.get(username=username)
        client = Client(raise_request_exception=False)
        client.force_login(user)
        folder = out / username
        folder.mkdir(parents=True, exist_ok=True)
        for url in urls(user, args.records):
            for htmx in (False, True) if "?" not in url and url.endswith("/") else (False,):
                headers = {"HX-Request": "true", "HX-Target": "object-table"} if htmx else {}
                response = client.get(url, headers=headers)
                if "text/html" not in response.get("Content-Type", ""):
                    continue
                body = CSRF.sub(r'\1…"', response.content.decode())
                name = re.sub(r"[^0-9A-Za-z_.=-]+", "_", url) + ("_htmx" if htmx else "")
                (folder / f"{name}.html").write_text(f"{response.status_code}\n{body}")
                saved += 1
    print(f"saved {saved} pages to {out}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True, help="a copy of the demo SQLite database")
    parser.add_argument("--out", required=True)
    parser.add_argument("--personas", default=PERSONAS)
    parser.add_argument("--records", type=int, default=3)
    run(parser.parse_args())


if __name__ == "__main__":
    main()
