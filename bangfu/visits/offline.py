"""The pages a person's phone keeps for working offline, and what such a page says about it.

A page the phone may keep is marked with the ``Bangfu-Offline`` header (a person's own pages
only, never an office's view of someone else's); the service worker (``static/visits/sw.js``,
served under each app's prefix so that its scope covers that app's pages) keeps the last good
copy. A pair helper's phone keeps all of the helper's pages together: those of visits (their
households, the capture page, their month) and those the apps above register here
(``register``, from ``AppConfig.ready``, as they register home panels) — a follow-up page, a
household's acknowledgement page. Whichever of them the helper opens online keeps the others
and registers the worker of each scope, so that any of them opens without a network.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

# The header that tells the service worker a page may be kept on the phone for working
# offline: a person's own pages only, never what an office PC shows of others.
KEEP_OFFLINE = "Bangfu-Offline"


@dataclass(frozen=True)
class PhonePages:
    key: str
    worker: str  # the URL name of the service worker served over these pages' prefix
    addresses: Callable[[Any], list[str]]  # user → the addresses of their pages to keep


HELPER_PAGES: dict[str, PhonePages] = {}


def register(pages: PhonePages) -> None:
    HELPER_PAGES[pages.key] = pages


@dataclass(frozen=True)
class Kept:
    """A helper's pages to keep, and the workers whose scopes hold them."""

    pages: list[str] = field(default_factory=list)
    workers: list[str] = field(default_factory=list)


def helper_pages(user) -> Kept:
    kept = Kept()
    for entry in HELPER_PAGES.values():  # visits first, then the apps above in order
        found = entry.addresses(user)
        kept.pages.extend(found)
        worker = reverse(entry.worker)
        if found and worker not in kept.workers:
            kept.workers.append(worker)
    return kept


def offline_state(
    keep: list[str], worker: str, queue: str, waiting, workers: list[str] | None = None
) -> dict:
    """What a page the phone keeps says, opened offline: when it was made, the person's other
    pages to keep with it, the service worker that keeps them (and those of the other
    scopes they lie under), and the phone's queue whose waiting items it counts
    (``visits/offline_state.html``)."""
    return {
        "as_of": timezone.localtime(),
        "keep": keep,
        "worker": worker,
        "workers": [other for other in workers or [] if other != worker],
        "queue": queue,
        "waiting": waiting,
    }


def helper_offline(user, *, worker: str, queue: str, waiting) -> dict:
    """``offline_state`` of one of a pair helper's own pages: it keeps all of them."""
    kept = helper_pages(user)
    return offline_state(kept.pages, reverse(worker), queue, waiting, kept.workers)


def kept_offline(response: HttpResponse) -> HttpResponse:
    """Marks a page as one the phone may keep (a person's own pages only)."""
    response[KEEP_OFFLINE] = "keep"
    return response
