from django.urls import path

from . import views

app_name = "clock"

urlpatterns = [
    path("clock/", views.ClockView.as_view(), name="clock"),
    path("clock/clock.pdf", views.ClockPdf.as_view(), name="pdf"),
    path("clock/do/<slug:action>/", views.ClockAction.as_view(), name="action"),
    path("clock/calendar.ics", views.clock_feed, name="feed"),
]
