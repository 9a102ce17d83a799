"""API of the enterprise service records: contacts, 包保 assignments, visits. Thin: the same
FilterSets as the pages, the same services, scope through BaseViewSet."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from shangwu.core.api import BaseViewSet, attachment_actions
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


class VisitViewSet(
    attachment_actions(
        files=VisitAttachment,
        serializer=VisitAttachmentSerializer,
        upload_serializer=VisitAttachmentUploadSerializer,
        attach=services.visit_attach,
        remove=services.visit_attachment_remove,
        noun="走访附件",
        list_description="走访记录的照片和附件（不含已删除的）。",
        upload_description="上传一张现场照片（jpg、png）或走访记录扫描件（pdf）：multipart，字段 file；"
        "与页面同一服务：按内容判断类型、大小上限、每日限额。",
    ),
    BaseViewSet,
):
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


def _errors(exc):
    return exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}


def router_register_service(router):
    router.register("contacts", ContactViewSet)
    router.register("assignments", AssignmentViewSet)
    router.register("visits", VisitViewSet)
