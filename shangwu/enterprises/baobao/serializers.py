"""API serializers of the enterprise service records. Phone numbers go out masked (write fields
accept full numbers); the full number is only given by the audited ``reveal`` action."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shangwu.audit.services import mask_value
from shangwu.core.reveal import REVEALABLE
from shangwu.core.serializers import StoredFileSerializer
from shangwu.enterprises.choices import AssignmentLevel
from shangwu.enterprises.models import (
    Assignment,
    Contact,
    Enterprise,
    Visit,
    VisitAttachment,
    VisitProblem,
)
from shangwu.enterprises.selectors import official_list_visible


class ScopedEnterpriseField(serializers.PrimaryKeyRelatedField):
    """An enterprise the requesting user may add records to; any other id is "not found"."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return Enterprise.objects.none()
        return Enterprise.objects.restrict(request.user, "add")


class OfficialField(serializers.PrimaryKeyRelatedField):
    """A business user the requesting user may pick (the city's and those of their own area)."""

    def get_queryset(self):
        request = self.context.get("request")
        return official_list_visible(user=request.user if request else None)


class ContactSerializer(serializers.ModelSerializer):
    enterprise = ScopedEnterpriseField()
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = Contact
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "name",
            "position",
            "mobile",
            "landline",
            "email",
            "is_primary",
            "created_at",
            "updated_at",
        ]
        validators = []  # one primary contact: the service demotes the old one instead of refusing
        extra_kwargs = {
            "mobile": {"help_text": "手机号。返回值脱敏（138****1234）；写入时提交完整号码。"},
            "landline": {"help_text": "固定电话。返回值脱敏；写入时提交完整号码。"},
        }

    def to_representation(self, instance):
        data = super().to_representation(instance)
        for field in REVEALABLE:
            if data.get(field):
                data[field] = mask_value(data[field])
        return data


class RevealRequestSerializer(serializers.Serializer):
    field = serializers.ChoiceField(
        choices=list(REVEALABLE.items()), default="mobile", help_text="要查看的号码"
    )


class RevealResponseSerializer(serializers.Serializer):
    field = serializers.CharField()
    value = serializers.CharField(help_text="完整号码（本次查看已记入审计日志）")


class AssignmentSerializer(serializers.ModelSerializer):
    enterprise = ScopedEnterpriseField()
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    official = OfficialField()
    official_name = serializers.CharField(source="official.name", read_only=True)
    level = serializers.ChoiceField(
        choices=AssignmentLevel.choices,
        required=False,
        help_text="省略时按包保人员所在单位的层级确定；与人员层级不符将被拒绝。",
    )
    is_current = serializers.SerializerMethodField(help_text="今天是否在包保期内")

    class Meta:
        model = Assignment
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "official",
            "official_name",
            "level",
            "role",
            "start_on",
            "end_on",
            "note",
            "is_current",
            "created_at",
        ]
        validators = []  # the services check overlaps and give a readable message

    def get_is_current(self, obj) -> bool:
        return obj.is_current(timezone.localdate())


class VisitProblemSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(
        required=False, help_text="修改时：已有问题的编号；不填为新增问题。"
    )
    delete = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="修改时：删除该问题（已转为案件的问题不能删除）。",
    )

    case_id = serializers.IntegerField(
        source="case.pk", read_only=True, allow_null=True, help_text="转为的案件（案件的编号）。"
    )

    class Meta:
        model = VisitProblem
        fields = ["id", "description", "category", "status", "case_id", "converted_at", "delete"]
        read_only_fields = ["status", "converted_at"]


class VisitAttachmentSerializer(StoredFileSerializer):
    """A listed photo or scan of a visit; ``download_url`` is the API route (session or token)."""

    download_route = "visit-attachment-download"

    class Meta(StoredFileSerializer.Meta):
        model = VisitAttachment


class VisitAttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="jpg、png（现场照片）或 pdf（走访记录扫描件），按文件内容判断"
    )


class VisitSerializer(serializers.ModelSerializer):
    enterprise = ScopedEnterpriseField()
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    officials = OfficialField(many=True)
    problems = VisitProblemSerializer(
        many=True,
        required=False,
        help_text="收集的问题（数量不限）。修改走访时：带 id 的为已有问题（可改描述、类别，delete 为删除），"
        "不带 id 的为新增，未列出的保持不变；已转为案件的问题不能修改或删除。",
    )
    reason = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="修改原因（选填），记入企业动态和审计日志。",
    )
    created_by = serializers.PrimaryKeyRelatedField(read_only=True)
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = Visit
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "visited_on",
            "form",
            "officials",
            "notes",
            "problems",
            "created_by",
            "created_at",
            "attachments",
            "reason",
        ]

    @extend_schema_field(VisitAttachmentSerializer(many=True))
    def get_attachments(self, obj):
        # From the viewset's prefetch (attachments__uploaded_by): no query per visit.
        listed = [a for a in obj.attachments.all() if a.removed_at is None]
        return VisitAttachmentSerializer(listed, many=True, context=self.context).data
