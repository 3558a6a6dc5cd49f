from django.core.management.base import BaseCommand

from bangfu.reports import rollups


class Command(BaseCommand):
    help = "Recompute every place's dashboard figures from the records and the month roll-ups."

    def handle(self, *args, **options):
        places = rollups.rebuild()
        self.stdout.write(f"{places} places' figures rebuilt.")
