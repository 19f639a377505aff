from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "yhdyspinta.web"
    verbose_name = _("Web kernel")

    def ready(self) -> None:
        from . import public_cache  # noqa: F401 - every connection tracks writes
