"""The demo district's monitoring (防止返贫动态监测): through the services, as cadres,
departments and villagers would record it —

- alerts raised by screening in every state (open, one of them overdue; verified not at risk;
  identification started), and one identification decided, which made its household a
  monitored household;
- one household identified ten months ago whose risk was cleared (风险消除) after seven
  months of income checks above the line, through its whole procedure; one exit verification
  (脱贫退出) in progress, awaiting the village's review;
- departments' rows (``departments``: 医保, 民政, 教育, 残联, 住建, 人社) and the rules' nightly
  run of six days ago over them (``rules_run``): alerts ``source=rule`` naming their rule and
  fired records — the helper's job lost and illness costs open, a new disability certificate
  verified not at risk, and the house classed unsafe, whose identification is the one in
  progress (the village's notice posted, awaiting the township's review); the run also finds
  the large costs of last year's serious illnesses the health demo recorded;
- three self-reports (农户自主申报) from the public page to ``township_staff``'s township: one
  answered with an alert, one closed as not at risk, one open to answer;
- the rule of assistance (帮扶): every monitored household able to work has a developmental
  measure (产业 or 就业) but one, red on the list of those lacking assistance; a household
  without labour under social security (兜底) has its 低保 measure and 民政's allowance.

``helper_wang``'s households come first, so that their open alerts stand at the top of the
helper's home page.
"""

import datetime
import io
import itertools
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from PIL import Image, ImageDraw

from bangfu.core.regions import RegionLevel
from bangfu.monitoring import engine
from bangfu.monitoring.models import Alert, AlertSource, EventKind, Procedure, RuleRun
from bangfu.monitoring.rules import years_ago
from bangfu.monitoring.selectors import AssistanceList, assistance_list
from bangfu.monitoring.services import (
    AlertInput,
    ClosingInput,
    IncomeCheckInput,
    ReportAlertInput,
    ReportClosingInput,
    SelfReportInput,
    StartInput,
    StepInput,
    alert_close,
    alert_raise,
    income_check_record,
    procedure_start,
    rules_run,
    self_report_close,
    self_report_raise_alert,
    self_report_submit,
    step_record,
)
from bangfu.pairing.models import Pairing
from bangfu.plans.models import MeasureStatus
from bangfu.plans.selectors import head_name
from bangfu.plans.services import MeasureInput, measure_add
from bangfu.registry.models import Household, HouseholdStatus
from bangfu.registry.services import TRANSITIONS, StatusInput, household_status_change

from .departments import make_department_data
from .plans import MEASURES

FOUND = [
    "排查发现：户主突发脑梗住院，自付医疗费用约3.5万元",
    "排查发现：家中主要劳动力务工中断，近三个月无稳定收入",
    "排查发现：暴雨致房屋后墙开裂，需鉴定是否危房",
    "排查发现：子女考入高职，学费负担较重",
    "排查发现：种植的猕猴桃受冻减产",
    "排查发现：老人独居，行动不便",
]


def _commitment() -> bytes:
    """A photographed signed paper: lines of text and a signature."""
    image = Image.new("RGB", (600, 800), (250, 250, 245))
    draw = ImageDraw.Draw(image)
    for y in range(80, 640, 40):
        draw.line([(60, y), (540, y)], fill=(60, 60, 60), width=3)
    draw.line([(360, 720), (420, 690), (470, 730), (530, 700)], fill=(10, 10, 10), width=5)
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


STORIES = 6  # the households the alerts below are about, each a different one


def _households(helper_login) -> list[Household]:
    """The helper's households first, then the rest; only those that may become monitored."""
    mine = list(
        Pairing.objects.filter(helper__user=helper_login, ended_on=None).values_list(
            "household_id", flat=True
        )
    )
    rows = Household.objects.filter(closed_on=None).order_by("pk")
    ordered = [h for h in rows if h.pk in mine] + [h for h in rows[:200] if h.pk not in mine]
    return [h for h in ordered if HouseholdStatus.MONITORED in TRANSITIONS[h.status]]


def make_monitoring(*, actor, today: datetime.date, helper_login, township_login) -> int:
    """Returns how many alerts were raised: none in a demo without the households its
    stories need (``demo_data --households=0``, which tests use for an empty district)."""
    days = datetime.timedelta
    chosen = _households(helper_login)
    if len(chosen) < STORIES:
        return 0
    households = iter(chosen)
    photo = _commitment()
    raised = 0

    def alert(household, on, text):
        nonlocal raised
        raised += 1
        return alert_raise(
            actor=actor, household_id=household.pk, alert=AlertInput(summary=text, raised_on=on)
        )

    def steps(procedure, plan):
        for key, on, extra in plan:
            step_record(
                actor=actor,
                procedure_id=procedure.pk,
                step=StepInput(step=key, done_on=on, **extra),
                photo=photo if key == "application" else None,
            )

    # Open: two of the helper's households (one overdue), one elsewhere.
    alert(next(households), today - days(2), FOUND[0])
    alert(next(households), today - days(12), FOUND[1])
    alert(next(households), today - days(1), FOUND[5])
    # Verified: not at risk.
    quiet = alert(next(households), today - days(20), FOUND[4])
    alert_close(
        actor=actor,
        alert_id=quiet.pk,
        closing=ClosingInput(
            outcome="not_at_risk",
            closed_on=today - days(17),
            reason="核实：已获农业保险理赔，家庭收入高于监测线",
        ),
    )
    # The household whose house 住建 classes unsafe: its alert, from the rules, starts the
    # identification in progress (below, once the rules have run).
    housing = next(households)

    def identify(household, back: int, found: str, home_note: str, risk: str) -> None:
        """An alert raised ``back`` days ago and the identification it started, decided 17
        days later: the household is monitored."""
        raised = alert(household, today - days(back), found)
        procedure = alert_close(
            actor=actor,
            alert_id=raised.pk,
            closing=ClosingInput(outcome="identifying", closed_on=today - days(back - 1)),
        ).procedure
        notice = today - days(back - 6)
        steps(
            procedure,
            [
                ("application", today - days(back - 2), {}),
                ("home_check", today - days(back - 4), {"note": home_note}),
                ("village_review", notice, {"notice_from": notice}),
                ("township_review", today - days(back - 16), {}),
                ("county_decision", today - days(back - 17),
                 {"monitoring_type": "2", "risk_types": [risk]}),
            ],
        )  # fmt: skip

    # Identification decided: the household is monitored.
    identify(next(households), 40, FOUND[3], "学费每年约6000元，家庭人均收入接近监测线", "2")
    _cleared(actor, today, list(itertools.islice(households, 20)), identify, steps)
    _exit_in_progress(actor, today, steps)
    support = (
        assistance_list(actor, AssistanceList.SOCIAL_SECURITY, None, today)
        .filter(status=HouseholdStatus.MONITORED)
        .first()
    )
    raised += _by_rules(actor, today, helper_login, housing, support, steps)
    raised += _self_reports(today, township_login)
    _assistance(actor, today, support)
    return raised


def _passes_but_income(spec: engine.ProcedureSpec, household: Household, day) -> bool:
    """Every item but those the demo's own records settle (income, 两不愁, alerts) passes:
    the household's registry and health records allow the procedure."""
    settled = {"income_stable", "exit_income", "food_and_clothing", "no_open_alert"}
    return all(r.finding.passed for r in spec.checked(household, day) if r.item.key not in settled)


def _income(actor, household, on, amount, food=None):
    income_check_record(
        actor=actor,
        household_id=household.pk,
        check=IncomeCheckInput(per_capita=Decimal(amount), assessed_on=on, food_and_clothing=food),
    )


CLEARED_HOME = {"food_and_clothing": True, "note": "大病保险报销后自付不足3000元，务工收入稳定"}


def _cleared(actor, today, candidates, identify, steps) -> None:
    """Identified ten months ago (a serious illness), income checked above the line for seven
    months, its risk cleared last month through the whole procedure."""
    days = datetime.timedelta
    household = next(
        (h for h in candidates if _passes_but_income(engine.RISK_CLEARING, h, today)), None
    )
    if household is None:
        return
    identify(
        household,
        310,
        "排查发现：户主患慢性肾病，年自付医疗费用约2万元",
        "自付医疗费用较高，人均收入低于监测线",
        "1",
    )
    for back, amount in ((280, 5200), (250, 7100), (160, 7600), (40, 8100)):
        _income(actor, household, today - days(back), amount)
    clearing = procedure_start(
        actor=actor,
        household_id=household.pk,
        start=StartInput(kind="risk_clearing", started_on=today - days(35)),
    )
    steps(
        clearing,
        [
            ("home_check", today - days(35), {**CLEARED_HOME, "per_capita": Decimal(8300)}),
            ("village_review", today - days(34), {"notice_from": today - days(33)}),
            ("township_review", today - days(25), {}),
            ("county_decision", today - days(24), {}),
        ],
    )


def _exit_in_progress(actor, today, steps) -> None:
    """A household that relapsed into poverty after a hailstorm last spring (the district's
    registered households are all out since 2020), whose exit the village proposed a week ago:
    home checked, awaiting the village's review."""
    days = datetime.timedelta
    rows = Household.objects.filter(closed_on=None, procedures__isnull=True).order_by("pk")[:200]
    household = next(
        (
            h
            for h in rows
            if HouseholdStatus.RELAPSED in TRANSITIONS[h.status]
            and _passes_but_income(engine.EXIT, h, today)
        ),
        None,
    )
    if household is None:
        return
    household_status_change(
        actor=actor,
        household_id=household.pk,
        change=StatusInput(
            status=HouseholdStatus.RELAPSED,
            effective_on=today - days(240),
            reason="冰雹致果园绝收，人均收入低于当年标准",
        ),
    )
    household.refresh_from_db()
    _income(actor, household, today - days(9), 4800, food=True)
    proposed = procedure_start(
        actor=actor,
        household_id=household.pk,
        start=StartInput(kind="exit", started_on=today - days(8)),
    )
    steps(
        proposed,
        [
            ("home_check", today - days(7), {"per_capita": Decimal(4900), "food_and_clothing": True,
                                             "note": "种养殖收入稳定，住房饮水安全"}),
        ],
    )  # fmt: skip


RULES_RAN = 6  # days ago the nightly run raised the rules' alerts (due by tomorrow: still open)


def _by_rules(actor, today, helper_login, housing, support, steps) -> int:
    """Departments' rows (``departments``), then the rules' nightly run of six days ago over
    them, as the system: an alert a household and rule, naming its fired records. Of its
    alerts, the unsafe house's started the identification in progress (home checked, the
    village's notice posted, awaiting the township), the new disability certificate's was
    verified not at risk; the rest, the helper's among them, are open to verify."""
    days = datetime.timedelta
    on = today - days(RULES_RAN)
    taken = set(Procedure.objects.values_list("household_id", flat=True))
    recorded = make_department_data(
        actor=actor, on=on, helper_login=helper_login, housing=housing, support=support,
        taken=taken,
    )  # fmt: skip
    run = rules_run(on=on, trigger=RuleRun.Trigger.NIGHTLY)
    fired = Alert.objects.filter(raised_on=on, source=AlertSource.RULE)
    unsafe = fired.get(rule_code="unsafe_housing", household=housing)
    procedure = alert_close(
        actor=actor,
        alert_id=unsafe.pk,
        closing=ClosingInput(outcome="identifying", closed_on=on),
    ).procedure
    steps(
        procedure,
        [
            ("application", on, {}),
            ("home_check", today - days(4), {"note": "房屋后墙裂缝约2米，户内无其他安全住房"}),
            ("village_review", today - days(3), {"notice_from": today - days(3)}),
        ],
    )
    disabled = recorded.by_kind.get(EventKind.DISABILITY)
    if disabled is not None:
        alert_close(
            actor=actor,
            alert_id=fired.get(rule_code="disability", household_id=disabled).pk,
            closing=ClosingInput(
                outcome="not_at_risk",
                closed_on=today - days(3),
                reason="核实：新办残疾证（四级），已享受困难残疾人生活补贴，子女务工收入稳定",
            ),
        )
    return run.alerts


# name of the villager (None: the household's head), phone, what happened, risk type,
# and the township's answer after calling back: an alert's summary, a reason it is not at
# risk, or None (open, to answer).
REPORTS = [
    (
        "儿子在外地工地打工，工地停工三个月没发工资，家里两个孩子上学要钱，想问问有没有帮扶。",
        "7",
        ("alert", "自主申报回访：户主之子务工工地停工，三个月无收入，需入户核实"),
    ),
    (
        "房子下雨天漏水，想申请危房改造。",
        "",
        ("close", "回访核实：房屋经鉴定为B级，已纳入村级维修计划；家庭务工收入稳定，无返贫风险"),
    ),
    (
        "老伴上个月摔断了腿住院，花了两万多，家里没有劳力干活了。",
        "5",
        None,
    ),
]


def _self_reports(today, township_login) -> int:
    """Three villagers' self-reports (农户自主申报) sent today from the public page, each by a
    household's head, to ``township_staff``'s township, which called back: one answered with
    an alert about the household, one closed as not at risk, one open to answer."""
    busy = set(Alert.objects.values_list("household_id", flat=True))
    busy |= set(Procedure.objects.values_list("household_id", flat=True))
    rows = (
        Household.objects.visible_to(township_login)
        .filter(closed_on=None)
        .select_related("region__parent")
        .order_by("pk")[:100]
    )
    households = [h for h in rows if h.pk not in busy][: len(REPORTS)]
    raised = 0
    for n, ((what, kind, answer), household) in enumerate(zip(REPORTS, households, strict=False)):
        place = household.region
        village = place if place.level == RegionLevel.VILLAGE else place.parent
        report = self_report_submit(
            actor=AnonymousUser(),
            report=SelfReportInput(
                name=head_name(household) or "村民",
                phone=f"1390913{n + 1:04d}",
                village=village.code,
                what_happened=what,
                kind=kind,
            ),
            address=f"203.0.113.{n + 10}",  # a documentation network: no one's address
        )
        if answer and answer[0] == "alert":
            self_report_raise_alert(
                actor=township_login,
                report_id=report.pk,
                alert=ReportAlertInput(household_id=household.pk, summary=answer[1]),
            )
            raised += 1
        elif answer:
            self_report_close(
                actor=township_login,
                report_id=report.pk,
                closing=ReportClosingInput(reason=answer[1]),
            )
    return raised


def _assistance(actor, today, support) -> None:
    """The rule of assistance (帮扶): every monitored household able to work is given a
    developmental measure it lacked — employment (就业) when a member under 45 can work,
    else industry (产业) — but one, left red on the list of those lacking assistance for the
    township to follow up; the household under social security (兜底) gets its 低保 measure
    if its plan had none."""
    days = datetime.timedelta
    lacking = [
        h
        for h in assistance_list(actor, AssistanceList.LACKING, None, today)
        if h.able and not h.developmental
    ]
    for household in lacking[1:]:
        young = household.members.filter(
            left_on=None,
            labour__value__in=["1", "2"],
            birth_date__gt=years_ago(today, 45),
        ).exists()
        _measure(actor, household, "2" if young else "1", today - days(10), today + days(170))
    if support is not None and not support.measures.filter(kind__value="8").exists():
        _measure(actor, support, "8", today - days(40), today + days(325))


def _measure(actor, household, kind, starts, due) -> None:
    content, amount, person = MEASURES[kind]
    helper = (
        Pairing.objects.filter(household=household, ended_on=None, helper__isnull=False)
        .order_by("-is_main", "pk")
        .values_list("helper_id", flat=True)
        .first()
    )
    measure_add(
        actor=actor,
        household_id=household.pk,
        measure=MeasureInput(
            kind=kind,
            content=content.format(n=4),
            amount=amount,
            starts_on=starts,
            due_on=due,
            responsible_helper_id=None if person else helper,
            responsible_name=person or ("" if helper else "村委会"),
            status=MeasureStatus.UNDER_WAY,
        ),
    )
