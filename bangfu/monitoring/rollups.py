"""Monitoring figures of places (防止返贫监测指标) for the place roll-ups: what a place's own
records add to its ``reports.PlaceStock`` and ``PlaceMonth`` rows, as one JSON map each
(``monitoring``). ``reports.rollups`` calls ``own_stock`` and ``own_months`` for the places
the audit log says were written (``alert.*``, ``procedure.*``, and the registry's, plans'
and pairing's writes that change the rule of assistance) and for every place on a rebuild.

As it stands (stock, judged with the rules in force today): ``able`` monitored households
able to work, ``developing`` those of them with a developmental measure, ``social_security``
tracked households with no member able to work (``selectors``' one definition of each);
``alerts_open`` open alerts by the day they are due, which the day judged reads as overdue.

In a month (flows): alerts ``raised`` by source and ``by_rule`` (a rule's code), alerts
``verified`` (closed) and of them ``on_time`` (closed on or before ``due_on``); procedures
``passed`` by kind (identification, and whatever kinds the engine declares); households
identified by monitoring type (``identified_type``) and risk type (``identified_risk``, code
ids); and ``decision_days`` (days from the first alert to the county's decision → how many),
all dated by the day the record names (raised, closed, ended).
"""

import datetime
from collections import Counter
from collections.abc import Iterator
from typing import Any

from django.db.models import Count, F, Min, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from bangfu.registry.models import Household, HouseholdStatus
from bangfu.visits.rollups import month_of, within_months

from .models import Alert, AlertSource, AlertState, Procedure, ProcedureKind, ProcedureState
from .selectors import TRACKED, able_to_work_q, developmental_q

CHUNK = 500
Part = tuple[str, str, Any]


def _chunks(codes: list[str] | None) -> Iterator[dict]:
    if codes is None:
        yield {}
        return
    for start in range(0, len(codes), CHUNK):
        yield {"region_id__in": codes[start : start + CHUNK]}


def own_stock(codes: list[str] | None, today: datetime.date | None = None) -> Iterator[Part]:
    """(place, roll-up field, a map to add) for these places (every place's, for None)."""
    today = today or timezone.localdate()
    able, developmental = able_to_work_q(today), developmental_q(today)
    for where in _chunks(codes):
        households = Household.objects.filter(**where, closed_on=None)
        for code, n_able, n_developing, n_social in (
            households.filter(status__in=TRACKED)
            .values("region_id")
            .annotate(
                able=Count("pk", filter=Q(status=HouseholdStatus.MONITORED) & able),
                developing=Count(
                    "pk", filter=Q(status=HouseholdStatus.MONITORED) & able & developmental
                ),
                social=Count("pk", filter=~able),
            )
            .values_list("region_id", "able", "developing", "social")
            .order_by()
        ):
            part = {"able": n_able, "developing": n_developing, "social_security": n_social}
            yield code, "monitoring", {name: n for name, n in part.items() if n}
        for code, due, n in (
            Alert.objects.filter(**where, state=AlertState.OPEN)
            .values_list("region_id", "due_on")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            yield code, "monitoring", {"alerts_open": {due.isoformat(): n}}


def own_months(
    codes: list[str] | None, months: list[datetime.date] | None
) -> Iterator[tuple[str, datetime.date, str, Any]]:
    """The monitoring flows of these places' own records in ``months`` (every month, for
    None)."""
    for where in _chunks(codes):
        alerts = Alert.objects.filter(**where)
        for code, month, source, rule, n in (
            alerts.filter(within_months("raised_on", months, dates=True))
            .annotate(month=TruncMonth("raised_on"))
            .values_list("region_id", "month", "source", "rule_code")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            part: dict[str, Any] = {"raised": {source: n}}
            if source == AlertSource.RULE:
                part["by_rule"] = {rule: n}
            yield code, month_of(month), "monitoring", part
        for code, month, n, on_time in (
            alerts.exclude(state=AlertState.OPEN)
            .filter(within_months("closed_on", months, dates=True))
            .annotate(month=TruncMonth("closed_on"))
            .values("region_id", "month")
            .annotate(n=Count("pk"), on_time=Count("pk", filter=Q(closed_on__lte=F("due_on"))))
            .values_list("region_id", "month", "n", "on_time")
            .order_by()
        ):
            part = {"verified": n, "on_time": on_time} if on_time else {"verified": n}
            yield code, month_of(month), "monitoring", part
        ended = Procedure.objects.filter(**where, state=ProcedureState.PASSED).filter(
            within_months("ended_on", months, dates=True)
        )
        for code, month, kind, n in (
            ended.annotate(month=TruncMonth("ended_on"))
            .values_list("region_id", "month", "kind")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            yield code, month_of(month), "monitoring", {"passed": {kind: n}}
        identified = ended.filter(kind=ProcedureKind.IDENTIFICATION)
        for code, ended_on, first_alert, started_on, kind_id in (
            identified.annotate(first_alert=Min("alerts__raised_on"))
            .values_list("region_id", "ended_on", "first_alert", "started_on", "monitoring_type")
            .order_by()
        ):
            days = (ended_on - (first_alert or started_on)).days
            part = {"decision_days": {str(days): 1}}
            if kind_id is not None:
                part["identified_type"] = {str(kind_id): 1}
            yield code, month_of(ended_on), "monitoring", part
        risks = Counter(
            identified.filter(risk_types__isnull=False).values_list(
                "region_id", "ended_on", "risk_types"
            )
        )
        for (code, ended_on, risk), n in risks.items():
            yield code, month_of(ended_on), "monitoring", {"identified_risk": {str(risk): n}}
