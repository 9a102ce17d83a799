from rest_framework import serializers

from shangwu.organization.models import Region
from shangwu.vouchers.models import VoucherBatch, VoucherCampaign, VoucherDaily, VoucherMerchant


class VoucherBatchSerializer(serializers.ModelSerializer):
    campaign_name = serializers.CharField(source="campaign.name", read_only=True)

    class Meta:
        model = VoucherBatch
        fields = [
            "id",
            "campaign",
            "campaign_name",
            "name",
            "code",
            "face_value",
            "threshold",
            "quantity",
            "industry",
            "issued_cents",
        ]
        read_only_fields = ["campaign", "issued_cents"]
        validators = []  # the service (full_clean) names a duplicate batch in Chinese


class VoucherCampaignSerializer(serializers.ModelSerializer):
    counties = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Region.objects.filter(level="county"), help_text="覆盖的县(市、区) id"
    )
    batches = VoucherBatchSerializer(many=True, read_only=True)

    class Meta:
        model = VoucherCampaign
        fields = [
            "id",
            "name",
            "funder",
            "budget",
            "platform",
            "start_on",
            "end_on",
            "counties",
            "organiser",
            "status",
            "note",
            "batches",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "created_at", "updated_at"]


class VoucherCampaignMoveSerializer(serializers.Serializer):
    to_status = serializers.CharField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class VoucherImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="平台导出的核销明细：.csv（UTF-8 或 GBK）或 .xlsx")
    commit = serializers.BooleanField(
        default=False, help_text="false：只预览（不写入）；true：确认导入（全部或全不）"
    )


class VoucherDailySerializer(serializers.ModelSerializer):
    batch_name = serializers.CharField(source="batch.name", read_only=True)
    county_name = serializers.CharField(source="county.name", read_only=True)

    class Meta:
        model = VoucherDaily
        fields = [
            "id",
            "campaign",
            "batch",
            "batch_name",
            "industry",
            "county",
            "county_name",
            "day",
            "redeemed",
            "order_cents",
            "discount_cents",
        ]


class VoucherMerchantSerializer(serializers.ModelSerializer):
    class Meta:
        model = VoucherMerchant
        fields = ["id", "name", "credit_code", "county", "enterprise", "match"]
