"""An inspector's pages in the village, on a phone, with or without a network: a round's
households to survey (kept by the phone for the round's group), and what the survey and
finding pages say offline. The service worker is the visits' (``/supervision/sw.js``, scope
``/supervision/``), the queue and outbox too (``visits/queue.js``, ``visits/outbox.js``)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from bangfu.visits.offline import kept_offline, offline_state

from ..selectors import phone as selectors


def phone_offline(user) -> dict:
    """The offline line of an inspector's page the phone keeps: the pages to keep with it and
    the surveys and findings waiting in the phone's queue."""
    return offline_state(
        selectors.phone_pages(user),
        reverse("supervision:service_worker"),
        selectors.QUEUE,
        _("Surveys and findings waiting on this phone:"),
    )


def kept_for_inspector(request, response, offline: dict | None):
    """The page kept on the phone when it is the inspector's own and shown as asked."""
    if offline is not None and request.method == "GET" and response.status_code == 200:
        return kept_offline(response)
    return response


@login_required
def round_surveys(request, round_id):
    """A round's sampled households to survey (入户调查), each with its survey or the link to
    record it; kept on the phones of the round's inspection group, so that it opens in the
    village without a network."""
    detail = selectors.round_households(request.user, round_id)
    offline = phone_offline(request.user) if detail["own"] else None
    response = render(
        request,
        "supervision/surveys_round.html",
        detail | {"offline": offline, "queue": selectors.QUEUE},
    )
    return kept_for_inspector(request, response, offline)
