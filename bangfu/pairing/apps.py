from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PairingConfig(AppConfig):
    name = "bangfu.pairing"
    label = "pairing"
    verbose_name = _("Pairing")

    def ready(self) -> None:
        from bangfu.registry.moves import follow
        from bangfu.registry.sections import HouseholdSection, register

        from . import services, views

        follow(services.pairings_follow_household)

        register(
            HouseholdSection("pairing", "pairing/household_section.html", views.household_section)
        )
