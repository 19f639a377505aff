from django.urls import path

from . import views

app_name = "consultations"

urlpatterns = [
    path("requests/<int:pk>/address/", views.AddressAdd.as_view(), name="address_add"),
]
