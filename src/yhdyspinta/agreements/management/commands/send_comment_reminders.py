from django.core.management.base import BaseCommand

from yhdyspinta.accounts.permissions import Access
from yhdyspinta.agreements.models import CommentRound
from yhdyspinta.agreements.services import comment_send_reminders


class Command(BaseCommand):
    help = "Remind organisations that have not sent their comments (run daily from cron)."

    def handle(self, *args, **options):
        total = 0
        for round in CommentRound.objects.filter(status=CommentRound.Status.OPEN):
            total += comment_send_reminders(access=Access.installation(), round=round).reached
        self.stdout.write(f"{total} reminders sent")
