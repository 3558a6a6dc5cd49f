from django.core.management.base import BaseCommand
from django.utils import timezone

from bangfu.teams import services


class Command(BaseCommand):
    help = (
        "Remind work-team members short of residence days on the month's last days (run it "
        "daily, e.g. from cron at 08:00, beside send_reminders); a member is reminded at most "
        "once a day."
    )

    def handle(self, *args, **options):
        sent = services.team_reminders_send(on=timezone.localdate())
        self.stdout.write(f"{sent} team members reminded.")
