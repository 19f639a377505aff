from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("users/", views.UsersView.as_view(), name="users"),
    path("users/roles/<int:pk>/remove/", views.RoleRemove.as_view(), name="role_remove"),
    path("api-tokens/", views.ApiTokensView.as_view(), name="api_tokens"),
    path("use-log/", views.UseLogView.as_view(), name="use_log"),
    path("people/<int:pk>/data-report/", views.PersonDataReport.as_view(), name="person_data"),
    path("people/<int:pk>/erase/", views.PersonErase.as_view(), name="person_erase"),
    path(
        "people/<int:pk>/data-report.<str:fmt>",
        views.PersonDataReport.as_view(),
        name="person_data_file",
    ),
]
