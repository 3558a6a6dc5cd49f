"""Reads of assets, donations, purchase agreements and sales: every list starts from
``visible_to``, narrowed to a place; a record outside the reader's places answers 404."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum

from bangfu.core.models import Region
from bangfu.core.scoping import get_visible_or_404

from ..models import Asset, Donation, Project, PurchaseAgreement, Sale


def _in_year(rows: QuerySet, year: int | None, field: str = "day") -> QuerySet:
    if year is None:
        return rows
    return rows.filter(
        **{f"{field}__gte": datetime.date(year, 1, 1), f"{field}__lte": datetime.date(year, 12, 31)}
    )


def assets(user, *, within: Region | None = None, kind: str = "") -> QuerySet[Asset]:
    """The project assets standing in the villages under a place (扶贫项目资产台账), by
    village, then as registered."""
    rows = Asset.objects.visible_to(user, within)
    if kind:
        rows = rows.filter(kind__value=kind)
    return rows.select_related("region", "kind", "project", "owner_household").order_by(
        "region_id", "registered_on", "pk"
    )


def asset_for(user, asset_id: int) -> Asset:
    return get_visible_or_404(
        Asset.objects.select_related("region", "kind", "project", "owner_household"),
        user,
        pk=asset_id,
    )


@dataclass(frozen=True)
class Totals:
    count: int
    amount: Decimal
    goods_value: Decimal = Decimal(0)


def donations(user, *, within: Region | None = None, year: int | None = None) -> QuerySet[Donation]:
    """Donations received under a place (in a year), the latest first."""
    return _in_year(Donation.objects.visible_to(user, within), year).select_related(
        "region", "household"
    )


def donation_totals(rows: QuerySet[Donation]) -> Totals:
    sums = rows.aggregate(cash=Sum("cash"), goods=Sum("goods_value"))
    return Totals(rows.count(), sums["cash"] or Decimal(0), sums["goods"] or Decimal(0))


def agreements(user, *, within: Region | None = None) -> QuerySet[PurchaseAgreement]:
    """Purchase agreements of sellers under a place, the latest signed first, each with what
    has been sold under it."""
    return (
        PurchaseAgreement.objects.visible_to(user, within)
        .select_related("region", "household")
        .annotate(sold=Sum("sales__amount"))
        .order_by("-signed_on", "pk")
    )


def agreement_for(user, agreement_id: int) -> PurchaseAgreement:
    return get_visible_or_404(PurchaseAgreement.objects.all(), user, pk=agreement_id)


def sales(user, *, within: Region | None = None, year: int | None = None) -> QuerySet[Sale]:
    """Sales of consumption assistance by sellers under a place (in a year), the latest first."""
    return _in_year(Sale.objects.visible_to(user, within), year).select_related(
        "region", "household", "agreement"
    )


def sale_totals(rows: QuerySet[Sale]) -> Totals:
    return Totals(rows.count(), rows.aggregate(amount=Sum("amount"))["amount"] or Decimal(0))


def project_for(user, project_id: int) -> Project:
    """A project within the user's places (for registering its assets); else 404."""
    return get_visible_or_404(Project.objects.all(), user, pk=project_id)
