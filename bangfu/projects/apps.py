from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "bangfu.projects"
    label = "projects"
    verbose_name = _("Projects and funds")

    def ready(self) -> None:
        from bangfu.registry.moves import follow
        from bangfu.registry.sections import HouseholdSection, register

        from . import services
        from .selectors.coverage import household_income_projects

        # donations, agreements and sales of a household are read at its place
        follow(services.assistance_follow_household)
        # the household page lists its income projects (到户项目)
        register(
            HouseholdSection(
                "income_projects",
                "projects/household_income_projects.html",
                household_income_projects,
            )
        )
