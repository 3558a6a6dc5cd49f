"""The funds summary (资金汇总): a place's project funds of a year by source, kind, year and
sub-place, from the place roll-ups, each figure leading to the ledger entries behind it."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core import params
from bangfu.core.errors import DomainError
from bangfu.core.selectors import place_filter_choices, region_for, trail_of
from bangfu.core.tables import Sheet, sheets_response

from ..models import PROJECT_YEAR
from ..selectors import figures as selectors


def _year(raw: str | None) -> int:
    """``?year=``: a project year (the library's: to three years ahead), this year if none."""
    try:
        chosen = PROJECT_YEAR.clean((raw or "").strip() or None, label=_("Year"), field="year")
    except DomainError as refusal:
        raise params.BadParameter(refusal.message, field="year") from None
    return chosen or timezone.localdate().year


def _money_columns() -> list[str]:
    return [
        _("Funds planned"),
        _("Funds allocated"),
        _("Funds paid"),
        _("Balance"),
        _("Disbursement rate"),
    ]


def _money(funds) -> list:
    rate = f"{funds.rate * 100:.1f}%" if funds.rate is not None else "—"
    return [funds.planned, funds.allocated, funds.paid, funds.balance, rate]


@login_required
def funds(request):
    """Planned, allocated and paid funds and the disbursement rate (支出进度) of the projects
    of a year under a place, by source, by kind, by year and by the places under it."""
    code = params.place(request.GET.get("place"))
    within = region_for(request.user, code) if code else None
    year = _year(request.GET.get("year"))
    kinds = selectors.labels("project_kind")
    kind = params.choice(request.GET.get("kind"), field="kind", choices=list(kinds))
    download = params.download(request.GET, "xlsx")
    summary = selectors.funds_summary(request.user, within, year, kind)
    if download == "xlsx":
        place = within.name if within else _("all my places")
        tables = [
            (_("By source"), _("Source of funds"), summary.by_source),
            (_("By kind"), _("Kind of project"), summary.by_kind),
            (_("By year"), _("Year"), summary.by_year),
            (_("By place"), _("Place"), summary.by_place),
        ]
        return sheets_response(
            f"{_('Funds summary')}-{place}-{year}",
            [
                Sheet(
                    title,
                    [first, *_money_columns()],
                    ([row.label, *_money(row.funds)] for row in rows),
                )
                for title, first, rows in tables
            ],
        )
    return render(
        request,
        "projects/funds.html",
        {
            "within": within,
            "trail": trail_of(request.user, within) if within else [],
            "places": place_filter_choices(request.user, within.code if within else ""),
            "year": year,
            "years": range(PROJECT_YEAR.window()[1], PROJECT_YEAR.minimum - 1, -1),
            "kinds": kinds,
            "kind": kind,
            "summary": summary,
        },
    )
