from django.urls import path

from . import views

app_name = "web"

urlpatterns = [
    path("documents/<uuid:pk>/", views.DocumentJobPage.as_view(), name="document"),
    path("documents/<uuid:pk>/file", views.DocumentJobFile.as_view(), name="document_file"),
]
