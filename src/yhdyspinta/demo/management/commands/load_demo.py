from django.core.management.base import BaseCommand

from yhdyspinta.areas.models import Area
from yhdyspinta.demo.loader import DEMO_PASSWORD, load_all


class Command(BaseCommand):
    help = "Load the North Karelia and South Savo demo areas (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when any area already exists."
        )

    def handle(self, *args, if_empty: bool = False, **options):
        if if_empty and Area.objects.exists():
            self.stdout.write("Database already has data; demo not loaded.")
            return
        users = load_all()
        self.stdout.write(self.style.SUCCESS("Demo data loaded: Pohjois-Karjala, Etelä-Savo."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for user in users:
            self.stdout.write(f"  {user.username:<12} {user.description}")
