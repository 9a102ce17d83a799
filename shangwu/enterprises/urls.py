from django.urls import path

from shangwu.enterprises import views, views_import

app_name = "enterprises"

urlpatterns = [
    path("", views.EnterpriseListView.as_view(), name="enterprise_list"),
    path("export/", views.EnterpriseExportView.as_view(), name="enterprise_export"),
    path("import/", views_import.EnterpriseImportView.as_view(), name="enterprise_import"),
    path("import/template/", views_import.EnterpriseImportTemplateView.as_view(), name="enterprise_import_template"),
    path("import/<str:token>/commit/", views_import.EnterpriseImportCommitView.as_view(),
         name="enterprise_import_commit"),
    path("import/<str:token>/errors/", views_import.EnterpriseImportErrorsView.as_view(),
         name="enterprise_import_errors"),
    path("add/", views.EnterpriseEditView.as_view(), name="enterprise_add"),
    path("<int:pk>/", views.EnterpriseDetailView.as_view(), name="enterprise_detail"),
    path("<int:pk>/edit/", views.EnterpriseEditView.as_view(), name="enterprise_edit"),
    path("<int:pk>/status/", views.EnterpriseStatusView.as_view(), name="enterprise_status"),
    path("bulk/tag/", views.EnterpriseBulkTagView.as_view(), name="enterprise_bulk_tag"),
    path("tags/", views.TagListView.as_view(), name="tag_list"),
    path("tags/add/", views.TagEditView.as_view(), name="tag_add"),
    path("tags/<int:pk>/", views.TagDetailView.as_view(), name="tag_detail"),
    path("tags/<int:pk>/edit/", views.TagEditView.as_view(), name="tag_edit"),
]
