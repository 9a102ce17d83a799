from django.urls import path

from shangwu.vouchers import views

app_name = "vouchers"

urlpatterns = [
    path("campaigns/", views.VoucherCampaignListView.as_view(), name="campaign_list"),
    path("campaigns/export/", views.VoucherCampaignExportView.as_view(), name="campaign_export"),
    path("campaigns/add/", views.VoucherCampaignEditView.as_view(), name="campaign_add"),
    path("campaigns/<int:pk>/", views.VoucherCampaignDetailView.as_view(), name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", views.VoucherCampaignEditView.as_view(), name="campaign_edit"),
    path("campaigns/<int:pk>/move/", views.VoucherCampaignMoveView.as_view(), name="campaign_move"),
    path("campaigns/<int:pk>/batches/add/", views.VoucherBatchAddView.as_view(), name="batch_add"),
    path("batches/", views.VoucherBatchListView.as_view(), name="batch_list"),
    path("daily/", views.VoucherDailyListView.as_view(), name="daily_list"),
    path("daily/export/", views.VoucherDailyExportView.as_view(), name="daily_export"),
    path("merchants/", views.VoucherMerchantListView.as_view(), name="merchant_list"),
    path("merchants/export/", views.VoucherMerchantExportView.as_view(), name="merchant_export"),
    path("redemptions/", views.VoucherRedemptionListView.as_view(), name="redemption_list"),
    path("import/", views.VoucherImportView.as_view(), name="redemption_import"),
    path(
        "import/template/",
        views.VoucherImportTemplateView.as_view(),
        name="redemption_import_template",
    ),
    path(
        "import/<str:token>/commit/",
        views.VoucherImportCommitView.as_view(),
        name="redemption_import_commit",
    ),
    path(
        "import/<str:token>/errors/",
        views.VoucherImportErrorsView.as_view(),
        name="redemption_import_errors",
    ),
    path("files/<int:pk>/", views.VoucherImportFileDownloadView.as_view(), name="file_download"),
]
