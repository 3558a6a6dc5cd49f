"""What the assistance parts share: the place a record is about, chosen among the actor's
places, and a household's row locked as the seller or recipient."""

from django.utils.translation import gettext as _

from bangfu.core.errors import DomainError
from bangfu.core.models import Region
from bangfu.core.regions import RegionLevel
from bangfu.core.selectors import visible_place
from bangfu.registry.models import Household
from bangfu.registry.services import household_locked


def village_of(actor, code: object, *, field: str = "village_code") -> Region:
    """A village (村) among the actor's places, or a refusal on ``field``. A place of
    another county reads as no village at all: it names nothing the actor may see."""
    region = visible_place(actor, str(code or "").strip())
    if region is None or region.level != RegionLevel.VILLAGE:
        raise DomainError(
            _("Choose a village among your places (its 12-digit code)."),
            code="not_a_village",
            field=field,
        )
    return region


def place_of(actor, code: object, *, field: str = "region_code") -> Region:
    """Any place among the actor's places (a school's township, a village), or a refusal."""
    region = visible_place(actor, str(code or "").strip())
    if region is None:
        raise DomainError(
            _("Choose a place among your places (its code)."), code="bad_place", field=field
        )
    return region


def household_of(actor, household_id: int) -> Household:
    """The household, its row locked; one merged into another is refused, saying where."""
    return household_locked(
        actor,
        household_id,
        lambda household: (
            _("Household %(number)s was merged into %(into)s; record it there.")
            % {"number": household.number, "into": household.merged_into}
        ),
    )


def one_of(household_id: int | None, region_code: str | None, *, refusal: str) -> None:
    """A seller is a registered household or a place, not both, not neither."""
    if (household_id is None) == (not region_code):
        raise DomainError(refusal, code="household_or_place", field="household_id")
