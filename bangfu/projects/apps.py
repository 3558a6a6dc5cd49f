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

        from .selectors import library as reads
        from .services import library

        # A beneficiary household's row is read at the household's place, wherever it moves.
        follow(library.beneficiaries_follow_household)
        on_household_page(
            HouseholdSection("projects", "projects/household_section.html", reads.household_section)
        )
