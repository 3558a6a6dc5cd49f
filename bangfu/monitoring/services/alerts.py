"""Alerts (预警): raised by screening or a rule, closed with the verification's outcome."""

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core import audit, values
from bangfu.core.capabilities import Capability
from bangfu.core.errors import DomainError, OutOfScope
from bangfu.core.services import sent_before, sent_once
from bangfu.registry.models import Member

from ..models import (
    Alert,
    AlertSource,
    AlertState,
    ProcedureKind,
)
from .common import (
    checked_day,
    counted,
    current_helper,
    days_until,
    locked_household,
    require_for,
    township_code,
)
from .procedures import start_procedure


@dataclass
class AlertInput:
    """An alert raised by a cadre's screening (排查) of a household: what was found."""

    summary: str
    raised_on: datetime.date | None = None  # None: today
    member_id: int | None = None  # the member it concerns, if one


@dataclass
class ClosingInput:
    """How an alert's verification ended: ``not_at_risk`` (with the reason) or
    ``identifying`` (an identification is started, or joined if one runs)."""

    outcome: str
    closed_on: datetime.date | None = None  # None: today
    reason: str = ""


def _fired_by(records: Any) -> list[dict[str, Any]]:
    """The records that fired a rule, each a kind of record the audit log names and an id."""
    refusal = DomainError(
        _("Name each record that fired the rule by its kind and id."),
        code="bad_fired_by",
        field="fired_by",
    )
    if not isinstance(records, list | tuple) or not records or len(records) > 50:
        raise refusal
    found = []
    for record in records:
        kind = record.get("type") if isinstance(record, dict) else None
        ident = record.get("id") if isinstance(record, dict) else None
        if kind not in audit.OBJECT_TYPES or not isinstance(ident, int) or not 0 < ident < 2**63:
            raise refusal
        found.append({"type": kind, "id": ident})
    return found


@transaction.atomic
def alert_raise(
    *,
    actor,
    household_id: int,
    alert: AlertInput,
    source: str = AlertSource.SCREENING,
    rule_code: str = "",
    fired_by: Any = (),
) -> Alert:
    """Raise an alert about a household (预警): by a cadre's screening (排查) from the
    household page, or — for the department-data rules — naming the rule and the records that
    fired it. It goes to the household's helper now and its township, to be verified within
    ``monitoring.verify_days``."""
    require_for(actor, household_id, Capability.HANDLE_ALERTS)
    household = locked_household(actor, household_id)
    source = values.clean(Alert, "source", source)
    rule_code = values.clean(Alert, "rule_code", rule_code)
    if source == AlertSource.RULE:
        if not rule_code:
            raise DomainError(_("Name the rule that fired."), code="no_rule", field="rule_code")
        records = _fired_by(list(fired_by))
    else:
        rule_code, records = "", []
    member = None
    if alert.member_id is not None:
        member = Member.objects.filter(
            pk=alert.member_id, household=household, left_on=None
        ).first()
        if member is None:
            raise DomainError(
                _("Choose a member of this household, or none."),
                code="bad_member",
                field="member_id",
            )
    raised_on = checked_day(Alert, "raised_on", alert.raised_on)
    due = days_until(household.region_id, raised_on, "monitoring.verify_days")
    record = Alert.objects.create(
        household=household,
        member=member,
        region_id=household.region_id,
        township_id=township_code(household.region_id),
        helper=current_helper(household),
        source=source,
        rule_code=rule_code,
        fired_by=records,
        summary=values.clean(Alert, "summary", alert.summary),
        raised_on=raised_on,
        raised_at=timezone.now(),
        raised_by=actor,
        due_on=due.day,
        days_counted=counted(due),
    )
    audit.record(
        actor=actor,
        action="alert.raise",
        obj=record,
        region_code=record.region_id,
        after=audit.snapshot(record),
    )
    return record


@transaction.atomic
def alert_close(
    *, actor, alert_id: int, closing: ClosingInput, client_id: uuid.UUID | None = None
) -> Alert:
    """Close an alert with the outcome of its verification (核实): not at risk, with the
    reason; or an identification started (识别), which the household's running one joins.
    ``client_id``: the id a phone made for the closing (``alert_close_sent``)."""
    alert = Alert.objects.visible_to(actor).filter(pk=alert_id).first()
    if alert is None:
        raise OutOfScope()
    require_for(actor, alert.household_id, Capability.HANDLE_ALERTS)
    household = locked_household(actor, alert.household_id)
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.state != AlertState.OPEN:
        # Often the helper's closing made offline, sent after someone closed it at the office:
        # the phone keeps it with these words, so they say who closed it and how.
        raise DomainError(
            _(
                "This alert was already closed on %(day)s by %(who)s: %(outcome)s. "
                "Nothing was changed; remove this closing from the phone."
            )
            % {
                "day": alert.closed_on,
                "who": alert.closed_by or _("the system"),
                "outcome": alert.get_state_display(),
            },
            code="alert_closed",
            field="outcome",
        )
    outcome = values.clean(Alert, "state", closing.outcome, field="outcome")
    if outcome not in (AlertState.NOT_AT_RISK, AlertState.IDENTIFYING):
        raise DomainError(
            _("Choose the outcome: not at risk, or identification started."),
            code="bad_outcome",
            field="outcome",
        )
    before = audit.snapshot(alert)
    alert.closed_on = checked_day(
        Alert, "closed_on", closing.closed_on, not_before=alert.raised_on, what=_("raised")
    )
    alert.close_reason = values.clean(Alert, "close_reason", closing.reason, field="reason")
    if outcome == AlertState.NOT_AT_RISK and not alert.close_reason:
        raise DomainError(
            _("Say why the household is not at risk."), code="no_reason", field="reason"
        )
    if outcome == AlertState.IDENTIFYING:
        alert.procedure = start_procedure(
            actor, household, ProcedureKind.IDENTIFICATION, alert.closed_on
        )
    alert.state, alert.closed_at, alert.closed_by = outcome, timezone.now(), actor
    alert.closed_client_id = client_id
    alert.save()
    audit.record(
        actor=actor,
        action="alert.close",
        obj=alert,
        region_code=alert.region_id,
        before=before,
        after=audit.snapshot(alert),
    )
    return alert


def alert_close_sent(
    *, actor, client_id: uuid.UUID, alert_id: int, closing: ClosingInput
) -> tuple[Alert, bool]:
    """An alert closed on a phone at the household, perhaps offline, with the id the phone
    made for the closing: answers (alert, True), or (the alert as the first send closed it,
    False) when this id came before (a resend after a lost answer), so that a closing sent
    twice closes once and starts at most one identification. An id another person used is
    refused; an alert closed meanwhile by someone else is refused saying by whom and how."""
    return sent_once(
        lambda: sent_before(
            Alert,
            actor,
            client_id,
            _("This closing's id was used by someone else; reload the alert and close it again."),
            by="closed_by_id",
            key="closed_client_id",
        ),
        lambda: alert_close(actor=actor, alert_id=alert_id, closing=closing, client_id=client_id),
    )
