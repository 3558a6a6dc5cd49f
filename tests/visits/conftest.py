import datetime
import io
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone
from PIL import Image

from bangfu.core.services import policy_set
from bangfu.pairing import services as pairing
from bangfu.registry.services import household_register
from bangfu.visits import services
from tests.registry.conftest import first_status, household_input, id_number, member_input

VILLAGE = "611103002201"
HOME = (Decimal("34.250000"), Decimal("108.700000"))  # the households' recorded position
PAIRED_SINCE = datetime.date(2026, 1, 1)


def at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def set_rule(actor, key: str, value, code: str = "611103000000") -> None:
    """A rule set on the county (or ``code``) from the start of 2026."""
    policy_set(
        actor=actor, region_code=code, key=key, value=value, valid_from=datetime.date(2026, 1, 1)
    )


@pytest.fixture
def thursdays(world, county_admin):
    """The county visits every Thursday (seed 000)."""
    set_rule(county_admin, "visits.fixed_days", "每周四")


@pytest.fixture
def unit(county_admin):
    return pairing.unit_create(
        actor=county_admin,
        name="沣西新城农业农村局",
        kind="government",
        level="county",
        region_code="611103000000",
    )


@pytest.fixture
def wang(county_admin, unit, helper_wang):
    """The pair helper 王哲铭, signed in on a phone as helper_wang."""
    return pairing.helper_create(
        actor=county_admin, name="王哲铭", unit_id=unit.pk, user_id=helper_wang.pk
    )


HEADS = {"001": "曾佳轩", "002": "马建国", "003": "李秀英"}


@pytest.fixture
def households(county_admin, wang):
    """Three households of 马家寨村 at a known position, all paired with 王哲铭 since January;
    their heads are 曾佳轩, 马建国 and 李秀英."""
    made = []
    for serial, head in HEADS.items():
        household = household_register(
            actor=county_admin,
            household=household_input(
                number=f"6111030022010{serial}",
                region_code=VILLAGE,
                latitude=HOME[0],
                longitude=HOME[1],
            ),
            members=[member_input(name=head, id_number=id_number("19700101", serial))],
            status=first_status(),
        )
        pairing.pairing_start(
            actor=county_admin,
            household_id=household.pk,
            helper_id=wang.pk,
            is_main=True,
            started_on=PAIRED_SINCE,
        )
        made.append(household)
    return made


def log(actor, household, when, **fields):
    """Log a visit the way the phone page does; answers the visit."""
    client_id = fields.pop("client_id", None) or uuid.uuid4()
    helper_id = fields.pop("helper_id", None)
    visit, _created = services.visit_record(
        actor=actor,
        client_id=client_id,
        data=services.VisitInput(household_id=household.pk, visited_at=when, **fields),
        helper_id=helper_id,
    )
    return visit


def jpeg(seed: int = 0, size=(640, 480), exif: Image.Exif | None = None) -> bytes:
    """A picture with structure (so that its perceptual hash means something)."""
    image = Image.new("RGB", size, (200, 200, 200))
    pixels = image.load()
    for x in range(size[0]):
        for y in range(size[1]):
            if ((x // (40 + seed * 7)) + (y // (30 + seed * 3))) % 2:
                pixels[x, y] = (30 + seed * 20, 90, 160)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif if exif is not None else Image.Exif())
    return out.getvalue()
