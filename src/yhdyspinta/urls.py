from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from yhdyspinta.accounts.views import (
    LoginView,
    LogoutView,
    PasswordResetConfirmView,
    PasswordResetView,
    accept_invitation,
    landing,
)
from yhdyspinta.agreements.round_views import CommentByLink
from yhdyspinta.api.api import api
from yhdyspinta.meetings.views import person_feed
from yhdyspinta.nominations.views import AnswerByLink
from yhdyspinta.outreach.views import Unsubscribe, confirm_subscription, registration_page
from yhdyspinta.overview.views import HomeView, oembed
from yhdyspinta.programme.views import FollowUpByLink
from yhdyspinta.register.views import NewArea
from yhdyspinta.web.views import alive, health, metrics


def oidc_urls():
    """Single sign-on, only when it is configured (settings.OIDC_ENABLED)."""
    if not settings.OIDC_ENABLED:
        return []
    return [path("oidc/", include("mozilla_django_oidc.urls"))]


area_patterns = [
    path("", include("yhdyspinta.overview.urls")),
    path("", include("yhdyspinta.parties.urls")),
    path("", include("yhdyspinta.bodies.urls")),
    path("", include("yhdyspinta.meetings.urls")),
    path("", include("yhdyspinta.obligations.urls")),
    path("", include("yhdyspinta.nominations.urls")),
    path("", include("yhdyspinta.programme.urls")),
    path("", include("yhdyspinta.indicators.urls")),
    path("", include("yhdyspinta.reports.urls")),
    path("", include("yhdyspinta.outreach.urls")),
    path("", include("yhdyspinta.clock.urls")),
    path("", include("yhdyspinta.agreements.urls")),
    path("", include("yhdyspinta.accounts.urls")),
    path("", include("yhdyspinta.web.urls")),
    path("", include("yhdyspinta.consultations.urls")),
    path("", include("yhdyspinta.register.urls")),
]

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("", include("yhdyspinta.national.urls")),
    path("oembed", oembed, name="oembed"),
    path("health/", health, name="health"),
    path("health/live/", alive, name="alive"),
    path("metrics", metrics, name="metrics"),
    path("calendar/<str:token>.ics", person_feed, name="person_feed"),
    path("nominate/<str:token>/", AnswerByLink.as_view(), name="nomination_link"),
    path("follow-up/<str:token>/", FollowUpByLink.as_view(), name="follow_up_link"),
    path("comment/<str:token>/", CommentByLink.as_view(), name="comment_link"),
    path("letter/unsubscribe/<str:token>/", Unsubscribe.as_view(), name="outreach_unsubscribe"),
    path("letter/confirm/<str:token>/", confirm_subscription, name="outreach_confirm"),
    path("forum/registration/<str:token>/", registration_page, name="outreach_registration"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/start/", landing, name="landing"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("accounts/invitation/<str:token>/", accept_invitation, name="accept_invitation"),
    path("accounts/new-area/", NewArea.as_view(), name="new_area"),
    path(
        "accounts/password-reset/",
        PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("admin/", admin.site.urls),
    *oidc_urls(),
    path("<slug:area>/", include(area_patterns)),
]
