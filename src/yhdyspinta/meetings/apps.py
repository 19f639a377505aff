from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "yhdyspinta.meetings"
    verbose_name = _("Meetings and negotiations")
