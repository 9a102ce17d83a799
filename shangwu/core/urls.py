from django.urls import path

from shangwu.core import views_dashboard

app_name = "core"

urlpatterns = [
    path("", views_dashboard.DashboardView.as_view(), name="dashboard"),
]
