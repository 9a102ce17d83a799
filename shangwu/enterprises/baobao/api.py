"""API of the enterprise service records: contacts, 包保 assignments, visits. Thin: the same
FilterSets as the pages, the same services, scope through BaseViewSet."""

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from shangwu.core.api import (
    BaseViewSet,
    attachment_download_answer,
    attachment_remove_answer,
    attachments_answer,
)
from shangwu.core.reveal import contact_reveal
from shangwu.enterprises.baobao import services
from shangwu.enterprises.baobao.filtersets import (
    AssignmentFilterSet,
    ContactFilterSet,
    VisitFilterSet,
)
from shangwu.enterprises.baobao.serializers import (
    AssignmentSerializer,
    ContactSerializer,
    RevealRequestSerializer,
    RevealResponseSerializer,
    VisitAttachmentSerializer,
    VisitAttachmentUploadSerializer,
    VisitSerializer,
)
from shangwu.enterprises.models import Assignment, Contact, Visit, VisitAttachment


def _fixed(instance, data, fields):
    """Who and where of a record are fixed after creation; refuse a change instead of ignoring it."""
    changed = [f for f in fields if f in data and data[f] != getattr(instance, f)]
    if changed:
        raise ValidationError({f: "创建后不能修改此项。" for f in changed})


def _problem_texts(problems) -> list[tuple[str, str]]:
    return [((p.get("description") or "").strip(), p.get("category") or "") for p in problems]


class ContactViewSet(BaseViewSet):
    queryset = Contact.objects.select_related("enterprise")
    serializer_class = ContactSerializer
    filterset_class = ContactFilterSet

    def get_queryset(self):
        if self.action == "reveal":  # reading, not changing: the view scope applies
            return self.queryset.all().restrict(self.request.user, "view")
        return super().get_queryset()

    def create_object(self, data):
        enterprise = data.pop("enterprise")
        return services.contact_create(enterprise=enterprise, actor=self.request.user, **data)

    def update_object(self, instance, data):
        _fixed(instance, data, ["enterprise"])
        data.pop("enterprise", None)
        return services.contact_update(contact=instance, actor=self.request.user, **data)

    @extend_schema(
        request=RevealRequestSerializer,
        responses=RevealResponseSerializer,
        summary="查看完整号码（需“查看联系人完整号码”权限，记入审计日志）",
    )
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        contact = self.get_object()
        params = RevealRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        field = params.validated_data["field"]
        value = contact_reveal(contact=contact, field=field, actor=request.user)
        return Response({"field": field, "value": value})


class AssignmentViewSet(BaseViewSet):
    queryset = Assignment.objects.select_related("enterprise", "official")
    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilterSet

    def create_object(self, data):
        return services.assignment_create(actor=self.request.user, **data)

    def update_object(self, instance, data):
        """Only the role and note change in place; ``end_on`` ends the 包保 (assignment_end)."""
        _fixed(instance, data, ["enterprise", "official", "level", "start_on"])
        if "end_on" in data and data["end_on"] != instance.end_on:
            if data["end_on"] is None:
                raise ValidationError({"end_on": "已结束的包保不能恢复，请重新安排。"})
            services.assignment_end(
                assignment=instance, end_on=data["end_on"], actor=self.request.user
            )
        return services.assignment_update(
            assignment=instance,
            actor=self.request.user,
            role=data.get("role"),
            note=data.get("note"),
        )


class VisitViewSet(BaseViewSet):
    queryset = Visit.objects.select_related("enterprise").prefetch_related(
        "officials", "problems__case", "attachments__uploaded_by"
    )
    serializer_class = VisitSerializer
    filterset_class = VisitFilterSet

    def create_object(self, data):
        data.pop("reason", None)
        return services.visit_create(actor=self.request.user, **data)

    def update_object(self, instance, data):
        _fixed(instance, data, ["enterprise"])
        problems = data.get("problems")
        if (
            problems is not None
            and not any(p.get("id") or p.get("delete") for p in problems)
            and _problem_texts(problems)
            == _problem_texts(instance.problems.order_by("id").values("description", "category"))
        ):
            problems = None  # the visit's own problems sent back unchanged (a GET → PUT round trip)
        visit = services.visit_update(
            visit=instance,
            actor=self.request.user,
            visited_on=data.get("visited_on"),
            form=data.get("form"),
            notes=data.get("notes"),
            officials=data.get("officials"),
            problems=problems,
            reason=data.get("reason", ""),
        )
        visit._prefetched_objects_cache = {}  # the answer shows the rows as they are now
        return visit

    @extend_schema(
        methods=["GET"],
        request=None,
        responses=VisitAttachmentSerializer(many=True),
        description="走访记录的照片和附件（不含已删除的）。",
    )
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": VisitAttachmentUploadSerializer},
        responses={201: VisitAttachmentSerializer},
        description="上传一张现场照片（jpg、png）或走访记录扫描件（pdf）：multipart，字段 file；"
        "与页面同一服务：按内容判断类型、大小上限、每日限额。",
    )
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request, pk=None):
        visit = self.get_object()
        return attachments_answer(
            request,
            listed=visit.attachments.listed(),
            serializer_class=VisitAttachmentSerializer,
            upload_serializer_class=VisitAttachmentUploadSerializer,
            attach=lambda upload: services.visit_attach(
                visit=visit, actor=request.user, upload=upload
            ),
        )

    @extend_schema(
        request=None,
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
        description="下载走访附件：Content-Disposition: attachment，已审计。",
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"attachments/(?P<attachment_pk>[0-9]+)/download",
        url_name="attachment-download",
    )
    def attachment_download(self, request, pk=None, attachment_pk=None):
        files = VisitAttachment.objects.filter(visit=self.get_object())
        return attachment_download_answer(request, files=files, pk=attachment_pk)

    @extend_schema(
        request=None, responses={204: None}, description="删除走访附件（保留记录与审计）。"
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"attachments/(?P<attachment_pk>[0-9]+)/remove",
        url_name="attachment-remove",
    )
    def attachment_remove(self, request, pk=None, attachment_pk=None):
        return attachment_remove_answer(
            request,
            files=VisitAttachment.objects.filter(visit=self.get_object()),
            pk=attachment_pk,
            remove=lambda a: services.visit_attachment_remove(attachment=a, actor=request.user),
        )


def _errors(exc):
    return exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}


def router_register_service(router):
    router.register("contacts", ContactViewSet)
    router.register("assignments", AssignmentViewSet)
    router.register("visits", VisitViewSet)
