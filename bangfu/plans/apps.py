from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "bangfu.plans"
    label = "plans"
    verbose_name = _("Household plans")

    def ready(self) -> None:
        from bangfu.core.place_links import PlaceLink
        from bangfu.core.place_links import register as on_place_page
        from bangfu.registry.moves import follow
        from bangfu.registry.sections import HouseholdSection, register
        from bangfu.visits import offline

        from . import selectors, services

        follow(services.plans_follow_household)
        # a place's page links to the measures overdue under it
        on_place_page(
            PlaceLink(
                "plan_overdue", _("Overdue measures"), "plans:place_overdue", lambda u, r: True
            )
        )
        register(
            HouseholdSection("plans", "plans/household_section.html", selectors.household_section)
        )
        # A pair helper's phone keeps each of their households' acknowledgement pages.
        offline.register(offline.PhonePages("plans", "plans:service_worker", selectors.phone_pages))
