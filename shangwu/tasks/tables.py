from shangwu.core.tables import Column, Table
from shangwu.tasks.models import Plan, QuarterReview, Report, Task


class PlanTable(Table):
    model = Plan
    columns = [
        Column("title", linkify=True),
        Column("year"),
        Column("cycle"),
        Column("due_day"),
        Column("task_count", "任务数"),
        Column("office"),
    ]


class TaskTable(Table):
    model = Task
    row_fields = Task.str_fields  # 编号 (``Task.code``)
    columns = [
        Column("code", "编号"),
        Column("title", linkify=True),
        Column("section"),
        Column("lead_unit"),
        Column("co_units"),
        Column("leader"),
        Column("deadline"),
        Column("status"),
        Column("status_reason", "滞后原因"),
        Column("plan", display=False),
        Column("text", display=False),
    ]

    def __init__(self, object_list):
        # The list behind a number of the 督办通报's table 各单位情况 (reports over the cycles so
        # far) shows each task's share of it.
        query = getattr(object_list, "query", None)
        if query is not None and "bulletin_reports" in query.annotations:
            self.columns = [*self.columns, Column("bulletin_reports", "报送期数")]
        super().__init__(object_list)


class ReportTable(Table):
    model = Report
    columns = [
        Column("task", linkify=False),
        Column("cycle"),
        Column("unit"),
        Column("percent"),
        Column("text"),
        Column("problems", display=False),
        Column("next_steps", display=False),
        Column("due_on"),
        Column("submitted_at"),
        Column("is_late"),
        Column("submitted_by", display=False),
    ]


class QuarterReviewTable(Table):
    model = QuarterReview
    columns = [
        Column("unit"),
        Column("year"),
        Column("quarter"),
        Column("grade"),
        Column("comment"),
        Column("reviewer"),
        Column("plan", display=False),
    ]
