from django.core.management.base import BaseCommand
from django.utils import timezone

from bangfu.visits import services


class Command(BaseCommand):
    help = (
        "Remind helpers of the households due before their next fixed day (run it daily, "
        "e.g. from cron at 08:00); a helper is reminded at most once a day."
    )

    def handle(self, *args, **options):
        sent = services.reminders_send(on=timezone.localdate())
        self.stdout.write(f"{sent} helpers reminded.")
