from django.urls import path

from shangwu.core import views_dashboard, views_documents

app_name = "core"

urlpatterns = [
    path("", views_dashboard.DashboardView.as_view(), name="dashboard"),
    path(
        "documents/",
        views_documents.DocumentSettingListView.as_view(),
        name="documentsetting_list",
    ),
    path(
        "documents/add/",
        views_documents.DocumentSettingEditView.as_view(),
        name="documentsetting_add",
    ),
    path(
        "documents/<int:pk>/",
        views_documents.DocumentSettingDetailView.as_view(),
        name="documentsetting_detail",
    ),
    path(
        "documents/<int:pk>/edit/",
        views_documents.DocumentSettingEditView.as_view(),
        name="documentsetting_edit",
    ),
]
