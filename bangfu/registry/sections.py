"""Sections that the apps built on the registry add to the household page (帮扶, 走访, 项目…).

The registry may not import the apps above it; each of them registers, when Django starts
(``AppConfig.ready``), a template and a function that gives that template's context for one
household and the person looking.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class HouseholdSection:
    key: str
    template: str
    context: Callable[[Any, Any], dict]  # (user, household) → the template's context


SECTIONS: dict[str, HouseholdSection] = {}


def register(section: HouseholdSection) -> None:
    SECTIONS[section.key] = section


def sections_for(user, household) -> list[tuple[str, dict]]:
    """(template, context) of every registered section, in the order apps registered them."""
    return [(s.template, s.context(user, household)) for s in SECTIONS.values()]
