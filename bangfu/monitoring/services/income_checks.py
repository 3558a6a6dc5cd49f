"""Income checks (收入核查): a household's per-capita yearly income estimated on a day, with
whether food and clothing are secure (两不愁) when asked — entered from the household page, or
taken at a risk clearing's or exit's home check. The checklists read them."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core import audit, values
from bangfu.core.capabilities import Capability
from bangfu.core.errors import DomainError
from bangfu.registry.models import Household

from ..models import IncomeCheck, Step
from .common import checked_day, locked_household, require_for


@dataclass
class IncomeCheckInput:
    """An income check as the household page, the API and tests give it."""

    per_capita: Decimal | None  # yuan a person a year, as estimated on the day
    assessed_on: datetime.date | None = None  # None: today
    food_and_clothing: bool | None = None  # 两不愁 attested (None: not asked)
    note: str = ""


def cleaned_income_check(
    *, per_capita: Any, assessed_on: Any, food_and_clothing: Any, note: Any = ""
) -> dict[str, Any]:
    """The check's values, cleaned by the model's rules; the income is required."""
    income = values.clean(IncomeCheck, "per_capita", per_capita)
    if income is None:
        raise DomainError(
            _("Per-capita yearly income: enter what the household earns a person a year."),
            code="required",
            field="per_capita",
        )
    return {
        "per_capita": income,
        "assessed_on": checked_day(IncomeCheck, "assessed_on", assessed_on),
        "food_and_clothing": None
        if food_and_clothing is None
        else values.clean(IncomeCheck, "food_and_clothing", food_and_clothing),
        "note": values.clean(IncomeCheck, "note", note),
    }


def income_check_create(
    actor, household: Household, cleaned: dict[str, Any], step: Step | None = None
) -> IncomeCheck:
    """Store and audit an income check (inside the caller's transaction, the household's row
    locked by it)."""
    record = IncomeCheck.objects.create(
        household=household,
        region_id=household.region_id,
        step=step,
        recorded_at=timezone.now(),
        recorded_by=actor,
        **cleaned,
    )
    audit.record(
        actor=actor,
        action="income_check.record",
        obj=record,
        region_code=record.region_id,
        after=audit.snapshot(record),
    )
    return record


@transaction.atomic
def income_check_record(*, actor, household_id: int, check: IncomeCheckInput) -> IncomeCheck:
    """Record an income check (收入核查) of a household from its page: the per-capita yearly
    income found on the day and, if asked, whether food and clothing are secure. Those who do
    home checks record it (a pair helper for the households paired with them)."""
    require_for(actor, household_id, Capability.MONITORING_HOME)
    household = locked_household(actor, household_id)
    cleaned = cleaned_income_check(
        per_capita=check.per_capita,
        assessed_on=check.assessed_on,
        food_and_clothing=check.food_and_clothing,
        note=check.note,
    )
    return income_check_create(actor, household, cleaned)
