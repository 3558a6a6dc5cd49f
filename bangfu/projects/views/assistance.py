"""Pages of assets, donations, consumption assistance, household income projects and village
collective income: each list under a place (``?place=``), downloadable (.xlsx), with the
forms that record them for those who may."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core import params
from bangfu.core.capabilities import Capability, require
from bangfu.core.forms import attempt
from bangfu.core.regions import RegionLevel
from bangfu.core.selectors import place_filter_choices, places_down_to, region_for
from bangfu.core.tables import xlsx_response

from .. import selectors, services
from ..forms.assistance import (
    AgreementForm,
    AssetForm,
    AssetUpdateForm,
    CollectiveIncomeForm,
    DonationForm,
    SaleForm,
)


def _within(request):
    code = params.place(request.GET.get("place"))
    return code, (region_for(request.user, code) if code else None)


def _year(request) -> int:
    return params.year(request.GET.get("year")) or timezone.localdate().year


def _page(request, rows):
    return Paginator(rows, 50).get_page(params.page_number(request.GET.get("page")))


def _villages(user) -> list[tuple[str, str]]:
    return [
        (c, n)
        for c, n, level in places_down_to(user, RegionLevel.VILLAGE)
        if level == RegionLevel.VILLAGE
    ]


def _places(user, deepest: int = RegionLevel.GROUP) -> list[tuple[str, str]]:
    return [(c, n) for c, n, _level in places_down_to(user, deepest)]


def _form_page(request, form, title: str, back: str, action: Callable[[], Any], done: str):
    """A form posting to a service: on success back to the list with ``done`` said."""
    if request.method == "POST" and attempt(form, action):
        messages.success(request, done)
        return redirect(back)
    return render(
        request,
        "projects/assistance_form.html",
        {"form": form, "title": title, "back": back},
        status=400 if form.errors else 200,
    )


def _filters(request, code: str, within, **more) -> dict:
    return {"within": within, "places": place_filter_choices(request.user, code), **more}


# -- assets ----------------------------------------------------------------------------------


@login_required
def assets(request):
    """The assets projects created in the villages under a place (扶贫项目资产台账)."""
    code, within = _within(request)
    rows = selectors.assets(request.user, within=within)
    if params.download(request.GET, "xlsx"):
        return xlsx_response(
            _("Project assets"),
            [
                _("Village"),
                _("Project number"),
                _("Project"),
                _("Kind of asset"),
                _("Asset"),
                _("Quantity"),
                _("Unit"),
                _("Value (yuan)"),
                _("Owned by"),
                _("Owning household"),
                _("Maintained by"),
                _("Registered on"),
            ],
            (
                [
                    a.region.name,
                    a.project.number,
                    a.project.name,
                    a.kind.label,
                    a.name,
                    a.quantity,
                    a.unit,
                    a.value,
                    a.get_owner_display(),
                    a.owner_household.number if a.owner_household else "",
                    a.maintainer,
                    a.registered_on,
                ]
                for a in rows.iterator(chunk_size=2000)
            ),
        )
    may_change = request.user.has_capability(Capability.PLAN_PROJECTS)
    return render(
        request,
        "projects/assets.html",
        _filters(request, code, within, page=_page(request, rows), may_change=may_change),
    )


@login_required
def asset_register(request, project_id):
    """Register an asset of an accepted project (验收后登记资产)."""
    project = selectors.project_for(request.user, project_id)
    require(request.user, Capability.PLAN_PROJECTS)
    form = AssetForm(
        request.POST or None,
        villages=_villages(request.user),
        initial={"registered_on": timezone.localdate(), "owner": "collective"},
    )
    return _form_page(
        request,
        form,
        _("Register an asset of project %(number)s") % {"number": project.number},
        reverse("projects:assets"),
        lambda: services.asset_register(
            actor=request.user, project_id=project.pk, **form.cleaned_data
        ),
        _("The asset is registered."),
    )


@login_required
def asset_edit(request, asset_id):
    """Change who maintains an asset, or its value."""
    asset = selectors.asset_for(request.user, asset_id)
    require(request.user, Capability.PLAN_PROJECTS)
    form = AssetUpdateForm(
        request.POST or None, initial={"maintainer": asset.maintainer, "value": asset.value}
    )
    return _form_page(
        request,
        form,
        _("Change the asset %(name)s") % {"name": asset.name},
        reverse("projects:assets"),
        lambda: services.asset_update(actor=request.user, asset_id=asset.pk, **form.cleaned_data),
        _("The asset is changed."),
    )


# -- donations -------------------------------------------------------------------------------


@login_required
def donations(request):
    """Donations received under a place in a year (社会捐赠), with their totals."""
    code, within = _within(request)
    year = _year(request)
    rows = selectors.donations(request.user, within=within, year=year)
    if params.download(request.GET, "xlsx"):
        return xlsx_response(
            _("Donations"),
            [
                _("Day"),
                _("Donor is"),
                _("Donor"),
                _("Cash (yuan)"),
                _("Goods"),
                _("Goods valued at (yuan)"),
                _("Recipient is"),
                _("Place"),
                _("Household"),
                _("School or student"),
            ],
            (
                [
                    d.day,
                    d.get_donor_kind_display(),
                    d.donor,
                    d.cash,
                    d.goods,
                    d.goods_value,
                    d.get_recipient_kind_display(),
                    d.region.name,
                    d.household.number if d.household else "",
                    d.recipient,
                ]
                for d in rows.iterator(chunk_size=2000)
            ),
        )
    return render(
        request,
        "projects/donations.html",
        _filters(
            request,
            code,
            within,
            year=year,
            page=_page(request, rows),
            totals=selectors.donation_totals(rows),
            may_record=request.user.has_capability(Capability.RECORD_ASSISTANCE),
        ),
    )


@login_required
def donation_add(request):
    require(request.user, Capability.RECORD_ASSISTANCE)
    form = DonationForm(
        request.POST or None,
        places=_places(request.user, RegionLevel.VILLAGE),
        initial={"day": timezone.localdate(), "recipient_kind": "village"},
    )
    return _form_page(
        request,
        form,
        _("Record a donation"),
        reverse("projects:donations"),
        lambda: services.donation_record(actor=request.user, **form.cleaned_data),
        _("The donation is recorded."),
    )


# -- consumption assistance ------------------------------------------------------------------


@login_required
def sales(request):
    """Consumption assistance under a place (消费帮扶): the purchase agreements, and the year's
    sales with their total."""
    code, within = _within(request)
    year = _year(request)
    rows = selectors.sales(request.user, within=within, year=year)
    if params.download(request.GET, "xlsx"):
        return xlsx_response(
            _("Consumption assistance sales"),
            [
                _("Day"),
                _("Seller's place"),
                _("Selling household"),
                _("Buyer is"),
                _("Buyer"),
                _("Product"),
                _("Quantity"),
                _("Unit"),
                _("Amount (yuan)"),
                _("Agreement"),
            ],
            (
                [
                    s.day,
                    s.region.name,
                    s.household.number if s.household else "",
                    s.get_buyer_kind_display(),
                    s.buyer,
                    s.product,
                    s.quantity,
                    s.unit,
                    s.amount,
                    str(s.agreement) if s.agreement else "",
                ]
                for s in rows.iterator(chunk_size=2000)
            ),
        )
    return render(
        request,
        "projects/sales.html",
        _filters(
            request,
            code,
            within,
            year=year,
            page=_page(request, rows),
            totals=selectors.sale_totals(rows),
            agreements=selectors.agreements(request.user, within=within)[:50],
            may_record=request.user.has_capability(Capability.RECORD_ASSISTANCE),
        ),
    )


@login_required
def agreement_add(request):
    require(request.user, Capability.RECORD_ASSISTANCE)
    form = AgreementForm(
        request.POST or None,
        places=_places(request.user),
        initial={"signed_on": timezone.localdate(), "valid_until": timezone.localdate()},
    )
    return _form_page(
        request,
        form,
        _("Record a purchase agreement"),
        reverse("projects:sales"),
        lambda: services.agreement_record(actor=request.user, **form.cleaned_data),
        _("The purchase agreement is recorded."),
    )


@login_required
def sale_add(request):
    require(request.user, Capability.RECORD_ASSISTANCE)
    form = SaleForm(
        request.POST or None,
        places=_places(request.user),
        agreements=[(a.pk, str(a)) for a in selectors.agreements(request.user)[:200]],
        initial={"day": timezone.localdate()},
    )
    return _form_page(
        request,
        form,
        _("Record a consumption assistance sale"),
        reverse("projects:sales"),
        lambda: services.sale_record(actor=request.user, **form.cleaned_data),
        _("The sale is recorded."),
    )


# -- household income projects ---------------------------------------------------------------


@login_required
def coverage(request):
    """Coverage of household income projects (到户项目): households able to work, those with
    an income project in the year, and the list of those without (.xlsx)."""
    code, within = _within(request)
    year = _year(request)
    found = selectors.income_project_coverage(request.user, within=within, year=year)
    if params.download(request.GET, "xlsx"):
        return xlsx_response(
            _("Households able to work without an income project"),
            [_("Household number"), _("Place"), _("Head of household")],
            (
                [h.number, h.region.name, h.head_name or ""]
                for h in found.without.iterator(chunk_size=2000)
            ),
        )
    return render(
        request,
        "projects/coverage.html",
        _filters(request, code, within, year=year, found=found, page=_page(request, found.without)),
    )


# -- village collective income ---------------------------------------------------------------


@login_required
def collective_income(request):
    """Each village's collective income of a year by source against its targets, the share
    of villages reaching the good income, and the villages below the floor."""
    code, within = _within(request)
    year = _year(request)
    standing = selectors.collective_income_standing(request.user, within=within, year=year)
    if params.download(request.GET, "xlsx"):
        return xlsx_response(
            _("Village collective income"),
            [
                _("Village"),
                *[s.label for s in standing.sources],
                _("Total (yuan)"),
                _("Floor (yuan)"),
                _("Good (yuan)"),
                _("Below the floor"),
            ],
            (
                [
                    row.village.name,
                    *[row.by_source.get(s.value) for s in standing.sources],
                    row.total,
                    row.floor,
                    row.good,
                    _("yes") if row.below else _("no"),
                ]
                for row in standing.rows
            ),
        )
    rows = [(row, [row.by_source.get(s.value) for s in standing.sources]) for row in standing.rows]
    return render(
        request,
        "projects/collective_income.html",
        _filters(
            request,
            code,
            within,
            year=year,
            standing=standing,
            page=Paginator(rows, 100).get_page(params.page_number(request.GET.get("page"))),
            may_record=request.user.has_capability(Capability.RECORD_ASSISTANCE),
        ),
    )


@login_required
def collective_income_record(request):
    require(request.user, Capability.RECORD_ASSISTANCE)
    form = CollectiveIncomeForm(
        request.POST or None,
        villages=_villages(request.user),
        initial={"year": timezone.localdate().year},
    )
    return _form_page(
        request,
        form,
        _("Record a village's collective income"),
        reverse("projects:collective_income"),
        lambda: services.collective_income_record(actor=request.user, **form.cleaned_data),
        _("The collective income is recorded."),
    )
