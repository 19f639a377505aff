from django.urls import path

from . import views

app_name = "register"

urlpatterns = [
    path("register/", views.RegisterPage.as_view(), name="page"),
    path("register/rekisteri.xlsx", views.RegisterFile.as_view(), name="file"),
    path("register/pohja.xlsx", views.RegisterTemplate.as_view(), name="template"),
    path("register/<uuid:pk>/", views.RegisterRunPage.as_view(), name="run"),
]
