"""The event API (/api/events/): the same FilterSet, services and scope as the pages. Status,
outcomes, participants, signed projects and files are action endpoints calling the same
services."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from shangwu.core.api import BaseViewSet, _service_answer, attachment_actions
from shangwu.promotion import services
from shangwu.promotion.api.serializers import (
    EventAttachmentSerializer,
    EventAttachmentUploadSerializer,
    EventMoveSerializer,
    EventNewProjectSerializer,
    EventOutcomesSerializer,
    EventParticipantSerializer,
    EventProjectSerializer,
    PromotionEventSerializer,
)
from shangwu.promotion.filtersets import PromotionEventFilterSet
from shangwu.promotion.models import (
    EventAttachment,
    EventParticipant,
    EventProject,
    PromotionEvent,
)


class PromotionEventViewSet(
    attachment_actions(
        files=EventAttachment,
        serializer=EventAttachmentSerializer,
        upload_serializer=EventAttachmentUploadSerializer,
        attach=services.event_attach,
        remove=services.event_attachment_remove,
        noun="活动附件",
        list_description="活动的照片、方案和总结（不含已删除的）。",
        upload_description="上传一个附件：multipart，字段 file；与页面同一服务：按内容判断类型、"
        "大小上限、每日限额。",
    ),
    BaseViewSet,
):
    queryset = (
        PromotionEvent.objects.select_related("kind", "county", "organiser")
        .prefetch_related("co_organisers", "participants__enterprise", "projects__project")
        .order_by("-start_on", "-id")
    )
    serializer_class = PromotionEventSerializer
    filterset_class = PromotionEventFilterSet

    def create_object(self, data):
        co = data.pop("co_organisers", [])
        return services.event_create(actor=self.request.user, co_organisers=co, **data)

    def update_object(self, instance, data):
        co = data.pop("co_organisers", None)
        event = services.event_update(
            event=instance, actor=self.request.user, co_organisers=co, **data
        )
        event._prefetched_objects_cache = {}
        return event

    def _answer(self, event):
        event = self.get_queryset().get(pk=event.pk)
        return Response(self.get_serializer(event).data)

    @extend_schema(
        request=EventMoveSerializer,
        responses=PromotionEventSerializer,
        summary="状态推进（计划 → 筹备 → 已举办 → 已总结，逐步推进）",
    )
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        event = self.get_object()
        params = EventMoveSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        self._call(
            lambda: services.event_move(event=event, actor=request.user, **params.validated_data)
        )
        return self._answer(event)

    @extend_schema(
        request=EventOutcomesSerializer,
        responses=PromotionEventSerializer,
        summary="填报成果（只接受该类活动的成果字段；合计留空则按参与企业之和）",
    )
    @action(detail=True, methods=["post"])
    def outcomes(self, request, pk=None):
        event = self.get_object()
        params = EventOutcomesSerializer(data=request.data, partial=True)
        params.is_valid(raise_exception=True)
        self._call(
            lambda: services.event_record_outcomes(
                event=event, actor=request.user, **params.validated_data
            )
        )
        return self._answer(event)

    @extend_schema(
        request=EventParticipantSerializer,
        responses={201: EventParticipantSerializer},
        summary="添加参与企业及其成果",
    )
    @action(detail=True, methods=["post"])
    def participants(self, request, pk=None):
        event = self.get_object()
        params = EventParticipantSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        row, refused = _service_answer(
            services.event_participant_add,
            event=event,
            actor=request.user,
            **params.validated_data,
        )
        return refused or Response(EventParticipantSerializer(row).data, status=201)

    @extend_schema(
        request=EventProjectSerializer,
        responses={201: EventProjectSerializer},
        summary="登记在活动上签约的项目（同时记入项目动态）",
    )
    @action(detail=True, methods=["post"])
    def projects(self, request, pk=None):
        event = self.get_object()
        params = EventProjectSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = {k: v for k, v in params.validated_data.items() if v is not None}
        row, refused = _service_answer(
            services.event_sign_project, event=event, actor=request.user, **data
        )
        return refused or Response(EventProjectSerializer(row).data, status=201)

    @extend_schema(
        request=EventNewProjectSerializer,
        responses={201: EventProjectSerializer},
        summary="新建项目并登记为本活动签约项目（项目库同一服务 project_create，项目动态同时记入）",
    )
    @action(detail=True, methods=["post"], url_path="projects/new", url_name="project-new")
    def project_new(self, request, pk=None):
        event = self.get_object()
        params = EventNewProjectSerializer(data=request.data, context={"request": request})
        params.is_valid(raise_exception=True)
        data = dict(params.validated_data)
        amount = data.pop("amount", None)
        row, refused = _service_answer(
            services.event_project_create,
            event=event,
            actor=request.user,
            amount=amount,
            **data,
        )
        return refused or Response(EventProjectSerializer(row).data, status=201)

    def _row(self, model, event, pk):
        """A participant / signed project of ``event`` the user may change, else a 404."""
        row = model.objects.restrict(self.request.user, "change").filter(event=event, pk=pk).first()
        if row is None:
            raise NotFound(f"{model._meta.verbose_name}不存在或不在您的数据范围内。")
        return row

    @extend_schema(
        request=EventParticipantSerializer,
        responses=EventParticipantSerializer,
        summary="修改参与企业的成果（活动合计不足新和时随之提高）",
    )
    @action(
        detail=True,
        methods=["patch"],
        url_path=r"participants/(?P<participant_pk>[0-9]+)",
        url_name="participant",
    )
    def participant(self, request, pk=None, participant_pk=None):
        event = self.get_object()
        row = self._row(EventParticipant, event, participant_pk)
        params = EventParticipantSerializer(row, data=request.data, partial=True)
        params.is_valid(raise_exception=True)
        data = {k: v for k, v in params.validated_data.items() if k != "enterprise"}
        _, refused = _service_answer(
            services.event_participant_update, participant=row, actor=request.user, **data
        )
        return refused or Response(EventParticipantSerializer(row).data)

    @extend_schema(request=None, responses={204: None}, summary="移除参与企业")
    @action(
        detail=True,
        methods=["post"],
        url_path=r"participants/(?P<participant_pk>[0-9]+)/remove",
        url_name="participant-remove",
    )
    def participant_remove(self, request, pk=None, participant_pk=None):
        event = self.get_object()
        row = self._row(EventParticipant, event, participant_pk)
        _, refused = _service_answer(
            services.event_participant_remove, participant=row, actor=request.user
        )
        return refused or Response(status=204)

    @extend_schema(request=None, responses={204: None}, summary="撤销签约项目")
    @action(
        detail=True,
        methods=["post"],
        url_path=r"projects/(?P<link_pk>[0-9]+)/remove",
        url_name="project-remove",
    )
    def project_remove(self, request, pk=None, link_pk=None):
        event = self.get_object()
        link = self._row(EventProject, event, link_pk)
        _, refused = _service_answer(services.event_unsign_project, link=link, actor=request.user)
        return refused or Response(status=204)


def router_register(router):
    router.register("events", PromotionEventViewSet)
