from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from yhdyspinta.indicators import importer, services
from yhdyspinta.indicators.models import ImportRun


class Command(BaseCommand):
    help = (
        "Import Sotkanet data (THL, CC BY 4.0): --regions and --indicators metadata files "
        "first, then data files (JSON or ';'-separated CSV). --fetch ID --years Y... fetches "
        "from Sotkanet's API where the network allows it."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="data files (.json or .csv)")
        parser.add_argument("--regions", help="regions metadata JSON")
        parser.add_argument("--indicators", help="indicator metadata JSON")
        parser.add_argument("--fetch", type=int, help="indicator id to fetch from Sotkanet")
        parser.add_argument("--years", type=int, nargs="*", default=[])

    def handle(self, *args, files, regions=None, indicators=None, fetch=None, years=(), **options):
        try:
            if regions:
                with Path(regions).open("rb") as stream:
                    self.stdout.write(f"regions: {importer.import_regions(stream)}")
            if indicators:
                with Path(indicators).open("rb") as stream:
                    self.stdout.write(f"indicators: {importer.import_indicator_metadata(stream)}")
        except importer.ImportProblem as problem:
            raise CommandError(str(problem)) from problem
        runs = []
        for name in files:
            # The upload page's cap holds here too: a file past it is refused before a
            # transaction holds the database's write lock for it.
            size = Path(name).stat().st_size
            if size > settings.IMPORT_MAX_BYTES:
                raise CommandError(
                    f"{name}: {size} bytes is more than IMPORT_MAX_BYTES "
                    f"({settings.IMPORT_MAX_BYTES}); split the file, or raise the setting"
                )
        for name in files:
            with Path(name).open("rb") as stream:
                runs.append(importer.import_values(stream, Path(name).name))
        if fetch:
            runs.append(importer.fetch(fetch, years))
        for run in runs:
            if run.status == ImportRun.Status.FAILED:
                raise CommandError(f"{run.filename}: {run.error}")
            self.stdout.write(
                f"{run.filename}: {run.rows_read} rows, {run.inserted} new, {run.updated} updated, "
                f"{run.unchanged} unchanged"
            )
        if runs:
            written = services.sync_programme_values()
            self.stdout.write(f"programme indicators bound to Sotkanet: {written} values")
