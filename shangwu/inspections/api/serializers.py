from rest_framework import serializers

from shangwu.enterprises.models import Enterprise
from shangwu.inspections.choices import ItemResult, SiteEventKind
from shangwu.inspections.models import (
    Draw,
    Inspection,
    InspectionAnswer,
    Plan,
    PlanTarget,
    Site,
)


class InspectionSubjectSerializer(serializers.ModelSerializer):
    """A registry enterprise that is a subject of inspections (by its tags), with its sites."""

    county_name = serializers.CharField(source="county.name", read_only=True)
    tags = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    sites = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Enterprise
        fields = ["id", "name", "credit_code", "county", "county_name", "township", "tags", "sites"]
        read_only_fields = fields


class SiteSerializer(serializers.ModelSerializer):
    """A site. Its licence is written on creation; later changes: POST /api/sites/{id}/licence/."""

    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    county_name = serializers.CharField(source="county.name", read_only=True)

    class Meta:
        model = Site
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "name",
            "site_type",
            "address",
            "county",
            "county_name",
            "township",
            "licence_no",
            "licence_valid_until",
            "licence_status",
            "tanks",
            "pumps",
            "manager_name",
            "is_active",
        ]
        read_only_fields = ["licence_status"]


class LicenceChangeSerializer(serializers.Serializer):
    change = serializers.ChoiceField(
        choices=[c for c in SiteEventKind.choices if c[0].startswith("licence_")][:4]
    )
    licence_no = serializers.CharField(max_length=60, required=False, allow_blank=True)
    valid_until = serializers.DateField(required=False, allow_null=True)
    on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class InspectionDrawSerializer(serializers.ModelSerializer):
    class Meta:
        model = Draw
        fields = [
            "id",
            "number",
            "seed",
            "algorithm_version",
            "candidates_sha256",
            "subject_candidates",
            "inspector_candidates",
            "sample_size",
            "team_size",
            "result",
            "reason",
            "is_current",
            "drawn_by",
            "drawn_at",
        ]
        read_only_fields = fields


class InspectionPlanTargetSerializer(serializers.ModelSerializer):
    site_name = serializers.CharField(source="site.name", read_only=True)

    class Meta:
        model = PlanTarget
        fields = ["id", "site", "site_name", "source", "draw", "team", "planned_on", "is_active"]
        read_only_fields = fields


class InspectionPlanSerializer(serializers.ModelSerializer):
    """A plan. Status is moved only by the actions: POST /api/inspection-plans/{id}/fix/
    (全覆盖/专项), draw/ (双随机), publish/."""

    kind_name = serializers.CharField(source="kind.name", read_only=True)
    start_on = serializers.DateField(required=False)
    end_on = serializers.DateField(required=False)

    class Meta:
        model = Plan
        fields = [
            "id",
            "name",
            "kind",
            "kind_name",
            "method",
            "holiday",
            "start_on",
            "end_on",
            "county",
            "township",
            "sample_percent",
            "sample_count",
            "team_size",
            "coverage_target",
            "status",
            "published_at",
            "note",
        ]
        read_only_fields = ["status", "published_at"]
        extra_kwargs = {"name": {"required": False}}

    def validate(self, attrs):
        # The model's own checks run in the service (full_clean), dates from the calendar first.
        return attrs


class DrawParamsSerializer(serializers.Serializer):
    seed = serializers.CharField(max_length=64, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


class FixParamsSerializer(serializers.Serializer):
    sites = serializers.PrimaryKeyRelatedField(
        queryset=Site.objects.all(), many=True, required=False
    )


class InspectionAnswerSerializer(serializers.ModelSerializer):
    item_number = serializers.IntegerField(source="item.number", read_only=True)
    item_text = serializers.CharField(source="item.text", read_only=True)
    severity = serializers.CharField(source="item.severity", read_only=True)

    class Meta:
        model = InspectionAnswer
        fields = ["item", "item_number", "item_text", "severity", "result", "note"]
        read_only_fields = ["item_number", "item_text", "severity"]


class InspectionSerializer(serializers.ModelSerializer):
    """An inspection. POST creates a draft (``site`` + ``kind``, or ``target`` of a plan); PATCH
    saves the draft (``answers``: [{item, result, note}], ``signature_name``, ``note``); POST
    /api/inspections/{id}/submit/ submits it once."""

    answers = InspectionAnswerSerializer(many=True, read_only=True)
    site_name = serializers.CharField(source="site.name", read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "plan",
            "target",
            "site",
            "site_name",
            "kind",
            "checklist",
            "county",
            "township",
            "status",
            "outcome",
            "inspectors",
            "inspected_on",
            "signature_name",
            "signed_at",
            "note",
            "submitted_at",
            "answers",
        ]
        read_only_fields = [
            "plan",
            "checklist",
            "county",
            "township",
            "status",
            "outcome",
            "inspectors",
            "signed_at",
            "submitted_at",
        ]
        extra_kwargs = {
            "site": {"required": False},
            "kind": {"required": False},
            "inspected_on": {"required": False},
        }


class AnswerInSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    result = serializers.ChoiceField(choices=[("", "未填"), *ItemResult.choices])
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class SubmitParamsSerializer(serializers.Serializer):
    responsible_person = serializers.CharField(max_length=50, required=False, allow_blank=True)
