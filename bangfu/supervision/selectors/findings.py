"""Reads of findings (督查问题) and their rectification (整改): lists from ``visible_to``, a
finding with its steps, evidence and what the reader may do next, the overdue list, the
on-time rate per unit and per place, and the reminders of the home page.

**Rectified on time (按期整改率)** is counted as ``deadlines.on_time_tally`` defines it (the
month's scores count it the same way, by unit, helper, team and township).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bangfu.core.capabilities import Capability
from bangfu.core.policies import policy_for
from bangfu.core.regions import code_range
from bangfu.core.scoping import get_visible_or_404
from bangfu.core.selectors import places_listed, region_for
from bangfu.pairing.models import Unit

from ..deadlines import on_time_tally
from ..models import (
    OPEN_FINDING_STATES,
    Evidence,
    Finding,
    FindingState,
    InspectionRound,
    RectificationStep,
    RoundState,
    StepAction,
)
from ..services.findings import STARTABLE, SUBMITTABLE, submitted_by

# Open and not yet submitted: the place still has work to do (the home page's reminders).
TO_RECTIFY = (FindingState.ASSIGNED, FindingState.IN_PROGRESS, FindingState.RETURNED)
MOST_REMIND_DAYS = 60  # the rule's bound (``supervision.remind_days``)
HOME_ROWS = 5
HUNDRED = Decimal(100)
# How the pages name a finding's state.
STATE_NAMES = dict(FindingState.choices)
# The kinds of record a finding may concern, as the services name them (``household_id``…).
CONCERNED_KINDS = [
    ("household", _("Household")),
    ("helper", _("Helper")),
    ("team", _("Work team")),
    ("project", _("Project")),
    ("visit", _("Visit")),
]


def findings_of(
    user,
    *,
    within: str | None = None,
    state: str = "",
    category: str = "",
    source: str = "",
    month: datetime.date | None = None,
    overdue: bool = False,
    unit_id: int | None = None,
) -> QuerySet[Finding]:
    """The findings under a place (or all the reader's places), the latest found first,
    narrowed by state, category (a ``finding_category`` value), source, the month found,
    overdue only (open, deadline before today) and responsible unit; paged by the caller."""
    region = region_for(user, within) if within else None
    findings: QuerySet[Finding] = Finding.objects.visible_to(user, region).select_related(
        "category", "region", "unit"
    )
    if state:
        findings = findings.filter(state=state)
    if category:
        findings = findings.filter(category__kind="finding_category", category__value=category)
    if source:
        findings = findings.filter(source=source)
    if month:
        findings = findings.filter(found_on__year=month.year, found_on__month=month.month)
    if overdue:
        findings = overdue_of(findings)
    if unit_id:
        findings = findings.filter(unit_id=unit_id)
    return findings.order_by("-found_on", "-pk")


def overdue_of(
    findings: QuerySet[Finding], today: datetime.date | None = None
) -> QuerySet[Finding]:
    """Those of ``findings`` still open (not closed) past their deadline."""
    return findings.filter(
        state__in=OPEN_FINDING_STATES, deadline__lt=today or timezone.localdate()
    )


def overdue_findings(user, *, within: str | None = None) -> QuerySet[Finding]:
    """The overdue list: open findings past their deadline, the longest overdue first."""
    return overdue_of(findings_of(user, within=within)).order_by("deadline", "pk")


def finding_units(user) -> list[tuple[int, str]]:
    """The units named responsible by the reader's findings, for the list's filter."""
    return list(
        Unit.objects.filter(
            pk__in=Finding.objects.visible_to(user).exclude(unit=None).values("unit_id")
        )
        .order_by("name", "pk")
        .values_list("pk", "name")
    )


def unit_choices(user) -> list[tuple[int, str]]:
    """The units of the reader's places, to name one responsible."""
    return list(Unit.objects.visible_to(user).order_by("name", "pk").values_list("pk", "name"))


def open_round_choices(user) -> list[tuple[int, str]]:
    """The open inspection rounds of the reader's places, the latest month first."""
    return [
        (inspection.pk, str(inspection))
        for inspection in InspectionRound.objects.visible_to(user)
        .filter(state=RoundState.OPEN)
        .order_by("-month", "pk")
    ]


def finding_for(user, finding_id: int) -> Finding:
    return get_visible_or_404(
        Finding.objects.select_related(
            "category",
            "region",
            "unit",
            "round",
            "household",
            "helper",
            "team",
            "project",
            "visit",
            "recorded_by",
        ),
        user,
        pk=finding_id,
    )


def evidence_for(user, evidence_id: int) -> Evidence:
    return get_visible_or_404(Evidence.objects.all(), user, pk=evidence_id)


def actions_for(user, finding: Finding) -> dict[str, bool]:
    """What ``user`` may do next on ``finding`` (as the services decide): start or submit
    its rectification (who rectifies), close or return it (an inspector who submitted none of
    its rectifications), add evidence (an inspector, until closed). ``verify_elsewhere``: an
    inspector who may not verify it because they submitted it (maker–checker)."""
    rectifies = user.has_capability(Capability.RECTIFY)
    inspects = user.has_capability(Capability.INSPECT)
    waiting = finding.state == FindingState.SUBMITTED
    own = inspects and waiting and submitted_by(finding, user)
    return {
        "start": rectifies and finding.state in STARTABLE,
        "submit": rectifies and finding.state in SUBMITTABLE,
        "close": inspects and waiting and not own,
        "return": inspects and waiting and not own,
        "evidence": inspects and finding.state != FindingState.CLOSED,
        "verify_elsewhere": own,
    }


def finding_detail(user, finding_id: int) -> dict[str, Any]:
    """A finding with its steps (each with its evidence) in order, the evidence kept with the
    finding itself, whether it is overdue, and what the reader may do."""
    finding = finding_for(user, finding_id)
    steps = list(
        finding.steps.select_related("recorded_by")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("pk")))
        .order_by("recorded_at", "pk")
    )
    return {
        "finding": finding,
        "steps": steps,
        "evidence": list(finding.evidence.filter(step=None).order_by("pk")),
        "overdue": finding.state != FindingState.CLOSED and finding.deadline < timezone.localdate(),
        "may": actions_for(user, finding),
    }


# -- rectified on time -------------------------------------------------------------------


def on_time_counts(
    findings: QuerySet[Finding],
    period_start: datetime.date,
    period_end: datetime.date,
    *,
    as_of: datetime.date | None = None,
) -> tuple[int, int]:
    """(due, on time) among ``findings`` for the period from ``period_start`` to
    ``period_end`` (both included), as of today (or ``as_of``): ``deadlines.on_time_tally``. The
    rate is on time ÷ due; with none due there is no rate."""
    counts = findings.aggregate(**on_time_tally(period_start, period_end, as_of=as_of))
    return counts["due"], counts["on_time"]


@dataclass(frozen=True)
class RateRow:
    """A unit's or a place's findings due in the period and those rectified on time."""

    key: str  # the unit's id, or the place's code ("" for findings naming no unit)
    name: str
    due: int
    on_time: int

    @property
    def rate(self) -> Decimal | None:
        """On time ÷ due, in percent to one decimal; none due, no rate."""
        if not self.due:
            return None
        return (HUNDRED * self.on_time / self.due).quantize(Decimal("0.1"))


def rates_by_unit(
    user, *, within: str | None, period_start: datetime.date, period_end: datetime.date
) -> list[RateRow]:
    """The on-time rate of each unit named responsible by the reader's findings (those
    naming none in a row of their own, named ``""``), lowest rate first."""
    tally = on_time_tally(period_start, period_end)
    rows = (
        findings_of(user, within=within)
        .order_by()
        .values("unit_id", "unit__name")
        .annotate(due=tally["due"], on_time=tally["on_time"])
        .filter(due__gt=0)
    )
    found = [
        RateRow(str(row["unit_id"] or ""), row["unit__name"] or "", row["due"], row["on_time"])
        for row in rows
    ]
    return sorted(found, key=lambda row: (row.rate, row.name, row.key))


def rates_by_place(
    user, *, within: str | None, period_start: datetime.date, period_end: datetime.date
) -> list[RateRow]:
    """The on-time rate of each place directly under ``within`` (or the reader's places:
    ``core.selectors.places_listed``), in the order of their codes."""
    region = region_for(user, within) if within else None
    findings = Finding.objects.visible_to(user)
    rows = []
    for place in places_listed(user, region):
        lo, hi = code_range(place.code, place.level)
        due, on_time = on_time_counts(
            findings.filter(region_id__gte=lo, region_id__lt=hi), period_start, period_end
        )
        rows.append(RateRow(place.code, place.name, due, on_time))
    return rows


# -- reminders on the home page ----------------------------------------------------------


def due_soon(user, today: datetime.date | None = None) -> list[Finding]:
    """The findings under the reader's places that still wait for their rectification (not
    submitted, not closed) and are overdue or due within ``supervision.remind_days`` of
    today (the rule at each finding's place), the earliest deadline first."""
    today = today or timezone.localdate()
    candidates = (
        Finding.objects.visible_to(user)
        .filter(
            state__in=TO_RECTIFY,
            deadline__lte=today + datetime.timedelta(days=MOST_REMIND_DAYS),
        )
        .order_by("deadline", "pk")
        .values_list("pk", "region_id", "deadline")
    )
    remind: dict[str, int] = {}
    wanted = []
    for pk, region_id, deadline in candidates:
        if region_id not in remind:
            remind[region_id] = policy_for(region_id, "supervision.remind_days", today)
        if deadline <= today + datetime.timedelta(days=remind[region_id]):
            wanted.append(pk)
    listed = Finding.objects.select_related("category", "region").in_bulk(wanted)
    return [listed[pk] for pk in wanted]


def to_verify(user) -> QuerySet[Finding]:
    """Submitted findings under the reader's places that they may verify: none of whose
    rectifications they submitted themselves (maker–checker), the earliest deadline first."""
    own = RectificationStep.objects.filter(
        finding=OuterRef("pk"), action=StepAction.SUBMIT, recorded_by=user
    )
    return (
        Finding.objects.visible_to(user)
        .filter(state=FindingState.SUBMITTED)
        .exclude(Exists(own))
        .select_related("category", "region")
        .order_by("deadline", "pk")
    )


def rectify_home(user) -> dict[str, Any] | None:
    """The home panel of those who rectify: their places' findings due soon or overdue, not
    yet submitted; none, no panel."""
    if not user.has_capability(Capability.RECTIFY):
        return None
    findings = due_soon(user)
    if not findings:
        return None
    today = timezone.localdate()
    return {
        "findings": findings[:HOME_ROWS],
        "count": len(findings),
        "overdue": sum(1 for finding in findings if finding.deadline < today),
        "today": today,
    }


def verify_home(user) -> dict[str, Any] | None:
    """The home panel of inspectors: the submitted rectifications waiting for them to verify;
    none, no panel."""
    if not user.has_capability(Capability.INSPECT):
        return None
    findings = to_verify(user)
    count = findings.count()
    if not count:
        return None
    return {
        "findings": list(findings[:HOME_ROWS]),
        "count": count,
        "today": timezone.localdate(),
    }
