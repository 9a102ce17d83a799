"""Pages of the subsidy programmes: programmes (list, detail with figures by category, county
and month, edit), applications (list with filters and lights, export, detail with timeline,
edit, the steps 审核 / 拨付 / 驳回), and the import of a platform export. Every query starts
from restrict()."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html

from shangwu.core import views as generic
from shangwu.core import views_import as generic_import
from shangwu.subsidies import filtersets, forms, imports, selectors, services, tables
from shangwu.subsidies.choices import ApplicationStatus
from shangwu.subsidies.models import SubsidyApplication, SubsidyProgramme

FORM_TEMPLATE = "subsidies/form.html"


def apply_errors(form, exc) -> None:
    """A service's field errors onto the form's fields (or the form as a whole)."""
    if isinstance(exc, PermissionDenied):
        form.add_error(None, str(exc))
    elif hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# --- programmes -------------------------------------------------------------------------------


class SubsidyProgrammeListView(generic.ObjectListView):
    queryset = SubsidyProgramme.objects.select_related("organiser")
    filterset = filtersets.SubsidyProgrammeFilterSet
    table = tables.SubsidyProgrammeTable
    add_url_name = "subsidies:subsidyprogramme_add"


class SubsidyProgrammeDetailView(generic.ObjectDetailView):
    queryset = SubsidyProgramme.objects.select_related("organiser", "created_by").prefetch_related(
        "counties", "rules"
    )
    template_name = "subsidies/programme_detail.html"

    def extra_context(self, obj):
        user = self.request.user
        counties = "、".join(str(c) for c in obj.counties.all()) or "全市"
        return {
            "fields": [
                ("补贴类型", obj.get_kind_display()),
                ("状态", obj.get_status_display()),
                ("组织单位", obj.organiser),
                ("覆盖县(市、区)", counties),
                ("实施期间", f"{obj.start_on:%Y-%m-%d} 至 {obj.end_on:%Y-%m-%d}"),
                (
                    "资金（万元）",
                    f"中央 {obj.central_funds}，省级 {obj.provincial_funds}，"
                    f"市级 {obj.city_funds}，县级 {obj.county_funds}，合计 {obj.total_funds}",
                ),
                ("承诺办理时限", f"受理后{obj.promised_workdays}个工作日内拨付"),
                ("备注", obj.note),
            ],
            "rules": list(obj.rules.all()),
            "figures": selectors.programme_figures(user=user, programme=obj),
            "events": obj.events.select_related("actor").order_by("-at", "-id"),
            "edit_url": reverse("subsidies:subsidyprogramme_edit", args=[obj.pk]),
            "can_change": self.allowed("change"),
            "applications_url": reverse("subsidies:subsidyapplication_list")
            + f"?programme={obj.pk}",
        }


class SubsidyProgrammeEditView(generic.ObjectEditView):
    queryset = SubsidyProgramme.objects.all()
    form = forms.SubsidyProgrammeForm

    def save(self, form):
        fields = form.service_fields()
        counties = form.cleaned_data.get("counties") or []
        rules = form.cleaned_data.get("rules") or []
        try:
            if form.instance.pk:
                return services.subsidy_programme_update(
                    programme=form.instance,
                    actor=self.request.user,
                    counties=counties,
                    rules=rules,
                    **fields,
                )
            return services.subsidy_programme_create(
                actor=self.request.user, counties=counties, rules=rules, **fields
            )
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
            raise ValidationError("请修改标红的字段后再保存。") from exc


# --- applications -----------------------------------------------------------------------------


class SubsidyApplicationListView(generic.ObjectListView):
    queryset = SubsidyApplication.objects.select_related("programme", "dealer", "county")
    filterset = filtersets.SubsidyApplicationFilterSet
    table = tables.SubsidyApplicationTable
    template_name = "subsidies/application_list.html"
    add_url_name = "subsidies:subsidyapplication_add"
    export_url_name = "subsidies:subsidyapplication_export"

    def base_context(self, **extra):
        context = super().base_context(**extra)
        # An application belongs to a programme: registering or importing one is offered only
        # when the user has a programme to choose.
        if context["can_add"] or context["can_import"]:
            has_programme = SubsidyProgramme.objects.restrict(self.request.user, "view").exists()
            context["can_add"] = context["can_add"] and has_programme
            context["can_import"] = context["can_import"] and has_programme
        return context


class SubsidyApplicationExportView(generic.ObjectExportView, SubsidyApplicationListView):
    pass


class SubsidyApplicationDetailView(generic.ObjectDetailView):
    queryset = SubsidyApplication.objects.select_related(
        "programme", "dealer", "county", "township", "created_by"
    )
    template_name = "subsidies/application_detail.html"

    def extra_context(self, obj):
        context = selectors.application_detail_context(application=obj)
        changeable = (
            self.allowed("change")
            and SubsidyApplication.objects.restrict(self.request.user, "change")
            .filter(pk=obj.pk)
            .exists()
        )
        unit = obj.unit_label
        context.update(
            can_change=changeable and obj.is_open,
            can_review=changeable and obj.status == ApplicationStatus.ACCEPTED,
            can_pay=changeable and obj.status == ApplicationStatus.REVIEWED,
            can_reject=changeable and obj.is_open,
            can_link_dealer=changeable and not obj.dealer_id and bool(obj.dealer_unmatched_name),
            can_reveal=self.request.user.has_perm(services.REVEAL_PERMISSION),
            light=tables.light_badge(obj),
            edit_url=reverse("subsidies:subsidyapplication_edit", args=[obj.pk]),
            fields=[
                ("补贴项目", obj.programme),
                ("申请人", obj.applicant_masked),
                ("身份证号", obj.id_number_masked),
                ("品类", obj.get_category_display()),
                ("数量", f"{obj.units}{unit}"),
                ("销售金额（元）", obj.sale_amount),
                ("补贴金额（元）", obj.subsidy_amount),
                ("按标准补贴金额（元）", obj.rule_amount),
                ("调整补贴金额原因", obj.override_reason),
                ("经销商", obj.dealer_display),
                ("所在地", f"{obj.county}{obj.township or ''}"),
                ("受理日期", obj.accepted_on),
                ("承诺拨付期限", obj.due_on),
                ("审核日期", obj.reviewed_on),
                ("拨付日期", obj.paid_on),
                ("受理至拨付工作日", obj.workdays_to_pay),
                ("驳回日期", obj.rejected_on),
                ("驳回原因", obj.reject_reason),
                ("登记人", obj.created_by),
                ("备注", obj.note),
            ],
        )
        return context


class SubsidyApplicationRevealView(generic.BaseObjectView):
    """POST: the applicant's full name and ID number (``subsidy_application_reveal``, audited);
    htmx swaps the masked line with the answer."""

    queryset = SubsidyApplication.objects.all()
    http_method_names = ["post"]

    def post(self, request, pk):
        application = self.get_object()
        shown = services.subsidy_application_reveal(application=application, actor=request.user)
        return HttpResponse(
            format_html(
                '<span class="font-monospace" data-revealed="id_number">{} {}</span>',
                shown["applicant_name"],
                shown["id_number"],
            )
        )


class SubsidyApplicationEditView(generic.ObjectEditView):
    queryset = SubsidyApplication.objects.all()
    form = forms.SubsidyApplicationForm

    def save(self, form):
        fields = form.service_fields()
        try:
            if form.instance.pk:
                return services.subsidy_application_update(
                    application=form.instance, actor=self.request.user, **fields
                )
            return services.subsidy_application_create(actor=self.request.user, **fields)
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
            raise ValidationError("请修改标红的字段后再保存。") from exc


class _StepView(generic.BaseObjectView):
    """A form on one application that calls a step service (in the user's change scope)."""

    queryset = SubsidyApplication.objects.select_related("programme")
    action = "change"
    title = ""
    form_class = forms.StepForm
    service = None

    def show(self, form, application, status=200):
        return render(
            self.request,
            FORM_TEMPLATE,
            self.base_context(
                form=form,
                object=application,
                title=f"{self.title}：{application}",
                cancel_url=application.get_absolute_url(),
            ),
            status=status,
        )

    def get(self, request, pk):
        application = self.get_object()
        return self.show(self.form_class(user=request.user), application)

    def post(self, request, pk):
        application = self.get_object()
        form = self.form_class(request.POST, user=request.user)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
            try:
                with transaction.atomic():
                    type(self).service(application=application, actor=request.user, **data)
            except (ValidationError, PermissionDenied) as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request, f"申请“{application}”已{application.get_status_display()}。"
                )
                return redirect(application.get_absolute_url())
        return self.show(form, application, status=400)


class SubsidyApplicationReviewView(_StepView):
    title = "审核通过"
    service = services.subsidy_application_review


class SubsidyApplicationPayView(_StepView):
    title = "拨付"
    service = services.subsidy_application_pay


class SubsidyApplicationRejectView(_StepView):
    title = "驳回"
    form_class = forms.RejectForm
    service = services.subsidy_application_reject


class SubsidyApplicationDealerLinkView(_StepView):
    """关联企业库经销商: the platform's dealer, kept as text, linked to a registry enterprise
    (``subsidy_dealer_link``: this and the same dealer's other applications in scope)."""

    title = "关联企业库经销商"
    form_class = forms.DealerLinkForm
    service = services.subsidy_dealer_link

    def post(self, request, pk):
        application = self.get_object()
        form = self.form_class(request.POST, user=request.user)
        if form.is_valid():
            try:
                linked = services.subsidy_dealer_link(
                    application=application,
                    actor=request.user,
                    enterprise=form.cleaned_data["enterprise"],
                )
            except (ValidationError, PermissionDenied) as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"已将{len(linked)}件申请的经销商关联到“{form.cleaned_data['enterprise']}”。",
                )
                return redirect(application.get_absolute_url())
        return self.show(form, application, status=400)


# --- import -----------------------------------------------------------------------------------


class SubsidyApplicationImport:
    queryset = SubsidyApplication.objects.all()
    importer = imports.subsidy_application_importer
    success_url_name = "subsidies:subsidyapplication_list"
    options_form = forms.ApplicationImportForm

    def success_url(self, options, result):
        return reverse(self.success_url_name) + f"?programme={options.get('programme', '')}"


class SubsidyApplicationImportView(SubsidyApplicationImport, generic_import.ImportUploadView):
    def initial_options(self):
        return {"programme": self.request.GET.get("programme")}


class SubsidyApplicationImportCommitView(SubsidyApplicationImport, generic_import.ImportCommitView):
    pass


class SubsidyApplicationImportErrorsView(SubsidyApplicationImport, generic_import.ImportErrorsView):
    pass


class SubsidyApplicationImportTemplateView(
    SubsidyApplicationImport, generic_import.ImportTemplateView
):
    pass
