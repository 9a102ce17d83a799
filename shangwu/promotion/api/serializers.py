from rest_framework import serializers

from shangwu.core.serializers import StoredFileSerializer
from shangwu.organization.models import OrgUnit
from shangwu.projects.api.serializers import ProjectSerializer
from shangwu.promotion.choices import AttachmentPurpose, EventStatus
from shangwu.promotion.models import EventAttachment, EventParticipant, EventProject, PromotionEvent

# Written by their own action endpoints (move, outcomes, participants, projects).
KEPT = [
    "status",
    "participant_count",
    "other_participants",
    "attendance",
    "sales",
    "formal_orders",
    "formal_amount",
    "intended_orders",
    "intended_amount",
    "credit_amount",
    "delegates",
    "destinations",
    "foreign_projects",
    "intended_investment",
    "signed_projects",
    "signed_amount",
]


class EventParticipantSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = EventParticipant
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "attendance",
            "sales",
            "formal_orders",
            "formal_amount",
            "intended_orders",
            "intended_amount",
            "credit_amount",
            "note",
        ]
        validators = []  # the service says “已在本活动的参与企业中” itself


class EventProjectSerializer(serializers.ModelSerializer):
    project_name = serializers.CharField(source="project.name", read_only=True)
    amount = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text="留空则为项目总投资",
    )
    signed_on = serializers.DateField(required=False, allow_null=True)

    class Meta:
        model = EventProject
        fields = ["id", "project", "project_name", "amount", "signed_on"]
        validators = []


class EventNewProjectSerializer(ProjectSerializer):
    """A project new to the library, signed at the event: the project API's own fields (the
    same service, ``project_create``) and the 签约金额."""

    amount = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text="签约金额（万元），留空则为项目总投资",
    )

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "amount"]


class PromotionEventSerializer(serializers.ModelSerializer):
    """An event. Status and outcomes are read-only here: POST /api/events/{id}/move/,
    /outcomes/, /participants/, /projects/ (the same services as the pages)."""

    kind_name = serializers.CharField(source="kind.name", read_only=True)
    family = serializers.CharField(source="kind.family", read_only=True)
    county_name = serializers.CharField(source="county.name", read_only=True, default=None)
    organiser_name = serializers.CharField(source="organiser.name", read_only=True)
    co_organisers = serializers.PrimaryKeyRelatedField(
        queryset=OrgUnit.objects.all(), many=True, required=False
    )
    participants = EventParticipantSerializer(many=True, read_only=True)
    projects = EventProjectSerializer(many=True, read_only=True)

    class Meta:
        model = PromotionEvent
        fields = [
            "id",
            "name",
            "kind",
            "kind_name",
            "family",
            "level",
            "organiser",
            "organiser_name",
            "co_organisers",
            "partners",
            "county",
            "county_name",
            "township",
            "venue",
            "format",
            "start_on",
            "end_on",
            "budget",
            "order_currency",
            "summary",
            "note",
            *KEPT,
            "participants",
            "projects",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [*KEPT, "created_at", "updated_at"]


class EventMoveSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=EventStatus.choices, help_text="下一状态")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class EventOutcomesSerializer(serializers.ModelSerializer):
    """The outcomes of the event's kind's family (others are refused with the fields that fit)."""

    class Meta:
        model = PromotionEvent
        fields = [
            "other_participants",
            "attendance",
            "sales",
            "formal_orders",
            "formal_amount",
            "intended_orders",
            "intended_amount",
            "credit_amount",
            "delegates",
            "destinations",
            "foreign_projects",
            "intended_investment",
        ]
        extra_kwargs = {name: {"required": False} for name in fields}


class EventAttachmentSerializer(StoredFileSerializer):
    download_route = "promotionevent-attachment-download"

    class Meta(StoredFileSerializer.Meta):
        model = EventAttachment
        fields = [*StoredFileSerializer.Meta.fields, "purpose"]
        read_only_fields = fields


class EventAttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="活动照片（jpg、png）、方案或总结（pdf、docx、xlsx），按文件内容判断"
    )
    purpose = serializers.ChoiceField(
        choices=AttachmentPurpose.choices,
        default=AttachmentPurpose.OTHER,
        help_text="用途：photo 活动照片、plan 活动方案、summary 活动总结、other 其他",
    )
