import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from bangfu.core.models import Region
from bangfu.national.definitions import INDICATOR_KEYS, LEVELS
from bangfu.national.selectors import figures_from_records


class Command(BaseCommand):
    help = (
        "Print the national indicators of a month as the national job will compute them from "
        "this installation's export: the same definitions, run on this database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--level", choices=LEVELS, default="province")

    def handle(self, *args, month, level, **options):
        try:
            first = datetime.datetime.strptime(month, "%Y-%m").date()
        except ValueError as error:
            raise CommandError(_("Give the month as YYYY-MM, e.g. 2026-10.")) from error
        found = figures_from_records(first)
        names = dict(
            Region.objects.filter(level=LEVELS.index(level) + 1).values_list("code", "name")
        )
        self.stdout.write("\t".join(["month", "level", "place", "name", "indicator", "value"]))
        for (at_level, place), values in sorted(found.items()):
            if at_level != level:
                continue
            for key in INDICATOR_KEYS:
                value = "" if values[key] is None else str(values[key])
                self.stdout.write(
                    "\t".join([month, level, place, names.get(place, ""), key, value])
                )
