from django.urls import path

from . import views

app_name = "outreach"

urlpatterns = [
    path("letters/", views.Letters.as_view(), name="letters"),
    path("contacts/unreached/", views.ContactGaps.as_view(), name="contact_gaps"),
    path("letters/new/", views.LetterCreate.as_view(), name="letter_create"),
    path("letters/preview/", views.Preview.as_view(), name="preview"),
    path("letters/subscribe/", views.Subscribe.as_view(), name="subscribe"),
    path("letters/subscribers/", views.Subscribers.as_view(), name="subscribers"),
    path("letters/subscribers/<int:pk>/", views.SubscriberPage.as_view(), name="subscriber"),
    path("letters/<int:pk>/", views.LetterPage.as_view(), name="letter"),
    path("letters/<int:pk>/edit/", views.LetterEdit.as_view(), name="letter_edit"),
    path(
        "letters/<int:pk>/recipients/", views.LetterRecipients.as_view(), name="letter_recipients"
    ),
    path("letters/<int:pk>/test/", views.LetterTest.as_view(), name="letter_test"),
    path("letters/<int:pk>/send/", views.LetterSend.as_view(), name="letter_send"),
    path("letters/<int:pk>/resend/", views.LetterResend.as_view(), name="letter_resend"),
    path("letters/<int:pk>/images/", views.LetterImageAdd.as_view(), name="letter_image_add"),
    path("letters/<int:pk>/images/<int:image>/", views.LetterImage.as_view(), name="letter_image"),
    path("forums/new/", views.ForumCreate.as_view(), name="forum_create"),
    path("forums/<int:pk>/", views.ForumPage.as_view(), name="forum"),
    path("forums/<int:pk>/edit/", views.ForumEdit.as_view(), name="forum_edit"),
    path("forums/<int:pk>/forum.ics", views.ForumCalendar.as_view(), name="forum_ics"),
    path("forums/<int:pk>/participants/", views.ForumParticipants.as_view(), name="participants"),
    path(
        "forums/<int:pk>/participants.xlsx",
        views.ForumWorkbook.as_view(),
        name="participants_xlsx",
    ),
    path("forums/<int:pk>/badges.pdf", views.ForumBadges.as_view(), name="badges"),
    path("forums/<int:pk>/resend/", views.ForumResend.as_view(), name="forum_resend"),
    path("feed.atom", views.AreaFeed(), name="feed"),
]
