"""The indicators (指标) leaders read, named once: what each is, how it is counted, in what unit.

Every figure on the dashboard, in "figures as reported" and in exports is one of these, and
its definition is shown beside it. Later modules (projects, health, supervision) add theirs
to ``INDICATORS`` the same way; ``reports.selectors.Figures`` computes the values.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bangfu.supervision.selectors.figures import DEFINITIONS as SUPERVISION


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str | Promise
    definition: str | Promise
    formula: str | Promise
    unit: str | Promise
    counts: str | Promise  # the records it is counted from
    flow: bool = False  # counted over the period (visits…) rather than as it stands (households…)
    block: str = ""  # the dashboard's block of figures it stands in ("" the first; see BLOCKS)


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
        # Resident work teams (驻村工作队): as they stand on the period's last day (today while
        # it runs), residence judged in its last month.
        Indicator(
            "teams",
            _("Resident work teams in post"),
            _(
                "Teams stationed in villages under the place whose term covers the day judged: "
                "the period's last day, or today while it runs."
            ),
            _("count of teams with term start ≤ day ≤ term end"),
            _("teams"),
            _("teams"),
            block="teams",
        ),
        Indicator(
            "team_leaders",
            _("Team leaders in post"),
            _("Members in the role 队长 whose own term covers the day judged."),
            _("count of members of role 队长 in post"),
            _("people"),
            _("team members' terms"),
            block="teams",
        ),
        Indicator(
            "first_secretaries",
            _("First secretaries in post"),
            _("Members in the role 第一书记 whose own term covers the day judged."),
            _("count of members of role 第一书记 in post"),
            _("people"),
            _("team members' terms"),
            block="teams",
        ),
        Indicator(
            "liaisons",
            _("Liaisons in post"),
            _("Members in the role 联络员 whose own term covers the day judged."),
            _("count of members of role 联络员 in post"),
            _("people"),
            _("team members' terms"),
            block="teams",
        ),
        Indicator(
            "team_members",
            _("Team members in post"),
            _(
                "Members in the role 队员 whose own term covers the day judged (other roles of "
                "the code list are counted in none of these four)."
            ),
            _("count of members of role 队员 in post"),
            _("people"),
            _("team members' terms"),
            block="teams",
        ),
        Indicator(
            "residence_compliance",
            _("Residence compliance"),
            _(
                "Of the members in post from the first day of the period's last month to the "
                "day judged, the share whose days counted reach what is expected: the minimum "
                "residence days for a month that is over, judged at its end; for the current "
                "month, the minimum spread over the month so far. Days counted are days in the "
                "village, with days away on official business and days of approved leave where "
                "the rules say they count (the rules of the team's place on the month's first "
                "day); the register kept by hand says what a day was, over leave and check-ins."
            ),
            _("members with days counted ≥ expected ÷ members judged"),
            "%",
            _("members' month roll-ups (check-ins, register, leave) and each place's rules"),
            block="teams",
        ),
        Indicator(
            "members_short",
            _("Members short of residence days"),
            _("Members judged in the period's last month whose days counted fall short."),
            _("members judged − members with days counted ≥ expected"),
            _("people"),
            _("members' month roll-ups and each place's rules"),
            block="teams",
        ),
        Indicator(
            "leave_days",
            _("Leave days"),
            _(
                "Days of approved leave of team members in the period (approved leave later in "
                "the current month included), a day the register says otherwise left out."
            ),
            _("sum of days on approved leave"),
            _("days"),
            _("leave requests, through the members' month roll-ups"),
            flow=True,
            block="teams",
        ),
        Indicator(
            "meetings",
            _("Team meetings held"),
            _("Meetings of the teams (驻村例会) held in the period."),
            _("count of meetings dated in the period"),
            _("meetings"),
            _("team meetings"),
            flow=True,
            block="teams",
        ),
        Indicator(
            "tasks_overdue",
            _("Meeting tasks overdue"),
            _(
                "Tasks decided at team meetings, not done, whose due day is before the day "
                "judged (counted from the tasks open now)."
            ),
            _("count of open tasks with due day < day judged"),
            _("tasks"),
            _("meeting tasks"),
            block="teams",
        ),
        # Health assistance (健康帮扶): members as they stand on the day judged (the period's
        # last day, or today while it runs), follow-ups and activities over the period. The
        # same definitions as the health pages' (``health.selectors``), counted from the place
        # roll-ups.
        Indicator(
            "signing_rate",
            _("Family-doctor signing rate"),
            _(
                "Of the members in the registry on the day judged (not left, in a household "
                "not closed), the share with a family-doctor contract valid that day (signed "
                "on or before it, valid until it or later); a renewal continues the contract."
            ),
            _("members with a valid contract ÷ members in the registry"),
            "%",
            _("members and their family-doctor contracts"),
            block="health",
        ),
        Indicator(
            "unsigned",
            _("Members without a family doctor"),
            _(
                "Members in the registry on the day judged with no contract valid that day: "
                "the list of members without a valid contract names them."
            ),
            _("members in the registry − members with a valid contract"),
            _("people"),
            _("members and their family-doctor contracts"),
            block="health",
        ),
        Indicator(
            "checkup_rate",
            _("Check-up rate"),
            _(
                "Of the members of registered households on the day judged, less those the "
                "check-up rules of their household's place leave out that day (where the rule "
                "“Members away for work are left out of the check-up rate” says yes, those "
                "whose work status is one of the rule “Work statuses that mean away for "
                "work”), the share with at least one check-up from "
                "1 January of that year to that day. The check-up rate's page names every "
                "member left out, so that the figure can be counted again by hand."
            ),
            _("members counted with a check-up this year ÷ members counted"),
            "%",
            _("members, their work status, check-ups and each place's rules"),
            block="health",
        ),
        Indicator(
            "checked",
            _("Members checked up"),
            _(
                "Members the check-up rate counts who had a check-up from 1 January of the "
                "judged day's year to that day."
            ),
            _("count of members counted with a check-up this year"),
            _("people"),
            _("members and their check-ups"),
            block="health",
        ),
        Indicator(
            "members_ill",
            _("Members with chronic or serious illness"),
            _(
                "Members in the registry on the day judged with a chronic or serious illness "
                "diagnosed by then (each member once, whatever their illnesses)."
            ),
            _("count of members in the registry with an illness diagnosed by the day"),
            _("people"),
            _("members and their illnesses"),
            block="health",
        ),
        Indicator(
            "follow_ups_done",
            _("Follow-ups done"),
            _("Follow-up visits (随访) to members with an illness held in the period."),
            _("count of follow-ups held in the period"),
            _("visits (人次)"),
            _("follow-ups, through the month roll-ups"),
            flow=True,
            block="health",
        ),
        Indicator(
            "follow_ups_due",
            _("Follow-ups due"),
            _(
                "Follow-ups falling due in the period: an illness's first on the day it was "
                "diagnosed, then each follow-up's next due day."
            ),
            _("count of due days in the period"),
            _("visits (人次)"),
            _("illnesses and follow-ups, through the month roll-ups"),
            flow=True,
            block="health",
        ),
        Indicator(
            "follow_ups_overdue",
            _("Follow-ups overdue"),
            _(
                "Illnesses of members in the registry whose follow-up was due before the day "
                "judged and has not been done (counted from the follow-ups held now): due on "
                "the latest follow-up's next due day, or, never followed up, on the day of "
                "diagnosis."
            ),
            _("count of illnesses with due day < day judged"),
            _("illnesses"),
            _("illnesses and follow-ups"),
            block="health",
        ),
        Indicator(
            "health_activities",
            _("Health activities"),
            _("Clinic days, free clinics (义诊) and health-bus visits held in the period."),
            _("count of health activities held in the period"),
            _("activities"),
            _("health activities, through the month roll-ups"),
            flow=True,
            block="health",
        ),
        Indicator(
            "people_served",
            _("People served by health activities"),
            _("People the health activities of the period served, as their organisers gave."),
            _("sum of people served"),
            _("people (人次)"),
            _("health activities, through the month roll-ups"),
            flow=True,
            block="health",
        ),
        # Household plans (一户一策): as they stand, measures overdue on the day judged.
        Indicator(
            "households_with_plan",
            _("Households with a plan"),
            _(
                "Open households under the place with at least one measure on their plan "
                "(measures dropped aside)."
            ),
            _("count of open households with a measure not dropped"),
            _("households"),
            _("households and their measures"),
            block="plans",
        ),
        Indicator(
            "measures",
            _("Measures on the plans"),
            _(
                "Measures (帮扶措施) on the plans of households under the place, planned, under "
                "way or done (dropped ones aside); by kind in the table below."
            ),
            _("count of measures not dropped"),
            _("measures"),
            _("measures"),
            block="plans",
        ),
        Indicator(
            "measures_overdue",
            _("Measures overdue"),
            _(
                "Measures planned or under way whose due day is before the day judged "
                "(counted from the measures as they stand now)."
            ),
            _("count of open measures with due day < day judged"),
            _("measures"),
            _("measures"),
            block="plans",
        ),
        # Relapse-prevention monitoring (防止返贫监测): alerts and procedures over the period
        # (dated by the day each record names), what stands open or is overdue on the day
        # judged, and the rule of assistance as it stands (``monitoring.selectors``).
        Indicator(
            "alerts_raised",
            _("Alerts raised"),
            _(
                "Alerts (预警) raised about households under the place in the period, from "
                "departments' data by rule, self-reports and cadres' screening; by source and "
                "by rule in the table below."
            ),
            _("count of alerts whose day raised is in the period"),
            _("alerts"),
            _("alerts"),
            flow=True,
            block="monitoring",
        ),
        Indicator(
            "alerts_verified",
            _("Alerts verified"),
            _(
                "Alerts closed in the period with an outcome (not at risk, or identification "
                "started)."
            ),
            _("count of alerts whose closing day is in the period"),
            _("alerts"),
            _("alerts"),
            flow=True,
            block="monitoring",
        ),
        Indicator(
            "alerts_on_time",
            _("Alerts verified on time"),
            _(
                "Of the alerts closed in the period, those closed on or before the day they "
                "were to be verified by (the rule “Days to verify an alert”)."
            ),
            _("count of alerts closed in the period with closing day ≤ day due"),
            _("alerts"),
            _("alerts"),
            flow=True,
            block="monitoring",
        ),
        Indicator(
            "alerts_on_time_rate",
            _("Alerts verified on time (rate)"),
            _("The share of the alerts closed in the period that were closed on time."),
            _("alerts verified on time ÷ alerts verified"),
            "%",
            _("alerts"),
            flow=True,
            block="monitoring",
        ),
        Indicator(
            "alerts_open",
            _("Alerts awaiting verification"),
            _("Alerts under the place open now."),
            _("count of open alerts"),
            _("alerts"),
            _("alerts"),
            block="monitoring",
        ),
        Indicator(
            "alerts_overdue",
            _("Alerts overdue"),
            _(
                "Alerts open now whose day to be verified by is before the day judged (counted "
                "from the alerts as they stand now)."
            ),
            _("count of open alerts with day due < day judged"),
            _("alerts"),
            _("alerts"),
            block="monitoring",
        ),
        Indicator(
            "households_identified",
            _("Households identified"),
            _(
                "Households that the county decided in the period to be monitored households "
                "(an identification passed); by monitoring type and by risk type in the "
                "tables below (a household may have several risk types)."
            ),
            _("count of identifications passed with decision day in the period"),
            _("households"),
            _("identification procedures"),
            flow=True,
            block="monitoring",
        ),
        Indicator(
            "decision_days_average",
            _("Days from alert to decision (average)"),
            _(
                "For the identifications decided in the period: calendar days from the first "
                "alert that led to it (or its start, without one) to the county's decision."
            ),
            _("sum of days ÷ identifications decided in the period"),
            _("days"),
            _("identification procedures and their alerts"),
            flow=True,
            block="monitoring",
        ),
        Indicator(
            "decision_days_median",
            _("Days from alert to decision (median)"),
            _("The middle of the same days: half the decisions took no longer."),
            _("median of the days from alert to decision"),
            _("days"),
            _("identification procedures and their alerts"),
            flow=True,
            block="monitoring",
        ),
        Indicator(
            "monitored_able",
            _("Monitored households able to work"),
            _(
                "Monitored households with a member (not left) whose labour ability the rule "
                "“Labour abilities that count as able to work” counts as able to work."
            ),
            _("count of monitored households with a member able to work"),
            _("households"),
            _("households, members"),
            block="monitoring",
        ),
        Indicator(
            "monitored_developing",
            _("…with a developmental measure"),
            _(
                "Of the monitored households able to work, those with a developmental measure "
                "on their plan (of the kinds the rule “Kinds of measure that are developmental” "
                "names: 产业, 就业 by default; dropped measures aside); the rest are on the list "
                "of households lacking assistance."
            ),
            _("count of those with a developmental measure"),
            _("households"),
            _("households, members and measures"),
            block="monitoring",
        ),
        Indicator(
            "developing_share",
            _("Developmental measures in place"),
            _("The share of monitored households able to work that have a developmental measure."),
            _("with a developmental measure ÷ monitored households able to work"),
            "%",
            _("households, members and measures"),
            block="monitoring",
        ),
        Indicator(
            "social_security",
            _("Tracked under social security"),
            _(
                "Monitored households, and households whose risk is cleared, with no member "
                "able to work: tracked under social security (兜底), they stay tracked."
            ),
            _("count of monitored or risk-cleared households with no member able to work"),
            _("households"),
            _("households, members"),
            block="monitoring",
        ),
        Indicator(
            "risk_cleared",
            _("Risk cleared"),
            _(
                "Households whose risk was cleared (风险消除) in the period: risk-clearing "
                "procedures passed, dated by the county's decision."
            ),
            _("count of risk-clearing procedures passed in the period"),
            _("households"),
            _("risk-clearing procedures"),
            flow=True,
            block="monitoring",
        ),
        Indicator(
            "clearing_rate",
            _("Risk clearing rate"),
            _(
                "Of the households monitored now or whose risk is cleared, the share whose "
                "risk is cleared (风险消除率), by their status now."
            ),
            _("households risk cleared ÷ (monitored + risk cleared)"),
            "%",
            _("household records and their status history"),
            block="monitoring",
        ),
        Indicator(
            "exits_verified",
            _("Exits verified"),
            _(
                "Registered households whose exit from poverty (脱贫退出) was verified in the "
                "period: exit-verification procedures passed, dated by the county's decision."
            ),
            _("count of exit-verification procedures passed in the period"),
            _("households"),
            _("exit-verification procedures"),
            flow=True,
            block="monitoring",
        ),
        # The monthly check of the handbook against the national system (账实相符、账账相符)
        Indicator(
            "differences_found",
            _("Differences found"),
            _(
                "Differences between the handbook (bangfu's records) and the national "
                "system's export, and problems listed from above, found in the period; by "
                "classification and by field in the tables."
            ),
            _("count of differences with the day found in the period"),
            _("differences"),
            _("differences of the monthly check"),
            flow=True,
            block="checks",
        ),
        Indicator(
            "differences_fixed",
            _("Differences fixed"),
            _(
                "Differences closed in the period because the two now agree: the next "
                "snapshot (a system error corrected) or a registry edit (a handbook error)."
            ),
            _("count of differences fixed, by the day closed"),
            _("differences"),
            _("differences of the monthly check"),
            flow=True,
            block="checks",
        ),
        Indicator(
            "differences_closed",
            _("Differences closed by hand"),
            _("Differences closed by hand in the period, each with its reason."),
            _("count of differences closed by hand, by the day closed"),
            _("differences"),
            _("differences of the monthly check"),
            flow=True,
            block="checks",
        ),
        Indicator(
            "differences_open",
            _("Differences open"),
            _(
                "Differences found by the day judged (the period's last day, today while it "
                "runs) and not closed by it."
            ),
            _("count of differences found by the day and not closed by it"),
            _("differences"),
            _("differences of the monthly check"),
            block="checks",
        ),
        Indicator(
            "reports_on_time_rate",
            _("Villages reporting on time"),
            _(
                "Of the villages whose self-check report (自查报告) of the period's last month "
                "is due — the day due past, or the report already in —, the share that "
                "submitted it by the day due (the month's last working day, or as "
                "the place's rule says)."
            ),
            _("villages with the report on time ÷ villages with a report due"),
            "%",
            _("villages and self-check reports"),
            block="checks",
        ),
        Indicator(
            "reports_missing",
            _("Villages' reports missing"),
            _(
                "Villages whose self-check report of the period's last month is not in, "
                "though the day it was due is past."
            ),
            _("villages with a report due − villages that reported"),
            _("villages"),
            _("villages and self-check reports"),
            block="checks",
        ),
        Indicator(
            "match_rate",
            _("Households matching fully (账账相符率)"),
            _(
                "Of the households compared — those of the register and of the county's "
                "latest compared snapshot of the national system —, the share with no open "
                "difference now."
            ),
            _("households compared with no open difference ÷ households compared"),
            "%",
            _("registry, the latest snapshot and its differences"),
            block="checks",
        ),
        # Projects and funds (项目资金): projects of the year judged (the year of the period's
        # last day) as they stand, with their funds, outputs and households; donations and
        # consumption assistance over the period; the villages' collective income of the year.
        Indicator(
            "projects",
            _("Projects of the year"),
            _(
                "Projects of the project library (项目库) under the place whose year is the year "
                "judged (the year of the period's last day), at any stage but cancelled; by "
                "kind and stage in the table below."
            ),
            _("count of projects of the year not cancelled"),
            _("projects"),
            _("projects"),
            block="projects",
        ),
        Indicator(
            "projects_carried_out",
            _("Projects carried out"),
            _("Projects of the year started, completed or accepted (实施项目)."),
            _("count of projects of the year at stage started, completed or accepted"),
            _("projects"),
            _("projects and their steps"),
            block="projects",
        ),
        Indicator(
            "projects_accepted",
            _("Projects accepted"),
            _("Projects of the year that passed their acceptance (验收)."),
            _("count of projects of the year at stage accepted"),
            _("projects"),
            _("projects and their steps"),
            block="projects",
        ),
        Indicator(
            "funds_planned",
            _("Funds planned"),
            _(
                "What the projects of the year not cancelled plan to spend (计划投资), from "
                "every source; by source on the funds summary."
            ),
            _("sum of planned funds of projects of the year not cancelled"),
            _("yuan"),
            _("projects' planned funds"),
            block="projects",
        ),
        Indicator(
            "funds_allocated",
            _("Funds allocated"),
            _(
                "Funds allocated (下达) to the projects of the year, as the funds ledger adds "
                "up now: every allocation, less the reversing entries (整合资金)."
            ),
            _("sum of the ledger's allocation entries of projects of the year"),
            _("yuan"),
            _("funds ledger entries"),
            block="projects",
        ),
        Indicator(
            "funds_paid",
            _("Funds paid"),
            _(
                "Funds paid out (拨付/报账) of the projects of the year, as the funds ledger adds "
                "up now: every payment, less the reversing entries."
            ),
            _("sum of the ledger's payment entries of projects of the year"),
            _("yuan"),
            _("funds ledger entries"),
            block="projects",
        ),
        Indicator(
            "disbursement_rate",
            _("Disbursement rate"),
            _(
                "Of the funds allocated to the projects of the year, the share paid out "
                "(支出进度); by source on the funds summary, each figure leading to its entries."
            ),
            _("funds paid ÷ funds allocated"),
            "%",
            _("funds ledger entries"),
            block="projects",
        ),
        Indicator(
            "outputs",
            _("Outputs"),
            _(
                "What the projects of the year not cancelled produced, each kind of output in "
                "its unit (公里, 盏, 座…), as recorded on the projects."
            ),
            _("sum of the quantities of each kind of output"),
            _("each kind in its unit"),
            _("projects' outputs"),
            block="projects",
        ),
        Indicator(
            "beneficiary_households",
            _("Households benefiting from projects"),
            _(
                "Registered households that a project of the year not cancelled lists as "
                "benefiting (联农带农), each household once."
            ),
            _("count of distinct households listed by projects of the year"),
            _("households"),
            _("projects' beneficiary households"),
            block="projects",
        ),
        Indicator(
            "income_able",
            _("Households able to work"),
            _(
                "Open households with a member (not left) whose labour ability is 普通劳动力, "
                "技能劳动力 or 弱劳动力或半劳动力."
            ),
            _("count of open households with a member able to work"),
            _("households"),
            _("households and members"),
            block="projects",
        ),
        Indicator(
            "income_covered",
            _("…with a household income project"),
            _(
                "Of the households able to work, those with at least one income project in the "
                "year judged (到户项目): a measure of their plan of kind 产业, 就业, 小额信贷, "
                "生态公益岗位, 消费 or 金融帮扶, not dropped, running in the year, or a project "
                "of the year not cancelled that lists them as benefiting."
            ),
            _("count of households able to work with an income project in the year"),
            _("households"),
            _("households, members, measures and projects' beneficiaries"),
            block="projects",
        ),
        Indicator(
            "income_coverage",
            _("Household income project coverage"),
            _(
                "The share of households able to work with at least one income project in the "
                "year; the coverage list names those without."
            ),
            _("households with an income project ÷ households able to work"),
            "%",
            _("households, members, measures and projects' beneficiaries"),
            block="projects",
        ),
        Indicator(
            "donations",
            _("Donations"),
            _("Donations (社会捐赠) received under the place in the period, by the day given."),
            _("count of donations dated in the period"),
            _("donations"),
            _("donations"),
            flow=True,
            block="projects",
        ),
        Indicator(
            "donations_value",
            _("Donations' value"),
            _("Cash donated in the period, and goods at the value recorded."),
            _("sum of cash + goods valued"),
            _("yuan"),
            _("donations"),
            flow=True,
            block="projects",
        ),
        Indicator(
            "sales",
            _("Consumption assistance sales"),
            _(
                "Sales of the place's villages' and households' products through consumption "
                "assistance (消费帮扶) in the period, by the day sold."
            ),
            _("count of sales dated in the period"),
            _("sales"),
            _("consumption assistance sales"),
            flow=True,
            block="projects",
        ),
        Indicator(
            "sales_amount",
            _("Consumption assistance sales (yuan)"),
            _("What the buyers paid for those products in the period."),
            _("sum of the sales' amounts"),
            _("yuan"),
            _("consumption assistance sales"),
            flow=True,
            block="projects",
        ),
        Indicator(
            "villages_floor",
            _("Villages reaching the collective-income floor"),
            _(
                "Villages whose collective income of the year judged, from every source, "
                "reaches the rule “Yuan a year every village's collective income should "
                "reach” of their place for that year (50,000 by default)."
            ),
            _("count of villages with the year's collective income ≥ the floor"),
            _("villages"),
            _("village collective incomes and each place's rules"),
            block="projects",
        ),
        Indicator(
            "villages_below_floor",
            _("Villages below the collective-income floor"),
            _(
                "Villages under the place whose collective income of the year is below the "
                "floor, those with none recorded included; the collective income page lists "
                "them."
            ),
            _("villages − villages reaching the floor"),
            _("villages"),
            _("villages, their collective incomes and each place's rules"),
            block="projects",
        ),
        Indicator(
            "villages_good_share",
            _("Villages with a strong collective economy"),
            _(
                "The share of the villages under the place whose collective income of the year "
                "reaches the higher target (100,000 by default), to hold against the rule "
                "“Percentage of villages that should reach the higher collective income”."
            ),
            _("villages reaching the higher target ÷ villages"),
            "%",
            _("villages, their collective incomes and each place's rules"),
            block="projects",
        ),
        # Supervision (督查考评): defined in ``supervision.selectors.figures``, whose
        # bulletins print them with their definitions.
        *(Indicator(*definition, block="supervision") for definition in SUPERVISION),
    ]
}

# The dashboard's blocks of figures, in order: key → title.
BLOCKS = {
    "": _("Households and visits"),
    "teams": _("Resident work teams"),
    "health": _("Health assistance"),
    "plans": _("Household plans"),
    "monitoring": _("Relapse-prevention monitoring (防止返贫监测)"),
    "checks": _("Handbook against the national system (账实相符)"),
    "projects": _("Projects and funds (项目资金)"),
    "supervision": _("Supervision and evaluation (督查考评)"),
}


def keys_of(block: str) -> list[str]:
    """The indicators of one of the dashboard's blocks, in their order."""
    return [key for key, indicator in INDICATORS.items() if indicator.block == block]
