from django.db import models


class Cycle(models.TextChoices):
    """Reporting cadence (周调度、双周调度、月通报、季点评)."""

    WEEKLY = "weekly", "每周"
    BIWEEKLY = "biweekly", "每两周"
    MONTHLY = "monthly", "每月"
    QUARTERLY = "quarterly", "每季度"


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", "未启动"
    ON_TRACK = "on_track", "正常推进"
    LAGGING = "lagging", "滞后"
    DONE = "done", "已完成"
    CANCELLED = "cancelled", "已取消"


# Statuses a task leaves only by an explicit decision (task_change_status), never by the
# lagging rules.
FINAL_STATUSES = {TaskStatus.DONE, TaskStatus.CANCELLED}


class TaskEventKind(models.TextChoices):
    CREATED = "created", "导入"
    ASSIGNED = "assigned", "分派"
    UPDATED = "updated", "修改"
    STATUS = "status", "状态变更"
    REPORT = "report", "报送进展"
    MILESTONE = "milestone", "里程碑"


class ReportState(models.TextChoices):
    """The state of one unit's report for one cycle (computed, not stored)."""

    ON_TIME = "on_time", "按时报送"
    LATE = "late", "逾期报送"
    MISSING = "missing", "未报送"
    PENDING = "pending", "待报送"
    NOT_DUE = "not_due", "无需报送"


class Grade(models.TextChoices):
    """季度点评 grades, best first (the ranking's order)."""

    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "良好"
    FAIR = "fair", "一般"
    POOR = "poor", "较差"


GRADE_SCORE = {Grade.EXCELLENT: 4, Grade.GOOD: 3, Grade.FAIR: 2, Grade.POOR: 1}


class LineKind(models.TextChoices):
    """What the importer decided a line of the uploaded plan is; the preview lets the user change it."""

    TITLE = "title", "标题"
    PREAMBLE = "preamble", "总体要求/目标"
    SECTION = "section", "章节"
    TASK = "task", "任务"
    CONTINUATION = "continuation", "续行"
    IGNORE = "ignore", "忽略"
    UNPLACED = "unplaced", "未归类"
