from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from bangfu.core.backup import KEY_ENV, BackupError, operator_key, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup` into this installation, which must be empty and "
        "hold the keys the backup was made with (see docs/operations.md)."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("src", help="the backup file to restore")
        parser.add_argument(
            "--key-file",
            help=f"file holding the backup key (64 hex digits); default: ${KEY_ENV}",
        )

    def handle(self, *args, src, key_file, **options):
        try:
            manifest, checked = restore(Path(src), operator_key(key_file))
        except BackupError as error:
            raise CommandError(_("Not restored: %(reason)s") % {"reason": error}) from error
        self.stdout.write(
            _(
                "Restored %(src)s (made %(made)s): %(rows)d rows in %(tables)d tables and "
                "%(files)d files, as its manifest says; the audit log is intact: %(n)d "
                "entries checked."
            )
            % {
                "src": src,
                "made": manifest["created_at"],
                "rows": sum(manifest["tables"].values()),
                "tables": len(manifest["tables"]),
                "files": sum(manifest["files"].values()),
                "n": checked,
            }
        )
