from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChecksConfig(AppConfig):
    name = "bangfu.checks"
    label = "checks"
    verbose_name = _("Handbook checks")

    def ready(self) -> None:
        from bangfu.core.home import HomePanel
        from bangfu.core.home import register as on_home
        from bangfu.core.place_links import PlaceLink
        from bangfu.core.place_links import register as on_place_page
        from bangfu.registry.edits import watch
        from bangfu.registry.sections import HouseholdSection
        from bangfu.registry.sections import register as on_household_page

        from .selectors import differences, reports
        from .services import comparison

        # A registry edit may make the records agree with the national system: the open
        # differences of the households edited are compared again and closed if they do.
        watch(comparison.households_edited)
        on_household_page(
            HouseholdSection(
                "checks", "checks/household_section.html", differences.household_section
            )
        )
        on_place_page(
            PlaceLink(
                "differences",
                _("Differences from the national system"),
                "checks:place_differences",
                lambda u, r: True,
            )
        )
        # Self-check reports: the village's work team is told when its report is due, the
        # township which of its villages' reports are late or missing.
        on_home(
            HomePanel(
                "check_report_due", "checks/reports/due_home.html", reports.report_due_home, order=8
            )
        )
        on_home(
            HomePanel(
                "check_reports_late",
                "checks/reports/late_home.html",
                reports.reports_late_home,
                order=15,
            )
        )
