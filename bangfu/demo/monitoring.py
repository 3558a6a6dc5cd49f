"""The demo district's monitoring (防止返贫动态监测): through the services, as cadres would
record it — alerts raised by screening in every state (open, some of them overdue; verified
not at risk; identification started), one identification in progress (awaiting the
township's review after the village's notice) and one decided, which made its household a
monitored household; one household identified ten months ago whose risk was cleared (风险消除)
after seven months of income checks above the line, through its whole procedure; and one
exit verification (脱贫退出) in progress, awaiting the village's review. ``helper_wang``'s
households come first, so that their open alerts stand at the top of the helper's home page.
"""

import datetime
import io
import itertools
from decimal import Decimal

from PIL import Image, ImageDraw

from bangfu.monitoring import engine
from bangfu.monitoring.services import (
    AlertInput,
    ClosingInput,
    IncomeCheckInput,
    StartInput,
    StepInput,
    alert_close,
    alert_raise,
    income_check_record,
    procedure_start,
    step_record,
)
from bangfu.pairing.models import Pairing
from bangfu.registry.models import Household, HouseholdStatus
from bangfu.registry.services import TRANSITIONS, StatusInput, household_status_change

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


def make_monitoring(*, actor, today: datetime.date, helper_login) -> int:
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
    # Identification in progress: through the village's review, its notice posted.
    running = alert(next(households), today - days(6), FOUND[2])
    procedure = alert_close(
        actor=actor,
        alert_id=running.pk,
        closing=ClosingInput(outcome="identifying", closed_on=today - days(6)),
    ).procedure
    steps(
        procedure,
        [
            ("application", today - days(6), {}),
            ("home_check", today - days(4), {"note": "房屋后墙裂缝约2米，户内无其他安全住房"}),
            ("village_review", today - days(3), {"notice_from": today - days(3)}),
        ],
    )

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
