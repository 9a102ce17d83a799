import importlib

import pytest


@pytest.fixture
def real_database(transactional_db, django_db_blocker):
    """For tests that run threads against the real, committed database (``transaction=True``).

    An earlier transactional test ended with a flush that emptied every table, so the demo city
    and the personas are put back first (idempotent). On SQLite the flush is a DELETE, which the
    audit log's append-only trigger refuses; the trigger is lifted for this test's own rows only
    at teardown and put back at once (PostgreSQL's flush is a TRUNCATE, which it allows)."""
    from django.db import connection

    from shangwu.accounts.demo import build_users
    from shangwu.core.context import acting
    from shangwu.organization.demo import build_regions_and_units

    with acting(path="conftest"):
        build_users(build_regions_and_units())
    yield
    if connection.vendor == "sqlite":
        triggers = importlib.import_module("shangwu.audit.migrations.0002_append_only_triggers")
        with connection.cursor() as cursor:
            for sql in triggers.SQLITE_DROP:
                cursor.execute(sql)
            cursor.execute("DELETE FROM audit_auditlog")
            for sql in triggers.SQLITE:
                cursor.execute(sql)
