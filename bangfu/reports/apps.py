from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "bangfu.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from bangfu.registry.sections import HouseholdSection, register

        register(
            HouseholdSection(
                "handbook", "reports/household_section.html", lambda user, h: {"household": h}
            )
        )
