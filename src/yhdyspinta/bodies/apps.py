from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BodiesConfig(AppConfig):
    name = "yhdyspinta.bodies"
    verbose_name = _("Cooperation bodies")
