from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shangwu.audit.services import mask_value
from shangwu.cases.choices import CaseKind, CaseSource, Rating
from shangwu.cases.models import Case, CaseAttachment, CaseCategory, CaseEvent, Notification
from shangwu.core.serializers import CallField, ReadModelSerializer, StoredFileSerializer
from shangwu.organization.choices import COUNTY_ONLY, TOWNSHIP_ONLY
from shangwu.organization.models import OrgUnit, Region


def _choice_text(choices) -> str:
    return "；".join(f"{value}={label}" for value, label in choices)


class CaseEventSerializer(ReadModelSerializer):
    # Plain strings (not enums) so the schema has no enum-name clashes with other apps' statuses.
    kind = serializers.CharField(read_only=True)
    from_status = serializers.CharField(read_only=True)
    to_status = serializers.CharField(read_only=True)
    kind_display = CallField(source="get_kind_display")
    actor_name = serializers.CharField(source="actor.name", read_only=True, default=None)
    recorded_by_unit = serializers.SerializerMethodField(
        help_text="外部单位的事项由交办单位代为录入时，录入人所在单位（否则为空）"
    )

    class Meta:
        model = CaseEvent
        fields = [
            "id",
            "kind",
            "kind_display",
            "from_status",
            "to_status",
            "actor",
            "actor_name",
            "unit",
            "recorded_by_unit",
            "note",
            "at",
        ]

    def get_recorded_by_unit(self, event) -> str | None:
        return (event.data or {}).get("recorded_by_unit") if event.data else None


class CaseSerializer(ReadModelSerializer):
    """Read side of a case; contact phone masked as on the pages."""

    source = serializers.CharField(read_only=True, help_text=_choice_text(CaseSource.choices))
    kind = serializers.CharField(read_only=True, help_text=_choice_text(CaseKind.choices))
    status = serializers.CharField(read_only=True)
    light = serializers.CharField(
        read_only=True, help_text="预警灯，按查询时刻计算：green / yellow / red"
    )
    rating = serializers.CharField(read_only=True, help_text=_choice_text(Rating.choices))
    supervision_level = serializers.IntegerField(
        source="supervision",
        read_only=True,
        help_text="督办级别，按查询时刻计算：0=无；1=催办（黄灯）；2=督办（红灯）；3=挂牌督办",
    )
    status_display = CallField(source="get_status_display")
    light_display = CallField(source="get_light_display")
    contact_phone = serializers.SerializerMethodField()
    co_units = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    next_deadline_provisional = serializers.BooleanField(
        read_only=True,
        help_text="下一时限为暂定：所在年度的放假安排尚未录入，按法定节假日和周末推算，录入后重算",
    )
    provisional_nodes = serializers.SerializerMethodField(
        help_text="时限为暂定的节点：sign / first_feedback / close / revisit"
    )

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "source",
            "kind",
            "category",
            "enterprise",
            "title",
            "content",
            "contact_name",
            "contact_phone",
            "county",
            "township",
            "received_at",
            "assigning_unit",
            "lead_unit",
            "co_units",
            "handler",
            "status",
            "status_display",
            "light",
            "light_display",
            "supervision_level",
            "rule_set",
            "assigned_at",
            "sign_due_at",
            "signed_at",
            "feedback_due_at",
            "first_feedback_at",
            "close_due_at",
            "revisit_due_at",
            "next_deadline_at",
            "next_deadline_provisional",
            "provisional_nodes",
            "paused_at",
            "paused_workdays",
            "resolution",
            "rating",
            "reopen_count",
            "closed_at",
            "closed_on_time",
            "workdays_to_close",
            "merged_into",
            "version",
        ]
        read_only_fields = fields

    def get_provisional_nodes(self, obj) -> list[str]:
        return sorted(obj.provisional_dues or {}) if obj.is_open else []

    def get_contact_phone(self, obj) -> str:
        return mask_value(obj.contact_phone) if obj.contact_phone else ""


class CaseAttachmentSerializer(StoredFileSerializer):
    """A listed attachment; ``download_url`` is the API route (session or token)."""

    download_route = "case-attachment-download"

    class Meta(StoredFileSerializer.Meta):
        model = CaseAttachment


class NotificationSerializer(ReadModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "text", "url", "case", "created_at", "read_at"]
        read_only_fields = fields


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="pdf、jpg、png、docx、xlsx（按文件内容判断）")


class CaseDetailSerializer(CaseSerializer):
    events = CaseEventSerializer(many=True, read_only=True)
    attachments = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        # The record the case was opened from (case_open_from): at most one is set.
        fields = [
            *CaseSerializer.Meta.fields,
            "origin_visit_problem",
            "origin_project",
            "events",
            "attachments",
        ]
        read_only_fields = fields

    @extend_schema_field(CaseAttachmentSerializer(many=True))
    def get_attachments(self, obj):
        listed = obj.attachments.listed().select_related("uploaded_by")
        return CaseAttachmentSerializer(listed, many=True, context=self.context).data


class CaseCreateSerializer(serializers.Serializer):
    # Choice fields, so the OpenAPI schema lists the values (clients and the API fuzz test).
    source = serializers.ChoiceField(
        choices=CaseSource.choices,
        help_text=_choice_text(CaseSource.choices),
        error_messages={"invalid_choice": f"来源应为：{_choice_text(CaseSource.choices)}。"},
    )
    kind = serializers.ChoiceField(
        choices=CaseKind.choices,
        default=CaseKind.ORDINARY,
        help_text=_choice_text(CaseKind.choices),
        error_messages={"invalid_choice": f"类型应为：{_choice_text(CaseKind.choices)}。"},
    )
    category = serializers.PrimaryKeyRelatedField(queryset=CaseCategory.objects.active())
    enterprise = serializers.IntegerField(required=False, allow_null=True)
    title = serializers.CharField(max_length=200)
    content = serializers.CharField()
    contact_name = serializers.CharField(
        max_length=50, required=False, allow_blank=True, default=""
    )
    contact_phone = serializers.CharField(
        max_length=30, required=False, allow_blank=True, default=""
    )
    county = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.filter(**COUNTY_ONLY), required=False, allow_null=True
    )
    township = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.filter(**TOWNSHIP_ONLY), required=False, allow_null=True
    )
    received_at = serializers.DateTimeField(required=False, allow_null=True)


class VersionedSerializer(serializers.Serializer):
    """Every action may send the ``version`` it read; a stale one is refused (409)."""

    version = serializers.IntegerField(required=False, min_value=0)


class AssignSerializer(VersionedSerializer):
    lead_unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.filter(is_active=True))
    co_units = serializers.PrimaryKeyRelatedField(
        queryset=OrgUnit.objects.filter(is_active=True), many=True, required=False
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class NoteSerializer(VersionedSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ProgressSerializer(VersionedSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    on_behalf_of = serializers.PrimaryKeyRelatedField(
        queryset=OrgUnit.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        default=None,
        help_text="交办单位为外部单位代为录入时，该外部单位的 id",
    )


class ReasonSerializer(VersionedSerializer):
    reason = serializers.CharField()


class ResolutionSerializer(VersionedSerializer):
    resolution = serializers.CharField()


class ReviewSerializer(VersionedSerializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RevisitSerializer(VersionedSerializer):
    rating = serializers.CharField(help_text=_choice_text(Rating.choices))
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ExtensionSerializer(VersionedSerializer):
    reason = serializers.CharField()
    proposed_due = serializers.DateField()


class MergeSerializer(VersionedSerializer):
    into = serializers.IntegerField(help_text="并入的案件 id")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ListedSupervisionSerializer(VersionedSerializer):
    required_by = serializers.DateField()
    comment = serializers.CharField()


class StatisticsRowSerializer(serializers.Serializer):
    key = serializers.CharField(allow_null=True)
    label = serializers.CharField()
    received = serializers.IntegerField()
    closed = serializers.IntegerField()
    close_rate = serializers.FloatField(allow_null=True)
    on_time = serializers.IntegerField()
    on_time_rate = serializers.FloatField(allow_null=True)
    avg_workdays = serializers.FloatField(allow_null=True)
    rated = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    satisfaction_rate = serializers.FloatField(allow_null=True, help_text="满意率（最终评价）")
    first_satisfied = serializers.IntegerField()
    first_satisfaction_rate = serializers.FloatField(
        allow_null=True, help_text="满意率（首次评价）"
    )
    reopened = serializers.IntegerField()
    overdue = serializers.IntegerField()
