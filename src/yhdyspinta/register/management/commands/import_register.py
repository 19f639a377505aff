from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yhdyspinta.accounts.permissions import Access
from yhdyspinta.register.services import register_import


class Command(BaseCommand):
    help = (
        "Read an area's register from a workbook (export_register's shape): everything or "
        "nothing; rows are matched by their keys, so the same file twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("area", help="the area's slug; a new area needs --name")
        parser.add_argument("file", type=Path, help="the workbook (.xlsx)")
        parser.add_argument("--name", default="", help="the name of a new area")
        parser.add_argument("--dry-run", action="store_true", help="say what would change")

    def handle(self, *args, area: str, file: Path, name: str, dry_run: bool, **options):
        with file.open("rb") as data:
            report = register_import(
                access=Access.installation(),
                slug=area,
                file=data,
                filename=file.name,
                name=name,
                dry_run=dry_run,
            )
        for problem in report.problems:
            self.stderr.write(str(problem))
        if report.problems:
            raise CommandError(f"{len(report.problems)} problems: nothing was imported.")
        for sheet, counts in report.counts.items():
            self.stdout.write(
                f"{sheet}: {counts.created} new, {counts.changed} changed, "
                f"{counts.unchanged} unchanged"
            )
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
