"""A task's 任务动态 is the shared timeline: who, when, what and the status change."""

import datetime

import pytest
from django.utils.timezone import localtime

from shangwu.core.testing import timeline_entries
from shangwu.tasks import services
from shangwu.tasks.choices import TaskStatus

pytestmark = pytest.mark.django_db


def test_closing_a_task_shows_on_its_timeline_with_who_when_and_the_status_change(
    as_user, make_plan, task_of, leader
):
    task = task_of(make_plan(), 2)
    before = task.get_status_display()
    services.task_change_status(
        task=task,
        status=TaskStatus.DONE,
        actor=leader,
        note="已全部完成",
        on=datetime.date(2026, 2, 10),
    )
    event = task.events.get(kind="status")
    entries = timeline_entries(as_user(leader).get(task.get_absolute_url()))
    done = next(e for e in entries if e["kind"] == "状态变更")
    assert done["status"] == f"{before} → 已完成"
    assert done["who"] == str(leader) and "已全部完成" in done["text"]
    assert done["at"] == localtime(event.at).strftime("%Y-%m-%d %H:%M:%S")
    assert entries[0]["kind"] == "状态变更"  # newest first, as before
