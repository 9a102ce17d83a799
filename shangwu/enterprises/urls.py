from django.urls import path

from shangwu.enterprises import views, views_import, views_print
from shangwu.enterprises.baobao import views as views_service

app_name = "enterprises"

urlpatterns = [
    path("", views.EnterpriseListView.as_view(), name="enterprise_list"),
    path("export/", views.EnterpriseExportView.as_view(), name="enterprise_export"),
    path("import/", views_import.EnterpriseImportView.as_view(), name="enterprise_import"),
    path(
        "import/template/",
        views_import.EnterpriseImportTemplateView.as_view(),
        name="enterprise_import_template",
    ),
    path(
        "import/<str:token>/commit/",
        views_import.EnterpriseImportCommitView.as_view(),
        name="enterprise_import_commit",
    ),
    path(
        "import/<str:token>/errors/",
        views_import.EnterpriseImportErrorsView.as_view(),
        name="enterprise_import_errors",
    ),
    path("add/", views.EnterpriseEditView.as_view(), name="enterprise_add"),
    path("<int:pk>/", views.EnterpriseDetailView.as_view(), name="enterprise_detail"),
    path("<int:pk>/edit/", views.EnterpriseEditView.as_view(), name="enterprise_edit"),
    path("<int:pk>/status/", views.EnterpriseStatusView.as_view(), name="enterprise_status"),
    path("<int:pk>/tags/", views.EnterpriseTagsView.as_view(), name="enterprise_tags"),
    path("bulk/tag/", views.EnterpriseBulkTagView.as_view(), name="enterprise_bulk_tag"),
    path("tags/", views.TagListView.as_view(), name="tag_list"),
    path("tags/add/", views.TagEditView.as_view(), name="tag_add"),
    path("tags/<int:pk>/", views.TagDetailView.as_view(), name="tag_detail"),
    path("tags/<int:pk>/edit/", views.TagEditView.as_view(), name="tag_edit"),
    # Enterprise service (服务企业): contacts, 包保, visits, my enterprises, coverage
    path(
        "<int:enterprise_pk>/contacts/add/",
        views_service.ContactEditView.as_view(),
        name="contact_add",
    ),
    path("contacts/", views_service.ContactListView.as_view(), name="contact_list"),
    path("contacts/export/", views_service.ContactExportView.as_view(), name="contact_export"),
    path("contacts/<int:pk>/edit/", views_service.ContactEditView.as_view(), name="contact_edit"),
    path(
        "contacts/<int:pk>/reveal/",
        views_service.ContactRevealView.as_view(),
        name="contact_reveal",
    ),
    path(
        "<int:enterprise_pk>/assignments/add/",
        views_service.AssignmentAddView.as_view(),
        name="assignment_add",
    ),
    path("assignments/", views_service.AssignmentListView.as_view(), name="assignment_list"),
    path(
        "assignments/export/",
        views_service.AssignmentExportView.as_view(),
        name="assignment_export",
    ),
    path("assignments/bulk/", views_service.AssignmentBulkView.as_view(), name="assignment_bulk"),
    path(
        "assignments/<int:pk>/end/",
        views_service.AssignmentEndView.as_view(),
        name="assignment_end",
    ),
    path("visits/", views_service.VisitListView.as_view(), name="visit_list"),
    path("visits/export/", views_service.VisitExportView.as_view(), name="visit_export"),
    path("visits/add/", views_service.VisitAddView.as_view(), name="visit_add"),
    path("visits/<int:pk>/", views_service.VisitDetailView.as_view(), name="visit_detail"),
    path("visits/<int:pk>/print/", views_print.VisitPrintView.as_view(), name="visit_print"),
    path("visits/<int:pk>/edit/", views_service.VisitEditView.as_view(), name="visit_edit"),
    path(
        "visits/attachments/<int:pk>/",
        views_service.VisitAttachmentDownloadView.as_view(),
        name="visit_attachment_download",
    ),
    path(
        "visits/attachments/<int:pk>/remove/",
        views_service.VisitAttachmentRemoveView.as_view(),
        name="visit_attachment_remove",
    ),
    path("mine/", views_service.MyEnterprisesView.as_view(), name="my_enterprises"),
    path("coverage/", views_service.CoverageView.as_view(), name="coverage"),
]
