"""The procedure engine: each kind of procedure (识别 now; 风险消除 and 脱贫退出 later) is a chain
of steps declared once here — which step, in which order, by which level (a capability of
``accounts.roles``), with what it needs (a photo of the signed commitment, the public notice,
a decision) — and what passing the last step does to the household. ``services.step_record``
runs any of them: a new kind is a new ``ProcedureSpec``, not a copy of the services.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bangfu.core.capabilities import Capability
from bangfu.registry.models import Household, HouseholdStatus
from bangfu.registry.services import TRANSITIONS, StatusInput, household_status_change

from .models import Procedure, ProcedureKind


@dataclass(frozen=True)
class StepSpec:
    key: str
    label: Promise
    who: Promise  # the level that does it, as people say it
    capability: Capability
    # A pair helper may do it for the households paired with them (at the household).
    by_paired_helper: bool = False
    photo: bool = False  # needs a photo of the signed paper (承诺授权书)
    notice: bool = False  # its passing starts the public notice (公示)
    after_notice: bool = False  # may be done only once the notice is over
    decides: bool = False  # takes the decision's monitoring type and risk types


@dataclass(frozen=True)
class ProcedureSpec:
    kind: str
    label: Promise
    steps: tuple[StepSpec, ...]
    days_policy: str  # the rule giving the days from start to the last step
    # A refusal (the words) if the household may not start one; None when it may.
    may_start: Callable[[Household], str | None]
    # What passing the last step does (in the step's transaction): (actor, procedure, input).
    on_passed: Callable[[Any, Procedure, Any], None]
    checklist: tuple[str, ...] = field(default=())  # risk clearing and exit: items to come

    def step(self, key: str) -> StepSpec | None:
        return next((s for s in self.steps if s.key == key), None)

    def after(self, key: str) -> StepSpec | None:
        keys = [s.key for s in self.steps]
        index = keys.index(key) + 1
        return self.steps[index] if index < len(self.steps) else None


def _may_identify(household: Household) -> str | None:
    if HouseholdStatus.MONITORED in TRANSITIONS[household.status]:
        return None
    return gettext(
        "Household %(number)s is “%(status)s”; it cannot be identified as a monitored household."
    ) % {"number": household.number, "status": HouseholdStatus(household.status).label}


def _identified(actor, procedure: Procedure, data) -> None:
    """The county's decision: the household becomes monitored, of the type and risk types
    decided, as a dated step of its status history (through the registry's service)."""
    entry = household_status_change(
        actor=actor,
        household_id=procedure.household_id,
        change=StatusInput(
            status=HouseholdStatus.MONITORED,
            effective_on=data.done_on,
            reason=gettext("Identified as a monitored household (identification no. %(id)s)")
            % {"id": procedure.pk},
            monitoring_type=data.monitoring_type,
            risk_types=list(data.risk_types),
        ),
    )
    procedure.monitoring_type = entry.monitoring_type
    procedure.save(update_fields=["monitoring_type"])
    procedure.risk_types.set(entry.risk_types.all())


IDENTIFICATION = ProcedureSpec(
    kind=ProcedureKind.IDENTIFICATION,
    label=_("Identification"),
    steps=(
        StepSpec(
            "application",
            _("Application and signed commitment"),
            _("household and village"),
            Capability.MONITORING_HOME,
            by_paired_helper=True,
            photo=True,
        ),
        StepSpec(
            "home_check",
            _("Home check"),
            _("village"),
            Capability.MONITORING_HOME,
            by_paired_helper=True,
        ),
        StepSpec(
            "village_review",
            _("Village review and public notice"),
            _("village"),
            Capability.MONITORING_VILLAGE,
            notice=True,
        ),
        StepSpec(
            "township_review",
            _("Township review"),
            _("township"),
            Capability.MONITORING_TOWNSHIP,
            after_notice=True,
        ),
        StepSpec(
            "county_decision",
            _("County decision"),
            _("county"),
            Capability.MONITORING_COUNTY,
            decides=True,
        ),
    ),
    days_policy="monitoring.identify_days",
    may_start=_may_identify,
    on_passed=_identified,
)

KINDS: dict[str, ProcedureSpec] = {spec.kind: spec for spec in [IDENTIFICATION]}


def spec_of(procedure: Procedure) -> ProcedureSpec:
    return KINDS[procedure.kind]
