"""The designations API (/api/designations/, /api/designation-kinds/): the same FilterSet,
services and scope as the pages; every step an action endpoint calling its service."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from shangwu.core.api import BaseViewSet, attachment_actions
from shangwu.designations import services
from shangwu.designations.api.serializers import (
    DesignationApplySerializer,
    DesignationAttachmentSerializer,
    DesignationAttachmentUploadSerializer,
    DesignationAwardSerializer,
    DesignationEndSerializer,
    DesignationKindSerializer,
    DesignationRecommendSerializer,
    DesignationReviewSerializer,
    DesignationSerializer,
    ProgrammeFundSerializer,
    ProgrammeMilestoneSerializer,
)
from shangwu.designations.filtersets import (
    DesignationFilterSet,
    DesignationKindFilterSet,
    ProgrammeFundFilterSet,
    ProgrammeMilestoneFilterSet,
)
from shangwu.designations.models import (
    Designation,
    DesignationAttachment,
    DesignationKind,
    ProgrammeFund,
    ProgrammeMilestone,
)


class DesignationKindViewSet(BaseViewSet):
    """荣誉/示范类型: everyone with business access reads them; the 系统管理员 adds and edits them
    (POST, PUT, PATCH) through the same service as the 基础配置 pages (``designation_kind_save``).
    Kinds are never deleted: set ``is_active`` false to stop offering one."""

    queryset = DesignationKind.objects.order_by("sort_order", "name")
    serializer_class = DesignationKindSerializer
    filterset_class = DesignationKindFilterSet

    def create_object(self, data):
        return services.designation_kind_save(actor=self.request.user, **data)

    def update_object(self, instance, data):
        return services.designation_kind_save(actor=self.request.user, kind=instance, **data)


class ProgrammeFundViewSet(BaseViewSet):
    http_method_names = ["get", "head", "options"]
    queryset = ProgrammeFund.objects.order_by("designation_id", "year", "source", "id")
    serializer_class = ProgrammeFundSerializer
    filterset_class = ProgrammeFundFilterSet


class ProgrammeMilestoneViewSet(BaseViewSet):
    http_method_names = ["get", "head", "options"]
    queryset = ProgrammeMilestone.objects.order_by("designation_id", "due_on", "id")
    serializer_class = ProgrammeMilestoneSerializer
    filterset_class = ProgrammeMilestoneFilterSet


STEPS = {
    "apply": (DesignationApplySerializer, services.designation_apply, "申报（培育 → 申报）"),
    "recommend": (
        DesignationRecommendSerializer,
        services.designation_recommend,
        "推荐（申报 → 推荐）",
    ),
    "award": (
        DesignationAwardSerializer,
        services.designation_award,
        "认定（推荐 → 认定；证书用 attachments/ 上传）",
    ),
    "review": (
        DesignationReviewSerializer,
        services.designation_review,
        "复核（通过 / 限期整改 / 未通过）",
    ),
    "revoke": (DesignationEndSerializer, services.designation_revoke, "撤销（任何阶段）"),
    "delist": (DesignationEndSerializer, services.designation_delist, "摘牌（已认定的）"),
    "expire": (DesignationEndSerializer, services.designation_expire, "到期（有效期届满后）"),
}


def _step_action(name):
    params_class, service, summary = STEPS[name]

    def step(self, request, pk=None):
        designation = self.get_object()
        params = params_class(data=request.data)
        params.is_valid(raise_exception=True)
        self._call(
            lambda: service(designation=designation, actor=request.user, **params.validated_data)
        )
        return self._answer(designation)

    # Named before decorating: the action maps POST to the method by its name.
    step.__name__ = step.__qualname__ = name
    step = action(detail=True, methods=["post"], url_path=name, url_name=name)(step)
    return extend_schema(request=params_class, responses=DesignationSerializer, summary=summary)(
        step
    )


class DesignationViewSet(
    attachment_actions(
        files=DesignationAttachment,
        serializer=DesignationAttachmentSerializer,
        upload_serializer=DesignationAttachmentUploadSerializer,
        attach=services.designation_attach,
        remove=services.designation_attachment_remove,
        noun="认定附件",
        list_description="荣誉认定的申报材料、证书和复核材料（不含已删除的）。",
        upload_description="上传一个附件：multipart，字段 file；与页面同一服务。",
    ),
    BaseViewSet,
):
    queryset = (
        Designation.objects.select_related("kind", "county", "township", "enterprise")
        .with_responsible()
        .order_by("-awarded_on", "-cultivation_on", "-id")
    )
    serializer_class = DesignationSerializer
    filterset_class = DesignationFilterSet

    def create_object(self, data):
        return services.designation_cultivate(actor=self.request.user, **data)

    def update_object(self, instance, data):
        from django.core.exceptions import ValidationError

        data.pop("on", None)
        # A new responsible unit or official: the change service (history kept), from today.
        current = instance.responsibility
        unit = data.pop("responsible_unit", current.unit if current else None)
        official = data.pop("official", current.official if current else None)
        if current is None or unit != current.unit or official != current.official:
            services.designation_responsibility_change(
                designation=instance,
                actor=self.request.user,
                responsible_unit=unit,
                official=official,
            )
        fixed = sorted(
            k for k, v in data.items() if k not in services.EDITABLE and getattr(instance, k) != v
        )
        if fixed:
            raise ValidationError(
                {fixed[0]: "认定对象和类型列入培育后不能修改；如有错误请撤销后重新列入。"}
            )
        editable = {k: v for k, v in data.items() if k in services.EDITABLE}
        services.designation_update(designation=instance, actor=self.request.user, **editable)
        # Read back with the responsible unit now (the annotation on ``instance`` is stale).
        return self.get_queryset().get(pk=instance.pk)

    def _answer(self, designation):
        designation = self.get_queryset().get(pk=designation.pk)
        return Response(self.get_serializer(designation).data)

    apply = _step_action("apply")
    recommend = _step_action("recommend")
    award = _step_action("award")
    review = _step_action("review")
    revoke = _step_action("revoke")
    delist = _step_action("delist")
    expire = _step_action("expire")


def router_register(router):
    router.register("designation-kinds", DesignationKindViewSet)
    router.register("designations", DesignationViewSet)
    router.register("designation-funds", ProgrammeFundViewSet)
    router.register("designation-milestones", ProgrammeMilestoneViewSet)
