"""Pages of the consumption vouchers: campaigns (list, export, detail with its curve and
breakdowns, create/edit, status, batches), the redemption import (core.views_import), the
daily totals, batches and merchants that the figures drill down to, and the kept export files.
Every query starts from restrict()."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from shangwu.core import views as generic
from shangwu.core import views_import as generic_import
from shangwu.vouchers import filtersets, forms, imports, selectors, services, tables
from shangwu.vouchers.choices import NEXT_STATUS
from shangwu.vouchers.models import (
    VoucherBatch,
    VoucherCampaign,
    VoucherDaily,
    VoucherImportFile,
    VoucherMerchant,
    VoucherRedemption,
)

FORM_TEMPLATE = "vouchers/form.html"


def apply_errors(form, exc) -> None:
    if isinstance(exc, PermissionDenied):
        form.add_error(None, str(exc))
    elif hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# --- Campaigns -----------------------------------------------------------------------------------


class VoucherCampaignListView(generic.ObjectListView):
    queryset = VoucherCampaign.objects.select_related("organiser")
    filterset = filtersets.VoucherCampaignFilterSet
    table = tables.VoucherCampaignTable
    template_name = "vouchers/campaign_list.html"
    add_url_name = "vouchers:campaign_add"
    export_url_name = "vouchers:campaign_export"

    def base_context(self, **extra):
        context = super().base_context(**extra)
        # The import page asks which campaign the export belongs to: offered only when there is
        # one this user may import into.
        context["can_import"] = (
            context["can_import"]
            and VoucherCampaign.objects.restrict(self.request.user, "import").exists()
        )
        return context


class VoucherCampaignExportView(generic.ObjectExportView, VoucherCampaignListView):
    pass


class VoucherCampaignDetailView(generic.ObjectDetailView):
    queryset = VoucherCampaign.objects.select_related("organiser", "created_by").prefetch_related(
        "counties"
    )
    template_name = "vouchers/campaign_detail.html"

    def extra_context(self, obj):
        user = self.request.user
        context = selectors.campaign_detail_context(user=user, campaign=obj)
        changeable = (
            self.allowed("change")
            and VoucherCampaign.objects.restrict(user, "change").filter(pk=obj.pk).exists()
        )
        importable = (
            self.allowed("import")
            and VoucherCampaign.objects.restrict(user, "import").filter(pk=obj.pk).exists()
        )
        files = VoucherImportFile.objects.restrict(user, "view").listed().filter(campaign=obj)
        context.update(
            can_change=changeable,
            can_import_here=importable,
            sees_redemptions=user.region is not None and user.region.level != "township",
            next_status=NEXT_STATUS.get(obj.status),
            files=files.select_related("uploaded_by").order_by("-uploaded_at", "-id")[:20],
            events=obj.events.select_related("actor").order_by("-at", "-id"),
            fields=[
                ("资金来源", obj.get_funder_display()),
                ("财政补贴资金（万元）", obj.budget),
                ("发放平台", obj.get_platform_display()),
                ("活动期间", f"{obj.start_on:%Y-%m-%d} 至 {obj.end_on:%Y-%m-%d}"),
                ("覆盖县(市、区)", "、".join(str(c) for c in obj.counties.all())),
                ("组织单位", obj.organiser),
                ("登记人", obj.created_by),
                ("备注", obj.note),
            ],
            edit_url=reverse("vouchers:campaign_edit", args=[obj.pk]),
            import_url=reverse("vouchers:redemption_import") + f"?campaign={obj.pk}",
        )
        return context


class VoucherCampaignEditView(generic.ObjectEditView):
    queryset = VoucherCampaign.objects.all()
    form = forms.VoucherCampaignForm

    def save(self, form):
        fields = form.service_fields()
        counties = form.cleaned_data.get("counties") or []
        try:
            if form.instance.pk:
                return services.voucher_campaign_update(
                    campaign=form.instance, actor=self.request.user, counties=counties, **fields
                )
            return services.voucher_campaign_create(
                actor=self.request.user, counties=counties, **fields
            )
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
            raise ValidationError("请修改标红的字段后再保存。") from exc


class _CampaignActionView(generic.BaseObjectView):
    """A form on one campaign that calls a service; the campaign must be in change scope."""

    queryset = VoucherCampaign.objects.all()
    action = "change"
    title = ""
    form_class = None

    def make_form(self, campaign, data=None):
        return self.form_class(data, user=self.request.user, campaign=campaign)

    def show(self, form, campaign, status=200):
        return render(
            self.request,
            FORM_TEMPLATE,
            self.base_context(form=form, object=campaign, title=self.title),
            status=status,
        )

    def get(self, request, pk):
        campaign = self.get_object()
        return self.show(self.make_form(campaign), campaign)

    def post(self, request, pk):
        campaign = self.get_object()
        form = self.make_form(campaign, request.POST)
        if form.is_valid():
            try:
                message = self.perform(campaign, form)
            except (ValidationError, PermissionDenied) as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, message)
                return redirect(campaign.get_absolute_url())
        return self.show(form, campaign, status=400)


class VoucherCampaignMoveView(_CampaignActionView):
    form_class = forms.VoucherCampaignMoveForm
    title = "推进活动状态"

    def perform(self, campaign, form):
        services.voucher_campaign_move(
            campaign=campaign, actor=self.request.user, **form.cleaned_data
        )
        return f"活动状态已改为“{campaign.get_status_display()}”。"


class VoucherBatchAddView(_CampaignActionView):
    form_class = forms.VoucherBatchForm
    title = "新增券批次"

    def make_form(self, campaign, data=None):
        return self.form_class(data, user=self.request.user, campaign=campaign)

    def perform(self, campaign, form):
        fields = {k: v for k, v in form.cleaned_data.items()}
        batch = services.voucher_batch_add(campaign=campaign, actor=self.request.user, **fields)
        return f"已新增券批次“{batch.name}”。"


# --- Lists the figures drill down to -------------------------------------------------------------


class VoucherDailyListView(generic.ObjectListView):
    queryset = VoucherDaily.objects.select_related("campaign", "batch", "county")
    filterset = filtersets.VoucherDailyFilterSet
    table = tables.VoucherDailyTable
    export_url_name = "vouchers:daily_export"


class VoucherDailyExportView(generic.ObjectExportView, VoucherDailyListView):
    pass


class VoucherBatchListView(generic.ObjectListView):
    queryset = VoucherBatch.objects.select_related("campaign")
    filterset = filtersets.VoucherBatchFilterSet
    table = tables.VoucherBatchTable


class VoucherMerchantListView(generic.ObjectListView):
    queryset = VoucherMerchant.objects.select_related("county", "enterprise")
    filterset = filtersets.VoucherMerchantFilterSet
    table = tables.VoucherMerchantTable
    export_url_name = "vouchers:merchant_export"


class VoucherMerchantExportView(generic.ObjectExportView, VoucherMerchantListView):
    pass


class VoucherRedemptionListView(generic.ObjectListView):
    """核销明细: one campaign's redemptions as imported (newest first)."""

    queryset = VoucherRedemption.objects.select_related("batch", "merchant", "county")
    filterset = filtersets.VoucherRedemptionFilterSet
    table = tables.VoucherRedemptionTable


# --- Import and the kept files -------------------------------------------------------------------


class VoucherImport:
    queryset = VoucherRedemption.objects.all()
    importer = imports.VoucherRedemptionImporter()
    options_form = imports.VoucherImportForm
    url_prefix = "vouchers:redemption"
    success_url_name = "vouchers:campaign_list"

    def success_url(self, options, result):
        return reverse("vouchers:campaign_detail", args=[options["campaign"]])

    def initial_options(self):
        return {"campaign": self.request.GET.get("campaign", "")}


class VoucherImportView(VoucherImport, generic_import.ImportUploadView):
    upload_template = "vouchers/import_upload.html"


class VoucherImportCommitView(VoucherImport, generic_import.ImportCommitView):
    pass


class VoucherImportErrorsView(VoucherImport, generic_import.ImportErrorsView):
    pass


class VoucherImportTemplateView(VoucherImport, generic_import.ImportTemplateView):
    pass


class VoucherImportFileDownloadView(generic.FileDownloadView):
    queryset = VoucherImportFile.objects.all()
