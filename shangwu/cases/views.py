"""Case pages. Each transition posts to one URL that calls its service (cases/actions.py); a
refused or conflicting transition re-renders the page with the message and the typed text."""

from __future__ import annotations

from html import escape

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Value
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from shangwu.audit.choices import AuditAction
from shangwu.audit.services import audit_write
from shangwu.cases import filtersets, forms, selectors, services, statistics, tables
from shangwu.cases.actions import BY_NAME, action_context, allowed_actions
from shangwu.cases.deadlines import node_states
from shangwu.cases.models import (
    Case,
    CaseAttachment,
    CaseCategory,
    CaseCategoryMapping,
    DeadlineRuleSet,
    Notification,
)
from shangwu.cases.services import ConcurrentChange
from shangwu.core import views as generic
from shangwu.core.exports import download, xlsx_bytes
from shangwu.core.files import file_get
from shangwu.projects.selectors import project_for_case

# Action forms that are built around the case (the units to merge into or to record for).
WITH_CASE = ("merge", "progress")


def _add_errors(form, exc):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))


class CaseListView(generic.ObjectListView):
    queryset = Case.objects.select_related("category", "county", "lead_unit", "enterprise")
    filterset = filtersets.CaseFilterSet
    table = tables.CaseTable
    template_name = "cases/case_list.html"
    add_url_name = "cases:case_add"
    export_url_name = "cases:case_export"

    def extra_context(self):
        return {"queues": filtersets.QUEUES}


class CaseExportView(generic.ObjectExportView, CaseListView):
    pass


# A case with the records its pages name (the action and print views read the same).
CASE_READ = Case.objects.select_related(
    "category",
    "county",
    "township",
    "enterprise",
    "lead_unit",
    "assigning_unit",
    "handler",
    "registered_by",
    "rule_set",
    "merged_into",
)


class CaseDetailView(generic.ObjectDetailView):
    # The page does not name the 登记人: its user row (some thirty columns) is not joined.
    queryset = CASE_READ.select_related(None).select_related(
        "category",
        "county",
        "township",
        "enterprise",
        "lead_unit",
        "assigning_unit",
        "handler",
        "rule_set",
        "merged_into",
    )
    template_name = "cases/case_detail.html"

    def get_queryset(self, action=None):
        """The page's case with whether the user may also change it (可删除附件), in the same
        query as the scope check for reading it."""
        queryset = super().get_queryset(action)
        if (action or self.action) != "view":
            return queryset
        changeable = Case.objects.restrict(self.request.user, "change")
        may_change = (
            Value(False)
            if changeable.query.is_empty()
            else Exists(changeable.filter(pk=OuterRef("pk")))
        )
        return queryset.annotate(user_may_change=may_change)

    def visible_case(self, case):
        """A related case as the user may see it: the case itself when in their scope, else only
        its number (a case merged across regions before merging was limited to one place)."""
        if (
            case is None
            or Case.objects.restrict(self.request.user, "view").filter(pk=case.pk).exists()
        ):
            return case
        return case.number

    def extra_context(self, obj, bound=None):
        user = self.request.user
        can_change = getattr(obj, "user_may_change", None)
        if can_change is None:  # a case read otherwise (re-read after a posted action)
            can_change = Case.objects.restrict(user, "change").filter(pk=obj.pk).exists()
        # The extensions and co-units are read once here and shared by the panels, the action
        # guards (pending requests, co-units) and the 进展反馈 form (external units).
        extensions = list(obj.extensions.select_related("requested_by", "decided_by"))
        co_units = list(obj.co_units.all())
        ctx = action_context(obj, extensions=extensions, co_units=co_units)
        actions = []
        for action in allowed_actions(obj, user, ctx):
            if bound is not None and bound[0] == action.name:
                form = bound[1]
            else:
                form = action.form(user=user, **_form_kwargs(action.name, obj, co_units))
            actions.append(
                {
                    "action": action,
                    "form": form,
                    "open": bound is not None and bound[0] == action.name,
                }
            )
        return {
            "fields": [
                ("编号", obj.number),
                ("来源", obj.get_source_display()),
                ("类型", obj.get_kind_display()),
                ("类别", obj.category),
                ("企业", obj.enterprise),
                ("县(市、区)", obj.county),
                ("乡镇(街道)", obj.township),
                ("联系人", obj.contact_name),
                ("联系电话", _mask(obj.contact_phone)),
                ("受理时间", obj.received_at),
                ("交办单位", obj.assigning_unit),
                ("主办单位", obj.lead_unit),
                ("协办单位", "、".join(str(u) for u in co_units)),
                ("当前办理人", obj.handler),
                ("时限规则", obj.rule_set),
                ("督办级别", obj.get_supervision_display()),
                ("累计挂起工作日", obj.paused_workdays),
                ("重办次数", obj.reopen_count),
                ("评价", obj.get_rating_display()),
                ("并入案件", self.visible_case(obj.merged_into)),
            ],
            "deadlines": (deadlines := node_states(obj, timezone.now())),
            "deadlines_provisional": any(d["provisional"] for d in deadlines),
            "events": obj.events.select_related("actor", "unit"),
            "attachments": obj.attachments.listed().select_related("uploaded_by"),
            "can_remove_files": can_change,
            "extensions": extensions,
            "supervisions": obj.supervisions.select_related("issued_by", "addressed_to"),
            "merged_cases": selectors.case_list_merged_into(user=user, case=obj),
            "actions": actions,
            "light_badge": tables.light_badge(obj),
            "case_origin": selectors.case_origin_visible(user=user, case=obj),
            "case_project": project_for_case(user=user, case=obj),
        }


def _form_kwargs(name, case, co_units) -> dict:
    if name == "progress":
        return {"case": case, "co_units": co_units}
    return {"case": case} if name in WITH_CASE else {}


def _mask(value):
    from shangwu.audit.services import mask_value

    return mask_value(value) if value else ""


class CaseActionView(generic.BaseObjectView):
    """POST /cases/<pk>/<action>/: one transition through its service."""

    queryset = CASE_READ
    action = "change"

    def post(self, request, pk, name):
        case = self.get_object()
        action = BY_NAME.get(name)
        if action is None:
            raise Http404("没有这个操作。")
        form = action.form(
            request.POST,
            request.FILES or None,
            user=request.user,
            **({"case": case} if name in WITH_CASE else {}),
        )
        if form.is_valid():
            try:
                posted = request.POST.get("version")
                if posted is not None and posted.isdigit() and int(posted) != case.version:
                    raise ConcurrentChange(case)
                with transaction.atomic():
                    action.call(case, request.user, form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, f"已{action.label}：{case.number}。")
                return redirect(case.get_absolute_url())
        # Re-read the case so the page shows its current state, with the user's form and text kept.
        fresh = self.get_object("view")
        view = CaseDetailView()
        view.request, view.kwargs = request, {"pk": pk}
        context = view.base_context(object=fresh)
        context.update(view.extra_context(fresh, bound=(name, form)))
        if not any(a["action"].name == name for a in context["actions"]):
            context["stale_action"] = {"action": action, "form": form, "open": True}
        return render(
            request, CaseDetailView.template_name, context, status=409 if _conflict(form) else 200
        )


def _conflict(form) -> bool:
    return any("请刷新后再操作" in str(e) for e in form.non_field_errors())


class CaseRegisterView(generic.BaseObjectView):
    queryset = Case.objects.all()
    action = "add"
    template_name = "cases/case_register.html"

    def initial(self):
        initial = {}
        enterprise_id = self.request.GET.get("enterprise")
        if enterprise_id and enterprise_id.isdigit():
            from shangwu.enterprises.models import Enterprise

            enterprise = (
                Enterprise.objects.restrict(self.request.user, "view")
                .filter(pk=enterprise_id)
                .first()
            )
            if enterprise is not None:
                initial.update(
                    enterprise=enterprise.pk,
                    county=enterprise.county_id,
                    township=enterprise.township_id,
                )
        return initial

    def get(self, request):
        form = forms.CaseRegisterForm(initial=self.initial(), user=request.user)
        return render(request, self.template_name, self.base_context(form=form))

    def post(self, request):
        form = forms.CaseRegisterForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            try:
                # One transaction: a refused attachment saves neither the case nor any file.
                case = services.case_register(actor=request.user, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, f"已登记案件 {case.number}，请交办。")
                return redirect(case.get_absolute_url())
        if request.FILES.getlist("attachments"):
            # A browser cannot refill a file input: say so, next to the files.
            form.add_error(
                "attachments", "案件尚未保存，您填写的其他内容已保留；请重新选择附件后再提交。"
            )
        return render(request, self.template_name, self.base_context(form=form))


class ConvertProblemView(generic.BaseObjectView):
    """A problem recorded on a visit becomes a case with one click (and is assigned if a lead unit
    is chosen)."""

    queryset = Case.objects.all()
    action = "add"
    template_name = "cases/convert_problem.html"

    def problem(self):
        from shangwu.enterprises.models import VisitProblem

        problem = (
            VisitProblem.objects.restrict(self.request.user, "change")
            .select_related("visit", "enterprise")
            .filter(pk=self.kwargs["problem_pk"])
            .first()
        )
        if problem is None:
            raise Http404("问题不存在或不在您的数据范围内。")
        return problem

    def get(self, request, problem_pk):
        problem = self.problem()
        category = services.case_category_for_origin(origin=problem)
        form = forms.ConvertProblemForm(
            user=request.user, initial={"category": getattr(category, "pk", None)}
        )
        return render(request, self.template_name, self.base_context(form=form, problem=problem))

    def post(self, request, problem_pk):
        problem = self.problem()
        form = forms.ConvertProblemForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                case = services.case_open_from(
                    origin=problem, actor=request.user, **form.cleaned_data
                )
            except (ValidationError, PermissionDenied) as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, f"已转为案件 {case.number}。")
                return redirect(case.get_absolute_url())
        return render(request, self.template_name, self.base_context(form=form, problem=problem))


class UnitQueueView(generic.BaseObjectView):
    queryset = Case.objects.all()
    template_name = "cases/unit_queue.html"

    def get(self, request):
        qs = selectors.case_list_unit_queue(user=request.user)
        from django.core.paginator import Paginator

        page = Paginator(qs, 50).get_page(request.GET.get("page"))
        return render(
            request,
            self.template_name,
            self.base_context(
                page=page,
                table=tables.CaseTable(page.object_list),
                querystring="",
                extensions=selectors.extension_list_pending(user=request.user)[:50],
            ),
        )


class SupervisionListView(generic.BaseObjectView):
    queryset = Case.objects.all()
    template_name = "cases/supervision_list.html"

    def get(self, request):
        from django.core.paginator import Paginator

        show_all = request.GET.get("all") == "1"
        qs = selectors.supervision_list_visible(user=request.user, include_resolved=show_all)
        level = request.GET.get("level")
        if level in ("2", "3"):
            qs = qs.filter(level=int(level))
        page = Paginator(qs, 50).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            self.template_name,
            self.base_context(
                page=page, show_all=show_all, level=level, querystring=query.urlencode()
            ),
        )


class OwnNotificationsMixin:
    """A user's own notifications are open to every role (the 系统管理员 is reminded here to
    enter next year's holiday arrangement): every query below filters by recipient, and business
    notifications only ever go to business users."""

    def check_access(self, action=None):
        return None


class NotificationListView(OwnNotificationsMixin, generic.BaseObjectView):
    queryset = Case.objects.all()
    template_name = "cases/notification_list.html"

    def get(self, request):
        from django.core.paginator import Paginator

        # ?unread=true lists exactly the unread ones (the 工作台's figure cases.notifications_unread).
        qs = Notification.objects.restrict(request.user, "view").order_by("-id")
        filterset = filtersets.NotificationFilterSet(request.GET, queryset=qs, request=request)
        page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            self.template_name,
            self.base_context(
                page=page,
                querystring=query.urlencode(),
                only_unread=filterset.form.cleaned_data.get("unread") is True,
                unread=selectors.notification_list_unread(user=request.user).count(),
            ),
        )

    def post(self, request):
        services.notification_mark_read(user=request.user)
        messages.success(request, "已全部标为已读。")
        return redirect("cases:notification_list")


class NotificationOpenView(OwnNotificationsMixin, generic.BaseObjectView):
    queryset = Case.objects.all()

    def get(self, request, pk):
        notice = Notification.objects.filter(recipient=request.user, pk=pk).first()
        if notice is None:
            raise Http404("通知不存在。")
        services.notification_mark_read(user=request.user, ids=[pk])
        return redirect(notice.url or "cases:notification_list")


def _statistics(request):
    today = timezone.localdate()
    date_from, date_to = statistics.default_range(today)
    defaults = {"dimension": "unit", "date_from": date_from, "date_to": date_to}
    # A condition left out (a link naming only the dimension) takes its default, not an error.
    data = {**defaults, **{k: v for k, v in request.GET.items() if v}} if request.GET else None
    form = forms.StatisticsForm(data, initial=defaults)
    dimension = "unit"
    if request.GET and form.is_valid():
        dimension, date_from, date_to = (
            form.cleaned_data[k] for k in ("dimension", "date_from", "date_to")
        )
    elif not request.GET:
        form = forms.StatisticsForm(
            initial={"dimension": dimension, "date_from": date_from, "date_to": date_to}
        )
    result = statistics.case_statistics(
        user=request.user, dimension=dimension, date_from=date_from, date_to=date_to
    )
    return form, result


class StatisticsView(generic.BaseObjectView):
    queryset = Case.objects.all()
    template_name = "cases/statistics.html"

    def get(self, request):
        form, result = _statistics(request)

        def cells(row):
            # Each cell is a registry figure of its group; it links to the cases behind it.
            return [(row.text(key), row.url(key)) for key, _label in result["columns"]]

        rows = [(r.label, cells(r)) for r in result["rows"]]
        # The table's rows written here, as the template's loop wrote them (by unit: some 450
        # linked cells, a third of the page through the template engine).
        rows_html = mark_safe(  # noqa: S308 — every value escaped
            "".join(
                f"<tr><td>{escape(str(label))}</td>"
                + "".join(
                    f'<td class="text-end"><a href="{escape(str(url))}">{escape(str(text))}</a></td>'
                    for text, url in row_cells
                )
                + "</tr>\n"
                for label, row_cells in rows
            )
        )
        # Each column states a registered figure: its label and definition come from the registry.
        from shangwu.cases.figures import COLUMN_FIGURES
        from shangwu.core import figures

        specs = [figures.get(COLUMN_FIGURES[key]) for key, _label in result["columns"]]
        chart = {
            "labels": [r.label for r in result["rows"]][:30],
            "received": [r.received for r in result["rows"]][:30],
            "closed": [r.closed for r in result["rows"]][:30],
            "overdue": [r.overdue for r in result["rows"]][:30],
        }
        return render(
            request,
            self.template_name,
            self.base_context(
                form=form,
                result=result,
                rows=rows,
                rows_html=rows_html,
                total=("合计", cells(result["total"])),
                headers=[(spec.label, spec.definition) for spec in specs],
                chart=chart,
                export_query=request.GET.urlencode(),
            ),
        )


class StatisticsExportView(generic.BaseObjectView):
    queryset = Case.objects.all()
    action = "export"

    def get(self, request):
        _form, result = _statistics(request)
        headers = [result["dimension_label"], *[label for _, label in result["columns"]]]
        rows = [
            [r.label, *[r.value(k) for k, _ in result["columns"]]]
            for r in [*result["rows"], result["total"]]
        ]
        content = xlsx_bytes(sheet="办理统计", headers=headers, rows=rows)
        audit_write(
            action=AuditAction.EXPORT,
            object_type=Case._meta.label_lower,
            object_repr="办理统计",
            detail=f"导出办理统计 {len(rows)} 行；条件：{request.GET.urlencode() or '默认'}",
        )

        return download(
            content, f"办理统计-{result['date_from']:%Y%m%d}-{result['date_to']:%Y%m%d}.xlsx"
        )


class CategoryListView(generic.ObjectListView):
    queryset = CaseCategory.objects.all()
    filterset = filtersets.CategoryFilterSet
    table = tables.CategoryTable
    add_url_name = "cases:category_add"


class CategoryEditView(generic.ObjectEditView):
    queryset = CaseCategory.objects.all()
    form = forms.CategoryForm


class CategoryMappingListView(generic.ObjectListView):
    """案件类别对应: which category a case opened from a visit problem or a project gets."""

    queryset = CaseCategoryMapping.objects.select_related("category")
    filterset = filtersets.CategoryMappingFilterSet
    table = tables.CategoryMappingTable
    add_url_name = "cases:categorymapping_add"


class CategoryMappingEditView(generic.ObjectEditView):
    queryset = CaseCategoryMapping.objects.all()
    form = forms.CategoryMappingForm


class RuleSetListView(generic.ObjectListView):
    queryset = DeadlineRuleSet.objects.prefetch_related("rules")
    filterset = filtersets.RuleSetFilterSet
    table = tables.RuleSetTable
    add_url_name = "cases:ruleset_add"


class RuleSetDetailView(generic.ObjectDetailView):
    queryset = DeadlineRuleSet.objects.prefetch_related("rules")
    template_name = "cases/ruleset_detail.html"

    def extra_context(self, obj):
        return {
            "fields": [
                ("名称", obj.name),
                ("来源", obj.get_source_display()),
                ("类型", obj.get_kind_display() or "全部类型"),
                ("版本", obj.version),
                ("现行", "是" if obj.is_current else "否（历史版本）"),
                ("可延长至（月）", obj.extendable_to),
                ("依据", obj.note),
            ],
            "rules": obj.rules.all(),
            "used_by": Case.objects.filter(rule_set=obj).count(),
            "edit_url": reverse("cases:ruleset_edit", args=[obj.pk]) if obj.is_current else None,
        }


class RuleSetEditView(generic.BaseObjectView):
    queryset = DeadlineRuleSet.objects.prefetch_related("rules")
    template_name = "core/object_edit.html"

    def dispatch(self, request, *args, **kwargs):
        self.action = "change" if "pk" in kwargs else "add"
        return super().dispatch(request, *args, **kwargs)

    def initial(self, obj):
        if obj is None:
            return {}
        data = {
            "name": obj.name,
            "source": obj.source,
            "kind": obj.kind,
            "extendable_to": obj.extendable_to,
            "note": obj.note,
        }
        for rule in obj.rules.all():
            data.update(
                {
                    f"{rule.node}_offset": rule.offset,
                    f"{rule.node}_unit": rule.unit,
                    f"{rule.node}_day_kind": rule.day_kind,
                    f"{rule.node}_counts_from": rule.counts_from,
                }
            )
        return data

    def get(self, request, pk=None):
        obj = self.get_object() if pk else None
        form = forms.RuleSetForm(initial=self.initial(obj), user=request.user)
        return render(request, self.template_name, self.base_context(form=form, object=obj))

    def post(self, request, pk=None):
        obj = self.get_object() if pk else None
        form = forms.RuleSetForm(request.POST, user=request.user)
        if form.is_valid():
            d = form.cleaned_data
            try:
                saved = services.ruleset_save(
                    actor=request.user,
                    rule_set=obj,
                    name=d["name"],
                    source=d["source"],
                    kind=d["kind"] or "",
                    extendable_to=d["extendable_to"],
                    note=d["note"],
                    nodes=form.nodes(),
                )
            except (ValidationError, PermissionDenied) as exc:
                _add_errors(form, exc)
            else:
                note = (
                    "（已有案件使用旧版本，已另存为新版本）"
                    if obj is not None and saved.pk != obj.pk
                    else ""
                )
                messages.success(request, f"已保存时限规则“{saved}”{note}。")
                return redirect(saved.get_absolute_url())
        return render(request, self.template_name, self.base_context(form=form, object=obj))


class AttachmentDownloadView(generic.FileDownloadView):
    """GET /cases/attachments/<pk>/: the file, if its case is in the user's scope (else 404,
    audited as denied); the download is audited."""

    queryset = CaseAttachment.objects.select_related("case")


class AttachmentRemoveView(generic.BaseObjectView):
    """POST /cases/attachments/<pk>/remove/: 删除 (soft) through ``case_attachment_remove``."""

    queryset = CaseAttachment.objects.select_related("case")
    action = "change"
    http_method_names = ["post"]

    def post(self, request, pk):
        attachment = file_get(self.queryset, user=request.user, pk=pk, action="change")
        try:
            services.case_attachment_remove(attachment=attachment, actor=request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, f"已删除附件“{attachment.name}”。")
        return redirect(attachment.case.get_absolute_url())
