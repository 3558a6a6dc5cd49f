"""What the home page (the first screen after signing in) shows each person.

A leader's and an inspector's first screen is their places' figures and what needs them; a
pair helper's is their households. The kernel may not import the apps that hold those; each
registers, when Django starts (``AppConfig.ready``), a panel: a template and a selector that
gives its context for the person signed in, or None where the panel is not theirs.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class HomePanel:
    key: str
    template: str
    context: Callable[[Any], dict | None]  # user → the template's context, or None: not theirs
    order: int = 50  # lower first


PANELS: dict[str, HomePanel] = {}


def register(panel: HomePanel) -> None:
    PANELS[panel.key] = panel


def panels_for(user) -> list[tuple[str, dict]]:
    """(template, context) of every panel that is the user's, in order."""
    found = []
    for panel in sorted(PANELS.values(), key=lambda panel: (panel.order, panel.key)):
        context = panel.context(user)
        if context is not None:
            found.append((panel.template, context))
    return found
