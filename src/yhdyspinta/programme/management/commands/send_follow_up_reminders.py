from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from yhdyspinta.accounts.permissions import Access
from yhdyspinta.programme.models import FollowUpRound
from yhdyspinta.programme.services import follow_up_remind


class Command(BaseCommand):
    help = (
        "Remind organisations whose measures lack this year's report, for open follow-up "
        "rounds whose deadline is within --days. Meant for a weekly cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=14)

    def handle(self, *args, days: int = 14, **options):
        today = timezone.localdate()
        total = 0
        for round in FollowUpRound.objects.filter(
            status="open", deadline__gte=today, deadline__lte=today + timedelta(days=days)
        ).select_related("programme"):
            total += follow_up_remind(access=Access.installation(), round=round)
        self.stdout.write(f"reminders sent: {total}")
