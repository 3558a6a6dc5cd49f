from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "bangfu.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from bangfu.core.home import HomePanel
        from bangfu.core.home import register as on_home
        from bangfu.projects.selectors.figures import read_rollups_with
        from bangfu.registry.sections import HouseholdSection, register
        from bangfu.supervision.selectors.figures import caught_up_by
        from bangfu.visits.selectors import figures_from

        from . import rollups, selectors

        register(
            HouseholdSection(
                "handbook", "reports/household_section.html", lambda user, h: {"household": h}
            )
        )
        on_home(HomePanel("figures", "reports/home.html", selectors.home_figures, order=20))
        figures_from(selectors.compliance_of_places)
        read_rollups_with(selectors.project_stocks)
        caught_up_by(rollups.catch_up)
