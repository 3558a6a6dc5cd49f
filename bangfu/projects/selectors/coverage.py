"""Household income projects (到户项目) and their coverage: which households able to work
have at least one income project in a year.

They are no table of their own: a household's income projects are its plan's measures of the
income kinds (``plans.Measure``, 一户一策) running in the year and not dropped, and the
projects of the year, not cancelled, that list it as a beneficiary (联农带农)."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from bangfu.core.models import Region
from bangfu.plans.models import Measure, MeasureStatus
from bangfu.registry.models import Household, Member

from ..models import BeneficiaryHousehold, Stage
from .library import beneficiary_projects

# The ``plan_measure`` kinds that bring a household income: 产业 1, 就业 2, 小额信贷 7,
# 生态公益岗位 9, 消费 11, 金融 12 (not education, health, housing, or social assistance).
INCOME_MEASURES = ("1", "2", "7", "9", "11", "12")
# ``labour`` codes of a member able to work: 普通劳动力, 技能劳动力, 弱劳动力或半劳动力.
ABLE_LABOUR = ("1", "2", "3")


def able_q(household: str = "pk") -> Q:
    """The household (``household`` names it from the outer query) has a member, not left,
    able to work (有劳动能力)."""
    able = Member.objects.filter(
        household=OuterRef(household), left_on=None, labour__value__in=ABLE_LABOUR
    )
    return Q(Exists(able))


def covered_q(year: int, household: str = "pk") -> Q:
    """The household has at least one income project in ``year``: an income measure of its
    plan, not dropped and running in the year (started by its end, due from its start), or a
    project of the year, not cancelled, that lists it as a beneficiary."""
    measures = (
        Measure.objects.filter(household=OuterRef(household), kind__value__in=INCOME_MEASURES)
        .exclude(status=MeasureStatus.DROPPED)
        .filter(starts_on__lte=datetime.date(year, 12, 31), due_on__gte=datetime.date(year, 1, 1))
    )
    projects = BeneficiaryHousehold.objects.filter(
        household=OuterRef(household), project__year=year
    ).exclude(project__stage=Stage.CANCELLED)
    return Q(Exists(measures)) | Q(Exists(projects))


def able_to_work(user, within: Region | None = None) -> QuerySet[Household]:
    """Open households under a place with a current member able to work (有劳动能力的户)."""
    return Household.objects.visible_to(user, within).filter(closed_on=None).filter(able_q())


@dataclass(frozen=True)
class Coverage:
    """Households able to work, those with an income project in the year, and those without
    (a query, paged or downloaded by the page)."""

    year: int
    able: int
    covered: int
    without: QuerySet[Household]

    @property
    def rate(self) -> float | None:
        return self.covered / self.able if self.able else None


def income_project_coverage(user, *, within: Region | None, year: int) -> Coverage:
    """Coverage of household income projects (到户项目覆盖): of the open households able to
    work under a place, how many have at least one income project in ``year``; and the list
    of those without, in place order, each with its head's name."""
    able = able_to_work(user, within)
    covered = covered_q(year)
    head = Member.objects.filter(household=OuterRef("pk"), is_head=True, left_on=None)
    without = (
        able.exclude(covered)
        .select_related("region")
        .annotate(head_name=Subquery(head.values("name")[:1]))
        .order_by("region_id", "number")
    )
    return Coverage(
        year=year, able=able.count(), covered=able.filter(covered).count(), without=without
    )


def household_income_projects(user, household: Household) -> dict:
    """The household page's section of its income projects (到户项目): the income measures
    of its plan (dropped ones aside), each with its amount and years, and the projects (not
    cancelled) that list it as a beneficiary, with their year and how it benefits."""
    measures = (
        Measure.objects.filter(household=household, kind__value__in=INCOME_MEASURES)
        .exclude(status=MeasureStatus.DROPPED)
        .select_related("kind")
        .order_by("-starts_on", "pk")
    )
    projects = [
        (row, readable)
        for row, readable in beneficiary_projects(user, household)
        if row.project.stage != Stage.CANCELLED
    ]
    return {"household": household, "measures": list(measures), "projects": projects}
