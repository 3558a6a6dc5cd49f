"""Helpers for risk clearing (风险消除) and exit verification (脱贫退出): a household made
monitored, income checks (收入核查) on given days, a clearing or exit started and run."""

import datetime
from decimal import Decimal

from bangfu.monitoring import services
from bangfu.monitoring.services import IncomeCheckInput, StartInput, StepInput
from bangfu.registry.services import StatusInput, household_status_change

D = datetime.date
MONITORED_SINCE = D(2025, 12, 1)


def make_monitored(actor, household, on=MONITORED_SINCE):
    """The household identified as monitored (边缘易致贫户, 因病) on ``on``."""
    household_status_change(
        actor=actor,
        household_id=household.pk,
        change=StatusInput(
            status="monitored",
            effective_on=on,
            reason="识别为监测对象",
            monitoring_type="2",
            risk_types=["1"],
        ),
    )
    household.refresh_from_db()
    return household


def income(actor, household, on, amount, food=None):
    return services.income_check_record(
        actor=actor,
        household_id=household.pk,
        check=IncomeCheckInput(per_capita=Decimal(amount), assessed_on=on, food_and_clothing=food),
    )


def start(actor, household, kind, on):
    return services.procedure_start(
        actor=actor, household_id=household.pk, start=StartInput(kind=kind, started_on=on)
    )


def run_chain(home, village, township, county, procedure, first_day, amount=8000, food=True):
    """The home check (with its income check), the village's review and notice, the township
    after the notice, and the county's decision, from ``first_day``."""
    days = [first_day + datetime.timedelta(days=n) for n in (0, 1, 8, 9)]
    fields = [
        {"per_capita": Decimal(amount), "food_and_clothing": food},
        {"notice_from": days[1] + datetime.timedelta(days=1)},
        {},
        {},
    ]
    keys = ["home_check", "village_review", "township_review", "county_decision"]
    for actor, key, day, extra in zip(
        (home, village, township, county), keys, days, fields, strict=True
    ):
        services.step_record(
            actor=actor, procedure_id=procedure.pk, step=StepInput(step=key, done_on=day, **extra)
        )
    procedure.refresh_from_db()
    return procedure
