"""``core.services.model_update``: the direct part of an edit (users, org units) writes only the
fields that changed, after validating the whole row, and nothing at all when nothing changed."""

import pytest
from django.core.exceptions import ValidationError

from shangwu.accounts.models import User
from shangwu.core.services import model_update

pytestmark = pytest.mark.django_db


def test_only_the_changed_fields_are_written(county_a):
    changed = model_update(
        instance=county_a,
        data={"position": "副股长", "name": county_a.name, "mobile": "13900009999"},
        fields=["position", "name", "mobile"],
    )
    assert changed == ["position", "mobile"]
    fresh = User.objects.get(pk=county_a.pk)
    assert fresh.position == "副股长" and fresh.mobile == "13900009999"


def test_a_field_not_named_is_left_alone_and_nothing_changed_saves_nothing(
    county_a, django_assert_num_queries
):
    with django_assert_num_queries(0):
        assert model_update(instance=county_a, data={"role": "leader"}, fields=["position"]) == []
    assert User.objects.get(pk=county_a.pk).role == county_a.role


def test_an_invalid_row_is_refused_and_not_written(county_a):
    before = county_a.mobile
    with pytest.raises(ValidationError):
        model_update(instance=county_a, data={"name": ""}, fields=["name"])
    assert User.objects.get(pk=county_a.pk).mobile == before
    assert User.objects.get(pk=county_a.pk).name != ""
