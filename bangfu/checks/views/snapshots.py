"""The national system snapshots' pages (国家系统快照): the list of a reader's counties'
months, and one snapshot (its counts, file, who stored it and when)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from bangfu.core import params
from bangfu.core.capabilities import Capability
from bangfu.core.selectors import place_filter_choices, region_for
from bangfu.core.tables import xlsx_response

from .. import selectors


@login_required
def snapshot_list(request):
    """The months stored of each county in the reader's places, the latest first."""
    code = params.place(request.GET.get("place"))
    within = region_for(request.user, code) if code else None
    rows = selectors.snapshots(request.user, within)
    if params.download(request.GET, "xlsx"):
        return xlsx_response(
            _("National system snapshots"),
            [
                _("County"),
                _("Month"),
                _("File"),
                _("Households"),
                _("Members"),
                _("Stored by"),
                _("Stored at"),
            ],
            (
                [
                    s.region.name,
                    f"{s.month:%Y-%m}",
                    s.file_name,
                    s.households,
                    s.members,
                    str(s.imported_by),
                    s.imported_at,
                ]
                for s in rows.iterator(chunk_size=2000)
            ),
        )
    page = Paginator(rows, 50).get_page(params.page_number(request.GET.get("page")))
    return render(
        request,
        "checks/snapshot_list.html",
        {
            "within": within,
            "places": place_filter_choices(request.user, code),
            "page": page,
            "may_upload": request.user.has_capability(Capability.IMPORT_NATIONAL_DATA),
        },
    )


@login_required
def snapshot_detail(request, snapshot_id):
    """One month's snapshot of a county: what was stored, from which file, by whom, when."""
    snapshot = selectors.snapshot_for(request.user, snapshot_id)
    return render(request, "checks/snapshot_detail.html", {"snapshot": snapshot})
