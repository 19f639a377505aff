from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "yhdyspinta.reports"
    verbose_name = _("Welfare reports")
    default_auto_field = "django.db.models.BigAutoField"
