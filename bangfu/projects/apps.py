from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "bangfu.projects"
    label = "projects"
    verbose_name = _("Projects and funds")

    def ready(self) -> None:
        from bangfu.registry.moves import follow

        from . import services

        # donations, agreements and sales of a household are read at its place
        follow(services.assistance_follow_household)
