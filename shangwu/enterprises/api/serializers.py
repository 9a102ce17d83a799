from rest_framework import serializers

from shangwu.enterprises.models import Enterprise


class EnterpriseSerializer(serializers.ModelSerializer):
    county_name = serializers.CharField(source="county.name", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True, default=None)

    class Meta:
        model = Enterprise
        fields = [
            "id", "credit_code", "name", "short_name", "county", "county_name", "township", "township_name",
            "address", "legal_representative", "industry_section", "industry_division", "ownership",
            "registered_capital", "established_on", "status", "is_key", "created_at", "updated_at",
        ]
        extra_kwargs = {"county": {"required": False}}
