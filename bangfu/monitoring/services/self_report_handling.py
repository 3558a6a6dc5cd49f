"""The township's handling of a self-report (农户自主申报) after calling the person back: an
alert raised about the household it concerns, or the report closed as not at risk."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core import audit, params, values
from bangfu.core.capabilities import Capability, require
from bangfu.core.errors import DomainError, OutOfScope
from bangfu.registry.models import Household

from ..models import AlertSource, SelfReport, SelfReportState
from .alerts import AlertInput, alert_raise
from .common import checked_day

# What the audit log keeps of a report: never the name, phone or story (see ``self_reports``).
LOGGED = ["receipt", "region", "state", "alert", "handled_on", "close_reason"]


@dataclass
class ReportAlertInput:
    """An alert raised from a self-report: the household it concerns (one of the report's
    village), what the call-back found, and the day."""

    household_id: int
    summary: str
    raised_on: datetime.date | None = None  # None: today


@dataclass
class ReportClosingInput:
    """A self-report closed as not at risk, with what the call-back found."""

    reason: str
    closed_on: datetime.date | None = None  # None: today


def _open_report(actor, report_id: int) -> SelfReport:
    """The report, locked, if the actor handles self-reports in its place and it is open."""
    require(actor, Capability.MONITORING_TOWNSHIP)
    if not SelfReport.objects.visible_to(actor).filter(pk=report_id).exists():
        raise OutOfScope()
    report = SelfReport.objects.select_for_update().get(pk=report_id)
    if report.state != SelfReportState.OPEN:
        raise DomainError(
            _("Self-report %(receipt)s was handled on %(day)s: %(state)s.")
            % {
                "receipt": report.receipt,
                "day": report.handled_on,
                "state": report.get_state_display(),
            },
            code="self_report_handled",
            field="household_id",
        )
    return report


def _handled(actor, report: SelfReport, action: str, before: dict) -> SelfReport:
    report.handled_at, report.handled_by = timezone.now(), actor
    report.save()
    audit.record(
        actor=actor,
        action=action,
        obj=report,
        region_code=report.region_id,
        before=before,
        after=audit.snapshot(report, LOGGED),
    )
    return report


@transaction.atomic
def self_report_raise_alert(*, actor, report_id: int, alert: ReportAlertInput) -> SelfReport:
    """Raise an alert (``source=self_report``) about the household a self-report concerns,
    chosen among the households of the report's village the actor sees; the report then
    names the alert (``ALERT_RAISED``). For the township (and the county office)."""
    report = _open_report(actor, report_id)
    household = (
        Household.objects.visible_to(actor, report.region)
        .filter(pk=params.possible_id(alert.household_id), closed_on=None)
        .first()
    )
    if household is None:
        raise DomainError(
            _("Choose a household of %(village)s: the report came from there.")
            % {"village": report.region.name},
            code="household_not_of_village",
            field="household_id",
        )
    before = audit.snapshot(report, LOGGED)
    raised_on = checked_day(
        SelfReport, "handled_on", alert.raised_on, not_before=report.reported_on, what=_("reported")
    )
    report.alert = alert_raise(
        actor=actor,
        household_id=household.pk,
        alert=AlertInput(summary=alert.summary, raised_on=raised_on),
        source=AlertSource.SELF_REPORT,
    )
    report.state, report.handled_on = SelfReportState.ALERT_RAISED, raised_on
    return _handled(actor, report, "self_report.raise_alert", before)


@transaction.atomic
def self_report_close(*, actor, report_id: int, closing: ReportClosingInput) -> SelfReport:
    """Close a self-report as not at risk (``NOT_AT_RISK``), with the reason the call-back
    gave. For the township (and the county office)."""
    report = _open_report(actor, report_id)
    before = audit.snapshot(report, LOGGED)
    report.close_reason = values.clean(SelfReport, "close_reason", closing.reason, field="reason")
    if not report.close_reason:
        raise DomainError(
            _("Say why the household is not at risk."), code="no_reason", field="reason"
        )
    report.handled_on = checked_day(
        SelfReport,
        "handled_on",
        closing.closed_on,
        not_before=report.reported_on,
        what=_("reported"),
    )
    report.state = SelfReportState.NOT_AT_RISK
    return _handled(actor, report, "self_report.close", before)
