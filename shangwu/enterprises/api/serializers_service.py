"""API serializers of the enterprise service records. Phone numbers go out masked (write fields
accept full numbers); the full number is only given by the audited ``reveal`` action."""

from django.utils import timezone
from rest_framework import serializers

from shangwu.audit.services import mask_value
from shangwu.core.reveal import REVEALABLE
from shangwu.enterprises.choices import AssignmentLevel
from shangwu.enterprises.models import Assignment, Contact, Enterprise, Visit, VisitProblem
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
    class Meta:
        model = VisitProblem
        fields = ["id", "description", "category", "status", "case_id", "converted_at"]
        read_only_fields = ["status", "case_id", "converted_at"]


class VisitSerializer(serializers.ModelSerializer):
    enterprise = ScopedEnterpriseField()
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    officials = OfficialField(many=True)
    problems = VisitProblemSerializer(
        many=True,
        required=False,
        help_text="收集的问题。仅在新建走访时提交；之后逐条处理（转为案件或标记无需转办）。",
    )
    created_by = serializers.PrimaryKeyRelatedField(read_only=True)

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
        ]
