from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from bangfu.core.audit import verify_chain


class Command(BaseCommand):
    help = "Check the audit log's hash chain; exits non-zero at the first broken link."

    def handle(self, *args, **options):
        checked, broken = verify_chain()
        if broken is not None:
            raise CommandError(
                _("The audit log is broken: %(link)s. %(n)d entries before it are intact.")
                % {"link": broken, "n": checked}
            )
        self.stdout.write(_("The audit log is intact: %(n)d entries checked.") % {"n": checked})
