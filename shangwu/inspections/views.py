"""Pages of inspections §1–§5: sites and licences, inspectors, kinds, checklists, deadlines,
plans with their draw and public list, inspections and the field page (390 px). Every query
starts from restrict(); every write calls a service."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from shangwu.audit.choices import AuditAction
from shangwu.audit.services import audit_write
from shangwu.core import views as generic
from shangwu.core.access import refusal
from shangwu.core.exports import download, xlsx_bytes
from shangwu.core.views import form_apply_errors
from shangwu.enterprises.models import Enterprise
from shangwu.inspections import filtersets, forms, rectification, services, tables
from shangwu.inspections.choices import (
    LICENCE_WARNING_DAYS,
    ChecklistStatus,
    InspectionStatus,
    ItemResult,
    LicenceStatus,
    PlanMethod,
    PlanStatus,
)
from shangwu.inspections.draw import draw_replay
from shangwu.inspections.models import (
    Checklist,
    ChecklistItem,
    Hazard,
    Inspection,
    InspectionKind,
    InspectionPhoto,
    Inspector,
    Plan,
    PlanTarget,
    RectificationRule,
    Site,
)

SITE_RELATED = ("enterprise", "county", "township")
PLAN_RELATED = ("kind", "county", "township", "organiser")
INSPECTION_RELATED = ("site", "kind", "county", "township", "plan", "checklist")


# --- §1 sites ----------------------------------------------------------------------------------


class SiteListView(generic.ObjectListView):
    queryset = Site.objects.select_related(*SITE_RELATED)
    filterset = filtersets.SiteFilterSet
    table = tables.SiteTable
    template_name = "inspections/site_list.html"
    add_url_name = "inspections:site_add"
    export_url_name = "inspections:site_export"
    title = "检查对象（场所）"

    def extra_context(self):
        context = {"title": self.title}
        # Offer 新增 only with an enterprise to choose (one tagged for some inspection kind).
        enterprises = Enterprise.objects.restrict(self.request.user, "view").filter(
            tags__code__in=forms.subject_tag_codes()
        )
        if self.add_url_name and not enterprises.exists():
            context["add_url_name"] = None
        return context


class SiteExportView(generic.ObjectExportView, SiteListView):
    pass


class LicenceExpiringView(SiteListView):
    """许可证即将到期: valid licences ending within 90 days (or ended), soonest first."""

    title = f"许可证即将到期（{LICENCE_WARNING_DAYS}天内）"
    add_url_name = None

    def get_queryset(self, action=None):
        limit = timezone.localdate() + datetime.timedelta(days=LICENCE_WARNING_DAYS)
        return (
            super()
            .get_queryset(action)
            .filter(licence_status=LicenceStatus.VALID, licence_valid_until__lte=limit)
            .order_by("licence_valid_until", "pk")
        )


class SiteDetailView(generic.ObjectDetailView):
    queryset = Site.objects.select_related(*SITE_RELATED, "created_by")
    template_name = "inspections/site_detail.html"

    def extra_context(self, obj):
        user = self.request.user
        can_change = self.allowed("change") and (
            Site.objects.restrict(user, "change").filter(pk=obj.pk).exists()
        )
        today = timezone.localdate()
        return {
            "can_change": can_change,
            "can_inspect": refusal(user, Inspection, "add") is None,
            "expiring": obj.licence_expiring(today),
            "fields": [
                ("企业", obj.enterprise),
                ("场所类型", obj.get_site_type_display()),
                ("地址", obj.address),
                ("所在地", f"{obj.county}{obj.township or ''}"),
                ("经营许可证号", obj.licence_no),
                ("许可证有效期至", obj.licence_valid_until),
                ("许可状态", obj.get_licence_status_display()),
                ("储罐数 / 加油机数", f"{obj.tanks or '—'} / {obj.pumps or '—'}"),
                ("现场负责人", obj.manager_name),
                ("在营", "是" if obj.is_active else "否"),
            ],
            "inspections": Inspection.objects.restrict(user, "view")
            .filter(site=obj)
            .select_related("kind")
            .order_by("-inspected_on", "-pk")[:20],
            "hazards": Hazard.objects.restrict(user, "view")
            .filter(site=obj)
            .order_by("-found_on", "-pk")[:20],
            "events": obj.events.select_related("actor").order_by("-at", "-id"),
            "edit_url": reverse("inspections:site_edit", args=[obj.pk]),
        }


class SiteEditView(generic.ObjectEditView):
    queryset = Site.objects.all()
    form = forms.SiteForm

    def save(self, form):
        fields = form.service_fields()
        try:
            if form.instance.pk:
                return services.site_update(site=form.instance, actor=self.request.user, **fields)
            return services.site_create(actor=self.request.user, **fields)
        except (ValidationError, PermissionDenied) as exc:
            form_apply_errors(form, exc)
            raise ValidationError("请修改标红的字段后再保存。") from exc


class SiteLicenceView(generic.ObjectActionView):
    queryset = Site.objects.all()
    title = "许可变动"
    form_class = forms.LicenceChangeForm

    def perform(self, obj, data):
        services.site_licence_change(site=obj, actor=self.request.user, **data)
        return f"已登记“{obj}”的许可变动。"


# --- §4 inspectors -----------------------------------------------------------------------------


class InspectorListView(generic.ObjectListView):
    queryset = Inspector.objects.select_related("user", "county", "township")
    filterset = filtersets.InspectorFilterSet
    table = tables.InspectorTable
    add_url_name = "inspections:inspector_add"


class InspectorAddView(generic.BaseObjectView):
    queryset = Inspector.objects.all()
    action = "add"

    def show(self, form, status=200):
        return render(
            self.request,
            "core/object_edit.html",
            self.base_context(form=form, object=None),
            status=status,
        )

    def get(self, request):
        return self.show(forms.InspectorForm(user=request.user))

    def post(self, request):
        form = forms.InspectorForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                inspector = services.inspector_register(actor=request.user, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                form_apply_errors(form, exc)
            else:
                messages.success(request, f"已登记执法人员“{inspector}”。")
                return redirect("inspections:inspector_list")
        return self.show(form, status=400)


# --- §2 kinds, checklists, deadlines (系统管理员) -----------------------------------------------


class InspectionKindListView(generic.ObjectListView):
    queryset = InspectionKind.objects.all()
    filterset = filtersets.InspectionKindFilterSet
    table = tables.InspectionKindTable
    add_url_name = "inspections:kind_add"


class InspectionKindEditView(generic.ObjectEditView):
    queryset = InspectionKind.objects.all()
    form = forms.InspectionKindForm


class InspectionKindDetailView(generic.VocabularyDetailView):
    queryset = InspectionKind.objects.all()
    edit_url_name = "inspections:kind_edit"


class ChecklistListView(generic.ObjectListView):
    queryset = Checklist.objects.select_related("kind")
    filterset = filtersets.ChecklistFilterSet
    table = tables.ChecklistTable


class ChecklistDetailView(generic.ObjectDetailView):
    queryset = Checklist.objects.select_related("kind", "created_by")
    template_name = "inspections/checklist_detail.html"

    def extra_context(self, obj):
        editable = obj.status == ChecklistStatus.DRAFT and self.allowed("change")
        return {
            "items": obj.items.order_by("number"),
            "editable": editable,
            "item_form": forms.ChecklistItemForm(checklist=obj) if editable else None,
            "can_new_version": self.allowed("change")
            and not obj.kind.checklists.filter(status=ChecklistStatus.DRAFT).exists(),
            "versions": obj.kind.checklists.order_by("-version"),
        }


class ChecklistNewVersionView(generic.ObjectActionView):
    """POST on a checklist: a draft of its kind's next version."""

    queryset = Checklist.objects.select_related("kind")
    has_form = False

    def perform(self, obj, data):
        self.created = services.checklist_new_version(kind=obj.kind, actor=self.request.user)
        return f"已新建第{self.created.version}版草稿，可修改后启用。"

    def success_url(self, obj):
        created = getattr(self, "created", None)
        return (created or obj).get_absolute_url()


class ChecklistItemView(generic.ObjectActionView):
    queryset = Checklist.objects.all()
    title = "检查项"
    form_class = forms.ChecklistItemForm

    def make_form(self, obj, data=None, files=None):
        return self.form_class(data, user=self.request.user, checklist=obj)

    def perform(self, obj, data):
        item = services.checklist_item_save(checklist=obj, actor=self.request.user, **data)
        return f"已保存检查项“{item}”。"


class ChecklistItemRemoveView(generic.ObjectActionView):
    queryset = ChecklistItem.objects.select_related("checklist")
    has_form = False

    def perform(self, obj, data):
        services.checklist_item_remove(item=obj, actor=self.request.user)
        return f"已删除检查项“{obj.text}”。"

    def success_url(self, obj):
        return obj.checklist.get_absolute_url()


class ChecklistActivateView(generic.ObjectActionView):
    queryset = Checklist.objects.select_related("kind")
    has_form = False

    def perform(self, obj, data):
        services.checklist_activate(checklist=obj, actor=self.request.user)
        return f"“{obj}”已启用，原版本停用（已有检查记录保留其使用的版本）。"


class RectificationRuleListView(generic.ObjectListView):
    queryset = RectificationRule.objects.all()
    filterset = filtersets.RectificationRuleFilterSet
    table = tables.RectificationRuleTable
    template_name = "inspections/rule_list.html"
    title = "整改期限（工作日）"

    def extra_context(self):
        return {"title": self.title}


class RectificationRuleEditView(generic.ObjectEditView):
    queryset = RectificationRule.objects.all()
    form = forms.RectificationRuleForm


# --- §3/§4 plans -------------------------------------------------------------------------------


class PlanListView(generic.ObjectListView):
    queryset = Plan.objects.select_related(*PLAN_RELATED)
    filterset = filtersets.PlanFilterSet
    table = tables.PlanTable
    add_url_name = "inspections:plan_add"
    export_url_name = "inspections:plan_export"


class PlanExportView(generic.ObjectExportView, PlanListView):
    pass


class PlanDetailView(generic.ObjectDetailView):
    queryset = Plan.objects.select_related(*PLAN_RELATED, "created_by", "published_by")
    template_name = "inspections/plan_detail.html"

    def extra_context(self, obj):
        user = self.request.user
        can_change = self.allowed("change") and (
            Plan.objects.restrict(user, "change").filter(pk=obj.pk).exists()
        )
        targets = list(
            obj.targets.filter(is_active=True)
            .select_related("site__county", "site__enterprise")
            .prefetch_related("team")
            .order_by("pk")
        )
        inspections = {
            i.target_id: i for i in Inspection.objects.filter(target__in=[t.pk for t in targets])
        }
        for target in targets:
            target.inspection = inspections.get(target.pk)
        draws = list(obj.draws.select_related("drawn_by").order_by("number"))
        for draw in draws:
            draw.replays = draw_replay(draw)
        open_ = obj.status in (PlanStatus.DRAFT, PlanStatus.DRAWN)
        return {
            "can_change": can_change,
            "can_inspect": refusal(user, Inspection, "add") is None,
            "targets": targets,
            "draws": draws,
            "can_draw": can_change and obj.method == PlanMethod.RANDOM and open_,
            "can_fix": can_change
            and obj.method != PlanMethod.RANDOM
            and obj.status == PlanStatus.DRAFT,
            "can_publish": can_change and obj.status != PlanStatus.DRAFT,
            "fields": [
                ("检查类型", obj.kind),
                ("检查方式", obj.get_method_display()),
                ("节前检查", obj.get_holiday_display() if obj.holiday else ""),
                ("检查期间", f"{obj.start_on:%Y-%m-%d} 至 {obj.end_on:%Y-%m-%d}"),
                ("区域", obj.place),
                (
                    "抽取",
                    (
                        f"{obj.sample_percent}%"
                        if obj.sample_percent
                        else f"{obj.sample_count}个"
                        if obj.sample_count
                        else ""
                    ),
                ),
                ("每组执法人员", obj.team_size),
                ("覆盖率目标", f"{obj.coverage_target}%"),
                ("组织单位", obj.organiser),
                ("公开时间", obj.published_at),
                ("说明", obj.note),
            ],
            "events": obj.events.select_related("actor").order_by("-at", "-id"),
            "edit_url": reverse("inspections:plan_edit", args=[obj.pk]),
        }


class PlanEditView(generic.ObjectEditView):
    queryset = Plan.objects.all()
    form = forms.PlanForm

    def save(self, form):
        fields = form.service_fields()
        year = fields.pop("year", None)
        try:
            if form.instance.pk:
                return services.plan_update(plan=form.instance, actor=self.request.user, **fields)
            return services.plan_create(actor=self.request.user, year=year, **fields)
        except (ValidationError, PermissionDenied) as exc:
            form_apply_errors(form, exc)
            raise ValidationError("请修改标红的字段后再保存。") from exc


class PlanFixView(generic.ObjectActionView):
    """全覆盖: fix every subject; 专项: tick the subjects."""

    queryset = Plan.objects.select_related("kind")
    title = "确定检查对象"
    form_class = forms.FixTargetsForm

    def make_form(self, obj, data=None, files=None):
        return self.form_class(data, user=self.request.user, plan=obj)

    def perform(self, obj, data):
        n = services.plan_fix_targets(plan=obj, actor=self.request.user, sites=data.get("sites"))
        return f"已确定{n}个检查对象。"


class PlanDrawView(generic.ObjectActionView):
    queryset = Plan.objects.select_related("kind")
    title = "随机抽取"
    form_class = forms.DrawForm

    def perform(self, obj, data):
        draw = services.plan_draw(plan=obj, actor=self.request.user, **data)
        return f"第{draw.number}次抽取完成：{draw.sample_size}个检查对象。"


class PlanPublishView(generic.ObjectActionView):
    queryset = Plan.objects.all()
    has_form = False

    def perform(self, obj, data):
        services.plan_publish(plan=obj, actor=self.request.user)
        return "已公开检查结果，可导出公开名单发布到门户网站。"


class PlanPublicView(generic.ObjectDetailView):
    """一公开: the list the bureau posts, personal data masked."""

    queryset = Plan.objects.select_related("kind", "county")
    template_name = "inspections/plan_public.html"

    def extra_context(self, obj):
        return {"rows": services.plan_public_rows(obj), "headers": services.PUBLIC_HEADERS}


class PlanPublicExportView(generic.ObjectDetailView):
    action = "export"
    queryset = Plan.objects.select_related("kind", "county")

    def get(self, request, pk):
        plan = self.get_object()
        rows = services.plan_public_rows(plan)
        content = xlsx_bytes(
            sheet="双随机抽查结果",
            headers=services.PUBLIC_HEADERS,
            rows=[
                [
                    r["n"],
                    r["subject"],
                    r["enterprise"],
                    r["county"],
                    r["date"],
                    r["result"],
                    r["rectification"],
                    r["team"],
                ]
                for r in rows
            ],
        )
        audit_write(
            action=AuditAction.EXPORT,
            object_type="inspections.plan",
            object_id=plan.pk,
            object_repr=str(plan),
            detail=f"导出公开名单 {len(rows)} 行（个人信息已脱敏）",
        )
        return download(content, f"{plan.name}-公开名单-{timezone.localdate():%Y%m%d}.xlsx")


# --- §5 inspections ----------------------------------------------------------------------------


class InspectionListView(generic.ObjectListView):
    queryset = Inspection.objects.select_related(*INSPECTION_RELATED)
    filterset = filtersets.InspectionFilterSet
    table = tables.InspectionTable
    add_url_name = "inspections:inspection_add"
    export_url_name = "inspections:inspection_export"

    def extra_context(self):
        # Offer 新增 only with a site to inspect.
        sites = Site.objects.restrict(self.request.user, "view").filter(is_active=True)
        return {} if sites.exists() else {"add_url_name": None}


class InspectionExportView(generic.ObjectExportView, InspectionListView):
    pass


class InspectionDetailView(generic.ObjectDetailView):
    queryset = Inspection.objects.select_related(*INSPECTION_RELATED, "submitted_by")
    template_name = "inspections/inspection_detail.html"

    def extra_context(self, obj):
        user = self.request.user
        can_change = (
            obj.status == InspectionStatus.DRAFT
            and self.allowed("change")
            and Inspection.objects.restrict(user, "change").filter(pk=obj.pk).exists()
        )
        return {
            "can_change": can_change,
            "answers": obj.answers.select_related("item").order_by("item__number"),
            "photos": obj.photos.listed().select_related("item"),
            "hazards": obj.hazards.order_by("pk"),
            "inspectors": obj.inspectors.all(),
            "events": obj.events.select_related("actor").order_by("-at", "-id"),
        }


class InspectionAddView(generic.BaseObjectView):
    """Start an inspection of a site outside a plan (日常检查), or of a plan's target (POST
    ``target``)."""

    queryset = Inspection.objects.all()
    action = "add"

    def show(self, form, status=200):
        user = self.request.user
        pending = (
            PlanTarget.objects.restrict(user, "view")
            .filter(is_active=True, inspections__isnull=True)
            .exclude(plan__status__in=[PlanStatus.DRAFT, PlanStatus.CLOSED])
            .select_related("site", "plan__kind")
            .order_by("plan__end_on", "pk")
        )
        mine = set(pending.filter(team=user).values_list("pk", flat=True)[:500])
        targets = list(pending[:50])
        for target in targets:
            target.mine = target.pk in mine
        return render(
            self.request,
            "inspections/inspection_add.html",
            self.base_context(
                form=form,
                title="开始检查",
                cancel_url=reverse("inspections:inspection_list"),
                targets=sorted(targets, key=lambda t: not t.mine),
            ),
            status=status,
        )

    def get(self, request):
        site = request.GET.get("site", "")
        initial = {"site": site} if site.isdigit() else {}
        return self.show(forms.InspectionStartForm(user=request.user, initial=initial))

    def post(self, request):
        target_id = request.POST.get("target", "")
        if target_id:
            target = (
                PlanTarget.objects.restrict(request.user, "view")
                .filter(pk=target_id if target_id.isdigit() else 0)
                .select_related("plan__kind", "site")
                .first()
            )
            if target is None:
                messages.error(request, "该计划检查对象不存在或不在您的数据范围内。")
                return redirect("inspections:plan_list")
            try:
                inspection = services.inspection_start(actor=request.user, target=target)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
                return redirect(target.plan.get_absolute_url())
            return redirect("inspections:inspection_field", pk=inspection.pk)
        form = forms.InspectionStartForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                inspection = services.inspection_start(actor=request.user, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                form_apply_errors(form, exc)
            else:
                return redirect("inspections:inspection_field", pk=inspection.pk)
        return self.show(form, status=400)


def _parse_answers(post, answers) -> dict:
    parsed = {}
    for answer in answers:
        key = str(answer.item_id)
        if f"result_{key}" in post or f"note_{key}" in post:
            result = post.get(f"result_{key}", answer.result)
            if result not in ("", *ItemResult.values):
                result = "__bad__"
            parsed[answer.item_id] = (result, post.get(f"note_{key}", answer.note))
    return parsed


class InspectionFieldView(generic.BaseObjectView):
    """现场检查: the checklist item by item on a phone (合格 / 不合格 / 不适用, note, photos), the
    subject's signature name; “保存草稿” keeps it, “提交” submits it once (findings follow)."""

    queryset = Inspection.objects.select_related(*INSPECTION_RELATED)
    action = "change"
    template_name = "inspections/inspection_field.html"

    def context(self, obj, errors=None, responsible_person=""):
        answers = list(obj.answers.select_related("item").order_by("item__number"))
        photos: dict[int | None, list] = {}
        for photo in obj.photos.listed():
            photos.setdefault(photo.item_id, []).append(photo)
        sections = []
        for answer in answers:
            answer.item_photos = photos.get(answer.item_id, [])
            if not sections or sections[-1][0] != answer.item.section:
                sections.append((answer.item.section, []))
            sections[-1][1].append(answer)
        done = sum(1 for a in answers if a.result)
        return self.base_context(
            object=obj,
            sections=sections,
            done=done,
            total=len(answers),
            errors=errors or [],
            results=ItemResult.choices,
            general_photos=photos.get(None, []),
            responsible_person=responsible_person or obj.site.manager_name,
        )

    def get(self, request, pk):
        obj = self.get_object()
        if obj.status != InspectionStatus.DRAFT:
            return redirect(obj.get_absolute_url())
        return render(request, self.template_name, self.context(obj))

    def post(self, request, pk):
        obj = self.get_object()
        post = request.POST
        answers = list(obj.answers.all())
        submit = "submit" in post
        responsible = post.get("responsible_person", "")
        try:
            with transaction.atomic():
                services.inspection_save(
                    inspection=obj,
                    actor=request.user,
                    answers=_parse_answers(post, answers),
                    signature_name=post.get("signature_name"),
                    note=post.get("note"),
                )
                for answer in answers:
                    upload = request.FILES.get(f"photo_{answer.item_id}")
                    if upload is not None:
                        services.inspection_photo_add(
                            inspection=obj,
                            actor=request.user,
                            upload=upload,
                            item_id=answer.item_id,
                        )
                if request.FILES.get("photo"):
                    services.inspection_photo_add(
                        inspection=obj, actor=request.user, upload=request.FILES["photo"]
                    )
        except (ValidationError, PermissionDenied) as exc:
            return render(
                request,
                self.template_name,
                self.context(obj, _messages(exc), responsible),
                status=400,
            )
        if submit:
            try:
                services.inspection_submit(
                    inspection=obj, actor=request.user, responsible_person=responsible
                )
            except (ValidationError, PermissionDenied) as exc:
                obj.refresh_from_db()
                return render(
                    request,
                    self.template_name,
                    self.context(obj, ["已保存草稿，但未能提交：", *_messages(exc)], responsible),
                    status=400,
                )
            obj.refresh_from_db()
            found = obj.hazards.count()
            messages.success(
                request,
                f"检查已提交：发现隐患{found}项，已下达整改。"
                if found
                else "检查已提交：未发现问题。",
            )
            return redirect(obj.get_absolute_url())
        messages.success(request, "已保存草稿。")
        return redirect(reverse("inspections:inspection_field", args=[obj.pk]))


def _messages(exc) -> list[str]:
    if isinstance(exc, PermissionDenied):
        return [str(exc) or "您没有执行此操作的权限。"]
    if hasattr(exc, "error_dict"):
        return [m for errors in exc.message_dict.values() for m in errors]
    return list(getattr(exc, "messages", [str(exc)]))


class InspectionPhotoDownloadView(generic.FileDownloadView):
    queryset = InspectionPhoto.objects.select_related("inspection")


# --- §6 hazards (read pages; rectification actions: rectification.py) -------------------------


class HazardListView(generic.ObjectListView):
    # The newest findings first (the open ones are what staff come for).
    queryset = Hazard.objects.select_related("site", "county").order_by("-found_on", "-id")
    filterset = filtersets.HazardFilterSet
    table = tables.HazardTable
    export_url_name = "inspections:hazard_export"


class HazardDetailView(generic.ObjectDetailView):
    queryset = Hazard.objects.select_related("site", "county", "township", "inspection__kind")
    template_name = "inspections/hazard_detail.html"

    def extra_context(self, obj):
        return {
            "fields": [
                ("场所", obj.site),
                ("检查记录", obj.inspection),
                ("隐患等级", obj.get_severity_display()),
                ("发现日期", obj.found_on),
                ("整改期限", f"{obj.deadline:%Y-%m-%d}（{obj.deadline_days}个工作日）"),
                ("整改责任人", obj.responsible_person),
                ("整改状态", obj.get_status_display()),
            ],
            "events": obj.events.select_related("actor").order_by("-at", "-id"),
            **rectification.hazard_detail_context(obj, self.request.user),
        }
