import pytest

from shangwu.vouchers.models import VoucherDaily, VoucherRedemption
from shangwu.vouchers.tests.conftest import csv_bytes, row

pytestmark = pytest.mark.django_db


def test_smoke(make_campaign, city_staff, run_import):
    campaign = make_campaign()
    result = run_import(city_staff, campaign, csv_bytes([row("A1"), row("A2", county="云水县")]))
    assert result.committed, (result.file_error, result.errors)
    assert VoucherRedemption.objects.count() == 2
    assert VoucherDaily.objects.count() == 2
