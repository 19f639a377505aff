"""Send what is due in the outbox now. The worker does this by itself after every
change; a cron run (e.g. every 10 minutes) is the safety net for a message whose task
was never queued (the web process died right after its commit)."""

from django.core.management.base import BaseCommand

from yhdyspinta.communications.services import deliver_due


class Command(BaseCommand):
    help = "Send the outgoing messages that are due."

    def handle(self, *args, **options):
        counts = deliver_due()
        self.stdout.write(f"sent: {counts['sent']}, failed attempts: {counts['failed']}")
