from django.urls import path

from shangwu.inspections import views, views_coverage, views_rectification

app_name = "inspections"

urlpatterns = [
    # §1 sites and licences
    path("sites/", views.SiteListView.as_view(), name="site_list"),
    path("sites/export/", views.SiteExportView.as_view(), name="site_export"),
    path("sites/licences/", views.LicenceExpiringView.as_view(), name="licence_expiring"),
    path("sites/add/", views.SiteEditView.as_view(), name="site_add"),
    path("sites/<int:pk>/", views.SiteDetailView.as_view(), name="site_detail"),
    path("sites/<int:pk>/edit/", views.SiteEditView.as_view(), name="site_edit"),
    path("sites/<int:pk>/licence/", views.SiteLicenceView.as_view(), name="site_licence"),
    # §4 inspectors
    path("inspectors/", views.InspectorListView.as_view(), name="inspector_list"),
    path("inspectors/add/", views.InspectorAddView.as_view(), name="inspector_add"),
    # §2 kinds, checklists, deadlines
    path("kinds/", views.InspectionKindListView.as_view(), name="kind_list"),
    path("kinds/add/", views.InspectionKindEditView.as_view(), name="kind_add"),
    path("kinds/<int:pk>/", views.InspectionKindDetailView.as_view(), name="kind_detail"),
    path("kinds/<int:pk>/edit/", views.InspectionKindEditView.as_view(), name="kind_edit"),
    path("checklists/", views.ChecklistListView.as_view(), name="checklist_list"),
    path("checklists/<int:pk>/", views.ChecklistDetailView.as_view(), name="checklist_detail"),
    path(
        "checklists/<int:pk>/new-version/",
        views.ChecklistNewVersionView.as_view(),
        name="checklist_new_version",
    ),
    path("checklists/<int:pk>/items/", views.ChecklistItemView.as_view(), name="checklist_item"),
    path(
        "checklists/<int:pk>/activate/",
        views.ChecklistActivateView.as_view(),
        name="checklist_activate",
    ),
    path(
        "checklist-items/<int:pk>/remove/",
        views.ChecklistItemRemoveView.as_view(),
        name="checklistitem_remove",
    ),
    path("rules/", views.RectificationRuleListView.as_view(), name="rule_list"),
    path("rules/<int:pk>/edit/", views.RectificationRuleEditView.as_view(), name="rule_edit"),
    # §3/§4 plans, the draw, publication
    path("plans/", views.PlanListView.as_view(), name="plan_list"),
    path("plans/export/", views.PlanExportView.as_view(), name="plan_export"),
    path("plans/add/", views.PlanEditView.as_view(), name="plan_add"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("plans/<int:pk>/edit/", views.PlanEditView.as_view(), name="plan_edit"),
    path("plans/<int:pk>/fix/", views.PlanFixView.as_view(), name="plan_fix"),
    path("plans/<int:pk>/draw/", views.PlanDrawView.as_view(), name="plan_draw"),
    path("plans/<int:pk>/publish/", views.PlanPublishView.as_view(), name="plan_publish"),
    path("plans/<int:pk>/public/", views.PlanPublicView.as_view(), name="plan_public"),
    path(
        "plans/<int:pk>/public/export/",
        views.PlanPublicExportView.as_view(),
        name="plan_public_export",
    ),
    # §5 inspections
    path("", views.InspectionListView.as_view(), name="inspection_list"),
    path("export/", views.InspectionExportView.as_view(), name="inspection_export"),
    path("add/", views.InspectionAddView.as_view(), name="inspection_add"),
    path("<int:pk>/", views.InspectionDetailView.as_view(), name="inspection_detail"),
    path("<int:pk>/field/", views.InspectionFieldView.as_view(), name="inspection_field"),
    path("photos/<int:pk>/", views.InspectionPhotoDownloadView.as_view(), name="photo_download"),
    # §6 hazards (rectification actions and 整改材料 downloads: rectification.py's views, below)
    path("hazards/", views.HazardListView.as_view(), name="hazard_list"),
    path("hazards/<int:pk>/", views.HazardDetailView.as_view(), name="hazard_detail"),
    path(
        "hazard-photos/<int:pk>/",
        views_rectification.HazardPhotoDownloadView.as_view(),
        name="hazard_photo_download",
    ),
    # §6 rectification actions (views_rectification.py)
    *[
        path(f"hazards/<int:pk>/{step}/", view.as_view(), name=f"hazard_{step}")
        for step, view in (
            ("rectify", views_rectification.HazardRectifyView),
            ("recheck", views_rectification.HazardRecheckView),
            ("close", views_rectification.HazardCloseView),
            ("refer", views_rectification.HazardReferView),
            ("case", views_rectification.HazardCaseView),
        )
    ],
    path("hazards/export/", views_rectification.HazardExportView.as_view(), name="hazard_export"),
    # §7 coverage (views_coverage.py)
    path("coverage/", views_coverage.CoverageView.as_view(), name="coverage"),
    path("coverage/fuel/", views_coverage.FuelCoverageView.as_view(), name="coverage_fuel"),
]
