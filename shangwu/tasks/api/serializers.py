from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from shangwu.core.periods import YEAR_MAX, YEAR_MIN
from shangwu.core.serializers import CallField, FastRepresentation, ReadModelSerializer
from shangwu.organization.models import OrgUnit
from shangwu.tasks import parser
from shangwu.tasks.choices import Cycle, Grade
from shangwu.tasks.models import (
    Milestone,
    Plan,
    PlanTarget,
    QuarterReview,
    Report,
    Section,
    Target,
    Task,
    TaskEvent,
)


class SectionSerializer(ReadModelSerializer):
    class Meta:
        model = Section
        fields = ["id", "number", "numeral", "title", "text"]
        read_only_fields = fields


class PlanTargetSerializer(ReadModelSerializer):
    class Meta:
        model = PlanTarget
        fields = ["id", "text", "value_low", "value_high", "unit", "indicator"]
        read_only_fields = fields


class PlanSerializer(FastRepresentation, serializers.ModelSerializer):
    cycle = serializers.ChoiceField(choices=Cycle.choices, required=False)
    cycle_display = CallField(source="get_cycle_display")
    sections = SectionSerializer(many=True, read_only=True)
    targets = PlanTargetSerializer(many=True, read_only=True, help_text="年度预期目标")

    class Meta:
        model = Plan
        fields = [
            "id",
            "title",
            "year",
            "preamble",
            "unplaced_text",
            "cycle",
            "cycle_display",
            "due_day",
            "reporting_from",
            "numbering_restarts",
            "office",
            "sections",
            "targets",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "year",
            "unplaced_text",
            "numbering_restarts",
            "sections",
            "created_at",
            "updated_at",
        ]


class PlanImportSerializer(serializers.Serializer):
    """POST /api/plans/import/: the plan's full text, parsed with the same rules as the page."""

    text = serializers.CharField(
        required=False, allow_blank=True, help_text="工作要点全文（每段一行）；与 file 二选一"
    )
    file = serializers.FileField(
        required=False, help_text="工作要点 .docx（multipart 上传），按网页导入的同一规则读取"
    )
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    year = serializers.IntegerField(min_value=YEAR_MIN, max_value=YEAR_MAX)
    cycle = serializers.ChoiceField(choices=Cycle.choices, default=Cycle.MONTHLY)
    due_day = serializers.IntegerField(min_value=1, max_value=31, default=25)
    overrides = serializers.DictField(
        child=serializers.CharField(),
        required=False,
        default=dict,
        help_text="行号 → 类型（title/preamble/section/task/continuation/ignore/unplaced）",
    )
    dry_run = serializers.BooleanField(
        default=False, help_text="只返回识别结果（章节及其任务的编号、标题），不保存"
    )

    def validate_file(self, upload):
        from shangwu.tasks.forms import plan_docx_check

        plan_docx_check(upload)
        return upload

    def validate(self, data):
        if not data.get("file") and not (data.get("text") or "").strip():
            raise serializers.ValidationError(
                {"text": ["请上传 .docx 文件（file）或提供工作要点全文（text）。"]}
            )
        if data.get("file") and (data.get("text") or "").strip():
            raise serializers.ValidationError({"file": ["file 与 text 只能提供一个。"]})
        return data

    def lines(self) -> list[str]:
        """The plan's lines, read from the .docx exactly as the page reads it, or the text."""
        from shangwu.tasks.forms import plan_docx_lines

        upload = self.validated_data.get("file")
        if upload is None:
            return parser.split_text(self.validated_data["text"])
        try:
            return plan_docx_lines(upload)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"file": exc.messages}) from exc


class MilestoneSerializer(FastRepresentation, serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "name", "due_on", "done_on"]
        read_only_fields = ["id"]


class TargetSerializer(ReadModelSerializer):
    class Meta:
        model = Target
        fields = ["id", "text", "value_low", "value_high", "unit", "indicator"]
        read_only_fields = fields


class TaskEventSerializer(ReadModelSerializer):
    kind = serializers.CharField(
        read_only=True, help_text="created / assigned / updated / status / report / milestone"
    )
    kind_display = CallField(source="get_kind_display")
    from_status = serializers.CharField(read_only=True, help_text="原状态（同任务状态取值）")
    to_status = serializers.CharField(read_only=True, help_text="新状态（同任务状态取值）")

    class Meta:
        model = TaskEvent
        fields = ["id", "kind", "kind_display", "from_status", "to_status", "note", "actor", "at"]
        read_only_fields = fields


class TaskSerializer(FastRepresentation, serializers.ModelSerializer):
    code = serializers.CharField(read_only=True)
    status = serializers.CharField(
        read_only=True,
        help_text="not_started 未启动 / on_track 正常推进 / lagging 滞后 / "
        "done 已完成 / cancelled 已取消",
    )
    status_display = CallField(source="get_status_display")
    co_units = serializers.PrimaryKeyRelatedField(
        many=True, queryset=OrgUnit.objects.filter(is_active=True), required=False
    )
    milestones = MilestoneSerializer(many=True, read_only=True)
    targets = TargetSerializer(many=True, read_only=True)
    bulletin_reports = serializers.SerializerMethodField(
        help_text="仅当以 cycle_reports 筛选时：该任务截至所通报期次处于该报送情况的期数"
    )

    def get_bulletin_reports(self, obj) -> int | None:
        return getattr(obj, "bulletin_reports", None)

    class Meta:
        model = Task
        fields = [
            "id",
            "plan",
            "section",
            "number",
            "code",
            "title",
            "text",
            "lead_unit",
            "co_units",
            "leader",
            "deadline",
            "status",
            "status_display",
            "status_reason",
            "bulletin_reports",
            "closed_on",
            "milestones",
            "targets",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "plan",
            "status",
            "status_reason",
            "closed_on",
            "created_at",
            "updated_at",
        ]


class TaskDetailSerializer(TaskSerializer):
    events = TaskEventSerializer(many=True, read_only=True)

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "events"]


class TaskStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[("done", "已完成"), ("cancelled", "已取消"), ("reopen", "重新打开")]
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReportSerializer(FastRepresentation, serializers.ModelSerializer):
    state = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id",
            "task",
            "cycle",
            "unit",
            "is_lead",
            "text",
            "percent",
            "milestone",
            "problems",
            "next_steps",
            "due_on",
            "is_late",
            "state",
            "submitted_at",
            "submitted_by",
        ]
        read_only_fields = [
            "id",
            "unit",
            "is_lead",
            "due_on",
            "is_late",
            "state",
            "submitted_at",
            "submitted_by",
        ]

    def get_state(self, obj) -> str:
        return "逾期报送" if obj.is_late else "按时报送"


class ReportCreateSerializer(serializers.Serializer):
    task = serializers.IntegerField()
    cycle = serializers.IntegerField(min_value=1)
    text = serializers.CharField(max_length=5000)
    percent = serializers.IntegerField(
        min_value=0, max_value=100, required=False, allow_null=True, default=None
    )
    milestone = serializers.IntegerField(required=False, allow_null=True, default=None)
    problems = serializers.CharField(required=False, allow_blank=True, default="")
    next_steps = serializers.CharField(required=False, allow_blank=True, default="")
    confirm_lower = serializers.BooleanField(
        default=False, help_text="完成进度低于上期时须为 true（确认进度确实下降）"
    )


class ReportCorrectSerializer(serializers.Serializer):
    """POST /api/task-reports/{id}/correct/: only the fields sent are changed."""

    text = serializers.CharField(max_length=5000, required=False)
    percent = serializers.IntegerField(min_value=0, max_value=100, required=False, allow_null=True)
    problems = serializers.CharField(required=False, allow_blank=True)
    next_steps = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(max_length=500, help_text="更正原因")
    confirm_lower = serializers.BooleanField(default=False)


class QuarterReviewSerializer(FastRepresentation, serializers.ModelSerializer):
    grade_display = CallField(source="get_grade_display")
    grade = serializers.ChoiceField(choices=Grade.choices)

    class Meta:
        model = QuarterReview
        fields = [
            "id",
            "plan",
            "unit",
            "year",
            "quarter",
            "grade",
            "grade_display",
            "comment",
            "reviewer",
            "reviewed_at",
        ]
        read_only_fields = ["id", "reviewer", "reviewed_at"]
        validators = []  # review_save replaces an existing grade for the same unit and quarter
