from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "bangfu.teams"
    label = "teams"
    verbose_name = _("Resident work teams")

    def ready(self) -> None:
        from bangfu.core.home import HomePanel
        from bangfu.core.home import register as on_home
        from bangfu.core.place_links import PlaceLink
        from bangfu.core.place_links import register as on_place_page
        from bangfu.core.regions import RegionLevel

        from .selectors import checkins

        # teams and members: the village page links to its four teams
        on_place_page(
            PlaceLink(
                "four_teams",
                _("The four teams"),
                "teams:four_teams",
                lambda user, region: region.level == RegionLevel.VILLAGE,
            )
        )
        # check-ins: a member's day and month on their home page
        on_home(
            HomePanel("team_member", "teams/checkins/home.html", checkins.member_home, order=12)
        )
        # check-ins: this month's check-in flags on the home page of those who read flags
        on_home(HomePanel("check_in_flags", "teams/checkins/flags_home.html", checkins.flags_home))
