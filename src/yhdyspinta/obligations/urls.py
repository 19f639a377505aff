from django.urls import path

from . import views

app_name = "obligations"

urlpatterns = [
    path("obligations/", views.Dashboard.as_view(), name="dashboard"),
    path("obligations/report.<str:fmt>", views.ReportFile.as_view(), name="report"),
    path("obligations/way/<str:rule>/", views.PracticeEdit.as_view(), name="practice_edit"),
    path(
        "obligations/applying/<int:version>/",
        views.ApplyPreview.as_view(),
        name="apply_preview",
    ),
]
