"""Reads of household plans: every list starts from ``visible_to``; a record outside the
reader's places answers 404 as a missing one."""

import base64
import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from bangfu.core.capabilities import Capability
from bangfu.core.models import Region
from bangfu.core.scoping import get_visible_or_404
from bangfu.pairing.models import Pairing
from bangfu.pairing.selectors import may_act_for, my_households
from bangfu.registry.models import AnnualIncome, Household

from .models import OPEN_STATUSES, Acknowledgement, Effect, Measure, MeasureStatus

DROPPED = MeasureStatus.DROPPED


def may_write(user, household: Household) -> bool:
    """Whether ``user`` may change this household's plan (as the services decide)."""
    return may_act_for(
        user, household.pk, anywhere=Capability.MANAGE_PLANS, own=Capability.RECORD_PLANS
    )


def measures_of(household: Household) -> QuerySet[Measure]:
    return (
        Measure.objects.filter(household=household)
        .select_related("kind", "responsible_helper")
        .order_by("due_on", "pk")
    )


def measure_for(user, measure_id: int) -> Measure:
    return get_visible_or_404(
        Measure.objects.select_related("kind", "responsible_helper", "household"),
        user,
        pk=measure_id,
    )


def overdue_q(today: datetime.date) -> Q:
    """A measure past due and neither done nor dropped (逾期)."""
    return Q(due_on__lt=today, status__in=OPEN_STATUSES)


def on_plans(user, within: Region | None = None) -> QuerySet[Measure]:
    """The measures on the plans under a place that count in its figures: all but those
    given up (``dropped``), which stay on the plan but are no measure taken."""
    return Measure.objects.visible_to(user, within).exclude(status=DROPPED)


def households_with_plan(user, within: Region | None = None) -> QuerySet[Household]:
    """Open households under a place with at least one measure that is not dropped (有帮扶
    计划的户)."""
    return (
        Household.objects.visible_to(user, within)
        .filter(closed_on=None)
        .filter(Exists(Measure.objects.filter(household=OuterRef("pk")).exclude(status=DROPPED)))
    )


def overdue_measures(user, within: Region | None = None) -> QuerySet[Measure]:
    """The measures overdue today under a place (or all the user's places), oldest first."""
    return (
        Measure.objects.visible_to(user, within)
        .filter(overdue_q(timezone.localdate()))
        .select_related("kind", "responsible_helper", "household", "region")
        .order_by("due_on", "pk")
    )


def effects_of(household: Household) -> list[dict]:
    """Each year's effect, newest first, beside the registry's per-capita net income of that
    year and the year before (read from ``AnnualIncome``, never copied)."""
    effects = list(Effect.objects.filter(household=household).order_by("-year"))
    years = {e.year for e in effects} | {e.year - 1 for e in effects}
    incomes = {
        income.year: income.per_capita_net
        for income in AnnualIncome.objects.filter(household=household, year__in=years)
    }
    return [
        {
            "effect": effect,
            "income": incomes.get(effect.year),
            "income_before": incomes.get(effect.year - 1),
            "change": (
                incomes[effect.year] - incomes[effect.year - 1]
                if effect.year in incomes and effect.year - 1 in incomes
                else None
            ),
        }
        for effect in effects
    ]


def plan_of(user, household: Household) -> dict:
    """A household's plan: its measures (each marked overdue or not) and effects."""
    today = timezone.localdate()
    measures = list(measures_of(household))
    return {
        "household": household,
        "measures": [(m, m.is_overdue(today)) for m in measures],
        "overdue": sum(1 for m in measures if m.is_overdue(today)),
        "effects": effects_of(household),
        "acknowledgement": latest_acknowledgement(household),
        "may_write": may_write(user, household),
    }


def household_section(user, household: Household) -> dict:
    """The household page's plan section (see ``registry.sections``)."""
    return plan_of(user, household)


def helper_choices(household: Household) -> list[tuple[int, str]]:
    """The household's helpers now, as the responsible person of a measure."""
    return [
        (p.helper_id, p.helper.name)
        for p in Pairing.objects.filter(household=household, ended_on=None, helper__isnull=False)
        .select_related("helper")
        .order_by("-is_main", "pk")
    ]


def latest_acknowledgement(household: Household) -> Acknowledgement | None:
    """The household's latest acknowledgement of its plan (户主签字确认)."""
    return (
        Acknowledgement.objects.filter(household=household)
        .select_related("recorded_by")
        .order_by("-recorded_at", "-pk")
        .first()
    )


def acknowledgement_for(user, acknowledgement_id: int) -> Acknowledgement:
    return get_visible_or_404(Acknowledgement.objects.all(), user, pk=acknowledgement_id)


def head_name(household: Household) -> str:
    """Who signs by default: the head of the household (户主)."""
    head = household.members.filter(is_head=True, left_on=None).first()
    return head.name if head else ""


def image_data_uri(acknowledgement: Acknowledgement) -> str:
    """The stored signature as a ``data:`` URI, for the handbook PDF, which fetches nothing
    from outside the document."""
    with acknowledgement.image.open("rb") as stored:
        content = stored.read()
    return "data:image/jpeg;base64," + base64.b64encode(content).decode("ascii")


def handbook_plan(household: Household) -> dict:
    """What the household handbook prints of the plan: its measures, each year's effect, and
    the household's latest acknowledgement with its image."""
    today = timezone.localdate()
    acknowledgement = latest_acknowledgement(household)
    return {
        "measures": [(m, m.is_overdue(today)) for m in measures_of(household)],
        "effects": effects_of(household),
        "acknowledgement": acknowledgement,
        "signature": image_data_uri(acknowledgement) if acknowledgement else "",
    }


def phone_pages(user) -> list[str]:
    """The plans pages a pair helper's phone keeps (``visits.offline``): the acknowledgement
    page of each household paired with them now, so that a household signs offline."""
    return [
        reverse("plans:acknowledge", args=[pairing.household_id]) for pairing in my_households(user)
    ]
