from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from bangfu.national.export import export_parquet


class Command(BaseCommand):
    help = (
        "Write the facts the national figures need as Parquet under DEST (no names, numbers "
        "or ID numbers), only the counties changed since the last run (see docs/operations.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("dest", help="the export's folder (kept between runs)")
        parser.add_argument(
            "--since",
            type=int,
            help="rewrite the counties changed after this audit entry (default: the last run's)",
        )
        parser.add_argument("--full", action="store_true", help="rewrite every county")

    def handle(self, *args, dest, since, full, **options):
        manifest = export_parquet(Path(dest), since=since, full=full)
        self.stdout.write(
            _(
                "Exported to %(dest)s up to audit entry %(seq)d: %(counties)d counties "
                "rewritten, %(rows)d rows."
            )
            % {
                "dest": dest,
                "seq": manifest["audit_head"]["seq"],
                "counties": len(manifest["counties"]),
                "rows": sum(manifest["rows"].values()),
            }
        )
