from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "bangfu.monitoring"
    label = "monitoring"
    verbose_name = _("Monitoring")

    def ready(self) -> None:
        from bangfu.core.home import HomePanel
        from bangfu.core.home import register as on_home
        from bangfu.core.place_links import PlaceLink, PlaceSection, register_section
        from bangfu.core.place_links import register as on_place_page
        from bangfu.registry.columns import ListColumn
        from bangfu.registry.columns import register as on_household_list
        from bangfu.registry.moves import follow, follow_member
        from bangfu.registry.sections import HouseholdSection, register
        from bangfu.visits import offline

        from . import selectors, services

        follow(services.monitoring_follow_household)
        follow_member(services.monitoring_follow_member)
        register(
            HouseholdSection(
                "monitoring", "monitoring/household_section.html", selectors.household_section
            )
        )
        on_household_list(
            ListColumn(
                "risk_code",
                _("Risk code (三色码)"),
                "monitoring/risk_code.html",
                selectors.risk_codes,
                choices=selectors.RiskCode.choices,
                narrow=selectors.households_of_code,
            )
        )
        # Before the helper's households (order 10): open alerts are what to do first.
        on_home(HomePanel("my_alerts", "monitoring/home.html", selectors.helper_alerts, order=5))
        # A helper's phone keeps their households' open alerts and running procedures: the
        # home check is done at the household, often without a network.
        offline.register(
            offline.PhonePages("monitoring", "monitoring:service_worker", selectors.phone_pages)
        )
        on_place_page(
            PlaceLink(
                "alerts", _("Monitoring alerts"), "monitoring:place_alerts", lambda u, r: True
            )
        )
        on_place_page(
            PlaceLink(
                "assistance",
                _("Monitored households lacking assistance"),
                "monitoring:place_assistance",
                lambda u, r: True,
            )
        )
        on_place_page(
            PlaceLink(
                "alert_rules",
                _("Early-warning rules"),
                "monitoring:place_rules",
                lambda u, r: True,
            )
        )
        register_section(
            PlaceSection("risk_codes", "monitoring/place_risk.html", selectors.risk_by_place)
        )
