"""The REST API base: every viewset starts from ``restrict()``; out-of-scope objects are 404."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404
from rest_framework import serializers, viewsets

from shangwu.audit.services import audit_denied
from shangwu.core.access import restrict_choices
from shangwu.core.api_base import api_action


def restrict_related_choices(serializer, user) -> None:
    """Narrow every writable related field to business records of ``serializer`` to
    ``restrict(user, "view")``: an id outside the user's region is refused as not found. Other
    kinds (people, units, reference lists) keep the serializer's own choices."""
    fields = getattr(getattr(serializer, "child", serializer), "fields", {})
    for field in fields.values():
        relation = getattr(field, "child_relation", field)  # many=True wraps the relation
        if getattr(relation, "queryset", None) is not None:
            relation.queryset = restrict_choices(relation.queryset, user, business_only=True)


class BaseViewSet(viewsets.ModelViewSet):
    """Base for every model's API: restricted queryset, one FilterSet, scope re-checked after
    writes. Subclasses set ``queryset``, ``serializer_class`` and ``filterset_class``."""

    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().restrict(self.request.user, api_action(self.request, self))

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            pk = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)
            model = self.queryset.model
            try:
                exists = (
                    pk is not None
                    and model._base_manager.filter(**{self.lookup_field: pk}).exists()
                )
            except (TypeError, ValueError, DjangoValidationError):  # not an id at all (/api/x/abc/)
                exists = False
            if exists:
                audit_denied(
                    model=model, object_id=pk, detail="API：对象不在用户的数据范围内，已返回404。"
                )
            raise

    def filter_queryset(self, queryset):
        """The FilterSet is built only when a query parameter could name one of its filters:
        with none, it would filter nothing, and building it (its choices narrowed to the user)
        is most of what a detail request costs."""
        filterset_class = getattr(self, "filterset_class", None)
        params = self.request.query_params
        if filterset_class is not None and not any(
            key.startswith(tuple(filterset_class.base_filters)) for key in params
        ):
            return queryset
        return super().filter_queryset(queryset)

    def get_serializer(self, *args, **kwargs):
        """Choices of related records are limited to what the user may see, as in the forms
        (``BaseModelForm``): an id outside the user's scope is refused as not found. A read
        accepts no input, so it has no choices to limit."""
        serializer = super().get_serializer(*args, **kwargs)
        if self.request.method not in ("GET", "HEAD"):
            restrict_related_choices(serializer, self.request.user)
        return serializer

    # Writes: one transaction; the service does the work; the result must stay in scope.
    def create_object(self, data):
        return self.get_serializer().Meta.model.objects.create(**data)

    def update_object(self, instance, data):
        for key, value in data.items():
            setattr(instance, key, value)
        instance.save()
        return instance

    def perform_create(self, serializer):
        with transaction.atomic():
            serializer.instance = self._call(self.create_object, serializer.validated_data)
            self._ensure_in_scope(serializer.instance)

    def perform_update(self, serializer):
        with transaction.atomic():
            serializer.instance = self._call(
                self.update_object, serializer.instance, serializer.validated_data
            )
            self._ensure_in_scope(serializer.instance)

    @staticmethod
    def _call(func, *args):
        try:
            return func(*args)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(
                exc.message_dict
                if hasattr(exc, "error_dict")
                else {"non_field_errors": exc.messages}
            ) from exc

    def _ensure_in_scope(self, obj):
        if not type(obj).objects.restrict(self.request.user, "view").filter(pk=obj.pk).exists():
            raise serializers.ValidationError(
                {"non_field_errors": ["保存后的记录将不在您的数据范围内，未保存。"]}
            )


# --- Files of a record (case attachments, visit photos, …) -----------------------------------
# One set of ``attachments`` / ``attachments/{id}/download`` / ``attachments/{id}/remove`` actions
# for every module, through the file service (core.files) and the module's own attach / remove
# service: a viewset names its file model, serializers, services and the words of its schema.


def _service_answer(call, *args, **kwargs):
    """A service's refusal as the API says it: a ValidationError → 400, PermissionDenied → 403."""
    from django.core.exceptions import PermissionDenied
    from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
    from rest_framework.response import Response

    try:
        with transaction.atomic():
            return call(*args, **kwargs), None
    except DjangoValidationError as exc:
        errors = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return None, Response(errors, status=400)
    except PermissionDenied as exc:
        raise ApiPermissionDenied(str(exc)) from exc


def attachment_actions(
    *,
    files,
    serializer,
    upload_serializer,
    attach,
    remove,
    noun: str = "附件",
    list_description: str,
    upload_description: str,
) -> type:
    """A mixin giving a record's viewset its files' actions (put it before ``BaseViewSet``):

    * ``GET attachments/``: the record's files, not removed (``serializer``);
    * ``POST attachments/``: one upload (multipart ``file``, ``upload_serializer``) through
      ``attach(<owner>=record, actor=…, upload=…, **other fields of upload_serializer)``,
      answered 201 with the stored file;
    * ``GET attachments/{id}/download``: the file, audited (core.files); 404 (audited when out of
      scope) for anything that is not a listed file of this record;
    * ``POST attachments/{id}/remove``: 删除 through ``remove(attachment=…, actor=…)`` (soft:
      record and audit stay), 204.

    ``files`` is the ``StoredFile`` model (its ``owner_field`` names the record); a service's
    ValidationError is a 400 with its messages, its PermissionDenied a 403. ``noun`` (附件 /
    走访附件) and the two descriptions are the words of the OpenAPI schema."""
    from drf_spectacular.types import OpenApiTypes
    from drf_spectacular.utils import extend_schema
    from rest_framework.decorators import action
    from rest_framework.parsers import FormParser, MultiPartParser
    from rest_framework.response import Response

    from shangwu.core.files import file_download, file_get, file_response

    owner = files.owner_field

    class AttachmentActions:
        def record_files(self):
            """This record's files (the record found within the user's scope, else a 404)."""
            return files.objects.filter(**{owner: self.get_object()})

        @extend_schema(
            methods=["GET"],
            request=None,
            responses=serializer(many=True),
            description=list_description,
        )
        @extend_schema(
            methods=["POST"],
            request={"multipart/form-data": upload_serializer},
            responses={201: serializer},
            description=upload_description,
        )
        @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser, FormParser])
        def attachments(self, request, pk=None):
            record = self.get_object()
            context = {"request": request}
            if request.method == "GET":
                listed = files.objects.filter(**{owner: record}).listed()
                return Response(
                    serializer(
                        listed.select_related("uploaded_by"), many=True, context=context
                    ).data
                )
            upload = upload_serializer(data=request.data)
            upload.is_valid(raise_exception=True)
            # The upload serializer's other fields (an event file's 用途) go to the service too.
            extra = {k: v for k, v in upload.validated_data.items() if k != "file"}
            stored, refused = _service_answer(
                attach,
                **{owner: record},
                actor=request.user,
                upload=upload.validated_data["file"],
                **extra,
            )
            if refused is not None:
                return refused
            return Response(serializer(stored, context=context).data, status=201)

        @extend_schema(
            request=None,
            responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
            description=f"下载{noun}：Content-Disposition: attachment，已审计。",
        )
        @action(
            detail=True,
            methods=["get"],
            url_path=r"attachments/(?P<attachment_pk>[0-9]+)/download",
            url_name="attachment-download",
        )
        def attachment_download(self, request, pk=None, attachment_pk=None):
            stored = file_get(self.record_files(), user=request.user, pk=attachment_pk)
            return file_response(stored, file_download(obj=stored, actor=request.user))

        @extend_schema(
            request=None,
            responses={204: None},
            description=f"删除{noun}（保留记录与审计）。",
        )
        @action(
            detail=True,
            methods=["post"],
            url_path=r"attachments/(?P<attachment_pk>[0-9]+)/remove",
            url_name="attachment-remove",
        )
        def attachment_remove(self, request, pk=None, attachment_pk=None):
            stored = file_get(
                self.record_files(), user=request.user, pk=attachment_pk, action="change"
            )
            _, refused = _service_answer(remove, attachment=stored, actor=request.user)
            return refused or Response(status=204)

    return AttachmentActions
