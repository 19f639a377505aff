from django.urls import path

from . import views

app_name = "national"

urlpatterns = [
    path("national/", views.NationalPage.as_view(), name="page"),
    path("national/obligations.csv", views.NationalCsv.as_view(), name="csv"),
]
