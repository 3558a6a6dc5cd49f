"""Monitoring in 马家寨村 (钓台街道): the three households of the visits' fixtures, paired
with the helper 王哲铭 (helper_wang); a work-team member of the village and a township
officer of 钓台街道 for the village's and the township's steps; today frozen at 2026-11-30.

Mid-Autumn and National Day 2026 as the installed calendar has them: 2026-09-20 (Sunday) is a
make-up working day; 09-25 (Friday) and 10-01…10-07 are holidays; 10-10 (Saturday) is a
make-up working day.
"""

import datetime
import io

import pytest
from PIL import Image

from bangfu.monitoring import services
from bangfu.monitoring.services import AlertInput, ClosingInput, StepInput
from tests.factories import UserFactory
from tests.teams.conftest import on_day  # noqa: F401 (a fixture)
from tests.visits.conftest import households, set_rule, unit, wang  # noqa: F401 (fixtures)

TODAY = datetime.date(2026, 11, 30)
D = datetime.date
START = D(2026, 9, 24)  # a Thursday, the day before Mid-Autumn


@pytest.fixture
def today(on_day):  # noqa: F811
    return on_day(TODAY)


@pytest.fixture
def village_team(world):
    """A work-team member of 马家寨村: the village's steps."""
    return UserFactory(
        username="majiazhai_team", full_name="孙队员", places=["611103002201"], roles=["work_team"]
    )


@pytest.fixture
def diaotai_staff(world):
    """An officer of 钓台街道, the township over 马家寨村."""
    return UserFactory(
        username="diaotai_staff",
        full_name="吴干事",
        places=["611103002000"],
        roles=["township_staff"],
    )


@pytest.fixture
def working_days(county_admin):
    """The county counts monitoring deadlines in working days."""
    set_rule(county_admin, "monitoring.count_working_days", "是")


def commitment_photo() -> bytes:
    image = Image.new("RGB", (400, 300), (240, 240, 240))
    for x in range(0, 400, 20):
        for y in range(300):
            image.putpixel((x, y), (20, 20, 20))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


def raise_alert(actor, household, raised_on=START, summary="家中主要劳动力因病住院"):
    return services.alert_raise(
        actor=actor,
        household_id=household.pk,
        alert=AlertInput(summary=summary, raised_on=raised_on),
    )


def start_identification(actor, household, on=START):
    """An alert raised and closed on ``on`` with an identification started: the procedure."""
    alert = raise_alert(actor, household, raised_on=on)
    closed = services.alert_close(
        actor=actor, alert_id=alert.pk, closing=ClosingInput(outcome="identifying", closed_on=on)
    )
    return closed.procedure


def step(actor, procedure, key, done_on, **fields):
    photo = fields.pop("photo", None)
    if key == "application" and photo is None and fields.get("outcome", "passed") == "passed":
        photo = commitment_photo()
    return services.step_record(
        actor=actor,
        procedure_id=procedure.pk,
        step=StepInput(step=key, done_on=done_on, **fields),
        photo=photo,
    )
