from django.urls import path

from shangwu.promotion import views

app_name = "promotion"

urlpatterns = [
    path("events/", views.PromotionEventListView.as_view(), name="event_list"),
    path("events/mine/", views.PromotionEventMineView.as_view(), name="event_mine"),
    path("events/calendar/", views.PromotionEventCalendarView.as_view(), name="event_calendar"),
    path("events/export/", views.PromotionEventExportView.as_view(), name="event_export"),
    path("events/add/", views.PromotionEventEditView.as_view(), name="event_add"),
    path("events/<int:pk>/", views.PromotionEventDetailView.as_view(), name="event_detail"),
    path("events/<int:pk>/edit/", views.PromotionEventEditView.as_view(), name="event_edit"),
    path("events/<int:pk>/move/", views.EventMoveView.as_view(), name="event_move"),
    path("events/<int:pk>/outcomes/", views.EventOutcomesView.as_view(), name="event_outcomes"),
    path(
        "events/<int:pk>/participants/add/",
        views.EventParticipantAddView.as_view(),
        name="event_participant_add",
    ),
    path(
        "events/<int:pk>/participants/<int:participant_pk>/edit/",
        views.EventParticipantEditView.as_view(),
        name="event_participant_edit",
    ),
    path(
        "events/<int:pk>/participants/<int:participant_pk>/remove/",
        views.EventParticipantRemoveView.as_view(),
        name="event_participant_remove",
    ),
    path(
        "events/<int:pk>/projects/add/",
        views.EventProjectSignView.as_view(),
        name="event_project_add",
    ),
    path(
        "events/<int:pk>/projects/new/",
        views.EventProjectCreateView.as_view(),
        name="event_project_create",
    ),
    path(
        "events/<int:pk>/projects/<int:link_pk>/remove/",
        views.EventProjectRemoveView.as_view(),
        name="event_project_remove",
    ),
    path("events/<int:pk>/attach/", views.EventAttachView.as_view(), name="event_attach"),
    path(
        "attachments/<int:pk>/",
        views.EventAttachmentDownloadView.as_view(),
        name="attachment_download",
    ),
    path(
        "attachments/<int:pk>/remove/",
        views.EventAttachmentRemoveView.as_view(),
        name="attachment_remove",
    ),
    path("kinds/", views.EventKindListView.as_view(), name="kind_list"),
    path("kinds/add/", views.EventKindEditView.as_view(), name="kind_add"),
    path("kinds/<int:pk>/", views.EventKindDetailView.as_view(), name="kind_detail"),
    path("kinds/<int:pk>/edit/", views.EventKindEditView.as_view(), name="kind_edit"),
]
