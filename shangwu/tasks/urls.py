from django.urls import path

from shangwu.tasks import views, views_import, views_report

app_name = "tasks"

urlpatterns = [
    path("", views.PlanListView.as_view(), name="plan_list"),
    path("import/", views_import.PlanImportView.as_view(), name="plan_import"),
    path(
        "import/template/",
        views_import.PlanImportTemplateView.as_view(),
        name="plan_import_template",
    ),
    path(
        "import/<str:token>/commit/",
        views_import.PlanImportCommitView.as_view(),
        name="plan_import_commit",
    ),
    path(
        "import/<str:token>/errors/",
        views_import.PlanImportErrorsView.as_view(),
        name="plan_import_errors",
    ),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("plans/<int:pk>/edit/", views.PlanEditView.as_view(), name="plan_edit"),
    path("plans/<int:pk>/assign/", views.PlanAssignView.as_view(), name="plan_assign"),
    path(
        "plan-targets/<int:pk>/edit/",
        views.PlanTargetEditView.as_view(),
        name="plantarget_edit",
    ),
    path("plans/<int:pk>/reviews/", views.PlanReviewView.as_view(), name="plan_reviews"),
    path("list/", views.TaskListView.as_view(), name="task_list"),
    path("list/export/", views.TaskExportView.as_view(), name="task_export"),
    path("<int:pk>/", views.TaskDetailView.as_view(), name="task_detail"),
    path("<int:pk>/edit/", views.TaskEditView.as_view(), name="task_edit"),
    path("<int:pk>/status/", views.TaskStatusView.as_view(), name="task_status"),
    path("<int:pk>/report/", views.ReportCreateView.as_view(), name="report_add"),
    path("<int:pk>/milestones/add/", views.MilestoneAddView.as_view(), name="milestone_add"),
    path("milestones/<int:pk>/done/", views.MilestoneDoneView.as_view(), name="milestone_done"),
    path("reports/<int:pk>/correct/", views.ReportCorrectView.as_view(), name="report_correct"),
    path("reports/", views.ReportListView.as_view(), name="report_list"),
    path("reports/export/", views.ReportExportView.as_view(), name="report_export"),
    path("reviews/", views.QuarterReviewListView.as_view(), name="quarterreview_list"),
    path("report/", views_report.BulletinView.as_view(), name="report"),
    path("report/xlsx/", views_report.BulletinXlsxView.as_view(), name="report_xlsx"),
    path("report/docx/", views_report.BulletinDocxView.as_view(), name="report_docx"),
]
