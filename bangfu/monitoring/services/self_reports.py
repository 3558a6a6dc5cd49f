"""Self-reports (农户自主申报) from the public page, refused when they flood."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core import audit, values
from bangfu.core.errors import DomainError
from bangfu.core.models import Region
from bangfu.core.policies import effective_policies
from bangfu.core.protection import lookup_hash
from bangfu.core.regions import RegionLevel
from bangfu.core.selectors import chosen_code

from ..models import (
    SelfReport,
)
from .common import (
    township_code,
)


@dataclass
class SelfReportInput:
    """What the public self-report page (农户自主申报) takes: who, how to call back, the
    village, what happened (and, if chosen, its kind from the risk types)."""

    name: str
    phone: str
    village: str  # the village's code
    what_happened: str
    kind: str = ""  # a risk type's code, or none


class TooMany(DomainError):
    """A flood refused (HTTP 429): nothing is stored."""


def receipt_for(pk: int) -> str:
    """A self-report's receipt number (回执号): five digits keyed on the record's id with the
    installation's lookup key, then the id itself. The id keeps every receipt unique (no
    clash to retry on); the keyed digits make one not guessable from another, and receipts
    do not run in sequence; the same id and key give the same receipt (tests predict it)."""
    keyed = int(lookup_hash(f"self-report:{pk}")[:16], 16) % 10**5
    return f"{keyed:05d}-{pk:05d}"


def _refuse_a_flood(phone: str, address_hash: str, village: str) -> None:
    now, today = timezone.now(), timezone.localdate()
    rules = effective_policies(
        village,
        ["monitoring.self_report_per_phone_day", "monitoring.self_report_per_address_hour"],
        today,
    )
    if (
        SelfReport.objects.filter(phone=phone, reported_on=today).count()
        >= rules["monitoring.self_report_per_phone_day"].value
    ):
        raise TooMany(
            _("This phone number has sent as many reports as a day allows. Try again tomorrow."),
            code="too_many_from_phone",
            field="phone",
        )
    hour_ago = now - datetime.timedelta(hours=1)
    recent = SelfReport.objects.filter(address_hash=address_hash, reported_at__gt=hour_ago)
    if recent.count() >= rules["monitoring.self_report_per_address_hour"].value:
        first = recent.order_by("reported_at").values_list("reported_at", flat=True)[0]
        again = timezone.localtime(first + datetime.timedelta(hours=1))
        raise TooMany(
            _("Too many reports from this network in the last hour. Try again after %(time)s.")
            % {"time": again.strftime("%H:%M")},
            code="too_many_from_address",
        )


@transaction.atomic
def self_report_submit(*, actor, report: SelfReportInput, address: str) -> SelfReport:
    """Store a self-report from the public page (no sign-in: ``actor`` is the anonymous
    visitor) for the village's township, and give its receipt number. A flood — more than the
    rules allow from one phone number a day or one address an hour — is refused and stores
    nothing."""
    village = Region.objects.filter(
        code=str(report.village or "").strip()[:15], level=RegionLevel.VILLAGE
    ).first()
    if village is None:
        raise DomainError(
            _("Choose your village from the list."), code="bad_village", field="village"
        )
    phone = values.clean(SelfReport, "phone", report.phone)
    digits = sum(c.isdigit() for c in phone)
    if not 7 <= digits <= 15:
        raise DomainError(
            _("Phone: enter the 11 digits of a mobile number, or a landline with its area code."),
            code="bad_phone",
            field="phone",
        )
    fields = {
        "name": values.clean(SelfReport, "name", report.name),
        "what_happened": values.clean(SelfReport, "what_happened", report.what_happened),
    }
    for name, message in (
        ("name", _("Name: say who needs help.")),
        ("what_happened", _("What happened: say what the hardship is.")),
    ):
        if not fields[name]:
            raise DomainError(message, code="required", field=name)
    kind = None
    if report.kind:
        kind = chosen_code(
            "risk_type", report.kind, _("Choose a kind from the list, or none."), field="kind"
        )
    address_hash = lookup_hash(f"address:{address}")
    _refuse_a_flood(phone, address_hash, village.code)
    record = SelfReport.objects.create(
        phone=phone,
        region=village,
        township_id=township_code(village.code),
        kind=kind,
        reported_on=timezone.localdate(),
        reported_at=timezone.now(),
        address_hash=address_hash,
        **fields,
    )
    record.receipt = receipt_for(record.pk)
    record.save(update_fields=["receipt"])
    audit.record(
        actor=actor,
        action="self_report.submit",
        obj=record,
        region_code=record.region_id,
        # Not the name, phone or text: the log keeps no one's story.
        after=audit.snapshot(record, ["receipt", "region", "kind", "reported_on", "state"]),
    )
    return record
