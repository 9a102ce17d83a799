from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from shangwu.cases.api.views import router_register as cases_api
from shangwu.core.api_figures import FigureDetailView, FigureListView
from shangwu.core.views_dashboard import healthz
from shangwu.designations.api.views import router_register as designations_api
from shangwu.enterprises.api.views import router_register as enterprise_api
from shangwu.enterprises.baobao.api import router_register_service as enterprise_service_api
from shangwu.indicators.api.views import router_register as indicators_api
from shangwu.inspections.api.views import router_register as inspections_api
from shangwu.organization.api.views import router_register as organization_api
from shangwu.projects.api.views import router_register as projects_api
from shangwu.promotion.api.views import router_register as promotion_api
from shangwu.subsidies.api.views import router_register as subsidies_api
from shangwu.tasks.api.views import router_register as tasks_api
from shangwu.vouchers.api.views import router_register as vouchers_api
from shangwu.workcalendar.api.views import router_register as calendar_api

router = DefaultRouter()
organization_api(router)
calendar_api(router)
enterprise_api(router)
enterprise_service_api(router)
cases_api(router)
projects_api(router)
indicators_api(router)
tasks_api(router)
promotion_api(router)
vouchers_api(router)
subsidies_api(router)
designations_api(router)
inspections_api(router)

urlpatterns = [
    path("", include("shangwu.core.urls")),
    path("accounts/", include("shangwu.accounts.urls")),
    path("org/", include("shangwu.organization.urls")),
    path("calendar/", include("shangwu.workcalendar.urls")),
    path("audit/", include("shangwu.audit.urls")),
    path("enterprises/", include("shangwu.enterprises.urls")),
    path("cases/", include("shangwu.cases.urls")),
    path("projects/", include("shangwu.projects.urls")),
    path("indicators/", include("shangwu.indicators.urls")),
    path("tasks/", include("shangwu.tasks.urls")),
    path("promotion/", include("shangwu.promotion.urls")),
    path("vouchers/", include("shangwu.vouchers.urls")),
    path("subsidies/", include("shangwu.subsidies.urls")),
    path("designations/", include("shangwu.designations.urls")),
    path("inspections/", include("shangwu.inspections.urls")),
    path("api/figures/", FigureListView.as_view(), name="figure-list"),
    path("api/figures/<str:key>/", FigureDetailView.as_view(), name="figure-detail"),
    path("api/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # A person reads the docs: signed out, the login page first (the schema itself answers 401/403).
    path(
        "api/docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path("healthz", healthz, name="healthz"),
]
