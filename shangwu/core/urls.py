from django.urls import path

from shangwu.core import views_dashboard, views_documents
from shangwu.core.help import HelpView

app_name = "core"

urlpatterns = [
    path("", views_dashboard.DashboardView.as_view(), name="dashboard"),
    path("help/", HelpView.as_view(), name="help_index"),
    path("help/<slug:module>/", HelpView.as_view(), name="help"),
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
