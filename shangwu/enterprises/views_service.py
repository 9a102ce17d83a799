"""Pages of the enterprise service work (服务企业): contacts, 包保, visits, my enterprises and the
coverage report. Declarative where the generic views fit; every query starts from restrict()."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from shangwu.audit.services import audit_denied
from shangwu.core import views as generic
from shangwu.enterprises import forms_service as forms
from shangwu.enterprises import services_service as services
from shangwu.enterprises import tables_service as tables
from shangwu.enterprises.filtersets import EnterpriseFilterSet
from shangwu.enterprises.filtersets_service import (
    AssignmentFilterSet,
    ContactFilterSet,
    VisitFilterSet,
)
from shangwu.enterprises.models import Assignment, Contact, Enterprise, Visit
from shangwu.enterprises.selectors import (
    coverage_by_county,
    coverage_by_tag,
    coverage_list_uncovered,
    enterprise_list_for_official,
)

LIST_TEMPLATE = "enterprises/service_list.html"
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
    template_name = LIST_TEMPLATE
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
    template_name = "enterprises/contact_reveal.html"
    reveal = services.contact_reveal


# --- 包保 assignments --------------------------------------------------------------------------


class AssignmentListView(generic.ObjectListView):
    queryset = Assignment.objects.select_related(
        "enterprise__county", "enterprise__township", "official__org_unit"
    )
    filterset = AssignmentFilterSet
    table = tables.AssignmentTable
    template_name = LIST_TEMPLATE
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
                messages.success(request, f"{assignment.official}的包保将于{when:%Y-%m-%d}结束。"
                                 if when > timezone.localdate() else f"已结束包保：{assignment.official}。")
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
    template_name = LIST_TEMPLATE
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
        return {
            "officials": obj.officials.select_related("org_unit"),
            "problems": obj.problems.select_related("converted_by"),
        }


class VisitAddView(generic.BaseObjectView):
    queryset = Visit.objects.all()
    action = "add"
    template_name = "enterprises/visit_form.html"

    def enterprise(self):
        pk = self.request.GET.get("enterprise")
        return enterprise_or_404(self.request.user, pk, "add") if pk and pk.isdigit() else None

    def show(self, form, formset, enterprise):
        return render(
            self.request,
            self.template_name,
            self.base_context(form=form, formset=formset, enterprise=enterprise),
        )

    def get(self, request):
        enterprise = self.enterprise()
        return self.show(
            forms.VisitRecordForm(user=request.user, enterprise=enterprise),
            forms.ProblemFormSet(prefix="problems"),
            enterprise,
        )

    def post(self, request):
        enterprise = self.enterprise()
        form = forms.VisitRecordForm(request.POST, user=request.user, enterprise=enterprise)
        formset = forms.ProblemFormSet(request.POST, prefix="problems")
        if form.is_valid() and formset.is_valid():
            problems = [f.cleaned_data for f in formset.forms if f.cleaned_data.get("description")]
            try:
                with transaction.atomic():
                    visit = services.visit_create(
                        actor=request.user, problems=problems, **form.cleaned_data
                    )
                    ensure_in_scope(request.user, visit)
            except ValidationError as exc:
                form.add_error(None, form_errors(form, exc))
            else:
                messages.success(request, f"已登记走访记录，收集问题{len(problems)}个。")
                return redirect(visit.get_absolute_url())
        return self.show(form, formset, enterprise)


# --- My enterprises and the coverage report -----------------------------------------------------


class MyEnterprisesView(generic.ObjectListView):
    """我的包保企业: the enterprises the signed-in official is responsible for today."""

    queryset = Enterprise.objects.all()
    filterset = EnterpriseFilterSet
    table = tables.MyEnterpriseTable
    template_name = LIST_TEMPLATE

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
