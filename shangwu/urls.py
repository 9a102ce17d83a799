from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from shangwu.core.views_dashboard import healthz
from shangwu.enterprises.api.views import router_register as enterprise_api
from shangwu.organization.api.views import router_register as organization_api
from shangwu.workcalendar.api.views import router_register as calendar_api

router = DefaultRouter()
organization_api(router)
calendar_api(router)
enterprise_api(router)

urlpatterns = [
    path("", include("shangwu.core.urls")),
    path("accounts/", include("shangwu.accounts.urls")),
    path("org/", include("shangwu.organization.urls")),
    path("calendar/", include("shangwu.workcalendar.urls")),
    path("audit/", include("shangwu.audit.urls")),
    path("enterprises/", include("shangwu.enterprises.urls")),
    path("api/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("healthz", healthz, name="healthz"),
]
