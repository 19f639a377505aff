from django.urls import path

from . import views

app_name = "nominations"

urlpatterns = [
    path("nominations/", views.RoundList.as_view(), name="rounds"),
    path("nominations/new/", views.RoundCreate.as_view(), name="round_create"),
    path("nominations/<int:pk>/", views.RoundDetail.as_view(), name="round"),
    path(
        "nominations/<int:pk>/letters.<str:fmt>",
        views.UnreachedLetters.as_view(),
        name="unreached_letters",
    ),
    path(
        "nominations/<int:pk>/do/<slug:action>/", views.RoundAction.as_view(), name="round_action"
    ),
    path(
        "nominations/<int:pk>/summary.<str:fmt>", views.RoundExport.as_view(), name="round_export"
    ),
    path("nominations/requests/<int:pk>/", views.AnswerView.as_view(), name="answer"),
    path(
        "nominations/requests/<int:pk>/letter.<str:fmt>",
        views.RequestLetter.as_view(),
        name="letter",
    ),
    path("bodies/<int:pk>/election/", views.ElectionView.as_view(), name="election"),
]
