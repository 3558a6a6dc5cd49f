from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "bangfu.teams"
    label = "teams"
    verbose_name = _("Resident work teams")

    def ready(self) -> None:
        # teams and members: the village page links to its four teams
        from bangfu.core.place_links import PlaceLink
        from bangfu.core.place_links import register as on_place_page
        from bangfu.core.regions import RegionLevel

        on_place_page(
            PlaceLink(
                "four_teams",
                _("The four teams"),
                "teams:four_teams",
                lambda user, region: region.level == RegionLevel.VILLAGE,
            )
        )
