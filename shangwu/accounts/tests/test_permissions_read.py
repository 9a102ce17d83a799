"""A user's permissions (granted to the user or through a group) are read in one query and kept
for the request: the enterprise and project pages ask for 查看联系人完整号码 (issue 18)."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shangwu.accounts.models import User

pytestmark = pytest.mark.django_db


def reveal():
    return Permission.objects.get(content_type__app_label="enterprises", codename="reveal_contact")


def fresh(user):
    return User.objects.get(pk=user.pk)  # no permission cache yet


def test_a_permission_granted_to_the_user_is_read_in_one_query_and_kept(county_a):
    county_a.user_permissions.add(reveal())
    user = fresh(county_a)
    with CaptureQueriesContext(connection) as queries:
        assert user.has_perm("enterprises.reveal_contact")
        assert user.has_perm("enterprises.reveal_contact")
        assert not user.has_perm("enterprises.delete_enterprise")
    assert len(queries) == 1


def test_a_permission_granted_through_a_group_counts_the_same(county_b):
    group = Group.objects.create(name="可查看完整号码")
    group.permissions.add(reveal())
    assert not fresh(county_b).has_perm("enterprises.reveal_contact")
    county_b.groups.add(group)
    assert fresh(county_b).has_perm("enterprises.reveal_contact")
    assert fresh(county_b).get_all_permissions() == {"enterprises.reveal_contact"}


def test_an_inactive_user_has_no_permission_even_when_granted(county_a):
    county_a.user_permissions.add(reveal())
    county_a.is_active = False
    county_a.save(update_fields=["is_active"])
    assert not fresh(county_a).has_perm("enterprises.reveal_contact")
