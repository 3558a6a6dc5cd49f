"""Supervision's figures (督查考评指标) for the place roll-ups: what a place's own records add to
its ``SupervisionMonth`` rows. ``reports.rollups`` calls ``own_months`` for the places the
audit log says were written (``ACTIONS``: the entry's place; for a sample drawn or scores
published, every place under it, where the sampled households and the scored stand) and for
every place on a rebuild, and carries each change up to the places above.

In a month:

- ``inspections``: inspection rounds of the month (any state), at the round's place;
- ``households_sampled``: households of the current draw (the latest) of the month's
  rounds, at the household's place;
- ``findings``: findings found in the month (``found_on``) by category value;
- findings whose deadline falls in the month: ``closed_on_time`` (closed on or before the
  deadline), ``closed_late``, and ``open_due`` those still open, by deadline day. Rectified
  on time is counted as the findings part defines it (``deadlines.on_time_tally``):
  due in a period are those whose deadline is in it that are closed, or open past their
  deadline today; on time, closed by the deadline;
- ``surveyed``: satisfaction answers of the month's surveys (``surveyed_on``), of them
  ``satisfied`` (at least ``models.SATISFIED_FROM``), as the surveys part counts them;
- ``scores``: the month's published scores by level, at the scored one's place: how many
  (``n``) and their ``total`` in hundredths of a point, whole numbers so that adding and
  taking away stays exact.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from bangfu.visits.rollups import month_of

from .models import (
    SATISFIED_FROM,
    Answer,
    Finding,
    FindingState,
    InspectionRound,
    Purpose,
    SampleDraw,
    SampleItem,
    SampleKind,
    Score,
    ScoreLevel,
)

CHUNK = 500
# The audit log's actions whose writes change these figures.
ACTIONS = (
    "inspection.plan",
    "inspection.close",
    "sample.draw",
    "sample.redraw",
    "finding.record",
    "finding.from_survey",
    "rectification.close",
    "rectification.return",
    "survey.record",
    "scores.publish",
)
# Written at the round's or the sheet's place, counted at the places of what they name (the
# sampled households, the scored): every place under the entry's place is counted again.
UNDER = ("sample.draw", "sample.redraw", "scores.publish")
# The figures of a month row that are maps or counts (the rest of ``SupervisionMonth``).
Part = tuple[str, datetime.date, dict[str, Any]]


def _chunks(codes: list[str] | None) -> Iterator[Q]:
    if codes is None:
        yield Q()
        return
    for start in range(0, len(codes), CHUNK):
        yield Q(region_id__in=codes[start : start + CHUNK])


def current_samples() -> QuerySet[SampleItem]:
    """Households of every round's current draw (its latest: a redraw replaces the one
    before)."""
    latest = SampleDraw.objects.filter(round=OuterRef("draw__round")).order_by("-number")
    return SampleItem.objects.filter(
        kind=SampleKind.HOUSEHOLD, draw__number=Subquery(latest.values("number")[:1])
    )


def satisfaction_answers() -> QuerySet[Answer]:
    """Answers to a satisfaction question (1–5), one a survey and question."""
    return Answer.objects.filter(question__purpose=Purpose.SATISFACTION).exclude(value="")


def is_satisfied(value: str) -> bool:
    return value.strip().isdigit() and int(value) >= SATISFIED_FROM


def own_months(codes: list[str] | None) -> Iterator[Part]:
    """(place, month, figures to add) of these places' own records, every month (every
    place's, for None)."""
    for where in _chunks(codes):
        for code, month, n in (
            InspectionRound.objects.filter(where)
            .values_list("region_id", "month")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            yield code, month, {"inspections": n}
        for code, month, n in (
            current_samples()
            .filter(where)
            .values_list("region_id", "draw__round__month")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            yield code, month, {"households_sampled": n}
        findings = Finding.objects.filter(where)
        for code, month, category, n in (
            findings.annotate(month=TruncMonth("found_on"))
            .values_list("region_id", "month", "category__value")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            yield code, month_of(month), {"findings": {category: n}}
        for code, month, on_time, late in (
            findings.filter(state=FindingState.CLOSED)
            .annotate(month=TruncMonth("deadline"))
            .values("region_id", "month")
            .annotate(
                on_time=Count("pk", filter=Q(closed_on__lte=F("deadline"))),
                late=Count("pk", filter=Q(closed_on__gt=F("deadline"))),
            )
            .values_list("region_id", "month", "on_time", "late")
            .order_by()
        ):
            counts = {"closed_on_time": on_time, "closed_late": late}
            yield code, month_of(month), {name: n for name, n in counts.items() if n}
        for code, deadline, n in (
            findings.exclude(state=FindingState.CLOSED)
            .values_list("region_id", "deadline")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            yield code, month_of(deadline), {"open_due": {deadline.isoformat(): n}}
        for code, day, value in (
            satisfaction_answers()
            .filter(where)
            .values_list("region_id", "survey__surveyed_on", "value")
            .order_by()
        ):
            part = {"surveyed": 1, "satisfied": int(is_satisfied(value))}
            yield code, month_of(day), part
        for code, month, level, n, total in (
            Score.objects.filter(where)
            .values("region_id", "sheet__month", "sheet__level")
            .annotate(n=Count("pk"), total=Sum("total"))
            .values_list("region_id", "sheet__month", "sheet__level", "n", "total")
            .order_by()
        ):
            yield code, month, {"scores": {level: {"n": n, "total": hundredths(total)}}}


def hundredths(points: Decimal | float | None) -> int:
    """Points as whole hundredths (SQLite adds decimals as floating point)."""
    return round(Decimal(str(points or 0)) * 100)


# ---------------------------------------------------------------------------------------------
# The figures, from month rows added up


@dataclass
class SupervisionFigures:
    """Supervision's indicators of a place (or places) over a period: the one definition of
    them, for the dashboard, "figures as reported", the figures' API and the bulletins."""

    inspections: int = 0
    households_sampled: int = 0
    findings: dict[str, int] = field(default_factory=dict)  # category value → found
    findings_due: int = 0  # closed, or open past their deadline today
    closed_on_time: int = 0
    closed_late: int = 0
    overdue: int = 0  # open past their deadline on the day judged, whenever due
    surveyed: int = 0
    satisfied: int = 0
    scores: dict[str, dict[str, int]] = field(default_factory=dict)  # level → n, total

    @property
    def found(self) -> int:
        return sum(self.findings.values())

    @property
    def on_time_rate(self) -> float | None:
        return self.closed_on_time / self.findings_due if self.findings_due else None

    @property
    def satisfaction_rate(self) -> float | None:
        return self.satisfied / self.surveyed if self.surveyed else None

    def averages(self) -> list[tuple[str, str, Decimal]]:
        """(level, its name, the average published score) for each level scored."""
        return [
            (level, str(label), average(self.scores[level]))
            for level, label in ScoreLevel.choices
            if self.scores.get(level, {}).get("n")
        ]


def average(counts: dict[str, int]) -> Decimal:
    """The average of ``n`` scores whose total is in hundredths, to two places, half up as
    the scores themselves are rounded: the one definition of "average score by level" (at or
    under a place), which every reader takes from ``SupervisionFigures.averages``."""
    total = Decimal(counts.get("total", 0)) / counts["n"] / 100
    return total.quantize(Decimal("0.01"), ROUND_HALF_UP)


def figures_of(months: list[Any], standing: list[Any], on: datetime.date) -> SupervisionFigures:
    """The figures of the period's month rows (``SupervisionMonth`` or rows alike) added up,
    and findings overdue on ``on`` from the rows of every month up to the period's end
    (``standing``): open and past their deadline, whenever they fell due. Findings due for
    the on-time rate are judged today, as ``deadlines.on_time_tally`` judges them."""
    found, today = SupervisionFigures(), timezone.localdate().isoformat()
    for row in months:
        for name in (
            "inspections",
            "households_sampled",
            "closed_on_time",
            "closed_late",
            "surveyed",
            "satisfied",
        ):
            setattr(found, name, getattr(found, name) + getattr(row, name))
        found.findings_due += row.closed_on_time + row.closed_late
        found.findings_due += sum(n for day, n in row.open_due.items() if day < today)
        for category, n in row.findings.items():
            found.findings[category] = found.findings.get(category, 0) + n
        for level, counts in row.scores.items():
            mine = found.scores.setdefault(level, {"n": 0, "total": 0})
            mine["n"] += counts.get("n", 0)
            mine["total"] += counts.get("total", 0)
    found.overdue = sum(
        n for row in standing for day, n in row.open_due.items() if day < on.isoformat()
    )
    return found
