"""Remove use-log entries older than USE_LOG_RETENTION_DAYS (daily from cron)."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from yhdyspinta.accounts.models import UseLogEntry


class Command(BaseCommand):
    help = "Remove use-log entries older than the retention period."

    def handle(self, *args, **options):
        cutoff = timezone.now() - timedelta(days=settings.USE_LOG_RETENTION_DAYS)
        deleted, _detail = UseLogEntry.objects.filter(at__lt=cutoff).delete()
        self.stdout.write(f"{deleted}")
