"""Pages of the promotion events: list, 我的活动, month calendar, export, detail, edit, and the
forms on one event (status, outcomes, participants, signed projects, files) that call the
services; the kinds (系统管理员). Every query starts from restrict()."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from shangwu.core import views as generic
from shangwu.core.files import file_get
from shangwu.promotion import filtersets, forms, selectors, services, tables
from shangwu.promotion.choices import HELD_STATUSES, NEXT_STATUS
from shangwu.promotion.models import (
    EventAttachment,
    EventKind,
    EventParticipant,
    EventProject,
    PromotionEvent,
)

FORM_TEMPLATE = "promotion/form.html"


# --- Lists ---------------------------------------------------------------------------------------


class PromotionEventListView(generic.ObjectListView):
    queryset = PromotionEvent.objects.select_related("kind", "county", "township", "organiser")
    filterset = filtersets.PromotionEventFilterSet
    table = tables.PromotionEventTable
    template_name = "promotion/event_list.html"
    add_url_name = "promotion:event_add"
    export_url_name = "promotion:event_export"
    title = "促消费与经贸活动"

    def extra_context(self):
        return {"title": self.title, "calendar_url": reverse("promotion:event_calendar")}


class PromotionEventExportView(generic.ObjectExportView, PromotionEventListView):
    pass


class PromotionEventMineView(PromotionEventListView):
    """我的活动: the events the user's unit organises or co-organises (``mine=true``), with the
    list's other filters."""

    title = "我的活动"

    def filtered(self, action=None):
        qs, fs = super().filtered(action)
        return fs.filter_mine(qs, "mine", True), fs


class PromotionEventCalendarView(PromotionEventListView):
    """A month of events (the list's filters apply), ``?month=2026-05``."""

    template_name = "promotion/event_calendar.html"

    def get(self, request, *args, **kwargs):
        today = timezone.localdate()
        try:
            year, month = (int(x) for x in request.GET.get("month", "").split("-"))
            datetime.date(year, month, 1)
        except ValueError:
            year, month = today.year, today.month
        qs, fs = self.filtered()
        weeks, count = selectors.event_list_in_month(qs, year=year, month=month)
        first = datetime.date(year, month, 1)
        previous = (first - datetime.timedelta(days=1)).replace(day=1)
        following = (first + datetime.timedelta(days=32)).replace(day=1)
        query = request.GET.copy()
        query.pop("month", None)
        return render(
            request,
            self.template_name,
            self.base_context(
                filter=fs,
                weeks=weeks,
                count=count,
                month=first,
                previous=f"{previous:%Y-%m}",
                following=f"{following:%Y-%m}",
                querystring=query.urlencode(),
                list_url=reverse("promotion:event_list"),
            ),
        )


# --- One event -----------------------------------------------------------------------------------


class PromotionEventDetailView(generic.ObjectDetailView):
    queryset = PromotionEvent.objects.select_related(
        "kind", "county", "township", "organiser", "created_by"
    ).prefetch_related("co_organisers")
    template_name = "promotion/event_detail.html"

    def extra_context(self, obj):
        context = selectors.event_detail_context(user=self.request.user, event=obj)
        changeable = (
            self.allowed("change")
            and PromotionEvent.objects.restrict(self.request.user, "change")
            .filter(pk=obj.pk)
            .exists()
        )
        context.update(
            can_change=changeable,
            next_status=NEXT_STATUS.get(obj.status),
            is_held=obj.status in HELD_STATUSES,
            signs_projects=obj.family in services.SIGNING_FAMILIES,
            fields=[
                ("活动类型", f"{obj.kind}（{obj.kind.get_family_display()}）"),
                ("级别", obj.get_level_display()),
                ("主办单位", obj.organiser),
                ("协办单位", "、".join(str(u) for u in obj.co_organisers.all())),
                ("其他合办方", obj.partners),
                ("地点范围", obj.place),
                ("举办地点", obj.venue),
                ("形式", obj.get_format_display()),
                ("日期", f"{obj.start_on:%Y-%m-%d} 至 {obj.end_on:%Y-%m-%d}"),
                ("财政资金（万元）", obj.budget),
                ("登记人", obj.created_by),
                ("备注", obj.note),
            ],
            edit_url=reverse("promotion:event_edit", args=[obj.pk]),
        )
        return context


class PromotionEventEditView(generic.ObjectEditView):
    queryset = PromotionEvent.objects.all()
    form = forms.PromotionEventForm

    def save(self, form):
        fields = form.service_fields()
        co = form.cleaned_data.get("co_organisers") or []
        try:
            if form.instance.pk:
                return services.event_update(
                    event=form.instance, actor=self.request.user, co_organisers=co, **fields
                )
            return services.event_create(actor=self.request.user, co_organisers=co, **fields)
        except (ValidationError, PermissionDenied) as exc:
            generic.form_apply_errors(form, exc)
            raise ValidationError("请修改标红的字段后再保存。") from exc


class _EventActionView(generic.ObjectActionView):
    """A form (or button) on one event that calls a service: the event in the user's change
    scope (``core.views.ObjectActionView``), the promotion form page."""

    queryset = PromotionEvent.objects.select_related("kind", "county", "township", "organiser")
    template_name = FORM_TEMPLATE
    anchor = ""

    def make_form(self, event, data=None, files=None):
        return self.form_class(data, user=self.request.user, event=event)

    def success_url(self, event):
        return event.get_absolute_url() + self.anchor


class EventMoveView(_EventActionView):
    title = "状态推进"
    form_class = forms.EventMoveForm

    def perform(self, event, data):
        old = event.get_status_display()
        services.event_move(event=event, actor=self.request.user, **data)
        return f"“{event}”已从“{old}”推进到“{event.get_status_display()}”。"


class EventOutcomesView(_EventActionView):
    title = "填报成果"
    form_class = forms.EventOutcomesForm

    def perform(self, event, data):
        services.event_record_outcomes(event=event, actor=self.request.user, **data)
        return f"已保存“{event}”的成果。"


class EventParticipantAddView(_EventActionView):
    """添加参与企业: the enterprise from the platform's pinyin picker (as the visit form's): with
    JavaScript a search box asks this URL (htmx, ``?pick=enterprise&q=…``) for the enterprises
    the user sees whose name, pinyin initials or credit code match; without, the select lists
    them all."""

    title = "添加参与企业"
    form_class = forms.ParticipantForm
    template_name = "promotion/participant_form.html"

    def get(self, request, *args, **kwargs):
        if request.headers.get("HX-Request") and request.GET.get("pick"):
            return self.pick(request)
        return super().get(request, *args, **kwargs)

    def pick(self, request):
        from shangwu.enterprises.selectors import enterprise_list_pick

        self.get_object()  # the event in the user's change scope, else a 404
        if request.GET["pick"] != "enterprise":
            raise Http404("没有这个选择项。")
        q = request.GET.get("q", "")
        chosen = request.GET.getlist("enterprise")
        options = enterprise_list_pick(user=request.user, q=q, selected=chosen, action="view")
        return render(
            request,
            "enterprises/includes/pick_options.html",
            {"kind": "enterprise", "options": options, "chosen": set(chosen), "q": q},
        )

    def perform(self, event, data):
        row = services.event_participant_add(event=event, actor=self.request.user, **data)
        return f"已添加{event.participant_noun}“{row.enterprise}”。"


class EventParticipantEditView(_EventActionView):
    """Correct one participant's own outcomes (the event's totals follow: services)."""

    form_class = forms.ParticipantOutcomesForm
    anchor = "#participants"

    def participant(self, event) -> EventParticipant:
        row = (
            EventParticipant.objects.restrict(self.request.user, "change")
            .filter(event=event, pk=self.kwargs["participant_pk"])
            .select_related("enterprise")
            .first()
        )
        if row is None:
            raise Http404("参与企业记录不存在。")
        return row

    def make_form(self, event, data=None, files=None):
        self.row = self.participant(event)
        self.title = f"修改{event.participant_noun}“{self.row.enterprise}”的成果"
        return self.form_class(data, user=self.request.user, event=event, participant=self.row)

    def perform(self, event, data):
        services.event_participant_update(participant=self.row, actor=self.request.user, **data)
        return f"已保存“{self.row.enterprise}”的成果。"


class EventParticipantRemoveView(_EventActionView):
    has_form = False
    anchor = "#participants"

    def perform(self, event, data):
        row = (
            EventParticipant.objects.restrict(self.request.user, "change")
            .filter(event=event, pk=self.kwargs["participant_pk"])
            .select_related("enterprise")
            .first()
        )
        if row is None:
            raise Http404("参与企业记录不存在。")
        services.event_participant_remove(participant=row, actor=self.request.user)
        return f"已移除“{row.enterprise}”。"


class EventProjectSignView(_EventActionView):
    title = "登记签约项目"
    form_class = forms.ProjectSignForm

    def make_form(self, event, data=None, files=None):
        return self.form_class(data, user=self.request.user)

    def perform(self, event, data):
        row = services.event_sign_project(event=event, actor=self.request.user, **data)
        return f"已登记签约项目“{row.project}”，签约金额{row.amount}万元。"


class EventProjectCreateView(_EventActionView):
    """A project new to the library, signed at the event: the project library's own form and
    service (``project_create``), then the link (``event_project_create``)."""

    title = "新建项目并登记签约"

    def make_form(self, event, data=None, files=None):
        from shangwu.projects.forms import ProjectForm

        initial = {"county": event.county_id, "township": event.township_id}
        return ProjectForm(data, user=self.request.user, initial=initial)

    def perform(self, event, data):
        from shangwu.projects.models import Project

        fields = {k: v for k, v in data.items() if k != "leaders"}
        fields = {k: v for k, v in fields.items() if k in {f.name for f in Project._meta.fields}}
        row = services.event_project_create(event=event, actor=self.request.user, **fields)
        return f"已新建项目“{row.project}”并登记为本活动签约项目。"


class EventProjectRemoveView(_EventActionView):
    has_form = False
    anchor = "#projects"

    def perform(self, event, data):
        link = (
            EventProject.objects.restrict(self.request.user, "change")
            .filter(event=event, pk=self.kwargs["link_pk"])
            .select_related("project")
            .first()
        )
        if link is None:
            raise Http404("签约记录不存在。")
        services.event_unsign_project(link=link, actor=self.request.user)
        return f"已撤销签约项目“{link.project}”。"


class EventAttachView(_EventActionView):
    title = "上传附件"

    def make_form(self, event, data=None, files=None):
        return forms.AttachmentForm(data, files, user=self.request.user)

    def perform(self, event, data):
        stored = services.event_attach(
            event=event, actor=self.request.user, upload=data["file"], purpose=data["purpose"]
        )
        return f"已上传“{stored.name}”。"


class EventAttachmentDownloadView(generic.FileDownloadView):
    """GET: one file of an event in the user's scope (else 404, audited as denied)."""

    queryset = EventAttachment.objects.select_related("event")


class EventAttachmentRemoveView(generic.BaseObjectView):
    queryset = EventAttachment.objects.select_related("event")
    action = "change"

    def post(self, request, pk):
        attachment = file_get(self.queryset, user=request.user, pk=pk, action="change")
        try:
            services.event_attachment_remove(attachment=attachment, actor=request.user)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"已删除附件“{attachment.name}”。")
        return redirect(attachment.event.get_absolute_url() + "#attachments")


# --- Kinds (系统管理员) ----------------------------------------------------------------------------


class EventKindListView(generic.ObjectListView):
    queryset = EventKind.objects.all()
    filterset = filtersets.EventKindFilterSet
    table = tables.EventKindTable
    add_url_name = "promotion:kind_add"


class EventKindEditView(generic.ObjectEditView):
    queryset = EventKind.objects.all()
    form = forms.EventKindForm


class EventKindDetailView(generic.VocabularyDetailView):
    queryset = EventKind.objects.all()
    edit_url_name = "promotion:kind_edit"
