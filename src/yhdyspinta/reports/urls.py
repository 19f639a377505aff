from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("reports/", views.Reports.as_view(), name="reports"),
    path("reports/file.<str:fmt>", views.ReportFile.as_view(), name="file"),
]
