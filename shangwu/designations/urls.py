from django.urls import path

from shangwu.designations import views

app_name = "designations"

urlpatterns = [
    path("", views.DesignationListView.as_view(), name="designation_list"),
    path("export/", views.DesignationExportView.as_view(), name="designation_export"),
    path("cultivation/", views.CultivationListView.as_view(), name="cultivation"),
    path("matrix/", views.DesignationMatrixView.as_view(), name="matrix"),
    path("funds/", views.ProgrammeFundListView.as_view(), name="programmefund_list"),
    path("funds/export/", views.ProgrammeFundExportView.as_view(), name="programmefund_export"),
    path("funds/add/", views.ProgrammeFundAddView.as_view(), name="programmefund_add"),
    path("funds/import/", views.ProgrammeFundImportView.as_view(), name="programmefund_import"),
    path(
        "funds/import/template/",
        views.ProgrammeFundImportTemplateView.as_view(),
        name="programmefund_import_template",
    ),
    path(
        "funds/import/<str:token>/commit/",
        views.ProgrammeFundImportCommitView.as_view(),
        name="programmefund_import_commit",
    ),
    path(
        "funds/import/<str:token>/errors/",
        views.ProgrammeFundImportErrorsView.as_view(),
        name="programmefund_import_errors",
    ),
    path("milestones/", views.ProgrammeMilestoneListView.as_view(), name="programmemilestone_list"),
    path(
        "milestones/export/",
        views.ProgrammeMilestoneExportView.as_view(),
        name="programmemilestone_export",
    ),
    path(
        "milestones/add/", views.ProgrammeMilestoneAddView.as_view(), name="programmemilestone_add"
    ),
    path(
        "milestones/import/",
        views.ProgrammeMilestoneImportView.as_view(),
        name="programmemilestone_import",
    ),
    path(
        "milestones/import/template/",
        views.ProgrammeMilestoneImportTemplateView.as_view(),
        name="programmemilestone_import_template",
    ),
    path(
        "milestones/import/<str:token>/commit/",
        views.ProgrammeMilestoneImportCommitView.as_view(),
        name="programmemilestone_import_commit",
    ),
    path(
        "milestones/import/<str:token>/errors/",
        views.ProgrammeMilestoneImportErrorsView.as_view(),
        name="programmemilestone_import_errors",
    ),
    path("add/", views.DesignationEditView.as_view(), name="designation_add"),
    path("<int:pk>/", views.DesignationDetailView.as_view(), name="designation_detail"),
    path("<int:pk>/edit/", views.DesignationEditView.as_view(), name="designation_edit"),
    path("<int:pk>/apply/", views.DesignationApplyView.as_view(), name="designation_apply"),
    path(
        "<int:pk>/recommend/",
        views.DesignationRecommendView.as_view(),
        name="designation_recommend",
    ),
    path("<int:pk>/award/", views.DesignationAwardView.as_view(), name="designation_award"),
    path("<int:pk>/review/", views.DesignationReviewView.as_view(), name="designation_review"),
    path("<int:pk>/revoke/", views.DesignationRevokeView.as_view(), name="designation_revoke"),
    path("<int:pk>/delist/", views.DesignationDelistView.as_view(), name="designation_delist"),
    path("<int:pk>/expire/", views.DesignationExpireView.as_view(), name="designation_expire"),
    path(
        "<int:pk>/responsible/",
        views.DesignationResponsibleView.as_view(),
        name="designation_responsible",
    ),
    path("<int:pk>/attach/", views.DesignationAttachView.as_view(), name="designation_attach"),
    path("<int:pk>/funds/", views.ProgrammeFundView.as_view(), name="designation_fund"),
    path(
        "<int:pk>/milestones/", views.ProgrammeMilestoneView.as_view(), name="designation_milestone"
    ),
    path(
        "<int:pk>/milestones/done/",
        views.ProgrammeMilestoneDoneView.as_view(),
        name="designation_milestone_done",
    ),
    path(
        "attachments/<int:pk>/",
        views.DesignationAttachmentDownloadView.as_view(),
        name="attachment_download",
    ),
    path(
        "attachments/<int:pk>/remove/",
        views.DesignationAttachmentRemoveView.as_view(),
        name="attachment_remove",
    ),
    path("kinds/", views.DesignationKindListView.as_view(), name="kind_list"),
    path("kinds/add/", views.DesignationKindEditView.as_view(), name="kind_add"),
    path("kinds/<int:pk>/", views.DesignationKindDetailView.as_view(), name="kind_detail"),
    path("kinds/<int:pk>/edit/", views.DesignationKindEditView.as_view(), name="kind_edit"),
]
