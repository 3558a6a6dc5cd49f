"""Links that the apps above the kernel add to a place's page (a village's four teams…).

The kernel may not import those apps; each registers, when Django starts
(``AppConfig.ready``), a link: its label, the URL name it leads to (which takes the place's
code) and which places it is for.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse


@dataclass(frozen=True)
class PlaceLink:
    key: str
    label: Any  # a lazy translation
    url_name: str  # a route that takes ``code``
    applies: Callable[[Any, Any], bool]  # (user, region) → whether the link is offered


LINKS: dict[str, PlaceLink] = {}


def register(link: PlaceLink) -> None:
    LINKS[link.key] = link


def links_for(user, region) -> list[tuple[Any, str]]:
    """(label, address) of every registered link offered for the place, in the order apps
    registered them."""
    return [
        (link.label, reverse(link.url_name, kwargs={"code": region.code}))
        for link in LINKS.values()
        if link.applies(user, region)
    ]
