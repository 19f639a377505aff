from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "yhdyspinta.outreach"
    verbose_name = _("Hyte letter and forum")
    default_auto_field = "django.db.models.BigAutoField"
