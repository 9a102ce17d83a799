from rest_framework import serializers

from shangwu.accounts.models import User
from shangwu.core.serializers import StoredFileSerializer
from shangwu.designations.choices import (
    HolderType,
    MilestoneResult,
    RecommendLevel,
    ReviewResult,
)
from shangwu.designations.models import (
    Designation,
    DesignationAttachment,
    DesignationKind,
    ProgrammeFund,
    ProgrammeMilestone,
)
from shangwu.organization.models import OrgUnit

# Written only by the step actions (apply, recommend, award, review, revoke, delist, expire).
KEPT = [
    "status",
    "cultivation_on",
    "applied_on",
    "recommended_on",
    "recommend_level",
    "recommend_doc",
    "awarded_on",
    "award_doc",
    "expires_on",
    "next_review_on",
    "last_review_on",
    "last_review_result",
    "rectify_by",
    "ended_on",
    "end_reason",
]


class DesignationKindSerializer(serializers.ModelSerializer):
    class Meta:
        model = DesignationKind
        fields = [
            "id",
            "code",
            "name",
            "level",
            "authority",
            "holder_types",
            "validity_years",
            "review_cycle_years",
            "dynamic",
            "carries_funds",
            "tag_code",
            "sort_order",
            "is_active",
        ]
        read_only_fields = ["id"]
        extra_kwargs = {"code": {"required": False}}

    holder_types = serializers.ListField(
        child=serializers.ChoiceField(choices=HolderType.choices),
        allow_empty=False,
        label="可认定对象",
        error_messages={"empty": "请至少选择一种可认定对象。"},
    )

    def validate_code(self, value):
        if self.instance is not None and value != self.instance.code:
            raise serializers.ValidationError("代码建立后不可修改（统计和导入按代码识别）。")
        return value


class ProgrammeFundSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgrammeFund
        fields = ["id", "designation", "source", "year", "budget", "allocated", "spent"]
        read_only_fields = fields


class ProgrammeMilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgrammeMilestone
        fields = ["id", "designation", "kind", "due_on", "done_on", "result", "note"]
        read_only_fields = fields


def _now(obj, annotated: str, read):
    """A value of the open responsibility: the list's annotation, or (a row just written) the
    row itself."""
    if hasattr(obj, annotated):
        return getattr(obj, annotated)
    row = obj.responsibility
    return read(row) if row is not None else None


class _Responsible(serializers.PrimaryKeyRelatedField):
    """``responsible_unit`` / ``official`` of a designation: written as an id, read as the id of
    the open DesignationResponsibility's unit or official."""

    def __init__(self, attr, **kwargs):
        self.attr = attr
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return _now(instance, f"{self.field_name}_id", lambda r: getattr(r, f"{self.attr}_id"))

    def to_representation(self, value):
        return value if value is None or isinstance(value, int) else value.pk


class DesignationSerializer(serializers.ModelSerializer):
    """A designation. Status and the steps' dates are read-only here: POST
    /api/designations/{id}/apply/, recommend/, award/, review/, revoke/, delist/, expire/ (the
    same services as the pages)."""

    kind_name = serializers.CharField(source="kind.name", read_only=True)
    level = serializers.CharField(source="kind.level", read_only=True)
    holder = serializers.CharField(read_only=True)
    county_name = serializers.CharField(source="county.name", read_only=True, default=None)
    # The responsible unit and official now (the open DesignationResponsibility, annotated by
    # ``with_responsible``); a change in PUT/PATCH goes through designation_responsibility_change.
    responsible_unit = _Responsible(
        "unit", queryset=OrgUnit.objects.filter(is_active=True), label="责任单位"
    )
    responsible_unit_name = serializers.SerializerMethodField(label="责任单位名称")
    official = _Responsible(
        "official",
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        label="责任人",
    )
    official_name = serializers.SerializerMethodField(label="责任人姓名")
    on = serializers.DateField(
        write_only=True, required=False, help_text="列入培育日期（新建时；默认今天）"
    )

    class Meta:
        model = Designation
        fields = [
            "id",
            "name",
            "kind",
            "kind_name",
            "level",
            "holder_type",
            "holder",
            "enterprise",
            "holder_name",
            "project",
            "county",
            "county_name",
            "township",
            "responsible_unit",
            "responsible_unit_name",
            "official",
            "official_name",
            "note",
            "on",
            *KEPT,
            "created_at",
            "updated_at",
        ]
        read_only_fields = [*KEPT, "created_at", "updated_at"]
        extra_kwargs = {"name": {"required": False}}
        validators = []

    def validate(self, attrs):
        # The service validates the record (full_clean) and says what is wrong.
        return attrs

    def get_responsible_unit_name(self, obj) -> str | None:
        return _now(obj, "responsible_unit_name", lambda r: r.unit.name)

    def get_official_name(self, obj) -> str | None:
        return _now(obj, "official_name", lambda r: r.official.name if r.official_id else None)


class DesignationApplySerializer(serializers.Serializer):
    on = serializers.DateField(help_text="申报日期")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DesignationRecommendSerializer(serializers.Serializer):
    on = serializers.DateField(help_text="推荐日期")
    level = serializers.ChoiceField(choices=RecommendLevel.choices, help_text="推荐层级")
    doc = serializers.CharField(help_text="推荐文号")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DesignationAwardSerializer(serializers.Serializer):
    on = serializers.DateField(help_text="认定日期")
    doc = serializers.CharField(help_text="认定文号")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DesignationReviewSerializer(serializers.Serializer):
    on = serializers.DateField(help_text="复核日期")
    result = serializers.ChoiceField(choices=ReviewResult.choices, help_text="复核结果")
    rectify_by = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DesignationEndSerializer(serializers.Serializer):
    on = serializers.DateField(help_text="日期")
    reason = serializers.CharField(help_text="原因")


class DesignationMilestoneDoneSerializer(serializers.Serializer):
    done_on = serializers.DateField()
    result = serializers.ChoiceField(choices=MilestoneResult.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DesignationAttachmentSerializer(StoredFileSerializer):
    download_route = "designation-attachment-download"

    class Meta(StoredFileSerializer.Meta):
        model = DesignationAttachment
        fields = [*StoredFileSerializer.Meta.fields, "purpose"]
        read_only_fields = fields


class DesignationAttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="申报材料、证书或复核材料（pdf、jpg、png、docx、xlsx）")
