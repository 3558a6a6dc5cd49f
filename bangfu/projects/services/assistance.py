"""Donations (社会捐赠) and consumption assistance (消费帮扶): who gave what to whom, and who
agreed to buy and bought which village's or household's products. Each record carries its
recipient's or seller's place; a household's records move with it
(``assistance_follow_household``)."""

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core import audit, values
from bangfu.core.capabilities import Capability, require
from bangfu.core.errors import DomainError, OutOfScope
from bangfu.core.regions import RegionLevel

from ..models import Donation, PurchaseAgreement, RecipientKind, Sale
from .places import household_of, one_of, place_of, village_of

Amount = Decimal | str | int | None


def _or_zero(raw: Amount) -> Amount:
    """Cash or goods left empty is none given (0), not a missing value."""
    return 0 if raw is None or (isinstance(raw, str) and not raw.strip()) else raw


def _clean(model, given: dict[str, Any]) -> dict[str, Any]:
    return {name: values.clean(model, name, raw) for name, raw in given.items()}


def _seller(actor, household_id: int | None, region_code: str | None):
    """The seller: a registered household (its place), or a village or one of its groups."""
    one_of(
        household_id,
        region_code,
        refusal=_("Name the seller: a registered household, or a village — one of the two."),
    )
    if household_id is not None:
        household = household_of(actor, household_id)
        return household, household.region_id
    region = place_of(actor, region_code)
    if region.level < RegionLevel.VILLAGE:
        raise DomainError(
            _("A seller's place is a village or a village group; choose one."),
            code="not_a_village",
            field="region_code",
        )
    return None, region.code


@transaction.atomic
def donation_record(
    *,
    actor,
    donor_kind: str,
    donor: str,
    day: datetime.date | str,
    cash: Amount,
    goods: str,
    goods_value: Amount,
    recipient_kind: str,
    household_id: int | None = None,
    region_code: str | None = None,
    recipient: str = "",
) -> Donation:
    """Record a donation (社会捐赠): to a registered household (its place), a village, or a
    school or student named in words at the place they are in."""
    require(actor, Capability.RECORD_ASSISTANCE)
    fields = _clean(
        Donation,
        {
            "donor_kind": donor_kind,
            "donor": donor,
            "day": day,
            "cash": _or_zero(cash),
            "goods": goods,
            "goods_value": _or_zero(goods_value),
            "recipient_kind": recipient_kind,
            "recipient": recipient,
        },
    )
    if not fields["cash"] and not fields["goods_value"]:
        raise DomainError(
            _("Enter the cash given, or the goods and what they are worth."),
            code="no_value",
            field="cash",
        )
    if fields["goods_value"] and not fields["goods"]:
        raise DomainError(_("Say what the goods are."), code="goods_unnamed", field="goods")
    if fields["goods"] and not fields["goods_value"]:
        raise DomainError(
            _("Value the goods in yuan (估价)."), code="goods_unvalued", field="goods_value"
        )
    household = None
    kind = fields["recipient_kind"]
    if kind == RecipientKind.HOUSEHOLD:
        if household_id is None:
            raise DomainError(
                _("Choose the household that received the donation."),
                code="no_household",
                field="household_id",
            )
        household = household_of(actor, household_id)
        place, fields["recipient"] = household.region_id, ""
    elif kind == RecipientKind.VILLAGE:
        place, fields["recipient"] = village_of(actor, region_code, field="region_code").code, ""
    else:
        if not fields["recipient"]:
            raise DomainError(
                _("Name the school or student who received the donation."),
                code="no_recipient",
                field="recipient",
            )
        place = place_of(actor, region_code).code
    donation = Donation.objects.create(
        region_id=place,
        household=household,
        recorded_at=timezone.now(),
        recorded_by=actor,
        **fields,
    )
    audit.record(
        actor=actor,
        action="donation.record",
        obj=donation,
        region_code=place,
        after=audit.snapshot(donation),
    )
    return donation


@transaction.atomic
def agreement_record(
    *,
    actor,
    buyer_kind: str,
    buyer: str,
    products: str,
    signed_on: datetime.date | str,
    valid_until: datetime.date | str,
    amount: Amount = None,
    household_id: int | None = None,
    region_code: str | None = None,
) -> PurchaseAgreement:
    """Record a purchase agreement (消费帮扶购销协议): a buyer agrees to buy a household's or
    a village's products, up to an amount or not, until a day."""
    require(actor, Capability.RECORD_ASSISTANCE)
    fields = _clean(
        PurchaseAgreement,
        {
            "buyer_kind": buyer_kind,
            "buyer": buyer,
            "products": products,
            "signed_on": signed_on,
            "valid_until": valid_until,
            "amount": None if _or_zero(amount) == 0 else amount,
        },
    )
    if fields["valid_until"] < fields["signed_on"]:
        raise DomainError(
            _("An agreement is valid until a day on or after the day it is signed."),
            code="bad_valid_until",
            field="valid_until",
        )
    household, place = _seller(actor, household_id, region_code)
    agreement = PurchaseAgreement.objects.create(
        region_id=place,
        household=household,
        recorded_at=timezone.now(),
        recorded_by=actor,
        **fields,
    )
    audit.record(
        actor=actor,
        action="agreement.record",
        obj=agreement,
        region_code=place,
        after=audit.snapshot(agreement),
    )
    return agreement


def _under_agreement(actor, agreement_id: int, household_id, region_code, day) -> tuple:
    """A sale under an agreement sells what its seller agreed to, within its days."""
    agreement = PurchaseAgreement.objects.visible_to(actor).filter(pk=agreement_id).first()
    if agreement is None:
        raise OutOfScope()
    if (household_id is not None and household_id != agreement.household_id) or (
        region_code and (agreement.household_id or region_code != agreement.region_id)
    ):
        raise DomainError(
            _("A sale under an agreement is the agreement's seller's; leave the seller out."),
            code="other_seller",
            field="agreement_id",
        )
    if not agreement.signed_on <= day <= agreement.valid_until:
        raise DomainError(
            _("The agreement runs from %(signed)s to %(until)s; the sale's day is outside it.")
            % {
                "signed": agreement.signed_on.isoformat(),
                "until": agreement.valid_until.isoformat(),
            },
            code="outside_agreement",
            field="day",
        )
    household = household_of(actor, agreement.household_id) if agreement.household_id else None
    return agreement, household, agreement.region_id if household is None else household.region_id


@transaction.atomic
def sale_record(
    *,
    actor,
    household_id: int | None = None,
    region_code: str | None = None,
    agreement_id: int | None = None,
    buyer_kind: str,
    buyer: str,
    product: str,
    quantity: Decimal | str,
    unit: str,
    amount: Decimal | str,
    day: datetime.date | str,
) -> Sale:
    """Record a sale of consumption assistance (消费帮扶): who bought which household's or
    village's product, how much, for how many yuan; under an agreement, its seller's."""
    require(actor, Capability.RECORD_ASSISTANCE)
    fields = _clean(
        Sale,
        {
            "buyer_kind": buyer_kind,
            "buyer": buyer,
            "product": product,
            "quantity": quantity,
            "unit": unit,
            "amount": amount,
            "day": day,
        },
    )
    agreement = None
    if agreement_id is not None:
        agreement, household, place = _under_agreement(
            actor, agreement_id, household_id, region_code, fields["day"]
        )
    else:
        household, place = _seller(actor, household_id, region_code)
    sale = Sale.objects.create(
        region_id=place,
        household=household,
        agreement=agreement,
        recorded_at=timezone.now(),
        recorded_by=actor,
        **fields,
    )
    audit.record(
        actor=actor, action="sale.record", obj=sale, region_code=place, after=audit.snapshot(sale)
    )
    return sale


def assistance_follow_household(household_id: int, region_code: str) -> None:
    """A household moved (the registry's audited move, in its transaction): what it received
    and sold is read at its new place. Assets stay where they stand."""
    for model in (Donation, PurchaseAgreement, Sale):
        model.objects.filter(household_id=household_id).update(region_id=region_code)
