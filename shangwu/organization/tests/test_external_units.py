"""外部单位: the 系统管理员 registers a department outside the bureau as an org unit."""

import pytest
from django.urls import reverse

from shangwu.organization.choices import OrgUnitKind
from shangwu.organization.models import OrgUnit

pytestmark = pytest.mark.django_db


def test_the_sysadmin_adds_an_external_unit_through_the_form(as_user, sysadmin, region):
    client = as_user(sysadmin)
    form = client.get(reverse("organization:orgunit_add")).content.decode()
    assert f'<option value="{OrgUnitKind.EXTERNAL}">外部单位</option>' in form
    response = client.post(
        reverse("organization:orgunit_add"),
        {
            "name": "云河市住房和城乡建设局",
            "short_name": "市住建局",
            "kind": OrgUnitKind.EXTERNAL,
            "region": region("419900").pk,
            "is_active": "on",
            "sort_order": 120,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    unit = OrgUnit.objects.get(name="云河市住房和城乡建设局")
    assert unit.get_kind_display() == "外部单位"
    assert "外部单位" in client.get(unit.get_absolute_url()).content.decode()
