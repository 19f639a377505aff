from django.urls import path

from . import views

app_name = "programme"

urlpatterns = [
    path("programme/", views.ProgrammeList.as_view(), name="programmes"),
    path("programme/<int:pk>/", views.ProgrammeDetail.as_view(), name="programme"),
    path("programme/<int:pk>/progress/", views.ProgressView.as_view(), name="progress"),
    path("programme/<int:pk>/measures/new/", views.MeasureEdit.as_view(), name="measure_create"),
    path(
        "programme/<int:pk>/measures/<int:measure>/edit/",
        views.MeasureEdit.as_view(),
        name="measure_edit",
    ),
    path(
        "programme/<int:pk>/values/new/", views.IndicatorValueCreate.as_view(), name="value_create"
    ),
    path("programme/<int:pk>/follow-up/new/", views.FollowUpOpen.as_view(), name="follow_up_open"),
    path(
        "programme/<int:pk>/follow-up/<int:year>/", views.FollowUpDetail.as_view(), name="follow_up"
    ),
    path(
        "programme/<int:pk>/follow-up/<int:year>/do/<slug:action>/",
        views.FollowUpAction.as_view(),
        name="follow_up_action",
    ),
    path(
        "programme/<int:pk>/follow-up/<int:year>/<int:organisation>/",
        views.Tasks.as_view(),
        name="tasks",
    ),
    path(
        "programme/<int:pk>/follow-up/<int:year>/<int:organisation>/letter.<str:fmt>",
        views.FollowUpLetter.as_view(),
        name="follow_up_letter",
    ),
    path(
        "programme/<int:pk>/follow-up/<int:year>/letters.<str:fmt>",
        views.UnreachedLetters.as_view(),
        name="unreached_letters",
    ),
    path("programme/<int:pk>/report.<str:fmt>", views.ReportFile.as_view(), name="report"),
    path("measures/<int:pk>/", views.MeasureDetail.as_view(), name="measure"),
    path("ideas/<int:idea>/promote/", views.PromoteIdea.as_view(), name="promote_idea"),
]
