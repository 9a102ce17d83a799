from django.urls import path

from shangwu.enterprises import views

app_name = "enterprises"

urlpatterns = [
    path("", views.EnterpriseListView.as_view(), name="enterprise_list"),
    path("export/", views.EnterpriseExportView.as_view(), name="enterprise_export"),
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
