from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "yhdyspinta.agreements"
    verbose_name = _("Cooperation agreements")

    def ready(self) -> None:
        # The request letters are made by the outbox's worker when a message is sent:
        # it reads the function from its registry, without importing us.
        from yhdyspinta.communications.services import MAKERS

        from .services import REQUEST_LETTER, made_letter

        MAKERS[REQUEST_LETTER.maker] = made_letter
