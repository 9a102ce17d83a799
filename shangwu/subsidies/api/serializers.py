from rest_framework import serializers

from shangwu.organization.models import Region
from shangwu.subsidies.choices import ProductCategory
from shangwu.subsidies.models import SubsidyApplication, SubsidyProgramme, SubsidyRule

# Written by the step actions (review, pay, reject) and the clock.
STEP_FIELDS = [
    "status",
    "reviewed_on",
    "paid_on",
    "rejected_on",
    "reject_reason",
    "due_on",
    "next_deadline_at",
    "workdays_to_pay",
    "rule_amount",
]


class SubsidyRuleSerializer(serializers.ModelSerializer):
    category = serializers.ChoiceField(choices=ProductCategory.choices)

    class Meta:
        model = SubsidyRule
        fields = ["category", "amount_per_unit", "percent", "cap_per_unit"]


class SubsidyProgrammeSerializer(serializers.ModelSerializer):
    """A programme with its counties (none: the whole city) and rules (replaced as a whole on
    update when given)."""

    counties = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.filter(level="county"), many=True, required=False
    )
    rules = SubsidyRuleSerializer(many=True, required=False)
    organiser_name = serializers.CharField(source="organiser.name", read_only=True)

    class Meta:
        model = SubsidyProgramme
        fields = [
            "id",
            "name",
            "kind",
            "status",
            "organiser",
            "organiser_name",
            "counties",
            "start_on",
            "end_on",
            "central_funds",
            "provincial_funds",
            "city_funds",
            "county_funds",
            "promised_workdays",
            "rules",
            "note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class SubsidyApplicationSerializer(serializers.ModelSerializer):
    """An application. 申请人 and 身份证号 are written whole and read masked. Steps are actions:
    POST /api/subsidy-applications/{id}/review/, /pay/, /reject/."""

    applicant_name = serializers.CharField(write_only=True, max_length=50)
    id_number = serializers.CharField(write_only=True, max_length=18)
    applicant_masked = serializers.CharField(read_only=True)
    id_number_masked = serializers.CharField(read_only=True)
    programme_name = serializers.CharField(source="programme.name", read_only=True)
    dealer_name = serializers.CharField(source="dealer.name", read_only=True, default=None)
    county_name = serializers.CharField(source="county.name", read_only=True)
    light = serializers.CharField(read_only=True)
    subsidy_amount = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text="留空按补贴标准计算；与标准不同须填 override_reason",
    )

    class Meta:
        model = SubsidyApplication
        fields = [
            "id",
            "programme",
            "programme_name",
            "number",
            "applicant_name",
            "applicant_masked",
            "id_number",
            "id_number_masked",
            "category",
            "units",
            "sale_amount",
            "subsidy_amount",
            "override_reason",
            "dealer",
            "dealer_name",
            "dealer_unmatched_name",
            "dealer_unmatched_code",
            "county",
            "county_name",
            "township",
            "accepted_on",
            "light",
            *STEP_FIELDS,
            "note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            *STEP_FIELDS,
            "dealer_unmatched_name",
            "dealer_unmatched_code",
            "created_at",
            "updated_at",
        ]
        validators = []  # the service checks (申请编号 is unique: the database says so)


class StepSerializer(serializers.Serializer):
    on = serializers.DateField(required=False, allow_null=True, help_text="办理日期，默认今天")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DealerLinkSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField(help_text="企业库企业 id（须在本人数据范围内）")


class RejectSerializer(serializers.Serializer):
    on = serializers.DateField(required=False, allow_null=True, help_text="驳回日期，默认今天")
    reason = serializers.CharField(help_text="驳回原因")
