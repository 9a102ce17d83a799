from django.urls import path

from shangwu.indicators import views, views_print

app_name = "indicators"

urlpatterns = [
    path("", views.BulletinView.as_view(), name="bulletin"),
    path("bulletin.xlsx", views.BulletinDownloadView.as_view(kind="xlsx"), name="bulletin_xlsx"),
    path("bulletin.docx", views.BulletinDownloadView.as_view(kind="docx"), name="bulletin_docx"),
    path("print/", views_print.BulletinPrintView.as_view(), name="bulletin_print"),
    path("values/", views.ValueListView.as_view(), name="value_list"),
    path("values/export/", views.ValueExportView.as_view(), name="value_export"),
    path("values/add/", views.ValueEditView.as_view(), name="value_add"),
    path("values/grid/", views.ValueGridView.as_view(), name="value_grid"),
    path("values/import/", views.ValueImportView.as_view(), name="value_import"),
    path(
        "values/import/<str:token>/commit/",
        views.ValueImportCommitView.as_view(),
        name="value_import_commit",
    ),
    path(
        "values/import/<str:token>/errors/",
        views.ValueImportErrorsView.as_view(),
        name="value_import_errors",
    ),
    path("values/template/", views.ValueTemplateView.as_view(), name="value_template"),
    path("values/compute/", views.ValueComputeView.as_view(), name="value_compute"),
    path("values/<int:pk>/", views.ValueDetailView.as_view(), name="value_detail"),
    path("catalogue/", views.IndicatorListView.as_view(), name="indicator_list"),
    path("catalogue/add/", views.IndicatorEditView.as_view(), name="indicator_add"),
    path("catalogue/<int:pk>/", views.IndicatorDetailView.as_view(), name="indicator_detail"),
    path("catalogue/<int:pk>/edit/", views.IndicatorEditView.as_view(), name="indicator_edit"),
    path("targets/", views.TargetListView.as_view(), name="target_list"),
    path("targets/add/", views.TargetEditView.as_view(), name="target_add"),
    path("targets/versions/", views.TargetVersionListView.as_view(), name="target_versions"),
    path("targets/proposals/", views.ProposalListView.as_view(), name="proposal_list"),
    path("targets/proposals/<int:pk>/", views.ProposalDetailView.as_view(), name="proposal_detail"),
    path(
        "targets/proposals/<int:pk>/decide/",
        views.ProposalDecideView.as_view(),
        name="proposal_decide",
    ),
]
