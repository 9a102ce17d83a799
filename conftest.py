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
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Runs before pytest-django creates the test database: its one ``migrate`` on SQLite is
    answered from the migrated database kept by an earlier run (``migrated_sqlite``)."""
    from shangwu.core.testing_db import migrate_from_cache

    migrate_from_cache()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from shangwu.accounts.demo import build_users
    from shangwu.core.context import acting
    from shangwu.organization.demo import build_regions_and_units

    with django_db_blocker.unblock(), acting(path="conftest"):
        units = build_regions_and_units()
        build_users(units)


class DemoWorld:
    """The small demo city (``demo_data --size small``), built at most once per worker while the
    tests that read it run one after another, inside a transaction rolled back when they are done.

    Each test's own transaction is a savepoint inside it, so a test still never sees another's
    writes, and the tests that do not ask for the demo never see it: the world is rolled back before
    any test that does not request ``demo_city`` (and built again if one comes later). The tests
    that request it run last among the database tests (``pytest_collection_modifyitems``), so a
    worker builds it about once instead of once per test (it took ~15 s under load each time).
    """

    def __init__(self):
        self.blocker = None  # pytest-django's database blocker, once the test database exists
        self.atomic = None
        self.added = None
        self.builds = 0

    def enter(self):
        if self.atomic is not None:
            return
        from django.apps import apps
        from django.core.management import call_command
        from django.db import transaction

        with self.blocker.unblock():
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            models = apps.get_models()
            before = {m: set(m._base_manager.values_list("pk", flat=True)) for m in models}
            call_command("demo_data", "--size", "small", stdout=open(os.devnull, "w"))
            self.added = {
                m: {str(pk) for pk in m._base_manager.values_list("pk", flat=True) if pk not in old}
                for m, old in before.items()
            }
            self.builds += 1

    def leave(self):
        if self.atomic is None:
            return
        from django.db import transaction

        with self.blocker.unblock():
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)
        self.atomic, self.added = None, None


_world = DemoWorld()


@pytest.fixture(scope="session")
def _demo_world_session(django_db_setup, django_db_blocker):
    _world.blocker = django_db_blocker
    yield _world
    _world.leave()


@pytest.fixture(scope="module")
def _demo_world(_demo_world_session):
    """Module scope, so that it is set up before any test's own transaction (the ``db`` fixture)
    opens; later tests find it open, or the runtest hook below opens it again."""
    _demo_world_session.enter()
    return _demo_world_session


def _demo_city(_demo_world, db):
    assert _demo_world.atomic is not None, "demo world not open"
    return _demo_world.added


_demo_city.shares_the_demo_world = True
demo_city = pytest.fixture(name="demo_city")(_demo_city)
demo_city.__doc__ = """The small demo city, read by the test (its writes are rolled back): the
rows the demo added, per model (``{model: {str(pk), …}}``). Built once per worker for every test
that asks for it (``DemoWorld``)."""


def _wants_demo_world(item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    defs = info.name2fixturedefs.get("demo_city", ()) if info else ()
    # The closest definition decides: the shared one, or one that extends it (test_demo_records);
    # a module's own ``demo_city`` (test_scope_cases) is not the world.
    for definition in reversed(defs):
        if getattr(definition.func, "shares_the_demo_world", False):
            return True
        if "demo_city" not in definition.argnames:
            return False
    return False


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before any fixture of the test: open the demo world for a test that reads it (when the
    worker has set it up before), roll it back before one that does not."""
    if _wants_demo_world(item):
        if _world.blocker is not None:
            _world.enter()
    else:
        _world.leave()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """After pytest-django's order (database tests, then transactional ones, then the rest): the
    tests reading the demo world go to the end of the database tests, one after another, so each
    xdist worker (which runs its share in collection order) builds the world about once."""
    demo = [item for item in items if _wants_demo_world(item)]
    if not demo:
        return
    rest = [item for item in items if not _wants_demo_world(item)]
    cut = next((i for i, item in enumerate(rest) if not _plain_database_test(item)), len(rest))
    items[:] = rest[:cut] + demo + rest[cut:]


def _plain_database_test(item) -> bool:
    """pytest-django's first group: a database test in a rolled-back transaction."""
    names = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    if "transactional_db" in names or "live_server" in names:
        return False
    if marker is not None:
        return not (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))
    return "db" in names


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
    they read; the reference dropdowns of ``core.reference``; the compiled selections of
    ``core.figures_sql``; the menus of ``core.fragments``) start empty in every test: rolled-back
    tests reuse ids, and a stamp names rows by id."""
    from shangwu.core import figures_sql, fragments, reference
    from shangwu.indicators.selectors import _complete_months
    from shangwu.tasks.selectors import _evaluations

    _evaluations.clear()
    _complete_months.clear()
    reference.clear()
    figures_sql.clear()
    fragments._MENUS.clear()
    yield
