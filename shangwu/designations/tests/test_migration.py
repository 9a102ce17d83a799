"""老字号 stops being a hand-set tag: the old tags became designations with their dates (nothing
lost), and the registry's tag filter finds the holders of a current designation."""

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from shangwu.enterprises.filtersets import EnterpriseFilterSet
from shangwu.enterprises.models import Enterprise, Tag

pytestmark = pytest.mark.django_db


def test_the_old_time_honoured_tags_become_designations_with_their_dates():
    """Against a fresh in-memory SQLite database in a subprocess (the test database is never
    migrated backwards)."""
    root = Path(__file__).resolve().parents[3]
    env = {
        **os.environ,
        "DATABASE_URL": "sqlite://:memory:",
        "DJANGO_SETTINGS_MODULE": "shangwu.settings",
        "PYTHONPATH": str(root),
    }
    result = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("migration_tags.py"))],
        env=env,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["designations"] == [
        [
            "无记录老字号有限公司",
            "zhonghua_laozihao",
            "awarded",
            "2023-03-03",
            "2026-03-03",
            True,
            True,
        ],
        [
            "王记面馆有限公司",
            "provincial_laozihao",
            "awarded",
            "2021-08-09",
            "2024-08-09",
            True,
            True,
        ],
        [
            "老字号酱园有限公司",
            "zhonghua_laozihao",
            "awarded",
            "2019-05-06",
            "2022-05-06",
            True,
            True,
        ],
    ]
    assert out["events"] == 3
    assert out["links"] == ["retail_above"]  # the other tags stay as they were
    assert out["active"] == [False, False]  # no longer offered for hand-setting


def test_the_registry_filter_finds_the_holders_of_a_current_time_honoured_designation(
    make_designation, make_enterprise, city_staff, rf
):
    holder = make_enterprise(name="老字号酱园有限公司")
    make_designation(kind="zhonghua_laozihao", enterprise=holder, status="awarded")
    applicant = make_enterprise(name="在申报的饭店有限公司")
    make_designation(kind="zhonghua_laozihao", enterprise=applicant, status="applied")
    gone = make_enterprise(name="已摘牌的老店有限公司")
    make_designation(kind="zhonghua_laozihao", enterprise=gone, status="delisted")
    tag = Tag.objects.get(code="time_honored_national")
    request = rf.get("/")
    request.user = city_staff
    found = EnterpriseFilterSet({"tag": tag.pk}, queryset=Enterprise.objects.all(), request=request)
    assert list(found.qs.values_list("name", flat=True)) == ["老字号酱园有限公司"]


def test_a_time_honoured_tag_can_no_longer_be_set_by_hand(make_enterprise, county_a):
    from shangwu.enterprises.services import enterprise_set_tag

    with pytest.raises(ValidationError) as exc:
        enterprise_set_tag(
            enterprise=make_enterprise(),
            tag=Tag.objects.get(code="time_honored_national"),
            actor=county_a,
        )
    assert "由荣誉认定生成" in " ".join(exc.value.messages)


def test_the_enterprise_page_shows_the_time_honoured_designation_as_its_tag(
    as_user, county_a, make_designation, make_enterprise
):
    holder = make_enterprise(name="老字号酱园有限公司")
    make_designation(
        kind="zhonghua_laozihao",
        enterprise=holder,
        status="awarded",
        awarded_on=datetime.date(2024, 4, 1),
    )
    page = as_user(county_a).get(holder.get_absolute_url())
    fields = dict(page.context["fields"])
    assert fields["标签"] == "中华老字号（2024-04-01认定）"
