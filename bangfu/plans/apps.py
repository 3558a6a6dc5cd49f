from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "bangfu.plans"
    label = "plans"
    verbose_name = _("Household plans")

    def ready(self) -> None:
        from bangfu.registry.moves import follow
        from bangfu.registry.sections import HouseholdSection, register

        from . import selectors, services

        follow(services.plans_follow_household)
        register(
            HouseholdSection("plans", "plans/household_section.html", selectors.household_section)
        )
