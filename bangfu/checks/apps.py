from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChecksConfig(AppConfig):
    name = "bangfu.checks"
    label = "checks"
    verbose_name = _("Handbook checks")

    def ready(self) -> None:
        from bangfu.core.home import HomePanel
        from bangfu.core.home import register as on_home

        from .selectors import reports

        # self-check reports: the village's work team is told when its report is due, the
        # township which of its villages' reports are late or missing
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
