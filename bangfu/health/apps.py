from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "bangfu.health"
    label = "health"
    verbose_name = _("Health assistance")

    def ready(self) -> None:
        from bangfu.registry.moves import follow, follow_member
        from bangfu.registry.sections import HouseholdSection, register

        from . import selectors, services

        # A household that moves takes its members' health records with it.
        follow(services.health_follow_household)
        # A member who joins a household elsewhere takes their health records with them.
        follow_member(services.health_follow_member)
        # The household page shows each member's contract and latest check-up.
        register(
            HouseholdSection("health", "health/household_section.html", selectors.household_section)
        )
