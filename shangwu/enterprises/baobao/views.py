"""Pages of the enterprise service work (服务企业): contacts, 包保, visits, my enterprises and the
coverage report. Declarative where the generic views fit; every query starts from restrict()."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.forms.utils import ErrorDict
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from shangwu.audit.services import audit_denied
from shangwu.core import views as generic
from shangwu.core.files import file_download, file_get, file_response
from shangwu.enterprises.baobao import forms, services, tables
from shangwu.enterprises.baobao.filtersets import (
    AssignmentFilterSet,
    ContactFilterSet,
    VisitFilterSet,
)
from shangwu.enterprises.choices import EnterpriseEventKind
from shangwu.enterprises.filtersets import EnterpriseFilterSet
from shangwu.enterprises.models import Assignment, Contact, Enterprise, Visit, VisitAttachment
from shangwu.enterprises.selectors import (
    coverage_by_county,
    coverage_by_tag,
    coverage_list_uncovered,
    enterprise_list_for_official,
    enterprise_list_pick,
    official_list_pick,
)

FORM_TEMPLATE = "enterprises/service_form.html"


def enterprise_or_404(user, pk, action: str) -> Enterprise:
    enterprise = (
        Enterprise.objects.restrict(user, action)
        .select_related("county", "township")
        .filter(pk=pk)
        .first()
    )
    if enterprise is None:
        if Enterprise._base_manager.filter(pk=pk).exists():
            audit_denied(model=Enterprise, object_id=pk)
        raise Http404("企业不存在或不在您的数据范围内。")
    return enterprise


def form_errors(form, exc: ValidationError) -> ValidationError:
    """Put a service's field errors on the form's fields (or on the form), return a summary."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return ValidationError("请修改标红的字段后再保存。")
    return exc


def ensure_in_scope(user, obj):
    """STYLE 6: after a write, the record must still be in the user's scope (same transaction)."""
    if not type(obj).objects.restrict(user, "view").filter(pk=obj.pk).exists():
        raise ValidationError("保存后的记录将不在您的数据范围内，未保存。")


# --- Contacts -----------------------------------------------------------------------------------


class ContactListView(generic.ObjectListView):
    queryset = Contact.objects.select_related("enterprise__county")
    filterset = ContactFilterSet
    table = tables.ContactTable
    export_url_name = "enterprises:contact_export"


class ContactExportView(generic.ObjectExportView, ContactListView):
    pass


class ContactEditView(generic.ObjectEditView):
    """Add (``enterprise_pk`` in the URL) or edit (``pk``) a contact through the services."""

    queryset = Contact.objects.select_related("enterprise")
    form = forms.ContactForm

    def get_form(self, instance):
        if instance is None:
            self.enterprise = enterprise_or_404(
                self.request.user, self.kwargs["enterprise_pk"], "add"
            )
        return super().get_form(instance)

    def save(self, form):
        fields = form.service_fields()
        try:
            if form.instance.pk:
                return services.contact_update(
                    contact=form.instance, actor=self.request.user, **fields
                )
            return services.contact_create(
                enterprise=self.enterprise, actor=self.request.user, **fields
            )
        except ValidationError as exc:
            raise form_errors(form, exc) from exc


class ContactRevealView(generic.ContactRevealView):
    queryset = Contact.objects.select_related("enterprise")


# --- 包保 assignments --------------------------------------------------------------------------


class AssignmentListView(generic.ObjectListView):
    queryset = Assignment.objects.select_related(
        "enterprise__county", "enterprise__township", "official__org_unit"
    )
    filterset = AssignmentFilterSet
    table = tables.AssignmentTable
    export_url_name = "enterprises:assignment_export"


class AssignmentExportView(generic.ObjectExportView, AssignmentListView):
    pass


class AssignmentAddView(generic.BaseObjectView):
    queryset = Assignment.objects.all()
    action = "add"

    def form_for(self, enterprise):
        data = self.request.POST if self.request.method == "POST" else None
        return forms.AssignmentForm(data, user=self.request.user, enterprise=enterprise)

    def show(self, form, enterprise):
        return render(
            self.request,
            FORM_TEMPLATE,
            self.base_context(
                form=form,
                enterprise=enterprise,
                title=f"安排包保：{enterprise}",
                cancel_url=enterprise.get_absolute_url(),
            ),
        )

    def get(self, request, enterprise_pk):
        enterprise = enterprise_or_404(request.user, enterprise_pk, "add")
        return self.show(self.form_for(enterprise), enterprise)

    def post(self, request, enterprise_pk):
        enterprise = enterprise_or_404(request.user, enterprise_pk, "add")
        form = self.form_for(enterprise)
        if form.is_valid():
            try:
                with transaction.atomic():
                    assignment = services.assignment_create(
                        enterprise=enterprise, actor=request.user, **form.cleaned_data
                    )
                    ensure_in_scope(request.user, assignment)
            except ValidationError as exc:
                form.add_error(None, form_errors(form, exc))
            else:
                messages.success(
                    request,
                    f"已安排{assignment.get_level_display()}{assignment.get_role_display()}：{assignment.official}。",
                )
                return redirect(assignment.get_absolute_url())
        return self.show(form, enterprise)


class AssignmentEndView(generic.BaseObjectView):
    queryset = Assignment.objects.select_related("enterprise", "official")
    action = "change"

    def show(self, form, assignment):
        return render(
            self.request,
            FORM_TEMPLATE,
            self.base_context(
                form=form,
                object=assignment,
                title=f"结束包保：{assignment}",
                cancel_url=assignment.get_absolute_url(),
            ),
        )

    def get(self, request, pk):
        return self.show(forms.AssignmentEndForm(user=request.user), self.get_object())

    def post(self, request, pk):
        assignment = self.get_object()
        form = forms.AssignmentEndForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                services.assignment_end(
                    assignment=assignment, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, form_errors(form, exc))
            else:
                when = assignment.end_on
                messages.success(
                    request,
                    f"{assignment.official}的包保将于{when:%Y-%m-%d}结束。"
                    if when > timezone.localdate()
                    else f"已结束包保：{assignment.official}。",
                )
                return redirect(assignment.get_absolute_url())
        return self.show(form, assignment)


class AssignmentBulkView(generic.ObjectBulkView):
    """批量包保: one official for the enterprises ticked in the list, or for the list's whole
    current filter; all or nothing (``assignment_bulk_create``)."""

    queryset = Enterprise.objects.select_related("county", "township")
    filterset = EnterpriseFilterSet
    form = forms.BulkAssignForm
    title = "批量安排包保"

    def apply(self, objects, form):
        self.official = form.cleaned_data["official"]
        return len(
            services.assignment_bulk_create(
                enterprises=objects, actor=self.request.user, **form.cleaned_data
            )
        )

    def success_url(self):
        return f"{reverse('enterprises:enterprise_list')}?official={self.official.pk}"


# --- Visits -------------------------------------------------------------------------------------


class VisitListView(generic.ObjectListView):
    queryset = (
        Visit.objects.select_related("enterprise__county")
        .prefetch_related("officials")
        .annotate(problem_count=Count("problems", distinct=True))
        .order_by("-visited_on", "-id")
    )
    filterset = VisitFilterSet
    table = tables.VisitTable
    add_url_name = "enterprises:visit_add"
    export_url_name = "enterprises:visit_export"


class VisitExportView(generic.ObjectExportView, VisitListView):
    pass


class VisitDetailView(generic.ObjectDetailView):
    queryset = Visit.objects.select_related(
        "enterprise__county", "enterprise__township", "created_by"
    )
    template_name = "enterprises/visit_detail.html"

    def extra_context(self, obj):
        user = self.request.user
        return {
            "officials": obj.officials.select_related("org_unit"),
            "problems": obj.problems.select_related("converted_by", "case"),
            "attachments": obj.attachments.listed().select_related("uploaded_by"),
            "can_edit_visit": Visit.objects.restrict(user, "change").filter(pk=obj.pk).exists(),
            "visit_history": visit_history(obj),
        }


def _change_value(value) -> str:
    if isinstance(value, list):
        return "；".join(map(str, value)) or "（无）"
    return str(value) if value not in (None, "") else "（空）"


def visit_history(visit) -> list:
    """The visit's 修改记录: its 走访修改 rows of the enterprise timeline, each with ``rows`` of
    (what, before, after) in words."""
    events = list(
        visit.enterprise.events.filter(
            kind=EnterpriseEventKind.VISIT_EDITED, changes__visit=visit.pk
        ).select_related("actor")
    )
    for event in events:
        before, after = (
            (event.changes or {}).get("before") or {},
            (event.changes or {}).get("after") or {},
        )
        event.rows = [
            (label, _change_value(before.get(label)), _change_value(after.get(label)))
            for label in dict.fromkeys([*before, *after])
        ]
    return events


class VisitFormMixin:
    """The visit form, to record (add) or correct (edit) a visit: its fields, any number of
    problem rows, its photos; and, for htmx, the options of its two search boxes
    (``?pick=enterprise`` / ``?pick=officials`` with ``q``: the same URL serves the fragment)."""

    template_name = "enterprises/visit_form.html"

    def pick(self, request):
        kind = request.GET.get("pick")
        q = request.GET.get("q", "")
        if kind == "enterprise":
            options = enterprise_list_pick(
                user=request.user, q=q, selected=request.GET.getlist("enterprise")
            )
        elif kind == "officials":
            options = official_list_pick(
                user=request.user, q=q, selected=request.GET.getlist("officials")
            )
        else:
            raise Http404("没有这个选择项。")
        chosen = set(request.GET.getlist(kind))
        return render(
            request,
            "enterprises/includes/pick_options.html",
            {"kind": kind, "options": options, "chosen": chosen, "q": q},
        )

    def show(self, form, formset, **extra):
        return render(
            self.request, self.template_name, self.base_context(form=form, formset=formset, **extra)
        )

    def save_errors(self, form, formset, exc):
        """A service refusal: on the form (fields, photos) or above the problem rows."""
        if hasattr(exc, "error_dict") and "problems" in exc.error_dict:
            formset._non_form_errors = formset.error_class(
                [m for e in exc.error_dict.pop("problems") for m in e.messages]
            )
            if not exc.error_dict:
                return
        form.add_error(None, form_errors(form, exc))

    def files_note(self, request, form):
        if request.FILES.getlist("photos"):
            # A browser cannot refill a file input: say so, next to the files.
            form.add_error(
                "photos", "走访记录尚未保存，您填写的其他内容已保留；请重新选择附件后再提交。"
            )


class VisitAddView(VisitFormMixin, generic.BaseObjectView):
    queryset = Visit.objects.all()
    action = "add"

    def enterprise(self):
        pk = self.request.GET.get("enterprise")
        return enterprise_or_404(self.request.user, pk, "add") if pk and pk.isdigit() else None

    def get(self, request):
        if request.headers.get("HX-Request") and request.GET.get("pick"):
            return self.pick(request)
        enterprise = self.enterprise()
        return self.show(
            forms.VisitRecordForm(user=request.user, enterprise=enterprise),
            forms.problem_formset(),
            enterprise=enterprise,
        )

    def post(self, request):
        enterprise = self.enterprise()
        form = forms.VisitRecordForm(
            request.POST, request.FILES, user=request.user, enterprise=enterprise
        )
        add_row = "add_row" in request.POST
        formset = forms.problem_formset(request.POST, add_row=add_row)
        if add_row:  # 再加一行 without JavaScript: the same page, one more row, nothing saved
            return self.show(_unchecked(form), formset, enterprise=enterprise, added_row=True)
        if form.is_valid() and formset.is_valid():
            rows = formset.rows()
            try:
                with transaction.atomic():
                    visit = services.visit_create(
                        actor=request.user, problems=rows, **form.cleaned_data
                    )
                    ensure_in_scope(request.user, visit)
            except (ValidationError, PermissionDenied) as exc:
                self.save_errors(form, formset, _as_validation_error(exc))
            else:
                count = visit.problems.count()
                messages.success(request, f"已登记走访记录，收集问题{count}个。")
                return redirect(visit.get_absolute_url())
        self.files_note(request, form)
        return self.show(form, formset, enterprise=enterprise)


class VisitEditView(VisitFormMixin, generic.BaseObjectView):
    """修改 a saved visit: every change is kept (企业动态 and the audit log, with the reason)."""

    queryset = Visit.objects.select_related("enterprise__county", "enterprise__township")
    action = "change"

    def get(self, request, pk):
        visit = self.get_object()  # out of scope: 404 (audited), for the options too
        if request.headers.get("HX-Request") and request.GET.get("pick"):
            return self.pick(request)
        return self.show(
            forms.VisitRecordForm(user=request.user, visit=visit),
            forms.problem_formset(initial=forms.problem_rows_initial(visit), edit=True),
            visit=visit,
            enterprise=visit.enterprise,
        )

    def post(self, request, pk):
        visit = self.get_object()
        form = forms.VisitRecordForm(request.POST, request.FILES, user=request.user, visit=visit)
        add_row = "add_row" in request.POST
        formset = forms.problem_formset(
            request.POST, initial=forms.problem_rows_initial(visit), edit=True, add_row=add_row
        )
        context = {"visit": visit, "enterprise": visit.enterprise}
        if add_row:
            return self.show(_unchecked(form), formset, added_row=True, **context)
        if form.is_valid() and formset.is_valid():
            data = dict(form.cleaned_data)
            try:
                with transaction.atomic():
                    services.visit_update(
                        visit=visit, actor=request.user, problems=formset.rows(), **data
                    )
                    ensure_in_scope(request.user, visit)
            except (ValidationError, PermissionDenied) as exc:
                self.save_errors(form, formset, _as_validation_error(exc))
            else:
                messages.success(request, "已保存对走访记录的修改，修改内容已记入企业动态。")
                return redirect(visit.get_absolute_url())
        self.files_note(request, form)
        return self.show(form, formset, **context)


def _unchecked(form):
    """The form as typed, not yet judged (再加一行 is not a submit: no red fields)."""
    form._errors = ErrorDict()
    return form


def _as_validation_error(exc):
    return exc if isinstance(exc, ValidationError) else ValidationError(str(exc))


class VisitAttachmentDownloadView(generic.FileDownloadView):
    """GET /enterprises/visits/attachments/<pk>/: the file if its visit is in the user's scope
    (else 404, audited as denied). ``?inline=1`` shows a photo in the page (the thumbnails):
    images only, with their stored type and nosniff; anything else is always a download."""

    queryset = VisitAttachment.objects.select_related("visit")

    def get(self, request, pk):
        obj = self.get_object()
        response = file_response(obj, file_download(obj=obj, actor=request.user))
        if request.GET.get("inline") and obj.is_image:
            response["Content-Disposition"] = response["Content-Disposition"].replace(
                "attachment;", "inline;", 1
            )
        return response


class VisitAttachmentRemoveView(generic.BaseObjectView):
    """POST /enterprises/visits/attachments/<pk>/remove/: 删除 (soft) through
    ``visit_attachment_remove``."""

    queryset = VisitAttachment.objects.select_related("visit__enterprise")
    action = "change"

    def post(self, request, pk):
        attachment = file_get(self.queryset, user=request.user, pk=pk, action="change")
        try:
            services.visit_attachment_remove(attachment=attachment, actor=request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "；".join(_as_validation_error(exc).messages))
        else:
            messages.success(request, f"已删除附件“{attachment.name}”。")
        return redirect(attachment.visit.get_absolute_url())


# --- My enterprises and the coverage report -----------------------------------------------------


class MyEnterprisesView(generic.ObjectListView):
    """我的包保企业: the enterprises the signed-in official is responsible for today."""

    queryset = Enterprise.objects.all()
    filterset = EnterpriseFilterSet
    table = tables.MyEnterpriseTable

    def get_queryset(self, action=None):
        return enterprise_list_for_official(user=self.request.user)

    def extra_context(self):
        return {"title": "我的包保企业"}


class CoverageView(generic.BaseObjectView):
    """包保覆盖: per county and per tag, with a link from every number to those enterprises."""

    queryset = Enterprise.objects.all()
    template_name = "enterprises/coverage.html"

    def get(self, request):
        key_only = request.GET.get("scope", "key") != "all"
        uncovered = coverage_list_uncovered(user=request.user, key_only=key_only)
        by_county = coverage_by_county(user=request.user, key_only=key_only)
        return render(
            request,
            self.template_name,
            self.base_context(
                by_county=by_county,
                uncovered_query=by_county["total"]["urls"]["uncovered"].split("?", 1)[1],
                by_tag=coverage_by_tag(user=request.user, key_only=key_only),
                uncovered=tables.UncoveredTable(uncovered.prefetch_related("tags")[:50]),
                uncovered_count=uncovered.count(),
                key_only=key_only,
            ),
        )
