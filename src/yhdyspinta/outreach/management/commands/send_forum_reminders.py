from django.core.management.base import BaseCommand

from yhdyspinta.outreach.services import due_for_reminders, send_reminders


class Command(BaseCommand):
    help = (
        "Remind the registered participants of forums that start within two days, once "
        "each. Meant for a daily cron."
    )

    def handle(self, *args, **options):
        total = sum(send_reminders(forum=forum) for forum in due_for_reminders())
        self.stdout.write(f"reminders sent: {total}")
