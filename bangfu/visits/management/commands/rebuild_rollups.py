from django.core.management import call_command, get_commands
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
        # The places' figures add these rows up, and a rebuild writes no audit entry that
        # would tell them what changed: they are made again too (by the reports app, which
        # this app may not import).
        if "rebuild_place_rollups" in get_commands():
            call_command("rebuild_place_rollups", stdout=self.stdout)
