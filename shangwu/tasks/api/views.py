"""Key-task API: plans (with the importer as ``POST /api/plans/import/``), tasks (edit and
assign with PUT/PATCH, close with ``POST /api/tasks/{id}/status/``), progress reports and
季度点评. Every write calls the service the pages call."""

import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers as drf
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from shangwu.audit.choices import AuditAction
from shangwu.audit.services import audit_write
from shangwu.core import imports
from shangwu.core.api import BaseViewSet
from shangwu.tasks import parser, services
from shangwu.tasks.api import serializers as s
from shangwu.tasks.filtersets import (
    PlanFilterSet,
    QuarterReviewFilterSet,
    ReportFilterSet,
    TaskFilterSet,
)
from shangwu.tasks.imports import plan_importer
from shangwu.tasks.models import Milestone, Plan, QuarterReview, Report, Task

# What the IMPORT row names as the file when the plan came as text in the request body.
API_TEXT_NAME = "API 提交的全文"


def _errors(exc):
    return exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}


class PlanViewSet(BaseViewSet):
    queryset = Plan.objects.prefetch_related("sections", "targets")
    serializer_class = s.PlanSerializer
    filterset_class = PlanFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def create(self, request, *args, **kwargs):
        return Response(
            {"non_field_errors": ["请使用 POST /api/plans/import/ 导入工作要点。"]}, status=400
        )

    def update_object(self, instance, data):
        return services.plan_update(plan=instance, actor=self.request.user, **data)

    @extend_schema(request=s.PlanImportSerializer, responses={201: s.PlanSerializer})
    @action(detail=False, methods=["post"], url_path="import")
    def import_plan(self, request):
        ser = s.PlanImportSerializer(data=request.data)
        upload = request.FILES.get("file")
        try:
            ser.is_valid(raise_exception=True)
            texts = ser.lines()
        except drf.ValidationError as exc:
            if upload is not None:  # a refused file is audited with what the client was told
                imports.audit_upload(
                    model=Plan,
                    name=upload.name,
                    size=upload.size,
                    refused=json.dumps(exc.detail, ensure_ascii=False)[:1000],
                )
            raise
        d = ser.validated_data
        if upload is not None:
            imports.audit_upload(
                model=Plan,
                name=upload.name,
                size=upload.size,
                detail=f"API 导入工作要点（{'仅识别' if d['dry_run'] else '保存'}），{len(texts)} 行。",
            )
        overrides = {}
        for key, kind in d["overrides"].items():
            if not str(key).isdigit():
                return Response({"overrides": [f"行号“{key}”应为数字。"]}, status=400)
            overrides[int(key)] = kind
        lines, tree = parser.parse_lines(
            texts,
            overrides=overrides,
            year=d["year"],
            unit_names=services.unit_names(),
        )
        if d["dry_run"]:
            tree["lines"] = [
                {"no": line.no, "kind": line.kind, "text": line.text} for line in lines
            ]
            return Response(tree)
        try:
            with transaction.atomic():
                plan = plan_importer.save(
                    title=d["title"] or tree["title"],
                    year=d["year"],
                    tree=tree,
                    cycle=d["cycle"],
                    due_day=d["due_day"],
                    actor=request.user,
                    file_name=upload.name if upload is not None else API_TEXT_NAME,
                )
        except DjangoValidationError as exc:
            audit_write(
                action=AuditAction.IMPORT,
                object_type=Plan._meta.label_lower,
                object_repr=str(Plan._meta.verbose_name),
                detail=f"API 导入工作要点，已拒绝：{'；'.join(exc.messages)}"[:2000],
            )
            return Response(_errors(exc), status=400)
        return Response(s.PlanSerializer(plan).data, status=status.HTTP_201_CREATED)


class TaskViewSet(BaseViewSet):
    queryset = Task.objects.select_related("plan", "section").prefetch_related(
        "co_units", "milestones", "targets"
    )
    serializer_class = s.TaskSerializer
    filterset_class = TaskFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "list":  # the co-units' ids: one query for the page (serializers)
            qs = qs.prefetch_related(None).prefetch_related("milestones", "targets")
        return qs

    def get_serializer_class(self):
        if self.action == "retrieve":
            return s.TaskDetailSerializer
        if self.action == "status":
            return s.TaskStatusSerializer
        return s.TaskSerializer

    def create(self, request, *args, **kwargs):
        return Response(
            {"non_field_errors": ["任务随工作要点导入：请使用 POST /api/plans/import/。"]},
            status=400,
        )

    def update_object(self, instance, data):
        co_units = data.pop("co_units", None)
        return services.task_update(
            task=instance, actor=self.request.user, co_units=co_units, **data
        )

    @extend_schema(request=s.TaskStatusSerializer, responses=s.TaskSerializer)
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        task = self.get_object()
        ser = s.TaskStatusSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        try:
            services.task_change_status(task=task, actor=request.user, **ser.validated_data)
        except DjangoValidationError as exc:
            return Response(_errors(exc), status=400)
        task.refresh_from_db()
        return Response(s.TaskSerializer(task).data)


class ReportViewSet(BaseViewSet):
    """Reports are filed by the user's own unit (lead or cooperating unit of the task)."""

    queryset = Report.objects.select_related("task", "unit")
    serializer_class = s.ReportSerializer
    filterset_class = ReportFilterSet
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=s.ReportCreateSerializer, responses={201: s.ReportSerializer})
    def create(self, request, *args, **kwargs):
        ser = s.ReportCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        task = (
            Task.objects.restrict(request.user, "view")
            .select_related("plan")
            .filter(pk=d.pop("task"))
            .first()
        )
        if task is None:
            return Response({"task": ["任务不存在或不在您的数据范围内。"]}, status=400)
        milestone_id = d.pop("milestone")
        d["milestone"] = (
            Milestone.objects.filter(task=task, pk=milestone_id).first() if milestone_id else None
        )
        if milestone_id and d["milestone"] is None:
            return Response({"milestone": ["所选里程碑不属于本任务。"]}, status=400)
        try:
            report = services.report_submit(
                task=task, unit=request.user.org_unit, actor=request.user, **d
            )
        except DjangoValidationError as exc:
            return Response(_errors(exc), status=400)
        return Response(s.ReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ReportCorrectSerializer, responses={200: s.ReportSerializer})
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        report = self.get_object()
        ser = s.ReportCorrectSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        try:
            services.report_correct(
                report=report,
                actor=request.user,
                reason=d.pop("reason"),
                confirm_lower=d.pop("confirm_lower"),
                **d,
            )
        except DjangoValidationError as exc:
            return Response(_errors(exc), status=400)
        return Response(s.ReportSerializer(report).data)


class QuarterReviewViewSet(BaseViewSet):
    queryset = QuarterReview.objects.select_related("unit", "plan")
    serializer_class = s.QuarterReviewSerializer
    filterset_class = QuarterReviewFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def create_object(self, data):
        plan = Plan.objects.restrict(self.request.user, "view").filter(pk=data["plan"].pk).first()
        if plan is None:
            raise drf.ValidationError({"plan": ["工作要点不存在。"]})
        return services.review_save(actor=self.request.user, **data)


def router_register(router):
    router.register("plans", PlanViewSet)
    router.register("tasks", TaskViewSet)
    router.register("task-reports", ReportViewSet)
    router.register("task-reviews", QuarterReviewViewSet)
