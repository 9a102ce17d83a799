"""The project API: the same FilterSet, services and scope as the pages. Stage transitions and
monthly money are action endpoints calling the same services; "三个一批" and its ledger too."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from shangwu.core.api import BaseViewSet
from shangwu.core.exports import download
from shangwu.projects import selectors, services
from shangwu.projects.api.serializers import (
    ProjectFundsSerializer,
    ProjectSerializer,
    StageMoveSerializer,
    ThreeBatchesSerializer,
)
from shangwu.projects.choices import BATCH_MILESTONES
from shangwu.projects.filtersets import ProjectFilterSet, ProjectFundsFilterSet
from shangwu.projects.ledger import ledger_xlsx
from shangwu.projects.models import Project, ProjectFunds

PERIOD_PARAMS = [
    OpenApiParameter(
        "kind", str, enum=["quarter", "month", "year"], description="期间类型，默认 quarter"
    ),
    OpenApiParameter("year", int, description="年份，默认今年"),
    OpenApiParameter("number", int, description="季度 1—4 或月份 1—12，默认本期"),
]


class ProjectViewSet(BaseViewSet):
    queryset = Project.objects.select_related("stage", "county", "chain")
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilterSet

    def get_queryset(self):
        if self.action in ("three_batches",):
            return self.queryset.all().restrict(self.request.user, "view")
        if self.action == "ledger":
            return self.queryset.all().restrict(self.request.user, "export")
        if self.action == "funds" and self.request.method == "GET":
            return self.queryset.all().restrict(self.request.user, "view")
        return super().get_queryset()

    def create_object(self, data):
        return services.project_create(actor=self.request.user, **data)

    def update_object(self, instance, data):
        return services.project_update(project=instance, actor=self.request.user, **data)

    @extend_schema(
        request=StageMoveSerializer,
        responses=ProjectSerializer,
        summary="阶段变更（与网页同一服务：日期不得早于上一阶段，退回和终止须填原因）",
    )
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        project = self.get_object()
        params = StageMoveSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        self._call(
            lambda: services.project_move_stage(
                project=project, actor=request.user, **params.validated_data
            )
        )
        return Response(ProjectSerializer(project, context=self.get_serializer_context()).data)

    @extend_schema(
        methods=["GET"], responses=ProjectFundsSerializer(many=True), summary="按月到位资金"
    )
    @extend_schema(
        methods=["POST"],
        request=ProjectFundsSerializer,
        responses=ProjectFundsSerializer,
        summary="填报（或更正）某月到位资金",
    )
    @action(detail=True, methods=["get", "post"])
    def funds(self, request, pk=None):
        project = self.get_object()
        if request.method == "GET":
            rows = selectors.funds_by_month(user=request.user, project=project)
            return Response(ProjectFundsSerializer(rows, many=True).data)
        params = ProjectFundsSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = {k: v for k, v in params.validated_data.items() if k != "project"}
        row = self._call(
            lambda: services.project_record_funds(project=project, actor=request.user, **data)
        )
        return Response(ProjectFundsSerializer(row).data, status=201)

    @extend_schema(
        parameters=PERIOD_PARAMS,
        responses=ThreeBatchesSerializer,
        summary="“三个一批”：本期签约、开工、投产项目的个数、总投资（分县、分产业链）和清单",
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="three-batches",
        filterset_class=None,
        pagination_class=None,
    )
    def three_batches(self, request):
        from shangwu.projects.views_batches import period_from

        period, _ = period_from(request.GET)
        summary = selectors.three_batches(user=request.user, period=period)
        lists = {
            m: selectors.project_list_in_batch(
                user=request.user, milestone=m, period=period
            ).order_by("code")
            for m in BATCH_MILESTONES
        }
        data = {
            **summary,
            **lists,
            "period": period.label,
            "start": period.start,
            "end": period.end,
        }
        return Response(ThreeBatchesSerializer(data).data)

    @extend_schema(
        parameters=[
            *PERIOD_PARAMS,
            OpenApiParameter("milestone", str, enum=list(BATCH_MILESTONES)),
        ],
        responses={
            (
                200,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ): OpenApiResponse(OpenApiTypes.BINARY, description="台账 .xlsx")
        },
        summary="下载“三个一批”台账（.xlsx）",
    )
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def ledger(self, request):
        from shangwu.core.services import issuing_organ
        from shangwu.projects.views_batches import period_from

        period, _ = period_from(request.GET)
        milestone = request.GET.get("milestone")
        milestones = [milestone] if milestone in BATCH_MILESTONES else BATCH_MILESTONES
        content, _count = ledger_xlsx(
            user=request.user,
            period=period,
            milestones=milestones,
            organ_name=issuing_organ(user=request.user),
        )
        return download(content, f"{period.label}项目台账.xlsx")


class ProjectFundsViewSet(BaseViewSet):
    """到位资金（按月）：只读列表，供统计指标下钻（填报请用 /api/projects/{id}/funds/）。"""

    queryset = ProjectFunds.objects.select_related("project").order_by("-month", "project_id")
    serializer_class = ProjectFundsSerializer
    filterset_class = ProjectFundsFilterSet
    http_method_names = ["get", "head", "options"]


def router_register(router):
    router.register("projects", ProjectViewSet)
    router.register("project-funds", ProjectFundsViewSet)
