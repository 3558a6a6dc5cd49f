"""County A's assets, donations, consumption assistance and collective income for the route
walk and the fuzz: an accepted project of 马家寨村 with an asset, a donation to the walk's
household, an agreement and a sale of the village, and the village's collective income."""

import datetime

from django.utils import timezone

from bangfu.core.models import Code, Region
from bangfu.projects.models import (
    Asset,
    CollectiveIncome,
    Donation,
    Project,
    ProjectStep,
    PurchaseAgreement,
    Sale,
    Stage,
)
from bangfu.projects.services import (
    agreement_record,
    asset_register,
    collective_income_record,
    donation_record,
    sale_record,
)

VILLAGE, TOWNSHIP = "611103002201", "611103002000"
ACCEPTED = datetime.date(2026, 9, 1)

ASSET_JSON = {
    "village_code": VILLAGE,
    "kind": "1",
    "name": "马家寨村产业路",
    "quantity": "2.5",
    "unit": "公里",
    "value": "850000",
    "owner": "collective",
    "owner_household_id": None,
    "maintainer": "马家寨村村委会",
    "registered_on": "2026-10-01",
}
ASSET_FORM = {**ASSET_JSON, "owner_household_id": ""}
ASSET_UPDATE = {"maintainer": "马家寨村合作社", "value": "800000"}
DONATION_JSON = {
    "donor_kind": "enterprise",
    "donor": "马家寨村在外乡贤",
    "day": "2026-06-01",
    "cash": "5000",
    "goods": "",
    "goods_value": "0",
    "recipient_kind": "village",
    "household_id": None,
    "region_code": VILLAGE,
    "recipient": "",
}
AGREEMENT_JSON = {
    "buyer_kind": "unit",
    "buyer": "区机关食堂",
    "products": "马家寨村土鸡蛋",
    "signed_on": "2026-03-01",
    "valid_until": "2026-12-31",
    "amount": "20000",
    "household_id": None,
    "region_code": VILLAGE,
}
SALE_JSON = {
    "household_id": None,
    "region_code": VILLAGE,
    "agreement_id": None,
    "buyer_kind": "unit",
    "buyer": "区机关食堂",
    "product": "马家寨村土鸡蛋",
    "quantity": "300",
    "unit": "斤",
    "amount": "2400",
    "day": "2026-05-10",
}
INCOME_JSON = {"village_code": VILLAGE, "year": 2026, "source": "1", "amount": "66000"}


def _form(data: dict) -> dict:
    return {k: "" if v is None else v for k, v in data.items()}


def accepted_project(actor, number: str = "611103-2026-903") -> Project:
    """An accepted project of 马家寨村, put straight into the library (as ``make_project``)."""
    region = Region.objects.get(code=VILLAGE)
    project = Project.objects.create(
        region=region,
        county_id="611103000000",
        number=number,
        name="马家寨村产业路项目",
        kind=Code.objects.get(kind="project_kind", value="1"),
        year=2026,
        responsible_unit="区农业农村局",
        stage=Stage.ACCEPTED,
        stage_on=ACCEPTED,
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    ProjectStep.objects.create(
        project=project,
        region=region,
        stage=Stage.ACCEPTED,
        day=ACCEPTED,
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    return project


def assistance_world(county_admin, household) -> dict:
    project = accepted_project(county_admin)
    asset = asset_register(actor=county_admin, project_id=project.pk, **ASSET_JSON)
    donation = donation_record(
        actor=county_admin,
        **{**DONATION_JSON, "recipient_kind": "household", "household_id": household.pk},
    )
    agreement = agreement_record(actor=county_admin, **AGREEMENT_JSON)
    sale = sale_record(actor=county_admin, **{**SALE_JSON, "agreement_id": agreement.pk})
    income = collective_income_record(actor=county_admin, **INCOME_JSON)
    return {
        "assets_project": project,
        "asset": asset,
        "donation": donation,
        "agreement": agreement,
        "sale": sale,
        "collective_income": income,
    }


def assistance_state():
    return (
        list(Asset.objects.values_list("pk", "maintainer", "value")),
        Donation.objects.count(),
        PurchaseAgreement.objects.count(),
        Sale.objects.count(),
        list(CollectiveIncome.objects.values_list("pk", "amount")),
    )


def _a_project(world):
    return {"project_id": world["assets_project"].pk}


def _an_asset(world):
    return {"asset_id": world["asset"].pk}


def assistance_page_probes(probe) -> dict:
    """Part D's routes for the walk's PAGE_PROBES (``probe`` is its ``Probe``)."""
    return {
        "projects:assets": probe(),
        "projects:asset_register": probe(
            _a_project, {"project_id": 10**9}, ("get", "post"), _form(ASSET_FORM)
        ),
        "projects:asset_edit": probe(_an_asset, {"asset_id": 10**9}, ("get", "post"), ASSET_UPDATE),
        "projects:donations": probe(),
        "projects:donation_add": probe(methods=("get", "post"), data=_form(DONATION_JSON)),
        "projects:sales": probe(),
        "projects:agreement_add": probe(methods=("get", "post"), data=_form(AGREEMENT_JSON)),
        "projects:sale_add": probe(methods=("get", "post"), data=_form(SALE_JSON)),
        "projects:coverage": probe(),
        "projects:collective_income": probe(),
        "projects:collective_income_record": probe(methods=("get", "post"), data=INCOME_JSON),
    }


def assistance_api_probes(probe) -> dict:
    """Part D's operations for the walk's API_PROBES: writes naming county A's places are
    refused (400), those naming its records answer 404."""
    return {
        "assets_list": probe(),
        "asset_register": probe(_a_project, {"project_id": 10**9}, ("post",), ASSET_JSON),
        "asset_update": probe(_an_asset, {"asset_id": 10**9}, ("post",), ASSET_UPDATE),
        "donations_list": probe(),
        "donation_record": probe(methods=("post",), data=DONATION_JSON),
        "agreements_list": probe(),
        "agreement_record": probe(methods=("post",), data=AGREEMENT_JSON),
        "sales_list": probe(),
        "sale_record": probe(methods=("post",), data=SALE_JSON),
        "income_project_coverage": probe(),
        "households_without_income_project": probe(),
        "collective_income_standing": probe(),
        "collective_income_record": probe(methods=("post",), data=INCOME_JSON),
    }


def assistance_aims(world, aim) -> dict:
    """For each of part D's operations, a valid request aimed at county A's records."""
    place = {"place": TOWNSHIP}
    year = {"place": TOWNSHIP, "year": "2026"}
    return {
        "assets_list": lambda n: aim({}, place, None),
        "asset_register": lambda n: aim(_a_project(world), {}, dict(ASSET_JSON)),
        "asset_update": lambda n: aim(_an_asset(world), {}, dict(ASSET_UPDATE)),
        "donations_list": lambda n: aim({}, year, None),
        "donation_record": lambda n: aim({}, {}, dict(DONATION_JSON)),
        "agreements_list": lambda n: aim({}, place, None),
        "agreement_record": lambda n: aim({}, {}, dict(AGREEMENT_JSON)),
        "sales_list": lambda n: aim({}, year, None),
        "sale_record": lambda n: aim(
            {}, {}, {**SALE_JSON, "region_code": None, "agreement_id": world["agreement"].pk}
        ),
        "income_project_coverage": lambda n: aim({}, year, None),
        "households_without_income_project": lambda n: aim({}, year, None),
        "collective_income_standing": lambda n: aim({}, year, None),
        "collective_income_record": lambda n: aim({}, {}, {**INCOME_JSON, "year": 2014 + n % 12}),
    }
