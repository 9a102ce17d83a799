"""When is a key task 滞后 (lagging), and why. The rules, in one place:

1. a milestone's date has passed and it is not done: “里程碑“…”已于2026年6月30日到期未完成”;
2. the task's deadline has passed and it is not done: “任务已于2026年9月30日到期未完成”;
3. the lead unit's progress reports are missing for the last two (or more) cycles in a row:
   “连续2期未报送进展（2026年9月、2026年10月）”.

Pure functions over plain values, so the bulletin can ask “as of the cycle's close” and the
status refresher “as of today” with the same rules.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from shangwu.tasks.choices import ReportState, TaskStatus
from shangwu.tasks.cycles import date_cn

MISSING_CYCLES_LAG = 2


@dataclass(frozen=True)
class MilestoneFact:
    name: str
    due_on: datetime.date
    done_on: datetime.date | None


def report_state(
    *, due: datetime.date, submitted_on: datetime.date | None, on: datetime.date
) -> str:
    """On time / late / missing / pending for one report, as seen on day ``on``."""
    if submitted_on is not None and submitted_on <= on:
        return ReportState.ON_TIME if submitted_on <= due else ReportState.LATE
    return ReportState.MISSING if on > due else ReportState.PENDING


def lag_reasons(
    *,
    on: datetime.date,
    deadline: datetime.date | None,
    closed_on: datetime.date | None,
    milestones: list[MilestoneFact],
    states: list[tuple[str, str]],
) -> list[str]:
    """Why the task lags on day ``on`` (empty: it does not).

    ``states``: (cycle label, ReportState) of the lead unit's report for each cycle already due,
    oldest first; ``closed_on``: the day it was completed, if it was.
    """
    if closed_on is not None and closed_on <= on:
        return []
    reasons = []
    for m in sorted(milestones, key=lambda m: m.due_on):
        if m.due_on < on and (m.done_on is None or m.done_on > on):
            reasons.append(f"里程碑“{m.name}”已于{date_cn(m.due_on)}到期未完成")
    if deadline is not None and deadline < on:
        reasons.append(f"任务已于{date_cn(deadline)}到期未完成")
    trailing = []
    for label, state in reversed(states):
        if state != ReportState.MISSING:
            break
        trailing.append(label)
    if len(trailing) >= MISSING_CYCLES_LAG:
        reasons.append(f"连续{len(trailing)}期未报送进展（{'、'.join(reversed(trailing))}）")
    return reasons


def status_on(
    *,
    stored: str,
    closed_on: datetime.date | None,
    on: datetime.date,
    reasons: list[str],
    reported: bool,
) -> str:
    """The task's status on day ``on``: 已完成/已取消 stay (once reached by then); otherwise 滞后
    with reasons, 正常推进 once a report came in, 未启动 before."""
    if stored in (TaskStatus.DONE, TaskStatus.CANCELLED) and (closed_on is None or closed_on <= on):
        return stored
    if reasons:
        return TaskStatus.LAGGING
    return TaskStatus.ON_TRACK if reported else TaskStatus.NOT_STARTED
