from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from bangfu.core.services import REGION_COLUMNS, RowsRefused, regions_import
from bangfu.core.tables import read_rows


class Command(BaseCommand):
    help = "Load places (division code, name, level, parent) from a .csv or .xlsx file."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.exists():
            raise CommandError(_("File not found: %(file)s") % {"file": file})
        rows = read_rows(file, REGION_COLUMNS)
        try:
            counts = regions_import(actor=None, rows=rows)
        except RowsRefused as refusal:
            raise CommandError(str(refusal.message))
        self.stdout.write(
            _("Places: %(created)d new, %(updated)d changed, %(unchanged)d unchanged.")
            % {"created": counts.created, "updated": counts.updated, "unchanged": counts.unchanged}
        )
