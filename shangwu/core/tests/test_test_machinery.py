"""The suite's own shortcuts keep the tests honest: the shared demo city is read, never kept,
and the kept migrated database is renewed by any change the migrations would see."""

import pytest

from shangwu.core.testing_db import migration_inputs, migrations_key
from shangwu.projects.models import Project

pytestmark = pytest.mark.django_db

RENAMED = "改名后的演示项目"


def test_a_test_that_does_not_ask_for_the_demo_city_sees_none_of_it():
    assert not Project.objects.exists()


def test_a_test_reading_the_demo_city_sees_it_and_may_change_it(demo_city):
    first = Project.objects.order_by("pk").first()
    assert str(first.pk) in demo_city[Project]
    Project.objects.filter(pk=first.pk).update(name=RENAMED)
    assert Project.objects.filter(name=RENAMED).count() == 1


def test_the_next_test_reading_the_demo_city_finds_it_as_built(demo_city):
    assert len(demo_city[Project]) == Project.objects.count() > 0
    assert not Project.objects.filter(name=RENAMED).exists()


def test_the_kept_database_is_named_by_every_migration_and_the_code_they_import():
    names = {"/".join(path.parts[-3:]) for path in migration_inputs()}
    assert "core/migrations/0001_document_settings.py" in names
    assert "auth/migrations/0001_initial.py" in names  # Django's own apps' too
    assert "shangwu/core/dbindexes.py" in names  # imported by a migration
    assert "shangwu/indicators/defaults.py" in names  # imported inside a migration's function
    assert migrations_key() == migrations_key() and len(migrations_key()) == 16
