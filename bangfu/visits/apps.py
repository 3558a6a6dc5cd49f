from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "bangfu.visits"
    label = "visits"
    verbose_name = _("Visits")

    def ready(self) -> None:
        from bangfu.core.home import HomePanel
        from bangfu.core.home import register as on_home
        from bangfu.registry.moves import follow
        from bangfu.registry.sections import HouseholdSection, register

        from . import offline, selectors, services

        follow(services.visits_follow_household)

        register(
            HouseholdSection("visits", "visits/household_section.html", selectors.household_section)
        )
        on_home(HomePanel("my_households", "visits/home.html", selectors.helper_home, order=10))
        # A helper's phone keeps their households, the capture page and their month.
        offline.register(
            offline.PhonePages("visits", "visits:service_worker", selectors.phone_pages)
        )
