from django.urls import path

from shangwu.cases import views, views_print

app_name = "cases"

urlpatterns = [
    path("", views.CaseListView.as_view(), name="case_list"),
    path("export/", views.CaseExportView.as_view(), name="case_export"),
    path("add/", views.CaseRegisterView.as_view(), name="case_add"),
    path(
        "from-problem/<int:problem_pk>/",
        views.ConvertProblemView.as_view(),
        name="case_from_problem",
    ),
    path(
        "attachments/<int:pk>/", views.AttachmentDownloadView.as_view(), name="attachment_download"
    ),
    path(
        "attachments/<int:pk>/remove/",
        views.AttachmentRemoveView.as_view(),
        name="attachment_remove",
    ),
    path("<int:pk>/", views.CaseDetailView.as_view(), name="case_detail"),
    path("<int:pk>/print/", views_print.CasePrintView.as_view(), name="case_print"),
    path(
        "<int:pk>/print/assignment/",
        views_print.CaseAssignmentPrintView.as_view(),
        name="case_print_assignment",
    ),
    path(
        "<int:pk>/supervision/<int:order_pk>/print/",
        views_print.SupervisionOrderPrintView.as_view(),
        name="supervision_print",
    ),
    path("<int:pk>/<str:name>/", views.CaseActionView.as_view(), name="case_action"),
    path("queue/", views.UnitQueueView.as_view(), name="unit_queue"),
    path("supervision/", views.SupervisionListView.as_view(), name="supervision_list"),
    path("notifications/", views.NotificationListView.as_view(), name="notification_list"),
    path("notifications/<int:pk>/", views.NotificationOpenView.as_view(), name="notification_open"),
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
    path("statistics/export/", views.StatisticsExportView.as_view(), name="statistics_export"),
    path("categories/", views.CategoryListView.as_view(), name="category_list"),
    path("categories/add/", views.CategoryEditView.as_view(), name="category_add"),
    path("categories/<int:pk>/edit/", views.CategoryEditView.as_view(), name="category_edit"),
    path(
        "category-mappings/", views.CategoryMappingListView.as_view(), name="categorymapping_list"
    ),
    path(
        "category-mappings/add/",
        views.CategoryMappingEditView.as_view(),
        name="categorymapping_add",
    ),
    path(
        "category-mappings/<int:pk>/edit/",
        views.CategoryMappingEditView.as_view(),
        name="categorymapping_edit",
    ),
    path("rules/", views.RuleSetListView.as_view(), name="ruleset_list"),
    path("rules/add/", views.RuleSetEditView.as_view(), name="ruleset_add"),
    path("rules/<int:pk>/", views.RuleSetDetailView.as_view(), name="ruleset_detail"),
    path("rules/<int:pk>/edit/", views.RuleSetEditView.as_view(), name="ruleset_edit"),
]
