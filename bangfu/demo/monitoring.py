"""The demo district's monitoring (防止返贫动态监测): through the services, as cadres would
record it — alerts raised by screening in every state (open, some of them overdue; verified
not at risk; identification started), one identification in progress (awaiting the
township's review after the village's notice) and one decided, which made its household a
monitored household. ``helper_wang``'s households come first, so that their open alerts
stand at the top of the helper's home page.
"""

import datetime
import io

from PIL import Image, ImageDraw

from bangfu.monitoring.services import (
    AlertInput,
    ClosingInput,
    StepInput,
    alert_close,
    alert_raise,
    step_record,
)
from bangfu.pairing.models import Pairing
from bangfu.registry.models import Household, HouseholdStatus
from bangfu.registry.services import TRANSITIONS

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
    # Identification decided: the household is monitored.
    decided = alert(next(households), today - days(40), FOUND[3])
    procedure = alert_close(
        actor=actor,
        alert_id=decided.pk,
        closing=ClosingInput(outcome="identifying", closed_on=today - days(39)),
    ).procedure
    steps(
        procedure,
        [
            ("application", today - days(38), {}),
            ("home_check", today - days(36), {"note": "学费每年约6000元，家庭人均收入接近监测线"}),
            ("village_review", today - days(34), {"notice_from": today - days(34)}),
            ("township_review", today - days(24), {}),
            ("county_decision", today - days(23), {"monitoring_type": "2", "risk_types": ["2"]}),
        ],
    )
    return raised
