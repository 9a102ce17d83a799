"""三权分立: the 系统管理员, 安全管理员 and 审计管理员 never reach business data, by any page, export,
action or API endpoint. The routes are read from the URL conf and the API router (a new page or
endpoint is covered without anyone remembering to add it here); every id is a real record of
the demo city."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from shangwu.accounts.services import token_create
from shangwu.core.access import Access
from shangwu.core.testing import url_patterns, view_model

pytestmark = pytest.mark.django_db

ADMINS = ["sysadmin", "secadmin", "auditor"]
BUSINESS_APPS = {
    "enterprises",
    "cases",
    "projects",
    "indicators",
    "tasks",
    "promotion",
    "vouchers",
    "subsidies",
    "designations",
    "inspections",
}
# Audit rows name the records they are about; what the 审计管理员 may read of them is the audit
# log's own rule, tested with the audit app.
CONTENT_EXEMPT_APPS = {"audit"}
# A user's own inbox: the administrators receive the calendar reminder (next year's holidays not
# entered) there. Only the content check applies: no business record may show in it.
PERSONAL_PAGES = {"cases:notification_list", "cases:notification_open"}


def _models():
    from shangwu.cases.models import Notification
    from shangwu.enterprises.models import Enterprise, VisitProblem
    from shangwu.projects.models import ProjectLeader

    # URL keyword → the record whose id it takes, where the view's own queryset does not say.
    return {
        "enterprise_pk": Enterprise,
        "problem_pk": VisitProblem,
        "leader_pk": ProjectLeader,
        ("cases:notification_open", "pk"): Notification,
    }


def real_kwargs(namespace, name, pattern, view_class, missing):
    models = _models()
    kwargs = {}
    for key, converter in pattern.converters.items():
        if converter.regex == "[0-9]+":
            model = (
                models.get((f"{namespace}:{name}", key))
                or models.get(key)
                or view_model(view_class)
            )
            obj = model._base_manager.order_by("pk").first() if model is not None else None
            if obj is None:
                if is_business(namespace, view_class):
                    missing.append(f"{namespace}:{name} ({key})")
                kwargs[key] = 1
            else:
                kwargs[key] = obj.pk
        else:
            kwargs[key] = {"name": "assign"}.get(key, "0" * 32)  # an action name, an import token
    return kwargs


def is_business(namespace, view_class, name=None) -> bool:
    """A page of a business app is business unless its view works on a configuration model
    (tags, deadline rules, stages, the indicator catalogue: the 系统管理员's to edit) or is the
    user's own inbox."""
    if namespace not in BUSINESS_APPS or f"{namespace}:{name}" in PERSONAL_PAGES:
        return False
    model = view_model(view_class)
    return model is None or model.access == Access.BUSINESS


def business_markers() -> set[str]:
    """Names and titles of business records of the demo city, which must appear on no page an
    administrator can open."""
    from shangwu.cases.models import Case
    from shangwu.enterprises.models import Enterprise
    from shangwu.projects.models import Project
    from shangwu.tasks.models import Plan, Task

    markers = set()
    for model, field in [
        (Enterprise, "name"),
        (Case, "title"),
        (Project, "name"),
        (Task, "title"),
        (Plan, "title"),
    ]:
        markers.update(
            v
            for v in model._base_manager.order_by("pk").values_list(field, flat=True)[:5]
            if len(v) >= 4
        )
    assert len(markers) >= 15, markers
    return markers


def api_routes(missing):
    """(label, method, path) for every business endpoint of the API router: list, detail, and
    every extra action, with real ids."""
    from shangwu.urls import router

    for prefix, viewset, basename in router.registry:
        queryset = getattr(viewset, "queryset", None)
        model = getattr(queryset, "model", None)
        if model is not None and model.access != Access.BUSINESS:
            continue
        obj = model._base_manager.order_by("pk").first() if model is not None else None
        if model is not None and obj is None:
            missing.append(f"api {prefix}")
        pk = obj.pk if obj is not None else 1
        base = f"/api/{prefix}/"
        yield basename, "get", base
        yield basename, "post", base
        if model is not None:
            yield basename, "get", f"{base}{pk}/"
            yield basename, "patch", f"{base}{pk}/"
            yield basename, "put", f"{base}{pk}/"
        for action in viewset.get_extra_actions():
            path = (
                f"{base}{pk}/{action.url_path}/" if action.detail else f"{base}{action.url_path}/"
            )
            for method in action.mapping:
                yield f"{basename}-{action.url_path}", method, path


def test_no_admin_role_reaches_business_data_by_any_page_or_api_endpoint(request, demo_city):
    markers = business_markers()
    missing: list[str] = []
    pages = [
        (ns, name, pattern, view, real_kwargs(ns, name, pattern, view, missing))
        for ns, name, pattern, view in url_patterns()
    ]
    endpoints = list(api_routes(missing))
    assert not missing, f"no demo record for: {missing}"
    business_pages = [p for p in pages if is_business(p[0], p[3])]
    assert len(business_pages) > 90 and len(endpoints) > 60  # the walk found the platform

    failures = []
    for persona in ADMINS:
        user = request.getfixturevalue(persona)
        client = Client()
        client.force_login(user)
        token = APIClient()
        token.credentials(HTTP_AUTHORIZATION=f"Token {token_create(user=user)}")
        session_api = APIClient()
        session_api.force_login(user)

        for ns, name, _pattern, view, kwargs in pages:
            url = reverse(f"{ns}:{name}" if ns else name, kwargs=kwargs)
            if name in {"logout", "login"}:
                continue
            business = is_business(ns, view, name)
            for method in ("get", "post") if business else ("get",):
                response = getattr(client, method)(url)
                body = response.content.decode(errors="replace") if not response.streaming else ""
                if business and response.status_code not in (403, 404):
                    failures.append(
                        f"{persona} {method.upper()} {url} ({ns}:{name}) → {response.status_code}"
                    )
                if ns not in CONTENT_EXEMPT_APPS:
                    leaked = [m for m in markers if m in body]
                    if leaked:
                        failures.append(
                            f"{persona} {method.upper()} {url} shows business data: {leaked[:3]}"
                        )

        for label, method, path in endpoints:
            # Every method with a token; reads also with the browser's session (another path
            # through authentication and the session middleware).
            for api in (token, session_api) if method == "get" else (token,):
                response = getattr(api, method)(path, {}, format="json")
                if response.status_code not in (403, 404):
                    failures.append(
                        f"{persona} API {method.upper()} {path} ({label}) → {response.status_code}"
                    )
                leaked = [m for m in markers if m in response.content.decode(errors="replace")]
                if leaked:
                    failures.append(
                        f"{persona} API {method.upper()} {path} shows business data: {leaked[:3]}"
                    )
    assert not failures, "\n".join(failures)


def test_the_same_walk_lets_a_city_officer_in(demo_city, city_staff):
    """The walk above would pass with every page broken; this is the control: the same business
    lists answer a business role, with the records in them."""
    client = Client()
    client.force_login(city_staff)
    markers = business_markers()
    seen = set()
    for ns, name, pattern, view in url_patterns():
        if is_business(ns, view) and name.endswith("_list") and not pattern.converters:
            response = client.get(reverse(f"{ns}:{name}"))
            assert response.status_code == 200, name
            seen.update(m for m in markers if m in response.content.decode())
    api = APIClient()
    api.force_authenticate(city_staff)
    assert api.get("/api/enterprises/").status_code == 200
    assert len(seen) >= 10
