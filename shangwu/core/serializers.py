import copy

from django.db import models
from django.urls import reverse
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject


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


# --- Read serializers (issue 18: the API's per-object cost) -------------------------------------
# DRF rebuilds a ModelSerializer's fields from the model on every instance (1–2 ms for a case),
# asks Django for the current time zone for every date-time value, and inspects the signature of
# every ``get_…_display`` it calls, for every object. ``ReadModelSerializer`` builds the fields
# once per class and process and keeps the rest to what the output needs; the JSON is the same.


class CallField(serializers.CharField):
    """Read-only text from a method of the object that takes no argument
    (``CallField(source="get_status_display")``), called directly."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return getattr(instance, self.source)()


class ZoneOnceDateTimeField(serializers.DateTimeField):
    """DRF's DateTimeField with the request's current time zone read once, when the field is
    bound to its serializer, instead of once per value."""

    def bind(self, field_name, parent):
        super().bind(field_name, parent)
        if "timezone" not in self.__dict__:  # a zone given to the field itself stays
            self.timezone = self.default_timezone()


class ReadModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose fields are built once per class (then copied for each instance,
    nested serializers and lists deep-copied so no state is shared between requests)."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: ZoneOnceDateTimeField,
    }

    def get_fields(self):
        cls = type(self)
        prototype = cls.__dict__.get("_fields_prototype")
        if prototype is None:
            prototype = super().get_fields()
            cls._fields_prototype = prototype
        return {
            name: copy.deepcopy(field) if _has_children(field) else copy.copy(field)
            for name, field in prototype.items()
        }

    def to_representation(self, instance):
        # DRF's loop, with the readable fields listed once per serializer instead of per object.
        readable = self.__dict__.get("_readable")
        if readable is None:
            readable = self._readable = list(self._readable_fields)
        ret = {}
        for field in readable:
            try:
                attribute = field.get_attribute(instance)
            except SkipField:
                continue
            check = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            ret[field.field_name] = None if check is None else field.to_representation(attribute)
        return ret


def _has_children(field) -> bool:
    return isinstance(field, serializers.BaseSerializer) or any(
        hasattr(field, name) for name in ("child", "child_relation", "fields")
    )


class StoredFileSerializer(ReadModelSerializer):
    """A listed file of a record (a ``core.models.StoredFile``: case attachments, visit photos…);
    ``download_url`` is the API route ``download_route`` (``<basename>-attachment-download`` of
    the record's viewset, session or token). A concrete serializer names the route and, in a
    ``Meta(StoredFileSerializer.Meta)``, the model."""

    download_route = ""

    uploaded_by_name = serializers.CharField(
        source="uploaded_by.name", read_only=True, default=None
    )
    download_url = serializers.SerializerMethodField()

    class Meta:
        fields = [
            "id",
            "name",
            "size",
            "content_type",
            "sha256",
            "uploaded_by",
            "uploaded_by_name",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, obj) -> str:
        owner_id = getattr(obj, f"{obj.owner_field}_id")
        url = reverse(self.download_route, args=[owner_id, obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url
