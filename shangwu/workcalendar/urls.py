from django.urls import path

from shangwu.workcalendar import views

app_name = "workcalendar"

urlpatterns = [
    path("", views.CalendarYearListView.as_view(), name="arrangement_list"),
    path("export/", views.CalendarYearExportView.as_view(), name="year_export"),
    path("add/", views.CalendarYearEditView.as_view(), name="year_add"),
    path("<int:pk>/", views.CalendarYearDetailView.as_view(), name="year_detail"),
    path("<int:pk>/edit/", views.CalendarYearEditView.as_view(), name="year_edit"),
    path("<int:pk>/delete/", views.CalendarYearDeleteView.as_view(), name="year_delete"),
]
