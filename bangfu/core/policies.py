"""Rules that differ by place (政策参数): one registry of keys, each with a type and a default.

A value is set on a place from a date and inherited by every place under it unless a place
below sets its own. ``policy_for`` answers what holds for a place on a day: the value set on
the nearest place at or above it, the latest one already in force there; the registry default
when no place above sets one. No rule value is written anywhere else in the code.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .calendar import FixedDays
from .errors import DomainError
from .regions import ancestor_codes, code_range


class Kind:
    """A rule's type: how a value is read from what a person, the API or a sheet gives
    (calling it; refusals are ``DomainError``), and how it is shown back as people write it
    (``show``: 是/否, names joined by 、, numbers plain, fixed days as 每周四…), so that what
    is shown can be typed in again. Pages, downloads and the API show values through it."""

    def __call__(self, raw: Any) -> Any:
        raise NotImplementedError

    def show(self, value: Any) -> str:
        return str(value)


@dataclass(frozen=True)
class PolicyKey:
    key: str
    label: str | Promise
    help: str | Promise
    default: Any
    parse: Kind

    def show(self, value: Any) -> str:
        """``value`` as people write it, as its kind shows it."""
        return self.parse.show(value)


class integer(Kind):  # noqa: N801 (read as a type in the registry: integer(3, 20))
    """A whole number from ``minimum`` to ``maximum``, shown plain (no thousands separator)."""

    def __init__(self, minimum: int, maximum: int) -> None:
        self.minimum, self.maximum = minimum, maximum

    def __call__(self, raw: Any) -> int:
        try:
            value = int(str(raw).strip())
        except (TypeError, ValueError):
            raise DomainError(_("Enter a whole number."), code="bad_policy_value", field="value")
        if not self.minimum <= value <= self.maximum:
            raise DomainError(
                _("Enter a number from %(min)d to %(max)d.")
                % {"min": self.minimum, "max": self.maximum},
                code="bad_policy_value",
                field="value",
            )
        return value

    def show(self, value: Any) -> str:
        return str(value)


NAME_LENGTH = 40  # a level of the chain of responsibility, say: the column's length
NAME_SEPARATOR = "、"


class names(Kind):  # noqa: N801
    """A list of names, given as a list or as text separated by 、 , ， ; or new lines; shown
    joined by 、."""

    def __init__(self, most: int) -> None:
        self.most = most

    def __call__(self, raw: Any) -> list[str]:
        parts = raw if isinstance(raw, list) else re.split(r"[、,，;；\n]+", str(raw or ""))
        cleaned = [str(part).strip() for part in parts if str(part).strip()]
        if any(len(name) > NAME_LENGTH or not name.isprintable() for name in cleaned):
            raise DomainError(
                _("Each name is at most %(n)d characters, without control characters.")
                % {"n": NAME_LENGTH},
                code="bad_policy_value",
                field="value",
            )
        if not cleaned:
            raise DomainError(_("Enter at least one name."), code="bad_policy_value", field="value")
        if len(cleaned) > self.most or len(set(cleaned)) != len(cleaned):
            raise DomainError(
                _("Enter at most %(n)d names, each once.") % {"n": self.most},
                code="bad_policy_value",
                field="value",
            )
        return cleaned

    def show(self, value: Any) -> str:
        return NAME_SEPARATOR.join(map(str, value)) if isinstance(value, list) else str(value)


class names_from(names):  # noqa: N801
    """Names out of a fixed list (``allowed``), each once and in the list's order: the levels
    of a chain that runs one way (队长、乡镇、县)."""

    def __init__(self, allowed: tuple[str, ...]) -> None:
        super().__init__(len(allowed))
        self.allowed = allowed

    def __call__(self, raw: Any) -> list[str]:
        cleaned = super().__call__(raw)
        if any(name not in self.allowed for name in cleaned) or cleaned != sorted(
            cleaned, key=self.allowed.index
        ):
            raise DomainError(
                _("Choose from %(names)s, in that order.")
                % {"names": NAME_SEPARATOR.join(self.allowed)},
                code="bad_policy_value",
                field="value",
            )
        return cleaned


class whole_numbers(Kind):  # noqa: N801
    """Whole numbers from ``minimum`` to ``maximum``, at most ``most`` of them, each larger
    than the one before; given as a list or as text separated by 、 , ， ; and shown joined
    by 、 (1、3)."""

    def __init__(self, most: int, minimum: int, maximum: int) -> None:
        self.most, self.minimum, self.maximum = most, minimum, maximum

    def __call__(self, raw: Any) -> list[int]:
        parts = raw if isinstance(raw, list) else re.split(r"[、,，;；\s]+", str(raw or ""))
        texts = [str(part).strip() for part in parts if str(part).strip()]
        numbers = [integer(self.minimum, self.maximum)(text) for text in texts]
        if not numbers or len(numbers) > self.most:
            raise DomainError(
                _("Enter one to %(n)d numbers.") % {"n": self.most},
                code="bad_policy_value",
                field="value",
            )
        if any(later <= earlier for earlier, later in zip(numbers, numbers[1:], strict=False)):
            raise DomainError(
                _("Enter each number larger than the one before."),
                code="bad_policy_value",
                field="value",
            )
        return numbers

    def show(self, value: Any) -> str:
        return NAME_SEPARATOR.join(map(str, value)) if isinstance(value, list) else str(value)


class YesOrNo(Kind):
    """是 or 否 (yes or no, true or false, 1 or 0); shown as 是/否 in Chinese, yes/no in English."""

    def __call__(self, raw: Any) -> bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in {"是", "yes", "true", "1", "y"}:
            return True
        if text in {"否", "no", "false", "0", "n"}:
            return False
        raise DomainError(_("Enter 是 (yes) or 否 (no)."), code="bad_policy_value", field="value")

    def show(self, value: Any) -> str:
        return str(_("yes") if value else _("no"))


yes_or_no = YesOrNo()


class FixedDaysKind(Kind):
    """Fixed days as offices write them (每周四, 每月第1、3个周四, 无), kept and shown so."""

    def __call__(self, raw: Any) -> str:
        return FixedDays.from_text(raw).text

    def show(self, value: Any) -> str:
        return str(value)


fixed_days = FixedDaysKind()

# The levels that approve a member's leave, in the one order a request climbs them: the team
# leader (队长), the township office (乡镇), the county office (县).
LEAVE_APPROVERS = ("队长", "乡镇", "县")


REGISTRY: dict[str, PolicyKey] = {
    spec.key: spec
    for spec in [
        PolicyKey(
            "auth.lockout_failures",
            _("Failed logins before lockout"),
            _("An account is locked after this many wrong passwords in a row."),
            5,
            integer(3, 20),
        ),
        PolicyKey(
            "auth.lockout_minutes",
            _("Lockout duration (minutes)"),
            _("How long a locked account stays locked."),
            15,
            integer(1, 24 * 60),
        ),
        PolicyKey(
            "auth.session_idle_minutes",
            _("Sign-out after inactivity (minutes)"),
            _("A session ends after this long without any request."),
            30,
            integer(5, 12 * 60),
        ),
        PolicyKey(
            "privacy.id_shown_head",
            _("ID number: characters shown at the start"),
            _("Lists and documents show this many leading characters of an ID number."),
            4,
            integer(0, 6),
        ),
        PolicyKey(
            "privacy.id_shown_tail",
            _("ID number: characters shown at the end"),
            _("Lists and documents show this many trailing characters of an ID number."),
            2,
            integer(0, 4),
        ),
        PolicyKey(
            "visits.min_per_month",
            _("Minimum home visits per household per month"),
            _("Each paired household must be visited at least this many times a month."),
            4,
            integer(0, 31),
        ),
        PolicyKey(
            "visits.fixed_days",
            _("Fixed assistance days"),
            _(
                "The days helpers visit their households (帮扶日): 每周四 for every Thursday, "
                "每月第1、3个周四 for the 1st and 3rd Thursday of each month, 无 for none."
            ),
            "无",
            fixed_days,
        ),
        PolicyKey(
            "visits.fixed_day_moves_off_holidays",
            _("A fixed day on a public holiday moves to the next working day"),
            _("是: the visit day moves to the next working day (调休 days count); 否: it stays."),
            True,
            yes_or_no,
        ),
        PolicyKey(
            "visits.max_distance_m",
            _("Visit flagged when saved farther than this from the household (metres)"),
            _(
                "A home visit saved farther than this from the household's recorded position is "
                "flagged for inspectors; it is never refused."
            ),
            500,
            integer(50, 100_000),
        ),
        PolicyKey(
            "visits.max_travel_kmh",
            _("Visits flagged when one helper would have travelled faster than this (km/h)"),
            _(
                "Two visits of one helper whose positions and times imply a faster journey "
                "than this are flagged."
            ),
            60,
            integer(5, 1000),
        ),
        PolicyKey(
            "visits.late_entry_days",
            _("Visit flagged when logged this many days after it took place"),
            _("A visit entered long after the day it claims is flagged for inspectors."),
            3,
            integer(1, 60),
        ),
        PolicyKey(
            "pairing.max_households_per_helper",
            _("Most households one helper may hold"),
            _("A helper is not paired with more households than this at once (帮扶户数上限)."),
            5,
            integer(1, 50),
        ),
        PolicyKey(
            "pairing.responsibility_levels",
            _("Who answers for a household, level by level"),
            _(
                "The chain of responsibility configured for each village and shown on every "
                "household's page (seed 001's 7+1); names separated by 、. The pair helper "
                "comes from the pairings and is always last."
            ),
            ["包村单位", "乡镇包抓单位", "包片领导", "包村领导", "村民小组长", "组内党员"],
            names(12),
        ),
        PolicyKey(
            "reports.max_months",
            _("Longest period a dashboard or report covers (months)"),
            _(
                "A longer range asked for is cut to its last months. Each month adds to what "
                "a page reads, so this bounds the cost of every dashboard and report."
            ),
            24,
            integer(1, 60),
        ),
        PolicyKey(
            "teams.residence_days_min",
            _("Minimum residence days per month for work teams"),
            _("Village-resident work team members must live in the village this many days."),
            20,
            integer(0, 31),
        ),
        PolicyKey(
            "teams.official_business_counts",
            _("Official business away counts as residence"),
            _("Whether a day away on official business (公出) counts towards residence days."),
            True,
            yes_or_no,
        ),
        PolicyKey(
            "teams.leave_counts",
            _("Approved leave counts as residence"),
            _("Whether a day of approved leave counts towards residence days."),
            False,
            yes_or_no,
        ),
        PolicyKey(
            "teams.max_distance_m",
            _("Check-in flagged when farther than this from the team's residence (metres)"),
            _(
                "A check-in saved farther than this from where the team lives in the village is "
                "flagged for inspectors; it is never refused."
            ),
            1000,
            integer(50, 100_000),
        ),
        PolicyKey(
            "teams.leave_approvers",
            _("Who approves leave, in order"),
            _(
                "The levels a leave request goes through, in order, from 队长 (the team leader), "
                "乡镇 (the township office) and 县 (the county office)."
            ),
            list(LEAVE_APPROVERS),
            names_from(LEAVE_APPROVERS),
        ),
        PolicyKey(
            "teams.leave_days_per_level",
            _("Longest leave each level approves alone (days)"),
            _(
                "Leave of up to the first number of days needs only the first approver, up to "
                "the second the first two, and longer leave all of them; for example 1、3."
            ),
            [1, 3],
            whole_numbers(2, 1, 365),
        ),
        PolicyKey(
            "teams.leave_max_days_per_request",
            _("Longest leave in one request (days)"),
            _("A request for more days than this is refused."),
            10,
            integer(1, 365),
        ),
        PolicyKey(
            "teams.leave_max_days_per_year",
            _("Most leave days a member takes in a year"),
            _(
                "A request that would take a member's approved leave in the year past this is "
                "refused."
            ),
            30,
            integer(0, 365),
        ),
        PolicyKey(
            "teams.leave_backdate_days",
            _("How many days back leave may be asked for"),
            _("A leave request may start at most this many days before the day it is made."),
            3,
            integer(0, 31),
        ),
        PolicyKey(
            "teams.remind_days_before_month_end",
            _("Remind members short of residence days this many days before the month ends"),
            _(
                "On each of the month's last days up to this many, a member behind the pace of "
                "their residence days is reminded once a day; 0 sends no reminders."
            ),
            7,
            integer(0, 31),
        ),
        # health
        PolicyKey(
            "health.checkup_excludes_away_for_work",
            _("Members away for work are left out of the check-up rate"),
            _(
                "Whether members whose work status is one of those named as away for work are "
                "left out of the members counted for the check-up rate (体检率); each one left "
                "out is listed with the reason."
            ),
            True,
            yes_or_no,
        ),
        PolicyKey(
            "health.away_for_work_statuses",
            _("Work statuses that mean away for work"),
            _("A member's work status (务工状况) written as one of these counts as away for work."),
            ["外出务工", "省外务工", "县外务工"],
            names(12),
        ),
        # monitoring (防止返贫动态监测和帮扶)
        PolicyKey(
            "monitoring.verify_days",
            _("Days to verify an alert"),
            _(
                "An alert about a household (预警) is to be verified (核实) and closed within "
                "this many days of being raised; later ones are listed as overdue."
            ),
            7,
            integer(1, 90),
        ),
        PolicyKey(
            "monitoring.identify_days",
            _("Days to identify a monitored household"),
            _(
                "An identification (识别), from the application to the county's decision, is to "
                "be done within this many days; later ones are listed as late."
            ),
            15,
            integer(1, 180),
        ),
        PolicyKey(
            "monitoring.notice_days",
            _("Days of the village's public notice"),
            _(
                "The village posts its review of a household (公示) for this many days; the "
                "township reviews once the notice is over."
            ),
            5,
            integer(1, 30),
        ),
        PolicyKey(
            "monitoring.self_report_per_phone_day",
            _("Self-reports a day from one phone number"),
            _(
                "The public self-report page (农户自主申报) takes at most this many reports a "
                "calendar day from one phone number; more are refused and nothing is stored."
            ),
            3,
            integer(1, 50),
        ),
        PolicyKey(
            "monitoring.self_report_per_address_hour",
            _("Self-reports an hour from one network address"),
            _(
                "The public self-report page takes at most this many reports within an hour "
                "from one network address (a shared village computer sends several); more are "
                "refused and nothing is stored."
            ),
            10,
            integer(1, 500),
        ),
        PolicyKey(
            "monitoring.income_line",
            _("Per-capita yearly income line of monitoring (监测收入线)"),
            _(
                "A household whose per-capita yearly net income is below this many yuan is at "
                "risk (防止返贫监测线: 6,000 in 2021; since 2022 each province sets its own each "
                "year); risk clearing needs income checks above it for the stable months."
            ),
            6000,
            integer(0, 100000),
        ),
        PolicyKey(
            "monitoring.stable_months",
            _("Months of stable income before the risk is cleared"),
            _(
                "Risk clearing (风险消除) needs income checks (收入核查) above the monitoring "
                "line without a break from a first check to one at least this many calendar "
                "months later."
            ),
            6,
            integer(1, 36),
        ),
        PolicyKey(
            "monitoring.exit_income_line",
            _("Per-capita yearly income line of exit from poverty (贫困线)"),
            _(
                "Exit verification (脱贫退出) needs the latest income check above this many yuan "
                "a person a year: 4,000 in 2020, the national standard (2,300 at 2010 prices) "
                "at that year's prices."
            ),
            4000,
            integer(0, 100000),
        ),
        PolicyKey(
            "monitoring.clearing_medical_cost",
            _("Out-of-pocket medical costs that keep a risk open"),
            _(
                "Risk clearing needs every member's medical costs paid out of pocket (total less "
                "what was reimbursed) in this year and the last at most this many yuan a year."
            ),
            10000,
            integer(0, 10000000),
        ),
        PolicyKey(
            "monitoring.school_age_from",
            _("Compulsory school age from"),
            _(
                "Members from this age (in full years) up to the age below are of compulsory "
                "school age: clearing and exit need them in school."
            ),
            6,
            integer(3, 20),
        ),
        PolicyKey(
            "monitoring.school_age_until",
            _("Compulsory school age until"),
            _("Members up to this age (in full years, included) are of compulsory school age."),
            15,
            integer(3, 20),
        ),
        PolicyKey(
            "monitoring.clearing_days",
            _("Days to clear a household's risk"),
            _(
                "A risk clearing (风险消除), from its start to the county's decision, is to be "
                "done within this many days; later ones are listed as late."
            ),
            30,
            integer(1, 180),
        ),
        PolicyKey(
            "monitoring.exit_days",
            _("Days to verify a household's exit"),
            _(
                "An exit verification (脱贫退出), from its start to the county's decision, is to "
                "be done within this many days; later ones are listed as late."
            ),
            30,
            integer(1, 180),
        ),
        PolicyKey(
            "monitoring.able_to_work_labour",
            _("Labour abilities that count as able to work"),
            _(
                "A monitored household with a member (not left) whose labour ability (劳动能力, "
                "the code list's codes) is one of these is able to work: it needs a "
                "developmental measure; one with none is tracked under social security (兜底)."
            ),
            [1, 2, 3],
            whole_numbers(20, 1, 99),
        ),
        PolicyKey(
            "monitoring.developmental_measure_kinds",
            _("Kinds of measure that are developmental"),
            _(
                "The kinds of plan measure (帮扶措施, the code list's codes) that count as "
                "developmental (开发式帮扶: 1 产业, 2 就业); a monitored household able to work "
                "without one (dropped measures aside) is red."
            ),
            [1, 2],
            whole_numbers(20, 1, 99),
        ),
        PolicyKey(
            "monitoring.count_working_days",
            _("Monitoring deadlines count working days"),
            _(
                "是: the days to verify, to identify and of the notice are working days (public "
                "holidays skipped, make-up working days counted); 否: calendar days."
            ),
            False,
            yes_or_no,
        ),
        # The early-warning rules (预警规则) on departments' data: each rule a switch, whose
        # help is the rule's one definition (``monitoring.rules`` shows it), and its numbers.
        PolicyKey(
            "monitoring.income_drop_share",
            _("Income fall that raises an alert (percent)"),
            _(
                "A household whose per-capita net income fell by more than this percentage "
                "from the year before is at risk."
            ),
            30,
            integer(1, 100),
        ),
        PolicyKey(
            "monitoring.medical_cost_threshold",
            _("Medical costs paid by a household that raise an alert (yuan a year)"),
            _(
                "A household whose members paid more than this much of their medical costs "
                "themselves in a year (what insurance and assistance did not reimburse) is at "
                "risk."
            ),
            10000,
            integer(0, 10_000_000),
        ),
        PolicyKey(
            "monitoring.medical_cost_share",
            _("Medical costs as a share of income that raise an alert (percent)"),
            _(
                "A household whose members paid more than this percentage of the household's "
                "net income of the year in medical costs themselves is at risk."
            ),
            50,
            integer(1, 1000),
        ),
        PolicyKey(
            "monitoring.lookback_days",
            _("Days a department's record raises alerts"),
            _(
                "A new disability certificate, a pupil out of school, housing classed unsafe or "
                "a job lost raises an alert when its day lies within this many days before the "
                "rules run."
            ),
            90,
            integer(1, 730),
        ),
        PolicyKey(
            "monitoring.disaster_days",
            _("Days a disaster raises alerts"),
            _(
                "A disaster in a household's village or township raises an alert when its day "
                "lies within this many days before the rules run."
            ),
            30,
            integer(1, 365),
        ),
        *(
            PolicyKey(f"monitoring.rule_{code}", label, definition, True, yes_or_no)
            for code, label, definition in (
                (
                    "income_low",
                    _("Rule: income below the line"),
                    _(
                        "Fires when the household's per-capita net income of its latest year "
                        "on record is below the monitoring income line."
                    ),
                ),
                (
                    "income_drop",
                    _("Rule: income fell"),
                    _(
                        "Fires when the household's per-capita net income of its latest year "
                        "fell by more than the set percentage from the year before."
                    ),
                ),
                (
                    "medical_cost",
                    _("Rule: large medical costs"),
                    _(
                        "Fires when what the household's members paid themselves for medical "
                        "care in this year or the last (total less reimbursed, from the medical "
                        "insurance bureau's records) is above the set amount, or above the set "
                        "percentage of the household's net income of that year."
                    ),
                ),
                (
                    "disability",
                    _("Rule: new disability"),
                    _(
                        "Fires when a member was issued a disability certificate within the set "
                        "days before the run."
                    ),
                ),
                (
                    "out_of_school",
                    _("Rule: child out of school"),
                    _(
                        "Fires when a member of compulsory-school age (6 to 15 on the day of "
                        "the run) was reported out of school within the set days before the run."
                    ),
                ),
                (
                    "unsafe_housing",
                    _("Rule: housing unsafe"),
                    _(
                        "Fires when the household's housing was classed unsafe (grade C or D) "
                        "within the set days before the run."
                    ),
                ),
                (
                    "disaster",
                    _("Rule: disaster in the place"),
                    _(
                        "Fires for every household of a village or township where a disaster "
                        "was recorded within the set days before the run."
                    ),
                ),
                (
                    "job_loss",
                    _("Rule: main earner lost a job"),
                    _(
                        "Fires when a member able to work (ordinary or skilled labour) lost a "
                        "job within the set days before the run."
                    ),
                ),
            )
        ),
        # The monthly check of the handbook against the national system (账实相符)
        PolicyKey(
            "checks.report_due",
            _("Working days before the month's end that the self-check report is due"),
            _(
                "A village's self-check report (自查报告) of a month is due on the month's "
                "last working day (0), or this many working days before it; public holidays "
                "are skipped and make-up working days count. Later reports are listed as late."
            ),
            0,
            integer(0, 15),
        ),
        PolicyKey(
            "checks.report_remind_days",
            _("Days before the self-check report is due that the village is reminded"),
            _(
                "From this many calendar days before a village's self-check report of the month "
                "is due, its work team's home page says when it is due, until it is submitted "
                "(0: on the day it is due only)."
            ),
            5,
            integer(0, 31),
        ),
        # Village collective income (村集体经济收入), seed 003's targets
        PolicyKey(
            "projects.collective_income_floor",
            _("Yuan a year every village's collective income should reach"),
            _(
                "A village whose collective income of a year (all sources) is below this many "
                "yuan is listed as below target (seed 003: every village at least 50,000)."
            ),
            50000,
            integer(0, 100000000),
        ),
        PolicyKey(
            "projects.collective_income_good",
            _("Yuan a year of a village with a strong collective economy"),
            _(
                "The higher target: a share of the villages (the next rule) should reach this "
                "many yuan of collective income a year (seed 003: half of them 100,000)."
            ),
            100000,
            integer(0, 100000000),
        ),
        PolicyKey(
            "projects.collective_income_good_share",
            _("Percentage of villages that should reach the higher collective income"),
            _(
                "The place meets its target when at least this percentage of its villages reach "
                "the higher collective income of the rule above."
            ),
            50,
            integer(0, 100),
        ),
        # Supervision (督查考评): rectification deadlines, reminders, surveys
        PolicyKey(
            "supervision.rectify_days",
            _("Working days to rectify a finding"),
            _(
                "A finding of an inspection or a survey (督查问题) is to be rectified and closed "
                "within this many working days of the day it was found (public holidays "
                "skipped, make-up working days counted); later ones are listed as overdue."
            ),
            15,
            integer(1, 180),
        ),
        PolicyKey(
            "supervision.remind_days",
            _("Days before a finding's deadline that the unit is reminded"),
            _(
                "From this many calendar days before a finding's deadline, until it is submitted, "
                "the home page of the people of its place who rectify it names it "
                "(0: on the day it is due only)."
            ),
            3,
            integer(0, 60),
        ),
        PolicyKey(
            "supervision.satisfaction_min",
            _("Percentage of households that should be satisfied"),
            _(
                "Household satisfaction (群众满意度): the share of surveyed households answering 4 "
                "or 5 of 5 should be at least this percentage (seed 004: 95%)."
            ),
            95,
            integer(0, 100),
        ),
        PolicyKey(
            "supervision.visit_gap",
            _("Home visits a household may forget before its answer is a finding"),
            _(
                "A survey answer counting fewer home visits in the month than are logged for the "
                "household by at least this many becomes a finding (records false), naming both "
                "figures: a household saying it was never visited while four visits are logged."
            ),
            2,
            integer(1, 31),
        ),
    ]
}


def spec_for(key: str) -> PolicyKey:
    try:
        return REGISTRY[key]
    except KeyError:
        raise DomainError(
            _("There is no rule named %(key)s.") % {"key": key},
            code="unknown_policy",
            field="key",
        ) from None


@dataclass(frozen=True)
class Effective:
    """The value in force, and where it comes from (None: the registry default)."""

    spec: PolicyKey
    value: Any
    region_code: str | None
    valid_from: datetime.date | None


def effective_policies(
    region_code: str, keys: list[str] | None = None, on: datetime.date | None = None
) -> dict[str, Effective]:
    """The values in force at a place on a day for ``keys`` (default: every rule), in one query."""
    specs = [spec_for(key) for key in keys] if keys is not None else list(REGISTRY.values())
    on = on or timezone.localdate()
    return _in_force(_values_set(region_code, specs, until=on), specs, on)


def policies_everywhere(keys: list[str]) -> Callable[[str, datetime.date], dict[str, Effective]]:
    """Every value ever set for ``keys``, on any place, read in one query: answers
    ``effective_policies`` for any place and day without another. Rules are set on few places
    (a province, its counties, some townships), so this is a small read, where a page over a
    province's ten thousand villages asked once a village and month before."""
    specs = [spec_for(key) for key in keys]
    rows = list(_values_set(None, specs, until=None))
    setting = {row["region_id"] for row in rows}
    answered: dict[tuple[tuple[str, ...], datetime.date], dict[str, Effective]] = {}

    def answer(region_code: str, on: datetime.date) -> dict[str, Effective]:
        # Places under the same rule-setting places share one answer.
        above = tuple(code for code in ancestor_codes(region_code) if code in setting)
        if (above, on) not in answered:
            mine = [row for row in rows if row["region_id"] in above]
            answered[above, on] = _in_force(mine, specs, on)
        return answered[above, on]

    return answer


def _values_set(region_code: str | None, specs: list[PolicyKey], until: datetime.date | None):
    """The values set for ``specs`` at the place and above (None: at every place), valid
    from ``until`` or earlier, deepest place first, then latest first: the first of a key in
    force on a day holds."""
    from .models import Policy

    rows = Policy.objects.filter(key__in=[spec.key for spec in specs])
    if region_code is not None:
        rows = rows.filter(region_id__in=ancestor_codes(region_code))
    if until is not None:
        rows = rows.filter(valid_from__lte=until)
    return rows.order_by("key", "-region__level", "-valid_from").values(
        "key", "value", "region_id", "valid_from"
    )


def _in_force(rows, specs: list[PolicyKey], on: datetime.date) -> dict[str, Effective]:
    found: dict[str, Effective] = {}
    for row in rows:
        if row["key"] not in found and row["valid_from"] <= on:
            spec = REGISTRY[row["key"]]
            found[row["key"]] = Effective(
                spec, spec.parse(row["value"]), row["region_id"], row["valid_from"]
            )
    return {
        spec.key: found.get(spec.key, Effective(spec, spec.default, None, None)) for spec in specs
    }


def by_place(keys: list[str], field: str, on: datetime.date, build: Callable[[dict], Any]) -> Any:
    """A query condition on records under places whose rules differ: ``build`` turns the
    values of ``keys`` in force on ``on`` (a dict key → value) into a condition, and the
    answer holds, for the records whose ``field`` (a place code) lies under each place that
    sets one of the keys, that place's condition (the deepest such place wins), and the
    defaults' elsewhere. Rules are set on few places, so this is a few range conditions in
    one query, whatever the number of records."""
    from django.db.models import Q

    from .models import Region

    specs = [spec_for(key) for key in keys]
    rows = list(_values_set(None, specs, until=on))
    levels = dict(
        Region.objects.filter(code__in={row["region_id"] for row in rows}).values_list(
            "code", "level"
        )
    )

    def under(code: str) -> Q:
        lo, hi = code_range(code, levels[code])
        return Q(**{f"{field}__gte": lo, f"{field}__lt": hi})

    def values_at(code: str | None) -> dict:
        above = set(ancestor_codes(code)) if code else set()
        mine = [row for row in rows if row["region_id"] in above]
        return {key: found.value for key, found in _in_force(mine, specs, on).items()}

    def inside(code: str, above: str) -> bool:
        lo, hi = code_range(above, levels[above])
        return code != above and lo <= code < hi

    condition = build(values_at(None))
    for code in levels:
        condition &= ~under(code)
    for code in levels:
        here = under(code) & build(values_at(code))
        for deeper in levels:
            if inside(deeper, code):
                here &= ~under(deeper)
        condition |= here
    return condition


def effective_policy(region_code: str, key: str, on: datetime.date | None = None) -> Effective:
    return effective_policies(region_code, [key], on)[key]


def places_setting(keys: list[str]) -> set[str]:
    """The places that set a value of any of ``keys`` (on any day): one small query."""
    from .models import Policy

    return set(Policy.objects.filter(key__in=keys).values_list("region_id", flat=True))


def rule_place(code: str, ruled: set[str]) -> str:
    """The nearest place at or above ``code`` among ``ruled`` (those setting a rule), or its
    province where the defaults hold: nothing between it and ``code`` sets the rule, so its
    values are those of every place under it, on every day."""
    chain = ancestor_codes(code)
    return next((c for c in reversed(chain) if c in ruled), chain[0])


def policy_for(region_code: str, key: str, on: datetime.date | None = None) -> Any:
    """The value of rule ``key`` for the place ``region_code`` on day ``on`` (default: today)."""
    return effective_policy(region_code, key, on).value
