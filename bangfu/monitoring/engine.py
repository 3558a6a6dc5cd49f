"""The procedure engine: each kind of procedure (识别, 风险消除, 脱贫退出) is a chain of steps
declared once here — which step, in which order, by which level (a capability of
``accounts.roles``), with what it needs (a photo of the signed commitment, an income check,
the public notice, a decision) — its checklist (risk clearing's and exit's items, each a
function of the household and a day giving the result, the evidence in words and the records
read), and what passing the last step does to the household. ``services.step_record`` runs
any of them: a new kind is a new ``ProcedureSpec``, not a copy of the services.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from bangfu.core.calendar import months_later
from bangfu.core.capabilities import Capability
from bangfu.core.policies import policy_for
from bangfu.health.models import MedicalCost
from bangfu.registry.models import DangerGrade, Household, HouseholdStatus, Member
from bangfu.registry.services import TRANSITIONS, StatusInput, household_status_change

from .models import Alert, AlertState, IncomeCheck, Procedure, ProcedureKind


@dataclass(frozen=True)
class StepSpec:
    key: str
    label: Promise
    who: Promise  # the level that does it, as people say it
    capability: Capability
    # A pair helper may do it for the households paired with them (at the household).
    by_paired_helper: bool = False
    photo: bool = False  # needs a photo of the signed paper (承诺授权书)
    notice: bool = False  # its passing starts the public notice (公示)
    after_notice: bool = False  # may be done only once the notice is over
    decides: bool = False  # takes the decision's monitoring type and risk types
    # Passing it records an income check (收入核查): the per-capita income found at home and
    # whether food and clothing are secure (两不愁), which the checklist then reads.
    assesses: bool = False


# --- Checklists (risk clearing 风险消除, exit 脱贫退出) ------------------------------------


@dataclass(frozen=True)
class Finding:
    """One item's result for a household on a day: passed or not, the evidence in words, and
    the records it read (each a kind the audit log names and an id)."""

    passed: bool
    evidence: str
    records: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: Promise
    definition: Promise  # the rule in words, shown beside the result
    check: Callable[[Household, datetime.date], Finding]


@dataclass(frozen=True)
class Checked:
    item: ChecklistItem
    finding: Finding

    def as_json(self) -> dict[str, Any]:
        return {
            "item": self.item.key,
            "passed": self.finding.passed,
            "evidence": self.finding.evidence,
            "records": [{"type": t, "id": i} for t, i in self.finding.records],
        }


INCOME_CHECK = "monitoring.incomecheck"
MEMBER = "registry.member"
HOUSEHOLD = "registry.household"
OUT_OF_SCHOOL = "0"  # schooling (在校生状况): 非在校生


def _yuan(amount: Decimal | int) -> str:
    amount = Decimal(amount)
    return f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"


def _rule(household: Household, key: str, day: datetime.date) -> Any:
    return policy_for(household.region_id, key, day)


def _checks_by(household: Household, day: datetime.date) -> list[IncomeCheck]:
    return list(household.income_checks.filter(assessed_on__lte=day).order_by("assessed_on", "pk"))


def _present(household: Household, day: datetime.date) -> list[Member]:
    """The members in the household on the day (not yet left)."""
    rows = household.members.filter(Q(left_on=None) | Q(left_on__gt=day))
    return list(rows.select_related("schooling", "labour").order_by("pk"))


def _no_income_check() -> Finding:
    return Finding(
        False,
        gettext("No income check (收入核查) on record; record one from the household page."),
    )


def income_stable(household: Household, day: datetime.date) -> Finding:
    """Income stably above the monitoring line: the income checks up to the day, each compared
    with ``monitoring.income_line`` in force at the household's place on the check's day; the
    run of checks above the line that ends with the latest check (a check at or below the
    line ends a run: the count begins again after it) spans at least
    ``monitoring.stable_months`` calendar months from its first check to its last."""
    checks = _checks_by(household, day)
    if not checks:
        return _no_income_check()
    run: list[tuple[IncomeCheck, int]] = []
    dip: IncomeCheck | None = None
    for check in checks:
        line = _rule(household, "monitoring.income_line", check.assessed_on)
        if check.per_capita > line:
            run.append((check, line))
        else:
            run, dip = [], check
    if not run:
        assert dip is not None
        return Finding(
            False,
            gettext(
                "The latest income check, on %(day)s, found %(income)s yuan a person: not "
                "above the monitoring line of %(line)s yuan."
            )
            % {
                "day": dip.assessed_on.isoformat(),
                "income": _yuan(dip.per_capita),
                "line": _yuan(_rule(household, "monitoring.income_line", dip.assessed_on)),
            },
            ((INCOME_CHECK, dip.pk),),
        )
    months = _rule(household, "monitoring.stable_months", day)
    first, (last, line) = run[0][0], run[-1]
    reached = months_later(first.assessed_on, months)
    words = gettext(
        "Above the monitoring line since %(since)s (%(count)d checks; the latest, on "
        "%(last)s, %(income)s yuan a person against a line of %(line)s)."
    ) % {
        "since": first.assessed_on.isoformat(),
        "count": len(run),
        "last": last.assessed_on.isoformat(),
        "income": _yuan(last.per_capita),
        "line": _yuan(line),
    }
    if dip is not None:
        words += " " + gettext(
            "On %(day)s it was not above the line, so the months are counted after that."
        ) % {"day": dip.assessed_on.isoformat()}
    passed = last.assessed_on >= reached
    if passed:
        words += " " + gettext("Stable for %(months)d months or more.") % {"months": months}
    else:
        words += " " + gettext(
            "%(months)d months of stable income need a check above the line on or after %(day)s."
        ) % {"months": months, "day": reached.isoformat()}
    records = tuple((INCOME_CHECK, c.pk) for c, _line in run)
    return Finding(passed, words, records + (((INCOME_CHECK, dip.pk),) if dip else ()))


def income_above_exit_line(household: Household, day: datetime.date) -> Finding:
    """Income above the year's poverty line: the latest income check up to the day above
    ``monitoring.exit_income_line`` in force at the household's place on the check's day."""
    checks = _checks_by(household, day)
    if not checks:
        return _no_income_check()
    latest = checks[-1]
    line = _rule(household, "monitoring.exit_income_line", latest.assessed_on)
    words = gettext(
        "The income check on %(day)s found %(income)s yuan a person against the line of "
        "%(line)s yuan."
    ) % {
        "day": latest.assessed_on.isoformat(),
        "income": _yuan(latest.per_capita),
        "line": _yuan(line),
    }
    return Finding(latest.per_capita > line, words, ((INCOME_CHECK, latest.pk),))


def food_and_clothing(household: Household, day: datetime.date) -> Finding:
    """两不愁: the latest income check up to the day that asked attests that the household has
    enough food and clothing (the home check's attestation)."""
    asked = [c for c in _checks_by(household, day) if c.food_and_clothing is not None]
    if not asked:
        return Finding(
            False,
            gettext(
                "No income check has attested food and clothing; record one with the "
                "attestation from the household page or at the home check."
            ),
        )
    latest = asked[-1]
    if latest.food_and_clothing:
        words = gettext("Attested secure at the income check on %(day)s.")
    else:
        words = gettext("The income check on %(day)s found food or clothing not secure.")
    return Finding(
        bool(latest.food_and_clothing),
        words % {"day": latest.assessed_on.isoformat()},
        ((INCOME_CHECK, latest.pk),),
    )


def medical_costs_solved(household: Household, day: datetime.date) -> Finding:
    """Large medical costs solved: no member (including those who died or left since) paid
    out of pocket more than ``monitoring.clearing_medical_cost`` in the day's year or the year
    before (``health.MedicalCost`` is kept by year: these two cover the last twelve months)."""
    limit = _rule(household, "monitoring.clearing_medical_cost", day)
    costs = MedicalCost.objects.filter(
        member__household=household, year__in=(day.year - 1, day.year)
    ).select_related("member")
    paid: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    names, read = {}, []
    for cost in costs.order_by("year", "member_id", "pk"):
        paid[cost.year, cost.member_id] += cost.total - cost.reimbursed
        names[cost.member_id] = cost.member.name
        read.append(("health.medicalcost", cost.pk))
    over = [(year, member, amount) for (year, member), amount in paid.items() if amount > limit]
    if over:
        words = gettext("Paid out of pocket above %(limit)s yuan: %(who)s.") % {
            "limit": _yuan(limit),
            "who": "；".join(
                gettext("%(name)s, %(year)d: %(amount)s yuan")
                % {"name": names[member], "year": year, "amount": _yuan(amount)}
                for year, member, amount in over
            ),
        }
        return Finding(False, words, tuple(read))
    return Finding(
        True,
        gettext(
            "No member paid more than %(limit)s yuan out of pocket in %(before)d or %(year)d "
            "(%(count)d cost records)."
        )
        % {"limit": _yuan(limit), "before": day.year - 1, "year": day.year, "count": len(read)},
        tuple(read),
    )


def no_open_alert(household: Household, day: datetime.date) -> Finding:
    """No alert about the household raised by the day and still awaiting verification."""
    open_alerts = list(
        Alert.objects.filter(household=household, state=AlertState.OPEN, raised_on__lte=day)
        .order_by("raised_on", "pk")
        .values_list("pk", "raised_on", "summary")
    )
    if not open_alerts:
        return Finding(True, gettext("No alert awaits verification."))
    return Finding(
        False,
        gettext("Awaiting verification: %(alerts)s.")
        % {
            "alerts": "；".join(
                f"{raised.isoformat()} {summary[:60]}" for _pk, raised, summary in open_alerts
            )
        },
        tuple(("monitoring.alert", pk) for pk, _raised, _summary in open_alerts),
    )


def _age(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def compulsory_education(household: Household, day: datetime.date) -> Finding:
    """义务教育有保障: every member aged ``monitoring.school_age_from`` to
    ``monitoring.school_age_until`` (in full years on the day) is in school by the registry's
    schooling (在校生状况): not 非在校生 and not unrecorded."""
    low = _rule(household, "monitoring.school_age_from", day)
    high = _rule(household, "monitoring.school_age_until", day)
    of_age = [m for m in _present(household, day) if low <= _age(m.birth_date, day) <= high]
    out = [m for m in of_age if m.schooling is None or m.schooling.value == OUT_OF_SCHOOL]
    ages = {"low": low, "high": high}
    if not of_age:
        return Finding(True, gettext("No member of school age (%(low)d–%(high)d).") % ages)
    records = tuple((MEMBER, m.pk) for m in of_age)
    if not out:
        return Finding(
            True,
            ngettext(
                "%(count)d member of school age (%(low)d–%(high)d), in school.",
                "%(count)d members of school age (%(low)d–%(high)d), all in school.",
                len(of_age),
            )
            % {**ages, "count": len(of_age)},
            records,
        )
    return Finding(
        False,
        gettext("Of school age (%(low)d–%(high)d) and not in school: %(who)s.")
        % {
            **ages,
            "who": "；".join(
                f"{m.name} ({_age(m.birth_date, day)}, "
                f"{m.schooling.label if m.schooling else gettext('schooling not recorded')})"
                for m in out
            ),
        },
        records,
    )


def medical_insurance(household: Household, day: datetime.date) -> Finding:
    """基本医疗有保障: every member in the household on the day has medical insurance."""
    present = _present(household, day)
    without = [m for m in present if not m.medical_insurance]
    records = tuple((MEMBER, m.pk) for m in present)
    if without:
        return Finding(
            False,
            gettext("Without medical insurance: %(who)s.")
            % {"who": "、".join(m.name for m in without)},
            records,
        )
    return Finding(
        True, gettext("All %(count)d members insured.") % {"count": len(present)}, records
    )


def safe_housing(household: Household, day: datetime.date) -> Finding:
    """住房安全有保障: the house is not graded dangerous C or D (危房等级)."""
    grade = DangerGrade(household.danger_grade)
    words = gettext("Dangerous-housing grade in the registry: %(grade)s.") % {"grade": grade.label}
    safe = grade not in (DangerGrade.C, DangerGrade.D)
    return Finding(safe, words, ((HOUSEHOLD, household.pk),))


def safe_water(household: Household, day: datetime.date) -> Finding:
    """饮水安全有保障: the registry says the drinking water is safe (``water_safe``)."""
    words = (
        gettext("The registry records safe drinking water.")
        if household.water_safe
        else gettext("The registry records drinking water that is not safe.")
    )
    return Finding(household.water_safe, words, ((HOUSEHOLD, household.pk),))


def labour_capacity(household: Household, day: datetime.date) -> Finding:
    """A household without labour capacity (no member able to work, as the rule of
    assistance ``monitoring.able_to_work_labour`` counts it) is tracked under social security
    (兜底) and stays tracked: its risk is not marked cleared."""
    present = _present(household, day)
    able_codes = {str(code) for code in _rule(household, "monitoring.able_to_work_labour", day)}
    able = [m for m in present if m.labour.value in able_codes]
    records = tuple((MEMBER, m.pk) for m in present)
    if able:
        return Finding(
            True,
            gettext("Able to work: %(who)s.") % {"who": "、".join(m.name for m in able)},
            records,
        )
    return Finding(
        False,
        gettext(
            "No member is able to work: the household is tracked under social security (兜底) "
            "and stays monitored."
        ),
        records,
    )


INCOME_STABLE = ChecklistItem(
    "income_stable",
    _("Income stably above the monitoring line"),
    _(
        "The income checks (收入核查) have found per-capita income above the monitoring line "
        "(监测收入线, as in force on each check's day) without a break, from a first check to "
        "the latest at least the rule's months (monitoring.stable_months) later; a check at "
        "or below the line starts the count again."
    ),
    income_stable,
)
MEDICAL_COSTS = ChecklistItem(
    "medical_costs",
    _("Large medical costs solved"),
    _(
        "No member paid out of pocket (total less what was reimbursed) more than the rule's "
        "amount (monitoring.clearing_medical_cost) in this year or the last."
    ),
    medical_costs_solved,
)
NO_OPEN_ALERT = ChecklistItem(
    "no_open_alert",
    _("No alert awaiting verification"),
    _("Every alert about the household has been verified and closed."),
    no_open_alert,
)
EDUCATION = ChecklistItem(
    "education",
    _("Compulsory education secure"),
    _(
        "Every member of school age (monitoring.school_age_from to school_age_until, in full "
        "years) is in school by the registry's schooling."
    ),
    compulsory_education,
)
MEDICAL_INSURANCE = ChecklistItem(
    "medical_insurance",
    _("Basic medical care secure"),
    _("Every member has medical insurance in the registry."),
    medical_insurance,
)
HOUSING = ChecklistItem(
    "housing",
    _("Safe housing"),
    _("The house is not graded dangerous C or D in the registry."),
    safe_housing,
)
WATER = ChecklistItem(
    "water",
    _("Safe drinking water"),
    _("The registry records the household's drinking water as safe."),
    safe_water,
)
LABOUR = ChecklistItem(
    "labour",
    _("Labour capacity"),
    _(
        "At least one member is able to work; a household without labour capacity is tracked "
        "under social security (兜底) and stays monitored."
    ),
    labour_capacity,
)
EXIT_INCOME = ChecklistItem(
    "exit_income",
    _("Income above the year's poverty line"),
    _(
        "The latest income check found per-capita income above the poverty line "
        "(monitoring.exit_income_line, as in force on the check's day)."
    ),
    income_above_exit_line,
)
FOOD_AND_CLOTHING = ChecklistItem(
    "food_and_clothing",
    _("Enough food and clothing (两不愁)"),
    _("The latest income check that asked attests that food and clothing are secure."),
    food_and_clothing,
)


# --- Procedures ------------------------------------------------------------------------


@dataclass(frozen=True)
class ProcedureSpec:
    kind: str
    label: Promise
    steps: tuple[StepSpec, ...]
    days_policy: str  # the rule giving the days from start to the last step
    # A refusal (the words) if the household may not start one; None when it may.
    may_start: Callable[[Household], str | None]
    # What passing the last step does (in the step's transaction): (actor, procedure, input).
    on_passed: Callable[[Any, Procedure, Any], None]
    # Items that must all pass at the start and again at the last step (风险消除, 脱贫退出).
    checklist: tuple[ChecklistItem, ...] = field(default=())
    # Who starts one from the household page (None: only from an alert, as identification).
    start_capability: Capability | None = None
    start_by_paired_helper: bool = False
    # The public notice's heading and what it proposes (%(place)s, %(review)s).
    notice_heading: Promise = _("%(place)s: public notice of a household proposed for monitoring")
    notice_proposal: Promise = _(
        "After a home check and the village's review on %(review)s, the following household is "
        "proposed as a household monitored to prevent a return to poverty:"
    )

    def step(self, key: str) -> StepSpec | None:
        return next((s for s in self.steps if s.key == key), None)

    def after(self, key: str) -> StepSpec | None:
        keys = [s.key for s in self.steps]
        index = keys.index(key) + 1
        return self.steps[index] if index < len(self.steps) else None

    def checked(self, household: Household, day: datetime.date) -> list[Checked]:
        """Each checklist item's result for the household on the day."""
        return [Checked(item, item.check(household, day)) for item in self.checklist]


def refusal(results: Sequence[Checked]) -> str | None:
    """The words refusing a clearing or exit, naming each failing item and its evidence."""
    failing = [r for r in results if not r.finding.passed]
    if not failing:
        return None
    return gettext("Not yet: %(items)s") % {
        "items": "；".join(f"{r.item.label}: {r.finding.evidence}" for r in failing)
    }


def _may_become(status: str, refused: Promise) -> Callable[[Household], str | None]:
    """A ``may_start``: the household's status may change to ``status`` (the registry's
    transitions), or the refusal."""

    def may_start(household: Household) -> str | None:
        if status in TRANSITIONS[household.status]:
            return None
        return str(refused) % {
            "number": household.number,
            "status": HouseholdStatus(household.status).label,
        }

    return may_start


def _status_change(actor, procedure: Procedure, data, status: str, reason: Promise):
    """The county's decision as a dated step of the household's status history (through the
    registry's service, which audits it): ``reason`` names the procedure."""
    return household_status_change(
        actor=actor,
        household_id=procedure.household_id,
        change=StatusInput(
            status=status,
            effective_on=data.done_on,
            reason=str(reason) % {"id": procedure.pk},
            monitoring_type=getattr(data, "monitoring_type", ""),
            risk_types=list(getattr(data, "risk_types", [])),
        ),
    )


def _identified(actor, procedure: Procedure, data) -> None:
    """The county's decision: the household becomes monitored, of the type and risk types
    decided, as a dated step of its status history (through the registry's service)."""
    entry = _status_change(
        actor,
        procedure,
        data,
        HouseholdStatus.MONITORED,
        _("Identified as a monitored household (identification no. %(id)s)"),
    )
    procedure.monitoring_type = entry.monitoring_type
    procedure.save(update_fields=["monitoring_type"])
    procedure.risk_types.set(entry.risk_types.all())


def _cleared(actor, procedure: Procedure, data) -> None:
    """The county confirms: the household's risk is cleared (风险消除). Its alerts, procedures
    and history stay; it can be identified again if a risk returns."""
    _status_change(
        actor,
        procedure,
        data,
        HouseholdStatus.RISK_CLEARED,
        _("Risk cleared (risk clearing no. %(id)s)"),
    )


def _exited(actor, procedure: Procedure, data) -> None:
    """The county confirms: the household is out of poverty, still receiving policy."""
    _status_change(
        actor,
        procedure,
        data,
        HouseholdStatus.OUT_WITH_POLICY,
        _("Out of poverty (exit verification no. %(id)s)"),
    )


APPLICATION = StepSpec(
    "application",
    _("Application and signed commitment"),
    _("household and village"),
    Capability.MONITORING_HOME,
    by_paired_helper=True,
    photo=True,
)
HOME_CHECK = StepSpec(
    "home_check",
    _("Home check"),
    _("village"),
    Capability.MONITORING_HOME,
    by_paired_helper=True,
)
VILLAGE_REVIEW = StepSpec(
    "village_review",
    _("Village review and public notice"),
    _("village"),
    Capability.MONITORING_VILLAGE,
    notice=True,
)
TOWNSHIP_REVIEW = StepSpec(
    "township_review",
    _("Township review"),
    _("township"),
    Capability.MONITORING_TOWNSHIP,
    after_notice=True,
)
COUNTY_DECISION = StepSpec(
    "county_decision",
    _("County decision"),
    _("county"),
    Capability.MONITORING_COUNTY,
    decides=True,
)
# Clearing and exit: the same chain without the application (the household's own paper is
# identification's), the home check taking the income check the checklist reads, and the
# county confirming rather than choosing a type and risks.
CHECKED_CHAIN = (
    replace(HOME_CHECK, assesses=True),
    VILLAGE_REVIEW,
    TOWNSHIP_REVIEW,
    replace(COUNTY_DECISION, decides=False),
)

IDENTIFICATION = ProcedureSpec(
    kind=ProcedureKind.IDENTIFICATION,
    label=_("Identification"),
    steps=(APPLICATION, HOME_CHECK, VILLAGE_REVIEW, TOWNSHIP_REVIEW, COUNTY_DECISION),
    days_policy="monitoring.identify_days",
    may_start=_may_become(
        HouseholdStatus.MONITORED,
        _(
            "Household %(number)s is “%(status)s”; it cannot be identified as a monitored "
            "household."
        ),
    ),
    on_passed=_identified,
)

RISK_CLEARING = ProcedureSpec(
    kind=ProcedureKind.RISK_CLEARING,
    label=_("Risk clearing"),
    steps=CHECKED_CHAIN,
    days_policy="monitoring.clearing_days",
    may_start=_may_become(
        HouseholdStatus.RISK_CLEARED,
        _("Household %(number)s is “%(status)s”; only a monitored household's risk is cleared."),
    ),
    on_passed=_cleared,
    checklist=(
        INCOME_STABLE,
        MEDICAL_COSTS,
        NO_OPEN_ALERT,
        EDUCATION,
        MEDICAL_INSURANCE,
        HOUSING,
        WATER,
        LABOUR,
    ),
    # The helper who follows the household sees its income settle first.
    start_capability=Capability.MONITORING_HOME,
    start_by_paired_helper=True,
    notice_heading=_("%(place)s: public notice of a household proposed for risk clearing"),
    notice_proposal=_(
        "After a home check and the village's review on %(review)s, the following monitored "
        "household is proposed for risk clearing (风险消除):"
    ),
)

EXIT = ProcedureSpec(
    kind=ProcedureKind.EXIT,
    label=_("Exit verification"),
    steps=CHECKED_CHAIN,
    days_policy="monitoring.exit_days",
    may_start=_may_become(
        HouseholdStatus.OUT_WITH_POLICY,
        _(
            "Household %(number)s is “%(status)s”; only a registered household not yet out "
            "of poverty, or relapsed, is verified for exit."
        ),
    ),
    on_passed=_exited,
    checklist=(EXIT_INCOME, FOOD_AND_CLOTHING, EDUCATION, MEDICAL_INSURANCE, HOUSING, WATER),
    # Exit is the village's proposal (its yearly exit plan), reviewed by the village.
    start_capability=Capability.MONITORING_VILLAGE,
    notice_heading=_("%(place)s: public notice of a household proposed to exit poverty"),
    notice_proposal=_(
        "After a home check and the village's review on %(review)s, the following household is "
        "proposed to exit poverty (脱贫退出):"
    ),
)

KINDS: dict[str, ProcedureSpec] = {
    spec.kind: spec for spec in [IDENTIFICATION, RISK_CLEARING, EXIT]
}
# What a household page may start (the kinds with a starting capability).
STARTABLE = tuple(spec for spec in KINDS.values() if spec.start_capability is not None)


def spec_of(procedure: Procedure) -> ProcedureSpec:
    return KINDS[procedure.kind]


def checked_items(spec: ProcedureSpec, stored: Sequence[dict]) -> list[tuple[ChecklistItem, dict]]:
    """A procedure's stored checklist (``Procedure.checklist``) with each item's spec, for
    the pages: an item no longer in the kind's list is left out."""
    items = {item.key: item for item in spec.checklist}
    return [(items[row["item"]], row) for row in stored if row.get("item") in items]
