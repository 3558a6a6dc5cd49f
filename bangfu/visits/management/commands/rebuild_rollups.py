from django.core.management.base import BaseCommand

from bangfu.visits import rollups


class Command(BaseCommand):
    help = "Recompute every household's month roll-up of visits from the visits and problems."

    def handle(self, *args, **options):
        def progress(done: int, total: int) -> None:
            self.stdout.write(f"\r{done}/{total} households", ending="")
            self.stdout.flush()

        written = rollups.rebuild(progress)
        self.stdout.write(f"\n{written} month rows rebuilt.")
