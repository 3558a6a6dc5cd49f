from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "bangfu.projects"
    label = "projects"
    verbose_name = _("Projects and funds")

    def ready(self) -> None:
        from bangfu.registry.moves import follow
        from bangfu.registry.sections import HouseholdSection
        from bangfu.registry.sections import register as on_household_page

        from . import services
        from .selectors.coverage import household_income_projects

        # A household's rows are read at its place, wherever it moves: the projects naming
        # it a beneficiary, its donations, agreements and sales.
        follow(services.beneficiaries_follow_household)
        follow(services.assistance_follow_household)
        # The household page lists its income projects (到户项目): its plan's income measures
        # and the projects that benefit it.
        on_household_page(
            HouseholdSection(
                "income_projects",
                "projects/household_income_projects.html",
                household_income_projects,
            )
        )
