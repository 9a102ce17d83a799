from rest_framework import serializers

from shangwu.indicators.choices import Source
from shangwu.indicators.models import (
    Indicator,
    IndicatorTarget,
    IndicatorTargetProposal,
    IndicatorTargetVersion,
    IndicatorValue,
    IndicatorValueRevision,
)


class IndicatorSerializer(serializers.ModelSerializer):
    # Named data_source so that its enum does not collide with the cases module's "source".
    data_source = serializers.ChoiceField(
        source="source", choices=Source.choices, help_text="数据来源"
    )

    class Meta:
        model = Indicator
        fields = [
            "id",
            "code",
            "name",
            "short_name",
            "unit",
            "data_source",
            "arrival",
            "higher_is_better",
            "decimals",
            "additive",
            "parent",
            "computation",
            "in_bulletin",
            "sort_order",
            "is_active",
        ]


class IndicatorTargetSerializer(serializers.ModelSerializer):
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = IndicatorTarget
        fields = [
            "id",
            "indicator",
            "indicator_name",
            "year",
            "region",
            "region_name",
            "value",
            "note",
            "updated_at",
            "reason",
        ]
        validators = []  # a second POST for the same figure is a change (a new version)

    reason = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=300,
        help_text="调整已下达的目标时必填，记入目标版本",
    )


class IndicatorTargetVersionSerializer(serializers.ModelSerializer):
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    actor_name = serializers.CharField(source="actor.name", read_only=True, default=None)

    class Meta:
        model = IndicatorTargetVersion
        fields = [
            "id",
            "year",
            "number",
            "indicator",
            "indicator_name",
            "region",
            "region_name",
            "old_value",
            "value",
            "reason",
            "actor",
            "actor_name",
            "at",
        ]
        read_only_fields = fields


class IndicatorTargetProposalSerializer(serializers.ModelSerializer):
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = IndicatorTargetProposal
        fields = [
            "id",
            "indicator",
            "indicator_name",
            "year",
            "region",
            "region_name",
            "current_value",
            "value",
            "reason",
            "status",
            "proposed_by",
            "proposed_at",
            "decided_by",
            "decided_at",
            "decision_reason",
            "version",
        ]
        read_only_fields = [
            "region",
            "current_value",
            "status",
            "proposed_by",
            "proposed_at",
            "decided_by",
            "decided_at",
            "decision_reason",
            "version",
        ]


class ProposalDecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=300, help_text="审核意见；退回时必填"
    )


class IndicatorValueRevisionSerializer(serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor.name", read_only=True, default=None)

    class Meta:
        model = IndicatorValueRevision
        fields = [
            "id",
            "reason",
            "actor",
            "actor_name",
            "at",
            "old_month_value",
            "old_cumulative_value",
            "old_prev_month_value",
            "old_prev_cumulative_value",
            "new_month_value",
            "new_cumulative_value",
            "new_prev_month_value",
            "new_prev_cumulative_value",
        ]


class IndicatorValueSerializer(serializers.ModelSerializer):
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    # Plain text (entered 填报 / imported 导入 / computed 平台计算): an enum named "source" would
    # collide with the cases module's in the OpenAPI schema.
    source = serializers.CharField(
        read_only=True, help_text="entered 填报 / imported 导入 / computed 平台计算"
    )
    reason = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=300,
        help_text="更正已有数据时必填",
    )

    class Meta:
        model = IndicatorValue
        fields = [
            "id",
            "indicator",
            "indicator_name",
            "region",
            "region_name",
            "month",
            "month_value",
            "cumulative_value",
            "prev_month_value",
            "prev_cumulative_value",
            "source",
            "updated_at",
            "reason",
        ]
        read_only_fields = ["source", "updated_at"]
        validators = []  # a second POST for the same month is a correction, handled by the service


class PercentSerializer(serializers.Serializer):
    value = serializers.CharField(allow_null=True, help_text="一位小数；无意义时为 null")
    reason = serializers.CharField(
        help_text="为 null 时的原因：上年同期无数据 / 上年同期为零 / 上年同期为负 / 未下达年度目标 / 本月未报送"
    )


class BulletinRowSerializer(serializers.Serializer):
    region_code = serializers.CharField()
    region = serializers.CharField()
    is_city = serializers.BooleanField()
    month_value = serializers.CharField(allow_null=True)
    month_growth = PercentSerializer()
    cumulative = serializers.CharField(allow_null=True)
    cumulative_growth = PercentSerializer()
    target = serializers.CharField(allow_null=True)
    completion = PercentSerializer()
    time_progress = serializers.CharField(allow_null=True)
    ahead = serializers.CharField(allow_null=True, help_text="超(欠)进度，百分点")
    rank_total = serializers.IntegerField(allow_null=True)
    rank_growth = serializers.IntegerField(allow_null=True)
    rank_total_change = serializers.IntegerField(allow_null=True, help_text="正数为前移")
    rank_growth_change = serializers.IntegerField(allow_null=True, help_text="正数为前移")
    missing = serializers.BooleanField()
    lagging = serializers.BooleanField()
    note = serializers.CharField()


class BulletinIndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    computed = serializers.BooleanField()
    paragraph = serializers.CharField()
    rows = BulletinRowSerializer(many=True)


class BulletinSerializer(serializers.Serializer):
    month = serializers.DateField()
    label = serializers.CharField()
    cumulative_label = serializers.CharField()
    time_progress = serializers.CharField()
    scope_note = serializers.CharField()
    target_version = serializers.CharField(help_text="通报采用的年度目标版本")
    missing_note = serializers.CharField(help_text="本月未报齐时：已报与未报的县（市、区）")
    indicators = BulletinIndicatorSerializer(many=True)
