"""No request to the API gives a server error: schemathesis generates requests from the
published OpenAPI schema (``/api/schema/``) for every operation, signed in as 科室人员 and as
县区人员, and any 5xx fails the test.

How: schemathesis' WSGI integration sends the requests through the WSGI application inside the
test's transaction, so every generated write is rolled back with it. pytest-django's
``live_server`` was tried first and is impractical here: it needs a transactional test whose
closing flush deletes every table, which the audit log's append-only triggers refuse, and which
would wipe the personas, regions and seeded reference data (deadline rules, stages, indicators)
that every later test on the same worker relies on.

Each operation gets a bounded number of examples, derandomized so the suite is repeatable:
schema-valid requests (on an object the persona may see, when the path names one) and
schema-invalid ones (out-of-range numbers, wrong types, missing fields).
"""

import datetime
import time
from decimal import Decimal

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from shangwu.accounts.services import token_create
from shangwu.core.access import RestrictedQuerySet
from shangwu.wsgi import application

VALID_EXAMPLES = 6  # per operation and persona: bounded so the test stays well under 3 minutes
INVALID_EXAMPLES = 3


def _seed(city_staff, county_a):
    """One record of each main kind in 河东区, so paths can name objects the personas may see."""
    import random

    from shangwu.cases import services as cases
    from shangwu.cases.models import CaseCategory
    from shangwu.enterprises.baobao import services as contacts
    from shangwu.enterprises.demo import make_credit_code
    from shangwu.enterprises.services import enterprise_create
    from shangwu.indicators import services as indicators
    from shangwu.indicators.models import Indicator
    from shangwu.organization.models import Region
    from shangwu.projects import services as projects
    from shangwu.tasks import parser
    from shangwu.tasks import services as tasks
    from shangwu.tasks.tests.conftest import SMALL_PLAN

    hedong = Region.objects.get(code="419902")
    tree = parser.parse_text(SMALL_PLAN, year=2026, unit_names=tasks.unit_names())
    tasks.plan_import(
        title="全市商务工作要点",
        year=2026,
        tree=tree,
        actor=city_staff,
        cycle="monthly",
        due_day=25,
    )
    enterprise = enterprise_create(
        actor=county_a,
        credit_code=make_credit_code(random.Random(3), "419902"),
        name="河东测试机械有限公司",
        county=hedong,
        township=None,
    )
    contacts.contact_create(
        enterprise=enterprise, actor=county_a, name="钱经理", mobile="13912345678"
    )
    cases.case_register(
        actor=county_a,
        source="mailbox",
        kind="ordinary",
        title="来信反映用地难",
        content="内容",
        category=CaseCategory.objects.filter(is_active=True).first(),
        county=hedong,
    )
    projects.project_create(
        actor=city_staff,
        code="F-00001",
        name="测试项目",
        investor_name="测试投资集团有限公司",
        investor_type="private",
        origin="province",
        origin_place="江苏",
        total_investment=Decimal(1000),
        county=hedong,
    )
    retail = Indicator.objects.get(code="RETAIL")
    indicators.target_set(
        indicator=retail, year=2026, region=hedong, value=Decimal(100), actor=city_staff
    )
    indicators.value_save(
        item=indicators.ValueInput(indicator=retail, region=hedong, cumulative_value=Decimal(30)),
        month=datetime.date(2026, 5, 1),
        actor=city_staff,
    )


def _references(user):
    """Existing objects the user may name, by the body field that names them: a generated body
    with random ids stops at “对象不存在”; with these it reaches the services behind."""
    from shangwu.cases.models import Case, CaseCategory
    from shangwu.enterprises.models import Enterprise
    from shangwu.indicators.models import Indicator
    from shangwu.projects.models import IndustryChain, Project, Stage
    from shangwu.tasks.models import Plan, Section, Task

    def first(queryset):
        return queryset.order_by("pk").values_list("pk", flat=True).first()

    unit = user.org_unit_id
    refs = {
        "category": first(CaseCategory.objects.filter(is_active=True)),
        "county": user.region.county.pk
        if user.region.county
        else first(Enterprise.objects.values("county")),
        "enterprise": first(Enterprise.objects.restrict(user)),
        "into": first(Case.objects.restrict(user)),
        "indicator": first(Indicator.objects.filter(code="RETAIL")),
        "region": user.region.county.pk if user.region.county else user.region.pk,
        "plan": first(Plan.objects.restrict(user)),
        "section": first(Section.objects.restrict(user)),
        "task": first(Task.objects.restrict(user)),
        "project": first(Project.objects.restrict(user)),
        "stage": first(Stage.objects.all()),
        "chain": first(IndustryChain.objects.all()),
        "unit": unit,
        "lead_unit": unit,
        "org_unit": unit,
        "official": user.pk,
        "leader": user.pk,
    }
    return {key: value for key, value in refs.items() if value is not None}


def _with_references(case, refs):
    if isinstance(case.body, dict):
        for key in case.body.keys() & refs.keys():
            case.body[key] = refs[key]
        if isinstance(case.body.get("co_units"), list):
            case.body["co_units"] = [refs["unit"]]
        if "township" in case.body:
            case.body["township"] = None
    return case


def _visible_id(path, user):
    """The id of an object the user may see, for a path like /api/cases/{id}/assign/."""
    try:
        match = resolve(path.replace("{id}", "1"))
    except Resolver404:
        return None
    queryset = getattr(getattr(match.func, "cls", None), "queryset", None)
    if queryset is None:
        return None
    queryset = queryset.model.objects.all()
    if isinstance(queryset, RestrictedQuerySet):
        queryset = queryset.restrict(user, "view")
    return queryset.order_by("pk").values_list("pk", flat=True).first()


def _check(operation, mode, examples, path_parameters, headers, refs, errors):
    """Send ``examples`` generated requests of one operation; note every 5xx in ``errors``."""

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters or None),
        real_references=st.booleans(),
    )
    def run(case, real_references):
        if real_references and mode == GenerationMode.POSITIVE:
            case = _with_references(case, refs)
        response = case.call(headers=headers)
        if response.status_code >= 500:
            errors.append(
                f"{response.status_code} {case.method} {case.formatted_path} "
                f"query={case.query} body={case.body!r}"[:500]
            )

    try:
        run()
    except Unsatisfiable:
        # An operation with nothing that can be made invalid (GET /api/figures/ takes no
        # parameter at all) has no negative example; its valid examples still ran.
        if mode != GenerationMode.NEGATIVE:
            raise


def _server_errors(schema, user, token):
    headers = {"Authorization": f"Token {token}"}
    refs = _references(user)
    errors = []
    for result in schema.get_all_operations():
        operation = result.ok()
        path_id = _visible_id(operation.path, user) if "{id}" in operation.path else None
        valid_path = {"id": path_id} if path_id else {}
        _check(
            operation, GenerationMode.POSITIVE, VALID_EXAMPLES, valid_path, headers, refs, errors
        )
        _check(operation, GenerationMode.NEGATIVE, INVALID_EXAMPLES, {}, headers, refs, errors)
    return errors


@pytest.fixture
def keep_connection():
    """Django closes the database connection around each request it handles; inside the test's
    transaction that would close it mid-test on PostgreSQL (SQLite's in-memory one ignores it).
    The test client disconnects the same handlers for the same reason."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("persona", ["city_staff", "county_a"])
def test_no_generated_api_request_gives_a_server_error(
    db, keep_connection, persona, request, city_staff, county_a
):
    _seed(city_staff, county_a)
    user = request.getfixturevalue(persona)
    token = token_create(user=user, actor=user)
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json", application, headers={"Authorization": f"Token {token}"}
    )
    started = time.monotonic()
    errors = _server_errors(schema, user, token)
    print(f"{persona}: {time.monotonic() - started:.0f}s")
    assert errors == [], "\n".join(dict.fromkeys(errors))
