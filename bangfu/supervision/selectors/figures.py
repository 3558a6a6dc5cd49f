"""Supervision's indicators (督查考评指标), named once with their definitions (``DEFINITIONS``,
which ``reports.indicators`` shows with every other block), read for a place and months from
the place roll-ups (``SupervisionMonth``) by ``place_figures``, the one reader of them that
the dashboard, "figures as reported", the figures' API and the bulletins share; and counted
from the records themselves by ``figures_from_records``, which the roll-ups must agree with.

The roll-ups are kept by ``reports``, which sits above this app: it hands over its catch-up
at start-up (``reports.apps``), as it hands the projects app its reader.
"""

import datetime
from collections.abc import Callable
from typing import Any, NamedTuple

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bangfu.core.models import Code, Region
from bangfu.core.policies import policy_for

from ..models import SupervisionMonth
from ..rollups import SupervisionFigures, figures_of, own_months


class Definition(NamedTuple):
    """An indicator as ``reports.indicators.Indicator`` takes it (its first fields)."""

    key: str
    name: str | Promise
    definition: str | Promise
    formula: str | Promise
    unit: str | Promise
    counts: str | Promise
    flow: bool = False


DEFINITIONS = [
    Definition(
        "inspections",
        gettext_lazy("Inspections"),
        gettext_lazy(
            "Inspection rounds (月度督查) of the period's months at or under the place, whatever "
            "their state."
        ),
        gettext_lazy("count of inspection rounds of the period's months"),
        gettext_lazy("rounds"),
        gettext_lazy("inspection rounds"),
        True,
    ),
    Definition(
        "households_sampled",
        gettext_lazy("Households sampled"),
        gettext_lazy(
            "Households the system drew for the inspection rounds of the period, from each "
            "round's sample in force (a redraw replaces the draw before), at the household's "
            "place."
        ),
        gettext_lazy("count of households in the rounds' current samples"),
        gettext_lazy("households (户)"),
        gettext_lazy("inspection rounds and their samples"),
        True,
    ),
    Definition(
        "findings_found",
        gettext_lazy("Inspection findings"),
        gettext_lazy(
            "Problems found (督查发现问题) in the period, by inspectors or raised by a household "
            "survey's answers, of every category; the table gives them by category."
        ),
        gettext_lazy("count of findings found in the period"),
        gettext_lazy("findings (个)"),
        gettext_lazy("findings"),
        True,
    ),
    Definition(
        "rectified_on_time",
        gettext_lazy("Rectified on time"),
        gettext_lazy(
            "Of the findings whose deadline falls in the period, the share verified and closed "
            "(销号) on or before their deadline."
        ),
        gettext_lazy("findings closed by their deadline ÷ findings due in the period"),
        "%",
        gettext_lazy("findings and their rectification"),
        True,
    ),
    Definition(
        "findings_overdue",
        gettext_lazy("Findings overdue"),
        gettext_lazy(
            "Findings not yet closed whose deadline was before the day judged (the period's "
            "last day, or today while it runs), whenever they fell due."
        ),
        gettext_lazy("count of open findings with deadline < the day judged"),
        gettext_lazy("findings (个)"),
        gettext_lazy("findings and their rectification"),
    ),
    Definition(
        "satisfaction_rate",
        gettext_lazy("Household satisfaction"),
        gettext_lazy(
            "Of the satisfaction answers (1 to 5) of the households surveyed in the period, by "
            "phone or at home, the share of 4 or 5 (满意); to hold against the rule "
            "“Percentage of households that should be satisfied” (95% by default)."
        ),
        gettext_lazy("answers of 4 or 5 ÷ satisfaction answers"),
        "%",
        gettext_lazy("household surveys and their answers"),
        True,
    ),
    Definition(
        "average_scores",
        gettext_lazy("Average score by level"),
        gettext_lazy(
            "For each level scored (assisting units, work teams, townships, pair helpers, "
            "households' hygiene), the average of the scores published for the period's "
            "months at or under the place; months not published count nothing."
        ),
        gettext_lazy("sum of published scores ÷ published scores, per level"),
        gettext_lazy("points, level by level"),
        gettext_lazy("published scores"),
        True,
    ),
]
KEYS = [definition.key for definition in DEFINITIONS]


def values_of(found: SupervisionFigures) -> dict[str, Any]:
    """The indicators' values, by key."""
    return {
        "inspections": found.inspections,
        "households_sampled": found.households_sampled,
        "findings_found": found.found,
        "rectified_on_time": found.on_time_rate,
        "findings_overdue": found.overdue,
        "satisfaction_rate": found.satisfaction_rate,
        "average_scores": averages_in_words(found),
    }


def averages_in_words(found: SupervisionFigures) -> str:
    """乡镇85.30分、帮扶单位90.10分, as reports write them; "" with nothing published."""
    return _(", ").join(
        _("%(level)s %(points)s points") % {"level": label, "points": points}
        for _level, label, points in found.averages()
    )


def by_category(found: SupervisionFigures) -> list[tuple[str, int]]:
    """Findings by category (the code list's label, in its order), those found only."""
    codes = Code.objects.filter(kind="finding_category").order_by("sort_order", "value")
    return [
        (code.label, found.findings[code.value]) for code in codes if found.findings.get(code.value)
    ]


def satisfaction_min(region: Region, on: datetime.date) -> int:
    """The share of households that should be satisfied (percent) at a place on a day."""
    return policy_for(region.code, "supervision.satisfaction_min", on)


# ---------------------------------------------------------------------------------------------
# From the roll-ups

_catch_up: list[Callable[[], None]] = []


def caught_up_by(catch_up: Callable[[], None]) -> None:
    """Called once by ``reports`` at start-up with its catch-up of the place roll-ups."""
    _catch_up[:] = [catch_up]


def rows_of(codes: list[str], last: datetime.date) -> list[SupervisionMonth]:
    """The places' month rows up to ``last``, the roll-ups brought up to the last write
    first. The places are the caller's to check: a reader reaches them through a scoped
    selector."""
    if not _catch_up:
        raise RuntimeError("reports has not handed over its catch-up of the place roll-ups")
    _catch_up[0]()
    return list(SupervisionMonth.objects.filter(region_id__in=codes, month__lte=last))


def figures_of_rows(
    rows: list[SupervisionMonth], months: list[datetime.date], on: datetime.date
) -> SupervisionFigures:
    """The figures of a period's months from month rows, overdue judged on ``on``."""
    return figures_of([row for row in rows if row.month in months], rows, on)


def place_figures(
    region: Region, months: list[datetime.date], on: datetime.date
) -> SupervisionFigures:
    """A place's supervision figures over months, from its roll-up rows: what the
    bulletins and the figures' API say, as the dashboard does."""
    return figures_of_rows(rows_of([region.code], months[-1]), months, on)


# ---------------------------------------------------------------------------------------------
# From the records


def figures_from_records(
    user, within: Region | None, first: datetime.date, last_day: datetime.date, on: datetime.date
) -> dict[str, Any]:
    """The indicators counted from the records at the places the user may see (under
    ``within``), with no roll-up: every place's own figures of every month, as parts."""
    codes = list(Region.objects.visible_to(user, within).values_list("code", flat=True))
    parts = [
        SupervisionMonth(month=month, **part)
        for _code, month, part in own_months(codes)
        if month <= last_day
    ]
    months = sorted({part.month for part in parts if part.month >= first})
    return values_of(figures_of_rows(parts, months, on))
