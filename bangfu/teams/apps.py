from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "bangfu.teams"
    label = "teams"
    verbose_name = _("Resident work teams")

    def ready(self) -> None:
        from bangfu.core.home import HomePanel
        from bangfu.core.home import register as on_home

        from .selectors import checkins

        # check-ins: a member's day and month on their home page
        on_home(
            HomePanel("team_member", "teams/checkins/home.html", checkins.member_home, order=12)
        )
