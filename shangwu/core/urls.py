from django.urls import path

from shangwu.core import views_dashboard
from shangwu.core.help import HelpView

app_name = "core"

urlpatterns = [
    path("", views_dashboard.DashboardView.as_view(), name="dashboard"),
    path("help/", HelpView.as_view(), name="help_index"),
    path("help/<slug:module>/", HelpView.as_view(), name="help"),
]
