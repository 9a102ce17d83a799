from django.urls import path

from shangwu.organization import views

app_name = "organization"

urlpatterns = [
    path("regions/", views.RegionListView.as_view(), name="region_list"),
    path("regions/export/", views.RegionExportView.as_view(), name="region_export"),
    path("regions/add/", views.RegionEditView.as_view(), name="region_add"),
    path("regions/<int:pk>/", views.RegionDetailView.as_view(), name="region_detail"),
    path("regions/<int:pk>/edit/", views.RegionEditView.as_view(), name="region_edit"),
    path("regions/<int:pk>/delete/", views.RegionDeleteView.as_view(), name="region_delete"),
    path("units/", views.OrgUnitListView.as_view(), name="orgunit_list"),
    path("units/export/", views.OrgUnitExportView.as_view(), name="orgunit_export"),
    path("units/add/", views.OrgUnitEditView.as_view(), name="orgunit_add"),
    path("units/<int:pk>/", views.OrgUnitDetailView.as_view(), name="orgunit_detail"),
    path("units/<int:pk>/edit/", views.OrgUnitEditView.as_view(), name="orgunit_edit"),
    path("units/<int:pk>/delete/", views.OrgUnitDeleteView.as_view(), name="orgunit_delete"),
]
