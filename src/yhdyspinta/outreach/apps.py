from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "yhdyspinta.outreach"
    verbose_name = _("Hyte letter and forum")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A forum held as a meeting (e.g. the §7 negotiation) counts its participants
        # there: the engine reads them through its registry, without importing us.
        from yhdyspinta.obligations import engine

        from . import selectors, services

        if selectors.participation not in engine.PARTICIPATION_SOURCES:
            engine.PARTICIPATION_SOURCES.append(selectors.participation)
        # Registrations, subscriptions and consents are kept by e-mail address (or its
        # hash), not by a relation to the person: the data report finds them here.
        from yhdyspinta.accounts import person_data

        for holder in services.PERSONAL_DATA:
            person_data.register(holder)
