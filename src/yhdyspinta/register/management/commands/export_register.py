from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yhdyspinta.areas.models import Area
from yhdyspinta.register import selectors, workbook


class Command(BaseCommand):
    help = "Write an area's register (organisations, people, bodies, seats...) to a workbook."

    def add_arguments(self, parser):
        parser.add_argument("area", help="the area's slug, e.g. pohjois-karjala")
        parser.add_argument("file", type=Path, help="the workbook to write (.xlsx)")

    def handle(self, *args, area: str, file: Path, **options):
        found = Area.objects.filter(slug=area).first()
        if found is None:
            raise CommandError(f"No area {area}.")
        with file.open("wb") as out:
            workbook.write(selectors.register_rows(found), out)
        self.stdout.write(f"{found.name}: {file}")
