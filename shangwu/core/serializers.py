import copy
import datetime
import functools

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import reverse
from rest_framework import fields, serializers
from rest_framework.fields import SkipField
from rest_framework.relations import (
    ManyRelatedField,
    PKOnlyObject,
    PrimaryKeyRelatedField,
    RelatedField,
)
from rest_framework.settings import ISO_8601, api_settings


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
# every ``get_…_display`` it calls, for every object. ``FastRepresentation`` builds a read's fields
# once per class and process and writes each object from a field plan; the JSON is the same.


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


# ``to_representation`` from a field plan (issue 18: DRF's generic loop was most of an API
# list's time). The plan, built once per serializer instance (so once per request for a list's
# rows), gives each readable field one reader: a model field named by its own name is read from
# the instance's ``__dict__`` and converted as the DRF field would (text, numbers, date-times in
# the field's time zone, dates, keys of related records, the ids of a many-to-many prefetched or
# read for the whole list by ``ManyIdsListSerializer``),
# ``get_FOO_display`` of a model field with choices reads its label from a dict, a method field
# calls its method; every other field goes through DRF's own ``get_attribute`` and
# ``to_representation``. The JSON is the same (core/tests/test_api_representation.py holds
# every field of every main serializer to DRF's own loop on the demo city).
# (Comments, not docstrings: drf-spectacular shows a serializer's first docstring in its MRO as
# the schema's description, and this is no description of any API object.)
class FastRepresentation:
    def get_fields(self):
        """For a read (no ``data``), the fields built once per class and copied for each
        serializer (nested serializers and lists deep-copied, so no state is shared between
        requests): DRF rebuilds them from the model for every one (1–2 ms for a case). A
        serializer given data builds its own, as DRF does (a write narrows their choices)."""
        if hasattr(self, "initial_data"):
            return super().get_fields()
        cls = type(self)
        prototype = cls.__dict__.get("_fields_prototype")
        if prototype is None:
            prototype = super().get_fields()
            cls._fields_prototype = prototype
        return {
            name: copy.deepcopy(field) if _has_children(field) else copy.copy(field)
            for name, field in prototype.items()
        }

    @classmethod
    def many_init(cls, *args, **kwargs):
        list_serializer = super().many_init(*args, **kwargs)
        if type(list_serializer) is serializers.ListSerializer:
            list_serializer.__class__ = ManyIdsListSerializer
        return list_serializer

    def plan(self, model) -> list:
        plan = self.__dict__.get("_plan")
        if plan is None:
            plan = self._plan = [
                (field.field_name, _reader(field, model)) for field in self._readable_fields
            ]
        return plan

    def to_representation(self, instance):
        plan = self.__dict__.get("_plan") or self.plan(type(instance))
        ret = {}
        for name, read in plan:
            try:
                ret[name] = read(instance)
            except SkipField:
                continue
        return ret


# A read-only ModelSerializer (``FastRepresentation``) whose date-time fields read the time zone
# once.
class ReadModelSerializer(FastRepresentation, serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: ZoneOnceDateTimeField,
    }


def _generic(field):
    """DRF's own path for one field (``Serializer.to_representation``'s loop body)."""

    def read(instance):
        attribute = field.get_attribute(instance)
        check = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
        return None if check is None else field.to_representation(attribute)

    return read


def _converter(field):
    """``field.to_representation`` for a value that is not None, or a faster equivalent for the
    plain DRF field classes (exactly their code for the values a model field holds)."""
    method = type(field).to_representation
    if method is fields.CharField.to_representation:
        return str
    if method is fields.IntegerField.to_representation:
        return int
    if (
        method is fields.DateTimeField.to_representation
        and (getattr(field, "format", api_settings.DATETIME_FORMAT) or "").lower() == ISO_8601
    ):
        zone = field.timezone if hasattr(field, "timezone") else field.default_timezone()
        slow = field.to_representation
        if zone is None:
            return slow

        def date_time(value):
            if type(value) is not datetime.datetime or value.tzinfo is None:
                return slow(value)  # naive, or a string: DRF's own rules
            text = value.astimezone(zone).isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text

        return date_time
    if (
        method is fields.DateField.to_representation
        and (getattr(field, "format", api_settings.DATE_FORMAT) or "").lower() == ISO_8601
    ):
        slow = field.to_representation
        return lambda value: value.isoformat() if type(value) is datetime.date else slow(value)
    return field.to_representation


def _reader(field, model):
    """One field's reader: ``instance -> representation`` (raises SkipField as DRF's would)."""
    cls = type(field)
    if isinstance(field, CallField):
        return _call_reader(field, model)
    if cls.get_attribute not in _DRF_GET_ATTRIBUTES:
        return _generic(field)
    if (
        isinstance(field, serializers.SerializerMethodField)
        and cls.to_representation is serializers.SerializerMethodField.to_representation
    ):
        return getattr(field.parent, field.method_name)  # DRF: the method, given the instance
    if len(field.source_attrs) != 1:
        return _generic(field)
    name = field.source_attrs[0]
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return _generic(field)
    if isinstance(field, ManyRelatedField):
        return _many_reader(field, model_field, name)
    if not model_field.concrete or model_field.many_to_many:
        return _generic(field)
    if model_field.is_relation != isinstance(field, serializers.RelatedField):
        return _generic(field)
    attname = model_field.attname
    slow = _generic(field)
    if model_field.is_relation:
        if (
            type(field) is not PrimaryKeyRelatedField
            or field.pk_field is not None
            or name != model_field.name
        ):
            return slow

        def key(instance):  # DRF: PKOnlyObject(pk=<the key column>).pk
            value = instance.__dict__.get(attname, _MISSING)
            return slow(instance) if value is _MISSING else value

        return key
    convert = _converter(field)

    def plain(instance):
        value = instance.__dict__.get(attname, _MISSING)
        if value is _MISSING:  # deferred: DRF loads it
            return slow(instance)
        return None if value is None else convert(value)

    return plain


def _call_reader(field, model):
    """``CallField(source="get_FOO_display")``: the label from a dict when Django made the
    method for a model field with choices; else the method called."""
    name = field.source

    def call(instance):
        value = getattr(instance, name)()
        return None if value is None else str(value)

    display = _display_labels(model, name)
    if display is None:
        return call
    attname, labels = display

    def label(instance):
        value = instance.__dict__.get(attname, _MISSING)
        if value.__class__ not in (str, int) or value not in labels:  # also _MISSING
            return call(instance)
        return labels[value]

    return label


def _many_reader(field, model_field, name):
    """The ids of a many-to-many relation, read from its prefetched records when there are
    (``PrimaryKeyRelatedField(many=True)``)."""
    slow = _generic(field)
    if (
        not model_field.many_to_many
        or model_field.auto_created
        or name != model_field.name
        or type(field.child_relation) is not PrimaryKeyRelatedField
        or field.child_relation.pk_field is not None
    ):
        return slow

    def many(instance):
        loaded = instance.__dict__.get("_many_ids")
        if loaded is not None and name in loaded:
            return loaded[name]
        cache = instance.__dict__.get("_prefetched_objects_cache", {}).get(name)
        if cache is None or instance.pk is None:
            return slow(instance)
        return [obj.pk for obj in cache]

    many.many_to_many = model_field
    return many


class ManyIdsListSerializer(serializers.ListSerializer):
    """A list of ``FastRepresentation`` rows: the ids of each many-to-many relation the rows show
    as keys (``PrimaryKeyRelatedField(many=True)``) and the list did not prefetch are read for
    all rows in one query of the relation's table (no records of the related model built), in
    the related model's order, as a prefetch would give them."""

    def to_representation(self, data):
        rows = data.all() if isinstance(data, models.manager.BaseManager) else data
        if isinstance(rows, list) and rows:
            for _name, read in self.child.plan(type(rows[0])):
                field = getattr(read, "many_to_many", None)
                if field is not None:
                    _load_many_ids(field, rows)
        return [self.child.to_representation(row) for row in rows]


def _load_many_ids(field, rows) -> None:
    """Put the ids of ``field`` (a many-to-many field of the rows' model) of every row not
    prefetched into ``row.__dict__["_many_ids"]``; nothing when the related model has no
    declared order to keep or a default manager of its own that could filter."""
    related = field.related_model
    ordering = related._meta.ordering
    if (
        not ordering
        or not all(isinstance(o, str) and o.lstrip("-") and "__" not in o for o in ordering)
        or type(related._default_manager).get_queryset is not models.Manager.get_queryset
    ):
        return
    todo = [
        row
        for row in rows
        if row.pk is not None
        and field.name not in row.__dict__.get("_prefetched_objects_cache", {})
        and field.name not in row.__dict__.get("_many_ids", {})
    ]
    if not todo:
        return
    through = field.remote_field.through
    source = through._meta.get_field(field.m2m_field_name())
    target = field.m2m_reverse_field_name()
    order = [f"-{target}__{o[1:]}" if o.startswith("-") else f"{target}__{o}" for o in ordering]
    found = {row.pk: [] for row in todo}
    for owner, key in (
        through._base_manager.using(todo[0]._state.db)
        .filter(**{f"{source.name}__in": list(found)})
        .order_by(*order, f"{target}__pk")
        .values_list(source.attname, f"{target}__pk")
    ):
        found[owner].append(key)
    for row in todo:
        row.__dict__.setdefault("_many_ids", {})[field.name] = found[row.pk]


_MISSING = object()
_DRF_GET_ATTRIBUTES = {
    fields.Field.get_attribute,
    RelatedField.get_attribute,
    ManyRelatedField.get_attribute,
}


def _display_labels(model, method_name):
    """(attname, {value: label}) for ``get_FOO_display`` made by Django for the model field
    ``FOO`` with choices (its labels as the method returns them), else None (a method of the
    model's own)."""
    import inspect

    if not method_name.startswith("get_") or not method_name.endswith("_display"):
        return None
    attr = inspect.getattr_static(model, method_name, None)
    if not isinstance(attr, functools.partialmethod) or attr.func is not (
        models.Model._get_FIELD_display
    ):
        return None
    model_field = attr.keywords["field"]
    labels = {}
    for value, label in model_field.flatchoices:
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            return None
        labels[value] = str(label)  # as dict(flatchoices): the last label of a value
    return model_field.attname, labels


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
