import datetime
import threading

import pytest
from django.utils import timezone

from shangwu.cases import services
from shangwu.cases.choices import CaseKind, CaseSource
from shangwu.cases.models import CaseCategory
from shangwu.organization.models import OrgUnit, Region


def at(text: str) -> datetime.datetime:
    """An aware Asia/Shanghai moment from 'YYYY-MM-DD HH:MM'."""
    return timezone.make_aware(datetime.datetime.strptime(text, "%Y-%m-%d %H:%M"))


@pytest.fixture
def county_unit(db):
    return OrgUnit.objects.get(name="河东区商务局")


@pytest.fixture
def township_unit(db):
    return OrgUnit.objects.get(name="东湖街道办事处")


@pytest.fixture
def category(db):
    return CaseCategory.objects.get(name="融资")


@pytest.fixture
def make_case(db, county_a, make_enterprise, category):
    """A case registered by county_a (河东区商务局 dispatches), optionally assigned at ``assigned``."""

    def make(
        *,
        source=CaseSource.VISIT,
        kind=CaseKind.ORDINARY,
        received="2025-03-03 09:00",
        assign_to=None,
        assigned=None,
        actor=None,
        enterprise=True,
        county="419902",
        title="企业反映融资难",
    ):
        actor = actor or county_a
        ent = make_enterprise(county=county) if enterprise else None
        case = services.case_register(
            actor=actor,
            source=source,
            kind=kind,
            category=category,
            title=title,
            content="详细情况……",
            county=Region.objects.get(code=county),
            enterprise=ent,
            contact_name="李经理",
            contact_phone="13912345678",
            received_at=at(received),
            now=at(received),
        )
        if assign_to is not None:
            services.case_assign(
                case=case, actor=actor, lead_unit=assign_to, now=at(assigned or received)
            )
        return case

    return make


def run_at_once(calls):
    """Run the callables at the same moment in threads (own connections); returns each result or
    the exception it raised."""
    results = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def worker(i, call):
        from django.db import connections

        barrier.wait()
        try:
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each side got
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.fixture
def restore_world(django_db_blocker):
    """For transactional tests (PostgreSQL only): an earlier transactional test ended with a flush
    that emptied every table, so put the demo city, the personas and this module's default rules
    back first (all idempotent). Requested before the personas in each such test."""
    from django.db import connection

    if connection.vendor == "postgresql":
        import importlib

        from django.apps import apps as django_apps

        from shangwu.accounts.demo import build_users
        from shangwu.core.context import acting
        from shangwu.organization.demo import build_regions_and_units

        with django_db_blocker.unblock(), acting(path="conftest"):
            build_users(build_regions_and_units())
            # The default categories with the codes 0019 gave them (the current model has a
            # unique code, which 0002's historical model did not), then 0002's rule sets.
            defaults = importlib.import_module("shangwu.cases.migrations.0002_default_rules")
            codes = importlib.import_module("shangwu.cases.migrations.0019_vocabulary_code").CODES
            category = django_apps.get_model("cases", "CaseCategory")
            for order, name in enumerate(defaults.CATEGORIES, start=1):
                category.objects.get_or_create(
                    name=name, defaults={"sort_order": order, "code": codes[name]}
                )
            defaults.add_defaults(django_apps, None)
            importlib.import_module("shangwu.cases.migrations.0012_clock_start").receipt_defaults(
                django_apps, None
            )
    yield
