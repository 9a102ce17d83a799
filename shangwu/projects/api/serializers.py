from rest_framework import serializers

from shangwu.core.serializers import FastRepresentation
from shangwu.projects.models import Project, ProjectFunds, Stage


class ProjectSerializer(FastRepresentation, serializers.ModelSerializer):
    """A project. Stage and milestone dates are read-only here: POST /api/projects/{id}/move/."""

    county_name = serializers.CharField(source="county.name", read_only=True)
    stage_name = serializers.CharField(source="stage.name", read_only=True)
    chain_name = serializers.CharField(source="chain.name", read_only=True, default=None)

    class Meta:
        model = Project
        fields = [
            "id",
            "code",
            "name",
            "investor_name",
            "investor_type",
            "origin",
            "origin_place",
            "industry_section",
            "industry_division",
            "chain",
            "chain_name",
            "is_key",
            "is_manufacturing",
            "is_foreign",
            "is_fortune500",
            "in_provincial_ledger",
            "ledger_year",
            "ledger_quarter",
            "ledger_batch",
            "total_investment",
            "contract_fdi",
            "county",
            "county_name",
            "township",
            "site",
            "lead_unit",
            "enterprise",
            "stage",
            "stage_name",
            "stage_on",
            "signed_on",
            "registered_on",
            "started_on",
            "producing_on",
            "terminated_on",
            "termination_reason",
            "note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "stage",
            "stage_on",
            "signed_on",
            "registered_on",
            "started_on",
            "producing_on",
            "terminated_on",
            "termination_reason",
            "industry_section",
            "created_at",
            "updated_at",
        ]


class StageMoveSerializer(serializers.Serializer):
    stage = serializers.PrimaryKeyRelatedField(
        queryset=Stage.objects.all(), help_text="目标阶段 id"
    )
    on = serializers.DateField(help_text="该阶段实际发生的日期")
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="说明；退回或终止时必填（原因）"
    )


class ProjectFundsSerializer(FastRepresentation, serializers.ModelSerializer):
    total = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    fixed_asset = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )

    class Meta:
        model = ProjectFunds
        fields = [
            "id",
            "project",
            "month",
            "total",
            "provincial_outside",
            "overseas",
            "fixed_asset",
            "working_capital",
            "fdi_usd",
            "recorded_at",
        ]
        read_only_fields = ["project", "recorded_at"]
        validators = []  # (project, month) is an upsert: the service corrects the month's record


class BatchCellSerializer(serializers.Serializer):
    milestone = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    investment = serializers.DecimalField(max_digits=16, decimal_places=2)
    url = serializers.CharField(help_text="网页上对应的项目清单")


class BatchRowSerializer(serializers.Serializer):
    label = serializers.CharField()
    key = serializers.IntegerField(allow_null=True)
    cells = BatchCellSerializer(many=True)


class BatchProjectSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    county = serializers.CharField(source="county.name")
    total_investment = serializers.DecimalField(max_digits=14, decimal_places=2)
    signed_on = serializers.DateField(allow_null=True)
    started_on = serializers.DateField(allow_null=True)
    producing_on = serializers.DateField(allow_null=True)


class ThreeBatchesSerializer(serializers.Serializer):
    period = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    total = BatchCellSerializer(many=True)
    by_county = BatchRowSerializer(many=True)
    by_chain = BatchRowSerializer(many=True)
    signed = BatchProjectSerializer(many=True)
    started = BatchProjectSerializer(many=True)
    producing = BatchProjectSerializer(many=True)
