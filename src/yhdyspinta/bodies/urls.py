from django.urls import path

from . import views

app_name = "bodies"

urlpatterns = [
    path("bodies/", views.BodyList.as_view(), name="bodies"),
    path("bodies/new/", views.BodyCreate.as_view(), name="body_create"),
    path("bodies/<int:pk>/", views.BodyDetail.as_view(), name="body"),
    path("bodies/<int:pk>/edit/", views.BodyUpdate.as_view(), name="body_edit"),
    path("bodies/<int:pk>/history/", views.BodyHistory.as_view(), name="body_history"),
    path(
        "bodies/<int:body>/members/new/",
        views.MembershipCreate.as_view(),
        name="membership_create",
    ),
    path("memberships/<int:pk>/edit/", views.MembershipUpdate.as_view(), name="membership_edit"),
    path("memberships/<int:pk>/end/", views.MembershipEnd.as_view(), name="membership_end"),
]
