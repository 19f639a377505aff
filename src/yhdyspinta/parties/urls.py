from django.urls import path

from . import views

app_name = "parties"

urlpatterns = [
    path("organisations/", views.OrganisationList.as_view(), name="organisations"),
    path("organisations/new/", views.OrganisationCreate.as_view(), name="organisation_create"),
    path("organisations/<int:pk>/", views.OrganisationDetail.as_view(), name="organisation"),
    path(
        "organisations/<int:pk>/edit/",
        views.OrganisationUpdate.as_view(),
        name="organisation_edit",
    ),
    path(
        "organisations/<int:pk>/history/",
        views.OrganisationHistory.as_view(),
        name="organisation_history",
    ),
    path(
        "organisations/<int:organisation>/roles/new/",
        views.NamedRoleCreate.as_view(),
        name="namedrole_create",
    ),
    path("roles/<int:pk>/edit/", views.NamedRoleUpdate.as_view(), name="namedrole_edit"),
    path("people/", views.PersonList.as_view(), name="people"),
    path("people/new/", views.PersonCreate.as_view(), name="person_create"),
    path("people/<int:pk>/", views.PersonDetail.as_view(), name="person"),
    path("people/<int:pk>/edit/", views.PersonUpdate.as_view(), name="person_edit"),
    path(
        "people/<int:pk>/calendar-link/",
        views.PersonCalendarLink.as_view(),
        name="person_calendar_link",
    ),
    path("people/<int:pk>/history/", views.PersonHistory.as_view(), name="person_history"),
    path("counterparts/", views.CounterpartList.as_view(), name="counterparts"),
    path("counterparts/new/", views.CounterpartCreate.as_view(), name="counterpart_create"),
    path("counterparts/<int:pk>/edit/", views.CounterpartUpdate.as_view(), name="counterpart_edit"),
]
