import getpass

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from bangfu.accounts.services import administrator_bootstrap
from bangfu.core.errors import DomainError


class Command(BaseCommand):
    help = "Open the first county office administrator for a place (after import_regions)."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--full-name", required=True)
        parser.add_argument("--place", required=True, help="division code of the place held")

    def handle(self, *args, username, full_name, place, **options):
        password = getpass.getpass(_("Password: "))
        try:
            user = administrator_bootstrap(
                username=username, full_name=full_name, password=password, place_code=place
            )
        except DomainError as refusal:
            raise CommandError(str(refusal.message))
        self.stdout.write(_("Administrator %(username)s opened.") % {"username": user.username})
