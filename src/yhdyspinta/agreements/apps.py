from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "yhdyspinta.agreements"
    verbose_name = _("Cooperation agreements")

    def ready(self) -> None:
        # The request letters are made by the outbox's worker when a message is sent:
        # it reads the function from its registry, without importing us.
        from yhdyspinta.communications.services import MAKERS

        MAKERS["comment_letter"] = _made_letter


def _made_letter(made_from: dict[str, Any]) -> bytes:
    # The letters' PDF machinery (WeasyPrint) is loaded when a letter is first made, not
    # when any process of the app starts.
    from .services import made_letter

    return made_letter(made_from)
