from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from bangfu.core.backup import KEY_ENV, BackupError, backup, operator_key, partial_of


class Command(BaseCommand):
    help = (
        "Write an encrypted backup of the database, the kept files of var/ and a manifest to "
        "DEST, safely while the system is in use (see docs/operations.md)."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("dest", help="the backup file to write")
        parser.add_argument(
            "--key-file",
            help=f"file holding the backup key (64 hex digits); default: ${KEY_ENV}",
        )

    def handle(self, *args, dest, key_file, **options):
        dest = Path(dest)
        try:
            manifest = backup(dest, operator_key(key_file))
        except BackupError as error:
            raise CommandError(
                _("No backup was made: %(reason)s (nothing is left at %(partial)s).")
                % {"reason": error, "partial": partial_of(dest)}
            ) from error
        self.stdout.write(
            _(
                "Backup written to %(dest)s: %(rows)d rows in %(tables)d tables, audit log up "
                "to entry %(seq)d, %(files)d files."
            )
            % {
                "dest": dest,
                "rows": sum(manifest["tables"].values()),
                "tables": len(manifest["tables"]),
                "seq": manifest["audit_head"]["seq"],
                "files": sum(manifest["files"].values()),
            }
        )
