"""Reads of bulletins (简报/通报): the list of a reader's places, one bulletin, and what a
bulletin says (``bulletin_content``): the month's key figures with their definitions (the
same reading of the roll-ups as the dashboard's, ``figures.place_figures``), the best and
the last by published score, and the month's findings with where their rectification
stands. A draft says it from the records as they are now; a published bulletin from what
it froze when it was published (``Bulletin.figures``), whatever the records become."""

import datetime
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core.figures import figure_text
from bangfu.core.models import Region
from bangfu.core.regions import code_range
from bangfu.core.scoping import get_visible_or_404, ranges_q
from bangfu.visits.rollups import next_month

from ..models import (
    Bulletin,
    BulletinState,
    Finding,
    FindingState,
    Score,
    ScoreLevel,
)
from .figures import DEFINITIONS, by_category, place_figures, satisfaction_min, values_of

# How many of the best and of the last a bulletin names, per level scored.
PERFORMERS = 3
# How many of the month's findings a bulletin lists (all are counted).
FINDINGS_LISTED = 100


def bulletins_of(user, within: Region | None = None, year: int | None = None) -> QuerySet[Bulletin]:
    """The bulletins of the reader's places (under ``within``), the latest first."""
    found = Bulletin.objects.visible_to(user, within).select_related("region", "corrects")
    if year:
        found = found.filter(year=year)
    return found.order_by("-year", "-month", "region_id", "-number")


def bulletin_for(user, bulletin_id: int) -> Bulletin:
    """A bulletin of the reader's places (404 otherwise, as a missing one)."""
    return get_visible_or_404(
        Bulletin.objects.select_related("region", "corrects", "recorded_by", "published_by"),
        user,
        pk=bulletin_id,
    )


def is_draft(bulletin: Bulletin) -> bool:
    return bulletin.state == BulletinState.DRAFT


def _under(region: Region):
    """Records at or under a place, whoever reads: what a bulletin of the place says."""
    return ranges_q([code_range(region.code, region.level)], "region_id")


def judged_on(month: datetime.date) -> datetime.date:
    """The day a month is judged on: its last day, or today while it runs."""
    return min(timezone.localdate(), next_month(month) - datetime.timedelta(days=1))


def _subject(score: Score) -> str:
    """Who a score is of, by name (a household by its number)."""
    for name in ("unit", "team", "helper"):
        subject = getattr(score, name)
        if subject is not None:
            return subject.name
    if score.household is not None:
        return score.household.number
    return score.region.name


def performers(region: Region, month: datetime.date) -> list[dict[str, Any]]:
    """For each level with scores of the month published of those at or under the place
    (wherever the sheet was published: the county scores its townships), the best and the
    last by score (``PERFORMERS`` of each; ties in the order published)."""
    found = []
    for level, label in ScoreLevel.choices:
        scores = (
            Score.objects.filter(_under(region), sheet__month=month, sheet__level=level)
            .select_related("unit", "team", "helper", "household", "region")
            .order_by("-total", "sheet_id", "rank", "pk")
        )
        count = scores.count()
        if not count:
            continue
        best = list(scores[:PERFORMERS])
        last = list(scores.reverse()[: min(PERFORMERS, max(count - PERFORMERS, 0))])
        found.append(
            {
                "level": level,
                "label": str(label),
                "scored": count,
                "best": [{"name": _subject(s), "total": str(s.total)} for s in best],
                "last": [{"name": _subject(s), "total": str(s.total)} for s in reversed(last)],
            }
        )
    return found


def findings_of_month(region: Region, month: datetime.date) -> dict[str, Any]:
    """The findings found in the month at or under the place: how many in each state, and
    the first ``FINDINGS_LISTED`` of them with their category, place, unit and state."""
    findings = Finding.objects.filter(
        _under(region), found_on__gte=month, found_on__lt=next_month(month)
    )
    states = dict(findings.values_list("state").annotate(n=Count("pk")).order_by())
    rows = findings.select_related("category", "region", "unit").order_by("found_on", "pk")
    return {
        "total": sum(states.values()),
        "by_state": [
            {"state": state, "label": str(label), "n": states.get(state, 0)}
            for state, label in FindingState.choices
        ],
        "rows": [
            {
                "found_on": finding.found_on.isoformat(),
                "category": finding.category.label,
                "place": finding.region.name,
                "unit": finding.unit.name if finding.unit else "",
                "description": finding.description,
                "deadline": finding.deadline.isoformat(),
                "state": str(FindingState(finding.state).label),
                "closed_on": finding.closed_on.isoformat() if finding.closed_on else "",
            }
            for finding in rows[:FINDINGS_LISTED]
        ],
    }


def bulletin_content(bulletin: Bulletin) -> dict[str, Any]:
    """What a bulletin says: frozen when published, from the records now for a draft."""
    if not is_draft(bulletin):
        return bulletin.figures
    return live_content(bulletin.region, bulletin.month)


def key_figures(region: Region, month: datetime.date) -> dict[str, Any]:
    """A place's month in figures, from the records now: the key figures with their
    definitions (read as the dashboard reads them) and the findings by category."""
    on = judged_on(month)
    found = place_figures(region, [month], on)
    values = values_of(found)
    return {
        "place": region.name,
        "month": f"{month:%Y-%m}",
        "as_of": on.isoformat(),
        "satisfaction_min": satisfaction_min(region, on),
        "figures": [
            {
                "key": d.key,
                "name": str(d.name),
                "value": values[d.key],
                "shown": figure_text(values[d.key], d.unit),
                # A share carries its %, a figure in words its own units.
                "unit": "" if str(d.unit) == "%" or isinstance(values[d.key], str) else str(d.unit),
                "definition": str(d.definition),
            }
            for d in DEFINITIONS
        ],
        "by_category": [{"label": label, "n": n} for label, n in by_category(found)],
    }


def live_content(region: Region, month: datetime.date) -> dict[str, Any]:
    """A place's month as a bulletin says it, from the records now: the key figures, the
    best and the last by published score, the month's findings and their states."""
    return key_figures(region, month) | {
        "performers": performers(region, month),
        "no_scores": _("No scores of this month have been published yet."),
        "findings": findings_of_month(region, month),
    }
