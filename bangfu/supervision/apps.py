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

        from bangfu.registry.moves import follow
        from bangfu.registry.sections import HouseholdSection
        from bangfu.registry.sections import register as on_household_page

        from .selectors.surveys import household_surveys
        from .services.surveys import surveys_follow_household

        # surveys: a household's surveys are read at its place, wherever it moves, and are
        # listed on its page with a link to survey it.
        follow(surveys_follow_household)
        on_household_page(
            HouseholdSection("surveys", "supervision/surveys_household.html", household_surveys)
        )
