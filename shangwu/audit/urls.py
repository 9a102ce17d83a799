from django.urls import path

from shangwu.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.AuditLogListView.as_view(), name="auditlog_list"),
    path("export/", views.AuditLogExportView.as_view(), name="auditlog_export"),
    path("<int:pk>/", views.AuditLogDetailView.as_view(), name="auditlog_detail"),
]
