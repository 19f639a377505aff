from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("meetings/", views.MeetingList.as_view(), name="meetings"),
    path("bodies/<int:body>/meetings/new/", views.MeetingCreate.as_view(), name="meeting_create"),
    path("meetings/<int:pk>/", views.MeetingDetail.as_view(), name="meeting"),
    path("meetings/<int:pk>/edit/", views.MeetingUpdate.as_view(), name="meeting_edit"),
    path("meetings/<int:pk>/attendance/", views.AttendanceView.as_view(), name="attendance"),
    path("meetings/<int:pk>/agenda/new/", views.AgendaItemCreate.as_view(), name="agenda_create"),
    path(
        "meetings/<int:pk>/agenda/<int:item>/attachment",
        views.AgendaAttachment.as_view(),
        name="agenda_attachment",
    ),
    path("agenda/<int:item>/edit/", views.AgendaItemUpdate.as_view(), name="agenda_edit"),
    path(
        "meetings/<int:pk>/do/<slug:action>/", views.MeetingAction.as_view(), name="meeting_action"
    ),
    path("meetings/<int:pk>/agenda.<str:fmt>", views.AgendaFile.as_view(), name="agenda_file"),
    path("meetings/<int:pk>/minutes/", views.PublishedMinutes.as_view(), name="published_minutes"),
    path("meetings/<int:pk>/calendar.ics", views.meeting_ics, name="meeting_ics"),
    path("minutes/<int:pk>/", views.MinutesDetail.as_view(), name="minutes"),
    path("minutes/<int:pk>/edit/", views.MinutesEdit.as_view(), name="minutes_edit"),
    path(
        "minutes/<int:pk>/theme-work/new/",
        views.ThemeGroupEdit.as_view(),
        name="theme_group_create",
    ),
    path(
        "minutes/<int:pk>/theme-work/<int:group>/",
        views.ThemeGroupEdit.as_view(),
        name="theme_group_edit",
    ),
    path(
        "minutes/<int:pk>/do/<slug:action>/", views.MinutesAction.as_view(), name="minutes_action"
    ),
    path("minutes/<int:pk>/minutes.<str:fmt>", views.MinutesFile.as_view(), name="minutes_file"),
    path("calendar.ics", views.area_feed, name="area_feed"),
    path("bodies/<int:pk>/calendar.ics", views.body_feed, name="body_feed"),
]
