from django.core.management.base import BaseCommand
from django.utils import timezone

from bangfu.monitoring import services
from bangfu.monitoring.models import RuleRun


class Command(BaseCommand):
    help = (
        "Run the early-warning rules on departments' data (run it nightly, e.g. from cron at "
        "02:00): an alert for each household and rule that fires, none twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--place", help="a place's code (default: everything)")

    def handle(self, *args, **options):
        run = services.rules_run(
            on=timezone.localdate(), place=options["place"], trigger=RuleRun.Trigger.NIGHTLY
        )
        self.stdout.write(f"{run.alerts} alerts raised for {run.households} households.")
