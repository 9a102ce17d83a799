"""Scope, for every business model the URL conf and the API router name: what anonymous, the
three administrators, the 企业用户, an officer of the record's own region, of another region and
of a township get from its list, detail, edit and export pages and its API list and detail
(``ScopeTestCases``). One demo city (the small one) is built once for the module and rolled back
after it. Also: the owner scope of the 企业用户, and the reference data of ``organization``."""

import datetime

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from rest_framework.test import APIClient

from shangwu.accounts.models import User
from shangwu.core.access import Access, permits
from shangwu.core.testing import ADMINS, ScopeTestCases, business_models, model_routes

pytestmark = pytest.mark.django_db

# Business models with no page or endpoint of their own: they are read and changed through their
# parent's pages (a visit's problems, a case's attachments, a project's leaders…), whose checks
# cover them; ``restrict`` of each is checked below all the same.
THROUGH_PARENT = {
    "enterprises.visitproblem",
    "cases.caseattachment",
    "projects.projectleader",
    "projects.projectcontact",
    "enterprises.visitattachment",
    "indicators.indicatorvaluerevision",
    "tasks.section",
    "tasks.milestone",
    "tasks.target",
    "promotion.eventparticipant",
    "promotion.eventproject",
    "promotion.eventattachment",
    "designations.designationattachment",
    "designations.designationresponsibility",
    "vouchers.voucherimportfile",
    "inspections.draw",
    "inspections.plantarget",
    "inspections.inspectionanswer",
    "inspections.inspectionphoto",
    "inspections.hazardphoto",
    # Read on its merchant's and campaign's pages; its own rule is the redemption data's (the
    # officer's county within the campaigns covering it), checked in vouchers/tests/test_scope.py.
    "vouchers.vouchermerchanttotal",
}
# Shared by every region by rule: the plan's frame (title, preamble, cadence, 预期目标) is the
# bureau's for every unit; the 月通报's targets and versions name every county.
SHARED = {"tasks.plan", "tasks.plantarget", "tasks.section"}
# The record each of them is read through.
PARENT = {
    "enterprises.visitproblem": "visit",
    "cases.caseattachment": "case",
    "projects.projectleader": "project",
    "projects.projectcontact": "project",
    "enterprises.visitattachment": "visit",
    "indicators.indicatorvaluerevision": "value",
    "tasks.milestone": "task",
    "tasks.target": "task",
    "promotion.eventparticipant": "event",
    "promotion.eventproject": "event",
    "promotion.eventattachment": "event",
    "designations.designationattachment": "designation",
    "designations.designationresponsibility": "designation",
    "vouchers.voucherimportfile": "campaign",
    "inspections.draw": "plan",
    "inspections.plantarget": "site",
    "inspections.inspectionanswer": "inspection",
    "inspections.inspectionphoto": "inspection",
    "inspections.hazardphoto": "hazard",
}


@pytest.fixture(scope="module")
def demo_city(django_db_setup, django_db_blocker):
    """The small demo, once for the whole module, inside a transaction rolled back at the end
    (each test's own transaction is a savepoint inside it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo_data", "--size", "small", stdout=open("/dev/null", "w"))
        yield
        transaction.set_rollback(True)


def _persona(username):
    return (
        None
        if username is None
        else User.objects.select_related("org_unit__region__parent").get(username=username)
    )


def _clients():
    pages, apis = {}, {}

    def client_for(user):
        key = user.pk if user else None
        if key not in pages:
            pages[key] = Client()
            if user is not None:
                pages[key].force_login(user)
        return pages[key]

    def api_for(user):
        key = user.pk if user else None
        if key not in apis:
            apis[key] = APIClient()
            if user is not None:
                apis[key].force_authenticate(user)
        return apis[key]

    return client_for, api_for


def _first(queryset, excluded=None):
    if excluded is not None:
        queryset = queryset.exclude(pk__in=excluded.values("pk"))
    return queryset.order_by("pk").first()


def test_every_business_model_answers_each_persona_by_its_scope(demo_city):
    cases = ScopeTestCases(*_clients())
    users = {
        name: _persona(name)
        for name in ("city_staff", "county_a", "county_b", "township_a1", "enterprise", *ADMINS)
    }
    county_a, county_b, township = users["county_a"], users["county_b"], users["township_a1"]
    routes = model_routes(business_models())
    assert len(routes) >= 20
    failures, checked, unrouted = [], 0, []
    for model, model_routes_ in routes.items():
        label = model._meta.label_lower
        if not model_routes_.pages and not model_routes_.api:
            unrouted.append(label)
            continue
        objects = model.objects.all()
        mine = _first(objects.restrict(county_a), objects.restrict(county_b))
        if mine is None:
            # No row of 河东区's that 云水县 cannot see: the model must be shared by rule.
            assert label in SHARED, f"{label}: no demo record in 河东区's scope only"
            mine = _first(objects.restrict(county_b))
            assert mine is not None, f"{label}: no demo record at all"
        seen = {
            "city_staff": True,
            "county_a": True,
            "county_b": label in SHARED,
            None: False,
            "enterprise": False,
            **{a: False for a in ADMINS},
        }
        for persona, sees in seen.items():
            failures += cases.check(
                model_routes_, persona or "anonymous", users.get(persona), mine, sees=sees
            )
            checked += 1
        # The township officer: a record of their township, and one of their county's elsewhere.
        own = _first(objects.restrict(township))
        if own is not None:
            failures += cases.check(model_routes_, "township_a1", township, own, sees=True)
        outside = _first(objects.restrict(county_a), objects.restrict(township))
        if outside is not None:
            failures += cases.check(model_routes_, "township_a1", township, outside, sees=False)
        checked += 1
    assert (
        set(unrouted)
        == THROUGH_PARENT
        == set(PARENT)
        | {
            "tasks.section",
            "vouchers.vouchermerchanttotal",
        }
    )
    assert checked >= 15 * 9
    assert not failures, "\n".join(failures)


# Models whose change rule is narrower than their view rule for a county officer, row by row:
# the city's own figures and targets are read by every county and written by the city alone;
# a city-wide event (广交会 group), and its participants, are read by the counties whose
# enterprises took part.
SEEN_NOT_CHANGED = {
    "indicators.indicatorvalue",
    "indicators.indicatortarget",
    "promotion.promotionevent",
    "promotion.eventparticipant",
    # A voucher campaign covering several counties (and its batches and kept export files) is read
    # by each county it covers and changed by the city alone.
    "vouchers.vouchercampaign",
    "vouchers.voucherbatch",
    "vouchers.voucherimportfile",
    # A county maintains the subsidy programmes of its own county alone; the city's programmes
    # (every county) it reads and applies to.
    "subsidies.subsidyprogramme",
}


def test_a_county_officer_reads_but_cannot_change_rows_outside_their_change_rule(demo_city):
    cases = ScopeTestCases(*_clients())
    county_a = _persona("county_a")
    narrower, failures = set(), []
    for model, routes in model_routes(business_models()).items():
        if not permits(county_a, model, "change"):
            continue  # refused the whole model (403): the test above
        objects = model.objects.all()
        record = _first(objects.restrict(county_a, "view"), objects.restrict(county_a, "change"))
        if record is None:
            continue
        narrower.add(model._meta.label_lower)
        failures += cases.check(routes, "county_a", county_a, record, sees=True, changes=False)
    assert narrower == SEEN_NOT_CHANGED
    assert not failures, "\n".join(failures)


# Row rules a service checks before writing a row that does not exist yet (``permits_row``):
# (model label, action, persona, region code of the row, allowed).
ROW_RULES = [
    ("indicators.indicatorvalue", "change", "city_staff", "419900", True),
    ("indicators.indicatorvalue", "change", "city_staff", "419921", True),
    ("indicators.indicatorvalue", "change", "county_a", "419902", True),
    ("indicators.indicatorvalue", "change", "county_a", "419900", False),  # the city total
    ("indicators.indicatorvalue", "change", "county_a", "419921", False),
    ("indicators.indicatorvalue", "change", "township_a1", "419902", False),
    ("indicators.indicatorvalue", "compute", "city_staff", "419900", True),
    ("indicators.indicatorvalue", "compute", "county_a", "419902", False),
    ("indicators.indicatortargetproposal", "add", "county_a", "419902", True),
    ("indicators.indicatortargetproposal", "add", "county_a", "419921", False),
    ("indicators.indicatortargetproposal", "add", "city_staff", "419902", False),
    ("indicators.indicatortarget", "target", "city_staff", "419902", True),
    ("indicators.indicatortarget", "target", "county_a", "419902", False),
    ("tasks.quarterreview", "add", "leader", None, True),
    ("tasks.quarterreview", "add", "city_staff", None, False),
    ("tasks.quarterreview", "add", "county_a", None, False),
]


@pytest.mark.parametrize(("label", "action", "persona", "code", "allowed"), ROW_RULES)
def test_the_declared_rule_decides_who_writes_which_row(label, action, persona, code, allowed):
    from django.apps import apps

    from shangwu.core.access import permits_row
    from shangwu.organization.models import Region

    model, user = apps.get_model(label), _persona(persona)
    if code is None:
        assert permits(user, model, action) is allowed
    else:
        region = Region.objects.get(code=code)
        assert permits_row(user, model, action, region=region) is allowed


def test_a_model_without_pages_reaches_exactly_as_far_as_its_parent(demo_city):
    """The models read through their parent: each officer's ``restrict`` holds exactly the rows
    of the parents they may see."""
    for persona in ("county_a", "county_b", "township_a1"):
        user = _persona(persona)
        for model in business_models():
            label = model._meta.label_lower
            if label not in PARENT:
                continue
            parent = model._meta.get_field(PARENT[label]).related_model
            rows = set(model.objects.restrict(user).values_list("pk", flat=True))
            expected = set(
                model.objects.filter(
                    **{f"{PARENT[label]}__in": parent.objects.restrict(user)}
                ).values_list("pk", flat=True)
            )
            assert rows == expected, (persona, label)


# --- the owner scope: a 企业用户 sees its own enterprise's records, and nothing else -------------


def test_the_enterprise_persona_is_bound_to_a_demo_enterprise_in_hedong():
    user = _persona("enterprise")
    assert (
        user.enterprise.name == "中原惠民百货有限公司" and user.enterprise.county.code == "419902"
    )


def test_an_enterprise_user_sees_only_its_own_enterprises_records(demo_city):
    from shangwu.cases.models import Case
    from shangwu.enterprises.baobao import services as services_contacts
    from shangwu.enterprises.models import Contact, Enterprise, Visit
    from shangwu.projects.models import Project
    from shangwu.tasks.models import Task

    user, county_a = _persona("enterprise"), _persona("county_a")
    own = user.enterprise
    other = Enterprise.objects.exclude(pk=own.pk).filter(county=own.county).order_by("pk").first()
    contact = services_contacts.contact_create(
        enterprise=own, actor=county_a, name="钱经理", mobile="13912345678"
    )
    services_contacts.contact_create(
        enterprise=other, actor=county_a, name="孙经理", mobile="13912345679"
    )
    case = Case.objects.filter(county=own.county).order_by("pk").first()
    Case.objects.filter(pk=case.pk).update(enterprise=own)  # as if registered for it
    visit = Visit.objects.create(enterprise=own, visited_on=datetime.date(2026, 3, 1))

    assert list(Enterprise.objects.restrict(user, "view")) == [own]
    for model, record in ((Contact, contact), (Case, case), (Visit, visit)):
        seen = set(model.objects.restrict(user, "view"))
        assert record in seen and seen == set(model.objects.filter(enterprise=own)), model
    assert not Project.objects.restrict(user, "view").exclude(enterprise=own).exists()
    # View only for now (filing a 诉求 comes with the enterprise portal); no plan or figure.
    for action in ("add", "change", "delete", "export"):
        assert not Enterprise.objects.restrict(user, action).exists(), action
    assert not Task.objects.restrict(user, "view").exists()
    # …and the officers' scope is unchanged by the binding.
    assert (
        Enterprise.objects.restrict(county_a, "view").filter(pk__in=[own.pk, other.pk]).count() == 2
    )


def test_an_enterprise_user_without_an_enterprise_sees_nothing(demo_city):
    from shangwu.enterprises.models import Enterprise

    user = _persona("enterprise")
    user.enterprise_id = None  # not saved: the account rule refuses it (below)
    assert not Enterprise.objects.restrict(user, "view").exists()


def test_the_enterprise_binding_is_required_for_the_enterprise_role_and_forbidden_for_others():
    from django.core.exceptions import ValidationError

    user = _persona("enterprise")
    enterprise = user.enterprise
    user.enterprise = None
    with pytest.raises(ValidationError) as refused:
        user.clean()
    assert "企业用户须绑定一家企业" in str(refused.value)
    officer = _persona("county_a")
    officer.enterprise = enterprise
    with pytest.raises(ValidationError) as refused:
        officer.clean()
    assert "只有企业用户可以绑定企业" in str(refused.value)


# --- organization: reference data, the same for every business role -------------------------


def test_regions_and_units_are_reference_data_every_business_role_reads_whole(demo_city):
    from shangwu.organization.models import OrgUnit, Region

    client_for, api_for = _clients()
    other_county = Region.objects.get(code="419921")  # 云水县, not county_a's
    other_unit = OrgUnit.objects.filter(region=other_county).first()
    assert Region.access == OrgUnit.access == Access.REFERENCE
    for persona in ("leader", "city_staff", "county_a", "township_a1"):
        user = _persona(persona)
        client = client_for(user)
        assert client.get(f"/org/regions/{other_county.pk}/").status_code == 200, persona
        assert client.get(f"/org/units/{other_unit.pk}/").status_code == 200, persona
        assert client.get(f"/org/regions/{other_county.pk}/edit/").status_code == 403, persona
        assert api_for(user).get("/api/regions/").json()["count"] == Region.objects.count(), persona
    sysadmin = _persona("sysadmin")  # the 系统管理员 keeps them (moves are requests, approved)
    assert client_for(sysadmin).get(f"/org/regions/{other_county.pk}/edit/").status_code == 200
    for persona in ("secadmin", "auditor", "enterprise"):
        user = _persona(persona)
        assert client_for(user).get("/org/regions/").status_code == 403, persona
        assert api_for(user).get("/api/regions/").status_code == 403, persona
    assert Client().get("/org/regions/").status_code == 302
    assert APIClient().get("/api/regions/").status_code in (401, 403)
