from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from yhdyspinta.accounts.permissions import Access
from yhdyspinta.nominations.models import NominationRound
from yhdyspinta.nominations.services import send_reminders


class Command(BaseCommand):
    help = (
        "Remind the organisations that have not answered an open nomination round. "
        "Safe to run daily from cron: each organisation is reminded at most once a day, "
        "only within --days before the deadline and until a week after it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=7, help="start reminding this many days before"
        )

    def handle(self, *args, days: int = 7, **options):
        today = timezone.localdate()
        rounds = NominationRound.objects.filter(
            status=NominationRound.Status.OPEN,
            deadline__lte=today + timedelta(days=days),
            deadline__gte=today - timedelta(days=7),
        )
        total = 0
        for round in rounds:
            count = send_reminders(access=Access.installation(), round=round).reached
            total += count
            self.stdout.write(f"{round.area.slug} / {round.title}: {count}")
        self.stdout.write(f"reminders sent: {total}")
