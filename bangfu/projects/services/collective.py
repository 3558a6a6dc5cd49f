"""Village collective income (村集体经济收入): each village's income of a year from each
source, recorded by the village's work team, its township or the county; recording a source
of a year again replaces it."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core import audit, values
from bangfu.core.capabilities import Capability, require
from bangfu.core.selectors import chosen_code
from bangfu.core.services import retried_on_conflict

from ..models import CollectiveIncome
from .places import village_of


def _state(income: CollectiveIncome) -> dict:
    state = audit.snapshot(income)
    state["source"] = income.source.value
    return state


@retried_on_conflict
@transaction.atomic
def collective_income_record(
    *, actor, village_code: str, year: int | str, source: str, amount: Decimal | str
) -> CollectiveIncome:
    """Record a village's collective income of a year from one source (a loss negative);
    again for the same village, year and source replaces the amount, audited before and
    after."""
    require(actor, Capability.RECORD_ASSISTANCE)
    village = village_of(actor, village_code)
    year = values.clean(CollectiveIncome, "year", year)
    amount = values.clean(CollectiveIncome, "amount", amount)
    code = chosen_code(
        "collective_income_source",
        source,
        _("Choose the source of income from the list."),
        field="source",
        code="bad_source",
    )
    income = (
        CollectiveIncome.objects.select_for_update()
        .filter(region=village, year=year, source=code)
        .first()
    )
    before = _state(income) if income else None
    if income is None:
        income = CollectiveIncome(region=village, year=year, source=code)
    income.amount, income.recorded_at, income.recorded_by = amount, timezone.now(), actor
    income.save()
    audit.record(
        actor=actor,
        action="collective_income.record",
        obj=income,
        region_code=village.code,
        before=before,
        after=_state(income),
    )
    return income
