"""What an inspector's phone keeps for working in a village without a network (the visits'
service worker, ``visits.offline``): the households to survey of each open round in whose
inspection group they are, each household's survey page (with its questionnaire), and the
page that records a finding. Their surveys and findings wait in the phone's queue ``QUEUE``
until they are sent."""

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.http import urlencode

from bangfu.core.capabilities import Capability

from ..models import InspectionRound, RoundState, Survey
from .rounds import current_draw, round_for, sample_of, sampled

# The phone's IndexedDB queue of the surveys and findings not yet sent (static/visits/queue.js).
QUEUE = "bangfu-supervision"


def survey_address(household_id: int, round_id: int | None) -> str:
    """The survey page of a household (within a round): the address its copy is kept under."""
    url = reverse("supervision:survey_household", args=[household_id])
    return f"{url}?{urlencode({'round': round_id})}" if round_id else url


def rounds_inspected(user) -> QuerySet[InspectionRound]:
    """The open rounds of the reader's places in whose inspection group they are."""
    return (
        InspectionRound.objects.visible_to(user)
        .filter(state=RoundState.OPEN, inspectors=user)
        .order_by("-month", "pk")
    )


def inspects_round(user, inspection: InspectionRound) -> bool:
    """Whether the round is the reader's own work: open, and they are of its group."""
    return (
        inspection.state == RoundState.OPEN
        and user.has_capability(Capability.INSPECT)
        and inspection.inspectors.filter(pk=user.pk).exists()
    )


def _surveyed(inspection: InspectionRound) -> dict[int, Survey]:
    return {
        survey.household_id: survey
        for survey in Survey.objects.filter(round=inspection).select_related("recorded_by")
    }


def round_households(user, round_id: int) -> dict[str, Any]:
    """A round's sampled households as its inspectors survey them: each with its village,
    head and survey page, and its survey in the round once there is one."""
    inspection = round_for(user, round_id)
    surveyed = _surveyed(inspection)
    rows = [
        {
            "sampled": row,
            "survey": surveyed.get(row.record_id),
            "address": survey_address(row.record_id, inspection.pk),
        }
        for row in sample_of(current_draw(inspection))["household"]
    ]
    return {
        "inspection": inspection,
        "rows": rows,
        "own": inspects_round(user, inspection),
        "may_survey": user.has_capability(Capability.INSPECT)
        and inspection.state == RoundState.OPEN,
    }


def phone_pages(user) -> list[str]:
    """The addresses an inspector's phone keeps: for each open round of theirs, its households
    to survey and the survey page of each not yet surveyed; the page recording a finding."""
    if not user.has_capability(Capability.INSPECT):
        return []
    pages = []
    for inspection in rounds_inspected(user):
        done = set(Survey.objects.filter(round=inspection).values_list("household_id", flat=True))
        pages.append(reverse("supervision:round_surveys", args=[inspection.pk]))
        pages.extend(
            survey_address(household_id, inspection.pk)
            for household_id in sampled(inspection, "household").values_list(
                "household_id", flat=True
            )
            if household_id not in done
        )
    pages.append(reverse("supervision:finding_add"))
    return pages
