"""Links and sections that the apps above the kernel add to a place's page (a village's four
teams…, the households by risk code of each place under it).

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


@dataclass(frozen=True)
class PlaceSection:
    key: str
    template: str  # given ``section``, what ``context`` answered
    # (user, region) → the template's context, or None when the section is not shown
    context: Callable[[Any, Any], Any]


SECTIONS: dict[str, PlaceSection] = {}


def register_section(section: PlaceSection) -> None:
    SECTIONS[section.key] = section


def sections_for(user, region) -> list[tuple[str, Any]]:
    """(template, context) of every registered section shown for the place."""
    found = [(s.template, s.context(user, region)) for s in SECTIONS.values()]
    return [(template, context) for template, context in found if context is not None]
