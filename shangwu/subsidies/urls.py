from django.urls import path

from shangwu.subsidies import views

app_name = "subsidies"

urlpatterns = [
    path("programmes/", views.SubsidyProgrammeListView.as_view(), name="subsidyprogramme_list"),
    path("programmes/add/", views.SubsidyProgrammeEditView.as_view(), name="subsidyprogramme_add"),
    path(
        "programmes/<int:pk>/",
        views.SubsidyProgrammeDetailView.as_view(),
        name="subsidyprogramme_detail",
    ),
    path(
        "programmes/<int:pk>/edit/",
        views.SubsidyProgrammeEditView.as_view(),
        name="subsidyprogramme_edit",
    ),
    path(
        "applications/", views.SubsidyApplicationListView.as_view(), name="subsidyapplication_list"
    ),
    path(
        "applications/export/",
        views.SubsidyApplicationExportView.as_view(),
        name="subsidyapplication_export",
    ),
    path(
        "applications/add/",
        views.SubsidyApplicationEditView.as_view(),
        name="subsidyapplication_add",
    ),
    path(
        "applications/import/",
        views.SubsidyApplicationImportView.as_view(),
        name="subsidyapplication_import",
    ),
    path(
        "applications/import/template/",
        views.SubsidyApplicationImportTemplateView.as_view(),
        name="subsidyapplication_import_template",
    ),
    path(
        "applications/import/<str:token>/commit/",
        views.SubsidyApplicationImportCommitView.as_view(),
        name="subsidyapplication_import_commit",
    ),
    path(
        "applications/import/<str:token>/errors/",
        views.SubsidyApplicationImportErrorsView.as_view(),
        name="subsidyapplication_import_errors",
    ),
    path(
        "applications/<int:pk>/",
        views.SubsidyApplicationDetailView.as_view(),
        name="subsidyapplication_detail",
    ),
    path(
        "applications/<int:pk>/edit/",
        views.SubsidyApplicationEditView.as_view(),
        name="subsidyapplication_edit",
    ),
    path(
        "applications/<int:pk>/reveal/",
        views.SubsidyApplicationRevealView.as_view(),
        name="subsidyapplication_reveal",
    ),
    path(
        "applications/<int:pk>/review/",
        views.SubsidyApplicationReviewView.as_view(),
        name="subsidyapplication_review",
    ),
    path(
        "applications/<int:pk>/pay/",
        views.SubsidyApplicationPayView.as_view(),
        name="subsidyapplication_pay",
    ),
    path(
        "applications/<int:pk>/reject/",
        views.SubsidyApplicationRejectView.as_view(),
        name="subsidyapplication_reject",
    ),
    path(
        "applications/<int:pk>/link-dealer/",
        views.SubsidyApplicationDealerLinkView.as_view(),
        name="subsidyapplication_link_dealer",
    ),
]
