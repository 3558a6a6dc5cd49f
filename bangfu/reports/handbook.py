"""The household handbook (帮扶手册): the paper record each registered household keeps, made
from the data as a PDF: the household, its members, its status history, who answers for it,
the visits and their follow-ups. A village's handbooks are one PDF, a household a section
starting on a new page.

Every read goes through the selectors of the apps below, starting from a household the
caller reached through a scoped selector (``household_for``, ``households``). What is the
same for many households (a place's chain of responsibility and its names) is read once per
place, so a village costs a fixed number of queries per household (about 12).

Measured on two cores (SQLite): a village of 60 households, each with 4 members, 2 helpers
and 10 visits, reads in 0.7 s and prints 120 pages in about 14 s, nearly all of it
WeasyPrint's layout (about 0.1 s a page).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from bangfu.core.errors import DomainError
from bangfu.core.models import Region
from bangfu.core.pdf import pdf_from_html
from bangfu.core.regions import RegionLevel
from bangfu.core.selectors import trail_of
from bangfu.pairing.models import Pairing, Responsibility
from bangfu.pairing.selectors import chain_at, pairings_of
from bangfu.plans.selectors import handbook_plan
from bangfu.registry.models import AnnualIncome, Household, Member, StatusChange
from bangfu.registry.selectors import (
    HouseholdFilters,
    IdMask,
    former_members_of,
    history_of,
    id_mask_for,
    incomes_of,
    members_of,
    shown_id,
)
from bangfu.registry.selectors import households as registry_households
from bangfu.registry.services import id_numbers_revealed
from bangfu.visits.models import Problem, Visit
from bangfu.visits.selectors import problems_of, visits_of

TEMPLATE = "reports/handbook.html"
# The places a handbook is made for in one go: a county's would run to thousands of pages in
# one request, so they are made village by village (or group by group).
HANDBOOK_LEVELS = (RegionLevel.VILLAGE, RegionLevel.GROUP)


def refuse_above_village(region: Region) -> None:
    """A county's or township's handbooks would run to thousands of pages in one file."""
    if region.level not in HANDBOOK_LEVELS:
        raise DomainError(
            _(
                "Handbooks are printed village by village: choose a village or a village "
                "group under %(place)s."
            )
            % {"place": region.name},
            code="not_a_village",
        )


@dataclass
class HandbookPage:
    """One household's part of the handbook, read and ready for the template."""

    household: Household
    place: str  # 乡镇 村 (组), as the paper form names the place
    members: list[tuple[Member, str]]  # with the ID number as this reader may see it
    former_members: list[tuple[Member, str]]
    history: list[StatusChange]
    income: AnnualIncome | None  # the latest year recorded
    chain: list[tuple[str, Responsibility | None]]
    pairings: list[Pairing]
    visits: list[Visit]
    problems: list[Problem]
    full_ids: bool = False
    # plans: the household's measures, effects and acknowledgement (``plans.handbook_plan``)
    plan: dict = field(default_factory=dict)


@dataclass
class _PlaceCache:
    """What every household of one place shares, read once per place (and the reader's ID
    mask, a policy look-up, once per handbook)."""

    user: Any
    names: dict[str, str] = field(default_factory=dict)
    chains: dict[str, list[tuple[str, Responsibility | None]]] = field(default_factory=dict)
    _mask: IdMask | None = None

    @property
    def mask(self) -> IdMask:
        if self._mask is None:
            self._mask = id_mask_for(self.user)
        return self._mask

    def name_of(self, region: Region) -> str:
        if region.code not in self.names:
            # Only the places the reader may see: a village's handbook names its township
            # and village, not the province above a county's staff.
            trail = [r for r in trail_of(self.user, region) if r.level >= RegionLevel.TOWNSHIP]
            self.names[region.code] = " ".join([r.name for r in trail] + [region.name])
        return self.names[region.code]

    def chain_of(self, region: Region) -> list[tuple[str, Responsibility | None]]:
        if region.code not in self.chains:
            self.chains[region.code] = chain_at(region)
        return self.chains[region.code]


def handbook_households(user, region: Region) -> QuerySet[Household]:
    """Every open household under a village or group the user may see, by number, with what
    the handbook shows of each household fetched for all of them at once."""
    return (
        registry_households(user, HouseholdFilters(region_code=region.code, sort="number"))
        .select_related("standard", "monitoring_type")
        .prefetch_related("other_causes")
    )


def handbook_page(
    user, household: Household, places: _PlaceCache, *, full_ids: bool = False
) -> HandbookPage:
    """One household's handbook. With ``full_ids`` the members' ID numbers are shown whole,
    through the registry's audited reveal (查看留痕), which refuses a user without the right."""
    members = list(members_of(household))
    former = list(former_members_of(household))
    if full_ids:
        shown = id_numbers_revealed(actor=user, household_id=household.pk)
    else:
        shown = {m.pk: shown_id(m, places.mask) for m in members + former}
    return HandbookPage(
        household=household,
        place=places.name_of(household.region),
        members=[(m, shown[m.pk]) for m in members],
        former_members=[(m, shown[m.pk]) for m in former],
        history=list(history_of(household)),
        income=incomes_of(household).first(),
        chain=places.chain_of(household.region),
        pairings=list(pairings_of(household)),
        # Oldest first, as a paper record fills up; the selectors give the newest first.
        visits=list(visits_of(household).order_by("visited_at", "pk")),
        problems=list(problems_of(household).order_by("found_on", "pk")),
        full_ids=full_ids,
        plan=handbook_plan(household),
    )


def render_handbook(user, households: Iterable[Household], *, full_ids: bool = False) -> bytes:
    """The handbooks of ``households`` (already reached through a scoped selector) as one A4
    PDF, each household starting on a new page, in the active language."""
    places = _PlaceCache(user)
    pages = [handbook_page(user, h, places, full_ids=full_ids) for h in households]
    html = render_to_string(
        TEMPLATE,
        {
            "pages": pages,
            "printed_on": timezone.localdate(),
            "language": get_language(),
        },
    )
    # Self-contained: the signatures are inlined as ``data:``, the only protocol allowed.
    return pdf_from_html(html)
