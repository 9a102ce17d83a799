"""Pages of designations: list (filters), 培育名单 per unit, county × kind matrix of current
designations, export, detail (timeline, files, funds, milestones), the forms of each step (calling
the services), and the kinds (系统管理员). Every query starts from restrict()."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from shangwu.audit.services import audit_denied
from shangwu.cases.choices import Light
from shangwu.cases.tables import LIGHT_CLASS
from shangwu.core import views as generic
from shangwu.core import views_import as generic_import
from shangwu.core.files import file_get
from shangwu.designations import filtersets, forms, imports, services, tables
from shangwu.designations.choices import (
    ENDED_STATUSES,
    HELD_STATUSES,
    STEP_FROM,
    DesignationStatus,
    FundSource,
)
from shangwu.designations.models import (
    Designation,
    DesignationAttachment,
    DesignationKind,
    DesignationResponsibility,
    ProgrammeFund,
    ProgrammeMilestone,
)

FORM_TEMPLATE = "designations/form.html"
RELATED = ("kind", "county", "township", "enterprise")


def apply_errors(form, exc) -> None:
    if isinstance(exc, PermissionDenied):
        form.add_error(None, str(exc))
    elif hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def designation_or_404(user, pk, action: str) -> Designation:
    designation = (
        Designation.objects.restrict(user, action).select_related(*RELATED).filter(pk=pk).first()
    )
    if designation is None:
        if Designation._base_manager.filter(pk=pk).exists():
            audit_denied(model=Designation, object_id=pk)
        raise Http404("荣誉认定不存在或不在您的数据范围内。")
    return designation


# --- Lists -----------------------------------------------------------------------------------


class DesignationListView(generic.ObjectListView):
    queryset = Designation.objects.select_related(*RELATED).with_responsible()
    filterset = filtersets.DesignationFilterSet
    table = tables.DesignationTable
    template_name = "designations/designation_list.html"
    add_url_name = "designations:designation_add"
    export_url_name = "designations:designation_export"
    title = "荣誉认定与示范创建"

    def extra_context(self):
        return {"title": self.title}


class DesignationExportView(generic.ObjectExportView, DesignationListView):
    pass


class CultivationListView(generic.BaseObjectView):
    """培育名单: the designations on their way (培育, 申报, 推荐) per responsible unit, each
    figure linking to the list of its records."""

    queryset = Designation.objects.all()

    def get(self, request):
        qs = self.get_queryset().filter(
            status__in=STEP_FROM["apply"] + STEP_FROM["recommend"] + STEP_FROM["award"]
        )
        # Per unit responsible now: the open DesignationResponsibility of each designation.
        rows = (
            DesignationResponsibility.objects.filter(
                end_on__isnull=True, designation__in=qs.values("pk")
            )
            .values("unit", "unit__name", "designation__status")
            .annotate(n=Count("designation", distinct=True))
            .order_by("unit__name")
        )
        units: dict[int, dict] = {}
        for row in rows:
            unit = units.setdefault(
                row["unit"], {"name": row["unit__name"], "pk": row["unit"], "cells": {}}
            )
            unit["cells"][row["designation__status"]] = row["n"]
        statuses = [
            DesignationStatus.CULTIVATING,
            DesignationStatus.APPLIED,
            DesignationStatus.RECOMMENDED,
        ]
        base = reverse("designations:designation_list")
        table = [
            {
                "name": u["name"],
                "cells": [
                    (u["cells"].get(s, 0), f"{base}?responsible_unit={u['pk']}&status={s.value}")
                    for s in statuses
                ],
                "total": (
                    sum(u["cells"].values()),
                    f"{base}?responsible_unit={u['pk']}&pipeline=true",
                ),
            }
            for u in units.values()
        ]
        return render(
            request,
            "designations/cultivation.html",
            self.base_context(statuses=statuses, rows=table, title="培育名单"),
        )


class DesignationMatrixView(generic.BaseObjectView):
    """County × kind of the designations current today (``current()``); each cell links to its
    records (``current=true&county=…&kind=…``), a city-wide holder under 全市."""

    queryset = Designation.objects.all()

    def get(self, request):
        today = timezone.localdate()
        qs = self.get_queryset().filter(pk__in=Designation.objects.current(today).values("pk"))
        counts = {
            (r["county"], r["kind"]): r["n"]
            for r in qs.values("county", "kind").annotate(n=Count("pk")).order_by()
        }
        from shangwu.organization.selectors import region_list_counties

        counties = list(region_list_counties(user=request.user))
        if request.user.region is not None and request.user.region.level == "city":
            counties.append(None)
        kinds = [k for k in DesignationKind.objects.all() if any(key[1] == k.pk for key in counts)]
        base = reverse("designations:designation_list")
        rows = []
        for county in counties:
            cpk = county.pk if county else None
            cparam = cpk if county else "null"
            cells = [
                (counts.get((cpk, k.pk), 0), f"{base}?current=true&county={cparam}&kind={k.pk}")
                for k in kinds
            ]
            rows.append(
                {
                    "name": str(county) if county else "市本级",
                    "cells": cells,
                    "total": (sum(c[0] for c in cells), f"{base}?current=true&county={cparam}"),
                }
            )
        total = None
        if len(rows) > 1:  # 合计: every row's designations of a kind (the list, in scope)
            cells = [
                (sum(row["cells"][i][0] for row in rows), f"{base}?current=true&kind={k.pk}")
                for i, k in enumerate(kinds)
            ]
            total = {
                "name": "合计",
                "cells": cells,
                "total": (sum(c[0] for c in cells), f"{base}?current=true"),
            }
        return render(
            request,
            "designations/matrix.html",
            self.base_context(
                kinds=kinds,
                rows=rows,
                total=total,
                today=today,
                title="荣誉认定分布（当前有效）",
            ),
        )


class ProgrammeFundListView(generic.ObjectListView):
    """创建资金: every funded programme's money in the user's scope, with a table by year and
    source above the rows (each sum links to the rows it adds up)."""

    queryset = ProgrammeFund.objects.select_related("designation__county")
    filterset = filtersets.ProgrammeFundFilterSet
    table = tables.ProgrammeFundTable
    template_name = "designations/programmefund_list.html"
    add_url_name = "designations:programmefund_add"
    export_url_name = "designations:programmefund_export"
    title = "创建资金"

    def extra_context(self):
        qs, _ = self.filtered()
        sums = (
            qs.values("year", "source")
            .annotate(budget=Sum("budget"), allocated=Sum("allocated"), spent=Sum("spent"))
            .order_by("-year", "source")
        )
        query = self.request.GET.copy()
        for key in ("page", "year", "source"):
            query.pop(key, None)
        base = reverse("designations:programmefund_list")
        rows = [
            {
                **row,
                "source_label": FundSource(row["source"]).label,
                "url": f"{base}?{query.urlencode()}&year={row['year']}&source={row['source']}",
            }
            for row in sums
        ]
        total = {k: sum((r[k] for r in rows), Decimal(0)) for k in ("budget", "allocated", "spent")}
        return {"title": self.title, "sums": rows, "sum_total": total}


class ProgrammeFundExportView(generic.ObjectExportView, ProgrammeFundListView):
    def extra_context(self):
        return {}


class ProgrammeMilestoneListView(generic.ObjectListView):
    """创建节点: the milestones of every funded programme in the user's scope, each with the cases'
    light (red overdue, yellow due within 30 days); filter by light, node, dates, place."""

    queryset = ProgrammeMilestone.objects.select_related("designation__county")
    filterset = filtersets.ProgrammeMilestoneFilterSet
    table = tables.ProgrammeMilestoneTable
    template_name = "designations/programmemilestone_list.html"
    add_url_name = "designations:programmemilestone_add"
    export_url_name = "designations:programmemilestone_export"
    title = "创建节点"

    def get_queryset(self, action=None):
        return super().get_queryset(action).order_by("due_on", "designation_id", "id")

    def extra_context(self):
        return {"title": self.title}


class ProgrammeMilestoneExportView(generic.ObjectExportView, ProgrammeMilestoneListView):
    pass


class _ProgrammeAddView(generic.BaseObjectView):
    """登记资金 / 安排节点 from the list pages: the programme picked among the funded designations
    the user may change, then the same service as on the designation's page."""

    action = "add"
    form_class = None
    title = ""
    list_url_name = ""

    def show(self, form, status=200):
        return render(
            self.request,
            FORM_TEMPLATE,
            self.base_context(form=form, title=self.title, cancel_url=reverse(self.list_url_name)),
            status=status,
        )

    def get(self, request):
        initial = {"designation": request.GET.get("designation")}
        return self.show(self.form_class(initial=initial, user=request.user, pick=True))

    def post(self, request):
        form = self.form_class(request.POST, user=request.user, pick=True)
        if form.is_valid():
            data = dict(form.cleaned_data)
            designation = designation_or_404(request.user, data.pop("designation"), "change")
            try:
                with transaction.atomic():
                    message = self.perform(designation, data)
            except (ValidationError, PermissionDenied) as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, message)
                return redirect(reverse(self.list_url_name) + f"?designation={designation.pk}")
        return self.show(form, status=400)


class ProgrammeFundAddView(_ProgrammeAddView):
    queryset = ProgrammeFund.objects.all()
    form_class = forms.FundForm
    title = "登记创建资金"
    list_url_name = "designations:programmefund_list"

    def perform(self, designation, data):
        row = services.programme_fund_set(designation=designation, actor=self.request.user, **data)
        return f"已登记{row}。"


class ProgrammeMilestoneAddView(_ProgrammeAddView):
    queryset = ProgrammeMilestone.objects.all()
    form_class = forms.MilestoneForm
    title = "安排创建节点"
    list_url_name = "designations:programmemilestone_list"

    def perform(self, designation, data):
        row = services.programme_milestone_set(
            designation=designation, actor=self.request.user, **data
        )
        return f"已安排{row}。"


class _ProgrammeImport:
    success_url_name = ""


class ProgrammeFundImport(_ProgrammeImport):
    queryset = ProgrammeFund.objects.all()
    importer = imports.programme_fund_importer
    success_url_name = "designations:programmefund_list"


class ProgrammeFundImportView(ProgrammeFundImport, generic_import.ImportUploadView):
    pass


class ProgrammeFundImportCommitView(ProgrammeFundImport, generic_import.ImportCommitView):
    pass


class ProgrammeFundImportErrorsView(ProgrammeFundImport, generic_import.ImportErrorsView):
    pass


class ProgrammeFundImportTemplateView(ProgrammeFundImport, generic_import.ImportTemplateView):
    pass


class ProgrammeMilestoneImport(_ProgrammeImport):
    queryset = ProgrammeMilestone.objects.all()
    importer = imports.programme_milestone_importer
    success_url_name = "designations:programmemilestone_list"


class ProgrammeMilestoneImportView(ProgrammeMilestoneImport, generic_import.ImportUploadView):
    pass


class ProgrammeMilestoneImportCommitView(ProgrammeMilestoneImport, generic_import.ImportCommitView):
    pass


class ProgrammeMilestoneImportErrorsView(ProgrammeMilestoneImport, generic_import.ImportErrorsView):
    pass


class ProgrammeMilestoneImportTemplateView(
    ProgrammeMilestoneImport, generic_import.ImportTemplateView
):
    pass


# --- One designation -------------------------------------------------------------------------


class DesignationDetailView(generic.ObjectDetailView):
    queryset = Designation.objects.select_related(*RELATED, "project", "created_by")
    template_name = "designations/designation_detail.html"

    def extra_context(self, obj):
        user = self.request.user
        can_change = (
            self.allowed("change")
            and Designation.objects.restrict(user, "change").filter(pk=obj.pk).exists()
        )
        now = timezone.now()
        milestones = list(obj.milestones.all())
        for m in milestones:
            # The cases' lights and their badge colours (cases.tables.LIGHT_CLASS).
            m.current_light = m.light_at(now)
            m.light_class = LIGHT_CLASS[m.current_light]
            m.light_label = Light(m.current_light).label
        status = obj.status
        steps = []
        if status in STEP_FROM["apply"]:
            steps.append(("designations:designation_apply", "申报"))
        if status in STEP_FROM["recommend"]:
            steps.append(("designations:designation_recommend", "推荐"))
        if status in STEP_FROM["award"]:
            steps.append(("designations:designation_award", "认定"))
        if status in HELD_STATUSES:
            steps.append(("designations:designation_review", "复核"))
        ends = []
        if status not in ENDED_STATUSES:
            ends.append(("designations:designation_revoke", "撤销"))
        if status in HELD_STATUSES:
            ends += [
                ("designations:designation_delist", "摘牌"),
                ("designations:designation_expire", "到期"),
            ]
        today = timezone.localdate()
        responsibility = obj.responsibility
        return {
            "can_change": can_change,
            "responsibilities": obj.responsibilities.select_related(
                "unit", "official", "created_by"
            ).order_by("-start_on", "-id"),
            "steps": steps,
            "ends": ends,
            "is_current": obj.is_current(today),
            "fields": [
                (
                    "荣誉/示范类型",
                    f"{obj.kind}（{obj.kind.get_level_display()}，{obj.kind.authority}）",
                ),
                ("认定对象", f"{obj.holder}（{obj.get_holder_type_display()}）"),
                ("所在地", obj.place),
                ("关联项目", obj.project),
                ("责任单位", responsibility.unit if responsibility else ""),
                ("责任人", (responsibility.official or "") if responsibility else ""),
                ("列入培育", obj.cultivation_on),
                ("申报", obj.applied_on),
                (
                    "推荐",
                    f"{obj.recommended_on:%Y-%m-%d}（{obj.get_recommend_level_display()}，{obj.recommend_doc}）"
                    if obj.recommended_on
                    else "",
                ),
                ("认定", f"{obj.awarded_on:%Y-%m-%d}（{obj.award_doc}）" if obj.awarded_on else ""),
                ("有效期至", obj.expires_on or ("长期" if obj.awarded_on else "")),
                ("下次复核", obj.next_review_on),
                (
                    "最近复核",
                    f"{obj.last_review_on:%Y-%m-%d} {obj.get_last_review_result_display()}"
                    if obj.last_review_on
                    else "",
                ),
                ("整改期限", obj.rectify_by),
                (
                    "撤销/摘牌/到期",
                    f"{obj.ended_on:%Y-%m-%d}：{obj.end_reason}" if obj.ended_on else "",
                ),
                ("备注", obj.note),
            ],
            "attachments": obj.attachments.listed().select_related("uploaded_by"),
            "funds": obj.funds.all() if obj.kind.carries_funds else None,
            "milestones": milestones,
            "events": obj.events.select_related("actor").order_by("-at", "-id"),
            "edit_url": reverse("designations:designation_edit", args=[obj.pk]),
        }


class DesignationEditView(generic.ObjectEditView):
    queryset = Designation.objects.all()
    form = forms.DesignationForm

    def save(self, form):
        fields = form.service_fields()
        try:
            if form.instance.pk:
                return services.designation_update(
                    designation=form.instance, actor=self.request.user, **fields
                )
            return services.designation_cultivate(actor=self.request.user, **fields)
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
            raise ValidationError("请修改标红的字段后再保存。") from exc


class _StepView(generic.BaseObjectView):
    """A form on one designation that calls a service; the designation must be in the user's
    change scope."""

    queryset = Designation.objects.all()
    action = "change"
    title = ""
    form_class = None
    anchor = ""

    def make_form(self, designation, data=None, files=None):
        return self.form_class(data, files, user=self.request.user)

    def show(self, form, designation, status=200):
        return render(
            self.request,
            FORM_TEMPLATE,
            self.base_context(
                form=form,
                object=designation,
                title=f"{self.title}：{designation}",
                cancel_url=designation.get_absolute_url(),
            ),
            status=status,
        )

    def get(self, request, pk):
        designation = designation_or_404(request.user, pk, self.action)
        return self.show(self.make_form(designation), designation)

    def post(self, request, pk):
        designation = designation_or_404(request.user, pk, self.action)
        form = self.make_form(designation, request.POST, request.FILES)
        if form.is_valid():
            try:
                with transaction.atomic():
                    message = self.perform(designation, form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, message)
                return redirect(designation.get_absolute_url() + self.anchor)
        return self.show(form, designation, status=400)

    def perform(self, designation, data) -> str:
        raise NotImplementedError


class DesignationApplyView(_StepView):
    title = "申报"
    form_class = forms.ApplyForm

    def perform(self, designation, data):
        materials = data.pop("materials", None)
        services.designation_apply(designation=designation, actor=self.request.user, **data)
        if materials is not None:
            services.designation_attach(
                designation=designation,
                actor=self.request.user,
                upload=materials,
                purpose="materials",
                field="materials",
            )
        return f"“{designation}”已申报。"


class DesignationRecommendView(_StepView):
    title = "推荐"
    form_class = forms.RecommendForm

    def perform(self, designation, data):
        services.designation_recommend(designation=designation, actor=self.request.user, **data)
        return f"“{designation}”已推荐。"


class DesignationAwardView(_StepView):
    title = "认定"
    form_class = forms.AwardForm

    def perform(self, designation, data):
        services.designation_award(designation=designation, actor=self.request.user, **data)
        return f"“{designation}”已认定。"


class DesignationReviewView(_StepView):
    title = "复核"
    form_class = forms.ReviewForm

    def perform(self, designation, data):
        services.designation_review(designation=designation, actor=self.request.user, **data)
        return f"已登记“{designation}”的复核结果：{designation.get_last_review_result_display()}。"


class _EndView(_StepView):
    form_class = forms.EndForm
    service = None

    def perform(self, designation, data):
        type(self).service(designation=designation, actor=self.request.user, **data)
        return f"“{designation}”已{self.title}。"


class DesignationRevokeView(_EndView):
    title = "撤销"
    service = services.designation_revoke


class DesignationDelistView(_EndView):
    title = "摘牌"
    service = services.designation_delist


class DesignationExpireView(_EndView):
    title = "到期"
    service = services.designation_expire


class DesignationResponsibleView(_StepView):
    title = "变更责任"
    form_class = forms.ResponsibleForm
    anchor = "#responsible"

    def perform(self, designation, data):
        row = services.designation_responsibility_change(
            designation=designation, actor=self.request.user, **data
        )
        return f"已变更责任：自{row.start_on:%Y-%m-%d}起由{row}负责。"


class DesignationAttachView(_StepView):
    title = "上传附件"
    form_class = forms.AttachmentForm
    anchor = "#attachments"

    def perform(self, designation, data):
        stored = services.designation_attach(
            designation=designation,
            actor=self.request.user,
            upload=data["file"],
            purpose=data["purpose"],
        )
        return f"已上传“{stored.name}”。"


class ProgrammeFundView(_StepView):
    title = "登记资金"
    form_class = forms.FundForm
    anchor = "#funds"

    def perform(self, designation, data):
        row = services.programme_fund_set(designation=designation, actor=self.request.user, **data)
        return f"已登记{row}。"


class ProgrammeMilestoneView(_StepView):
    title = "安排节点"
    form_class = forms.MilestoneForm
    anchor = "#milestones"

    def perform(self, designation, data):
        row = services.programme_milestone_set(
            designation=designation, actor=self.request.user, **data
        )
        return f"已安排{row.get_kind_display()}。"


class ProgrammeMilestoneDoneView(_StepView):
    title = "节点完成"
    form_class = forms.MilestoneDoneForm
    anchor = "#milestones"

    def make_form(self, designation, data=None, files=None):
        return self.form_class(data, user=self.request.user, designation=designation)

    def perform(self, designation, data):
        milestone = designation.milestones.get(pk=data.pop("milestone"))
        services.programme_milestone_complete(milestone=milestone, actor=self.request.user, **data)
        return f"已登记{milestone.get_kind_display()}完成。"


class DesignationAttachmentDownloadView(generic.FileDownloadView):
    queryset = DesignationAttachment.objects.select_related("designation")


class DesignationAttachmentRemoveView(generic.BaseObjectView):
    queryset = DesignationAttachment.objects.select_related("designation")
    action = "change"

    def post(self, request, pk):
        attachment = file_get(self.queryset, user=request.user, pk=pk, action="change")
        try:
            services.designation_attachment_remove(attachment=attachment, actor=request.user)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"已删除附件“{attachment.name}”。")
        return redirect(attachment.designation.get_absolute_url() + "#attachments")


# --- Kinds (系统管理员) ------------------------------------------------------------------------


class DesignationKindListView(generic.ObjectListView):
    queryset = DesignationKind.objects.all()
    filterset = filtersets.DesignationKindFilterSet
    table = tables.DesignationKindTable
    add_url_name = "designations:kind_add"


class DesignationKindEditView(generic.ObjectEditView):
    queryset = DesignationKind.objects.all()
    form = forms.DesignationKindForm

    def save(self, form):
        fields = {k: v for k, v in form.cleaned_data.items() if k in services.KIND_FIELDS}
        if form.instance.pk:
            fields.pop("code", None)
        try:
            return services.designation_kind_save(
                actor=self.request.user, kind=form.instance if form.instance.pk else None, **fields
            )
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
            raise ValidationError("请修改标红的字段后再保存。") from exc


class DesignationKindDetailView(generic.VocabularyDetailView):
    queryset = DesignationKind.objects.all()
    edit_url_name = "designations:kind_edit"
