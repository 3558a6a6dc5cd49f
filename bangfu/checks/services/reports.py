"""The village's self-check report (自查报告) of a month, submitted to its township: one a
village and month, its figures frozen as they stood on the day submitted, due on the day
``checks.due`` says (the month's last working day by default)."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core import audit, values
from bangfu.core.capabilities import Capability, require
from bangfu.core.errors import DomainError, OutOfScope
from bangfu.core.models import Region
from bangfu.core.regions import RegionLevel
from bangfu.core.selectors import visible_place
from bangfu.core.services import retried_on_conflict

from ..due import report_due, report_due_on
from ..models import SelfCheckReport
from ..selectors.reports import judged_on, village_figures

__all__ = ["report_due", "report_due_on", "self_check_report_submit"]

LOGGED = ["region", "month", "due_on", "submitted_on", "note", "figures"]


def _village(actor, code: str) -> Region:
    """The village among the actor's places; a place of another level is refused, saying
    what to choose."""
    place = visible_place(actor, code)
    if place is None:
        raise OutOfScope()
    if place.level != RegionLevel.VILLAGE:
        raise DomainError(
            _("%(place)s is not a village: a self-check report is made by each village.")
            % {"place": place.name},
            code="not_a_village",
            field="region_code",
        )
    return place


@retried_on_conflict
def self_check_report_submit(
    *, actor, region_code: str, month: datetime.date, note: str
) -> SelfCheckReport:
    """Submit a village's self-check report of a month that has begun, to its township: the
    month's figures as they stand today are kept in it. One report a village a month; a
    second is refused (what changed goes into the next month's report)."""
    require(actor, Capability.CHECK_HANDBOOKS)
    with transaction.atomic():
        village = _village(actor, str(region_code or ""))
        if not isinstance(month, datetime.date):
            raise DomainError(_("Choose the month."), code="required", field="month")
        month, today = month.replace(day=1), timezone.localdate()
        if month > today:
            raise DomainError(
                _("Report on a month that has begun: %(month)s has not.")
                % {"month": f"{month:%Y-%m}"},
                code="bad_month",
                field="month",
            )
        month = values.clean(SelfCheckReport, "month", month)
        words = values.clean(SelfCheckReport, "note", note)
        earlier = (
            SelfCheckReport.objects.filter(region=village, month=month)
            .select_related("submitted_by")
            .first()
        )
        if earlier is not None:
            raise DomainError(
                _(
                    "%(village)s's self-check report of %(month)s was submitted on %(day)s by "
                    "%(who)s and cannot be submitted again; write what changed since into "
                    "next month's report."
                )
                % {
                    "village": village.name,
                    "month": f"{month:%Y-%m}",
                    "day": earlier.submitted_on,
                    "who": earlier.submitted_by or _("someone"),
                },
                code="already_submitted",
                field="month",
            )
        report = SelfCheckReport(
            region=village,
            month=month,
            due_on=report_due_on(village.code, month),
            note=words,
            submitted_at=timezone.now(),
            submitted_on=today,
            submitted_by=actor,
            figures=village_figures(actor, village, month, judged_on(month, today)).as_json(),
        )
        report.save()
        audit.record(
            actor=actor,
            action="self_check_report.submit",
            obj=report,
            region_code=village.code,
            after=audit.snapshot(report, LOGGED),
        )
    return report
