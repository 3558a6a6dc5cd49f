"""Pages of check-ins: the member's phone page (works offline), the member's month
calendar with the register kept by hand, a check-in's photo, and the flags for inspectors."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from bangfu.core import params
from bangfu.core.forms import attempt
from bangfu.visits.offline import kept_offline, offline_state
from bangfu.visits.views import flags_page

from .. import services
from ..forms.checkins import RegisterForm
from ..selectors import checkins as selectors
from ..selectors import residence

QUEUE = "bangfu-check-ins"  # the phone's IndexedDB database of check-ins not yet sent


def _offline(member) -> dict:
    keep = [reverse("teams:check_in")]
    if member is not None:
        keep.append(reverse("teams:member_month", args=[member.pk]))
    return offline_state(
        keep, reverse("teams:service_worker"), QUEUE, _("Check-ins waiting on this phone:")
    )


@login_required
@never_cache
def check_in(request):
    """The member's phone page (驻村打卡): one tap checks in, with the phone's position and
    an optional photo; it keeps working offline and sends when the network is back."""
    page = selectors.check_in_page(request.user)
    return kept_offline(
        render(
            request,
            "teams/checkins/check_in.html",
            {"page": page, "offline": _offline(page.member), "queue": QUEUE},
        )
    )


def _month_page(request, member, month: datetime.date, form, status: int = 200):
    own = selectors.is_own(request.user, member)
    previous, following = params.months_around(month)
    shown = selectors.member_month(request.user, member, month)
    response = render(
        request,
        "teams/checkins/member_month.html",
        {
            "member": member,
            "month": month,
            "previous": previous,
            "following": following,
            "shown": shown,
            "definition": residence.SHORT_DEFINITION,
            "week": [month + datetime.timedelta(days=i - month.weekday()) for i in range(7)],
            "lead": range(month.weekday()),
            "form": form,
            "offline": _offline(member) if own else None,
            "queue": QUEUE,
        },
        status=status,
    )
    return kept_offline(response) if own and status == 200 else response


@login_required
def member_month(request, member_id):
    """A member's month (考勤日历): each day's status, check-ins, register entries and leave,
    and the residence days against the rule. A member's own month is kept on their phone."""
    member = selectors.member_for(request.user, member_id)
    month = params.month(request.GET.get("month"))
    form = RegisterForm() if selectors.may_keep_register(request.user, member) else None
    return _month_page(request, member, month, form)


@login_required
@require_POST
def register_keep(request, member_id):
    """Record a day of the member's register by hand, with the reason (the month's form)."""
    member = selectors.member_for(request.user, member_id)
    form = RegisterForm(request.POST)

    def keep():
        return services.register_keep(actor=request.user, member_id=member.pk, **form.cleaned_data)

    done = attempt(form, keep)
    if done:
        messages.success(request, _("The register is kept."))
        url = reverse("teams:member_month", args=[member.pk])
        return redirect(f"{url}?month={done.result.day:%Y-%m}")
    day = form.cleaned_data.get("day") if hasattr(form, "cleaned_data") else None
    month = params.month(f"{day:%Y-%m}") if day else params.month(None)
    return _month_page(request, member, month, form, status=400)


@login_required
def check_in_photo(request, check_in_id):
    record = selectors.check_in_photo(request.user, check_in_id)
    return FileResponse(record.photo.open("rb"), content_type="image/jpeg")


@login_required
def check_in_flags(request):
    """Check-ins that may not be what they claim, with why (for inspectors)."""
    return flags_page(request, selectors, "teams/checkins/flags.html")
