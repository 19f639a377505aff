from django.urls import path

from . import views

app_name = "clock"

urlpatterns = [
    path("clock/", views.ClockView.as_view(), name="clock"),
    path("clock/clock.pdf", views.ClockPdf.as_view(), name="pdf"),
    path("clock/do/<slug:action>/", views.ClockAction.as_view(), name="action"),
    path("clock/calendar.ics", views.clock_feed, name="feed"),
    path("clock/events/", views.AreaEventList.as_view(), name="area_events"),
    path("clock/events/new/", views.AreaEventCreate.as_view(), name="area_event_create"),
    path("clock/events/<int:pk>/edit/", views.AreaEventUpdate.as_view(), name="area_event_edit"),
    path(
        "clock/events/<int:pk>/remove/", views.AreaEventDelete.as_view(), name="area_event_delete"
    ),
]
