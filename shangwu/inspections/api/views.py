"""The inspections API: /api/inspection-subjects/, /api/sites/, /api/inspection-plans/ (draw,
publish), /api/inspections/ (submit). The same FilterSets, services and scope as the pages."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import serializers as drf
from rest_framework.decorators import action
from rest_framework.response import Response

from shangwu.core.api import BaseViewSet, _service_answer
from shangwu.enterprises.filtersets import EnterpriseFilterSet
from shangwu.enterprises.models import Enterprise
from shangwu.inspections import services
from shangwu.inspections.api import serializers as s
from shangwu.inspections.filtersets import InspectionFilterSet, PlanFilterSet, SiteFilterSet
from shangwu.inspections.models import Inspection, InspectionKind, Plan, Site

READ_ONLY = ["get", "head", "options"]


class InspectionSubjectViewSet(BaseViewSet):
    """检查对象（企业）: registry enterprises holding a tag of some inspection kind."""

    http_method_names = READ_ONLY
    queryset = Enterprise.objects.select_related("county").order_by("name_pinyin", "id")
    serializer_class = s.InspectionSubjectSerializer
    filterset_class = EnterpriseFilterSet

    def get_queryset(self):
        codes = InspectionKind.objects.values_list("tag_code", flat=True)
        subjects = Enterprise.objects.filter(tags__code__in=codes).values("pk")
        return (
            super()
            .get_queryset()
            .filter(pk__in=subjects)
            .prefetch_related(
                "tags", Prefetch("sites", queryset=Site.objects.only("pk", "enterprise_id"))
            )
        )


class SiteViewSet(BaseViewSet):
    queryset = Site.objects.select_related("enterprise", "county").order_by(
        "county_id", "name", "id"
    )
    serializer_class = s.SiteSerializer
    filterset_class = SiteFilterSet

    def create_object(self, data):
        return services.site_create(actor=self.request.user, **data)

    def update_object(self, instance, data):
        from django.core.exceptions import ValidationError

        for name in ("licence_no", "licence_valid_until", "enterprise"):
            if name in data and data[name] != getattr(instance, name):
                raise ValidationError(
                    {name: "许可变动请用 POST /api/sites/{id}/licence/；企业不能修改。"}
                )
            data.pop(name, None)
        return services.site_update(site=instance, actor=self.request.user, **data)

    @extend_schema(
        request=s.LicenceChangeSerializer,
        responses=s.SiteSerializer,
        summary="许可变动（新建/变更/换证/注销）",
    )
    @action(detail=True, methods=["post"])
    def licence(self, request, pk=None):
        site = self.get_object()
        params = s.LicenceChangeSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        _, error = _service_answer(
            services.site_licence_change, site=site, actor=request.user, **params.validated_data
        )
        return error or Response(self.get_serializer(site).data)


class PlanViewSet(BaseViewSet):
    queryset = Plan.objects.select_related("kind").order_by("-start_on", "-id")
    serializer_class = s.InspectionPlanSerializer
    filterset_class = PlanFilterSet

    def create_object(self, data):
        return services.plan_create(actor=self.request.user, **data)

    def update_object(self, instance, data):
        return services.plan_update(plan=instance, actor=self.request.user, **data)

    def _answer(self, plan):
        plan = self.get_queryset().get(pk=plan.pk)
        return Response(self.get_serializer(plan).data)

    @extend_schema(
        request=s.DrawParamsSerializer,
        responses=s.InspectionDrawSerializer,
        summary="双随机抽取（重新抽取须填原因，原抽取保留）",
    )
    @action(detail=True, methods=["post"])
    def draw(self, request, pk=None):
        plan = self.get_object()
        params = s.DrawParamsSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        draw, error = _service_answer(
            services.plan_draw, plan=plan, actor=request.user, **params.validated_data
        )
        return error or Response(s.InspectionDrawSerializer(draw).data)

    @extend_schema(
        request=s.FixParamsSerializer,
        responses=s.InspectionPlanSerializer,
        summary="确定检查对象（全覆盖：全部；专项：sites）",
    )
    @action(detail=True, methods=["post"])
    def fix(self, request, pk=None):
        plan = self.get_object()
        params = s.FixParamsSerializer(data=request.data)
        params.fields["sites"].child_relation.queryset = services.plan_subjects(plan)
        params.is_valid(raise_exception=True)
        _, error = _service_answer(
            services.plan_fix_targets, plan=plan, actor=request.user, **params.validated_data
        )
        return error or self._answer(plan)

    @extend_schema(request=None, responses=s.InspectionPlanSerializer, summary="公开检查结果")
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        plan = self.get_object()
        _, error = _service_answer(services.plan_publish, plan=plan, actor=request.user)
        return error or self._answer(plan)

    @extend_schema(
        responses=s.InspectionDrawSerializer(many=True),
        summary="抽取记录（候选名单、摘要、种子、算法版本）",
    )
    @action(detail=True, methods=["get"])
    def draws(self, request, pk=None):
        plan = self.get_object()
        return Response(s.InspectionDrawSerializer(plan.draws.order_by("number"), many=True).data)

    @extend_schema(
        responses=s.InspectionPlanTargetSerializer(many=True), summary="检查对象和检查组"
    )
    @action(detail=True, methods=["get"])
    def targets(self, request, pk=None):
        plan = self.get_object()
        rows = plan.targets.filter(is_active=True).select_related("site").prefetch_related("team")
        return Response(s.InspectionPlanTargetSerializer(rows.order_by("pk"), many=True).data)

    @extend_schema(
        responses=drf.ListSerializer(child=drf.DictField()), summary="公开名单（个人信息已脱敏）"
    )
    @action(detail=True, methods=["get"])
    def public(self, request, pk=None):
        plan = self.get_object()
        return Response(services.plan_public_rows(plan))


class InspectionViewSet(BaseViewSet):
    queryset = (
        Inspection.objects.select_related("site")
        .prefetch_related("inspectors", "answers__item")
        .order_by("-inspected_on", "-id")
    )
    serializer_class = s.InspectionSerializer
    filterset_class = InspectionFilterSet

    def create_object(self, data):
        from django.core.exceptions import ValidationError

        target = data.get("target")
        if target is not None:
            return services.inspection_start(actor=self.request.user, target=target)
        if data.get("site") is None or data.get("kind") is None:
            raise ValidationError({"site": "请指定 site 和 kind，或计划检查对象 target。"})
        return services.inspection_start(
            actor=self.request.user,
            site=data["site"],
            kind=data["kind"],
            inspected_on=data.get("inspected_on"),
        )

    def update_object(self, instance, data):
        answers = {}
        for row in (
            self.request.data.get("answers", []) if isinstance(self.request.data, dict) else []
        ):
            one = s.AnswerInSerializer(data=row)
            one.is_valid(raise_exception=True)
            answers[one.validated_data["item"]] = (
                one.validated_data["result"],
                one.validated_data.get("note", ""),
            )
        return services.inspection_save(
            inspection=instance,
            actor=self.request.user,
            answers=answers,
            signature_name=data.get("signature_name"),
            note=data.get("note"),
            inspected_on=data.get("inspected_on"),
        )

    @extend_schema(
        request=s.SubmitParamsSerializer,
        responses=s.InspectionSerializer,
        summary="提交检查（一次；不合格项生成隐患）",
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        inspection = self.get_object()
        params = s.SubmitParamsSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        _, error = _service_answer(
            services.inspection_submit,
            inspection=inspection,
            actor=request.user,
            **params.validated_data,
        )
        if error:
            return error
        inspection = self.get_queryset().get(pk=inspection.pk)
        return Response(self.get_serializer(inspection).data)


def router_register(router):
    router.register("inspection-subjects", InspectionSubjectViewSet, basename="inspection-subject")
    router.register("sites", SiteViewSet)
    router.register("inspection-plans", PlanViewSet, basename="inspection-plan")
    router.register("inspections", InspectionViewSet)
    # §6: /api/hazards/ (rectify, recheck, close), in api/hazards.py
    from shangwu.inspections.api.hazards import HazardViewSet

    router.register("hazards", HazardViewSet)
