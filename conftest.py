"""Fixed personas for every test (STYLE: tests read as sentences around a few personas).

The demo city's regions, units and users are built once per test database; each test runs in
a transaction that is rolled back, so tests never see each other's writes.
"""

import os
import uuid

import pytest
from django.test import Client

from shangwu.core.testing import PERSONAS


def pytest_configure(config):
    # The controlling process (not an xdist worker) names the run before the workers start, so
    # they share one browser-test server (tests/browser/server.py) and it stops it at the end.
    if not hasattr(config, "workerinput"):
        os.environ["SHANGWU_TEST_RUN"] = uuid.uuid4().hex[:12]


def pytest_unconfigure(config):
    if not hasattr(config, "workerinput") and "SHANGWU_TEST_RUN" in os.environ:
        from tests.browser import server

        server.stop(os.environ["SHANGWU_TEST_RUN"])


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from shangwu.accounts.demo import build_users
    from shangwu.core.context import acting
    from shangwu.organization.demo import build_regions_and_units

    with django_db_blocker.unblock(), acting(path="conftest"):
        units = build_regions_and_units()
        build_users(units)


def _user(username):
    from shangwu.accounts.models import User

    return User.objects.select_related("org_unit__region__parent").get(username=username)


for _name in PERSONAS:

    def _make(name):
        @pytest.fixture
        def persona(db):
            return _user(name)

        persona.__name__ = name
        return persona

    globals()[_name] = _make(_name)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def as_user():
    """``as_user(county_a).get(url)``: a test client signed in as that persona."""
    return login


@pytest.fixture
def region():
    from shangwu.organization.models import Region

    return lambda code: Region.objects.get(code=code)


@pytest.fixture
def make_enterprise(db):
    """An enterprise in a county (and township), created through the service."""
    import random

    from shangwu.enterprises.demo import make_credit_code
    from shangwu.enterprises.services import enterprise_create
    from shangwu.organization.models import Region

    rng = random.Random(7)

    def make(*, county="419902", township=None, name=None, **fields):
        county_obj = Region.objects.get(code=county)
        township_obj = Region.objects.get(code=township) if township else None
        return enterprise_create(
            actor=None,
            credit_code=make_credit_code(rng, county),
            name=name or f"测试企业{rng.randint(1, 10**9)}有限公司",
            county=county_obj,
            township=township_obj,
            **fields,
        )

    return make


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded files go to a fresh folder of this test (MEDIA_ROOT), never the project's."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs what the code does on commit (the file write) when the block
    ends, as a real request's transaction commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture(autouse=True)
def _fresh_dashboard_caches():
    """The per-process caches (the 工作台's, kept between requests and checked by a stamp of what
    they read; the reference dropdowns of ``core.reference``; the menus of ``core.fragments``)
    start empty in every test: rolled-back tests reuse ids, and a stamp names rows by id."""
    from shangwu.core import fragments, reference
    from shangwu.indicators.selectors import _complete_months
    from shangwu.tasks.selectors import _evaluations

    _evaluations.clear()
    _complete_months.clear()
    reference.clear()
    fragments._MENUS.clear()
    yield
