from django.core.management.base import BaseCommand, CommandError

from bangfu.core import rotation
from bangfu.core.protection import AuditKeyMissing, SealBroken, fingerprints, rotating


class Command(BaseCommand):
    help = (
        "Re-seal sealed fields and re-hash look-up hashes under the keys and profile in force "
        "(BANGFU_CRYPTO, BANGFU_SM4_KEYS / BANGFU_FIELD_KEYS, BANGFU_LOOKUP_KEY), batch by "
        "batch while the application serves, then record the switch in the audit log. "
        "Safe to run again after an interruption."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=rotation.BATCH, help="rows a transaction")

    def handle(self, *args, **options):
        state = fingerprints()
        self.stdout.write(
            f"Profile {state['profile']}, sealing key {state['seal_key']}, "
            f"look-up key {state['lookup_key']}, audit key {state['audit_key']}"
            + (" (the previous look-up scheme still read)" if rotating() else "")
        )
        try:
            rotation.check_schemes()
            passes = 0
            while True:  # until a whole pass finds nothing left (a late old-style write)
                passes += 1
                columns = rotation.sealed_columns()
                changed = sum(self._column(column, options["batch"]) for column in columns)
                if not changed:
                    break
            entry = rotation.switch()
        except (rotation.RotationRefused, SealBroken, AuditKeyMissing) as refused:
            raise CommandError(f"{refused}. Batches done so far stay done; run again.") from refused
        self.stdout.write(
            f"Done in {passes} pass(es): every sealed value and hash is under the keys in force."
        )
        if entry is None:
            self.stdout.write("The audit log recorded these keys already.")
        else:
            self.stdout.write(f"The switch is audit entry {entry.seq}.")
        if rotating():
            self.stdout.write(
                "Now remove BANGFU_CRYPTO_PREVIOUS / BANGFU_LOOKUP_KEY_PREVIOUS and the old "
                "sealing and look-up keys from the settings (keep BANGFU_AUDIT_KEYS_PREVIOUS: "
                "the entries they keyed need them) and restart the application."
            )

    def _column(self, column: rotation.SealedColumn, size: int) -> int:
        read = resealed = rehashed = carried = 0
        for batch in rotation.rotate_column(column, size):
            read, resealed, rehashed, carried = (
                read + batch.read,
                resealed + batch.resealed,
                rehashed + batch.rehashed,
                carried + batch.carried,
            )
        self.stdout.write(
            f"{column}: {read} rows read, {resealed} re-sealed, {rehashed} re-hashed"
            + (f" ({carried} copies of their hashes moved with them)" if carried else "")
        )
        return resealed + rehashed
