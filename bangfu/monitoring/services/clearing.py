"""Risk clearing (风险消除) and exit verification (脱贫退出) started from the household page:
the kinds of procedure the engine lets a household page start, each by its own capability,
refused while its checklist fails (``procedures.start_procedure`` checks it)."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from bangfu.core.errors import DomainError

from .. import engine
from ..models import Procedure, ProcedureState
from .common import checked_day, locked_household, may_act, require_for
from .procedures import start_procedure


@dataclass
class StartInput:
    """Which procedure to start (``risk_clearing`` or ``exit``) and from which day."""

    kind: str
    started_on: datetime.date | None = None  # None: today


def startable(kind: str) -> engine.ProcedureSpec:
    spec = engine.KINDS.get(str(kind or ""))
    if spec is None or spec.start_capability is None:
        raise DomainError(
            _("Choose risk clearing or exit verification."), code="bad_kind", field="kind"
        )
    return spec


def may_start(actor, household_id: int, spec: engine.ProcedureSpec) -> bool:
    """Whether ``actor`` may start a procedure of this kind for the household (the pages)."""
    return spec.start_capability is not None and may_act(
        actor, household_id, spec.start_capability, by_paired_helper=spec.start_by_paired_helper
    )


@transaction.atomic
def procedure_start(*, actor, household_id: int, start: StartInput) -> Procedure:
    """Start a household's risk clearing or exit verification: refused when the household's
    status may not change that way, while another procedure runs for it, or while an item of
    the kind's checklist fails on the start day (naming each and its evidence). The checklist
    as found is kept on the procedure."""
    spec = startable(start.kind)
    assert spec.start_capability is not None
    require_for(
        actor,
        household_id,
        spec.start_capability,
        by_paired_helper=spec.start_by_paired_helper,
    )
    household = locked_household(actor, household_id)
    running = Procedure.objects.filter(
        household=household, kind=spec.kind, state=ProcedureState.RUNNING
    ).first()
    if running is not None:
        raise DomainError(
            _("%(kind)s no. %(id)s is already running for this household.")
            % {"kind": spec.label, "id": running.pk},
            code="procedure_running",
            field="kind",
        )
    started_on = checked_day(Procedure, "started_on", start.started_on)
    return start_procedure(actor, household, spec.kind, started_on)
