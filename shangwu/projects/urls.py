from django.urls import path

from shangwu.projects import views, views_batches, views_import

app_name = "projects"

urlpatterns = [
    path("", views.ProjectListView.as_view(), name="project_list"),
    path("board/", views.ProjectBoardView.as_view(), name="project_board"),
    path("export/", views.ProjectExportView.as_view(), name="project_export"),
    path("three-batches/", views_batches.ThreeBatchesView.as_view(), name="three_batches"),
    path("three-batches/ledger/", views_batches.LedgerExportView.as_view(), name="ledger_export"),
    path("funds/", views_batches.ProjectFundsListView.as_view(), name="funds_list"),
    path("import/", views_import.ProjectImportView.as_view(), name="project_import"),
    path(
        "import/template/",
        views_import.ProjectImportTemplateView.as_view(),
        name="project_import_template",
    ),
    path(
        "import/<str:token>/commit/",
        views_import.ProjectImportCommitView.as_view(),
        name="project_import_commit",
    ),
    path(
        "import/<str:token>/errors/",
        views_import.ProjectImportErrorsView.as_view(),
        name="project_import_errors",
    ),
    path("add/", views.ProjectEditView.as_view(), name="project_add"),
    path("<int:pk>/", views.ProjectDetailView.as_view(), name="project_detail"),
    path("<int:pk>/edit/", views.ProjectEditView.as_view(), name="project_edit"),
    path("<int:pk>/move/", views.ProjectMoveView.as_view(), name="project_move"),
    path("<int:pk>/funds/", views.ProjectFundsView.as_view(), name="project_funds"),
    path("<int:pk>/leaders/add/", views.ProjectLeaderAddView.as_view(), name="project_leader_add"),
    path(
        "<int:pk>/leaders/<int:leader_pk>/end/",
        views.ProjectLeaderEndView.as_view(),
        name="project_leader_end",
    ),
    path(
        "<int:pk>/contacts/add/", views.ProjectContactAddView.as_view(), name="project_contact_add"
    ),
    path("<int:pk>/problem/", views.ProjectProblemView.as_view(), name="project_problem"),
    path(
        "contacts/<int:pk>/reveal/", views.ProjectContactRevealView.as_view(), name="contact_reveal"
    ),
    path("stages/", views.StageListView.as_view(), name="stage_list"),
    path("stages/add/", views.StageEditView.as_view(), name="stage_add"),
    path("stages/<int:pk>/", views.StageDetailView.as_view(), name="stage_detail"),
    path("stages/<int:pk>/edit/", views.StageEditView.as_view(), name="stage_edit"),
    path("chains/", views.IndustryChainListView.as_view(), name="chain_list"),
    path("chains/add/", views.IndustryChainEditView.as_view(), name="chain_add"),
    path("chains/<int:pk>/", views.IndustryChainDetailView.as_view(), name="chain_detail"),
    path("chains/<int:pk>/edit/", views.IndustryChainEditView.as_view(), name="chain_edit"),
]
