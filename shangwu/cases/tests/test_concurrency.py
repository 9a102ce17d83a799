"""Two people acting on the same case at once never both succeed (version check)."""

import pytest
from django.db import connection

from shangwu.cases import services
from shangwu.cases.choices import CaseStatus
from shangwu.cases.models import Case
from shangwu.cases.tests.conftest import run_at_once


def _both(case_id, township_a1):
    """Both people read the case (same version) before either acts."""
    first, second = Case.objects.get(pk=case_id), Case.objects.get(pk=case_id)
    sign = lambda: services.case_sign(case=first, actor=township_a1)  # noqa: E731
    back = lambda: services.case_return(case=second, actor=township_a1, reason="不属于本单位")  # noqa: E731
    if connection.vendor == "postgresql":
        return run_at_once([sign, back])
    # SQLite serialises writers: the same race, played one after the other with the stale copy.
    out = []
    for call in (sign, back):
        try:
            out.append(call())
        except Exception as exc:  # noqa: BLE001
            out.append(exc)
    return out


@pytest.mark.django_db(transaction=connection.vendor == "postgresql")
def test_conflicting_transitions_on_one_case_never_both_succeed(
    restore_world, make_case, township_unit, township_a1
):
    case = make_case(assign_to=township_unit)
    results = _both(case.pk, township_a1)
    failures = [r for r in results if isinstance(r, Exception)]
    assert len(failures) == 1 and isinstance(failures[0], services.ConcurrentChange)
    assert "请刷新后再操作；您填写的内容已保留" in str(failures[0])
    final = Case.objects.get(pk=case.pk)
    assert final.status in (CaseStatus.HANDLING, CaseStatus.RETURNED)
    assert final.events.filter(kind__in=["sign", "return"]).count() == 1
