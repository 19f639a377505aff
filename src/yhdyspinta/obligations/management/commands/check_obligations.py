from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from yhdyspinta.accounts.visibility import INTERNAL
from yhdyspinta.areas.models import Area
from yhdyspinta.obligations.engine import evaluate
from yhdyspinta.obligations.report import as_text


class Command(BaseCommand):
    help = "Print the obligations of an area for a year; exit 1 when any is not met."

    def add_arguments(self, parser):
        parser.add_argument("area", help="the area's short address, e.g. pohjois-karjala")
        parser.add_argument("--year", type=int, default=None)
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="evaluate as if today were this date (YYYY-MM-DD)",
        )
        parser.add_argument("--language", default="fi")

    def handle(self, *args, area, year=None, today=None, language="fi", **options):
        try:
            area_obj = Area.objects.get(slug=area)
        except Area.DoesNotExist as exc:
            raise CommandError(f"No area '{area}'.") from exc
        today = today or timezone.localdate()
        with translation.override(language):
            report = evaluate(
                area=area_obj, year=year or today.year, today=today, audience=INTERNAL
            )
            self.stdout.write(as_text(report))
        if report.not_met:
            raise SystemExit(1)
