"""The national indicators, defined once: SQL over the exported facts, compiled by sqlglot
to the engine that runs it — SQLite or PostgreSQL (a province's own database, the facts as
queries over its tables) or Spark (the nation's, the facts as Parquet).

Pure Python and sqlglot, no Django: the Spark job ships this module to a cluster as it is
(``spark-submit --py-files``). What each indicator means is ``reports.indicators``'s
definition under the same key; a test holds every key here to one there, and each engine's
figures to the dashboard's.

A measure is one aggregate over one fact, grouped by the place at a level (the columns
``province``, ``city`` and ``county`` each fact carries: full 12-digit codes). A stock
measure counts the facts as they stood at the export; a flow measure those of one month
(``{year}``/``{month}``, or ``{yyyymm}``, in its SQL). A figure read against a day (a term
that covers it, a due date passed by it) reads ``{judged}``: the month's last day, or the day
the facts were read while the month runs (as the dashboard judges a month), and ``{first}``,
the month's first day — both date literals. A rate is one measure over another,
worked out from the grouped figures by ``figures_of`` on both sides, so it rounds alike.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import sqlglot
from sqlglot import exp

LEVELS = ("province", "city", "county")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "string", "int", "date", "decimal"


@dataclass(frozen=True)
class Fact:
    """A table of the export: its columns (every one present in both engines, in this order)
    and whether its files are split by month (``year``/``month`` columns)."""

    name: str
    columns: tuple[Column, ...]
    monthly: bool = False

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]


def _columns(spec: str) -> tuple[Column, ...]:
    return tuple(Column(*part.split(":")) for part in spec.split())


PLACE = "province:string city:string county:string region:string"
FACTS: dict[str, Fact] = {
    fact.name: fact
    for fact in [
        # Places: name and level only (public), for the result's labels.
        Fact("places", _columns("code:string name:string level:int province:string")),
        # Households as they stand: no number, name, address or ID number — counts, not people.
        Fact(
            "households",
            _columns(
                "household:int " + PLACE + " status:string needs_helper:int "
                "monitoring_type:string closed_on:date year_identified:int"
            ),
        ),
        Fact(
            "status_changes",
            _columns("household:int " + PLACE + " status:string effective_on:date"),
        ),
        Fact(
            "pairings",
            _columns("household:int helper:int " + PLACE + " started_on:date ended_on:date"),
        ),
        Fact(
            "visits",
            _columns(
                "household:int helper:int " + PLACE + " year:int month:int day:int kind:string"
            ),
            monthly=True,
        ),
        # The households' month roll-ups (户月汇总), as the province's dashboard adds them up.
        Fact(
            "visit_months",
            _columns(
                "household:int " + PLACE + " year:int month:int visits:int home_visits:int "
                "fixed_days_met:int problems_found:int problems_solved:int jobs_found:int "
                "goods_fen:int money_fen:int"
            ),
            monthly=True,
        ),
        # The month's visit schedule of each village (or group): the least home visits its
        # rules ask of a paired household, as the province's policies give them.
        Fact("schedules", _columns(PLACE + " year:int month:int minimum:int"), monthly=True),
        # Relapse-prevention monitoring (防止返贫监测): alerts and procedures, their months as
        # YYYYMM (0 while not closed or ended).
        Fact(
            "alerts",
            _columns(
                "household:int " + PLACE + " source:string state:string raised_month:int "
                "due_on:date closed_on:date closed_month:int"
            ),
        ),
        Fact(
            "procedures",
            _columns("household:int " + PLACE + " kind:string state:string ended_month:int"),
        ),
        # Resident work teams (驻村工作队): teams and members by term (a member by row id, no
        # name or ID number), each member's month of days counted by its place's residence
        # rules (and of approved leave), each place's month minimum of residence days, the
        # teams' meetings (their month as YYYYMM) and the meetings' tasks.
        Fact("teams", _columns(PLACE + " term_start:date term_end:date")),
        Fact(
            "team_members",
            _columns("member:int " + PLACE + " role:string started_on:date ended_on:date"),
        ),
        Fact(
            "member_months",
            _columns("member:int " + PLACE + " year:int month:int days_counted:int days_leave:int"),
            monthly=True,
        ),
        Fact("residence_rules", _columns(PLACE + " year:int month:int minimum:int"), monthly=True),
        Fact("meetings", _columns(PLACE + " held_month:int")),
        Fact("meeting_tasks", _columns(PLACE + " due_on:date done:int")),
        # Supervision (督查考评): inspection rounds and the households of their current samples
        # (the rounds' months as YYYYMM), findings (found and due months, deadline, closed on
        # while closed) and the satisfaction answers of household surveys (satisfied or not).
        Fact("inspection_rounds", _columns(PLACE + " round_month:int")),
        Fact("samples", _columns(PLACE + " round_month:int")),
        Fact(
            "findings",
            _columns(PLACE + " found_month:int due_month:int deadline:date closed_on:date"),
        ),
        Fact("answers", _columns(PLACE + " surveyed_month:int satisfied:int")),
    ]
}
# Health (健康帮扶), household plans (一户一策) and the rule of assistance (帮扶落实): members
# in the registry until the day they left or their household closed (``until``, empty while
# in), with their contracts, check-ups and illnesses (each illness's follow-up due as the
# follow-ups stand); follow-ups held, the days follow-ups fall due on (an illness's first on
# its diagnosis, then each follow-up's next) and activities, with their months as YYYYMM; the
# members the check-up rules of their place leave out on the month's judged day (the rules'
# result: a work status never leaves); plan measures (taken: not dropped; open: planned or
# under way); identifications passed with the days from the first alert (or the start) to
# the decision; tracked households (monitored or risk cleared, open) with the rule of
# assistance's result as it stands (a member able to work, a developmental measure).
FACTS |= {
    fact.name: fact
    for fact in [
        Fact("members", _columns("member:int " + PLACE + " until:date")),
        Fact("contracts", _columns("member:int " + PLACE + " signed_on:date valid_until:date")),
        Fact("checkups", _columns("member:int " + PLACE + " held_on:date")),
        Fact("conditions", _columns("member:int " + PLACE + " diagnosed_on:date due_on:date")),
        Fact("follow_ups", _columns(PLACE + " held_month:int")),
        Fact("follow_ups_due", _columns(PLACE + " due_month:int")),
        Fact("activities", _columns(PLACE + " held_month:int served:int")),
        Fact(
            "checkup_left_out",
            _columns("member:int " + PLACE + " year:int month:int"),
            monthly=True,
        ),
        Fact(
            "plan_measures", _columns("household:int " + PLACE + " taken:int open:int due_on:date")
        ),
        Fact("decisions", _columns("household:int " + PLACE + " decided_month:int days:int")),
        Fact("assistance", _columns("household:int " + PLACE + " able:int developmental:int")),
    ]
}

# The monthly check (账实相符) and projects and funds (项目资金). Differences as they stand
# (their place, found and closed days, state); each household compared against the county's
# latest compared snapshot, 1 if it has no open difference (no number leaves); each village's
# self-check report of a month: the day it is due by its place's rule, whether it is in, and
# whether by the day the report itself names.
FACTS |= {
    fact.name: fact
    for fact in [
        Fact(
            "differences",
            _columns(PLACE + " found_on:date state:string closed_on:date"),
        ),
        Fact("compared_households", _columns(PLACE + " matching:int")),
        Fact(
            "report_dues",
            _columns(PLACE + " year:int month:int due_on:date reported:int on_time:int"),
        ),
        # Projects by year and stage; their funds in fen (planned of projects not cancelled,
        # every ledger entry, reversals included); households a project of the year not
        # cancelled benefits; open households able to work, and the years each has a household
        # income project in; donations and sales (YYYYMM, fen); villages; each village's
        # collective income of a year against its place's floor and good target (1 reached).
        Fact("projects", _columns(PLACE + " year:int stage:string")),
        Fact("project_funds", _columns(PLACE + " year:int entry:string fen:int")),
        Fact("beneficiaries", _columns("household:int " + PLACE + " year:int")),
        Fact("income_able", _columns("household:int " + PLACE)),
        Fact("income_years", _columns("household:int " + PLACE + " year:int")),
        Fact("donations", _columns(PLACE + " given_month:int fen:int")),
        Fact("sales", _columns(PLACE + " sold_month:int fen:int")),
        Fact("villages", _columns(PLACE)),
        Fact("collective_incomes", _columns(PLACE + " year:int floor:int good:int")),
    ]
}


@dataclass(frozen=True)
class Measure:
    """``value`` aggregated over ``source`` (a fact aliased ``f``, maybe joined to others),
    where ``where`` holds; grouped by ``f``'s place at a level. Money is summed in fen
    (exact in every engine) and given in yuan (``in_fen``)."""

    key: str
    value: str
    source: str
    where: str = "1 = 1"
    flow: bool = False
    in_fen: bool = False


@dataclass(frozen=True)
class Rate:
    key: str
    numerator: str
    denominator: str


# A household paired now: a pairing that has not ended.
_PAIRED = "EXISTS (SELECT 1 FROM pairings p WHERE p.household = f.household AND p.ended_on IS NULL)"
_SCHEDULED = "f.closed_on IS NULL AND f.needs_helper = 1 AND " + _PAIRED
# The month's home visits of a scheduled household against its place's minimum.
_AGAINST_MINIMUM = (
    "households f JOIN schedules s ON s.region = f.region AND s.year = {year} "
    "AND s.month = {month} LEFT JOIN visit_months m ON m.household = f.household "
    "AND m.year = {year} AND m.month = {month}"
)
_MONTH = "f.year = {year} AND f.month = {month}"


def _passed(kind: str) -> str:
    return f"f.kind = '{kind}' AND f.state = 'passed' AND f.ended_month = {{yyyymm}}"


_VERIFIED = "f.state <> 'open' AND f.closed_month = {yyyymm}"

MEASURES: list[Measure] = [
    Measure("households", "COUNT(*)", "households f", "f.closed_on IS NULL"),
    Measure(
        "monitored", "COUNT(*)", "households f", "f.closed_on IS NULL AND f.status = 'monitored'"
    ),
    Measure("needing", "COUNT(*)", "households f", "f.closed_on IS NULL AND f.needs_helper = 1"),
    Measure("covered", "COUNT(*)", "households f", _SCHEDULED),
    Measure(
        "helpers",
        "COUNT(DISTINCT f.helper)",
        "pairings f JOIN households h ON h.household = f.household",
        "f.ended_on IS NULL AND f.helper IS NOT NULL AND h.closed_on IS NULL",
    ),
    Measure("visits", "SUM(f.visits)", "visit_months f", _MONTH, flow=True),
    Measure("home_visits", "SUM(f.home_visits)", "visit_months f", _MONTH, flow=True),
    Measure("problems_found", "SUM(f.problems_found)", "visit_months f", _MONTH, flow=True),
    Measure("problems_solved", "SUM(f.problems_solved)", "visit_months f", _MONTH, flow=True),
    Measure("jobs_found", "SUM(f.jobs_found)", "visit_months f", _MONTH, flow=True),
    Measure("goods_value", "SUM(f.goods_fen)", "visit_months f", _MONTH, flow=True, in_fen=True),
    Measure("money_value", "SUM(f.money_fen)", "visit_months f", _MONTH, flow=True, in_fen=True),
    Measure(
        "on_track",
        "COUNT(*)",
        _AGAINST_MINIMUM,
        _SCHEDULED + " AND COALESCE(m.home_visits, 0) >= s.minimum",
        flow=True,
    ),
    Measure(
        "behind",
        "COUNT(*)",
        _AGAINST_MINIMUM,
        _SCHEDULED + " AND COALESCE(m.home_visits, 0) < s.minimum",
        flow=True,
    ),
]
MEASURES += [
    Measure("alerts_raised", "COUNT(*)", "alerts f", "f.raised_month = {yyyymm}", flow=True),
    Measure("alerts_verified", "COUNT(*)", "alerts f", _VERIFIED, flow=True),
    Measure(
        "alerts_on_time", "COUNT(*)", "alerts f", _VERIFIED + " AND f.closed_on <= f.due_on", True
    ),
    Measure("alerts_open", "COUNT(*)", "alerts f", "f.state = 'open'"),
    Measure("households_identified", "COUNT(*)", "procedures f", _passed("identification"), True),
    Measure("risk_cleared", "COUNT(*)", "procedures f", _passed("risk_clearing"), True),
    Measure("exits_verified", "COUNT(*)", "procedures f", _passed("exit"), True),
]


# Resident work teams: in post on the day judged; residence of the members in post from the
# month's first day to the day judged, against the minimum spread over the month so far
# (``minimum × day ÷ days in the month``, rounded down: the whole minimum at the month's end),
# compared without a division so that every engine rounds alike.
def _in_post(start: str, end: str) -> str:
    return f"f.{start} <= {{judged}} AND (f.{end} IS NULL OR f.{end} >= {{judged}})"


_RESIDENCE = (
    "team_members f JOIN residence_rules r ON r.region = f.region AND r.year = {year} "
    "AND r.month = {month} LEFT JOIN member_months m ON m.member = f.member "
    "AND m.year = {year} AND m.month = {month}"
)
_JUDGED = (
    "{judged} >= {first} AND f.started_on <= {first} "
    "AND (f.ended_on IS NULL OR f.ended_on >= {judged})"
)
_MET = "r.minimum * {judged_day} < (COALESCE(m.days_counted, 0) + 1) * {month_days}"
_ROLES = {"1": "team_leaders", "2": "first_secretaries", "3": "liaisons", "4": "team_members"}
MEASURES += [
    Measure("teams", "COUNT(*)", "teams f", _in_post("term_start", "term_end")),
    *(
        Measure(
            key,
            "COUNT(*)",
            "team_members f",
            f"f.role = '{role}' AND " + _in_post("started_on", "ended_on"),
        )
        for role, key in _ROLES.items()
    ),
    Measure("members_judged", "COUNT(*)", _RESIDENCE, _JUDGED, flow=True),
    Measure("members_met", "COUNT(*)", _RESIDENCE, f"{_JUDGED} AND {_MET}", flow=True),
    Measure("members_short", "COUNT(*)", _RESIDENCE, f"{_JUDGED} AND NOT ({_MET})", flow=True),
    Measure("leave_days", "SUM(f.days_leave)", "member_months f", _MONTH, flow=True),
    Measure("meetings", "COUNT(*)", "meetings f", "f.held_month = {yyyymm}", flow=True),
    Measure("tasks_overdue", "COUNT(*)", "meeting_tasks f", "f.done = 0 AND f.due_on < {judged}"),
]
# Supervision: findings due in a month are those of its deadlines closed, or open past their
# deadline on the day the facts were read (``{on}``), as ``supervision.rollups`` counts them.
_DUE = "f.due_month = {yyyymm} AND (f.closed_on IS NOT NULL OR f.deadline < {on})"
MEASURES += [
    Measure("inspections", "COUNT(*)", "inspection_rounds f", "f.round_month = {yyyymm}", True),
    Measure("households_sampled", "COUNT(*)", "samples f", "f.round_month = {yyyymm}", True),
    Measure("findings_found", "COUNT(*)", "findings f", "f.found_month = {yyyymm}", True),
    Measure("findings_due", "COUNT(*)", "findings f", _DUE, True),
    Measure(
        "findings_on_time",
        "COUNT(*)",
        "findings f",
        "f.due_month = {yyyymm} AND f.closed_on <= f.deadline",
        True,
    ),
    Measure(
        "findings_overdue",
        "COUNT(*)",
        "findings f",
        "f.closed_on IS NULL AND f.deadline < {judged}",
    ),
    Measure("surveyed", "COUNT(*)", "answers f", "f.surveyed_month = {yyyymm}", True),
    Measure("satisfied", "SUM(f.satisfied)", "answers f", "f.surveyed_month = {yyyymm}", True),
]
# Members in the registry on the day judged; members the check-up rate counts that day.
_PRESENT = "(f.until IS NULL OR f.until > {judged})"
_SIGNED = (
    "EXISTS (SELECT 1 FROM contracts c WHERE c.member = f.member "
    "AND c.signed_on <= {judged} AND c.valid_until >= {judged})"
)
_COUNTED = (
    "members f LEFT JOIN checkup_left_out o ON o.member = f.member AND o.year = {year} "
    "AND o.month = {month}"
)
_CHECKED = (
    "EXISTS (SELECT 1 FROM checkups k WHERE k.member = f.member "
    "AND k.held_on >= '{year}-01-01' AND k.held_on <= {judged})"
)
_ILL = (
    "EXISTS (SELECT 1 FROM conditions c WHERE c.member = f.member AND c.diagnosed_on <= {judged})"
)
_TRACKED = "assistance f JOIN households h ON h.household = f.household"
_MONITORED_ABLE = "h.status = 'monitored' AND f.able = 1"
_DECIDED = "decisions f"
_DECIDED_IN_MONTH = "f.decided_month = {yyyymm}"
# The month's decisions ranked by their days within each place at each level: the median is
# the mean of the middle one (weight 2) or two (weight 1 each).
_RANKED = (
    "(SELECT d.province, d.city, d.county, d.days, "
    + ", ".join(
        f"ROW_NUMBER() OVER (PARTITION BY d.{lv} ORDER BY d.days) AS r_{lv}, "
        f"COUNT(*) OVER (PARTITION BY d.{lv}) AS n_{lv}"
        for lv in LEVELS
    )
    + " FROM decisions d WHERE d.decided_month = {yyyymm}) f"
)


def _middle(value: str) -> str:
    """``value`` summed over the middle of the ranked days, weighted, at the level grouped:
    the finest level whose place holds the whole group (a group of one county has its
    county's ranks, the same as a city's or province's whose decisions are all there)."""

    def weighted(lv: str) -> str:
        r, n = f"f.r_{lv}", f"f.n_{lv}"
        weight = (
            f"CASE WHEN 2 * {r} = {n} + 1 THEN 2 WHEN 2 * {r} IN ({n}, {n} + 2) THEN 1 ELSE 0 END"
        )
        return f"SUM({value} * ({weight}))"

    return (
        f"CASE WHEN MIN(f.county) = MAX(f.county) THEN {weighted('county')} "
        f"WHEN MIN(f.city) = MAX(f.city) THEN {weighted('city')} "
        f"ELSE {weighted('province')} END"
    )


MEASURES += [
    Measure("members_present", "COUNT(*)", "members f", _PRESENT),
    Measure("members_signed", "COUNT(*)", "members f", _PRESENT + " AND " + _SIGNED),
    Measure("unsigned", "COUNT(*)", "members f", _PRESENT + " AND NOT " + _SIGNED),
    Measure("members_counted", "COUNT(*)", _COUNTED, _PRESENT + " AND o.member IS NULL"),
    Measure("checked", "COUNT(*)", _COUNTED, _PRESENT + " AND o.member IS NULL AND " + _CHECKED),
    Measure("members_ill", "COUNT(*)", "members f", _PRESENT + " AND " + _ILL),
    Measure("follow_ups_done", "COUNT(*)", "follow_ups f", "f.held_month = {yyyymm}", True),
    Measure("follow_ups_due", "COUNT(*)", "follow_ups_due f", "f.due_month = {yyyymm}", True),
    Measure(
        "follow_ups_overdue",
        "COUNT(*)",
        "members f JOIN conditions c ON c.member = f.member",
        "f.until IS NULL AND c.due_on < {judged}",
    ),
    Measure("health_activities", "COUNT(*)", "activities f", "f.held_month = {yyyymm}", True),
    Measure("people_served", "SUM(f.served)", "activities f", "f.held_month = {yyyymm}", True),
    Measure(
        "households_with_plan",
        "COUNT(*)",
        "households f",
        "f.closed_on IS NULL AND EXISTS (SELECT 1 FROM plan_measures m "
        "WHERE m.household = f.household AND m.taken = 1)",
    ),
    Measure("measures", "COUNT(*)", "plan_measures f", "f.taken = 1"),
    Measure(
        "measures_overdue", "COUNT(*)", "plan_measures f", "f.open = 1 AND f.due_on < {judged}"
    ),
    Measure("alerts_overdue", "COUNT(*)", "alerts f", "f.state = 'open' AND f.due_on < {judged}"),
    Measure("decided", "COUNT(*)", _DECIDED, _DECIDED_IN_MONTH, flow=True),
    Measure("decision_days", "SUM(f.days)", _DECIDED, _DECIDED_IN_MONTH, flow=True),
    Measure("decision_days_middle", _middle("f.days"), _RANKED, flow=True),
    Measure("decision_middle_weight", _middle("1"), _RANKED, flow=True),
    Measure("monitored_able", "COUNT(*)", _TRACKED, _MONITORED_ABLE),
    Measure(
        "monitored_developing", "COUNT(*)", _TRACKED, _MONITORED_ABLE + " AND f.developmental = 1"
    ),
    Measure("social_security", "COUNT(*)", "assistance f", "f.able = 0"),
    Measure(
        "households_cleared",
        "COUNT(*)",
        "households f",
        "f.closed_on IS NULL AND f.status = 'risk_cleared'",
    ),
    Measure(
        "households_tracked",
        "COUNT(*)",
        "households f",
        "f.closed_on IS NULL AND f.status IN ('monitored', 'risk_cleared')",
    ),
]
RATES: list[Rate] = [
    Rate("coverage", "covered", "needing"),
    # Of a closed month: the share of scheduled households that met their minimum.
    Rate("compliance", "on_track", "covered"),
    Rate("alerts_on_time_rate", "alerts_on_time", "alerts_verified"),
]
# Measures that are parts of a rate, not indicators of their own.
PARTS = frozenset({"needing", "covered", "on_track"})

# The monthly check: differences of the month judged on its day, open on it; reports of the
# month, due once their day is past (before the day the facts were read, as the dashboard
# judges them) or already in; households compared as they stand.
_FOUND_BY = "f.found_on <= {judged}"
_CLOSED_IN = "f.closed_on >= {first} AND f.closed_on <= {judged}"
_REPORTS = "f.year = {year} AND f.month = {month}"
MEASURES += [
    Measure(
        "differences_found",
        "COUNT(*)",
        "differences f",
        "f.found_on >= {first} AND " + _FOUND_BY,
        flow=True,
    ),
    Measure(
        "differences_fixed",
        "COUNT(*)",
        "differences f",
        "f.state = 'fixed' AND " + _CLOSED_IN,
        True,
    ),
    Measure(
        "differences_closed",
        "COUNT(*)",
        "differences f",
        "f.state = 'closed' AND " + _CLOSED_IN,
        True,
    ),
    Measure(
        "differences_open",
        "COUNT(*)",
        "differences f",
        _FOUND_BY + " AND (f.state = 'open' OR f.closed_on IS NULL OR f.closed_on > {judged})",
    ),
    Measure(
        "reports_due",
        "COUNT(*)",
        "report_dues f",
        _REPORTS + " AND (f.due_on < {on} OR f.reported = 1)",
    ),
    Measure("reports_on_time", "SUM(f.on_time)", "report_dues f", _REPORTS),
    Measure(
        "reports_missing",
        "COUNT(*)",
        "report_dues f",
        _REPORTS + " AND f.due_on < {on} AND f.reported = 0",
    ),
    Measure("households_compared", "COUNT(*)", "compared_households f"),
    Measure("households_matching", "SUM(f.matching)", "compared_households f"),
]
# Projects and funds: projects of the year judged (the month's) as they stand, donations and
# sales of the month.
_OF_YEAR = "f.year = {year}"
_INCOME = "villages f LEFT JOIN collective_incomes c ON c.region = f.region AND c.year = {year}"
MEASURES += [
    Measure("projects", "COUNT(*)", "projects f", _OF_YEAR + " AND f.stage <> 'cancelled'"),
    Measure(
        "projects_carried_out",
        "COUNT(*)",
        "projects f",
        _OF_YEAR + " AND f.stage IN ('started', 'completed', 'accepted')",
    ),
    Measure("projects_accepted", "COUNT(*)", "projects f", _OF_YEAR + " AND f.stage = 'accepted'"),
    *(
        Measure(
            key,
            "SUM(f.fen)",
            "project_funds f",
            _OF_YEAR + f" AND f.entry = '{entry}'",
            in_fen=True,
        )
        for key, entry in (
            ("funds_planned", "planned"),
            ("funds_allocated", "allocation"),
            ("funds_paid", "payment"),
        )
    ),
    Measure("beneficiary_households", "COUNT(DISTINCT f.household)", "beneficiaries f", _OF_YEAR),
    Measure("income_able", "COUNT(*)", "income_able f"),
    Measure(
        "income_covered",
        "COUNT(*)",
        "income_able f",
        "EXISTS (SELECT 1 FROM income_years y WHERE y.household = f.household AND y.year = {year})",
    ),
    Measure("donations", "COUNT(*)", "donations f", "f.given_month = {yyyymm}", flow=True),
    Measure("donations_value", "SUM(f.fen)", "donations f", "f.given_month = {yyyymm}", True, True),
    Measure("sales", "COUNT(*)", "sales f", "f.sold_month = {yyyymm}", flow=True),
    Measure("sales_amount", "SUM(f.fen)", "sales f", "f.sold_month = {yyyymm}", True, True),
    Measure("villages_floor", "SUM(f.floor)", "collective_incomes f", _OF_YEAR),
    Measure("villages_below_floor", "SUM(1 - COALESCE(c.floor, 0))", _INCOME),
    Measure("villages_good", "SUM(f.good)", "collective_incomes f", _OF_YEAR),
    Measure("villages_counted", "COUNT(*)", "villages f"),
]
RATES += [
    Rate("reports_on_time_rate", "reports_on_time", "reports_due"),
    Rate("match_rate", "households_matching", "households_compared"),
    Rate("disbursement_rate", "funds_paid", "funds_allocated"),
    Rate("income_coverage", "income_covered", "income_able"),
    Rate("villages_good_share", "villages_good", "villages_counted"),
]
PARTS |= {
    "reports_due",
    "reports_on_time",
    "households_compared",
    "households_matching",
    "villages_good",
    "villages_counted",
}
RATES += [
    Rate("signing_rate", "members_signed", "members_present"),
    Rate("checkup_rate", "checked", "members_counted"),
    Rate("decision_days_average", "decision_days", "decided"),
    Rate("decision_days_median", "decision_days_middle", "decision_middle_weight"),
    Rate("developing_share", "monitored_developing", "monitored_able"),
    Rate("clearing_rate", "households_cleared", "households_tracked"),
]
PARTS |= {
    "members_present",
    "members_signed",
    "members_counted",
    "decided",
    "decision_days",
    "decision_days_middle",
    "decision_middle_weight",
    "households_cleared",
    "households_tracked",
}
RATES += [
    Rate("residence_compliance", "members_met", "members_judged"),
    Rate("rectified_on_time", "findings_on_time", "findings_due"),
    Rate("satisfaction_rate", "satisfied", "surveyed"),
]
PARTS |= {"members_judged", "members_met", "findings_due", "findings_on_time"}
PARTS |= {"surveyed", "satisfied"}
INDICATOR_KEYS = [m.key for m in MEASURES if m.key not in PARTS] + [r.key for r in RATES]


def judged_on(month: datetime.date, on: datetime.date) -> datetime.date:
    """The day a month's figures are judged on: its last day, or ``on`` (the day the facts were
    read) while it runs."""
    following = (month.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    return min(on, following - datetime.timedelta(days=1))


def _placeholders(month: datetime.date, on: datetime.date) -> dict[str, int | str]:
    # Dates as ISO strings: each engine compares them with a DATE column as dates.
    judged = judged_on(month, on)
    return {
        "year": month.year,
        "month": month.month,
        "yyyymm": month.year * 100 + month.month,
        "first": f"'{month.replace(day=1).isoformat()}'",
        "judged": f"'{judged.isoformat()}'",
        "on": f"'{on.isoformat()}'",
        "judged_day": judged.day,
        "month_days": judged_on(month, datetime.date.max).day,
    }


@dataclass(frozen=True)
class Pass:
    """The measures read in one pass over one source: the rows ``where`` keeps (the
    conditions every one of them has), each measure's aggregates counting only those its
    other conditions keep (``FILTER``). A condition with a subquery stays in ``where``:
    Spark takes subqueries in a query's filter only, not in an aggregate's, so measures
    apart in those are passes apart."""

    source: str
    where: str
    values: tuple[tuple[str, str], ...]  # (measure key, aggregate with its filter)


_ALWAYS = sqlglot.parse_one("1 = 1")


def _conditions(where: str) -> list[exp.Expr]:
    condition = sqlglot.parse_one(where)
    parts = list(condition.flatten()) if isinstance(condition, exp.And) else [condition]
    return [part for part in parts if part != _ALWAYS]


def _filtered(value: str, conditions: list[exp.Expr]) -> str:
    """``value`` with each of its aggregates taking only the rows ``conditions`` keep."""
    parsed = sqlglot.parse_one(value)
    if not conditions:
        return parsed.sql()
    kept = exp.and_(*conditions)
    return parsed.transform(
        lambda node: (
            exp.Filter(this=node, expression=exp.Where(this=kept))
            if isinstance(node, exp.AggFunc)
            else node
        )
    ).sql()


def month_passes(month: datetime.date, on: datetime.date) -> list[Pass]:
    """Every measure of a month, in the fewest passes: one per source and subquery."""
    filled = _placeholders(month, on)
    grouped: dict[tuple[str, tuple[exp.Expr, ...]], list[tuple[Measure, list[exp.Expr]]]] = {}
    for measure in MEASURES:
        conditions = _conditions(measure.where.format(**filled))
        subqueries = tuple(c for c in conditions if c.find(exp.Select))
        plain = [c for c in conditions if not c.find(exp.Select)]
        grouped.setdefault((measure.source.format(**filled), subqueries), []).append(
            (measure, plain)
        )
    passes = []
    for (source, subqueries), measures in grouped.items():
        everyones = [c for c in measures[0][1] if all(c in plain for _m, plain in measures)]
        kept = [*subqueries, *everyones]
        values = tuple(
            (m.key, _filtered(m.value, [c for c in plain if c not in everyones]))
            for m, plain in measures
        )
        passes.append(Pass(source, exp.and_(*kept).sql() if kept else "1 = 1", values))
    return passes


def _grouped(each: Pass, levels: tuple[str, ...]) -> str:
    """One pass grouped at each of ``levels``, as rows (level, place, measure, value): by one
    level, a plain GROUP BY; by several, GROUPING SETS, the level named by which column is
    grouped. Several measures' values are spread into rows by a join with their keys."""
    if len(levels) == 1:
        level, place, groups = f"'{levels[0]}'", f"f.{levels[0]}", f"f.{levels[0]}"
    else:
        named = " ".join(f"WHEN GROUPING(f.{lv}) = 0 THEN '{lv}'" for lv in levels[:-1])
        level = f"CASE {named} ELSE '{levels[-1]}' END"
        place = f"COALESCE({', '.join(f'f.{lv}' for lv in levels)})"
        groups = f"GROUPING SETS ({', '.join(f'(f.{lv})' for lv in levels)})"
    head = f"SELECT {level} AS level, {place} AS place"
    tail = f"FROM {each.source} WHERE {each.where} GROUP BY {groups}"
    if len(each.values) == 1:
        ((key, value),) = each.values
        return f"{head}, '{key}' AS measure, {value} AS value {tail}"
    values = ", ".join(f"{value} AS v{n}" for n, (_key, value) in enumerate(each.values))
    keys = " UNION ALL ".join(f"SELECT '{key}' AS measure" for key, _value in each.values)
    picked = " ".join(f"WHEN '{key}' THEN g.v{n}" for n, (key, _value) in enumerate(each.values))
    return (
        f"SELECT g.level, g.place, k.measure, CASE k.measure {picked} END AS value "
        f"FROM ({head}, {values} {tail}) g CROSS JOIN ({keys}) k"
    )


def _generic(month: datetime.date, on: datetime.date, levels_a_query: bool) -> str:
    passes = [(lv,) for lv in LEVELS] if levels_a_query else [LEVELS]
    return " UNION ALL ".join(
        _grouped(each, levels) for each in month_passes(month, on) for levels in passes
    )


def facts_read() -> set[str]:
    """The facts the definitions read (a province's own run loads no others)."""
    day = datetime.date(2000, 1, 1)
    sql = sqlglot.parse_one(_generic(day, day, levels_a_query=False))
    return {table.name for table in sql.find_all(exp.Table)}


# SQLite has no GROUPING SETS: each level is a query of its own there.
ONE_LEVEL_A_QUERY = frozenset({"sqlite"})


def figures_sql(month: datetime.date, on: datetime.date, dialect: str) -> str:
    """Every measure at every level for a month, as rows (level, place, measure, value), the
    facts read on ``on``: one query, in ``dialect`` ("sqlite", "postgres", "spark")."""
    generic = _generic(month, on, levels_a_query=dialect in ONE_LEVEL_A_QUERY)
    return sqlglot.transpile(generic, write=dialect)[0]


Figures = dict[tuple[str, str], dict[str, int | float | Decimal | None]]
IN_FEN = frozenset(m.key for m in MEASURES if m.in_fen)


def figures_of(rows) -> Figures:
    """The grouped rows (level, place, measure, value) as each place's indicators, with the rates
    worked out; a measure with no row at a place is 0 there."""
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for level, place, measure, value in rows:
        counts.setdefault((level, place), {})[measure] = int(value or 0)
    found: Figures = {}
    for place, values in counts.items():
        for each in MEASURES:
            values.setdefault(each.key, 0)
        found[place] = {
            **values,
            **{key: Decimal(values[key]) / 100 for key in IN_FEN},
            **{
                rate.key: values[rate.numerator] / values[rate.denominator]
                if values[rate.denominator]
                else None
                for rate in RATES
            },
        }
    return found
