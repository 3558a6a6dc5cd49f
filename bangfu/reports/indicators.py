"""The indicators (指标) leaders read, named once: what each is, how it is counted, in what unit.

Every figure on the dashboard, in "figures as reported" and in exports is one of these, and
its definition is shown beside it. Later modules (projects, health, supervision) add theirs
to ``INDICATORS`` the same way; ``reports.selectors.Figures`` computes the values.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str | Promise
    definition: str | Promise
    formula: str | Promise
    unit: str | Promise
    counts: str | Promise  # the records it is counted from
    flow: bool = False  # counted over the period (visits…) rather than as it stands (households…)


INDICATORS: dict[str, Indicator] = {
    i.key: i
    for i in [
        Indicator(
            "households",
            _("Registered households"),
            _("Households on the register under the place that are not closed (merged away)."),
            _("count of open households"),
            _("households"),
            _("household records"),
        ),
        Indicator(
            "monitored",
            _("Monitored households"),
            _("Households whose current status is monitored (监测对象), of any monitoring type."),
            _("count of open households with status monitored"),
            _("households"),
            _("household records and their status history"),
        ),
        Indicator(
            "coverage",
            _("Pairing coverage"),
            _(
                "Of the households that need a helper (not yet out, out but under policy, "
                "relapsed, monitored), the share with at least one helper paired now."
            ),
            _("households with a current pairing ÷ households that need a helper"),
            "%",
            _("households and pairings"),
        ),
        Indicator(
            "helpers",
            _("Helpers in post"),
            _(
                "Helpers (帮扶干部) paired now with at least one open household under the place, "
                "wherever their own unit is. One who serves households in two villages counts "
                "once in each, and once in the township above both."
            ),
            _("count of distinct helpers with a current pairing to a household here"),
            _("people"),
            _("pairings"),
        ),
        Indicator(
            "visits",
            _("Visits"),
            _("Every visit logged in the period: home visits, phone calls and online contacts."),
            _("count of visits dated in the period"),
            _("visits (户次)"),
            _("visit logs, through the month roll-ups"),
            flow=True,
        ),
        Indicator(
            "home_visits",
            _("Home visits"),
            _("Visits made at the household (入户) in the period."),
            _("count of visits of kind home visit"),
            _("visits (户次)"),
            _("visit logs, through the month roll-ups"),
            flow=True,
        ),
        Indicator(
            "compliance",
            _("Visit compliance"),
            _(
                "Of the paired households a visit schedule applies to, the share that had at "
                "least the minimum home visits in the period's last month (its rule as of the "
                "month's first day); for the current month, the share on schedule so far."
            ),
            _("households not behind ÷ paired households that need a helper"),
            "%",
            _("month roll-ups, pairings and each place's rules"),
        ),
        Indicator(
            "behind",
            _("Households behind schedule"),
            _(
                "Paired households with fewer home visits than expected by the day judged: one "
                "per fixed day passed up to the minimum, or the minimum spread over the month."
            ),
            _("count of paired households with home visits < expected"),
            _("households"),
            _("month roll-ups, pairings and each place's rules"),
        ),
        Indicator(
            "problems_found",
            _("Problems found"),
            _("Difficulties recorded on visits in the period, each a follow-up task."),
            _("count of follow-ups found in the period"),
            _("cases (件次)"),
            _("follow-up tasks, through the month roll-ups"),
            flow=True,
        ),
        Indicator(
            "problems_solved",
            _("Problems solved"),
            _("Follow-up tasks closed as solved in the period (帮助解决实际困难)."),
            _("count of follow-ups solved in the period"),
            _("cases (件次)"),
            _("follow-up tasks, through the month roll-ups"),
            flow=True,
        ),
        Indicator(
            "jobs_found",
            _("Jobs found"),
            _("People helped into work, as logged on visits in the period (帮助安置就业)."),
            _("sum of jobs found on visits"),
            _("people"),
            _("visit logs, through the month roll-ups"),
            flow=True,
        ),
        Indicator(
            "goods_value",
            _("Goods given"),
            _("Goods given on visits in the period, at the value the helper logged."),
            _("sum of goods given (yuan)"),
            _("yuan"),
            _("visit logs, through the month roll-ups"),
            flow=True,
        ),
        Indicator(
            "money_value",
            _("Money given"),
            _("Money given on visits in the period."),
            _("sum of money given (yuan)"),
            _("yuan"),
            _("visit logs, through the month roll-ups"),
            flow=True,
        ),
    ]
}
