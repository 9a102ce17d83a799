"""Test helpers shared by the apps (NetBox's ``utilities/testing``, much smaller).

``url_patterns`` / ``view_model`` walk the URL conf; ``api_viewsets`` walks the API router;
``ScopeTestCases`` proves, for every business model it finds there, what each persona gets from
its list, detail, edit and export pages and its API list and detail: a new model or page is
covered without anyone remembering to add it.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from shangwu.core.access import Access, permits

# The fixed personas every test, benchmark and browser test signs in as (STYLE 13): one user per
# role of the demo city (accounts.demo), in this order. conftest.py makes each a fixture.
PERSONAS = (
    "leader",
    "city_staff",
    "county_a",
    "county_b",
    "township_a1",
    "enterprise",
    "sysadmin",
    "secadmin",
    "auditor",
)
ADMINS = ("sysadmin", "secadmin", "auditor")
ROUTE_KINDS = ("list", "detail", "edit", "export")


def url_patterns(patterns=None, namespace=None, prefix=""):
    """(namespace, name, pattern, view class or None) of every page in the URL conf."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if str(entry.pattern).startswith("api/"):
                continue  # the API is walked through its router
            yield from url_patterns(
                entry.url_patterns, entry.namespace or namespace, prefix + str(entry.pattern)
            )
        elif isinstance(entry, URLPattern) and entry.name:
            yield namespace, entry.name, entry.pattern, getattr(entry.callback, "view_class", None)


def view_model(view_class):
    queryset = getattr(view_class, "queryset", None)
    return getattr(queryset, "model", None)


def api_viewsets():
    """(prefix, viewset, model or None) of every endpoint of the API router."""
    from shangwu.urls import router

    for prefix, viewset, _basename in router.registry:
        yield prefix, viewset, getattr(getattr(viewset, "queryset", None), "model", None)


def business_models() -> list:
    """Every concrete model whose rows are business data (``ScopedModel``: ``restrict`` reads
    its ``scope``)."""
    return [m for m in apps.get_models() if getattr(m, "access", None) == Access.BUSINESS]


@dataclass
class ModelRoutes:
    """The standard pages (``<app>:<model>_list|_detail|_edit|_export``) and API endpoints of one
    model, as the URL conf and the router name them."""

    model: type
    pages: dict = field(default_factory=dict)  # kind → url name
    api: str | None = None  # router prefix

    def page_url(self, kind, pk=None) -> str:
        return reverse(self.pages[kind], kwargs={"pk": pk} if pk is not None else None)


def model_routes(models) -> dict:
    """The routes of ``models``: a page belongs to a model when its view's queryset is the model's,
    its name is ``<model>_<kind>`` (or a stem the model's name ends with: ``value_list`` of
    IndicatorValue), and it takes the record's ``pk`` (detail, edit) or nothing."""
    routes = {m: ModelRoutes(m) for m in models}
    for ns, name, pattern, view in url_patterns():
        model = view_model(view)
        if model not in routes or not ns:
            continue
        kwargs = set(pattern.converters)
        stem, _, kind = name.rpartition("_")
        # ``<model>_<kind>``, or a short stem the model's name ends with (indicators: value_list)
        if (
            kind in ROUTE_KINDS
            and model._meta.model_name.endswith(stem)
            and kwargs == ({"pk"} if kind in ("detail", "edit") else set())
        ):
            routes[model].pages[kind] = f"{ns}:{name}"
    for prefix, _viewset, model in api_viewsets():
        if model in routes and routes[model].api is None:
            routes[model].api = prefix
    return routes


def _cell(value) -> str:
    """An .xlsx cell as written and as read back, compared as text."""
    if isinstance(value, datetime.datetime):
        value = value.date() if value.time() == datetime.time() else value
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value)


def xlsx_rows(content: bytes) -> set[tuple]:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return {tuple(_cell(v) for v in row) for row in list(sheet.iter_rows(values_only=True))[1:]}


class ScopeTestCases:
    """What every persona gets from every business model's pages and API (STYLE 13).

    ``check(model, persona, user, record)`` returns the failures of one persona on one record's
    routes; a test module runs it over ``business_models()`` and every persona. Expectations:

    - anonymous: pages send to the login page, the API answers 401/403;
    - 系统管理员, 安全管理员, 审计管理员: 403 or 404 everywhere (三权分立);
    - 企业用户: 403 everywhere (no pages for it yet; its owner scope is ``restrict()``'s);
    - a user whose scope holds the record: list, export and API list include it, detail 200,
      edit 200 where the model's scope lets the user change at all (``permits``), else 403;
    - a user whose scope does not hold it: list, export and API list leave it out, detail and
      API detail 404, edit 404 (or 403 where the user may change none of the model);
    - a user who sees the record but whose change rule leaves it out (``changes=False``: a county
      officer and the city's own figure): detail 200, edit 404.
    """

    def __init__(self, client_for, api_for):
        self.client_for, self.api_for = client_for, api_for
        self._lists: dict = {}

    # --- one persona's answers, cached per model (one request per route and persona) ------------
    def listed(self, routes, user, kind) -> set:
        key = (routes.model, user.pk if user else None, kind)
        if key not in self._lists:
            self._lists[key] = self._fetch_list(routes, user, kind)
        return self._lists[key]

    def _fetch_list(self, routes, user, kind):
        if kind == "list":
            response = self.client_for(user).get(routes.page_url("list"), {"per_page": 500})
            if response.status_code != 200:
                return response.status_code
            return set(response.context["page"].paginator.object_list.values_list("pk", flat=True))
        if kind == "export":
            response = self.client_for(user).get(routes.page_url("export"))
            if response.status_code != 200:
                return response.status_code
            return xlsx_rows(
                b"".join(response.streaming_content) if response.streaming else response.content
            )
        api, ids, url = self.api_for(user), set(), f"/api/{routes.api}/?page_size=500"
        while url:
            response = api.get(url)
            if response.status_code != 200:
                return response.status_code
            body = response.json()
            ids.update(row["id"] for row in body["results"])
            url = body.get("next")
        return ids

    @staticmethod
    def export_row(routes, record) -> tuple:
        from django.urls import resolve

        from shangwu.core.exports import xlsx_bytes

        view = resolve(routes.page_url("export")).func.view_class
        table, record = view.table([]), view.queryset.filter(pk=record.pk).get()  # its annotations
        # Through the same writer, so the row reads back exactly as the export's rows do.
        content = xlsx_bytes(
            sheet="x", headers=table.export_headers(), rows=table.export_rows([record])
        )
        return next(iter(xlsx_rows(content)))

    def check(
        self, routes, persona: str, user, record, *, sees: bool, changes: bool | None = None
    ) -> list[str]:
        """The failures of ``persona`` on ``record``'s routes; ``sees``: the record is in the
        persona's scope (a business role) or not; ``changes``: in the persona's change scope
        (default: as ``sees``)."""
        changes = sees if changes is None else changes
        model, failures = routes.model, []
        label = f"{model._meta.label_lower} #{record.pk} {persona}"
        client = self.client_for(user)

        def expect(what, got, wanted):
            if got not in wanted:
                failures.append(f"{label} {what} → {got} (expected {'/'.join(map(str, wanted))})")

        business = user is not None and persona not in ADMINS and persona != "enterprise"
        for kind in ROUTE_KINDS:
            if kind not in routes.pages:
                continue
            pk = record.pk if kind in ("detail", "edit") else None
            if not business:
                response = client.get(routes.page_url(kind, pk))
                if user is None:
                    login = (
                        response.status_code == 302
                        and reverse("accounts:login") in response["Location"]
                    )
                    expect(f"{kind} page", "login" if login else response.status_code, ("login",))
                else:
                    expect(f"{kind} page", response.status_code, (403, 404))
                continue
            if kind in ("list", "export"):
                got = self.listed(routes, user, kind)
                if isinstance(got, int):
                    expect(f"{kind} page", got, (200,))
                    continue
                member = (record.pk if kind == "list" else self.export_row(routes, record)) in got
                if member != sees:
                    failures.append(
                        f"{label} {kind}: the record is {'missing' if sees else 'listed'}"
                    )
                continue
            may = permits(user, model, "change") if kind == "edit" else True
            in_scope = changes if kind == "edit" else sees
            wanted = (200,) if in_scope and may else (404,) if may else (403,)
            expect(f"{kind} page", client.get(routes.page_url(kind, pk)).status_code, wanted)

        if routes.api:
            api = self.api_for(user)
            if not business:
                expect(
                    "API list",
                    api.get(f"/api/{routes.api}/").status_code,
                    (401, 403) if user is None else (403, 404),
                )
                expect(
                    "API detail",
                    api.get(f"/api/{routes.api}/{record.pk}/").status_code,
                    (401, 403) if user is None else (403, 404),
                )
            else:
                got = self.listed(routes, user, "api")
                if isinstance(got, int):
                    expect("API list", got, (200,))
                elif (record.pk in got) != sees:
                    failures.append(
                        f"{label} API list: the record is {'missing' if sees else 'listed'}"
                    )
                expect(
                    "API detail",
                    api.get(f"/api/{routes.api}/{record.pk}/").status_code,
                    (200,) if sees else (404,),
                )
        return failures


TIMELINE = "core/includes/timeline.html"


def timeline_entries(response) -> list[dict[str, str]]:
    """The lines of a detail page's timeline, each as the user reads it: ``kind``, ``status``
    (“原 → 新”), ``who``, ``at`` (when it was recorded), ``text`` (the whole line). Fails unless the page drew it with the one
    timeline include (``core/includes/timeline.html``)."""
    import lxml.html

    assert TIMELINE in {t.name for t in response.templates}, "页面未使用统一的时间线模板"
    doc = lxml.html.fromstring(response.content.decode())
    entries = []
    for li in doc.xpath('//*[@data-testid="timeline"]/li[@data-testid="event"]'):

        def part(testid, li=li):
            found = li.xpath(f'.//*[@data-testid="{testid}"]')
            return found[0].text_content().strip() if found else ""

        entries.append(
            {
                "kind": li.xpath('./span[contains(@class, "badge")]')[0].text_content().strip(),
                "status": part("status-change"),
                "who": part("who"),
                "at": part("at"),
                "text": " ".join(li.text_content().split()),
            }
        )
    return entries
