"""Household plans in 马家寨村: the three households of the visits' fixtures, paired with the
helper 王哲铭 (signed in as helper_wang) since January; today is frozen at 2026-11-30."""

import datetime
from decimal import Decimal

import pytest

from bangfu.plans.services import MeasureInput, measure_add
from tests.teams.conftest import on_day  # noqa: F401 (a fixture)
from tests.visits.conftest import households, unit, wang  # noqa: F401 (fixtures)

TODAY = datetime.date(2026, 11, 30)


@pytest.fixture
def today(on_day):  # noqa: F811
    return on_day(TODAY)


def measure_input(**overrides) -> MeasureInput:
    values = {
        "kind": "1",
        "content": "发展养殖：购进仔猪5头",
        "starts_on": datetime.date(2026, 3, 1),
        "due_on": datetime.date(2026, 12, 31),
        "amount": Decimal("3000"),
        "responsible_name": "镇畜牧站 刘站长",
    }
    values.update(overrides)
    return MeasureInput(**values)


def add(actor, household, **overrides):
    return measure_add(actor=actor, household_id=household.pk, measure=measure_input(**overrides))


def signature_png(size=(320, 160)) -> bytes:
    """A signature as the phone's canvas sends it: black strokes on a transparent ground."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.line([(20, 120), (80, 40), (140, 120), (200, 40), (300, 100)], fill="black", width=6)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
