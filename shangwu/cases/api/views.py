"""Case API: list (same FilterSet as the page), detail, create, and every transition as an
action endpoint calling the same service as the UI (``POST /api/cases/{id}/sign/``)."""

import datetime

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.response import Response

from shangwu.cases import services, statistics
from shangwu.cases.api import serializers as s
from shangwu.cases.choices import ExtensionKind, ExtensionStatus
from shangwu.cases.filtersets import CaseFilterSet, NotificationFilterSet
from shangwu.cases.models import Case, CaseAttachment, CaseEvent, Notification
from shangwu.cases.services import ConcurrentChange
from shangwu.core.api import BaseViewSet, attachment_actions
from shangwu.core.figures import FigureError


def _errors(exc):
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {"non_field_errors": exc.messages}


class CaseViewSet(
    attachment_actions(
        files=CaseAttachment,
        serializer=s.CaseAttachmentSerializer,
        upload_serializer=s.AttachmentUploadSerializer,
        attach=services.case_attach,
        remove=services.case_attachment_remove,
        list_description="案件的附件（不含已删除的）。",
        upload_description="上传一个附件（multipart，字段 file），与页面同一服务：按内容判断类型、"
        "大小上限、每日限额。",
    ),
    BaseViewSet,
):
    queryset = Case.objects.select_related("category", "county", "lead_unit")
    serializer_class = s.CaseSerializer
    filterset_class = CaseFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def get_serializer_class(self):
        if self.action == "retrieve":
            return s.CaseDetailSerializer
        if self.action == "create":
            return s.CaseCreateSerializer
        return {
            "assign": s.AssignSerializer,
            "sign": s.NoteSerializer,
            "return_case": s.ReasonSerializer,
            "progress": s.ProgressSerializer,
            "request_close": s.ResolutionSerializer,
            "review": s.ReviewSerializer,
            "revisit": s.RevisitSerializer,
            "extend": s.ExtensionSerializer,
            "decide_extension": s.ReviewSerializer,
            "pause": s.ReasonSerializer,
            "request_pause": s.ReasonSerializer,
            "decide_pause": s.ReviewSerializer,
            "resume": s.NoteSerializer,
            "merge": s.MergeSerializer,
            "supervise": s.ListedSupervisionSerializer,
        }.get(self.action, s.CaseSerializer)

    def get_queryset(self):
        qs = super().get_queryset()
        # A read shows the keys of the category, county and units, not their records: no join
        # (the actions keep them, their services read them); the events come with their actor.
        if self.action == "retrieve":
            events = Prefetch("events", CaseEvent.objects.select_related("actor"))
            qs = qs.select_related(None).prefetch_related(events, "co_units")
        elif self.action == "list":  # the co-units' ids: one query for the page (serializers)
            qs = qs.select_related(None)
        return qs

    @extend_schema(request=s.CaseCreateSerializer, responses={201: s.CaseSerializer})
    def create(self, request, *args, **kwargs):
        ser = s.CaseCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        enterprise_id = data.pop("enterprise", None)
        if enterprise_id:
            from shangwu.enterprises.models import Enterprise

            data["enterprise"] = (
                Enterprise.objects.restrict(request.user, "view").filter(pk=enterprise_id).first()
            )
            if data["enterprise"] is None:
                return Response({"enterprise": ["企业不存在或不在您的数据范围内。"]}, status=400)
        try:
            with transaction.atomic():
                case = services.case_register(actor=request.user, **data)
                self._ensure_in_scope(case)
        except DjangoValidationError as exc:
            return Response(_errors(exc), status=400)
        except PermissionDenied as exc:
            raise ApiPermissionDenied(str(exc)) from exc
        return Response(s.CaseSerializer(case).data, status=201)

    def _act(self, request, call):
        case = self.get_object()
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        version = data.pop("version", None)
        try:
            if version is not None and version != case.version:
                raise ConcurrentChange(case)
            with transaction.atomic():
                call(case, data)
        except ConcurrentChange as exc:
            return Response({"non_field_errors": exc.messages}, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as exc:
            return Response(_errors(exc), status=400)
        except PermissionDenied as exc:
            raise ApiPermissionDenied(str(exc)) from exc
        case.refresh_from_db()
        return Response(s.CaseSerializer(case).data)

    @extend_schema(responses=s.CaseSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        return self._act(
            request,
            lambda c, d: services.case_assign(
                case=c,
                actor=request.user,
                lead_unit=d["lead_unit"],
                co_units=d.get("co_units", []),
                note=d["note"],
            ),
        )

    @extend_schema(responses=s.CaseSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        return self._act(
            request, lambda c, d: services.case_sign(case=c, actor=request.user, note=d["note"])
        )

    @extend_schema(responses=s.CaseSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_case(self, request, pk=None):
        return self._act(
            request,
            lambda c, d: services.case_return(case=c, actor=request.user, reason=d["reason"]),
        )

    @extend_schema(responses=s.CaseSerializer)
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        return self._act(
            request,
            lambda c, d: services.case_report_progress(
                case=c, actor=request.user, note=d["note"], on_behalf_of=d["on_behalf_of"]
            ),
        )

    @extend_schema(responses=s.CaseSerializer)
    @action(detail=True, methods=["post"], url_path="request-close")
    def request_close(self, request, pk=None):
        return self._act(
            request,
            lambda c, d: services.case_request_close(
                case=c, actor=request.user, resolution=d["resolution"]
            ),
        )

    @extend_schema(responses=s.CaseSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        return self._act(
            request,
            lambda c, d: services.case_review(
                case=c, actor=request.user, approve=d["approve"], note=d["note"]
            ),
        )

    @extend_schema(responses=s.CaseSerializer)
    @action(detail=True, methods=["post"])
    def revisit(self, request, pk=None):
        return self._act(
            request,
            lambda c, d: services.case_revisit(
                case=c, actor=request.user, rating=d["rating"], note=d["note"]
            ),
        )

    @extend_schema(responses=s.CaseSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        return self._act(
            request,
            lambda c, d: services.case_request_extension(
                case=c, actor=request.user, reason=d["reason"], proposed_due=d["proposed_due"]
            ),
        )

    @extend_schema(responses=s.CaseSerializer)
    @action(detail=True, methods=["post"], url_path="decide-extension")
    def decide_extension(self, request, pk=None):
        def call(c, d):
            extension = c.extensions.filter(
                kind=ExtensionKind.EXTEND, status=ExtensionStatus.PENDING
            ).first()
            if extension is None:
                raise DjangoValidationError("该案件没有待审批的延期申请。")
            services.case_decide_extension(
                extension=extension, actor=request.user, approve=d["approve"], note=d["note"]
            )

        return self._act(request, call)

    @extend_schema(responses=s.CaseSerializer)
    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        return self._act(
            request,
            lambda c, d: services.case_pause(case=c, actor=request.user, reason=d["reason"]),
        )

    @extend_schema(responses=s.CaseSerializer)
    @action(detail=True, methods=["post"], url_path="request-pause")
    def request_pause(self, request, pk=None):
        return self._act(
            request,
            lambda c, d: services.case_request_pause(
                case=c, actor=request.user, reason=d["reason"]
            ),
        )

    @extend_schema(responses=s.CaseSerializer)
    @action(detail=True, methods=["post"], url_path="decide-pause")
    def decide_pause(self, request, pk=None):
        def call(c, d):
            pending = c.extensions.filter(
                kind=ExtensionKind.PAUSE, status=ExtensionStatus.PENDING
            ).first()
            if pending is None:
                raise DjangoValidationError("该案件没有待审批的挂起申请。")
            services.case_decide_pause(
                request=pending, actor=request.user, approve=d["approve"], note=d["note"]
            )

        return self._act(request, call)

    @extend_schema(responses=s.CaseSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self._act(
            request, lambda c, d: services.case_resume(case=c, actor=request.user, note=d["note"])
        )

    @extend_schema(responses=s.CaseSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        def call(c, d):
            into = Case.objects.restrict(request.user, "view").filter(pk=d["into"]).first()
            if into is None:
                raise DjangoValidationError({"into": "要并入的案件不存在或不在您的数据范围内。"})
            services.case_merge(case=c, into=into, actor=request.user, note=d["note"])

        return self._act(request, call)

    @extend_schema(responses=s.CaseSerializer)
    @action(detail=True, methods=["post"])
    def supervise(self, request, pk=None):
        return self._act(
            request,
            lambda c, d: services.case_supervise_listed(
                case=c, actor=request.user, required_by=d["required_by"], comment=d["comment"]
            ),
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("dimension", OpenApiTypes.STR, enum=list(statistics.DIMENSIONS)),
            OpenApiParameter("date_from", OpenApiTypes.DATE),
            OpenApiParameter("date_to", OpenApiTypes.DATE),
        ],
        responses=s.StatisticsRowSerializer(many=True),
    )
    @action(detail=False, methods=["get"])
    def statistics(self, request):
        """办理统计: the same definitions as the statistics page and its export."""
        today = timezone.localdate()
        default_from, default_to = statistics.default_range(today)
        try:
            date_from = datetime.date.fromisoformat(
                request.query_params.get("date_from") or default_from.isoformat()
            )
            date_to = datetime.date.fromisoformat(
                request.query_params.get("date_to") or default_to.isoformat()
            )
        except ValueError:
            return Response({"date_from": ["日期格式应为 YYYY-MM-DD。"]}, status=400)
        if date_from > date_to:
            return Response({"date_to": ["结束日期不能早于开始日期。"]}, status=400)
        try:
            result = statistics.case_statistics(
                user=request.user,
                dimension=request.query_params.get("dimension", "unit"),
                date_from=date_from,
                date_to=date_to,
            )
        except FigureError as error:  # a period the figures cannot answer: the caller's input
            return Response({error.param: [error.message]}, status=400)

        def row(r):
            key = r.key
            if isinstance(key, tuple):
                key = f"{key[0]:%Y-%m}"
            return {
                **{
                    k: getattr(r, k)
                    for k in s.StatisticsRowSerializer().fields
                    if k not in ("key",)
                },
                "key": None if key is None else str(key),
            }

        return Response(
            {
                "dimension": result["dimension"],
                "date_from": date_from,
                "date_to": date_to,
                "rows": [row(r) for r in result["rows"]],
                "total": row(result["total"]),
            }
        )


class NotificationViewSet(BaseViewSet):
    """The asking user's own notifications (read only; ``?unread=true``: the unread ones, the
    drill-down of the figure ``cases.notifications_unread``)."""

    queryset = Notification.objects.order_by("-id")
    serializer_class = s.NotificationSerializer
    filterset_class = NotificationFilterSet
    http_method_names = ["get", "head", "options"]


def router_register(router):
    router.register("cases", CaseViewSet)
    router.register("notifications", NotificationViewSet)
