from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from yhdyspinta.accounts.permissions import Access
from yhdyspinta.areas.models import Area
from yhdyspinta.indicators import services, sets


class Command(BaseCommand):
    help = (
        "Let an area follow an indicator set shipped with the app (indicators/sets/), e.g. "
        "follow_indicator_set pohjois-karjala hyte-kerroin-hyvinvointialue-2026. Without a "
        "set, lists the sets."
    )

    def add_arguments(self, parser):
        parser.add_argument("area", help="the area's slug")
        parser.add_argument("code", nargs="?", metavar="set", help="the set's code (key and year)")

    def handle(self, *args, area, code=None, **options):
        if not code:
            for item in sets.all_sets():
                self.stdout.write(f"{item.code}\t{item.name}\t{len(item.rows)} indicators")
            return
        try:
            target = Area.objects.get(slug=area)
        except Area.DoesNotExist as error:
            raise CommandError(f"No area {area!r}.") from error
        # The command acts as the installation's superuser, through the same service.
        superuser = get_user_model().objects.filter(is_superuser=True).first()
        if superuser is None:
            raise CommandError("Create a superuser first (manage.py createsuperuser).")
        try:
            added, bound = services.follow_set(access=Access(superuser), area=target, code=code)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"{target}: {added} indicators added, {bound} of them bound.")
