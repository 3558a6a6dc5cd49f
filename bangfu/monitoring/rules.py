"""The early-warning rules (预警规则) as data: a fixed registry of rule codes, each switched on
or off and given its numbers by policies (``core.policies.REGISTRY``: ``monitoring.rule_<code>``,
whose help is the rule's one definition, and the parameters it names), so that a county sets
its own rules, per place and from a day, on the policy pages.

Each rule is one set-based query (``Rule.sql``) over the whole scope: it answers a row per
record that fires it — (household, member or NULL, record id, another record's id or NULL,
an amount, a year, a day) — leaving out the households with an open alert of the rule and the
records that fired the rule for the household before (``FiredRecord``). The parameters of
each place are the rows of a temporary table ``PLACES`` (one row a village or group: a switch
a rule, the numbers, the first day a record counts), joined by the household's place, so that
places setting other rules are judged by their own in the same query.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bangfu.core.models import Code
from bangfu.core.policies import REGISTRY
from bangfu.health.models import MedicalCost
from bangfu.registry.models import NET_INCOME_SQL, AnnualIncome, Household, Member

from .models import Alert, Disaster, EventKind, FiredRecord, MemberEvent

PLACES = "monitoring_rule_places"  # the temporary table of each place's rule parameters
SCOPE = "monitoring_rule_scope"  # the temporary table of households a run is limited to


def _table(model) -> str:
    return model._meta.db_table


H, M, AI = _table(Household), _table(Member), _table(AnnualIncome)
COST, EVENT, DISASTER = _table(MedicalCost), _table(MemberEvent), _table(Disaster)
ALERT, FIRED = _table(Alert), _table(FiredRecord)
NET = NET_INCOME_SQL
LATEST_YEAR = f"(SELECT MAX(y.year) FROM {AI} y WHERE y.household_id = a.household_id)"
SCHOOL_AGES = (6, 15)
# The income rules read the households' yearly accounts in the registry (entered by the village
# or imported with the household sheet), not a department's sheet.
INCOMES = gettext_lazy(
    "The households' yearly income accounts (registry)"
)  # compulsory schooling (义务教育): 6 to 15 years old


@dataclass(frozen=True)
class Rule:
    code: str
    object_type: str  # the kind of record that fires it (an audit object type)
    parameters: tuple[str, ...]  # the policies with its numbers
    # (scope, run's values) → the query's text (``%s`` placeholders) and its parameters
    query: Callable[[str, dict[str, Any]], tuple[str, list[Any]]]
    found: Callable[[Any, Any, Any], str]  # (amount, year, day) → what was found, in words
    other_type: str = ""  # the kind of the second record named, if any
    # The data it reads, by the department that gives it (the rules page names it): the
    # import sheet's own words where a sheet feeds it.
    fed_by: str | Promise = ""

    @property
    def switch(self) -> str:
        return f"monitoring.rule_{self.code}"

    @property
    def name(self) -> str | Promise:
        return REGISTRY[self.switch].label

    @property
    def definition(self) -> str | Promise:
        """The rule's one definition (the switch's help), shown on the rules page."""
        return REGISTRY[self.switch].help


def _guards(code: str, object_type: str, record: str) -> tuple[str, list[Any]]:
    """What every rule leaves out: a household with an open alert of the rule, a record that
    fired the rule for the household before."""
    return (
        f" AND NOT EXISTS (SELECT 1 FROM {ALERT} al WHERE al.household_id = h.id"
        f" AND al.state = 'open' AND al.rule_code = %s)"
        f" AND NOT EXISTS (SELECT 1 FROM {FIRED} f WHERE f.rule_code = %s"
        f" AND f.object_type = %s AND f.object_id = {record} AND f.household_id = h.id)",
        [code, code, object_type],
    )


def _incomes_first(run: dict[str, Any]) -> str:
    """How the income rules join the households to the incomes: over everything, the
    incomes come first (``CROSS JOIN`` fixes SQLite's order; PostgreSQL plans it as any
    join), so that the least any place asks (``MIN``/``MAX`` over ``PLACES``, implied by each
    place's own) leaves out most rows before a household is looked up; over a place or the
    households an import wrote, the planner chooses (the households in scope first)."""
    return "CROSS JOIN" if run.get("everything") else ","


def _income_low(scope: str, run: dict[str, Any]) -> tuple[str, list[Any]]:
    guard, params = _guards("income_low", "registry.annualincome", "a.id")
    net = NET.format(a="a")
    join = _incomes_first(run)
    return (
        f"SELECT h.id, NULL, a.id, NULL, {net} / a.household_size, a.year, NULL"
        f" FROM {AI} a {join} {H} h {join} {PLACES} p"
        f" WHERE h.id = a.household_id AND p.region_id = h.region_id"
        f" AND a.household_size > 0"
        f" AND {net} < (SELECT MAX(income_line) FROM {PLACES}) * a.household_size"
        f" AND a.year = {LATEST_YEAR} AND {scope} AND p.on_income_low = 1"
        f" AND {net} < p.income_line * a.household_size{guard}",
        params,
    )


def _income_drop(scope: str, run: dict[str, Any]) -> tuple[str, list[Any]]:
    guard, params = _guards("income_drop", "registry.annualincome", "a.id")
    now, before = NET.format(a="a"), NET.format(a="b")
    join = _incomes_first(run)
    return (
        f"SELECT h.id, NULL, a.id, b.id, {now} / a.household_size, a.year, NULL"
        f" FROM {AI} a {join} {AI} b {join} {H} h {join} {PLACES} p"
        f" WHERE b.household_id = a.household_id AND b.year = a.year - 1"
        f" AND h.id = a.household_id AND p.region_id = h.region_id"
        f" AND a.household_size > 0 AND b.household_size > 0"
        f" AND {now} * b.household_size * 100"
        f" < {before} * a.household_size * (100 - (SELECT MIN(drop_share) FROM {PLACES}))"
        f" AND a.year = {LATEST_YEAR} AND {scope} AND p.on_income_drop = 1"
        f" AND {now} * b.household_size * 100"
        f" < {before} * a.household_size * (100 - p.drop_share){guard}",
        params,
    )


def _medical_cost(scope: str, run: dict[str, Any]) -> tuple[str, list[Any]]:
    # A household's members' costs of a year together: it fires when their out-of-pocket sum
    # is over the amount or the share of the year's income, and one of them is new to it.
    guard, params = _guards("medical_cost", "health.medicalcost", "c.id")
    net = NET.format(a="a")
    return (
        f"WITH g AS (SELECT m.household_id AS household_id, c.year AS year,"
        f" SUM(c.total - c.reimbursed) AS paid"
        # The costs first (a member looked up by key), not every member's costs sought.
        f" FROM {COST} c CROSS JOIN {M} m WHERE m.id = c.member_id AND c.year >= %s"
        f" GROUP BY m.household_id, c.year)"
        f" SELECT h.id, NULL, c.id, NULL, g.paid, g.year, NULL"
        f" FROM g JOIN {H} h ON h.id = g.household_id"
        f" JOIN {PLACES} p ON p.region_id = h.region_id"
        f" LEFT JOIN {AI} a ON a.household_id = h.id AND a.year = g.year"
        f" JOIN {M} m ON m.household_id = h.id"
        f" JOIN {COST} c ON c.member_id = m.id AND c.year = g.year"
        f" WHERE {scope} AND p.on_medical_cost = 1"
        f" AND (g.paid > p.medical_threshold"
        f" OR (a.id IS NOT NULL AND g.paid * 100 > p.medical_share * {net})){guard}",
        [run["first_cost_year"], *params],
    )


def _event(kind: str, extra: str = "", extra_params: Callable[[dict], list] = lambda run: []):
    def query(scope: str, run: dict[str, Any]) -> tuple[str, list[Any]]:
        guard, params = _guards(kind, "monitoring.memberevent", "e.id")
        return (
            f"SELECT h.id, e.member_id, e.id, NULL, NULL, NULL, e.day"
            f" FROM {EVENT} e JOIN {H} h ON h.id = e.household_id"
            f" JOIN {PLACES} p ON p.region_id = h.region_id"
            f" JOIN {M} m ON m.id = e.member_id"
            f" WHERE e.kind = %s AND e.day > p.since_events AND e.day <= %s"
            # Implied by the place's own first day; stated so that the index on (kind, day)
            # reads the window only, not every record of the kind ever sent.
            f" AND e.day > (SELECT MIN(since_events) FROM {PLACES})"
            f" AND {scope} AND p.on_{kind} = 1 AND m.left_on IS NULL{extra}{guard}",
            [kind, run["on"], *extra_params(run), *params],
        )

    return query


def _disaster(scope: str, run: dict[str, Any]) -> tuple[str, list[Any]]:
    guard, params = _guards("disaster", "monitoring.disaster", "d.id")
    return (
        f"SELECT h.id, NULL, d.id, NULL, d.severity, NULL, d.day"
        f" FROM {DISASTER} d JOIN {H} h ON h.region_id >= d.region_id"
        f" AND h.region_id < d.region_end"
        f" JOIN {PLACES} p ON p.region_id = h.region_id"
        f" WHERE d.day > p.since_disaster AND d.day <= %s AND {scope}"
        f" AND d.day > (SELECT MIN(since_disaster) FROM {PLACES})"
        f" AND p.on_disaster = 1{guard}",
        [run["on"], *params],
    )


def _yuan(amount) -> str:
    return f"{Decimal(amount or 0).quantize(Decimal('0.01'))}"


RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in [
        Rule(
            "income_low",
            "registry.annualincome",
            ("monitoring.income_line",),
            _income_low,
            lambda amount, year, day: (
                _("Per-capita net income of %(year)s was %(amount)s yuan, below the line.")
                % {"year": year, "amount": _yuan(amount)}
            ),
            fed_by=INCOMES,
        ),
        Rule(
            "income_drop",
            "registry.annualincome",
            ("monitoring.income_drop_share",),
            _income_drop,
            lambda amount, year, day: (
                _(
                    "Per-capita net income fell to %(amount)s yuan in %(year)s, by more than the "
                    "set share of the year before."
                )
                % {"year": year, "amount": _yuan(amount)}
            ),
            other_type="registry.annualincome",
            fed_by=INCOMES,
        ),
        Rule(
            "medical_cost",
            "health.medicalcost",
            ("monitoring.medical_cost_threshold", "monitoring.medical_cost_share"),
            _medical_cost,
            lambda amount, year, day: (
                _("The members paid %(amount)s yuan of medical costs themselves in %(year)s.")
                % {"year": year, "amount": _yuan(amount)}
            ),
            fed_by=gettext_lazy("Medical costs per person and year (medical insurance)"),
        ),
        Rule(
            "disability",
            "monitoring.memberevent",
            ("monitoring.lookback_days",),
            _event(EventKind.DISABILITY),
            lambda amount, year, day: (
                _("A disability certificate was issued on %(day)s.") % {"day": day}
            ),
            fed_by=gettext_lazy("New disability certificates (disabled persons' federation)"),
        ),
        Rule(
            "out_of_school",
            "monitoring.memberevent",
            ("monitoring.lookback_days",),
            _event(
                EventKind.OUT_OF_SCHOOL,
                " AND m.birth_date > %s AND m.birth_date <= %s",
                lambda run: [run["born_after"], run["born_by"]],
            ),
            lambda amount, year, day: (
                _("A child of compulsory-school age was reported out of school on %(day)s.")
                % {"day": day}
            ),
            fed_by=gettext_lazy("Pupils out of school (education)"),
        ),
        Rule(
            "unsafe_housing",
            "monitoring.memberevent",
            ("monitoring.lookback_days",),
            _event(EventKind.UNSAFE_HOUSING, " AND e.grade IN ('C', 'D')"),
            lambda amount, year, day: (
                _("The housing was classed unsafe on %(day)s.") % {"day": day}
            ),
            fed_by=gettext_lazy("Housing classed unsafe (housing and construction)"),
        ),
        Rule(
            "disaster",
            "monitoring.disaster",
            ("monitoring.disaster_days",),
            _disaster,
            lambda amount, year, day: _("A disaster struck the place on %(day)s.") % {"day": day},
            fed_by=gettext_lazy("Disasters by place and day (emergency management, agriculture)"),
        ),
        Rule(
            "job_loss",
            "monitoring.memberevent",
            ("monitoring.lookback_days",),
            _event(
                EventKind.JOB_LOSS,
                f" AND m.labour_id IN (SELECT id FROM {_table(Code)} WHERE kind = 'labour'"
                f" AND value IN ('1', '2'))",
            ),
            lambda amount, year, day: (
                _("A member able to work lost a job on %(day)s.") % {"day": day}
            ),
            fed_by=gettext_lazy("Jobs lost (human resources and social security)"),
        ),
    ]
}


def years_ago(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def run_values(on: datetime.date) -> dict[str, Any]:
    """What every place's queries share: the day judged, and from it the birth days of the
    compulsory-school ages and the first year of medical costs counted (this and the last)."""
    return {
        "on": on,
        "born_after": years_ago(on, SCHOOL_AGES[1] + 1),
        "born_by": years_ago(on, SCHOOL_AGES[0]),
        "first_cost_year": on.year - 1,
    }


def parameter_keys() -> list[str]:
    keys = [rule.switch for rule in RULES.values()]
    for rule in RULES.values():
        keys += [key for key in rule.parameters if key not in keys]
    return keys
