"""Assets, donations, consumption assistance, household income project coverage and village
collective income over the API: the lists under a place, and the writes of each."""

import datetime
from decimal import Decimal

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from bangfu.core import params
from bangfu.core.params import Id
from bangfu.core.schemas import documented
from bangfu.core.selectors import region_for

from .. import selectors, services
from ..models import Asset, CollectiveIncome, Donation, PurchaseAgreement, Sale

router = Router(tags=["projects"])

PLACE = Field(
    None,
    description="a place's code (12 digits, 15 for a group)",
    json_schema_extra={"maxLength": 15},
)


class PlaceIn(Schema):
    place: str = ""


class PlaceYearIn(Schema):
    place: str = ""
    year: str = Field("", description="a year, 2026; this year by default")


def _within(user, filters: PlaceIn):
    code = params.place(filters.place)
    return region_for(user, code) if code else None


def _year(filters: PlaceYearIn) -> int:
    return params.year(filters.year) or timezone.localdate().year


# -- assets ----------------------------------------------------------------------------------


class AssetIn(Schema):
    village_code: str = Field(
        description="the village's 12-digit code", json_schema_extra={"maxLength": 12}
    )
    kind: str = Field(description="a value of the asset_kind code list")
    name: str = documented(Asset, "name")
    quantity: Decimal = documented(Asset, "quantity")
    unit: str = documented(Asset, "unit")
    value: Decimal = documented(Asset, "value")
    owner: str = documented(Asset, "owner")
    owner_household_id: Id | None = None
    maintainer: str = documented(Asset, "maintainer")
    registered_on: datetime.date = documented(Asset, "registered_on")


class AssetUpdateIn(Schema):
    maintainer: str = documented(Asset, "maintainer")
    value: Decimal = documented(Asset, "value")


class AssetOut(Schema):
    id: int
    project_id: int
    project_number: str
    village_code: str
    kind: str
    kind_label: str
    name: str
    quantity: Decimal
    unit: str
    value: Decimal
    owner: str
    owner_household_id: int | None
    maintainer: str
    registered_on: datetime.date


def _asset(asset: Asset) -> dict:
    return {
        "id": asset.pk,
        "project_id": asset.project_id,
        "project_number": asset.project.number,
        "village_code": asset.region_id,
        "kind": asset.kind.value,
        "kind_label": asset.kind.label,
        "name": asset.name,
        "quantity": asset.quantity,
        "unit": asset.unit,
        "value": asset.value,
        "owner": asset.owner,
        "owner_household_id": asset.owner_household_id,
        "maintainer": asset.maintainer,
        "registered_on": asset.registered_on,
    }


@router.get("/projects/assets", response=list[AssetOut], operation_id="assets_list")
@paginate(params.Pages, page_size=50)
def assets_list(request, filters: Query[PlaceIn]):
    """The project assets standing in the villages under ``place`` (or all the caller's)."""
    return params.Mapped(
        selectors.assets(request.auth, within=_within(request.auth, filters)), _asset
    )


@router.post(
    "/projects/{project_id}/assets", response={201: AssetOut}, operation_id="asset_register"
)
def asset_register(request, project_id: Id, payload: AssetIn):
    """Register an asset of an accepted project."""
    project = selectors.project_for(request.auth, project_id)
    asset = services.asset_register(actor=request.auth, project_id=project.pk, **payload.dict())
    return Status(201, _asset(selectors.asset_for(request.auth, asset.pk)))


@router.post("/projects/assets/{asset_id}", response=AssetOut, operation_id="asset_update")
def asset_update(request, asset_id: Id, payload: AssetUpdateIn):
    """Change who maintains an asset, or its value."""
    asset = selectors.asset_for(request.auth, asset_id)
    services.asset_update(actor=request.auth, asset_id=asset.pk, **payload.dict())
    return _asset(selectors.asset_for(request.auth, asset.pk))


# -- donations -------------------------------------------------------------------------------


class DonationIn(Schema):
    donor_kind: str = documented(Donation, "donor_kind")
    donor: str = documented(Donation, "donor")
    day: datetime.date = documented(Donation, "day")
    cash: Decimal = documented(Donation, "cash", Decimal(0))
    goods: str = documented(Donation, "goods", "")
    goods_value: Decimal = documented(Donation, "goods_value", Decimal(0))
    recipient_kind: str = documented(Donation, "recipient_kind")
    household_id: Id | None = None
    region_code: str | None = PLACE
    recipient: str = documented(Donation, "recipient", "")


class DonationOut(Schema):
    id: int
    region_code: str
    donor_kind: str
    donor: str
    day: datetime.date
    cash: Decimal
    goods: str
    goods_value: Decimal
    recipient_kind: str
    household_id: int | None
    recipient: str


def _donation(d: Donation) -> dict:
    return {
        "id": d.pk,
        "region_code": d.region_id,
        "donor_kind": d.donor_kind,
        "donor": d.donor,
        "day": d.day,
        "cash": d.cash,
        "goods": d.goods,
        "goods_value": d.goods_value,
        "recipient_kind": d.recipient_kind,
        "household_id": d.household_id,
        "recipient": d.recipient,
    }


@router.get("/projects/donations", response=list[DonationOut], operation_id="donations_list")
@paginate(params.Pages, page_size=50)
def donations_list(request, filters: Query[PlaceYearIn]):
    """Donations received under ``place`` in ``year``, the latest first."""
    rows = selectors.donations(
        request.auth, within=_within(request.auth, filters), year=_year(filters)
    )
    return params.Mapped(rows, _donation)


@router.post("/projects/donations", response={201: DonationOut}, operation_id="donation_record")
def donation_record(request, payload: DonationIn):
    """A donation to a household (``household_id``), a village (``region_code``), or a school
    or student (``recipient``, at the place ``region_code``)."""
    return Status(201, _donation(services.donation_record(actor=request.auth, **payload.dict())))


# -- consumption assistance ------------------------------------------------------------------


class AgreementIn(Schema):
    buyer_kind: str = documented(PurchaseAgreement, "buyer_kind")
    buyer: str = documented(PurchaseAgreement, "buyer")
    products: str = documented(PurchaseAgreement, "products")
    signed_on: datetime.date = documented(PurchaseAgreement, "signed_on")
    valid_until: datetime.date = documented(PurchaseAgreement, "valid_until")
    amount: Decimal | None = documented(PurchaseAgreement, "amount", None)
    household_id: Id | None = None
    region_code: str | None = PLACE


class AgreementOut(Schema):
    id: int
    region_code: str
    household_id: int | None
    buyer_kind: str
    buyer: str
    products: str
    signed_on: datetime.date
    valid_until: datetime.date
    amount: Decimal | None
    sold: Decimal


def _agreement(a: PurchaseAgreement) -> dict:
    return {
        "id": a.pk,
        "region_code": a.region_id,
        "household_id": a.household_id,
        "buyer_kind": a.buyer_kind,
        "buyer": a.buyer,
        "products": a.products,
        "signed_on": a.signed_on,
        "valid_until": a.valid_until,
        "amount": a.amount,
        "sold": getattr(a, "sold", None) or Decimal(0),
    }


@router.get("/projects/agreements", response=list[AgreementOut], operation_id="agreements_list")
@paginate(params.Pages, page_size=50)
def agreements_list(request, filters: Query[PlaceIn]):
    """Purchase agreements of sellers under ``place``, with what was sold under each."""
    return params.Mapped(
        selectors.agreements(request.auth, within=_within(request.auth, filters)), _agreement
    )


@router.post("/projects/agreements", response={201: AgreementOut}, operation_id="agreement_record")
def agreement_record(request, payload: AgreementIn):
    """A purchase agreement with a household (``household_id``) or a village (``region_code``)."""
    agreement = services.agreement_record(actor=request.auth, **payload.dict())
    return Status(201, _agreement(agreement))


class SaleIn(Schema):
    household_id: Id | None = None
    region_code: str | None = PLACE
    agreement_id: Id | None = None
    buyer_kind: str = documented(Sale, "buyer_kind")
    buyer: str = documented(Sale, "buyer")
    product: str = documented(Sale, "product")
    quantity: Decimal = documented(Sale, "quantity")
    unit: str = documented(Sale, "unit")
    amount: Decimal = documented(Sale, "amount")
    day: datetime.date = documented(Sale, "day")


class SaleOut(Schema):
    id: int
    region_code: str
    household_id: int | None
    agreement_id: int | None
    buyer_kind: str
    buyer: str
    product: str
    quantity: Decimal
    unit: str
    amount: Decimal
    day: datetime.date


def _sale(s: Sale) -> dict:
    return {
        "id": s.pk,
        "region_code": s.region_id,
        "household_id": s.household_id,
        "agreement_id": s.agreement_id,
        "buyer_kind": s.buyer_kind,
        "buyer": s.buyer,
        "product": s.product,
        "quantity": s.quantity,
        "unit": s.unit,
        "amount": s.amount,
        "day": s.day,
    }


@router.get("/projects/sales", response=list[SaleOut], operation_id="sales_list")
@paginate(params.Pages, page_size=50)
def sales_list(request, filters: Query[PlaceYearIn]):
    """Consumption assistance sales by sellers under ``place`` in ``year``."""
    rows = selectors.sales(request.auth, within=_within(request.auth, filters), year=_year(filters))
    return params.Mapped(rows, _sale)


@router.post("/projects/sales", response={201: SaleOut}, operation_id="sale_record")
def sale_record(request, payload: SaleIn):
    """A sale by a household or a village, or under an agreement (its seller's)."""
    return Status(201, _sale(services.sale_record(actor=request.auth, **payload.dict())))


# -- household income projects ---------------------------------------------------------------


class AssistanceCoverageOut(Schema):
    year: int
    able: int
    covered: int
    without: int


class WithoutOut(Schema):
    id: int
    number: str
    region_code: str
    head_name: str


@router.get(
    "/projects/income-coverage",
    response=AssistanceCoverageOut,
    operation_id="income_project_coverage",
)
def income_project_coverage(request, filters: Query[PlaceYearIn]):
    """Households able to work under ``place``, those with an income project in ``year``."""
    found = selectors.income_project_coverage(
        request.auth, within=_within(request.auth, filters), year=_year(filters)
    )
    return {
        "year": found.year,
        "able": found.able,
        "covered": found.covered,
        "without": found.able - found.covered,
    }


@router.get(
    "/projects/income-coverage/without",
    response=list[WithoutOut],
    operation_id="households_without_income_project",
)
@paginate(params.Pages, page_size=50)
def households_without_income_project(request, filters: Query[PlaceYearIn]):
    """The households able to work without an income project in ``year``, in place order."""
    found = selectors.income_project_coverage(
        request.auth, within=_within(request.auth, filters), year=_year(filters)
    )
    return params.Mapped(
        found.without,
        lambda h: {
            "id": h.pk,
            "number": h.number,
            "region_code": h.region_id,
            "head_name": h.head_name or "",
        },
    )


# -- village collective income ---------------------------------------------------------------


class CollectiveIncomeIn(Schema):
    village_code: str = Field(
        description="the village's 12-digit code", json_schema_extra={"maxLength": 12}
    )
    year: int = documented(CollectiveIncome, "year")
    source: str = Field(description="a value of the collective_income_source code list")
    amount: Decimal = documented(CollectiveIncome, "amount")


class VillageIncomeOut(Schema):
    village_code: str
    village: str
    by_source: dict[str, Decimal]
    total: Decimal | None
    floor: int
    good: int
    below: bool
    reaches_good: bool


class StandingOut(Schema):
    year: int
    villages: int
    reaching_floor: int
    reaching_good: int
    share_good: Decimal | None
    good_share: int
    meets_good_share: bool
    rows: list[VillageIncomeOut]


def _standing(user, within, year: int) -> dict:
    standing = selectors.collective_income_standing(user, within=within, year=year)
    return {
        "year": year,
        "villages": standing.villages,
        "reaching_floor": standing.reaching_floor,
        "reaching_good": standing.reaching_good,
        "share_good": standing.share_good,
        "good_share": standing.good_share,
        "meets_good_share": standing.meets_good_share,
        "rows": [
            {
                "village_code": row.village.code,
                "village": row.village.name,
                "by_source": row.by_source,
                "total": row.total,
                "floor": row.floor,
                "good": row.good,
                "below": row.below,
                "reaches_good": row.reaches_good,
            }
            for row in standing.rows
        ],
    }


@router.get(
    "/projects/collective-income",
    response=StandingOut,
    operation_id="collective_income_standing",
)
def collective_income_standing(request, filters: Query[PlaceYearIn]):
    """Each village's collective income of ``year`` by source against its targets."""
    return _standing(request.auth, _within(request.auth, filters), _year(filters))


@router.post(
    "/projects/collective-income",
    response={201: VillageIncomeOut},
    operation_id="collective_income_record",
)
def collective_income_record(request, payload: CollectiveIncomeIn):
    """A village's collective income of a year from one source; again replaces it."""
    income = services.collective_income_record(actor=request.auth, **payload.dict())
    village = region_for(request.auth, income.region_id)
    (row,) = _standing(request.auth, village, income.year)["rows"]
    return Status(201, row)
