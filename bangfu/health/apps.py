from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "bangfu.health"
    label = "health"
    verbose_name = _("Health assistance")

    def ready(self) -> None:
        from bangfu.core.home import HomePanel
        from bangfu.core.home import register as on_home
        from bangfu.registry.moves import follow, follow_member
        from bangfu.registry.sections import HouseholdSection, register
        from bangfu.visits import offline

        from . import selectors, services

        # A household that moves takes its members' health records with it.
        follow(services.health_follow_household)
        # A member who joins a household elsewhere takes their health records with them.
        follow_member(services.health_follow_member)
        # The household page shows each member's contract and latest check-up.
        register(
            HouseholdSection("health", "health/household_section.html", selectors.household_section)
        )
        # A pair helper's first screen leads to the follow-ups of their households.
        on_home(HomePanel("helper_follow_ups", "health/home.html", selectors.helper_home, order=20))
        # A pair helper's phone keeps the follow-up page with their other pages.
        offline.register(
            offline.PhonePages("health", "health:service_worker", selectors.phone_pages)
        )
