from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "bangfu.supervision"
    label = "supervision"
    verbose_name = _("Supervision and evaluation")

    def ready(self) -> None:
        from bangfu.core.home import HomePanel
        from bangfu.core.home import register as on_home

        from .selectors import findings

        # Findings: those who rectify are reminded of their places' findings due soon or
        # overdue; inspectors see the rectifications waiting for their verification.
        on_home(
            HomePanel(
                "findings_to_rectify",
                "supervision/findings_home_rectify.html",
                findings.rectify_home,
                order=14,
            )
        )
        on_home(
            HomePanel(
                "findings_to_verify",
                "supervision/findings_home_verify.html",
                findings.verify_home,
                order=14,
            )
        )
