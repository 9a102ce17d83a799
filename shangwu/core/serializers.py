from rest_framework import serializers


class CleanedModelSerializer(serializers.ModelSerializer):
    """Runs the model's own ``clean()`` so the API refuses what the forms refuse."""

    def validate(self, attrs):
        from django.core.exceptions import ValidationError as DjangoValidationError

        instance = self.instance or self.Meta.model()
        for key, value in attrs.items():
            setattr(instance, key, value)
        try:
            instance.clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(
                exc.message_dict if hasattr(exc, "message_dict") else exc.messages
            ) from exc
        return attrs
