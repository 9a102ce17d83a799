"""A project's 项目动态 is the shared timeline: the date a stage was reached, who recorded it
and when, and the stage it moved from and to."""

import datetime

import pytest
from django.utils.timezone import localtime

from shangwu.core.testing import timeline_entries

pytestmark = pytest.mark.django_db


def test_a_stage_move_shows_on_the_timeline_with_its_date_who_and_the_stages(
    as_user, make_project, city_staff
):
    project = make_project(reach={"洽谈": datetime.date(2025, 1, 6)})
    event = project.events.get(kind="stage", to_stage__name="洽谈")
    entries = timeline_entries(as_user(city_staff).get(project.get_absolute_url()))
    moved = next(e for e in entries if e["kind"] == "阶段变更")
    assert moved["status"] == "线索 → 洽谈"
    assert moved["who"] == str(city_staff)
    assert moved["text"].startswith("2025-01-06 阶段变更")  # the date it happened comes first
    assert moved["at"] == localtime(event.at).strftime("%Y-%m-%d %H:%M:%S")  # 记录于
    assert entries[0]["kind"] == "阶段变更"  # newest first, as before
