from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from yhdyspinta.areas.views import HomeView

area_patterns = [
    path("", include("yhdyspinta.areas.urls")),
    path("", include("yhdyspinta.parties.urls")),
    path("", include("yhdyspinta.bodies.urls")),
]

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("<slug:area>/", include(area_patterns)),
]
