from rest_framework import serializers

from shangwu.core.serializers import FastRepresentation
from shangwu.enterprises.choices import EnterpriseStatus
from shangwu.enterprises.models import Enterprise


class EnterpriseSerializer(FastRepresentation, serializers.ModelSerializer):
    county_name = serializers.CharField(source="county.name", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True, default=None)

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "credit_code",
            "name",
            "short_name",
            "county",
            "county_name",
            "township",
            "township_name",
            "address",
            "legal_representative",
            "industry_section",
            "industry_division",
            "ownership",
            "registered_capital",
            "established_on",
            "status",
            "is_key",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"county": {"required": False}}


class EnterpriseStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=EnterpriseStatus.choices, help_text="新状态")
    note = serializers.CharField(max_length=500, help_text="变更原因")
